/* sql_type_io.h -- the functions the type registry's entries point to (sql_type.c): text
 * input and output, comparison and hashing per representation, and the cast functions
 * (signatures are sql_type.h's typedefs); and the binary send/receive of the Postgres wire's
 * format 1 (sql_type_bin.c), which the wire layer calls directly. */
#ifndef SQL_TYPE_IO_H
#define SQL_TYPE_IO_H

#include "sql_type.h"

#define SQL_IO_FAMILY(f)                                                                      \
    int sql_io_##f##_in(const char *s, size_t len, uint32_t oid, struct lw_arena *arena,      \
                        struct sql_value *out, struct sql_error *err);                        \
    void sql_io_##f##_out(const struct sql_value *v, uint32_t oid, struct lw_buf *b);
SQL_IO_FAMILY(bool)
SQL_IO_FAMILY(int)
SQL_IO_FAMILY(float)
SQL_IO_FAMILY(text)
SQL_IO_FAMILY(bytea)
SQL_IO_FAMILY(array)
SQL_IO_FAMILY(time)
SQL_IO_FAMILY(interval)
#undef SQL_IO_FAMILY

int sql_io_char_in(const char *s, size_t len, uint32_t oid, struct lw_arena *arena,
                   struct sql_value *out, struct sql_error *err);
void sql_io_char_out(const struct sql_value *v, uint32_t oid, struct lw_buf *b);
int sql_io_name_in(const char *s, size_t len, uint32_t oid, struct lw_arena *arena,
                   struct sql_value *out, struct sql_error *err);
int sql_io_json_in(const char *s, size_t len, uint32_t oid, struct lw_arena *arena,
                   struct sql_value *out, struct sql_error *err);
int sql_io_uuid_in(const char *s, size_t len, uint32_t oid, struct lw_arena *arena,
                   struct sql_value *out, struct sql_error *err);
int sql_io_numeric_in(const char *s, size_t len, uint32_t oid, struct lw_arena *arena,
                      struct sql_value *out, struct sql_error *err);

int sql_io_bool_cmp(const struct sql_value *a, const struct sql_value *b);
int sql_io_int_cmp(const struct sql_value *a, const struct sql_value *b);
int sql_io_float_cmp(const struct sql_value *a, const struct sql_value *b);
int sql_io_text_cmp(const struct sql_value *a, const struct sql_value *b);
int sql_io_array_cmp(const struct sql_value *a, const struct sql_value *b);
int sql_io_time_cmp(const struct sql_value *a, const struct sql_value *b);
int sql_io_interval_cmp(const struct sql_value *a, const struct sql_value *b);
int sql_io_numeric_cmp(const struct sql_value *a, const struct sql_value *b);
uint64_t sql_io_bool_hash(const struct sql_value *v);
uint64_t sql_io_int_hash(const struct sql_value *v);
uint64_t sql_io_float_hash(const struct sql_value *v);
uint64_t sql_io_text_hash(const struct sql_value *v);
uint64_t sql_io_array_hash(const struct sql_value *v);
uint64_t sql_io_time_hash(const struct sql_value *v);
uint64_t sql_io_interval_hash(const struct sql_value *v);
uint64_t sql_io_numeric_hash(const struct sql_value *v);

#define SQL_IO_CAST(f)                                                                        \
    int sql_io_cast_##f(const struct sql_value *in, uint32_t src, uint32_t dst,               \
                        struct lw_arena *arena, struct sql_value *out, struct sql_error *err);
SQL_IO_CAST(num)
SQL_IO_CAST(same)
SQL_IO_CAST(name)
SQL_IO_CAST(char)
SQL_IO_CAST(char_int)
SQL_IO_CAST(bpchar_text)
SQL_IO_CAST(time)
SQL_IO_CAST(via_text)
#undef SQL_IO_CAST

/* Numeric values are held as their canonical decimal text; these compare and convert it. */
int sql_numeric_cmp_text(const char *a, size_t alen, const char *b, size_t blen);
/* Canonical text of a decimal (PostgreSQL's numeric_in + numeric_out): into arena. */
int sql_numeric_canon(const char *s, size_t len, struct lw_arena *arena, struct sql_value *out,
                      struct sql_error *err);

/* date, timestamp and timestamptz hold microseconds since 1970 UTC (a date: its midnight);
 * 'infinity' and '-infinity' are int64's two ends, as PostgreSQL's DT_NOEND/DT_NOBEGIN, so
 * they compare, sort and hash with no special case. Functions check sql_time_finite before
 * any arithmetic. */
#define SQL_TIME_NOBEGIN INT64_MIN
#define SQL_TIME_NOEND INT64_MAX
static inline bool sql_time_finite(int64_t us)
{
    return us != SQL_TIME_NOBEGIN && us != SQL_TIME_NOEND;
}

/* Interval helpers shared with the time functions. */
int64_t sql_interval_span_us(const struct sql_interval *iv);
/* Date parts of microseconds since 1970 (UTC). */
void sql_civil_from_us(int64_t us, int *y, int *mo, int *d, int *h, int *mi, int *s,
                       int *frac_us);

/* Binary format (sql_type_bin.c). has_binary: the type (or array's element type) has a
 * binary form. send appends v's (non-NULL, of type oid) binary form to b; recv parses
 * p[0..len) into *out (text and arrays into arena). Errors: 0A000 naming a type without a
 * binary form, 22P03 for malformed input ("incorrect binary data format"). */
bool sql_type_has_binary(uint32_t oid);
int sql_type_send(const struct sql_value *v, uint32_t oid, struct lw_buf *b,
                  struct sql_error *err) LW_MUSTCHECK;
int sql_type_recv(const char *p, size_t len, uint32_t oid, struct lw_arena *arena,
                  struct sql_value *out, struct sql_error *err) LW_MUSTCHECK;

#endif

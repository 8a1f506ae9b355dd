/* sql_value.h -- values of lakeward's SQL types: their representation, text output and
 * input (through the type registry, sql_type.h), comparison, and the parsing and
 * formatting primitives the types' I/O functions are built from. */
#ifndef SQL_VALUE_H
#define SQL_VALUE_H

#include "../server/core/lw_buf.h"
#include "sql_error.h"
#include "sql_vtab.h"

struct lw_arena;

/* The representation of values of type oid (SQL_V_TEXT for unknown OIDs). */
enum sql_vtype sql_vtype_of(uint32_t oid);
/* The SQL name Postgres uses in messages ("integer", "timestamp with time zone"). */
const char *sql_type_name(uint32_t oid);
/* pg_type.typlen: the fixed size in bytes, or -1 for variable-length types. */
int sql_type_len(uint32_t oid);
/* True when values of the two types can be compared (numbers with numbers, ...). */
bool sql_types_comparable(uint32_t a, uint32_t b);
/* True when the type has an ordering and equality (json has neither). */
bool sql_type_orderable(uint32_t oid);

/* Appends v's Postgres text output, v being of type oid and not NULL. */
void sql_value_text(const struct sql_value *v, uint32_t oid, struct lw_buf *b);

/* Parses the string literal s[0..len) as a value of type oid, as the type's input function
 * would. On success *out is filled (text points into s, or into arena for types whose
 * input rewrites the text; arena NULL is fine for the others). On failure returns
 * LW_EINVAL with Postgres's SQLSTATE and message in err (22P02, 22003, 22007, 22008). */
int sql_value_parse(const char *s, size_t len, uint32_t oid, struct sql_value *out,
                    struct sql_error *err) LW_MUSTCHECK;
int sql_value_parse_in(const char *s, size_t len, uint32_t oid, struct lw_arena *arena,
                       struct sql_value *out, struct sql_error *err) LW_MUSTCHECK;

/* Orders two non-NULL values of comparable types: <0, 0 or >0. Integers and floats compare
 * numerically; text compares bytewise (the C collation); NaN sorts above every number. */
int sql_value_cmp(const struct sql_value *a, const struct sql_value *b);

/* Timestamps (microseconds since the Unix epoch, UTC). Format writes "YYYY-MM-DD
 * HH:MM:SS[.ffffff]+00" (trailing fraction zeros dropped, as Postgres does with TimeZone
 * UTC) into out, which must hold 40 bytes. Parse accepts ISO 8601 dates and date-times with
 * an optional fraction and zone (Z, UTC, +HH, +HHMM, +HH:MM); no zone means UTC. */
void sql_time_format(int64_t us, char *out);
int sql_time_parse(const char *s, size_t len, int64_t *us) LW_MUSTCHECK;
/* The same on trimmed text, telling the zone written (its offset in seconds east of UTC, or
 * SQL_NO_ZONE; *us is UTC either way) and whether a time of day was written.
 * Returns 0, 1 for a syntax error, 2 for a field out of range, 3 for a year past 294246
 * (beyond what lakeward holds; *us is then that year). */
#define SQL_NO_ZONE INT64_MIN
int sql_time_parse_ex(const char *s, size_t len, int64_t *us, int64_t *zone_s, bool *has_time);

/* Primitives (PostgreSQL's rules): surrounding blanks, booleans (t/true/yes/on/1 and unique
 * prefixes), 64-bit integers (overflow reported apart from syntax), doubles (strtod, no
 * hex), the shortest text reading back as the same double, civil days since 1970-01-01. */
void sql_trim(const char **s, size_t *len);
bool sql_parse_bool(const char *s, size_t len, bool *out);
bool sql_parse_int(const char *s, size_t len, int64_t *out, bool *overflow);
bool sql_parse_float(const char *s, size_t len, double *out, bool *overflow);
void sql_format_float8(double f, struct lw_buf *b);
int64_t sql_days_from_civil(int64_t y, int m, int d);
int sql_days_in_month(int y, int m);

#endif

/* sql_func_impl.h -- what the function families (sql_func_<family>.c) share: their tables
 * for the registry (sql_func.c) and small helpers for writing implementations. */
#ifndef SQL_FUNC_IMPL_H
#define SQL_FUNC_IMPL_H

#include "../server/core/lw_arena.h"
#include "sql_func.h"

extern const struct sql_func_family sql_func_family_ops;    /* operators' functions */
extern const struct sql_func_family sql_func_family_misc;   /* string, math, time, session */
extern const struct sql_func_family sql_func_family_agg;    /* aggregates */
extern const struct sql_func_family sql_func_family_srf;    /* set-returning */
extern const struct sql_func_family sql_func_family_numeric;    /* numeric arithmetic */
extern const struct sql_func_family sql_func_family_json;   /* json operators */
extern const struct sql_func_family sql_func_family_array;  /* array functions, || on arrays */
extern const struct sql_func_family sql_func_family_typeio; /* pg_type's I/O functions */
extern const struct sql_func_family sql_func_family_cast;   /* pg_cast's functions */

/* Result setters. */
static inline void sql_ret_bool(struct sql_value *o, bool b)
{
    o->type = SQL_V_BOOL;
    o->u.b = b;
}
static inline void sql_ret_int(struct sql_value *o, int64_t i)
{
    o->type = SQL_V_INT;
    o->u.i = i;
}
static inline void sql_ret_float(struct sql_value *o, double f)
{
    o->type = SQL_V_FLOAT;
    o->u.f = f;
}
static inline void sql_ret_time(struct sql_value *o, int64_t us)
{
    o->type = SQL_V_TIME;
    o->u.us = us;
}
/* Text result copied into the call's arena. */
int sql_ret_text(struct sql_fcall *c, struct sql_value *o, const char *p, size_t len);
/* 53200/54000 for a failed arena allocation. */
int sql_fn_nomem(struct sql_fcall *c);
/* Entries whose implementation is not written yet: present so that resolution picks what
 * PostgreSQL would pick, refused with 0A000 by the binder (never a different answer). */
int sql_fn_unsupported(struct sql_fcall *c, int argc, const struct sql_value *argv,
                       struct sql_value *out);

/* ts + sign * iv with PostgreSQL's month arithmetic (day clamped to the month's end).
 * Returns 0; -1 when the result leaves PostgreSQL's timestamp range (22008 for the caller
 * to report); -2 when it is inside it but past lakeward's end in 294246 AD (0A000). ts must
 * be finite; *res is set only on success. */
int sql_ts_add_interval(int64_t ts, const struct sql_interval *iv, int sign, int64_t *res);

#endif

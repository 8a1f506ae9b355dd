/* sql_exec.h -- runs a bound SELECT plan (sql_plan.h) against its virtual table: asks the
 * table for a plan (best_index), scans it (open/filter/next/column), re-checks the WHERE
 * constraints the table did not promise to answer exactly, sorts (buffering rows up to a
 * bound) and applies OFFSET/LIMIT, handing each output row to a sink. */
#ifndef SQL_EXEC_H
#define SQL_EXEC_H

#include "sql_plan.h"

struct sql_result_col {
    const char *name;
    uint32_t type_oid;
};

/* Where results go (the Postgres-wire layer implements it). Each callback returns 0, or a
 * negative code with err filled (e.g. the client went away or a row exceeds the message
 * bound); the engine then stops the statement and returns that error. Pointers passed in
 * are valid only during the call. */
struct sql_sink {
    void *ctx;
    int (*columns)(void *ctx, int n, const struct sql_result_col *cols, struct sql_error *err);
    int (*row)(void *ctx, int n, const struct sql_value *vals, struct sql_error *err);
    int (*complete)(void *ctx, const char *tag, struct sql_error *err);
    int (*empty)(void *ctx, struct sql_error *err);
};

/* Runs p (kind SQL_STMT_SELECT): the columns, then the rows. Rows that must be sorted are
 * copied into arena and at most max_rows_buffered are kept (SQLSTATE 54000 beyond).
 * *nrows gets the number of rows sent. Returns 0 or a negative code with err filled. */
int sql_exec_select(const struct sql_plan *p, const struct sql_sink *sink,
                    struct lw_arena *arena, long max_rows_buffered, uint64_t *nrows,
                    struct sql_error *err) LW_MUSTCHECK;

#endif

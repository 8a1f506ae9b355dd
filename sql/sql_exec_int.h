/* sql_exec_int.h -- one bound statement being run, shared by the extended-protocol objects
 * (sql_exec.c) and the simple protocol's loop (sql_engine.c). */
#ifndef SQL_EXEC_INT_H
#define SQL_EXEC_INT_H

#include "sql_bind.h"
#include "sql_exec.h"

struct sql_run {
    struct sql_session *s;
    const char *query;              /* the source text, borrowed until sql_run_end */
    int64_t start_us;               /* wall clock at sql_run_begin (statement_timestamp) */
    struct lw_arena arena;          /* the statement's memory, bounded (54000) */
    bool arena_live, opened, done;
    struct sql_bound bound;
    struct sql_exec x;
    struct sql_value *params;
    int nparams;
    uint64_t nrows;
    struct sql_result_col *cols;    /* SELECT */
    struct sql_result_col show_col; /* SHOW */
    const char *show_name;
};

/* Binds node (of query) for session s into r's own arena. */
int sql_run_begin(struct sql_run *r, struct sql_session *s, const char *query,
                  const PgQuery__Node *node, int nparams, const uint32_t *ptypes,
                  struct sql_error *err) LW_MUSTCHECK;
/* The columns the statement returns (0 when it returns none). */
int sql_run_columns(const struct sql_run *r, const struct sql_result_col **cols,
                    struct sql_result_col *unused);
/* Sends up to max_rows rows (all when <= 0), then the completion tag when done. */
int sql_run_execute(struct sql_run *r, const struct sql_sink *sink, long max_rows,
                    bool *suspended, struct sql_error *err) LW_MUSTCHECK;
void sql_run_end(struct sql_run *r);

#endif

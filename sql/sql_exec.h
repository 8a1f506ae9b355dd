/* sql_exec.h -- running statements: prepare (parse + check, once), bind (parameters into a
 * portal), execute (rows to a sink, at most max_rows at a time, resumable). The simple
 * query protocol (sql_session_query, sql_engine.h) runs the three in a row per statement;
 * the extended protocol (Parse/Bind/Describe/Execute) maps onto them one to one:
 *
 *   Parse    -> sql_prepare(session, text, declared param types)  -> struct sql_stmt
 *   Describe -> sql_stmt_params / sql_stmt_columns  (statement);   sql_portal_columns (portal)
 *   Bind     -> sql_portal_bind(stmt, text parameter values)       -> struct sql_portal
 *   Execute  -> sql_portal_execute(portal, sink, max_rows, &suspended)
 *   Close    -> sql_portal_free / sql_stmt_free
 *
 * A statement owns a copy of its text and parse tree; each portal binds that tree again in
 * its own arena, so portals of one statement are independent and a statement may be freed
 * while its portals live on. All calls for one session come from one thread. */
#ifndef SQL_EXEC_H
#define SQL_EXEC_H

#include "sql_error.h"
#include "sql_vtab.h"

struct sql_session;

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

struct sql_stmt;
struct sql_portal;

/* Prepares text (exactly one statement; none gives a statement that runs as empty).
 * nparams/param_types: the types the client declared ($n; 0 entries mean "infer").
 * Errors: 42601 for syntax or several statements, and every binding error. */
int sql_prepare(struct sql_session *s, const char *text, int nparams, const uint32_t *param_types,
                struct sql_stmt **out, struct sql_error *err) LW_MUSTCHECK;
void sql_stmt_free(struct sql_stmt *st);
/* Parameter types after inference (valid while st lives). */
int sql_stmt_params(const struct sql_stmt *st, const uint32_t **types);
/* Result columns (0 for statements without rows, e.g. SET). */
int sql_stmt_columns(const struct sql_stmt *st, const struct sql_result_col **cols);
/* True when the statement has no statement at all (an empty query). */
bool sql_stmt_empty(const struct sql_stmt *st);

/* Binds parameter values given as text (values[i] NULL: SQL NULL; lengths[i] bytes).
 * Binary-format parameters are not supported (0A000). Errors: 22P02 etc. from the types'
 * input, 08P01 for a wrong count. */
int sql_portal_bind(struct sql_stmt *st, int nvalues, const char *const *values,
                    const int *lengths, struct sql_portal **out, struct sql_error *err)
    LW_MUSTCHECK;
void sql_portal_free(struct sql_portal *p);
int sql_portal_columns(const struct sql_portal *p, const struct sql_result_col **cols);

/* Runs p: rows go to sink->row (sink->columns is not called: Describe's job); at most
 * max_rows rows when max_rows > 0, then *suspended is set and a later call resumes; when
 * the statement finishes, sink->complete gets its tag ("SELECT 3", "SET", "BEGIN").
 * Errors fail the session's transaction (sql_session_error). */
int sql_portal_execute(struct sql_portal *p, const struct sql_sink *sink, long max_rows,
                       bool *suspended, struct sql_error *err) LW_MUSTCHECK;

#endif

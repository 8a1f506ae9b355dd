/* sql_engine.h -- the SQL engine's entry point for one client session: takes a query string
 * as the simple query protocol delivers it (possibly several statements), parses it with
 * libpg_query, and runs each statement through prepare/bind/execute (sql_exec.h), keeping
 * the session's transaction status and settings. lakeward is read-only, so BEGIN/COMMIT/
 * ROLLBACK only track the status clients expect to see; there is nothing to commit.
 * Threads: any thread may run sessions (with SQL_STACK_SIZE of stack, sql_parse.h).
 * libpg_query keeps a memory context per thread and frees it itself when the thread exits
 * (calling pg_query_exit() as well frees it twice in libpg_query 15-4.0.0), so a thread
 * needs no clean-up call. */
#ifndef SQL_ENGINE_H
#define SQL_ENGINE_H

#include "sql_session.h"

void sql_session_init(struct sql_session *s, const struct sql_session_opts *o);
/* Releases the session: closes its cursors and drops its kept parse tree. */
void sql_session_free(struct sql_session *s);

/* Runs every statement of query (NUL-terminated, valid UTF-8) through sink: for each, its
 * columns and rows and a completion tag, or one `empty` call when the string holds no
 * statement. Stops at the first error, which is returned (negative) with err filled; the
 * statements before it have completed. A syntax error runs nothing. */
int sql_session_query(struct sql_session *s, const char *query, const struct sql_sink *sink,
                      struct sql_error *err) LW_MUSTCHECK;

#endif

/* sql_engine.h -- the SQL engine's entry point for one client session: takes a query string
 * as the simple query protocol delivers it (possibly several statements), parses it with
 * libpg_query, binds and runs each statement in turn, and keeps the session's transaction
 * status. lakeward is read-only, so BEGIN/COMMIT/ROLLBACK only track the status clients
 * expect to see; there is nothing to commit.
 * Threads: any thread may run sessions. libpg_query keeps a memory context per thread and
 * frees it itself when the thread exits (calling pg_query_exit() as well frees it twice in
 * libpg_query 15-4.0.0), so a thread needs no clean-up call. */
#ifndef SQL_ENGINE_H
#define SQL_ENGINE_H

#include "sql_exec.h"

struct sql_session_opts {
    const struct sql_tables *tables;    /* borrowed for the session's lifetime */
    const char *user;                   /* the session's user and database (borrowed) */
    const char *database;
    const char *version;                /* text of version() */
    size_t max_query_memory;            /* bound of one statement's arena (0: 256 MiB) */
    long max_rows_buffered;             /* rows one statement may sort (0: 1,000,000) */
};

struct sql_session {
    struct sql_session_opts o;
    char tx;                            /* 'I' idle, 'T' in a transaction, 'E' failed one */
};

void sql_session_init(struct sql_session *s, const struct sql_session_opts *o);

/* Runs every statement of query (NUL-terminated, valid UTF-8) through sink: for each, its
 * columns and rows and a completion tag, or one `empty` call when the string holds no
 * statement. Stops at the first error, which is returned (negative) with err filled; the
 * statements before it have completed. A syntax error runs nothing. */
int sql_session_query(struct sql_session *s, const char *query, const struct sql_sink *sink,
                      struct sql_error *err) LW_MUSTCHECK;

/* Records an error raised outside the engine (e.g. an unsupported protocol message): a
 * transaction in progress becomes failed, as in Postgres. */
void sql_session_error(struct sql_session *s);

/* The status for ReadyForQuery: 'I', 'T' or 'E'. */
char sql_session_tx_status(const struct sql_session *s);

#endif

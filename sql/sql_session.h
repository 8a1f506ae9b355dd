/* sql_session.h -- one SQL session's state (struct sql_session): options, transaction
 * status, settings, deadline, open cursors, the last parse tree and a spare statement
 * arena, and the calls every layer uses on it. Kept apart from sql_engine.h (the simple-protocol loop, which runs
 * statements through sql_exec.h) so that the executor depends on the session's state and
 * not on the loop that calls it. */
#ifndef SQL_SESSION_H
#define SQL_SESSION_H

#include <signal.h>

#include "../server/core/lw_arena.h"
#include "sql_exec.h"
#include "sql_parse.h"
#include "sql_settings.h"
#include "sql_tables.h"

struct sql_session_opts {
    const struct sql_tables *tables;    /* borrowed for the session's lifetime */
    const char *user;                   /* the session's user and database (borrowed) */
    const char *database;
    const char *version;                /* text of version() */
    bool admin;                         /* handed to tables (struct sql_query_ctx) */
    size_t max_query_memory;            /* bound of one statement's arena (0: 256 MiB) */
    long max_rows_buffered;             /* rows one statement may sort (0: 1,000,000) */
    /* The wire layer's prepared statements, which DEALLOCATE name / DEALLOCATE ALL (name
     * NULL) and DISCARD ALL (name NULL) drop: returns 0, or 26000 for an unknown name.
     * NULL: there are none (DEALLOCATE name is 26000). */
    void *hook_ctx;
    int (*deallocate)(void *ctx, const char *name, struct sql_error *err);
    /* Set (from a signal handler) to a SQL_CANCEL_* reason to stop the running statement
     * at its next row: it fails with 57014. NULL: statements cannot be cancelled. */
    volatile sig_atomic_t *cancel;
};

/* Why a statement was stopped through sql_session_opts.cancel. */
enum { SQL_CANCEL_NONE = 0, SQL_CANCEL_USER = 1, SQL_CANCEL_TIMEOUT = 2 };
/* Fills err with PostgreSQL's 57014 for reason why; returns LW_EINVAL. */
int sql_cancel_error(struct sql_error *err, int why);

struct sql_run;
struct sql_cursors;

/* How a transaction (or the session's cursors' life) ended, for sql_cursor_ops.end. */
enum sql_cursor_end { SQL_CURSORS_COMMIT, SQL_CURSORS_ROLLBACK, SQL_CURSORS_ALL };

/* Cursor statements run in sql_cursor.c, which runs a cursor's query through the
 * executor; the executor reaches it through these (set by sql_session_init) so that it
 * does not depend on it in turn. */
struct sql_cursor_ops {
    /* The columns FETCH from cursor name returns; -1 when there is no such cursor. */
    int (*columns)(struct sql_session *s, const char *name,
                   const struct sql_result_col **cols);
    /* Runs DECLARE, FETCH/MOVE or CLOSE (r->bound.kind), rows and tag through sink. */
    int (*run)(struct sql_run *r, const struct sql_sink *sink, struct sql_error *err);
    /* A transaction ended: COMMIT keeps WITH HOLD cursors, ROLLBACK only those held from
     * an earlier transaction; ALL (DISCARD ALL, end of session) closes every one. */
    void (*end)(struct sql_session *s, enum sql_cursor_end how);
    /* Session (a struct sql_session)'s i-th open cursor, for sql_query_ctx.cursor_at. */
    bool (*at)(const void *session, int i, struct sql_open_cursor *out);
};

struct sql_session {
    struct sql_session_opts o;
    char tx;                            /* 'I' idle, 'T' in a transaction, 'E' failed one */
    int64_t tx_start_us;                /* now() inside a transaction block */
    struct sql_settings settings;       /* SET values (defaults in sql_settings.c) */
    int64_t deadline_us;                /* lw_mono_us() bound of the running statement, set
                                         * by the caller (statement_timeout); 0: none.
                                         * Tables see it as sql_query_ctx.deadline_us. */
    const struct sql_cursor_ops *cursor_ops;
    struct sql_cursors *cursors;        /* open cursors (sql_cursor.c); NULL: none yet */
    /* The last query string of sql_session_query and its parse tree, reused when the same
     * string comes again (dashboards, pgbench and pollers repeat theirs; parsing is most
     * of a small query's cost). The tree depends on the text alone. */
    char *parsed_text;
    struct sql_parsed parsed;
    /* The arena of the session's last finished statement, emptied but keeping its first
     * chunk: the next statement (every Bind of a prepared one) starts in it instead of
     * allocating afresh. Freed by sql_session_free. */
    struct lw_arena spare;
    bool spare_live;
};

/* Records an error raised outside the engine (e.g. an unsupported protocol message): a
 * transaction in progress becomes failed, as in Postgres. */
void sql_session_error(struct sql_session *s);

/* The status for ReadyForQuery: 'I', 'T' or 'E'. */
char sql_session_tx_status(const struct sql_session *s);

/* Initialises *a as a statement's arena (bound o.max_query_memory), reusing the session's
 * spare one when there is one. */
void sql_session_arena_take(struct sql_session *s, struct lw_arena *a);
/* Ends a statement's arena *a: it becomes the session's spare (emptied) when there is none
 * yet, else is freed. Either way *a must not be used again before a take. */
void sql_session_arena_give(struct sql_session *s, struct lw_arena *a);

#endif

/* pg_session_int.h -- what the files of one Postgres-wire conversation share: the session
 * state and the helpers that answer the client. pg_session.c owns startup and dispatch,
 * pg_auth.c the login, pg_extended.c the extended query protocol, pg_rows.c the rows both
 * protocols send; pg_reply.c the answers they all send and pg_statement.c the
 * statement_timeout around each statement, so that those three never call each other
 * (pg_session.c calls the other two). */
#ifndef PG_SESSION_INT_H
#define PG_SESSION_INT_H

#include "../sql/sql_engine.h"
#include "pg_rows.h"
#include "pg_session.h"
#include "pg_wire.h"

#include "core/lw_log.h"

#define PG_OUT_MAX (16u << 20)      /* bound of buffered output: one row plus a flush chunk */

struct pg_ext;                      /* pg_extended.h: prepared statements and portals */

struct pg_sess {
    const struct pg_session_opts *o;
    struct pg_io io;
    struct lw_buf msg;              /* the message being processed */
    char *user, *database, *app;
    char *principal;                /* who logged in (pg_auth.h); the SQL session's user */
    bool admin;                     /* principal is in pg_admins */
    struct sql_session sql;
    char server_version[64];
    char version_text[128];
    struct pg_rows rows;
    struct pg_ext *ext;
    char reported[SQL_SETTINGS_MAX][SQL_SETTING_VALUE_MAX]; /* last ParameterStatus values */
    /* The settings' generation (sql_settings.gen) that reported[] and timeout_ms were
     * computed for: unchanged settings are not looked at again after each command. */
    unsigned reported_gen, timeout_gen;
    bool timeout_known;
    int64_t timeout_ms;
    bool ignore_till_sync;          /* after an extended-protocol error: skip until Sync */
    uint64_t nqueries;
};

/* pg_reply.c. Each returns 0, or -1 when the connection must close. */
int pg_sess_flush(struct pg_sess *s);
int pg_sess_fatal(struct pg_sess *s, const char *state, const char *hint, const char *fmt, ...)
    LW_PRINTF(4, 5);
int pg_sess_protocol_violation(struct pg_sess *s, const char *fmt, const char *arg);
void pg_sess_send_error(struct pg_sess *s, const struct sql_error *e);
void pg_sess_ready_for_query(struct pg_sess *s);
void pg_sess_parameter_status(struct pg_sess *s, const char *name, const char *value);
/* Remembers the reported settings' values; with send, reports those that changed since. */
void pg_sess_report_settings(struct pg_sess *s, bool send);
/* After each command (a simple Query, a Sync): ParameterStatus for reported settings that
 * changed. */
void pg_sess_end_of_command(struct pg_sess *s);
/* When a statement began, for the debug line of its outcome: the clock is read only when
 * that line will be written (0 otherwise). */
static inline int64_t pg_sess_log_start(void)
{
    return lw_log_level >= LW_LOG_DEBUG ? lw_mono_us() : 0;
}
/* Counts and logs a statement's outcome (both protocols); t0 from pg_sess_log_start. */
void pg_sess_log_query(struct pg_sess *s, int rc, const struct sql_error *err, size_t bytes,
                       int64_t t0);

/* pg_statement.c. The statement_timeout in force in ms (0: none; at most INT32_MAX). */
int64_t pg_sess_statement_timeout(struct pg_sess *s);
/* Seeds the session's statement_timeout default from the configuration. */
void pg_sess_seed_statement_timeout(struct pg_sess *s);
/* Arms statement_timeout for the statement about to run and sets the engine's deadline. */
void pg_sess_statement_start(struct pg_sess *s);

#endif

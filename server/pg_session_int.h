/* pg_session_int.h -- what the files of one Postgres-wire conversation share: the session
 * state and the helpers that answer the client. pg_session.c owns startup and dispatch,
 * pg_extended.c the extended query protocol, pg_rows.c the rows both protocols send. */
#ifndef PG_SESSION_INT_H
#define PG_SESSION_INT_H

#include "../sql/sql_engine.h"
#include "pg_rows.h"
#include "pg_session.h"
#include "pg_wire.h"

#define PG_OUT_MAX (16u << 20)      /* bound of buffered output: one row plus a flush chunk */

struct pg_ext;                      /* pg_extended.c: prepared statements and portals */

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

/* Each returns 0, or -1 when the connection must close. */
int pg_sess_flush(struct pg_sess *s);
int pg_sess_fatal(struct pg_sess *s, const char *state, const char *hint, const char *fmt, ...)
    LW_PRINTF(4, 5);
int pg_sess_protocol_violation(struct pg_sess *s, const char *fmt, const char *arg);
void pg_sess_send_error(struct pg_sess *s, const struct sql_error *e);
void pg_sess_ready_for_query(struct pg_sess *s);
/* Counts and logs a statement's outcome (both protocols). */
void pg_sess_log_query(struct pg_sess *s, int rc, const struct sql_error *err, size_t bytes,
                       int64_t t0);

/* The statement_timeout in force in ms (0: none). */
int64_t pg_sess_statement_timeout(struct pg_sess *s);
/* Arms statement_timeout for the statement about to run and sets the engine's deadline. */
void pg_sess_statement_start(struct pg_sess *s);
/* After each command (a simple Query, a Sync): ParameterStatus for reported settings that
 * changed. */
void pg_sess_end_of_command(struct pg_sess *s);

/* pg_extended.c. pg_ext_message handles s->msg of type P B D E C S H and returns 0, or -1
 * to close. close_portals: at a transaction's end; close_statements: DISCARD ALL and
 * DEALLOCATE ALL; deallocate: DEALLOCATE name (NULL: all), 26000 when unknown. */
struct pg_ext *pg_ext_new(void);
void pg_ext_free(struct pg_ext *x);
int pg_ext_message(struct pg_sess *s, char type);
void pg_ext_close_portals(struct pg_ext *x);
void pg_ext_close_statements(struct pg_ext *x);
void pg_ext_drop_unnamed(struct pg_ext *x);
int pg_ext_deallocate(struct pg_ext *x, const char *name, struct sql_error *err);

#endif

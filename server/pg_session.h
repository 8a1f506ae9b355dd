/* pg_session.h -- one Postgres-wire client conversation, run on its connection's thread:
 * the startup phase (protocol 3.0 only; a CancelRequest is routed to its backend,
 * pg_cancel.h), authentication, the parameters a PG 15 server reports, then the simple and
 * the extended query protocol over the SQL engine (pg_extended.c, rows in pg_rows.c). */
#ifndef PG_SESSION_H
#define PG_SESSION_H

#include "../sql/sql_tables.h"
#include "core/lw_metrics.h"

struct pg_cancel_table;
struct pg_auth;

/* Counters the listener registers once and every session updates. */
struct pg_metrics {
    struct lw_counter *sessions;        /* sessions that reached ReadyForQuery */
    struct lw_counter *auth_refused;
    struct lw_counter *protocol_errors; /* connections closed for a protocol violation */
    struct lw_counter *queries_ok;
    struct lw_counter *queries_failed;
};

struct pg_session_opts {
    int fd;                         /* connected socket; the caller closes it afterwards */
    const char *peer;               /* "address:port" for log lines */
    const unsigned char *peer_addr; /* client address, 16 bytes, IPv4 mapped (pg_hba) */
    const struct pg_auth *auth;     /* TLS context and login rules (pg_auth.h) */
    bool trust;                     /* only when auth is NULL (in-process harnesses such as
                                     * fuzzers): trust every login; otherwise refuse all */
    bool too_many;                  /* over the connection bound: refuse after the startup
                                     * packet with 53300, as Postgres does */
    const struct sql_tables *tables;
    const struct pg_metrics *metrics;
    const char *lakeward_version;   /* reported as server_version "15.0 (lakeward X)" */
    int32_t backend_pid;            /* BackendKeyData */
    int32_t backend_key;
    int startup_timeout_ms;         /* whole startup phase */
    int idle_timeout_ms;            /* between messages */
    int io_timeout_ms;              /* rest of a message once it began; each flush */
    int64_t statement_timeout_ms;   /* statement_timeout unless the session SETs one; 0 none */
    const struct pg_cancel_table *cancel_table; /* CancelRequest routing (pg_cancel.h) */
    size_t max_message;             /* bound of one message body from the client */
};

/* Runs the conversation until the client leaves, breaks the protocol, times out, or the
 * socket is shut down. Never fails in a way the caller must handle. */
void pg_session_run(const struct pg_session_opts *o);

#endif

/* pg_listener.h -- the SQL process's postmaster: a single-threaded loop that owns the
 * Postgres listening socket (inherited from the main process), forks one backend process per
 * connection (the backend runs pg_session_run on a thread with SQL_STACK_SIZE of stack, then
 * exits), reaps them, and enforces the connection bounds: a total, a per-address limit and a
 * memory budget that caps how many backends may exist at once (each backend's data segment
 * is capped with RLIMIT_DATA). Connections beyond a bound still get the startup exchange and
 * then FATAL 53300, as Postgres does. A crashing backend takes only its own connection.
 * See docs/architecture-process.md. */
#ifndef PG_LISTENER_H
#define PG_LISTENER_H

#include "../sql/sql_tables.h"
#include "core/lw_metrics.h"

#include <sys/types.h>

struct pg_auth;

/* Counters shared with the main process (a MAP_SHARED page it created), which renders them
 * in /metrics. Only the SQL side writes them. */
struct pg_shared_stats {
    struct lw_counter sessions;         /* sessions that reached ReadyForQuery */
    struct lw_counter auth_refused;
    struct lw_counter protocol_errors;
    struct lw_counter queries_ok;
    struct lw_counter queries_failed;
    struct lw_counter refused;          /* connections refused at a bound */
    struct lw_counter backend_crashes;  /* backends that died from a signal */
    struct lw_counter backends;         /* gauge: backends alive now */
    /* The OpenFGA mirror process (pg_fga_mirror.h): gauges it sets after every sync. */
    struct lw_counter fga_mirror_tuples;
    struct lw_counter fga_mirror_last_sync_seconds;  /* unix time of the last good sync */
    struct lw_counter fga_mirror_sync_failures;
    /* The catalog process (pg_catalog_cache.h): gauges it sets after every load. */
    struct lw_counter catalog_objects;
    struct lw_counter catalog_last_load_seconds;     /* unix time of the last good load */
    struct lw_counter catalog_load_failures;
};

struct pg_listener_opts {
    int listen_fd;                  /* bound and listening, non-blocking */
    int alive_fd;                   /* read end of a pipe the main process holds open */
    unsigned max_connections;       /* sessions at once */
    unsigned max_per_address;       /* sessions at once from one client address (0: no limit) */
    int startup_timeout_ms;         /* connect to ReadyForQuery */
    int idle_timeout_ms;            /* between messages of a session */
    int64_t statement_timeout_ms;   /* statement_timeout when a session sets none; 0: none */
    size_t max_message;             /* bound of one client message body (0: 1 MiB) */
    int64_t backend_max_memory;     /* RLIMIT_DATA of a backend (0: none) */
    int64_t memory_budget;          /* backends * backend_max_memory stays below (0: none) */
    const struct sql_tables *tables;
    const struct pg_auth *auth;     /* TLS and login rules (pg_auth.h) */
    struct pg_shared_stats *stats;
    const char *lakeward_version;
    /* Another child of this process exited (not a backend): child_exited(child_arg, pid,
     * wait status) returns true when it was its own (the OpenFGA mirror), which is then not
     * counted or logged as a backend. NULL: none. */
    bool (*child_exited)(void *child_arg, pid_t pid, int status);
    void *child_arg;
};

/* Serves until SIGTERM/SIGINT or until the main process goes away (alive_fd hangs up), then
 * terminates the backends and returns the process's exit status. */
int pg_listener_run(const struct pg_listener_opts *opts);

/* The backends the bounds allow at once: min(max_connections, budget / per-backend memory). */
unsigned pg_listener_backend_limit(const struct pg_listener_opts *opts);

#endif

/* pg_fga_mirror.h -- the OpenFGA mirror process of the SQL side. The SQL process (the
 * postmaster) creates the shared snapshot (catalog/fga_snapshot.h) and forks one mirror
 * process, before it forks any backend, so every backend inherits the read-only mapping. The
 * mirror process keeps catalog/fga_mirror.h current (one full Read, then ReadChanges every
 * interval) and publishes each new state and each changed contents into the snapshot. A
 * process rather than a thread of the postmaster: the postmaster forks backends with a bare
 * fork, which is only safe while it has a single thread. Forked, set up and restarted when
 * it dies by pg_helper.h (pg_listener's child_exited hook); the main process, and so
 * Trino's decisions, never does any of this work. See docs/architecture-process.md. */
#ifndef PG_FGA_MIRROR_H
#define PG_FGA_MIRROR_H

#include "../catalog/fga_snapshot.h"
#include "pg_helper.h"

#include <sys/types.h>

struct pg_shared_stats;

struct pg_fga_mirror_opts {
    struct fga_client_opts fga;     /* strings must outlive the mirror */
    struct fga_mirror_opts bounds;
    int64_t interval_ms;            /* between syncs (0: 1000) */
    int64_t sync_timeout_ms;        /* one sync's deadline (0: 30000) */
    int close_fd;                   /* closed in the mirror process (the listening socket) */
    struct pg_shared_stats *stats;  /* main's counters page, for /metrics (may be NULL) */
};

struct pg_fga_mirror;

/* Creates the snapshot and forks the mirror process. NULL + err when the shared area cannot
 * be made or the fork fails. */
struct pg_fga_mirror *pg_fga_mirror_start(const struct pg_fga_mirror_opts *o,
                                          struct lw_err *err) LW_MUSTCHECK;
/* The read-only snapshot the tables read. */
const struct fga_snap *pg_fga_mirror_snapshot(const struct pg_fga_mirror *m);
/* The mirror process as a helper, for the postmaster's child_exited hook (pg_helper.h). */
struct pg_helper *pg_fga_mirror_helper(struct pg_fga_mirror *m);
/* Terminates the mirror process and frees m. NULL: no-op. */
void pg_fga_mirror_stop(struct pg_fga_mirror *m);

#endif

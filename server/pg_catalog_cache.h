/* pg_catalog_cache.h -- the catalog process of the SQL side: one load of every configured
 * Lakekeeper instance's catalog for all SQL sessions. The SQL process (the postmaster)
 * creates the shared snapshot (catalog/cat_snapshot.h) and forks this process before it
 * forks any backend, so every backend inherits the read-only mapping. The process loads the
 * whole catalog (catalog/perm_catalog.h) at start, again every catalog_cache_ttl_ms and at
 * once when a backend asks (lakeward.catalog_refresh), and publishes each complete load; a
 * failed load keeps the last one published, with the error beside it. Its own process, not
 * the OpenFGA mirror's loop: a large catalog's load takes minutes, and the mirror must keep
 * syncing every second meanwhile. Never the main process: the authorizer does no SQL-face
 * work. Forked, set up and restarted when it dies by pg_helper.h. See
 * docs/architecture-process.md. */
#ifndef PG_CATALOG_CACHE_H
#define PG_CATALOG_CACHE_H

#include "../catalog/cat_snapshot.h"
#include "../catalog/perm_catalog.h"
#include "pg_helper.h"

#include <sys/types.h>

struct pg_shared_stats;

struct fga_snap;

struct pg_catalog_cache_opts {
    struct lk_client **lk;          /* the SQL process's clients (the fork's copies are used) */
    int nlk;
    struct perm_catalog_opts catalog;   /* ttl_ms: between loads; max_objects per instance */
    size_t max_bytes;               /* catalog_max_bytes: one encoded catalog (0: 64 MiB) */
    int64_t load_timeout_ms;        /* one load's deadline (0: none; each call has its own) */
    int close_fd;                   /* closed in the catalog process (the listening socket) */
    struct pg_shared_stats *stats;  /* main's counters page, for /metrics (may be NULL) */
    /* The OpenFGA mirror's snapshot (NULL: no mirror runs). The first load waits until the
     * mirror has loaded or failed once, at most mirror_wait_ms: both first loads press the
     * same OpenFGA, and the catalog's (minutes of listings Lakekeeper authorizes there)
     * starved the mirror's reads into timeouts for minutes (docs/sql-tables.md). */
    const struct fga_snap *mirror;
    int64_t mirror_wait_ms;
};

struct pg_catalog_cache;

/* Creates the snapshot and forks the catalog process. NULL + err on failure. */
struct pg_catalog_cache *pg_catalog_cache_start(const struct pg_catalog_cache_opts *o,
                                                struct lw_err *err) LW_MUSTCHECK;
/* The read-only snapshot the backends' perm_catalog reads. */
const struct cat_snap *pg_catalog_cache_snapshot(const struct pg_catalog_cache *cc);
/* The catalog process as a helper, for the postmaster's child_exited hook (pg_helper.h). */
struct pg_helper *pg_catalog_cache_helper(struct pg_catalog_cache *cc);
/* Terminates the catalog process and frees cc. NULL: no-op. */
void pg_catalog_cache_stop(struct pg_catalog_cache *cc);

#endif

/* pg_helper.h -- the SQL postmaster's helper processes (the OpenFGA mirror, pg_fga_mirror.h,
 * and the catalog process, pg_catalog_cache.h), the way PostgreSQL has one launcher for its
 * auxiliary processes: fork, the child's common setup (default signals, death with the
 * postmaster, the listening socket closed, its process name), restart with a backoff when it
 * dies, and the bookkeeping of its start and restarts. Each helper keeps only its loop body
 * and its state. The postmaster forks helpers before any backend, with a bare fork, so it must
 * still have a single thread then. */
#ifndef PG_HELPER_H
#define PG_HELPER_H

#include "core/lw.h"

#include <sys/types.h>

/* A helper that died sooner than this after its start is started again this much later, so
 * one that keeps crashing costs a fork a second, not a busy loop. */
#define PG_HELPER_BACKOFF_MS 1000

struct pg_helper {
    /* Inputs, set before pg_helper_start. */
    const char *log_module;         /* "fga_mirror": the module of its log events */
    const char *proc_name;          /* prctl name, at most 15 bytes ("lakeward-fga") */
    const char *what;               /* "openfga mirror": the subject of its error messages */
    /* The child's body, after the common setup: delay_ms is the restart backoff it waits
     * before its first round (it may publish its state first). Never returns. */
    void (*run)(struct pg_helper *h, int64_t delay_ms);
    void *arg;                      /* the helper's own state, for run */
    int close_fd;                   /* closed in the child (the listening socket); -1: none */
    /* Kept by this module. */
    pid_t parent, pid;
    int64_t started_mono_us;
    unsigned restarts;
};

/* Forks the helper (h's inputs set, the rest zero). LW_EIO + err when the fork fails. */
int pg_helper_start(struct pg_helper *h, struct lw_err *err) LW_MUSTCHECK;
/* For pg_listener's child_exited hook over helpers[0..n) (NULL entries skipped): true when pid
 * was one of them, which is then started again (after PG_HELPER_BACKOFF_MS when it died that
 * soon after its start). arg is a struct pg_helper_set. */
struct pg_helper_set {
    struct pg_helper *helpers[4];
    int n;
};
bool pg_helper_child_exited(void *set, pid_t pid, int status);
/* Kills and reaps the helper's process, if any. NULL: no-op. */
void pg_helper_stop(struct pg_helper *h);

/* In the child: true when the postmaster is gone (the helper then exits). */
bool pg_helper_orphaned(const struct pg_helper *h);
/* In the child: sleeps ms, through signals. */
void pg_helper_sleep_ms(int64_t ms);
/* Resident memory of the calling process in bytes (0: unknown). */
uint64_t pg_helper_rss_bytes(void);

#endif

/* fga_mirror.h -- an in-memory copy of an OpenFGA store's tuples kept current from its
 * change log: one full Read, then ReadChanges from the token taken before that Read, applied
 * in the log's order (a write adds the tuple if missing, a delete removes it if present, so
 * changes the Read already saw replay harmlessly). Bounded in tuples and bytes: a store
 * bigger than the bounds is refused with a message and the mirror stays unloaded, never
 * truncated. It also keeps the newest changes it read from the log (a bounded window, oldest
 * dropped first) for lakeward.grant_history. Not thread-safe: one owner syncs it and reads it
 * (the mirror process, server/pg_fga_mirror.c, which publishes it as a snapshot). */
#ifndef FGA_MIRROR_H
#define FGA_MIRROR_H

#include "fga_client.h"

struct fga_mirror_opts {
    size_t max_tuples;      /* 0: 1,000,000 */
    size_t max_bytes;       /* sum of user+relation+object lengths; 0: 256 MiB */
    size_t max_changes;     /* changes kept for history; 0: 100,000 */
};

struct fga_mirror_stats {
    bool loaded;            /* a full Read succeeded and no bound was hit since */
    size_t tuples, bytes;
    uint64_t changes_applied;
    int64_t last_sync_ms;   /* lw_now_ms of the last successful sync; 0: never */
    int64_t last_change_ms; /* timestamp of the newest change applied; 0: none */
    size_t changes_held;    /* in the history window */
    size_t changes_bytes;   /* their strings' lengths */
    int64_t oldest_change_ms; /* timestamp of the oldest change held; 0: none */
};

struct fga_mirror;

struct fga_mirror *fga_mirror_new(const struct fga_mirror_opts *o) LW_MUSTCHECK;
void fga_mirror_free(struct fga_mirror *m);

/* Brings the mirror up to date: the first call (or the first after a failure that unloaded
 * it) takes the log's current token, reads every tuple, then applies the changes since the
 * token; later calls apply only new changes. On error the reason is in err; a bound hit
 * unloads the mirror (the next sync starts over). */
int fga_mirror_sync(struct fga_mirror *m, struct fga_client *c, int64_t deadline_us,
                    struct lw_err *err) LW_MUSTCHECK;

/* Replaces the contents with `all`, or applies `changes` in order (the building blocks of
 * sync, exposed for tests). LW_ENOMEM past a bound, and the mirror is then unloaded. */
int fga_mirror_load(struct fga_mirror *m, const struct fga_tuples *all, struct lw_err *err)
    LW_MUSTCHECK;
int fga_mirror_apply(struct fga_mirror *m, const struct fga_tuples *changes,
                     struct lw_err *err) LW_MUSTCHECK;

void fga_mirror_stats(const struct fga_mirror *m, struct fga_mirror_stats *st);

/* Calls fn for every tuple (no order); fn returning false stops. */
void fga_mirror_foreach(const struct fga_mirror *m,
                        bool (*fn)(void *arg, const char *user, const char *relation,
                                   const char *object, int64_t ts_ms),
                        void *arg);

/* Calls fn for every change held, oldest first; fn returning false stops. */
void fga_mirror_foreach_change(const struct fga_mirror *m,
                               bool (*fn)(void *arg, const struct fga_tuple *change),
                               void *arg);

/* Adds changes to the history window without applying them (sync does this with the log it
 * reads before the first Read; exposed for tests). LW_ENOMEM when out of memory. */
int fga_mirror_remember(struct fga_mirror *m, const struct fga_tuples *changes,
                        struct lw_err *err) LW_MUSTCHECK;

/* True when exactly this tuple is present. */
bool fga_mirror_has(const struct fga_mirror *m, const char *user, const char *relation,
                    const char *object);

#endif

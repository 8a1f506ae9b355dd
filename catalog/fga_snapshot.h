/* fga_snapshot.h -- the OpenFGA mirror as the SQL backends see it: a shared-memory area (a
 * memfd) that the mirror process writes and every backend maps read-only. It holds the
 * mirror's state (last sync, error, counts) and its contents (tuples plus the history window
 * of changes) in two buffers: the writer fills the one readers are not pointed at, then
 * switches them over, and each buffer and the state carry a sequence number (odd while being
 * written), so a reader copies a whole snapshot or retries, never sees a half-written one,
 * and never makes the writer wait (the decision ring's seqlock, docs/architecture-process.md).
 * The area's size is fixed at creation from the mirror's bounds. */
#ifndef FGA_SNAPSHOT_H
#define FGA_SNAPSHOT_H

#include "fga_mirror.h"

/* What the mirror process reports after every sync attempt. */
struct fga_snap_state {
    int64_t started_ms;         /* the mirror process's start */
    int64_t last_attempt_ms;    /* last sync attempt, successful or not */
    int64_t last_sync_ms;       /* last successful sync: the contents are the store as of then */
    int64_t last_change_ms;     /* timestamp of the newest change applied */
    int64_t oldest_change_ms;   /* timestamp of the oldest change in the history window */
    int64_t first_load_ms;      /* duration of the first full load (0: not yet) */
    int64_t last_sync_duration_ms;
    uint64_t generation;        /* contents published so far */
    uint64_t tuples, bytes, changes_held, changes_applied;
    uint64_t syncs_ok, syncs_failed;
    uint64_t memory;            /* bytes of the published contents */
    uint64_t process_rss;       /* resident memory of the mirror process */
    int32_t loaded;             /* 1: contents are the whole store; 0: none (see error) */
    int32_t pid;                /* the mirror process */
    char error[512];            /* the last attempt's failure; "" after a success */
};

/* A published snapshot copied into the reader's memory. The tuples' strings point into mem. */
struct fga_snap_data {
    struct fga_snap_state state;
    struct fga_tuple *tuples;   /* no order */
    size_t ntuples;
    struct fga_tuple *changes;  /* oldest first */
    size_t nchanges;
    char *mem;
};

struct fga_snap;

/* The bytes one contents buffer needs for these bounds (records of tuples and of the history
 * window, whose changes' strings are assumed at most 256 bytes on average). */
size_t fga_snap_buffer_size(size_t max_tuples, size_t max_bytes, size_t max_changes);

/* Creates the area (a memfd of two buffers of buffer_size) mapped read-only in this process;
 * a process forked afterwards inherits the mapping. NULL + err on failure. */
struct fga_snap *fga_snap_create(size_t buffer_size, struct lw_err *err) LW_MUSTCHECK;
/* The writer's view of the same area (in the mirror process): mapped read-write. */
struct fga_snap *fga_snap_open_writer(const struct fga_snap *s, struct lw_err *err) LW_MUSTCHECK;
void fga_snap_free(struct fga_snap *s);
int fga_snap_fd(const struct fga_snap *s);

/* Writer: the state (always) and, when contents is non-NULL, the mirror's tuples and history.
 * History that does not fit the buffer is cut from its oldest end (the window shrinks; the
 * state's oldest_change_ms says where it starts); tuples that do not fit are an error. */
void fga_snap_put_state(struct fga_snap *s, const struct fga_snap_state *st);
int fga_snap_publish(struct fga_snap *s, const struct fga_mirror *contents,
                     struct lw_err *err) LW_MUSTCHECK;
/* Bytes the last successful publish wrote (the snapshot's size in memory). */
size_t fga_snap_published_bytes(const struct fga_snap *s);

/* Reader: a consistent copy of the state. */
void fga_snap_get_state(const struct fga_snap *s, struct fga_snap_state *st);
/* Reader: a consistent copy of the state and the newest contents (none yet: 0 tuples).
 * with_tuples/with_changes false skip copying that part. */
int fga_snap_copy(const struct fga_snap *s, bool with_tuples, bool with_changes,
                  struct fga_snap_data *out, struct lw_err *err) LW_MUSTCHECK;
void fga_snap_data_free(struct fga_snap_data *d);

#endif

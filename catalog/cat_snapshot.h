/* cat_snapshot.h -- the shared Lakekeeper catalog as every SQL backend sees it: a memfd the
 * catalog process (server/pg_catalog_cache.h) writes and the backends map read-only, holding
 * the catalog process's state (last load, error, counts) and the last loaded catalog as bytes
 * (perm_catalog_encode). Two contents buffers: the writer fills the one readers are not
 * pointed at, then switches them over; the state and each buffer carry a sequence number
 * (odd while being written), so a reader decodes a whole snapshot or retries, and never
 * makes the writer wait (the same seqlock as the OpenFGA mirror's, fga_snapshot.h). Beside
 * it, one small read-write shared page where backends ask for a load (catalog_refresh) and
 * an eventfd that wakes the writer. Sizes are fixed at creation. */
#ifndef CAT_SNAPSHOT_H
#define CAT_SNAPSHOT_H

#include "../server/core/lw.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the catalog process reports at the start and end of every load. Times are wall-clock
 * ms since 1970; 0: never. */
struct cat_snap_state {
    int64_t started_ms;             /* the catalog process's start */
    int64_t last_attempt_ms;        /* start of the last load, successful or not */
    int64_t last_load_ms;           /* start of the last successful load: the published
                                     * catalog is Lakekeeper as of then (at the oldest) */
    int64_t loading_since_ms;       /* start of the load running now; 0: idle */
    int64_t first_load_ms;          /* duration of the first successful load */
    int64_t last_load_duration_ms;
    uint64_t generation;            /* catalogs published so far */
    uint64_t objects, bytes;        /* of the published catalog */
    uint64_t loads_ok, loads_failed;
    uint64_t refresh_done;          /* requests (cat_snap_request_refresh) a finished load served */
    int32_t loaded;                 /* 1: a catalog is published and valid; 0: none (see error) */
    int32_t refused;                /* 1: the last load was over a bound (error says which);
                                     * nothing is published then, never a cut catalog */
    int32_t pid;                    /* the catalog process */
    char error[512];                /* the last load's failure; "" after a success */
};

struct cat_snap;

/* Creates the area (two buffers of buffer_size bytes, pages used only as written) mapped
 * read-only in this process, the request page and the eventfd; a process forked afterwards
 * inherits them. NULL + err on failure. */
struct cat_snap *cat_snap_create(size_t buffer_size, struct lw_err *err) LW_MUSTCHECK;
/* The writer's view of the same area (in the catalog process): mapped read-write. */
struct cat_snap *cat_snap_open_writer(const struct cat_snap *s, struct lw_err *err) LW_MUSTCHECK;
void cat_snap_free(struct cat_snap *s);
/* Bytes one buffer holds (the bound on an encoded catalog). */
size_t cat_snap_capacity(const struct cat_snap *s);

/* Writer: the state, and a new catalog (len bytes; over the capacity: LW_ENOMEM, nothing
 * published) stamped with generation. */
void cat_snap_put_state(struct cat_snap *s, const struct cat_snap_state *st);
int cat_snap_publish(struct cat_snap *s, uint64_t generation, const void *data, size_t len,
                     struct lw_err *err) LW_MUSTCHECK;
/* Writer: refresh requests made so far (serve them all with the next load). */
uint64_t cat_snap_requested(const struct cat_snap *s);
/* Writer: sleeps until a refresh is requested or timeout_ms passed. */
void cat_snap_wait_request(const struct cat_snap *s, int64_t timeout_ms);

/* Reader: a consistent copy of the state. */
void cat_snap_get_state(const struct cat_snap *s, struct cat_snap_state *st);
/* Reader: the current catalog in place (no copy): false when none is published. The bytes may
 * be overwritten while read; decode them, then keep the result only if cat_snap_view_valid
 * says the view was not touched meanwhile. */
struct cat_snap_view {
    const char *data;
    size_t len;
    uint64_t generation;
    unsigned buffer;
    uint32_t seq;
};
bool cat_snap_view(const struct cat_snap *s, struct cat_snap_view *v);
bool cat_snap_view_valid(const struct cat_snap *s, const struct cat_snap_view *v);
/* Reader: asks the catalog process for a load that starts after this call; the ticket is
 * served once the state's refresh_done reaches it. */
uint64_t cat_snap_request_refresh(const struct cat_snap *s);

#endif

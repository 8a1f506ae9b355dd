/* pg_catalog_cache.c -- the catalog process (pg_catalog_cache.h): its load loop (forked and
 * restarted by pg_helper.c). The loop is the only writer of the snapshot: before each load it
 * notes the refresh requests made so far, after it publishes the catalog (when complete and
 * within its bounds) and the state, which says which requests that load served. Between loads
 * it sleeps on the snapshot's eventfd, so a catalog_refresh wakes it at once. */
#include "pg_catalog_cache.h"

#include "core/lw_buf.h"
#include "core/lw_log.h"
#include "../catalog/fga_snapshot.h"
#include "pg_listener.h"

#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* After a failed load the next comes sooner than the TTL, but not in a tight loop. */
#define RETRY_MIN_MS 1000
#define RETRY_MAX_MS 5000
/* Loads at most this often, whatever the TTL (0 would mean reloading without pause). */
#define MIN_INTERVAL_MS 1000
#define DEFAULT_MAX_BYTES ((size_t)64 << 20)

struct pg_catalog_cache {
    struct pg_catalog_cache_opts o;
    struct cat_snap *snap;          /* read-only in this process */
    struct pg_helper helper;
};

static void export_metrics(const struct pg_catalog_cache *cc, const struct cat_snap_state *st)
{
    struct pg_shared_stats *s = cc->o.stats;
    if (!s)
        return;
    lw_gauge_set(&s->catalog_objects, st->loaded ? st->objects : 0);
    lw_gauge_set(&s->catalog_last_load_seconds, (uint64_t)(st->last_load_ms / 1000));
    lw_gauge_set(&s->catalog_load_failures, st->loads_failed);
}

/* Loads, encodes and publishes. 0 or the failure (err filled). */
static int load_and_publish(struct pg_catalog_cache *cc, struct cat_snap *w,
                            struct perm_catalog *pc, uint64_t generation, size_t *bytes,
                            struct lw_err *err)
{
    int64_t deadline = cc->o.load_timeout_ms > 0
                           ? lw_mono_us() + cc->o.load_timeout_ms * 1000 : 0;
    /* Every load reads Lakekeeper afresh: the TTL is this loop's, not the cache's. */
    perm_catalog_invalidate(pc);
    int rc = perm_catalog_load_all(pc, deadline, err);
    if (rc != 0)
        return rc;
    struct lw_buf b;
    lw_buf_init(&b, cat_snap_capacity(w));
    perm_catalog_encode(pc, &b);
    if (b.failed)
        rc = lw_err_set(err, LW_ENOMEM, "the catalog (%zu objects) takes more than "
                        "catalog_max_bytes (%zu bytes); it is refused, not cut",
                        perm_catalog_objects(pc), cat_snap_capacity(w));
    else
        rc = cat_snap_publish(w, generation, b.data, b.len, err);
    *bytes = b.len;
    lw_buf_free(&b);
    return rc;
}

static void load_once(struct pg_catalog_cache *cc, struct cat_snap *w, struct perm_catalog *pc,
                      struct cat_snap_state *st)
{
    struct lw_err err = {0};
    size_t bytes = 0;
    uint64_t serving = cat_snap_requested(w);
    int64_t t0 = lw_mono_us(), start = lw_wall_ms();
    st->last_attempt_ms = st->loading_since_ms = start;
    cat_snap_put_state(w, st);
    int rc = load_and_publish(cc, w, pc, st->generation + 1, &bytes, &err);
    int64_t took_ms = (lw_mono_us() - t0) / 1000;
    if (rc == 0) {
        st->generation++;
        st->loaded = 1;
        st->refused = 0;
        st->error[0] = 0;
        st->last_load_ms = start;
        st->objects = perm_catalog_objects(pc);
        st->bytes = bytes;
        st->loads_ok++;
        if (!st->first_load_ms)
            st->first_load_ms = took_ms ? took_ms : 1;
        LW_INFO("catalog_cache", "loaded", "objects=%llu bytes=%zu ms=%lld generation=%llu",
                (unsigned long long)st->objects, bytes, (long long)took_ms,
                (unsigned long long)st->generation);
    } else {
        st->loads_failed++;
        snprintf(st->error, sizeof st->error, "%s", err.msg[0] ? err.msg : "load failed");
        /* Over a bound, nothing is served (never a cut catalog); an upstream failure keeps
         * the last complete catalog readable. */
        st->refused = rc == LW_ENOMEM;
        if (st->refused)
            st->loaded = 0;
        LW_WARN("catalog_cache", "load_failed", "reason=\"%s\" ms=%lld serving_last=%d",
                st->error, (long long)took_ms, st->loaded);
    }
    st->last_load_duration_ms = took_ms;
    st->loading_since_ms = 0;
    st->refresh_done = serving;
    cat_snap_put_state(w, st);
    export_metrics(cc, st);
    /* The published bytes are the catalog; this process needs none of it until the next
     * load, so its memory goes back. */
    perm_catalog_invalidate(pc);
    malloc_trim(0);
}

/* Before the first load: until the mirror has loaded or failed once, at most mirror_wait_ms
 * (pg_catalog_cache_opts says why). A restarted process whose catalog is still served does
 * not wait. */
static void wait_for_mirror(struct pg_catalog_cache *cc, struct pg_helper *h,
                            const struct cat_snap_state *st)
{
    if (!cc->o.mirror || cc->o.mirror_wait_ms <= 0 || st->loaded)
        return;
    int64_t t0 = lw_mono_us() / 1000;
    struct fga_snap_state ms;
    for (;;) {
        fga_snap_get_state(cc->o.mirror, &ms);
        int64_t waited = lw_mono_us() / 1000 - t0;
        if (ms.loaded || ms.syncs_failed || waited >= cc->o.mirror_wait_ms) {
            LW_INFO("catalog_cache", "first_load_after_mirror", "mirror_loaded=%d waited_ms=%lld",
                    ms.loaded ? 1 : 0, (long long)waited);
            return;
        }
        if (pg_helper_orphaned(h))
            _exit(0);
        pg_helper_sleep_ms(100);
    }
}

/* The catalog process's body (pg_helper.h has done the common setup). */
static void cache_main(struct pg_helper *h, int64_t delay_ms)
{
    struct pg_catalog_cache *cc = h->arg;
    struct lw_err err = {0};
    struct perm_catalog_opts po = cc->o.catalog;
    /* A whole load: each namespace costs at most three listings plus pages, so the object
     * bound bounds the calls too. */
    size_t calls = 3 * (po.max_objects ? po.max_objects : 100000) + 1000;
    po.max_calls = calls > INT_MAX ? INT_MAX : (int)calls;
    struct cat_snap *w = cat_snap_open_writer(cc->snap, &err);
    struct perm_catalog *pc = w ? perm_catalog_new(cc->o.lk, cc->o.nlk, &po) : NULL;
    if (!pc) {
        LW_ERROR("catalog_cache", "start_failed", "reason=\"%s\"",
                 err.msg[0] ? err.msg : "out of memory");
        _exit(1);
    }
    struct cat_snap_state st;
    /* A restart carries the state on, so the published catalog stays served meanwhile. */
    cat_snap_get_state(cc->snap, &st);
    st.started_ms = lw_wall_ms();
    st.pid = (int32_t)getpid();
    st.loading_since_ms = 0;
    cat_snap_put_state(w, &st);
    if (delay_ms > 0)
        pg_helper_sleep_ms(delay_ms);
    wait_for_mirror(cc, h, &st);
    int64_t ttl = po.ttl_ms > MIN_INTERVAL_MS ? po.ttl_ms : MIN_INTERVAL_MS;
    for (;;) {
        load_once(cc, w, pc, &st);
        /* The TTL counts from a load's end: a load that takes longer than the TTL (minutes on
         * a large catalog) is not followed by the next at once. */
        int64_t t0 = lw_mono_us() / 1000;
        int64_t wait = st.error[0] ? (ttl < RETRY_MAX_MS ? ttl : RETRY_MAX_MS) : ttl;
        if (wait < RETRY_MIN_MS)
            wait = RETRY_MIN_MS;
        /* Until the TTL is up or someone asks. */
        for (;;) {
            if (pg_helper_orphaned(h))
                _exit(0);
            int64_t left = t0 + wait - lw_mono_us() / 1000;
            if (left <= 0 || cat_snap_requested(w) != st.refresh_done)
                break;
            cat_snap_wait_request(w, left);
        }
    }
}

struct pg_catalog_cache *pg_catalog_cache_start(const struct pg_catalog_cache_opts *o,
                                                struct lw_err *err)
{
    struct pg_catalog_cache *cc = lw_calloc(1, sizeof *cc);
    if (!cc) {
        lw_err_set(err, LW_ENOMEM, "out of memory");
        return NULL;
    }
    cc->o = *o;
    cc->helper = (struct pg_helper){.log_module = "catalog_cache", .proc_name = "lakeward-cat",
                                    .what = "catalog process", .run = cache_main, .arg = cc,
                                    .close_fd = o->close_fd};
    cc->snap = cat_snap_create(o->max_bytes ? o->max_bytes : DEFAULT_MAX_BYTES, err);
    if (!cc->snap || pg_helper_start(&cc->helper, err) != LW_OK) {
        cat_snap_free(cc->snap);
        lw_free(cc);
        return NULL;
    }
    LW_INFO("catalog_cache", "started", "pid=%d ttl_ms=%lld max_objects=%zu max_bytes=%zu",
            (int)cc->helper.pid, (long long)o->catalog.ttl_ms, o->catalog.max_objects,
            cat_snap_capacity(cc->snap));
    return cc;
}

const struct cat_snap *pg_catalog_cache_snapshot(const struct pg_catalog_cache *cc)
{
    return cc ? cc->snap : NULL;
}

struct pg_helper *pg_catalog_cache_helper(struct pg_catalog_cache *cc)
{
    return cc ? &cc->helper : NULL;
}

void pg_catalog_cache_stop(struct pg_catalog_cache *cc)
{
    if (!cc)
        return;
    pg_helper_stop(&cc->helper);
    cat_snap_free(cc->snap);
    lw_free(cc);
}

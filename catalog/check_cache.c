/* check_cache.c -- TTL cache + in-flight coalescing for permission checks (check_cache.h).
 *
 * One mutex guards a chained hash table and an insertion-ordered list used for eviction.
 * Entries in flight are never evicted; completed entries with waiters stay until the last
 * waiter has read them, even with ttl 0, so coalescing works with caching disabled.
 *
 * Memory: every entry is charged its struct, key, payload and one allocator header per
 * allocation, and the bucket array is charged up front, so `bytes` is what the cache holds
 * give or take allocator rounding. An insert that would pass either bound first evicts the
 * oldest settled entries; if in-flight entries fill the cache it is not stored at all (its
 * caller still gets an answer, just not a cached one). Expired entries are dropped as
 * traffic passes: from the oldest end, and by a cursor that walks the whole list a few
 * entries per call, because TTLs differ per entry (probes, decisions, checks) so the oldest
 * entry is not always the first to expire.
 *
 * Refresh-ahead: each settled entry remembers when its refresh window opens (refresh_at_ms);
 * the first hit at or after it sets `refreshing` under the lock, which is the deduplication:
 * one claim per entry until a new answer replaces the entry or the claim is given back. */
#include "check_cache.h"

#include "../server/core/lw_metrics.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define NBUCKETS 65536
#define ALLOC_OVERHEAD 16       /* malloc's header and alignment, per allocation (glibc) */
#define EVICT_SCAN 1024         /* entries looked at to make room for one insert */
#define SWEEP_OLDEST 64         /* expired entries dropped from the oldest end per call */
#define SWEEP_STEP 8            /* entries the cursor examines per call */

struct entry {
    struct entry *next;         /* hash chain */
    struct entry *older, *newer;/* insertion order */
    uint64_t hash;
    int64_t expires_ms;
    int64_t refresh_at_ms;      /* hits from then on claim the refresh; see settle() */
    int waiters;
    bool in_flight;
    bool ok;
    bool allowed;
    bool refreshing;            /* a hit claimed this entry's refresh */
    char *blob;                 /* payload of a check_cache_put_blob entry, else NULL */
    size_t blob_len;
    char key[];
};

struct check_cache {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct entry **buckets;
    struct entry *oldest, *newest;
    struct entry *sweep;        /* the expiry cursor's next entry; NULL: start at oldest */
    size_t count, max;
    size_t bytes, max_bytes;
    int refresh_pct;            /* last part of a TTL in which hits claim a refresh; 0: never */
    int64_t refresh_min_ms;     /* the window is never shorter than this (ms) */
    struct lw_counter *g_bytes, *g_entries;    /* gauges; NULL when unnamed */
};


static size_t fixed_cost(void)
{
    return sizeof(struct check_cache) + NBUCKETS * sizeof(struct entry *) + 2 * ALLOC_OVERHEAD;
}

static size_t entry_cost(size_t klen, size_t blob_len, bool has_blob)
{
    return sizeof(struct entry) + klen + 1 + ALLOC_OVERHEAD +
           (has_blob ? (blob_len ? blob_len : 1) + ALLOC_OVERHEAD : 0);
}

/* Publishes the cache's size to its gauges; called with c->mu held after every change. */
static void publish(struct check_cache *c)
{
    if (c->g_bytes) {
        lw_gauge_set(c->g_bytes, c->bytes);
        lw_gauge_set(c->g_entries, c->count);
    }
}

struct check_cache *check_cache_new(size_t max_entries, size_t max_bytes, const char *name)
{
    struct check_cache *c = lw_calloc(1, sizeof *c);
    char labels[96];
    if (!c)
        return NULL;
    c->buckets = lw_calloc(NBUCKETS, sizeof *c->buckets);
    if (!c->buckets) {
        lw_free(c);
        return NULL;
    }
    c->max = max_entries ? max_entries : 1;
    c->max_bytes = max_bytes < CHECK_CACHE_MIN_BYTES ? CHECK_CACHE_MIN_BYTES : max_bytes;
    c->bytes = fixed_cost();
    if (name) {
        snprintf(labels, sizeof labels, "cache=\"%s\"", name);
        c->g_bytes = lw_metrics_gauge("lakeward_cache_bytes",
                                      "Bytes held by a cache (keys, values, overhead)", labels);
        c->g_entries = lw_metrics_gauge("lakeward_cache_entries", "Entries held by a cache",
                                        labels);
    }
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    publish(c);
    return c;
}

void check_cache_set_refresh_ahead(struct check_cache *c, int pct)
{
    pthread_mutex_lock(&c->mu);
    c->refresh_pct = pct < 0 ? 0 : pct > 90 ? 90 : pct;
    pthread_mutex_unlock(&c->mu);
}

void check_cache_set_refresh_min_window(struct check_cache *c, int64_t ms)
{
    pthread_mutex_lock(&c->mu);
    c->refresh_min_ms = ms < 0 ? 0 : ms;
    pthread_mutex_unlock(&c->mu);
}

/* Gives e a fresh answer's lifetime: expires ttl_ms from now, refresh window opens pct % of
 * it (at least refresh_min_ms) before that, no claim. Called with c->mu held. */
static void settle(struct check_cache *c, struct entry *e, int64_t now, int64_t ttl_ms)
{
    int64_t window;
    if (ttl_ms < 0)
        ttl_ms = 0;
    window = ttl_ms * c->refresh_pct / 100;
    if (window < c->refresh_min_ms)
        window = c->refresh_min_ms;
    e->expires_ms = now + ttl_ms;
    e->refresh_at_ms = c->refresh_pct ? now + ttl_ms - window : INT64_MAX;
    e->refreshing = false;
}

/* A live hit on e at now: whether this caller claims e's refresh (only when it asks to). */
static bool claim_refresh(struct entry *e, int64_t now, bool *refresh)
{
    if (!refresh)
        return false;
    *refresh = !e->refreshing && now >= e->refresh_at_ms;
    if (*refresh)
        e->refreshing = true;
    return *refresh;
}

static void unlink_entry(struct check_cache *c, struct entry *e)
{
    if (c->sweep == e)
        c->sweep = e->newer;
    struct entry **pp = &c->buckets[e->hash % NBUCKETS];
    while (*pp && *pp != e)
        pp = &(*pp)->next;
    if (*pp)
        *pp = e->next;
    if (e->older)
        e->older->newer = e->newer;
    else
        c->oldest = e->newer;
    if (e->newer)
        e->newer->older = e->older;
    else
        c->newest = e->older;
    c->count--;
    c->bytes -= entry_cost(strlen(e->key), e->blob_len, e->blob != NULL);
    lw_free(e->blob);
    lw_free(e);
}

static bool removable(const struct entry *e, int64_t now)
{
    return !e->in_flight && e->waiters == 0 && (!e->ok || e->expires_ms <= now);
}

static struct entry *find(struct check_cache *c, const char *key, uint64_t h)
{
    for (struct entry *e = c->buckets[h % NBUCKETS]; e; e = e->next)
        if (e->hash == h && strcmp(e->key, key) == 0)
            return e;
    return NULL;
}

/* Drops expired entries: from the oldest end while they are removable, then SWEEP_STEP
 * entries at the cursor, wherever they are. Called with c->mu held, on every operation, so
 * the whole list is walked once every count / SWEEP_STEP operations. */
static void sweep(struct check_cache *c, int64_t now)
{
    for (int k = 0; k < SWEEP_OLDEST && c->oldest && removable(c->oldest, now); k++)
        unlink_entry(c, c->oldest);
    for (int k = 0; k < SWEEP_STEP && c->oldest; k++) {
        struct entry *e = c->sweep ? c->sweep : c->oldest;
        c->sweep = e->newer;
        if (removable(e, now))
            unlink_entry(c, e);
    }
}

static bool fits(const struct check_cache *c, size_t need)
{
    return c->count < c->max && c->bytes + need <= c->max_bytes;
}

/* Makes room for an entry costing `need` by dropping the oldest settled entries (expired or
 * not; in-flight ones and ones with waiters stay), looking at most EVICT_SCAN entries deep.
 * Returns whether it fits now. */
static bool make_room(struct check_cache *c, size_t need)
{
    struct entry *e = c->oldest;
    for (int scanned = 0; e && !fits(c, need) && scanned < EVICT_SCAN; scanned++) {
        struct entry *n = e->newer;
        if (!e->in_flight && e->waiters == 0)
            unlink_entry(c, e);
        e = n;
    }
    return fits(c, need);
}

/* A new zeroed entry for key, linked at the new end, charged `cost`; NULL when it does not
 * fit (everything evictable is gone or in flight: stay within the bounds) or memory is short.
 * Called with c->mu held. */
static struct entry *insert(struct check_cache *c, const char *key, size_t klen, uint64_t h,
                            size_t cost)
{
    struct entry *e;
    if (!make_room(c, cost))
        return NULL;
    if (!(e = lw_malloc(sizeof *e + klen + 1)))
        return NULL;
    memset(e, 0, sizeof *e);
    memcpy(e->key, key, klen + 1);
    e->hash = h;
    e->next = c->buckets[h % NBUCKETS];
    c->buckets[h % NBUCKETS] = e;
    e->older = c->newest;
    if (c->newest)
        c->newest->newer = e;
    else
        c->oldest = e;
    c->newest = e;
    c->count++;
    c->bytes += cost;
    return e;
}

enum check_cache_state check_cache_acquire(struct check_cache *c, const char *key, bool *allowed,
                                           int64_t *expires_ms, bool *refresh)
{
    size_t klen = strlen(key);
    uint64_t h = lw_hash_bytes(key, klen);
    int64_t now = lw_now_ms();
    enum check_cache_state st;
    struct entry *e;

    if (refresh)
        *refresh = false;
    pthread_mutex_lock(&c->mu);
    sweep(c, now);
    e = find(c, key, h);
    if (e && removable(e, now)) {
        unlink_entry(c, e);
        e = NULL;
    }
    if (e && e->in_flight) {
        /* Registered as a waiter now, not in check_cache_wait: the owner may publish (and,
         * with ttl 0, would drop the entry) before this caller gets round to waiting. */
        e->waiters++;
        st = CHECK_CACHE_PENDING;
    } else if (e && e->ok && e->expires_ms > now) {
        *allowed = e->allowed;
        if (expires_ms)
            *expires_ms = e->expires_ms;
        claim_refresh(e, now, refresh);
        st = CHECK_CACHE_HIT;
    } else if (e) {
        /* A settled entry still held by waiters (stale or failed): ask again through it, so
         * there is never a second entry with the same key. */
        e->in_flight = true;
        e->ok = false;
        st = CHECK_CACHE_OWNER;
    } else {
        if ((e = insert(c, key, klen, h, entry_cost(klen, 0, false))))
            e->in_flight = true;
        /* Without an entry the caller still owns the question; complete() finds nothing. */
        st = CHECK_CACHE_OWNER;
    }
    publish(c);
    pthread_mutex_unlock(&c->mu);
    return st;
}

void check_cache_complete(struct check_cache *c, const char *key, bool ok, bool allowed,
                          int64_t ttl_ms)
{
    uint64_t h = lw_hash_bytes(key, strlen(key));
    struct entry *e;
    pthread_mutex_lock(&c->mu);
    e = find(c, key, h);
    if (e && e->in_flight) {
        e->in_flight = false;
        e->ok = ok;
        e->allowed = allowed;
        settle(c, e, lw_now_ms(), ttl_ms);
        if (removable(e, lw_now_ms()))
            unlink_entry(c, e);
        pthread_cond_broadcast(&c->cv);
        publish(c);
    }
    pthread_mutex_unlock(&c->mu);
}

bool check_cache_wait(struct check_cache *c, const char *key, int64_t timeout_ms, bool *allowed)
{
    uint64_t h = lw_hash_bytes(key, strlen(key));
    struct timespec deadline;
    struct entry *e;
    bool got = false;

    lw_deadline_after(&deadline, timeout_ms);
    pthread_mutex_lock(&c->mu);
    e = find(c, key, h);
    if (e) {
        /* check_cache_acquire counted this caller in e->waiters; released below. */
        while (e->in_flight) {
            if (pthread_cond_timedwait(&c->cv, &c->mu, &deadline) != 0)
                break;
        }
        if (!e->in_flight && e->ok) {
            *allowed = e->allowed;
            got = true;
        }
        e->waiters--;
        if (removable(e, lw_now_ms()))
            unlink_entry(c, e);
        publish(c);
    }
    pthread_mutex_unlock(&c->mu);
    return got;
}

void check_cache_store(struct check_cache *c, const char *key, bool allowed, int64_t ttl_ms)
{
    size_t klen = strlen(key);
    uint64_t h = lw_hash_bytes(key, klen);
    int64_t now = lw_now_ms();
    struct entry *e;

    if (ttl_ms <= 0)
        return;
    pthread_mutex_lock(&c->mu);
    sweep(c, now);
    e = find(c, key, h);
    if (e && e->blob) {             /* a payload under a check's key: not ours to change */
        pthread_mutex_unlock(&c->mu);
        return;
    }
    if (!e)
        e = insert(c, key, klen, h, entry_cost(klen, 0, false));
    /* An entry in flight is someone else's question; its owner publishes. A settled one
     * (live, expired or failed; waiters or not) takes the new answer in place. */
    if (e && !e->in_flight) {
        e->ok = true;
        e->allowed = allowed;
        settle(c, e, now, ttl_ms);
    }
    publish(c);
    pthread_mutex_unlock(&c->mu);
}

static void set_claim(struct check_cache *c, const char *key, bool claimed)
{
    uint64_t h = lw_hash_bytes(key, strlen(key));
    struct entry *e;
    pthread_mutex_lock(&c->mu);
    if ((e = find(c, key, h)))
        e->refreshing = claimed;
    pthread_mutex_unlock(&c->mu);
}

void check_cache_unclaim(struct check_cache *c, const char *key)
{
    set_claim(c, key, false);
}

void check_cache_claim(struct check_cache *c, const char *key)
{
    set_claim(c, key, true);
}

void check_cache_put_blob(struct check_cache *c, const char *key, const void *blob, size_t len,
                          int64_t ttl_ms)
{
    size_t klen = strlen(key), cost = entry_cost(klen, len, true);
    uint64_t h = lw_hash_bytes(key, klen);
    int64_t now = lw_now_ms();
    struct entry *e;
    char *copy;

    /* Larger than the whole bound: it could only evict everything and still not fit. */
    if (ttl_ms <= 0 || cost > c->max_bytes - fixed_cost() || !(copy = lw_malloc(len ? len : 1)))
        return;
    memcpy(copy, blob, len);
    pthread_mutex_lock(&c->mu);
    sweep(c, now);
    e = find(c, key, h);
    if (e && !e->in_flight && e->waiters == 0) {
        unlink_entry(c, e);
        e = NULL;
    }
    if (e) {                        /* someone is asking through this key: leave it be */
        pthread_mutex_unlock(&c->mu);
        lw_free(copy);
        return;
    }
    if (!(e = insert(c, key, klen, h, cost))) {
        publish(c);
        pthread_mutex_unlock(&c->mu);
        lw_free(copy);
        return;
    }
    e->ok = true;
    settle(c, e, now, ttl_ms);
    e->blob = copy;
    e->blob_len = len;
    publish(c);
    pthread_mutex_unlock(&c->mu);
}

void *check_cache_get_blob(struct check_cache *c, const char *key, size_t *len, bool *refresh)
{
    uint64_t h = lw_hash_bytes(key, strlen(key));
    struct entry *e;
    void *copy = NULL;
    int64_t now = lw_now_ms();
    if (refresh)
        *refresh = false;
    pthread_mutex_lock(&c->mu);
    sweep(c, now);
    e = find(c, key, h);
    if (e && e->blob && e->ok && !e->in_flight && e->expires_ms > now &&
        (copy = lw_malloc(e->blob_len ? e->blob_len : 1))) {
        memcpy(copy, e->blob, e->blob_len);
        *len = e->blob_len;
        claim_refresh(e, now, refresh);
    }
    publish(c);
    pthread_mutex_unlock(&c->mu);
    return copy;
}

size_t check_cache_bytes(struct check_cache *c)
{
    size_t n;
    pthread_mutex_lock(&c->mu);
    n = c->bytes;
    pthread_mutex_unlock(&c->mu);
    return n;
}

size_t check_cache_entries(struct check_cache *c)
{
    size_t n;
    pthread_mutex_lock(&c->mu);
    n = c->count;
    pthread_mutex_unlock(&c->mu);
    return n;
}

void check_cache_free(struct check_cache *c)
{
    if (!c)
        return;
    c->bytes = c->count = 0;
    publish(c);
    while (c->oldest) {
        struct entry *e = c->oldest;
        c->oldest = e->newer;
        lw_free(e->blob);
        lw_free(e);
    }
    lw_free(c->buckets);
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
    lw_free(c);
}

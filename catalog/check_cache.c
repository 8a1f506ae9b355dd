/* check_cache.c -- TTL cache + in-flight coalescing for permission checks (check_cache.h).
 *
 * One mutex guards a chained hash table and an insertion-ordered list used for eviction.
 * Entries in flight are never evicted; completed entries with waiters stay until the last
 * waiter has read them, even with ttl 0, so coalescing works with caching disabled. */
#include "check_cache.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#define NBUCKETS 65536

struct entry {
    struct entry *next;         /* hash chain */
    struct entry *older, *newer;/* insertion order */
    uint64_t hash;
    int64_t expires_ms;
    int waiters;
    bool in_flight;
    bool ok;
    bool allowed;
    char *blob;                 /* payload of a check_cache_put_blob entry, else NULL */
    size_t blob_len;
    char key[];
};

struct check_cache {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct entry **buckets;
    struct entry *oldest, *newest;
    size_t count, max;
};

struct check_cache *check_cache_new(size_t max_entries)
{
    struct check_cache *c = lw_calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->buckets = lw_calloc(NBUCKETS, sizeof *c->buckets);
    if (!c->buckets) {
        lw_free(c);
        return NULL;
    }
    c->max = max_entries ? max_entries : 1;
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    return c;
}

static void unlink_entry(struct check_cache *c, struct entry *e)
{
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

/* Makes room for one entry by dropping the oldest settled entries (expired or not; in-flight
 * ones and ones with waiters stay), looking at most 64 entries deep. */
static void evict(struct check_cache *c)
{
    struct entry *e = c->oldest;
    int scanned = 0;
    while (e && c->count >= c->max && scanned < 64) {
        struct entry *n = e->newer;
        if (!e->in_flight && e->waiters == 0)
            unlink_entry(c, e);
        e = n;
        scanned++;
    }
}

/* A new zeroed entry for key, linked at the new end; NULL when memory is short.
 * Called with c->mu held. */
static struct entry *insert(struct check_cache *c, const char *key, size_t klen, uint64_t h)
{
    struct entry *e;
    if (c->count >= c->max)     /* everything old is in flight: stay within the bound */
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
    return e;
}

enum check_cache_state check_cache_acquire(struct check_cache *c, const char *key, bool *allowed,
                                           int64_t *expires_ms)
{
    uint64_t h = lw_hash_str(key);
    int64_t now = lw_now_ms();
    enum check_cache_state st;
    struct entry *e;
    size_t klen = strlen(key);

    pthread_mutex_lock(&c->mu);
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
        st = CHECK_CACHE_HIT;
    } else if (e) {
        /* A settled entry still held by waiters (stale or failed): ask again through it, so
         * there is never a second entry with the same key. */
        e->in_flight = true;
        e->ok = false;
        st = CHECK_CACHE_OWNER;
    } else {
        if (c->count >= c->max)
            evict(c);
        if ((e = insert(c, key, klen, h)))
            e->in_flight = true;
        /* Without an entry the caller still owns the question; complete() finds nothing. */
        st = CHECK_CACHE_OWNER;
    }
    pthread_mutex_unlock(&c->mu);
    return st;
}

void check_cache_complete(struct check_cache *c, const char *key, bool ok, bool allowed,
                          int64_t ttl_ms)
{
    uint64_t h = lw_hash_str(key);
    struct entry *e;
    pthread_mutex_lock(&c->mu);
    e = find(c, key, h);
    if (e && e->in_flight) {
        e->in_flight = false;
        e->ok = ok;
        e->allowed = allowed;
        e->expires_ms = lw_now_ms() + (ttl_ms > 0 ? ttl_ms : 0);
        if (removable(e, lw_now_ms()))
            unlink_entry(c, e);
        pthread_cond_broadcast(&c->cv);
    }
    pthread_mutex_unlock(&c->mu);
}

bool check_cache_wait(struct check_cache *c, const char *key, int64_t timeout_ms, bool *allowed)
{
    uint64_t h = lw_hash_str(key);
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
    }
    pthread_mutex_unlock(&c->mu);
    return got;
}

void check_cache_put_blob(struct check_cache *c, const char *key, const void *blob, size_t len,
                          int64_t ttl_ms)
{
    uint64_t h = lw_hash_str(key);
    int64_t now = lw_now_ms();
    size_t klen = strlen(key);
    struct entry *e;
    char *copy;

    if (ttl_ms <= 0 || !(copy = lw_malloc(len ? len : 1)))
        return;
    memcpy(copy, blob, len);
    pthread_mutex_lock(&c->mu);
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
    if (c->count >= c->max)
        evict(c);
    if (!(e = insert(c, key, klen, h))) {
        pthread_mutex_unlock(&c->mu);
        lw_free(copy);
        return;
    }
    e->ok = true;
    e->expires_ms = now + ttl_ms;
    e->blob = copy;
    e->blob_len = len;
    pthread_mutex_unlock(&c->mu);
}

void *check_cache_get_blob(struct check_cache *c, const char *key, size_t *len)
{
    uint64_t h = lw_hash_str(key);
    struct entry *e;
    void *copy = NULL;
    pthread_mutex_lock(&c->mu);
    e = find(c, key, h);
    if (e && e->blob && e->ok && !e->in_flight && e->expires_ms > lw_now_ms() &&
        (copy = lw_malloc(e->blob_len ? e->blob_len : 1))) {
        memcpy(copy, e->blob, e->blob_len);
        *len = e->blob_len;
    }
    pthread_mutex_unlock(&c->mu);
    return copy;
}

void check_cache_free(struct check_cache *c)
{
    if (!c)
        return;
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

/* check_cache.h -- answers of Lakekeeper permission checks, shared by all threads: a TTL
 * cache keyed by the rendered check, which also coalesces identical checks in flight
 * (a second asker waits for the first one's answer instead of sending its own).
 * Bounded in entries and in bytes (keys, payloads and per-entry overhead counted); the oldest
 * settled entries are evicted first, and expired ones are dropped as traffic passes, not
 * only when pushed out. Entries can also carry an opaque payload instead of a boolean (the
 * decision cache keeps whole answers this way). */
#ifndef CHECK_CACHE_H
#define CHECK_CACHE_H

#include "../server/core/lw.h"

struct check_cache;

enum check_cache_state {
    CHECK_CACHE_HIT,      /* *allowed holds a cached answer */
    CHECK_CACHE_OWNER,    /* caller must find the answer and call check_cache_complete */
    CHECK_CACHE_PENDING,  /* another thread is asking; the caller must call check_cache_wait
                           * (exactly once) later, which also releases its claim on the entry */
};

/* max_entries and max_bytes bound it (max_bytes counts the fixed index too, so it must be at
 * least CHECK_CACHE_MIN_BYTES; smaller values are raised to it). name, when not NULL, labels
 * its gauges lakeward_cache_bytes / lakeward_cache_entries{cache="<name>"} in /metrics.
 * Returns NULL on allocation failure. */
#define CHECK_CACHE_MIN_BYTES (1u << 20)
struct check_cache *check_cache_new(size_t max_entries, size_t max_bytes, const char *name)
    LW_MUSTCHECK;
void check_cache_free(struct check_cache *c);

/* Looks key up. On HIT fills *allowed and, if not NULL, *expires_ms (when the cached answer
 * expires, lw_now_ms time). On OWNER the key is now marked in flight and the
 * caller must complete it (even on failure). PENDING means someone else owns it. */
enum check_cache_state check_cache_acquire(struct check_cache *c, const char *key, bool *allowed,
                                           int64_t *expires_ms);
/* Publishes the owner's answer. ok=false (upstream failed) wakes waiters with a failure
 * and caches nothing. ttl_ms <= 0 caches nothing but still hands the answer to waiters. */
void check_cache_complete(struct check_cache *c, const char *key, bool ok, bool allowed,
                          int64_t ttl_ms);
/* Waits up to timeout_ms for a key acquire answered PENDING (the answer stays available to
 * this caller even if the owner publishes first). Returns true and fills *allowed when the owner
 * published an answer; false on owner failure or timeout (the caller denies). */
bool check_cache_wait(struct check_cache *c, const char *key, int64_t timeout_ms, bool *allowed);

/* Opaque answers (used for whole decisions): put copies len bytes of blob under key for
 * ttl_ms (nothing when ttl_ms <= 0, memory is short, or the key is in flight as a check);
 * get returns a copy the caller frees with lw_free and its length, or NULL when there is no
 * live payload under key. */
void check_cache_put_blob(struct check_cache *c, const char *key, const void *blob, size_t len,
                          int64_t ttl_ms);
void *check_cache_get_blob(struct check_cache *c, const char *key, size_t *len) LW_MUSTCHECK;

/* Bytes and entries held now (what the bounds are checked against). */
size_t check_cache_bytes(struct check_cache *c);
size_t check_cache_entries(struct check_cache *c);

#endif

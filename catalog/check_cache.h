/* check_cache.h -- answers of Lakekeeper permission checks, shared by all threads: a TTL
 * cache keyed by the rendered check, which also coalesces identical checks in flight
 * (a second asker waits for the first one's answer instead of sending its own).
 * Bounded in entries and in bytes (keys, payloads and per-entry overhead counted); the oldest
 * settled entries are evicted first, and expired ones are dropped as traffic passes, not
 * only when pushed out. Entries can also carry an opaque payload instead of a boolean (the
 * decision cache keeps whole answers this way).
 *
 * Refresh-ahead (check_cache_set_refresh_ahead): a hit in the last part of an entry's TTL is
 * still a hit, and the first such hit also *claims* the entry's refresh, so exactly one caller
 * is told to ask again in the background while everyone else keeps hitting. An entry is never
 * served past its expiry; only a new answer (check_cache_store, check_cache_put_blob) gives it
 * a new one, so a refresh that fails or never runs lets the entry expire. */
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

/* pct (0..90) of each entry's TTL at its end during which a hit claims the entry's refresh
 * (see above); 0, the default, disables refresh-ahead. Applies to answers stored from now on. */
void check_cache_set_refresh_ahead(struct check_cache *c, int pct);
/* The shortest refresh window, in ms (default 0): with refresh-ahead on, an entry's window
 * opens at least this long before its expiry, at once when its whole TTL is shorter. An entry
 * can be stored with less than the usual TTL (a decision made of check answers already part-way
 * through theirs), but what its refresh needs is a Lakekeeper round trip, which does not shrink
 * with it. Applies to answers stored from now on. */
void check_cache_set_refresh_min_window(struct check_cache *c, int64_t ms);

/* Looks key up. On HIT fills *allowed and, if not NULL, *expires_ms (when the cached answer
 * expires, lw_now_ms time) and *refresh (true when this caller claimed the entry's refresh:
 * it must ask again and store the answer with check_cache_store, or give the claim back with
 * check_cache_unclaim; a NULL refresh never claims). On OWNER the key is now marked in flight
 * and the caller must complete it (even on failure). PENDING means someone else owns it. */
enum check_cache_state check_cache_acquire(struct check_cache *c, const char *key, bool *allowed,
                                           int64_t *expires_ms, bool *refresh);
/* Publishes the owner's answer. ok=false (upstream failed) wakes waiters with a failure
 * and caches nothing. ttl_ms <= 0 caches nothing but still hands the answer to waiters. */
void check_cache_complete(struct check_cache *c, const char *key, bool ok, bool allowed,
                          int64_t ttl_ms);
/* Waits up to timeout_ms for a key acquire answered PENDING (the answer stays available to
 * this caller even if the owner publishes first). Returns true and fills *allowed when the owner
 * published an answer; false on owner failure or timeout (the caller denies). */
bool check_cache_wait(struct check_cache *c, const char *key, int64_t timeout_ms, bool *allowed);

/* A refresh's answer, asked without acquiring the key: stored for ttl_ms (replacing a
 * settled entry, which also ends its refresh claim), unless someone is asking through the
 * key right now (their answer lands instead) or ttl_ms <= 0. */
void check_cache_store(struct check_cache *c, const char *key, bool allowed, int64_t ttl_ms);
/* Gives back a refresh claim that will not be used (the refresh could not be queued), so a
 * later hit in the window can claim it again. Nothing happens when key is absent. */
void check_cache_unclaim(struct check_cache *c, const char *key);
/* Takes the refresh claim of key's entry for a caller about to refresh it anyway (a decision
 * just stored whose checks are due), so that hits in its window queue no second refresh.
 * Nothing happens when key is absent. */
void check_cache_claim(struct check_cache *c, const char *key);

/* Opaque answers (used for whole decisions): put copies len bytes of blob under key for
 * ttl_ms (nothing when ttl_ms <= 0, memory is short, or the key is in flight as a check),
 * replacing what was there; get returns a copy the caller frees with lw_free and its length,
 * or NULL when there is no live payload under key. *refresh as in check_cache_acquire (put
 * ends the claim). */
void check_cache_put_blob(struct check_cache *c, const char *key, const void *blob, size_t len,
                          int64_t ttl_ms);
void *check_cache_get_blob(struct check_cache *c, const char *key, size_t *len, bool *refresh)
    LW_MUSTCHECK;

/* Bytes and entries held now (what the bounds are checked against). */
size_t check_cache_bytes(struct check_cache *c);
size_t check_cache_entries(struct check_cache *c);

#endif

/* lw.h -- the process-wide core every module links: errors as values, allocation,
 * assertions. Depends on nothing but libc. */
#ifndef LW_H
#define LW_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LW_MUSTCHECK __attribute__((warn_unused_result))
#define LW_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Error codes carried in struct lw_err.code (0 means no error). */
enum {
    LW_OK = 0,
    LW_EINVAL = -1,   /* bad input from a peer or a user */
    LW_ENOMEM = -2,   /* allocation failed or a bound was exceeded */
    LW_EIO = -3,      /* an upstream call failed (network, status, body) */
    LW_ETIMEOUT = -4, /* an upstream call took longer than its bound */
    LW_ECONFIG = -5,  /* configuration is invalid */
    LW_ENOTFOUND = -6,
    LW_EAUTH = -7,    /* credentials refused */
};

/* An error as a value: a code plus a bounded human message. Functions take a
 * `struct lw_err *err` that may be NULL when the caller does not care why. */
struct lw_err {
    int code;
    char sqlstate[6];
    char msg[256];
};

/* Fills err (if not NULL) and returns code, so callers can `return lw_err_set(...)`. */
int lw_err_set(struct lw_err *err, int code, const char *fmt, ...) LW_PRINTF(3, 4);
void lw_err_clear(struct lw_err *err);
const char *lw_err_code_name(int code);

/* Allocation: every allocation in lakeward goes through these so tests can make the
 * Nth allocation fail (lw_alloc_fail_after). They return NULL on failure; they never
 * abort. lw_free(NULL) is a no-op. */
void *lw_malloc(size_t n) LW_MUSTCHECK;
void *lw_calloc(size_t count, size_t size) LW_MUSTCHECK;
void *lw_realloc(void *p, size_t n) LW_MUSTCHECK;
char *lw_strdup(const char *s) LW_MUSTCHECK;
char *lw_strndup(const char *s, size_t n) LW_MUSTCHECK;
void lw_free(void *p);
/* Test hook: after n more successful allocations, fail every allocation; n < 0 disables. */
void lw_alloc_fail_after(long n);
/* Routes jansson's allocations through lw_malloc/lw_free. Call once at start-up. */
void lw_alloc_install_json(void);

/* Invariants of our own code (never peer input): abort in debug and sanitizer builds,
 * compiled out otherwise. */
#ifdef LW_DEBUG_BUILD
#define LW_ASSERT(cond) ((cond) ? (void)0 : lw_assert_fail(#cond, __FILE__, __LINE__))
#else
#define LW_ASSERT(cond) ((void)0)
#endif
void lw_assert_fail(const char *cond, const char *file, int line) __attribute__((noreturn));

/* Monotonic and wall clocks in milliseconds. lw_now_ms can be replaced by tests
 * (caches and token expiry read time only through it). */
extern int64_t (*lw_now_ms)(void);
int64_t lw_wall_ms(void);
/* Monotonic microseconds for measuring latency (not replaceable). */
int64_t lw_mono_us(void);

/* The hash of len bytes, for the project's hash tables (cache keys, planned checks, a scan's
 * interned strings). Their keys are long -- a decision-cache key holds a whole request body,
 * ~0.3-1 KiB; OpenFGA objects share their first 55 bytes -- and a byte-at-a-time hash was the
 * largest single cost of a cache hit: this one mixes 8 bytes per step, with a final avalanche
 * because buckets take the low bits. */
uint64_t lw_hash_bytes(const void *p, size_t len);
/* lw_hash_bytes of a NUL-terminated string. */
uint64_t lw_hash_str(const char *s);

/* Condition waits with a bound: the absolute CLOCK_REALTIME time ms from now (what
 * pthread_cond_timedwait takes), and one wait of at most ms (0 when signalled, else the
 * pthread error, e.g. ETIMEDOUT). */
void lw_deadline_after(struct timespec *ts, int64_t ms);
int lw_cond_wait_ms(pthread_cond_t *cv, pthread_mutex_t *mu, int64_t ms);

/* Checked number parsing: the whole string must be a base-10 integer in range.
 * Returns 0 and sets *out, or LW_EINVAL. */
int lw_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out) LW_MUSTCHECK;

/* Splits "host:port" (or "[v6]:port"). host buffer gets the host; returns LW_EINVAL. */
int lw_parse_hostport(const char *s, char *host, size_t hostlen, int *port) LW_MUSTCHECK;

#endif

/* lw.c -- the process-wide core: error values, the allocator every module uses,
 * clocks and checked number parsing. */
#include "lw.h"

#include <errno.h>
#include <jansson.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int lw_err_set(struct lw_err *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        err->code = code;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

void lw_err_clear(struct lw_err *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

const char *lw_err_code_name(int code)
{
    switch (code) {
    case LW_OK: return "ok";
    case LW_EINVAL: return "invalid";
    case LW_ENOMEM: return "nomem";
    case LW_EIO: return "upstream";
    case LW_ETIMEOUT: return "timeout";
    case LW_ECONFIG: return "config";
    case LW_ENOTFOUND: return "notfound";
    case LW_EAUTH: return "auth";
    default: return "unknown";
    }
}

/* Remaining successful allocations before failure injection starts; -1 = never. */
static _Atomic long alloc_budget = -1;

void lw_alloc_fail_after(long n)
{
    atomic_store(&alloc_budget, n);
}

static bool alloc_allowed(void)
{
    long b = atomic_load(&alloc_budget);
    while (b >= 0) {
        if (b == 0)
            return false;
        if (atomic_compare_exchange_weak(&alloc_budget, &b, b - 1))
            return true;
    }
    return true;
}

void *lw_malloc(size_t n)
{
    return alloc_allowed() ? malloc(n ? n : 1) : NULL;
}

void *lw_calloc(size_t count, size_t size)
{
    return alloc_allowed() ? calloc(count ? count : 1, size ? size : 1) : NULL;
}

void *lw_realloc(void *p, size_t n)
{
    return alloc_allowed() ? realloc(p, n ? n : 1) : NULL;
}

char *lw_strndup(const char *s, size_t n)
{
    char *d = lw_malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *lw_strdup(const char *s)
{
    return s ? lw_strndup(s, strlen(s)) : NULL;
}

void lw_free(void *p)
{
    free(p);
}

void lw_alloc_install_json(void)
{
    json_set_alloc_funcs(lw_malloc, lw_free);
}

void lw_assert_fail(const char *cond, const char *file, int line)
{
    fprintf(stderr, "assertion failed: %s (%s:%d)\n", cond, file, line);
    abort();
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t (*lw_now_ms)(void) = mono_ms;

int64_t lw_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t lw_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t lw_hash_bytes(const void *p, size_t len)
{
    const unsigned char *key = p;
    const uint64_t m = 0x9e3779b97f4a7c15ULL;
    uint64_t h = len * m, w;
    for (; len >= 8; key += 8, len -= 8) {
        memcpy(&w, key, 8);
        h = (h ^ w) * m;
        h ^= h >> 29;
    }
    w = 0;
    memcpy(&w, key, len);
    h = (h ^ w) * m;
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ULL;
    return h ^ (h >> 32);
}

uint64_t lw_hash_str(const char *s)
{
    return lw_hash_bytes(s, strlen(s));
}

void lw_deadline_after(struct timespec *ts, int64_t ms)
{
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (ms % 1000) * 1000000;
    if (ts->tv_nsec >= 1000000000) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000;
    }
}

int lw_cond_wait_ms(pthread_cond_t *cv, pthread_mutex_t *mu, int64_t ms)
{
    struct timespec deadline;
    lw_deadline_after(&deadline, ms);
    return pthread_cond_timedwait(cv, mu, &deadline);
}

int lw_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
    char *end;
    long long v;
    if (!s || !*s)
        return LW_EINVAL;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return LW_EINVAL;
    *out = v;
    return 0;
}

int lw_parse_hostport(const char *s, char *host, size_t hostlen, int *port)
{
    const char *colon;
    size_t hl;
    int64_t p;
    if (!s)
        return LW_EINVAL;
    if (s[0] == '[') {
        const char *rb = strchr(s, ']');
        if (!rb || rb[1] != ':')
            return LW_EINVAL;
        hl = (size_t)(rb - s - 1);
        colon = rb + 1;
        s++;
    } else {
        colon = strrchr(s, ':');
        if (!colon)
            return LW_EINVAL;
        hl = (size_t)(colon - s);
    }
    if (hl == 0 || hl >= hostlen || lw_parse_i64(colon + 1, 0, 65535, &p) != 0)
        return LW_EINVAL;
    memcpy(host, s, hl);
    host[hl] = '\0';
    *port = (int)p;
    return 0;
}

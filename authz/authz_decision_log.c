/* authz_decision_log.c -- the decision ring and JSON-lines sink (authz_decision_log.h). */
#include "authz_decision_log.h"

#include "../server/core/lw_buf.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define ALLOC_OVERHEAD 16    /* malloc's header and alignment per JSON line (glibc) */
#define DEFAULT_MAX_BYTES (64u << 20)

/* The ring holds the newest `count` records ending before `next`. Besides the capacity it is
 * bounded by the bytes of its JSON lines: a record can be large (a long group list, user name
 * or query id is kept whole), so the count alone would not bound memory. */
struct authz_decision_log {
    pthread_mutex_t mu;
    struct authz_decision_summary *ring;
    int capacity, next, count;
    size_t bytes, max_bytes;
    FILE *sink;
    bool own_sink;
};

static size_t record_bytes(const struct authz_decision_summary *r)
{
    return r->json ? strlen(r->json) + 1 + ALLOC_OVERHEAD : 0;
}

struct authz_decision_log *authz_decision_log_new(int capacity, size_t max_bytes,
                                                  const char *path, struct lw_err *err)
{
    struct authz_decision_log *l = lw_calloc(1, sizeof *l);
    if (!l || !(l->ring = lw_calloc((size_t)(capacity > 0 ? capacity : 1), sizeof *l->ring))) {
        lw_free(l);
        lw_err_set(err, LW_ENOMEM, "out of memory for the decision log");
        return NULL;
    }
    l->capacity = capacity > 0 ? capacity : 1;
    l->max_bytes = max_bytes ? max_bytes : DEFAULT_MAX_BYTES;
    pthread_mutex_init(&l->mu, NULL);
    if (path && strcmp(path, "-") == 0) {
        l->sink = stdout;
    } else if (path && *path) {
        l->sink = fopen(path, "a");     /* O_APPEND: each write lands at the end */
        l->own_sink = true;
        if (!l->sink) {
            lw_err_set(err, LW_ECONFIG, "cannot open decision log file %s", path);
            authz_decision_log_free(l);
            return NULL;
        }
    }
    return l;
}

void authz_decision_log_free(struct authz_decision_log *l)
{
    if (!l)
        return;
    for (int i = 0; i < l->capacity; i++)
        lw_free(l->ring[i].json);
    if (l->own_sink && l->sink)
        fclose(l->sink);
    pthread_mutex_destroy(&l->mu);
    lw_free(l->ring);
    lw_free(l);
}

/* One write(2) per record, outside the ring's lock: with O_APPEND (or a pipe, for lines
 * under PIPE_BUF) lines from concurrent threads do not interleave, and a slow reader of
 * stdout delays only the thread writing, not every decision. */
static void write_line(struct authz_decision_log *l, const char *json)
{
    size_t n = strlen(json);
    char *line = lw_malloc(n + 1);
    ssize_t w;
    if (!line)
        return;
    memcpy(line, json, n);
    line[n] = '\n';
    w = write(fileno(l->sink), line, n + 1);
    (void)w;    /* a lost decision-log line is not worth failing a decision for */
    lw_free(line);
}

/* Forgets the oldest record. Called with l->mu held and count > 0. */
static void drop_oldest(struct authz_decision_log *l)
{
    struct authz_decision_summary *r = &l->ring[(l->next - l->count + l->capacity) % l->capacity];
    l->bytes -= record_bytes(r);
    lw_free(r->json);
    memset(r, 0, sizeof *r);
    l->count--;
}

void authz_decision_log_add(struct authz_decision_log *l, struct authz_decision_summary *rec)
{
    if (l->sink && rec->json)
        write_line(l, rec->json);
    pthread_mutex_lock(&l->mu);
    if (l->count == l->capacity)
        drop_oldest(l);
    l->ring[l->next] = *rec;
    l->bytes += record_bytes(rec);
    rec->json = NULL;
    l->next = (l->next + 1) % l->capacity;
    l->count++;
    while (l->count > 1 && l->bytes > l->max_bytes)
        drop_oldest(l);
    pthread_mutex_unlock(&l->mu);
}

size_t authz_decision_log_bytes(struct authz_decision_log *l)
{
    size_t n;
    pthread_mutex_lock(&l->mu);
    n = l->bytes;
    pthread_mutex_unlock(&l->mu);
    return n;
}

char *authz_decision_log_tail(struct authz_decision_log *l, int n)
{
    struct lw_buf b;
    lw_buf_init(&b, 64u << 20);
    pthread_mutex_lock(&l->mu);
    if (n > l->count || n < 0)
        n = l->count;
    for (int k = n; k > 0; k--) {
        const struct authz_decision_summary *r =
            &l->ring[(l->next - k + l->capacity) % l->capacity];
        if (r->json) {
            lw_buf_puts(&b, r->json);
            lw_buf_putc(&b, '\n');
        }
    }
    pthread_mutex_unlock(&l->mu);
    return lw_buf_take(&b);
}

int authz_decision_log_copy(struct authz_decision_log *l, int max, bool with_json,
                            struct authz_decision_summary **rows, int *n)
{
    struct authz_decision_summary *out = NULL;
    int count, k = 0;
    *rows = NULL;
    *n = 0;
    pthread_mutex_lock(&l->mu);
    count = max < 0 || max > l->count ? l->count : max;
    if (count > 0 && !(out = lw_calloc((size_t)count, sizeof *out)))
        goto fail;
    for (; k < count; k++) {
        const struct authz_decision_summary *r =
            &l->ring[(l->next - count + k + l->capacity) % l->capacity];
        out[k] = *r;
        out[k].json = NULL;
        if (with_json && r->json && !(out[k].json = lw_strdup(r->json)))
            goto fail;
    }
    pthread_mutex_unlock(&l->mu);
    *rows = out;
    *n = count;
    return 0;
fail:
    pthread_mutex_unlock(&l->mu);
    authz_decision_log_rows_free(out, k);
    return LW_ENOMEM;
}

void authz_decision_log_rows_free(struct authz_decision_summary *rows, int n)
{
    for (int i = 0; rows && i < n; i++)
        lw_free(rows[i].json);
    lw_free(rows);
}

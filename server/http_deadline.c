/* http_deadline.c -- the connection clocks and their reaper (http_deadline.h).
 *
 * Clocks live in one doubly linked list under a mutex, touched only when a connection opens
 * or closes; stage changes are atomic stores, so the request path takes no lock. The reaper
 * scans the list a few times a second (10,000 connections cost well under a millisecond per
 * scan) and calls shutdown(2) on overdue sockets: the owning event-loop thread then sees
 * end-of-file and closes the connection itself. Because libmicrohttpd reports a connection
 * closed (http_deadlines_close) before it closes the socket, and both sides hold the mutex,
 * the reaper can never shut down a reused descriptor. */
#include "http_deadline.h"

#include "core/lw_log.h"
#include "core/lw_metrics.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>

#define REAPER_TICK_MS 100

struct http_conn_clock {
    struct http_conn_clock *prev, *next;
    int fd;
    _Atomic int64_t due_ms;     /* 0: no deadline */
    _Atomic int stage;
};

struct http_deadlines {
    struct http_deadline_opts opts;
    char name[32];
    int64_t budget_ms[HTTP_STAGE_COUNT];
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct http_conn_clock *head;
    unsigned count;
    bool stopping;
    pthread_t reaper;
    struct lw_counter *closed[HTTP_STAGE_COUNT];
};

static const char *const stage_names[HTTP_STAGE_COUNT] = {"head", "body", "busy", "idle"};

static void reap(struct http_deadlines *d, int64_t now)
{
    for (struct http_conn_clock *c = d->head; c; c = c->next) {
        int64_t due = atomic_load_explicit(&c->due_ms, memory_order_relaxed);
        int stage;
        if (!due || now < due)
            continue;
        stage = atomic_load_explicit(&c->stage, memory_order_relaxed);
        /* The owner may be moving the clock to a new stage right now; its store wins. */
        if (!atomic_compare_exchange_strong(&c->due_ms, &due, 0))
            continue;
        shutdown(c->fd, SHUT_RDWR);
        lw_counter_add(d->closed[stage], 1);
        LW_INFO(d->name, "deadline_closed", "stage=%s fd=%d", stage_names[stage], c->fd);
    }
}

static void *reaper_main(void *p)
{
    struct http_deadlines *d = p;
    pthread_mutex_lock(&d->mu);
    while (!d->stopping) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_nsec += REAPER_TICK_MS * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&d->cv, &d->mu, &ts);
        if (!d->stopping)
            reap(d, lw_now_ms());
    }
    pthread_mutex_unlock(&d->mu);
    return NULL;
}

struct http_deadlines *http_deadlines_start(const struct http_deadline_opts *opts,
                                            struct lw_err *err)
{
    struct http_deadlines *d = lw_calloc(1, sizeof *d);
    pthread_condattr_t ca;
    if (!d) {
        lw_err_set(err, LW_ENOMEM, "out of memory");
        return NULL;
    }
    d->opts = *opts;
    snprintf(d->name, sizeof d->name, "%s", opts->name ? opts->name : "http");
    d->opts.name = d->name;
    d->budget_ms[HTTP_STAGE_HEAD] = opts->head_ms;
    d->budget_ms[HTTP_STAGE_BODY] = opts->body_ms;
    d->budget_ms[HTTP_STAGE_BUSY] = 0;
    d->budget_ms[HTTP_STAGE_IDLE] = opts->idle_ms + opts->head_ms;
    for (int s = 0; s < HTTP_STAGE_COUNT; s++) {
        char labels[96];
        snprintf(labels, sizeof labels, "server=\"%s\",stage=\"%s\"", d->name, stage_names[s]);
        d->closed[s] = lw_metrics_counter("lakeward_http_deadline_closed_total",
                                          "Connections closed because a stage outlived its "
                                          "deadline", labels);
    }
    pthread_mutex_init(&d->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&d->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&d->reaper, NULL, reaper_main, d) != 0) {
        pthread_cond_destroy(&d->cv);
        pthread_mutex_destroy(&d->mu);
        lw_free(d);
        lw_err_set(err, LW_ENOMEM, "cannot start the connection deadline thread");
        return NULL;
    }
    return d;
}

struct http_conn_clock *http_deadlines_open(struct http_deadlines *d, int fd)
{
    struct http_conn_clock *c = NULL;
    pthread_mutex_lock(&d->mu);
    if (d->count < d->opts.max_connections && (c = lw_calloc(1, sizeof *c))) {
        c->fd = fd;
        c->next = d->head;
        if (d->head)
            d->head->prev = c;
        d->head = c;
        d->count++;
    }
    pthread_mutex_unlock(&d->mu);
    if (c)
        http_conn_clock_stage(d, c, HTTP_STAGE_HEAD);
    return c;
}

void http_deadlines_close(struct http_deadlines *d, struct http_conn_clock *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&d->mu);
    if (c->prev)
        c->prev->next = c->next;
    else
        d->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    d->count--;
    pthread_mutex_unlock(&d->mu);
    lw_free(c);
}

void http_conn_clock_stage(struct http_deadlines *d, struct http_conn_clock *c,
                           enum http_stage stage)
{
    int64_t budget;
    if (!c)
        return;
    budget = d->budget_ms[stage];
    atomic_store_explicit(&c->stage, (int)stage, memory_order_relaxed);
    atomic_store_explicit(&c->due_ms, budget > 0 ? lw_now_ms() + budget : 0,
                          memory_order_relaxed);
}

unsigned http_deadlines_count(struct http_deadlines *d)
{
    unsigned n;
    pthread_mutex_lock(&d->mu);
    n = d->count;
    pthread_mutex_unlock(&d->mu);
    return n;
}

void http_deadlines_stop(struct http_deadlines *d)
{
    if (!d)
        return;
    pthread_mutex_lock(&d->mu);
    d->stopping = true;
    pthread_cond_signal(&d->cv);
    pthread_mutex_unlock(&d->mu);
    pthread_join(d->reaper, NULL);
    while (d->head) {
        struct http_conn_clock *c = d->head;
        d->head = c->next;
        lw_free(c);
    }
    pthread_cond_destroy(&d->cv);
    pthread_mutex_destroy(&d->mu);
    lw_free(d);
}

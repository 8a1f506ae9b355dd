/* http_workers.c -- the blocking-work pool behind the HTTP event loop (http_workers.h).
 *
 * A ring of queue_max job slots under one mutex: submitters never wait for a slot (a full
 * queue is reported, and the HTTP layer answers 503), workers wait on a condition. On stop,
 * queued jobs still run: each belongs to a suspended connection that must be resumed. */
#include "http_workers.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

struct job {
    http_job_fn fn;
    void *arg;
};

struct http_workers {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct job *ring;
    int cap, head, count, running;
    bool stopping;
    int nthreads;
    pthread_t *threads;
    char name[32];
};

static void *worker_main(void *p)
{
    struct http_workers *w = p;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        struct job j;
        while (w->count == 0 && !w->stopping)
            pthread_cond_wait(&w->cv, &w->mu);
        if (w->count == 0)
            break;   /* stopping and drained */
        j = w->ring[w->head];
        w->head = (w->head + 1) % w->cap;
        w->count--;
        w->running++;
        pthread_mutex_unlock(&w->mu);
        j.fn(j.arg);
        pthread_mutex_lock(&w->mu);
        w->running--;
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

struct http_workers *http_workers_start(int nthreads, int queue_max, const char *name,
                                        struct lw_err *err)
{
    struct http_workers *w;
    if (nthreads < 1 || queue_max < 1) {
        lw_err_set(err, LW_EINVAL, "worker pool: %d threads, queue of %d", nthreads, queue_max);
        return NULL;
    }
    if (!(w = lw_calloc(1, sizeof *w))) {
        lw_err_set(err, LW_ENOMEM, "worker pool: out of memory");
        return NULL;
    }
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    snprintf(w->name, sizeof w->name, "%s", name ? name : "http");
    w->cap = queue_max;
    w->ring = lw_calloc((size_t)queue_max, sizeof *w->ring);
    w->threads = lw_calloc((size_t)nthreads, sizeof *w->threads);
    if (!w->ring || !w->threads) {
        http_workers_free(w);
        lw_err_set(err, LW_ENOMEM, "worker pool: out of memory");
        return NULL;
    }
    for (int i = 0; i < nthreads; i++) {
        if (pthread_create(&w->threads[i], NULL, worker_main, w) != 0) {
            http_workers_free(w);
            lw_err_set(err, LW_ENOMEM, "worker pool: cannot start thread %d of %d", i + 1,
                       nthreads);
            return NULL;
        }
        w->nthreads++;
    }
    return w;
}

int http_workers_submit(struct http_workers *w, http_job_fn fn, void *arg)
{
    int rc = 0;
    pthread_mutex_lock(&w->mu);
    if (w->stopping)
        rc = LW_EINVAL;
    else if (w->count == w->cap)
        rc = LW_ENOMEM;
    else {
        w->ring[(w->head + w->count) % w->cap] = (struct job){fn, arg};
        w->count++;
        pthread_cond_signal(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return rc;
}

int http_workers_pending(struct http_workers *w)
{
    int n;
    pthread_mutex_lock(&w->mu);
    n = w->count + w->running;
    pthread_mutex_unlock(&w->mu);
    return n;
}

void http_workers_stop(struct http_workers *w)
{
    int n;
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->stopping = true;
    pthread_cond_broadcast(&w->cv);
    n = w->nthreads;
    w->nthreads = 0;
    pthread_mutex_unlock(&w->mu);
    for (int i = 0; i < n; i++)
        pthread_join(w->threads[i], NULL);
}

void http_workers_free(struct http_workers *w)
{
    if (!w)
        return;
    http_workers_stop(w);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    lw_free(w->ring);
    lw_free(w->threads);
    lw_free(w);
}

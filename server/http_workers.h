/* http_workers.h -- a fixed pool of worker threads with a bounded job queue: the HTTP face
 * hands it the requests whose answer needs blocking work (a Lakekeeper call), so the event
 * loop threads never block. */
#ifndef HTTP_WORKERS_H
#define HTTP_WORKERS_H

#include "core/lw.h"

typedef void (*http_job_fn)(void *arg);

struct http_workers;

/* Starts nthreads threads (>= 1) and a queue of at most queue_max waiting jobs (>= 1).
 * Returns NULL and fills err when a thread cannot be started or memory is short. */
struct http_workers *http_workers_start(int nthreads, int queue_max, const char *name,
                                        struct lw_err *err) LW_MUSTCHECK;
/* Queues fn(arg) to run on a worker. Returns 0, or LW_ENOMEM when the queue is full and
 * LW_EINVAL once the pool is stopping; the job is then not run and arg stays the caller's.
 * Thread-safe; never blocks beyond a short lock. */
int http_workers_submit(struct http_workers *w, http_job_fn fn, void *arg) LW_MUSTCHECK;
/* Jobs queued or running right now (for metrics and tests). */
int http_workers_pending(struct http_workers *w);
/* Stops taking jobs (submit then fails), runs every job already queued and joins the
 * threads. w stays valid until http_workers_free. */
void http_workers_stop(struct http_workers *w);
void http_workers_free(struct http_workers *w);

#endif

/* lw_metrics.h -- process metrics in Prometheus text format: counters, gauges and histograms,
 * registered once (returning a pointer the caller keeps) and updated lock-free. */
#ifndef LW_METRICS_H
#define LW_METRICS_H

#include "lw_buf.h"

#include <stdatomic.h>

struct lw_counter {
    _Atomic uint64_t value;
};

#define LW_HIST_MAX_BUCKETS 16

struct lw_histogram {
    int nbounds;
    double bounds[LW_HIST_MAX_BUCKETS];        /* upper bounds, seconds */
    _Atomic uint64_t buckets[LW_HIST_MAX_BUCKETS + 1];
    _Atomic uint64_t count;
    _Atomic uint64_t sum_us;
};

/* Registers (or finds) the series name{labels}. labels is "" or `k="v",k2="v2"`.
 * Never returns NULL: past the registry bound it returns a shared overflow sink. */
struct lw_counter *lw_metrics_counter(const char *name, const char *help, const char *labels);
/* A gauge: a value that is set, not added to (sizes of caches). Same storage as a counter,
 * rendered with TYPE gauge; update it with lw_gauge_set only. */
struct lw_counter *lw_metrics_gauge(const char *name, const char *help, const char *labels);
/* bounds: ascending upper bounds in seconds, at most LW_HIST_MAX_BUCKETS. */
struct lw_histogram *lw_metrics_histogram(const char *name, const char *help, const char *labels,
                                          const double *bounds, int nbounds);
/* Latency buckets suited to authorization decisions (50us .. 5s). */
extern const double lw_metrics_latency_bounds[];
extern const int lw_metrics_latency_nbounds;

static inline void lw_counter_add(struct lw_counter *c, uint64_t n)
{
    atomic_fetch_add_explicit(&c->value, n, memory_order_relaxed);
}
static inline void lw_gauge_set(struct lw_counter *g, uint64_t v)
{
    atomic_store_explicit(&g->value, v, memory_order_relaxed);
}
void lw_histogram_observe_us(struct lw_histogram *h, int64_t us);

/* Renders every registered series, families grouped, into b. */
void lw_metrics_render(struct lw_buf *b);
/* fn(arg) runs at the start of every lw_metrics_render (NULL: none), to refresh series that
 * mirror values kept elsewhere (the SQL process's counters in shared memory). One hook. */
void lw_metrics_on_render(void (*fn)(void *), void *arg);

#endif

/* lw_metrics.c -- the metric registry behind lw_metrics.h. Registration takes a mutex
 * (it happens at start-up or first use); updates are relaxed atomics. */
#include "lw_metrics.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define MAX_SERIES 1024

struct series {
    char name[64];
    char help[128];
    char labels[160];
    bool is_hist;
    bool is_gauge;
    struct lw_counter counter;
    struct lw_histogram hist;
};

static struct series registry[MAX_SERIES];
static int nseries;
static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static struct series overflow;

const double lw_metrics_latency_bounds[] = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                            0.005,   0.01,   0.025,   0.05,   0.1,   0.25,
                                            0.5,     1,      2.5,     5};
const int lw_metrics_latency_nbounds = 16;

static struct series *lookup(const char *name, const char *help, const char *labels, bool hist,
                             bool gauge)
{
    struct series *s = NULL;
    pthread_mutex_lock(&reg_mu);
    for (int i = 0; i < nseries; i++) {
        if (strcmp(registry[i].name, name) == 0 && strcmp(registry[i].labels, labels) == 0) {
            s = &registry[i];
            break;
        }
    }
    if (!s && nseries < MAX_SERIES) {
        s = &registry[nseries++];
        snprintf(s->name, sizeof s->name, "%s", name);
        snprintf(s->help, sizeof s->help, "%s", help);
        snprintf(s->labels, sizeof s->labels, "%s", labels);
        s->is_hist = hist;
        s->is_gauge = gauge;
    }
    pthread_mutex_unlock(&reg_mu);
    return s ? s : &overflow;
}

struct lw_counter *lw_metrics_counter(const char *name, const char *help, const char *labels)
{
    return &lookup(name, help, labels, false, false)->counter;
}

struct lw_counter *lw_metrics_gauge(const char *name, const char *help, const char *labels)
{
    return &lookup(name, help, labels, false, true)->counter;
}

struct lw_histogram *lw_metrics_histogram(const char *name, const char *help, const char *labels,
                                          const double *bounds, int nbounds)
{
    struct series *s = lookup(name, help, labels, true, false);
    pthread_mutex_lock(&reg_mu);
    if (s->hist.nbounds == 0) {
        s->hist.nbounds = nbounds > LW_HIST_MAX_BUCKETS ? LW_HIST_MAX_BUCKETS : nbounds;
        memcpy(s->hist.bounds, bounds, sizeof(double) * (size_t)s->hist.nbounds);
    }
    pthread_mutex_unlock(&reg_mu);
    return &s->hist;
}

void lw_histogram_observe_us(struct lw_histogram *h, int64_t us)
{
    double secs = (double)us / 1e6;
    int i = 0;
    while (i < h->nbounds && secs > h->bounds[i])
        i++;
    atomic_fetch_add_explicit(&h->buckets[i], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&h->sum_us, us > 0 ? (uint64_t)us : 0, memory_order_relaxed);
}

static void render_hist(struct lw_buf *b, const struct series *s)
{
    uint64_t cum = 0;
    const char *sep = s->labels[0] ? "," : "";
    for (int i = 0; i <= s->hist.nbounds; i++) {
        cum += atomic_load(&s->hist.buckets[i]);
        if (i < s->hist.nbounds)
            lw_buf_printf(b, "%s_bucket{%s%sle=\"%g\"} %llu\n", s->name, s->labels, sep,
                          s->hist.bounds[i], (unsigned long long)cum);
        else
            lw_buf_printf(b, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", s->name, s->labels, sep,
                          (unsigned long long)cum);
    }
    lw_buf_printf(b, "%s_sum{%s} %.6f\n", s->name, s->labels,
                  (double)atomic_load(&s->hist.sum_us) / 1e6);
    lw_buf_printf(b, "%s_count{%s} %llu\n", s->name, s->labels,
                  (unsigned long long)atomic_load(&s->hist.count));
}

static void (*render_hook)(void *);
static void *render_hook_arg;

void lw_metrics_on_render(void (*fn)(void *), void *arg)
{
    pthread_mutex_lock(&reg_mu);
    render_hook = fn;
    render_hook_arg = arg;
    pthread_mutex_unlock(&reg_mu);
}

void lw_metrics_render(struct lw_buf *b)
{
    bool done[MAX_SERIES] = {false};
    int n;
    pthread_mutex_lock(&reg_mu);
    if (render_hook)
        render_hook(render_hook_arg);
    n = nseries;
    pthread_mutex_unlock(&reg_mu);
    /* Prometheus wants each family's series together, under one HELP/TYPE header. */
    for (int i = 0; i < n; i++) {
        if (done[i])
            continue;
        lw_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", registry[i].name, registry[i].help,
                      registry[i].name, registry[i].is_hist    ? "histogram"
                      : registry[i].is_gauge ? "gauge"
                                             : "counter");
        for (int j = i; j < n; j++) {
            const struct series *s = &registry[j];
            if (done[j] || strcmp(s->name, registry[i].name) != 0)
                continue;
            done[j] = true;
            if (s->is_hist)
                render_hist(b, s);
            else if (s->labels[0])
                lw_buf_printf(b, "%s{%s} %llu\n", s->name, s->labels,
                              (unsigned long long)atomic_load(&s->counter.value));
            else
                lw_buf_printf(b, "%s %llu\n", s->name,
                              (unsigned long long)atomic_load(&s->counter.value));
        }
    }
}

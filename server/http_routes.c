/* http_routes.c -- handlers of lakeward's HTTP listener (http_routes.h).
 *
 * Trino fails a query on any non-2xx answer or a non-JSON content type, so every decision
 * endpoint answers 200 with JSON for a well-formed request; only a body that is not a Trino
 * input gets 400. Paths OPA would treat as undefined documents answer 200 {} like OPA.
 *
 * Each route answers on the event loop when it can without blocking (decision-cache hits,
 * a fresh /health report, metrics, fixed answers) and names a worker handler for the rest
 * (a decision that asks Lakekeeper, a /health refresh); see http_server.h. */
#include "http_routes.h"

#include "core/lw_metrics.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static void decide(void *ctx, const struct http_request *req, struct http_response *resp,
                   bool batch)
{
    struct http_routes_ctx *c = ctx;
    resp->status = authz_engine_decide(c->engine, batch, req->body, req->body_len, &resp->body);
}

static void on_allow(void *ctx, const struct http_request *req, struct http_response *resp)
{
    decide(ctx, req, resp, false);
}

static void on_batch(void *ctx, const struct http_request *req, struct http_response *resp)
{
    decide(ctx, req, resp, true);
}

/* On the loop thread: a decision-cache hit is answered at once; a miss goes to a worker. */
static bool cached(void *ctx, const struct http_request *req, struct http_response *resp,
                   bool batch)
{
    struct http_routes_ctx *c = ctx;
    int status = authz_engine_try_cached(c->engine, batch, req->body, req->body_len, &resp->body);
    if (!status)
        return false;
    resp->status = status;
    return true;
}

static bool on_allow_cached(void *ctx, const struct http_request *req, struct http_response *resp)
{
    return cached(ctx, req, resp, false);
}

static bool on_batch_cached(void *ctx, const struct http_request *req, struct http_response *resp)
{
    return cached(ctx, req, resp, true);
}

/* On the loop thread when no worker is free: a fail-closed deny rather than a 503 (the
 * design's rule: a well-formed request always gets a 200 JSON decision). */
static bool on_allow_busy(void *ctx, const struct http_request *req, struct http_response *resp)
{
    (void)req;
    resp->status = authz_engine_shed(((struct http_routes_ctx *)ctx)->engine, false, &resp->body);
    return true;
}

static bool on_batch_busy(void *ctx, const struct http_request *req, struct http_response *resp)
{
    (void)req;
    resp->status = authz_engine_shed(((struct http_routes_ctx *)ctx)->engine, true, &resp->body);
    return true;
}

/* Row filters and batch column masks: lakeward defines none, answered in the shapes Trino
 * accepts (trino-opa-contract.md §3: batch masks need a non-null result). */
static bool on_no_filters(void *ctx, const struct http_request *req, struct http_response *resp)
{
    (void)ctx;
    (void)req;
    lw_buf_puts(&resp->body, "{\"result\":[]}");
    return true;
}

static bool on_undefined(void *ctx, const struct http_request *req, struct http_response *resp)
{
    (void)ctx;
    (void)req;
    lw_buf_puts(&resp->body, "{}");
    return true;
}

/* Upstream reachability is probed at most every few seconds, by one request at a time and
 * without holding the lock: every other /health request answers at once with the last
 * report, so a hanging Lakekeeper never makes the liveness probe itself slow. */
static pthread_mutex_t health_mu = PTHREAD_MUTEX_INITIALIZER;
static int64_t health_checked_ms;
static bool health_refreshing;
static char health_json[4096] = "{\"status\":\"ok\",\"lakekeeper\":[]}";

static void health_refresh(struct http_routes_ctx *c)
{
    struct lw_buf b;
    lw_buf_init(&b, sizeof health_json - 1);
    lw_buf_puts(&b, "{\"status\":\"ok\",\"lakekeeper\":[");
    for (int i = 0; i < c->nlk; i++) {
        char why[200] = "";
        bool ok = lk_client_reachable(c->lk[i], why, sizeof why);
        lw_buf_printf(&b, "%s{\"id\":", i ? "," : "");
        lw_buf_json_str(&b, lk_client_id(c->lk[i]));
        lw_buf_printf(&b, ",\"reachable\":%s", ok ? "true" : "false");
        if (!ok) {
            lw_buf_puts(&b, ",\"error\":");
            lw_buf_json_str(&b, why);
        }
        lw_buf_putc(&b, '}');
    }
    lw_buf_puts(&b, "]}");
    pthread_mutex_lock(&health_mu);
    snprintf(health_json, sizeof health_json, "%s", b.failed ? "{\"status\":\"ok\"}" : b.data);
    health_checked_ms = lw_now_ms();
    health_refreshing = false;
    pthread_mutex_unlock(&health_mu);
    lw_buf_free(&b);
}

/* Runs on a worker: the request that found the report stale refreshes it. */
static void on_health(void *ctx, const struct http_request *req, struct http_response *resp)
{
    struct http_routes_ctx *c = ctx;
    bool refresh;
    (void)req;
    pthread_mutex_lock(&health_mu);
    refresh = !health_refreshing && (!health_checked_ms || lw_now_ms() - health_checked_ms > 5000);
    if (refresh)
        health_refreshing = true;
    pthread_mutex_unlock(&health_mu);
    if (refresh)
        health_refresh(c);
    /* Liveness: always 200 while the process serves; upstream state is information. */
    pthread_mutex_lock(&health_mu);
    lw_buf_puts(&resp->body, health_json);
    pthread_mutex_unlock(&health_mu);
}

/* On the loop thread: the last report, unless it is stale and nobody is refreshing it. */
static bool on_health_inline(void *ctx, const struct http_request *req,
                             struct http_response *resp)
{
    bool stale;
    (void)ctx;
    (void)req;
    pthread_mutex_lock(&health_mu);
    stale = !health_refreshing && (!health_checked_ms || lw_now_ms() - health_checked_ms > 5000);
    if (!stale)
        lw_buf_puts(&resp->body, health_json);
    pthread_mutex_unlock(&health_mu);
    return !stale;
}

static bool on_metrics(void *ctx, const struct http_request *req, struct http_response *resp)
{
    (void)ctx;
    (void)req;
    resp->content_type = "text/plain; version=0.0.4";
    lw_metrics_render(&resp->body);
    return true;
}

static bool on_decisions(void *ctx, const struct http_request *req, struct http_response *resp)
{
    struct http_routes_ctx *c = ctx;
    const char *limit = http_request_query(req, "limit");
    int64_t n = 100;
    char *tail;
    if (limit && lw_parse_i64(limit, 0, 100000, &n) != 0) {
        http_response_error(resp, 400, "limit must be an integer in [0, 100000]");
        return true;
    }
    resp->content_type = "application/x-ndjson";
    tail = c->log ? authz_decision_log_tail(c->log, (int)n) : NULL;
    if (tail)
        lw_buf_puts(&resp->body, tail);
    lw_free(tail);
    return true;
}

int http_routes_fill(struct http_route *r, struct http_routes_ctx *ctx)
{
    static const struct http_route table[] = {
        {"POST", "/v1/data/trino/allow", on_allow, NULL, on_allow_cached, on_allow_busy},
        {"POST", "/v1/data/trino/batch", on_batch, NULL, on_batch_cached, on_batch_busy},
        {"POST", "/v1/data/trino/rowFilters", NULL, NULL, on_no_filters, NULL},
        {"POST", "/v1/data/trino/batchColumnMasks", NULL, NULL, on_no_filters, NULL},
        {"POST", "/v1/data/*", NULL, NULL, on_undefined, NULL},
        {"GET", "/health", on_health, NULL, on_health_inline, NULL},
        {"GET", "/metrics", NULL, NULL, on_metrics, NULL},
        {"GET", "/v1/decisions", NULL, NULL, on_decisions, NULL},
    };
    _Static_assert(sizeof table / sizeof table[0] == HTTP_ROUTES_COUNT, "HTTP_ROUTES_COUNT");
    for (int i = 0; i < HTTP_ROUTES_COUNT; i++) {
        r[i] = table[i];
        r[i].ctx = ctx;
    }
    return HTTP_ROUTES_COUNT;
}

/* lk_client.c -- Lakekeeper client for the authorizer (lk_client.h). */
#include "lk_client.h"

#include "../server/core/lw_buf.h"
#include "../server/core/lw_log.h"
#include "../server/core/lw_metrics.h"
#include "http_client.h"
#include "oauth_token.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define LK_MAX_CHECKS_PER_REQUEST 1000
#define MAX_WAREHOUSES 1024
#define MAX_HEADER 8192

struct warehouse_entry {
    char *name;
    char *id;               /* NULL: known not to exist (or not visible) */
    int64_t expires_ms;
};

struct lk_client {
    struct lk_client_opts o;
    char *url;
    struct oauth_token *token;
    struct check_cache *cache;
    pthread_mutex_t mu;     /* guards warehouses */
    struct warehouse_entry warehouses[MAX_WAREHOUSES];
    int nwarehouses;
    struct lw_counter *m_calls_ok[3], *m_calls_err[3], *m_hits, *m_misses, *m_coalesced,
        *m_token;
    struct lw_histogram *m_latency[3];
};

enum { EP_BATCH, EP_CONFIG, EP_TOKEN };
static const char *const ep_names[] = {"batch-check", "config", "token"};

struct lk_client *lk_client_new(const struct lk_client_opts *o, struct check_cache *cache,
                                struct lw_err *err)
{
    struct lk_client *c;
    struct oauth_token_opts to;
    size_t n;
    char labels[160];

    if (!o->url || !*o->url) {
        lw_err_set(err, LW_ECONFIG, "Lakekeeper instance '%s' has no url", o->id);
        return NULL;
    }
    c = lw_calloc(1, sizeof *c);
    if (!c || !(c->url = lw_strdup(o->url))) {
        lw_free(c);
        lw_err_set(err, LW_ENOMEM, "out of memory");
        return NULL;
    }
    n = strlen(c->url);
    while (n > 0 && c->url[n - 1] == '/')
        c->url[--n] = '\0';
    c->o = *o;
    c->o.id = lw_strdup(o->id ? o->id : "default");
    c->o.max_batch = o->max_batch < 1 ? 1 : o->max_batch > LK_MAX_CHECKS_PER_REQUEST
                                                ? LK_MAX_CHECKS_PER_REQUEST
                                                : o->max_batch;
    c->cache = cache;
    to.token_endpoint = o->token_endpoint;
    to.client_id = o->client_id;
    to.client_secret = o->client_secret;
    to.scope = o->scope;
    to.timeout_ms = o->timeout_ms;
    c->token = oauth_token_new(&to);
    pthread_mutex_init(&c->mu, NULL);
    for (int i = 0; i < 3; i++) {
        snprintf(labels, sizeof labels, "instance=\"%s\",endpoint=\"%s\",result=\"ok\"", c->o.id,
                 ep_names[i]);
        c->m_calls_ok[i] = lw_metrics_counter("lakeward_lakekeeper_requests_total",
                                              "HTTP requests to Lakekeeper and its IdP", labels);
        snprintf(labels, sizeof labels, "instance=\"%s\",endpoint=\"%s\",result=\"error\"",
                 c->o.id, ep_names[i]);
        c->m_calls_err[i] = lw_metrics_counter("lakeward_lakekeeper_requests_total",
                                               "HTTP requests to Lakekeeper and its IdP", labels);
        snprintf(labels, sizeof labels, "instance=\"%s\",endpoint=\"%s\"", c->o.id, ep_names[i]);
        c->m_latency[i] = lw_metrics_histogram("lakeward_lakekeeper_request_seconds",
                                               "Latency of requests to Lakekeeper and its IdP",
                                               labels, lw_metrics_latency_bounds,
                                               lw_metrics_latency_nbounds);
    }
    c->m_hits = lw_metrics_counter("lakeward_check_cache_total", "Permission check lookups",
                                   "result=\"hit\"");
    c->m_misses = lw_metrics_counter("lakeward_check_cache_total", "Permission check lookups",
                                     "result=\"miss\"");
    c->m_coalesced = lw_metrics_counter("lakeward_check_cache_total", "Permission check lookups",
                                        "result=\"coalesced\"");
    snprintf(labels, sizeof labels, "instance=\"%s\"", c->o.id);
    c->m_token = lw_metrics_counter("lakeward_token_renewals_total",
                                    "Access tokens fetched from the IdP", labels);
    if (!c->o.id || !c->token) {
        lk_client_free(c);
        lw_err_set(err, LW_ENOMEM, "out of memory");
        return NULL;
    }
    return c;
}

void lk_client_free(struct lk_client *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->nwarehouses; i++) {
        lw_free(c->warehouses[i].name);
        lw_free(c->warehouses[i].id);
    }
    oauth_token_free(c->token);
    pthread_mutex_destroy(&c->mu);
    lw_free((char *)c->o.id);
    lw_free(c->url);
    lw_free(c);
}

const char *lk_client_id(const struct lk_client *c)
{
    return c->o.id;
}

static void note_failure(struct lk_stats *st, const char *fmt, ...) LW_PRINTF(2, 3);
static void note_failure(struct lk_stats *st, const char *fmt, ...)
{
    va_list ap;
    if (!st)
        return;
    st->failures++;
    va_start(ap, fmt);
    vsnprintf(st->last_error, sizeof st->last_error, fmt, ap);
    va_end(ap);
}

/* The timeout of a decision's next upstream request: the instance's, cut to what is left of
 * the decision's deadline. 0 when the deadline has passed: the caller sends nothing and
 * denies (noted in st). */
static long request_timeout(const struct lk_client *c, struct lk_stats *st)
{
    int64_t left_ms;
    if (!st || !st->deadline_us)
        return c->o.timeout_ms;
    left_ms = (st->deadline_us - lw_mono_us()) / 1000;
    if (left_ms <= 0) {
        st->deadline_hit = true;
        note_failure(st, "decision deadline passed before the request");
        return 0;
    }
    return left_ms < c->o.timeout_ms ? (long)left_ms : c->o.timeout_ms;
}

/* A request that timed out after request_timeout cut its time: the deadline denied it. */
static void note_cut_timeout(const struct lk_client *c, struct lk_stats *st, long timeout,
                             const struct http_client_resp *resp)
{
    if (st && resp->error == LW_ETIMEOUT && timeout < c->o.timeout_ms)
        st->deadline_hit = true;
}

/* Gets a token, counting the IdP call. NULL on failure (logged, noted in st). */
static char *get_token(struct lk_client *c, struct lk_stats *st)
{
    struct lw_err err = {0};
    bool fetched;
    int64_t t0 = lw_mono_us();
    long timeout = request_timeout(c, st);
    char *tok;
    if (timeout == 0)
        return NULL;
    tok = oauth_token_get(c->token, timeout, &fetched, &err);
    if (fetched) {
        lw_histogram_observe_us(c->m_latency[EP_TOKEN], lw_mono_us() - t0);
        lw_counter_add(tok ? c->m_calls_ok[EP_TOKEN] : c->m_calls_err[EP_TOKEN], 1);
        if (tok)
            lw_counter_add(c->m_token, 1);
        if (st) {
            st->token_fetches++;
            st->http_calls++;
        }
    }
    if (!tok) {
        LW_WARN("catalog", "token_failed", "instance=%s reason=\"%s\"", c->o.id, err.msg);
        note_failure(st, "token: %s", err.msg);
        /* Fetching or waiting for another thread's fetch, cut short by the deadline. */
        if (st && err.code == LW_ETIMEOUT && timeout < c->o.timeout_ms)
            st->deadline_hit = true;
    }
    return tok;
}

static void set_auth_header(char *hdr, size_t n, const char *tok)
{
    snprintf(hdr, n, "Authorization: Bearer %s", tok);
}

/* ---- warehouse name -> id ---------------------------------------------------------- */

static struct warehouse_entry *find_warehouse(struct lk_client *c, const char *name)
{
    for (int i = 0; i < c->nwarehouses; i++)
        if (strcmp(c->warehouses[i].name, name) == 0)
            return &c->warehouses[i];
    return NULL;
}

static void store_warehouse(struct lk_client *c, const char *name, const char *id, int64_t ttl)
{
    struct warehouse_entry *e;
    pthread_mutex_lock(&c->mu);
    e = find_warehouse(c, name);
    if (!e && c->nwarehouses < MAX_WAREHOUSES) {
        e = &c->warehouses[c->nwarehouses];
        e->name = lw_strdup(name);
        if (e->name)
            c->nwarehouses++;
        else
            e = NULL;
    }
    if (e) {
        lw_free(e->id);
        e->id = id ? lw_strdup(id) : NULL;
        e->expires_ms = lw_now_ms() + ttl;
    }
    pthread_mutex_unlock(&c->mu);
}

char *lk_client_warehouse_id(struct lk_client *c, const char *warehouse, struct lk_stats *st,
                             struct lw_err *err)
{
    struct warehouse_entry *e;
    struct http_client_req req = {0};
    struct http_client_resp resp;
    struct lw_buf url;
    char auth[MAX_HEADER];
    char *tok, *id = NULL;
    json_t *doc = NULL, *prefix;
    int64_t t0;

    pthread_mutex_lock(&c->mu);
    e = find_warehouse(c, warehouse);
    if (e && e->expires_ms > lw_now_ms()) {
        id = e->id ? lw_strdup(e->id) : NULL;
        pthread_mutex_unlock(&c->mu);
        if (!id)
            lw_err_set(err, LW_ENOTFOUND, "warehouse '%s' not found (cached)", warehouse);
        return id;
    }
    pthread_mutex_unlock(&c->mu);

    if (!(tok = get_token(c, st))) {
        lw_err_set(err, LW_EAUTH, "no access token for Lakekeeper instance %s", c->o.id);
        return NULL;
    }
    if ((req.timeout_ms = request_timeout(c, st)) == 0) {
        lw_err_set(err, LW_ETIMEOUT, "warehouse lookup: decision deadline passed");
        lw_free(tok);
        return NULL;
    }
    lw_buf_init(&url, 8192);
    lw_buf_printf(&url, "%s/catalog/v1/config?warehouse=", c->url);
    lw_buf_urlencode(&url, warehouse, true);
    set_auth_header(auth, sizeof auth, tok);
    req.method = "GET";
    req.url = url.data;
    req.headers[0] = auth;
    t0 = lw_mono_us();
    http_client_exchange(&req, &resp, 1, c->o.max_response);
    lw_histogram_observe_us(c->m_latency[EP_CONFIG], lw_mono_us() - t0);
    note_cut_timeout(c, st, req.timeout_ms, &resp);
    if (st)
        st->http_calls++;

    if (resp.error) {
        lw_err_set(err, resp.error, "warehouse lookup: %s", resp.error_msg);
    } else if (resp.status == 404) {
        lw_err_set(err, LW_ENOTFOUND, "warehouse '%s' not found", warehouse);
        store_warehouse(c, warehouse, NULL, c->o.warehouse_negative_ttl_ms);
    } else if (resp.status == 401) {
        oauth_token_invalidate(c->token, tok);
        lw_err_set(err, LW_EAUTH, "warehouse lookup: Lakekeeper refused the token (HTTP 401)");
    } else if (!http_client_resp_is_json_ok(&resp)) {
        lw_err_set(err, LW_EIO, "warehouse lookup: HTTP %ld, content-type '%s'", resp.status,
                   resp.content_type);
    } else if (!(doc = json_loadb(resp.body.data, resp.body.len, 0, NULL)) ||
               !json_is_string(prefix = json_object_get(json_object_get(doc, "defaults"),
                                                        "prefix"))) {
        lw_err_set(err, LW_EIO, "warehouse lookup: response has no defaults.prefix");
    } else {
        id = lw_strdup(json_string_value(prefix));
        if (id)
            store_warehouse(c, warehouse, id, c->o.warehouse_ttl_ms);
    }
    lw_counter_add(id || resp.status == 404 ? c->m_calls_ok[EP_CONFIG] : c->m_calls_err[EP_CONFIG], 1);
    if (!id) {
        LW_WARN("catalog", "warehouse_lookup_failed", "instance=%s warehouse=\"%s\" reason=\"%s\"",
                c->o.id, warehouse, err ? err->msg : "");
        note_failure(st, "warehouse %s: %s", warehouse, err ? err->msg : "lookup failed");
    }
    json_decref(doc);
    http_client_resp_free(&resp);
    lw_buf_free(&url);
    lw_free(tok);
    return id;
}

/* ---- batch-check -------------------------------------------------------------------- */

/* Parses one chunk's answer into allowed[]; false when the response is unusable, in which
 * case every check of the chunk stays denied (the bridge's shifting of later results onto
 * earlier checks is not reproduced: opa-bridge-spec.md §5.5). */
static bool parse_results(const struct http_client_resp *resp, int n, bool *allowed, char *why,
                          size_t whylen)
{
    json_t *doc, *results;
    bool ok = false;
    if (resp->error) {
        snprintf(why, whylen, "%s", resp->error_msg);
        return false;
    }
    if (!http_client_resp_is_json_ok(resp)) {
        snprintf(why, whylen, "HTTP %ld, content-type '%s'", resp->status, resp->content_type);
        return false;
    }
    doc = json_loadb(resp->body.data, resp->body.len, 0, NULL);
    results = json_object_get(doc, "results");
    if (!json_is_array(results) || (int)json_array_size(results) != n) {
        snprintf(why, whylen, "expected %d results, got %s", n,
                 !doc ? "a body that is not JSON"
                      : json_is_array(results) ? "a different count" : "no results array");
    } else {
        for (int i = 0; i < n; i++)
            allowed[i] = json_is_true(json_object_get(json_array_get(results, (size_t)i), "allowed"));
        ok = true;
    }
    json_decref(doc);
    return ok;
}

/* Sends the checks listed in idx[] (indices into items) in chunks, concurrently, and fills
 * items[].allowed and ok[] (whether an answer arrived for that check). */
static void send_checks(struct lk_client *c, struct lk_check_item *items, const int *idx, int n,
                        bool *ok, const struct lk_check_opts *o, struct lk_stats *st)
{
    int nchunks = (n + c->o.max_batch - 1) / c->o.max_batch;
    struct http_client_req *reqs = lw_calloc((size_t)nchunks, sizeof *reqs);
    struct http_client_resp *resps = lw_calloc((size_t)nchunks, sizeof *resps);
    struct lw_buf *bodies = lw_calloc((size_t)nchunks, sizeof *bodies);
    bool *answer = lw_calloc((size_t)c->o.max_batch, sizeof *answer);
    char auth[MAX_HEADER], reqid[300], url[2048], why[256];
    char *tok = NULL;
    int64_t t0;
    long timeout;

    for (int i = 0; i < n; i++)
        ok[i] = false;
    if (!reqs || !resps || !bodies || !answer) {
        note_failure(st, "batch-check: out of memory");
        goto done;
    }
    /* Every chunk goes out at once, each with what is left of the decision's time. */
    if (!(tok = get_token(c, st)) || (timeout = request_timeout(c, st)) == 0)
        goto done;
    set_auth_header(auth, sizeof auth, tok);
    snprintf(url, sizeof url, "%s/management/v1/action/batch-check", c->url);
    if (o->request_id)
        snprintf(reqid, sizeof reqid, "X-Request-ID: %s", o->request_id);
    for (int k = 0; k < nchunks; k++) {
        int from = k * c->o.max_batch, to = from + c->o.max_batch > n ? n : from + c->o.max_batch;
        lw_buf_init(&bodies[k], c->o.max_response);
        lw_buf_puts(&bodies[k], "{\"error-on-not-found\":false,\"checks\":[");
        for (int i = from; i < to; i++) {
            if (i > from)
                lw_buf_putc(&bodies[k], ',');
            lw_buf_puts(&bodies[k], items[idx[i]].json);
        }
        lw_buf_puts(&bodies[k], "]}");
        reqs[k].method = "POST";
        reqs[k].url = url;
        reqs[k].headers[0] = auth;
        reqs[k].headers[1] = "Content-Type: application/json";
        reqs[k].headers[2] = o->request_id ? reqid : NULL;
        reqs[k].body = bodies[k].data;
        reqs[k].body_len = bodies[k].failed ? 0 : bodies[k].len;
        reqs[k].timeout_ms = timeout;
    }
    t0 = lw_mono_us();
    http_client_exchange(reqs, resps, nchunks, c->o.max_response);
    for (int k = 0; k < nchunks; k++) {
        int from = k * c->o.max_batch, to = from + c->o.max_batch > n ? n : from + c->o.max_batch;
        bool good = !bodies[k].failed && parse_results(&resps[k], to - from, answer, why, sizeof why);
        lw_histogram_observe_us(c->m_latency[EP_BATCH], lw_mono_us() - t0);
        lw_counter_add(good ? c->m_calls_ok[EP_BATCH] : c->m_calls_err[EP_BATCH], 1);
        if (st) {
            st->http_calls++;
            st->checks_sent += to - from;
        }
        if (resps[k].status == 401)
            oauth_token_invalidate(c->token, tok);
        note_cut_timeout(c, st, timeout, &resps[k]);
        if (!good) {
            LW_WARN("catalog", "batch_check_failed", "instance=%s checks=%d reason=\"%s\"",
                    c->o.id, to - from, bodies[k].failed ? "request too large" : why);
            note_failure(st, "batch-check: %s", bodies[k].failed ? "request too large" : why);
            continue;
        }
        for (int i = from; i < to; i++) {
            items[idx[i]].allowed = answer[i - from];
            ok[i] = true;
        }
    }
done:
    for (int k = 0; bodies && k < nchunks; k++) {
        lw_buf_free(&bodies[k]);
        if (resps)
            http_client_resp_free(&resps[k]);
    }
    lw_free(tok);
    lw_free(reqs);
    lw_free(resps);
    lw_free(bodies);
    lw_free(answer);
}

/* Remembers the earliest expiry of the answers a decision used (the decision cache must not
 * keep a whole answer longer than its parts). */
static void note_expiry(struct lk_stats *st, int64_t expires_ms)
{
    if (!st->earliest_expiry_ms || expires_ms < st->earliest_expiry_ms)
        st->earliest_expiry_ms = expires_ms;
}

void lk_client_check(struct lk_client *c, struct lk_check_item *items, int n,
                     const struct lk_check_opts *o, struct lk_stats *st)
{
    char **keys = lw_calloc((size_t)n, sizeof *keys);
    enum check_cache_state *state = lw_calloc((size_t)n, sizeof *state);
    int *owned = lw_calloc((size_t)n, sizeof *owned);
    bool *ok = lw_calloc((size_t)n, sizeof *ok);
    int nowned = 0, nfresh = 0;
    bool refresh = st && st->refresh;
    struct lw_buf key;

    for (int i = 0; i < n; i++)
        items[i].allowed = false;
    if (n == 0)
        goto done;
    if (!keys || !state || !owned || !ok) {
        note_failure(st, "checks: out of memory");
        goto done;
    }
    /* 1. Answer from the cache, claim what nobody is asking yet, note what others ask. */
    for (int i = 0; i < n; i++) {
        lw_buf_init(&key, 1 << 20);
        lw_buf_puts(&key, c->o.id);
        lw_buf_putc(&key, '|');
        lw_buf_puts(&key, o->cache_scope ? o->cache_scope : "");
        lw_buf_putc(&key, '|');
        lw_buf_puts(&key, items[i].json);
        keys[i] = lw_buf_take(&key);
        if (!keys[i]) {
            state[i] = CHECK_CACHE_OWNER;   /* uncacheable: ask, never publish */
            owned[nowned++] = i;
            continue;
        }
        int64_t expires = 0;
        bool due = false;
        if (refresh) {
            state[i] = CHECK_CACHE_OWNER;   /* unclaimed: answers go in by check_cache_store */
            owned[nowned++] = i;
            nfresh++;
            continue;
        }
        state[i] = check_cache_acquire(c->cache, keys[i], &items[i].allowed, &expires,
                                       st ? &due : NULL);
        if (due)
            st->refresh_due++;
        if (state[i] != CHECK_CACHE_HIT)
            nfresh++;
        if (state[i] == CHECK_CACHE_HIT) {
            lw_counter_add(c->m_hits, 1);
            if (st) {
                st->cache_hits++;
                note_expiry(st, expires);
            }
        } else if (state[i] == CHECK_CACHE_OWNER) {
            lw_counter_add(c->m_misses, 1);
            owned[nowned++] = i;
        }
    }
    /* Answers fetched now (by us or by the threads we wait for) expire a TTL from now. */
    if (st && nfresh > 0)
        note_expiry(st, lw_now_ms() + (o->ttl_ms > 0 ? o->ttl_ms : 0));
    /* 2. Ask Lakekeeper for ours, publish the answers (or the failure) to waiters. */
    if (nowned > 0) {
        send_checks(c, items, owned, nowned, ok, o, st);
        for (int j = 0; j < nowned; j++) {
            if (!keys[owned[j]])
                continue;
            if (!refresh)
                check_cache_complete(c->cache, keys[owned[j]], ok[j], items[owned[j]].allowed,
                                     o->ttl_ms);
            else if (ok[j])     /* a failed refresh stores nothing: the old answer expires */
                check_cache_store(c->cache, keys[owned[j]], items[owned[j]].allowed, o->ttl_ms);
        }
    }
    /* 3. Only now wait for checks other threads own: we hold no claims, so no deadlock. The
     * owner may need a token (one timeout) and then the check (another). */
    for (int i = 0; i < n; i++) {
        if (state[i] != CHECK_CACHE_PENDING)
            continue;
        lw_counter_add(c->m_coalesced, 1);
        if (st)
            st->coalesced++;
        long wait_ms = 2 * c->o.timeout_ms + 1000;
        bool cut = false;
        if (st && st->deadline_us) {
            int64_t left_ms = (st->deadline_us - lw_mono_us()) / 1000;
            if ((cut = left_ms < wait_ms))
                wait_ms = left_ms > 0 ? (long)left_ms : 0;
        }
        if (!check_cache_wait(c->cache, keys[i], wait_ms, &items[i].allowed)) {
            if (cut)
                st->deadline_hit = true;
            items[i].allowed = false;
            note_failure(st, "checks: coalesced check failed or timed out");
        }
    }
done:
    for (int i = 0; keys && i < n; i++)
        lw_free(keys[i]);
    lw_free(keys);
    lw_free(state);
    lw_free(owned);
    lw_free(ok);
}

/* ---- reads of the management and catalog APIs (SQL tables) -------------------------- */

#define LK_MAX_GETS 64          /* one lk_client_get call; callers loop for more */

/* Sends the items of gets[] that have no doc yet; true when one of them answered 401. */
static bool send_gets(struct lk_client *c, struct lk_get *gets, int n, const char *tok,
                      struct lk_stats *st)
{
    struct http_client_req reqs[LK_MAX_GETS];
    struct http_client_resp resps[LK_MAX_GETS];
    struct lw_buf urls[LK_MAX_GETS];
    char auth[MAX_HEADER], proj[LK_MAX_GETS][320];
    int idx[LK_MAX_GETS], m = 0;
    bool unauthorized = false;
    long timeout = request_timeout(c, st);

    set_auth_header(auth, sizeof auth, tok);
    for (int i = 0; i < n; i++) {
        if (gets[i].doc)
            continue;
        struct http_client_req *r = &reqs[m];
        memset(r, 0, sizeof *r);
        lw_buf_init(&urls[m], 16384);
        lw_buf_printf(&urls[m], "%s%s", c->url, gets[i].path);
        if (urls[m].failed || !urls[m].data) {     /* out of memory or a path over the bound */
            snprintf(gets[i].error, sizeof gets[i].error, "URL not built (out of memory or "
                                                          "longer than 16 KiB)");
            lw_buf_free(&urls[m]);
            continue;
        }
        r->method = "GET";
        r->url = urls[m].data;
        r->headers[0] = auth;
        if (gets[i].project_id) {
            snprintf(proj[m], sizeof proj[m], "x-project-id: %s", gets[i].project_id);
            r->headers[1] = proj[m];
        }
        r->timeout_ms = timeout;
        idx[m++] = i;
    }
    if (timeout == 0) {
        for (int j = 0; j < m; j++) {
            snprintf(gets[idx[j]].error, sizeof gets[idx[j]].error, "deadline passed");
            lw_buf_free(&urls[j]);
        }
        return false;
    }
    http_client_exchange(reqs, resps, m, c->o.max_response);
    for (int j = 0; j < m; j++) {
        struct lk_get *g = &gets[idx[j]];
        struct http_client_resp *rp = &resps[j];
        json_error_t jerr;
        g->status = rp->status;
        if (st)
            st->http_calls++;
        if (rp->error)
            snprintf(g->error, sizeof g->error, "%s", rp->error_msg);
        else if (rp->status == 401)
            unauthorized = true, snprintf(g->error, sizeof g->error, "Lakekeeper refused the "
                                                                      "token (HTTP 401)");
        else if (!http_client_resp_is_json_ok(rp))
            snprintf(g->error, sizeof g->error, "HTTP %ld, content-type '%s'", rp->status,
                     rp->content_type);
        else if (!(g->doc = json_loadb(rp->body.data, rp->body.len, 0, &jerr)))
            snprintf(g->error, sizeof g->error, "invalid JSON: %s", jerr.text);
        note_cut_timeout(c, st, timeout, rp);
        http_client_resp_free(rp);
        lw_buf_free(&urls[j]);
    }
    return unauthorized;
}

int lk_client_get(struct lk_client *c, struct lk_get *gets, int n, struct lk_stats *st,
                  struct lw_err *err)
{
    char *tok;
    if (n < 0 || n > LK_MAX_GETS)
        return lw_err_set(err, LW_EINVAL, "lk_client_get: %d requests (at most %d)", n,
                          LK_MAX_GETS);
    for (int i = 0; i < n; i++) {
        gets[i].status = 0;
        gets[i].doc = NULL;
        gets[i].error[0] = '\0';
    }
    /* One retry with a fresh token: the IdP may have rotated keys or the token expired
     * early; a second 401 is Lakekeeper's answer. */
    for (int attempt = 0; attempt < 2; attempt++) {
        if (!(tok = get_token(c, st)))
            return lw_err_set(err, LW_EAUTH, "no access token for Lakekeeper instance %s",
                              c->o.id);
        bool unauthorized = send_gets(c, gets, n, tok, st);
        if (unauthorized)
            oauth_token_invalidate(c->token, tok);
        lw_free(tok);
        if (!unauthorized)
            break;
    }
    for (int i = 0; i < n; i++) {
        if (gets[i].doc)
            continue;
        int code = gets[i].status == 404   ? LW_ENOTFOUND
                   : gets[i].status == 401 || gets[i].status == 403 ? LW_EAUTH
                   : strstr(gets[i].error, "deadline") || strstr(gets[i].error, "imed out")
                       ? LW_ETIMEOUT
                       : LW_EIO;
        return lw_err_set(err, code, "Lakekeeper %s: %s", gets[i].path, gets[i].error);
    }
    return 0;
}

bool lk_client_reachable(struct lk_client *c, char *why, size_t whylen)
{
    struct http_client_req req = {0};
    struct http_client_resp resp;
    char auth[MAX_HEADER], url[2048];
    char *tok = get_token(c, NULL);
    bool ok;
    if (!tok) {
        snprintf(why, whylen, "no access token from the IdP");
        return false;
    }
    snprintf(url, sizeof url, "%s/management/v1/info", c->url);
    set_auth_header(auth, sizeof auth, tok);
    req.method = "GET";
    req.url = url;
    req.headers[0] = auth;
    req.timeout_ms = c->o.timeout_ms;
    http_client_exchange(&req, &resp, 1, c->o.max_response);
    ok = resp.error == LW_OK && resp.status == 200;
    if (!ok)
        snprintf(why, whylen, "%s", resp.error ? resp.error_msg : "unexpected HTTP status");
    http_client_resp_free(&resp);
    lw_free(tok);
    return ok;
}

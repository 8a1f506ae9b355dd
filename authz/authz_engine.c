/* authz_engine.c -- one decision from request body to JSON answer (authz_engine.h):
 * parse, plan with the rules, run the checks, render, log, count; and the decision cache's
 * refresh-ahead, which re-runs a cached decision in the background before it expires. */
#include "authz_engine.h"

#include "../server/core/lw_json.h"
#include "../server/core/lw_log.h"
#include "../server/core/lw_metrics.h"
#include "authz_batch.h"
#include "authz_decision_log.h"
#include "authz_rules.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#define LOG_MAX_RESOURCES 50
#define LOG_MAX_INDICES 1000
#define LOG_MAX_RESOURCE 4096       /* bytes of one logged resource */
#define LOG_MAX_RECORD (64 * 1024)  /* a record's resources stop at about half of this */
#define LOG_RECORD_FRAME 256        /* a record's bytes around its cached part, error aside */
#define DECISION_CACHE_MAX_BODY (64 * 1024)
#define DECISION_KEY_ROOM 2048      /* a cache key up to this long is built on the stack */
#define DECISION_CACHE_MAX_ENTRIES 20000
#define DECISION_CACHE_DEFAULT_BYTES (64u << 20)

/* Outcomes of a background refresh, as labels of lakeward_cache_refreshes_total. */
enum refresh_result { REFRESH_OK, REFRESH_FAILED, REFRESH_SKIPPED, REFRESH_NRESULTS };
static const char *const refresh_result_names[REFRESH_NRESULTS] = {"ok", "failed", "skipped"};

struct authz_engine {
    struct authz_engine_opts opts;
    struct lw_counter *m_decisions[AUTHZ_OP_COUNT][2][2];  /* op, batch?, allowed? */
    struct lw_counter *m_bad_requests, *m_unknown_ops, *m_deadline, *m_shed;
    _Atomic int64_t shed_logged_ms;         /* last overload log line (one a second at most) */
    struct lw_histogram *m_latency[2];
    struct lw_counter *m_decision_cache[2];     /* miss, hit */
    struct lw_counter *m_refresh[REFRESH_NRESULTS];
    bool refresh_ahead;                         /* pct > 0, a submit function and a cache */
    atomic_bool refresh_stopped;                /* shutting down: queued refreshes are dropped */
    /* Whole answers, keyed by endpoint + request body. A whole answer lives only as long as
     * the oldest Lakekeeper answer it was made of would (catalog/check_cache), so the
     * configured TTL stays the longest a revoked grant can still be honoured. */
    struct check_cache *decisions;
    uint64_t id_prefix;
    _Atomic uint64_t id_counter;
};

struct authz_engine *authz_engine_new(const struct authz_engine_opts *opts, struct lw_err *err)
{
    struct authz_engine *e = lw_calloc(1, sizeof *e);
    char labels[160];
    if (!e) {
        lw_err_set(err, LW_ENOMEM, "out of memory");
        return NULL;
    }
    e->opts = *opts;
    if (e->opts.max_items <= 0)
        e->opts.max_items = 100000;
    for (int op = 0; op < AUTHZ_OP_COUNT; op++) {
        for (int b = 0; b < 2; b++) {
            for (int a = 0; a < 2; a++) {
                snprintf(labels, sizeof labels, "endpoint=\"%s\",operation=\"%s\",result=\"%s\"",
                         b ? "batch" : "allow", authz_op_name((enum authz_op)op),
                         b ? (a ? "some" : "none") : (a ? "allow" : "deny"));
                e->m_decisions[op][b][a] = lw_metrics_counter(
                    "lakeward_decisions_total", "Trino authorization decisions", labels);
            }
        }
    }
    e->m_latency[0] = lw_metrics_histogram("lakeward_decision_seconds", "Decision latency",
                                           "endpoint=\"allow\"", lw_metrics_latency_bounds,
                                           lw_metrics_latency_nbounds);
    e->m_latency[1] = lw_metrics_histogram("lakeward_decision_seconds", "Decision latency",
                                           "endpoint=\"batch\"", lw_metrics_latency_bounds,
                                           lw_metrics_latency_nbounds);
    e->m_bad_requests = lw_metrics_counter("lakeward_bad_requests_total",
                                           "Requests rejected as not a Trino input (HTTP 400)", "");
    e->m_unknown_ops = lw_metrics_counter("lakeward_unknown_operations_total",
                                          "Decisions for operations lakeward does not know (denied)", "");
    e->m_deadline = lw_metrics_counter("lakeward_decision_deadline_total",
                                       "Decisions whose deadline passed before Lakekeeper answered (denied)", "");
    e->m_shed = lw_metrics_counter("lakeward_decisions_shed_total",
                                   "Requests denied unread because no worker could take them", "");
    e->m_decision_cache[0] = lw_metrics_counter("lakeward_decision_cache_total",
                                                "Decisions answered from / stored in the decision cache", "result=\"miss\"");
    e->m_decision_cache[1] = lw_metrics_counter("lakeward_decision_cache_total",
                                                "Decisions answered from / stored in the decision cache", "result=\"hit\"");
    if (!e->opts.decision_cache_max_bytes)
        e->opts.decision_cache_max_bytes = DECISION_CACHE_DEFAULT_BYTES;
    if (e->opts.decision_ttl_ms > 0 &&
        !(e->decisions = check_cache_new(DECISION_CACHE_MAX_ENTRIES, e->opts.decision_cache_max_bytes,
                                         "decision"))) {
        lw_free(e);
        lw_err_set(err, LW_ENOMEM, "out of memory");
        return NULL;
    }
    for (int r = 0; r < REFRESH_NRESULTS; r++) {
        snprintf(labels, sizeof labels, "result=\"%s\"", refresh_result_names[r]);
        e->m_refresh[r] = lw_metrics_counter("lakeward_cache_refreshes_total",
                                             "Background refreshes of cached decisions before "
                                             "they expire (refresh-ahead)", labels);
    }
    e->refresh_ahead = e->decisions && e->opts.submit && e->opts.refresh_ahead_pct > 0;
    if (e->refresh_ahead) {
        check_cache_set_refresh_ahead(e->decisions, e->opts.refresh_ahead_pct);
        /* A decision lives only as long as the check answers it was made of, so it is often
         * stored with part of a TTL (and, after a slow Lakekeeper answer, with a TTL short by
         * that round trip); its refresh still needs a whole round trip, so its window keeps
         * the configured TTL's length: measured at load 17, a 1.7 s entry's 0.3 s window
         * was shorter than the refresh and all connections missed when it expired. */
        check_cache_set_refresh_min_window(e->decisions, e->opts.decision_ttl_ms *
                                                             e->opts.refresh_ahead_pct / 100);
    }
    if (getrandom(&e->id_prefix, sizeof e->id_prefix, 0) != sizeof e->id_prefix)
        e->id_prefix = (uint64_t)lw_wall_ms();
    return e;
}

void authz_engine_free(struct authz_engine *e)
{
    if (e)
        check_cache_free(e->decisions);
    lw_free(e);
}

void authz_engine_stop_refreshes(struct authz_engine *e)
{
    atomic_store(&e->refresh_stopped, true);
}

size_t authz_engine_cache_bytes(struct authz_engine *e)
{
    return e->decisions ? check_cache_bytes(e->decisions) : 0;
}

/* Writes the low `digits` hex digits of v (lowercase) at p; returns the end. */
static char *put_hex(char *p, uint64_t v, int digits)
{
    static const char hex[] = "0123456789abcdef";
    for (int i = digits - 1; i >= 0; i--, v >>= 4)
        p[i] = hex[v & 0xf];
    return p + digits;
}

/* A UUID-shaped id, "%08x-%04x-4%03x-8%03x-%012llx" of the prefix and a counter, written by
 * hand: every decision, cached ones included, makes one, and snprintf cost more than the
 * rest of a cache hit's formatting. */
#define DECISION_ID_LEN 36
static void make_decision_id(struct authz_engine *e, char out[static DECISION_ID_LEN + 1])
{
    uint64_t c = atomic_fetch_add(&e->id_counter, 1);
    uint64_t p = e->id_prefix;
    char *o = put_hex(out, p >> 32, 8);
    *o++ = '-';
    o = put_hex(o, p >> 16, 4);
    *o++ = '-';
    *o++ = '4';
    o = put_hex(o, p >> 4, 3);
    *o++ = '-';
    *o++ = '8';
    o = put_hex(o, c >> 48, 3);
    *o++ = '-';
    o = put_hex(o, c, 12);
    *o = '\0';
}

/* A resource as logged: whole when small, else a marker (a FilterColumns resource can carry
 * any number of columns; a record must stay small enough to keep thousands in the ring). */
static void put_resource(struct lw_buf *b, const json_t *r)
{
    struct lw_buf one;
    lw_buf_init(&one, LOG_MAX_RESOURCE);
    lw_buf_put_json(&one, r);
    if (one.failed)
        lw_buf_puts(b, "{\"truncated\":true}");
    else
        lw_buf_append(b, one.data, one.len);
    lw_buf_free(&one);
}

static void put_str_or_null(struct lw_buf *b, const char *s)
{
    if (s)
        lw_buf_json_str(b, s);
    else
        lw_buf_puts(b, "null");
}

/* The part of a decision record that a cached answer can repeat: from "query_id" to the
 * end of "rules" (docs/authz.md lists the fields). Written straight into a buffer: it runs
 * for every decision, and building a jansson tree to dump it cost more than the decision. */
static void render_mid(struct lw_buf *b, const struct authz_plan *p, bool batch, int nanswer,
                       int nallowed)
{
    const struct authz_input *in = p->in;
    int nres = in->is_batch ? in->nitems : (in->has_resource ? 1 : 0);
    const char *rules[16];
    int nrules = 0;

    lw_buf_puts(b, "\"query_id\":");
    put_str_or_null(b, in->query_id);
    lw_buf_puts(b, ",\"user\":");
    put_str_or_null(b, in->user);
    lw_buf_puts(b, ",\"groups\":");
    lw_buf_put_json(b, in->groups);
    lw_buf_puts(b, ",\"operation\":");
    lw_buf_json_str(b, in->op_name ? in->op_name : "");
    lw_buf_puts(b, batch ? ",\"endpoint\":\"batch\",\"resources\":[" : ",\"endpoint\":\"allow\",\"resources\":[");
    for (int i = 0; i < nres && i < LOG_MAX_RESOURCES && b->len < LOG_MAX_RECORD / 2; i++) {
        if (i)
            lw_buf_putc(b, ',');
        put_resource(b, in->is_batch ? in->items[i].json : in->resource.json);
    }
    lw_buf_puts(b, "],\"resources_total\":");
    lw_buf_put_int(b, nres);
    if (in->has_target) {
        lw_buf_puts(b, ",\"target_resource\":");
        put_resource(b, in->target.json);
    }
    if (batch) {
        lw_buf_puts(b, ",\"result\":[");
        for (int i = 0, k = 0; i < nanswer && k < LOG_MAX_INDICES; i++) {
            if (p->allowed[i])
                lw_buf_printf(b, k++ ? ",%d" : "%d", i);
        }
        lw_buf_printf(b, "],\"allowed_total\":%d", nallowed);
    } else {
        lw_buf_puts(b, nallowed > 0 ? ",\"result\":true" : ",\"result\":false");
    }
    /* The distinct rules that allowed something, in first-seen order. */
    for (int i = 0; i < nanswer && nrules < 16; i++) {
        bool seen = false;
        if (!p->allowed[i] || !p->rule[i])
            continue;
        for (int k = 0; k < nrules && !seen; k++)
            seen = strcmp(rules[k], p->rule[i]) == 0;
        if (!seen)
            rules[nrules++] = p->rule[i];
    }
    lw_buf_puts(b, ",\"rules\":[");
    for (int k = 0; k < nrules; k++) {
        if (k)
            lw_buf_putc(b, ',');
        lw_buf_json_str(b, rules[k]);
    }
    lw_buf_putc(b, ']');
}

/* The answer's "result": true/false, or the allowed indices. */
static void render_result(struct lw_buf *b, const struct authz_plan *p, bool batch, int nanswer)
{
    bool first = true;
    if (!batch) {
        lw_buf_puts(b, p->allowed[0] ? "true" : "false");
        return;
    }
    lw_buf_putc(b, '[');
    for (int i = 0; i < nanswer; i++) {
        if (p->allowed[i]) {
            lw_buf_printf(b, first ? "%d" : ",%d", i);
            first = false;
        }
    }
    lw_buf_putc(b, ']');
}

/* What the decision cache keeps of a decision: enough to answer and to log it again.
 * Stored as this header followed by result_len bytes of result and mid_len of record. */
struct cached_head {
    int op;
    int nanswer, nallowed;
    uint32_t result_len, mid_len;
    char query_id[128], user[128], operation[64];
};

/* The names of a decision record's Lakekeeper counters, in the record's order (the values:
 * log_decision's `counts`). */
static const char *const stat_names[] = {",\"lakekeeper_calls\":", ",\"checks_sent\":",
                                         ",\"cache_hits\":", ",\"coalesced\":"};

/* Microseconds as milliseconds with three decimals, the bytes "%.3f" writes for us / 1000.0
 * (exact: a whole number of microseconds has at most three decimals in milliseconds). */
static void put_ms(struct lw_buf *b, int64_t us)
{
    char frac[4];
    if (us < 0) {               /* never from a monotonic clock; printf keeps it exact */
        lw_buf_printf(b, "%.3f", (double)us / 1000.0);
        return;
    }
    lw_buf_put_int(b, us / 1000);
    frac[0] = '.';
    frac[1] = (char)('0' + us / 100 % 10);
    frac[2] = (char)('0' + us / 10 % 10);
    frac[3] = (char)('0' + us % 10);
    lw_buf_append(b, frac, sizeof frac);
}

/* Metrics and the decision log for one answered decision (computed or from the cache). */
static void log_decision(struct authz_engine *e, const struct cached_head *h, bool batch,
                         const char *id, const char *mid, size_t mid_len,
                         const struct lk_stats *st, bool from_cache, const char *reason,
                         int64_t t0_us)
{
    struct authz_decision_summary s = {0};
    struct lw_buf b;
    int64_t latency_us = lw_mono_us() - t0_us;
    const int counts[] = {st->http_calls, st->checks_sent, st->cache_hits, st->coalesced};
    _Static_assert(sizeof counts / sizeof counts[0] == sizeof stat_names / sizeof stat_names[0],
                   "a name for every counter");

    lw_histogram_observe_us(e->m_latency[batch], latency_us);
    lw_counter_add(e->m_decisions[h->op][batch][h->nallowed > 0], 1);
    if (st->failures)
        LW_WARN("authz", "decision_degraded", "decision_id=%s op=%s reason=\"%s\"", id,
                authz_op_name((enum authz_op)h->op), st->last_error);
    if (!e->opts.log)
        return;
    s.time_ms = lw_wall_ms();
    memcpy(s.decision_id, id, DECISION_ID_LEN + 1);
    memcpy(s.query_id, h->query_id, sizeof s.query_id);
    memcpy(s.user, h->user, sizeof s.user);
    memcpy(s.operation, h->operation, sizeof s.operation);
    s.batch = batch;
    s.allowed = h->nallowed > 0;
    s.nitems = h->nanswer;
    s.nallowed = h->nallowed;
    s.lk_calls = st->http_calls;
    s.cache_hits = st->cache_hits;
    s.latency_us = latency_us;
    /* Written without printf (this runs for every decision, on the loop thread for cached
     * ones); the bytes are what the printf formats "%lld", "%d" and "%.3f" wrote. */
    lw_buf_init(&b, 8u << 20);
    lw_buf_reserve(&b, mid_len < (1u << 20) ? mid_len + LOG_RECORD_FRAME : 0);
    lw_buf_puts(&b, "{\"time_ms\":");
    lw_buf_put_int(&b, s.time_ms);
    lw_buf_puts(&b, ",\"decision_id\":\"");
    lw_buf_append(&b, id, DECISION_ID_LEN);
    lw_buf_append(&b, "\",", 2);
    lw_buf_append(&b, mid, mid_len);
    for (size_t i = 0; i < sizeof stat_names / sizeof stat_names[0]; i++) {
        lw_buf_puts(&b, stat_names[i]);
        lw_buf_put_int(&b, counts[i]);
    }
    if (from_cache)
        lw_buf_puts(&b, ",\"decision_cache\":true");
    if (st->failures || reason) {
        lw_buf_puts(&b, ",\"error\":");
        lw_buf_json_str(&b, reason ? reason : st->last_error);
    }
    lw_buf_puts(&b, ",\"latency_ms\":");
    put_ms(&b, latency_us);
    lw_buf_putc(&b, '}');
    s.json = lw_buf_take(&b);
    authz_decision_log_add(e->opts.log, &s);
}

/* The decision cache key: endpoint and the exact request body (Trino sends the same bytes for
 * the same question), written into `room` (cap bytes) when it fits, else into a new
 * allocation. Bodies with NUL bytes or over the bound are not cached (NULL). */
static char *decision_key(bool batch, const char *body, size_t len, char *room, size_t cap)
{
    char *key;
    if (len > DECISION_CACHE_MAX_BODY || memchr(body, '\0', len))
        return NULL;
    if ((key = len + 3 <= cap ? room : lw_malloc(len + 3))) {
        key[0] = batch ? 'b' : 'a';
        key[1] = '|';
        memcpy(key + 2, body, len);
        key[len + 2] = '\0';
    }
    return key;
}

static int run_decision(struct authz_engine *e, bool batch, const char *body, size_t len,
                        const char *key, bool refresh, struct lw_buf *out, bool *stored);

/* A queued refresh: the decision-cache key (endpoint letter, '|', request body). */
struct refresh_job {
    struct authz_engine *e;
    bool batch;
    char key[];
};

/* On a pool thread: decides the request again, asking Lakekeeper afresh; only a clean answer
 * replaces the cached one (run_decision stores it). A failed refresh keeps its claim, so the
 * entry is not refreshed again: it expires at its time and the next request decides anew. */
static void run_refresh(void *arg)
{
    struct refresh_job *j = arg;
    bool stored = false;
    size_t klen = strlen(j->key);
    if (atomic_load(&j->e->refresh_stopped)) {
        lw_counter_add(j->e->m_refresh[REFRESH_SKIPPED], 1);
        lw_free(j);
        return;
    }
    run_decision(j->e, j->batch, j->key + 2, klen - 2, j->key, true, NULL, &stored);
    lw_counter_add(j->e->m_refresh[stored ? REFRESH_OK : REFRESH_FAILED], 1);
    lw_free(j);
}

/* Queues the refresh of the decision under key; never blocks. When the pool cannot take it
 * the decision-cache claim is given back (a later hit may try again) and it counts as
 * skipped; the cached answer still expires at its time. */
static void schedule_refresh(struct authz_engine *e, bool batch, const char *key)
{
    size_t klen = strlen(key);
    struct refresh_job *j = lw_malloc(sizeof *j + klen + 1);
    if (j) {
        j->e = e;
        j->batch = batch;
        memcpy(j->key, key, klen + 1);
    }
    if (!j || e->opts.submit(e->opts.submit_ctx, run_refresh, j) != 0) {
        lw_free(j);
        check_cache_unclaim(e->decisions, key);
        lw_counter_add(e->m_refresh[REFRESH_SKIPPED], 1);
    }
}

/* The end of an answer: its decision id and the closing brace. */
static void put_id_tail(struct lw_buf *out, const char *id)
{
    lw_buf_puts(out, ",\"decision_id\":\"");
    lw_buf_append(out, id, DECISION_ID_LEN);
    lw_buf_append(out, "\"}", 2);
}

/* Answers from the decision cache when it can; returns true when it did. A hit in the
 * entry's refresh window that claims the refresh queues it. */
static bool answer_cached(struct authz_engine *e, bool batch, const char *key,
                          struct lw_buf *out, int64_t t0)
{
    struct lk_stats st = {0};
    struct cached_head h;
    size_t n = 0;
    bool refresh = false;
    char *blob, id[DECISION_ID_LEN + 1];

    if (!key || !(blob = check_cache_get_blob(e->decisions, key, &n,
                                              e->refresh_ahead ? &refresh : NULL)))
        return false;
    memcpy(&h, blob, sizeof h);
    if (n != sizeof h + h.result_len + h.mid_len) {
        lw_free(blob);
        if (refresh)
            check_cache_unclaim(e->decisions, key);
        return false;
    }
    if (refresh)
        schedule_refresh(e, batch, key);
    make_decision_id(e, id);
    lw_buf_puts(out, "{\"result\":");
    lw_buf_append(out, blob + sizeof h, h.result_len);
    put_id_tail(out, id);
    lw_counter_add(e->m_decision_cache[1], 1);
    log_decision(e, &h, batch, id, blob + sizeof h + h.result_len, h.mid_len, &st, true, NULL, t0);
    lw_free(blob);
    return true;
}

/* The one cache-hit path of both entry points: a decision answered from the cache must look
 * the same whichever way the server asked. key_out (may be NULL) receives the key on a miss
 * so decide can store under it without building it twice. */
static bool try_cached(struct authz_engine *e, bool batch, const char *body, size_t len,
                       struct lw_buf *out, int64_t t0, char **key_out)
{
    /* Trino's bodies are mostly well under this: a hit then builds its key on the stack and
     * allocates nothing for it; only a miss that will store the answer keeps a heap copy. */
    char room[DECISION_KEY_ROOM], *key;
    bool hit;
    if (key_out)
        *key_out = NULL;
    if (!e->decisions || !(key = decision_key(batch, body, len, room, sizeof room)))
        return false;
    hit = answer_cached(e, batch, key, out, t0);
    if (!hit && key_out)
        *key_out = key == room ? lw_strdup(key) : key;
    else if (key != room)
        lw_free(key);
    return hit;
}

int authz_engine_try_cached(struct authz_engine *e, bool batch, const char *body, size_t len,
                            struct lw_buf *out)
{
    return try_cached(e, batch, body, len, out, lw_mono_us(), NULL) ? 200 : 0;
}

int authz_engine_shed(struct authz_engine *e, bool batch, struct lw_buf *out)
{
    char id[DECISION_ID_LEN + 1];
    int64_t now = lw_now_ms(), last = atomic_load(&e->shed_logged_ms);
    make_decision_id(e, id);
    lw_counter_add(e->m_shed, 1);
    /* An overload sheds many requests at once: one line a second says so without adding
     * log I/O to the overload. */
    if (now - last >= 1000 && atomic_compare_exchange_strong(&e->shed_logged_ms, &last, now))
        LW_WARN("authz", "overloaded", "decision_id=%s endpoint=%s reason=\"no worker free; "
                "denied unread (see lakeward_decisions_shed_total)\"", id, batch ? "batch" : "allow");
    lw_buf_printf(out, "{\"result\":%s,\"decision_id\":\"%s\"}", batch ? "[]" : "false", id);
    return 200;
}

static void remember(struct authz_engine *e, const char *key, const struct cached_head *h,
                     const struct lw_buf *result, const struct lw_buf *mid, int64_t ttl_ms)
{
    struct lw_buf blob;
    struct cached_head head = *h;
    head.result_len = (uint32_t)result->len;
    head.mid_len = (uint32_t)mid->len;
    lw_buf_init(&blob, DECISION_CACHE_MAX_BODY * 4);
    lw_buf_append(&blob, &head, sizeof head);
    lw_buf_append(&blob, result->data, result->len);
    lw_buf_append(&blob, mid->data, mid->len);
    if (!blob.failed)
        check_cache_put_blob(e->decisions, key, blob.data, blob.len, ttl_ms);
    lw_buf_free(&blob);
}

/* An operation lakeward does not know: the operation-blind rules run first (the bridge's
 * unmanaged and extension rules allow it), then whatever they left is denied and logged.
 * Returns the deny reason, or NULL when every answer item was allowed by a rule. */
static const char *decide_unknown_op(struct authz_engine *e, struct authz_plan *p, bool batch,
                                     const char *id)
{
    const struct authz_input *in = p->in;
    int nres = batch ? in->nitems : 1;
    bool all = true;
    char q[160];

    for (int i = 0; i < nres && i < p->nitems; i++) {
        authz_rules_unknown_op(p, i, batch ? &in->items[i] : in->has_resource ? &in->resource : NULL);
        all = all && p->allowed[i];
    }
    if (!p->stats.refresh)
        lw_counter_add(e->m_unknown_ops, 1);
    if (all && nres > 0)
        return NULL;
    if (!p->stats.refresh)
        LW_WARN("authz", "unknown_operation", "decision_id=%s operation=\"%s\"", id,
                lw_log_q(q, sizeof q, in->op_name));
    return "unknown operation";
}

/* Decides one request from scratch and stores a clean answer under key (when not NULL).
 * For Trino (refresh false) it writes the answer into out, logs and counts the decision and,
 * when a cached check it used claimed its refresh, queues the refresh of this decision.
 * A refresh (out NULL) asks every check again, answers nobody and logs no decision record;
 * *stored says whether it replaced the cached answer. Returns the HTTP status. */
static int run_decision(struct authz_engine *e, bool batch, const char *body, size_t len,
                        const char *key, bool refresh, struct lw_buf *out, bool *stored)
{
    struct authz_input in;
    struct authz_plan plan;
    struct lw_err err = {0};
    struct lk_check_opts o = {NULL, NULL, e->opts.decision_ttl_ms};
    struct cached_head h = {0};
    struct lw_buf result, mid;
    char id[DECISION_ID_LEN + 1], q[300];
    const char *reason = NULL;
    int64_t t0 = lw_mono_us();
    int nanswer;
    bool clean;

    *stored = false;
    if (authz_input_parse(body, len, e->opts.max_items, &in, &err) != 0) {
        authz_input_free(&in);
        if (refresh)
            return 400;
        lw_counter_add(e->m_bad_requests, 1);
        LW_INFO("authz", "bad_request", "reason=\"%s\"", lw_log_q(q, sizeof q, err.msg));
        lw_buf_printf(out, "{\"error\":{\"code\":400,\"message\":");
        lw_buf_json_str(out, err.msg);
        lw_buf_puts(out, "}}");
        return 400;
    }
    make_decision_id(e, id);
    nanswer = batch ? authz_batch_answer_size(&in) : 1;
    if (authz_plan_init(&plan, e, &e->opts, &in, nanswer) != 0) {
        /* Fail closed: answer "nothing allowed" rather than an error Trino would fail on. */
        authz_input_free(&in);
        LW_ERROR("authz", "out_of_memory", "decision_id=%s", id);
        if (out)
            lw_buf_printf(out, "{\"result\":%s,\"decision_id\":\"%s\"}", batch ? "[]" : "false", id);
        return 200;
    }
    plan.stats.refresh = refresh;
    if (e->opts.deadline_ms > 0)
        plan.stats.deadline_us = t0 + e->opts.deadline_ms * 1000;
    if (!in.has_input) {
        reason = "request has no input";
    } else if (in.op == AUTHZ_OP_UNKNOWN) {
        reason = decide_unknown_op(e, &plan, batch, id);
    } else if (batch) {
        authz_batch_decide(&plan, e->opts.probe_ttl_ms, e->opts.decision_ttl_ms);
    } else {
        authz_rules_allow(&plan, 0, in.has_resource ? &in.resource : NULL);
        authz_plan_run(&plan, &o);
    }
    if (plan.oom) {
        for (int i = 0; i < nanswer; i++)
            plan.allowed[i] = false;
        reason = "out of memory";
    } else if (plan.stats.deadline_hit) {
        /* What Lakekeeper did not answer in time is denied (the checks concerned are false);
         * what rules or cached answers settled stands. */
        reason = "decision deadline passed";
        if (!refresh) {
            lw_counter_add(e->m_deadline, 1);
            LW_WARN("authz", "decision_deadline", "decision_id=%s deadline_ms=%lld reason=\"%s\"",
                    id, (long long)e->opts.deadline_ms,
                    lw_log_q(q, sizeof q, plan.stats.last_error));
        }
    }
    h.op = in.op;
    h.nanswer = nanswer;
    for (int i = 0; i < nanswer; i++)
        h.nallowed += plan.allowed[i];
    snprintf(h.query_id, sizeof h.query_id, "%s", in.query_id ? in.query_id : "");
    snprintf(h.user, sizeof h.user, "%s", in.user ? in.user : "");
    snprintf(h.operation, sizeof h.operation, "%s", in.op_name ? in.op_name : "");
    lw_buf_init(&result, 16u << 20);
    lw_buf_init(&mid, 8u << 20);
    render_result(&result, &plan, batch, nanswer);
    render_mid(&mid, &plan, batch, nanswer, h.nallowed);
    if (result.failed) {
        /* The answer outgrew its bound: deny everything rather than send half a list. */
        reason = "answer too large";
        h.nallowed = 0;
        lw_buf_reset(&result);
        lw_buf_puts(&result, batch ? "[]" : "false");
    }
    if (out) {
        lw_buf_puts(out, "{\"result\":");
        lw_buf_append(out, result.data, result.len);
        put_id_tail(out, id);
    }
    if (!refresh)
        log_decision(e, &h, batch, id, mid.data, mid.len, &plan.stats, false, reason, t0);
    /* Only clean answers are repeated: nothing degraded, nothing the log should see again. A
     * refresh that is not clean stores nothing, so the answer it was to replace expires. */
    clean = !reason && !plan.stats.failures && !result.failed && !mid.failed;
    if (key && clean) {
        int64_t ttl = e->opts.decision_ttl_ms;
        if (plan.stats.earliest_expiry_ms && plan.stats.earliest_expiry_ms - lw_now_ms() < ttl)
            ttl = plan.stats.earliest_expiry_ms - lw_now_ms();
        if (!refresh)
            lw_counter_add(e->m_decision_cache[0], 1);
        remember(e, key, &h, &result, &mid, ttl);
        *stored = ttl > 0;
    }
    if (refresh && !clean)
        LW_INFO("authz", "refresh_failed", "endpoint=%s operation=%s reason=\"%s\"",
                batch ? "batch" : "allow", authz_op_name((enum authz_op)h.op),
                lw_log_q(q, sizeof q, reason ? reason : plan.stats.last_error));
    /* A check answer this decision used is about to expire and the decision claimed its
     * refresh: refreshing the decision asks that check again (and caches the decision). */
    if (!refresh && key && e->refresh_ahead && plan.stats.refresh_due > 0) {
        /* The answer just stored may already be in its window (a short one gets the whole
         * minimum window): its hits must not queue the same refresh again. */
        check_cache_claim(e->decisions, key);
        schedule_refresh(e, batch, key);
    }
    lw_buf_free(&result);
    lw_buf_free(&mid);
    authz_plan_free(&plan);
    authz_input_free(&in);
    return 200;
}

int authz_engine_decide(struct authz_engine *e, bool batch, const char *body, size_t len,
                        struct lw_buf *out)
{
    char *key = NULL;
    bool stored;
    int status;

    if (try_cached(e, batch, body, len, out, lw_mono_us(), &key))
        return 200;
    status = run_decision(e, batch, body, len, key, false, out, &stored);
    lw_free(key);
    return status;
}

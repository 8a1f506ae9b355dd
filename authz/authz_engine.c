/* authz_engine.c -- one decision from request body to JSON answer (authz_engine.h):
 * parse, plan with the rules, run the checks, render, log, count. */
#include "authz_engine.h"

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

struct authz_engine {
    struct authz_engine_opts opts;
    struct lw_counter *m_decisions[AUTHZ_OP_COUNT][2][2];  /* op, batch?, allowed? */
    struct lw_counter *m_bad_requests, *m_unknown_ops;
    struct lw_histogram *m_latency[2];
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
    if (getrandom(&e->id_prefix, sizeof e->id_prefix, 0) != sizeof e->id_prefix)
        e->id_prefix = (uint64_t)lw_wall_ms();
    return e;
}

void authz_engine_free(struct authz_engine *e)
{
    lw_free(e);
}

static void make_decision_id(struct authz_engine *e, char *out, size_t n)
{
    uint64_t c = atomic_fetch_add(&e->id_counter, 1);
    uint64_t p = e->id_prefix;
    snprintf(out, n, "%08x-%04x-4%03x-8%03x-%012llx", (unsigned)(p >> 32), (unsigned)(p >> 16) & 0xffff,
             (unsigned)(p >> 4) & 0xfff, (unsigned)(c >> 48) & 0xfff,
             (unsigned long long)(c & 0xffffffffffffULL));
}

/* Builds the JSON decision record (docs/authz.md lists its fields). */
static int dump_to_buf(const char *buf, size_t size, void *data)
{
    struct lw_buf *b = data;
    lw_buf_append(b, buf, size);
    return b->failed ? -1 : 0;
}

/* Appends v as compact JSON ("null" for NULL). */
static void put_json(struct lw_buf *b, json_t *v)
{
    if (!v)
        lw_buf_puts(b, "null");
    else if (json_dump_callback(v, dump_to_buf, b, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY) != 0)
        b->failed = true;
}

static void put_str_or_null(struct lw_buf *b, const char *s)
{
    if (s)
        lw_buf_json_str(b, s);
    else
        lw_buf_puts(b, "null");
}

/* Builds the JSON decision record (docs/authz.md lists its fields). Written straight into a
 * buffer: it runs once per decision, and building a jansson tree to dump it cost more than
 * the decision itself on the warm path. */
static char *render_record(const struct authz_plan *p, const char *id, bool batch, int nanswer,
                           int nallowed, int64_t latency_us, const char *reason)
{
    const struct authz_input *in = p->in;
    int nres = in->is_batch ? in->nitems : (in->has_resource ? 1 : 0);
    const char *rules[16];
    int nrules = 0;
    struct lw_buf b;

    lw_buf_init(&b, 4u << 20);
    lw_buf_printf(&b, "{\"time_ms\":%lld,\"decision_id\":", (long long)lw_wall_ms());
    lw_buf_json_str(&b, id);
    lw_buf_puts(&b, ",\"query_id\":");
    put_str_or_null(&b, in->query_id);
    lw_buf_puts(&b, ",\"user\":");
    put_str_or_null(&b, in->user);
    lw_buf_puts(&b, ",\"groups\":");
    put_json(&b, in->groups);
    lw_buf_puts(&b, ",\"operation\":");
    lw_buf_json_str(&b, in->op_name ? in->op_name : "");
    lw_buf_puts(&b, batch ? ",\"endpoint\":\"batch\",\"resources\":[" : ",\"endpoint\":\"allow\",\"resources\":[");
    for (int i = 0; i < nres && i < LOG_MAX_RESOURCES; i++) {
        if (i)
            lw_buf_putc(&b, ',');
        put_json(&b, in->is_batch ? in->items[i].json : in->resource.json);
    }
    lw_buf_printf(&b, "],\"resources_total\":%d", nres);
    if (in->has_target) {
        lw_buf_puts(&b, ",\"target_resource\":");
        put_json(&b, in->target.json);
    }
    if (batch) {
        lw_buf_puts(&b, ",\"result\":[");
        for (int i = 0, k = 0; i < nanswer && k < LOG_MAX_INDICES; i++) {
            if (p->allowed[i])
                lw_buf_printf(&b, k++ ? ",%d" : "%d", i);
        }
        lw_buf_printf(&b, "],\"allowed_total\":%d", nallowed);
    } else {
        lw_buf_puts(&b, nallowed > 0 ? ",\"result\":true" : ",\"result\":false");
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
    lw_buf_puts(&b, ",\"rules\":[");
    for (int k = 0; k < nrules; k++) {
        if (k)
            lw_buf_putc(&b, ',');
        lw_buf_json_str(&b, rules[k]);
    }
    lw_buf_printf(&b, "],\"lakekeeper_calls\":%d,\"checks_sent\":%d,\"cache_hits\":%d,\"coalesced\":%d",
                  p->stats.http_calls, p->stats.checks_sent, p->stats.cache_hits, p->stats.coalesced);
    if (p->stats.failures || reason) {
        lw_buf_puts(&b, ",\"error\":");
        lw_buf_json_str(&b, reason ? reason : p->stats.last_error);
    }
    lw_buf_printf(&b, ",\"latency_ms\":%.3f}", (double)latency_us / 1000.0);
    return lw_buf_take(&b);
}

static void finish(struct authz_engine *e, struct authz_plan *p, bool batch, int nanswer,
                   int64_t t0_us, const char *id, const char *reason)
{
    struct authz_decision_summary s = {0};
    int nallowed = 0;
    int64_t latency_us;
    for (int i = 0; i < nanswer; i++)
        nallowed += p->allowed[i];
    latency_us = lw_mono_us() - t0_us;
    lw_histogram_observe_us(e->m_latency[batch], latency_us);
    lw_counter_add(e->m_decisions[p->in->op][batch][nallowed > 0], 1);
    if (p->stats.failures)
        LW_WARN("authz", "decision_degraded", "decision_id=%s op=%s reason=\"%s\"", id,
                authz_op_name(p->in->op), p->stats.last_error);
    if (!e->opts.log)
        return;
    s.time_ms = lw_wall_ms();
    snprintf(s.decision_id, sizeof s.decision_id, "%s", id);
    snprintf(s.query_id, sizeof s.query_id, "%s", p->in->query_id ? p->in->query_id : "");
    snprintf(s.user, sizeof s.user, "%s", p->in->user ? p->in->user : "");
    snprintf(s.operation, sizeof s.operation, "%s", p->in->op_name ? p->in->op_name : "");
    s.batch = batch;
    s.allowed = nallowed > 0;
    s.nitems = nanswer;
    s.nallowed = nallowed;
    s.lk_calls = p->stats.http_calls;
    s.cache_hits = p->stats.cache_hits;
    s.latency_us = latency_us;
    s.json = render_record(p, id, batch, nanswer, nallowed, latency_us, reason);
    authz_decision_log_add(e->opts.log, &s);
}

int authz_engine_decide(struct authz_engine *e, bool batch, const char *body, size_t len,
                        struct lw_buf *out)
{
    struct authz_input in;
    struct authz_plan plan;
    struct lw_err err = {0};
    struct lk_check_opts o = {NULL, NULL, e->opts.decision_ttl_ms};
    char id[40];
    const char *reason = NULL;
    int64_t t0 = lw_mono_us();
    int nanswer;

    if (authz_input_parse(body, len, e->opts.max_items, &in, &err) != 0) {
        lw_counter_add(e->m_bad_requests, 1);
        LW_INFO("authz", "bad_request", "reason=\"%s\"", err.msg);
        authz_input_free(&in);
        lw_buf_printf(out, "{\"error\":{\"code\":400,\"message\":");
        lw_buf_json_str(out, err.msg);
        lw_buf_puts(out, "}}");
        return 400;
    }
    make_decision_id(e, id, sizeof id);
    nanswer = batch ? authz_batch_answer_size(&in) : 1;
    if (authz_plan_init(&plan, e, &e->opts, &in, nanswer) != 0) {
        /* Fail closed: answer "nothing allowed" rather than an error Trino would fail on. */
        authz_input_free(&in);
        LW_ERROR("authz", "out_of_memory", "decision_id=%s", id);
        lw_buf_printf(out, "{\"result\":%s,\"decision_id\":\"%s\"}", batch ? "[]" : "false", id);
        return 200;
    }
    if (!in.has_input) {
        reason = "request has no input";
    } else if (in.op == AUTHZ_OP_UNKNOWN) {
        lw_counter_add(e->m_unknown_ops, 1);
        LW_WARN("authz", "unknown_operation", "decision_id=%s operation=\"%s\"", id, in.op_name);
        reason = "unknown operation";
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
    }
    if (batch) {
        bool first = true;
        lw_buf_puts(out, "{\"result\":[");
        for (int i = 0; i < nanswer; i++) {
            if (!plan.allowed[i])
                continue;
            lw_buf_printf(out, first ? "%d" : ",%d", i);
            first = false;
        }
        lw_buf_printf(out, "],\"decision_id\":\"%s\"}", id);
    } else {
        lw_buf_printf(out, "{\"result\":%s,\"decision_id\":\"%s\"}", plan.allowed[0] ? "true" : "false", id);
    }
    finish(e, &plan, batch, nanswer, t0, id, reason);
    authz_plan_free(&plan);
    authz_input_free(&in);
    return 200;
}

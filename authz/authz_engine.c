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
static char *render_record(const struct authz_plan *p, const char *id, bool batch, int nanswer,
                           int nallowed, int64_t latency_us, const char *reason)
{
    const struct authz_input *in = p->in;
    json_t *rec = json_object(), *res = json_array(), *idx = json_array(), *rules = json_array();
    char *out;
    int nres = in->is_batch ? in->nitems : (in->has_resource ? 1 : 0);

    json_object_set_new(rec, "time_ms", json_integer(lw_wall_ms()));
    json_object_set_new(rec, "decision_id", json_string(id));
    json_object_set_new(rec, "query_id", in->query_id ? json_string(in->query_id) : json_null());
    json_object_set_new(rec, "user", in->user ? json_string(in->user) : json_null());
    json_object_set(rec, "groups", in->groups ? in->groups : json_null());
    json_object_set_new(rec, "operation", json_string(in->op_name ? in->op_name : ""));
    json_object_set_new(rec, "endpoint", json_string(batch ? "batch" : "allow"));
    for (int i = 0; i < nres && i < LOG_MAX_RESOURCES; i++)
        json_array_append(res, in->is_batch ? in->items[i].json : in->resource.json);
    json_object_set_new(rec, "resources", res);
    json_object_set_new(rec, "resources_total", json_integer(nres));
    if (in->has_target)
        json_object_set(rec, "target_resource", in->target.json);
    if (batch) {
        for (int i = 0, k = 0; i < nanswer && k < LOG_MAX_INDICES; i++)
            if (p->allowed[i]) {
                json_array_append_new(idx, json_integer(i));
                k++;
            }
        json_object_set_new(rec, "result", idx);
        json_object_set_new(rec, "allowed_total", json_integer(nallowed));
    } else {
        json_decref(idx);
        json_object_set_new(rec, "result", json_boolean(nallowed > 0));
    }
    /* The distinct rules that allowed something, in first-seen order. */
    for (int i = 0; i < nanswer && json_array_size(rules) < 16; i++) {
        bool seen = false;
        size_t k;
        json_t *v;
        if (!p->allowed[i] || !p->rule[i])
            continue;
        json_array_foreach(rules, k, v) seen = seen || strcmp(json_string_value(v), p->rule[i]) == 0;
        if (!seen)
            json_array_append_new(rules, json_string(p->rule[i]));
    }
    json_object_set_new(rec, "rules", rules);
    json_object_set_new(rec, "lakekeeper_calls", json_integer(p->stats.http_calls));
    json_object_set_new(rec, "checks_sent", json_integer(p->stats.checks_sent));
    json_object_set_new(rec, "cache_hits", json_integer(p->stats.cache_hits));
    json_object_set_new(rec, "coalesced", json_integer(p->stats.coalesced));
    if (p->stats.failures || reason)
        json_object_set_new(rec, "error", json_string(reason ? reason : p->stats.last_error));
    json_object_set_new(rec, "latency_ms", json_real((double)latency_us / 1000.0));
    out = json_dumps(rec, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(rec);
    return out;
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

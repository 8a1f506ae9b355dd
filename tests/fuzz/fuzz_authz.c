/* fuzz_authz.c -- libFuzzer target: arbitrary bytes as the body of a Trino request, through
 * authz_engine_decide on both endpoints and through authz_engine_try_cached.
 *
 * The engine is configured like a real deployment (managed catalogs on one Lakekeeper
 * instance, the unmanaged-catalogs flag, an admin, an extension rule, the decision cache and
 * the decision log), but the outbound HTTP seam (http_client_exchange, the one the unit
 * fixture uses) is replaced by an in-process Lakekeeper and IdP that answer at once, so the
 * fuzzer never waits on the network and every code path behind a Lakekeeper answer is
 * reachable. Whatever the input, an answer must be 200 or 400 with a JSON body, and a 200
 * must carry a "result" of the endpoint's type: anything else aborts (a finding). */
#include "../../authz/authz_decision_log.h"
#include "../../authz/authz_engine.h"
#include "../../catalog/check_cache.h"
#include "../../catalog/http_client.h"
#include "../../catalog/lk_client.h"
#include "../../server/core/lw.h"
#include "../../server/core/lw_buf.h"
#include "../../server/core/lw_json.h"
#include "../../server/core/lw_log.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ANSWER (16u << 20)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct authz_engine *engine;

static void answer_json(struct http_client_resp *resp, long status, const char *body)
{
    resp->status = status;
    snprintf(resp->content_type, sizeof resp->content_type, "application/json");
    lw_buf_puts(&resp->body, body);
}

/* batch-check: one result per check, allowed when the check's text hashes odd, so allow and
 * deny both occur and the same check always gets the same answer. */
static void answer_batch_check(const struct http_client_req *req, struct http_client_resp *resp)
{
    json_t *doc = req->body ? json_loadb(req->body, req->body_len, 0, NULL) : NULL;
    json_t *checks = json_object_get(doc, "checks"), *c;
    size_t i;
    answer_json(resp, 200, "{\"results\":[");
    json_array_foreach(checks, i, c) {
        char *text = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
        bool allowed = text && (lw_hash_str(text) & 1);
        lw_buf_printf(&resp->body, "%s{\"allowed\":%s}", i ? "," : "", allowed ? "true" : "false");
        free(text);
    }
    lw_buf_puts(&resp->body, "]}");
    json_decref(doc);
}

static void fake_exchange(const struct http_client_req *reqs, struct http_client_resp *resps,
                          int n, size_t max_body)
{
    for (int i = 0; i < n; i++) {
        memset(&resps[i], 0, sizeof resps[i]);
        lw_buf_init(&resps[i].body, max_body);
        if (strstr(reqs[i].url, "/token"))
            answer_json(&resps[i], 200, "{\"access_token\":\"fuzz-token\",\"expires_in\":3600}");
        else if (strstr(reqs[i].url, "/catalog/v1/config"))
            answer_json(&resps[i], strstr(reqs[i].url, "missing") ? 404 : 200,
                        "{\"defaults\":{\"prefix\":\"fuzz-warehouse-id\"}}");
        else if (strstr(reqs[i].url, "batch-check"))
            answer_batch_check(&reqs[i], &resps[i]);
        else
            answer_json(&resps[i], 404, "{}");
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static const struct lk_client_opts lo = {
        .id = "default",
        .url = "http://lakekeeper.invalid",
        .token_endpoint = "http://idp.invalid/token",
        .client_id = "fuzz",
        .client_secret = "fuzz-secret",
        .scope = "lakekeeper",
        .max_batch = 3,                 /* small chunks: several per decision */
        .timeout_ms = 1000,
        .warehouse_ttl_ms = 60000,
        .warehouse_negative_ttl_ms = 1000,
        .max_response = 1u << 20,
    };
    static const char *const admins[] = {"admin"};
    static const struct authz_rule rules[] = {
        {.operation = "Filter*", .catalog = "tpch", .where = "fuzz:1"},
        {.catalog = "jmx", .group = "ops", .where = "fuzz:2"},
    };
    static struct authz_catalog catalogs[] = {
        {"lakehouse", "demo", NULL},
        {"prod", "production", NULL},
        {"gone", "missing", NULL},
        {"nolk", "nowhere", NULL},     /* managed, no instance: everything it needs denies */
    };
    struct authz_engine_opts eo = {0};
    struct lw_err err = {0};
    struct check_cache *cache;
    struct lk_client *lk;
    (void)argc;
    (void)argv;

    lw_alloc_install_json();
    lw_log_level = LW_LOG_ERROR - 1;    /* silent: the fuzzer's output is its statistics */
    http_client_exchange = fake_exchange;
    if (!(cache = check_cache_new(100000, 8u << 20, NULL)) || !(lk = lk_client_new(&lo, cache, &err))) {
        fprintf(stderr, "fuzz_authz: set-up failed: %s\n", err.msg);
        abort();
    }
    for (int i = 0; i < 3; i++)
        catalogs[i].lk = lk;
    eo.catalogs = catalogs;
    eo.ncatalogs = 4;
    eo.allow_unmanaged = true;
    eo.admins = admins;
    eo.nadmins = 1;
    eo.rules = rules;
    eo.nrules = 2;
    eo.decision_ttl_ms = 5000;
    eo.probe_ttl_ms = 30000;
    eo.max_items = 10000;
    eo.deadline_ms = 5000;
    eo.decision_cache_max_bytes = 4u << 20;
    if (!(eo.log = authz_decision_log_new(64, 1u << 20, NULL, &err)) ||
        !(engine = authz_engine_new(&eo, &err))) {
        fprintf(stderr, "fuzz_authz: set-up failed: %s\n", err.msg);
        abort();
    }
    /* The engine, client, cache and log live for the whole run (the process exits). */
    return 0;
}

/* The contract of authz_engine_decide, checked on every answer. */
static void check_answer(int status, bool batch, const struct lw_buf *out)
{
    json_t *doc, *result;
    if (status != 200 && status != 400) {
        fprintf(stderr, "status %d\n", status);
        abort();
    }
    doc = json_loadb(out->data ? out->data : "", out->len, 0, NULL);
    if (!doc) {
        fprintf(stderr, "answer is not JSON: %.*s\n", (int)out->len, out->data ? out->data : "");
        abort();
    }
    result = json_object_get(doc, "result");
    if (status == 200 && (batch ? !json_is_array(result) : !json_is_boolean(result))) {
        fprintf(stderr, "200 without a result of the endpoint's type\n");
        abort();
    }
    if (status == 400 && !json_is_object(json_object_get(doc, "error"))) {
        fprintf(stderr, "400 without an error object\n");
        abort();
    }
    json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *body = (const char *)data;
    for (int b = 0; b < 2; b++) {
        struct lw_buf out;
        int status;
        lw_buf_init(&out, MAX_ANSWER);
        status = authz_engine_decide(engine, b, body, size, &out);
        check_answer(status, b, &out);
        lw_buf_reset(&out);
        /* The same body again may now come from the decision cache: same contract. */
        status = authz_engine_try_cached(engine, b, body, size, &out);
        if (status == 200)
            check_answer(status, b, &out);
        else if (status != 0 || out.len != 0)
            abort();
        lw_buf_free(&out);
    }
    return 0;
}

/* authz_fixture.c -- the shared fixture of the authz conformance tests (authz_fixture.h).
 * Included (not linked) by each tests/unit/test_authz_*.c, so everything here is static. */
#include "authz_fixture.h"

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../server/core/lw_log.h"

#define FX_MAX_REQS 4096
#define FX_MAX_CATS 16
#define FX_MAX_BODY (1 << 24)

struct fx_state {
    struct check_cache *cache;
    struct lk_client *lk, *lk2;
    struct authz_catalog cats[FX_MAX_CATS];
    int ncats;
    struct authz_engine *eng;
    struct authz_decision_log *log;
    struct lw_config cfg;           /* fx_start_env only */
    bool have_cfg;
    char *env_set[32];              /* variables fx_setenv set, unset by fx_stop */
    int nenv;
};

static struct fx_state fx;
static struct fx_mock fx_mock;
static const char *fx_user = "test-user";           /* context.identity.user */
static const char *fx_query_id;                     /* context.queryId, NULL: absent */
static char fx_principal[256] = "oidc~test-user";   /* identity expected in checks */

static pthread_mutex_t fx_mu = PTHREAD_MUTEX_INITIALIZER;
static struct fx_req fx_reqs[FX_MAX_REQS];
static int fx_nreqs;
static int fx_nkind[FX_NKINDS];
static int fx_nexchanges;
static int fx_ntokens_issued;
static _Atomic int64_t fx_clock = FX_T0_MS;

/* ---- clock ------------------------------------------------------------------------------ */

static int64_t fx_now(void)
{
    return atomic_load(&fx_clock);
}

FX_API void fx_advance_ms(int64_t ms)
{
    atomic_fetch_add(&fx_clock, ms);
}

/* ---- small helpers ---------------------------------------------------------------------- */

/* Test inputs are written with single quotes; JSON wants double ones. No test value holds
 * a quote character. */
static void sq_to_dq(char *s)
{
    for (; *s; s++)
        if (*s == '\'')
            *s = '"';
}

/* Parses single-quoted JSON; fails the test on a syntax error in the test itself. */
FX_API json_t *fx_json(const char *sq)
{
    char *s = lw_strdup(sq);
    json_error_t jerr;
    json_t *j;
    assert_non_null(s);
    sq_to_dq(s);
    j = json_loads(s, JSON_DECODE_ANY, &jerr);
    if (!j)
        fail_msg("bad JSON in test: %s (%s)", s, jerr.text);
    lw_free(s);
    return j;
}

/* Rotating scratch strings for resource builders (valid for the next 255 calls). */
static char *scratch(void)
{
    static char bufs[256][1024];
    static int next;
    char *b = bufs[next];
    next = (next + 1) % 256;
    return b;
}

FX_API const char *R_CAT(const char *name)
{
    char *b = scratch();
    snprintf(b, 1024, "{'catalog':{'name':'%s'}}", name);
    return b;
}

FX_API const char *R_SCH(const char *cat, const char *sch)
{
    char *b = scratch();
    snprintf(b, 1024, "{'schema':{'catalogName':'%s','schemaName':'%s'}}", cat, sch);
    return b;
}

FX_API const char *R_SCHP(const char *cat, const char *sch, const char *props_sq)
{
    char *b = scratch();
    snprintf(b, 1024, "{'schema':{'catalogName':'%s','schemaName':'%s','properties':%s}}", cat,
             sch, props_sq);
    return b;
}

/* {'table':{catalogName, schemaName, tableName<extra>}<after>}: the table resources below. */
static const char *table_res(const char *cat, const char *sch, const char *tbl, const char *extra,
                             const char *after)
{
    char *b = scratch();
    snprintf(b, 1024, "{'table':{'catalogName':'%s','schemaName':'%s','tableName':'%s'%s}%s}",
             cat, sch, tbl, extra, after);
    return b;
}

FX_API const char *R_TBL(const char *cat, const char *sch, const char *tbl)
{
    return table_res(cat, sch, tbl, "", "");
}

FX_API const char *R_TBLP(const char *cat, const char *sch, const char *tbl, const char *props_sq)
{
    char extra[900];
    snprintf(extra, sizeof extra, ",'properties':%s", props_sq);
    return table_res(cat, sch, tbl, extra, "");
}

FX_API const char *R_COLS(const char *cat, const char *sch, const char *tbl, const char *cols_sq)
{
    char extra[900];
    snprintf(extra, sizeof extra, ",'columns':%s", cols_sq);
    return table_res(cat, sch, tbl, extra, "");
}

FX_API const char *R_PROC(const char *cat, const char *sch, const char *tbl, const char *proc)
{
    char after[300];
    snprintf(after, sizeof after, ",'function':{'functionName':'%s'}", proc);
    return table_res(cat, sch, tbl, "", after);
}

FX_API const char *R_USER(const char *user)
{
    char *b = scratch();
    snprintf(b, 1024, "{'user':{'user':'%s'}}", user);
    return b;
}

FX_API const char *R_FN(const char *cat, const char *sch, const char *fn)
{
    char *b = scratch();
    snprintf(b, 1024, "{'function':{'catalogName':'%s','schemaName':'%s','functionName':'%s'}}",
             cat, sch, fn);
    return b;
}

FX_API void fx_set_user(const char *user)
{
    fx_user = user;
    snprintf(fx_principal, sizeof fx_principal, "oidc~%s", user);
}

/* ---- the fake exchange ------------------------------------------------------------------ */

static enum fx_kind classify(const char *url)
{
    size_t n = strlen(url);
    if (n >= 6 && strcmp(url + n - 6, "/token") == 0)
        return FX_TOKEN;
    if (strstr(url, "catalog/v1/config"))
        return FX_CONFIG;
    if (strstr(url, "batch-check"))
        return FX_BATCH;
    return FX_OTHER;
}

static void resp_json(struct http_client_resp *resp, long status, const char *body)
{
    resp->status = status;
    snprintf(resp->content_type, sizeof resp->content_type, "application/json");
    resp->error = LW_OK;
    lw_buf_puts(&resp->body, body);
}

static void resp_fail(struct http_client_resp *resp, int code, const char *msg)
{
    resp->status = 0;
    resp->error = code;
    snprintf(resp->error_msg, sizeof resp->error_msg, "%.180s", msg);
}

/* Answers a batch-check: one {"allowed": rule(check)} per check, in order. */
static void answer_batch(const struct fx_req *r, struct http_client_resp *resp, enum fx_fault f)
{
    json_t *checks = json_object_get(r->json, "checks"), *results = json_array(), *doc;
    size_t i, n = json_array_size(checks);
    json_t *c;
    char *out;

    if (!json_is_array(checks)) {
        resp_json(resp, 400, "{\"error\":{\"code\":400,\"message\":\"no checks\"}}");
        json_decref(results);
        return;
    }
    json_array_foreach(checks, i, c) {
        bool a = fx_mock.rule ? fx_mock.rule(c) : false;
        if (f == FX_FAULT_STRING_TRUE)
            json_array_append_new(results, json_pack("{s:s}", "allowed", a ? "true" : "false"));
        else
            json_array_append_new(results,
                                  json_pack("{s:b}", "allowed", f == FX_FAULT_WRONG_COUNT || a));
    }
    if (f == FX_FAULT_WRONG_COUNT || n == 0)
        json_array_append_new(results, json_pack("{s:b}", "allowed", 1));
    doc = json_pack("{s:o}", "results", results);
    out = json_dumps(doc, JSON_COMPACT);
    resp_json(resp, 200, out);
    lw_free(out);
    json_decref(doc);
}

static bool fault_applies(const struct fx_fault_spec *s, int ordinal)
{
    return s->fault != FX_FAULT_NONE && ordinal >= s->from && (s->to == 0 || ordinal < s->to);
}

static void answer(const struct fx_req *r, struct http_client_resp *resp)
{
    const struct fx_fault_spec *fs = &fx_mock.fault[r->kind];
    enum fx_fault f = fault_applies(fs, r->ordinal) ? fs->fault : FX_FAULT_NONE;
    char buf[256];

    switch (f) {
    case FX_FAULT_401:
        resp_json(resp, 401, "{\"error\":{\"code\":401,\"message\":\"unauthorized\"}}");
        return;
    case FX_FAULT_404:
        resp_json(resp, 404, "{\"error\":{\"code\":404,\"type\":\"NoSuchWarehouseException\","
                             "\"message\":\"Warehouse not found\"}}");
        return;
    case FX_FAULT_500:
        resp_json(resp, 500, "{\"error\":{\"code\":500,\"message\":\"internal error\"}}");
        return;
    case FX_FAULT_TIMEOUT:
        snprintf(buf, sizeof buf, "timed out after %ld ms", r->timeout_ms);
        resp_fail(resp, LW_ETIMEOUT, buf);
        return;
    case FX_FAULT_CONNECT:
        resp_fail(resp, LW_EIO, "connection refused");
        return;
    case FX_FAULT_GARBAGE:
        resp_json(resp, 200, "<<< this is not JSON");
        return;
    case FX_FAULT_HTML:
        resp->status = 200;
        snprintf(resp->content_type, sizeof resp->content_type, "text/html");
        lw_buf_puts(&resp->body, "<html>oops</html>");
        return;
    case FX_FAULT_NO_TOKEN:
        resp_json(resp, 200, "{\"token_type\":\"bearer\"}");
        return;
    default:
        break;
    }
    switch (r->kind) {
    case FX_TOKEN:
        if (fx_mock.token_body) {
            resp_json(resp, 200, fx_mock.token_body);
        } else if (fx_mock.unique_tokens) {
            pthread_mutex_lock(&fx_mu);
            snprintf(buf, sizeof buf, "{\"access_token\":\"mock-token-%d\"}", ++fx_ntokens_issued);
            pthread_mutex_unlock(&fx_mu);
            resp_json(resp, 200, buf);
        } else {
            resp_json(resp, 200, "{\"access_token\":\"mock-token\"}");
        }
        return;
    case FX_CONFIG:
        if (fx_mock.wid_per_warehouse && strstr(r->url, "warehouse="))
            snprintf(buf, sizeof buf, "{\"defaults\":{\"prefix\":\"wid-%.100s\"}}",
                     strstr(r->url, "warehouse=") + 10);
        else
            snprintf(buf, sizeof buf, "{\"defaults\":{\"prefix\":\"%s\"}}",
                     fx_mock.wid ? fx_mock.wid : FX_WID);
        resp_json(resp, 200, buf);
        return;
    case FX_BATCH:
        answer_batch(r, resp, f);
        return;
    default:
        resp_json(resp, 404, "{\"error\":{\"code\":404}}");
        return;
    }
}

static void fx_exchange(const struct http_client_req *reqs, struct http_client_resp *resps, int n,
                        size_t max_body)
{
    for (int i = 0; i < n; i++) {
        const struct http_client_req *q = &reqs[i];
        struct fx_req *r = NULL, copy;

        memset(&resps[i], 0, sizeof resps[i]);
        lw_buf_init(&resps[i].body, max_body);
        pthread_mutex_lock(&fx_mu);
        if (i == 0)
            fx_nexchanges++;
        if (fx_nreqs < FX_MAX_REQS) {
            r = &fx_reqs[fx_nreqs++];
            memset(r, 0, sizeof *r);
            r->kind = classify(q->url);
            r->ordinal = fx_nkind[r->kind]++;
            r->exchange = fx_nexchanges - 1;
            r->method = lw_strdup(q->method);
            r->url = lw_strdup(q->url);
            r->body = q->body ? lw_strndup(q->body, q->body_len) : NULL;
            r->timeout_ms = q->timeout_ms;
            for (int h = 0; h < HTTP_CLIENT_MAX_HEADERS && q->headers[h]; h++)
                r->headers[r->nheaders++] = lw_strdup(q->headers[h]);
            if (r->kind == FX_BATCH && r->body)
                r->json = json_loadb(r->body, q->body_len, 0, NULL);
            copy = *r;
        }
        pthread_mutex_unlock(&fx_mu);
        if (!r) {
            resp_fail(&resps[i], LW_EIO, "fixture: too many requests");
            continue;
        }
        if (fx_mock.hook && fx_mock.hook(&copy, &resps[i]))
            continue;
        answer(&copy, &resps[i]);
    }
}

/* ---- engines ---------------------------------------------------------------------------- */

static void fx_reset_requests(void)
{
    pthread_mutex_lock(&fx_mu);
    for (int i = 0; i < fx_nreqs; i++) {
        struct fx_req *r = &fx_reqs[i];
        lw_free(r->method);
        lw_free(r->url);
        lw_free(r->body);
        for (int h = 0; h < r->nheaders; h++)
            lw_free(r->headers[h]);
        json_decref(r->json);
        memset(r, 0, sizeof *r);
    }
    fx_nreqs = 0;
    fx_nexchanges = 0;
    memset(fx_nkind, 0, sizeof fx_nkind);
    pthread_mutex_unlock(&fx_mu);
}

/* Forgets the requests recorded so far (the engine and its caches stay). */
FX_API void fx_clear_requests(void)
{
    fx_reset_requests();
}

FX_API void fx_global_init(void)
{
    const char *lvl = getenv("LW_TEST_LOG");
    lw_alloc_install_json();
    if (!lvl || lw_log_parse_level(lvl, &lw_log_level) != 0)
        lw_log_level = LW_LOG_ERROR;
    lw_now_ms = fx_now;
    http_client_exchange = fx_exchange;
}

static void start_engine(const struct fx_cfg *c)
{
    struct authz_engine_opts eo = {0};
    struct lw_err err = {0};

    eo.catalogs = fx.cats;
    eo.ncatalogs = fx.ncats;
    eo.allow_unmanaged = c->flag;
    eo.admins = c->admins;
    eo.nadmins = c->nadmins;
    eo.rules = c->rules;
    eo.nrules = c->nrules;
    eo.decision_ttl_ms = c->decision_ttl_ms;
    eo.probe_ttl_ms = c->probe_ttl_ms ? c->probe_ttl_ms : 30000;
    eo.max_items = 100000;
    eo.deadline_ms = c->deadline_ms;
    eo.decision_cache_max_bytes = c->decision_cache_max_bytes;
    eo.refresh_ahead_pct = c->refresh_ahead_pct;
    eo.submit = c->submit;
    eo.submit_ctx = c->submit_ctx;
    if (c->decision_log) {
        fx.log = authz_decision_log_new(100, c->decision_log_max_bytes, NULL, &err);
        assert_non_null(fx.log);
    }
    eo.log = fx.log;
    fx.eng = authz_engine_new(&eo, &err);
    if (!fx.eng)
        fail_msg("authz_engine_new: %s", err.msg);
}

/* Builds a fresh engine (and Lakekeeper client, cache) for c; resets the clock, the mock
 * and the recorded requests. */
FX_API void fx_start(const struct fx_cfg *c)
{
    static const struct fx_cat managed[] = {{"managed", "test-warehouse", 0}};
    const struct fx_cat *cats = c->cats ? c->cats : managed;
    int ncats = c->cats ? c->ncats : 1;
    struct lw_err err = {0};

    assert_null(fx.eng);
    assert_true(ncats <= FX_MAX_CATS);
    atomic_store(&fx_clock, FX_T0_MS);
    fx_reset_requests();
    fx.cache = check_cache_new(100000, 64u << 20, NULL);
    assert_non_null(fx.cache);
    check_cache_set_refresh_ahead(fx.cache, c->refresh_ahead_pct);
    if (c->lk) {
        struct lk_client_opts o = {
            .id = "default",
            .url = c->url ? c->url : "http://mock-lakekeeper",
            .token_endpoint = "http://mock-idp/token",
            .client_id = "test-client",
            .client_secret = c->client_secret ? c->client_secret : "test-secret",
            .scope = c->scope ? c->scope : "lakekeeper",
            .max_batch = c->max_batch_set ? c->max_batch : 1000,
            .timeout_ms = 5000,
            .warehouse_ttl_ms = 3600000,
            .warehouse_negative_ttl_ms = 10000,
            .max_response = FX_MAX_BODY,
        };
        fx.lk = lk_client_new(&o, fx.cache, &err);
        if (!fx.lk)
            fail_msg("lk_client_new: %s", err.msg);
    }
    if (c->lk2) {
        struct lk_client_opts o = {
            .id = "second",
            .url = "http://mock-lakekeeper-2",
            .token_endpoint = "http://mock-idp-2/token",
            .client_id = "test-client-2",
            .client_secret = "test-secret-2",
            .scope = "lakekeeper",
            .max_batch = 1000,
            .timeout_ms = 5000,
            .warehouse_ttl_ms = 3600000,
            .warehouse_negative_ttl_ms = 10000,
            .max_response = FX_MAX_BODY,
        };
        fx.lk2 = lk_client_new(&o, fx.cache, &err);
        if (!fx.lk2)
            fail_msg("lk_client_new: %s", err.msg);
    }
    fx.ncats = ncats;
    for (int i = 0; i < ncats; i++)
        fx.cats[i] = (struct authz_catalog){cats[i].name, cats[i].warehouse,
                                            cats[i].instance == 1 ? fx.lk2 : fx.lk};
    start_engine(c);
}

/* C-TEST: one instance, [managed -> test-warehouse], flag off, no admins. */
FX_API void fx_start_test(void)
{
    struct fx_cfg c = {.lk = true};
    fx_start(&c);
}

/* C-TEST with TRINO_ADMIN_USERS=test-user. */
FX_API void fx_start_test_admin(void)
{
    static const char *const admins[] = {"test-user"};
    struct fx_cfg c = {.lk = true, .admins = admins, .nadmins = 1};
    fx_start(&c);
}

/* C-TEST with LAKEKEEPER_MAX_BATCH_CHECK_SIZE=n. */
FX_API void fx_start_test_batch(int n)
{
    struct fx_cfg c = {.lk = true, .max_batch_set = true, .max_batch = n};
    fx_start(&c);
}

static const struct fx_cat fx_default_cats[] = {
    {"dev", "development", 0},
    {"prod", "production", 0},
    {"demo", "demo", 0},
    {"lakekeeper", "lakekeeper", 0},
};

/* C-DEFAULT (no Lakekeeper instance) or C-DEFAULT+FLAG. */
FX_API void fx_start_default(bool flag)
{
    struct fx_cfg c = {.cats = fx_default_cats, .ncats = 4, .flag = flag};
    fx_start(&c);
}

/* C-DEFAULT-LK (§7.5): the four default catalogs with a reachable Lakekeeper. */
FX_API void fx_start_default_lk(void)
{
    struct fx_cfg c = {.lk = true, .cats = fx_default_cats, .ncats = 4};
    fx_start(&c);
}

/* C-MANAGED-NOLK+FLAG: [managed -> test-warehouse], no instance, flag on. */
FX_API void fx_start_managed_nolk_flag(void)
{
    struct fx_cfg c = {.cats = (const struct fx_cat[]){{"managed", "test-warehouse", 0}},
                       .ncats = 1,
                       .flag = true};
    fx_start(&c);
}

FX_API void fx_setenv(const char *name, const char *value)
{
    assert_true(fx.nenv < (int)(sizeof fx.env_set / sizeof fx.env_set[0]));
    fx.env_set[fx.nenv] = lw_strdup(name);
    assert_non_null(fx.env_set[fx.nenv]);
    fx.nenv++;
    assert_int_equal(setenv(name, value, 1), 0);
}

/* Sets the bridge's Lakekeeper variables to C-TEST's values (the catalogs stay the four
 * environment-defined defaults). */
FX_API void fx_setenv_lk(void)
{
    fx_setenv("LAKEKEEPER_URL", "http://mock-lakekeeper");
    fx_setenv("LAKEKEEPER_TOKEN_ENDPOINT", "http://mock-idp/token");
    fx_setenv("LAKEKEEPER_CLIENT_ID", "test-client");
    fx_setenv("LAKEKEEPER_CLIENT_SECRET", "test-secret");
}

/* Builds the engine from the environment exactly as server/main.c wires lw_config into the
 * engine (config.c parses the bridge's variables), with the reference's no decision cache. */
FX_API void fx_start_env(void)
{
    struct lw_err err = {0};
    struct fx_cfg c = {0};

    assert_null(fx.eng);
    atomic_store(&fx_clock, FX_T0_MS);
    fx_reset_requests();
    if (lw_config_load(&fx.cfg, NULL, &err) != 0)
        fail_msg("lw_config_load: %s", err.msg);
    fx.have_cfg = true;
    assert_true(fx.cfg.ninstances <= 1);
    assert_true(fx.cfg.ncatalogs <= FX_MAX_CATS);
    fx.cache = check_cache_new(100000, 64u << 20, NULL);
    assert_non_null(fx.cache);
    if (fx.cfg.ninstances == 1) {
        const struct lw_lk_instance_cfg *ic = &fx.cfg.instances[0];
        struct lk_client_opts o = {ic->id, ic->url, ic->token_endpoint, ic->client_id,
                                   ic->client_secret, ic->scope, ic->max_batch,
                                   fx.cfg.upstream_timeout_ms, fx.cfg.warehouse_cache_ttl_ms,
                                   fx.cfg.warehouse_negative_ttl_ms, FX_MAX_BODY};
        fx.lk = lk_client_new(&o, fx.cache, &err);
        if (!fx.lk)
            fail_msg("lk_client_new: %s", err.msg);
    }
    fx.ncats = fx.cfg.ncatalogs;
    for (int i = 0; i < fx.ncats; i++) {
        bool same = fx.lk && strcmp(fx.cfg.catalogs[i].lakekeeper_id, fx.cfg.instances[0].id) == 0;
        fx.cats[i] = (struct authz_catalog){fx.cfg.catalogs[i].name, fx.cfg.catalogs[i].warehouse,
                                            same ? fx.lk : NULL};
    }
    c.flag = fx.cfg.allow_unmanaged;
    c.admins = (const char *const *)fx.cfg.admins;
    c.nadmins = fx.cfg.nadmins;
    c.probe_ttl_ms = fx.cfg.probe_cache_ttl_ms;
    c.deadline_ms = fx.cfg.decision_deadline_ms;
    c.decision_cache_max_bytes = (size_t)fx.cfg.decision_cache_max_bytes;
    start_engine(&c);
}

FX_API void fx_stop(void)
{
    authz_engine_free(fx.eng);
    lk_client_free(fx.lk);
    lk_client_free(fx.lk2);
    check_cache_free(fx.cache);
    authz_decision_log_free(fx.log);
    if (fx.have_cfg)
        lw_config_free(&fx.cfg);
    for (int i = 0; i < fx.nenv; i++) {
        unsetenv(fx.env_set[i]);
        lw_free(fx.env_set[i]);
    }
    memset(&fx, 0, sizeof fx);
    memset(&fx_mock, 0, sizeof fx_mock);
    fx_reset_requests();
    fx_ntokens_issued = 0;
    fx_set_user("test-user");
    fx_query_id = NULL;
    atomic_store(&fx_clock, FX_T0_MS);
}

static int fx_teardown(void **state)
{
    (void)state;
    fx_stop();
    return 0;
}

/* ---- decisions -------------------------------------------------------------------------- */

/* {"input":{"context":{...},"action":{"operation":op, ...}}} with the §7.0 context; any of
 * resource, target and items (a JSON array) may be NULL. Caller frees. */
FX_API char *fx_body(const char *op, const char *resource, const char *target, const char *items)
{
    struct lw_buf b;
    char *s;
    lw_buf_init(&b, FX_MAX_BODY);
    lw_buf_puts(&b, "{'input':{'context':{'identity':{'user':");
    lw_buf_json_str(&b, fx_user);
    lw_buf_puts(&b, ",'groups':[]},'softwareStack':{'trinoVersion':'467'}");
    if (fx_query_id) {
        lw_buf_puts(&b, ",'queryId':");
        lw_buf_json_str(&b, fx_query_id);
    }
    lw_buf_puts(&b, "},'action':{'operation':");
    lw_buf_json_str(&b, op);
    if (resource)
        lw_buf_printf(&b, ",'resource':%s", resource);
    if (target)
        lw_buf_printf(&b, ",'targetResource':%s", target);
    if (items)
        lw_buf_printf(&b, ",'filterResources':%s", items);
    lw_buf_puts(&b, "}}}");
    s = lw_buf_take(&b);
    assert_non_null(s);
    sq_to_dq(s);
    return s;
}

/* Runs one decision on a raw body; returns the HTTP status and the parsed answer (which must
 * always be JSON). */
FX_API int fx_decide(bool batch, const char *body, size_t len, json_t **answer)
{
    struct lw_buf out;
    json_error_t jerr;
    int status;

    lw_buf_init(&out, FX_MAX_BODY);
    status = authz_engine_decide(fx.eng, batch, body, len, &out);
    assert_false(out.failed);
    *answer = json_loadb(out.data ? out.data : "", out.len, 0, &jerr);
    if (!*answer)
        fail_msg("answer is not JSON: %s", out.data ? out.data : "(empty)");
    lw_buf_free(&out);
    return status;
}

/* A 200 answer with "result" of the expected type and a "decision_id"; returns the result
 * (new reference). */
static json_t *result_of(bool batch, const char *body)
{
    json_t *ans, *res;
    int status = fx_decide(batch, body, strlen(body), &ans);
    assert_int_equal(status, 200);
    res = json_object_get(ans, "result");
    if (batch ? !json_is_array(res) : !json_is_boolean(res))
        fail_msg("bad result in %s", json_dumps(ans, JSON_COMPACT));
    assert_true(json_is_string(json_object_get(ans, "decision_id")));
    json_incref(res);
    json_decref(ans);
    return res;
}

FX_API bool fx_allow_body(const char *body)
{
    json_t *res = result_of(false, body);
    bool allowed = json_is_true(res);
    json_decref(res);
    return allowed;
}

/* The allow decision for op on resource (NULL: none) and targetResource (NULL: none). */
FX_API bool fx_allow_t(const char *op, const char *resource, const char *target)
{
    char *body = fx_body(op, resource, target, NULL);
    bool allowed = fx_allow_body(body);
    lw_free(body);
    return allowed;
}

FX_API bool fx_allow(const char *op, const char *resource)
{
    return fx_allow_t(op, resource, NULL);
}

/* The batch answer for a raw body, as compact JSON ("[0,1]"); caller frees. */
FX_API char *fx_batch_body(const char *body)
{
    json_t *res = result_of(true, body);
    char *s = json_dumps(res, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(res);
    assert_non_null(s);
    return s;
}

/* The batch answer for op over items (a JSON array text). */
FX_API char *fx_batch_items(const char *op, const char *items)
{
    char *body = fx_body(op, NULL, NULL, items);
    char *s = fx_batch_body(body);
    lw_free(body);
    return s;
}

static char *join_items(const char *const *items)
{
    struct lw_buf b;
    char *s;
    lw_buf_init(&b, FX_MAX_BODY);
    lw_buf_putc(&b, '[');
    for (int i = 0; items[i]; i++) {
        if (i)
            lw_buf_putc(&b, ',');
        lw_buf_puts(&b, items[i]);
    }
    lw_buf_putc(&b, ']');
    s = lw_buf_take(&b);
    assert_non_null(s);
    return s;
}

FX_API void fx_assert_batch_v(const char *file, int line, const char *op, const char *expected,
                              const char *const *items)
{
    char *list = join_items(items);
    char *got = fx_batch_items(op, list);
    bool ok = strcmp(got, expected) == 0;
    if (!ok)
        print_error("batch %s: expected %s, got %s\n", op, expected, got);
    lw_free(got);
    lw_free(list);
    if (!ok)
        _fail(file, line);
}

/* Asserts the exact batch answer ("[0,1]") for op over the listed resources. */
#define FX_ASSERT_BATCH(op, expected, ...)                                                   \
    fx_assert_batch_v(__FILE__, __LINE__, (op), (expected),                                  \
                      (const char *const[]){__VA_ARGS__, NULL})

FX_API void fx_assert_batch_raw(const char *op, const char *items, const char *expected)
{
    char *got = fx_batch_items(op, items);
    if (strcmp(got, expected) != 0)
        fail_msg("batch %s: expected %s, got %s", op, expected, got);
    lw_free(got);
}

/* ---- assertions on what went upstream --------------------------------------------------- */

FX_API int fx_n(enum fx_kind kind)
{
    int n;
    pthread_mutex_lock(&fx_mu);
    n = fx_nkind[kind];
    pthread_mutex_unlock(&fx_mu);
    return n;
}

FX_API int fx_n_total(void)
{
    return fx_n(FX_TOKEN) + fx_n(FX_CONFIG) + fx_n(FX_BATCH) + fx_n(FX_OTHER);
}

/* The i-th recorded request of kind (fails the test if there is none). */
FX_API const struct fx_req *fx_req(enum fx_kind kind, int i)
{
    for (int k = 0; k < fx_nreqs; k++)
        if (fx_reqs[k].kind == kind && fx_reqs[k].ordinal == i)
            return &fx_reqs[k];
    fail_msg("no request #%d of kind %d (have %d)", i, (int)kind, fx_nkind[kind]);
    return NULL;
}

/* The value of header name (case-insensitive) or NULL when the request has none. */
FX_API const char *fx_header(const struct fx_req *r, const char *name)
{
    size_t n = strlen(name);
    for (int h = 0; h < r->nheaders; h++) {
        const char *v = r->headers[h];
        if (strncasecmp(v, name, n) == 0 && v[n] == ':')
            return v[n + 1] == ' ' ? v + n + 2 : v + n + 1;
    }
    return NULL;
}

static bool selected(const struct fx_req *r, enum fx_which which)
{
    bool probe = fx_header(r, "X-Request-ID") != NULL;
    return r->kind == FX_BATCH &&
           (which == FX_ALL || (which == FX_PROBES && probe) || (which == FX_PLAIN && !probe));
}

/* Number of batch-check requests of the given class. */
FX_API int fx_n_batch(enum fx_which which)
{
    int n = 0;
    for (int k = 0; k < fx_nreqs; k++)
        n += selected(&fx_reqs[k], which);
    return n;
}

/* Number of checks in the i-th batch-check request of the class. */
FX_API int fx_batch_size(enum fx_which which, int i)
{
    for (int k = 0; k < fx_nreqs; k++)
        if (selected(&fx_reqs[k], which) && i-- == 0)
            return (int)json_array_size(json_object_get(fx_reqs[k].json, "checks"));
    fail_msg("no batch-check request #%d", i);
    return -1;
}

/* Every batch-check request is Lakekeeper's envelope {"error-on-not-found": false,
 * "checks": [...]} with a bearer token and a JSON content type (§3.2, §3.5). */
FX_API void fx_assert_wire(void)
{
    for (int k = 0; k < fx_nreqs; k++) {
        const struct fx_req *r = &fx_reqs[k];
        const char *auth;
        if (r->kind != FX_BATCH)
            continue;
        assert_string_equal(r->method, "POST");
        assert_non_null(r->json);
        assert_int_equal(json_object_size(r->json), 2);
        assert_true(json_is_false(json_object_get(r->json, "error-on-not-found")));
        assert_true(json_is_array(json_object_get(r->json, "checks")));
        assert_true(json_array_size(json_object_get(r->json, "checks")) > 0);
        assert_string_equal(fx_header(r, "Content-Type"), "application/json");
        auth = fx_header(r, "Authorization");
        assert_non_null(auth);
        assert_memory_equal(auth, "Bearer ", 7);
        assert_int_equal(r->timeout_ms, 5000);
    }
}

/* The checks of the selected batch-check requests, concatenated in send order (new ref). */
FX_API json_t *fx_sent_checks(enum fx_which which)
{
    json_t *all = json_array();
    for (int k = 0; k < fx_nreqs; k++)
        if (selected(&fx_reqs[k], which))
            json_array_extend(all, json_object_get(fx_reqs[k].json, "checks"));
    return all;
}

/* ---- expected checks (operation objects; identity added by the assertion) --------------- */

static json_t *target_op_wid(const char *object, json_t *action, const char *wid,
                             const char *ns_sq, const char *name)
{
    json_t *t = json_pack("{s:o,s:s}", "action", action, "warehouse-id", wid);
    if (ns_sq)
        json_object_set_new(t, "namespace", fx_json(ns_sq));
    if (name)
        json_object_set_new(t, "table", json_string(name));
    return json_pack("{s:o}", object, t);
}

static json_t *target_op(const char *object, json_t *action, const char *ns_sq, const char *name)
{
    return target_op_wid(object, action, fx_mock.wid ? fx_mock.wid : FX_WID, ns_sq, name);
}

static json_t *action_of(const char *action)
{
    return json_pack("{s:s}", "action", action);
}

/* warehouse <action> on an explicit warehouse id */
FX_API json_t *WW(const char *action, const char *wid)
{
    return target_op_wid("warehouse", action_of(action), wid, NULL, NULL);
}

/* warehouse <action> */
FX_API json_t *W(const char *action)
{
    return target_op("warehouse", action_of(action), NULL, NULL);
}

/* warehouse with a full action object, e.g. "{'action':'create_namespace',...}" */
FX_API json_t *WX(const char *action_sq)
{
    return target_op("warehouse", fx_json(action_sq), NULL, NULL);
}

FX_API json_t *N(const char *action, const char *ns_sq)
{
    return target_op("namespace", action_of(action), ns_sq, NULL);
}

FX_API json_t *NX(const char *action_sq, const char *ns_sq)
{
    return target_op("namespace", fx_json(action_sq), ns_sq, NULL);
}

FX_API json_t *T(const char *action, const char *ns_sq, const char *name)
{
    return target_op("table", action_of(action), ns_sq, name);
}

FX_API json_t *TX(const char *action_sq, const char *ns_sq, const char *name)
{
    return target_op("table", fx_json(action_sq), ns_sq, name);
}

FX_API json_t *V(const char *action, const char *ns_sq, const char *name)
{
    return target_op("view", action_of(action), ns_sq, name);
}

static bool multiset_contains(json_t *have, json_t *want, bool exact)
{
    size_t n = json_array_size(have), i, j;
    bool *used = lw_calloc(n ? n : 1, sizeof *used);
    json_t *w;
    bool ok = !exact || json_array_size(want) == n;
    assert_non_null(used);
    json_array_foreach(want, i, w) {
        bool found = false;
        for (j = 0; ok && j < n && !found; j++) {
            if (!used[j] && json_equal(json_array_get(have, j), w)) {
                used[j] = true;
                found = true;
            }
        }
        ok = ok && found;
    }
    lw_free(used);
    return ok;
}

static void compare_checks(const char *file, int line, const char *what, json_t *actual,
                           enum fx_match match, json_t *first, va_list ap)
{
    json_t *exp = json_array();
    bool ok;
    for (json_t *op = first; op; op = va_arg(ap, json_t *))
        json_array_append_new(exp, json_pack("{s:o,s:{s:s}}", "operation", op, "identity", "user",
                                             fx_principal));
    ok = match == FX_ORDERED ? json_equal(exp, actual)
                             : multiset_contains(actual, exp, match == FX_SET);
    if (!ok) {
        char *e = json_dumps(exp, JSON_INDENT(1)), *a = json_dumps(actual, JSON_INDENT(1));
        print_error("%s: expected (%s)\n%s\ngot\n%s\n", what,
                    match == FX_ORDERED ? "in order" : match == FX_SET ? "any order" : "contained",
                    e, a);
        lw_free(e);
        lw_free(a);
    }
    json_decref(exp);
    json_decref(actual);
    if (!ok)
        _fail(file, line);
}

/* Asserts the checks of the selected batch-check requests (all of them concatenated); the
 * arguments are operation objects from W/WX/N/NX/T/TX/V, NULL-terminated (use the macro). */
FX_API void fx_expect_checks_v(const char *file, int line, enum fx_which which,
                               enum fx_match match, json_t *first, ...)
{
    va_list ap;
    fx_assert_wire();
    va_start(ap, first);
    compare_checks(file, line, "checks sent", fx_sent_checks(which), match, first, ap);
    va_end(ap);
}
#define FX_EXPECT_CHECKS(which, match, ...)                                                    \
    fx_expect_checks_v(__FILE__, __LINE__, (which), (match), __VA_ARGS__, NULL)

/* Asserts the exact checks, in order, of the i-th batch-check request of the class. */
FX_API void fx_expect_request_v(const char *file, int line, enum fx_which which, int i,
                                json_t *first, ...)
{
    va_list ap;
    json_t *checks = NULL;
    int idx = i;
    fx_assert_wire();
    for (int k = 0; k < fx_nreqs && !checks; k++)
        if (selected(&fx_reqs[k], which) && idx-- == 0)
            checks = json_incref(json_object_get(fx_reqs[k].json, "checks"));
    if (!checks) {
        print_error("no batch-check request #%d\n", i);
        _fail(file, line);
    }
    va_start(ap, first);
    compare_checks(file, line, "checks of one request", checks, FX_ORDERED, first, ap);
    va_end(ap);
}
#define FX_EXPECT_REQUEST(which, i, ...)                                                       \
    fx_expect_request_v(__FILE__, __LINE__, (which), (i), __VA_ARGS__, NULL)

/* ---- the §7.0 mocks --------------------------------------------------------------------- */

static json_t *chk_target(json_t *check, const char **kind)
{
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(check, "operation"), k, v) {
        *kind = k;
        return v;
    }
    *kind = "";
    return NULL;
}

FX_API const char *fx_chk_kind(json_t *check)
{
    const char *k;
    chk_target(check, &k);
    return k;
}

FX_API const char *fx_chk_action(json_t *check)
{
    const char *k;
    json_t *action = json_object_get(chk_target(check, &k), "action");
    const char *a = json_string_value(json_object_get(action, "action"));
    return a ? a : "";
}

FX_API const char *fx_chk_name(json_t *check)
{
    const char *k;
    const char *n = json_string_value(json_object_get(chk_target(check, &k), "table"));
    return n ? n : "";
}

FX_API bool fx_chk_ns(json_t *check, const char *ns_sq)
{
    const char *k;
    json_t *want = fx_json(ns_sq);
    bool eq = json_equal(json_object_get(chk_target(check, &k), "namespace"), want);
    json_decref(want);
    return eq;
}

static bool is(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

static bool is_table_or_view(json_t *c)
{
    return is(fx_chk_kind(c), "table") || is(fx_chk_kind(c), "view");
}

static bool le(json_t *c)
{
    return is(fx_chk_action(c), "list_everything");
}

FX_API bool M_ALLOW_ALL(json_t *c)
{
    (void)c;
    return true;
}

FX_API bool M_DENY_ALL(json_t *c)
{
    (void)c;
    return false;
}

FX_API bool M_TABLE_A(json_t *c)
{
    return is_table_or_view(c) && is(fx_chk_name(c), "table_a");
}

FX_API bool M_VIEWS_ONLY(json_t *c)
{
    return is(fx_chk_kind(c), "view");
}

FX_API bool M_SCHEMA_A(json_t *c)
{
    return (is(fx_chk_kind(c), "namespace") && fx_chk_ns(c, "['schema_a']") && !le(c)) ||
           (is(fx_chk_kind(c), "warehouse") && !le(c));
}

FX_API bool M_WAREHOUSE_ONLY(json_t *c)
{
    return is(fx_chk_kind(c), "warehouse") && !le(c);
}

FX_API bool M_PRODUCTS_ONLY(json_t *c)
{
    return (is_table_or_view(c) && is(fx_chk_name(c), "products")) ||
           (is(fx_chk_kind(c), "warehouse") && !le(c));
}

FX_API bool M_WH_LIST_EVERYTHING(json_t *c)
{
    return is(fx_chk_kind(c), "warehouse") && le(c);
}

FX_API bool M_NS_LIST_EVERYTHING_A(json_t *c)
{
    return is(fx_chk_kind(c), "namespace") && le(c) && fx_chk_ns(c, "['schema_a']");
}

/* ---- reference inputs (/work/shared/reference/data/trino-inputs) ------------------------ */

static bool is_repo(const char *dir)
{
    char p[PATH_MAX + 64];
    struct stat st;
    snprintf(p, sizeof p, "%s/authz/authz_engine.h", dir);
    return stat(p, &st) == 0;
}

/* The repository root: $LW_REPO_DIR, the working directory (run-unit.sh runs from the
 * root), or the nearest ancestor of the test binary holding authz/. */
static bool find_repo(char *out, size_t n)
{
    const char *env = getenv("LW_REPO_DIR");
    char exe[PATH_MAX];
    ssize_t len;
    if (env && is_repo(env)) {
        snprintf(out, n, "%s", env);
        return true;
    }
    if (is_repo(".")) {
        snprintf(out, n, ".");
        return true;
    }
    len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0)
        return false;
    exe[len] = '\0';
    for (char *slash = strrchr(exe, '/'); slash; slash = strrchr(exe, '/')) {
        *slash = '\0';
        if (is_repo(exe)) {
            snprintf(out, n, "%s", exe);
            return true;
        }
    }
    return false;
}

/* Reads one reference input file; raw (unwrapped) inputs get {"input": ...} around them.
 * Caller frees. */
FX_API char *fx_read_input(const char *name, bool wrap)
{
    char repo[PATH_MAX], path[PATH_MAX + 128];
    struct lw_buf b;
    char chunk[4096];
    size_t got;
    FILE *f;
    char *s;

    if (!find_repo(repo, sizeof repo))
        fail_msg("cannot find the repository (set LW_REPO_DIR)");
    snprintf(path, sizeof path, "%s/../shared/reference/data/trino-inputs/%s", repo, name);
    f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s", path);
    lw_buf_init(&b, FX_MAX_BODY);
    if (wrap)
        lw_buf_puts(&b, "{\"input\":");
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        lw_buf_append(&b, chunk, got);
    fclose(f);
    if (wrap)
        lw_buf_putc(&b, '}');
    s = lw_buf_take(&b);
    assert_non_null(s);
    return s;
}

/* No batch-check request of the class was sent. */
FX_API void fx_expect_no_checks(enum fx_which which)
{
    if (fx_n_batch(which) != 0) {
        json_t *a = fx_sent_checks(which);
        char *s = json_dumps(a, JSON_INDENT(1));
        print_error("expected no checks, got\n%s\n", s);
        lw_free(s);
        json_decref(a);
        fail();
    }
}

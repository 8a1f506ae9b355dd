/* test_lk_catalog.c -- the Lakekeeper catalog cache (catalog/lk_catalog.h) and the id <-> name
 * lookups over it (catalog/perm_catalog.h), through a real lk_client whose HTTP exchange
 * answers from a scripted Lakekeeper: pages followed past an empty page, nested namespaces
 * walked, inactive warehouses not listed, a scope that narrows the requests, the TTL, the
 * object and request bounds, and an upstream failure that leaves nothing half-read; then the
 * tables over it (perm_catalog_sql.h): keys in compact argv slots narrowing the listings, a
 * non-admin's rows as the scripted batch-check allows, failing closed when it cannot answer;
 * and the shared snapshot (catalog/cat_snapshot.h, lk_catalog_codec.c): a published catalog
 * read back whole with no Lakekeeper call, every truncation and corruption refused cleanly,
 * the byte and object bounds, a newer generation replacing the old, the cold-start wait and
 * its errors, and catalog_refresh's tickets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../catalog/cat_snapshot.h"
#include "../../catalog/http_client.h"
#include "../../catalog/perm_catalog.h"
#include "../../catalog/perm_catalog_sql.h"
#include "../../server/core/lw_arena.h"

#include <stdlib.h>
#include <time.h>

#define Q2 "returnUuids=true&returnProtectionStatus=true&pageSize=1000&pageToken="
#define Q "?" Q2
#define MAX_SENT 64

struct route {
    const char *path;           /* exact path + query after the instance URL */
    long status;
    const char *body;
};

static const struct route world[] = {
    {"/management/v1/info", 200,
     "{\"server-id\":\"srv-1\",\"lakekeeper-version\":\"0.13.1\",\"authz-backend\":\"openfga\","
     "\"bootstrapped\":true,\"default-project-id\":\"p1\"}"},
    {"/management/v1/whoami", 200, "{\"id\":\"oidc~lakeward\",\"is-instance-admin\":false}"},
    {"/management/v1/project-list", 200,
     "{\"projects\":[{\"project-id\":\"p1\",\"project-name\":\"Default\"}]}"},
    {"/management/v1/warehouse?warehouseStatus=active&warehouseStatus=inactive", 200,
     "{\"warehouses\":[{\"id\":\"w1\",\"name\":\"demo\",\"project-id\":\"p1\",\"status\":"
     "\"active\",\"storage-profile\":{\"type\":\"s3\",\"bucket\":\"b\",\"key-prefix\":\"demo\"},"
     "\"delete-profile\":{\"type\":\"soft\",\"expiration-seconds\":3600}},"
     "{\"id\":\"w2\",\"name\":\"old\",\"project-id\":\"p1\",\"status\":\"inactive\"}]}"},
    /* Top level in three pages, the middle one empty: the listing must not stop there. */
    {"/catalog/v1/w1/namespaces" Q, 200,
     "{\"namespaces\":[[\"finance\"]],\"namespace-uuids\":[\"n1\"],\"protection-status\":[true],"
     "\"next-page-token\":\"t 1\"}"},
    {"/catalog/v1/w1/namespaces" Q "t%201", 200,
     "{\"namespaces\":[],\"namespace-uuids\":[],\"next-page-token\":\"t2\"}"},
    {"/catalog/v1/w1/namespaces" Q "t2", 200,
     "{\"namespaces\":[[\"sales\"]],\"namespace-uuids\":[\"n2\"],\"next-page-token\":null}"},
    {"/catalog/v1/w1/namespaces?parent=finance&" Q2, 200,
     "{\"namespaces\":[[\"finance\",\"e u\"]],\"namespace-uuids\":[\"n3\"]}"},
    {"/catalog/v1/w1/namespaces?parent=sales&" Q2, 200,
     "{\"namespaces\":[],\"namespace-uuids\":[]}"},
    {"/catalog/v1/w1/namespaces?parent=finance%1Fe%20u&" Q2, 200,
     "{\"namespaces\":[],\"namespace-uuids\":[]}"},
    {"/catalog/v1/w1/namespaces/finance/tables" Q, 200,
     "{\"identifiers\":[{\"namespace\":[\"finance\"],\"name\":\"revenue\"}],"
     "\"table-uuids\":[\"t1\"],\"protection-status\":[false]}"},
    {"/catalog/v1/w1/namespaces/finance/views" Q, 200,
     "{\"identifiers\":[{\"namespace\":[\"finance\"],\"name\":\"v_rev\"}],\"table-uuids\":[\"v1\"]}"},
    {"/catalog/v1/w1/namespaces/sales/tables" Q, 200,
     "{\"identifiers\":[{\"namespace\":[\"sales\"],\"name\":\"orders\"}],"
     "\"table-uuids\":[\"t2\"]}"},
    {"/catalog/v1/w1/namespaces/sales/views" Q, 200, "{\"identifiers\":[],\"table-uuids\":[]}"},
    {"/catalog/v1/w1/namespaces/finance%1Fe%20u/tables" Q, 200,
     "{\"identifiers\":[{\"namespace\":[\"finance\",\"e u\"],\"name\":\"costs\"}],"
     "\"table-uuids\":[\"t3\"]}"},
    {"/catalog/v1/w1/namespaces/finance%1Fe%20u/views" Q, 200,
     "{\"identifiers\":[],\"table-uuids\":[]}"},
};

static const char *failing_path;    /* answered failing_status when set */
static long failing_status;
static int failing_times;           /* that many times, then normally; -1: always */
static int overload_above;          /* > 0: a call with more listings than this is answered
                                     * 503 for each of them, as an overloaded Lakekeeper */
static int overloaded_calls;
static long batch_check_status = 200;  /* batch-check answers: allowed iff the check mentions
                                        * "sales"; any other status fails the call */
static int nsent;
static char sent[MAX_SENT][256];
static int sent_n[MAX_SENT];        /* requests in the exchange call that sent it */
static int64_t fake_now = 1000000;

static int64_t now_fake(void) { return fake_now; }

static void fake_exchange(const struct http_client_req *reqs, struct http_client_resp *resps,
                          int n, size_t max_body)
{
    static const char base[] = "http://lk.test";
    for (int i = 0; i < n; i++) {
        struct http_client_resp *r = &resps[i];
        memset(r, 0, sizeof *r);
        lw_buf_init(&r->body, max_body);
        const char *url = reqs[i].url;
        if (strstr(url, "/token")) {
            r->status = 200;
            strcpy(r->content_type, "application/json");
            lw_buf_puts(&r->body, "{\"access_token\":\"tok\",\"expires_in\":300}");
            continue;
        }
        const char *path = url + strlen(base);
        if (strcmp(path, "/management/v1/action/batch-check") == 0) {
            r->status = batch_check_status;
            strcpy(r->content_type, "application/json");
            json_t *req = json_loadb(reqs[i].body, reqs[i].body_len, 0, NULL), *chk;
            json_t *res = json_array();
            size_t k;
            json_array_foreach(json_object_get(req, "checks"), k, chk) {
                char *txt = json_dumps(chk, JSON_COMPACT);
                json_array_append_new(res, json_pack("{s:b}", "allowed", strstr(txt, "sales") != NULL));
                free(txt);
            }
            json_t *doc = json_pack("{s:o}", "results", res);
            char *out = json_dumps(doc, JSON_COMPACT);
            json_decref(doc);
            lw_buf_puts(&r->body, batch_check_status == 200 ? out : "{\"error\":{}}");
            free(out);
            json_decref(req);
            continue;
        }
        if (nsent < MAX_SENT) {
            snprintf(sent[nsent], sizeof sent[nsent], "%s", path);
            sent_n[nsent] = n;
        }
        nsent++;
        const struct route *rt = NULL;
        for (size_t k = 0; k < sizeof world / sizeof *world; k++)
            if (strcmp(path, world[k].path) == 0)
                rt = &world[k];
        if (!rt) {
            r->error = LW_EIO;
            snprintf(r->error_msg, sizeof r->error_msg, "no scripted answer for %s", path);
            continue;
        }
        strcpy(r->content_type, "application/json");
        if (overload_above > 0 && n > overload_above) {
            overloaded_calls += i == 0;
            r->status = 503;
            lw_buf_puts(&r->body, "{\"error\":{\"code\":503}}");
            continue;
        }
        if (failing_path && strcmp(failing_path, path) == 0 && failing_times != 0) {
            if (failing_times > 0)
                failing_times--;
            r->status = failing_status;
            lw_buf_puts(&r->body, "{\"error\":{\"code\":500}}");
            continue;
        }
        r->status = rt->status;
        lw_buf_puts(&r->body, rt->body);
    }
}

static struct lk_client *client;
static struct check_cache *checks;
static struct perm_catalog *pc;

static void make_catalog(size_t max_objects, int max_calls)
{
    perm_catalog_free(pc);
    struct perm_catalog_opts o = {.ttl_ms = 30000, .max_objects = max_objects,
                                  .max_calls = max_calls};
    pc = perm_catalog_new(&client, 1, &o);
    assert_non_null(pc);
}

static int setup(void **state)
{
    (void)state;
    struct lw_err err = {0};
    struct lk_client_opts o = {"default", "http://lk.test/", "http://idp.test/token", "lakeward",
                               "s3cret", NULL, 100, 1000, 1000, 1000, 1 << 20};
    http_client_exchange = fake_exchange;
    lw_now_ms = now_fake;
    nsent = 0;
    failing_path = NULL;
    failing_status = 500;
    failing_times = -1;
    overload_above = 0;
    overloaded_calls = 0;
    batch_check_status = 200;
    checks = check_cache_new(1024, 1 << 20, "test");
    assert_non_null(checks);
    client = lk_client_new(&o, checks, &err);
    assert_non_null(client);
    pc = NULL;
    make_catalog(0, 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    perm_catalog_free(pc);
    lk_client_free(client);
    check_cache_free(checks);
    return 0;
}

static bool was_sent(const char *path)
{
    for (int i = 0; i < nsent && i < MAX_SENT; i++)
        if (strcmp(sent[i], path) == 0)
            return true;
    return false;
}

static void expect_name(const char *fga, enum perm_cat_kind kind, const char *name)
{
    struct perm_cat_object o;
    assert_int_equal(perm_catalog_find(pc, fga, &o), PERM_CAT_FOUND);
    assert_int_equal(o.kind, kind);
    assert_string_equal(o.name, name);
    assert_string_equal(o.instance, "default");
}

static void full_load_follows_pages_and_nesting(void **state)
{
    (void)state;
    struct lw_err err = {0};
    assert_int_equal(perm_catalog_load_all(pc, 0, &err), 0);
    /* 4 top + 3 pages + 3 child levels + 3 x (tables, views); nothing for inactive w2. */
    assert_int_equal(nsent, 16);
    assert_false(was_sent("/catalog/v1/w2/namespaces" Q));
    struct lk_catalog *c = perm_catalog_at(pc, 0);
    assert_int_equal(lk_catalog_objects(c), 1 + 2 + 3 + 3 + 1);
    size_t nw;
    struct lk_cat_warehouse *w = lk_catalog_warehouses(c, &nw);
    assert_int_equal(nw, 2);
    assert_string_equal(w[0].storage_location, "b/demo");
    assert_int_equal(w[0].soft_delete_seconds, 3600);
    assert_int_equal(w[0].nns, 3);
    assert_string_equal(w[0].ns[1].name, "finance.e u");
    assert_int_equal(w[0].ns[1].depth, 2);
    assert_int_equal(w[0].ns[1].parent, 0);
    assert_true(w[0].ns[0].protected_);
    assert_string_equal(lk_catalog_server(c)->service_principal, "oidc~lakeward");

    expect_name("lakekeeper_table:w1/t1", PERM_CAT_TABLE, "demo.finance.revenue");
    expect_name("lakekeeper_table:t3", PERM_CAT_TABLE, "demo.finance.e u.costs");
    expect_name("lakekeeper_view:w1/v1", PERM_CAT_VIEW, "demo.finance.v_rev");
    expect_name("namespace:n3", PERM_CAT_NAMESPACE, "demo.finance.e u");
    expect_name("warehouse:W2", PERM_CAT_WAREHOUSE, "old");
    expect_name("project:p1", PERM_CAT_PROJECT, "Default");
    expect_name("server:srv-1", PERM_CAT_SERVER, "srv-1");
    struct perm_cat_object o;
    assert_int_equal(perm_catalog_find(pc, "lakekeeper_table:w1/t1", &o), PERM_CAT_FOUND);
    assert_string_equal(o.warehouse_id, "w1");
    assert_string_equal(o.namespace_id, "n1");
    assert_string_equal(o.project_id, "p1");
    assert_int_equal(perm_catalog_find(pc, "lakekeeper_table:w1/gone", &o), PERM_CAT_MISSING);
    assert_int_equal(perm_catalog_find(pc, "lakekeeper_view:w1/t1", &o), PERM_CAT_MISSING);
    assert_int_equal(perm_catalog_find(pc, "role:r1", &o), PERM_CAT_NOT_CATALOG);
    assert_int_equal(perm_catalog_find(pc, "nonsense", &o), PERM_CAT_NOT_CATALOG);
    assert_int_equal(perm_catalog_find_name(pc, PERM_CAT_TABLE, "DEMO.Finance.revenue", &o),
                     PERM_CAT_FOUND);
    assert_string_equal(o.id, "t1");
    assert_int_equal(perm_catalog_find_name(pc, PERM_CAT_NAMESPACE, "demo.sales", &o),
                     PERM_CAT_FOUND);
    assert_string_equal(o.id, "n2");
    assert_int_equal(perm_catalog_find_name(pc, PERM_CAT_TABLE, "demo.sales", &o),
                     PERM_CAT_MISSING);
}

static void scope_narrows_requests(void **state)
{
    (void)state;
    struct lw_err err = {0};
    const char *wh[] = {"DEMO"}, *ns[] = {"sales"};
    struct lk_cat_scope s = {.warehouse_names = wh, .nwarehouse_names = 1, .namespaces = true,
                             .tabulars = true, .namespace_names = ns, .nnamespace_names = 1};
    struct lk_cat_req r = {0};
    struct lk_catalog *c = perm_catalog_at(pc, 0);
    assert_int_equal(lk_catalog_load(c, &s, &r, &err), 0);
    assert_int_equal(r.calls, nsent);
    assert_true(was_sent("/catalog/v1/w1/namespaces/sales/tables" Q));
    assert_false(was_sent("/catalog/v1/w1/namespaces/finance/tables" Q));
    /* Loading the rest later reads only what is missing. */
    int before = nsent;
    assert_int_equal(perm_catalog_load_all(pc, 0, &err), 0);
    assert_int_equal(nsent - before, 4);
}

/* A scan of tables lists no views and one of views no tables (each listing is a Lakekeeper
 * call it authorizes); loading both later reads only the listings still missing. */
static void tables_and_views_listed_apart(void **state)
{
    (void)state;
    struct lw_err err = {0};
    struct lk_catalog *c = perm_catalog_at(pc, 0);
    struct lk_cat_req r = {0};
    struct lk_cat_scope tables = {.namespaces = true, .tabulars = true, .skip_views = true};
    assert_int_equal(lk_catalog_load(c, &tables, &r, &err), 0);
    assert_true(was_sent("/catalog/v1/w1/namespaces/sales/tables" Q));
    assert_true(was_sent("/catalog/v1/w1/namespaces/finance%1Fe%20u/tables" Q));
    assert_false(was_sent("/catalog/v1/w1/namespaces/finance/views" Q));
    assert_false(was_sent("/catalog/v1/w1/namespaces/sales/views" Q));
    struct perm_cat_object o;
    assert_int_equal(perm_catalog_load(pc, &tables, 0, &err), 0);
    assert_int_equal(perm_catalog_find(pc, "lakekeeper_table:w1/t3", &o), PERM_CAT_FOUND);
    assert_int_equal(perm_catalog_find(pc, "lakekeeper_view:w1/v1", &o), PERM_CAT_MISSING);
    int before = nsent;
    struct lk_cat_scope views = {.namespaces = true, .tabulars = true, .skip_tables = true};
    assert_int_equal(perm_catalog_load(pc, &views, 0, &err), 0);
    assert_int_equal(nsent - before, 3);     /* the views of the three namespaces */
    assert_true(was_sent("/catalog/v1/w1/namespaces/finance/views" Q));
    assert_int_equal(perm_catalog_find(pc, "lakekeeper_view:w1/v1", &o), PERM_CAT_FOUND);
    assert_int_equal(perm_catalog_find(pc, "lakekeeper_table:w1/t1", &o), PERM_CAT_FOUND);
    before = nsent;
    assert_int_equal(perm_catalog_load_all(pc, 0, &err), 0);
    assert_int_equal(nsent, before);
}

static void ttl_and_invalidate(void **state)
{
    (void)state;
    struct lw_err err = {0};
    assert_int_equal(perm_catalog_load_all(pc, 0, &err), 0);
    int first = nsent;
    fake_now += 29999;
    assert_int_equal(perm_catalog_load_all(pc, 0, &err), 0);
    assert_int_equal(nsent, first);
    fake_now += 1;
    /* A table scan reloads one level of the expired cache: the index built before still
     * answers from its own copies (ASan would see a read of the freed cache). */
    struct lk_cat_req r = {0};
    assert_int_equal(lk_catalog_load(perm_catalog_at(pc, 0),
                                     &(struct lk_cat_scope){.namespaces = false}, &r, &err), 0);
    assert_int_equal(r.calls, 4);
    expect_name("lakekeeper_table:w1/t1", PERM_CAT_TABLE, "demo.finance.revenue");
    struct perm_cat_object t;
    assert_int_equal(perm_catalog_find(pc, "lakekeeper_table:w1/t1", &t), PERM_CAT_FOUND);
    assert_string_equal(t.namespace_id, "n1");
    /* the next load_all reads what the scan did not and rebuilds the index */
    assert_int_equal(perm_catalog_load_all(pc, 0, &err), 0);
    assert_int_equal(nsent, 2 * first);
    assert_true(lk_catalog_loaded_wall_ms(perm_catalog_at(pc, 0)) > 1700000000000);
    perm_catalog_invalidate(pc);
    struct perm_cat_object o;
    assert_int_equal(perm_catalog_find(pc, "warehouse:w1", &o), PERM_CAT_MISSING);
    assert_int_equal(perm_catalog_load_all(pc, 0, &err), 0);
    assert_int_equal(nsent, 3 * first);
    assert_int_equal(perm_catalog_find(pc, "warehouse:w1", &o), PERM_CAT_FOUND);
}

static void bounds_refuse_and_keep_nothing(void **state)
{
    (void)state;
    struct lw_err err = {0};
    make_catalog(5, 0);
    assert_int_equal(perm_catalog_load_all(pc, 0, &err), LW_ENOMEM);
    assert_non_null(strstr(err.msg, "more than 5 catalog objects"));
    assert_string_equal(err.sqlstate, "54000");
    assert_int_equal(lk_catalog_objects(perm_catalog_at(pc, 0)), 0);
    assert_int_equal(lk_catalog_loaded_at(perm_catalog_at(pc, 0)), 0);

    make_catalog(0, 6);
    err = (struct lw_err){0};
    assert_int_equal(perm_catalog_load_all(pc, 0, &err), LW_ENOMEM);
    assert_non_null(strstr(err.msg, "more than 6 requests"));
    assert_string_equal(err.sqlstate, "54000");
    assert_true(nsent <= 6 + 16);
    struct perm_cat_object o;
    assert_int_equal(perm_catalog_find(pc, "warehouse:w1", &o), PERM_CAT_MISSING);
}

/* The largest exchange call that carried catalog listings. */
static int widest_listing_round(void)
{
    int w = 0;
    for (int i = 0; i < nsent && i < MAX_SENT; i++)
        if (strncmp(sent[i], "/catalog/", 9) == 0 && sent_n[i] > w)
            w = sent_n[i];
    return w;
}

static void concurrency_bounds_listings_in_flight(void **state)
{
    (void)state;
    struct lw_err err = {0};
    assert_int_equal(perm_catalog_load_all(pc, 0, &err), 0);
    assert_int_equal(widest_listing_round(), 6);    /* 3 namespaces x (tables, views) */
    perm_catalog_free(pc);
    struct perm_catalog_opts o = {.ttl_ms = 30000, .concurrency = 4};
    pc = perm_catalog_new(&client, 1, &o);
    nsent = 0;
    assert_int_equal(perm_catalog_load_all(pc, 0, &err), 0);
    assert_int_equal(widest_listing_round(), 4);
    assert_int_equal(nsent, 16);
}

static void upstream_failure_names_path(void **state)
{
    (void)state;
    struct lw_err err = {0};
    failing_path = "/catalog/v1/w1/namespaces?parent=finance&" Q2;
    assert_int_not_equal(perm_catalog_load_all(pc, 0, &err), 0);
    assert_non_null(strstr(err.msg, "parent=finance"));
    assert_int_equal(lk_catalog_objects(perm_catalog_at(pc, 0)), 0);
    failing_path = NULL;
    assert_int_equal(perm_catalog_load_all(pc, 0, &err), 0);
}

static int times_sent(const char *path)
{
    int k = 0;
    for (int i = 0; i < nsent && i < MAX_SENT; i++)
        k += strcmp(sent[i], path) == 0;
    return k;
}

static void transient_status_sent_again(void **state)
{
    (void)state;
    struct lw_err err = {0};
    const char *tables = "/catalog/v1/w1/namespaces/finance/tables" Q;
    failing_path = tables;
    failing_status = 503;
    failing_times = 1;
    assert_int_equal(perm_catalog_load_all(pc, 0, &err), 0);
    assert_int_equal(nsent, 16 + 1);
    expect_name("lakekeeper_table:w1/t1", PERM_CAT_TABLE, "demo.finance.revenue");
    /* Sent at widths 8, 4, 2, 1 and 1 again: the fifth answer is served. */
    perm_catalog_invalidate(pc);
    nsent = 0;
    failing_times = 4;
    assert_int_equal(perm_catalog_load_all(pc, 0, &err), 0);
    assert_int_equal(times_sent(tables), 5);
    /* Always 503: five attempts, then the load fails and keeps nothing. */
    perm_catalog_invalidate(pc);
    nsent = 0;
    failing_times = -1;
    assert_int_not_equal(perm_catalog_load_all(pc, 0, &err), 0);
    assert_non_null(strstr(err.msg, "finance/tables"));
    assert_int_equal(times_sent(tables), 5);
    assert_int_equal(lk_catalog_objects(perm_catalog_at(pc, 0)), 0);
    /* Any other status is final at once. */
    perm_catalog_invalidate(pc);
    nsent = 0;
    failing_status = 500;
    assert_int_not_equal(perm_catalog_load_all(pc, 0, &err), 0);
    assert_int_equal(times_sent(tables), 1);
}

/* A Lakekeeper that answers 503 to more than two listings at once: the load narrows to what
 * it can answer and completes, every object present, rather than failing at its default 8. */
static void overloaded_lakekeeper_narrows_the_load(void **state)
{
    (void)state;
    struct lw_err err = {0};
    assert_int_equal(perm_catalog_load_all(pc, 0, &err), 0);
    size_t whole = lk_catalog_objects(perm_catalog_at(pc, 0));
    perm_catalog_invalidate(pc);
    overload_above = 2;
    assert_int_equal(perm_catalog_load_all(pc, 0, &err), 0);
    assert_true(overloaded_calls > 0);
    assert_int_equal(lk_catalog_objects(perm_catalog_at(pc, 0)), whole);
    expect_name("lakekeeper_table:w1/t1", PERM_CAT_TABLE, "demo.finance.revenue");
    expect_name("lakekeeper_table:w1/t3", PERM_CAT_TABLE, "demo.finance.e u.costs");
}

/* ---- the tables (perm_catalog_sql.h) on the same scripted Lakekeeper ---------------------- */

static int col_of(const struct sql_vtab_module *m, const char *name)
{
    for (int i = 0; i < m->ncols; i++)
        if (strcmp(m->cols[i].name, name) == 0)
            return i;
    fail_msg("no column %s", name);
    return -1;
}

/* Scans m with the given argv (plan from best_index), collecting column `col` of every row
 * as "a,b,c" in out; returns filter's code. */
static int scan(const struct sql_vtab_module *m, bool admin, int plan, int argc,
                const struct sql_value *argv, const char *col, char *out, size_t outlen,
                struct lw_err *err)
{
    struct lw_arena arena;
    lw_arena_init(&arena, 1 << 20);
    struct sql_query_ctx qc = {.principal = "oidc~x", .admin = admin, .arena = &arena};
    struct sql_cursor *cur = NULL;
    assert_int_equal(m->open(&pc, &qc, &cur, err), 0);
    int rc = m->filter(cur, plan, argc, argv, err);
    out[0] = '\0';
    for (; rc == 0 && !m->eof(cur); assert_int_equal(m->next(cur, err), 0)) {
        struct sql_value v;
        assert_int_equal(m->column(cur, col_of(m, col), &v, err), 0);
        assert_int_equal(v.type, SQL_V_TEXT);
        snprintf(out + strlen(out), outlen - strlen(out), "%s%.*s", out[0] ? "," : "",
                 (int)v.u.s.len, v.u.s.p);
    }
    m->close(cur);
    lw_arena_free(&arena);
    return rc;
}

static struct sql_value text_value(const char *s)
{
    struct sql_value v = {.type = SQL_V_TEXT};
    v.u.s.p = s;
    v.u.s.len = strlen(s);
    return v;
}

static void tables_push_keys_down(void **state)
{
    (void)state;
    const struct sql_vtab_module *m = &perm_cat_tables_module;
    struct sql_index_constraint k[3] = {{col_of(m, "namespace_name"), SQL_OP_EQ, true},
                                        {col_of(m, "table_name"), SQL_OP_EQ, true},
                                        {col_of(m, "warehouse_id"), SQL_OP_IN, true}};
    struct sql_index_usage use[3] = {{0}};
    struct sql_index_in in = {3, k, 0, NULL, 0};
    struct sql_index_out out = {use, 0, 0, 0, false};
    struct lw_err err = {0};
    assert_int_equal(m->best_index(&pc, &in, &out, &err), 0);
    /* keys get compact argv slots; table_name is the engine's to filter */
    assert_int_equal(use[0].arg_index, 1);
    assert_int_equal(use[1].arg_index, 0);
    assert_int_equal(use[2].arg_index, 2);
    assert_false(use[0].omit || use[2].omit);
    struct sql_value ids[2] = {text_value("W1"), text_value("nope")};
    struct sql_array arr = {SQL_OID_UUID, 2, ids};
    struct sql_value argv[2] = {text_value("sales"), {.type = SQL_V_ARRAY}};
    argv[1].u.arr = &arr;
    char got[256];
    assert_int_equal(scan(m, true, out.plan, 2, argv, "full_name", got, sizeof got, &err), 0);
    assert_string_equal(got, "demo.sales.orders");
    assert_true(was_sent("/catalog/v1/w1/namespaces/sales/tables" Q));
    assert_false(was_sent("/catalog/v1/w1/namespaces/finance/tables" Q));
    /* unscoped: every table, nested namespaces included */
    assert_int_equal(scan(m, true, 0, 0, NULL, "full_name", got, sizeof got, &err), 0);
    assert_non_null(strstr(got, "demo.finance.e u.costs"));
    assert_non_null(strstr(got, "demo.finance.revenue"));
}

static void non_admin_sees_what_lakekeeper_allows(void **state)
{
    (void)state;
    struct lw_err err = {0};
    char got[256];
    assert_int_equal(scan(&perm_cat_tables_module, false, 0, 0, NULL, "full_name", got,
                          sizeof got, &err), 0);
    assert_string_equal(got, "demo.sales.orders");
    assert_int_equal(scan(&perm_cat_namespaces_module, false, 0, 0, NULL, "namespace_name",
                          got, sizeof got, &err), 0);
    assert_string_equal(got, "sales");
    assert_int_equal(scan(&perm_cat_warehouses_module, false, 0, 0, NULL, "warehouse_name",
                          got, sizeof got, &err), 0);
    assert_string_equal(got, "");
    assert_int_equal(scan(&perm_cat_warehouses_module, true, 0, 0, NULL, "warehouse_name",
                          got, sizeof got, &err), 0);
    assert_string_equal(got, "demo,old");
}

static void non_admin_fails_closed(void **state)
{
    (void)state;
    struct lw_err err = {0};
    char got[256];
    batch_check_status = 503;
    assert_int_not_equal(scan(&perm_cat_tables_module, false, 0, 0, NULL, "full_name", got,
                              sizeof got, &err), 0);
    assert_non_null(strstr(err.msg, "no rows shown"));
    assert_string_equal(got, "");
    /* an admin's scan does not ask */
    err = (struct lw_err){0};
    assert_int_equal(scan(&perm_cat_tables_module, true, 0, 0, NULL, "full_name", got,
                          sizeof got, &err), 0);
}

static void namespace_url_encoding(void **state)
{
    (void)state;
    char *parts[] = {"a b", "c+d", "x/y"};
    char *s = lk_cat_ns_url(parts, 3);
    assert_string_equal(s, "a%20b%1Fc%2Bd%1Fx%2Fy");
    lw_free(s);
}


/* ---- the shared snapshot ------------------------------------------------------------------ */

static struct cat_snap *snap, *snap_w;

/* pc, loaded from the scripted Lakekeeper, encoded into b. */
static void encode_world(struct lw_buf *b)
{
    struct lw_err err = {0};
    assert_int_equal(perm_catalog_load_all(pc, 0, &err), 0);
    lw_buf_init(b, 1 << 20);
    perm_catalog_encode(pc, b);
    assert_false(b->failed);
}

static void open_snapshot(size_t cap)
{
    struct lw_err err = {0};
    snap = cat_snap_create(cap, &err);
    assert_non_null(snap);
    snap_w = cat_snap_open_writer(snap, &err);
    assert_non_null(snap_w);
}

static void put_state(int loaded, const char *error, int refused, uint64_t refresh_done)
{
    struct cat_snap_state st = {.loaded = loaded, .refused = refused,
                                .refresh_done = refresh_done};
    snprintf(st.error, sizeof st.error, "%s", error);
    cat_snap_put_state(snap_w, &st);
}

/* A catalog of the same configuration reading only the snapshot. */
static struct perm_catalog *reader(size_t max_objects)
{
    struct perm_catalog_opts o = {.ttl_ms = 30000, .max_objects = max_objects};
    struct perm_catalog *r = perm_catalog_new(&client, 1, &o);
    assert_non_null(r);
    perm_catalog_attach_snapshot(r, snap);
    return r;
}

static int snapshot_teardown(void **state)
{
    cat_snap_free(snap_w);
    cat_snap_free(snap);
    snap = snap_w = NULL;
    return teardown(state);
}

static void snapshot_round_trip_without_lakekeeper(void **state)
{
    (void)state;
    struct lw_buf b, again;
    struct lw_err err = {0};
    encode_world(&b);
    open_snapshot(1 << 20);
    assert_int_equal(cat_snap_publish(snap_w, 1, b.data, b.len, &err), 0);
    put_state(1, "", 0, 0);
    struct perm_catalog *loader = pc;
    pc = reader(0);
    nsent = 0;
    assert_int_equal(perm_catalog_load_all(pc, 0, &err), 0);
    assert_int_equal(nsent, 0);
    /* the same lookups as after a load of Lakekeeper itself */
    expect_name("lakekeeper_table:w1/t1", PERM_CAT_TABLE, "demo.finance.revenue");
    expect_name("lakekeeper_table:t3", PERM_CAT_TABLE, "demo.finance.e u.costs");
    expect_name("lakekeeper_view:w1/v1", PERM_CAT_VIEW, "demo.finance.v_rev");
    expect_name("namespace:n3", PERM_CAT_NAMESPACE, "demo.finance.e u");
    expect_name("warehouse:W2", PERM_CAT_WAREHOUSE, "old");
    struct lk_catalog *c = perm_catalog_at(pc, 0);
    assert_int_equal(lk_catalog_objects(c), lk_catalog_objects(perm_catalog_at(loader, 0)));
    size_t nw;
    struct lk_cat_warehouse *w = lk_catalog_warehouses(c, &nw);
    assert_int_equal(nw, 2);
    assert_string_equal(w[0].storage_location, "b/demo");
    assert_int_equal(w[0].soft_delete_seconds, 3600);
    assert_string_equal(w[0].ns[1].path[1], "e u");
    assert_true(w[0].ns[0].protected_);
    assert_null(w[1].managed_by);
    /* read back and written again, byte for byte the same */
    lw_buf_init(&again, 1 << 20);
    perm_catalog_encode(pc, &again);
    assert_int_equal(again.len, b.len);
    assert_memory_equal(again.data, b.data, b.len);
    /* the tables read it too, still without a call, and a non-admin is still asked about */
    char got[256];
    assert_int_equal(scan(&perm_cat_tables_module, true, 0, 0, NULL, "full_name", got,
                          sizeof got, &err), 0);
    assert_non_null(strstr(got, "demo.finance.e u.costs"));
    assert_int_equal(nsent, 0);
    assert_int_equal(scan(&perm_cat_tables_module, false, 0, 0, NULL, "full_name", got,
                          sizeof got, &err), 0);
    assert_string_equal(got, "demo.sales.orders");
    lw_buf_free(&b);
    lw_buf_free(&again);
    perm_catalog_free(loader);
}

static void snapshot_corruption_refused(void **state)
{
    (void)state;
    struct lw_buf b;
    struct lw_err err = {0};
    encode_world(&b);
    open_snapshot(1 << 20);
    put_state(1, "", 0, 0);
    struct perm_catalog *r = reader(0);
    /* every truncation: an error, nothing held, nothing leaked */
    for (size_t len = 0; len < b.len; len++) {
        assert_int_equal(cat_snap_publish(snap_w, len + 1, b.data, len, &err), 0);
        assert_int_equal(perm_catalog_load_all(r, 0, &err), LW_EINVAL);
        assert_int_equal(lk_catalog_objects(perm_catalog_at(r, 0)), 0);
    }
    /* every byte flipped in turn: decoded or refused, never a crash (ASan watches) */
    char *bad = malloc(b.len);
    assert_non_null(bad);
    for (size_t i = 0; i < b.len; i++) {
        memcpy(bad, b.data, b.len);
        bad[i] ^= (char)0xA5;
        assert_int_equal(cat_snap_publish(snap_w, b.len + i + 1, bad, b.len, &err), 0);
        int rc = perm_catalog_load_all(r, 0, &err);
        assert_true(rc == 0 || rc == LW_EINVAL || rc == LW_ENOMEM);
    }
    free(bad);
    /* a snapshot of another configuration (one instance, two configured) is not read */
    assert_int_equal(cat_snap_publish(snap_w, 3 * b.len - 1, b.data, b.len, &err), 0);
    struct lk_client *two[2] = {client, client};
    struct perm_catalog_opts o2 = {.ttl_ms = 30000};
    struct perm_catalog *r2 = perm_catalog_new(two, 2, &o2);
    assert_non_null(r2);
    perm_catalog_attach_snapshot(r2, snap);
    assert_int_equal(perm_catalog_load_all(r2, 0, &err), LW_EINVAL);
    assert_non_null(strstr(err.msg, "not this configuration's"));
    perm_catalog_free(r2);
    /* the whole thing again: read */
    assert_int_equal(cat_snap_publish(snap_w, 3 * b.len, b.data, b.len, &err), 0);
    assert_int_equal(perm_catalog_load_all(r, 0, &err), 0);
    assert_int_equal(lk_catalog_objects(perm_catalog_at(r, 0)), 10);
    perm_catalog_free(r);
    lw_buf_free(&b);
}

static void snapshot_bounds_refuse(void **state)
{
    (void)state;
    struct lw_buf b;
    struct lw_err err = {0};
    encode_world(&b);
    /* a buffer smaller than the catalog: nothing published */
    open_snapshot(b.len - 1);
    assert_int_equal(cat_snap_publish(snap_w, 1, b.data, b.len, &err), LW_ENOMEM);
    assert_non_null(strstr(err.msg, "catalog_max_bytes"));
    struct cat_snap_view v;
    assert_false(cat_snap_view(snap, &v));
    cat_snap_free(snap_w);
    cat_snap_free(snap);
    /* more objects than this reader's bound: refused, not cut */
    open_snapshot(1 << 20);
    assert_int_equal(cat_snap_publish(snap_w, 1, b.data, b.len, &err), 0);
    put_state(1, "", 0, 0);
    struct perm_catalog *r = reader(9);
    assert_int_equal(perm_catalog_load_all(r, 0, &err), LW_ENOMEM);
    assert_non_null(strstr(err.msg, "more than 9 objects"));
    assert_string_equal(err.sqlstate, "54000");
    assert_int_equal(lk_catalog_objects(perm_catalog_at(r, 0)), 0);
    perm_catalog_free(r);
    lw_buf_free(&b);
}

static void snapshot_newer_generation_replaces(void **state)
{
    (void)state;
    struct lw_buf b, empty;
    struct lw_err err = {0};
    struct perm_cat_object o;
    encode_world(&b);
    open_snapshot(1 << 20);
    assert_int_equal(cat_snap_publish(snap_w, 1, b.data, b.len, &err), 0);
    put_state(1, "", 0, 0);
    struct perm_catalog *r = reader(0);
    assert_int_equal(perm_catalog_load_all(r, 0, &err), 0);
    assert_int_equal(perm_catalog_find(r, "lakekeeper_table:t1", &o), PERM_CAT_FOUND);
    /* the same generation is not decoded again */
    int64_t at = lk_catalog_loaded_at(perm_catalog_at(r, 0));
    fake_now += 10;
    assert_int_equal(perm_catalog_load_all(r, 0, &err), 0);
    assert_int_equal(lk_catalog_loaded_at(perm_catalog_at(r, 0)), at);
    /* a newer one (here: a catalog without its tables) replaces it, lookups included, even
     * within the same millisecond */
    perm_catalog_invalidate(pc);
    lw_buf_init(&empty, 1 << 20);
    perm_catalog_encode(pc, &empty);
    assert_int_equal(cat_snap_publish(snap_w, 2, empty.data, empty.len, &err), 0);
    assert_int_equal(perm_catalog_load_all(r, 0, &err), 0);
    assert_int_equal(perm_catalog_find(r, "lakekeeper_table:t1", &o), PERM_CAT_MISSING);
    assert_int_equal(lk_catalog_objects(perm_catalog_at(r, 0)), 0);
    perm_catalog_free(r);
    lw_buf_free(&b);
    lw_buf_free(&empty);
}

static void snapshot_cold_start_waits_bounded(void **state)
{
    (void)state;
    struct lw_err err = {0};
    open_snapshot(1 << 20);
    put_state(0, "", 0, 0);
    struct perm_catalog *r = reader(0);
    /* nothing published, the first load still running: waits until the deadline */
    int64_t t0 = lw_mono_us();
    assert_int_equal(perm_catalog_load_all(r, t0 + 100000, &err), LW_ETIMEOUT);
    assert_true(lw_mono_us() - t0 >= 60000);
    assert_non_null(strstr(err.msg, "still being loaded"));
    /* a failed first load is said at once, upstream or bound */
    put_state(0, "Lakekeeper default /management/v1/info: 503", 0, 0);
    assert_int_equal(perm_catalog_load_all(r, 0, &err), LW_EIO);
    assert_non_null(strstr(err.msg, "503"));
    put_state(0, "more than 9 catalog objects", 1, 0);
    assert_int_equal(perm_catalog_load_all(r, 0, &err), LW_ENOMEM);
    assert_non_null(strstr(err.msg, "9 catalog objects"));
    assert_string_equal(err.sqlstate, "54000");
    perm_catalog_free(r);
}

static void refresh_waits_for_a_later_load(void **state)
{
    (void)state;
    struct lw_err err = {0};
    open_snapshot(1 << 20);
    put_state(0, "", 0, 0);
    struct perm_catalog *r = reader(0);
    /* no load serves the request yet: bounded by the deadline */
    assert_int_equal(perm_catalog_refresh(r, lw_mono_us() + 50000, &err), LW_ETIMEOUT);
    assert_int_equal(cat_snap_requested(snap_w), 1);
    /* the writer is woken by the request at once (hang bound only) */
    int64_t t0 = lw_mono_us();
    cat_snap_wait_request(snap_w, 10000);
    assert_true(lw_mono_us() - t0 < 5000000);
    /* a load that noted both requests served them; a failed one says so */
    put_state(0, "", 0, 2);
    assert_int_equal(perm_catalog_refresh(r, 0, &err), 0);
    put_state(1, "upstream down", 0, 4);
    assert_int_equal(perm_catalog_refresh(r, 0, &err), LW_EIO);
    assert_non_null(strstr(err.msg, "upstream down"));
    assert_int_equal(cat_snap_requested(snap_w), 3);
    /* without a snapshot it only drops the caches */
    perm_catalog_attach_snapshot(r, NULL);
    assert_int_equal(perm_catalog_refresh(r, 0, &err), 0);
    perm_catalog_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(full_load_follows_pages_and_nesting, setup, teardown),
        cmocka_unit_test_setup_teardown(scope_narrows_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(tables_and_views_listed_apart, setup, teardown),
        cmocka_unit_test_setup_teardown(ttl_and_invalidate, setup, teardown),
        cmocka_unit_test_setup_teardown(bounds_refuse_and_keep_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(upstream_failure_names_path, setup, teardown),
        cmocka_unit_test_setup_teardown(transient_status_sent_again, setup, teardown),
        cmocka_unit_test_setup_teardown(overloaded_lakekeeper_narrows_the_load, setup, teardown),
        cmocka_unit_test_setup_teardown(concurrency_bounds_listings_in_flight, setup, teardown),
        cmocka_unit_test_setup_teardown(tables_push_keys_down, setup, teardown),
        cmocka_unit_test_setup_teardown(non_admin_sees_what_lakekeeper_allows, setup, teardown),
        cmocka_unit_test_setup_teardown(non_admin_fails_closed, setup, teardown),
        cmocka_unit_test(namespace_url_encoding),
        cmocka_unit_test_setup_teardown(snapshot_round_trip_without_lakekeeper, setup,
                                        snapshot_teardown),
        cmocka_unit_test_setup_teardown(snapshot_corruption_refused, setup, snapshot_teardown),
        cmocka_unit_test_setup_teardown(snapshot_bounds_refuse, setup, snapshot_teardown),
        cmocka_unit_test_setup_teardown(snapshot_newer_generation_replaces, setup,
                                        snapshot_teardown),
        cmocka_unit_test_setup_teardown(snapshot_cold_start_waits_bounded, setup,
                                        snapshot_teardown),
        cmocka_unit_test_setup_teardown(refresh_waits_for_a_later_load, setup,
                                        snapshot_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

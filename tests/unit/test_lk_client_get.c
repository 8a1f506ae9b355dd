/* test_lk_client_get.c -- lk_client_get (catalog/lk_client.h), the reads of Lakekeeper's
 * management and catalog APIs that the SQL tables make, against scripted answers: the URL,
 * bearer and x-project-id headers on the wire, concurrent GETs, a 401 answered by one retry
 * with a fresh token, 404 / non-JSON / invalid JSON / transport failures as errors that name
 * the path, and the request bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../catalog/http_client.h"
#include "../../catalog/lk_client.h"

#define MAX_SENT 32

struct route {
    const char *path;           /* suffix of the URL */
    long status;
    const char *content_type;
    const char *body;
    int unauthorized_first;     /* answer 401 this many times first */
};

static struct route routes[8];
static int nroutes, ntokens, nsent;
static char sent_url[MAX_SENT][256], sent_auth[MAX_SENT][128], sent_project[MAX_SENT][128];

static void fake_exchange(const struct http_client_req *reqs, struct http_client_resp *resps,
                          int n, size_t max_body)
{
    for (int i = 0; i < n; i++) {
        struct http_client_resp *r = &resps[i];
        memset(r, 0, sizeof *r);
        lw_buf_init(&r->body, max_body);
        const char *url = reqs[i].url;
        if (strstr(url, "/token")) {
            r->status = 200;
            strcpy(r->content_type, "application/json");
            lw_buf_printf(&r->body, "{\"access_token\":\"tok-%d\",\"expires_in\":300}", ++ntokens);
            continue;
        }
        assert_true(nsent < MAX_SENT);
        snprintf(sent_url[nsent], sizeof sent_url[nsent], "%s", url);
        sent_auth[nsent][0] = sent_project[nsent][0] = '\0';
        for (int h = 0; h < HTTP_CLIENT_MAX_HEADERS && reqs[i].headers[h]; h++) {
            if (strncmp(reqs[i].headers[h], "Authorization:", 14) == 0)
                snprintf(sent_auth[nsent], sizeof sent_auth[nsent], "%s", reqs[i].headers[h]);
            if (strncmp(reqs[i].headers[h], "x-project-id:", 13) == 0)
                snprintf(sent_project[nsent], sizeof sent_project[nsent], "%s",
                         reqs[i].headers[h]);
        }
        nsent++;
        struct route *rt = NULL;
        for (int k = 0; k < nroutes; k++)
            if (strlen(url) >= strlen(routes[k].path) &&
                strcmp(url + strlen(url) - strlen(routes[k].path), routes[k].path) == 0)
                rt = &routes[k];
        if (!rt) {
            r->error = LW_EIO;
            snprintf(r->error_msg, sizeof r->error_msg, "connection refused");
            continue;
        }
        if (rt->unauthorized_first > 0) {
            rt->unauthorized_first--;
            r->status = 401;
            continue;
        }
        r->status = rt->status;
        snprintf(r->content_type, sizeof r->content_type, "%s",
                 rt->content_type ? rt->content_type : "application/json");
        lw_buf_puts(&r->body, rt->body);
    }
}

static struct lk_client *client;

static int setup(void **state)
{
    (void)state;
    struct lw_err err = {0};
    struct lk_client_opts o = {"default", "http://lk.test/", "http://idp.test/token", "lakeward",
                               "s3cret", NULL, 100, 1000, 1000, 1000, 1 << 20};
    http_client_exchange = fake_exchange;
    nroutes = ntokens = nsent = 0;
    client = lk_client_new(&o, NULL, &err);
    assert_non_null(client);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    lk_client_free(client);
    return 0;
}

static void add_route(const char *path, long status, const char *ctype, const char *body)
{
    routes[nroutes++] = (struct route){path, status, ctype, body, 0};
}

static void concurrent_gets_carry_token_and_project(void **state)
{
    (void)state;
    struct lw_err err = {0};
    add_route("/management/v1/project-list", 200, NULL, "{\"projects\":[]}");
    add_route("/management/v1/warehouse", 200, NULL, "{\"warehouses\":[{\"name\":\"demo\"}]}");
    struct lk_get g[2] = {{.path = "/management/v1/project-list"},
                          {.path = "/management/v1/warehouse", .project_id = "p-1"}};
    assert_int_equal(lk_client_get(client, g, 2, NULL, &err), 0);
    assert_int_equal(nsent, 2);
    assert_string_equal(sent_url[0], "http://lk.test/management/v1/project-list");
    assert_string_equal(sent_auth[0], "Authorization: Bearer tok-1");
    assert_string_equal(sent_project[0], "");
    assert_string_equal(sent_project[1], "x-project-id: p-1");
    assert_int_equal(g[1].status, 200);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(g[1].doc, "warehouses"), 0), "name")),
                        "demo");
    json_decref(g[0].doc);
    json_decref(g[1].doc);
}

static void unauthorized_retried_once_with_new_token(void **state)
{
    (void)state;
    struct lw_err err = {0};
    add_route("/management/v1/role", 200, NULL, "{\"roles\":[]}");
    routes[0].unauthorized_first = 1;
    struct lk_get g = {.path = "/management/v1/role"};
    assert_int_equal(lk_client_get(client, &g, 1, NULL, &err), 0);
    assert_int_equal(nsent, 2);
    assert_string_equal(sent_auth[1], "Authorization: Bearer tok-2");
    json_decref(g.doc);

    /* Refused twice: Lakekeeper's answer, an auth error, no third attempt. */
    routes[0].unauthorized_first = 2;
    nsent = 0;
    assert_int_equal(lk_client_get(client, &g, 1, NULL, &err), LW_EAUTH);
    assert_int_equal(nsent, 2);
    assert_null(g.doc);
    assert_non_null(strstr(err.msg, "/management/v1/role"));
    assert_null(strstr(err.msg, "tok-"));
}

static void failures_are_errors_naming_the_path(void **state)
{
    (void)state;
    struct lw_err err = {0};
    add_route("/missing", 404, NULL, "{\"error\":{}}");
    add_route("/html", 200, "text/html", "<html>");
    add_route("/broken", 200, NULL, "{\"a\":");
    add_route("/ok", 200, NULL, "[]");
    struct lk_get g[4] = {{.path = "/ok"}, {.path = "/missing"}, {.path = "/html"},
                          {.path = "/broken"}};
    assert_int_equal(lk_client_get(client, g, 4, NULL, &err), LW_ENOTFOUND);
    assert_non_null(g[0].doc);
    assert_int_equal(g[1].status, 404);
    assert_null(g[2].doc);
    assert_non_null(strstr(g[2].error, "text/html"));
    assert_null(g[3].doc);
    assert_non_null(strstr(g[3].error, "invalid JSON"));
    assert_non_null(strstr(err.msg, "/missing"));
    json_decref(g[0].doc);

    struct lk_get down = {.path = "/nowhere"};
    assert_int_equal(lk_client_get(client, &down, 1, NULL, &err), LW_EIO);
    assert_non_null(strstr(err.msg, "connection refused"));
}

static void deadline_passed_sends_nothing(void **state)
{
    (void)state;
    struct lw_err err = {0};
    add_route("/ok", 200, NULL, "[]");
    struct lk_get g = {.path = "/ok"};
    struct lk_stats st = {.deadline_us = lw_mono_us() - 1};
    assert_int_not_equal(lk_client_get(client, &g, 1, &st, &err), 0);
    assert_int_equal(nsent, 0);
    assert_null(g.doc);
}

static void overlong_path_is_not_sent(void **state)
{
    (void)state;
    struct lw_err err = {0};
    static char path[20000];
    memset(path, 'a', sizeof path - 1);
    path[0] = '/';
    add_route("/ok", 200, NULL, "[]");
    struct lk_get g[2] = {{.path = path}, {.path = "/ok"}};
    assert_int_equal(lk_client_get(client, g, 2, NULL, &err), LW_EIO);
    assert_int_equal(nsent, 1);             /* only /ok went out */
    assert_non_null(g[1].doc);
    assert_non_null(strstr(g[0].error, "URL not built"));
    json_decref(g[1].doc);
}

static void request_count_is_bounded(void **state)
{
    (void)state;
    struct lw_err err = {0};
    static struct lk_get many[65];
    assert_int_equal(lk_client_get(client, many, 65, NULL, &err), LW_EINVAL);
    assert_int_equal(nsent, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(concurrent_gets_carry_token_and_project, setup, teardown),
        cmocka_unit_test_setup_teardown(unauthorized_retried_once_with_new_token, setup, teardown),
        cmocka_unit_test_setup_teardown(failures_are_errors_naming_the_path, setup, teardown),
        cmocka_unit_test_setup_teardown(deadline_passed_sends_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(overlong_path_is_not_sent, setup, teardown),
        cmocka_unit_test_setup_teardown(request_count_is_bounded, setup, teardown),
    };
    return cmocka_run_group_tests_name("lk_client_get", tests, NULL, NULL);
}

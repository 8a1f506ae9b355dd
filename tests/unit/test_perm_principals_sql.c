/* test_perm_principals_sql.c -- the principal tables (catalog/perm_principal_sql.h) on the
 * table interface, against a scripted Lakekeeper and OpenFGA: the = / IN keys get compact
 * argv slots whichever are present, effective_role_members refuses a query with neither of
 * its two keys (42P10 naming both), an administrator gets every role, a non-administrator
 * only the roles OpenFGA's BatchCheck allows for their own subject, and without OpenFGA a
 * non-administrator gets 42501 and no rows (fail closed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../catalog/http_client.h"
#include "../../catalog/perm_principal_sql.h"
#include "../../catalog/perm_tables.h"
#include "../../server/core/lw_arena.h"

static int nchecks;
static char checked_user[128];

/* OpenFGA BatchCheck: only role:r1 is allowed, for whoever asks. */
static void answer_batch_check(const struct http_client_req *req, struct http_client_resp *r)
{
    json_t *body = json_loadb(req->body, req->body_len, 0, NULL), *ck, *result = json_object();
    size_t i;
    assert_non_null(body);
    json_array_foreach(json_object_get(body, "checks"), i, ck) {
        json_t *key = json_object_get(ck, "tuple_key");
        const char *obj = json_string_value(json_object_get(key, "object"));
        snprintf(checked_user, sizeof checked_user, "%s",
                 json_string_value(json_object_get(key, "user")));
        assert_string_equal(json_string_value(json_object_get(key, "relation")), "can_read");
        json_object_set_new(result, json_string_value(json_object_get(ck, "correlation_id")),
                            json_pack("{s:b}", "allowed", strcmp(obj, "role:r1") == 0));
        nchecks++;
    }
    json_t *answer = json_pack("{s:o}", "result", result);
    char *text = json_dumps(answer, JSON_COMPACT);
    lw_buf_puts(&r->body, text);
    free(text);
    json_decref(answer);
    json_decref(body);
}

static void fake_exchange(const struct http_client_req *reqs, struct http_client_resp *resps,
                          int n, size_t max_body)
{
    for (int i = 0; i < n; i++) {
        struct http_client_resp *r = &resps[i];
        const char *url = reqs[i].url;
        if (!url) {     /* a caller short of memory may send a request it could not build */
            r->error = LW_EIO;
            snprintf(r->error_msg, sizeof r->error_msg, "no URL");
            continue;
        }
        memset(r, 0, sizeof *r);
        lw_buf_init(&r->body, max_body);
        r->status = 200;
        strcpy(r->content_type, "application/json");
        if (strstr(url, "/token"))
            lw_buf_puts(&r->body, "{\"access_token\":\"tok\",\"expires_in\":300}");
        else if (strstr(url, "/batch-check"))
            answer_batch_check(&reqs[i], r);
        else if (strstr(url, "/management/v1/project-list"))
            lw_buf_puts(&r->body, "{\"projects\":[{\"project-id\":\"p1\"}]}");
        else if (strstr(url, "/management/v1/role?"))
            lw_buf_puts(&r->body, "{\"roles\":[{\"id\":\"r1\",\"name\":\"one\"},"
                                  "{\"id\":\"r2\",\"name\":\"two\"}]}");
        else
            r->status = 404;
    }
}

static struct perm_world world;
static struct lk_client *lk;

static int setup(void **state)
{
    (void)state;
    struct lw_err err = {0};
    struct lk_client_opts o = {"default", "http://lk.test", "http://idp.test/token", "lakeward",
                               "s3cret", NULL, 100, 1000, 1000, 1000, 1 << 20};
    http_client_exchange = fake_exchange;
    nchecks = 0;
    lk = lk_client_new(&o, NULL, &err);
    assert_non_null(lk);
    memset(&world, 0, sizeof world);
    world.fga.fga = (struct fga_client_opts){.url = "http://fga.test", .store_id = "s1",
                                             .timeout_ms = 1000, .max_response = 1 << 20,
                                             .page_size = 100};
    world.with_fga = true;
    world.lk = &lk;
    world.nlk = 1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    lk_client_free(lk);
    return 0;
}

/* The names of the roles a full scan of lakeward.roles returns, comma-separated, or the
 * error's code. */
static int scan_roles(const char *principal, bool admin, char *out, size_t outlen,
                      struct lw_err *err)
{
    const struct sql_vtab_module *m = &perm_roles_module;
    struct lw_arena arena;
    lw_arena_init(&arena, 1 << 20);
    struct sql_query_ctx qc = {.principal = principal, .admin = admin, .arena = &arena};
    struct sql_cursor *cur = NULL;
    int rc = m->open(&world, &qc, &cur, err);
    if (rc == 0)
        rc = m->filter(cur, 0, 0, NULL, err);
    out[0] = '\0';
    while (rc == 0 && !m->eof(cur)) {
        struct sql_value v;
        assert_int_equal(m->column(cur, 1, &v, err), 0);
        snprintf(out + strlen(out), outlen - strlen(out), "%s%.*s", out[0] ? "," : "",
                 (int)v.u.s.len, v.u.s.p);
        assert_int_equal(m->next(cur, err), 0);
    }
    m->close(cur);
    lw_arena_free(&arena);
    return rc;
}

static void keys_get_compact_argv_slots(void **state)
{
    (void)state;
    struct lw_err err = {0};
    /* users(user_id, user_name): only user_name constrained -> argv[0] */
    struct sql_index_constraint cons[2] = {{1, SQL_OP_IN, true}, {2, SQL_OP_EQ, true}};
    struct sql_index_usage usage[2] = {{0}};
    struct sql_index_in in = {2, cons, 0, NULL, 0};
    struct sql_index_out out = {usage, 0, 0, 0, false};
    assert_int_equal(perm_users_module.best_index(&world, &in, &out, &err), 0);
    assert_int_equal(usage[0].arg_index, 1);
    assert_int_equal(usage[1].arg_index, 0);       /* email is not a key */
    assert_int_equal(perm_prow_arg_slot(out.plan, 0), -1);
    assert_int_equal(perm_prow_arg_slot(out.plan, 1), 0);

    /* effective_role_members: principal alone is enough ... */
    struct sql_index_constraint pc[1] = {{4, SQL_OP_EQ, true}};
    struct sql_index_usage pu[1] = {{0}};
    struct sql_index_in pin = {1, pc, 0, NULL, 0};
    struct sql_index_out pout = {pu, 0, 0, 0, false};
    assert_int_equal(perm_effective_role_members_module.best_index(&world, &pin, &pout, &err), 0);
    assert_int_equal(pu[0].arg_index, 1);
    assert_int_equal(perm_prow_arg_slot(pout.plan, 1), 0);

    /* ... but neither key is an error naming both */
    struct sql_index_in none = {0, NULL, 0, NULL, 0};
    struct sql_index_out nout = {NULL, 0, 0, 0, false};
    assert_int_equal(perm_effective_role_members_module.best_index(&world, &none, &nout, &err),
                     LW_EINVAL);
    assert_string_equal(err.sqlstate, "42P10");
    assert_non_null(strstr(err.msg, "\"role_id\""));
    assert_non_null(strstr(err.msg, "\"principal\""));
}

static void admin_sees_all_roles_others_what_openfga_allows(void **state)
{
    (void)state;
    struct lw_err err = {0};
    char names[256];
    assert_int_equal(scan_roles("u9admin", true, names, sizeof names, &err), 0);
    assert_string_equal(names, "one,two");
    assert_int_equal(nchecks, 0);

    assert_int_equal(scan_roles("okta~a@b.com", false, names, sizeof names, &err), 0);
    assert_string_equal(names, "one");
    assert_int_equal(nchecks, 2);
    assert_string_equal(checked_user, "user:okta~a%40b.com");
}

static void without_openfga_non_admins_get_an_error(void **state)
{
    (void)state;
    struct lw_err err = {0};
    char names[256];
    world.with_fga = false;
    assert_int_equal(scan_roles("oidc~x", false, names, sizeof names, &err), LW_EAUTH);
    assert_string_equal(err.sqlstate, "42501");
    assert_string_equal(names, "");
    assert_int_equal(scan_roles("u9admin", true, names, sizeof names, &err), 0);
    assert_string_equal(names, "one,two");
}

/* Every allocation failing in turn on a non-admin scan (Lakekeeper, then OpenFGA): an error
 * and no rows, or the whole answer; never a crash or a leak (the ASan build checks). */
static void allocation_failures_are_errors(void **state)
{
    (void)state;
    int whole = 0;
    for (long n = 0; n < 600 && whole < 3; n++) {
        struct lw_err err = {0};
        char names[256];
        lw_alloc_fail_after(n);
        int rc = scan_roles("oidc~x", false, names, sizeof names, &err);
        lw_alloc_fail_after(-1);
        if (rc == 0) {
            assert_string_equal(names, "one");
            whole++;
        } else {
            assert_string_equal(names, "");
        }
    }
    assert_int_equal(whole, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(keys_get_compact_argv_slots, setup, teardown),
        cmocka_unit_test_setup_teardown(admin_sees_all_roles_others_what_openfga_allows, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(without_openfga_non_admins_get_an_error, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(allocation_failures_are_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_perm_principals.c -- lk_principals (catalog/lk_principals.h) against scripted
 * Lakekeeper answers: users followed through next-page-token (also past a short page),
 * users by id with a 404 as "no row", roles read per project with x-project-id and the
 * roleIds= filter, role members with their names, answers of the wrong shape and failures
 * as errors, the page bound, and the OpenFGA subject forms of users and roles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../catalog/lk_principals.h"
#include "lk_routes_fixture.h"

static struct lk_client *client;

static int setup(void **state)
{
    (void)state;
    client = lk_routes_client();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    lk_client_free(client);
    return 0;
}



static void users_follow_page_tokens_past_short_pages(void **state)
{
    (void)state;
    struct lw_err err = {0};
    struct lk_principals p = {0};
    route("/management/v1/user?pageSize=1000&pageToken=", "", 200,
          "{\"users\":[{\"id\":\"oidc~a\",\"name\":\"Anna\",\"email\":\"a@x\","
          "\"user-type\":\"human\",\"created-at\":\"2026-01-02T03:04:05Z\"}],"
          "\"next-page-token\":\"t/1\"}");
    /* An empty page that still says more remain: Lakekeeper filters after cutting. */
    route("/management/v1/user?pageSize=1000&pageToken=t%2F1", "", 200,
          "{\"users\":[],\"next-page-token\":\"t2\"}");
    route("/management/v1/user?pageSize=1000&pageToken=t2", "", 200,
          "{\"users\":[{\"id\":\"oidc~b\",\"name\":null}],\"next-page-token\":null}");
    assert_int_equal(lk_principals_read_users(client, 0, NULL, &p, NULL, &err), 0);
    assert_int_equal(nsent, 3);
    assert_int_equal(p.nusers, 2);
    assert_string_equal(p.users[0].id, "oidc~a");
    assert_string_equal(p.users[0].name, "Anna");
    assert_string_equal(p.users[0].email, "a@x");
    assert_string_equal(p.users[0].user_type, "human");
    assert_int_equal(p.users[0].created_ms, 1767323045000LL);
    assert_int_equal(p.users[0].updated_ms, -1);
    assert_string_equal(p.users[1].id, "oidc~b");
    assert_null(p.users[1].name);
    lk_principals_free(&p);
}

static void users_by_id_and_name_are_pushed_down(void **state)
{
    (void)state;
    struct lw_err err = {0};
    struct lk_principals p = {0};
    route("/management/v1/user/oidc~a", "", 200, "{\"id\":\"oidc~a\",\"name\":\"Anna\"}");
    const char *ids[] = {"oidc~a", "oidc~gone"};
    struct lk_principal_filter f = {ids, 2, NULL, 0};
    /* The unknown user is a 404: no row, no error. */
    assert_int_equal(lk_principals_read_users(client, 0, &f, &p, NULL, &err), 0);
    assert_int_equal(p.nusers, 1);
    assert_true(sent("/management/v1/user/oidc~gone"));
    lk_principals_free(&p);

    route("/management/v1/user?name=Anna%20C&pageSize=1000&pageToken=", "", 200,
          "{\"users\":[{\"id\":\"oidc~a\",\"name\":\"Anna C\"}]}");
    const char *names[] = {"Anna C"};
    struct lk_principal_filter fn = {NULL, 0, names, 1};
    assert_int_equal(lk_principals_read_users(client, 3, &fn, &p, NULL, &err), 0);
    assert_int_equal(p.nusers, 1);
    assert_int_equal(p.users[0].inst, 3);
    lk_principals_free(&p);
}

static void roles_per_project_with_role_ids(void **state)
{
    (void)state;
    struct lw_err err = {0};
    struct lk_principals p = {0};
    route("/management/v1/project-list", "", 200,
          "{\"projects\":[{\"project-id\":\"p1\",\"project-name\":\"one\"},"
          "{\"project-id\":\"p2\",\"project-name\":\"two\"}]}");
    route("/management/v1/role?roleIds=r1&roleIds=r2&pageSize=1000&pageToken=", "p1", 200,
          "{\"roles\":[{\"id\":\"r1\",\"name\":\"analysts\",\"project-id\":\"p1\","
          "\"ident\":\"lakekeeper~x\",\"provider-id\":\"lakekeeper\",\"source-id\":\"x\"}]}");
    route("/management/v1/role?roleIds=r1&roleIds=r2&pageSize=1000&pageToken=", "p2", 200,
          "{\"roles\":[{\"id\":\"r2\",\"name\":\"admins\",\"description\":\"d\"}],"
          "\"next-page-token\":\"n\"}");
    route("/management/v1/role?roleIds=r1&roleIds=r2&pageSize=1000&pageToken=n", "p2", 200,
          "{\"roles\":[]}");
    const char *ids[] = {"r1", "r2"};
    struct lk_principal_filter f = {ids, 2, NULL, 0};
    assert_int_equal(lk_principals_read_roles(client, 0, &f, &p, NULL, &err), 0);
    assert_int_equal(nsent, 4);
    assert_int_equal(p.nroles, 2);
    assert_string_equal(p.roles[0].name, "analysts");
    assert_string_equal(p.roles[0].ident, "lakekeeper~x");
    assert_string_equal(p.roles[1].id, "r2");
    /* No project-id in the role: the project it was listed in. */
    assert_string_equal(p.roles[1].project_id, "p2");
    assert_string_equal(p.roles[1].description, "d");

    /* Members: one listing per role, in the role's project; names when Lakekeeper has them. */
    route("/management/v1/role/r1/members?pageSize=1000&pageToken=", "p1", 200,
          "{\"members\":[{\"type\":\"user\",\"id\":\"oidc~a\",\"name\":\"Anna\"},"
          "{\"type\":\"role\",\"id\":\"r2\",\"ident\":\"i\",\"name\":\"admins\"}]}");
    route("/management/v1/role/r2/members?pageSize=1000&pageToken=", "p2", 200,
          "{\"members\":[{\"type\":\"user\",\"id\":\"oidc~b\",\"name\":null}]}");
    assert_int_equal(lk_principals_read_members(client, 0, &p, NULL, &err), 0);
    assert_int_equal(p.nmembers, 3);
    assert_string_equal(p.members[0].id, "oidc~a");
    assert_int_equal(p.members[0].role, 0);
    assert_string_equal(p.members[1].type, "role");
    assert_string_equal(p.members[1].name, "admins");
    assert_int_equal(p.members[2].role, 1);
    assert_null(p.members[2].name);
    lk_principals_free(&p);
}

static void wrong_shapes_and_failures_are_errors(void **state)
{
    (void)state;
    struct lw_err err = {0};
    struct lk_principals p = {0};
    route("/management/v1/user?pageSize=1000&pageToken=", "", 200, "{\"items\":[]}");
    assert_int_equal(lk_principals_read_users(client, 0, NULL, &p, NULL, &err), LW_EINVAL);
    assert_non_null(strstr(err.msg, "\"users\""));
    lk_principals_free(&p);

    routes[0] = (struct route){"/management/v1/user?pageSize=1000&pageToken=", "", 200,
                               "{\"users\":[{\"name\":\"no id\"}]}"};
    assert_int_equal(lk_principals_read_users(client, 0, NULL, &p, NULL, &err), LW_EINVAL);
    lk_principals_free(&p);

    /* Refused (the technical client may not list users): an error naming the path. */
    routes[0] = (struct route){"/management/v1/user?pageSize=1000&pageToken=", "", 403,
                               "{\"error\":{\"code\":403,\"type\":\"ServerActionForbidden\"}}"};
    assert_int_equal(lk_principals_read_users(client, 0, NULL, &p, NULL, &err), LW_EAUTH);
    assert_non_null(strstr(err.msg, "/management/v1/user"));
    assert_int_equal(p.nusers, 0);

    /* A project list 404 is not "no roles": it fails. */
    assert_int_not_equal(lk_principals_read_roles(client, 0, NULL, &p, NULL, &err), 0);
    lk_principals_free(&p);

    struct lk_principals q = {0};
    json_t *doc = json_loads("{\"members\":[{\"type\":\"group\",\"id\":\"g\"}]}", 0, NULL);
    const char *next;
    assert_int_equal(lk_principals_parse_members(doc, 0, &q, &next, &err), LW_EINVAL);
    json_decref(doc);
    lk_principals_free(&q);
}

static void deadline_passed_is_a_timeout(void **state)
{
    (void)state;
    struct lw_err err = {0};
    struct lk_principals p = {0};
    route("/management/v1/user?pageSize=1000&pageToken=", "", 200, "{\"users\":[]}");
    struct lk_stats st = {.deadline_us = lw_mono_us() - 1};
    assert_int_equal(lk_principals_read_users(client, 0, NULL, &p, &st, &err), LW_ETIMEOUT);
    assert_non_null(strstr(err.msg, "statement timeout"));
    assert_int_equal(nsent, 0);
    lk_principals_free(&p);
}

static void endless_paging_is_bounded(void **state)
{
    (void)state;
    struct lw_err err = {0};
    struct lk_principals p = {0};
    /* Every page names itself as the next one. */
    route("/management/v1/user?pageSize=1000&pageToken=", "", 200,
          "{\"users\":[],\"next-page-token\":\"again\"}");
    route("/management/v1/user?pageSize=1000&pageToken=again", "", 200,
          "{\"users\":[],\"next-page-token\":\"again\"}");
    nsent = 0;
    int rc = lk_principals_read_users(client, 0, NULL, &p, NULL, &err);
    assert_int_equal(rc, LW_ENOMEM);
    assert_non_null(strstr(err.msg, "pages"));
    assert_int_equal(nsent, LK_PRINCIPALS_MAX_PAGES);
    lk_principals_free(&p);
}

/* Every allocation failing in turn, from the first on: an error or a whole answer, never a
 * crash or a leak (the ASan build checks the latter). */
static void allocation_failures_are_errors(void **state)
{
    (void)state;
    route("/management/v1/project-list", "", 200,
          "{\"projects\":[{\"project-id\":\"p1\"},{\"project-id\":\"p2\"}]}");
    route("/management/v1/role?pageSize=1000&pageToken=", "", 200,
          "{\"roles\":[{\"id\":\"r1\",\"name\":\"a\",\"ident\":\"x\"}],"
          "\"next-page-token\":\"n\"}");
    route("/management/v1/role?pageSize=1000&pageToken=n", "", 200,
          "{\"roles\":[{\"id\":\"r2\",\"name\":\"b\"}]}");
    route("/management/v1/role/r1/members?pageSize=1000&pageToken=", "", 200,
          "{\"members\":[{\"type\":\"user\",\"id\":\"oidc~a\",\"name\":\"A\"}]}");
    int whole = 0;
    for (long n = 0; n < 400 && whole < 3; n++) {
        struct lw_err err = {0};
        struct lk_principals p = {0};
        lw_alloc_fail_after(n);
        int rc = lk_principals_read_roles(client, 0, NULL, &p, NULL, &err);
        if (rc == 0)
            rc = lk_principals_read_members(client, 0, &p, NULL, &err);
        lw_alloc_fail_after(-1);
        if (rc == 0) {
            assert_int_equal(p.nroles, 4);
            assert_int_equal(p.nmembers, 2);
            whole++;
        } else {
            assert_true(err.msg[0] != '\0');
        }
        lk_principals_free(&p);
    }
    assert_int_equal(whole, 3);
}

static void fga_subjects_round_trip(void **state)
{
    (void)state;
    bool is_role = true;
    char *s = lk_principals_fga_subject("okta~a@b.com", false);
    assert_string_equal(s, "user:okta~a%40b.com");
    char *id = lk_principals_from_fga_subject(s, &is_role);
    assert_string_equal(id, "okta~a@b.com");
    assert_false(is_role);
    lw_free(s);
    lw_free(id);
    s = lk_principals_fga_subject("00000000-0000-4000-8000-0000000000a1", true);
    assert_string_equal(s, "role:00000000-0000-4000-8000-0000000000a1#assignee");
    id = lk_principals_from_fga_subject(s, &is_role);
    assert_string_equal(id, "00000000-0000-4000-8000-0000000000a1");
    assert_true(is_role);
    lw_free(s);
    lw_free(id);
    assert_null(lk_principals_from_fga_subject("user:*", &is_role));
    assert_null(lk_principals_from_fga_subject("user:a%4", &is_role));
    assert_null(lk_principals_from_fga_subject("user:a%00b", &is_role));
    assert_null(lk_principals_from_fga_subject("role:x", &is_role));
    assert_null(lk_principals_from_fga_subject("project:p", &is_role));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(users_follow_page_tokens_past_short_pages, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(users_by_id_and_name_are_pushed_down, setup, teardown),
        cmocka_unit_test_setup_teardown(roles_per_project_with_role_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(wrong_shapes_and_failures_are_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(deadline_passed_is_a_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(endless_paging_is_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(allocation_failures_are_errors, setup, teardown),
        cmocka_unit_test(fga_subjects_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

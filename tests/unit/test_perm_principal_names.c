/* test_perm_principal_names.c -- the session's principal name cache (catalog/
 * perm_principal_names.h) against a scripted Lakekeeper and OpenFGA: names of listed users
 * and of roles, NULL for what Lakekeeper does not know, the cache kept within its TTL and
 * dropped by invalidate, users read by id (unknown ones remembered) where listing them is
 * refused, and what a non-administrator's view shows: its own name, others' only as OpenFGA
 * answers can_list_users and can_read, nothing more when OpenFGA fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../catalog/perm_principal_names.h"
#include "lk_routes_fixture.h"

static struct lk_client *client;

#define USERS "/management/v1/user?pageSize=1000&pageToken="
#define ROLES "/management/v1/role?pageSize=1000&pageToken="

static int setup(void **state)
{
    (void)state;
    client = lk_routes_client();
    route("/management/v1/info", "", 200, "{\"server-id\":\"s1\"}");
    route("/management/v1/project-list", "", 200, "{\"projects\":[{\"project-id\":\"p1\"}]}");
    route(ROLES, "p1", 200, "{\"roles\":[{\"id\":\"r1\",\"name\":\"analysts\"},"
                            "{\"id\":\"r2\",\"name\":\"admins\"}]}");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    lk_client_free(client);
    return 0;
}

static const struct sql_query_ctx admin = {.principal = "boss", .admin = true};

static void names_of_users_and_roles_cached(void **state)
{
    (void)state;
    struct lw_err err = {0};
    struct perm_principal_names_view v;
    route(USERS, "", 200, "{\"users\":[{\"id\":\"oidc~a\",\"name\":\"Anna\"},"
                          "{\"id\":\"oidc~b\",\"name\":null}]}");
    struct perm_principal_names *pn = perm_principal_names_new(&client, 1, 60000);
    assert_non_null(pn);
    assert_int_equal(perm_principal_names_view(pn, NULL, &admin, NULL, 0, NULL, 0, &v, &err), 0);
    assert_string_equal(perm_principal_names_get(&v, "oidc~a", false), "Anna");
    assert_null(perm_principal_names_get(&v, "oidc~b", false));        /* no name given */
    assert_null(perm_principal_names_get(&v, "oidc~gone", false));     /* unknown */
    assert_string_equal(perm_principal_names_get(&v, "r2", true), "admins");
    assert_null(perm_principal_names_get(&v, "r2", false));            /* a role, not a user */
    assert_null(perm_principal_names_get(&v, "oidc~a", true));
    perm_principal_names_view_free(&v);
    /* within the TTL nothing is asked again */
    int before = nsent;
    assert_int_equal(perm_principal_names_view(pn, NULL, &admin, NULL, 0, NULL, 0, &v, &err), 0);
    assert_int_equal(nsent, before);
    assert_string_equal(perm_principal_names_get(&v, "r1", true), "analysts");
    perm_principal_names_view_free(&v);
    /* invalidate: read again */
    perm_principal_names_invalidate(pn);
    assert_int_equal(perm_principal_names_view(pn, NULL, &admin, NULL, 0, NULL, 0, &v, &err), 0);
    assert_true(nsent > before);
    perm_principal_names_view_free(&v);
    perm_principal_names_free(pn);
}

static void users_by_id_where_listing_is_refused(void **state)
{
    (void)state;
    struct lw_err err = {0};
    struct perm_principal_names_view v;
    route(USERS, "", 403, "{\"error\":{\"code\":403,\"message\":\"server admin only\"}}");
    route("/management/v1/user/oidc~a", "", 200, "{\"id\":\"oidc~a\",\"name\":\"Anna\"}");
    struct perm_principal_names *pn = perm_principal_names_new(&client, 1, 60000);
    const char *ids[] = {"oidc~a", "oidc~gone"};
    assert_int_equal(perm_principal_names_view(pn, NULL, &admin, ids, 2, NULL, 0, &v, &err), 0);
    assert_true(sent("/management/v1/user/oidc~gone"));
    assert_string_equal(perm_principal_names_get(&v, "oidc~a", false), "Anna");
    assert_null(perm_principal_names_get(&v, "oidc~gone", false));
    assert_string_equal(perm_principal_names_get(&v, "r1", true), "analysts");
    perm_principal_names_view_free(&v);
    /* both remembered, the unknown one too */
    int before = nsent;
    assert_int_equal(perm_principal_names_view(pn, NULL, &admin, ids, 2, NULL, 0, &v, &err), 0);
    assert_int_equal(nsent, before);
    perm_principal_names_view_free(&v);
    perm_principal_names_free(pn);
}

static void lakekeeper_failing_is_an_error(void **state)
{
    (void)state;
    struct lw_err err = {0};
    struct perm_principal_names_view v;
    route(USERS, "", 500, "{}");
    struct perm_principal_names *pn = perm_principal_names_new(&client, 1, 60000);
    assert_int_not_equal(perm_principal_names_view(pn, NULL, &admin, NULL, 0, NULL, 0, &v, &err),
                         0);
    assert_null(perm_principal_names_get(&v, "r1", true));
    perm_principal_names_view_free(&v);
    perm_principal_names_free(pn);
    assert_int_not_equal(perm_principal_names_view(NULL, NULL, &admin, NULL, 0, NULL, 0, &v,
                                                   &err), 0);
    perm_principal_names_view_free(&v);
}

static void a_non_admin_sees_what_openfga_allows(void **state)
{
    (void)state;
    struct lw_err err = {0};
    struct perm_principal_names_view v;
    const struct sql_query_ctx me = {.principal = "oidc~b"};
    const struct fga_client_opts fga = {.url = "http://fg.test", .store_id = "S",
                                        .timeout_ms = 1000, .max_response = 1 << 20};
    route(USERS, "", 200, "{\"users\":[{\"id\":\"oidc~a\",\"name\":\"Anna\"},"
                          "{\"id\":\"oidc~b\",\"name\":\"Bob\"}]}");
    /* checks in order: can_list_users on server:s1, can_read on r1, can_read on r2 */
    route("/stores/S/batch-check", "", 200,
          "{\"result\":{\"0\":{},\"1\":{\"allowed\":true},\"2\":{}}}");
    struct perm_principal_names *pn = perm_principal_names_new(&client, 1, 60000);
    const char *roles[] = {"r1", "r2"};
    assert_int_equal(perm_principal_names_view(pn, &fga, &me, NULL, 0, roles, 2, &v, &err), 0);
    assert_true(sent("/stores/S/batch-check"));
    assert_string_equal(perm_principal_names_get(&v, "oidc~b", false), "Bob");   /* itself */
    assert_null(perm_principal_names_get(&v, "oidc~a", false));
    assert_string_equal(perm_principal_names_get(&v, "r1", true), "analysts");
    assert_null(perm_principal_names_get(&v, "r2", true));
    perm_principal_names_view_free(&v);
    /* may list users: every user's name */
    routes[nroutes - 1].body = "{\"result\":{\"0\":{\"allowed\":true},\"1\":{},\"2\":{}}}";
    assert_int_equal(perm_principal_names_view(pn, &fga, &me, NULL, 0, roles, 2, &v, &err), 0);
    assert_string_equal(perm_principal_names_get(&v, "oidc~a", false), "Anna");
    assert_null(perm_principal_names_get(&v, "r1", true));
    perm_principal_names_view_free(&v);
    /* OpenFGA failing: only its own name (fail closed), and no error for the scan */
    routes[nroutes - 1].status = 503;
    assert_int_equal(perm_principal_names_view(pn, &fga, &me, NULL, 0, roles, 2, &v, &err), 0);
    assert_string_equal(perm_principal_names_get(&v, "oidc~b", false), "Bob");
    assert_null(perm_principal_names_get(&v, "oidc~a", false));
    assert_null(perm_principal_names_get(&v, "r1", true));
    perm_principal_names_view_free(&v);
    /* no OpenFGA configured: the same */
    assert_int_equal(perm_principal_names_view(pn, NULL, &me, NULL, 0, roles, 2, &v, &err), 0);
    assert_string_equal(perm_principal_names_get(&v, "oidc~b", false), "Bob");
    assert_null(perm_principal_names_get(&v, "r1", true));
    perm_principal_names_view_free(&v);
    perm_principal_names_free(pn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(names_of_users_and_roles_cached, setup, teardown),
        cmocka_unit_test_setup_teardown(users_by_id_where_listing_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(lakekeeper_failing_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(a_non_admin_sees_what_openfga_allows, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

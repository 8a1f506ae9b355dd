/* test_perm_cursor.c -- the permission tables' shared pieces: perm_cursor's key best_index
 * (first usable = or IN per key, in column order, plan bits), perm_key_arg finding a key's
 * argument again, perm_strs_of (distinct usable texts of = and IN values), the administrators-
 * only open and perm_denied's 42501, close calling the table's reset, perm_grow's doubling;
 * perm_names' principal forms (user id, role id, OpenFGA's user:/role: subjects,
 * percent-encoding) and what it refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "../../catalog/perm_cursor.h"
#include "../../catalog/perm_names.h"

static const struct sql_vtab_module dummy = {.name = "dummy_table"};

static void keys_go_to_filter_in_column_order(void **state)
{
    (void)state;
    const struct sql_index_constraint k[] = {
        {2, SQL_OP_IN, true},       /* key 2 */
        {0, SQL_OP_LT, true},       /* not = or IN */
        {0, SQL_OP_EQ, false},      /* unusable */
        {0, SQL_OP_EQ, true},       /* key 0 */
        {2, SQL_OP_EQ, true},       /* key 2 again: the first one wins */
        {3, SQL_OP_EQ, true},       /* not a key column */
    };
    struct sql_index_usage u[6] = {0};
    struct sql_index_in in = {.nconstraint = 6, .constraint = k};
    struct sql_index_out out = {.usage = u};
    perm_keys_best_index(&in, &out, 3, 7, 9);
    assert_int_equal(u[3].arg_index, 1);
    assert_int_equal(u[0].arg_index, 2);
    for (int i = 0; i < 6; i++)
        if (i != 0 && i != 3)
            assert_int_equal(u[i].arg_index, 0);
    assert_int_equal(out.plan, 1 | 4);
    assert_true(out.est_cost == 7 && out.est_rows == 9);

    struct sql_value argv[2] = {{.type = SQL_V_INT, .u.i = 10}, {.type = SQL_V_INT, .u.i = 12}};
    assert_ptr_equal(perm_key_arg(out.plan, 0, 2, argv), &argv[0]);
    assert_null(perm_key_arg(out.plan, 1, 2, argv));
    assert_ptr_equal(perm_key_arg(out.plan, 2, 2, argv), &argv[1]);
    assert_null(perm_key_arg(out.plan, 2, 1, argv));    /* fewer arguments than planned */
}

static struct sql_value text(const char *s, size_t len)
{
    struct sql_value v = {.type = SQL_V_TEXT};
    v.u.s.p = s;
    v.u.s.len = len;
    return v;
}

static void key_values_are_distinct_usable_texts(void **state)
{
    (void)state;
    struct lw_err err = {0};
    struct sql_value el[] = {text("a", 1), {.type = SQL_V_NULL}, text("b", 1), text("a", 1),
                             text("", 0), text("c\0d", 3), {.type = SQL_V_INT, .u.i = 1},
                             text("bx", 1)};
    struct sql_array arr = {SQL_OID_TEXT, 8, el};
    struct sql_value list = {.type = SQL_V_ARRAY, .u.arr = &arr};
    struct perm_strs s;
    assert_int_equal(perm_strs_of(&list, &s, &err), 0);
    assert_int_equal(s.n, 2);       /* "a", "b" ("bx" cut to one byte is "b" again) */
    assert_string_equal(s.v[0], "a");
    assert_string_equal(s.v[1], "b");
    perm_strs_free(&s);
    assert_int_equal(s.n, 0);
    struct sql_value one = text("xyz", 2);
    assert_int_equal(perm_strs_of(&one, &s, &err), 0);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.v[0], "xy");
    perm_strs_free(&s);
    assert_int_equal(perm_strs_of(NULL, &s, &err), 0);
    assert_int_equal(s.n, 0);
}

static void admin_only_open_and_denied(void **state)
{
    (void)state;
    struct lw_err err = {0};
    struct sql_query_ctx user = {.principal = "oidc~u", .deadline_us = 42};
    struct sql_query_ctx admin = {.principal = "root", .admin = true};
    struct sql_cursor *cur = NULL;
    int aux;
    assert_int_equal(perm_cursor_open(&dummy, &aux, &user, 0, true, NULL, &cur, &err), LW_EAUTH);
    assert_null(cur);
    assert_string_equal(err.sqlstate, "42501");
    assert_non_null(strstr(err.msg, "dummy_table"));
    assert_int_equal(perm_cursor_open(&dummy, &aux, &user, 0, false, NULL, &cur, &err), 0);
    struct perm_cursor *pc = (struct perm_cursor *)cur;
    assert_ptr_equal(pc->aux, &aux);
    assert_int_equal(pc->deadline_us, 42);
    assert_true(perm_cursor_eof(cur));
    pc->n = 2;
    assert_false(perm_cursor_eof(cur));
    assert_int_equal(perm_cursor_next(cur, &err), 0);
    assert_int_equal(perm_cursor_next(cur, &err), 0);
    assert_true(perm_cursor_eof(cur));
    lw_free(cur);
    assert_int_equal(perm_cursor_open(&dummy, &aux, &admin, 0, true, NULL, &cur, &err), 0);
    lw_free(cur);
    memset(&err, 0, sizeof err);
    assert_int_equal(perm_denied(&err, "no %s", "way"), LW_EAUTH);
    assert_string_equal(err.msg, "no way");
    assert_string_equal(err.sqlstate, "42501");
}

static int resets;

static void count_reset(struct perm_cursor *c)
{
    resets++;
    c->n = c->pos = 0;
}

static void close_resets_then_frees_and_grow_doubles(void **state)
{
    (void)state;
    struct lw_err err = {0};
    struct sql_query_ctx qc = {.principal = "oidc~u"};
    struct sql_cursor *cur = NULL;
    resets = 0;
    assert_int_equal(perm_cursor_open(&dummy, NULL, &qc, 64, false, count_reset, &cur, &err), 0);
    perm_cursor_close(cur);
    assert_int_equal(resets, 1);
    perm_cursor_close(NULL);
    assert_int_equal(resets, 1);

    int *v = NULL;
    size_t cap = 0;
    for (size_t n = 0; n < 100; n++) {
        int *nv = perm_grow(v, &cap, n, sizeof(*v), &err);
        assert_non_null(nv);
        v = nv;
        v[n] = (int)n;
        assert_true(cap > n && (cap == 32 || cap == 64 || cap == 128));
    }
    for (int i = 0; i < 100; i++)
        assert_int_equal(v[i], i);
    assert_ptr_equal(perm_grow(v, &cap, 100, sizeof(*v), &err), v);     /* room left */
    size_t huge = SIZE_MAX / 2 + 1;
    assert_null(perm_grow(v, &huge, huge, 4, &err));                     /* overflow refused */
    assert_int_equal(err.code, LW_ENOMEM);
    lw_free(v);
}

#define ROLE "00000000-0000-4000-8000-0000000000a1"

static void principals_in_every_form(void **state)
{
    (void)state;
    static const struct {
        const char *in, *id, *subject;
        bool role;
    } ok[] = {
        {"oidc~abc-1", "oidc~abc-1", "user:oidc~abc-1", false},
        {"okta~a@b.com", "okta~a@b.com", "user:okta~a%40b.com", false},
        {"user:kubernetes~system%3Asa", "kubernetes~system:sa",
         "user:kubernetes~system%3Asa", false},
        {ROLE, ROLE, "role:" ROLE "#assignee", true},
        {"role:" ROLE, ROLE, "role:" ROLE "#assignee", true},
        {"role:" ROLE "#assignee", ROLE, "role:" ROLE "#assignee", true},
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        struct perm_principal p;
        struct lw_err err = {0};
        assert_int_equal(perm_principal_parse(ok[i].in, &p, &err), 0);
        assert_string_equal(p.id, ok[i].id);
        assert_string_equal(p.subject, ok[i].subject);
        assert_int_equal(p.role, ok[i].role);
        perm_principal_free(&p);
    }
    static const char *const bad[] = {"analysts", "role:analysts", "role:" ROLE "#owner",
                                      "user:*", "user:oidc~x%zz", "user:", "", "role:"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct perm_principal p;
        struct lw_err err = {0};
        assert_int_equal(perm_principal_parse(bad[i], &p, &err), LW_EINVAL);
        assert_null(p.id);
        assert_null(p.subject);
        assert_non_null(strstr(err.msg, "principal"));
    }
}

static void object_types(void **state)
{
    (void)state;
    assert_true(perm_obj_type_known("table"));
    assert_true(perm_obj_type_known("role"));
    assert_false(perm_obj_type_known("lakekeeper_table"));
    assert_false(perm_obj_type_known(NULL));
    assert_string_equal(perm_obj_type_of_fga("lakekeeper_table"), "table");
    assert_string_equal(perm_obj_type_of_fga("lakekeeper_view"), "view");
    assert_string_equal(perm_obj_type_of_fga("namespace"), "namespace");
    assert_null(perm_obj_type_of_fga("model_version"));
    assert_null(perm_obj_type_of_fga("user"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keys_go_to_filter_in_column_order),
        cmocka_unit_test(key_values_are_distinct_usable_texts),
        cmocka_unit_test(admin_only_open_and_denied),
        cmocka_unit_test(close_resets_then_frees_and_grow_doubles),
        cmocka_unit_test(principals_in_every_form),
        cmocka_unit_test(object_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

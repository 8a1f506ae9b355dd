/* test_decision_store.c -- authz/authz_decision_store_sql.c's pushdown (which constraints
 * best_index takes, in which argument order, and the SELECT and parameters built from them:
 * time ranges, equality, IN lists as array literals with quoting, ORDER BY time DESC, the
 * record column only when read) and authz/decision_store.c's queue bound: with the store
 * unreachable, records beyond the bound are dropped and counted, never waited for, and stop
 * returns promptly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../authz/authz_decision_store_sql.h"
#include "../../authz/decision_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { C_TIME = 0, C_DECISION_ID = 1, C_USER = 3, C_OPERATION = 4, C_ALLOWED = 6, C_ITEMS = 7,
       C_RECORD = 12 };

static struct sql_value text_value(const char *s)
{
    struct sql_value v = {.type = SQL_V_TEXT};
    v.u.s.p = s;
    v.u.s.len = strlen(s);
    return v;
}

static void pushes_time_user_operation_in_table_order(void **state)
{
    (void)state;
    struct sql_index_constraint c[] = {
        {C_OPERATION, SQL_OP_IN, true}, {C_TIME, SQL_OP_LE, true}, {C_ITEMS, SQL_OP_EQ, true},
        {C_USER, SQL_OP_EQ, true},      {C_TIME, SQL_OP_GE, true}, {C_USER, SQL_OP_EQ, true},
        {C_DECISION_ID, SQL_OP_EQ, false},
    };
    struct sql_index_orderby ob = {C_TIME, true};
    struct sql_index_in in = {7, c, 1, &ob, 1ull << C_USER};
    struct sql_index_usage use[7] = {0};
    struct sql_index_out out = {.usage = use};
    struct lw_err err = {0};
    char *sql, **params;
    int n;
    struct sql_value arr_el[2] = {text_value("SelectFromColumns"), text_value("a\"b\\c")};
    struct sql_array arr = {25, 2, arr_el};
    struct sql_value argv[4];

    assert_int_equal(authz_decision_store_sql_module.best_index(NULL, &in, &out, &err), 0);
    /* Arguments follow the pushdown table: time >=, time <=, user =, operation IN. */
    assert_int_equal(use[4].arg_index, 1);
    assert_int_equal(use[1].arg_index, 2);
    assert_int_equal(use[3].arg_index, 3);
    assert_int_equal(use[0].arg_index, 4);
    assert_int_equal(use[2].arg_index, 0);      /* items: not pushed */
    assert_int_equal(use[5].arg_index, 0);      /* a second user = : the engine checks it */
    assert_int_equal(use[6].arg_index, 0);      /* unusable */
    assert_true(out.order_consumed);

    argv[0] = (struct sql_value){.type = SQL_V_TIME, .u.us = 1700000000123456LL};
    argv[1] = text_value("2026-01-02T03:04:05Z");
    argv[2] = text_value("alice");
    argv[3] = (struct sql_value){.type = SQL_V_ARRAY, .u.arr = &arr};
    assert_int_equal(authz_decision_store_sql_build(out.plan, 4, argv, &sql, &params, &n, &err), 0);
    assert_non_null(strstr(sql, " FROM lakeward_decisions WHERE time >= $1::timestamptz AND "
                                "time <= $2::timestamptz AND user_name = $3 AND "
                                "operation = ANY($4::text[]) ORDER BY time DESC"));
    /* only the columns the engine reads (user_name) or re-checks (the constraints' columns)
     * are fetched, and time always; the rest, record included, are not */
    assert_non_null(strstr(sql, "SELECT (extract(epoch from time) * 1000000)::int8, decision_id, "
                                "user_name, operation, items FROM "));
    assert_int_equal(n, 4);
    assert_string_equal(params[0], "2023-11-14 22:13:20.123456+00");
    assert_string_equal(params[1], "2026-01-02T03:04:05Z");
    assert_string_equal(params[2], "alice");
    assert_string_equal(params[3], "{\"SelectFromColumns\",\"a\\\"b\\\\c\"}");
    free(sql);
    authz_decision_store_sql_free_params(params, n);
}

static void no_constraints_scans_in_time_order_with_record(void **state)
{
    (void)state;
    struct sql_index_in in = {0, NULL, 0, NULL, 1ull << C_RECORD};
    struct sql_index_out out = {0};
    struct lw_err err = {0};
    char *sql, **params;
    int n;
    assert_int_equal(authz_decision_store_sql_module.best_index(NULL, &in, &out, &err), 0);
    assert_false(out.order_consumed);
    assert_int_equal(authz_decision_store_sql_build(out.plan, 0, NULL, &sql, &params, &n, &err), 0);
    assert_null(strstr(sql, "WHERE"));
    assert_non_null(strstr(sql, "SELECT (extract(epoch from time) * 1000000)::int8, record "
                                "FROM lakeward_decisions ORDER BY time"));
    assert_null(strstr(sql, "DESC"));
    assert_int_equal(n, 0);
    free(sql);
    authz_decision_store_sql_free_params(params, n);
}

static void null_value_and_bool(void **state)
{
    (void)state;
    struct sql_index_constraint c[] = {{C_ALLOWED, SQL_OP_EQ, true}, {C_USER, SQL_OP_EQ, true}};
    struct sql_index_in in = {2, c, 0, NULL, 0};
    struct sql_index_usage use[2] = {0};
    struct sql_index_out out = {.usage = use};
    struct lw_err err = {0};
    struct sql_value argv[2] = {{.type = SQL_V_NULL}, {.type = SQL_V_BOOL, .u.b = false}};
    char *sql, **params;
    int n;
    assert_int_equal(authz_decision_store_sql_module.best_index(NULL, &in, &out, &err), 0);
    assert_int_equal(use[1].arg_index, 1);          /* user_name comes before allowed */
    assert_int_equal(use[0].arg_index, 2);
    assert_int_equal(authz_decision_store_sql_build(out.plan, 2, argv, &sql, &params, &n, &err), 0);
    assert_non_null(strstr(sql, "WHERE user_name = $1 AND allowed = $2::boolean"));
    assert_null(params[0]);                         /* SQL NULL: matches nothing */
    assert_string_equal(params[1], "false");
    free(sql);
    authz_decision_store_sql_free_params(params, n);
}

static void plan_wanting_more_arguments_is_refused(void **state)
{
    (void)state;
    struct lw_err err = {0};
    char *sql, **params;
    int n;
    assert_int_equal(authz_decision_store_sql_build(3, 1, &(struct sql_value){.type = SQL_V_NULL},
                                                    &sql, &params, &n, &err), LW_EINVAL);
    assert_null(sql);
}

static void unreachable_store_drops_beyond_the_bound(void **state)
{
    (void)state;
    /* Port 1 on loopback: refused at once; the writer keeps retrying in the background. */
    struct decision_store_opts o = {"postgresql://lakeward@127.0.0.1:1/x?connect_timeout=2",
                                    "unit", 5, 2, 0};
    struct lw_err err = {0};
    struct decision_store *s = decision_store_start(&o, &err);
    struct decision_store_stats st;
    assert_non_null(s);
    for (int i = 0; i < 8; i++) {
        struct authz_decision_summary r;
        memset(&r, 0, sizeof r);
        snprintf(r.user, sizeof r.user, "u%d", i);
        r.json = strdup("{\"x\":1}");
        decision_store_add(s, &r);
        assert_null(r.json);                        /* taken, queued or freed */
    }
    decision_store_stats(s, &st);
    assert_int_equal(st.dropped, 3);
    assert_int_equal(st.queued, 5);
    assert_int_equal(st.written, 0);
    assert_false(st.connected);
    decision_store_stop(s);                         /* frees the 5 queued records */
}

static void bad_options_are_refused(void **state)
{
    (void)state;
    struct decision_store_opts o = {"", NULL, 10, 10, 1};
    struct lw_err err = {0};
    assert_null(decision_store_start(&o, &err));
    assert_int_equal(err.code, LW_ECONFIG);
    o.dsn = "postgresql://x@127.0.0.1:1/x";
    o.queue_max = 0;
    assert_null(decision_store_start(&o, &err));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pushes_time_user_operation_in_table_order),
        cmocka_unit_test(no_constraints_scans_in_time_order_with_record),
        cmocka_unit_test(null_value_and_bool),
        cmocka_unit_test(plan_wanting_more_arguments_is_refused),
        cmocka_unit_test(unreachable_store_drops_beyond_the_bound),
        cmocka_unit_test(bad_options_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

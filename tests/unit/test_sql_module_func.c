/* test_sql_module_func.c -- module functions (sql_vtab.h struct sql_vfunc, registered with
 * sql_tables_add_func): found schema-qualified and on the search path (built-ins first),
 * called once per row with the session's query context and the arguments cast to their
 * declared types, usable alone in FROM, errors carried with their SQLSTATE, wrong calls
 * refused with PostgreSQL's SQLSTATEs, and registration bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../server/core/lw_arena.h"
#include "../../sql/sql_catalog.h"
#include "sql_sink_fixture.h"

static int calls;
static struct sql_query_ctx seen;

/* lakeward.bump(): counts its calls, remembers who called. */
static int bump(void *aux, const struct sql_query_ctx *qc, int argc,
                const struct sql_value *argv, struct sql_value *o, struct lw_err *e)
{
    (void)argc;
    (void)argv;
    (void)e;
    seen = *qc;
    o->type = SQL_V_INT;
    o->u.i = ++calls + *(int *)aux;
    return 0;
}

/* lakeward.twice(int8, text) -> text: "<n>:<s>" in the statement's arena; NULL for NULL. */
static int twice(void *aux, const struct sql_query_ctx *qc, int argc,
                 const struct sql_value *argv, struct sql_value *o, struct lw_err *e)
{
    char buf[64];
    (void)aux;
    assert_int_equal(argc, 2);
    if (argv[0].type == SQL_V_NULL || argv[1].type == SQL_V_NULL) {
        o->type = SQL_V_NULL;   /* not strict: the function sees NULLs and decides */
        return 0;
    }
    assert_int_equal(argv[0].type, SQL_V_INT);
    int n = snprintf(buf, sizeof buf, "%lld:%.*s", (long long)argv[0].u.i,
                     (int)argv[1].u.s.len, argv[1].u.s.p);
    char *p = lw_arena_strndup(qc->arena, buf, (size_t)n);
    if (!p)
        return lw_err_set(e, LW_ENOMEM, "out of memory");
    o->type = SQL_V_TEXT;
    o->u.s.p = p;
    o->u.s.len = (size_t)n;
    return 0;
}

/* lakeward.refuse(): fails as a module would, with its own SQLSTATE. */
static int refuse(void *aux, const struct sql_query_ctx *qc, int argc,
                  const struct sql_value *argv, struct sql_value *o, struct lw_err *e)
{
    (void)aux;
    (void)qc;
    (void)argc;
    (void)argv;
    (void)o;
    lw_err_set(e, LW_EAUTH, "not for you");
    snprintf(e->sqlstate, sizeof e->sqlstate, "42501");
    return LW_EAUTH;
}

/* lakeward.lower(): a built-in's name; unqualified calls must still get the built-in. */
static int fake_lower(void *aux, const struct sql_query_ctx *qc, int argc,
                      const struct sql_value *argv, struct sql_value *o, struct lw_err *e)
{
    (void)aux;
    (void)qc;
    (void)argc;
    (void)argv;
    (void)e;
    o->type = SQL_V_INT;
    o->u.i = -1;
    return 0;
}

static const struct sql_vfunc f_bump = {"bump", 0, {0}, SQL_OID_INT8, bump};
static const struct sql_vfunc f_twice = {"twice", 2, {SQL_OID_INT8, SQL_OID_TEXT},
                                         SQL_OID_TEXT, twice};
static const struct sql_vfunc f_refuse = {"refuse", 0, {0}, SQL_OID_BOOL, refuse};
static const struct sql_vfunc f_lower = {"lower", 1, {SQL_OID_TEXT}, SQL_OID_INT4, fake_lower};
static int base = 100;
static struct sql_catalog *catalog;

static int setup(void **state)
{
    struct lw_err e = {0};
    sql_fixture_setup(state);
    catalog = sql_catalog_register(tables, &e);
    assert_non_null(catalog);
    assert_int_equal(sql_tables_add_func(tables, "lakeward", &f_bump, &base, &e), 0);
    assert_int_equal(sql_tables_add_func(tables, "lakeward", &f_twice, NULL, &e), 0);
    assert_int_equal(sql_tables_add_func(tables, "lakeward", &f_refuse, NULL, &e), 0);
    assert_int_equal(sql_tables_add_func(tables, "lakeward", &f_lower, NULL, &e), 0);
    return 0;
}

static int teardown(void **state)
{
    sql_fixture_teardown(state);
    sql_catalog_free(catalog);
    return 0;
}

static const char *run(const char *q)
{
    lw_buf_reset(&out);
    memset(&err, 0, sizeof err);
    if (sql_session_query(&sess, q, &sink, &err) != 0)
        lw_buf_printf(&out, "ERROR %s %s", err.sqlstate, err.msg);
    return out.data;
}

static void test_called_with_the_query_context(void **state)
{
    (void)state;
    calls = 0;
    sess.deadline_us = 12345;
    assert_string_equal(run("SELECT lakeward.bump()"), "bump:20|101|SELECT 1;");
    assert_string_equal(seen.principal, "alice");
    assert_true(seen.admin);
    assert_int_equal(seen.deadline_us, 12345);
    assert_non_null(seen.arena);
    sess.deadline_us = 0;
    /* on the search path, like the tables */
    assert_string_equal(run("SELECT bump() AS b"), "b:20|102|SELECT 1;");
}

static void test_volatile_once_per_row(void **state)
{
    (void)state;
    calls = 0;
    assert_string_equal(run("SELECT lakeward.bump() FROM generate_series(1, 3) g"),
                        "bump:20|101|102|103|SELECT 3;");
    /* a WHERE on it is not folded or pushed: each row calls it again */
    assert_string_equal(run("SELECT g FROM generate_series(1, 4) g WHERE lakeward.bump() % 2 = 0"),
                        "g:23|1|3|SELECT 2;");
}

static void test_arguments_cast_to_the_signature(void **state)
{
    (void)state;
    assert_string_equal(run("SELECT lakeward.twice(7, 'x')"), "twice:25|7:x|SELECT 1;");
    assert_string_equal(run("SELECT lakeward.twice(g::int2, g::text) FROM generate_series(1, 2) g"),
                        "twice:25|1:1|2:2|SELECT 2;");
    assert_string_equal(run("SELECT lakeward.twice(NULL, 'n')"), "twice:25|NULL|SELECT 1;");
    assert_string_equal(run("SELECT lakeward.twice(1.5, 'x')"),
                        "ERROR 42804 argument is of type bigint but expression is of type "
                        "numeric");
}

static void test_in_from(void **state)
{
    (void)state;
    calls = 0;
    assert_string_equal(run("SELECT * FROM lakeward.bump()"), "bump:20|101|SELECT 1;");
    assert_string_equal(run("SELECT r FROM lakeward.twice(2, 'y') AS r"), "r:25|2:y|SELECT 1;");
}

static void test_errors(void **state)
{
    (void)state;
    assert_string_equal(run("SELECT lakeward.refuse()"), "refuse:16ERROR 42501 not for you");
    assert_string_equal(run("SELECT lakeward.bump(1)"),
                        "ERROR 42883 function bump takes 0 arguments, not 1");
    assert_string_equal(run("SELECT lakeward.bump() OVER ()"),
                        "ERROR 42809 bump is not an aggregate or window function");
    assert_string_equal(run("SELECT lakeward.nosuch()"),
                        "ERROR 42883 function nosuch does not exist");
    assert_string_equal(run("SELECT other.bump()"), "ERROR 42883 function bump does not exist");
    /* built-ins come first for unqualified names; qualified, the module's */
    assert_string_equal(run("SELECT lower('AB'), lakeward.lower('AB')"),
                        "lower:25,lower:23|ab,-1|SELECT 1;");
}

/* Each module function is a pg_proc row in its schema, as PostgreSQL shows a function made
 * with CREATE FUNCTION's defaults, with a stable OID in the user range; the catalog
 * functions and reg* types that psql's \\df and drivers use know it. */
static void test_in_pg_proc(void **state)
{
    char want[128];
    (void)state;
    assert_string_equal(
        run("SELECT p.proname, n.nspname, p.prorettype::regtype, p.proargtypes, p.provolatile, "
            "p.prokind, p.proisstrict, p.proparallel, p.oid >= 16384 FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'lakeward' "
            "ORDER BY 1"),
        "proname:19,nspname:19,prorettype:2206,proargtypes:30,provolatile:18,prokind:18,"
        "proisstrict:16,proparallel:18,?column?:16|bump,lakeward,bigint,,v,f,f,u,t|"
        "lower,lakeward,integer,25,v,f,f,u,t|refuse,lakeward,boolean,,v,f,f,u,t|"
        "twice,lakeward,text,20 25,v,f,f,u,t|SELECT 4;");
    /* lakeward.lower(text) is hidden by pg_catalog.lower(text), so it prints qualified */
    assert_string_equal(
        run("SELECT pg_get_function_result(oid), pg_get_function_arguments(oid), "
            "pg_function_is_visible(oid), oid::regproc, oid::regprocedure FROM pg_proc "
            "WHERE pronamespace = 'lakeward'::regnamespace ORDER BY proname"),
        "pg_get_function_result:25,pg_get_function_arguments:25,pg_function_is_visible:16,"
        "oid:24,oid:2202|bigint,,t,bump,bump()|integer,text,f,lakeward.lower,"
        "lakeward.lower(text)|boolean,,t,refuse,refuse()|text,bigint, text,t,twice,"
        "twice(bigint,text)|SELECT 4;");
    /* the OID is the name's, the same in every session and replica */
    snprintf(want, sizeof want, "oid:26|%u|SELECT 1;", sql_catalog_oid("proc", "lakeward", "bump"));
    assert_string_equal(run("SELECT 'lakeward.bump'::regproc::oid"), want);
    assert_string_equal(run("SELECT 'bump'::regproc::oid = 'lakeward.bump'::regproc::oid"),
                        "?column?:16|t|SELECT 1;");
    assert_string_equal(run("SELECT count(*) FROM pg_proc WHERE oid = 'lakeward.bump'::regproc"),
                        "count:20|1|SELECT 1;");
    assert_string_equal(run("SELECT 'nosuch.bump'::regproc"),
                        "ERROR 3F000 schema \"nosuch\" does not exist");
    assert_string_equal(run("SELECT 'lakeward.nosuch'::regproc"),
                        "ERROR 42883 function \"lakeward.nosuch\" does not exist");
    assert_string_equal(run("SELECT routine_name, data_type FROM information_schema.routines "
                            "WHERE routine_schema = 'lakeward' AND routine_name LIKE 't%'"),
                        "routine_name:19,data_type:1043|twice,text|SELECT 1;");
    /* built-ins are unchanged: still pg_catalog, still visible */
    assert_string_equal(run("SELECT pronamespace::regnamespace, pg_function_is_visible(oid) "
                            "FROM pg_proc WHERE oid = 'quote_ident'::regproc"),
                        "pronamespace:4089,pg_function_is_visible:16|pg_catalog,t|SELECT 1;");
}

static void test_registration_bounds(void **state)
{
    struct lw_err e = {0};
    struct sql_tables *t = sql_tables_new();
    static const struct sql_vfunc wide = {"wide", SQL_VFUNC_MAX_ARGS + 1, {0}, SQL_OID_INT8,
                                          bump};
    static char names[SQL_TABLES_MAX_FUNCS + 1][16];
    static struct sql_vfunc many[SQL_TABLES_MAX_FUNCS + 1];
    (void)state;
    assert_non_null(t);
    assert_int_equal(sql_tables_add_func(t, "s", &f_bump, NULL, &e), 0);
    assert_int_equal(sql_tables_add_func(t, "s", &f_bump, NULL, &e), LW_EINVAL);
    assert_int_equal(sql_tables_add_func(t, "s", &wide, NULL, &e), LW_EINVAL);
    assert_non_null(sql_tables_find_func(t, "s", "bump"));
    assert_null(sql_tables_find_func(t, NULL, "bump"));     /* s is not on the search path */
    for (int i = 0; i < SQL_TABLES_MAX_FUNCS; i++) {
        snprintf(names[i], sizeof names[i], "f%d", i);
        many[i] = f_bump;
        many[i].name = names[i];
        int rc = sql_tables_add_func(t, "s", &many[i], NULL, &e);
        assert_int_equal(rc, i < SQL_TABLES_MAX_FUNCS - 1 ? 0 : LW_ENOMEM);
    }
    sql_tables_free(t);
}

static void test_failed_allocations(void **state)
{
    (void)state;
    sql_fixture_survives_failed_allocations("SELECT lakeward.twice(3, 'z')",
                                            "twice:25|3:z|SELECT 1;");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_called_with_the_query_context),
        cmocka_unit_test(test_volatile_once_per_row),
        cmocka_unit_test(test_arguments_cast_to_the_signature),
        cmocka_unit_test(test_in_from),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_in_pg_proc),
        cmocka_unit_test(test_registration_bounds),
        cmocka_unit_test(test_failed_allocations),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/* test_sql_arrays.c -- sql/: array functions, subscripts and the polymorphic resolution
 * that psql's \d+ and Grafana's and JDBC's metadata queries depend on (array_lower,
 * array_upper, text[] || text[], a[i], (expr)[i], parse_ident, string_to_array,
 * pg_backend_pid), the rest of what Grafana's search-path subquery needs (a scalar
 * function in FROM, CASE typed from its ELSE first, `text IN (SELECT name ...)`) and
 * JDBC's type lookup needs (JOIN ... USING). Every
 * expected answer (columns with type OIDs, values, SQLSTATE) was captured from
 * PostgreSQL 15 running the same statement. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sql_sink_fixture.h"

/* Runs q; returns the rendered output, or "ERR sqlstate" (and the detail, if any). */
static const char *run(const char *q)
{
    lw_buf_reset(&out);
    memset(&err, 0, sizeof err);
    if (sql_session_query(&sess, q, &sink, &err) != 0) {
        lw_buf_reset(&out);
        lw_buf_printf(&out, "ERR %s%s%s", err.sqlstate, err.detail[0] ? " " : "", err.detail);
    }
    return out.data ? out.data : "";
}

struct qcase {
    const char *q, *want;
};

static void check(const struct qcase *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *got = run(c[i].q);
        if (strcmp(got, c[i].want) != 0)
            fail_msg("%s\n  want %s\n  got  %s", c[i].q, c[i].want, got);
    }
}

static void bounds(void **state)
{
    static const struct qcase c[] = {
        {"select array_upper(ARRAY[1,2,3],1), array_lower(ARRAY[1,2],1), "
         "array_upper('{}'::int[],1), array_lower(ARRAY[1,2],2), array_upper(NULL::int[],1)",
         "array_upper:23,array_lower:23,array_upper:23,array_lower:23,array_upper:23"
         "|3,1,NULL,NULL,NULL|SELECT 1;"},
        /* vectors start at 0 */
        {"select array_upper('1 2'::int2vector,1), array_lower('1 2'::int2vector,1), "
         "('1 2'::int2vector)[0]",
         "array_upper:23,array_lower:23,int2vector:21|1,0,1|SELECT 1;"},
        /* PostgreSQL answers [0:1]={1,2}: refused rather than printed with other bounds */
        {"select '1 2'::int2vector::int2[]", "ERR 0A000"},
        /* a lone unknown literal cannot fix a polymorphic type (this once read a text
         * value as an array) */
        {"select array_upper('{1}', 1)", "ERR 42804"},
        {"select array_length('{1}', 1)", "ERR 42804"},
        {"select array_to_string('{1,2}', ',')", "ERR 42804"},
        {"select cardinality('{1}')", "ERR 42804"},
    };
    (void)state;
    check(c, sizeof c / sizeof c[0]);
}

static void concatenation(void **state)
{
    static const struct qcase c[] = {
        {"select ARRAY['a'] || ARRAY['b'], pg_typeof(ARRAY['a'] || ARRAY['b'])",
         "?column?:1009,pg_typeof:2206|{a,b},text[]|SELECT 1;"},
        {"select 'a'::text || ARRAY['b'], ARRAY['b'] || 'c'::text, NULL::text[] || ARRAY['x'], "
         "ARRAY[1] || NULL::int",
         "?column?:1009,?column?:1009,?column?:1009,?column?:1007|{a,b},{b,c},{x},{1,NULL}"
         "|SELECT 1;"},
        {"select NULL::text[] || NULL::text[]", "?column?:1009|NULL|SELECT 1;"},
        {"select ARRAY[1] || '{2}', '{a}' || ARRAY['b']",
         "?column?:1007,?column?:1009|{1,2},{a,b}|SELECT 1;"},
        {"select 1 || '{2}', '{1}' || 2, 'x' || 1", "?column?:25,?column?:25,?column?:25"
         "|1{2},{1}2,x1|SELECT 1;"},
        {"select 'a' || ARRAY['b']", "ERR 22P02"},
        /* an unknown literal beside an array is that array type (compared as text once) */
        {"select ARRAY[1] = '{1}', '{1,2}' = ARRAY[1,2], ARRAY['a'] <> '{b}', "
         "ARRAY[1,2] < '{1,3}', array_prepend(1, '{2}')",
         "?column?:16,?column?:16,?column?:16,?column?:16,array_prepend:1007|t,t,t,t,{1,2}"
         "|SELECT 1;"},
        {"select ARRAY[1] || ARRAY['a']", "ERR 42883"},
        /* psql's \d+ relation options: a NULL reloptions concatenated with an empty array */
        {"select array_to_string(NULL::text[] || array(select 'toast.' || x from "
         "unnest(NULL::text[]) x), ', ')",
         "array_to_string:25||SELECT 1;"},
    };
    (void)state;
    check(c, sizeof c / sizeof c[0]);
}

static void subscripts(void **state)
{
    static const struct qcase c[] = {
        {"select (ARRAY[1,2])[0], (ARRAY[1,2])[2], (ARRAY[1,2])[NULL], "
         "(current_schemas(true))[1], pg_typeof((current_schemas(true))[1])",
         "array:23,array:23,array:23,current_schemas:19,pg_typeof:2206"
         "|NULL,2,NULL,pg_catalog,name|SELECT 1;"},
        {"select a[1], a[3] from (select ARRAY['p','q'] as a) t", "a:25,a:25|p,NULL|SELECT 1;"},
        {"select x from (select ARRAY[1,2] as s) t, generate_series(1,2) as x where s[x] > 1",
         "x:23|2|SELECT 1;"},
        {"select (ARRAY[1,2])[1:2]", "ERR 0A000"},
        {"select (1)[1]", "ERR 42804"},
    };
    (void)state;
    check(c, sizeof c / sizeof c[0]);
}

static void parse_ident_and_split(void **state)
{
    static const struct qcase c[] = {
        {"select parse_ident('a.\"B c\".d'), parse_ident('A . b'), parse_ident('a.b(1)', false), "
         "parse_ident('\"a\"\"b\"')",
         "parse_ident:1009,parse_ident:1009,parse_ident:1009,parse_ident:1009"
         "|{a,\"B c\",d},{a,b},{a,b},{\"a\\\"b\"}|SELECT 1;"},
        {"select parse_ident('a.')", "ERR 22023 No valid identifier after \".\"."},
        {"select parse_ident('.a')", "ERR 22023 No valid identifier before \".\"."},
        {"select parse_ident('')", "ERR 22023"},
        {"select parse_ident('a.b(1)')", "ERR 22023"},
        {"select parse_ident('\"a')", "ERR 22023 String has unclosed double quotes."},
        {"select parse_ident('\"\"')", "ERR 22023 Quoted identifier must not be empty."},
        {"select string_to_array('a,b,,c', ','), string_to_array('', ','), "
         "string_to_array('abc', NULL), string_to_array('abc', ''), "
         "string_to_array('a,x,b', ',', 'x'), string_to_array(NULL, ','), "
         "string_to_array('a,', ','), string_to_array('a<>b<>', '<>')",
         "string_to_array:1009,string_to_array:1009,string_to_array:1009,string_to_array:1009,"
         "string_to_array:1009,string_to_array:1009,string_to_array:1009,string_to_array:1009"
         "|{a,b,\"\",c},{},{a,b,c},{abc},{a,NULL,b},NULL,{a,\"\"},{a,b,\"\"}|SELECT 1;"},
    };
    (void)state;
    check(c, sizeof c / sizeof c[0]);
}

static void grafana_search_path(void **state)
{
    static const struct qcase c[] = {
        {"select * from string_to_array('a,b', ',') s", "s:1009|{a,b}|SELECT 1;"},
        {"select * from upper(NULL) with ordinality", "upper:25,ordinality:20|NULL,1|SELECT 1;"},
        {"select * from string_to_array('a,b', ',') as t(c)", "c:1009|{a,b}|SELECT 1;"},
        {"select i, trim(s[i]) from generate_series(1,2) i, string_to_array('x, y', ',') s "
         "order by 1", "i:23,btrim:25|1,x|2,y|SELECT 2;"},
        {"select pg_typeof(CASE WHEN true THEN user ELSE 'x'::text END), "
         "pg_typeof(CASE WHEN true THEN 'x'::text ELSE user END)",
         "pg_typeof:2206,pg_typeof:2206|text,name|SELECT 1;"},
        {"select 'a'::text IN (select 'a'::name), 'b'::text IN (select 'a'::name), "
         "'a'::text = ALL (select NULL::name), 1::int8 IN (select 2::int4 union select 1)",
         "?column?:16,?column?:16,?column?:16,?column?:16|t,f,NULL,t|SELECT 1;"},
        {"select 'alice' IN (select CASE WHEN trim(s[i]) = '\"$user\"' THEN user "
         "ELSE trim(s[i]) END from generate_series(array_lower(string_to_array("
         "'\"$user\", public', ','), 1), array_upper(string_to_array('\"$user\", public', "
         "','), 1)) as i, string_to_array('\"$user\", public', ',') s)",
         "?column?:16|t|SELECT 1;"},
    };
    (void)state;
    check(c, sizeof c / sizeof c[0]);
}

static void join_using(void **state)
{
    static const struct qcase c[] = {
        {"select x, a.x, b.x, a.y, b.z from (values (1, 'a'), (2, 'b')) a(x, y) join "
         "(values (2, 'c'), (3, 'd')) b(x, z) using (x)",
         "x:23,x:23,x:23,y:25,z:25|2,2,2,b,c|SELECT 1;"},
        {"select x, y, z from (values (1, 'a'), (2, 'b')) a(x, y) left join "
         "(values (2, 'c'), (3, 'd')) b(x, z) using (x) order by 1",
         "x:23,y:25,z:25|1,a,NULL|2,b,c|SELECT 2;"},
        {"select x from (values (1, 2)) a(x, y) join (values (1, 2)) b(x, y) using (x, y)",
         "x:23|1|SELECT 1;"},
        {"select x from (values (1)) a(x) join (values (1)) b(x) using (x) "
         "join (values (1)) c(x) using (x)", "x:23|1|SELECT 1;"},
        {"select 1 from (values (1)) a(x) join (values (1)) b(y) using (x)", "ERR 42703"},
        {"select 1 from (values (1)) a(x) join (values (1)) b(x) using (x, x)", "ERR 42701"},
        /* PostgreSQL lists the merged column first, and merges differing types: refused */
        {"select * from (values (1)) a(x) join (values (1)) b(x) using (x)", "ERR 0A000"},
        {"select 1 from (values (1)) a(x) join (values (1::int8)) b(x) using (x)",
         "ERR 0A000"},
        {"select 1 from (values (1)) a(x) full join (values (1)) b(x) using (x)", "ERR 0A000"},
        /* the shape of pgJDBC's TypeInfoCache lookup (over pg_namespace there) */
        {"select ns.nspname, r.r from (values ('lakeward'::name)) ns(nspname) join "
         "(select s.r, (current_schemas(false))[s.r] as nspname from generate_series(1, "
         "array_upper(current_schemas(false), 1)) as s(r)) as r using (nspname)",
         "nspname:19,r:23|lakeward,1|SELECT 1;"},
    };
    (void)state;
    check(c, sizeof c / sizeof c[0]);
}

static void backend_pid(void **state)
{
    char want[64];
    (void)state;
    snprintf(want, sizeof want, "pg_backend_pid:23|%d|SELECT 1;", (int)getpid());
    assert_string_equal(run("select pg_backend_pid()"), want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bounds),
        cmocka_unit_test(concatenation),
        cmocka_unit_test(subscripts),
        cmocka_unit_test(parse_ident_and_split),
        cmocka_unit_test(grafana_search_path),
        cmocka_unit_test(join_using),
        cmocka_unit_test(backend_pid),
    };
    return cmocka_run_group_tests(tests, sql_fixture_setup, sql_fixture_teardown);
}

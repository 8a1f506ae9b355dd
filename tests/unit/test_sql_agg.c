/* test_sql_agg.c -- sql/: the ordered-set aggregates (percentile_cont, percentile_disc, mode;
 * WITHIN GROUP binding, direct arguments per group, sort direction, NULLs, the float8[]
 * forms) and the array coercions they rely on, against answers captured from PostgreSQL 15,
 * plus their errors and failed allocations at every step. tests/sqldiff compares many more
 * statements with a live PostgreSQL; this file pins the contract without one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../sql/sql_engine.h"
#include "../../sql/sql_value.h"

#include <stdio.h>
#include <string.h>

#include "sql_sink_fixture.h"

/* Runs q; returns the rendered output (or "ERR sqlstate" on error). */
static const char *run(const char *q)
{
    lw_buf_reset(&out);
    memset(&err, 0, sizeof err);
    if (sql_session_query(&sess, q, &sink, &err) != 0) {
        lw_buf_reset(&out);
        lw_buf_printf(&out, "ERR %s", err.sqlstate);
    }
    return out.data ? out.data : "";
}

static void check(const char *q, const char *want)
{
    const char *got = run(q);
    if (strcmp(got, want) != 0)
        fail_msg("%s\n got: %s (%s)\nwant: %s", q, got, err.msg, want);
}

/* Values PostgreSQL 15 gives for the same statements (psql -At). */
static void answers(void **state)
{
    (void)state;
    check("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x), "
          "percentile_disc(0.5) WITHIN GROUP (ORDER BY x), "
          "mode() WITHIN GROUP (ORDER BY x % 3) FROM generate_series(1, 10) x",
          "percentile_cont:701,percentile_disc:23,mode:23|5.5,5,1|SELECT 1;");
    /* interpolation in float8 exactly as lo + (hi - lo) * t; a NULL fraction, a NULL element */
    check("SELECT percentile_cont(ARRAY[0.5, 0.95, NULL, 0.99]) WITHIN GROUP "
          "(ORDER BY x::float8 / 7) FROM generate_series(1, 10000) x",
          "percentile_cont:1022|{714.3571428571429,1357.1499999999999,NULL,1414.2871428571427}"
          "|SELECT 1;");
    /* DESC reverses the order the fraction counts in; NULL rows are ignored; interval lerp */
    check("SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY v DESC) FROM (VALUES "
          "('1 hour'::interval), ('3 hours'), (NULL), ('10 minutes'), ('2 hours')) t(v)",
          "percentile_cont:1186|02:15:00|SELECT 1;");
    /* per group, over text (text order), the anyarray result typed from the key */
    check("SELECT x % 2 AS g, percentile_disc(ARRAY[0.1, 0.9]) WITHIN GROUP (ORDER BY x::text) "
          "FROM generate_series(1, 25) x GROUP BY 1 ORDER BY 1",
          "g:23,percentile_disc:1009|0,{12,6}|1,{11,7}|SELECT 2;");
    /* a direct argument computed from the group key, once per group */
    check("SELECT x % 4 AS g, percentile_disc((x % 4) / 4.0) WITHIN GROUP (ORDER BY x) "
          "FROM generate_series(1, 20) x GROUP BY x % 4 ORDER BY 1",
          "g:23,percentile_disc:23|0,4|1,5|2,10|3,15|SELECT 4;");
    /* no rows, only NULL rows, a NULL fraction: NULL */
    check("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x), "
          "mode() WITHIN GROUP (ORDER BY x) FROM generate_series(1, 0) x",
          "percentile_cont:701,mode:23|NULL,NULL|SELECT 1;");
    check("SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x) FROM (VALUES (NULL::int)) v(x)",
          "percentile_disc:23|NULL|SELECT 1;");
    check("SELECT percentile_cont(NULL) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 3) x",
          "percentile_cont:701|NULL|SELECT 1;");
    /* FILTER applies before the values are kept */
    check("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FILTER (WHERE x % 2 = 0) "
          "FROM generate_series(1, 10) x",
          "percentile_cont:701|6|SELECT 1;");
    /* mode: ties go to the first value in WITHIN GROUP order */
    check("SELECT mode() WITHIN GROUP (ORDER BY x % 4), mode() WITHIN GROUP (ORDER BY x % 4 DESC) "
          "FROM generate_series(1, 8) x",
          "mode:23,mode:23|0,3|SELECT 1;");
    /* array coercion: element casts, implicit (numeric[] -> float8[]) and explicit */
    check("SELECT ARRAY[1.5, 2.5]::int4[], ARRAY[1, NULL]::float8[]",
          "array:1007,array:1022|{2,3},{1,NULL}|SELECT 1;");
}

static void errors(void **state)
{
    static const struct {
        const char *q, *state;
    } cases[] = {
        /* a fraction outside [0, 1] (NaN too), even over no rows */
        {"SELECT percentile_cont(1.5) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 3) x",
         "22003"},
        {"SELECT percentile_disc(-0.1) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 0) x",
         "22003"},
        {"SELECT percentile_cont('NaN') WITHIN GROUP (ORDER BY x) FROM generate_series(1, 3) x",
         "22003"},
        {"SELECT percentile_cont(ARRAY[0.5, 2]) WITHIN GROUP (ORDER BY x) "
         "FROM generate_series(1, 3) x", "22003"},
        /* WITHIN GROUP required, or refused for a plain aggregate */
        {"SELECT percentile_cont(0.5) FROM generate_series(1, 3) x", "42883"},
        {"SELECT percentile_cont(0.5, x) FROM generate_series(1, 3) x", "42809"},
        {"SELECT percentile_cont(0.5, x) OVER () FROM generate_series(1, 3) x", "42809"},
        {"SELECT count(*) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 3) x", "42809"},
        /* argument shapes and types */
        {"SELECT percentile_cont() WITHIN GROUP (ORDER BY x) FROM generate_series(1, 3) x",
         "42883"},
        {"SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s) FROM (VALUES ('a')) v(s)",
         "42883"},
        {"SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x, x) FROM generate_series(1, 3) x",
         "42883"},
        {"SELECT mode() WITHIN GROUP (ORDER BY j) FROM (VALUES ('{}'::json)) v(j)", "42883"},
        /* grouping rules: direct arguments belong to the group */
        {"SELECT percentile_cont(x / 10.0) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 3) x",
         "42803"},
        {"SELECT percentile_cont(sum(x)) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 3) x",
         "42803"},
        {"SELECT 1 FROM generate_series(1, 3) x WHERE percentile_cont(0.5) WITHIN GROUP "
         "(ORDER BY x) > 1", "42803"},
        /* not computed by lakeward: a clean 0A000, never a different answer */
        {"SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) OVER () "
         "FROM generate_series(1, 3) x", "0A000"},
        {"SELECT rank(2) WITHIN GROUP (ORDER BY x) FROM generate_series(1, 3) x", "0A000"},
        {"SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x USING <) "
         "FROM generate_series(1, 3) x", "0A000"},
    };
    int bad = 0;
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char want[16];
        snprintf(want, sizeof want, "ERR %s", cases[i].state);
        if (strcmp(run(cases[i].q), want) != 0) {
            print_error("%s: got %s (%s), want %s\n", cases[i].q, out.data, err.msg, want);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

/* Every allocation of an ordered-set query failing in turn gives an error or the answer. */
static void failed_allocations(void **state)
{
    const char *q = "SELECT x % 3, percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY x), "
                    "mode() WITHIN GROUP (ORDER BY x % 2 DESC) FROM generate_series(1, 300) x "
                    "GROUP BY 1 ORDER BY 1";
    char want[512];
    (void)state;
    snprintf(want, sizeof want, "%s", run(q));
    assert_non_null(strstr(want, "SELECT 3;"));
    sql_fixture_survives_failed_allocations(q, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(answers),
        cmocka_unit_test(errors),
        cmocka_unit_test(failed_allocations),
    };
    return cmocka_run_group_tests(tests, sql_fixture_setup, sql_fixture_teardown);
}

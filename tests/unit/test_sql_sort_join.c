/* test_sql_sort_join.c -- sql/sql_exec_sort.c and sql/sql_exec_join.c: the bounded top-N
 * sort under a LIMIT returns exactly the slice of the full (stable) sort for every key shape
 * (ASC/DESC, NULLS FIRST/LAST, text, several keys, ties) and arrival order, with LIMIT and
 * OFFSET as constants, expressions and parameters; it holds only the rows it keeps (the row
 * bound); the hash join lists candidates in the right side's order, skips NULL keys, and
 * agrees with the nested loop on duplicate, expression and multi-column keys and outer
 * joins, and keeps only the columns a scan on its right side fills; both survive a failed
 * allocation at every step. tests/sqldiff compares the same shapes with a live PostgreSQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../sql/sql_engine.h"
#include "../../sql/sql_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sql_sink_fixture.h"
#include "sql_decisions_fixture.h"

/* Runs q in session s; returns the rendered output (or "ERR sqlstate" on error). */
static const char *run_in(struct sql_session *s, const char *q)
{
    lw_buf_reset(&out);
    memset(&err, 0, sizeof err);
    if (sql_session_query(s, q, &sink, &err) != 0) {
        lw_buf_reset(&out);
        lw_buf_printf(&out, "ERR %s", err.sqlstate);
    }
    return out.data ? out.data : "";
}

static const char *run(const char *q)
{
    return run_in(&sess, q);
}

static void check(const char *q, const char *want)
{
    const char *got = run(q);
    if (strcmp(got, want) != 0)
        fail_msg("%s\n got: %s (%s)\nwant: %s", q, got, err.msg, want);
}

/* The rows of a rendered answer ("cols|r1|r2|TAG;"), as offsets into a private copy. */
struct rows {
    char *text;
    char *row[4096];
    int n;
};

static void split_rows(const char *answer, struct rows *r)
{
    char *p, *end;
    r->text = strdup(answer);
    assert_non_null(r->text);
    r->n = 0;
    end = strrchr(r->text, '|');        /* the completion tag follows the last '|' */
    assert_non_null(end);
    *end = '\0';
    p = strchr(r->text, '|');           /* the column header precedes the first */
    while (p) {
        *p++ = '\0';
        assert_true(r->n < 4096);
        r->row[r->n++] = p;
        p = strchr(p, '|');
    }
}

/* The sorts compared: every output column printed, ties on the leading keys broken only by
 * arrival order (x is distinct, but not a key, in the first shapes). */
static const char *const shapes[] = {
    "SELECT x %% 5 AS k, x FROM generate_series(1, %d) x ORDER BY k",
    "SELECT x %% 5 AS k, x FROM generate_series(1, %d) x ORDER BY k DESC",
    "SELECT x %% 5 AS k, x FROM generate_series(%d, 1, -1) x ORDER BY k",
    "SELECT (x * 7919) %% 101 AS k, x FROM generate_series(1, %d) x ORDER BY k DESC",
    "SELECT CASE WHEN x %% 4 = 0 THEN NULL ELSE x %% 7 END AS k, x FROM generate_series(1, %d)"
    " x ORDER BY k NULLS FIRST",
    "SELECT CASE WHEN x %% 4 = 0 THEN NULL ELSE x %% 7 END AS k, x FROM generate_series(1, %d)"
    " x ORDER BY k DESC NULLS LAST",
    "SELECT CASE WHEN x %% 4 = 0 THEN NULL ELSE x %% 7 END AS k, x FROM generate_series(1, %d)"
    " x ORDER BY k",
    "SELECT 'k' || (x %% 13)::text AS s, x FROM generate_series(1, %d) x ORDER BY s DESC",
    "SELECT x %% 3 AS a, x %% 4 AS b, x FROM generate_series(1, %d) x ORDER BY a, b DESC",
    "SELECT x %% 3 AS a, x FROM generate_series(1, %d) x ORDER BY a DESC, x DESC",
};

/* Each LIMIT/OFFSET returns the same rows as the slice of the unbounded sort. */
static void topn_is_a_slice_of_the_full_sort(void **state)
{
    static const int limits[][2] = {{1, 0},  {3, 0},   {10, 0},  {10, 7},  {5, 38}, {0, 0},
                                    {7, 45}, {50, 10}, {49, 1},  {200, 0}, {2, 49}, {1, 50}};
    (void)state;
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        char q[512], lq[600];
        struct rows full, part;
        snprintf(q, sizeof q, shapes[s], 50);
        split_rows(run(q), &full);
        assert_int_equal(full.n, 50);
        for (size_t l = 0; l < sizeof limits / sizeof limits[0]; l++) {
            int n = limits[l][0], off = limits[l][1];
            snprintf(lq, sizeof lq, "%s LIMIT %d OFFSET %d", q, n, off);
            split_rows(run(lq), &part);
            for (int i = 0; i < part.n; i++)
                if (strcmp(part.row[i], full.row[off + i]) != 0)
                    fail_msg("%s: row %d is %s, the full sort has %s", lq, i, part.row[i],
                             full.row[off + i]);
            assert_int_equal(part.n, off >= 50 ? 0 : (n < 50 - off ? n : 50 - off));
            free(part.text);
        }
        free(full.text);
    }
}

static void limit_forms(void **state)
{
    (void)state;
    check("SELECT x FROM generate_series(1, 9) x ORDER BY x DESC LIMIT 1 + 1 OFFSET 2 * 3",
          "x:23|3|2|SELECT 2;");
    check("SELECT x FROM generate_series(1, 5) x ORDER BY x DESC LIMIT ALL OFFSET 3",
          "x:23|2|1|SELECT 2;");
    check("SELECT x FROM generate_series(1, 5) x ORDER BY x DESC LIMIT NULL",
          "x:23|5|4|3|2|1|SELECT 5;");
    check("SELECT x FROM generate_series(1, 5) x ORDER BY x LIMIT 9223372036854775807 "
          "OFFSET 3", "x:23|4|5|SELECT 2;");
    check("SELECT x FROM generate_series(1, 5) x ORDER BY x LIMIT 2 "
          "OFFSET 9223372036854775807", "x:23|SELECT 0;");
    check("SELECT x FROM generate_series(1, 5) x ORDER BY x LIMIT 0", "x:23|SELECT 0;");
    check("SELECT x FROM generate_series(1, 5) x ORDER BY x LIMIT -1", "ERR 2201W");
    /* an empty text kept by the heap (its slot had no text bytes yet) */
    check("SELECT s FROM (VALUES ('b'), (''), ('a')) v(s) ORDER BY s LIMIT 2",
          "s:25||a|SELECT 2;");
    /* a LIMIT re-run per outer row: each run has its own heap */
    check("SELECT x, ARRAY(SELECT y FROM generate_series(1, 6) y ORDER BY y % x DESC, y "
          "LIMIT 2) FROM generate_series(2, 4) x ORDER BY x",
          "x:23,array:1007|2,{1,3}|3,{2,5}|4,{3,2}|SELECT 3;");
}

/* LIMIT $1 OFFSET $2: the bound is known when the portal runs, not when it is prepared. */
static void limit_parameters(void **state)
{
    static const struct {
        const char *lim, *off, *want;
    } cases[] = {
        {"3", "2", "|2,2|6,2|10,2|SELECT 3;"},
        {"2", "0", "|3,3|7,3|SELECT 2;"},
        {NULL, "6", "|5,1|9,1|4,0|8,0|SELECT 4;"},      /* LIMIT NULL: all */
        {"1", NULL, "|3,3|SELECT 1;"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct sql_stmt *st;
        struct sql_portal *p;
        const char *vals[2] = {cases[i].lim, cases[i].off};
        int lens[2] = {cases[i].lim ? (int)strlen(cases[i].lim) : 0,
                       cases[i].off ? (int)strlen(cases[i].off) : 0};
        bool suspended;
        assert_int_equal(sql_prepare(&sess, "SELECT x, x % 4 FROM generate_series(1, 10) x "
                                     "ORDER BY x % 4 DESC, x LIMIT $1 OFFSET $2", 0, NULL, &st,
                                     &err), 0);
        assert_int_equal(sql_portal_bind(st, 2, vals, lens, &p, &err), 0);
        sql_stmt_free(st);
        oids[0] = oids[1] = SQL_OID_INT4;
        lw_buf_reset(&out);
        assert_int_equal(sql_portal_execute(p, &sink, 0, &suspended, &err), 0);
        assert_string_equal(out.data, cases[i].want);
        sql_portal_free(p);
    }
}

/* The row bound counts the rows a sort keeps: a top-N over many rows keeps few. */
static void topn_row_bound(void **state)
{
    struct sql_session_opts o = {0};
    struct sql_session small;
    (void)state;
    o.tables = tables;
    o.user = "alice";
    o.admin = true;     /* lakeward.decisions shows a non-admin only its own rows */
    o.database = "lakeward";
    o.version = "PostgreSQL 15.0 (test)";
    o.max_rows_buffered = 100;
    sql_session_init(&small, &o);
    assert_string_equal(run_in(&small, "SELECT x FROM generate_series(1, 5000) x "
                                       "ORDER BY x DESC LIMIT 3 OFFSET 1"),
                        "x:23|4999|4998|4997|SELECT 3;");
    assert_string_equal(run_in(&small, "SELECT x FROM generate_series(1, 5000) x "
                                       "ORDER BY x DESC LIMIT 100"), run_in(&small,
                        "SELECT x FROM generate_series(4901, 5000) x ORDER BY x DESC"));
    assert_string_equal(run_in(&small, "SELECT x FROM generate_series(1, 5000) x "
                                       "ORDER BY x DESC LIMIT 101"), "ERR 54000");
    assert_string_equal(run_in(&small, "SELECT x FROM generate_series(1, 5000) x "
                                       "ORDER BY x DESC"), "ERR 54000");
    sql_session_free(&small);
}

static void hash_join_order_and_nulls(void **state)
{
    (void)state;
    /* candidates in the right side's order, per left row */
    check("SELECT a.k, b.v FROM (VALUES (1), (2), (1)) a(k) JOIN (VALUES (2, 'x'), (1, 'y'), "
          "(2, 'z'), (1, 'w')) b(k, v) ON a.k = b.k",
          "k:23,v:25|1,y|1,w|2,x|2,z|1,y|1,w|SELECT 6;");
    /* NULL keys match nothing, on either side; outer joins keep them */
    check("SELECT a.k, b.k FROM (VALUES (NULL::int), (1), (NULL)) a(k) JOIN (VALUES (NULL::int),"
          " (1), (1)) b(k) ON a.k = b.k", "k:23,k:23|1,1|1,1|SELECT 2;");
    check("SELECT a.k, b.k FROM (VALUES (NULL::int), (1)) a(k) FULL JOIN (VALUES (NULL::int), "
          "(2)) b(k) ON a.k = b.k", "k:23,k:23|NULL,NULL|1,NULL|NULL,NULL|NULL,2|SELECT 4;");
    check("SELECT a.k, b.k FROM (VALUES (1), (2)) a(k) RIGHT JOIN (VALUES (2), (3), (2)) b(k) "
          "ON a.k = b.k", "k:23,k:23|2,2|2,2|NULL,3|SELECT 3;");
    /* keys that are expressions of the right row (kept per row) and several keys */
    check("SELECT a.s, b.t FROM (VALUES ('ab'), ('cd'), (NULL)) a(s) JOIN (VALUES ('AB'), "
          "('Cd'), ('ab'), (NULL)) b(t) ON a.s = lower(b.t)",
          "s:25,t:25|ab,AB|ab,ab|cd,Cd|SELECT 3;");
    check("SELECT a.p, b.v FROM (VALUES (1, 'x'), (1, NULL), (2, 'x')) a(p, q) JOIN (VALUES "
          "(1, 'x', 10), (1, NULL, 20), (2, 'x', 30), (2, 'x', 40)) b(p, q, v) ON a.p = b.p "
          "AND a.q = b.q AND b.v > 10 * a.p",
          "p:23,v:23|2,30|2,40|SELECT 2;");
}

/* The hash join and the nested loop (an ON the key split cannot use) give the same rows. */
static void hash_join_agrees_with_nested_loop(void **state)
{
    static const char *const pairs[][2] = {
        {"SELECT count(*), sum(a.x), sum(b.y) FROM generate_series(1, 600) a(x) JOIN "
         "generate_series(1, 600) b(y) ON a.x % 37 = b.y % 37",
         "SELECT count(*), sum(a.x), sum(b.y) FROM generate_series(1, 600) a(x) JOIN "
         "generate_series(1, 600) b(y) ON (a.x % 37 = b.y % 37) IS TRUE"},
        {"SELECT count(*), sum(a.x), sum(b.y) FROM generate_series(1, 600) a(x) LEFT JOIN "
         "generate_series(1, 600) b(y) ON (a.x % 50)::text = (b.y % 40)::text",
         "SELECT count(*), sum(a.x), sum(b.y) FROM generate_series(1, 600) a(x) LEFT JOIN "
         "generate_series(1, 600) b(y) ON ((a.x % 50)::text = (b.y % 40)::text) IS TRUE"},
        {"SELECT count(*), sum(a.x), sum(b.y) FROM generate_series(1, 300) a(x) FULL JOIN "
         "generate_series(100, 400) b(y) ON a.x = b.y AND a.x % 2 = b.y % 2",
         "SELECT count(*), sum(a.x), sum(b.y) FROM generate_series(1, 300) a(x) FULL JOIN "
         "generate_series(100, 400) b(y) ON (a.x = b.y AND a.x % 2 = b.y % 2) IS TRUE"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        char want[256];
        snprintf(want, sizeof want, "%s", run(pairs[i][1]));
        assert_null(strstr(want, "ERR"));
        check(pairs[i][0], want);
    }
}

/* Joins of table scans keep only the right side's read columns; the answers equal those
 * over a subquery that keeps every column (OFFSET 0 hides the scan from the join). */
static void scan_joins_keep_read_columns(void **state)
{
    static const char *const joins[] = {
        "SELECT a.decision_id, b.decision_id, b.items, b.allowed FROM lakeward.decisions a "
        "JOIN %s b ON a.query_id = b.query_id WHERE a.operation <> 'FilterTables' "
        "ORDER BY 1, 2",
        "SELECT a.decision_id, b.user_name, b.latency_ms FROM lakeward.decisions a LEFT JOIN "
        "%s b ON a.query_id = b.query_id AND b.items > a.items ORDER BY 1, 2",
        "SELECT a.decision_id, b.decision_id, b.time FROM (SELECT * FROM lakeward.decisions "
        "WHERE items = 2) a FULL JOIN %s b ON a.user_name = b.user_name AND a.allowed = "
        "b.allowed ORDER BY 1 NULLS FIRST, 2",
        "SELECT a.user_name, count(*), min(b.operation) FROM lakeward.decisions a RIGHT JOIN "
        "%s b ON lower(a.user_name) = lower(b.user_name) || '' AND a.items = b.items "
        "GROUP BY 1 ORDER BY 1 NULLS FIRST",
        "SELECT count(*), sum(b.items) FROM lakeward.decisions a, %s b "
        "WHERE a.time < b.time AND b.operation = 'ExecuteQuery'",
    };
    (void)state;
    for (size_t i = 0; i < sizeof joins / sizeof joins[0]; i++) {
        char q[1024], want[8192];
        snprintf(q, sizeof q, joins[i], "(SELECT * FROM lakeward.decisions OFFSET 0)");
        snprintf(want, sizeof want, "%s", run(q));
        assert_null(strstr(want, "ERR"));
        assert_null(strstr(want, "SELECT 0;"));
        snprintf(q, sizeof q, joins[i], "lakeward.decisions");
        check(q, want);
    }
}

/* A failed allocation anywhere ends the statement with an error, never a wrong answer. */
static void failed_allocations(void **state)
{
    static const char *const qs[] = {
        "SELECT 'k' || x::text AS s, x FROM generate_series(1, 300) x ORDER BY s DESC "
        "LIMIT 4 OFFSET 3",
        "SELECT a.x, b.s FROM generate_series(1, 50) a(x) JOIN (SELECT y, 'v' || y::text FROM "
        "generate_series(1, 80) y) b(y, s) ON a.x = b.y % 60 ORDER BY 1, 2 LIMIT 5",
        "SELECT a.x, b.y FROM generate_series(1, 40) a(x) LEFT JOIN generate_series(1, 40) b(y)"
        " ON a.x::text = (b.y * 2)::text ORDER BY 1 DESC LIMIT 3",
        "SELECT a.decision_id, b.decision_id FROM lakeward.decisions a FULL JOIN "
        "lakeward.decisions b ON a.query_id = b.query_id AND a.items < b.items ORDER BY 1, 2",
    };
    (void)state;
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        char want[8192];
        snprintf(want, sizeof want, "%s", run(qs[i]));
        assert_null(strstr(want, "ERR"));
        assert_true(strlen(want) < sizeof want - 1);
        sql_fixture_survives_failed_allocations(qs[i], want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(topn_is_a_slice_of_the_full_sort),
        cmocka_unit_test(limit_forms),
        cmocka_unit_test(limit_parameters),
        cmocka_unit_test(topn_row_bound),
        cmocka_unit_test(hash_join_order_and_nulls),
        cmocka_unit_test(hash_join_agrees_with_nested_loop),
        cmocka_unit_test(scan_joins_keep_read_columns),
        cmocka_unit_test(failed_allocations),
    };
    return cmocka_run_group_tests(tests, decisions_setup, decisions_teardown);
}

/* test_sql_cte.c -- sql/sql_op.c: CTEs (WITH, WITH RECURSIVE) are computed only as far as
 * their readers read: a LIMIT ends a recursion that never ends by itself, two readers that
 * stop at different rows share one computation, a runaway recursion still ends at the row
 * bound (54000), a plan left open by a reader that stopped (a table scan inside the CTE) is
 * closed when the statement ends, also for a portal freed mid-way; a failed allocation at
 * any step is an error, never a wrong answer. Answers are PostgreSQL 15's; tests/sqldiff
 * compares more shapes with a live PostgreSQL (33_cte_limit.sql). */
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
#include "sql_decisions_fixture.h"

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

static void check(const char *q, const char *want)
{
    const char *got = run_in(&sess, q);
    if (strcmp(got, want) != 0)
        fail_msg("%s\n got: %s (%s)\nwant: %s", q, got, err.msg, want);
}

static void recursion_under_limit(void **state)
{
    (void)state;
    check("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
          "SELECT n FROM r LIMIT 3 OFFSET 2", "n:23|3|4|5|SELECT 3;");
    check("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n * 2 FROM r) "
          "SELECT n FROM r WHERE n > 1000 LIMIT 2", "n:23|1024|2048|SELECT 2;");
    /* UNION: a round that makes only rows seen before ends the recursion */
    check("WITH RECURSIVE r(n) AS (SELECT 1 UNION SELECT n % 4 + 1 FROM r) SELECT n FROM r",
          "n:23|1|2|3|4|SELECT 4;");
    check("WITH RECURSIVE r(n) AS (SELECT 1 UNION SELECT n % 4 + 1 FROM r) "
          "SELECT n FROM r LIMIT 2", "n:23|1|2|SELECT 2;");
    check("WITH RECURSIVE r(a, b) AS (SELECT 0::int8, 1::int8 UNION ALL SELECT b, a + b FROM r) "
          "SELECT a FROM r LIMIT 3 OFFSET 80",
          "a:20|23416728348467685|37889062373143906|61305790721611591|SELECT 3;");
    /* nothing stops it: the row bound does (every row is kept for the next round) */
    check("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
          "SELECT count(*) FROM r", "ERR 54000");
}

static void row_bound_counts_rows_made(void **state)
{
    struct sql_session_opts o = {0};
    struct sql_session small;
    const char *q = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
                    "SELECT n FROM r LIMIT 1 OFFSET %d";
    char buf[256];
    (void)state;
    o.tables = tables;
    o.admin = true;     /* lakeward.decisions shows a non-admin only its own rows */
    o.user = "alice";
    o.database = "lakeward";
    o.version = "PostgreSQL 15.0 (test)";
    o.max_rows_buffered = 50;
    sql_session_init(&small, &o);
    snprintf(buf, sizeof buf, q, 49);
    assert_string_equal(run_in(&small, buf), "n:23|50|SELECT 1;");
    snprintf(buf, sizeof buf, q, 50);
    assert_string_equal(run_in(&small, buf), "ERR 54000");
    sql_session_free(&small);
}

/* Two readers of one CTE stopping at different rows: one computation, the same rows. */
static void shared_readers(void **state)
{
    (void)state;
    check("WITH t AS MATERIALIZED (SELECT x FROM generate_series(1, 100) x) "
          "SELECT (SELECT sum(x) FROM (SELECT x FROM t LIMIT 3) s), (SELECT count(*) FROM t), "
          "(SELECT max(x) FROM (SELECT x FROM t LIMIT 5) s)",
          "sum:20,count:20,max:23|6,100,5|SELECT 1;");
    check("WITH t AS (SELECT x FROM generate_series(1, 50000000) x) SELECT x FROM t LIMIT 2",
          "x:23|1|2|SELECT 2;");
    check("WITH t AS (SELECT decision_id FROM lakeward.decisions) SELECT "
          "(SELECT count(*) FROM (SELECT * FROM t LIMIT 4) s), (SELECT count(*) FROM t)",
          "count:20,count:20|4,40|SELECT 1;");
}

/* A scan inside a CTE a reader stopped reading is closed with the statement (ASan's leak
 * check fails this test otherwise), also when a portal is freed before its end. */
static void open_plans_closed(void **state)
{
    struct sql_stmt *st;
    struct sql_portal *p;
    bool suspended;
    (void)state;
    check("WITH t AS (SELECT decision_id FROM lakeward.decisions) "
          "SELECT decision_id FROM t LIMIT 2",
          "decision_id:25|00000000-0000-4000-8000-000000000000|"
          "00000000-0000-4000-8000-000000000001|SELECT 2;");
    check("WITH RECURSIVE r(n, d) AS (SELECT 1, ''::text UNION ALL SELECT n + 1, (SELECT "
          "max(user_name) FROM lakeward.decisions WHERE items = n % 3 + 1) FROM r) "
          "SELECT n, d FROM r LIMIT 3", "n:23,d:25|1,|2,User-4|3,User-4|SELECT 3;");
    assert_int_equal(sql_prepare(&sess, "WITH t AS (SELECT decision_id, user_name FROM "
                                 "lakeward.decisions) SELECT user_name FROM t", 0, NULL, &st,
                                 &err), 0);
    assert_int_equal(sql_portal_bind(st, 0, NULL, NULL, &p, &err), 0);
    sql_stmt_free(st);
    oids[0] = SQL_OID_TEXT;
    lw_buf_reset(&out);
    assert_int_equal(sql_portal_execute(p, &sink, 2, &suspended, &err), 0);
    assert_true(suspended);
    assert_string_equal(out.data, "|User-0|User-1");
    sql_portal_free(p);
}

static void failed_allocations(void **state)
{
    static const char *const qs[] = {
        "WITH RECURSIVE r(n, s) AS (SELECT 1, 'a'::text UNION SELECT n % 7 + 1, s || 'b' "
        "FROM r WHERE n < 20) SELECT n, s FROM r LIMIT 9 OFFSET 2",
        "WITH t AS (SELECT decision_id, items FROM lakeward.decisions) SELECT (SELECT "
        "max(decision_id) FROM (SELECT decision_id FROM t LIMIT 7) s), (SELECT sum(items) "
        "FROM t)",
    };
    (void)state;
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        char want[1024];
        snprintf(want, sizeof want, "%s", run_in(&sess, qs[i]));
        assert_null(strstr(want, "ERR"));
        sql_fixture_survives_failed_allocations(qs[i], want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(recursion_under_limit),
        cmocka_unit_test(row_bound_counts_rows_made),
        cmocka_unit_test(shared_readers),
        cmocka_unit_test(open_plans_closed),
        cmocka_unit_test(failed_allocations),
    };
    return cmocka_run_group_tests(tests, decisions_setup, decisions_teardown);
}

/* sql_decisions_fixture.h -- SQL unit tests over a real table: the sink fixture's session
 * (sql_sink_fixture.h, included first) plus lakeward.decisions over a small decision log,
 * 40 decisions of 5 users, 3 operations, query ids shared by pairs and empty for every
 * seventh. Test files use decisions_setup/decisions_teardown as their group fixtures. */
#ifndef SQL_DECISIONS_FIXTURE_H
#define SQL_DECISIONS_FIXTURE_H

#include "../../authz/authz_decision_log.h"
#include "../../authz/authz_decision_sql.h"

static struct authz_decision_log *decisions;

static int decisions_setup(void **state)
{
    static const char *const ops[] = {"ExecuteQuery", "AccessCatalog", "FilterTables"};
    struct lw_err le = {0};
    if (sql_fixture_setup(state) != 0)
        return -1;
    decisions = authz_decision_log_new(64, 0, NULL, &le);
    assert_non_null(decisions);
    assert_int_equal(sql_tables_add(tables, "lakeward", "decisions", &authz_decision_sql_module,
                                    decisions, &le), 0);
    for (int i = 0; i < 40; i++) {
        struct authz_decision_summary rec = {0};
        rec.time_ms = 1767264120000 + (int64_t)i * 1000;
        snprintf(rec.decision_id, sizeof rec.decision_id, "00000000-0000-4000-8000-%012d", i);
        if (i % 7)
            snprintf(rec.query_id, sizeof rec.query_id, "20260101_000000_%05d_abcde", i / 2);
        snprintf(rec.user, sizeof rec.user, "User-%d", i % 5);
        snprintf(rec.operation, sizeof rec.operation, "%s", ops[i % 3]);
        rec.allowed = i % 4 != 0;
        rec.nitems = rec.nallowed = 1 + i % 3;
        rec.latency_us = 100 + i;
        rec.json = lw_strdup("{}");
        assert_non_null(rec.json);
        authz_decision_log_add(decisions, &rec);
    }
    return 0;
}

static int decisions_teardown(void **state)
{
    sql_fixture_teardown(state);
    authz_decision_log_free(decisions);
    return 0;
}

#endif

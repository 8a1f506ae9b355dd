/* sql_sink_fixture.h -- the SQL unit tests' shared harness: a session over an empty table
 * set and a sink that renders a statement's whole answer as one string,
 * "name:oid,...|v,v|v,v|TAG;" ("EMPTY;" for an empty statement), so a test compares one
 * string captured from PostgreSQL 15. Test files `#include "sql_sink_fixture.h"` (one
 * translation unit per test binary), use sql_fixture_setup/sql_fixture_teardown as (or
 * inside) their cmocka group fixtures, and keep their own run() since they render errors
 * differently. Shared so the sink cannot drift between tests that compare the same text. */
#ifndef SQL_SINK_FIXTURE_H
#define SQL_SINK_FIXTURE_H

#include "../../sql/sql_engine.h"
#include "../../sql/sql_value.h"

/* the rendered answer; each column's type OID, which s_row needs to print its values */
static struct lw_buf out;
static uint32_t oids[16];

static int s_columns(void *ctx, int n, const struct sql_result_col *c, struct sql_error *err)
{
    (void)ctx;
    (void)err;
    for (int i = 0; i < n && i < 16; i++) {
        oids[i] = c[i].type_oid;
        lw_buf_printf(&out, "%s%s:%u", i ? "," : "", c[i].name, c[i].type_oid);
    }
    return 0;
}

static int s_row(void *ctx, int n, const struct sql_value *v, struct sql_error *err)
{
    (void)ctx;
    (void)err;
    lw_buf_putc(&out, '|');
    for (int i = 0; i < n; i++) {
        if (i)
            lw_buf_putc(&out, ',');
        if (v[i].type == SQL_V_NULL)
            lw_buf_puts(&out, "NULL");
        else
            sql_value_text(&v[i], oids[i], &out);
    }
    return 0;
}

static int s_complete(void *ctx, const char *tag, struct sql_error *err)
{
    (void)ctx;
    (void)err;
    lw_buf_printf(&out, "|%s;", tag);
    return 0;
}

static int s_empty(void *ctx, struct sql_error *err)
{
    (void)ctx;
    (void)err;
    lw_buf_puts(&out, "EMPTY;");
    return 0;
}

static const struct sql_sink sink = {NULL, s_columns, s_row, s_complete, s_empty};
static struct sql_tables *tables;
static struct sql_session sess;
static struct sql_error err;

/* A session as user alice on database lakeward over an empty table set; a test adds its
 * virtual tables to `tables` afterwards (the session reads them at query time). */
static int sql_fixture_setup(void **state)
{
    struct sql_session_opts o = {0};
    (void)state;
    lw_alloc_install_json();
    tables = sql_tables_new();
    assert_non_null(tables);
    o.tables = tables;
    o.user = "alice";
    o.admin = true;     /* lakeward.decisions shows a non-admin only its own rows */
    o.database = "lakeward";
    o.version = "PostgreSQL 15.0 (test)";
    sql_session_init(&sess, &o);
    lw_buf_init(&out, 1 << 20);
    return 0;
}

static int sql_fixture_teardown(void **state)
{
    (void)state;
    lw_buf_free(&out);
    sql_tables_free(tables);
    return 0;
}

/* Runs q with the n-th allocation failing, for n = 0, 1, ... until it succeeds: every failed
 * run must end with an out-of-memory or bound error, and the first run that succeeds must
 * answer `want` (the answer without failures). A run whose rendering alone ran out (the sink's
 * buffer) is not the engine's and is tried again with the next n. */
static inline void sql_fixture_survives_failed_allocations(const char *q, const char *want)
{
    for (long n = 0; n < 3000; n++) {
        int rc;
        lw_buf_reset(&out);
        memset(&err, 0, sizeof err);
        lw_alloc_fail_after(n);
        rc = sql_session_query(&sess, q, &sink, &err);
        lw_alloc_fail_after(-1);
        if (rc == 0 && out.failed)
            continue;
        if (rc == 0) {
            assert_string_equal(out.data, want);
            return;
        }
        assert_true(strcmp(err.sqlstate, "53200") == 0 || strcmp(err.sqlstate, "XX000") == 0 ||
                    strcmp(err.sqlstate, "54000") == 0);
    }
    fail_msg("%s never succeeded", q);
}

#endif

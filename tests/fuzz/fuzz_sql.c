/* fuzz_sql.c -- libFuzzer target for the SQL engine: each input is one simple-protocol query
 * string run through sql_session_query (parse, bind, plan, execute) against the real table
 * registry, i.e. lakeward.decisions over a small decision log, on a thread with the stack a
 * Postgres session gets. Rows are rendered to text as the wire layer would, then dropped.
 * Seed corpus: tests/sqldiff/fuzz_corpus.py (the differential and captured queries). */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../authz/authz_decision_log.h"
#include "../../authz/authz_decision_sql.h"
#include "../../server/pg_wire.h"
#include "../../sql/sql_engine.h"
#include "../../sql/sql_parse.h"
#include "../../sql/sql_tables.h"
#include "../../sql/sql_value.h"

/* The wire layer's bound on one message (server/pg_session.c); longer text never arrives. */
#define FUZZ_MAX_QUERY (1u << 20)
#define FUZZ_MAX_COLS 2048

static struct sql_tables *tables;
static struct authz_decision_log *decisions;

/* A few decisions so lakeward.decisions has rows of each shape (allow, batch, no query id). */
static const struct {
    const char *user, *operation, *query_id;
    bool batch, allowed;
    int nitems, nallowed;
} seed_decisions[] = {
    {"alice", "ExecuteQuery", "20260101_104200_00001_abcde", false, true, 1, 1},
    {"bob", "FilterCatalogs", "", true, true, 2, 1},
    {"carol", "SelectFromColumns", "", false, false, 1, 0},
};

static void add_decisions(void)
{
    for (size_t i = 0; i < sizeof seed_decisions / sizeof seed_decisions[0]; i++) {
        struct authz_decision_summary rec = {0};
        char json[512];

        rec.time_ms = 1767264120000 + (int64_t)i * 1000;
        snprintf(rec.decision_id, sizeof rec.decision_id, "00000000-0000-4000-8000-%012zu", i);
        snprintf(rec.query_id, sizeof rec.query_id, "%s", seed_decisions[i].query_id);
        snprintf(rec.user, sizeof rec.user, "%s", seed_decisions[i].user);
        snprintf(rec.operation, sizeof rec.operation, "%s", seed_decisions[i].operation);
        rec.batch = seed_decisions[i].batch;
        rec.allowed = seed_decisions[i].allowed;
        rec.nitems = seed_decisions[i].nitems;
        rec.nallowed = seed_decisions[i].nallowed;
        rec.latency_us = 250 + (int64_t)i;
        snprintf(json, sizeof json, "{\"decision_id\":\"%s\",\"user\":\"%s\",\"allowed\":%s}",
                 rec.decision_id, rec.user, rec.allowed ? "true" : "false");
        rec.json = lw_strdup(json);
        if (!rec.json)
            abort();
        authz_decision_log_add(decisions, &rec);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct lw_err err = {0};

    (void)argc;
    (void)argv;
    decisions = authz_decision_log_new(16, 0, NULL, &err);
    tables = sql_tables_new();
    if (!decisions || !tables ||
        sql_tables_add(tables, "lakeward", "decisions", &authz_decision_sql_module, decisions,
                       &err) != 0) {
        fprintf(stderr, "fuzz_sql: set-up failed: %s\n", err.msg);
        abort();
    }
    add_decisions();
    return 0;
}

/* The sink: remembers the column types and renders every value to text, like the wire. */
struct render {
    uint32_t types[FUZZ_MAX_COLS];
    int ncols;
    struct lw_buf text;
};

static int on_columns(void *ctx, int n, const struct sql_result_col *cols, struct sql_error *err)
{
    struct render *r = ctx;

    if (n > FUZZ_MAX_COLS)
        return sql_error_set(err, "54011", "fuzz sink: too many columns");
    for (int i = 0; i < n; i++)
        r->types[i] = cols[i].type_oid;
    r->ncols = n;
    return 0;
}

static int on_row(void *ctx, int n, const struct sql_value *vals, struct sql_error *err)
{
    struct render *r = ctx;

    if (n != r->ncols)
        return sql_error_set(err, "XX000", "fuzz sink: row of %d values for %d columns", n,
                             r->ncols);
    for (int i = 0; i < n; i++) {
        lw_buf_reset(&r->text);
        if (vals[i].type != SQL_V_NULL)
            sql_value_text(&vals[i], r->types[i], &r->text);
    }
    return 0;
}

static int on_complete(void *ctx, const char *tag, struct sql_error *err)
{
    (void)ctx;
    (void)tag;
    (void)err;
    return 0;
}

static int on_empty(void *ctx, struct sql_error *err)
{
    (void)ctx;
    (void)err;
    return 0;
}

/* A statement may legitimately run long (count(*) over a generate_series of 100 million
 * timestamps is valid SQL that PostgreSQL runs too): what must hold is that it can be
 * stopped. So each input gets STATEMENT_BUDGET_MS, then the harness cancels it the way
 * statement_timeout does, and the cancel must end it well inside libFuzzer's timeout. */
#define STATEMENT_BUDGET_MS 2000

struct job {
    const char *query;
    volatile sig_atomic_t cancel;
};

/* One session per input, as one client connection would run it. */
static void *run_query(void *arg)
{
    struct job *job = arg;
    struct render *r = lw_calloc(1, sizeof *r);
    struct sql_session_opts o = {0};
    struct sql_session s;
    struct sql_error err;

    if (!r)
        abort();
    lw_buf_init(&r->text, 1u << 20);
    struct sql_sink sink = {r, on_columns, on_row, on_complete, on_empty};
    o.tables = tables;
    o.admin = true;     /* lakeward.decisions shows a non-admin only its own rows */
    o.user = "fuzz";
    o.database = "lakeward";
    o.version = "PostgreSQL 15.0 (lakeward fuzz)";
    o.max_query_memory = 64u << 20;
    o.max_rows_buffered = 100000;
    o.cancel = &((struct job *)arg)->cancel;
    sql_session_init(&s, &o);
    memset(&err, 0, sizeof err);
    if (sql_session_query(&s, job->query, &sink, &err) != 0 && !err.sqlstate[0]) {
        fprintf(stderr, "fuzz_sql: error without a SQLSTATE: %s\n", err.msg);
        abort();
    }
    sql_session_free(&s);
    lw_buf_free(&r->text);
    lw_free(r);
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t bad;
    pthread_attr_t attr;
    pthread_t t;
    struct job job;
    char *query;

    /* What pg_session.c lets through: no NUL inside, valid UTF-8, under the message bound. */
    if (size >= FUZZ_MAX_QUERY || memchr(data, 0, size) ||
        !pg_utf8_valid((const char *)data, size, &bad))
        return -1;
    if (!(query = lw_malloc(size + 1)))
        abort();
    memcpy(query, data, size);
    query[size] = '\0';
    job.query = query;
    job.cancel = SQL_CANCEL_NONE;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, SQL_STACK_SIZE);
    if (pthread_create(&t, &attr, run_query, &job) != 0)
        abort();
    {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += STATEMENT_BUDGET_MS / 1000;
        until.tv_nsec += (long)(STATEMENT_BUDGET_MS % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        if (pthread_timedjoin_np(t, NULL, &until) != 0) {
            job.cancel = SQL_CANCEL_TIMEOUT;
            pthread_join(t, NULL);
        }
    }
    pthread_attr_destroy(&attr);
    lw_free(query);
    return 0;
}

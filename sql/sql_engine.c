/* sql_engine.c -- one session's query loop over libpg_query (sql_engine.h). */
#include "sql_engine.h"

#include "sql_parse.h"

#include <pg_query.h>

#define SQL_MAX_PARSE_TREE (16u << 20)
#include <stdio.h>
#include <string.h>

void sql_session_init(struct sql_session *s, const struct sql_session_opts *o)
{
    memset(s, 0, sizeof *s);
    s->o = *o;
    if (!s->o.max_query_memory)
        s->o.max_query_memory = 256u << 20;
    if (!s->o.max_rows_buffered)
        s->o.max_rows_buffered = 1000000;
    s->tx = 'I';
}

void sql_session_error(struct sql_session *s)
{
    if (s->tx == 'T')
        s->tx = 'E';
}

char sql_session_tx_status(const struct sql_session *s)
{
    return s->tx;
}

static int run_statement(struct sql_session *s, const char *query, size_t query_len,
                         json_t *stmt, const struct sql_sink *sink, struct sql_error *err)
{
    struct lw_arena arena;
    struct sql_plan_ctx ctx = {s->o.tables, query, query_len, s->o.user, s->o.database,
                               s->o.version, &arena};
    struct sql_plan plan;
    uint64_t nrows = 0;
    char tag[64];
    int rc;

    lw_arena_init(&arena, s->o.max_query_memory);
    rc = sql_plan_build(&ctx, stmt, &arena, &plan, err);
    if (rc == 0 && s->tx == 'E' && plan.kind != SQL_STMT_COMMIT && plan.kind != SQL_STMT_ROLLBACK)
        rc = sql_error_set(err, "25P02", "current transaction is aborted, commands ignored "
                           "until end of transaction block");
    if (rc != 0)
        goto out;
    switch (plan.kind) {
    case SQL_STMT_SELECT:
        rc = sql_exec_select(&plan, sink, &arena, s->o.max_rows_buffered, &nrows, err);
        snprintf(tag, sizeof tag, "SELECT %llu", (unsigned long long)nrows);
        break;
    case SQL_STMT_BEGIN:
        s->tx = 'T';
        snprintf(tag, sizeof tag, "BEGIN");
        break;
    case SQL_STMT_COMMIT:
        /* COMMIT of a failed transaction rolls it back and says so. */
        snprintf(tag, sizeof tag, "%s", s->tx == 'E' ? "ROLLBACK" : "COMMIT");
        s->tx = 'I';
        break;
    case SQL_STMT_ROLLBACK:
        snprintf(tag, sizeof tag, "ROLLBACK");
        s->tx = 'I';
        break;
    }
    if (rc == 0)
        rc = sink->complete(sink->ctx, tag, err);
out:
    lw_arena_free(&arena);
    return rc;
}

/* A syntax error from libpg_query: 42601 with its message and cursor position (already
 * in 1-based characters, as Postgres reports it). */
static int parse_error(const PgQueryError *pe, struct sql_error *err)
{
    sql_error_set(err, "42601", "%s", pe->message ? pe->message : "syntax error");
    err->position = pe->cursorpos > 0 ? pe->cursorpos : 0;
    return LW_EINVAL;
}

int sql_session_query(struct sql_session *s, const char *query, const struct sql_sink *sink,
                      struct sql_error *err)
{
    PgQueryParseResult r = {0};
    size_t query_len = strlen(query);
    json_t *tree = NULL, *stmts, *raw;
    json_error_t jerr;
    size_t i;
    int rc = 0;

    /* Bound the tree's depth before libpg_query's recursive code sees the text. */
    if ((rc = sql_parse_check_depth(query, err)) != 0)
        goto out;
    r = pg_query_parse(query);
    if (r.error) {
        rc = parse_error(r.error, err);
        goto out;
    }
    /* The JSON tree is some 45 times the query text; bound it before building objects. */
    if (strlen(r.parse_tree) > SQL_MAX_PARSE_TREE) {
        rc = sql_error_set(err, "54001", "statement too complex: its parse tree exceeds %u "
                           "bytes", (unsigned)SQL_MAX_PARSE_TREE);
        goto out;
    }
    tree = json_loads(r.parse_tree, 0, &jerr);
    if (!tree) {
        rc = sql_error_set(err, "XX000", "cannot read the parse tree: %s", jerr.text);
        goto out;
    }
    stmts = json_object_get(tree, "stmts");
    if (json_array_size(stmts) == 0) {
        rc = sink->empty(sink->ctx, err);
        goto out;
    }
    json_array_foreach(stmts, i, raw)
    {
        rc = run_statement(s, query, query_len, json_object_get(raw, "stmt"), sink, err);
        if (rc != 0)
            break;
    }
out:
    if (rc != 0)
        sql_session_error(s);
    json_decref(tree);
    pg_query_free_parse_result(r);
    return rc;
}

/* sql_engine.c -- one session's simple-protocol loop (sql_engine.h): parse the whole
 * string once (bounded, sql_parse.h), then bind and run each statement in turn. */
#include "sql_engine.h"

#include "../server/core/lw_arena.h"
#include "sql_catalog.h"
#include "sql_cursor.h"
#include "sql_exec_int.h"
#include "sql_settings.h"
#include "sql_type.h"

#include <string.h>

void sql_session_init(struct sql_session *s, const struct sql_session_opts *o)
{
    /* reg* values are named through the catalogs (idempotent, same for every session) */
    sql_type_set_reg_hooks(sql_catalog_reg_in, sql_catalog_reg_out);
    memset(s, 0, sizeof *s);
    s->o = *o;
    if (!s->o.max_query_memory)
        s->o.max_query_memory = 256u << 20;
    if (!s->o.max_rows_buffered)
        s->o.max_rows_buffered = 1000000;
    s->tx = 'I';
    s->cursor_ops = &sql_cursor_ops;
}

/* Query strings longer than this are not kept for reuse (their tree would stay in
 * memory for the whole session). */
#define PARSE_CACHE_MAX_TEXT 16384

static void parse_cache_drop(struct sql_session *s)
{
    if (s->parsed_text)
        sql_parsed_free(&s->parsed);
    lw_free(s->parsed_text);
    s->parsed_text = NULL;
}

void sql_session_free(struct sql_session *s)
{
    sql_cursor_ops.end(s, SQL_CURSORS_ALL);
    parse_cache_drop(s);
    if (s->spare_live)
        lw_arena_free(&s->spare);
    s->spare_live = false;
}

static int run_one(struct sql_session *s, const char *query, const PgQuery__Node *node,
                   const struct sql_sink *sink, struct sql_error *err)
{
    struct sql_run r;
    const struct sql_result_col *cols;
    bool suspended;
    int rc, n;
    if ((rc = sql_run_begin(&r, s, query, node, 0, NULL, err)) == 0) {
        if (r.bound.kind == SQL_STMT_SELECT && !(r.cols = lw_arena_alloc(
                &r.arena, (size_t)(r.bound.ncols + 1) * sizeof *r.cols))) {
            rc = sql_error_set(err, "53200", "out of memory");
        } else {
            for (int i = 0; r.bound.kind == SQL_STMT_SELECT && i < r.bound.ncols; i++)
                r.cols[i] = (struct sql_result_col){r.bound.names[i], r.bound.types[i]};
            n = sql_run_columns(&r, &cols, NULL);
            /* the 25P02 check comes before the RowDescription */
            if (s->tx == 'E' && r.bound.kind != SQL_STMT_COMMIT &&
                r.bound.kind != SQL_STMT_ROLLBACK)
                rc = sql_error_set(err, "25P02", "current transaction is aborted, commands "
                                   "ignored until end of transaction block");
            else if ((r.bound.kind == SQL_STMT_SELECT || r.bound.kind == SQL_STMT_SHOW ||
                      (r.bound.kind == SQL_STMT_FETCH && !r.bound.fetch.move)) &&
                     sink->columns(sink->ctx, n, cols, err) != 0)
                rc = LW_EIO;
            else
                rc = sql_run_execute(&r, sink, 0, &suspended, err);
        }
    }
    sql_run_end(&r);
    return rc;
}

int sql_session_query(struct sql_session *s, const char *query, const struct sql_sink *sink,
                      struct sql_error *err)
{
    struct sql_parsed p;
    bool cached = s->parsed_text && strcmp(s->parsed_text, query) == 0;
    int rc = 0;
    if (cached) {
        p = s->parsed;
    } else if ((rc = sql_parse(query, &p, err)) != 0) {
        sql_session_error(s);
        return rc;
    }
    if (p.tree->n_stmts == 0)
        rc = sink->empty(sink->ctx, err);
    for (size_t i = 0; rc == 0 && i < p.tree->n_stmts; i++)
        rc = run_one(s, query, p.tree->stmts[i]->stmt, sink, err);
    if (rc != 0)
        sql_session_error(s);
    sql_type_set_reg_tables(NULL);
    if (!cached) {
        /* the new tree replaces the kept one when the text is small enough to keep */
        size_t len = strlen(query);
        char *text = len <= PARSE_CACHE_MAX_TEXT ? lw_strdup(query) : NULL;
        if (text) {
            parse_cache_drop(s);
            s->parsed_text = text;
            s->parsed = p;
        } else {
            sql_parsed_free(&p);
        }
    }
    return rc;
}

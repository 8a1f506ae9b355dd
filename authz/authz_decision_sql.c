/* authz_decision_sql.c -- lakeward.decisions over the decision ring (authz_decision_sql.h).
 * A scan reads the ring in chunks of CHUNK records into the cursor's own buffer
 * (authz_decision_log_read, lock-free under the ring's per-slot seqlock), the JSON records
 * only when the query reads them: no copy of the whole ring per scan (a count(*) over 100k
 * records spent half its time allocating and filling one), and a long query never holds up
 * Trino's decisions. Constraints are left to the engine (the ring is in memory and bounded,
 * a full scan is cheap). */
#include "authz_decision_sql.h"

#include "authz_access_sql.h"
#include "authz_decision_log.h"

#include <string.h>

enum {
    COL_TIME,
    COL_DECISION_ID,
    COL_QUERY_ID,
    COL_USER_NAME,
    COL_OPERATION,
    COL_ENDPOINT,
    COL_ALLOWED,
    COL_ITEMS,
    COL_ALLOWED_ITEMS,
    COL_LAKEKEEPER_CALLS,
    COL_CACHE_HITS,
    COL_LATENCY_MS,
    COL_RECORD,
    NCOLS
};

static const struct sql_col cols[NCOLS] = {
    [COL_TIME] = {"time", SQL_OID_TIMESTAMPTZ, 0},
    [COL_DECISION_ID] = {"decision_id", SQL_OID_TEXT, 0},
    [COL_QUERY_ID] = {"query_id", SQL_OID_TEXT, 0},
    [COL_USER_NAME] = {"user_name", SQL_OID_TEXT, 0},
    [COL_OPERATION] = {"operation", SQL_OID_TEXT, 0},
    [COL_ENDPOINT] = {"endpoint", SQL_OID_TEXT, 0},
    [COL_ALLOWED] = {"allowed", SQL_OID_BOOL, 0},
    [COL_ITEMS] = {"items", SQL_OID_INT4, 0},
    [COL_ALLOWED_ITEMS] = {"allowed_items", SQL_OID_INT4, 0},
    [COL_LAKEKEEPER_CALLS] = {"lakekeeper_calls", SQL_OID_INT4, 0},
    [COL_CACHE_HITS] = {"cache_hits", SQL_OID_INT4, 0},
    [COL_LATENCY_MS] = {"latency_ms", SQL_OID_FLOAT8, 0},
    [COL_RECORD] = {"record", SQL_OID_JSON, 0},
};

/* Records per chunk: large enough that the per-chunk work vanishes, small enough to stay in
 * cache (~50 KiB). */
#define CHUNK 128

struct cursor {
    struct sql_cursor base;
    struct authz_decision_log *log;
    uint64_t from, to;          /* records still to read: [from, to) */
    bool with_json;
    const char *owner;          /* authz_sql_visible_user: NULL (admin) or whose rows show */
    int nrows, pos;             /* rows[pos] is the current record of the chunk */
    struct authz_decision_summary rows[CHUNK];
};

/* Plan ids: whether the scan must copy the JSON records (the bulk of the ring's bytes). */
enum { PLAN_SUMMARY = 0, PLAN_WITH_RECORD = 1 };

static int best_index(void *aux, const struct sql_index_in *in, struct sql_index_out *out,
                      struct lw_err *err)
{
    (void)aux;
    (void)err;
    out->plan = in->cols_used & (1ull << COL_RECORD) ? PLAN_WITH_RECORD : PLAN_SUMMARY;
    out->est_cost = 1;      /* in memory: no round trip */
    out->est_rows = 1000;
    return 0;
}

static int open_cursor(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **cur,
                       struct lw_err *err)
{
    struct cursor *c = lw_calloc(1, sizeof *c);
    if (!c)
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    c->base.mod = &authz_decision_sql_module;
    c->log = aux;
    c->owner = authz_sql_visible_user(qc);
    *cur = &c->base;
    return 0;
}

/* Replaces the chunk with the next records of the scan the session may see (none at its
 * end): a chunk of others' records is skipped whole, so an empty chunk means the end. */
static int fill(struct cursor *c, struct lw_err *err)
{
    int k;
    authz_decision_log_rows_clear(c->rows, c->nrows);
    c->nrows = c->pos = 0;
    while (c->nrows == 0 && c->log && c->from < c->to) {
        if ((k = authz_decision_log_read(c->log, &c->from, c->to, c->with_json, c->rows,
                                         CHUNK)) < 0)
            return lw_err_set(err, LW_ENOMEM, "out of memory copying the decision log");
        for (int i = 0; i < k; i++) {
            if (!authz_sql_may_see(c->owner, c->rows[i].user)) {
                authz_decision_log_rows_clear(&c->rows[i], 1);
                continue;
            }
            if (i != c->nrows)
                c->rows[c->nrows] = c->rows[i];
            c->nrows++;
        }
    }
    return 0;
}

static int filter(struct sql_cursor *cur, int plan, int argc, const struct sql_value *argv,
                  struct lw_err *err)
{
    struct cursor *c = (struct cursor *)cur;
    (void)argc;
    (void)argv;
    c->from = c->to = 0;
    if (c->log)
        authz_decision_log_span(c->log, &c->from, &c->to);
    c->with_json = plan == PLAN_WITH_RECORD;
    return fill(c, err);
}

static int next(struct sql_cursor *cur, struct lw_err *err)
{
    struct cursor *c = (struct cursor *)cur;
    if (++c->pos >= c->nrows)
        return fill(c, err);
    return 0;
}

static bool eof(struct sql_cursor *cur)
{
    struct cursor *c = (struct cursor *)cur;
    return c->pos >= c->nrows;
}

static void text(struct sql_value *v, const char *s)
{
    if (!s || !*s) {
        v->type = SQL_V_NULL;
        return;
    }
    v->type = SQL_V_TEXT;
    v->u.s.p = s;
    v->u.s.len = strlen(s);
}

static void int_value(struct sql_value *v, int64_t i)
{
    v->type = SQL_V_INT;
    v->u.i = i;
}

static int column(struct sql_cursor *cur, int col, struct sql_value *v, struct lw_err *err)
{
    struct cursor *c = (struct cursor *)cur;
    const struct authz_decision_summary *r = &c->rows[c->pos];
    memset(v, 0, sizeof *v);
    switch (col) {
    case COL_TIME:
        v->type = SQL_V_TIME;
        v->u.us = r->time_ms * 1000;
        break;
    case COL_DECISION_ID: text(v, r->decision_id); break;
    case COL_QUERY_ID: text(v, r->query_id); break;
    case COL_USER_NAME: text(v, r->user); break;
    case COL_OPERATION: text(v, r->operation); break;
    case COL_ENDPOINT: text(v, r->batch ? "batch" : "allow"); break;
    case COL_ALLOWED:
        v->type = SQL_V_BOOL;
        v->u.b = r->allowed;
        break;
    case COL_ITEMS: int_value(v, r->nitems); break;
    case COL_ALLOWED_ITEMS: int_value(v, r->nallowed); break;
    case COL_LAKEKEEPER_CALLS: int_value(v, r->lk_calls); break;
    case COL_CACHE_HITS: int_value(v, r->cache_hits); break;
    case COL_LATENCY_MS:
        v->type = SQL_V_FLOAT;
        v->u.f = (double)r->latency_us / 1000.0;
        break;
    case COL_RECORD: text(v, r->json); break;
    default: return lw_err_set(err, LW_EINVAL, "no column %d in lakeward.decisions", col);
    }
    return 0;
}

static void close_cursor(struct sql_cursor *cur)
{
    struct cursor *c = (struct cursor *)cur;
    if (!c)
        return;
    authz_decision_log_rows_clear(c->rows, c->nrows);
    lw_free(c);
}

const struct sql_vtab_module authz_decision_sql_module = {
    .name = "decisions",
    .cols = cols,
    .ncols = NCOLS,
    .best_index = best_index,
    .open = open_cursor,
    .filter = filter,
    .next = next,
    .eof = eof,
    .column = column,
    .close = close_cursor,
};

/* sql_exec.c -- the executor for single-table SELECT plans (sql_exec.h). */
#include "sql_exec.h"

#include "sql_value.h"

#include <stdlib.h>
#include <string.h>

struct exec {
    const struct sql_plan *p;
    const struct sql_sink *sink;
    const struct sql_vtab_module *mod;
    struct lw_arena *arena;
    struct sql_value *out;          /* ntargets values of the row being sent */
    uint64_t sent, skipped;
    bool done;                      /* LIMIT reached */
};

static int nomem(struct lw_arena *arena, struct sql_error *err)
{
    if (arena->exceeded) {
        sql_error_set(err, "54000", "query needs more than %zu bytes of memory", arena->max);
        snprintf(err->hint, sizeof err->hint, "Add a WHERE condition or a LIMIT.");
        return LW_ENOMEM;
    }
    sql_error_set(err, "53200", "out of memory");
    return LW_ENOMEM;
}

static bool pred_true(const struct sql_pred *pr, const struct sql_value *v)
{
    int c;
    if (pr->op == SQL_OP_ISNULL)
        return v->type == SQL_V_NULL;
    if (pr->op == SQL_OP_ISNOTNULL)
        return v->type != SQL_V_NULL;
    if (v->type == SQL_V_NULL || pr->value.type == SQL_V_NULL)
        return false;
    c = sql_value_cmp(v, &pr->value);
    switch (pr->op) {
    case SQL_OP_EQ: return c == 0;
    case SQL_OP_NE: return c != 0;
    case SQL_OP_LT: return c < 0;
    case SQL_OP_LE: return c <= 0;
    case SQL_OP_GT: return c > 0;
    case SQL_OP_GE: return c >= 0;
    default: return false;
    }
}

/* Sends one row made of the table row `row` (indexed by column) and the constants. */
static int emit(struct exec *x, const struct sql_value *row, struct sql_error *err)
{
    const struct sql_plan *p = x->p;
    if (x->done)
        return 0;
    if (x->skipped < (uint64_t)p->offset) {
        x->skipped++;
        return 0;
    }
    for (int i = 0; i < p->ntargets; i++)
        x->out[i] = p->targets[i].kind == SQL_TGT_COLUMN ? row[p->targets[i].column]
                                                         : p->targets[i].value;
    if (x->sink->row(x->sink->ctx, p->ntargets, x->out, err) != 0)
        return LW_EIO;
    x->sent++;
    if (p->limit >= 0 && x->sent >= (uint64_t)p->limit)
        x->done = true;
    return 0;
}

static int cmp_rows(const void *a, const void *b, void *ctx)
{
    const struct sql_plan *p = ctx;
    const struct sql_value *ra = *(const struct sql_value *const *)a;
    const struct sql_value *rb = *(const struct sql_value *const *)b;
    for (int i = 0; i < p->nsorts; i++) {
        const struct sql_sort *s = &p->sorts[i];
        const struct sql_value *va, *vb;
        int c;
        if (s->column < 0)
            continue;
        va = &ra[s->column];
        vb = &rb[s->column];
        if (va->type == SQL_V_NULL || vb->type == SQL_V_NULL) {
            if (va->type == vb->type)
                continue;
            return (va->type == SQL_V_NULL) == s->nulls_first ? -1 : 1;
        }
        c = sql_value_cmp(va, vb);
        if (c)
            return s->desc ? -c : c;
    }
    return 0;
}

/* Copies the used columns of a row into the arena. */
static struct sql_value *copy_row(struct exec *x, const struct sql_value *row,
                                  const bool *used, struct sql_error *err)
{
    int n = x->mod->ncols;
    struct sql_value *r = lw_arena_alloc(x->arena, (size_t)n * sizeof *r);
    if (!r) {
        nomem(x->arena, err);
        return NULL;
    }
    for (int c = 0; c < n; c++) {
        r[c] = used[c] ? row[c] : (struct sql_value){0};
        if (used[c] && r[c].type == SQL_V_TEXT) {
            char *s = lw_arena_strndup(x->arena, row[c].u.s.p, row[c].u.s.len);
            if (!s) {
                nomem(x->arena, err);
                return NULL;
            }
            r[c].u.s.p = s;
        }
    }
    return r;
}

static int scan(struct exec *x, long max_rows_buffered, struct sql_error *err)
{
    const struct sql_plan *p = x->p;
    const struct sql_table *t = p->table;
    const struct sql_vtab_module *m = t->mod;
    int n = m->ncols, rc = 0, argc = 0;
    struct sql_index_constraint *cons = NULL;
    struct sql_index_orderby *ob = NULL;
    struct sql_index_in in = {0};
    struct sql_index_out out = {0};
    struct sql_value *argv = NULL, *row = NULL, **buffered = NULL;
    struct sql_cursor *cur = NULL;
    struct lw_err le = {0};
    struct sql_query_ctx qc = {0};
    bool *used = NULL, sort;
    size_t nbuf = 0, capbuf = 0;

    used = lw_arena_alloc(x->arena, (size_t)n * sizeof *used);
    row = lw_arena_alloc(x->arena, (size_t)n * sizeof *row);
    cons = lw_arena_alloc(x->arena, (size_t)(p->npreds + 1) * sizeof *cons);
    out.usage = lw_arena_alloc(x->arena, (size_t)(p->npreds + 1) * sizeof *out.usage);
    argv = lw_arena_alloc(x->arena, (size_t)(p->npreds + 1) * sizeof *argv);
    ob = lw_arena_alloc(x->arena, (size_t)(p->nsorts + 1) * sizeof *ob);
    if (!used || !row || !cons || !out.usage || !argv || !ob)
        return nomem(x->arena, err);
    memset(used, 0, (size_t)n * sizeof *used);
    memset(out.usage, 0, (size_t)(p->npreds + 1) * sizeof *out.usage);

    /* What the table is told: constraints, ORDER BY, columns read. */
    for (int i = 0; i < p->ntargets; i++)
        if (p->targets[i].kind == SQL_TGT_COLUMN)
            used[p->targets[i].column] = true;
    for (int i = 0; i < p->npreds; i++) {
        used[p->preds[i].column] = true;
        cons[i] = (struct sql_index_constraint){p->preds[i].column, p->preds[i].op, true};
    }
    for (int i = 0; i < p->nsorts; i++)
        if (p->sorts[i].column >= 0) {
            used[p->sorts[i].column] = true;
            ob[in.norderby++] = (struct sql_index_orderby){p->sorts[i].column, p->sorts[i].desc};
        }
    for (int c = 0; c < n; c++)
        if (used[c])
            in.cols_used |= 1ull << (c < 63 ? c : 63);
    in.nconstraint = p->npreds;
    in.constraint = cons;
    in.orderby = ob;

    rc = m->best_index(t->aux, &in, &out, &le);
    if (rc == SQL_VTAB_CONSTRAINT)
        return sql_error_set(err, "0A000", "table %s.%s cannot answer a query with these "
                             "conditions", t->schema, t->name);
    if (rc != 0)
        return sql_error_from_lw(err, &le);
    for (int i = 0; i < p->npreds; i++) {
        int k = out.usage[i].arg_index;
        if (k < 0 || k > p->npreds)
            return sql_error_set(err, "XX000", "table %s returned a bad plan", t->name);
        if (k > 0) {
            argv[k - 1] = p->preds[i].value;
            argc = k > argc ? k : argc;
        }
    }
    sort = in.norderby > 0 && !out.order_consumed;

    if ((rc = m->open(t->aux, &qc, &cur, &le)) != 0)
        return sql_error_from_lw(err, &le);
    rc = m->filter(cur, out.plan, argc, argv, &le);
    while (rc == 0 && !m->eof(cur) && !x->done) {
        bool keep = true;
        for (int c = 0; c < n && rc == 0; c++) {
            row[c] = (struct sql_value){0};
            if (used[c] && (rc = m->column(cur, c, &row[c], &le)) == 0 &&
                row[c].type != SQL_V_NULL && row[c].type != sql_vtype_of(m->cols[c].type_oid)) {
                sql_error_set(err, "XX000", "table %s returned a value of the wrong type for "
                              "column %s", t->name, m->cols[c].name);
                rc = LW_EINVAL;
                goto out;
            }
        }
        if (rc != 0)
            break;
        for (int i = 0; i < p->npreds && keep; i++)
            if (!out.usage[i].omit)
                keep = pred_true(&p->preds[i], &row[p->preds[i].column]);
        if (keep && sort) {
            if (nbuf == capbuf) {
                size_t ncap = capbuf ? capbuf * 2 : 256;
                struct sql_value **nb = lw_arena_alloc(x->arena, ncap * sizeof *nb);
                if (!nb) {
                    rc = nomem(x->arena, err);
                    goto out;
                }
                if (nbuf)
                    memcpy(nb, buffered, nbuf * sizeof *nb);
                buffered = nb;
                capbuf = ncap;
            }
            if ((long)nbuf >= max_rows_buffered) {
                sql_error_set(err, "54000", "query would sort more than %ld rows",
                              max_rows_buffered);
                snprintf(err->hint, sizeof err->hint, "Add a WHERE condition.");
                rc = LW_ENOMEM;
                goto out;
            }
            if (!(buffered[nbuf] = copy_row(x, row, used, err))) {
                rc = LW_ENOMEM;
                goto out;
            }
            nbuf++;
        } else if (keep && (rc = emit(x, row, err)) != 0) {
            goto out;
        }
        rc = m->next(cur, &le);
    }
    if (rc != 0) {
        sql_error_from_lw(err, &le);
        goto out;
    }
    if (sort) {
        qsort_r(buffered, nbuf, sizeof *buffered, cmp_rows, (void *)p);
        for (size_t i = 0; i < nbuf && !x->done && rc == 0; i++)
            rc = emit(x, buffered[i], err);
    }
out:
    m->close(cur);
    return rc;
}

int sql_exec_select(const struct sql_plan *p, const struct sql_sink *sink,
                    struct lw_arena *arena, long max_rows_buffered, uint64_t *nrows,
                    struct sql_error *err)
{
    struct exec x = {p, sink, p->table ? p->table->mod : NULL, arena, NULL, 0, 0, false};
    struct sql_result_col *cols;
    int rc = 0;

    *nrows = 0;
    cols = lw_arena_alloc(arena, (size_t)(p->ntargets + 1) * sizeof *cols);
    x.out = lw_arena_alloc(arena, (size_t)(p->ntargets + 1) * sizeof *x.out);
    if (!cols || !x.out)
        return nomem(arena, err);
    for (int i = 0; i < p->ntargets; i++)
        cols[i] = (struct sql_result_col){p->targets[i].name, p->targets[i].type_oid};
    if (sink->columns(sink->ctx, p->ntargets, cols, err) != 0)
        return LW_EIO;
    if (p->limit == 0)
        x.done = true;
    if (!p->table)
        rc = emit(&x, NULL, err);   /* one row of constants */
    else
        rc = scan(&x, max_rows_buffered, err);
    *nrows = x.sent;
    return rc;
}

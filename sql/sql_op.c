/* sql_op.c -- the pull executor's operators (sql_op.h) and their dispatch. Streaming
 * operators hand on their child's values; buffering ones (sort, aggregate, join's inner
 * side, set operations, distinct, materialised CTEs) copy rows into the statement's arena
 * and count them against the row bound. Sort lives in sql_exec_sort.c and join in
 * sql_exec_join.c; what they share with this file is declared in sql_op_int.h. */
#include "sql_op_int.h"

#include "sql_engine.h"
#include "sql_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int sql_cancel_error(struct sql_error *err, int why)
{
    return sql_error_set(err, "57014", "canceling statement due to %s",
                         why == SQL_CANCEL_TIMEOUT ? "statement timeout" : "user request");
}

int sql_op_too_many_rows(struct sql_exec *x)
{
    sql_error_set(x->err, "54000", "query would buffer more than %ld rows", x->max_rows);
    snprintf(x->err->hint, sizeof x->err->hint, "Add a WHERE condition or a LIMIT.");
    return LW_ENOMEM;
}

struct sql_node *sql_node_new(struct lw_arena *a, enum sql_node_kind kind, int ncols)
{
    struct sql_node *op = lw_arena_alloc(a, sizeof *op);
    if (!op)
        return NULL;
    memset(op, 0, sizeof *op);
    op->kind = kind;
    op->ncols = ncols;
    op->types = lw_arena_alloc(a, (size_t)(ncols + 1) * sizeof *op->types);
    op->row = lw_arena_alloc(a, (size_t)(ncols + 1) * sizeof *op->row);
    if (!op->types || !op->row)
        return NULL;
    memset(op->types, 0, (size_t)(ncols + 1) * sizeof *op->types);
    memset(op->row, 0, (size_t)(ncols + 1) * sizeof *op->row);
    return op;
}

/* An evaluation context over row for this statement. */
static struct sql_eval eval_on(struct sql_exec *x, const struct sql_value *row)
{
    struct sql_eval ev = x->ev;
    ev.row = row;
    ev.outer = x->outer;
    ev.nouter = x->nouter;
    ev.exec = x;
    ev.sublink = sql_op_sublink;
    return ev;
}

int sql_op_eval(struct sql_exec *x, const struct sql_expr *e, const struct sql_value *row,
                struct sql_value *out)
{
    struct sql_eval ev = eval_on(x, row);
    return sql_expr_eval(&ev, e, out);
}

int sql_op_true(struct sql_exec *x, const struct sql_expr *e, const struct sql_value *row)
{
    struct sql_eval ev = eval_on(x, row);
    return sql_expr_true(&ev, e);
}

struct sql_value *sql_op_copy_row(struct sql_exec *x, const struct sql_value *row, int ncopy,
                                  int width)
{
    /* one block for the values and their text: a buffered row costs one allocation, which
     * is most of what buffering 100,000 rows costs */
    size_t text = 0, head = (size_t)(width + 1) * sizeof(struct sql_value);
    struct sql_value *r;
    char *p;
    for (int i = 0; i < ncopy; i++)
        if (row[i].type == SQL_V_TEXT)
            text += row[i].u.s.len;
    if (!(r = lw_arena_alloc(x->arena, head + text + 1))) {
        sql_op_nomem(x->arena, x->err);
        return NULL;
    }
    p = (char *)r + head;
    memcpy(r, row, (size_t)ncopy * sizeof *r);
    memset(r + ncopy, 0, (size_t)(width + 1 - ncopy) * sizeof *r);
    for (int i = 0; i < ncopy; i++) {
        if (r[i].type == SQL_V_TEXT) {
            if (r[i].u.s.len)
                memcpy(p, r[i].u.s.p, r[i].u.s.len);
            r[i].u.s.p = p;
            p += r[i].u.s.len;
        } else if (r[i].type == SQL_V_ARRAY && sql_value_copy(x->arena, &r[i]) != 0) {
            sql_op_nomem(x->arena, x->err);
            return NULL;
        }
    }
    return r;
}

/* --- buffered rows and a hash set of rows ---------------------------------------------- */

int sql_op_rows_add(struct sql_exec *x, struct sql_op_rows *l, struct sql_value *r)
{
    if (l->n >= x->max_rows)
        return sql_op_too_many_rows(x);
    if (l->n == l->cap) {
        long ncap = l->cap ? l->cap * 2 : 64;
        struct sql_value **nr = lw_arena_alloc(x->arena, (size_t)ncap * sizeof *nr);
        if (!nr)
            return sql_op_nomem(x->arena, x->err);
        if (l->n)
            memcpy(nr, l->rows, (size_t)l->n * sizeof *nr);
        l->rows = nr;
        l->cap = ncap;
    }
    l->rows[l->n++] = r;
    return 0;
}

int sql_op_rows_next(struct sql_node *op, const struct sql_op_rows *l, long *pos)
{
    if (*pos >= l->n)
        return 0;
    memcpy(op->row, l->rows[(*pos)++], (size_t)op->ncols * sizeof *op->row);
    return 1;
}

/* Sort and window both buffer their whole input this way; window leaves one zeroed value a
 * window function for win_compute to fill, sort copies the row as it is (ncopy == width). */
int sql_op_collect(struct sql_node *op, struct sql_exec *x, struct sql_op_rows *l, int ncopy,
                   int width)
{
    int rc;
    if ((rc = sql_node_open(op->child, x)) != 0)
        return rc;
    while ((rc = sql_node_next(op->child, x)) == 1) {
        struct sql_value *r = sql_op_copy_row(x, op->child->row, ncopy, width);
        if (!r)
            return LW_ENOMEM;
        if (sql_op_rows_add(x, l, r) != 0)
            return LW_ENOMEM;
    }
    return rc < 0 ? rc : 0;
}

int sql_op_cmp_keys(const struct sql_sort_key *keys, const struct sql_type *const *kt,
                    int nkeys, const struct sql_value *a, const struct sql_value *b)
{
    for (int i = 0; i < nkeys; i++) {
        const struct sql_sort_key *k = &keys[i];
        const struct sql_value *va = &a[k->col], *vb = &b[k->col];
        int c;
        if (va->type == SQL_V_NULL || vb->type == SQL_V_NULL) {
            if (va->type == vb->type)
                continue;
            return (va->type == SQL_V_NULL) == k->nulls_first ? -1 : 1;
        }
        c = kt ? sql_value_cmp_as(kt[i], va, vb) : sql_value_cmp_typed(k->type, va, vb);
        if (c)
            return k->desc ? -c : c;
    }
    return 0;
}

const struct sql_type **sql_op_key_types(struct sql_exec *x, const struct sql_sort_key *keys,
                                         int n)
{
    const struct sql_type **kt = lw_arena_alloc(x->arena, (size_t)(n + 1) * sizeof *kt);
    if (!kt) {
        sql_op_nomem(x->arena, x->err);
        return NULL;
    }
    for (int i = 0; i < n; i++)
        kt[i] = sql_type_get(keys[i].type);
    return kt;
}

struct rowent {
    uint64_t hash;
    struct sql_value *vals;
    int64_t count;
    void *payload;
};

struct rowset {
    int nkeys;
    const uint32_t *types;
    struct rowent **slots;
    long cap, n;
    struct sql_op_rows order;       /* entries in insertion order (as struct sql_value **) */
    struct rowent **ents;       /* entries in insertion order */
    long ncap;
};

static uint64_t hash_vals(const struct sql_value *v, const uint32_t *types, int n)
{
    uint64_t h = 0x84222325cbf29ce4ull;
    for (int i = 0; i < n; i++) {
        const struct sql_type *t = sql_type_get(types[i]);
        uint64_t k = v[i].type == SQL_V_NULL ? 0x1234567ull
                     : t && t->hash            ? t->hash(&v[i])
                                               : 0;
        h = (h ^ k) * 0x100000001b3ull;
        h ^= h >> 29;
    }
    return h;
}

static bool eq_vals(const struct sql_value *a, const struct sql_value *b, const uint32_t *types,
                    int n)
{
    for (int i = 0; i < n; i++) {
        if (a[i].type == SQL_V_NULL || b[i].type == SQL_V_NULL) {
            if (a[i].type != b[i].type)
                return false;
            continue;
        }
        if (sql_value_cmp_typed(types[i], &a[i], &b[i]) != 0)
            return false;
    }
    return true;
}

static void rowset_init(struct rowset *s, int nkeys, const uint32_t *types)
{
    memset(s, 0, sizeof *s);
    s->nkeys = nkeys;
    s->types = types;
}

/* Finds the entry for vals, or inserts a copy when insert is set (*created tells).
 * NULL with x->err set on failure; NULL without error when absent and not inserting. */
static struct rowent *rowset_get(struct sql_exec *x, struct rowset *s,
                                 const struct sql_value *vals, bool insert, bool *created)
{
    uint64_t h = hash_vals(vals, s->types, s->nkeys);
    long i;
    *created = false;
    if (s->cap) {
        for (i = (long)(h & (uint64_t)(s->cap - 1)); s->slots[i]; i = (i + 1) & (s->cap - 1))
            if (s->slots[i]->hash == h && eq_vals(s->slots[i]->vals, vals, s->types, s->nkeys))
                return s->slots[i];
    }
    if (!insert)
        return NULL;
    if (s->n >= x->max_rows) {
        sql_op_too_many_rows(x);
        return NULL;
    }
    if ((s->n + 1) * 2 > s->cap) {
        long ncap = s->cap ? s->cap * 2 : 64;
        struct rowent **ns = lw_arena_alloc(x->arena, (size_t)ncap * sizeof *ns);
        if (!ns) {
            sql_op_nomem(x->arena, x->err);
            return NULL;
        }
        memset(ns, 0, (size_t)ncap * sizeof *ns);
        for (long k = 0; k < s->cap; k++)
            if (s->slots[k]) {
                long j = (long)(s->slots[k]->hash & (uint64_t)(ncap - 1));
                while (ns[j])
                    j = (j + 1) & (ncap - 1);
                ns[j] = s->slots[k];
            }
        s->slots = ns;
        s->cap = ncap;
    }
    if (s->n == s->ncap) {
        long nc = s->ncap ? s->ncap * 2 : 64;
        struct rowent **ne = lw_arena_alloc(x->arena, (size_t)nc * sizeof *ne);
        if (!ne) {
            sql_op_nomem(x->arena, x->err);
            return NULL;
        }
        if (s->n)
            memcpy(ne, s->ents, (size_t)s->n * sizeof *ne);
        s->ents = ne;
        s->ncap = nc;
    }
    {
        struct rowent *e = lw_arena_alloc(x->arena, sizeof *e);
        if (!e || !(e->vals = sql_op_copy_row(x, vals, s->nkeys, s->nkeys))) {
            if (!e)
                sql_op_nomem(x->arena, x->err);
            return NULL;
        }
        e->hash = h;
        e->count = 0;
        e->payload = NULL;
        for (i = (long)(h & (uint64_t)(s->cap - 1)); s->slots[i]; i = (i + 1) & (s->cap - 1))
            ;
        s->slots[i] = e;
        s->ents[s->n++] = e;
        *created = true;
        return e;
    }
}

/* --- scan ----------------------------------------------------------------------------- */

struct scan_st {
    struct sql_cursor *cur;
    struct sql_index_usage *usage;
    bool advance;
};

static int required_missing(struct sql_node *op, struct sql_exec *x,
                            const struct sql_index_out *out)
{
    const struct sql_vtab_module *m = op->u.scan.table->mod;
    for (int c = 0; c < m->ncols; c++) {
        bool ok = false;
        if (!(m->cols[c].flags & SQL_COL_KEY_REQUIRED))
            continue;
        for (int i = 0; i < op->u.scan.ncons && !ok; i++)
            ok = op->u.scan.cons[i].column == c && out->usage[i].arg_index > 0 &&
                 (op->u.scan.cons[i].op == SQL_OP_EQ || op->u.scan.cons[i].op == SQL_OP_IN);
        if (!ok) {
            sql_error_set(x->err, "42P10", "table %s.%s needs a condition on column \"%s\"",
                          op->u.scan.table->schema, op->u.scan.table->name, m->cols[c].name);
            snprintf(x->err->hint, sizeof x->err->hint, "Add WHERE %s = ... or %s IN (...).",
                      m->cols[c].name, m->cols[c].name);
            return LW_EINVAL;
        }
    }
    return 0;
}

static int scan_open(struct sql_node *op, struct sql_exec *x)
{
    const struct sql_table *t = op->u.scan.table;
    const struct sql_vtab_module *m = t->mod;
    int n = op->u.scan.ncons, argc = 0, rc;
    struct scan_st *st = op->st;
    struct sql_index_constraint *cons;
    struct sql_index_in in = {0};
    struct sql_index_out out = {0};
    struct sql_value *argv;
    struct lw_err le = {0};

    if (!st && !(st = op->st = lw_arena_alloc(x->arena, sizeof *st)))
        return sql_op_nomem(x->arena, x->err);
    memset(st, 0, sizeof *st);
    cons = lw_arena_alloc(x->arena, (size_t)(n + 1) * sizeof *cons);
    out.usage = lw_arena_alloc(x->arena, (size_t)(n + 1) * sizeof *out.usage);
    argv = lw_arena_alloc(x->arena, (size_t)(n + 1) * sizeof *argv);
    if (!cons || !out.usage || !argv)
        return sql_op_nomem(x->arena, x->err);
    memset(out.usage, 0, (size_t)(n + 1) * sizeof *out.usage);
    for (int i = 0; i < n; i++)
        cons[i] = (struct sql_index_constraint){op->u.scan.cons[i].column, op->u.scan.cons[i].op,
                                                true};
    in.nconstraint = n;
    in.constraint = cons;
    in.norderby = op->u.scan.norder;
    in.orderby = op->u.scan.order;
    in.cols_used = op->u.scan.cols_used;
    rc = m->best_index(t->aux, &in, &out, &le);
    if (rc == SQL_VTAB_CONSTRAINT)
        return sql_error_set(x->err, "0A000", "table %s.%s cannot answer a query with these "
                             "conditions", t->schema, t->name);
    if (rc != 0)
        return sql_error_from_lw(x->err, &le);
    if (required_missing(op, x, &out) != 0)
        return LW_EINVAL;
    for (int i = 0; i < n; i++) {
        int k = out.usage[i].arg_index;
        if (k < 0 || k > n)
            return sql_error_set(x->err, "XX000", "table %s returned a bad plan", t->name);
        if (k > 0) {
            struct sql_value v;
            if (sql_op_eval(x, op->u.scan.cons[i].value, NULL, &v) != 0)
                return LW_EINVAL;
            if (v.type == SQL_V_ARRAY) {       /* IN: the list without its NULLs */
                struct sql_array *a = lw_arena_alloc(x->arena, sizeof *a);
                struct sql_value *vals = lw_arena_alloc(x->arena,
                                                        (size_t)(v.u.arr->n + 1) * sizeof *vals);
                if (!a || !vals)
                    return sql_op_nomem(x->arena, x->err);
                *a = *v.u.arr;
                a->n = 0;
                for (int j = 0; j < v.u.arr->n; j++)
                    if (v.u.arr->v[j].type != SQL_V_NULL)
                        vals[a->n++] = v.u.arr->v[j];
                a->v = vals;
                v.u.arr = a;
            }
            argv[k - 1] = v;
            argc = k > argc ? k : argc;
        }
    }
    /* the constraints the table does not answer exactly are re-checked */
    st->usage = out.usage;
    if ((rc = m->open(t->aux, &x->qc, &st->cur, &le)) != 0) {
        st->cur = NULL;
        return sql_error_from_lw(x->err, &le);
    }
    if ((rc = m->filter(st->cur, out.plan, argc, argv, &le)) != 0)
        return sql_error_from_lw(x->err, &le);
    return 0;
}

static int scan_next(struct sql_node *op, struct sql_exec *x)
{
    struct scan_st *st = op->st;
    const struct sql_vtab_module *m = op->u.scan.table->mod;
    struct lw_err le = {0};
    for (;;) {
        bool keep = true;
        if (st->advance && m->next(st->cur, &le) != 0)
            return sql_error_from_lw(x->err, &le);
        st->advance = true;
        if (m->eof(st->cur))
            return 0;
        for (int c = 0; c < m->ncols; c++) {
            struct sql_value *v = &op->row[c];
            memset(v, 0, sizeof *v);
            if (!(op->u.scan.cols_used & (1ull << (c < 63 ? c : 63))))
                continue;
            if (m->column(st->cur, c, v, &le) != 0)
                return sql_error_from_lw(x->err, &le);
            if (v->type != SQL_V_NULL && v->type != sql_vtype_of(m->cols[c].type_oid))
                return sql_error_set(x->err, "XX000", "table %s returned a value of the wrong "
                                     "type for column %s", op->u.scan.table->name,
                                     m->cols[c].name);
        }
        for (int i = 0; i < op->u.scan.ncons && keep; i++) {
            int r;
            if (st->usage[i].omit && st->usage[i].arg_index > 0)
                continue;
            if ((r = sql_op_true(x, op->u.scan.cons[i].pred, op->row)) < 0)
                return LW_EINVAL;
            keep = r;
        }
        if (keep && op->u.scan.recheck) {
            int r = sql_op_true(x, op->u.scan.recheck, op->row);
            if (r < 0)
                return LW_EINVAL;
            keep = r;
        }
        if (keep)
            return 1;
    }
}

uint64_t sql_op_live_cols(const struct sql_node *op)
{
    if (op->kind == SQL_N_FILTER)
        return sql_op_live_cols(op->child);
    return op->kind == SQL_N_SCAN ? op->u.scan.cols_used : ~0ull;
}

static void scan_close(struct sql_node *op, struct sql_exec *x)
{
    struct scan_st *st = op->st;
    (void)x;
    if (st && st->cur) {
        op->u.scan.table->mod->close(st->cur);
        st->cur = NULL;
    }
}

/* --- leaves: one empty row, VALUES, function scans ------------------------------------- */

struct pos_st {
    long pos;
    bool started;
    void *fstate;
    int64_t ord;
};

static struct pos_st *pos_state(struct sql_node *op, struct sql_exec *x)
{
    struct pos_st *st = op->st;
    void *keep;
    if (!st) {
        if (!(st = op->st = lw_arena_alloc(x->arena, sizeof *st))) {
            sql_op_nomem(x->arena, x->err);
            return NULL;
        }
        st->fstate = NULL;
    }
    keep = st->fstate;      /* a function's state is reused when the scan is re-opened */
    memset(st, 0, sizeof *st);
    st->fstate = keep;
    return st;
}

static int pos_open(struct sql_node *op, struct sql_exec *x)
{
    return pos_state(op, x) ? 0 : LW_ENOMEM;
}

static int result_next(struct sql_node *op, struct sql_exec *x)
{
    struct pos_st *st = op->st;
    (void)x;
    return st->pos++ == 0;
}

static int values_next(struct sql_node *op, struct sql_exec *x)
{
    struct pos_st *st = op->st;
    if (st->pos >= op->u.values.nrows)
        return 0;
    for (int c = 0; c < op->ncols; c++)
        if (sql_op_eval(x, op->u.values.rows[st->pos][c], NULL, &op->row[c]) != 0)
            return LW_EINVAL;
    st->pos++;
    return 1;
}

static int srf_open(struct sql_node *op, struct sql_exec *x)
{
    struct pos_st *st = pos_state(op, x);
    const struct sql_func *fn = op->u.srf.fn;
    struct sql_value args[SQL_FUNC_MAX_ARGS];
    uint32_t types[SQL_FUNC_MAX_ARGS];
    struct sql_eval ev = eval_on(x, NULL);
    if (!st)
        return LW_ENOMEM;
    if (!st->fstate && !(st->fstate = lw_arena_alloc(x->arena, fn->srf->state_size + 1)))
        return sql_op_nomem(x->arena, x->err);
    memset(st->fstate, 0, fn->srf->state_size + 1);
    for (int i = 0; i < op->u.srf.nargs; i++) {
        if (sql_expr_eval(&ev, op->u.srf.args[i], &args[i]) != 0)
            return LW_EINVAL;
        types[i] = op->u.srf.args[i]->type;
        if (args[i].type == SQL_V_NULL && fn->strict)
            st->started = true;     /* strict with a NULL argument: no rows */
    }
    if (st->started)
        return 0;
    ev.fc.result_oid = op->types[0];
    ev.fc.arg_oids = types;
    return fn->srf->start(&ev.fc, st->fstate, op->u.srf.nargs, args);
}

static int srf_next(struct sql_node *op, struct sql_exec *x)
{
    struct pos_st *st = op->st;
    struct sql_eval ev = eval_on(x, NULL);
    int rc;
    if (st->started)
        return 0;
    ev.fc.result_oid = op->types[0];
    memset(&op->row[0], 0, sizeof op->row[0]);
    rc = op->u.srf.fn->srf->next(&ev.fc, st->fstate, &op->row[0]);
    if (rc < 0)
        return LW_EINVAL;
    if (rc == 1) {
        st->started = true;
        return 0;
    }
    if (++st->pos > x->max_rows * 100)
        return sql_op_too_many_rows(x);
    if (op->u.srf.ordinality) {
        op->row[1].type = SQL_V_INT;
        op->row[1].u.i = st->pos;
    }
    return 1;
}

/* --- filter, project, limit ------------------------------------------------------------ */

static int child_open(struct sql_node *op, struct sql_exec *x)
{
    return sql_node_open(op->child, x);
}

static void child_close(struct sql_node *op, struct sql_exec *x)
{
    if (op->child)
        sql_node_close(op->child, x);
}

static int filter_next(struct sql_node *op, struct sql_exec *x)
{
    int rc, r;
    while ((rc = sql_node_next(op->child, x)) == 1) {
        if ((r = sql_op_true(x, op->u.filter.pred, op->child->row)) < 0)
            return LW_EINVAL;
        if (r) {
            memcpy(op->row, op->child->row, (size_t)op->ncols * sizeof *op->row);
            return 1;
        }
    }
    return rc;
}

static int project_next(struct sql_node *op, struct sql_exec *x)
{
    int rc = sql_node_next(op->child, x);
    if (rc != 1)
        return rc;
    for (int c = 0; c < op->ncols; c++)
        if (sql_op_eval(x, op->u.project.exprs[c], op->child->row, &op->row[c]) != 0)
            return LW_EINVAL;
    return 1;
}

struct limit_st {
    int64_t count, offset, sent, skipped;
};

static int limit_value(struct sql_exec *x, struct sql_expr *e, const char *what,
                       const char *state, int64_t *out)
{
    struct sql_value v;
    *out = -1;
    if (!e)
        return 0;
    if (sql_op_eval(x, e, NULL, &v) != 0)
        return LW_EINVAL;
    if (v.type == SQL_V_NULL)
        return 0;
    if (v.u.i < 0)
        return sql_error_set(x->err, state, "%s must not be negative", what);
    *out = v.u.i;
    return 0;
}

static int limit_open(struct sql_node *op, struct sql_exec *x)
{
    struct limit_st *st = op->st;
    if (!st && !(st = op->st = lw_arena_alloc(x->arena, sizeof *st)))
        return sql_op_nomem(x->arena, x->err);
    memset(st, 0, sizeof *st);
    if (limit_value(x, op->u.limit.count, "LIMIT", "2201W", &st->count) != 0 ||
        limit_value(x, op->u.limit.offset, "OFFSET", "2201X", &st->offset) != 0)
        return LW_EINVAL;
    if (st->count == 0)
        return 0;   /* nothing will be read */
    /* a sort right below needs only its first offset + count rows: tell it now, when a
     * LIMIT $1 has its value (0: all rows, for LIMIT ALL / NULL or a sum past int64) */
    if (op->child->kind == SQL_N_SORT) {
        int64_t off = st->offset > 0 ? st->offset : 0;
        op->child->u.sort.bound = st->count < 0 || st->count > INT64_MAX - off ? 0
                                                                               : st->count + off;
    }
    return sql_node_open(op->child, x);
}

static int limit_next(struct sql_node *op, struct sql_exec *x)
{
    struct limit_st *st = op->st;
    int rc;
    if (st->count >= 0 && st->sent >= st->count)
        return 0;
    while ((rc = sql_node_next(op->child, x)) == 1) {
        if (st->offset > 0 && st->skipped < st->offset) {
            st->skipped++;
            continue;
        }
        memcpy(op->row, op->child->row, (size_t)op->ncols * sizeof *op->row);
        st->sent++;
        return 1;
    }
    return rc;
}

/* --- distinct ------------------------------------------------------------------------- */

struct distinct_st {
    struct rowset set;
    uint32_t *types;
    struct sql_value *keys;
};

static int distinct_open(struct sql_node *op, struct sql_exec *x)
{
    struct distinct_st *st = op->st;
    int n = op->u.distinct.nkeys ? op->u.distinct.nkeys : op->ncols;
    if (!st && !(st = op->st = lw_arena_alloc(x->arena, sizeof *st)))
        return sql_op_nomem(x->arena, x->err);
    memset(st, 0, sizeof *st);
    st->types = op->types;
    if (op->u.distinct.keycols) {
        if (!(st->types = lw_arena_alloc(x->arena, (size_t)n * sizeof *st->types)) ||
            !(st->keys = lw_arena_alloc(x->arena, (size_t)n * sizeof *st->keys)))
            return sql_op_nomem(x->arena, x->err);
        for (int i = 0; i < n; i++)
            st->types[i] = op->types[op->u.distinct.keycols[i]];
    }
    rowset_init(&st->set, n, st->types);
    return sql_node_open(op->child, x);
}

static int distinct_next(struct sql_node *op, struct sql_exec *x)
{
    struct distinct_st *st = op->st;
    int rc;
    while ((rc = sql_node_next(op->child, x)) == 1) {
        bool created;
        const struct sql_value *k = op->child->row;
        if (st->keys) {
            for (int i = 0; i < st->set.nkeys; i++)
                st->keys[i] = op->child->row[op->u.distinct.keycols[i]];
            k = st->keys;
        }
        if (!rowset_get(x, &st->set, k, true, &created))
            return LW_ENOMEM;
        if (created) {
            memcpy(op->row, op->child->row, (size_t)op->ncols * sizeof *op->row);
            return 1;
        }
    }
    return rc;
}

/* --- hash aggregate ------------------------------------------------------------------- */

struct agg_group {
    void **states;
    struct rowset *seen;    /* per DISTINCT aggregate */
};

struct agg_st {
    struct rowset groups;
    long pos;
    uint32_t *key_types;
};

static int agg_feed(struct sql_node *op, struct sql_exec *x, struct agg_group *g,
                    const struct sql_value *row)
{
    for (int a = 0; a < op->u.agg.naggs; a++) {
        const struct sql_agg_call *ac = &op->u.agg.aggs[a];
        struct sql_value args[SQL_FUNC_MAX_ARGS];
        struct sql_eval ev = eval_on(x, row);
        bool skip = false;
        if (ac->filter) {
            int r = sql_op_true(x, ac->filter, row);
            if (r < 0)
                return LW_EINVAL;
            if (!r)
                continue;
        }
        for (int i = 0; i < ac->nargs; i++) {
            if (sql_expr_eval(&ev, ac->args[i], &args[i]) != 0)
                return LW_EINVAL;
            if (args[i].type == SQL_V_NULL && ac->fn->strict)
                skip = true;
        }
        if (skip)
            continue;
        if (ac->distinct) {
            bool created;
            if (!g->seen[a].types)
                rowset_init(&g->seen[a], ac->nargs, ac->arg_types);
            if (!rowset_get(x, &g->seen[a], args, true, &created))
                return LW_ENOMEM;
            if (!created)
                continue;
        }
        ev.fc.result_oid = ac->ret;
        ev.fc.arg_oids = ac->arg_types;
        if (ac->fn->agg->step(&ev.fc, g->states[a], ac->nargs, args) != 0)
            return LW_EINVAL;
    }
    return 0;
}

static struct agg_group *agg_group_new(struct sql_node *op, struct sql_exec *x)
{
    struct agg_group *g = lw_arena_alloc(x->arena, sizeof *g);
    int n = op->u.agg.naggs;
    if (!g || !(g->states = lw_arena_alloc(x->arena, (size_t)(n + 1) * sizeof *g->states)) ||
        !(g->seen = lw_arena_alloc(x->arena, (size_t)(n + 1) * sizeof *g->seen))) {
        sql_op_nomem(x->arena, x->err);
        return NULL;
    }
    memset(g->seen, 0, (size_t)(n + 1) * sizeof *g->seen);
    for (int a = 0; a < n; a++) {
        size_t sz = op->u.agg.aggs[a].fn->agg->state_size;
        if (!(g->states[a] = lw_arena_alloc(x->arena, sz + 1))) {
            sql_op_nomem(x->arena, x->err);
            return NULL;
        }
        memset(g->states[a], 0, sz + 1);
    }
    return g;
}

static int agg_open(struct sql_node *op, struct sql_exec *x)
{
    struct agg_st *st = op->st;
    int ng = op->u.agg.ngroup, rc;
    struct sql_value *keys;
    if (!st && !(st = op->st = lw_arena_alloc(x->arena, sizeof *st)))
        return sql_op_nomem(x->arena, x->err);
    memset(st, 0, sizeof *st);
    rowset_init(&st->groups, ng, op->types);
    if (!(keys = lw_arena_alloc(x->arena, (size_t)(ng + 1) * sizeof *keys)))
        return sql_op_nomem(x->arena, x->err);
    if ((rc = sql_node_open(op->child, x)) != 0)
        return rc;
    while ((rc = sql_node_next(op->child, x)) == 1) {
        struct rowent *e;
        bool created;
        for (int k = 0; k < ng; k++)
            if (sql_op_eval(x, op->u.agg.group[k], op->child->row, &keys[k]) != 0)
                return LW_EINVAL;
        if (!(e = rowset_get(x, &st->groups, keys, true, &created)))
            return LW_ENOMEM;
        if (created && !(e->payload = agg_group_new(op, x)))
            return LW_ENOMEM;
        if (agg_feed(op, x, e->payload, op->child->row) != 0)
            return LW_EINVAL;
    }
    if (rc < 0)
        return rc;
    if (st->groups.n == 0 && op->u.agg.whole) {
        bool created;
        struct rowent *e = rowset_get(x, &st->groups, keys, true, &created);
        if (!e || !(e->payload = agg_group_new(op, x)))
            return LW_ENOMEM;
    }
    return 0;
}

static int agg_next(struct sql_node *op, struct sql_exec *x)
{
    struct agg_st *st = op->st;
    struct rowent *e;
    struct agg_group *g;
    int ng = op->u.agg.ngroup;
    if (st->pos >= st->groups.n)
        return 0;
    e = st->groups.ents[st->pos++];
    g = e->payload;
    memcpy(op->row, e->vals, (size_t)ng * sizeof *op->row);
    for (int a = 0; a < op->u.agg.naggs; a++) {
        const struct sql_agg_call *ac = &op->u.agg.aggs[a];
        struct sql_eval ev = eval_on(x, NULL);
        struct sql_value direct[SQL_FUNC_MAX_ARGS];
        for (int i = 0; i < ac->ndirect; i++)
            if (sql_op_eval(x, ac->direct[i], op->row, &direct[i]) != 0)
                return LW_EINVAL;
        memset(&op->row[ng + a], 0, sizeof op->row[ng + a]);
        ev.fc.result_oid = ac->ret;
        ev.fc.arg_oids = ac->arg_types;
        ev.fc.ndirect = ac->ndirect;
        ev.fc.direct = direct;
        ev.fc.order_desc = ac->order_desc;
        if (ac->fn->agg->final(&ev.fc, g->states[a], &op->row[ng + a]) != 0)
            return LW_EINVAL;
    }
    return 1;
}

/* --- set operations ------------------------------------------------------------------- */

struct setop_st {
    struct rowset seen;
    bool left_done;
    int phase;
};

static int setop_open(struct sql_node *op, struct sql_exec *x)
{
    struct setop_st *st = op->st;
    int rc;
    if (!st && !(st = op->st = lw_arena_alloc(x->arena, sizeof *st)))
        return sql_op_nomem(x->arena, x->err);
    memset(st, 0, sizeof *st);
    rowset_init(&st->seen, op->ncols, op->types);
    if (op->u.setop.op != SQL_SET_UNION) {
        /* INTERSECT / EXCEPT: count the right side's rows first */
        if ((rc = sql_node_open(op->right, x)) != 0)
            return rc;
        while ((rc = sql_node_next(op->right, x)) == 1) {
            bool created;
            struct rowent *e = rowset_get(x, &st->seen, op->right->row, true, &created);
            if (!e)
                return LW_ENOMEM;
            e->count++;
        }
        sql_node_close(op->right, x);
        if (rc < 0)
            return rc;
    }
    return sql_node_open(op->child, x);
}

static int setop_next(struct sql_node *op, struct sql_exec *x)
{
    struct setop_st *st = op->st;
    int rc;
    for (;;) {
        struct sql_node *src = st->phase == 0 ? op->child : op->right;
        bool created;
        struct rowent *e;
        if ((rc = sql_node_next(src, x)) < 0)
            return rc;
        if (rc == 0) {
            if (op->u.setop.op != SQL_SET_UNION || st->phase == 1)
                return 0;
            sql_node_close(op->child, x);
            if ((rc = sql_node_open(op->right, x)) != 0)
                return rc;
            st->phase = 1;
            continue;
        }
        memcpy(op->row, src->row, (size_t)op->ncols * sizeof *op->row);
        if (op->u.setop.op == SQL_SET_UNION) {
            if (op->u.setop.all)
                return 1;
            if (!rowset_get(x, &st->seen, src->row, true, &created))
                return LW_ENOMEM;
            if (created)
                return 1;
            continue;
        }
        e = rowset_get(x, &st->seen, src->row, false, &created);
        if (op->u.setop.op == SQL_SET_INTERSECT) {
            if (!e || e->count <= 0)
                continue;
            if (op->u.setop.all)
                e->count--;
            else
                e->count = -1;      /* emitted once */
            return 1;
        }
        /* EXCEPT */
        if (e && e->count > 0) {
            if (op->u.setop.all)
                e->count--;
            continue;
        }
        if (op->u.setop.all)
            return 1;
        if (!e) {
            if (!(e = rowset_get(x, &st->seen, src->row, true, &created)))
                return LW_ENOMEM;
            e->count = -1;
            return 1;
        }
        if (e->count == 0) {
            e->count = -1;
            return 1;
        }
    }
}

static void setop_close(struct sql_node *op, struct sql_exec *x)
{
    struct setop_st *st = op->st;
    sql_node_close(op->child, x);
    if (st && st->phase == 1)
        sql_node_close(op->right, x);
}

/* --- materialised subqueries (CTEs) ---------------------------------------------------- */

/* A CTE's rows are computed once per statement and only as far as a reader needs them: a
 * reader past the rows made so far pulls the next one from the plan, so a LIMIT over a CTE
 * (an endless WITH RECURSIVE too) stops it early. A plan left open when its readers stop is
 * closed at the end of the statement (sql_op_close_materials). */
struct sql_material {
    struct sql_node *plan;
    struct sql_op_rows rows;
    bool started, done, running;
    struct sql_material *next_open;     /* in sql_exec.open_materials while started, !done */
};

struct sql_material *sql_material_new(struct lw_arena *a, struct sql_node *plan)
{
    struct sql_material *m = lw_arena_alloc(a, sizeof *m);
    if (m) {
        memset(m, 0, sizeof *m);
        m->plan = plan;
    }
    return m;
}

static void material_finish(struct sql_exec *x, struct sql_material *m)
{
    struct sql_material **p = &x->open_materials;
    while (*p && *p != m)
        p = &(*p)->next_open;
    if (*p)
        *p = m->next_open;
    sql_node_close(m->plan, x);
    m->done = true;
}

void sql_op_close_materials(struct sql_exec *x)
{
    while (x->open_materials)
        material_finish(x, x->open_materials);
}

static int material_open(struct sql_node *op, struct sql_exec *x)
{
    struct sql_material *m = op->u.material.m;
    if (!pos_state(op, x))
        return LW_ENOMEM;
    if (m->running)
        return sql_error_set(x->err, "0A000", "recursive queries are not supported yet");
    if (m->started)
        return 0;
    m->started = true;
    m->next_open = x->open_materials;
    x->open_materials = m;
    return sql_node_open(m->plan, x);
}

static int material_next(struct sql_node *op, struct sql_exec *x)
{
    struct pos_st *st = op->st;
    struct sql_material *m = op->u.material.m;
    struct sql_value *r;
    int rc;
    if (st->pos < m->rows.n || m->done)
        return sql_op_rows_next(op, &m->rows, &st->pos);
    if (m->running)
        return sql_error_set(x->err, "0A000", "recursive queries are not supported yet");
    m->running = true;
    rc = sql_node_next(m->plan, x);
    m->running = false;
    if (rc <= 0) {
        if (rc == 0)
            material_finish(x, m);
        return rc;
    }
    if (!(r = sql_op_copy_row(x, m->plan->row, m->plan->ncols, m->plan->ncols)) ||
        sql_op_rows_add(x, &m->rows, r) != 0)
        return LW_ENOMEM;
    return sql_op_rows_next(op, &m->rows, &st->pos);
}

/* --- window functions ----------------------------------------------------------------- */

/* Window functions the node computes itself (the SQL_FN_WINDOW entries, by name). */
enum { WIN_OTHER, WIN_ROW_NUMBER, WIN_RANK, WIN_DENSE_RANK, WIN_LAG, WIN_LEAD };

static int win_kind(const struct sql_func *fn)
{
    static const char *const names[] = {"", "row_number", "rank", "dense_rank", "lag", "lead"};
    for (int i = 1; i < (int)(sizeof names / sizeof names[0]); i++)
        if (strcmp(fn->name, names[i]) == 0)
            return i;
    return WIN_OTHER;
}

struct win_st {
    struct sql_op_rows rows;        /* the child's rows, each widened by the window columns */
    long pos;
};

/* Sort context: per row, its partition and order key values. */
struct win_sort {
    const struct sql_win_call *w;
    struct sql_value **keys;    /* keys[row]: npart partition values, then norder order */
};

static int win_cmp(const void *a, const void *b, void *ctx)
{
    const struct win_sort *ws = ctx;
    long ra = *(const long *)a, rb = *(const long *)b;
    const struct sql_value *ka = ws->keys[ra], *kb = ws->keys[rb];
    int np = ws->w->npart, c;
    for (int i = 0; i < np; i++) {
        const struct sql_value *x = &ka[i], *y = &kb[i];
        if (x->type == SQL_V_NULL || y->type == SQL_V_NULL) {
            if (x->type != y->type)
                return x->type == SQL_V_NULL ? 1 : -1;
            continue;
        }
        if ((c = sql_value_cmp_typed(ws->w->part[i]->type, x, y)) != 0)
            return c;
    }
    if ((c = sql_op_cmp_keys(ws->w->okeys, NULL, ws->w->norder, ka + np, kb + np)) != 0)
        return c;
    return (ra > rb) - (ra < rb);       /* stable: input order among equals */
}

static bool same_keys(const struct sql_win_call *w, const struct sql_value *a,
                      const struct sql_value *b, int from, int to)
{
    for (int i = from; i < to; i++) {
        uint32_t t = i < w->npart ? w->part[i]->type : w->okeys[i - w->npart].type;
        if (a[i].type == SQL_V_NULL || b[i].type == SQL_V_NULL) {
            if (a[i].type != b[i].type)
                return false;
            continue;
        }
        if (sql_value_cmp_typed(t, &a[i], &b[i]) != 0)
            return false;
    }
    return true;
}

/* Computes one window function into column `col` of every row. */
static int win_compute(struct sql_node *op, struct sql_exec *x, const struct sql_win_call *w,
                       int col)
{
    struct win_st *st = op->st;
    long n = st->rows.n;
    int nk = w->npart + w->norder;
    struct win_sort ws = {w, NULL};
    long *idx;
    if (!(idx = lw_arena_alloc(x->arena, (size_t)(n + 1) * sizeof *idx)) ||
        !(ws.keys = lw_arena_alloc(x->arena, (size_t)(n + 1) * sizeof *ws.keys)))
        return sql_op_nomem(x->arena, x->err);
    for (long r = 0; r < n; r++) {
        struct sql_value *k = lw_arena_alloc(x->arena, (size_t)(nk + 1) * sizeof *k);
        if (!k)
            return sql_op_nomem(x->arena, x->err);
        for (int i = 0; i < nk; i++)
            if (sql_op_eval(x, i < w->npart ? w->part[i] : w->order[i - w->npart], st->rows.rows[r],
                     &k[i]) != 0)
                return LW_EINVAL;
        ws.keys[r] = k;
        idx[r] = r;
    }
    if (n > 1)
        qsort_r(idx, (size_t)n, sizeof *idx, win_cmp, &ws);
    for (long ps = 0; ps < n;) {
        long pe = ps + 1, gs;
        void *state = NULL;
        while (pe < n && same_keys(w, ws.keys[idx[ps]], ws.keys[idx[pe]], 0, w->npart))
            pe++;
        if (w->fn->kind == SQL_FN_AGG &&
            !(state = lw_arena_alloc(x->arena, w->fn->agg->state_size + 1)))
            return sql_op_nomem(x->arena, x->err);
        if (state)
            memset(state, 0, w->fn->agg->state_size + 1);
        /* peer groups: rows with equal ORDER BY keys (the whole partition without one) */
        for (gs = ps; gs < pe;) {
            long ge = gs + 1;
            while (ge < pe && (w->norder == 0 ||
                               same_keys(w, ws.keys[idx[gs]], ws.keys[idx[ge]], w->npart, nk)))
                ge++;
            if (w->fn->kind == SQL_FN_AGG) {
                struct sql_eval ev = eval_on(x, NULL);
                struct sql_value res;
                for (long r = gs; r < ge; r++) {
                    struct sql_value args[SQL_FUNC_MAX_ARGS];
                    const struct sql_value *row = st->rows.rows[idx[r]];
                    bool skip = false;
                    if (w->filter) {
                        int t = sql_op_true(x, w->filter, row);
                        if (t < 0)
                            return LW_EINVAL;
                        if (!t)
                            continue;
                    }
                    ev.row = row;
                    for (int i = 0; i < w->nargs; i++) {
                        if (sql_expr_eval(&ev, w->args[i], &args[i]) != 0)
                            return LW_EINVAL;
                        skip |= args[i].type == SQL_V_NULL && w->fn->strict;
                    }
                    ev.fc.result_oid = w->ret;
                    ev.fc.arg_oids = w->arg_types;
                    if (!skip && w->fn->agg->step(&ev.fc, state, w->nargs, args) != 0)
                        return LW_EINVAL;
                }
                memset(&res, 0, sizeof res);
                ev.fc.result_oid = w->ret;
                ev.fc.arg_oids = w->arg_types;
                if (w->fn->agg->final(&ev.fc, state, &res) != 0 ||
                    sql_value_copy(x->arena, &res) != 0)
                    return res.type == SQL_V_NULL ? LW_EINVAL : sql_op_nomem(x->arena, x->err);
                for (long r = gs; r < ge; r++)
                    st->rows.rows[idx[r]][col] = res;
            } else {
                for (long r = gs; r < ge; r++) {
                    struct sql_value *v = &st->rows.rows[idx[r]][col];
                    memset(v, 0, sizeof *v);
                    switch (win_kind(w->fn)) {
                    case WIN_ROW_NUMBER: v->type = SQL_V_INT; v->u.i = r - ps + 1; break;
                    case WIN_RANK: v->type = SQL_V_INT; v->u.i = gs - ps + 1; break;
                    case WIN_DENSE_RANK: {
                        long groups = 1;
                        for (long k = ps + 1; k <= gs; k++)
                            groups += !same_keys(w, ws.keys[idx[k - 1]], ws.keys[idx[k]],
                                                 w->npart, nk);
                        v->type = SQL_V_INT;
                        v->u.i = groups;
                        break;
                    }
                    case WIN_LAG:
                    case WIN_LEAD: {
                        const struct sql_value *row = st->rows.rows[idx[r]];
                        struct sql_value off = {SQL_V_INT, {.i = 1}};
                        long t;
                        if (w->nargs > 1 && sql_op_eval(x, w->args[1], row, &off) != 0)
                            return LW_EINVAL;
                        if (off.type == SQL_V_NULL)
                            break;
                        t = win_kind(w->fn) == WIN_LAG ? r - off.u.i : r + off.u.i;
                        if (t >= ps && t < pe) {
                            if (sql_op_eval(x, w->args[0], st->rows.rows[idx[t]], v) != 0)
                                return LW_EINVAL;
                        } else if (w->nargs > 2 && sql_op_eval(x, w->args[2], row, v) != 0) {
                            return LW_EINVAL;
                        }
                        if (sql_value_copy(x->arena, v) != 0)
                            return sql_op_nomem(x->arena, x->err);
                        break;
                    }
                    default:
                        return sql_error_set(x->err, "0A000", "window function %s is not "
                                             "supported yet", w->fn->name);
                    }
                }
            }
            gs = ge;
        }
        ps = pe;
    }
    return 0;
}

static int window_open(struct sql_node *op, struct sql_exec *x)
{
    struct win_st *st = op->st;
    int nin = op->child->ncols, rc;
    if (!st && !(st = op->st = lw_arena_alloc(x->arena, sizeof *st)))
        return sql_op_nomem(x->arena, x->err);
    memset(st, 0, sizeof *st);
    if ((rc = sql_op_collect(op, x, &st->rows, nin, op->ncols)) != 0)
        return rc;
    for (int w = 0; w < op->u.window.nwins; w++)
        if (win_compute(op, x, &op->u.window.wins[w], nin + w) != 0)
            return LW_EINVAL;
    return 0;
}

static int window_next(struct sql_node *op, struct sql_exec *x)
{
    struct win_st *st = op->st;
    (void)x;
    return sql_op_rows_next(op, &st->rows, &st->pos);
}

/* --- WITH RECURSIVE ------------------------------------------------------------------- */

struct sql_worktable {
    struct sql_op_rows cur;         /* the previous round's rows */
};

struct sql_worktable *sql_worktable_new(struct lw_arena *a)
{
    struct sql_worktable *wt = lw_arena_alloc(a, sizeof *wt);
    if (wt)
        memset(wt, 0, sizeof *wt);
    return wt;
}

/* WITH RECURSIVE streams as PostgreSQL's RecursiveUnion does: the non-recursive term's rows,
 * then round after round of the recursive term over the previous round's rows, each row
 * handed on as soon as it is made, so a LIMIT above stops an endless recursion. Every row
 * is kept (the next round reads it) and counted against the row bound, which ends a
 * runaway recursion nothing stops with 54000. */
struct rec_st {
    struct sql_node *plan;          /* the term being read (child, then right), or NULL */
    struct sql_op_rows lists[2];    /* this round's rows (the next round's worktable) and
                                     * the previous round's (this round's worktable) */
    int cur;                        /* lists[cur] is this round's */
    struct rowset seen;             /* UNION: rows already produced */
    long produced;
};

static int recursive_open(struct sql_node *op, struct sql_exec *x)
{
    struct rec_st *st = op->st;
    if (!st && !(st = op->st = lw_arena_alloc(x->arena, sizeof *st)))
        return sql_op_nomem(x->arena, x->err);
    memset(st, 0, sizeof *st);
    rowset_init(&st->seen, op->ncols, op->types);
    st->plan = op->child;
    return sql_node_open(op->child, x);
}

/* The current term's next new row (copied and kept in the round), 0 at its end. */
static int rec_term_next(struct sql_node *op, struct sql_exec *x, struct rec_st *st)
{
    int rc;
    while ((rc = sql_node_next(st->plan, x)) == 1) {
        struct sql_value *r;
        bool created = true;
        if (!op->u.recursive.all && !rowset_get(x, &st->seen, st->plan->row, true, &created))
            return LW_ENOMEM;
        if (!created)
            continue;
        if (++st->produced > x->max_rows)
            return sql_op_too_many_rows(x);
        if (!(r = sql_op_copy_row(x, st->plan->row, op->ncols, op->ncols)) ||
            sql_op_rows_add(x, &st->lists[st->cur], r) != 0)
            return LW_ENOMEM;
        memcpy(op->row, r, (size_t)op->ncols * sizeof *op->row);
        return 1;
    }
    return rc;
}

static int recursive_next(struct sql_node *op, struct sql_exec *x)
{
    struct rec_st *st = op->st;
    int rc;
    while (st->plan) {
        if ((rc = rec_term_next(op, x, st)) != 0)
            return rc;
        sql_node_close(st->plan, x);
        st->plan = NULL;
        if (st->lists[st->cur].n == 0)
            return 0;       /* a round made nothing new: the recursion is over */
        /* the list two rounds old is read by no one now: its array is reused (a long
         * recursion of few rows a round would otherwise allocate a list every round) */
        op->u.recursive.wt->cur = st->lists[st->cur];
        st->cur = !st->cur;
        st->lists[st->cur].n = 0;
        st->plan = op->right;       /* closed by recursive_close even if open fails */
        if ((rc = sql_node_open(op->right, x)) != 0)
            return rc;
    }
    return 0;
}

static void recursive_close(struct sql_node *op, struct sql_exec *x)
{
    struct rec_st *st = op->st;
    if (st && st->plan) {
        sql_node_close(st->plan, x);
        st->plan = NULL;
    }
}

static int worktable_next(struct sql_node *op, struct sql_exec *x)
{
    struct pos_st *st = op->st;
    (void)x;
    return sql_op_rows_next(op, &op->u.worktable.wt->cur, &st->pos);
}

/* --- dispatch ------------------------------------------------------------------------- */

struct node_vt {
    int (*open)(struct sql_node *, struct sql_exec *);
    int (*next)(struct sql_node *, struct sql_exec *);
    void (*close)(struct sql_node *, struct sql_exec *);
};

static void no_close(struct sql_node *op, struct sql_exec *x)
{
    (void)op;
    (void)x;
}

static void join_close(struct sql_node *op, struct sql_exec *x)
{
    sql_node_close(op->child, x);
}

static const struct node_vt vts[] = {
    [SQL_N_RESULT] = {pos_open, result_next, no_close},
    [SQL_N_SCAN] = {scan_open, scan_next, scan_close},
    [SQL_N_VALUES] = {pos_open, values_next, no_close},
    [SQL_N_SRF] = {srf_open, srf_next, no_close},
    [SQL_N_FILTER] = {child_open, filter_next, child_close},
    [SQL_N_PROJECT] = {child_open, project_next, child_close},
    [SQL_N_JOIN] = {sql_op_join_open, sql_op_join_next, join_close},
    [SQL_N_AGG] = {agg_open, agg_next, child_close},
    [SQL_N_SORT] = {sql_op_sort_open, sql_op_sort_next, child_close},
    [SQL_N_DISTINCT] = {distinct_open, distinct_next, child_close},
    [SQL_N_LIMIT] = {limit_open, limit_next, child_close},
    [SQL_N_SETOP] = {setop_open, setop_next, setop_close},
    [SQL_N_MATERIAL] = {material_open, material_next, no_close},
    [SQL_N_WINDOW] = {window_open, window_next, child_close},
    [SQL_N_RECURSIVE] = {recursive_open, recursive_next, recursive_close},
    [SQL_N_WORKTABLE] = {pos_open, worktable_next, no_close},
};

int sql_node_open(struct sql_node *op, struct sql_exec *x)
{
    return vts[op->kind].open(op, x);
}

int sql_node_next(struct sql_node *op, struct sql_exec *x)
{
    int rc;
    /* every operator pulls its input through here: one check stops any plan */
    if (x->cancel && *x->cancel)
        return sql_cancel_error(x->err, *x->cancel);
    rc = vts[op->kind].next(op, x);
    return rc < 0 ? LW_EINVAL : rc;
}

void sql_node_close(struct sql_node *op, struct sql_exec *x)
{
    vts[op->kind].close(op, x);
}

/* --- sublinks ------------------------------------------------------------------------- */

int sql_op_sublink(struct sql_eval *ev, struct sql_subplan *sp, const struct sql_expr *lexpr,
                   struct sql_value *out)
{
    struct sql_exec *x = ev->exec;
    struct sql_value left = {0};
    bool saw_null = false, found = false;
    struct sql_op_rows arr = {0};
    struct sql_value arr_conv;
    int rc, result = -1;
    if (!sp->correlated && sp->cached && sp->kind != SQL_SUB_ANY && sp->kind != SQL_SUB_ALL) {
        *out = sp->cache;
        return 0;
    }
    if ((sp->kind == SQL_SUB_ANY || sp->kind == SQL_SUB_ALL) &&
        (!lexpr || sql_expr_eval(ev, lexpr, &left) != 0))
        return lexpr ? LW_EINVAL
                     : sql_error_set(ev->fc.err, "XX000", "ANY subquery without its operand");
    if (x->nouter >= (int)(sizeof x->outer / sizeof x->outer[0]))
        return sql_error_set(ev->fc.err, "54001", "subqueries nested too deeply");
    x->outer[x->nouter++] = ev->row;
    memset(out, 0, sizeof *out);
    rc = sql_node_open(sp->plan, x);
    while (rc == 0) {
        const struct sql_value *v;
        int nr = sql_node_next(sp->plan, x);
        if (nr <= 0) {
            rc = nr;
            break;
        }
        v = &sp->plan->row[0];
        if (sp->kind == SQL_SUB_EXISTS) {
            found = true;
            break;
        }
        if (sp->kind == SQL_SUB_EXPR) {
            if (found) {
                rc = sql_error_set(ev->fc.err, "21000", "more than one row returned by a "
                                   "subquery used as an expression");
                break;
            }
            found = true;
            *out = *v;
            if (sql_value_copy(x->arena, out) != 0) {
                rc = sql_op_nomem(x->arena, ev->fc.err);
                break;
            }
            continue;
        }
        if (sp->kind == SQL_SUB_ARRAY) {
            struct sql_value *c = sql_op_copy_row(x, v, 1, 1);
            rc = c ? sql_op_rows_add(x, &arr, c) : LW_ENOMEM;
            if (rc)
                break;
            continue;
        }
        /* ANY / ALL */
        if (sp->right) {
            struct sql_eval rev = *ev;
            struct sql_value *conv = &arr_conv;
            rev.row = v;
            if (sql_expr_eval(&rev, sp->right, conv) != 0) {
                rc = LW_EINVAL;
                break;
            }
            v = conv;
        }
        if (left.type == SQL_V_NULL || v->type == SQL_V_NULL) {
            saw_null = true;
            continue;
        }
        {
            struct sql_value args[2] = {left, *v}, r;
            uint32_t types[2] = {lexpr->type, sp->right ? sp->right->type
                                                           : sp->plan->types[0]};
            ev->fc.result_oid = SQL_OID_BOOL;
            ev->fc.arg_oids = types;
            memset(&r, 0, sizeof r);
            if (sp->cmp->fn(&ev->fc, 2, args, &r) != 0) {
                rc = LW_EINVAL;
                break;
            }
            if (r.type == SQL_V_NULL)
                saw_null = true;
            else if (r.u.b == (sp->kind == SQL_SUB_ANY)) {
                result = sp->kind == SQL_SUB_ANY;
                break;
            }
        }
    }
    sql_node_close(sp->plan, x);
    x->nouter--;
    if (rc < 0)
        return LW_EINVAL;
    switch (sp->kind) {
    case SQL_SUB_EXISTS:
        out->type = SQL_V_BOOL;
        out->u.b = found;
        break;
    case SQL_SUB_ANY:
    case SQL_SUB_ALL:
        if (result < 0)
            result = saw_null ? -1 : sp->kind == SQL_SUB_ALL;
        if (result >= 0) {
            out->type = SQL_V_BOOL;
            out->u.b = result;
        }
        break;
    case SQL_SUB_ARRAY: {
        struct sql_array *a = lw_arena_alloc(x->arena, sizeof *a);
        struct sql_value *vals = lw_arena_alloc(x->arena, (size_t)(arr.n + 1) * sizeof *vals);
        if (!a || !vals)
            return sql_op_nomem(x->arena, ev->fc.err);
        for (long i = 0; i < arr.n; i++)
            vals[i] = arr.rows[i][0];
        a->elem_oid = sp->plan->types[0];
        a->n = (int)arr.n;
        a->v = vals;
        out->type = SQL_V_ARRAY;
        out->u.arr = a;
        break;
    }
    case SQL_SUB_EXPR:
        break;
    }
    if (!sp->correlated) {
        sp->cache = *out;
        sp->cached = true;
    }
    return 0;
}

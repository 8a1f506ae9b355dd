/* sql_exec_join.c -- the join operator: inner, LEFT, RIGHT and FULL joins of the child (left,
 * streamed) with the right side, which is read once at open and kept: each row copied once,
 * in one allocation, holding only the columns the right side can fill (a scan of a wide
 * table fills the few the statement reads; the rest are NULL and are put back as NULL when
 * a row is output). Without equi-join keys every left row is tried against every right row
 * (nested loop). With keys (u.join.lkeys = u.join.rkeys, the binder's split of ON) a hash
 * table over the kept rows' positions finds the candidates: chained through arrays of
 * positions, the keys read from the kept row itself when they are its columns (evaluated
 * once per row and kept otherwise), so building it allocates nothing per row. Candidates
 * come in the right side's order, as in the nested loop. A key that is NULL never matches. */
#include "sql_op_int.h"

#include "sql_type.h"
#include "sql_value.h"

#include <string.h>

struct join_st {
    struct sql_op_rows right;   /* kept rows: the columns in rmap order (all when !rmap) */
    int *rmap, nlive;           /* the right row's columns each kept value belongs to */
    struct sql_value *gather;   /* a right row's live columns, before the copy */
    bool *matched;              /* per right row (RIGHT/FULL) */
    bool have_left, left_matched, left_done;
    long rpos, upos;
    /* hash join */
    const struct sql_type **ktypes;     /* the keys' types (rkeys'), looked up once */
    int *kcols;                 /* each key's place in a kept row, when all are columns */
    struct sql_value *rkeyv;    /* else: every right row's keys, nkeys a row */
    long rkeycap;               /* rows rkeyv has room for */
    uint64_t *hash;             /* per right row */
    long *next;                 /* per right row: the next in its bucket, -1 end, -2 NULL */
    long *head;                 /* per bucket: the first right row, -1: none */
    uint64_t mask;
    struct sql_value *kbuf;     /* the current left row's keys */
    uint64_t lhash;
    long cand;                  /* the next candidate of the current left row, -1: none */
};

#define HASH_SEED 0x84222325cbf29ce4ull

/* One key's step of a row's hash (the same for the left and the right side). */
static uint64_t hash_step(uint64_t h, const struct sql_type *t, const struct sql_value *v)
{
    h = (h ^ (t && t->hash ? t->hash(v) : 0)) * 0x100000001b3ull;
    return h ^ (h >> 29);
}

/* Right row r's key i. */
static const struct sql_value *rkey(const struct join_st *st, int nk, long r, int i)
{
    return st->kcols ? &st->right.rows[r][st->kcols[i]] : &st->rkeyv[(size_t)r * nk + i];
}

static bool keys_equal(const struct join_st *st, int nk, long r, const struct sql_value *l)
{
    for (int i = 0; i < nk; i++)
        if (sql_value_cmp_as(st->ktypes[i], rkey(st, nk, r, i), &l[i]) != 0)
            return false;
    return true;
}

/* Evaluates n key expressions over row into out; *has_null when one is NULL (never equal). */
static int eval_keys(struct sql_exec *x, struct sql_expr **keys, int n,
                     const struct sql_value *row, struct sql_value *out, bool *has_null)
{
    *has_null = false;
    for (int i = 0; i < n; i++) {
        if (sql_op_eval(x, keys[i], row, &out[i]) != 0)
            return LW_EINVAL;
        if (out[i].type == SQL_V_NULL)
            *has_null = true;
    }
    return 0;
}

static void *alloc_array(struct sql_exec *x, long n, size_t size)
{
    void *p = lw_arena_alloc(x->arena, (size_t)(n + 1) * size);
    if (!p)
        sql_op_nomem(x->arena, x->err);
    return p;
}

static bool right_key_null(const struct join_st *st, int nk, long r)
{
    for (int i = 0; i < nk; i++)
        if (rkey(st, nk, r, i)->type == SQL_V_NULL)
            return true;
    return false;
}

/* Keeps the right side's current row: its live columns (all when every column may be
 * filled), and its keys when they are not plain columns (copied: an expression's text may
 * live only until the next evaluation). */
static int keep_right(struct sql_node *op, struct sql_exec *x, struct join_st *st)
{
    const struct sql_value *row = op->right->row;
    int nk = op->u.join.nkeys;
    struct sql_value *r;
    if (st->rmap) {
        for (int i = 0; i < st->nlive; i++)
            st->gather[i] = row[st->rmap[i]];
        row = st->gather;
    }
    if (!(r = sql_op_copy_row(x, row, st->nlive, st->nlive)) ||
        sql_op_rows_add(x, &st->right, r) != 0)
        return LW_ENOMEM;
    if (nk && !st->kcols) {
        bool has_null;
        long n = st->right.n - 1;
        if (n == st->rkeycap) {
            long nc = st->rkeycap ? st->rkeycap * 2 : 64;
            struct sql_value *nv = alloc_array(x, nc * nk, sizeof *nv);
            if (!nv)
                return LW_ENOMEM;
            if (n)
                memcpy(nv, st->rkeyv, (size_t)(n * nk) * sizeof *nv);
            st->rkeyv = nv;
            st->rkeycap = nc;
        }
        if (eval_keys(x, op->u.join.rkeys, nk, op->right->row, &st->rkeyv[n * nk],
                      &has_null) != 0)
            return LW_EINVAL;
        for (int i = 0; i < nk; i++)
            if (sql_value_copy(x->arena, &st->rkeyv[n * nk + i]) != 0)
                return sql_op_nomem(x->arena, x->err);
    }
    return 0;
}

/* Decides how right rows are kept (which columns; keys read in place or evaluated). */
static int plan_right(struct sql_node *op, struct sql_exec *x, struct join_st *st)
{
    int nr = op->right->ncols, nk = op->u.join.nkeys, *place;
    uint64_t live = sql_op_live_cols(op->right);
    const struct sql_type **types;
    bool all_cols = true;
    if (!(place = alloc_array(x, nr, sizeof *place)) ||
        !(st->rmap = alloc_array(x, nr, sizeof *st->rmap)))
        return LW_ENOMEM;
    for (int c = 0; c < nr; c++) {
        place[c] = -1;
        if (live & (1ull << (c < 63 ? c : 63))) {
            place[c] = st->nlive;
            st->rmap[st->nlive++] = c;
        }
    }
    if (st->nlive == nr)
        st->rmap = NULL;    /* every column: kept as it is, output by one copy */
    else if (!(st->gather = alloc_array(x, st->nlive, sizeof *st->gather)))
        return LW_ENOMEM;
    if (!nk)
        return 0;
    if (!(types = alloc_array(x, nk, sizeof *types)) ||
        !(st->kbuf = alloc_array(x, nk, sizeof *st->kbuf)) ||
        !(st->kcols = alloc_array(x, nk, sizeof *st->kcols)))
        return LW_ENOMEM;
    for (int i = 0; i < nk; i++) {
        const struct sql_expr *e = op->u.join.rkeys[i];
        types[i] = sql_type_get(e->type);
        all_cols &= e->kind == SQL_E_COL && e->level == 0 && e->col < nr && place[e->col] >= 0;
        st->kcols[i] = all_cols ? place[e->col] : -1;
    }
    st->ktypes = types;
    if (!all_cols)
        st->kcols = NULL;
    return 0;
}

static int join_build(struct sql_node *op, struct sql_exec *x, struct join_st *st)
{
    int nk = op->u.join.nkeys;
    long n = st->right.n, nb = 64;
    while (nb < n)
        nb *= 2;
    if (!(st->hash = alloc_array(x, n, sizeof *st->hash)) ||
        !(st->next = alloc_array(x, n, sizeof *st->next)) ||
        !(st->head = alloc_array(x, nb, sizeof *st->head)))
        return LW_ENOMEM;
    st->mask = (uint64_t)nb - 1;
    memset(st->head, 0xff, (size_t)nb * sizeof *st->head);
    for (long r = 0; r < n; r++) {
        uint64_t h = HASH_SEED;
        bool has_null = right_key_null(st, nk, r);
        for (int i = 0; i < nk && !has_null; i++)
            h = hash_step(h, st->ktypes[i], rkey(st, nk, r, i));
        st->hash[r] = h;
        st->next[r] = has_null ? -2 : -1;
    }
    /* chains are built back to front so each lists its rows in the right side's order */
    for (long r = n - 1; r >= 0; r--) {
        long b;
        if (st->next[r] == -2)
            continue;
        b = (long)(st->hash[r] & st->mask);
        st->next[r] = st->head[b];
        st->head[b] = r;
    }
    return 0;
}

/* Puts kept right row k into op->row after the left row's nl columns. */
static void put_right(struct sql_node *op, const struct join_st *st, int nl, long k)
{
    const struct sql_value *r = st->right.rows[k];
    if (!st->rmap) {
        memcpy(op->row + nl, r, (size_t)op->right->ncols * sizeof *op->row);
        return;
    }
    memset(op->row + nl, 0, (size_t)op->right->ncols * sizeof *op->row);
    for (int i = 0; i < st->nlive; i++)
        op->row[nl + st->rmap[i]] = r[i];
}

int sql_op_join_open(struct sql_node *op, struct sql_exec *x)
{
    struct join_st *st = op->st;
    int rc;
    if (!st && !(st = op->st = lw_arena_alloc(x->arena, sizeof *st)))
        return sql_op_nomem(x->arena, x->err);
    memset(st, 0, sizeof *st);
    if (plan_right(op, x, st) != 0)
        return LW_ENOMEM;
    if ((rc = sql_node_open(op->right, x)) != 0)
        return rc;
    while ((rc = sql_node_next(op->right, x)) == 1)
        if ((rc = keep_right(op, x, st)) != 0)
            break;
    sql_node_close(op->right, x);
    if (rc < 0)
        return rc;
    if (op->u.join.nkeys && join_build(op, x, st) != 0)
        return LW_EINVAL;
    if (op->u.join.type == SQL_JOIN_RIGHT || op->u.join.type == SQL_JOIN_FULL) {
        if (!(st->matched = lw_arena_alloc(x->arena, (size_t)(st->right.n + 1))))
            return sql_op_nomem(x->arena, x->err);
        memset(st->matched, 0, (size_t)(st->right.n + 1));
    }
    return sql_node_open(op->child, x);
}

/* The first candidate of the left row now in op->row (hash join): evaluates its keys. */
static int first_candidate(struct sql_node *op, struct sql_exec *x, struct join_st *st)
{
    int nk = op->u.join.nkeys;
    bool has_null;
    uint64_t h = HASH_SEED;
    st->cand = -1;
    if (eval_keys(x, op->u.join.lkeys, nk, op->row, st->kbuf, &has_null) != 0)
        return LW_EINVAL;
    if (has_null)
        return 0;
    for (int i = 0; i < nk; i++)
        h = hash_step(h, st->ktypes[i], &st->kbuf[i]);
    st->lhash = h;
    st->cand = st->head[h & st->mask];
    return 0;
}

/* The next right row to try with the current left row, or -1. */
static long next_right(struct sql_node *op, struct join_st *st)
{
    int nk = op->u.join.nkeys;
    if (!nk)
        return st->rpos < st->right.n ? st->rpos++ : -1;
    while (st->cand >= 0) {
        long r = st->cand;
        st->cand = st->next[r];
        if (st->hash[r] == st->lhash && keys_equal(st, nk, r, st->kbuf))
            return r;
    }
    return -1;
}

int sql_op_join_next(struct sql_node *op, struct sql_exec *x)
{
    struct join_st *st = op->st;
    int nl = op->child->ncols, nr = op->right->ncols, rc;
    enum sql_join_type jt = op->u.join.type;
    for (;;) {
        long k;
        if (st->left_done) {
            /* RIGHT/FULL: the right rows nothing matched, with NULLs on the left */
            while (st->matched && st->upos < st->right.n) {
                k = st->upos++;
                if (st->matched[k])
                    continue;
                memset(op->row, 0, (size_t)nl * sizeof *op->row);
                put_right(op, st, nl, k);
                return 1;
            }
            return 0;
        }
        if (!st->have_left) {
            if ((rc = sql_node_next(op->child, x)) < 0)
                return rc;
            if (rc == 0) {
                st->left_done = true;
                continue;
            }
            memcpy(op->row, op->child->row, (size_t)nl * sizeof *op->row);
            st->have_left = true;
            st->left_matched = false;
            st->rpos = 0;
            if (op->u.join.nkeys && first_candidate(op, x, st) != 0)
                return LW_EINVAL;
        }
        while ((k = next_right(op, st)) >= 0) {
            int r = 1;
            put_right(op, st, nl, k);
            if (op->u.join.on && (r = sql_op_true(x, op->u.join.on, op->row)) < 0)
                return LW_EINVAL;
            if (r) {
                st->left_matched = true;
                if (st->matched)
                    st->matched[k] = true;
                return 1;
            }
        }
        st->have_left = false;
        if (!st->left_matched && (jt == SQL_JOIN_LEFT || jt == SQL_JOIN_FULL)) {
            memset(op->row + nl, 0, (size_t)nr * sizeof *op->row);
            return 1;
        }
    }
}

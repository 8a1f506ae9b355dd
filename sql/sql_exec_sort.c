/* sql_exec_sort.c -- the sort operator (ORDER BY). Equal keys keep their input order (each
 * row carries its input position as the last key), so a sort is stable and a LIMIT over it
 * returns the same rows whether or not the bounded path below is taken.
 *
 * Full sort: every input row is copied into the statement's arena and sorted.
 * Top-N: when a LIMIT right above has set u.sort.bound (offset + count, known at open, so
 * LIMIT $1 counts too), only the best `bound` rows are kept, in a max-heap whose root is the
 * worst row kept. A row that does not beat the root is dropped without being copied; one that
 * does overwrites the root's slot, reusing its memory. So ORDER BY x LIMIT 10 over 100,000
 * rows compares each row with one kept row and buffers 10, and never meets the row bound
 * (PostgreSQL's bounded sort does not either). */
#include "sql_op_int.h"

#include "sql_value.h"

#include <stdlib.h>
#include <string.h>

/* Above this many rows a heap is no cheaper than sorting everything (and its slots would be
 * a large allocation made before the first row arrives). */
#define SORT_TOPN_MAX 10000

/* A kept row of the top-N heap: the row (its spare value after the last column holds its
 * input position, as every buffered row's does) and its text bytes, reused when the slot
 * gets a better row. */
struct topn_slot {
    struct sql_value *row;
    char *text;
    size_t text_cap;
};

struct sort_st {
    const struct sql_type **kt;     /* the keys' types, looked up once */
    struct sql_value **rows;        /* the rows to return, sorted at the end of open */
    long n, cap, pos;
    struct topn_slot *heap;         /* top-N: the best rows so far, the worst at [0] */
    long nheap, heapcap;
    long bound;                     /* > 0: top-N, keep this many */
    long seq;                       /* the next row's input position */
};

/* Orders rows by the keys, then by input position: the tie-break that makes it stable. */
static int row_cmp(const struct sql_node *op, const struct sql_value *a,
                   const struct sql_value *b)
{
    const struct sort_st *st = op->st;
    int c = sql_op_cmp_keys(op->u.sort.keys, st->kt, op->u.sort.nkeys, a, b);
    return c ? c : (a[op->ncols].u.i > b[op->ncols].u.i) - (a[op->ncols].u.i < b[op->ncols].u.i);
}

static int row_qsort_cmp(const void *a, const void *b, void *ctx)
{
    return row_cmp(ctx, *(struct sql_value *const *)a, *(struct sql_value *const *)b);
}

/* Grows an arena array of *cap elements of size bytes (n in use) to at most limit. */
static int grow(struct sql_exec *x, void **arr, long n, long *cap, long limit, size_t size)
{
    long ncap = *cap ? *cap * 2 : 64;
    char *na;
    if (ncap > limit)
        ncap = limit;
    if (!(na = lw_arena_alloc(x->arena, (size_t)ncap * size)))
        return sql_op_nomem(x->arena, x->err);
    if (n)
        memcpy(na, *arr, (size_t)n * size);
    memset(na + (size_t)n * size, 0, (size_t)(ncap - n) * size);
    *arr = na;
    *cap = ncap;
    return 0;
}

/* Copies row (input position seq) into slot e, reusing e's value array and text buffer
 * (grown when too small). */
static int slot_fill(struct sql_exec *x, struct topn_slot *e, const struct sql_value *row, int n,
                     long seq)
{
    size_t text = 0;
    char *p;
    if (!e->row && !(e->row = lw_arena_alloc(x->arena, (size_t)(n + 1) * sizeof *e->row)))
        return sql_op_nomem(x->arena, x->err);
    for (int i = 0; i < n; i++)
        if (row[i].type == SQL_V_TEXT)
            text += row[i].u.s.len;
    if (!e->text || text > e->text_cap) {   /* never NULL: an empty text points here too */
        size_t cap = text > 2 * e->text_cap ? text : 2 * e->text_cap;
        cap = cap < 32 ? 32 : cap;
        if (!(e->text = lw_arena_alloc(x->arena, cap)))
            return sql_op_nomem(x->arena, x->err);
        e->text_cap = cap;
    }
    p = e->text;
    memcpy(e->row, row, (size_t)n * sizeof *row);
    memset(&e->row[n], 0, sizeof e->row[n]);
    e->row[n].u.i = seq;
    for (int i = 0; i < n; i++) {
        struct sql_value *v = &e->row[i];
        if (v->type == SQL_V_TEXT) {
            if (v->u.s.len)
                memcpy(p, v->u.s.p, v->u.s.len);
            v->u.s.p = p;
            p += v->u.s.len;
        } else if (v->type == SQL_V_ARRAY && sql_value_copy(x->arena, v) != 0) {
            return sql_op_nomem(x->arena, x->err);   /* arrays are not reused: rare here */
        }
    }
    return 0;
}

static void swap(struct topn_slot *a, struct topn_slot *b)
{
    struct topn_slot t = *a;
    *a = *b;
    *b = t;
}

static void sift_up(const struct sql_node *op, struct topn_slot *h, long i)
{
    while (i > 0) {
        long parent = (i - 1) / 2;
        if (row_cmp(op, h[parent].row, h[i].row) >= 0)
            break;
        swap(&h[parent], &h[i]);
        i = parent;
    }
}

static void sift_down(const struct sql_node *op, struct topn_slot *h, long n)
{
    long i = 0;
    for (;;) {
        long l = 2 * i + 1, r = l + 1, top = i;
        if (l < n && row_cmp(op, h[l].row, h[top].row) > 0)
            top = l;
        if (r < n && row_cmp(op, h[r].row, h[top].row) > 0)
            top = r;
        if (top == i)
            return;
        swap(&h[i], &h[top]);
        i = top;
    }
}

/* Offers the child's current row to the heap of the best st->bound rows. */
static int topn_offer(struct sql_node *op, struct sql_exec *x, struct sort_st *st)
{
    const struct sql_value *row = op->child->row;
    long seq = st->seq++;
    if (st->nheap < st->bound) {
        if (st->nheap == st->heapcap &&
            grow(x, (void **)&st->heap, st->nheap, &st->heapcap, st->bound,
                 sizeof *st->heap) != 0)
            return LW_ENOMEM;
        if (slot_fill(x, &st->heap[st->nheap], row, op->ncols, seq) != 0)
            return LW_ENOMEM;
        sift_up(op, st->heap, st->nheap++);
        return 0;
    }
    /* a later row ties with the root only to lose: it must be strictly better */
    if (sql_op_cmp_keys(op->u.sort.keys, st->kt, op->u.sort.nkeys, row, st->heap[0].row) >= 0)
        return 0;
    if (slot_fill(x, &st->heap[0], row, op->ncols, seq) != 0)
        return LW_ENOMEM;
    sift_down(op, st->heap, st->nheap);
    return 0;
}

/* The kept rows, to be sorted and returned like a full sort's. */
static int topn_rows(struct sql_exec *x, struct sort_st *st)
{
    if (!(st->rows = lw_arena_alloc(x->arena, (size_t)(st->nheap + 1) * sizeof *st->rows)))
        return sql_op_nomem(x->arena, x->err);
    for (long i = 0; i < st->nheap; i++)
        st->rows[i] = st->heap[i].row;
    st->n = st->nheap;
    return 0;
}

static int full_add(struct sql_node *op, struct sql_exec *x, struct sort_st *st)
{
    struct sql_value *r;
    if (st->n >= x->max_rows)
        return sql_op_too_many_rows(x);
    if (st->n == st->cap &&
        grow(x, (void **)&st->rows, st->n, &st->cap, x->max_rows, sizeof *st->rows) != 0)
        return LW_ENOMEM;
    if (!(r = sql_op_copy_row(x, op->child->row, op->ncols, op->ncols)))
        return LW_ENOMEM;
    r[op->ncols].u.i = st->seq++;     /* the spare value sql_op_copy_row leaves zeroed */
    st->rows[st->n++] = r;
    return 0;
}

int sql_op_sort_open(struct sql_node *op, struct sql_exec *x)
{
    struct sort_st *st = op->st;
    int rc;
    if (!st && !(st = op->st = lw_arena_alloc(x->arena, sizeof *st)))
        return sql_op_nomem(x->arena, x->err);
    memset(st, 0, sizeof *st);
    if (!(st->kt = sql_op_key_types(x, op->u.sort.keys, op->u.sort.nkeys)))
        return LW_ENOMEM;
    if (op->u.sort.bound > 0 && op->u.sort.bound <= SORT_TOPN_MAX &&
        op->u.sort.bound <= x->max_rows)
        st->bound = (long)op->u.sort.bound;
    if ((rc = sql_node_open(op->child, x)) != 0)
        return rc;
    while ((rc = sql_node_next(op->child, x)) == 1)
        if ((st->bound ? topn_offer(op, x, st) : full_add(op, x, st)) != 0)
            return LW_ENOMEM;
    if (rc < 0)
        return rc;
    if (st->bound && topn_rows(x, st) != 0)
        return LW_ENOMEM;
    if (st->n > 1)
        qsort_r(st->rows, (size_t)st->n, sizeof *st->rows, row_qsort_cmp, op);
    return 0;
}

int sql_op_sort_next(struct sql_node *op, struct sql_exec *x)
{
    struct sort_st *st = op->st;
    (void)x;
    if (st->pos >= st->n)
        return 0;
    memcpy(op->row, st->rows[st->pos++], (size_t)op->ncols * sizeof *op->row);
    return 1;
}

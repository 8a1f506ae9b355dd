/* perm_check_sql.c -- lakeward.fga_check (perm_check_sql.h). The cross product of the keys
 * becomes one fga_check call, so a query over many objects costs ceil(n / 50) concurrent
 * requests rather than n round trips. Every check is answered or the statement fails: a
 * denied row would otherwise be indistinguishable from an unanswered one. */
#include "perm_check_sql.h"
#include "perm_fga_sql.h"

#include <string.h>

enum { COL_SUBJECT, COL_RELATION, COL_OBJECT, COL_ALLOWED, NCOLS };

static const struct sql_col cols[NCOLS] = {
    [COL_SUBJECT] = {"subject", SQL_OID_TEXT, SQL_COL_KEY_REQUIRED},
    [COL_RELATION] = {"relation", SQL_OID_TEXT, SQL_COL_KEY_REQUIRED},
    [COL_OBJECT] = {"object", SQL_OID_TEXT, SQL_COL_KEY_REQUIRED},
    [COL_ALLOWED] = {"allowed", SQL_OID_BOOL, 0},
};

/* Checks one query may ask: 200 BatchCheck requests' worth. */
#define MAX_CHECKS 10000

struct cursor {
    struct sql_cursor base;
    const struct perm_fga_sql *pf;
    int64_t deadline_us;
    char **strs;                /* every distinct key string, owned */
    int nstrs;
    struct fga_key *keys;       /* borrow strs */
    bool *allowed;
    int n, pos;
};

static int best_index(void *aux, const struct sql_index_in *in, struct sql_index_out *out,
                      struct lw_err *err)
{
    (void)aux;
    (void)err;
    int slot[3] = {-1, -1, -1};
    for (int i = 0; i < in->nconstraint; i++) {
        const struct sql_index_constraint *k = &in->constraint[i];
        if (k->usable && k->column <= COL_OBJECT && slot[k->column] < 0 &&
            (k->op == SQL_OP_EQ || k->op == SQL_OP_IN))
            slot[k->column] = i;
    }
    /* A missing key is the engine's to report (42P10); the present ones are handed over. */
    for (int col = COL_SUBJECT; col <= COL_OBJECT; col++)
        if (slot[col] >= 0)
            out->usage[slot[col]].arg_index = col + 1;
    out->est_cost = 20;
    out->est_rows = 10;
    return 0;
}

static int open_cursor(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **cur,
                       struct lw_err *err)
{
    if (perm_fga_require_admin(qc, "fga_check", err) != 0)
        return LW_EAUTH;
    struct cursor *c = lw_calloc(1, sizeof(*c));
    if (!c)
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    c->base.mod = &perm_check_module;
    c->pf = aux;
    c->deadline_us = qc->deadline_us;
    *cur = &c->base;
    return 0;
}

static void reset(struct cursor *c)
{
    for (int i = 0; i < c->nstrs; i++)
        lw_free(c->strs[i]);
    lw_free(c->strs);
    lw_free(c->keys);
    lw_free(c->allowed);
    c->strs = NULL;
    c->keys = NULL;
    c->allowed = NULL;
    c->nstrs = c->n = c->pos = 0;
}

/* The usable text values of one key: = gives one, IN its list; NULL, non-text and empty
 * strings match nothing and are dropped. Copies land in c->strs. */
static int key_values(struct cursor *c, const struct sql_value *v, const char ***out, int *n)
{
    const struct sql_value *vals = v->type == SQL_V_ARRAY ? v->u.arr->v : v;
    int nv = v->type == SQL_V_ARRAY ? v->u.arr->n : 1;
    const char **list = lw_calloc((size_t)nv + 1, sizeof(*list));
    char **strs = lw_realloc(c->strs, ((size_t)c->nstrs + (size_t)nv + 1) * sizeof(*strs));
    if (strs)
        c->strs = strs;
    if (!list || !strs) {
        lw_free(list);
        return LW_ENOMEM;
    }
    *n = 0;
    for (int i = 0; i < nv; i++) {
        const struct sql_value *x = &vals[i];
        if (x->type != SQL_V_TEXT || x->u.s.len == 0 || memchr(x->u.s.p, 0, x->u.s.len))
            continue;
        char *s = lw_strndup(x->u.s.p, x->u.s.len);
        if (!s) {
            lw_free(list);
            return LW_ENOMEM;
        }
        c->strs[c->nstrs++] = s;
        list[(*n)++] = s;
    }
    *out = list;
    return LW_OK;
}

static int filter(struct sql_cursor *cur, int plan, int argc, const struct sql_value *argv,
                  struct lw_err *err)
{
    struct cursor *c = (struct cursor *)cur;
    (void)plan;
    reset(c);
    if (argc < 3)
        return lw_err_set(err, LW_EINVAL, "fga_check needs subject, relation and object");
    const char **v[3] = {NULL, NULL, NULL};
    int n[3] = {0, 0, 0}, rc = LW_OK;
    for (int k = 0; k < 3 && rc == LW_OK; k++)
        if (key_values(c, &argv[k], &v[k], &n[k]) != LW_OK)
            rc = lw_err_set(err, LW_ENOMEM, "out of memory");
    int64_t total = (int64_t)n[0] * n[1] * n[2];
    if (rc == LW_OK && total > MAX_CHECKS)
        rc = lw_err_set(err, LW_EINVAL, "fga_check: %lld checks in one query, at most %d",
                        (long long)total, MAX_CHECKS);
    if (rc == LW_OK && total > 0) {
        c->keys = lw_calloc((size_t)total, sizeof(*c->keys));
        c->allowed = lw_calloc((size_t)total, sizeof(*c->allowed));
        if (!c->keys || !c->allowed)
            rc = lw_err_set(err, LW_ENOMEM, "out of memory");
        for (int s = 0; rc == LW_OK && s < n[0]; s++)
            for (int r = 0; r < n[1]; r++)
                for (int o = 0; o < n[2]; o++)
                    c->keys[c->n++] = (struct fga_key){v[0][s], v[1][r], v[2][o]};
    }
    if (rc == LW_OK && c->n > 0) {
        struct fga_client *fc = fga_client_new(&c->pf->fga, err);
        rc = fc ? fga_check(fc, c->keys, c->allowed, c->n, c->deadline_us, err) : err->code;
        fga_client_free(fc);
    }
    for (int k = 0; k < 3; k++)
        lw_free(v[k]);
    if (rc != LW_OK)
        c->n = 0;
    return rc;
}

static int next(struct sql_cursor *cur, struct lw_err *err)
{
    (void)err;
    ((struct cursor *)cur)->pos++;
    return 0;
}

static bool eof(struct sql_cursor *cur)
{
    struct cursor *c = (struct cursor *)cur;
    return c->pos >= c->n;
}

static int column(struct sql_cursor *cur, int col, struct sql_value *v, struct lw_err *err)
{
    struct cursor *c = (struct cursor *)cur;
    const struct fga_key *k = &c->keys[c->pos];
    const char *s;
    switch (col) {
    case COL_SUBJECT: s = k->user; break;
    case COL_RELATION: s = k->relation; break;
    case COL_OBJECT: s = k->object; break;
    case COL_ALLOWED:
        v->type = SQL_V_BOOL;
        v->u.b = c->allowed[c->pos];
        return 0;
    default: return lw_err_set(err, LW_EINVAL, "no column %d in fga_check", col);
    }
    v->type = SQL_V_TEXT;
    v->u.s.p = s;
    v->u.s.len = strlen(s);
    return 0;
}

static void close_cursor(struct sql_cursor *cur)
{
    struct cursor *c = (struct cursor *)cur;
    if (!c)
        return;
    reset(c);
    lw_free(c);
}

const struct sql_vtab_module perm_check_module = {
    .name = "fga_check",
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

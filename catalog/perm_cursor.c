/* perm_cursor.c -- the scan plumbing the permission tables share (perm_cursor.h). */
#include "perm_cursor.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int perm_denied(struct lw_err *err, const char *fmt, ...)
{
    if (!err)
        return LW_EAUTH;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->code = LW_EAUTH;
    memcpy(err->sqlstate, "42501", 6);
    return LW_EAUTH;
}

int perm_cursor_open(const struct sql_vtab_module *mod, void *aux,
                     const struct sql_query_ctx *qc, size_t size, bool admin_only,
                     void (*reset)(struct perm_cursor *c), struct sql_cursor **cur,
                     struct lw_err *err)
{
    if (admin_only && !(qc && qc->admin))
        return perm_denied(err, "permission denied for table %s (administrators only)",
                           mod->name);
    struct perm_cursor *c = lw_calloc(1, size < sizeof(*c) ? sizeof(*c) : size);
    if (!c)
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    c->base.mod = mod;
    c->reset = reset;
    c->aux = aux;
    c->qc = qc;
    c->deadline_us = qc ? qc->deadline_us : 0;
    *cur = &c->base;
    return 0;
}

int perm_cursor_next(struct sql_cursor *cur, struct lw_err *err)
{
    (void)err;
    ((struct perm_cursor *)cur)->pos++;
    return 0;
}

bool perm_cursor_eof(struct sql_cursor *cur)
{
    const struct perm_cursor *c = (const struct perm_cursor *)cur;
    return c->pos >= c->n;
}

void perm_cursor_close(struct sql_cursor *cur)
{
    struct perm_cursor *c = (struct perm_cursor *)cur;
    if (!c)
        return;
    if (c->reset)
        c->reset(c);
    lw_free(c);
}

void *perm_grow(void *v, size_t *cap, size_t n, size_t elem, struct lw_err *err)
{
    if (n < *cap)
        return v;
    /* the doubled size must still fit in a size_t */
    size_t ncap = *cap ? *cap * 2 : 32;
    void *nv = *cap > SIZE_MAX / 2 / elem ? NULL : lw_realloc(v, ncap * elem);
    if (!nv) {
        lw_err_set(err, LW_ENOMEM, "out of memory");
        return NULL;
    }
    *cap = ncap;
    return nv;
}

void perm_keys_best_index(const struct sql_index_in *in, struct sql_index_out *out,
                          int nkeys, double est_cost, double est_rows)
{
    int slot[16];
    if (nkeys > 16)
        nkeys = 16;
    for (int k = 0; k < nkeys; k++)
        slot[k] = -1;
    for (int i = 0; i < in->nconstraint; i++) {
        const struct sql_index_constraint *k = &in->constraint[i];
        if (k->usable && k->column >= 0 && k->column < nkeys && slot[k->column] < 0 &&
            (k->op == SQL_OP_EQ || k->op == SQL_OP_IN))
            slot[k->column] = i;
    }
    int arg = 0;
    out->plan = 0;
    for (int col = 0; col < nkeys; col++)
        if (slot[col] >= 0) {
            out->usage[slot[col]].arg_index = ++arg;
            out->plan |= 1 << col;
        }
    out->est_cost = est_cost;
    out->est_rows = est_rows;
}

const struct sql_value *perm_key_arg(int plan, int col, int argc, const struct sql_value *argv)
{
    if (!(plan & (1 << col)))
        return NULL;
    int arg = 0;
    for (int k = 0; k < col; k++)
        if (plan & (1 << k))
            arg++;
    return arg < argc ? &argv[arg] : NULL;
}

static bool listed(const struct perm_strs *s, const char *p, size_t len)
{
    for (int i = 0; i < s->n; i++)
        if (strlen(s->v[i]) == len && memcmp(s->v[i], p, len) == 0)
            return true;
    return false;
}

int perm_strs_of(const struct sql_value *arg, struct perm_strs *out, struct lw_err *err)
{
    out->v = NULL;
    out->n = 0;
    if (!arg)
        return 0;
    const struct sql_value *vals = arg->type == SQL_V_ARRAY ? arg->u.arr->v : arg;
    int nv = arg->type == SQL_V_ARRAY ? arg->u.arr->n : 1;
    if (nv <= 0)
        return 0;
    if (!(out->v = lw_calloc((size_t)nv, sizeof(*out->v))))
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    for (int i = 0; i < nv; i++) {
        const struct sql_value *x = &vals[i];
        if (x->type != SQL_V_TEXT || x->u.s.len == 0 || memchr(x->u.s.p, 0, x->u.s.len) ||
            listed(out, x->u.s.p, x->u.s.len))
            continue;
        if (!(out->v[out->n] = lw_strndup(x->u.s.p, x->u.s.len))) {
            perm_strs_free(out);
            return lw_err_set(err, LW_ENOMEM, "out of memory");
        }
        out->n++;
    }
    return 0;
}

void perm_strs_free(struct perm_strs *s)
{
    for (int i = 0; s && i < s->n; i++)
        lw_free(s->v[i]);
    if (s) {
        lw_free(s->v);
        s->v = NULL;
        s->n = 0;
    }
}

void perm_text(struct sql_value *v, const char *s)
{
    if (s)
        perm_textn(v, s, strlen(s));
    else
        memset(v, 0, sizeof(*v));
}

void perm_textn(struct sql_value *v, const char *s, size_t len)
{
    v->type = SQL_V_TEXT;
    v->u.s.p = s;
    v->u.s.len = len;
}

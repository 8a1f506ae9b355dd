/* sql_expr.c -- evaluation of bound expressions (sql_expr.h) with SQL's three-valued
 * logic: AND/OR short-circuit as PostgreSQL's do, strict functions give NULL for a NULL
 * argument without being called, CASE evaluates only the branch it takes. */
#include "sql_expr.h"

#include "sql_value.h"

#include <stdio.h>
#include <string.h>

struct sql_expr *sql_expr_new(struct lw_arena *a, enum sql_expr_kind kind, uint32_t type,
                              int loc, int nargs)
{
    struct sql_expr *e = lw_arena_alloc(a, sizeof *e);
    if (!e)
        return NULL;
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->type = type;
    e->loc = loc;
    e->nargs = nargs;
    if (nargs > 0) {
        if (!(e->args = lw_arena_alloc(a, (size_t)nargs * sizeof *e->args)))
            return NULL;
        memset(e->args, 0, (size_t)nargs * sizeof *e->args);
    }
    return e;
}

int sql_value_cmp_as(const struct sql_type *t, const struct sql_value *a,
                     const struct sql_value *b)
{
    if (t && t->cmp && a->type == b->type)
        return t->cmp(a, b);
    return sql_value_cmp(a, b);
}

int sql_value_cmp_typed(uint32_t oid, const struct sql_value *a, const struct sql_value *b)
{
    return sql_value_cmp_as(sql_type_get(oid), a, b);
}

static bool value_equal(uint32_t type, const struct sql_value *a, const struct sql_value *b)
{
    if (a->type != b->type)
        return false;
    if (a->type == SQL_V_NULL)
        return true;
    return sql_value_cmp_typed(type, a, b) == 0;
}

bool sql_expr_equal(const struct sql_expr *a, const struct sql_expr *b)
{
    if (a == b)
        return true;
    if (!a || !b || a->kind != b->kind || a->type != b->type || a->nargs != b->nargs ||
        a->col != b->col || a->level != b->level || a->flag != b->flag || a->fn != b->fn ||
        a->cast_src != b->cast_src || a->sub != b->sub)
        return false;
    if (a->kind == SQL_E_CONST && !value_equal(a->type, &a->val, &b->val))
        return false;
    for (int i = 0; i < a->nargs; i++)
        if (!sql_expr_equal(a->args[i], b->args[i]))
            return false;
    return true;
}

int sql_expr_nomem(struct lw_arena *a, struct sql_error *err)
{
    if (a->exceeded) {
        sql_error_set(err, "54000", "query needs more than %zu bytes of memory", a->max);
        snprintf(err->hint, sizeof err->hint, "Add a WHERE condition or a LIMIT.");
        return LW_ENOMEM;
    }
    sql_error_set(err, "53200", "out of memory");
    return LW_ENOMEM;
}

int sql_value_copy(struct lw_arena *a, struct sql_value *v)
{
    if (v->type == SQL_V_TEXT) {
        char *p = lw_arena_strndup(a, v->u.s.p, v->u.s.len);
        if (!p)
            return LW_ENOMEM;
        v->u.s.p = p;
    } else if (v->type == SQL_V_ARRAY) {
        struct sql_array *arr = lw_arena_alloc(a, sizeof *arr);
        struct sql_value *vals = lw_arena_alloc(a, (size_t)(v->u.arr->n + 1) * sizeof *vals);
        if (!arr || !vals)
            return LW_ENOMEM;
        *arr = *v->u.arr;
        for (int i = 0; i < arr->n; i++) {
            vals[i] = v->u.arr->v[i];
            if (sql_value_copy(a, &vals[i]) != 0)
                return LW_ENOMEM;
        }
        arr->v = vals;
        v->u.arr = arr;
    }
    return 0;
}

static int eval_args(struct sql_eval *ev, const struct sql_expr *e, struct sql_value *vals,
                     bool *any_null)
{
    *any_null = false;
    for (int i = 0; i < e->nargs; i++) {
        if (sql_expr_eval(ev, e->args[i], &vals[i]) != 0)
            return LW_EINVAL;
        if (vals[i].type == SQL_V_NULL)
            *any_null = true;
    }
    return 0;
}

/* Calls a scalar function entry on evaluated arguments. */
static int call(struct sql_eval *ev, const struct sql_func *fn, uint32_t ret, int argc,
                const struct sql_value *argv, const uint32_t *argt, struct sql_value *out)
{
    ev->fc.result_oid = ret;
    ev->fc.arg_oids = argt;
    ev->fc.fn = fn;
    memset(out, 0, sizeof *out);
    return fn->fn(&ev->fc, argc, argv, out);
}

static int eval_func(struct sql_eval *ev, const struct sql_expr *e, struct sql_value *out)
{
    struct sql_value stackv[SQL_FUNC_MAX_ARGS], *vals = stackv;
    uint32_t stackt[SQL_FUNC_MAX_ARGS], *types = stackt;
    bool any_null;
    if (e->nargs > SQL_FUNC_MAX_ARGS) {
        vals = lw_arena_alloc(ev->fc.arena, (size_t)e->nargs * sizeof *vals);
        types = lw_arena_alloc(ev->fc.arena, (size_t)e->nargs * sizeof *types);
        if (!vals || !types)
            return sql_expr_nomem(ev->fc.arena, ev->fc.err);
    }
    if (eval_args(ev, e, vals, &any_null) != 0)
        return LW_EINVAL;
    if (any_null && e->fn->strict) {
        memset(out, 0, sizeof *out);
        return 0;
    }
    for (int i = 0; i < e->nargs; i++)
        types[i] = e->args[i]->type;
    return call(ev, e->fn, e->type, e->nargs, vals, types, out);
}

/* a = b through the bound equality function: 1, 0, or -1 for NULL. */
static int equal_via(struct sql_eval *ev, const struct sql_func *eq, uint32_t lt, uint32_t rt,
                     const struct sql_value *a, const struct sql_value *b, int *res)
{
    struct sql_value args[2] = {*a, *b}, r;
    uint32_t types[2] = {lt, rt};
    if (a->type == SQL_V_NULL || b->type == SQL_V_NULL) {
        *res = -1;
        return 0;
    }
    if (call(ev, eq, SQL_OID_BOOL, 2, args, types, &r) != 0)
        return LW_EINVAL;
    *res = r.type == SQL_V_NULL ? -1 : r.u.b;
    return 0;
}

static void set_bool(struct sql_value *out, int v)
{
    memset(out, 0, sizeof *out);
    if (v >= 0) {
        out->type = SQL_V_BOOL;
        out->u.b = v != 0;
    }
}

static int eval_inner(struct sql_eval *ev, const struct sql_expr *e, struct sql_value *out)
{
    struct sql_value a, b;
    int r;
    switch (e->kind) {
    case SQL_E_CONST:
        *out = e->val;
        return 0;
    case SQL_E_COL:
        if (e->level == 0)
            *out = ev->row[e->col];
        else if (e->level <= ev->nouter)
            *out = ev->outer[ev->nouter - e->level][e->col];
        else
            return sql_error_set(ev->fc.err, "XX000", "outer column out of reach");
        return 0;
    case SQL_E_PARAM:
        if (e->col >= ev->nparams)
            return sql_error_set(ev->fc.err, "08P01", "no value for parameter $%d", e->col + 1);
        *out = ev->params[e->col];
        return 0;
    case SQL_E_AGGREF:
    case SQL_E_WINREF:
        return sql_error_set(ev->fc.err, "XX000", "aggregate outside its aggregation");
    case SQL_E_FUNC:
        return eval_func(ev, e, out);
    case SQL_E_CAST:
        if (sql_expr_eval(ev, e->args[0], &a) != 0)
            return LW_EINVAL;
        return sql_cast_value(&a, e->cast_src, e->type, ev->fc.arena, out, ev->fc.err);
    case SQL_E_AND:
    case SQL_E_OR: {
        /* AND: false wins over NULL; OR: true wins over NULL */
        bool saw_null = false, stop = e->kind == SQL_E_OR;
        for (int i = 0; i < e->nargs; i++) {
            if (sql_expr_eval(ev, e->args[i], &a) != 0)
                return LW_EINVAL;
            if (a.type == SQL_V_NULL)
                saw_null = true;
            else if (a.u.b == stop) {
                set_bool(out, stop);
                return 0;
            }
        }
        set_bool(out, saw_null ? -1 : !stop);
        return 0;
    }
    case SQL_E_NOT:
        if (sql_expr_eval(ev, e->args[0], &a) != 0)
            return LW_EINVAL;
        set_bool(out, a.type == SQL_V_NULL ? -1 : !a.u.b);
        return 0;
    case SQL_E_NULLTEST:
        if (sql_expr_eval(ev, e->args[0], &a) != 0)
            return LW_EINVAL;
        set_bool(out, (a.type == SQL_V_NULL) != (e->flag != 0));
        return 0;
    case SQL_E_BOOLTEST: {
        int v;
        if (sql_expr_eval(ev, e->args[0], &a) != 0)
            return LW_EINVAL;
        v = a.type == SQL_V_NULL ? -1 : a.u.b;
        switch (e->flag) {
        case SQL_BT_TRUE: r = v == 1; break;
        case SQL_BT_NOT_TRUE: r = v != 1; break;
        case SQL_BT_FALSE: r = v == 0; break;
        case SQL_BT_NOT_FALSE: r = v != 0; break;
        case SQL_BT_UNKNOWN: r = v == -1; break;
        default: r = v != -1; break;
        }
        set_bool(out, r);
        return 0;
    }
    case SQL_E_CASE: {
        int n = e->nargs - 1;
        for (int i = 0; i + 1 < n + 1 && i < n; i += 2) {
            if ((r = sql_expr_true(ev, e->args[i])) < 0)
                return LW_EINVAL;
            if (r)
                return sql_expr_eval(ev, e->args[i + 1], out);
        }
        return sql_expr_eval(ev, e->args[n], out);
    }
    case SQL_E_COALESCE:
        for (int i = 0; i < e->nargs; i++) {
            if (sql_expr_eval(ev, e->args[i], out) != 0)
                return LW_EINVAL;
            if (out->type != SQL_V_NULL)
                return 0;
        }
        memset(out, 0, sizeof *out);
        return 0;
    case SQL_E_MINMAX: {
        bool have = false;
        memset(out, 0, sizeof *out);
        for (int i = 0; i < e->nargs; i++) {
            if (sql_expr_eval(ev, e->args[i], &a) != 0)
                return LW_EINVAL;
            if (a.type == SQL_V_NULL)
                continue;
            if (!have || (sql_value_cmp_typed(e->type, &a, out) > 0) == (e->flag == 1)) {
                if (!have || sql_value_cmp_typed(e->type, &a, out) != 0)
                    *out = a;
                have = true;
            }
        }
        return 0;
    }
    case SQL_E_NULLIF:
        if (sql_expr_eval(ev, e->args[0], &a) != 0 || sql_expr_eval(ev, e->args[1], &b) != 0 ||
            equal_via(ev, e->fn, e->args[0]->type, e->args[1]->type, &a, &b, &r) != 0)
            return LW_EINVAL;
        if (r == 1)
            memset(out, 0, sizeof *out);
        else
            *out = a;
        return 0;
    case SQL_E_DISTINCT:
        if (sql_expr_eval(ev, e->args[0], &a) != 0 || sql_expr_eval(ev, e->args[1], &b) != 0)
            return LW_EINVAL;
        if (a.type == SQL_V_NULL || b.type == SQL_V_NULL)
            r = (a.type == SQL_V_NULL) != (b.type == SQL_V_NULL);
        else if (equal_via(ev, e->fn, e->args[0]->type, e->args[1]->type, &a, &b, &r) != 0)
            return LW_EINVAL;
        else
            r = !r;
        set_bool(out, e->flag ? !r : r);
        return 0;
    case SQL_E_IN: {
        bool saw_null = false;
        if (sql_expr_eval(ev, e->args[0], &a) != 0)
            return LW_EINVAL;
        for (int i = 1; i < e->nargs; i++) {
            if (sql_expr_eval(ev, e->args[i], &b) != 0 ||
                equal_via(ev, e->fn, e->args[0]->type, e->args[i]->type, &a, &b, &r) != 0)
                return LW_EINVAL;
            if (r == 1) {
                set_bool(out, !e->flag);
                return 0;
            }
            if (r < 0)
                saw_null = true;
        }
        set_bool(out, saw_null ? -1 : e->flag != 0);
        return 0;
    }
    case SQL_E_ANY: {
        /* true as soon as one element gives true (ALL: false as soon as one gives false);
         * otherwise NULL when a comparison was NULL */
        bool saw_null = false, all = e->flag != 0;
        const struct sql_array *arr;
        const struct sql_type *at;
        if (sql_expr_eval(ev, e->args[0], &a) != 0 || sql_expr_eval(ev, e->args[1], &b) != 0)
            return LW_EINVAL;
        if (b.type == SQL_V_NULL) {
            memset(out, 0, sizeof *out);
            return 0;
        }
        arr = b.u.arr;
        at = sql_type_get(e->args[1]->type);
        for (int i = 0; i < arr->n; i++) {
            if (equal_via(ev, e->fn, e->args[0]->type, at ? at->elem_oid : e->args[0]->type,
                          &a, &arr->v[i], &r) != 0)
                return LW_EINVAL;
            if (r < 0)
                saw_null = true;
            else if (r != all) {
                set_bool(out, !all);
                return 0;
            }
        }
        set_bool(out, saw_null ? -1 : all);
        return 0;
    }
    case SQL_E_ARRAY: {
        struct sql_array *arr = lw_arena_alloc(ev->fc.arena, sizeof *arr);
        struct sql_value *vals = lw_arena_alloc(ev->fc.arena,
                                                (size_t)(e->nargs + 1) * sizeof *vals);
        const struct sql_type *t = sql_type_get(e->type);
        if (!arr || !vals)
            return sql_expr_nomem(ev->fc.arena, ev->fc.err);
        for (int i = 0; i < e->nargs; i++)
            if (sql_expr_eval(ev, e->args[i], &vals[i]) != 0)
                return LW_EINVAL;
        arr->elem_oid = t ? t->elem_oid : SQL_OID_TEXT;
        arr->n = e->nargs;
        arr->v = vals;
        memset(out, 0, sizeof *out);
        out->type = SQL_V_ARRAY;
        out->u.arr = arr;
        return 0;
    }
    case SQL_E_SUBLINK:
        if (!ev->sublink)
            return sql_error_set(ev->fc.err, "XX000", "a subquery cannot be evaluated here");
        return ev->sublink(ev, e->sub, e->nargs ? e->args[0] : NULL, out);
    }
    return sql_error_set(ev->fc.err, "XX000", "unknown expression kind %d", (int)e->kind);
}

int sql_expr_eval(struct sql_eval *ev, const struct sql_expr *e, struct sql_value *out)
{
    int rc;
    if (++ev->depth > SQL_EXPR_MAX_DEPTH) {
        ev->depth--;
        return sql_error_set(ev->fc.err, "54001", "stack depth limit exceeded");
    }
    rc = eval_inner(ev, e, out);
    ev->depth--;
    return rc;
}

int sql_expr_true(struct sql_eval *ev, const struct sql_expr *e)
{
    struct sql_value v;
    if (sql_expr_eval(ev, e, &v) != 0)
        return -1;
    return v.type == SQL_V_BOOL && v.u.b;
}

/* sql_bind_expr.c -- binding expressions: names to columns (innermost scope first, then
 * enclosing queries), literals to typed constants, operators and functions through the
 * registry with PostgreSQL's resolution, implicit casts made explicit, constant casts
 * folded, aggregates collected into the current query. */
#include "sql_bind_int.h"

#include "sql_func_impl.h"
#include "sql_type_io.h"
#include "sql_value.h"

#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 5000

int sql_bind_fail(struct binder *b, int loc, const char *state, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sql_error_set(b->err, state, "%s", msg);
    sql_error_at(b->err, b->ctx->query, loc);
    return LW_EINVAL;
}

int sql_bind_nomem(struct binder *b)
{
    return sql_op_nomem(b->a, b->err);
}

char *sql_bind_strdup(struct binder *b, const char *s)
{
    char *p = lw_arena_strndup(b->a, s ? s : "", s ? strlen(s) : 0);
    if (!p)
        sql_bind_nomem(b);
    return p;
}

const char *sql_bind_str(const PgQuery__Node *n)
{
    return n && n->node_case == PG_QUERY__NODE__NODE_STRING && n->string ? n->string->sval
                                                                          : NULL;
}

static const char *tname(uint32_t oid)
{
    const struct sql_type *t = sql_type_get(oid);
    return t ? t->sql_name : "unknown";
}

static struct sql_expr *new_expr(struct binder *b, enum sql_expr_kind k, uint32_t type, int loc,
                                 int nargs)
{
    struct sql_expr *e = sql_expr_new(b->a, k, type, loc, nargs);
    if (!e)
        sql_bind_nomem(b);
    return e;
}

static bool is_unknown_literal(const struct sql_expr *e)
{
    return e->type == SQL_OID_UNKNOWN && (e->kind == SQL_E_CONST || e->kind == SQL_E_PARAM);
}

/* --- coercion ------------------------------------------------------------------------- */

struct sql_expr *sql_bind_coerce(struct binder *b, struct sql_expr *e, uint32_t type,
                                 bool explicit_cast, const char *what)
{
    const struct sql_cast *c;
    char ctx;
    struct sql_expr *ce;
    if (!e || e->type == type)
        return e;
    if (e->kind == SQL_E_PARAM && e->type == SQL_OID_UNKNOWN) {
        e->type = type;
        b->params[e->col] = type;
        return e;
    }
    if (e->kind == SQL_E_CONST && e->type == SQL_OID_UNKNOWN) {
        struct sql_value v;
        struct sql_error perr;
        if (e->val.type != SQL_V_NULL) {
            if (sql_value_parse_in(e->val.u.s.p, e->val.u.s.len, type, b->a, &v, &perr) != 0) {
                *b->err = perr;
                sql_error_at(b->err, b->ctx->query, e->loc);
                return NULL;
            }
            if (sql_value_copy(b->a, &v) != 0) {
                sql_bind_nomem(b);
                return NULL;
            }
            e->val = v;
        }
        e->type = type;
        return e;
    }
    c = sql_cast_find(e->type, type, &ctx);
    if (!c && explicit_cast && (e->type == SQL_OID_JSONB || type == SQL_OID_JSONB))
        return sql_bind_fail(b, e->loc, "0A000", "casts to and from jsonb are not supported "
                             "yet"), NULL;
    if (!c || (!explicit_cast && ctx != SQL_CAST_IMPLICIT)) {
        if (explicit_cast || !c)
            sql_bind_fail(b, e->loc, explicit_cast ? "42846" : "42804",
                          explicit_cast ? "cannot cast type %s to %s"
                                        : "%s is of type %s but expression is of type %s",
                          explicit_cast ? tname(e->type) : what,
                          explicit_cast ? tname(type) : tname(type), tname(e->type));
        else
            sql_bind_fail(b, e->loc, "42804", "%s is of type %s but expression is of type %s",
                          what, tname(type), tname(e->type));
        return NULL;
    }
    /* fold casts of constants now: errors then point at the constant, as PostgreSQL's do */
    if (e->kind == SQL_E_CONST) {
        struct sql_value v;
        if (sql_cast_value(&e->val, e->type, type, b->a, &v, b->err) != 0) {
            sql_error_at(b->err, b->ctx->query, e->loc);
            return NULL;
        }
        if (sql_value_copy(b->a, &v) != 0) {
            sql_bind_nomem(b);
            return NULL;
        }
        e->val = v;
        e->type = type;
        return e;
    }
    if (!(ce = new_expr(b, SQL_E_CAST, type, e->loc, 1)))
        return NULL;
    ce->args[0] = e;
    ce->cast_src = e->type;
    return ce;
}

uint32_t sql_bind_common_type(struct binder *b, struct sql_expr **e, int n, const char *what)
{
    uint32_t t = 0;
    const struct sql_expr *first = NULL;
    for (int i = 0; i < n; i++) {
        uint32_t u = e[i]->type;
        if (u == SQL_OID_UNKNOWN)
            continue;
        if (!t) {
            t = u;
            first = e[i];
            continue;
        }
        if (u == t)
            continue;
        if (sql_type_implicit(t, u) && !sql_type_implicit(u, t)) {
            t = u;
            continue;
        }
        if (sql_type_implicit(u, t))
            continue;
        {
            const struct sql_type *tt = sql_type_get(t), *tu = sql_type_get(u);
            if (tt && tu && tt->category == tu->category && tu->preferred) {
                t = u;
                continue;
            }
        }
        sql_bind_fail(b, e[i]->loc, "42804", "%s types %s and %s cannot be matched", what,
                      tname(first->type), tname(u));
        return 0;
    }
    return t ? t : SQL_OID_TEXT;
}

/* --- constants and names -------------------------------------------------------------- */

static struct sql_expr *bind_const(struct binder *b, const PgQuery__AConst *c)
{
    struct sql_expr *e = new_expr(b, SQL_E_CONST, SQL_OID_UNKNOWN, c->location, 0);
    if (!e)
        return NULL;
    if (c->isnull)
        return e;
    switch (c->val_case) {
    case PG_QUERY__A__CONST__VAL_IVAL:
        e->type = SQL_OID_INT4;
        e->val.type = SQL_V_INT;
        e->val.u.i = c->ival ? c->ival->ival : 0;
        return e;
    case PG_QUERY__A__CONST__VAL_FVAL: {
        const char *s = c->fval && c->fval->fval ? c->fval->fval : "0";
        int64_t iv;
        if (!strpbrk(s, ".eE") && lw_parse_i64(s, INT64_MIN, INT64_MAX, &iv) == 0) {
            e->type = SQL_OID_INT8;
            e->val.type = SQL_V_INT;
            e->val.u.i = iv;
            return e;
        }
        e->type = SQL_OID_NUMERIC;
        if (sql_numeric_canon(s, strlen(s), b->a, &e->val, b->err) != 0) {
            sql_error_at(b->err, b->ctx->query, c->location);
            return NULL;
        }
        return e;
    }
    case PG_QUERY__A__CONST__VAL_BOOLVAL:
        e->type = SQL_OID_BOOL;
        e->val.type = SQL_V_BOOL;
        e->val.u.b = c->boolval && c->boolval->boolval;
        return e;
    case PG_QUERY__A__CONST__VAL_SVAL: {
        const char *s = c->sval && c->sval->sval ? c->sval->sval : "";
        char *p = sql_bind_strdup(b, s);
        if (!p)
            return NULL;
        e->val.type = SQL_V_TEXT;
        e->val.u.s.p = p;
        e->val.u.s.len = strlen(p);
        return e;
    }
    default:
        sql_bind_fail(b, c->location, "0A000", "bit-string constants are not supported yet");
        return NULL;
    }
}

/* Resolves a ColumnRef through the scopes (innermost first); `rel.*` is handled by the
 * select list. */
static struct sql_expr *bind_column(struct binder *b, const PgQuery__ColumnRef *cr,
                                    struct bscope *sc)
{
    const char *col, *rel = NULL, *sch = NULL;
    size_t n = cr->n_fields;
    int level = 0;
    if (n == 0 || n > 3)
        return sql_bind_fail(b, cr->location, n > 3 ? "0A000" : "42601",
                             n > 3 ? "column references with more than three parts are not "
                                     "supported" : "improper column reference"), NULL;
    if (cr->fields[n - 1]->node_case == PG_QUERY__NODE__NODE_A_STAR)
        return sql_bind_fail(b, cr->location, "0A000", "* is only supported in the select "
                             "list"), NULL;
    col = sql_bind_str(cr->fields[n - 1]);
    if (n >= 2)
        rel = sql_bind_str(cr->fields[n - 2]);
    if (n == 3)
        sch = sql_bind_str(cr->fields[0]);
    if (!col || (n >= 2 && !rel))
        return sql_bind_fail(b, cr->location, "42601", "improper column reference"), NULL;
    for (struct bscope *s = sc; s; s = s->parent, level++) {
        int found = -1, hits = 0;
        uint32_t type = 0;
        bool rel_seen = false;
        for (int r = 0; r < s->nrels; r++) {
            const struct brel *br = s->rels[r];
            if (rel && (strcmp(br->name, rel) != 0 ||
                        (sch && (!br->schema || strcmp(br->schema, sch) != 0))))
                continue;
            rel_seen = true;
            for (int c = 0; c < br->ncols; c++)
                if (br->cols[c].name && strcmp(br->cols[c].name, col) == 0 &&
                    (rel || !br->cols[c].qualified_only)) {
                    hits++;
                    found = br->base + c;
                    type = br->cols[c].type;
                }
        }
        if (hits > 1)
            return sql_bind_fail(b, cr->location, "42702", "column reference \"%s\" is "
                                 "ambiguous", col), NULL;
        if (hits == 1 && s->no_vars)
            return sql_bind_fail(b, cr->location, "42P10", "argument of %s must not contain "
                                 "variables", s->no_vars), NULL;
        if (hits == 1) {
            struct sql_expr *e = new_expr(b, SQL_E_COL, type, cr->location, 0);
            if (!e)
                return NULL;
            e->col = found;
            e->level = level;
            /* every query between the reference and its scope depends on outer rows */
            {
                struct bquery *q = sc->q;
                for (int k = 0; k < level && q; k++, q = q->parent)
                    q->correlated = true;
            }
            return e;
        }
        if (rel && rel_seen)
            return sql_bind_fail(b, cr->location, "42703", "column %s.%s does not exist", rel,
                                 col), NULL;
    }
    if (rel)
        return sql_bind_fail(b, cr->location, "42P01", "missing FROM-clause entry for table "
                             "\"%s\"", rel), NULL;
    return sql_bind_fail(b, cr->location, "42703", "column \"%s\" does not exist", col), NULL;
}

/* --- operators ------------------------------------------------------------------------ */

static const char *op_name(PgQuery__Node **names, size_t n)
{
    return n ? sql_bind_str(names[n - 1]) : NULL;
}

static struct sql_expr *make_call(struct binder *b, const struct sql_func *fn, uint32_t ret,
                                  int loc, struct sql_expr **args, const uint32_t *want,
                                  int nargs)
{
    struct sql_expr *e = new_expr(b, SQL_E_FUNC, ret, loc, nargs);
    if (!e)
        return NULL;
    e->fn = fn;
    for (int i = 0; i < nargs; i++)
        if (!(e->args[i] = sql_bind_coerce(b, args[i], want[i], false, "argument")))
            return NULL;
    return e;
}

/* PostgreSQL's constant folding: a strict function or operator with a NULL constant
 * argument is NULL at plan time, so its other arguments are never evaluated (NULL::int +
 * x/x is NULL even where x = 0). Only for calls used as values: IN, ANY and DISTINCT keep
 * the call they look up. */
static bool reads_row(const struct sql_expr *e)
{
    if (e->kind == SQL_E_COL || e->kind == SQL_E_PARAM || e->kind == SQL_E_SUBLINK ||
        e->kind == SQL_E_AGGREF || e->kind == SQL_E_WINREF)
        return true;
    for (int i = 0; i < e->nargs; i++)
        if (reads_row(e->args[i]))
            return true;
    return false;
}

/* Whether e holds a computation over constants only, which PostgreSQL evaluates while
 * folding (and whose error, 1/0, it raises then). */
static bool has_const_computation(const struct sql_expr *e)
{
    if (e->nargs > 0 && !reads_row(e))
        return true;
    for (int i = 0; i < e->nargs; i++)
        if (has_const_computation(e->args[i]))
            return true;
    return false;
}

static struct sql_expr *fold_strict_null(struct binder *b, struct sql_expr *e)
{
    bool null_arg = false;
    if (!e || e->kind != SQL_E_FUNC || e->fn->kind != SQL_FN_SCALAR || !e->fn->strict)
        return e;
    for (int i = 0; i < e->nargs; i++) {
        if (has_const_computation(e->args[i]))
            return e;       /* PostgreSQL folds it first: leave both to run time */
        null_arg |= e->args[i]->kind == SQL_E_CONST && e->args[i]->val.type == SQL_V_NULL;
    }
    return null_arg ? new_expr(b, SQL_E_CONST, e->type, e->loc, 0) : e;
}

/* The resolver's nmatch -1 (sql_func.h). */
static int poly_unknown_fail(struct binder *b, int loc)
{
    return sql_bind_fail(b, loc, "42804", "could not determine polymorphic type because input "
                         "has type unknown");
}

/* arr[i] on a one-dimensional array: a call of the subscript entry (NULL outside the
 * bounds, as in PostgreSQL). Slices, several subscripts and field selection are refused;
 * arrays here have one dimension, where PostgreSQL's a[i][j] would answer NULL. */
static struct sql_expr *bind_op(struct binder *b, const char *name, struct sql_expr *l,
                                struct sql_expr *r, int loc);

struct sql_expr *sql_bind_op(struct binder *b, const char *name, struct sql_expr *l,
                             struct sql_expr *r, int loc)
{
    return bind_op(b, name, l, r, loc);
}

static struct sql_expr *bind_subscript(struct binder *b, const PgQuery__AIndirection *ind,
                                       struct bscope *sc)
{
    const PgQuery__Node *sub = ind->n_indirection == 1 ? ind->indirection[0] : NULL;
    const struct sql_type *at;
    struct sql_expr *args[2];
    uint32_t want[2];
    if (!sub || sub->node_case != PG_QUERY__NODE__NODE_A_INDICES || sub->a_indices->is_slice ||
        !sub->a_indices->uidx)
        return sql_bind_fail(b, -1, "0A000", "%s are not supported yet",
                             ind->n_indirection > 1 ? "several subscripts"
                             : sub && sub->node_case == PG_QUERY__NODE__NODE_A_INDICES
                                 ? "array slices" : "field selections"), NULL;
    if (!(args[0] = sql_bind_expr(b, ind->arg, sc)) ||
        !(args[1] = sql_bind_expr(b, sub->a_indices->uidx, sc)))
        return NULL;
    at = sql_type_get(args[0]->type);
    if (!at || at->category != SQL_TCAT_ARRAY || !at->elem_oid)
        return sql_bind_fail(b, args[0]->loc, "42804", "cannot subscript type %s because it "
                             "does not support subscripting", tname(args[0]->type)), NULL;
    want[0] = args[0]->type;
    want[1] = SQL_OID_INT4;
    return make_call(b, &sql_func_subscript, at->elem_oid, args[0]->loc, args, want, 2);
}

/* left op right (left NULL: prefix). */
static struct sql_expr *bind_op(struct binder *b, const char *name, struct sql_expr *l,
                                struct sql_expr *r, int loc)
{
    const struct sql_func *fn;
    uint32_t wl, wr;
    int nm;
    struct sql_expr *args[2];
    uint32_t want[2];
    const struct sql_oper *op = sql_oper_resolve(name, l ? l->type : 0, r->type, &wl, &wr, &fn,
                                                 &nm);
    if (!op && nm < 0)
        return poly_unknown_fail(b, loc), NULL;
    if (!op && nm == 0 && !sql_oper_exists(name))
        return sql_bind_fail(b, loc, "0A000", "operator %s is not supported yet", name), NULL;
    if (!op) {
        if (nm > 1)
            sql_bind_fail(b, loc, "42725", "operator is not unique: %s%s%s %s", l ? tname(l->type)
                          : "", l ? " " : "", name, tname(r->type));
        else if (l)
            sql_bind_fail(b, loc, "42883", "operator does not exist: %s %s %s", tname(l->type),
                          name, tname(r->type));
        else
            sql_bind_fail(b, loc, "42883", "operator does not exist: %s %s", name,
                          tname(r->type));
        if (nm <= 1)
            snprintf(b->err->hint, sizeof b->err->hint, "No operator matches the given name "
                     "and argument types. You might need to add explicit type casts.");
        return NULL;
    }
    if (fn->fn == sql_fn_unsupported)
        return sql_bind_fail(b, loc, "0A000", "operator %s for type %s is not supported yet",
                             name, tname(wr)), NULL;
    if (l) {
        args[0] = l;
        args[1] = r;
        want[0] = wl;
        want[1] = wr;
        /* a polymorphic result is the element (anyelement) or the array argument's type */
        return make_call(b, fn, op->result == SQL_OID_ANYELEMENT ? wl
                                : op->result != SQL_OID_ANYARRAY ? op->result
                                : op->left == SQL_OID_ANYARRAY ? wl : wr,
                         loc, args, want, 2);
    }
    args[0] = r;
    want[0] = wr;
    return make_call(b, fn, op->result, loc, args, want, 1);
}

static struct sql_expr *bind_bool(struct binder *b, enum sql_expr_kind k, struct sql_expr **args,
                                  int n, int loc, const char *what)
{
    struct sql_expr *e = new_expr(b, k, SQL_OID_BOOL, loc, n);
    if (!e)
        return NULL;
    for (int i = 0; i < n; i++) {
        struct sql_expr *a = args[i];
        if (a->type != SQL_OID_BOOL && !is_unknown_literal(a))
            return sql_bind_fail(b, a->loc, "42804", "argument of %s must be type boolean, not "
                                 "type %s", what, tname(a->type)), NULL;
        if (!(e->args[i] = sql_bind_coerce(b, a, SQL_OID_BOOL, false, what)))
            return NULL;
    }
    return e;
}

/* The `=` function for two expressions, with both coerced to its parameter types. */
static const struct sql_func *equality(struct binder *b, struct sql_expr **l, struct sql_expr **r,
                                       int loc)
{
    struct sql_expr *e = bind_op(b, "=", *l, *r, loc);
    if (!e)
        return NULL;
    *l = e->args[0];
    *r = e->args[1];
    return e->fn;
}

static struct sql_expr *bind_list(struct binder *b, PgQuery__Node **items, size_t n,
                                  struct bscope *sc, struct sql_expr **out)
{
    for (size_t i = 0; i < n; i++)
        if (!(out[i] = sql_bind_expr(b, items[i], sc)))
            return NULL;
    return out[0];
}

static struct sql_expr *bind_in(struct binder *b, const PgQuery__AExpr *ae, struct bscope *sc,
                                bool not_in)
{
    const PgQuery__List *list = ae->rexpr && ae->rexpr->node_case == PG_QUERY__NODE__NODE_LIST
                                    ? ae->rexpr->list : NULL;
    struct sql_expr **all, *e;
    uint32_t t;
    int n;
    if (!list)
        return sql_bind_fail(b, ae->location, "0A000", "IN with this right-hand side is not "
                             "supported yet"), NULL;
    n = (int)list->n_items + 1;
    if (!(all = lw_arena_alloc(b->a, (size_t)n * sizeof *all)))
        return sql_bind_nomem(b), NULL;
    if (!(all[0] = sql_bind_expr(b, ae->lexpr, sc)) ||
        (list->n_items && !bind_list(b, list->items, list->n_items, sc, all + 1)))
        return NULL;
    if (!(t = sql_bind_common_type(b, all, n, "IN")))
        return NULL;
    if (!(e = new_expr(b, SQL_E_IN, SQL_OID_BOOL, ae->location, n)))
        return NULL;
    for (int i = 0; i < n; i++)
        if (!(e->args[i] = sql_bind_coerce(b, all[i], t, false, "IN")))
            return NULL;
    {
        struct sql_expr *l = e->args[0], *r = e->args[1];
        if (!(e->fn = equality(b, &l, &r, ae->location)))
            return NULL;
    }
    e->flag = not_in;
    return e;
}

static struct sql_expr *bind_aexpr(struct binder *b, const PgQuery__AExpr *ae, struct bscope *sc)
{
    const char *name = op_name(ae->name, ae->n_name);
    struct sql_expr *l = NULL, *r = NULL, *e;
    switch (ae->kind) {
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP:
    case PG_QUERY__A__EXPR__KIND__AEXPR_LIKE:
    case PG_QUERY__A__EXPR__KIND__AEXPR_ILIKE:
        if (!name)
            return sql_bind_fail(b, ae->location, "42601", "improper operator"), NULL;
        if (ae->rexpr && ae->rexpr->node_case == PG_QUERY__NODE__NODE_FUNC_CALL &&
            ae->kind != PG_QUERY__A__EXPR__KIND__AEXPR_OP)
            return sql_bind_fail(b, ae->location, "0A000", "LIKE ... ESCAPE is not supported "
                                 "yet"), NULL;
        if ((ae->lexpr && !(l = sql_bind_expr(b, ae->lexpr, sc))) ||
            !(r = sql_bind_expr(b, ae->rexpr, sc)))
            return NULL;
        return fold_strict_null(b, bind_op(b, name, l, r, ae->location));
    case PG_QUERY__A__EXPR__KIND__AEXPR_DISTINCT:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_DISTINCT:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NULLIF:
        if (!(l = sql_bind_expr(b, ae->lexpr, sc)) || !(r = sql_bind_expr(b, ae->rexpr, sc)))
            return NULL;
        {
            bool nullif = ae->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NULLIF;
            uint32_t lt = l->type == SQL_OID_UNKNOWN && nullif ? SQL_OID_TEXT : l->type;
            const struct sql_func *eq;
            if (nullif && l->type == SQL_OID_UNKNOWN && !(l = sql_bind_coerce(b, l, lt, false,
                                                                               "NULLIF")))
                return NULL;
            if (!(eq = equality(b, &l, &r, ae->location)))
                return NULL;
            if (!(e = new_expr(b, nullif ? SQL_E_NULLIF : SQL_E_DISTINCT,
                               nullif ? l->type : SQL_OID_BOOL, ae->location, 2)))
                return NULL;
            e->fn = eq;
            e->args[0] = l;
            e->args[1] = r;
            e->flag = ae->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NOT_DISTINCT;
            return e;
        }
    case PG_QUERY__A__EXPR__KIND__AEXPR_IN:
        return bind_in(b, ae, sc, name && strcmp(name, "<>") == 0);
    case PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN: {
        const PgQuery__List *list = ae->rexpr && ae->rexpr->node_case ==
                                    PG_QUERY__NODE__NODE_LIST ? ae->rexpr->list : NULL;
        bool neg = ae->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN;
        struct sql_expr *lo, *hi, *x2, *c1, *c2, *args[2];
        if (!list || list->n_items != 2)
            return sql_bind_fail(b, ae->location, "42601", "improper BETWEEN"), NULL;
        if (!(l = sql_bind_expr(b, ae->lexpr, sc)) ||
            !(lo = sql_bind_expr(b, list->items[0], sc)) ||
            !(hi = sql_bind_expr(b, list->items[1], sc)))
            return NULL;
        x2 = l;     /* the operand is evaluated twice, as PostgreSQL's expansion does */
        if (!(c1 = bind_op(b, neg ? "<" : ">=", l, lo, ae->location)) ||
            !(c2 = bind_op(b, neg ? ">" : "<=", x2, hi, ae->location)))
            return NULL;
        args[0] = c1;
        args[1] = c2;
        return bind_bool(b, neg ? SQL_E_OR : SQL_E_AND, args, 2, ae->location, "BETWEEN");
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP_ANY:
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP_ALL:
        if (name && strcmp(name, "=") == 0 && ae->kind == PG_QUERY__A__EXPR__KIND__AEXPR_OP_ANY &&
            ae->rexpr && ae->rexpr->node_case == PG_QUERY__NODE__NODE_A_ARRAY_EXPR) {
            /* x = ANY (ARRAY[a, b]) is x IN (a, b) */
            PgQuery__AExpr in = *ae;
            PgQuery__List lst = PG_QUERY__LIST__INIT;
            PgQuery__Node ln = PG_QUERY__NODE__INIT;
            lst.n_items = ae->rexpr->a_array_expr->n_elements;
            lst.items = ae->rexpr->a_array_expr->elements;
            ln.node_case = PG_QUERY__NODE__NODE_LIST;
            ln.list = &lst;
            in.rexpr = &ln;
            if (lst.n_items == 0)
                return sql_bind_fail(b, ae->location, "0A000", "= ANY of an empty array is not "
                                     "supported yet"), NULL;
            return bind_in(b, &in, sc, false);
        }
        {
            struct sql_expr *arr, *elem, *call;
            const struct sql_type *at;
            if (!name || !(l = sql_bind_expr(b, ae->lexpr, sc)) ||
                !(arr = sql_bind_expr(b, ae->rexpr, sc)))
                return NULL;
            if (is_unknown_literal(arr)) {
                /* an untyped array literal takes the array type of the left side */
                const struct sql_type *lt = sql_type_get(l->type);
                if (!lt || !lt->array_oid)
                    return sql_bind_fail(b, ae->location, "42809", "op ANY/ALL (array) requires "
                                         "array on right side"), NULL;
                if (!(arr = sql_bind_coerce(b, arr, lt->array_oid, false, "ANY")))
                    return NULL;
            }
            if (!(at = sql_type_get(arr->type)) || at->category != SQL_TCAT_ARRAY)
                return sql_bind_fail(b, ae->location, "42809", "op ANY/ALL (array) requires "
                                     "array on right side"), NULL;
            if (!(elem = new_expr(b, SQL_E_COL, at->elem_oid, ae->location, 0)) ||
                !(call = bind_op(b, name, l, elem, ae->location)))
                return NULL;
            if (call->type != SQL_OID_BOOL)
                return sql_bind_fail(b, ae->location, "42809", "op ANY/ALL (array) requires "
                                     "operator to yield boolean"), NULL;
            if (call->args[1] != elem)
                return sql_bind_fail(b, ae->location, "0A000", "ANY/ALL over an array whose "
                                     "elements need a cast is not supported yet"), NULL;
            if (!(e = new_expr(b, SQL_E_ANY, SQL_OID_BOOL, ae->location, 2)))
                return NULL;
            e->args[0] = call->args[0];
            e->args[1] = arr;
            e->fn = call->fn;
            e->flag = ae->kind == PG_QUERY__A__EXPR__KIND__AEXPR_OP_ALL;
            return e;
        }
    default:
        return sql_bind_fail(b, ae->location, "0A000", "%s is not supported yet",
                             ae->kind == PG_QUERY__A__EXPR__KIND__AEXPR_SIMILAR ? "SIMILAR TO"
                                                                                : "BETWEEN "
                                                                                  "SYMMETRIC"),
               NULL;
    }
}

/* --- functions ------------------------------------------------------------------------ */

static void type_list(char *buf, size_t cap, struct sql_expr **args, int n)
{
    size_t o = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && o < cap; i++)
        o += (size_t)snprintf(buf + o, cap - o, "%s%s", i ? ", " : "", tname(args[i]->type));
}

/* A full arena array of a query's collected calls (windows, aggregates) copied into one
 * twice as large (`first` elements the first time); the old one stays in the arena. On
 * failure the error is set and the array and *cap are left as they were. */
static void *grow_calls(struct binder *b, const void *items, int n, int *cap, size_t size,
                        int first)
{
    int nc = *cap ? *cap * 2 : first;
    void *p = lw_arena_alloc(b->a, (size_t)nc * size);
    if (!p)
        return sql_bind_nomem(b), NULL;
    if (n)
        memcpy(p, items, (size_t)n * size);
    *cap = nc;
    return p;
}

/* Refuses an aggregate here (nested in another's arguments, or in WHERE, GROUP BY, ...):
 * 0 when one is allowed, else -1 with the error set. */
static int agg_allowed(struct binder *b, const struct bquery *q, int loc)
{
    if (q && q->in_agg)
        return sql_bind_fail(b, loc, "42803", "aggregate function calls cannot be nested"), -1;
    if (q && q->no_agg)
        return sql_bind_fail(b, loc, "42803", "aggregate functions are not allowed in %s",
                             q->no_agg), -1;
    return 0;
}

/* A zeroed new aggregate call collected into q (referenced as SQL_E_AGGREF q->naggs), or
 * NULL with the error set. */
static struct sql_agg_call *agg_call_new(struct binder *b, struct bquery *q)
{
    struct sql_agg_call *ac;
    if (q->naggs == q->capaggs) {
        struct sql_agg_call *na = grow_calls(b, q->aggs, q->naggs, &q->capaggs, sizeof *na, 8);
        if (!na)
            return NULL;
        q->aggs = na;
    }
    ac = &q->aggs[q->naggs];
    memset(ac, 0, sizeof *ac);
    return ac;
}

/* The names PostgreSQL also has as hypothetical-set aggregates (rank(x) WITHIN GROUP ...),
 * which lakeward does not compute. */
static bool hypothetical_set(const char *name)
{
    static const char *const names[] = {"rank", "dense_rank", "percent_rank", "cume_dist"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0)
            return true;
    return false;
}

/* fn(direct args) WITHIN GROUP (ORDER BY key): an ordered-set aggregate. The direct
 * arguments belong to the group (aggregates refused in them, ungrouped columns refused when
 * the query is assembled) and are evaluated once per group; the key is the aggregated
 * argument, its sort direction handed to the final function. Resolution sees the direct
 * arguments followed by the key, as pg_proc lists them; the entry must take exactly as many
 * direct arguments as were written. */
static struct sql_expr *bind_ordered_set(struct binder *b, const PgQuery__FuncCall *fc,
                                         struct bscope *sc, const char *name)
{
    struct bquery *q = sc ? sc->q : NULL;
    int nd = (int)fc->n_args, no = (int)fc->n_agg_order, n = nd + no, nm;
    struct sql_expr *args[SQL_FUNC_MAX_ARGS], *ref;
    uint32_t argt[SQL_FUNC_MAX_ARGS] = {0}, want[SQL_FUNC_MAX_ARGS] = {0}, ret = 0;
    const struct sql_func *fn;
    struct sql_agg_call *ac;
    bool desc = false, was_in_agg;
    if (fc->over)
        return sql_bind_fail(b, fc->location, "0A000", "OVER is not supported for ordered-set "
                             "aggregate %s", name), NULL;
    if (hypothetical_set(name))
        return sql_bind_fail(b, fc->location, "0A000", "hypothetical-set aggregate %s is not "
                             "supported yet", name), NULL;
    if (!q)
        return sql_bind_fail(b, fc->location, "42803", "aggregate functions are not allowed "
                             "here"), NULL;
    if (agg_allowed(b, q, fc->location) != 0)
        return NULL;
    if (n > SQL_FUNC_MAX_ARGS)
        return sql_bind_fail(b, fc->location, "54023", "too many arguments"), NULL;
    was_in_agg = q->in_agg;
    q->in_agg = true;
    for (int i = 0; i < n; i++) {
        const PgQuery__Node *an = i < nd ? fc->args[i] : fc->agg_order[i - nd];
        if (i >= nd) {
            const PgQuery__SortBy *sb = an->sort_by;
            if (an->node_case != PG_QUERY__NODE__NODE_SORT_BY ||
                sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_USING)
                return q->in_agg = was_in_agg, sql_bind_fail(b, fc->location, "0A000", "this "
                                                             "WITHIN GROUP ORDER BY is not "
                                                             "supported"), NULL;
            desc = sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_DESC;
            an = sb->node;
        }
        if (!(args[i] = sql_bind_expr(b, an, sc)))
            return q->in_agg = was_in_agg, NULL;
        argt[i] = args[i]->type;
    }
    q->in_agg = was_in_agg;
    fn = sql_func_resolve(name, n, argt, SQL_FN_AGG, want, &ret, &nm);
    if (fn && sql_agg_ordered_ndirect(fn) < 0)
        return sql_bind_fail(b, fc->location, "42809", "%s is not an ordered-set aggregate, so "
                             "it cannot have WITHIN GROUP", name), NULL;
    if (!fn || sql_agg_ordered_ndirect(fn) != nd) {
        char types[200];
        if (nm < 0)
            return poly_unknown_fail(b, fc->location), NULL;
        type_list(types, sizeof types, args, n);
        return sql_bind_fail(b, fc->location, nm > 1 ? "42725" : "42883", "function %s(%s) %s",
                             name, types, nm > 1 ? "is not unique" : "does not exist"), NULL;
    }
    if (no != 1)    /* every registered ordered-set aggregate sorts by one key */
        return sql_bind_fail(b, fc->location, "0A000", "WITHIN GROUP with %d keys is not "
                             "supported", no), NULL;
    if (!(ac = agg_call_new(b, q)))
        return NULL;
    for (int i = 0; i < n; i++)
        if (!(args[i] = sql_bind_coerce(b, args[i], want[i], false, "argument")))
            return NULL;
    {
        const struct sql_type *kt = sql_type_get(args[nd]->type);
        if (!kt || !kt->cmp)
            return sql_bind_fail(b, fc->location, "42883", "could not identify an ordering "
                                 "operator for type %s", tname(args[nd]->type)), NULL;
    }
    ac->fn = fn;
    ac->ret = ret;
    ac->nargs = no;
    ac->ndirect = nd;
    ac->order_desc = desc;
    if (!(ac->args = lw_arena_alloc(b->a, (size_t)no * sizeof *ac->args)) ||
        (nd && !(ac->direct = lw_arena_alloc(b->a, (size_t)nd * sizeof *ac->direct))))
        return sql_bind_nomem(b), NULL;
    for (int i = 0; i < nd; i++)
        ac->direct[i] = args[i];
    for (int i = 0; i < no; i++) {
        ac->args[i] = args[nd + i];
        ac->arg_types[i] = args[nd + i]->type;
    }
    if (fc->agg_filter) {
        const char *saved = q->no_agg;
        q->no_agg = "FILTER";
        ac->filter = sql_bind_condition(b, fc->agg_filter, sc, "FILTER");
        q->no_agg = saved;
        if (!ac->filter)
            return NULL;
    }
    if (!(ref = new_expr(b, SQL_E_AGGREF, ret, fc->location, 0)))
        return NULL;
    ref->col = q->naggs++;
    return ref;
}

/* fn(args) OVER (PARTITION BY ... ORDER BY ...): collected into the query like an
 * aggregate, computed by a window operator over the (grouped) rows. */
static struct sql_expr *bind_window(struct binder *b, const PgQuery__FuncCall *fc,
                                    struct bscope *sc, const char *name)
{
    const PgQuery__WindowDef *wd = fc->over;
    struct bquery *q = sc ? sc->q : NULL;
    struct sql_expr *args[SQL_FUNC_MAX_ARGS], *ref;
    uint32_t argt[SQL_FUNC_MAX_ARGS] = {0}, want[SQL_FUNC_MAX_ARGS] = {0}, ret = 0;
    const struct sql_func *fn;
    struct sql_win_call *w;
    int n = fc->agg_star ? 0 : (int)fc->n_args, nm;
    if (!q)
        return sql_bind_fail(b, fc->location, "42P20", "window functions are not allowed "
                             "here"), NULL;
    if (q->no_win)
        return sql_bind_fail(b, fc->location, "42P20", "window functions are not allowed in "
                             "%s", q->no_win), NULL;
    if (q->in_agg)
        return sql_bind_fail(b, fc->location, "42803", "aggregate function calls cannot "
                             "contain window function calls"), NULL;
    if (q->in_win)
        return sql_bind_fail(b, fc->location, "42P20", "window function calls cannot be "
                             "nested"), NULL;
    if ((wd->name && *wd->name) || (wd->refname && *wd->refname))
        return sql_bind_fail(b, fc->location, "0A000", "named windows are not supported "
                             "yet"), NULL;
    if (wd->frame_options & 1)
        return sql_bind_fail(b, fc->location, "0A000", "window frame clauses are not "
                             "supported yet"), NULL;
    if (fc->agg_distinct)
        return sql_bind_fail(b, fc->location, "0A000", "DISTINCT is not implemented for "
                             "window functions"), NULL;
    if (n > SQL_FUNC_MAX_ARGS)
        return sql_bind_fail(b, fc->location, "54023", "too many arguments"), NULL;
    if (q->nwins == q->capwins) {
        struct sql_win_call *nw = grow_calls(b, q->wins, q->nwins, &q->capwins, sizeof *nw, 4);
        if (!nw)
            return NULL;
        q->wins = nw;
    }
    w = &q->wins[q->nwins];
    memset(w, 0, sizeof *w);
    q->in_win = true;
    for (int i = 0; i < n; i++)
        if (!(args[i] = sql_bind_expr(b, fc->args[i], sc)))
            return q->in_win = false, NULL;
    w->npart = (int)wd->n_partition_clause;
    w->norder = (int)wd->n_order_clause;
    if (!(w->part = lw_arena_alloc(b->a, (size_t)(w->npart + 1) * sizeof *w->part)) ||
        !(w->order = lw_arena_alloc(b->a, (size_t)(w->norder + 1) * sizeof *w->order)) ||
        !(w->okeys = lw_arena_alloc(b->a, (size_t)(w->norder + 1) * sizeof *w->okeys)))
        return q->in_win = false, sql_bind_nomem(b), NULL;
    for (int i = 0; i < w->npart; i++)
        if (!(w->part[i] = sql_bind_expr(b, wd->partition_clause[i], sc)))
            return q->in_win = false, NULL;
    for (int i = 0; i < w->norder; i++) {
        const PgQuery__SortBy *sb = wd->order_clause[i]->sort_by;
        const struct sql_type *ty;
        if (wd->order_clause[i]->node_case != PG_QUERY__NODE__NODE_SORT_BY ||
            sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_USING)
            return q->in_win = false, sql_bind_fail(b, fc->location, "0A000", "this window "
                                                    "ORDER BY is not supported"), NULL;
        if (!(w->order[i] = sql_bind_expr(b, sb->node, sc)))
            return q->in_win = false, NULL;
        if (w->order[i]->type == SQL_OID_UNKNOWN &&
            !(w->order[i] = sql_bind_coerce(b, w->order[i], SQL_OID_TEXT, false, "")))
            return q->in_win = false, NULL;
        ty = sql_type_get(w->order[i]->type);
        if (!ty || !ty->cmp)
            return q->in_win = false, sql_bind_fail(b, sb->location, "42883", "could not "
                                                    "identify an ordering operator for type "
                                                    "%s", ty ? ty->sql_name : "unknown"), NULL;
        w->okeys[i].col = i;
        w->okeys[i].type = w->order[i]->type;
        w->okeys[i].desc = sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_DESC;
        w->okeys[i].nulls_first = sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_FIRST
                                      ? true
                                  : sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_LAST
                                      ? false
                                      : w->okeys[i].desc;
    }
    q->in_win = false;
    for (int i = 0; i < n; i++)
        argt[i] = args[i]->type;
    fn = sql_func_resolve(name, n, argt, 0, want, &ret, &nm);
    if (!fn || (fn->kind != SQL_FN_WINDOW && fn->kind != SQL_FN_AGG)) {
        if (fn)
            return sql_bind_fail(b, fc->location, "42809", "OVER specified, but %s is not a "
                                 "window function nor an aggregate function", name), NULL;
        return sql_bind_fail(b, fc->location, nm > 1 ? "42725" : "42883", "function %s with "
                             "these argument types %s", name,
                             nm > 1 ? "is not unique" : "does not exist"), NULL;
    }
    if (fn->kind == SQL_FN_AGG && !fn->agg)
        return sql_bind_fail(b, fc->location, "0A000", "function %s over these types is not "
                             "supported yet", name), NULL;
    if (sql_agg_ordered_ndirect(fn) >= 0)
        return sql_bind_fail(b, fc->location, "42809", "WITHIN GROUP is required for "
                             "ordered-set aggregate %s", name), NULL;
    w->fn = fn;
    w->nargs = n;
    w->ret = ret;
    if (n && !(w->args = lw_arena_alloc(b->a, (size_t)n * sizeof *w->args)))
        return sql_bind_nomem(b), NULL;
    for (int i = 0; i < n; i++) {
        if (!(w->args[i] = sql_bind_coerce(b, args[i], want[i], false, "argument")))
            return NULL;
        w->arg_types[i] = w->args[i]->type;
    }
    if (fc->agg_filter) {
        if (fn->kind != SQL_FN_AGG)
            return sql_bind_fail(b, fc->location, "0A000", "FILTER is not implemented for "
                                 "non-aggregate window functions"), NULL;
        if (!(w->filter = sql_bind_condition(b, fc->agg_filter, sc, "FILTER")))
            return NULL;
    }
    if (!(ref = new_expr(b, SQL_E_WINREF, ret, fc->location, 0)))
        return NULL;
    ref->col = q->nwins++;
    return ref;
}

const struct sql_func *sql_bind_module_func(const struct binder *b,
                                            const PgQuery__FuncCall *fc)
{
    const char *name = fc->n_funcname ? sql_bind_str(fc->funcname[fc->n_funcname - 1]) : NULL;
    const char *schema = fc->n_funcname == 2 ? sql_bind_str(fc->funcname[0]) : NULL;
    if (!name || fc->n_funcname > 2 || (schema ? strcmp(schema, "pg_catalog") == 0
                                               : sql_func_exists(name)))
        return NULL;
    return sql_tables_find_func(b->ctx->tables, schema, name);
}

/* A module function's call: a plain call of a fixed signature, its arguments cast to it. */
static struct sql_expr *bind_module_call(struct binder *b, const PgQuery__FuncCall *fc,
                                         struct bscope *sc, const struct sql_func *fn)
{
    struct sql_expr *args[SQL_FUNC_MAX_ARGS];
    int n = (int)fc->n_args;
    if (fc->over || fc->agg_star || fc->agg_distinct || fc->agg_filter ||
        fc->agg_within_group || fc->n_agg_order || fc->func_variadic)
        return sql_bind_fail(b, fc->location, "42809", "%s is not an aggregate or window "
                             "function", fn->name), NULL;
    if (n != fn->nargs)
        return sql_bind_fail(b, fc->location, "42883", "function %s takes %d argument%s, "
                             "not %d", fn->name, fn->nargs, fn->nargs == 1 ? "" : "s", n),
               NULL;
    for (int i = 0; i < n; i++)
        if (!(args[i] = sql_bind_expr(b, fc->args[i], sc)))
            return NULL;
    return make_call(b, fn, fn->ret, fc->location, args, fn->args, n);
}

/* The type a function name names by its pg_type name (not the grammar's spellings: a
 * function called integer is no type), pseudo-types excepted; NULL when none. */
static const struct sql_type *func_name_type(const char *name)
{
    const struct sql_type *all;
    int n = sql_type_all(&all);
    for (int i = 0; i < n; i++)
        if (strcmp(all[i].name, name) == 0 && all[i].category != SQL_TCAT_PSEUDO)
            return &all[i];
    return NULL;
}

/* Whether some function name takes exactly one argument of type t. */
static bool func_exact1(const char *name, uint32_t t)
{
    for (int f = 0; f < sql_func_nfamilies(); f++) {
        const struct sql_func_family *fam = sql_func_family_at(f);
        for (int i = 0; i < fam->nfuncs; i++)
            if (fam->funcs[i].nargs == 1 && fam->funcs[i].args[0] == t &&
                strcmp(fam->funcs[i].name, name) == 0)
                return true;
    }
    return false;
}

static struct sql_expr *bind_func(struct binder *b, const PgQuery__FuncCall *fc,
                                  struct bscope *sc)
{
    const char *name = fc->n_funcname ? sql_bind_str(fc->funcname[fc->n_funcname - 1]) : NULL;
    const char *schema = fc->n_funcname == 2 ? sql_bind_str(fc->funcname[0]) : NULL;
    struct sql_expr *args[SQL_FUNC_MAX_ARGS * 4];
    uint32_t argt[SQL_FUNC_MAX_ARGS * 4] = {0}, want[SQL_FUNC_MAX_ARGS * 4] = {0}, ret = 0;
    const struct sql_func *fn;
    int n = (int)fc->n_args, nm;
    struct bquery *q = sc ? sc->q : NULL;
    if ((fn = sql_bind_module_func(b, fc)))
        return bind_module_call(b, fc, sc, fn);
    if (!name || fc->n_funcname > 2 || (schema && strcmp(schema, "pg_catalog") != 0))
        return sql_bind_fail(b, fc->location, "42883", "function %s does not exist",
                             name ? name : "?"), NULL;
    if (fc->n_agg_order && !fc->agg_within_group)
        return sql_bind_fail(b, fc->location, "0A000", "ORDER BY inside an aggregate call is "
                             "not supported yet"), NULL;
    if (fc->func_variadic)
        return sql_bind_fail(b, fc->location, "0A000", "VARIADIC is not supported yet"), NULL;
    if (n > (int)(sizeof args / sizeof args[0]))
        return sql_bind_fail(b, fc->location, "54023", "cannot pass more than %d arguments to "
                             "a function", (int)(sizeof args / sizeof args[0])), NULL;
    /* name(x) may be a cast (below), so a type name with one argument goes on */
    if (!sql_func_exists(name) && !(n == 1 && func_name_type(name)))
        return sql_bind_fail(b, fc->location, "0A000", "function %s() is not supported yet",
                             name), NULL;
    if (fc->agg_within_group)
        return bind_ordered_set(b, fc, sc, name);
    if (fc->over)
        return bind_window(b, fc, sc, name);
    if (fc->agg_star && n == 0) {
        if (agg_allowed(b, q, fc->location) != 0)
            return NULL;
        fn = sql_func_resolve(name, 0, argt, SQL_FN_AGG, want, &ret, &nm);
        if (!fn)
            return sql_bind_fail(b, fc->location, "42809", "%s(*) specified, but %s is not an "
                                 "aggregate function", name, name), NULL;
    } else {
        bool was_in_agg = q && q->in_agg;
        /* arguments of an aggregate are bound with aggregates refused inside */
        bool maybe_agg = false;
        for (int fam = 0; fam < sql_func_nfamilies() && !maybe_agg; fam++) {
            const struct sql_func_family *f = sql_func_family_at(fam);
            for (int i = 0; i < f->nfuncs; i++)
                if (f->funcs[i].kind == SQL_FN_AGG && strcmp(f->funcs[i].name, name) == 0) {
                    maybe_agg = true;
                    break;
                }
        }
        if (maybe_agg && q) {
            if (agg_allowed(b, q, fc->location) != 0)
                return NULL;
            q->in_agg = true;
        }
        for (int i = 0; i < n; i++)
            if (!(args[i] = sql_bind_expr(b, fc->args[i], sc))) {
                if (q)
                    q->in_agg = was_in_agg;
                return NULL;
            }
        if (q)
            q->in_agg = was_in_agg;
        for (int i = 0; i < n; i++)
            argt[i] = args[i]->type;
        /* PostgreSQL's function-style cast (func_get_detail): type(x) with no function
         * type(typeof x) is x::type when x is an unknown literal or the cast is
         * binary-coercible or through text I/O; other casts go through the cast functions */
        if (n == 1 && !fc->agg_star && !fc->agg_distinct && !fc->agg_filter) {
            const struct sql_type *ty = func_name_type(name);
            if (ty && !func_exact1(name, argt[0]) &&
                (is_unknown_literal(args[0]) || sql_cast_is_coercion(argt[0], ty->oid)))
                return sql_bind_coerce(b, args[0], ty->oid, true, "");
            if (!sql_func_exists(name))
                return sql_bind_fail(b, fc->location, "0A000", "function %s() is not "
                                     "supported yet", name), NULL;
        }
        fn = sql_func_resolve(name, n, argt, 0, want, &ret, &nm);
        if (!fn) {
            char types[200];
            type_list(types, sizeof types, args, n);
            if (nm < 0)
                return poly_unknown_fail(b, fc->location), NULL;
            if (nm > 1)
                return sql_bind_fail(b, fc->location, "42725", "function %s(%s) is not unique",
                                     name, types), NULL;
            sql_bind_fail(b, fc->location, "42883", "function %s(%s) does not exist", name, types);
            snprintf(b->err->hint, sizeof b->err->hint, "No function matches the given name and "
                     "argument types. You might need to add explicit type casts.");
            return NULL;
        }
    }
    if ((fn->kind == SQL_FN_SCALAR && fn->fn == sql_fn_unsupported) ||
        (fn->kind == SQL_FN_AGG && !fn->agg) || (fn->kind == SQL_FN_SRF && !fn->srf)) {
        char types[200];
        type_list(types, sizeof types, args, fc->agg_star ? 0 : n);
        return sql_bind_fail(b, fc->location, "0A000", "function %s(%s) is not supported yet",
                             name, types), NULL;
    }
    if (fn->kind == SQL_FN_WINDOW)
        return sql_bind_fail(b, fc->location, "42809", "window function %s requires an OVER "
                             "clause", name), NULL;
    if (fn->kind != SQL_FN_AGG && (fc->agg_distinct || fc->agg_filter || fc->agg_star))
        return sql_bind_fail(b, fc->location, "42809", "DISTINCT or FILTER specified, but %s is "
                             "not an aggregate function", name), NULL;
    if (fn->kind == SQL_FN_SRF)
        return sql_bind_fail(b, fc->location, "0A000", "set-returning functions are only "
                             "supported in FROM"), NULL;
    if (fn->kind == SQL_FN_AGG) {
        struct sql_agg_call *ac;
        struct sql_expr *ref;
        if (!q)
            return sql_bind_fail(b, fc->location, "42803", "aggregate functions are not "
                                 "allowed here"), NULL;
        if (sql_agg_ordered_ndirect(fn) >= 0)
            return sql_bind_fail(b, fc->location, "42809", "WITHIN GROUP is required for "
                                 "ordered-set aggregate %s", name), NULL;
        if (!(ac = agg_call_new(b, q)))
            return NULL;
        ac->fn = fn;
        ac->nargs = fc->agg_star ? 0 : n;
        ac->distinct = fc->agg_distinct;
        ac->ret = ret;
        if (ac->nargs && !(ac->args = lw_arena_alloc(b->a, (size_t)n * sizeof *ac->args)))
            return sql_bind_nomem(b), NULL;
        for (int i = 0; i < ac->nargs; i++) {
            if (!(ac->args[i] = sql_bind_coerce(b, args[i], want[i], false, "argument")))
                return NULL;
            ac->arg_types[i] = ac->args[i]->type;
        }
        if (fc->agg_filter) {
            const char *saved = q->no_agg;
            q->no_agg = "FILTER";
            ac->filter = sql_bind_condition(b, fc->agg_filter, sc, "FILTER");
            q->no_agg = saved;
            if (!ac->filter)
                return NULL;
        }
        if (!(ref = new_expr(b, SQL_E_AGGREF, ret, fc->location, 0)))
            return NULL;
        ref->col = q->naggs++;
        return ref;
    }
    return fold_strict_null(b, make_call(b, fn, ret, fc->location, args, want, n));
}

/* --- the rest ------------------------------------------------------------------------- */

static struct sql_expr *bind_case(struct binder *b, const PgQuery__CaseExpr *ce,
                                  struct bscope *sc)
{
    int nw = (int)ce->n_args, n = nw * 2 + 1;
    struct sql_expr *e = new_expr(b, SQL_E_CASE, 0, ce->location, n), *arg = NULL;
    struct sql_expr **results, **order;
    uint32_t t;
    if (!e || !(results = lw_arena_alloc(b->a, (size_t)(nw + 1) * sizeof *results)) ||
        !(order = lw_arena_alloc(b->a, (size_t)(nw + 1) * sizeof *order)))
        return e ? (sql_bind_nomem(b), NULL) : NULL;
    if (ce->arg && !(arg = sql_bind_expr(b, ce->arg, sc)))
        return NULL;
    for (int i = 0; i < nw; i++) {
        const PgQuery__CaseWhen *w = ce->args[i]->case_when;
        struct sql_expr *cond;
        if (ce->args[i]->node_case != PG_QUERY__NODE__NODE_CASE_WHEN || !w)
            return sql_bind_fail(b, ce->location, "42601", "improper CASE"), NULL;
        if (arg) {
            struct sql_expr *v = sql_bind_expr(b, w->expr, sc);
            if (!v || !(cond = bind_op(b, "=", arg, v, w->location)))
                return NULL;
        } else if (!(cond = sql_bind_condition(b, w->expr, sc, "CASE/WHEN"))) {
            return NULL;
        }
        e->args[2 * i] = cond;
        if (!(results[i] = sql_bind_expr(b, w->result, sc)))
            return NULL;
    }
    if (ce->defresult) {
        if (!(results[nw] = sql_bind_expr(b, ce->defresult, sc)))
            return NULL;
    } else if (!(results[nw] = new_expr(b, SQL_E_CONST, SQL_OID_UNKNOWN, ce->location, 0))) {
        return NULL;
    }
    /* PostgreSQL resolves the ELSE result first (CASE WHEN .. THEN user ELSE text_expr END
     * is text, THEN text_expr ELSE user is name) */
    order[0] = results[nw];
    memcpy(order + 1, results, (size_t)nw * sizeof *order);
    if (!(t = sql_bind_common_type(b, order, nw + 1, "CASE")))
        return NULL;
    e->type = t;
    for (int i = 0; i <= nw; i++)
        if (!(e->args[i < nw ? 2 * i + 1 : n - 1] = sql_bind_coerce(b, results[i], t, false,
                                                                     "CASE result")))
            return NULL;
    return e;
}

static struct sql_expr *bind_variadic(struct binder *b, enum sql_expr_kind k, PgQuery__Node **items,
                                      size_t n, int loc, struct bscope *sc, const char *what)
{
    struct sql_expr *e = new_expr(b, k, 0, loc, (int)n);
    uint32_t t;
    if (!e || !bind_list(b, items, n, sc, e->args) ||
        !(t = sql_bind_common_type(b, e->args, (int)n, what)))
        return NULL;
    e->type = t;
    for (size_t i = 0; i < n; i++)
        if (!(e->args[i] = sql_bind_coerce(b, e->args[i], t, false, what)))
            return NULL;
    if (k == SQL_E_MINMAX && (!sql_type_get(t) || !sql_type_get(t)->cmp))
        return sql_bind_fail(b, loc, "42883", "could not identify a comparison function for "
                             "type %s", tname(t)), NULL;
    return e;
}

static struct sql_expr *bind_svf(struct binder *b, const PgQuery__SQLValueFunction *f)
{
    static const struct {
        PgQuery__SQLValueFunctionOp op;
        const char *func;
        uint32_t cast;
    } map[] = {
        {PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_DATE, "now", SQL_OID_DATE},
        {PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP, "now", 0},
        {PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP, "now", SQL_OID_TIMESTAMP},
        {PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_USER, "current_user", 0},
        {PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_ROLE, "current_user", 0},
        {PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_USER, "current_user", 0},
        {PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_SESSION_USER, "session_user", 0},
        {PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_CATALOG, "current_database", 0},
        {PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_SCHEMA, "current_schema", 0},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (map[i].op == f->op) {
            uint32_t want[1] = {0}, ret;
            int nm;
            const struct sql_func *fn = sql_func_resolve(map[i].func, 0, want, SQL_FN_SCALAR,
                                                         want, &ret, &nm);
            struct sql_expr *e = fn ? make_call(b, fn, ret, f->location, NULL, NULL, 0) : NULL;
            if (!fn)
                return sql_bind_fail(b, f->location, "XX000", "missing %s", map[i].func), NULL;
            if (e && map[i].cast)
                e = sql_bind_coerce(b, e, map[i].cast, true, "");
            return e;
        }
    return sql_bind_fail(b, f->location, "0A000", "this SQL value function (with a precision) "
                         "is not supported yet"), NULL;
}

uint32_t sql_bind_typename(struct binder *b, const PgQuery__TypeName *tn)
{
    const char *last = tn->n_names ? sql_bind_str(tn->names[tn->n_names - 1]) : NULL;
    const char *first = tn->n_names == 2 ? sql_bind_str(tn->names[0]) : NULL;
    const struct sql_type *t;
    if (!last || tn->n_names > 2 || (first && strcmp(first, "pg_catalog") != 0 &&
                                     strcmp(first, "public") != 0))
        return sql_bind_fail(b, tn->location, "42704", "type \"%s\" does not exist",
                             last ? last : "?"), 0;
    if (tn->setof || tn->pct_type)
        return sql_bind_fail(b, tn->location, "0A000", "this type syntax is not supported"), 0;
    if (tn->n_typmods)
        return sql_bind_fail(b, tn->location, "0A000", "type modifiers (%s(...)) are not "
                             "supported yet", last), 0;
    /* The grammar has already turned the keyword char into pg_catalog.bpchar, so a name
     * "char" here was quoted: the one-byte internal type, not sql_type_by_name's alias. */
    t = strcmp(last, "char") == 0 ? sql_type_get(SQL_OID_CHAR) : sql_type_by_name(last);
    if (!t || t->category == SQL_TCAT_PSEUDO) {
        if (t)
            return sql_bind_fail(b, tn->location, "0A000", "casts to %s are not supported",
                                 last), 0;
        return sql_bind_fail(b, tn->location, "42704", "type \"%s\" does not exist", last), 0;
    }
    if (tn->n_array_bounds) {
        if (!t->array_oid || !sql_type_get(t->array_oid))
            return sql_bind_fail(b, tn->location, "42704", "type \"%s[]\" does not exist",
                                 last), 0;
        return t->array_oid;
    }
    return t->oid;
}

static struct sql_expr *bind_sublink(struct binder *b, const PgQuery__SubLink *sl,
                                     struct bscope *sc)
{
    struct sql_subplan *sp = lw_arena_alloc(b->a, sizeof *sp);
    struct sql_expr *e;
    const char **names;
    uint32_t *types;
    int ncols;
    bool corr = false;
    if (!sp)
        return sql_bind_nomem(b), NULL;
    memset(sp, 0, sizeof *sp);
    if (!sl->subselect || sl->subselect->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
        return sql_bind_fail(b, sl->location, "42601", "improper subquery"), NULL;
    switch (sl->sub_link_type) {
    case PG_QUERY__SUB_LINK_TYPE__EXISTS_SUBLINK: sp->kind = SQL_SUB_EXISTS; break;
    case PG_QUERY__SUB_LINK_TYPE__EXPR_SUBLINK: sp->kind = SQL_SUB_EXPR; break;
    case PG_QUERY__SUB_LINK_TYPE__ANY_SUBLINK: sp->kind = SQL_SUB_ANY; break;
    case PG_QUERY__SUB_LINK_TYPE__ALL_SUBLINK: sp->kind = SQL_SUB_ALL; break;
    case PG_QUERY__SUB_LINK_TYPE__ARRAY_SUBLINK: sp->kind = SQL_SUB_ARRAY; break;
    default:
        return sql_bind_fail(b, sl->location, "0A000", "this kind of subquery is not supported "
                             "yet"), NULL;
    }
    if ((sp->kind == SQL_SUB_ANY || sp->kind == SQL_SUB_ALL) && sl->testexpr &&
        sl->testexpr->node_case == PG_QUERY__NODE__NODE_ROW_EXPR)
        return sql_bind_fail(b, sl->location, "0A000", "row comparisons with a subquery are not "
                             "supported yet"), NULL;
    if (b->select(b, sl->subselect->select_stmt, sc, sc ? sc->q : NULL, sc ? sc->q : NULL,
                  &sp->plan, &ncols, &names, &types, &corr) != 0)
        return NULL;
    sp->correlated = corr;
    if (sp->kind != SQL_SUB_EXISTS && ncols != 1)
        return sql_bind_fail(b, sl->location, "42601", ncols > 1 ? "subquery must return only "
                             "one column" : "subquery has too few columns"), NULL;
    if (!(e = new_expr(b, SQL_E_SUBLINK, SQL_OID_BOOL, sl->location,
                       sp->kind == SQL_SUB_ANY || sp->kind == SQL_SUB_ALL)))
        return NULL;
    e->sub = sp;
    if (sp->kind == SQL_SUB_EXPR)
        e->type = types[0] == SQL_OID_UNKNOWN ? SQL_OID_TEXT : types[0];
    if (sp->kind == SQL_SUB_ARRAY) {
        const struct sql_type *t = sql_type_get(types[0]);
        if (!t || !t->array_oid)
            return sql_bind_fail(b, sl->location, "42704", "could not find array type for data "
                                 "type %s", tname(types[0])), NULL;
        e->type = t->array_oid;
    }
    if (sp->kind == SQL_SUB_ANY || sp->kind == SQL_SUB_ALL) {
        const char *opn = sl->n_oper_name ? op_name(sl->oper_name, sl->n_oper_name) : "=";
        struct sql_expr *left = sql_bind_expr(b, sl->testexpr, sc), *col, *call;
        if (!left || !(col = new_expr(b, SQL_E_COL, types[0], sl->location, 0)))
            return NULL;
        if (!(call = bind_op(b, opn ? opn : "=", left, col, sl->location)))
            return NULL;
        /* text IN (SELECT name ...): the cast reads only the subquery's column */
        if (call->args[1]->kind != SQL_E_COL)
            sp->right = call->args[1];
        e->args[0] = call->args[0];
        sp->cmp = call->fn;
    }
    return e;
}

struct sql_expr *sql_bind_condition(struct binder *b, const PgQuery__Node *n, struct bscope *sc,
                                    const char *what)
{
    struct sql_expr *e = sql_bind_expr(b, n, sc);
    if (!e)
        return NULL;
    if (e->type != SQL_OID_BOOL && !is_unknown_literal(e))
        return sql_bind_fail(b, e->loc, "42804", "argument of %s must be type boolean, not type "
                             "%s", what, tname(e->type)), NULL;
    return sql_bind_coerce(b, e, SQL_OID_BOOL, false, what);
}

static struct sql_expr *bind_inner(struct binder *b, const PgQuery__Node *n, struct bscope *sc)
{
    struct sql_expr *e;
    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_A_CONST:
        return bind_const(b, n->a_const);
    case PG_QUERY__NODE__NODE_COLUMN_REF:
        if (!sc)
            return sql_bind_fail(b, n->column_ref->location, "42P10", "column references are "
                                 "not allowed here"), NULL;
        return bind_column(b, n->column_ref, sc);
    case PG_QUERY__NODE__NODE_PARAM_REF: {
        int k = n->param_ref->number;
        if (k < 1 || k > b->nslots || b->ctx->simple)
            return sql_bind_fail(b, n->param_ref->location, "42P02", "there is no parameter "
                                 "$%d", k), NULL;
        if (!(e = new_expr(b, SQL_E_PARAM, b->params[k - 1] ? b->params[k - 1]
                                                           : SQL_OID_UNKNOWN,
                           n->param_ref->location, 0)))
            return NULL;
        e->col = k - 1;
        if (k > b->nparams)
            b->nparams = k;
        return e;
    }
    case PG_QUERY__NODE__NODE_A_EXPR:
        return bind_aexpr(b, n->a_expr, sc);
    case PG_QUERY__NODE__NODE_BOOL_EXPR: {
        const PgQuery__BoolExpr *be = n->bool_expr;
        struct sql_expr **args = lw_arena_alloc(b->a, (be->n_args + 1) * sizeof *args);
        const char *what = be->boolop == PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR   ? "AND"
                           : be->boolop == PG_QUERY__BOOL_EXPR_TYPE__OR_EXPR  ? "OR"
                                                                              : "NOT";
        if (!args)
            return sql_bind_nomem(b), NULL;
        if (be->n_args && !bind_list(b, be->args, be->n_args, sc, args))
            return NULL;
        return bind_bool(b, be->boolop == PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR  ? SQL_E_AND
                            : be->boolop == PG_QUERY__BOOL_EXPR_TYPE__OR_EXPR ? SQL_E_OR
                                                                              : SQL_E_NOT,
                         args, (int)be->n_args, be->location, what);
    }
    case PG_QUERY__NODE__NODE_NULL_TEST:
        if (!(e = new_expr(b, SQL_E_NULLTEST, SQL_OID_BOOL, n->null_test->location, 1)) ||
            !(e->args[0] = sql_bind_expr(b, n->null_test->arg, sc)))
            return NULL;
        if (is_unknown_literal(e->args[0]) &&
            !(e->args[0] = sql_bind_coerce(b, e->args[0], SQL_OID_TEXT, false, "")))
            return NULL;
        e->flag = n->null_test->nulltesttype == PG_QUERY__NULL_TEST_TYPE__IS_NOT_NULL;
        return e;
    case PG_QUERY__NODE__NODE_BOOLEAN_TEST: {
        static const int map[] = {0, SQL_BT_TRUE, SQL_BT_NOT_TRUE, SQL_BT_FALSE,
                                  SQL_BT_NOT_FALSE, SQL_BT_UNKNOWN, SQL_BT_NOT_UNKNOWN};
        struct sql_expr *a = sql_bind_expr(b, n->boolean_test->arg, sc);
        int t = (int)n->boolean_test->booltesttype;
        if (!a || !(e = bind_bool(b, SQL_E_BOOLTEST, &a, 1, n->boolean_test->location,
                                  "IS TRUE")))
            return NULL;
        e->flag = t >= 1 && t <= 6 ? map[t] : SQL_BT_TRUE;
        return e;
    }
    case PG_QUERY__NODE__NODE_TYPE_CAST: {
        uint32_t t = sql_bind_typename(b, n->type_cast->type_name);
        const PgQuery__Node *arg = n->type_cast->arg;
        const struct sql_type *tt = sql_type_get(t);
        struct sql_expr *a;
        if (!t)
            return NULL;
        if (arg && arg->node_case == PG_QUERY__NODE__NODE_A_ARRAY_EXPR &&
            arg->a_array_expr->n_elements == 0 && tt && tt->category == SQL_TCAT_ARRAY) {
            /* ARRAY[]::T[]: an empty array of the cast's type */
            struct sql_array *arr = lw_arena_alloc(b->a, sizeof *arr);
            if (!arr || !(e = new_expr(b, SQL_E_CONST, t, n->type_cast->location, 0)))
                return arr ? NULL : (sql_bind_nomem(b), NULL);
            *arr = (struct sql_array){tt->elem_oid, 0, NULL};
            e->val.type = SQL_V_ARRAY;
            e->val.u.arr = arr;
            return e;
        }
        if (!(a = sql_bind_expr(b, arg, sc)))
            return NULL;
        if ((a->type == SQL_OID_INT2VECTOR || a->type == SQL_OID_OIDVECTOR) && tt &&
            tt->oid == sql_type_get(sql_type_get(a->type)->elem_oid)->array_oid) {
            /* binary-coercible in PostgreSQL, keeping the lower bound 0 (refused when run) */
            uint32_t want = a->type;
            return make_call(b, &sql_func_vector_to_array, t, n->type_cast->location, &a, &want,
                             1);
        }
        if (a->type != t && a->type != SQL_OID_UNKNOWN && tt &&
            tt->category == SQL_TCAT_ARRAY && sql_type_get(a->type) &&
            sql_type_get(a->type)->category == SQL_TCAT_ARRAY && !sql_cast_find(a->type, t, NULL))
            return sql_bind_fail(b, n->type_cast->location, "0A000", "casts between these array "
                                 "types are not supported yet"), NULL;
        if (a->loc < 0)
            a->loc = n->type_cast->location;
        return sql_bind_coerce(b, a, t, true, "");
    }
    case PG_QUERY__NODE__NODE_FUNC_CALL:
        return bind_func(b, n->func_call, sc);
    case PG_QUERY__NODE__NODE_CASE_EXPR:
        return bind_case(b, n->case_expr, sc);
    case PG_QUERY__NODE__NODE_COALESCE_EXPR:
        return bind_variadic(b, SQL_E_COALESCE, n->coalesce_expr->args,
                             n->coalesce_expr->n_args, n->coalesce_expr->location, sc,
                             "COALESCE");
    case PG_QUERY__NODE__NODE_MIN_MAX_EXPR:
        if (!(e = bind_variadic(b, SQL_E_MINMAX, n->min_max_expr->args, n->min_max_expr->n_args,
                                n->min_max_expr->location, sc,
                                n->min_max_expr->op == PG_QUERY__MIN_MAX_OP__IS_GREATEST
                                    ? "GREATEST" : "LEAST")))
            return NULL;
        e->flag = n->min_max_expr->op == PG_QUERY__MIN_MAX_OP__IS_GREATEST;
        return e;
    case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION:
        return bind_svf(b, n->sqlvalue_function);
    case PG_QUERY__NODE__NODE_SUB_LINK:
        return bind_sublink(b, n->sub_link, sc);
    case PG_QUERY__NODE__NODE_COLLATE_CLAUSE: {
        /* lakeward's database collation is C: text compares bytewise, so "default", "C"
         * and "POSIX" change nothing; other collations are refused */
        const PgQuery__CollateClause *cc = n->collate_clause;
        const char *cn = cc->n_collname ? sql_bind_str(cc->collname[cc->n_collname - 1]) : NULL;
        if (!cn || (strcmp(cn, "default") != 0 && strcmp(cn, "C") != 0 &&
                    strcmp(cn, "POSIX") != 0))
            return sql_bind_fail(b, cc->location, "0A000", "collation \"%s\" is not supported "
                                 "yet", cn ? cn : "?"), NULL;
        if (!(e = sql_bind_expr(b, cc->arg, sc)))
            return NULL;
        if (is_unknown_literal(e) && !(e = sql_bind_coerce(b, e, SQL_OID_TEXT, false, "")))
            return NULL;
        if (sql_type_get(e->type) && sql_type_get(e->type)->category != SQL_TCAT_STRING)
            return sql_bind_fail(b, cc->location, "42804", "collations are not supported by "
                                 "type %s", tname(e->type)), NULL;
        return e;
    }
    case PG_QUERY__NODE__NODE_A_ARRAY_EXPR: {
        const PgQuery__AArrayExpr *ae = n->a_array_expr;
        uint32_t t;
        const struct sql_type *et;
        if (ae->n_elements == 0)
            return sql_bind_fail(b, ae->location, "42P18", "cannot determine type of empty "
                                 "array"), NULL;
        if (!(e = bind_variadic(b, SQL_E_ARRAY, ae->elements, ae->n_elements, ae->location, sc,
                                "ARRAY")))
            return NULL;
        t = e->type;
        if (!(et = sql_type_get(t)) || !et->array_oid || et->category == SQL_TCAT_ARRAY)
            return sql_bind_fail(b, ae->location, "0A000", "arrays of %s are not supported yet",
                                 tname(t)), NULL;
        e->type = et->array_oid;
        return e;
    }
    case PG_QUERY__NODE__NODE_A_INDIRECTION:
        return bind_subscript(b, n->a_indirection, sc);
    default: {
        const ProtobufCFieldDescriptor *fd = protobuf_c_message_descriptor_get_field(
            &pg_query__node__descriptor, (unsigned)n->node_case);
        return sql_bind_fail(b, -1, "0A000", "expressions of this kind (%s) are not supported "
                             "yet", fd ? fd->name : "?"), NULL;
    }
    }
}

struct sql_expr *sql_bind_expr(struct binder *b, const PgQuery__Node *n, struct bscope *sc)
{
    struct sql_expr *e;
    if (!n)
        return sql_bind_fail(b, -1, "XX000", "missing expression"), NULL;
    if (++b->depth > MAX_DEPTH) {
        b->depth--;
        return sql_bind_fail(b, -1, "54001", "stack depth limit exceeded"), NULL;
    }
    e = bind_inner(b, n, sc);
    b->depth--;
    return e;
}

/* --- output column names (PostgreSQL's FigureColname) ---------------------------------- */

static const char *colname_inner(const PgQuery__Node *n, int *strength)
{
    *strength = 0;
    if (!n)
        return NULL;
    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_COLUMN_REF: {
        const PgQuery__ColumnRef *cr = n->column_ref;
        const char *s = cr->n_fields ? sql_bind_str(cr->fields[cr->n_fields - 1]) : NULL;
        if (s) {
            *strength = 2;
            return s;
        }
        return NULL;
    }
    case PG_QUERY__NODE__NODE_FUNC_CALL: {
        const PgQuery__FuncCall *fc = n->func_call;
        *strength = 2;
        return fc->n_funcname ? sql_bind_str(fc->funcname[fc->n_funcname - 1]) : NULL;
    }
    case PG_QUERY__NODE__NODE_TYPE_CAST: {
        int s;
        const char *name = colname_inner(n->type_cast->arg, &s);
        const PgQuery__TypeName *tn = n->type_cast->type_name;
        if (s >= 2 && name) {
            *strength = s;
            return name;
        }
        if (tn && tn->n_names) {
            *strength = 1;
            return sql_bind_str(tn->names[tn->n_names - 1]);
        }
        return name;
    }
    /* A constant names nothing: PostgreSQL 15 parses TRUE/FALSE as a boolean A_Const (no
     * longer a cast of 't' to bool), so `SELECT true` is ?column? as any literal is. */
    case PG_QUERY__NODE__NODE_A_CONST:
        return NULL;
    case PG_QUERY__NODE__NODE_CASE_EXPR: {
        int s2;
        const char *name = colname_inner(n->case_expr->defresult, &s2);
        if (name && s2 > 1) {
            *strength = s2;
            return name;
        }
        *strength = 1;
        return "case";
    }
    case PG_QUERY__NODE__NODE_COALESCE_EXPR:
        *strength = 2;
        return "coalesce";
    case PG_QUERY__NODE__NODE_MIN_MAX_EXPR:
        *strength = 2;
        return n->min_max_expr->op == PG_QUERY__MIN_MAX_OP__IS_GREATEST ? "greatest" : "least";
    case PG_QUERY__NODE__NODE_A_EXPR:
        if (n->a_expr->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NULLIF) {
            *strength = 2;
            return "nullif";
        }
        return NULL;
    case PG_QUERY__NODE__NODE_A_ARRAY_EXPR:
        *strength = 2;
        return "array";
    case PG_QUERY__NODE__NODE_A_INDIRECTION:
        /* the last field name, else the subscripted expression's name */
        for (size_t i = n->a_indirection->n_indirection; i-- > 0;)
            if (n->a_indirection->indirection[i]->node_case == PG_QUERY__NODE__NODE_STRING) {
                *strength = 2;
                return n->a_indirection->indirection[i]->string->sval;
            }
        return colname_inner(n->a_indirection->arg, strength);
    case PG_QUERY__NODE__NODE_SUB_LINK: {
        const PgQuery__SubLink *sl = n->sub_link;
        if (sl->sub_link_type == PG_QUERY__SUB_LINK_TYPE__EXISTS_SUBLINK) {
            *strength = 2;
            return "exists";
        }
        if (sl->sub_link_type == PG_QUERY__SUB_LINK_TYPE__ARRAY_SUBLINK) {
            *strength = 2;
            return "array";
        }
        if (sl->sub_link_type == PG_QUERY__SUB_LINK_TYPE__EXPR_SUBLINK && sl->subselect &&
            sl->subselect->node_case == PG_QUERY__NODE__NODE_SELECT_STMT) {
            const PgQuery__SelectStmt *ss = sl->subselect->select_stmt;
            if (ss->n_target_list == 1 &&
                ss->target_list[0]->node_case == PG_QUERY__NODE__NODE_RES_TARGET) {
                const PgQuery__ResTarget *rt = ss->target_list[0]->res_target;
                if (rt->name && *rt->name) {
                    *strength = 2;
                    return rt->name;
                }
                return colname_inner(rt->val, strength);
            }
        }
        return NULL;
    }
    case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION: {
        static const char *const names[] = {
            [PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_DATE] = "current_date",
            [PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIME] = "current_time",
            [PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIME_N] = "current_time",
            [PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP] = "current_timestamp",
            [PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP_N] = "current_timestamp",
            [PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIME] = "localtime",
            [PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIME_N] = "localtime",
            [PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP] = "localtimestamp",
            [PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP_N] = "localtimestamp",
            [PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_ROLE] = "current_role",
            [PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_USER] = "current_user",
            [PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_USER] = "user",
            [PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_SESSION_USER] = "session_user",
            [PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_CATALOG] = "current_catalog",
            [PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_SCHEMA] = "current_schema",
        };
        unsigned op = (unsigned)n->sqlvalue_function->op;
        *strength = 2;
        return op < sizeof names / sizeof names[0] ? names[op] : NULL;
    }
    default:
        return NULL;
    }
}

const char *sql_bind_colname(const PgQuery__Node *n)
{
    int s;
    const char *name = colname_inner(n, &s);
    return name ? name : "?column?";
}

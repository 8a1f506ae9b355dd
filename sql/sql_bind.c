/* sql_bind.c -- binding statements (sql_bind.h): session statements, writes refused,
 * and SELECT: WITH, FROM (tables with WHERE constraints pushed into best_index, VALUES,
 * subqueries, function scans, joins), WHERE, GROUP BY/HAVING with aggregates, the select
 * list, DISTINCT [ON], ORDER BY, LIMIT/OFFSET and UNION/INTERSECT/EXCEPT. */
#include "sql_bind_int.h"

#include "sql_func_impl.h"
#include "sql_value.h"

#include <stdio.h>
#include <string.h>

/* --- statement names and writes ------------------------------------------------------- */

static const struct {
    const char *field, *command;
} commands[] = {
    {"insert_stmt", "INSERT"}, {"update_stmt", "UPDATE"}, {"delete_stmt", "DELETE"},
    {"merge_stmt", "MERGE"}, {"truncate_stmt", "TRUNCATE"}, {"create_stmt", "CREATE TABLE"},
    {"create_table_as_stmt", "CREATE TABLE AS"}, {"view_stmt", "CREATE VIEW"},
    {"index_stmt", "CREATE INDEX"}, {"create_schema_stmt", "CREATE SCHEMA"},
    {"create_role_stmt", "CREATE ROLE"}, {"createdb_stmt", "CREATE DATABASE"},
    {"create_function_stmt", "CREATE FUNCTION"}, {"create_seq_stmt", "CREATE SEQUENCE"},
    {"create_extension_stmt", "CREATE EXTENSION"}, {"drop_stmt", "DROP"},
    {"drop_role_stmt", "DROP ROLE"}, {"dropdb_stmt", "DROP DATABASE"},
    {"alter_table_stmt", "ALTER TABLE"}, {"alter_role_stmt", "ALTER ROLE"},
    {"rename_stmt", "ALTER ... RENAME"}, {"grant_stmt", "GRANT/REVOKE"},
    {"grant_role_stmt", "GRANT/REVOKE ROLE"}, {"comment_stmt", "COMMENT"},
    {"vacuum_stmt", "VACUUM/ANALYZE"}, {"reindex_stmt", "REINDEX"}, {"cluster_stmt", "CLUSTER"},
    {"refresh_mat_view_stmt", "REFRESH MATERIALIZED VIEW"}, {"lock_stmt", "LOCK"},
    {"copy_stmt", "COPY"}, {"variable_set_stmt", "SET"}, {"variable_show_stmt", "SHOW"},
    {"explain_stmt", "EXPLAIN"}, {"prepare_stmt", "PREPARE"}, {"execute_stmt", "EXECUTE"},
    {"deallocate_stmt", "DEALLOCATE"}, {"declare_cursor_stmt", "DECLARE CURSOR"},
    {"fetch_stmt", "FETCH"}, {"close_portal_stmt", "CLOSE"}, {"discard_stmt", "DISCARD"},
    {"listen_stmt", "LISTEN"}, {"unlisten_stmt", "UNLISTEN"}, {"notify_stmt", "NOTIFY"},
    {"do_stmt", "DO"}, {"call_stmt", "CALL"}, {"check_point_stmt", "CHECKPOINT"},
    {"load_stmt", "LOAD"}, {"select_stmt", "SELECT"}, {"transaction_stmt", "TRANSACTION"},
};

static const char *field_name(const PgQuery__Node *n)
{
    const ProtobufCFieldDescriptor *fd = protobuf_c_message_descriptor_get_field(
        &pg_query__node__descriptor, (unsigned)n->node_case);
    return fd ? fd->name : "?";
}

const char *sql_bind_command_name(const PgQuery__Node *stmt)
{
    const char *f = field_name(stmt);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].field, f) == 0)
            return commands[i].command;
    return f;
}

static bool is_write(const PgQuery__Node *n)
{
    static const char *const prefixes[] = {
        "create", "alter", "drop", "insert", "update", "delete", "merge", "truncate", "grant",
        "rename", "comment", "reindex", "cluster", "vacuum", "refresh", "lock", "define",
        "reassign", "sec_label", "import", "index", "view", "rule", "composite_type", "replica"};
    const char *f = field_name(n);
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncmp(f, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    if (n->node_case == PG_QUERY__NODE__NODE_COPY_STMT)
        return n->copy_stmt->is_from;
    if (n->node_case == PG_QUERY__NODE__NODE_SELECT_STMT)
        return n->select_stmt->into_clause != NULL;
    return false;
}

/* --- scopes --------------------------------------------------------------------------- */

/* PostgreSQL's checkNameSpaceConflicts: two FROM items of one level may not share a name,
 * unless both are tables named without aliases in different schemas. */
static bool names_conflict(const struct brel *a, const struct brel *r)
{
    if (a->unnamed || r->unnamed || !a->name[0] || strcmp(a->name, r->name) != 0)
        return false;
    return !(a->schema && r->schema && strcmp(a->schema, r->schema) != 0);
}

static int scope_add(struct binder *b, struct bscope *sc, struct brel *r)
{
    for (int i = 0; i < sc->nrels; i++)
        if (names_conflict(sc->rels[i], r))
            return sql_bind_fail(b, -1, "42712", "table name \"%s\" specified more than once",
                                 r->name);
    if (sc->nrels == sc->cap) {
        int nc = sc->cap ? sc->cap * 2 : 4;
        struct brel **nr = lw_arena_alloc(b->a, (size_t)nc * sizeof *nr);
        if (!nr)
            return sql_bind_nomem(b);
        if (sc->nrels)
            memcpy(nr, sc->rels, (size_t)sc->nrels * sizeof *nr);
        sc->rels = nr;
        sc->cap = nc;
    }
    r->base = sc->width;
    sc->width += r->ncols;
    sc->rels[sc->nrels++] = r;
    return 0;
}

static struct brel *rel_new(struct binder *b, const char *name, const char *schema, int ncols)
{
    struct brel *r = lw_arena_alloc(b->a, sizeof *r);
    if (!r || !(r->cols = lw_arena_alloc(b->a, (size_t)(ncols + 1) * sizeof *r->cols))) {
        sql_bind_nomem(b);
        return NULL;
    }
    r->name = name;
    r->schema = schema;
    r->ncols = ncols;
    r->base = 0;
    r->unnamed = false;
    memset(r->cols, 0, (size_t)(ncols + 1) * sizeof *r->cols);
    return r;
}

/* Applies an alias's column names to a relation. */
static int apply_alias(struct binder *b, struct brel *r, const PgQuery__Alias *al, int loc)
{
    if (!al)
        return 0;
    r->name = al->aliasname;
    r->schema = NULL;
    if ((int)al->n_colnames > r->ncols)
        return sql_bind_fail(b, loc, "42P10", "table \"%s\" has %d columns available but %d "
                             "columns specified", al->aliasname, r->ncols, (int)al->n_colnames);
    for (size_t i = 0; i < al->n_colnames; i++)
        r->cols[i].name = sql_bind_str(al->colnames[i]);
    return 0;
}

/* --- FROM ----------------------------------------------------------------------------- */

struct from_item {
    struct sql_node *node;
    struct sql_node *scan;      /* the node when it is a plain table scan (pushdown target) */
};

static int bind_from_item(struct binder *b, const PgQuery__Node *n, struct bscope *sc,
                          struct bquery *q, struct from_item *out);

static int bind_range_var(struct binder *b, const PgQuery__RangeVar *rv, struct bscope *sc,
                          struct bquery *q, struct from_item *out)
{
    const struct sql_table *t;
    struct brel *r;
    struct sql_node *node;
    if (rv->catalogname && *rv->catalogname)
        return sql_bind_fail(b, rv->location, "0A000", "cross-database references are not "
                             "implemented: %s.%s.%s", rv->catalogname, rv->schemaname,
                             rv->relname);
    if (!rv->schemaname || !*rv->schemaname) {
        for (struct bquery *qq = q; qq; qq = qq->with_outer)
            for (struct bcte *c = qq->ctes; c; c = c->next)
                if (strcmp(c->name, rv->relname) == 0) {
                    if (!(r = rel_new(b, c->name, NULL, c->ncols)) ||
                        !(node = sql_node_new(b->a, c->wt ? SQL_N_WORKTABLE : SQL_N_MATERIAL,
                                              c->ncols)))
                        return sql_bind_nomem(b);
                    for (int i = 0; i < c->ncols; i++) {
                        r->cols[i] = (struct bcol){.name = c->names[i], .type = c->types[i]};
                        node->types[i] = c->types[i];
                    }
                    if (c->wt)
                        node->u.worktable.wt = c->wt;
                    else
                        node->u.material.m = c->m;
                    if (apply_alias(b, r, rv->alias, rv->location) != 0 ||
                        scope_add(b, sc, r) != 0)
                        return LW_EINVAL;
                    out->node = node;
                    out->scan = NULL;
                    return 0;
                }
    }
    t = sql_tables_find(b->ctx->tables, rv->schemaname && *rv->schemaname ? rv->schemaname
                                                                          : NULL, rv->relname);
    if (!t) {
        if (rv->schemaname && *rv->schemaname)
            return sql_bind_fail(b, rv->location, "42P01", "relation \"%s.%s\" does not exist",
                                 rv->schemaname, rv->relname);
        return sql_bind_fail(b, rv->location, "42P01", "relation \"%s\" does not exist",
                             rv->relname);
    }
    if (!(r = rel_new(b, t->name, t->schema, t->mod->ncols)) ||
        !(node = sql_node_new(b->a, SQL_N_SCAN, t->mod->ncols)))
        return sql_bind_nomem(b);
    for (int i = 0; i < t->mod->ncols; i++) {
        r->cols[i] = (struct bcol){.name = t->mod->cols[i].name,
                                   .type = t->mod->cols[i].type_oid,
                                   .hidden = (t->mod->cols[i].flags & SQL_COL_HIDDEN) != 0};
        node->types[i] = t->mod->cols[i].type_oid;
    }
    node->u.scan.table = t;
    node->u.scan.cols_used = ~0ull;     /* narrowed when the scan is the whole FROM */
    if (apply_alias(b, r, rv->alias, rv->location) != 0 || scope_add(b, sc, r) != 0)
        return LW_EINVAL;
    out->node = node;
    out->scan = node;
    return 0;
}

static int bind_range_subselect(struct binder *b, const PgQuery__RangeSubselect *rs,
                                struct bscope *sc, struct from_item *out)
{
    struct sql_node *plan;
    const char **names;
    uint32_t *types;
    int ncols;
    bool corr = false;
    struct brel *r;
    if (rs->lateral)
        return sql_bind_fail(b, -1, "0A000", "LATERAL is not supported yet");
    if (!rs->subquery || rs->subquery->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
        return sql_bind_fail(b, -1, "42601", "improper subquery in FROM");
    /* the subquery sees the enclosing queries' rows but not this FROM's (no LATERAL); every
     * WITH list around it, this query's included */
    if (b->select(b, rs->subquery->select_stmt, sc->parent, sc->q->parent, sc->q, &plan, &ncols,
                  &names, &types, &corr) != 0)
        return LW_EINVAL;
    if (corr)
        sc->q->correlated = true;
    if (!(r = rel_new(b, rs->alias ? rs->alias->aliasname : "unnamed_subquery", NULL, ncols)))
        return LW_ENOMEM;
    for (int i = 0; i < ncols; i++)
        r->cols[i] = (struct bcol){.name = names[i], .type = types[i]};
    r->unnamed = !rs->alias;
    if (apply_alias(b, r, rs->alias, -1) != 0 || scope_add(b, sc, r) != 0)
        return LW_EINVAL;
    out->node = plan;
    out->scan = NULL;
    return 0;
}

/* A FROM function's argument failed to bind without this FROM's items. PostgreSQL makes
 * functions in FROM implicitly LATERAL: when the argument does bind with them, say that
 * this is not supported rather than answer "missing FROM-clause entry" where PostgreSQL
 * runs the query. Returns LW_EINVAL with b->err set either way. */
static int lateral_reference(struct binder *b, const PgQuery__Node *arg, struct bscope *sc,
                             int loc)
{
    struct sql_error first = *b->err;
    bool in_from;
    in_from = sql_bind_expr(b, arg, sc) != NULL;
    if (in_from)
        return sql_bind_fail(b, loc, "0A000", "a function in FROM reading an earlier FROM "
                             "item (implicit LATERAL) is not supported yet");
    *b->err = first;
    return LW_EINVAL;
}

static int bind_range_function(struct binder *b, const PgQuery__RangeFunction *rf,
                               struct bscope *sc, struct from_item *out)
{
    const PgQuery__Node *item, *call;
    const PgQuery__FuncCall *fc;
    const char *name;
    struct sql_expr *args[SQL_FUNC_MAX_ARGS];
    uint32_t argt[SQL_FUNC_MAX_ARGS], want[SQL_FUNC_MAX_ARGS], ret;
    const struct sql_func *fn;
    struct sql_node *node;
    struct brel *r;
    struct bscope outer = {0};
    int n, nm, ncols;
    if (rf->lateral || rf->is_rowsfrom || rf->n_functions != 1 || rf->n_coldeflist)
        return sql_bind_fail(b, -1, "0A000", "this form of function in FROM (LATERAL, ROWS "
                             "FROM, column definitions) is not supported yet");
    item = rf->functions[0];
    if (item->node_case != PG_QUERY__NODE__NODE_LIST || item->list->n_items < 1 ||
        (call = item->list->items[0])->node_case != PG_QUERY__NODE__NODE_FUNC_CALL)
        return sql_bind_fail(b, -1, "0A000", "only function calls are supported in FROM");
    fc = call->func_call;
    name = fc->n_funcname ? sql_bind_str(fc->funcname[fc->n_funcname - 1]) : NULL;
    n = (int)fc->n_args;
    if (!name || n > SQL_FUNC_MAX_ARGS)
        return sql_bind_fail(b, fc->location, "42883", "function does not exist");
    /* arguments see enclosing queries (correlated) but not this FROM (no LATERAL) */
    outer.parent = sc->parent;
    outer.q = sc->q;
    for (int i = 0; i < n; i++) {
        if (!(args[i] = sql_bind_expr(b, fc->args[i], &outer)))
            return lateral_reference(b, fc->args[i], sc, fc->location);
        argt[i] = args[i]->type;
    }
    fn = sql_func_resolve(name, n, argt, SQL_FN_SRF, want, &ret, &nm);
    if (!fn) {
        /* a scalar function in FROM yields one row: bound as the call in the select list
         * would be, handed to the one-row entry */
        struct sql_expr *bound;
        if (!sql_func_resolve(name, n, argt, SQL_FN_SCALAR, want, &ret, &nm) &&
            !sql_bind_module_func(b, fc))
            return sql_bind_fail(b, fc->location, "0A000", "function %s with these arguments "
                                 "is not supported in FROM yet", name);
        if (!(bound = sql_bind_expr(b, call, &outer)))
            return LW_EINVAL;
        fn = &sql_func_scalar_in_from;
        ret = bound->type;
        args[0] = bound;
        want[0] = bound->type;
        n = 1;
    }
    if (!fn->srf)
        return sql_bind_fail(b, fc->location, "0A000", "function %s over these types is not "
                             "supported yet", name);
    ncols = 1 + (rf->ordinality ? 1 : 0);
    if (!(node = sql_node_new(b->a, SQL_N_SRF, ncols)) ||
        !(node->u.srf.args = lw_arena_alloc(b->a, (size_t)(n + 1) * sizeof *node->u.srf.args)))
        return sql_bind_nomem(b);
    for (int i = 0; i < n; i++)
        if (!(node->u.srf.args[i] = sql_bind_coerce(b, args[i], want[i], false, "argument")))
            return LW_EINVAL;
    node->u.srf.fn = fn;
    node->u.srf.nargs = n;
    node->u.srf.ordinality = rf->ordinality;
    node->types[0] = ret;
    if (rf->ordinality)
        node->types[1] = SQL_OID_INT8;
    if (!(r = rel_new(b, name, NULL, ncols)))
        return LW_ENOMEM;
    r->cols[0] = (struct bcol){.name = name, .type = ret};
    if (rf->ordinality)
        r->cols[1] = (struct bcol){.name = "ordinality", .type = SQL_OID_INT8};
    if (apply_alias(b, r, rf->alias, fc->location) != 0)
        return LW_EINVAL;
    /* a single-column function's alias names its column too (FROM f() AS x) */
    if (rf->alias && rf->alias->n_colnames == 0)
        r->cols[0].name = rf->alias->aliasname;
    if (scope_add(b, sc, r) != 0)
        return LW_EINVAL;
    out->node = node;
    out->scan = NULL;
    return 0;
}

/* Shifts this query's column references in e down by base; a reference to a FROM item
 * outside [base, end) is PostgreSQL's 42P01. Subqueries' own references are untouched
 * (their level-1 references to this row are refused for now: LATERAL-like). */
static int rebase_cols(struct binder *b, struct sql_expr *e, int base, int end)
{
    if (e->kind == SQL_E_COL && e->level == 0) {
        if (e->col < base || e->col >= end)
            return sql_bind_fail(b, e->loc, "42703", "column cannot be referenced from this "
                                 "part of the query (JOIN/ON sees only its join's tables)");
        e->col -= base;
    }
    if (e->kind == SQL_E_SUBLINK && e->sub->correlated)
        return sql_bind_fail(b, e->loc, "0A000", "correlated subqueries in JOIN/ON are not "
                             "supported yet");
    for (int i = 0; i < e->nargs; i++)
        if (rebase_cols(b, e->args[i], base, end) != 0)
            return LW_EINVAL;
    return 0;
}

static int conjuncts(struct binder *b, struct sql_expr *e, struct sql_expr ***out, int *n,
                     int *cap);
static int cmp_of(const struct sql_func *fn);

/* Which side of a join an expression reads: 1 left only, 2 right only, 0 neither (a
 * constant), -1 both or something that must not be moved (subqueries, volatile calls). */
static int side_of(const struct sql_expr *e, int nl)
{
    int side = 0;
    if (e->kind == SQL_E_SUBLINK || e->kind == SQL_E_PARAM ||
        (e->kind == SQL_E_FUNC && e->fn->volatility == SQL_VOL_VOLATILE))
        return -1;
    if (e->kind == SQL_E_COL && e->level == 0)
        return e->col < nl ? 1 : 2;
    for (int i = 0; i < e->nargs; i++) {
        int s = side_of(e->args[i], nl);
        if (s < 0 || (side && s && s != side))
            return -1;
        if (s)
            side = s;
    }
    return side;
}

/* Turns the `left = right` conjuncts of ON into hash-join keys (equality over one type
 * that hashes); the other conjuncts stay in ON. */
static int equi_keys(struct binder *b, struct sql_node *j, int nl)
{
    struct sql_expr **cj = NULL, **rest;
    int n = 0, cap = 0, nrest = 0;
    if (conjuncts(b, j->u.join.on, &cj, &n, &cap) != 0)
        return LW_EINVAL;
    if (!(j->u.join.lkeys = lw_arena_alloc(b->a, (size_t)n * sizeof *j->u.join.lkeys)) ||
        !(j->u.join.rkeys = lw_arena_alloc(b->a, (size_t)n * sizeof *j->u.join.rkeys)) ||
        !(rest = lw_arena_alloc(b->a, (size_t)n * sizeof *rest)))
        return sql_bind_nomem(b);
    for (int i = 0; i < n; i++) {
        struct sql_expr *e = cj[i], *lk, *rk;
        const struct sql_type *t;
        int s0, s1;
        if (e->kind != SQL_E_FUNC || e->nargs != 2 || cmp_of(e->fn) != 0 ||
            e->args[0]->type != e->args[1]->type || !(t = sql_type_get(e->args[0]->type)) ||
            !t->hash || !t->cmp) {
            rest[nrest++] = e;
            continue;
        }
        s0 = side_of(e->args[0], nl);
        s1 = side_of(e->args[1], nl);
        if (s0 == 1 && s1 == 2) {
            lk = e->args[0];
            rk = e->args[1];
        } else if (s0 == 2 && s1 == 1) {
            lk = e->args[1];
            rk = e->args[0];
        } else {
            rest[nrest++] = e;
            continue;
        }
        /* the right key reads the right row on its own: shift its columns */
        if (rebase_cols(b, rk, nl, 1 << 30) != 0)
            return LW_EINVAL;
        j->u.join.lkeys[j->u.join.nkeys] = lk;
        j->u.join.rkeys[j->u.join.nkeys++] = rk;
    }
    if (!j->u.join.nkeys)
        return 0;
    if (nrest == 0) {
        j->u.join.on = NULL;
    } else if (nrest == 1) {
        j->u.join.on = rest[0];
    } else {
        struct sql_expr *and = sql_expr_new(b->a, SQL_E_AND, SQL_OID_BOOL, -1, nrest);
        if (!and)
            return sql_bind_nomem(b);
        memcpy(and->args, rest, (size_t)nrest * sizeof *rest);
        j->u.join.on = and;
    }
    return 0;
}

/* The one column called name among scope rels [from, to) that an unqualified name
 * reaches: 0 with *rel and *col set, or an error (absent: 42703, twice: 42702). */
static int using_column(struct binder *b, struct bscope *sc, int from, int to, const char *name,
                        const char *side, struct brel **rel, int *col)
{
    int hits = 0;
    for (int r = from; r < to; r++)
        for (int c = 0; c < sc->rels[r]->ncols; c++)
            if (sc->rels[r]->cols[c].name && !sc->rels[r]->cols[c].qualified_only &&
                strcmp(sc->rels[r]->cols[c].name, name) == 0) {
                hits++;
                *rel = sc->rels[r];
                *col = c;
            }
    if (hits == 1)
        return 0;
    return sql_bind_fail(b, -1, hits ? "42702" : "42703", hits
                         ? "common column name \"%s\" appears more than once in %s table"
                         : "column \"%s\" specified in USING clause does not exist in %s table",
                         name, side);
}

/* JOIN ... USING (a, b): left.a = right.a AND left.b = right.b, both sides of the rows
 * in the FROM row (rels [rl, rr) left, [rr, nrels) right). An unqualified a then names the
 * left column, which is the merged column of an inner or left join when both sides have
 * one type (PostgreSQL's merged column takes their common type: refused otherwise). */
static struct sql_expr *using_condition(struct binder *b, const PgQuery__JoinExpr *je,
                                        struct bscope *sc, int rl, int rr)
{
    int n = (int)je->n_using_clause;
    struct sql_expr *and = n > 1 ? sql_expr_new(b->a, SQL_E_AND, SQL_OID_BOOL, -1, n) : NULL;
    struct sql_expr *eq = NULL;
    if (n > 1 && !and)
        return sql_bind_nomem(b), NULL;
    for (int i = 0; i < n; i++) {
        const char *name = sql_bind_str(je->using_clause[i]);
        struct brel *lr, *rrel;
        struct sql_expr *le, *re;
        int lc, rc;
        if (!name)
            return sql_bind_fail(b, -1, "42601", "improper USING clause"), NULL;
        for (int k = 0; k < i; k++)
            if (strcmp(sql_bind_str(je->using_clause[k]), name) == 0)
                return sql_bind_fail(b, -1, "42701", "column name \"%s\" appears more than "
                                     "once in USING clause", name), NULL;
        if (using_column(b, sc, rl, rr, name, "left", &lr, &lc) != 0 ||
            using_column(b, sc, rr, sc->nrels, name, "right", &rrel, &rc) != 0)
            return NULL;
        if (lr->cols[lc].type != rrel->cols[rc].type)
            return sql_bind_fail(b, -1, "0A000", "USING columns of different types (%s) are "
                                 "not supported yet; use ON", name), NULL;
        if (!(le = sql_expr_new(b->a, SQL_E_COL, lr->cols[lc].type, -1, 0)) ||
            !(re = sql_expr_new(b->a, SQL_E_COL, rrel->cols[rc].type, -1, 0)))
            return sql_bind_nomem(b), NULL;
        le->col = lr->base + lc;
        re->col = rrel->base + rc;
        if (!(eq = sql_bind_op(b, "=", le, re, -1)))
            return NULL;
        rrel->cols[rc].qualified_only = true;
        if (and)
            and->args[i] = eq;
    }
    return and ? and : eq;
}

static int bind_join(struct binder *b, const PgQuery__JoinExpr *je, struct bscope *sc,
                     struct bquery *q, struct from_item *out)
{
    int jbase, rl, rr;
    struct from_item l, r;
    struct sql_node *node;
    enum sql_join_type jt;
    switch (je->jointype) {
    case PG_QUERY__JOIN_TYPE__JOIN_INNER: jt = SQL_JOIN_INNER; break;
    case PG_QUERY__JOIN_TYPE__JOIN_LEFT: jt = SQL_JOIN_LEFT; break;
    case PG_QUERY__JOIN_TYPE__JOIN_RIGHT: jt = SQL_JOIN_RIGHT; break;
    case PG_QUERY__JOIN_TYPE__JOIN_FULL: jt = SQL_JOIN_FULL; break;
    default: return sql_bind_fail(b, -1, "0A000", "this join type is not supported");
    }
    if (je->is_natural)
        return sql_bind_fail(b, -1, "0A000", "NATURAL joins are not supported yet; use USING "
                             "or ON");
    if (je->n_using_clause && (jt == SQL_JOIN_RIGHT || jt == SQL_JOIN_FULL))
        return sql_bind_fail(b, -1, "0A000", "RIGHT and FULL joins with USING are not "
                             "supported yet; use ON");
    if (je->alias)
        return sql_bind_fail(b, -1, "0A000", "aliases on joins are not supported yet");
    jbase = sc->width;      /* the join's columns are [jbase, sc->width) of the FROM row */
    rl = sc->nrels;
    if (bind_from_item(b, je->larg, sc, q, &l) != 0)
        return LW_EINVAL;
    rr = sc->nrels;
    if (bind_from_item(b, je->rarg, sc, q, &r) != 0)
        return LW_EINVAL;
    if (!(node = sql_node_new(b->a, SQL_N_JOIN, l.node->ncols + r.node->ncols)))
        return sql_bind_nomem(b);
    memcpy(node->types, l.node->types, (size_t)l.node->ncols * sizeof *node->types);
    memcpy(node->types + l.node->ncols, r.node->types, (size_t)r.node->ncols * sizeof *node->types);
    node->child = l.node;
    node->right = r.node;
    node->u.join.type = jt;
    if (je->quals) {
        const char *saved = q->no_agg, *saved_win = q->no_win;
        q->no_agg = q->no_win = "JOIN conditions";
        node->u.join.on = sql_bind_condition(b, je->quals, sc, "JOIN/ON");
        q->no_agg = saved;
        q->no_win = saved_win;
        if (!node->u.join.on)
            return LW_EINVAL;
        /* ON is evaluated over the join's own row, which starts at jbase */
        if (jbase && rebase_cols(b, node->u.join.on, jbase, sc->width) != 0)
            return LW_EINVAL;
        if (equi_keys(b, node, l.node->ncols) != 0)
            return LW_EINVAL;
    } else if (je->n_using_clause) {
        if (!(node->u.join.on = using_condition(b, je, sc, rl, rr)) ||
            (jbase && rebase_cols(b, node->u.join.on, jbase, sc->width) != 0) ||
            equi_keys(b, node, l.node->ncols) != 0)
            return LW_EINVAL;
    }
    out->node = node;
    out->scan = NULL;
    return 0;
}

static int bind_from_item(struct binder *b, const PgQuery__Node *n, struct bscope *sc,
                          struct bquery *q, struct from_item *out)
{
    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_RANGE_VAR: return bind_range_var(b, n->range_var, sc, q, out);
    case PG_QUERY__NODE__NODE_RANGE_SUBSELECT:
        return bind_range_subselect(b, n->range_subselect, sc, out);
    case PG_QUERY__NODE__NODE_RANGE_FUNCTION:
        return bind_range_function(b, n->range_function, sc, out);
    case PG_QUERY__NODE__NODE_JOIN_EXPR: return bind_join(b, n->join_expr, sc, q, out);
    default: return sql_bind_fail(b, -1, "0A000", "this kind of FROM item (%s) is not supported "
                                  "yet", field_name(n));
    }
}

/* --- WHERE pushdown into a table scan -------------------------------------------------- */

static const struct {
    const char *name;
    enum sql_op op, flipped;
} cmp_ops[] = {
    {"=", SQL_OP_EQ, SQL_OP_EQ}, {"<>", SQL_OP_NE, SQL_OP_NE}, {"<", SQL_OP_LT, SQL_OP_GT},
    {"<=", SQL_OP_LE, SQL_OP_GE}, {">", SQL_OP_GT, SQL_OP_LT}, {">=", SQL_OP_GE, SQL_OP_LE},
};

/* The column a scan argument reads, through casts that keep the representation. */
static int scan_column(const struct sql_node *scan, const struct sql_expr *e)
{
    while (e->kind == SQL_E_CAST && sql_vtype_of(e->cast_src) == sql_vtype_of(e->type))
        e = e->args[0];
    if (e->kind != SQL_E_COL || e->level != 0 || e->col >= scan->ncols)
        return -1;
    return e->col;
}

/* A value a scan can compute once, when it starts, to hand the table: a constant, a
 * parameter, or casts and calls of non-volatile scalar functions over those (so that
 * `time > now() - interval '1 hour'` reaches the decision store's WHERE as PostgreSQL would
 * use it for an index scan); never a column, a subquery or random(). */
static bool is_value(const struct sql_expr *e)
{
    switch (e->kind) {
    case SQL_E_CONST:
    case SQL_E_PARAM:
        return e->level == 0;
    case SQL_E_CAST:
        return is_value(e->args[0]);
    case SQL_E_FUNC:
        if (!e->fn || e->fn->kind != SQL_FN_SCALAR || e->fn->volatility == SQL_VOL_VOLATILE)
            return false;
        for (int i = 0; i < e->nargs; i++)
            if (!is_value(e->args[i]))
                return false;
        return true;
    default:
        return false;
    }
}

static bool same_rep(const struct sql_node *scan, int col, const struct sql_expr *v)
{
    return sql_vtype_of(scan->types[col]) == sql_vtype_of(v->type);
}

/* Which comparison a registry function is, by its operator rows. */
static int cmp_of(const struct sql_func *fn)
{
    for (int f = 0; f < sql_func_nfamilies(); f++) {
        const struct sql_func_family *fam = sql_func_family_at(f);
        for (int i = 0; i < fam->nopers; i++)
            if (fam->opers[i].func_oid == fn->oid)
                for (size_t k = 0; k < sizeof cmp_ops / sizeof cmp_ops[0]; k++)
                    if (strcmp(cmp_ops[k].name, fam->opers[i].name) == 0 && fam->opers[i].left)
                        return (int)k;
    }
    return -1;
}

/* Splits e (an AND tree) into conjuncts. */
static int conjuncts(struct binder *b, struct sql_expr *e, struct sql_expr ***out, int *n, int *cap)
{
    if (e->kind == SQL_E_AND) {
        for (int i = 0; i < e->nargs; i++)
            if (conjuncts(b, e->args[i], out, n, cap) != 0)
                return LW_EINVAL;
        return 0;
    }
    if (*n == *cap) {
        int nc = *cap ? *cap * 2 : 8;
        struct sql_expr **na = lw_arena_alloc(b->a, (size_t)nc * sizeof *na);
        if (!na)
            return sql_bind_nomem(b);
        if (*n)
            memcpy(na, *out, (size_t)*n * sizeof *na);
        *out = na;
        *cap = nc;
    }
    (*out)[(*n)++] = e;
    return 0;
}

/* The columns of this query's row e reads, [*lo, *hi] (*hi -1: none). False when e must
 * stay where it is: a subquery, a parameter, a volatile call or an outer query's column. */
static bool movable_cols(const struct sql_expr *e, int *lo, int *hi)
{
    if (e->kind == SQL_E_SUBLINK || e->kind == SQL_E_PARAM ||
        (e->kind == SQL_E_FUNC && e->fn->volatility == SQL_VOL_VOLATILE) ||
        (e->kind == SQL_E_COL && e->level != 0))
        return false;
    if (e->kind == SQL_E_COL) {
        if (*hi < 0 || e->col < *lo)
            *lo = e->col;
        if (e->col > *hi)
            *hi = e->col;
    }
    for (int i = 0; i < e->nargs; i++)
        if (!movable_cols(e->args[i], lo, hi))
            return false;
    return true;
}

/* A and b as one condition (a may be NULL). */
static struct sql_expr *and_of(struct binder *b, struct sql_expr *a, struct sql_expr *e)
{
    struct sql_expr *and;
    if (!a)
        return e;
    if (!(and = sql_expr_new(b->a, SQL_E_AND, SQL_OID_BOOL, -1, 2)))
        return sql_bind_nomem(b), NULL;
    and->args[0] = a;
    and->args[1] = e;
    return and;
}

/* Joins whose ON grew from WHERE and had no hash keys: equi_keys looks at them again. */
struct rekey {
    struct sql_node **j;
    int n, cap;
};

static int rekey_add(struct binder *b, struct rekey *rk, struct sql_node *j)
{
    for (int i = 0; i < rk->n; i++)
        if (rk->j[i] == j)
            return 0;
    if (rk->n == rk->cap) {
        int nc = rk->cap ? rk->cap * 2 : 4;
        struct sql_node **nj = lw_arena_alloc(b->a, (size_t)nc * sizeof *nj);
        if (!nj)
            return sql_bind_nomem(b);
        if (rk->n)
            memcpy(nj, rk->j, (size_t)rk->n * sizeof *nj);
        rk->j = nj;
        rk->cap = nc;
    }
    rk->j[rk->n++] = j;
    return 0;
}

/* Moves WHERE conjunct e, reading columns [lo, hi] of the row *slot makes, as far down the
 * join tree as its meaning allows: into the left input of an inner or left join when it
 * reads only that side, the right input of an inner or right join likewise (its columns
 * shifted), into the ON of the inner join whose two sides it reads (where equalities
 * become hash keys, as PostgreSQL plans `FROM a, b WHERE a.x = b.y`), else as a filter right
 * above the join it stopped at. *moved false: e stays in WHERE (nothing below helps). */
static int sink_conjunct(struct binder *b, struct sql_node **slot, struct sql_expr *e, int lo,
                         int hi, struct rekey *rk, bool *moved)
{
    struct sql_node *n, *f;
    bool down = false;
    for (;; down = true) {
        n = *slot;
        if (n->kind == SQL_N_FILTER) {
            slot = &n->child;
        } else if (n->kind == SQL_N_JOIN && hi >= 0 && hi < n->child->ncols &&
                   (n->u.join.type == SQL_JOIN_INNER || n->u.join.type == SQL_JOIN_LEFT)) {
            slot = &n->child;
        } else if (n->kind == SQL_N_JOIN && hi >= 0 && lo >= n->child->ncols &&
                   (n->u.join.type == SQL_JOIN_INNER || n->u.join.type == SQL_JOIN_RIGHT)) {
            if (rebase_cols(b, e, n->child->ncols, n->ncols) != 0)
                return LW_EINVAL;
            lo -= n->child->ncols;
            hi -= n->child->ncols;
            slot = &n->right;
        } else {
            break;
        }
    }
    *moved = false;
    if (n->kind == SQL_N_JOIN && n->u.join.type == SQL_JOIN_INNER && hi >= 0) {
        if (!(n->u.join.on = and_of(b, n->u.join.on, e)))
            return LW_EINVAL;
        *moved = true;
        return n->u.join.nkeys ? 0 : rekey_add(b, rk, n);
    }
    if (!down)
        return 0;
    if (!(f = sql_node_new(b->a, SQL_N_FILTER, n->ncols)))
        return sql_bind_nomem(b);
    memcpy(f->types, n->types, (size_t)n->ncols * sizeof *f->types);
    f->child = n;
    f->u.filter.pred = e;
    *slot = f;
    *moved = true;
    return 0;
}

/* WHERE over joins (FROM a, b or a JOIN b): each conjunct sinks as far as it can
 * (sink_conjunct); what cannot move stays in *where. */
static int push_where_into_joins(struct binder *b, struct sql_node **plan,
                                 struct sql_expr **where)
{
    struct sql_expr **cj = NULL, *rest = NULL;
    struct rekey rk = {0};
    int n = 0, cap = 0;
    if ((*plan)->kind != SQL_N_JOIN)
        return 0;
    if (conjuncts(b, *where, &cj, &n, &cap) != 0)
        return LW_EINVAL;
    for (int i = 0; i < n; i++) {
        int lo = 0, hi = -1;
        bool moved = false;
        if (movable_cols(cj[i], &lo, &hi) &&
            sink_conjunct(b, plan, cj[i], lo, hi, &rk, &moved) != 0)
            return LW_EINVAL;
        if (!moved && !(rest = and_of(b, rest, cj[i])))
            return LW_EINVAL;
    }
    for (int i = 0; i < rk.n; i++)
        if (equi_keys(b, rk.j[i], rk.j[i]->child->ncols) != 0)
            return LW_EINVAL;
    *where = rest;
    return 0;
}

/* Turns the WHERE conjuncts a table can see into constraints; the rest stay a re-check. */
static int push_where(struct binder *b, struct sql_node *scan, struct sql_expr *where)
{
    struct sql_expr **cj = NULL, **rest;
    int n = 0, cap = 0, nrest = 0;
    if (conjuncts(b, where, &cj, &n, &cap) != 0)
        return LW_EINVAL;
    if (!(scan->u.scan.cons = lw_arena_alloc(b->a, (size_t)(n + 1) * sizeof *scan->u.scan.cons)) ||
        !(rest = lw_arena_alloc(b->a, (size_t)(n + 1) * sizeof *rest)))
        return sql_bind_nomem(b);
    for (int i = 0; i < n; i++) {
        struct sql_expr *e = cj[i];
        struct sql_scan_cons *c = &scan->u.scan.cons[scan->u.scan.ncons];
        int col, k;
        c->pred = e;
        if (e->kind == SQL_E_FUNC && e->nargs == 2 && (k = cmp_of(e->fn)) >= 0) {
            if ((col = scan_column(scan, e->args[0])) >= 0 && is_value(e->args[1]) &&
                same_rep(scan, col, e->args[1])) {
                *c = (struct sql_scan_cons){col, cmp_ops[k].op, e->args[1], e};
                scan->u.scan.ncons++;
                continue;
            }
            if ((col = scan_column(scan, e->args[1])) >= 0 && is_value(e->args[0]) &&
                same_rep(scan, col, e->args[0])) {
                *c = (struct sql_scan_cons){col, cmp_ops[k].flipped, e->args[0], e};
                scan->u.scan.ncons++;
                continue;
            }
        }
        if (e->kind == SQL_E_NULLTEST && (col = scan_column(scan, e->args[0])) >= 0) {
            *c = (struct sql_scan_cons){col, e->flag ? SQL_OP_ISNOTNULL : SQL_OP_ISNULL, NULL, e};
            scan->u.scan.ncons++;
            continue;
        }
        if (e->kind == SQL_E_IN && !e->flag && (col = scan_column(scan, e->args[0])) >= 0) {
            bool ok = true;
            for (int a = 1; a < e->nargs && ok; a++)
                ok = is_value(e->args[a]) && same_rep(scan, col, e->args[a]);
            if (ok) {
                struct sql_expr *arr = sql_expr_new(b->a, SQL_E_ARRAY, 0, e->loc, e->nargs - 1);
                const struct sql_type *t = sql_type_get(e->args[1]->type);
                if (!arr)
                    return sql_bind_nomem(b);
                arr->type = t && t->array_oid ? t->array_oid : SQL_OID_TEXT_ARRAY;
                for (int a = 1; a < e->nargs; a++)
                    arr->args[a - 1] = e->args[a];
                *c = (struct sql_scan_cons){col, SQL_OP_IN, arr, e};
                scan->u.scan.ncons++;
                continue;
            }
        }
        rest[nrest++] = e;
    }
    if (nrest == 1) {
        scan->u.scan.recheck = rest[0];
    } else if (nrest > 1) {
        struct sql_expr *and = sql_expr_new(b->a, SQL_E_AND, SQL_OID_BOOL, -1, nrest);
        if (!and)
            return sql_bind_nomem(b);
        memcpy(and->args, rest, (size_t)nrest * sizeof *rest);
        scan->u.scan.recheck = and;
    }
    /* the value expressions of IS NULL constraints are unused; give filter a NULL */
    for (int i = 0; i < scan->u.scan.ncons; i++)
        if (!scan->u.scan.cons[i].value &&
            !(scan->u.scan.cons[i].value = sql_expr_new(b->a, SQL_E_CONST, SQL_OID_UNKNOWN, -1, 0)))
            return sql_bind_nomem(b);
    return 0;
}

/* Marks the table columns an expression tree reads. */
static void mark_used(const struct sql_expr *e, uint64_t *used, int base, int ncols)
{
    if (!e)
        return;
    if (e->kind == SQL_E_SUBLINK && e->sub->correlated) {
        *used = ~0ull;      /* what the subquery reads of this row is not tracked */
        return;
    }
    if (e->kind == SQL_E_COL && e->level == 0 && e->col >= base && e->col < base + ncols) {
        int c = e->col - base;
        *used |= 1ull << (c < 63 ? c : 63);
    }
    for (int i = 0; i < e->nargs; i++)
        mark_used(e->args[i], used, base, ncols);
}

/* Columns read of a FROM row wider than a bitmask: used[c] for column c, each expression
 * over the row that starts at `base` (a join's inputs see parts of the FROM row). */
static void mark_row(const struct sql_expr *e, bool *used, int base, int width)
{
    if (!e)
        return;
    if (e->kind == SQL_E_SUBLINK && e->sub->correlated) {
        memset(used, 1, (size_t)width);     /* what the subquery reads is not tracked */
        return;
    }
    if (e->kind == SQL_E_COL && e->level == 0 && base + e->col < width)
        used[base + e->col] = true;
    for (int i = 0; i < e->nargs; i++)
        mark_row(e->args[i], used, base, width);
}

/* What the joins and filters of a FROM tree read themselves (their ON, keys, predicates). */
static void mark_tree(const struct sql_node *n, bool *used, int base, int width)
{
    if (n->kind == SQL_N_FILTER) {
        mark_row(n->u.filter.pred, used, base, width);
        mark_tree(n->child, used, base, width);
    } else if (n->kind == SQL_N_JOIN) {
        mark_row(n->u.join.on, used, base, width);
        for (int k = 0; k < n->u.join.nkeys; k++) {
            mark_row(n->u.join.lkeys[k], used, base, width);
            mark_row(n->u.join.rkeys[k], used, base + n->child->ncols, width);
        }
        mark_tree(n->child, used, base, width);
        mark_tree(n->right, used, base + n->child->ncols, width);
    }
}

/* Tells each table scan of a FROM tree the columns anything reads (the record column of
 * lakeward.decisions is costly to produce; a join would otherwise copy every column). */
static void set_scan_cols(struct sql_node *n, const bool *used, int base)
{
    if (n->kind == SQL_N_FILTER) {
        set_scan_cols(n->child, used, base);
    } else if (n->kind == SQL_N_JOIN) {
        set_scan_cols(n->child, used, base);
        set_scan_cols(n->right, used, base + n->child->ncols);
    } else if (n->kind == SQL_N_SCAN) {
        n->u.scan.cols_used = 0;
        for (int c = 0; c < n->ncols; c++)
            if (used[base + c])
                n->u.scan.cols_used |= 1ull << (c < 63 ? c : 63);
    }
}

/* --- GROUP BY rewriting --------------------------------------------------------------- */

struct grouping {
    int ngroup;
    struct sql_expr **group;
    struct bscope *sc;
};

static const char *col_label(struct bscope *sc, int col, char *buf, size_t cap)
{
    for (int r = 0; r < sc->nrels; r++) {
        const struct brel *br = sc->rels[r];
        if (col >= br->base && col < br->base + br->ncols) {
            snprintf(buf, cap, "%s.%s", br->name, br->cols[col - br->base].name);
            return buf;
        }
    }
    snprintf(buf, cap, "?");
    return buf;
}

static bool has_sublink(const struct sql_expr *e)
{
    if (e->kind == SQL_E_SUBLINK)
        return true;
    for (int i = 0; i < e->nargs; i++)
        if (has_sublink(e->args[i]))
            return true;
    return false;
}

/* Rewrites e (bound over the FROM row) to read the aggregate's output row: group
 * expressions become its first columns, aggregate references the ones after. */
static struct sql_expr *regroup(struct binder *b, struct sql_expr *e, const struct grouping *g)
{
    for (int k = 0; k < g->ngroup; k++)
        if (sql_expr_equal(e, g->group[k])) {
            struct sql_expr *c = sql_expr_new(b->a, SQL_E_COL, e->type, e->loc, 0);
            if (!c)
                return sql_bind_nomem(b), NULL;
            c->col = k;
            return c;
        }
    if (e->kind == SQL_E_AGGREF) {
        struct sql_expr *c = sql_expr_new(b->a, SQL_E_COL, e->type, e->loc, 0);
        if (!c)
            return sql_bind_nomem(b), NULL;
        c->col = g->ngroup + e->col;
        return c;
    }
    if (e->kind == SQL_E_COL && e->level == 0) {
        char label[160];
        return sql_bind_fail(b, e->loc, "42803", "column \"%s\" must appear in the GROUP BY "
                             "clause or be used in an aggregate function",
                             col_label(g->sc, e->col, label, sizeof label)), NULL;
    }
    if (e->kind == SQL_E_SUBLINK && e->sub->correlated)
        return sql_bind_fail(b, e->loc, "0A000", "correlated subqueries in an aggregated query "
                             "are not supported yet"), NULL;
    /* two subqueries never compare equal here, so one grouped by cannot be found again */
    if (e->kind == SQL_E_SUBLINK)
        for (int k = 0; k < g->ngroup; k++)
            if (has_sublink(g->group[k]))
                return sql_bind_fail(b, e->loc, "0A000", "a subquery in GROUP BY is not "
                                     "supported yet"), NULL;
    if (e->nargs) {
        struct sql_expr *c = sql_expr_new(b->a, e->kind, e->type, e->loc, 0);
        if (!c)
            return sql_bind_nomem(b), NULL;
        *c = *e;
        if (!(c->args = lw_arena_alloc(b->a, (size_t)e->nargs * sizeof *c->args)))
            return sql_bind_nomem(b), NULL;
        for (int i = 0; i < e->nargs; i++)
            if (!(c->args[i] = regroup(b, e->args[i], g)))
                return NULL;
        return c;
    }
    return e;
}

/* Window references become columns of the window operator's output (after its input's). */
static void wire_winrefs(struct sql_expr *e, int base)
{
    if (e->kind == SQL_E_WINREF) {
        e->kind = SQL_E_COL;
        e->col = base + e->col;
        e->level = 0;
        return;
    }
    for (int i = 0; i < e->nargs; i++)
        wire_winrefs(e->args[i], base);
}

/* --- the select list, ORDER BY -------------------------------------------------------- */

struct targets {
    int n, cap, nvisible;
    struct sql_expr **exprs;
    const char **names;
};

static int target_add(struct binder *b, struct targets *t, struct sql_expr *e, const char *name)
{
    if (t->n == t->cap) {
        int nc = t->cap ? t->cap * 2 : 16;
        struct sql_expr **ne = lw_arena_alloc(b->a, (size_t)nc * sizeof *ne);
        const char **nn = lw_arena_alloc(b->a, (size_t)nc * sizeof *nn);
        if (!ne || !nn)
            return sql_bind_nomem(b);
        if (t->n) {
            memcpy(ne, t->exprs, (size_t)t->n * sizeof *ne);
            memcpy(nn, t->names, (size_t)t->n * sizeof *nn);
        }
        t->exprs = ne;
        t->names = nn;
        t->cap = nc;
    }
    if (t->n >= 1664)
        return sql_bind_fail(b, -1, "54011", "target lists can have at most 1664 entries");
    t->exprs[t->n] = e;
    t->names[t->n++] = name;
    return 0;
}

static int expand_star(struct binder *b, struct bscope *sc, const char *rel, int loc,
                       struct targets *t)
{
    bool any = false;
    if (!sc->nrels && !rel)
        return sql_bind_fail(b, loc, "42601", "SELECT * with no tables specified is not valid");
    for (int r = 0; r < sc->nrels && !rel; r++)
        for (int c = 0; c < sc->rels[r]->ncols; c++)
            if (sc->rels[r]->cols[c].qualified_only)
                /* PostgreSQL lists the merged USING columns first */
                return sql_bind_fail(b, loc, "0A000", "* over a USING join is not supported "
                                     "yet; name the columns");
    for (int r = 0; r < sc->nrels; r++) {
        const struct brel *br = sc->rels[r];
        if (rel && strcmp(br->name, rel) != 0)
            continue;
        any = true;
        for (int c = 0; c < br->ncols; c++) {
            struct sql_expr *e;
            if (br->cols[c].hidden)
                continue;
            if (!(e = sql_expr_new(b->a, SQL_E_COL, br->cols[c].type, loc, 0)))
                return sql_bind_nomem(b);
            e->col = br->base + c;
            if (target_add(b, t, e, br->cols[c].name) != 0)
                return LW_EINVAL;
        }
    }
    if (!any)
        return sql_bind_fail(b, loc, "42P01", "missing FROM-clause entry for table \"%s\"", rel);
    return 0;
}

static int bind_targets(struct binder *b, const PgQuery__SelectStmt *s, struct bscope *sc,
                        struct targets *t)
{
    for (size_t i = 0; i < s->n_target_list; i++) {
        const PgQuery__Node *tn = s->target_list[i];
        const PgQuery__ResTarget *rt;
        struct sql_expr *e;
        if (tn->node_case != PG_QUERY__NODE__NODE_RES_TARGET)
            return sql_bind_fail(b, -1, "XX000", "unexpected select list item");
        rt = tn->res_target;
        if (rt->n_indirection)
            return sql_bind_fail(b, rt->location, "0A000", "subscripts in the select list are "
                                 "not supported yet");
        if (rt->val && rt->val->node_case == PG_QUERY__NODE__NODE_COLUMN_REF) {
            const PgQuery__ColumnRef *cr = rt->val->column_ref;
            if (cr->n_fields && cr->fields[cr->n_fields - 1]->node_case ==
                                    PG_QUERY__NODE__NODE_A_STAR) {
                if (cr->n_fields > 2)
                    return sql_bind_fail(b, cr->location, "0A000", "schema-qualified * is not "
                                         "supported yet");
                if (expand_star(b, sc, cr->n_fields == 2 ? sql_bind_str(cr->fields[0]) : NULL,
                                cr->location, t) != 0)
                    return LW_EINVAL;
                continue;
            }
        }
        if (!(e = sql_bind_expr(b, rt->val, sc)))
            return LW_EINVAL;
        if (target_add(b, t, e, rt->name && *rt->name ? rt->name : sql_bind_colname(rt->val)) != 0)
            return LW_EINVAL;
    }
    t->nvisible = t->n;
    return 0;
}

/* An ORDER BY / GROUP BY / DISTINCT ON item: a position, an output name, or an expression
 * (added as a hidden target when not in the list). Returns the target index or -1. */
static int resolve_item(struct binder *b, const PgQuery__Node *n, struct bscope *sc,
                        struct targets *t, const char *clause, bool add)
{
    struct sql_expr *e;
    if (n->node_case == PG_QUERY__NODE__NODE_A_CONST &&
        n->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
        int k = n->a_const->ival ? n->a_const->ival->ival : 0;
        if (k < 1 || k > t->nvisible)
            return sql_bind_fail(b, n->a_const->location, "42P10", "%s position %d is not in "
                                 "select list", clause, k), -1;
        return k - 1;
    }
    if (n->node_case == PG_QUERY__NODE__NODE_COLUMN_REF && n->column_ref->n_fields == 1) {
        const char *name = sql_bind_str(n->column_ref->fields[0]);
        int found = -1;
        for (int k = 0; name && k < t->nvisible; k++)
            if (strcmp(t->names[k], name) == 0) {
                if (found >= 0 && !sql_expr_equal(t->exprs[found], t->exprs[k]))
                    return sql_bind_fail(b, n->column_ref->location, "42702", "%s \"%s\" is "
                                         "ambiguous", clause, name), -1;
                found = k;
            }
        if (found >= 0)
            return found;
    }
    if (!(e = sql_bind_expr(b, n, sc)))
        return -1;
    for (int k = 0; k < t->n; k++)
        if (sql_expr_equal(t->exprs[k], e))
            return k;
    if (!add)
        return -2;
    if (target_add(b, t, e, "?sort?") != 0)
        return -1;
    return t->n - 1;
}

/* --- SELECT --------------------------------------------------------------------------- */

struct selout {
    struct sql_node *plan;
    int ncols;
    const char **names;
    uint32_t *types;
};

static int bind_select_into(struct binder *b, const PgQuery__SelectStmt *s, struct bscope *parent,
                            struct bquery *parentq, struct bquery *withq, struct selout *out,
                            bool *correlated);

static bool has_node(const struct sql_node *n, enum sql_node_kind k)
{
    for (; n; n = n->child)
        if (n->kind == k || (n->right && has_node(n->right, k)))
            return true;
    return false;
}

/* WITH RECURSIVE name AS (non-recursive UNION [ALL] recursive): the first term fixes the
 * columns; the second is bound with name meaning the previous round's rows. */
static int bind_recursive(struct binder *b, const PgQuery__CommonTableExpr *ct,
                          struct bscope *parent, struct bquery *q, struct bcte *c)
{
    const PgQuery__SelectStmt *u = ct->ctequery->select_stmt;
    struct selout l, r;
    struct sql_node *node;
    bool corr = false;
    if (!u->larg || !u->rarg || u->n_sort_clause || u->limit_count || u->limit_offset ||
        u->with_clause)
        return sql_bind_fail(b, ct->location, "0A000", "this form of recursive query is not "
                             "supported yet");
    b->setop_branch = false;
    if (bind_select_into(b, u->larg, parent, q->parent, q, &l, &corr) != 0)
        return LW_EINVAL;
    for (int k = 0; k < l.ncols; k++)
        if (l.types[k] == SQL_OID_UNKNOWN)
            l.types[k] = SQL_OID_TEXT;
    if ((int)ct->n_aliascolnames > l.ncols)
        return sql_bind_fail(b, ct->location, "42P10", "WITH query \"%s\" has %d columns "
                             "available but %d columns specified", ct->ctename, l.ncols,
                             (int)ct->n_aliascolnames);
    for (size_t k = 0; k < ct->n_aliascolnames; k++)
        l.names[k] = sql_bind_str(ct->aliascolnames[k]);
    if (!(c->wt = sql_worktable_new(b->a)))
        return sql_bind_nomem(b);
    c->name = ct->ctename;
    c->ncols = l.ncols;
    c->names = l.names;
    c->types = l.types;
    c->next = q->ctes;
    q->ctes = c;
    if (bind_select_into(b, u->rarg, parent, q->parent, q, &r, &corr) != 0)
        return LW_EINVAL;
    if (corr)
        return sql_bind_fail(b, ct->location, "0A000", "correlated WITH queries are not "
                             "supported yet");
    if (has_node(r.plan, SQL_N_AGG))
        return sql_bind_fail(b, ct->location, "42P19", "aggregate functions are not allowed in "
                             "a recursive query's recursive term");
    if (r.ncols != l.ncols)
        return sql_bind_fail(b, ct->location, "42601", "each UNION query must have the same "
                             "number of columns");
    for (int k = 0; k < l.ncols; k++)
        if (r.types[k] != l.types[k])
            return sql_bind_fail(b, ct->location, "42804", "recursive query \"%s\" column %d "
                                 "has type %s in non-recursive term but type %s overall",
                                 ct->ctename, k + 1, sql_type_get(l.types[k])->sql_name,
                                 sql_type_get(r.types[k]) ? sql_type_get(r.types[k])->sql_name
                                                          : "unknown");
    if (!(node = sql_node_new(b->a, SQL_N_RECURSIVE, l.ncols)))
        return sql_bind_nomem(b);
    memcpy(node->types, l.types, (size_t)l.ncols * sizeof *node->types);
    node->child = l.plan;
    node->right = r.plan;
    node->u.recursive.wt = c->wt;
    node->u.recursive.all = u->all;
    if (!(c->m = sql_material_new(b->a, node)))
        return sql_bind_nomem(b);
    c->wt = NULL;       /* from here on, name means the whole result */
    return 0;
}

static int bind_ctes(struct binder *b, const PgQuery__WithClause *w, struct bscope *parent,
                     struct bquery *q)
{
    for (size_t i = 0; i < w->n_ctes; i++) {
        const PgQuery__CommonTableExpr *ct = w->ctes[i]->common_table_expr;
        struct selout so;
        struct bcte *c;
        bool corr = false;
        if (w->ctes[i]->node_case != PG_QUERY__NODE__NODE_COMMON_TABLE_EXPR || !ct->ctequery ||
            ct->ctequery->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
            return sql_bind_fail(b, w->location, "25006", "lakeward is read-only: only SELECT "
                                 "is accepted in WITH");
        /* one list may not name two queries alike (an inner WITH may shadow an outer) */
        for (size_t k = 0; k < i; k++)
            if (strcmp(w->ctes[k]->common_table_expr->ctename, ct->ctename) == 0)
                return sql_bind_fail(b, ct->location, "42712", "WITH query name \"%s\" "
                                     "specified more than once", ct->ctename);
        if (w->recursive && ct->ctequery->select_stmt->op == PG_QUERY__SET_OPERATION__SETOP_UNION) {
            if (!(c = lw_arena_alloc(b->a, sizeof *c)))
                return sql_bind_nomem(b);
            memset(c, 0, sizeof *c);
            if (bind_recursive(b, ct, parent, q, c) != 0)
                return LW_EINVAL;
            continue;
        }
        if (bind_select_into(b, ct->ctequery->select_stmt, parent, q->parent, q, &so, &corr) != 0)
            return LW_EINVAL;
        if (corr)
            return sql_bind_fail(b, ct->location, "0A000", "correlated WITH queries are not "
                                 "supported yet");
        if (!(c = lw_arena_alloc(b->a, sizeof *c)) || !(c->m = sql_material_new(b->a, so.plan)))
            return sql_bind_nomem(b);
        c->wt = NULL;
        if ((int)ct->n_aliascolnames > so.ncols)
            return sql_bind_fail(b, ct->location, "42P10", "WITH query \"%s\" has %d columns "
                                 "available but %d columns specified", ct->ctename, so.ncols,
                                 (int)ct->n_aliascolnames);
        for (size_t k = 0; k < ct->n_aliascolnames; k++)
            so.names[k] = sql_bind_str(ct->aliascolnames[k]);
        c->name = ct->ctename;
        c->ncols = so.ncols;
        c->names = so.names;
        c->types = so.types;
        c->next = q->ctes;
        q->ctes = c;
    }
    return 0;
}

static int bind_values(struct binder *b, const PgQuery__SelectStmt *s, struct selout *out)
{
    int nrows = (int)s->n_values_lists, ncols = -1;
    struct sql_node *node;
    struct sql_expr ***rows;
    if (!(rows = lw_arena_alloc(b->a, (size_t)nrows * sizeof *rows)))
        return sql_bind_nomem(b);
    for (int r = 0; r < nrows; r++) {
        const PgQuery__Node *ln = s->values_lists[r];
        const PgQuery__List *l = ln->node_case == PG_QUERY__NODE__NODE_LIST ? ln->list : NULL;
        if (!l)
            return sql_bind_fail(b, -1, "42601", "improper VALUES list");
        if (ncols >= 0 && (int)l->n_items != ncols)
            return sql_bind_fail(b, -1, "42601", "VALUES lists must all be the same length");
        ncols = (int)l->n_items;
        if (!(rows[r] = lw_arena_alloc(b->a, (size_t)(ncols + 1) * sizeof *rows[r])))
            return sql_bind_nomem(b);
        for (int c = 0; c < ncols; c++)
            if (!(rows[r][c] = sql_bind_expr(b, l->items[c], NULL)))
                return LW_EINVAL;
    }
    if (!(node = sql_node_new(b->a, SQL_N_VALUES, ncols)) ||
        !(out->names = lw_arena_alloc(b->a, (size_t)(ncols + 1) * sizeof *out->names)))
        return sql_bind_nomem(b);
    for (int c = 0; c < ncols; c++) {
        struct sql_expr **col = lw_arena_alloc(b->a, (size_t)nrows * sizeof *col);
        uint32_t t;
        char name[24];
        if (!col)
            return sql_bind_nomem(b);
        for (int r = 0; r < nrows; r++)
            col[r] = rows[r][c];
        if (!(t = sql_bind_common_type(b, col, nrows, "VALUES")))
            return LW_EINVAL;
        for (int r = 0; r < nrows; r++)
            if (!(rows[r][c] = sql_bind_coerce(b, rows[r][c], t, false, "VALUES")))
                return LW_EINVAL;
        node->types[c] = t;
        snprintf(name, sizeof name, "column%d", c + 1);
        if (!(out->names[c] = sql_bind_strdup(b, name)))
            return LW_ENOMEM;
    }
    node->u.values.nrows = nrows;
    node->u.values.rows = rows;
    out->plan = node;
    out->ncols = ncols;
    out->types = node->types;
    return 0;
}

/* A LIMIT or OFFSET argument, evaluated once per execution (per outer row when correlated):
 * as in PostgreSQL, names resolve in the query's whole scope, but its own columns (even
 * from a subquery inside the argument) are 42P10 and aggregates 42803; an enclosing query's
 * column is allowed. sc has no relations (a set operation's result) or is NULL (top level). */
static struct sql_expr *bind_limit_arg(struct binder *b, const PgQuery__Node *n,
                                       const struct bscope *sc, const char *what)
{
    struct bscope lim = {0};
    struct sql_expr *e;
    const char *saved_agg, *saved_win;
    if (!sc)
        return sql_bind_expr(b, n, NULL);
    lim = *sc;
    lim.no_vars = what;
    saved_agg = lim.q->no_agg;
    saved_win = lim.q->no_win;
    lim.q->no_agg = lim.q->no_win = what;
    e = sql_bind_expr(b, n, &lim);
    lim.q->no_agg = saved_agg;
    lim.q->no_win = saved_win;
    return e;
}

/* ORDER BY and LIMIT on top of a finished plan whose outputs are names/types. */
static int bind_sort_limit(struct binder *b, const PgQuery__SelectStmt *s, struct bscope *sc,
                           struct targets *t, struct sql_node **plan, const struct grouping *g)
{
    struct sql_node *node;
    (void)g;
    if (s->n_sort_clause) {
        if (!(node = sql_node_new(b->a, SQL_N_SORT, (*plan)->ncols)) ||
            !(node->u.sort.keys = lw_arena_alloc(b->a, s->n_sort_clause * sizeof *node->u.sort.keys)))
            return sql_bind_nomem(b);
        (void)sc;
        memcpy(node->types, (*plan)->types, (size_t)(*plan)->ncols * sizeof *node->types);
        node->child = *plan;
        *plan = node;
    }
    if (s->limit_option == PG_QUERY__LIMIT_OPTION__LIMIT_OPTION_WITH_TIES)
        return sql_bind_fail(b, -1, "0A000", "FETCH ... WITH TIES is not supported yet");
    if (s->limit_count || s->limit_offset) {
        struct sql_expr *cnt = NULL, *off = NULL;
        if ((s->limit_count && !(cnt = bind_limit_arg(b, s->limit_count, sc, "LIMIT"))) ||
            (s->limit_offset && !(off = bind_limit_arg(b, s->limit_offset, sc, "OFFSET"))))
            return LW_EINVAL;
        if ((cnt && !(cnt = sql_bind_coerce(b, cnt, SQL_OID_INT8, false, "argument of LIMIT"))) ||
            (off && !(off = sql_bind_coerce(b, off, SQL_OID_INT8, false, "argument of OFFSET"))))
            return LW_EINVAL;
        if (!(node = sql_node_new(b->a, SQL_N_LIMIT, (*plan)->ncols)))
            return sql_bind_nomem(b);
        memcpy(node->types, (*plan)->types, (size_t)(*plan)->ncols * sizeof *node->types);
        node->child = *plan;
        node->u.limit.count = cnt;
        node->u.limit.offset = off;
        *plan = node;
    }
    (void)t;
    return 0;
}

static int fill_sort_keys(struct binder *b, const PgQuery__SelectStmt *s, struct sql_node *sort,
                          const int *keys)
{
    for (size_t i = 0; i < s->n_sort_clause; i++) {
        const PgQuery__SortBy *sb = s->sort_clause[i]->sort_by;
        struct sql_sort_key *k = &sort->u.sort.keys[i];
        const struct sql_type *ty;
        k->col = keys[i];
        k->type = sort->types[k->col];
        k->desc = sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_DESC;
        k->nulls_first = sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_FIRST ? true
                         : sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_LAST ? false
                                                                                          : k->desc;
        ty = sql_type_get(k->type);
        if (k->type != SQL_OID_UNKNOWN && (!ty || !ty->cmp))
            return sql_bind_fail(b, sb->location, "42883", "could not identify an ordering "
                                 "operator for type %s", ty ? ty->sql_name : "unknown");
        sort->u.sort.nkeys++;
    }
    return 0;
}

/* A set operation; q is its own query (its WITH list), the branches' correlation chain
 * starts at q->parent like the scope chain at parent. */
static int bind_setop(struct binder *b, const PgQuery__SelectStmt *s, struct bscope *parent,
                      struct bquery *q, struct selout *out, bool *correlated)
{
    struct selout l, r;
    struct sql_node *node, *plan;
    struct targets t = {0};
    struct bscope limsc = {0};
    int *keys = NULL;
    const char *what = s->op == PG_QUERY__SET_OPERATION__SETOP_UNION       ? "UNION"
                       : s->op == PG_QUERY__SET_OPERATION__SETOP_INTERSECT ? "INTERSECT"
                                                                           : "EXCEPT";
    if (!s->larg || !s->rarg)
        return sql_bind_fail(b, -1, "42601", "improper %s", what);
    b->setop_branch = true;
    if (bind_select_into(b, s->larg, parent, q->parent, q, &l, correlated) != 0)
        return LW_EINVAL;
    b->setop_branch = true;
    if (bind_select_into(b, s->rarg, parent, q->parent, q, &r, correlated) != 0)
        return LW_EINVAL;
    if (l.ncols != r.ncols)
        return sql_bind_fail(b, -1, "42601", "each %s query must have the same number of "
                             "columns", what);
    if (!(node = sql_node_new(b->a, SQL_N_SETOP, l.ncols)))
        return sql_bind_nomem(b);
    /* column types: the common type of both sides, each side cast through a projection */
    {
        struct sql_expr **lx = lw_arena_alloc(b->a, (size_t)(l.ncols + 1) * sizeof *lx);
        struct sql_expr **rx = lw_arena_alloc(b->a, (size_t)(l.ncols + 1) * sizeof *rx);
        bool lcast = false, rcast = false;
        if (!lx || !rx)
            return sql_bind_nomem(b);
        for (int c = 0; c < l.ncols; c++) {
            struct sql_expr *pair[2];
            uint32_t ty;
            if (!(lx[c] = sql_expr_new(b->a, SQL_E_COL, l.types[c], -1, 0)) ||
                !(rx[c] = sql_expr_new(b->a, SQL_E_COL, r.types[c], -1, 0)))
                return sql_bind_nomem(b);
            lx[c]->col = rx[c]->col = c;
            pair[0] = lx[c];
            pair[1] = rx[c];
            if (!(ty = sql_bind_common_type(b, pair, 2, what)))
                return LW_EINVAL;
            if (ty != l.types[c]) {
                if (l.types[c] != SQL_OID_UNKNOWN && !sql_type_implicit(l.types[c], ty))
                    return sql_bind_fail(b, -1, "42804", "%s types %s and %s cannot be matched",
                                         what, sql_type_get(l.types[c])->sql_name,
                                         sql_type_get(ty)->sql_name);
                lcast = true;
            }
            if (ty != r.types[c])
                rcast = true;
            node->types[c] = ty;
        }
        for (int side = 0; side < 2; side++) {
            struct selout *so = side ? &r : &l;
            struct sql_expr **x = side ? rx : lx;
            struct sql_node *p;
            if (!(side ? rcast : lcast))
                continue;
            if (!(p = sql_node_new(b->a, SQL_N_PROJECT, so->ncols)) ||
                !(p->u.project.exprs = lw_arena_alloc(b->a, (size_t)so->ncols * sizeof *x)))
                return sql_bind_nomem(b);
            for (int c = 0; c < so->ncols; c++) {
                /* unknown literal columns become the common type through text input */
                struct sql_expr *e = x[c];
                if (!(p->u.project.exprs[c] = sql_bind_coerce(b, e, node->types[c], false, what)))
                    return LW_EINVAL;
                p->types[c] = node->types[c];
            }
            p->child = so->plan;
            so->plan = p;
        }
    }
    node->child = l.plan;
    node->right = r.plan;
    node->u.setop.op = s->op == PG_QUERY__SET_OPERATION__SETOP_UNION       ? SQL_SET_UNION
                       : s->op == PG_QUERY__SET_OPERATION__SETOP_INTERSECT ? SQL_SET_INTERSECT
                                                                           : SQL_SET_EXCEPT;
    node->u.setop.all = s->all;
    for (int c = 0; c < l.ncols; c++) {
        struct sql_expr *e = sql_expr_new(b->a, SQL_E_COL, node->types[c], -1, 0);
        if (!e)
            return sql_bind_nomem(b);
        e->col = c;
        if (target_add(b, &t, e, l.names[c]) != 0)
            return LW_EINVAL;
    }
    t.nvisible = t.n;
    plan = node;
    if (s->n_sort_clause) {
        struct bscope sc = {0};
        struct brel *rel = rel_new(b, "", NULL, l.ncols);
        if (!rel || !(keys = lw_arena_alloc(b->a, s->n_sort_clause * sizeof *keys)))
            return LW_ENOMEM;
        for (int c = 0; c < l.ncols; c++)
            rel->cols[c] = (struct bcol){.name = l.names[c], .type = node->types[c]};
        if (scope_add(b, &sc, rel) != 0)
            return LW_EINVAL;
        sc.q = q;
        for (size_t i = 0; i < s->n_sort_clause; i++) {
            int k = resolve_item(b, s->sort_clause[i]->sort_by->node, &sc, &t, "ORDER BY", false);
            if (k == -2)
                return sql_bind_fail(b, s->sort_clause[i]->sort_by->location, "0A000",
                                     "ORDER BY on a %s result takes output columns only", what);
            if (k < 0)
                return LW_EINVAL;
            keys[i] = k;
        }
    }
    /* LIMIT sees the enclosing queries, not the branches */
    limsc.parent = parent;
    limsc.q = q;
    if (bind_sort_limit(b, s, &limsc, &t, &plan, NULL) != 0)
        return LW_EINVAL;
    if (s->n_sort_clause) {
        struct sql_node *sort = plan->kind == SQL_N_SORT ? plan : plan->child;
        if (fill_sort_keys(b, s, sort, keys) != 0)
            return LW_EINVAL;
    }
    out->plan = plan;
    out->ncols = l.ncols;
    out->names = t.names;
    out->types = node->types;
    return 0;
}

static int bind_select_into(struct binder *b, const PgQuery__SelectStmt *s, struct bscope *parent,
                            struct bquery *parentq, struct bquery *withq, struct selout *out,
                            bool *correlated)
{
    struct bquery q = {0};
    struct bscope sc = {0};
    struct sql_node *plan = NULL, *scan = NULL, *proj;
    struct sql_expr *where = NULL, *having = NULL;
    struct sql_node *from_plan = NULL;
    struct targets t = {0};
    struct grouping g = {0};
    int *sort_keys = NULL, *distinct_keys = NULL, ndistinct = 0;
    bool distinct_all = false, aggregated, setop_branch = b->setop_branch;
    b->setop_branch = false;
    if (++b->depth > 200)
        return sql_bind_fail(b, -1, "54001", "stack depth limit exceeded");
    q.parent = parentq;
    q.with_outer = withq;
    sc.parent = parent;
    sc.q = &q;
    if (s->n_locking_clause)
        return sql_bind_fail(b, -1, "25006", "lakeward is read-only: SELECT FOR UPDATE/SHARE "
                             "is not accepted");
    if (s->with_clause && bind_ctes(b, s->with_clause, parent, &q) != 0)
        return LW_EINVAL;
    if (s->op != PG_QUERY__SET_OPERATION__SETOP_NONE &&
        s->op != PG_QUERY__SET_OPERATION__SET_OPERATION_UNDEFINED) {
        int rc = bind_setop(b, s, parent, &q, out, correlated);
        if (q.correlated)       /* its LIMIT read an enclosing row */
            *correlated = true;
        b->depth--;
        return rc;
    }
    if (s->n_values_lists) {
        int rc = bind_values(b, s, out);
        b->depth--;
        if (rc == 0 && (s->n_sort_clause || s->limit_count || s->limit_offset))
            return sql_bind_fail(b, -1, "0A000", "ORDER BY/LIMIT on VALUES is not supported "
                                 "yet; use SELECT * FROM (VALUES ...) v");
        return rc;
    }
    if (s->n_window_clause)
        return sql_bind_fail(b, -1, "0A000", "named windows (WINDOW) are not supported yet");
    if (s->group_distinct)
        return sql_bind_fail(b, -1, "0A000", "GROUP BY DISTINCT is not supported yet");

    /* FROM: comma-separated items joined left-deep */
    for (size_t i = 0; i < s->n_from_clause; i++) {
        struct from_item fi;
        if (bind_from_item(b, s->from_clause[i], &sc, &q, &fi) != 0)
            return LW_EINVAL;
        if (!plan) {
            plan = fi.node;
            scan = fi.scan;
        } else {
            struct sql_node *j = sql_node_new(b->a, SQL_N_JOIN, plan->ncols + fi.node->ncols);
            if (!j)
                return sql_bind_nomem(b);
            memcpy(j->types, plan->types, (size_t)plan->ncols * sizeof *j->types);
            memcpy(j->types + plan->ncols, fi.node->types, (size_t)fi.node->ncols * sizeof *j->types);
            j->child = plan;
            j->right = fi.node;
            j->u.join.type = SQL_JOIN_INNER;
            plan = j;
            scan = NULL;
        }
    }
    if (!plan && !(plan = sql_node_new(b->a, SQL_N_RESULT, 0)))
        return sql_bind_nomem(b);

    /* WHERE */
    if (s->where_clause) {
        q.no_agg = q.no_win = "WHERE";
        where = sql_bind_condition(b, s->where_clause, &sc, "WHERE");
        q.no_agg = q.no_win = NULL;
        if (!where || push_where_into_joins(b, &plan, &where) != 0)
            return LW_EINVAL;
    }

    /* select list (aggregates collected into q) */
    if (bind_targets(b, s, &sc, &t) != 0)
        return LW_EINVAL;

    /* GROUP BY */
    if (s->n_group_clause) {
        if (!(g.group = lw_arena_alloc(b->a, s->n_group_clause * sizeof *g.group)))
            return sql_bind_nomem(b);
        q.no_agg = q.no_win = "GROUP BY";
        for (size_t i = 0; i < s->n_group_clause; i++) {
            const PgQuery__Node *gn = s->group_clause[i];
            int k;
            if (gn->node_case == PG_QUERY__NODE__NODE_GROUPING_SET)
                return sql_bind_fail(b, -1, "0A000", "GROUPING SETS, ROLLUP and CUBE are not "
                                     "supported yet");
            if ((gn->node_case == PG_QUERY__NODE__NODE_A_CONST &&
                 gn->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) ||
                (gn->node_case == PG_QUERY__NODE__NODE_COLUMN_REF &&
                 gn->column_ref->n_fields == 1)) {
                /* a position, or an output name that is not a FROM column */
                bool is_pos = gn->node_case == PG_QUERY__NODE__NODE_A_CONST;
                struct sql_expr *e = NULL;
                if (!is_pos) {
                    struct sql_error saved = *b->err;
                    e = sql_bind_expr(b, gn, &sc);
                    if (!e)
                        *b->err = saved;
                }
                if (e) {
                    g.group[g.ngroup++] = e;
                    continue;
                }
                if ((k = resolve_item(b, gn, &sc, &t, "GROUP BY", false)) < 0)
                    return LW_EINVAL;
                if (t.exprs[k]->kind == SQL_E_AGGREF)
                    return sql_bind_fail(b, -1, "42803", "aggregate functions are not allowed "
                                         "in GROUP BY");
                g.group[g.ngroup++] = t.exprs[k];
                continue;
            }
            if (!(g.group[g.ngroup++] = sql_bind_expr(b, gn, &sc)))
                return LW_EINVAL;
        }
        q.no_agg = q.no_win = NULL;
    }
    q.no_win = "HAVING";
    if (s->having_clause && !(having = sql_bind_condition(b, s->having_clause, &sc, "HAVING")))
        return LW_EINVAL;
    q.no_win = NULL;

    /* DISTINCT [ON] */
    if (s->n_distinct_clause) {
        if (s->n_distinct_clause == 1 &&
            s->distinct_clause[0]->node_case == PG_QUERY__NODE__NODE__NOT_SET) {
            distinct_all = true;
        } else {
            if (!(distinct_keys = lw_arena_alloc(b->a, s->n_distinct_clause * sizeof(int))))
                return sql_bind_nomem(b);
            for (size_t i = 0; i < s->n_distinct_clause; i++) {
                int k = resolve_item(b, s->distinct_clause[i], &sc, &t, "SELECT DISTINCT ON",
                                     true);
                if (k < 0)
                    return LW_EINVAL;
                distinct_keys[ndistinct++] = k;
            }
        }
    }

    /* ORDER BY */
    if (s->n_sort_clause) {
        if (!(sort_keys = lw_arena_alloc(b->a, s->n_sort_clause * sizeof *sort_keys)))
            return sql_bind_nomem(b);
        for (size_t i = 0; i < s->n_sort_clause; i++) {
            const PgQuery__SortBy *sb = s->sort_clause[i]->sort_by;
            int k;
            if (sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_USING)
                return sql_bind_fail(b, sb->location, "0A000", "ORDER BY ... USING is not "
                                     "supported");
            if ((k = resolve_item(b, sb->node, &sc, &t, "ORDER BY", true)) < 0)
                return LW_EINVAL;
            if (distinct_all && k >= t.nvisible)
                return sql_bind_fail(b, sb->location, "42P10", "for SELECT DISTINCT, ORDER BY "
                                     "expressions must appear in select list");
            sort_keys[i] = k;
        }
        if (ndistinct) {
            for (int i = 0; i < ndistinct && i < (int)s->n_sort_clause; i++)
                if (sort_keys[i] != distinct_keys[i])
                    return sql_bind_fail(b, -1, "42P10", "SELECT DISTINCT ON expressions must "
                                         "match initial ORDER BY expressions");
            if ((int)s->n_sort_clause < ndistinct)
                return sql_bind_fail(b, -1, "42P10", "SELECT DISTINCT ON expressions must match "
                                     "initial ORDER BY expressions");
        }
    }

    /* assemble: FROM (+ pushed WHERE) -> filter -> aggregate -> having -> project */
    from_plan = plan;
    if (where) {
        if (scan) {
            if (push_where(b, scan, where) != 0)
                return LW_EINVAL;
        } else {
            struct sql_node *f = sql_node_new(b->a, SQL_N_FILTER, plan->ncols);
            if (!f)
                return sql_bind_nomem(b);
            memcpy(f->types, plan->types, (size_t)plan->ncols * sizeof *f->types);
            f->child = plan;
            f->u.filter.pred = where;
            plan = f;
        }
    }
    aggregated = q.naggs > 0 || g.ngroup > 0 || having;
    if (aggregated) {
        struct sql_node *agg = sql_node_new(b->a, SQL_N_AGG, g.ngroup + q.naggs);
        if (!agg)
            return sql_bind_nomem(b);
        g.sc = &sc;
        for (int k = 0; k < g.ngroup; k++)
            agg->types[k] = g.group[k]->type;
        for (int a = 0; a < q.naggs; a++)
            agg->types[g.ngroup + a] = q.aggs[a].ret;
        agg->child = plan;
        agg->u.agg.ngroup = g.ngroup;
        agg->u.agg.group = g.group;
        agg->u.agg.naggs = q.naggs;
        agg->u.agg.aggs = q.aggs;
        agg->u.agg.whole = g.ngroup == 0;
        /* ordered-set aggregates' direct arguments are evaluated per group, over the
         * aggregate's output row, like the select list */
        for (int a = 0; a < q.naggs; a++)
            for (int i = 0; i < q.aggs[a].ndirect; i++)
                if (!(q.aggs[a].direct[i] = regroup(b, q.aggs[a].direct[i], &g)))
                    return LW_EINVAL;
        for (int i = 0; i < t.n; i++)
            if (!(t.exprs[i] = regroup(b, t.exprs[i], &g)))
                return LW_EINVAL;
        plan = agg;
        if (having) {
            struct sql_node *f = sql_node_new(b->a, SQL_N_FILTER, plan->ncols);
            if (!f || !(f->u.filter.pred = regroup(b, having, &g)))
                return f ? LW_EINVAL : sql_bind_nomem(b);
            memcpy(f->types, plan->types, (size_t)plan->ncols * sizeof *f->types);
            f->child = plan;
            plan = f;
        }
    }
    if (q.nwins) {
        struct sql_node *wn = sql_node_new(b->a, SQL_N_WINDOW, plan->ncols + q.nwins);
        if (!wn)
            return sql_bind_nomem(b);
        for (int w = 0; aggregated && w < q.nwins; w++) {
            struct sql_win_call *wc = &q.wins[w];
            for (int i = 0; i < wc->nargs; i++)
                if (!(wc->args[i] = regroup(b, wc->args[i], &g)))
                    return LW_EINVAL;
            for (int i = 0; i < wc->npart; i++)
                if (!(wc->part[i] = regroup(b, wc->part[i], &g)))
                    return LW_EINVAL;
            for (int i = 0; i < wc->norder; i++)
                if (!(wc->order[i] = regroup(b, wc->order[i], &g)))
                    return LW_EINVAL;
            if (wc->filter && !(wc->filter = regroup(b, wc->filter, &g)))
                return LW_EINVAL;
        }
        memcpy(wn->types, plan->types, (size_t)plan->ncols * sizeof *wn->types);
        for (int w = 0; w < q.nwins; w++)
            wn->types[plan->ncols + w] = q.wins[w].ret;
        wn->u.window.nwins = q.nwins;
        wn->u.window.wins = q.wins;
        wn->child = plan;
        for (int i = 0; i < t.n; i++)
            wire_winrefs(t.exprs[i], plan->ncols);
        plan = wn;
    }
    /* the scans of a join read the columns anything above or in the joins uses */
    if (from_plan && from_plan->kind == SQL_N_JOIN && !q.nwins) {
        int w = from_plan->ncols;
        bool *used = lw_arena_alloc(b->a, (size_t)w + 1);
        if (!used)
            return sql_bind_nomem(b);
        memset(used, 0, (size_t)w + 1);
        for (int i = 0; !aggregated && i < t.n; i++)   /* see below */
            mark_row(t.exprs[i], used, 0, w);
        mark_row(where, used, 0, w);
        for (int k = 0; k < g.ngroup; k++)
            mark_row(g.group[k], used, 0, w);
        for (int a = 0; a < q.naggs; a++) {
            for (int i = 0; i < q.aggs[a].nargs; i++)
                mark_row(q.aggs[a].args[i], used, 0, w);
            mark_row(q.aggs[a].filter, used, 0, w);
        }
        mark_tree(from_plan, used, 0, w);
        set_scan_cols(from_plan, used, 0);
    }
    /* the scan reads the columns anything above it uses */
    if (scan) {
        scan->u.scan.cols_used = 0;
        /* Aggregated, the select list was regrouped onto the aggregate's output row (group
         * keys, then one column per aggregate): its column numbers are not the scan's, and
         * what it reads of the scan is in the group keys and aggregate arguments below. */
        for (int i = 0; !aggregated && i < t.n; i++)
            mark_used(t.exprs[i], &scan->u.scan.cols_used, 0, scan->ncols);
        for (int i = 0; i < scan->u.scan.ncons; i++)
            mark_used(scan->u.scan.cons[i].pred, &scan->u.scan.cols_used, 0, scan->ncols);
        mark_used(scan->u.scan.recheck, &scan->u.scan.cols_used, 0, scan->ncols);
        for (int k = 0; k < g.ngroup; k++)
            mark_used(g.group[k], &scan->u.scan.cols_used, 0, scan->ncols);
        for (int a = 0; a < q.naggs; a++) {
            for (int i = 0; i < q.aggs[a].nargs; i++)
                mark_used(q.aggs[a].args[i], &scan->u.scan.cols_used, 0, scan->ncols);
            mark_used(q.aggs[a].filter, &scan->u.scan.cols_used, 0, scan->ncols);
        }
        if (q.nwins)
            scan->u.scan.cols_used = ~0ull;     /* window arguments read the FROM row */
        /* ORDER BY on plain columns is offered to the table */
        if (s->n_sort_clause && !aggregated && !distinct_all && !ndistinct) {
            struct sql_index_orderby *ob = lw_arena_alloc(b->a, s->n_sort_clause * sizeof *ob);
            if (!ob)
                return sql_bind_nomem(b);
            for (size_t i = 0; i < s->n_sort_clause; i++) {
                const struct sql_expr *e = t.exprs[sort_keys[i]];
                if (e->kind == SQL_E_COL && e->level == 0 && e->col < scan->ncols)
                    ob[scan->u.scan.norder++] = (struct sql_index_orderby){
                        e->col, s->sort_clause[i]->sort_by->sortby_dir ==
                                    PG_QUERY__SORT_BY_DIR__SORTBY_DESC};
            }
            scan->u.scan.order = ob;
        }
    }
    if (!(proj = sql_node_new(b->a, SQL_N_PROJECT, t.n)) ||
        !(proj->u.project.exprs = lw_arena_alloc(b->a, (size_t)(t.n + 1) * sizeof *t.exprs)))
        return sql_bind_nomem(b);
    for (int i = 0; i < t.n; i++) {
        /* unknown literals and parameters in the output become text, as in PostgreSQL
         * (Parse of `SELECT $1` types $1 as text), except in a set operation's branches,
         * where the other branches decide */
        if (t.exprs[i]->type == SQL_OID_UNKNOWN && !setop_branch &&
            !(t.exprs[i] = sql_bind_coerce(b, t.exprs[i], SQL_OID_TEXT, false, "")))
            return LW_EINVAL;
        proj->u.project.exprs[i] = t.exprs[i];
        proj->types[i] = t.exprs[i]->type;
    }
    proj->child = plan;
    plan = proj;
    if (distinct_all) {
        struct sql_node *d = sql_node_new(b->a, SQL_N_DISTINCT, plan->ncols);
        if (!d)
            return sql_bind_nomem(b);
        for (int i = 0; i < t.nvisible; i++) {
            const struct sql_type *ty = sql_type_get(proj->types[i]);
            if (!ty || !ty->hash)
                return sql_bind_fail(b, -1, "42883", "could not identify an equality operator "
                                     "for type %s", ty ? ty->sql_name : "unknown");
        }
        memcpy(d->types, plan->types, (size_t)plan->ncols * sizeof *d->types);
        d->u.distinct.nkeys = t.nvisible;
        d->child = plan;
        plan = d;
    }
    if (bind_sort_limit(b, s, &sc, &t, &plan, &g) != 0)
        return LW_EINVAL;
    if (s->n_sort_clause) {
        struct sql_node *sort = plan->kind == SQL_N_SORT ? plan : plan->child;
        if (fill_sort_keys(b, s, sort, sort_keys) != 0)
            return LW_EINVAL;
    }
    if (ndistinct) {
        /* DISTINCT ON: the first row of each key after the sort, before LIMIT */
        struct sql_node *d = sql_node_new(b->a, SQL_N_DISTINCT, plan->ncols), **slot = &plan;
        if (!d)
            return sql_bind_nomem(b);
        while ((*slot)->kind == SQL_N_LIMIT)
            slot = &(*slot)->child;
        memcpy(d->types, (*slot)->types, (size_t)(*slot)->ncols * sizeof *d->types);
        d->u.distinct.nkeys = ndistinct;    /* keys are the leading sort columns */
        d->u.distinct.keycols = distinct_keys;
        d->child = *slot;
        *slot = d;
    }
    if (!(out->types = lw_arena_alloc(b->a, (size_t)(t.nvisible + 1) * sizeof *out->types)))
        return sql_bind_nomem(b);
    memcpy(out->types, proj->types, (size_t)t.nvisible * sizeof *out->types);
    out->plan = plan;
    out->ncols = t.nvisible;
    out->names = t.names;
    if (q.correlated)
        *correlated = true;
    b->depth--;
    return 0;
}

/* The binder's select hook (sql_bind_select_fn): a subquery in FROM or in an expression. */
static int bind_subselect(struct binder *b, const PgQuery__SelectStmt *s, struct bscope *parent,
                          struct bquery *parentq, struct bquery *withq, struct sql_node **plan,
                          int *ncols, const char ***names, uint32_t **types, bool *correlated)
{
    struct selout so;
    if (bind_select_into(b, s, parent, parentq, withq, &so, correlated) != 0)
        return LW_EINVAL;
    *plan = so.plan;
    *ncols = so.ncols;
    *names = so.names;
    *types = so.types;
    return 0;
}

/* --- statements ----------------------------------------------------------------------- */

static int bind_transaction(struct binder *b, const PgQuery__TransactionStmt *ts,
                            struct sql_bound *out)
{
    if (ts->chain)
        return sql_bind_fail(b, -1, "0A000", "AND CHAIN is not supported");
    switch (ts->kind) {
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN:
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START: out->kind = SQL_STMT_BEGIN; return 0;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT: out->kind = SQL_STMT_COMMIT; return 0;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK:
        out->kind = SQL_STMT_ROLLBACK;
        return 0;
    default:
        return sql_bind_fail(b, -1, "0A000", "savepoints and prepared transactions are not "
                             "supported (lakeward is read-only)");
    }
}

/* SET name = value: the value as text (one constant, or a list joined with ", "). */
static int bind_set(struct binder *b, const PgQuery__VariableSetStmt *vs, struct sql_bound *out)
{
    struct lw_buf v;
    out->set_local = vs->is_local;
    switch (vs->kind) {
    case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL: out->kind = SQL_STMT_RESET_ALL; return 0;
    case PG_QUERY__VARIABLE_SET_KIND__VAR_RESET:
    case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_DEFAULT:
        out->kind = SQL_STMT_SET;
        out->set_name = vs->name;
        out->set_value = NULL;
        return 0;
    case PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE: break;
    default:
        return sql_bind_fail(b, -1, "0A000", "this form of SET is not supported yet");
    }
    out->kind = SQL_STMT_SET;
    out->set_name = vs->name;
    lw_buf_init(&v, 4096);
    for (size_t i = 0; i < vs->n_args; i++) {
        const PgQuery__Node *a = vs->args[i];
        if (i)
            lw_buf_puts(&v, ", ");
        if (a->node_case == PG_QUERY__NODE__NODE_A_CONST) {
            const PgQuery__AConst *c = a->a_const;
            if (c->val_case == PG_QUERY__A__CONST__VAL_SVAL)
                lw_buf_puts(&v, c->sval->sval);
            else if (c->val_case == PG_QUERY__A__CONST__VAL_IVAL)
                lw_buf_printf(&v, "%d", c->ival->ival);
            else if (c->val_case == PG_QUERY__A__CONST__VAL_FVAL)
                lw_buf_puts(&v, c->fval->fval);
            else if (c->val_case == PG_QUERY__A__CONST__VAL_BOOLVAL)
                lw_buf_puts(&v, c->boolval->boolval ? "on" : "off");
        } else if (a->node_case == PG_QUERY__NODE__NODE_TYPE_CAST &&
                   a->type_cast->arg->node_case == PG_QUERY__NODE__NODE_A_CONST &&
                   a->type_cast->arg->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL) {
            lw_buf_puts(&v, a->type_cast->arg->a_const->sval->sval);
        } else {
            lw_buf_free(&v);
            return sql_bind_fail(b, -1, "0A000", "this SET value is not supported yet");
        }
    }
    out->set_value = v.failed ? NULL : lw_arena_strndup(b->a, v.data ? v.data : "", v.len);
    lw_buf_free(&v);
    if (!out->set_value)
        return sql_bind_nomem(b);
    return 0;
}

/* How many parameter slots a statement needs: the declared count or the highest $n in its
 * text, whichever is more (a $n inside a literal only makes it larger); the simple protocol
 * has none. Sized so, a bind no longer allocates and clears SQL_BIND_MAX_PARAMS slots
 * (256 KiB, most of a `SELECT 1`'s cost), and every $n of the tree has its slot. */
static int param_slots(const struct sql_bind_ctx *ctx)
{
    int n = ctx->nparams < SQL_BIND_MAX_PARAMS ? ctx->nparams : SQL_BIND_MAX_PARAMS;
    if (ctx->simple)
        return n;
    if (!ctx->query)
        return SQL_BIND_MAX_PARAMS;
    for (const char *p = strchr(ctx->query, '$'); p; p = strchr(p + 1, '$')) {
        long k = 0;
        const char *d = p + 1;
        while (*d >= '0' && *d <= '9' && k <= SQL_BIND_MAX_PARAMS)
            k = k * 10 + (*d++ - '0');
        if (k > n)
            n = k > SQL_BIND_MAX_PARAMS ? SQL_BIND_MAX_PARAMS : (int)k;
    }
    return n;
}

/* DECLARE (its SELECT bound as a SELECT statement is), FETCH/MOVE and CLOSE: the cursor
 * name copied, what to do recorded; sql_cursor.c runs them. */
static int bind_cursor_stmt(struct binder *b, const PgQuery__Node *stmt, struct sql_bound *out)
{
    static const int dirs[] = {
        [PG_QUERY__FETCH_DIRECTION__FETCH_FORWARD] = SQL_FETCH_FORWARD,
        [PG_QUERY__FETCH_DIRECTION__FETCH_BACKWARD] = SQL_FETCH_BACKWARD,
        [PG_QUERY__FETCH_DIRECTION__FETCH_ABSOLUTE] = SQL_FETCH_ABSOLUTE,
        [PG_QUERY__FETCH_DIRECTION__FETCH_RELATIVE] = SQL_FETCH_RELATIVE,
    };
    const char *name = NULL;
    if (stmt->node_case == PG_QUERY__NODE__NODE_DECLARE_CURSOR_STMT) {
        const PgQuery__DeclareCursorStmt *d = stmt->declare_cursor_stmt;
        if (!d->query || d->query->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
            return sql_error_set(b->err, "42601", "DECLARE CURSOR needs a SELECT");
        if (sql_bind(b->ctx, d->query, b->a, out, b->err) != 0)
            return LW_EINVAL;
        out->kind = SQL_STMT_DECLARE;
        out->cursor_options = d->options;
        name = d->portalname;
    } else if (stmt->node_case == PG_QUERY__NODE__NODE_FETCH_STMT) {
        const PgQuery__FetchStmt *f = stmt->fetch_stmt;
        if (f->direction <= 0 || (size_t)f->direction >= sizeof dirs / sizeof dirs[0])
            return sql_error_set(b->err, "42601", "unexpected FETCH direction");
        out->kind = SQL_STMT_FETCH;
        out->fetch = (struct sql_fetch){dirs[f->direction], f->how_many, f->ismove};
        name = f->portalname;
    } else {
        out->kind = SQL_STMT_CLOSE;
        name = stmt->close_portal_stmt->portalname;
    }
    if (name && *name && !(out->set_name = lw_arena_strndup(b->a, name, strlen(name))))
        return sql_bind_nomem(b);
    if (out->kind != SQL_STMT_CLOSE && !out->set_name)
        return sql_error_set(b->err, "34000", "cursor \"\" does not exist");
    return 0;
}

int sql_bind(const struct sql_bind_ctx *ctx, const PgQuery__Node *stmt, struct lw_arena *arena,
             struct sql_bound *out, struct sql_error *err)
{
    struct binder b = {.select = bind_subselect, .ctx = ctx, .a = arena, .err = err};
    memset(out, 0, sizeof *out);
    if (!stmt)
        return sql_error_set(err, "XX000", "unexpected parse tree");
    if (is_write(stmt)) {
        sql_error_set(err, "25006", "lakeward is read-only");
        snprintf(err->detail, sizeof err->detail, "%s statements are not accepted.",
                 stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT
                     ? "SELECT INTO" : sql_bind_command_name(stmt));
        snprintf(err->hint, sizeof err->hint, "Permissions are changed in Lakekeeper; lakeward "
                 "shows them.");
        return LW_EINVAL;
    }
    switch (stmt->node_case) {
    case PG_QUERY__NODE__NODE_SELECT_STMT: {
        struct selout so;
        bool corr = false;
        b.nslots = param_slots(ctx);
        if (!(b.params = lw_arena_alloc(arena, ((size_t)b.nslots + 1) * sizeof *b.params)))
            return sql_bind_nomem(&b);
        memset(b.params, 0, ((size_t)b.nslots + 1) * sizeof *b.params);
        for (int i = 0; i < ctx->nparams && i < b.nslots; i++)
            b.params[i] = ctx->param_types[i];
        b.nparams = ctx->nparams;
        if (bind_select_into(&b, stmt->select_stmt, NULL, NULL, NULL, &so, &corr) != 0)
            return LW_EINVAL;
        out->kind = SQL_STMT_SELECT;
        out->plan = so.plan;
        out->ncols = so.ncols;
        out->names = so.names;
        out->types = so.types;
        for (int i = 0; i < so.ncols; i++)
            if (out->types[i] == SQL_OID_UNKNOWN)
                out->types[i] = SQL_OID_TEXT;
        out->nparams = b.nparams;
        out->param_types = b.params;
        for (int i = 0; i < b.nparams; i++)
            if (!b.params[i])
                return sql_bind_fail(&b, -1, "42P18", "could not determine data type of "
                                     "parameter $%d", i + 1);
        return 0;
    }
    case PG_QUERY__NODE__NODE_TRANSACTION_STMT:
        return bind_transaction(&b, stmt->transaction_stmt, out);
    case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
        return bind_set(&b, stmt->variable_set_stmt, out);
    case PG_QUERY__NODE__NODE_VARIABLE_SHOW_STMT:
        out->kind = SQL_STMT_SHOW;
        out->set_name = stmt->variable_show_stmt->name;
        return 0;
    case PG_QUERY__NODE__NODE_DISCARD_STMT:
        if (stmt->discard_stmt->target != PG_QUERY__DISCARD_MODE__DISCARD_ALL)
            return sql_bind_fail(&b, -1, "0A000", "only DISCARD ALL is supported");
        out->kind = SQL_STMT_DISCARD_ALL;
        return 0;
    case PG_QUERY__NODE__NODE_DECLARE_CURSOR_STMT:
    case PG_QUERY__NODE__NODE_FETCH_STMT:
    case PG_QUERY__NODE__NODE_CLOSE_PORTAL_STMT:
        return bind_cursor_stmt(&b, stmt, out);
    case PG_QUERY__NODE__NODE_DEALLOCATE_STMT:
        out->kind = SQL_STMT_DEALLOCATE;
        out->set_name = stmt->deallocate_stmt->name && *stmt->deallocate_stmt->name
                            ? stmt->deallocate_stmt->name : NULL;
        return 0;
    default:
        return sql_error_set(err, "0A000", "%s is not supported yet",
                             sql_bind_command_name(stmt));
    }
}

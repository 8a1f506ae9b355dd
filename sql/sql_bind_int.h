/* sql_bind_int.h -- what the binder's two files share (sql_bind.c: statements, FROM and
 * the SELECT pipeline; sql_bind_expr.c: expressions): scopes, the per-query state that
 * collects aggregates, and the helpers for errors and coercion. */
#ifndef SQL_BIND_INT_H
#define SQL_BIND_INT_H

#include "sql_bind.h"

#define SQL_BIND_MAX_PARAMS 65535

struct bcol {
    const char *name;
    uint32_t type;
    bool hidden;                /* not part of `*` */
    bool qualified_only;        /* a USING join's right-hand column: only rel.col reaches it
                                 * (an unqualified name is the merged, left-hand column) */
};

/* A FROM item as names see it: its columns sit at [base, base + ncols) of the row. */
struct brel {
    const char *name;           /* alias, or the table's own name */
    const char *schema;         /* for schema-qualified references; NULL for aliases */
    int base, ncols;
    struct bcol *cols;
    bool unnamed;               /* a subquery without an alias: never conflicts */
};

struct bquery;

struct bscope {
    struct brel **rels;
    int nrels, cap;
    int width;                  /* columns in the row */
    struct bscope *parent;      /* the enclosing query's scope (correlated references) */
    struct bquery *q;
    const char *no_vars;        /* non-NULL: its columns are refused (42P10) in this clause,
                                 * "LIMIT"...; enclosing queries' columns stay allowed */
};

struct bcte {
    const char *name;
    struct sql_material *m;
    struct sql_worktable *wt;   /* non-NULL while its recursive term is bound */
    int ncols;
    const char **names;
    uint32_t *types;
    struct bcte *next;
};

struct bquery {
    struct bquery *parent;
    bool correlated;            /* refers to an enclosing query's row */
    const char *no_agg;         /* non-NULL: aggregates are refused here ("WHERE", ...) */
    bool in_agg;                /* binding an aggregate's arguments */
    int naggs, capaggs;
    struct sql_agg_call *aggs;
    const char *no_win;         /* non-NULL: window functions are refused here */
    bool in_win;                /* binding a window function's arguments */
    int nwins, capwins;
    struct sql_win_call *wins;
    struct bcte *ctes;
    /* where WITH names are looked up after this query's own list (innermost first, so an
     * inner WITH shadows an outer one of the same name): the enclosing query for an
     * expression subquery, a CTE body or a set operation's branch, but the query whose FROM
     * holds it for a FROM subquery, whose parent (correlation) skips that query's row while
     * its WITH list stays visible, as in PostgreSQL */
    struct bquery *with_outer;
};

struct binder;

/* Binds a whole SELECT (a subquery) in the scope of parent (parentq its query), seeing the
 * WITH names of withq and its outer ones: its plan, output columns and whether it reads an
 * enclosing query's row. 0, or LW_EINVAL with b->err set. */
typedef int (*sql_bind_select_fn)(struct binder *b, const PgQuery__SelectStmt *s,
                                  struct bscope *parent, struct bquery *parentq,
                                  struct bquery *withq,
                                  struct sql_node **plan, int *ncols, const char ***names,
                                  uint32_t **types, bool *correlated);

struct binder {
    /* SELECT binding, which sql_bind.c provides: expressions (sql_bind_expr.c) reach it
     * through this pointer for their subqueries, so the expression binder depends on
     * statements only through this contract and the statement binder on expressions, not
     * the two files on each other */
    sql_bind_select_fn select;
    const struct sql_bind_ctx *ctx;
    struct lw_arena *a;
    struct sql_error *err;
    int depth;
    bool setop_branch;          /* the next SELECT is a set operation's branch */
    int nparams;
    uint32_t *params;           /* nslots entries, 0: not yet known */
    int nslots;                 /* $n above it is 42P02 (param_slots in sql_bind.c) */
};

/* Errors: fills b->err with SQLSTATE, message and the position of byte offset loc. */
int sql_bind_fail(struct binder *b, int loc, const char *state, const char *fmt, ...)
    LW_PRINTF(4, 5);
int sql_bind_nomem(struct binder *b);
char *sql_bind_strdup(struct binder *b, const char *s);

/* Expressions (sql_bind_expr.c). NULL on error. */
struct sql_expr *sql_bind_expr(struct binder *b, const PgQuery__Node *n, struct bscope *sc);
/* The module function (sql_tables_add_func) a call names, or NULL: schema-qualified
 * outside pg_catalog, or unqualified and not a built-in function (built-ins come first on
 * the search path, as pg_catalog does in PostgreSQL). */
const struct sql_func *sql_bind_module_func(const struct binder *b,
                                            const PgQuery__FuncCall *fc);
/* left op right (left NULL: prefix) with PostgreSQL's operator resolution. */
struct sql_expr *sql_bind_op(struct binder *b, const char *name, struct sql_expr *l,
                             struct sql_expr *r, int loc);
/* Converts e to type: implicitly (explicit false: only implicit casts; what names the
 * context in the 42804 message) or as CAST does. Unknown literals and parameters take the
 * type directly. NULL on error. */
struct sql_expr *sql_bind_coerce(struct binder *b, struct sql_expr *e, uint32_t type,
                                 bool explicit_cast, const char *what);
/* PostgreSQL's select_common_type over n expressions (unknown alone: text). 0 on error. */
uint32_t sql_bind_common_type(struct binder *b, struct sql_expr **e, int n, const char *what);
/* A boolean condition (WHERE, HAVING, ON, ...). */
struct sql_expr *sql_bind_condition(struct binder *b, const PgQuery__Node *n, struct bscope *sc,
                                    const char *what);
/* The column name PostgreSQL gives an output expression ("?column?" when none). */
const char *sql_bind_colname(const PgQuery__Node *n);
/* The type a TypeName names; 0 with b->err set. */
uint32_t sql_bind_typename(struct binder *b, const PgQuery__TypeName *tn);
/* The string of a String node, or NULL. */
const char *sql_bind_str(const PgQuery__Node *n);

#endif

/* sql_expr.h -- bound, typed expressions and their evaluation. The binder (sql_bind.c)
 * builds them from the parse tree with every name resolved, every function looked up in
 * the registry and every implicit cast made explicit; the operators (sql_op.c) evaluate
 * them against a row. Evaluation recurses over the tree; its depth is bounded by the
 * parse-depth check (sql_parse.h) and counted again here. */
#ifndef SQL_EXPR_H
#define SQL_EXPR_H

#include "../server/core/lw_arena.h"
#include "sql_func.h"

enum sql_expr_kind {
    SQL_E_CONST,
    SQL_E_COL,          /* column `col` of the input row (level 0) or of an outer query's row */
    SQL_E_PARAM,        /* $n (col = n - 1) */
    SQL_E_FUNC,         /* fn(args) */
    SQL_E_CAST,         /* args[0] from cast_src to type */
    SQL_E_AND,
    SQL_E_OR,
    SQL_E_NOT,
    SQL_E_NULLTEST,     /* args[0] IS NULL (flag: IS NOT NULL) */
    SQL_E_BOOLTEST,     /* args[0] IS [NOT] TRUE/FALSE/UNKNOWN (flag: enum sql_booltest) */
    SQL_E_CASE,         /* args: [when, then]*, else (else may be a NULL const) */
    SQL_E_COALESCE,
    SQL_E_MINMAX,       /* GREATEST (flag 1) / LEAST (flag 0) */
    SQL_E_NULLIF,       /* args[0], args[1], fn: the = function */
    SQL_E_DISTINCT,     /* args[0] IS [NOT] DISTINCT FROM args[1] (flag: NOT), fn: = */
    SQL_E_IN,           /* args[0] IN (args[1..]) (flag: NOT IN), fn: = */
    SQL_E_ARRAY,        /* ARRAY[args...] */
    SQL_E_ANY,          /* args[0] fn ANY (args[1], an array) (flag: ALL) */
    SQL_E_SUBLINK,      /* a subquery: scalar, EXISTS, IN / ANY (see sql_op.h); for IN /
                         * ANY / ALL args[0] is the left operand, an ordinary argument so
                         * that every walker over the outer row sees the columns it reads */
    SQL_E_AGGREF,       /* an aggregate's result: col = its index (binder rewrites it) */
    SQL_E_WINREF,       /* a window function's result: col = its index */
};

enum sql_booltest {
    SQL_BT_TRUE, SQL_BT_NOT_TRUE, SQL_BT_FALSE, SQL_BT_NOT_FALSE, SQL_BT_UNKNOWN,
    SQL_BT_NOT_UNKNOWN,
};

struct sql_subplan;

struct sql_expr {
    enum sql_expr_kind kind;
    uint32_t type;              /* result type OID */
    int loc;                    /* byte offset in the query, -1: none */
    int nargs;
    struct sql_expr **args;
    struct sql_value val;       /* CONST (text and arrays in the statement's arena) */
    int col;                    /* COL, PARAM, AGGREF, WINREF */
    int level;                  /* COL: 0 this query's row, k: the k-th enclosing query's */
    int flag;
    const struct sql_func *fn;  /* FUNC, NULLIF, DISTINCT, IN: the function to call */
    uint32_t cast_src;          /* CAST */
    struct sql_subplan *sub;    /* SUBLINK */
};

/* What evaluation reads: the current row, the rows of enclosing queries (correlated
 * subqueries), parameters, and the call context for functions. */
struct sql_eval {
    struct sql_fcall fc;
    const struct sql_value *row;
    const struct sql_value *const *outer;   /* outer[nouter - k]: the k-th enclosing row */
    int nouter;
    const struct sql_value *params;
    int nparams;
    int depth;                  /* recursion guard */
    /* The executor (sql_op.c) running this evaluation, and how it runs a subquery. The
     * evaluator calls the operators only through this hook (they call the evaluator), so
     * sql_expr.c stays below sql_op.c. NULL: a subquery cannot run here (XX000). */
    void *exec;
    int (*sublink)(struct sql_eval *ev, struct sql_subplan *sp, const struct sql_expr *left,
                   struct sql_value *out);
};

/* Evaluates e into *out. Text results live in the arena or in the row they came from.
 * Returns 0 or LW_EINVAL (ev->fc.err filled). */
int sql_expr_eval(struct sql_eval *ev, const struct sql_expr *e, struct sql_value *out)
    LW_MUSTCHECK;
/* Three-valued truth of a boolean expression: 1 true, 0 false or NULL, <0 error. */
int sql_expr_true(struct sql_eval *ev, const struct sql_expr *e) LW_MUSTCHECK;

/* Constructors (arena memory; NULL when it runs out). */
struct sql_expr *sql_expr_new(struct lw_arena *a, enum sql_expr_kind kind, uint32_t type,
                              int loc, int nargs);
/* Structural equality (GROUP BY matching). */
bool sql_expr_equal(const struct sql_expr *a, const struct sql_expr *b);
/* Compares two values of type oid for sorting and grouping (NULLs not handled here). */
int sql_value_cmp_typed(uint32_t oid, const struct sql_value *a, const struct sql_value *b);
/* The same with the type's registry entry (sql_type_get(oid), may be NULL) looked up once
 * by the caller: operators comparing many rows resolve their keys' types at open. */
int sql_value_cmp_as(const struct sql_type *t, const struct sql_value *a,
                     const struct sql_value *b);
/* The error for an arena allocation that failed: 54000 (with a hint) when the statement's
 * memory bound was reached, else 53200. Returns LW_ENOMEM. */
int sql_expr_nomem(struct lw_arena *a, struct sql_error *err);
/* Copies v's text/array payload into arena so it survives the row it came from. */
int sql_value_copy(struct lw_arena *a, struct sql_value *v) LW_MUSTCHECK;

/* The evaluator's own bound on nesting (below the parse bound times the nodes per level). */
#define SQL_EXPR_MAX_DEPTH 20000

#endif

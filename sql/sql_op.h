/* sql_op.h -- the executor's operators: a plan is a tree of them, each pulled for rows
 * (open / next / close). Scans of virtual tables (with constraints pushed into best_index),
 * VALUES, function scans, filter, project, hash and nested-loop join, hash aggregate, sort
 * (top-N under a LIMIT), distinct, limit/offset, set operations and materialised
 * subqueries/CTEs (computed as far as read). The binder (sql_bind.c) builds the tree;
 * sql_exec.c drives it. Every buffering operator is bounded by the statement's row bound
 * (54000) and its arena's memory bound (54000). */
#ifndef SQL_OP_H
#define SQL_OP_H

#include <signal.h>

#include "sql_expr.h"
#include "sql_tables.h"

struct sql_session;

/* One statement's execution: its arena, the evaluation context template, bounds, the
 * outer-row stack for correlated subqueries. */
struct sql_exec {
    struct lw_arena *arena;
    struct sql_error *err;
    struct sql_eval ev;             /* fc, params; row/outer set per evaluation */
    const struct sql_value *outer[64];
    int nouter;
    long max_rows;                  /* rows one buffering operator may hold */
    struct sql_query_ctx qc;        /* handed to tables' open */
    volatile sig_atomic_t *cancel;  /* nonzero: stop (sql_session_opts.cancel); may be NULL */
    struct sql_material *open_materials;    /* CTEs whose plan is still open */
};

enum sql_node_kind {
    SQL_N_RESULT,      /* one row of no columns (SELECT without FROM) */
    SQL_N_SCAN,        /* a virtual table */
    SQL_N_VALUES,      /* VALUES lists (expressions evaluated per row) */
    SQL_N_SRF,         /* a set-returning function in FROM */
    SQL_N_FILTER,
    SQL_N_PROJECT,
    SQL_N_JOIN,        /* hash join (equi-keys) or nested loop over a kept right side */
    SQL_N_AGG,         /* hash aggregate (group keys then aggregate results) */
    SQL_N_SORT,
    SQL_N_DISTINCT,    /* on the first `nkeys` columns (DISTINCT ON) or all */
    SQL_N_LIMIT,
    SQL_N_SETOP,       /* UNION / INTERSECT / EXCEPT [ALL] */
    SQL_N_MATERIAL,    /* a CTE or subquery computed once and read by several scans */
    SQL_N_WINDOW,      /* window functions: the child's columns, then one per function */
    SQL_N_RECURSIVE,   /* WITH RECURSIVE: child (non-recursive term) UNION [ALL] right,
                        * right re-run over the rows of the previous round until none */
    SQL_N_WORKTABLE,   /* the recursive term's reference to the previous round's rows */
};

struct sql_worktable;

enum sql_join_type { SQL_JOIN_INNER, SQL_JOIN_LEFT, SQL_JOIN_RIGHT, SQL_JOIN_FULL };
enum sql_setop { SQL_SET_UNION, SQL_SET_INTERSECT, SQL_SET_EXCEPT };

/* A pushed-down constraint of a scan: `column op value-expression`. */
struct sql_scan_cons {
    int column;
    enum sql_op op;
    struct sql_expr *value;         /* constant or parameter; for IN, an SQL_E_ARRAY */
    const struct sql_expr *pred;    /* the WHERE conjunct it came from (re-checked unless
                                     * the table says omit) */
};

struct sql_sort_key {
    int col;
    bool desc, nulls_first;
    uint32_t type;
};

struct sql_agg_call {
    const struct sql_func *fn;
    int nargs;
    struct sql_expr **args;
    struct sql_expr *filter;        /* FILTER (WHERE ...), or NULL */
    bool distinct;
    uint32_t arg_types[SQL_FUNC_MAX_ARGS];
    uint32_t ret;
    /* ordered-set aggregates: args are the WITHIN GROUP keys; the direct arguments are
     * evaluated once per group over the aggregate's output row (group keys first) */
    int ndirect;
    struct sql_expr **direct;
    bool order_desc;
};

/* One window function call: fn OVER (PARTITION BY part ORDER BY order), default frame
 * (RANGE UNBOUNDED PRECEDING .. CURRENT ROW; the whole partition without ORDER BY). */
struct sql_win_call {
    const struct sql_func *fn;      /* SQL_FN_WINDOW entry or an aggregate */
    int nargs;
    struct sql_expr **args;
    uint32_t arg_types[SQL_FUNC_MAX_ARGS];
    uint32_t ret;
    struct sql_expr *filter;        /* aggregates' FILTER, or NULL */
    int npart;
    struct sql_expr **part;
    int norder;
    struct sql_expr **order;
    struct sql_sort_key *okeys;     /* col: index into order[]; desc/nulls/type */
};

struct sql_material;

struct sql_node {
    enum sql_node_kind kind;
    int ncols;
    uint32_t *types;
    struct sql_value *row;          /* the current output row after next() returned 1 */
    struct sql_node *child, *right;
    void *st;                       /* run-time state (arena) */
    union {
        struct {
            const struct sql_table *table;
            int ncons;
            struct sql_scan_cons *cons;
            struct sql_expr *recheck;       /* conjuncts not pushed or not omitted */
            uint64_t cols_used;
            int norder;
            struct sql_index_orderby *order;
        } scan;
        struct {
            int nrows;
            struct sql_expr ***rows;        /* nrows x ncols */
        } values;
        struct {
            const struct sql_func *fn;
            int nargs;
            struct sql_expr **args;
            bool ordinality;
        } srf;
        struct {
            struct sql_expr *pred;
        } filter;
        struct {
            struct sql_expr **exprs;        /* ncols */
        } project;
        struct {
            enum sql_join_type type;
            struct sql_expr *on;            /* over the concatenated row; NULL: true */
            bool lateral;                   /* right side re-run per left row */
            /* equi-join keys (hash join): lkeys over the left row, rkeys over the right
             * row, pairwise equal under their type's equality; `on` keeps the rest */
            int nkeys;
            struct sql_expr **lkeys, **rkeys;
        } join;
        struct {
            int ngroup;
            struct sql_expr **group;        /* over the child's row */
            int naggs;
            struct sql_agg_call *aggs;
            bool whole;                     /* no GROUP BY: one row even for no input */
        } agg;
        struct {
            int nkeys;
            struct sql_sort_key *keys;
            int64_t bound;                  /* top-N: only the first this many rows are
                                             * read (0: all); set at run time by a LIMIT
                                             * right above, before it opens the sort */
        } sort;
        struct {
            int nkeys;                      /* 0: all columns */
            int *keycols;                   /* the key columns; NULL: the first nkeys */
        } distinct;
        struct {
            struct sql_expr *count, *offset;        /* NULL: none */
        } limit;
        struct {
            enum sql_setop op;
            bool all;
        } setop;
        struct {
            struct sql_material *m;
        } material;
        struct {
            int nwins;
            struct sql_win_call *wins;
        } window;
        struct {
            struct sql_worktable *wt;
            bool all;                       /* UNION ALL: keep duplicates */
        } recursive;
        struct {
            struct sql_worktable *wt;
        } worktable;
    } u;
};

/* Runs a plan: open, then next until 0 (end) or <0 (error, x->err filled), then close.
 * next returns 1 with op->row set. Close may be called after a failed open. */
int sql_node_open(struct sql_node *op, struct sql_exec *x) LW_MUSTCHECK;
int sql_node_next(struct sql_node *op, struct sql_exec *x) LW_MUSTCHECK;
void sql_node_close(struct sql_node *op, struct sql_exec *x);

/* Allocates an operator of kind with ncols output columns (types to be filled). */
struct sql_node *sql_node_new(struct lw_arena *a, enum sql_node_kind kind, int ncols);
/* A shared materialisation of plan (a CTE): every MATERIAL operator over it reads the
 * same rows, computed on first use. */
struct sql_material *sql_material_new(struct lw_arena *a, struct sql_node *plan);
/* Closes the plans of CTEs nothing read to their end; call when the statement ends. */
void sql_op_close_materials(struct sql_exec *x);
/* The rows a recursive CTE's recursive term reads (shared by its two nodes). */
struct sql_worktable *sql_worktable_new(struct lw_arena *a);

/* A subquery inside an expression. */
enum sql_sublink_kind {
    SQL_SUB_EXPR,       /* (SELECT x): its one value, NULL for no row, 21000 for two */
    SQL_SUB_EXISTS,
    SQL_SUB_ANY,        /* left op ANY (SELECT ...), IN */
    SQL_SUB_ALL,
    SQL_SUB_ARRAY,      /* ARRAY(SELECT ...) */
};

struct sql_subplan {
    enum sql_sublink_kind kind;
    struct sql_node *plan;
    const struct sql_func *cmp;     /* ANY/ALL: left op column */
    struct sql_expr *right;         /* ANY/ALL: the column converted to cmp's right type (a
                                     * cast over column 0 of the subquery's row), or NULL */
    bool correlated;                /* re-run for each outer row; else cached */
    bool cached;
    struct sql_value cache;
};

/* Evaluates a sublink for the current row (sql_expr.c calls it); left is the ANY/ALL left
 * operand (the sublink expression's args[0]), NULL for the other kinds. */
int sql_op_sublink(struct sql_eval *ev, struct sql_subplan *sp, const struct sql_expr *left,
                   struct sql_value *out) LW_MUSTCHECK;

/* Out-of-memory / bound error for arena allocations (54000 when the bound was hit): the
 * evaluator's (sql_expr_nomem), under the name the operators and the binder use. */
static inline int sql_op_nomem(struct lw_arena *a, struct sql_error *err)
{
    return sql_expr_nomem(a, err);
}

#endif

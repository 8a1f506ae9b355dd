/* sql_op_int.h -- what the executor's operator files share (sql_op.c holds the dispatch and
 * most operators; sql_exec_sort.c the sort, sql_exec_join.c the join): evaluation against a
 * row, copying rows into the statement's arena, buffered row lists, sort-key comparison and
 * the row bound. Not for use outside the operators. */
#ifndef SQL_OP_INT_H
#define SQL_OP_INT_H

#include "sql_op.h"

/* Fills x->err with 54000 (too many rows buffered); returns LW_ENOMEM. */
int sql_op_too_many_rows(struct sql_exec *x);

/* Evaluates e over row (outer rows and parameters from x). */
int sql_op_eval(struct sql_exec *x, const struct sql_expr *e, const struct sql_value *row,
                struct sql_value *out) LW_MUSTCHECK;
/* 1 when e is true over row, 0 when false or NULL, <0 on error. */
int sql_op_true(struct sql_exec *x, const struct sql_expr *e, const struct sql_value *row);

/* A copy of row's first ncopy values in one arena block of width (+1 spare) values, the
 * text payloads packed after them (arrays deep-copied apart); the values past ncopy are
 * zeroed (NULL). NULL with x->err filled when memory is exhausted. */
struct sql_value *sql_op_copy_row(struct sql_exec *x, const struct sql_value *row, int ncopy,
                                  int width);

/* A growable list of buffered rows, bounded by x->max_rows. */
struct sql_op_rows {
    struct sql_value **rows;
    long n, cap;
};

int sql_op_rows_add(struct sql_exec *x, struct sql_op_rows *l, struct sql_value *r)
    LW_MUSTCHECK;
/* Sets op->row to the row at *pos and advances; 0 past the end. */
int sql_op_rows_next(struct sql_node *op, const struct sql_op_rows *l, long *pos);
/* Opens op's child and appends a copy (sql_op_copy_row(ncopy, width)) of every row it
 * yields to l. */
int sql_op_collect(struct sql_node *op, struct sql_exec *x, struct sql_op_rows *l, int ncopy,
                   int width) LW_MUSTCHECK;

/* Orders rows a and b by keys (ASC/DESC, NULLS FIRST/LAST, each key's type's order). kt:
 * the keys' type entries (sql_op_key_types), or NULL to look them up on each call. */
int sql_op_cmp_keys(const struct sql_sort_key *keys, const struct sql_type *const *kt,
                    int nkeys, const struct sql_value *a, const struct sql_value *b);
/* The type entries of n sort keys, looked up once (NULL with x->err set: no memory). */
const struct sql_type **sql_op_key_types(struct sql_exec *x, const struct sql_sort_key *keys,
                                         int n);

/* The columns of op's rows that may be non-NULL, one bit each (bit 63: column 63 and up):
 * a scan fills only the columns the statement reads (u.scan.cols_used), a filter passes
 * its child's on; other operators may fill any. */
uint64_t sql_op_live_cols(const struct sql_node *op);

/* The sort (sql_exec_sort.c) and join (sql_exec_join.c) operators. */
int sql_op_sort_open(struct sql_node *op, struct sql_exec *x) LW_MUSTCHECK;
int sql_op_sort_next(struct sql_node *op, struct sql_exec *x) LW_MUSTCHECK;
int sql_op_join_open(struct sql_node *op, struct sql_exec *x) LW_MUSTCHECK;
int sql_op_join_next(struct sql_node *op, struct sql_exec *x) LW_MUSTCHECK;

#endif

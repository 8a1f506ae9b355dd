/* sql_parse.h -- SQL text to libpg_query's parse tree, bounded. Before anything recursive
 * touches the text, a flat pass over its tokens (pg_query_scan, a non-recursive lexer)
 * computes an upper bound of the parse tree's depth; text whose bound exceeds
 * SQL_PARSE_MAX_DEPTH is refused with 54001 "stack depth limit exceeded", as PostgreSQL
 * answers, so no SQL text can overflow a thread's stack in libpg_query's parser and tree
 * output, in protobuf unpacking, or in the engine's own walkers (which also count depth).
 *
 * Stack budget: each unit of the bound stands for at most SQL_PARSE_NODES_PER_LEVEL levels
 * of parse-tree nodes; every recursive walker in sql/ keeps its frames small enough that
 * SQL_PARSE_MAX_DEPTH levels fit in 4 MiB, and session threads get SQL_STACK_SIZE. */
#ifndef SQL_PARSE_H
#define SQL_PARSE_H

#include "sql_error.h"

#include <stddef.h>

/* Upper bound of the nesting estimate (see sql_parse_depth_bound). */
#define SQL_PARSE_MAX_DEPTH 1000
/* Stack size every thread that runs SQL sessions must have (server/pg_listener.c). */
#define SQL_STACK_SIZE (16u << 20)

/* An upper bound of the parse-tree depth of query, in units of operators, keywords and
 * brackets nested in one another: tokens that can start a nested node (operators,
 * keywords other than AND/OR, which the parser flattens into lists) add one level to the
 * list element they appear in; brackets add one level; a comma or a semicolon at a bracket
 * level starts a sibling, whose depth does not add to the one before. Computed in one pass
 * with a heap stack of bracket levels, so deep brackets cannot recurse.
 * Returns the bound (>= 0), or -1 when the text cannot be tokenised (the parser then
 * reports the syntax error) and -2 when memory runs out. */
long sql_parse_depth_bound(const char *query);

/* Refuses query when its depth bound exceeds SQL_PARSE_MAX_DEPTH (54001) or memory runs
 * out (53200). Returns 0 when it may be parsed. */
int sql_parse_check_depth(const char *query, struct sql_error *err);

/* A parsed query string: its statements as protobuf nodes (libpg_query's typed tree). */
struct PgQuery__ParseResult;
struct sql_parsed {
    struct PgQuery__ParseResult *tree;  /* tree->n_stmts, tree->stmts[i]->stmt */
    void *raw;                          /* libpg_query's buffer (private) */
    size_t raw_len;
};

/* Checks the depth bound, then parses query. A syntax error is 42601 with its position.
 * On success the caller frees out with sql_parsed_free. */
int sql_parse(const char *query, struct sql_parsed *out, struct sql_error *err) LW_MUSTCHECK;
void sql_parsed_free(struct sql_parsed *p);

#endif

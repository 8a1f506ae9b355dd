/* sql_bind.h -- binds one statement of libpg_query's protobuf parse tree to something the
 * executor runs: for SELECT, a tree of operators (sql_op.h) over typed expressions
 * (sql_expr.h) with every name resolved in nested scopes, every function and operator
 * resolved in the registry (sql_func.h) and every cast explicit; for session statements,
 * what to do. Whatever the engine cannot run is refused here with PostgreSQL's SQLSTATE:
 * 25006 for writes, 42P01/42703/42702 for names, 42883/42804/42846 for types, 42803 for
 * grouping, 0A000 naming the construct for valid SQL that is not supported yet. */
#ifndef SQL_BIND_H
#define SQL_BIND_H

#include "sql_op.h"

#include <pg_query/pg_query.pb-c.h>

enum sql_stmt_kind {
    SQL_STMT_SELECT,
    SQL_STMT_BEGIN,
    SQL_STMT_COMMIT,
    SQL_STMT_ROLLBACK,
    SQL_STMT_SET,           /* set_name = set_value (NULL value: RESET / DEFAULT) */
    SQL_STMT_RESET_ALL,
    SQL_STMT_SHOW,          /* set_name; "all" for SHOW ALL */
    SQL_STMT_DISCARD_ALL,
    SQL_STMT_DEALLOCATE,    /* set_name: the statement name, NULL for ALL */
    SQL_STMT_DECLARE,       /* DECLARE set_name CURSOR FOR <the SELECT bound as above> */
    SQL_STMT_FETCH,         /* FETCH / MOVE (fetch) from cursor set_name */
    SQL_STMT_CLOSE,         /* CLOSE cursor set_name, NULL for ALL */
};

/* A FETCH or MOVE as the parser gives it (PostgreSQL's FetchStmt; sql_cursor.c runs it). */
struct sql_fetch {
    enum { SQL_FETCH_FORWARD, SQL_FETCH_BACKWARD, SQL_FETCH_ABSOLUTE, SQL_FETCH_RELATIVE } dir;
    int64_t count;                  /* rows (INT64_MAX: ALL); may be negative */
    bool move;                      /* MOVE: position only, no rows */
};

struct sql_bound {
    enum sql_stmt_kind kind;
    struct sql_node *plan;          /* SELECT: its rows carry ncols visible columns first */
    int ncols;
    const char **names;
    uint32_t *types;
    int nparams;                    /* $n referenced (types inferred where not given) */
    uint32_t *param_types;
    const char *set_name, *set_value;
    bool set_local;
    int cursor_options;             /* DECLARE: PostgreSQL's CURSOR_OPT_* bits */
    struct sql_fetch fetch;         /* FETCH */
};

struct sql_bind_ctx {
    const struct sql_tables *tables;
    const char *query;              /* parse-tree locations index it */
    bool simple;                    /* simple protocol: $n refers to nothing (42P02) */
    int nparams;                    /* parameter types the client declared (0: unknown) */
    const uint32_t *param_types;
};

/* Binds stmt (the statement of one RawStmt). Memory comes from arena; the parse tree may
 * be freed afterwards (names and texts are copied). Returns 0, or LW_EINVAL with the SQL
 * error (SQLSTATE, message, 1-based character position) in err. */
int sql_bind(const struct sql_bind_ctx *ctx, const PgQuery__Node *stmt, struct lw_arena *arena,
             struct sql_bound *out, struct sql_error *err) LW_MUSTCHECK;

/* The SQL command a statement node stands for ("INSERT", "CREATE TABLE", ...). */
const char *sql_bind_command_name(const PgQuery__Node *stmt);

#endif

/* sql_plan.h -- binds one statement of a libpg_query parse tree (its JSON form, walked with
 * jansson) to a typed plan: the statement kind, the table, the output columns, the WHERE
 * constraints, ORDER BY and LIMIT/OFFSET. Whatever this first slice of the engine cannot run
 * is rejected here with Postgres's SQLSTATE for it, so the executor only sees plans it can
 * run: 25006 for writes, 42P01/42703 for unknown names, 42883 for type mismatches, 0A000 for
 * SQL that is valid but not supported yet. */
#ifndef SQL_PLAN_H
#define SQL_PLAN_H

#include "../server/core/lw_arena.h"
#include "sql_error.h"
#include "sql_tables.h"

#include <jansson.h>

enum sql_stmt_kind {
    SQL_STMT_SELECT,
    SQL_STMT_BEGIN,
    SQL_STMT_COMMIT,
    SQL_STMT_ROLLBACK,
};

enum sql_target_kind {
    SQL_TGT_COLUMN,     /* a column of the table */
    SQL_TGT_CONST,      /* a constant or a function of the session (version(), ...) */
};

struct sql_target {
    const char *name;           /* output column name (arena) */
    uint32_t type_oid;
    enum sql_target_kind kind;
    int column;                 /* SQL_TGT_COLUMN: index into table->mod->cols */
    struct sql_value value;     /* SQL_TGT_CONST; text lives in the arena */
};

/* `column op value`, value already in the column's representation. A NULL value (from
 * `col = NULL`) is never true, as in SQL. */
struct sql_pred {
    int column;
    enum sql_op op;
    struct sql_value value;
};

struct sql_sort {
    int column;                 /* table column; -1: a constant key, which orders nothing */
    bool desc, nulls_first;
};

struct sql_plan {
    enum sql_stmt_kind kind;
    const struct sql_table *table;  /* NULL: SELECT without FROM */
    struct sql_target *targets;
    int ntargets;
    struct sql_pred *preds;
    int npreds;
    struct sql_sort *sorts;
    int nsorts;
    int64_t limit;              /* -1: no LIMIT */
    int64_t offset;
};

/* What binding needs from the session. All borrowed for the call. */
struct sql_plan_ctx {
    const struct sql_tables *tables;
    const char *query;          /* the whole query text; parse-tree locations index it */
    size_t query_len;
    const char *user;
    const char *database;
    const char *version;        /* the text of version() */
    struct lw_arena *arena;     /* the statement's arena (values parsed from literals) */
};

/* Binds stmt (the "stmt" member of one RawStmt). Plan memory comes from arena and lives as
 * long as it does; stmt must outlive nothing (names and texts are copied). Returns 0, or a
 * negative code with the SQL error (SQLSTATE, message, position) in err. */
int sql_plan_build(const struct sql_plan_ctx *ctx, json_t *stmt, struct lw_arena *arena,
                   struct sql_plan *out, struct sql_error *err) LW_MUSTCHECK;

/* The SQL command a parse-tree node type stands for ("InsertStmt" -> "INSERT"); the node
 * type itself when it has no better name. */
const char *sql_plan_command_name(const char *node_type);

#endif

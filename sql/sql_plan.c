/* sql_plan.c -- parse tree (libpg_query JSON) to a bound, typed plan (sql_plan.h).
 * Supported today: SELECT of columns, `*`, constants, casts of constants, version(),
 * current_database(), now(), current_user; FROM one registered table (optionally aliased);
 * WHERE as an AND of `column op constant` and `column IS [NOT] NULL`; ORDER BY columns,
 * output names or positions; LIMIT and OFFSET constants; BEGIN, COMMIT, ROLLBACK. */
#include "sql_plan.h"

#include "sql_value.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* --- parse-tree access --------------------------------------------------------------- */

static json_t *jget(json_t *o, const char *key)
{
    return json_is_object(o) ? json_object_get(o, key) : NULL;
}

static const char *jstr(json_t *o, const char *key)
{
    json_t *v = jget(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int jloc(json_t *o)
{
    json_t *v = jget(o, "location");
    return json_is_integer(v) ? (int)json_integer_value(v) : -1;
}

/* A node is {"Type": {...}}: returns "Type" and sets *body (NULL for anything else). */
static const char *node_type(json_t *node, json_t **body)
{
    const char *key;
    json_t *val;
    *body = NULL;
    if (!json_is_object(node) || json_object_size(node) != 1)
        return NULL;
    json_object_foreach(node, key, val)
    {
        *body = val;
        return key;
    }
    return NULL;
}

/* The sval of the i-th {"String": {"sval": ...}} of a list, or NULL. */
static const char *list_str(json_t *list, size_t i)
{
    json_t *body;
    const char *t = node_type(json_array_get(list, i), &body);
    return t && strcmp(t, "String") == 0 ? jstr(body, "sval") : NULL;
}

static bool has(json_t *o, const char *key)
{
    json_t *v = jget(o, key);
    return v && !json_is_null(v) && !(json_is_array(v) && json_array_size(v) == 0);
}

/* --- errors --------------------------------------------------------------------------- */

static int fail_at(const struct sql_plan_ctx *ctx, struct sql_error *err, int loc,
                   const char *state, const char *fmt, ...) LW_PRINTF(5, 6);

static int fail_at(const struct sql_plan_ctx *ctx, struct sql_error *err, int loc,
                   const char *state, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sql_error_set(err, state, "%s", msg);
    sql_error_at(err, ctx->query, loc);
    return LW_EINVAL;
}

#define NOT_YET "0A000"

static int nomem(struct lw_arena *arena, struct sql_error *err)
{
    if (arena->exceeded)
        return sql_error_set(err, "54000", "query needs more memory than its bound of %zu bytes",
                             arena->max);
    return sql_error_set(err, "53200", "out of memory");
}

/* --- statement names ------------------------------------------------------------------ */

static const struct {
    const char *node, *command;
} commands[] = {
    {"InsertStmt", "INSERT"},
    {"UpdateStmt", "UPDATE"},
    {"DeleteStmt", "DELETE"},
    {"MergeStmt", "MERGE"},
    {"TruncateStmt", "TRUNCATE"},
    {"CreateStmt", "CREATE TABLE"},
    {"CreateTableAsStmt", "CREATE TABLE AS"},
    {"ViewStmt", "CREATE VIEW"},
    {"IndexStmt", "CREATE INDEX"},
    {"CreateSchemaStmt", "CREATE SCHEMA"},
    {"CreateRoleStmt", "CREATE ROLE"},
    {"CreatedbStmt", "CREATE DATABASE"},
    {"CreateFunctionStmt", "CREATE FUNCTION"},
    {"CreateSeqStmt", "CREATE SEQUENCE"},
    {"CreateExtensionStmt", "CREATE EXTENSION"},
    {"DropStmt", "DROP"},
    {"DropRoleStmt", "DROP ROLE"},
    {"DropdbStmt", "DROP DATABASE"},
    {"AlterTableStmt", "ALTER TABLE"},
    {"AlterRoleStmt", "ALTER ROLE"},
    {"RenameStmt", "ALTER ... RENAME"},
    {"GrantStmt", "GRANT/REVOKE"},
    {"GrantRoleStmt", "GRANT/REVOKE ROLE"},
    {"CommentStmt", "COMMENT"},
    {"VacuumStmt", "VACUUM/ANALYZE"},
    {"ReindexStmt", "REINDEX"},
    {"ClusterStmt", "CLUSTER"},
    {"RefreshMatViewStmt", "REFRESH MATERIALIZED VIEW"},
    {"LockStmt", "LOCK"},
    {"CopyStmt", "COPY"},
    {"VariableSetStmt", "SET"},
    {"VariableShowStmt", "SHOW"},
    {"ExplainStmt", "EXPLAIN"},
    {"PrepareStmt", "PREPARE"},
    {"ExecuteStmt", "EXECUTE"},
    {"DeallocateStmt", "DEALLOCATE"},
    {"DeclareCursorStmt", "DECLARE CURSOR"},
    {"FetchStmt", "FETCH"},
    {"ClosePortalStmt", "CLOSE"},
    {"DiscardStmt", "DISCARD"},
    {"ListenStmt", "LISTEN"},
    {"UnlistenStmt", "UNLISTEN"},
    {"NotifyStmt", "NOTIFY"},
    {"DoStmt", "DO"},
    {"CallStmt", "CALL"},
    {"CheckPointStmt", "CHECKPOINT"},
    {"LoadStmt", "LOAD"},
};

const char *sql_plan_command_name(const char *node_type)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].node, node_type) == 0)
            return commands[i].command;
    return node_type;
}

/* Statements that change something; lakeward refuses them all with 25006. */
static bool is_write(const char *type, json_t *body)
{
    static const char *const prefixes[] = {
        "Create", "Alter", "Drop",   "Insert",    "Update", "Delete",   "Merge",
        "Truncate", "Grant", "Rename", "Comment", "Reindex", "Cluster", "Vacuum",
        "Refresh", "Lock", "Define", "Reassign", "SecLabel", "Import", "Index",
        "View",   "Rule",  "CompositeType", "Replica"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncmp(type, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    if (strcmp(type, "CopyStmt") == 0)
        return json_is_true(jget(body, "is_from"));
    if (strcmp(type, "SelectStmt") == 0)
        return has(body, "intoClause");
    return false;
}

/* --- constants ------------------------------------------------------------------------ */

/* A constant as written: its type (INT4/INT8/NUMERIC/UNKNOWN/BOOL; 0 for NULL) and text. */
struct lit {
    uint32_t oid;
    const char *text;
    size_t len;
    int64_t ival;       /* INT4, INT8 */
    bool bval;
    int loc;
    char buf[24];
};

/* libpg_query 15's JSON output drops the value of integer constants that are zero or
 * negative ({"ival": {}}), so integers are read back from the query text at the constant's
 * location: an optional '-', blanks, digits. */
static bool int_from_text(const char *query, size_t len, int loc, int64_t *out)
{
    const char *p;
    bool neg = false;
    int64_t v = 0;
    if (!query || loc < 0 || (size_t)loc >= len)
        return false;
    p = query + loc;
    if (*p == '-') {
        neg = true;
        p++;
        while (isspace((unsigned char)*p))
            p++;
    }
    if (!isdigit((unsigned char)*p))
        return false;
    for (; isdigit((unsigned char)*p); p++) {
        if (v > (INT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (*p - '0');
    }
    *out = neg ? -v : v;
    return true;
}

/* Reads an A_Const body. */
static int read_const(const struct sql_plan_ctx *ctx, json_t *c, struct lit *l,
                      struct sql_error *err)
{
    json_t *v;
    memset(l, 0, sizeof *l);
    l->loc = jloc(c);
    if (json_is_true(jget(c, "isnull")))
        return 0;
    if ((v = jget(c, "ival"))) {
        json_t *iv = jget(v, "ival");
        if (json_is_integer(iv))
            l->ival = json_integer_value(iv);
        else if (!int_from_text(ctx->query, ctx->query_len, l->loc, &l->ival))
            return fail_at(ctx, err, l->loc, "XX000", "cannot read the integer constant here");
        l->oid = SQL_OID_INT4;
        snprintf(l->buf, sizeof l->buf, "%lld", (long long)l->ival);
        l->text = l->buf;
        l->len = strlen(l->buf);
        return 0;
    }
    if ((v = jget(c, "fval"))) {
        l->text = jstr(v, "fval");
        if (!l->text)
            return fail_at(ctx, err, l->loc, "XX000", "cannot read the numeric constant here");
        l->len = strlen(l->text);
        /* Postgres types an integer too large for int4 as bigint when it fits. */
        l->oid = lw_parse_i64(l->text, INT64_MIN, INT64_MAX, &l->ival) == 0 ? SQL_OID_INT8
                                                                             : SQL_OID_NUMERIC;
        return 0;
    }
    if ((v = jget(c, "sval"))) {
        json_t *s = jget(v, "sval");
        l->oid = SQL_OID_UNKNOWN;
        l->text = json_is_string(s) ? json_string_value(s) : "";
        l->len = json_is_string(s) ? json_string_length(s) : 0;
        return 0;
    }
    if ((v = jget(c, "boolval"))) {
        l->oid = SQL_OID_BOOL;
        l->bval = json_is_true(jget(v, "boolval"));
        l->text = l->bval ? "true" : "false";
        l->len = strlen(l->text);
        return 0;
    }
    if ((v = jget(c, "bsval")))
        return fail_at(ctx, err, l->loc, NOT_YET, "bit-string constants are not supported yet");
    return fail_at(ctx, err, l->loc, "XX000", "unrecognised constant");
}

/* The type a cast names, or 0 when lakeward has no such type yet. */
static uint32_t cast_type(json_t *type_name, const char **written)
{
    static const struct {
        const char *name;
        uint32_t oid;
    } types[] = {
        {"bool", SQL_OID_BOOL},      {"boolean", SQL_OID_BOOL},
        {"int4", SQL_OID_INT4},      {"int", SQL_OID_INT4},
        {"integer", SQL_OID_INT4},   {"int8", SQL_OID_INT8},
        {"bigint", SQL_OID_INT8},    {"text", SQL_OID_TEXT},
        {"float8", SQL_OID_FLOAT8},  {"numeric", SQL_OID_NUMERIC},
        {"decimal", SQL_OID_NUMERIC}, {"timestamptz", SQL_OID_TIMESTAMPTZ},
        {"json", SQL_OID_JSON},
    };
    json_t *names = jget(type_name, "names");
    size_t n = json_array_size(names);
    const char *last = n ? list_str(names, n - 1) : NULL;
    *written = last ? last : "?";
    if (!last || has(type_name, "arrayBounds") || has(type_name, "typmods") ||
        (n == 2 && (!list_str(names, 0) || strcmp(list_str(names, 0), "pg_catalog") != 0)) ||
        n > 2)
        return 0;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(types[i].name, last) == 0)
            return types[i].oid;
    return 0;
}

/* Turns the literal into a value of type oid (the literal's own type or a cast's).
 * Text points into the literal (the caller copies it into the arena). */
static int lit_value(const struct sql_plan_ctx *ctx, const struct lit *l, uint32_t oid,
                     struct sql_value *out, struct sql_error *err)
{
    memset(out, 0, sizeof *out);
    if (l->oid == 0)
        return 0;
    if ((l->oid == SQL_OID_INT4 || l->oid == SQL_OID_INT8) && sql_vtype_of(oid) == SQL_V_INT) {
        if (oid == SQL_OID_INT4 && (l->ival < INT32_MIN || l->ival > INT32_MAX))
            return fail_at(ctx, err, l->loc, "22003", "integer out of range");
        out->type = SQL_V_INT;
        out->u.i = l->ival;
        return 0;
    }
    if (l->oid == SQL_OID_BOOL && oid != SQL_OID_BOOL && oid != SQL_OID_TEXT)
        return fail_at(ctx, err, l->loc, "42846", "cannot cast type boolean to %s",
                       sql_type_name(oid));
    if (sql_value_parse_in(l->text, l->len, oid, ctx->arena, out, err) != 0) {
        sql_error_at(err, ctx->query, l->loc);
        return LW_EINVAL;
    }
    return 0;
}

static int copy_text(struct lw_arena *arena, struct sql_value *v, struct sql_error *err);

/* A constant expression (A_Const or a cast of one): its value and type; val's text may point
 * into *lp. Returns 1 when the node is not a constant expression. */
static int const_expr_raw(const struct sql_plan_ctx *ctx, json_t *node, struct sql_value *val,
                          uint32_t *oid, const char **colname, struct lit *lp,
                          struct sql_error *err);

/* const_expr_raw with the value's text copied into arena before the literal dies (a cast
 * like 1::text formats the integer into the literal's own buffer). */
static int const_expr(const struct sql_plan_ctx *ctx, json_t *node, struct sql_value *val,
                      uint32_t *oid, const char **colname, struct lw_arena *arena,
                      struct sql_error *err)
{
    struct lit l;   /* outlives const_expr_raw: val's text may point into it */
    int rc = const_expr_raw(ctx, node, val, oid, colname, &l, err);
    return rc == 0 ? copy_text(arena, val, err) : rc;
}

static int const_expr_raw(const struct sql_plan_ctx *ctx, json_t *node, struct sql_value *val,
                          uint32_t *oid, const char **colname, struct lit *lp,
                          struct sql_error *err)
{
    json_t *body, *arg_body;
    const char *type = node_type(node, &body), *written;
    if (!type)
        return 1;
    if (strcmp(type, "A_Const") == 0) {
        if (read_const(ctx, body, lp, err) != 0)
            return LW_EINVAL;
        *colname = lp->oid == SQL_OID_BOOL ? "bool" : "?column?";
        /* An untyped string or NULL constant becomes text, as in Postgres's output. */
        *oid = lp->oid == 0 || lp->oid == SQL_OID_UNKNOWN ? SQL_OID_TEXT : lp->oid;
        if (lp->oid == SQL_OID_BOOL) {
            memset(val, 0, sizeof *val);
            val->type = SQL_V_BOOL;
            val->u.b = lp->bval;
            return 0;
        }
        if (lp->oid == SQL_OID_NUMERIC) {
            memset(val, 0, sizeof *val);
            val->type = SQL_V_TEXT;
            val->u.s.p = lp->text;
            val->u.s.len = lp->len;
            return 0;
        }
        return lit_value(ctx, lp, *oid, val, err);
    }
    if (strcmp(type, "TypeCast") == 0) {
        const char *at = node_type(jget(body, "arg"), &arg_body);
        if (!at || strcmp(at, "A_Const") != 0)
            return fail_at(ctx, err, jloc(body), NOT_YET,
                           "casts of anything but a constant are not supported yet");
        *oid = cast_type(jget(body, "typeName"), &written);
        if (!*oid)
            return fail_at(ctx, err, jloc(jget(body, "typeName")), NOT_YET,
                           "type \"%s\" is not supported yet", written);
        if (read_const(ctx, arg_body, lp, err) != 0)
            return LW_EINVAL;
        *colname = written;
        return lit_value(ctx, lp, *oid, val, err);
    }
    return 1;
}

static int copy_text(struct lw_arena *arena, struct sql_value *v, struct sql_error *err)
{
    char *p;
    if (v->type != SQL_V_TEXT)
        return 0;
    if (!(p = lw_arena_strndup(arena, v->u.s.p, v->u.s.len)))
        return nomem(arena, err);
    v->u.s.p = p;
    return 0;
}

/* --- names ---------------------------------------------------------------------------- */

struct scope {
    const struct sql_table *table;      /* NULL: no FROM */
    const char *alias;                  /* NULL: the table's own name qualifies */
};

static int find_column(const struct sql_table *t, const char *name)
{
    for (int i = 0; t && i < t->mod->ncols; i++)
        if (strcmp(t->mod->cols[i].name, name) == 0)
            return i;
    return -1;
}

/* Checks the qualifier fields of a ColumnRef (all but the last) against the FROM item. */
static int check_qualifier(const struct sql_plan_ctx *ctx, const struct scope *sc, json_t *fields,
                           size_t nq, int loc, struct sql_error *err)
{
    const char *rel = nq >= 1 ? list_str(fields, nq - 1) : NULL;
    const char *sch = nq >= 2 ? list_str(fields, nq - 2) : NULL;
    bool ok;
    if (nq == 0)
        return 0;
    if (nq > 2)
        return fail_at(ctx, err, loc, NOT_YET, "column references with more than three parts "
                       "are not supported");
    if (!rel)
        return fail_at(ctx, err, loc, "42601", "improper qualified name");
    ok = sc->table && (sc->alias ? strcmp(rel, sc->alias) == 0 && !sch
                                 : strcmp(rel, sc->table->name) == 0 &&
                                       (!sch || strcmp(sch, sc->table->schema) == 0));
    if (!ok)
        return fail_at(ctx, err, loc, "42P01", "missing FROM-clause entry for table \"%s\"", rel);
    return 0;
}

/* Resolves a ColumnRef to a column index; star refs are handled by the caller. */
static int resolve_column(const struct sql_plan_ctx *ctx, const struct scope *sc, json_t *ref,
                          int *col, struct sql_error *err)
{
    json_t *fields = jget(ref, "fields");
    size_t n = json_array_size(fields);
    const char *name = n ? list_str(fields, n - 1) : NULL;
    int loc = jloc(ref);
    if (!name)
        return fail_at(ctx, err, loc, NOT_YET, "this kind of column reference is not supported");
    if (check_qualifier(ctx, sc, fields, n - 1, loc, err) != 0)
        return LW_EINVAL;
    *col = find_column(sc->table, name);
    if (*col < 0) {
        if (n > 1)
            return fail_at(ctx, err, loc, "42703", "column %s.%s does not exist",
                           list_str(fields, n - 2), name);
        return fail_at(ctx, err, loc, "42703", "column \"%s\" does not exist", name);
    }
    return 0;
}

static int bind_from(const struct sql_plan_ctx *ctx, json_t *sel, struct scope *sc,
                     struct lw_arena *arena, struct sql_error *err)
{
    json_t *from = jget(sel, "fromClause"), *rv, *alias;
    const char *type, *cat, *schema, *rel;
    memset(sc, 0, sizeof *sc);
    if (json_array_size(from) == 0)
        return 0;
    type = node_type(json_array_get(from, 0), &rv);
    if (json_array_size(from) > 1 || (type && strcmp(type, "JoinExpr") == 0))
        return fail_at(ctx, err, -1, NOT_YET, "joins are not supported yet; query one table");
    if (!type || strcmp(type, "RangeVar") != 0) {
        const char *what = type && strcmp(type, "RangeSubselect") == 0 ? "subqueries"
                           : type && strcmp(type, "RangeFunction") == 0 ? "functions"
                                                                         : "this kind of item";
        return fail_at(ctx, err, -1, NOT_YET, "%s in FROM are not supported yet", what);
    }
    cat = jstr(rv, "catalogname");
    schema = jstr(rv, "schemaname");
    rel = jstr(rv, "relname");
    if (!rel)
        return fail_at(ctx, err, jloc(rv), "XX000", "table reference without a name");
    if (cat && strcmp(cat, ctx->database) != 0)
        return fail_at(ctx, err, jloc(rv), NOT_YET,
                       "cross-database references are not implemented: \"%s.%s.%s\"", cat,
                       schema ? schema : "", rel);
    sc->table = sql_tables_find(ctx->tables, schema, rel);
    if (!sc->table) {
        if (schema)
            return fail_at(ctx, err, jloc(rv), "42P01", "relation \"%s.%s\" does not exist",
                           schema, rel);
        return fail_at(ctx, err, jloc(rv), "42P01", "relation \"%s\" does not exist", rel);
    }
    alias = jget(rv, "alias");
    if (alias) {
        if (has(alias, "colnames"))
            return fail_at(ctx, err, jloc(rv), NOT_YET, "column aliases in FROM are not "
                           "supported yet");
        if (jstr(alias, "aliasname") &&
            !(sc->alias = lw_arena_strndup(arena, jstr(alias, "aliasname"),
                                           strlen(jstr(alias, "aliasname")))))
            return nomem(arena, err);
    }
    return 0;
}

/* --- select list ---------------------------------------------------------------------- */

static struct sql_target *add_target(struct sql_plan *p, int *cap, struct lw_arena *arena)
{
    if (p->ntargets == *cap) {
        int ncap = *cap ? *cap * 2 : 8;
        struct sql_target *n = lw_arena_alloc(arena, (size_t)ncap * sizeof *n);
        if (!n)
            return NULL;
        if (p->ntargets)
            memcpy(n, p->targets, (size_t)p->ntargets * sizeof *n);
        p->targets = n;
        *cap = ncap;
    }
    memset(&p->targets[p->ntargets], 0, sizeof p->targets[0]);
    return &p->targets[p->ntargets++];
}

static const char *func_name(json_t *fc, size_t *nargs, bool *qualified_ok)
{
    json_t *names = jget(fc, "funcname");
    size_t n = json_array_size(names);
    *nargs = json_array_size(jget(fc, "args"));
    *qualified_ok = n == 1 || (n == 2 && list_str(names, 0) &&
                               strcmp(list_str(names, 0), "pg_catalog") == 0);
    return n ? list_str(names, n - 1) : NULL;
}

/* Session functions: version(), current_database(), now(). */
static int func_target(const struct sql_plan_ctx *ctx, json_t *fc, struct sql_target *t,
                       struct sql_error *err)
{
    static const char *const aggregates[] = {"count", "sum", "min", "max", "avg",
                                             "string_agg", "array_agg", "bool_and", "bool_or"};
    size_t nargs;
    bool qok;
    const char *name = func_name(fc, &nargs, &qok);
    int loc = jloc(fc);
    if (!name)
        return fail_at(ctx, err, loc, NOT_YET, "this kind of function call is not supported");
    for (size_t i = 0; i < sizeof aggregates / sizeof aggregates[0]; i++)
        if (strcmp(name, aggregates[i]) == 0)
            return fail_at(ctx, err, loc, NOT_YET, "aggregate functions (%s) are not "
                           "supported yet", name);
    if (!qok || nargs != 0 || has(fc, "agg_star") || has(fc, "over") || has(fc, "agg_filter"))
        return fail_at(ctx, err, loc, NOT_YET, "function %s is not supported yet", name);
    t->kind = SQL_TGT_CONST;
    t->name = name;
    if (strcmp(name, "version") == 0 || strcmp(name, "current_database") == 0) {
        const char *s = name[0] == 'v' ? ctx->version : ctx->database;
        t->type_oid = SQL_OID_TEXT;
        t->value.type = SQL_V_TEXT;
        t->value.u.s.p = s;
        t->value.u.s.len = strlen(s);
        return 0;
    }
    if (strcmp(name, "now") == 0) {
        t->type_oid = SQL_OID_TIMESTAMPTZ;
        t->value.type = SQL_V_TIME;
        t->value.u.us = lw_wall_ms() * 1000;
        return 0;
    }
    return fail_at(ctx, err, loc, NOT_YET, "function %s() is not supported yet", name);
}

/* current_user, session_user, user, current_role, current_timestamp. */
static int svf_target(const struct sql_plan_ctx *ctx, json_t *svf, struct sql_target *t,
                      struct sql_error *err)
{
    const char *op = jstr(svf, "op");
    t->kind = SQL_TGT_CONST;
    if (op && (strcmp(op, "SVFOP_CURRENT_USER") == 0 || strcmp(op, "SVFOP_USER") == 0 ||
               strcmp(op, "SVFOP_SESSION_USER") == 0 || strcmp(op, "SVFOP_CURRENT_ROLE") == 0)) {
        t->name = strcmp(op, "SVFOP_USER") == 0           ? "user"
                  : strcmp(op, "SVFOP_SESSION_USER") == 0 ? "session_user"
                  : strcmp(op, "SVFOP_CURRENT_ROLE") == 0 ? "current_role"
                                                          : "current_user";
        t->type_oid = SQL_OID_TEXT;
        t->value.type = SQL_V_TEXT;
        t->value.u.s.p = ctx->user;
        t->value.u.s.len = strlen(ctx->user);
        return 0;
    }
    if (op && strcmp(op, "SVFOP_CURRENT_TIMESTAMP") == 0) {
        t->name = "current_timestamp";
        t->type_oid = SQL_OID_TIMESTAMPTZ;
        t->value.type = SQL_V_TIME;
        t->value.u.us = lw_wall_ms() * 1000;
        return 0;
    }
    return fail_at(ctx, err, jloc(svf), NOT_YET, "this SQL value function is not supported yet");
}

static int bind_targets(const struct sql_plan_ctx *ctx, json_t *sel, const struct scope *sc,
                        struct lw_arena *arena, struct sql_plan *p, struct sql_error *err)
{
    json_t *list = jget(sel, "targetList"), *item, *rt, *val;
    size_t i;
    int cap = 0;
    json_array_foreach(list, i, item)
    {
        const char *type, *alias, *vt, *colname = NULL;
        struct sql_target *t;
        if (!(type = node_type(item, &rt)) || strcmp(type, "ResTarget") != 0)
            return fail_at(ctx, err, -1, "XX000", "unexpected select-list item");
        alias = jstr(rt, "name");
        vt = node_type(jget(rt, "val"), &val);
        if (!vt)
            return fail_at(ctx, err, jloc(rt), "XX000", "unexpected select-list item");
        if (strcmp(vt, "ColumnRef") == 0) {
            json_t *fields = jget(val, "fields"), *last_body;
            size_t n = json_array_size(fields);
            const char *lt = n ? node_type(json_array_get(fields, n - 1), &last_body) : NULL;
            if (lt && strcmp(lt, "A_Star") == 0) {
                if (!sc->table)
                    return fail_at(ctx, err, jloc(val), "42601",
                                   "SELECT * with no tables specified is not valid");
                if (check_qualifier(ctx, sc, fields, n - 1, jloc(val), err) != 0)
                    return LW_EINVAL;
                for (int c = 0; c < sc->table->mod->ncols; c++) {
                    if (sc->table->mod->cols[c].flags & SQL_COL_HIDDEN)
                        continue;
                    if (!(t = add_target(p, &cap, arena)))
                        return nomem(arena, err);
                    t->kind = SQL_TGT_COLUMN;
                    t->column = c;
                    t->name = sc->table->mod->cols[c].name;
                    t->type_oid = sc->table->mod->cols[c].type_oid;
                }
                continue;
            }
            if (!(t = add_target(p, &cap, arena)))
                return nomem(arena, err);
            if (resolve_column(ctx, sc, val, &t->column, err) != 0)
                return LW_EINVAL;
            t->kind = SQL_TGT_COLUMN;
            t->name = sc->table->mod->cols[t->column].name;
            t->type_oid = sc->table->mod->cols[t->column].type_oid;
        } else {
            int rc;
            if (!(t = add_target(p, &cap, arena)))
                return nomem(arena, err);
            t->kind = SQL_TGT_CONST;
            if (strcmp(vt, "FuncCall") == 0)
                rc = func_target(ctx, val, t, err);
            else if (strcmp(vt, "SQLValueFunction") == 0)
                rc = svf_target(ctx, val, t, err);
            else if ((rc = const_expr(ctx, jget(rt, "val"), &t->value, &t->type_oid, &colname,
                                      arena, err)) == 1)
                rc = fail_at(ctx, err, jloc(val), NOT_YET,
                             "expressions of this kind (%s) are not supported yet in the "
                             "select list", vt);
            if (rc != 0)
                return LW_EINVAL;
            if (colname)
                t->name = colname;
            if (copy_text(arena, &t->value, err) != 0)
                return LW_EINVAL;
        }
        if (alias)
            t->name = alias;
        if (!(t->name = lw_arena_strndup(arena, t->name, strlen(t->name))))
            return nomem(arena, err);
    }
    return 0;
}

/* --- WHERE ---------------------------------------------------------------------------- */

static bool parse_op(const char *s, enum sql_op *op)
{
    static const struct {
        const char *s;
        enum sql_op op;
    } ops[] = {{"=", SQL_OP_EQ}, {"<>", SQL_OP_NE}, {"!=", SQL_OP_NE}, {"<", SQL_OP_LT},
               {"<=", SQL_OP_LE}, {">", SQL_OP_GT}, {">=", SQL_OP_GE}};
    for (size_t i = 0; s && i < sizeof ops / sizeof ops[0]; i++)
        if (strcmp(ops[i].s, s) == 0) {
            *op = ops[i].op;
            return true;
        }
    return false;
}

static enum sql_op flip(enum sql_op op)
{
    switch (op) {
    case SQL_OP_LT: return SQL_OP_GT;
    case SQL_OP_LE: return SQL_OP_GE;
    case SQL_OP_GT: return SQL_OP_LT;
    case SQL_OP_GE: return SQL_OP_LE;
    default: return op;
    }
}

static struct sql_pred *add_pred(struct sql_plan *p, int *cap, struct lw_arena *arena)
{
    if (p->npreds == *cap) {
        int ncap = *cap ? *cap * 2 : 8;
        struct sql_pred *n = lw_arena_alloc(arena, (size_t)ncap * sizeof *n);
        if (!n)
            return NULL;
        if (p->npreds)
            memcpy(n, p->preds, (size_t)p->npreds * sizeof *n);
        p->preds = n;
        *cap = ncap;
    }
    memset(&p->preds[p->npreds], 0, sizeof p->preds[0]);
    return &p->preds[p->npreds++];
}

/* The literal side of a comparison, coerced to the column's type col_oid. */
static int comparison_value(const struct sql_plan_ctx *ctx, json_t *node, uint32_t col_oid,
                            const char *opname, int oploc, struct lw_arena *arena,
                            struct sql_value *out, struct sql_error *err)
{
    json_t *body, *arg_body;
    const char *type = node_type(node, &body), *written;
    uint32_t lit_oid, shown;
    struct lit l;
    if (type && strcmp(type, "TypeCast") == 0) {
        const char *at = node_type(jget(body, "arg"), &arg_body);
        if (!at || strcmp(at, "A_Const") != 0)
            return fail_at(ctx, err, jloc(body), NOT_YET, "WHERE compares a column with a "
                           "constant for now");
        if (!(lit_oid = cast_type(jget(body, "typeName"), &written)))
            return fail_at(ctx, err, jloc(jget(body, "typeName")), NOT_YET,
                           "type \"%s\" is not supported yet", written);
        if (read_const(ctx, arg_body, &l, err) != 0)
            return LW_EINVAL;
    } else if (type && strcmp(type, "A_Const") == 0) {
        if (read_const(ctx, body, &l, err) != 0)
            return LW_EINVAL;
        lit_oid = l.oid;
    } else {
        return fail_at(ctx, err, jloc(body), NOT_YET,
                       "WHERE compares a column with a constant for now");
    }
    if (l.oid == 0) {       /* NULL: the comparison is never true */
        memset(out, 0, sizeof *out);
        return 0;
    }
    shown = lit_oid;
    if (lit_oid == SQL_OID_UNKNOWN)
        lit_oid = col_oid;  /* an untyped string takes the column's type */
    if (!sql_types_comparable(col_oid, lit_oid)) {
        fail_at(ctx, err, oploc, "42883", "operator does not exist: %s %s %s",
                sql_type_name(col_oid), opname, sql_type_name(shown));
        snprintf(err->hint, sizeof err->hint, "No operator matches the given name and argument "
                 "types. You might need to add explicit type casts.");
        return LW_EINVAL;
    }
    if (lit_value(ctx, &l, lit_oid, out, err) != 0)
        return LW_EINVAL;
    if (out->type == SQL_V_TEXT && lit_oid == SQL_OID_NUMERIC) {
        /* numeric compares with the column's numbers as a double */
        struct sql_value f;
        if (sql_value_parse(out->u.s.p, out->u.s.len, SQL_OID_FLOAT8, &f, err) != 0)
            return LW_EINVAL;
        *out = f;
    }
    return copy_text(arena, out, err);     /* before l, which it may point into, dies */
}

static int bind_conjunct(const struct sql_plan_ctx *ctx, json_t *node, const struct scope *sc,
                         struct lw_arena *arena, struct sql_plan *p, int *cap,
                         struct sql_error *err)
{
    json_t *body, *l, *r, *lb, *rb, *arg;
    const char *type = node_type(node, &body);
    struct sql_pred *pr;
    if (!type)
        return fail_at(ctx, err, -1, "XX000", "unexpected WHERE clause");
    if (strcmp(type, "BoolExpr") == 0) {
        const char *op = jstr(body, "boolop");
        size_t i;
        if (!op || strcmp(op, "AND_EXPR") != 0)
            return fail_at(ctx, err, jloc(body), NOT_YET, "%s is not supported yet in WHERE; "
                           "combine column comparisons with AND",
                           op && strcmp(op, "OR_EXPR") == 0 ? "OR" : "NOT");
        json_array_foreach(jget(body, "args"), i, arg)
        {
            if (bind_conjunct(ctx, arg, sc, arena, p, cap, err) != 0)
                return LW_EINVAL;
        }
        return 0;
    }
    if (strcmp(type, "NullTest") == 0) {
        const char *at = node_type(jget(body, "arg"), &arg);
        const char *nt = jstr(body, "nulltesttype");
        if (!at || strcmp(at, "ColumnRef") != 0)
            return fail_at(ctx, err, jloc(body), NOT_YET, "IS NULL applies to a column for now");
        if (!(pr = add_pred(p, cap, arena)))
            return nomem(arena, err);
        if (resolve_column(ctx, sc, arg, &pr->column, err) != 0)
            return LW_EINVAL;
        pr->op = nt && strcmp(nt, "IS_NOT_NULL") == 0 ? SQL_OP_ISNOTNULL : SQL_OP_ISNULL;
        return 0;
    }
    if (strcmp(type, "ColumnRef") == 0) {
        /* a bare boolean column: WHERE allowed */
        if (!(pr = add_pred(p, cap, arena)))
            return nomem(arena, err);
        if (resolve_column(ctx, sc, body, &pr->column, err) != 0)
            return LW_EINVAL;
        if (sc->table->mod->cols[pr->column].type_oid != SQL_OID_BOOL)
            return fail_at(ctx, err, jloc(body), "42804", "argument of WHERE must be type "
                           "boolean, not type %s",
                           sql_type_name(sc->table->mod->cols[pr->column].type_oid));
        pr->op = SQL_OP_EQ;
        pr->value.type = SQL_V_BOOL;
        pr->value.u.b = true;
        return 0;
    }
    if (strcmp(type, "A_Expr") == 0) {
        const char *kind = jstr(body, "kind");
        json_t *names = jget(body, "name");
        const char *opname = json_array_size(names)
                                 ? list_str(names, json_array_size(names) - 1) : NULL;
        const char *lt, *rt;
        enum sql_op op;
        int col;
        uint32_t col_oid;
        if (!kind || strcmp(kind, "AEXPR_OP") != 0) {
            const char *what = !kind                                    ? "this operator"
                               : strstr(kind, "IN")                     ? "IN"
                               : strstr(kind, "LIKE")                   ? "LIKE"
                               : strstr(kind, "BETWEEN")                ? "BETWEEN"
                               : strstr(kind, "DISTINCT")               ? "IS DISTINCT FROM"
                               : strstr(kind, "ANY") || strstr(kind, "ALL") ? "ANY/ALL"
                                                                        : "this operator";
            return fail_at(ctx, err, jloc(body), NOT_YET, "%s is not supported yet in WHERE",
                           what);
        }
        if (!parse_op(opname, &op))
            return fail_at(ctx, err, jloc(body), NOT_YET, "operator %s is not supported yet",
                           opname ? opname : "?");
        l = jget(body, "lexpr");
        r = jget(body, "rexpr");
        lt = node_type(l, &lb);
        rt = node_type(r, &rb);
        if (lt && rt && strcmp(lt, "ColumnRef") != 0 && strcmp(rt, "ColumnRef") == 0) {
            json_t *tmp = l;
            l = r;
            r = tmp;
            lb = rb;
            lt = rt;
            op = flip(op);
        }
        if (!lt || strcmp(lt, "ColumnRef") != 0)
            return fail_at(ctx, err, jloc(body), NOT_YET,
                           "WHERE compares a column with a constant for now");
        if (resolve_column(ctx, sc, lb, &col, err) != 0)
            return LW_EINVAL;
        col_oid = sc->table->mod->cols[col].type_oid;
        if (!(pr = add_pred(p, cap, arena)))
            return nomem(arena, err);
        pr->column = col;
        pr->op = op;
        return comparison_value(ctx, r, col_oid, opname, jloc(body), arena, &pr->value, err);
    }
    return fail_at(ctx, err, jloc(body), NOT_YET,
                   "this kind of condition (%s) is not supported yet in WHERE", type);
}

/* --- ORDER BY, LIMIT ------------------------------------------------------------------ */

static int bind_sort(const struct sql_plan_ctx *ctx, json_t *sel, const struct scope *sc,
                     struct lw_arena *arena, struct sql_plan *p, struct sql_error *err)
{
    json_t *list = jget(sel, "sortClause"), *item, *sb, *key;
    size_t i, n = json_array_size(list);
    if (!n)
        return 0;
    if (!(p->sorts = lw_arena_alloc(arena, n * sizeof *p->sorts)))
        return nomem(arena, err);
    json_array_foreach(list, i, item)
    {
        struct sql_sort *s = &p->sorts[p->nsorts++];
        const char *t = node_type(item, &sb), *kt, *dir, *nulls;
        int target = -1;
        if (!t || strcmp(t, "SortBy") != 0)
            return fail_at(ctx, err, -1, "XX000", "unexpected ORDER BY item");
        dir = jstr(sb, "sortby_dir");
        nulls = jstr(sb, "sortby_nulls");
        if (dir && strcmp(dir, "SORTBY_USING") == 0)
            return fail_at(ctx, err, jloc(sb), NOT_YET, "ORDER BY ... USING is not supported");
        s->desc = dir && strcmp(dir, "SORTBY_DESC") == 0;
        s->nulls_first = nulls && strcmp(nulls, "SORTBY_NULLS_DEFAULT") != 0
                             ? strcmp(nulls, "SORTBY_NULLS_FIRST") == 0
                             : s->desc;
        kt = node_type(jget(sb, "node"), &key);
        if (kt && strcmp(kt, "A_Const") == 0) {
            struct lit l;
            if (read_const(ctx, key, &l, err) != 0)
                return LW_EINVAL;
            if (l.oid != SQL_OID_INT4)
                return fail_at(ctx, err, l.loc, NOT_YET, "ORDER BY takes columns or positions "
                               "for now");
            if (l.ival < 1 || l.ival > p->ntargets)
                return fail_at(ctx, err, l.loc, "42P10", "ORDER BY position %lld is not in "
                               "select list", (long long)l.ival);
            target = (int)l.ival - 1;
        } else if (kt && strcmp(kt, "ColumnRef") == 0) {
            json_t *fields = jget(key, "fields");
            const char *name = json_array_size(fields) == 1 ? list_str(fields, 0) : NULL;
            /* An unqualified name means an output column first, as in Postgres. */
            for (int k = 0; name && k < p->ntargets && target < 0; k++)
                if (strcmp(p->targets[k].name, name) == 0)
                    target = k;
            if (target < 0) {
                if (resolve_column(ctx, sc, key, &s->column, err) != 0)
                    return LW_EINVAL;
            }
        } else {
            return fail_at(ctx, err, jloc(sb), NOT_YET, "ORDER BY takes columns or positions "
                           "for now");
        }
        if (target >= 0)
            s->column = p->targets[target].kind == SQL_TGT_COLUMN ? p->targets[target].column
                                                                   : -1;
        if (s->column >= 0 && !sql_type_orderable(sc->table->mod->cols[s->column].type_oid))
            return fail_at(ctx, err, jloc(sb), "42883", "could not identify an ordering "
                           "operator for type %s",
                           sql_type_name(sc->table->mod->cols[s->column].type_oid));
    }
    return 0;
}

static int bind_count(const struct sql_plan_ctx *ctx, json_t *node, const char *what,
                      const char *neg_state, int64_t *out, struct sql_error *err)
{
    json_t *body;
    const char *t = node_type(node, &body);
    struct lit l;
    if (!t)
        return 0;
    if (strcmp(t, "A_Const") != 0)
        return fail_at(ctx, err, -1, NOT_YET, "%s takes an integer constant for now", what);
    if (read_const(ctx, body, &l, err) != 0)
        return LW_EINVAL;
    if (l.oid == 0)
        return 0;   /* LIMIT ALL / LIMIT NULL */
    if (l.oid != SQL_OID_INT4 && l.oid != SQL_OID_INT8)
        return fail_at(ctx, err, l.loc, NOT_YET, "%s takes an integer constant for now", what);
    if (l.ival < 0)
        return fail_at(ctx, err, l.loc, neg_state, "%s must not be negative", what);
    *out = l.ival;
    return 0;
}

/* --- statements ----------------------------------------------------------------------- */

static int bind_select(const struct sql_plan_ctx *ctx, json_t *sel, struct lw_arena *arena,
                       struct sql_plan *p, struct sql_error *err)
{
    const char *op = jstr(sel, "op"), *lim = jstr(sel, "limitOption");
    struct scope sc;
    int cap = 0;
    if (op && strcmp(op, "SETOP_NONE") != 0)
        return fail_at(ctx, err, -1, NOT_YET, "UNION, INTERSECT and EXCEPT are not supported yet");
    if (has(sel, "valuesLists"))
        return fail_at(ctx, err, -1, NOT_YET, "VALUES is not supported yet");
    if (has(sel, "withClause"))
        return fail_at(ctx, err, -1, NOT_YET, "WITH queries are not supported yet");
    if (has(sel, "lockingClause"))
        return fail_at(ctx, err, -1, "25006", "lakeward is read-only: SELECT FOR UPDATE/SHARE "
                       "is not accepted");
    if (has(sel, "distinctClause"))
        return fail_at(ctx, err, -1, NOT_YET, "DISTINCT is not supported yet");
    if (has(sel, "groupClause") || has(sel, "havingClause"))
        return fail_at(ctx, err, -1, NOT_YET, "GROUP BY and HAVING are not supported yet");
    if (has(sel, "windowClause"))
        return fail_at(ctx, err, -1, NOT_YET, "WINDOW is not supported yet");
    if (lim && strcmp(lim, "LIMIT_OPTION_WITH_TIES") == 0)
        return fail_at(ctx, err, -1, NOT_YET, "FETCH ... WITH TIES is not supported yet");
    p->kind = SQL_STMT_SELECT;
    p->limit = -1;
    if (bind_from(ctx, sel, &sc, arena, err) != 0)
        return LW_EINVAL;
    p->table = sc.table;
    if (bind_targets(ctx, sel, &sc, arena, p, err) != 0)
        return LW_EINVAL;
    if (has(sel, "whereClause")) {
        if (!sc.table) {
            json_t *b;
            node_type(jget(sel, "whereClause"), &b);
            return fail_at(ctx, err, jloc(b), NOT_YET, "WHERE without FROM is not supported yet");
        }
        if (bind_conjunct(ctx, jget(sel, "whereClause"), &sc, arena, p, &cap, err) != 0)
            return LW_EINVAL;
    }
    if (bind_sort(ctx, sel, &sc, arena, p, err) != 0)
        return LW_EINVAL;
    if (bind_count(ctx, jget(sel, "limitCount"), "LIMIT", "2201W", &p->limit, err) != 0 ||
        bind_count(ctx, jget(sel, "limitOffset"), "OFFSET", "2201X", &p->offset, err) != 0)
        return LW_EINVAL;
    return 0;
}

static int bind_transaction(const struct sql_plan_ctx *ctx, json_t *ts, struct sql_plan *p,
                            struct sql_error *err)
{
    const char *kind = jstr(ts, "kind");
    if (json_is_true(jget(ts, "chain")))
        return fail_at(ctx, err, -1, NOT_YET, "AND CHAIN is not supported");
    if (kind && (strcmp(kind, "TRANS_STMT_BEGIN") == 0 || strcmp(kind, "TRANS_STMT_START") == 0))
        p->kind = SQL_STMT_BEGIN;
    else if (kind && strcmp(kind, "TRANS_STMT_COMMIT") == 0)
        p->kind = SQL_STMT_COMMIT;
    else if (kind && strcmp(kind, "TRANS_STMT_ROLLBACK") == 0)
        p->kind = SQL_STMT_ROLLBACK;
    else
        return fail_at(ctx, err, -1, NOT_YET, "savepoints and prepared transactions are not "
                       "supported (lakeward is read-only)");
    return 0;
}

int sql_plan_build(const struct sql_plan_ctx *ctx, json_t *stmt, struct lw_arena *arena,
                   struct sql_plan *out, struct sql_error *err)
{
    json_t *body;
    const char *type = node_type(stmt, &body);
    memset(out, 0, sizeof *out);
    if (!type)
        return sql_error_set(err, "XX000", "unexpected parse tree");
    if (is_write(type, body)) {
        sql_error_set(err, "25006", "lakeward is read-only");
        snprintf(err->detail, sizeof err->detail, "%s statements are not accepted.",
                 strcmp(type, "SelectStmt") == 0 ? "SELECT INTO" : sql_plan_command_name(type));
        snprintf(err->hint, sizeof err->hint, "Permissions are changed in Lakekeeper; lakeward "
                 "shows them.");
        return LW_EINVAL;
    }
    if (strcmp(type, "SelectStmt") == 0)
        return bind_select(ctx, body, arena, out, err);
    if (strcmp(type, "TransactionStmt") == 0)
        return bind_transaction(ctx, body, out, err);
    return sql_error_set(err, NOT_YET, "%s is not supported yet", sql_plan_command_name(type));
}

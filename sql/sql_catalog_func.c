/* sql_catalog_func.c -- the functions catalog queries call (psql's \d family, Grafana's and
 * JDBC's metadata queries): names and visibility (pg_get_userbyid, pg_*_is_visible,
 * format_type, quote_ident), object definitions (pg_get_*def, pg_get_expr:
 * lakeward has no indexes, constraints, rules or defaults, so they are NULL), descriptions
 * (none), sizes (virtual tables occupy no storage: 0), and privileges. One function family
 * of the registry (sql_func.h), with PostgreSQL's pg_proc OIDs and signatures.
 *
 * Privileges say what lakeward's SQL face allows: every signed-in user may SELECT every
 * table (rows are filtered by what Lakekeeper lets the user see), USAGE every schema and
 * CONNECT to the database; nothing else is granted because the face is read-only. */
#include "sql_catalog_func.h"

#include "../server/core/lw_arena.h"
#include "sql_catalog_int.h"
#include "sql_engine.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define ARGS struct sql_fcall *c, int argc, const struct sql_value *argv, struct sql_value *out

/* --- helpers -------------------------------------------------------------------------- */

static int ret_text(struct sql_fcall *c, struct sql_value *out, const char *p, size_t len)
{
    char *d = lw_arena_strndup(c->arena, p, len);
    if (!d)
        return sql_error_set(c->err, "54000", "out of memory for the statement");
    out->type = SQL_V_TEXT;
    out->u.s.p = d;
    out->u.s.len = len;
    return 0;
}

static int ret_buf(struct sql_fcall *c, struct sql_value *out, struct lw_buf *b)
{
    int rc = b->failed ? sql_error_set(c->err, "54000", "out of memory for the statement")
                       : ret_text(c, out, b->data ? b->data : "", b->len);
    lw_buf_free(b);
    return rc;
}

static void ret_bool(struct sql_value *out, bool b)
{
    out->type = SQL_V_BOOL;
    out->u.b = b;
}

static void ret_int(struct sql_value *out, int64_t i)
{
    out->type = SQL_V_INT;
    out->u.i = i;
}

static void ret_null(struct sql_value *out)
{
    out->type = SQL_V_NULL;
}

static const struct sql_tables *tables_of(const struct sql_fcall *c)
{
    return c->session ? c->session->o.tables : NULL;
}

static const char *user_of(const struct sql_fcall *c)
{
    return c->session ? c->session->o.user : NULL;
}

/* A text argument as a NUL-terminated copy in the arena (NULL when memory runs out). */
static char *arg_str(struct sql_fcall *c, const struct sql_value *v)
{
    return lw_arena_strndup(c->arena, v->u.s.p, v->u.s.len);
}

/* --- names and visibility ------------------------------------------------------------- */

static const char *role_name(const struct sql_fcall *c, uint32_t oid)
{
    const char *user = user_of(c);
    if (oid == SQL_CATALOG_OWNER_OID)
        return SQL_CATALOG_OWNER_NAME;
    if (user && oid == sql_catalog_oid("role", NULL, user))
        return user;
    return NULL;
}

static int f_pg_get_userbyid(ARGS)
{
    const char *name = role_name(c, (uint32_t)argv[0].u.i);
    char buf[64];
    (void)argc;
    if (name)
        return ret_text(c, out, name, strlen(name));
    snprintf(buf, sizeof buf, "unknown (OID=%u)", (unsigned)argv[0].u.i);   /* as PostgreSQL */
    return ret_text(c, out, buf, strlen(buf));
}

static int f_pg_table_is_visible(ARGS)
{
    const struct sql_tables *t = tables_of(c);
    const struct sql_table *tab = t ? sql_catalog_rel_by_oid(t, (uint32_t)argv[0].u.i) : NULL;
    (void)argc;
    if (!tab) {
        ret_null(out);
        return 0;
    }
    /* Visible when its schema is on the path and no earlier schema has the same name. */
    ret_bool(out, cat_find_table(t, NULL, tab->name) == tab);
    return 0;
}

static int f_pg_type_is_visible(ARGS)
{
    (void)c, (void)argc;
    if (sql_type_get((uint32_t)argv[0].u.i))
        ret_bool(out, true);    /* every type lives in pg_catalog */
    else
        ret_null(out);
    return 0;
}

/* The function an OID argument names (built-in or module function), or NULL. */
static const struct sql_func *func_arg(const struct sql_fcall *c, const struct sql_value *v,
                                       const char **schema)
{
    return sql_catalog_func_by_oid(tables_of(c), (uint32_t)v->u.i, schema);
}

static int f_pg_function_is_visible(ARGS)
{
    const char *schema;
    const struct sql_func *fn = func_arg(c, &argv[0], &schema);
    (void)argc;
    if (fn)
        ret_bool(out, cat_func_visible(tables_of(c), fn, schema));
    else
        ret_null(out);
    return 0;
}

static int f_format_type(ARGS)
{
    struct lw_buf b;
    (void)argc;
    if (argv[0].type == SQL_V_NULL) {
        ret_null(out);
        return 0;
    }
    lw_buf_init(&b, 1024);
    if (!cat_format_type((uint32_t)argv[0].u.i, argv[1].type == SQL_V_NULL ? -1 : argv[1].u.i,
                         argv[1].type != SQL_V_NULL, &b)) {
        lw_buf_free(&b);
        return sql_error_set(c->err, "XX000", "invalid INTERVAL typmod: 0x%llx",
                             (unsigned long long)(uint32_t)argv[1].u.i);
    }
    return ret_buf(c, out, &b);
}

static int f_pg_get_function_result(ARGS)
{
    const char *schema;
    const struct sql_func *fn = func_arg(c, &argv[0], &schema);
    struct lw_buf b;
    (void)argc;
    if (!fn) {
        ret_null(out);
        return 0;
    }
    lw_buf_init(&b, 1024);
    if (fn->kind == SQL_FN_SRF)
        lw_buf_printf(&b, "SETOF ");
    cat_format_type(fn->ret, -1, false, &b);
    return ret_buf(c, out, &b);
}

static int f_pg_get_function_arguments(ARGS)
{
    const char *schema;
    const struct sql_func *fn = func_arg(c, &argv[0], &schema);
    struct lw_buf b;
    (void)argc;
    if (!fn) {
        ret_null(out);
        return 0;
    }
    lw_buf_init(&b, 1024);
    for (int i = 0; i < fn->nargs; i++) {
        bool variadic = fn->variadic && i == fn->nargs - 1;
        /* an ordered-set aggregate's WITHIN GROUP arguments follow its direct ones */
        const char *sep = i == sql_agg_ordered_ndirect(fn) ? (i ? " ORDER BY " : "ORDER BY ")
                          : i ? ", " : "";
        lw_buf_printf(&b, "%s%s", sep, variadic ? "VARIADIC " : "");
        cat_format_type(fn->args[i], -1, false, &b);
        if (variadic && fn->args[i] != SQL_OID_ANY)
            lw_buf_printf(&b, "[]");    /* the parameter is declared as the array */
    }
    return ret_buf(c, out, &b);
}

static int f_quote_ident(ARGS)
{
    struct lw_buf b;
    (void)argc;
    lw_buf_init(&b, 2 * argv[0].u.s.len + 3);
    cat_quote_ident(argv[0].u.s.p, argv[0].u.s.len, &b);
    return ret_buf(c, out, &b);
}

/* The encodings a client may meet here, by PostgreSQL's numbers: lakeward speaks UTF8. */
static const char *const encodings[] = {[0] = "SQL_ASCII", [6] = "UTF8"};
#define NENCODINGS ((int64_t)(sizeof encodings / sizeof encodings[0]))
#define DATABASE_ENCODING 6

static int f_pg_encoding_to_char(ARGS)
{
    int64_t e = argv[0].u.i;
    const char *name = e >= 0 && e < NENCODINGS && encodings[e] ? encodings[e] : "";
    (void)argc;
    return ret_text(c, out, name, strlen(name));
}

/* Case and punctuation are ignored, as PostgreSQL's clean_encoding_name does ("utf-8"). */
static int f_pg_char_to_encoding(ARGS)
{
    char want[32];
    size_t n = 0;
    (void)c, (void)argc;
    for (size_t i = 0; i < argv[0].u.s.len && n < sizeof want - 1; i++)
        if (isalnum((unsigned char)argv[0].u.s.p[i]))
            want[n++] = (char)tolower((unsigned char)argv[0].u.s.p[i]);
    want[n] = '\0';
    ret_int(out, -1);
    for (int64_t e = 0; e < NENCODINGS; e++) {
        char have[32];
        size_t k = 0;
        for (const char *p = encodings[e]; p && *p && k < sizeof have - 1; p++)
            if (isalnum((unsigned char)*p))
                have[k++] = (char)tolower((unsigned char)*p);
        have[k] = '\0';
        if (encodings[e] && strcmp(have, want) == 0)
            ret_int(out, e);
    }
    return 0;
}

static int f_getdatabaseencoding(ARGS)
{
    (void)argc, (void)argv;
    return ret_text(c, out, encodings[DATABASE_ENCODING], strlen(encodings[DATABASE_ENCODING]));
}

static int f_pg_operator_is_visible(ARGS)
{
    (void)c, (void)argc;
    ret_null(out);
    for (int f = 0; f < sql_func_nfamilies(); f++) {
        const struct sql_func_family *fam = sql_func_family_at(f);
        for (int i = 0; i < fam->nopers; i++)
            if (fam->opers[i].oid == (uint32_t)argv[0].u.i)
                ret_bool(out, true);    /* every operator lives in pg_catalog */
    }
    return 0;
}

static int f_pg_collation_is_visible(ARGS)
{
    /* pg_collation's rows: default, C, POSIX (sql_catalog_pg.c). */
    uint32_t oid = (uint32_t)argv[0].u.i;
    (void)c, (void)argc;
    if (oid == 100 || oid == 950 || oid == 951)
        ret_bool(out, true);
    else
        ret_null(out);
    return 0;
}

/* --- definitions, descriptions, sizes: lakeward has none ------------------------------ */

static int f_null(ARGS)
{
    (void)c, (void)argc, (void)argv;
    ret_null(out);
    return 0;
}

static int f_false(ARGS)
{
    (void)c, (void)argc, (void)argv;
    ret_bool(out, false);
    return 0;
}

static int f_zero(ARGS)
{
    (void)c, (void)argc, (void)argv;
    ret_int(out, 0);
    return 0;
}

static int f_empty_text(ARGS)
{
    (void)argc, (void)argv;
    return ret_text(c, out, "", 0);
}

/* pg_get_expr decompiles a pg_node_tree; lakeward's catalogs hold none (every such column
 * is NULL), so a non-NULL argument came from elsewhere and is refused, never guessed at. */
static int f_pg_get_expr(ARGS)
{
    (void)argc, (void)argv, (void)out;
    return sql_error_set(c->err, "0A000", "pg_get_expr of an expression is not supported: "
                         "lakeward's catalogs hold no expressions");
}

static int f_pg_size_pretty(ARGS)
{
    /* PostgreSQL 15's steps: bytes below 10 kB, then each unit while below 20 units - 1,
     * halves rounded away from zero. */
    static const struct {
        const char *name;
        int64_t limit;
        bool round;
        int bits;
    } units[] = {{"bytes", 10 * 1024, false, 0}, {"kB", 20 * 1024 - 1, true, 10},
                 {"MB", 20 * 1024 - 1, true, 20}, {"GB", 20 * 1024 - 1, true, 30},
                 {"TB", 20 * 1024 - 1, true, 40}, {"PB", 20 * 1024 - 1, true, 50}};
    const int nunits = (int)(sizeof units / sizeof units[0]);
    int64_t size = argv[0].u.i;
    char buf[64];
    (void)argc;
    for (int u = 0; u < nunits; u++) {
        int64_t mag = size < 0 ? -size : size;
        if (u == nunits - 1 || mag < units[u].limit) {
            if (units[u].round)
                size = (size + (size < 0 ? -1 : 1)) / 2;
            snprintf(buf, sizeof buf, "%lld %s", (long long)size, units[u].name);
            return ret_text(c, out, buf, strlen(buf));
        }
        /* Keep one extra bit for the halving when the next unit rounds. */
        size /= (int64_t)1 << (units[u + 1].bits - units[u].bits - (units[u + 1].round ? 1 : 0) +
                               (units[u].round ? 1 : 0));
    }
    return ret_text(c, out, "", 0);
}

/* --- privileges ----------------------------------------------------------------------- */

enum priv_object { PRIV_TABLE, PRIV_SCHEMA, PRIV_DATABASE, PRIV_ROLE };

static const struct {
    enum priv_object obj;
    const char *name;
    bool granted;
} privileges[] = {
    {PRIV_TABLE, "SELECT", true},     {PRIV_TABLE, "INSERT", false},
    {PRIV_TABLE, "UPDATE", false},    {PRIV_TABLE, "DELETE", false},
    {PRIV_TABLE, "TRUNCATE", false},  {PRIV_TABLE, "REFERENCES", false},
    {PRIV_TABLE, "TRIGGER", false},   {PRIV_SCHEMA, "USAGE", true},
    {PRIV_SCHEMA, "CREATE", false},   {PRIV_DATABASE, "CONNECT", true},
    {PRIV_DATABASE, "CREATE", false}, {PRIV_DATABASE, "TEMPORARY", false},
    {PRIV_DATABASE, "TEMP", false},   {PRIV_ROLE, "MEMBER", true},
    {PRIV_ROLE, "USAGE", true},
};

/* Whether the comma-separated privilege list grants anything on obj (PostgreSQL: true when
 * any listed privilege is held). A privilege WITH GRANT/ADMIN OPTION is never held; an
 * unknown name is 22023, as in PostgreSQL. */
static int priv_check(struct sql_fcall *c, enum priv_object obj, const struct sql_value *list,
                      bool *held)
{
    const char *p = list->u.s.p, *end = p + list->u.s.len;
    *held = false;
    while (p <= end) {
        const char *comma = memchr(p, ',', (size_t)(end - p)), *e = comma ? comma : end;
        const char *a = p, *z = e;
        bool option = false, known = false;
        while (a < z && isspace((unsigned char)*a))
            a++;
        while (z > a && isspace((unsigned char)z[-1]))
            z--;
        for (const char *suffix = " WITH GRANT OPTION"; suffix;
             suffix = strcmp(suffix, " WITH GRANT OPTION") == 0 ? " WITH ADMIN OPTION" : NULL) {
            size_t sl = strlen(suffix);
            if ((size_t)(z - a) > sl && strncasecmp(z - sl, suffix, sl) == 0) {
                z -= sl;
                option = true;
            }
        }
        for (size_t i = 0; i < sizeof privileges / sizeof privileges[0]; i++)
            if (privileges[i].obj == obj && strlen(privileges[i].name) == (size_t)(z - a) &&
                strncasecmp(privileges[i].name, a, (size_t)(z - a)) == 0) {
                known = true;
                *held = *held || (privileges[i].granted && !option);
            }
        if (!known)
            return sql_error_set(c->err, "22023", "unrecognized privilege type: \"%.*s\"",
                                 (int)(e - p), p);
        if (!comma)
            break;
        p = comma + 1;
    }
    return 0;
}

/* The role argument of the three-argument forms: one pg_roles knows (42704 otherwise). */
static int priv_role(struct sql_fcall *c, const struct sql_value *v, uint32_t type)
{
    const char *user = user_of(c);
    if (type == SQL_OID_OID) {
        if (role_name(c, (uint32_t)v->u.i))
            return 0;
        return sql_error_set(c->err, "42704", "role with OID %u does not exist",
                             (unsigned)v->u.i);
    }
    if ((v->u.s.len == strlen(SQL_CATALOG_OWNER_NAME) &&
         memcmp(v->u.s.p, SQL_CATALOG_OWNER_NAME, v->u.s.len) == 0) ||
        (user && v->u.s.len == strlen(user) && memcmp(v->u.s.p, user, v->u.s.len) == 0))
        return 0;
    return sql_error_set(c->err, "42704", "role \"%.*s\" does not exist", (int)v->u.s.len,
                         v->u.s.p);
}

/* The table a name argument names ("schema.name" or a name on the search path). */
static const struct sql_table *find_table(struct sql_fcall *c, const struct sql_value *v)
{
    const struct sql_tables *t = tables_of(c);
    char buf[256];
    const char *parts[2];
    int n = cat_parse_name(v->u.s.p, v->u.s.len, buf, sizeof buf, parts, 2);
    if (!t || n < 1)
        return NULL;
    return cat_find_table(t, n == 2 ? parts[0] : NULL, parts[n - 1]);
}

/* Resolves the object argument: *exists false makes the result NULL (an OID that names
 * nothing); a name that names nothing is PostgreSQL's error for that kind. */
static int priv_object(struct sql_fcall *c, enum priv_object obj, const struct sql_value *v,
                       uint32_t type, bool *exists)
{
    const struct sql_tables *t = tables_of(c);
    *exists = true;
    if (type == SQL_OID_OID) {
        uint32_t oid = (uint32_t)v->u.i;
        *exists = obj == PRIV_TABLE      ? t && sql_catalog_rel_by_oid(t, oid)
                  : obj == PRIV_SCHEMA   ? t && sql_catalog_nsp_name(t, oid)
                  : obj == PRIV_DATABASE ? oid == sql_catalog_oid("db", NULL, SQL_CATALOG_DATABASE)
                                         : false;
        return 0;
    }
    switch (obj) {
    case PRIV_TABLE:
        if (find_table(c, v))
            return 0;
        return sql_error_set(c->err, "42P01", "relation \"%.*s\" does not exist",
                             (int)v->u.s.len, v->u.s.p);
    case PRIV_SCHEMA: {
        char *name = arg_str(c, v);
        if (t && name && sql_catalog_nsp_oid(t, name))
            return 0;
        return sql_error_set(c->err, "3F000", "schema \"%.*s\" does not exist",
                             (int)v->u.s.len, v->u.s.p);
    }
    case PRIV_DATABASE:
        if (v->u.s.len == strlen(SQL_CATALOG_DATABASE) &&
            memcmp(v->u.s.p, SQL_CATALOG_DATABASE, v->u.s.len) == 0)
            return 0;
        return sql_error_set(c->err, "3D000", "database \"%.*s\" does not exist",
                             (int)v->u.s.len, v->u.s.p);
    case PRIV_ROLE:
        break;  /* roles are checked by priv_role */
    }
    return 0;
}

/* has_*_privilege([role,] object, privileges): the object is the next-to-last argument. */
static int has_privilege(struct sql_fcall *c, enum priv_object obj, int argc,
                         const struct sql_value *argv, struct sql_value *out)
{
    bool exists, held;
    int rc;
    if (argc == 3 && (rc = priv_role(c, &argv[0], c->arg_oids[0])) != 0)
        return rc;
    if ((rc = priv_object(c, obj, &argv[argc - 2], c->arg_oids[argc - 2], &exists)) != 0 ||
        (rc = priv_check(c, obj, &argv[argc - 1], &held)) != 0)
        return rc;
    if (!exists)
        ret_null(out);
    else
        ret_bool(out, held);
    return 0;
}

static int f_has_table_privilege(ARGS) { return has_privilege(c, PRIV_TABLE, argc, argv, out); }
static int f_has_schema_privilege(ARGS) { return has_privilege(c, PRIV_SCHEMA, argc, argv, out); }
static int f_has_database_privilege(ARGS)
{
    return has_privilege(c, PRIV_DATABASE, argc, argv, out);
}

/* The role a role argument names (resolved through its OID for the oid forms); NULL when
 * pg_roles has no such role. */
static const char *role_arg(struct sql_fcall *c, const struct sql_value *v, uint32_t type)
{
    return type == SQL_OID_OID ? role_name(c, (uint32_t)v->u.i) : arg_str(c, v);
}

/* pg_has_role([member,] role, privilege): a role is a member of itself only (lakeward has
 * no role hierarchy); the member defaults to the session's user. */
static int f_pg_has_role(ARGS)
{
    const char *member, *role;
    bool held;
    int rc;
    if ((argc == 3 && (rc = priv_role(c, &argv[0], c->arg_oids[0])) != 0) ||
        (rc = priv_role(c, &argv[argc - 2], c->arg_oids[argc - 2])) != 0 ||
        (rc = priv_check(c, PRIV_ROLE, &argv[argc - 1], &held)) != 0)
        return rc;
    member = argc == 3 ? role_arg(c, &argv[0], c->arg_oids[0]) : user_of(c);
    role = role_arg(c, &argv[argc - 2], c->arg_oids[argc - 2]);
    ret_bool(out, held && member && role && strcmp(member, role) == 0);
    return 0;
}

/* --- the table ------------------------------------------------------------------------ */

#define S SQL_VOL_STABLE
#define V SQL_VOL_VOLATILE
#define I SQL_VOL_IMMUTABLE
#define FN(oid, name, vol, strict, fn, ret, n, ...)                                           \
    {oid, name, SQL_FN_SCALAR, vol, strict, false, n, {__VA_ARGS__}, ret, fn, NULL, NULL}
#define O SQL_OID_OID
#define T SQL_OID_TEXT
#define N SQL_OID_NAME
#define B SQL_OID_BOOL
#define I4 SQL_OID_INT4
#define I8 SQL_OID_INT8
#define RC SQL_OID_REGCLASS

static const struct sql_func funcs[] = {
    FN(1642, "pg_get_userbyid", S, true, f_pg_get_userbyid, N, 1, O),
    FN(2079, "pg_table_is_visible", S, true, f_pg_table_is_visible, B, 1, O),
    FN(2080, "pg_type_is_visible", S, true, f_pg_type_is_visible, B, 1, O),
    FN(2081, "pg_function_is_visible", S, true, f_pg_function_is_visible, B, 1, O),
    FN(1081, "format_type", S, false, f_format_type, T, 2, O, I4),
    FN(2165, "pg_get_function_result", S, true, f_pg_get_function_result, T, 1, O),
    FN(2162, "pg_get_function_arguments", S, true, f_pg_get_function_arguments, T, 1, O),
    FN(2232, "pg_get_function_identity_arguments", S, true, f_pg_get_function_arguments, T, 1,
       O),
    FN(1282, "quote_ident", I, true, f_quote_ident, T, 1, T),
    FN(1597, "pg_encoding_to_char", S, true, f_pg_encoding_to_char, N, 1, I4),
    FN(1264, "pg_char_to_encoding", S, true, f_pg_char_to_encoding, I4, 1, N),
    FN(1039, "getdatabaseencoding", S, true, f_getdatabaseencoding, N, 0, 0),
    FN(2082, "pg_operator_is_visible", S, true, f_pg_operator_is_visible, B, 1, O),
    FN(3815, "pg_collation_is_visible", S, true, f_pg_collation_is_visible, B, 1, O),
    FN(2083, "pg_opclass_is_visible", S, true, f_null, B, 1, O),
    FN(2093, "pg_conversion_is_visible", S, true, f_null, B, 1, O),
    FN(3403, "pg_statistics_obj_is_visible", S, true, f_null, B, 1, O),
    FN(3758, "pg_ts_config_is_visible", S, true, f_null, B, 1, O),
    FN(1716, "pg_get_expr", S, true, f_pg_get_expr, T, 2, T, O),
    FN(2509, "pg_get_expr", S, true, f_pg_get_expr, T, 3, T, O, B),
    FN(1643, "pg_get_indexdef", S, true, f_null, T, 1, O),
    FN(2507, "pg_get_indexdef", S, true, f_null, T, 3, O, I4, B),
    FN(1387, "pg_get_constraintdef", S, true, f_null, T, 1, O),
    FN(2508, "pg_get_constraintdef", S, true, f_null, T, 2, O, B),
    FN(1641, "pg_get_viewdef", S, true, f_null, T, 1, O),
    FN(2506, "pg_get_viewdef", S, true, f_null, T, 2, O, B),
    FN(3159, "pg_get_viewdef", S, true, f_null, T, 2, O, I4),
    FN(1640, "pg_get_viewdef", S, true, f_null, T, 1, T),
    FN(2505, "pg_get_viewdef", S, true, f_null, T, 2, T, B),
    FN(1573, "pg_get_ruledef", S, true, f_null, T, 1, O),
    FN(2504, "pg_get_ruledef", S, true, f_null, T, 2, O, B),
    FN(1662, "pg_get_triggerdef", S, true, f_null, T, 1, O),
    FN(2730, "pg_get_triggerdef", S, true, f_null, T, 2, O, B),
    FN(6174, "pg_get_statisticsobjdef_columns", S, true, f_null, T, 1, O),
    FN(6197, "pg_get_function_sqlbody", S, true, f_null, T, 1, O),
    FN(1348, "obj_description", S, true, f_null, T, 1, O),
    FN(1215, "obj_description", S, true, f_null, T, 2, O, N),
    FN(1216, "col_description", S, true, f_null, T, 2, O, I4),
    FN(1993, "shobj_description", S, true, f_null, T, 2, O, N),
    FN(2325, "pg_relation_size", V, true, f_zero, I8, 1, RC),
    FN(2332, "pg_relation_size", V, true, f_zero, I8, 2, RC, T),
    FN(2997, "pg_table_size", V, true, f_zero, I8, 1, RC),
    FN(2998, "pg_indexes_size", V, true, f_zero, I8, 1, RC),
    FN(2286, "pg_total_relation_size", V, true, f_zero, I8, 1, RC),
    FN(2168, "pg_database_size", V, true, f_zero, I8, 1, N),
    FN(2324, "pg_database_size", V, true, f_zero, I8, 1, O),
    FN(2288, "pg_size_pretty", I, true, f_pg_size_pretty, T, 1, I8),
    FN(2855, "pg_is_other_temp_schema", S, true, f_false, B, 1, O),
    FN(3778, "pg_tablespace_location", S, true, f_empty_text, T, 1, O),
    FN(6121, "pg_relation_is_publishable", S, true, f_false, B, 1, RC),
    FN(1922, "has_table_privilege", S, true, f_has_table_privilege, B, 3, N, T, T),
    FN(1923, "has_table_privilege", S, true, f_has_table_privilege, B, 3, N, O, T),
    FN(1924, "has_table_privilege", S, true, f_has_table_privilege, B, 3, O, T, T),
    FN(1925, "has_table_privilege", S, true, f_has_table_privilege, B, 3, O, O, T),
    FN(1926, "has_table_privilege", S, true, f_has_table_privilege, B, 2, T, T),
    FN(1927, "has_table_privilege", S, true, f_has_table_privilege, B, 2, O, T),
    FN(2268, "has_schema_privilege", S, true, f_has_schema_privilege, B, 3, N, T, T),
    FN(2269, "has_schema_privilege", S, true, f_has_schema_privilege, B, 3, N, O, T),
    FN(2270, "has_schema_privilege", S, true, f_has_schema_privilege, B, 3, O, T, T),
    FN(2271, "has_schema_privilege", S, true, f_has_schema_privilege, B, 3, O, O, T),
    FN(2272, "has_schema_privilege", S, true, f_has_schema_privilege, B, 2, T, T),
    FN(2273, "has_schema_privilege", S, true, f_has_schema_privilege, B, 2, O, T),
    FN(2250, "has_database_privilege", S, true, f_has_database_privilege, B, 3, N, T, T),
    FN(2251, "has_database_privilege", S, true, f_has_database_privilege, B, 3, N, O, T),
    FN(2252, "has_database_privilege", S, true, f_has_database_privilege, B, 3, O, T, T),
    FN(2253, "has_database_privilege", S, true, f_has_database_privilege, B, 3, O, O, T),
    FN(2254, "has_database_privilege", S, true, f_has_database_privilege, B, 2, T, T),
    FN(2255, "has_database_privilege", S, true, f_has_database_privilege, B, 2, O, T),
    FN(2705, "pg_has_role", S, true, f_pg_has_role, B, 3, N, N, T),
    FN(2706, "pg_has_role", S, true, f_pg_has_role, B, 3, N, O, T),
    FN(2707, "pg_has_role", S, true, f_pg_has_role, B, 3, O, N, T),
    FN(2708, "pg_has_role", S, true, f_pg_has_role, B, 3, O, O, T),
    FN(2709, "pg_has_role", S, true, f_pg_has_role, B, 2, N, T),
    FN(2710, "pg_has_role", S, true, f_pg_has_role, B, 2, O, T),
};

const struct sql_func_family sql_func_family_catalog = {
    funcs, (int)(sizeof funcs / sizeof funcs[0]), NULL, 0,
};

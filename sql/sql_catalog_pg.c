/* sql_catalog_pg.c -- the pg_catalog relations, with PostgreSQL 15's column names and
 * types (checked against `\d pg_catalog.<name>` of a real PostgreSQL 15; the three types
 * lakeward does not register are shown as CAT_ACL, CAT_NODE and CAT_XID say). Rows come
 * from the registries at scan time: pg_class/pg_attribute/pg_namespace from the table
 * registry, pg_type/pg_cast from the type registry, pg_proc/pg_operator from the function
 * registry, pg_settings from the settings table, pg_cursors from the session's cursors
 * (sql_query_ctx.cursor_at); the session's principal is the one login role. Relations lakeward has nothing for (constraints, indexes, policies, publications,
 * ...) exist with their columns and no rows, so psql's and drivers' queries over them run. */
#include "sql_catalog_int.h"

#include "sql_func.h"
#include "sql_settings.h"

#include <string.h>

#define O SQL_OID_OID
#define N SQL_OID_NAME
#define T SQL_OID_TEXT
#define B SQL_OID_BOOL
#define C SQL_OID_CHAR
#define I2 SQL_OID_INT2
#define I4 SQL_OID_INT4
#define I8 SQL_OID_INT8
#define F4 SQL_OID_FLOAT4
#define RP SQL_OID_REGPROC
#define TZ SQL_OID_TIMESTAMPTZ
#define TA SQL_OID_TEXT_ARRAY
#define OA SQL_OID_OID_ARRAY
#define I2A SQL_OID_INT2_ARRAY
#define CA SQL_OID_CHAR_ARRAY
#define I2V SQL_OID_INT2VECTOR
#define OV SQL_OID_OIDVECTOR
#define BY SQL_OID_BYTEA

/* PostgreSQL's fixed OIDs this file refers to. */
#define TABLESPACE_DEFAULT 1663u
#define TABLESPACE_GLOBAL 1664u
#define AM_HEAP 2u
#define LANG_INTERNAL 12u
#define ENCODING_UTF8 6

static int build_empty(struct cat_scan *s)
{
    (void)s;
    return 0;
}

/* --- roles: the owner of everything, and the session's principal ---------------------- */

struct cat_role {
    uint32_t oid;
    const char *name;
    bool super, login;
};

/* Fills out[0..2) and returns the count. */
static int roles(const struct cat_scan *s, struct cat_role *out)
{
    const char *who = s->qc ? s->qc->principal : NULL;
    bool admin = s->qc && s->qc->admin;
    int n = 0;
    out[n++] = (struct cat_role){SQL_CATALOG_OWNER_OID, SQL_CATALOG_OWNER_NAME, true, false};
    if (who && strcmp(who, SQL_CATALOG_OWNER_NAME) == 0)
        out[0].login = true;
    else if (who)
        out[n++] = (struct cat_role){sql_catalog_oid("role", NULL, who), who, admin, true};
    return n;
}

#define PG_ROLES(X)                                                                          \
    X(rol, rolname, N) X(rol, rolsuper, B) X(rol, rolinherit, B) X(rol, rolcreaterole, B)   \
    X(rol, rolcreatedb, B) X(rol, rolcanlogin, B) X(rol, rolreplication, B)                \
    X(rol, rolconnlimit, I4) X(rol, rolpassword, T) X(rol, rolvaliduntil, TZ)              \
    X(rol, rolbypassrls, B) X(rol, rolconfig, TA) X(rol, oid, O)
enum { PG_ROLES(CAT_IDX) };

static int build_roles(struct cat_scan *s)
{
    struct cat_role r[2];
    int n = roles(s, r);
    for (int i = 0; i < n; i++) {
        struct sql_value *v = cat_row(s);
        if (!v)
            return 0;
        cat_text(&v[rol_rolname], r[i].name);
        cat_bool(&v[rol_rolsuper], r[i].super);
        cat_bool(&v[rol_rolinherit], true);
        cat_bool(&v[rol_rolcreaterole], false);
        cat_bool(&v[rol_rolcreatedb], false);
        cat_bool(&v[rol_rolcanlogin], r[i].login);
        cat_bool(&v[rol_rolreplication], false);
        cat_int(&v[rol_rolconnlimit], -1);
        cat_text(&v[rol_rolpassword], "********");
        cat_bool(&v[rol_rolbypassrls], false);
        cat_int(&v[rol_oid], r[i].oid);
    }
    return 0;
}
CAT_REL(pg_roles, "pg_roles", "pg_catalog", 12000, 'v', PG_ROLES, build_roles);

#define PG_USER(X)                                                                           \
    X(usr, usename, N) X(usr, usesysid, O) X(usr, usecreatedb, B) X(usr, usesuper, B)       \
    X(usr, userepl, B) X(usr, usebypassrls, B) X(usr, passwd, T) X(usr, valuntil, TZ)      \
    X(usr, useconfig, TA)
enum { PG_USER(CAT_IDX) };

static int build_user(struct cat_scan *s)
{
    struct cat_role r[2];
    int n = roles(s, r);
    for (int i = 0; i < n; i++) {
        struct sql_value *v;
        if (!r[i].login)
            continue;   /* pg_user lists the roles that can log in */
        if (!(v = cat_row(s)))
            return 0;
        cat_text(&v[usr_usename], r[i].name);
        cat_int(&v[usr_usesysid], r[i].oid);
        cat_bool(&v[usr_usecreatedb], false);
        cat_bool(&v[usr_usesuper], r[i].super);
        cat_bool(&v[usr_userepl], false);
        cat_bool(&v[usr_usebypassrls], false);
        cat_text(&v[usr_passwd], "********");
    }
    return 0;
}
CAT_REL(pg_user, "pg_user", "pg_catalog", 12014, 'v', PG_USER, build_user);

#define PG_AUTH_MEMBERS(X)                                                                   \
    X(am, roleid, O) X(am, member, O) X(am, grantor, O) X(am, admin_option, B)
CAT_REL(pg_auth_members, "pg_auth_members", "pg_catalog", 1261, 'r', PG_AUTH_MEMBERS,
        build_empty);

/* --- schemas, relations, columns ------------------------------------------------------ */

#define PG_NAMESPACE(X) X(nsp, oid, O) X(nsp, nspname, N) X(nsp, nspowner, O) X(nsp, nspacl, CAT_ACL)
enum { PG_NAMESPACE(CAT_IDX) };

static int build_namespace(struct cat_scan *s)
{
    const char *names[CAT_MAX_SCHEMAS];
    int n = cat_schemas(s->tables, names, CAT_MAX_SCHEMAS);
    for (int i = 0; i < n; i++) {
        struct sql_value *v = cat_row(s);
        if (!v)
            return 0;
        cat_int(&v[nsp_oid], cat_schema_oid(names[i]));
        cat_text(&v[nsp_nspname], names[i]);
        cat_int(&v[nsp_nspowner], SQL_CATALOG_OWNER_OID);
    }
    return 0;
}
CAT_REL(pg_namespace, "pg_namespace", "pg_catalog", 2615, 'r', PG_NAMESPACE, build_namespace);

#define PG_CLASS(X)                                                                          \
    X(cls, oid, O) X(cls, relname, N) X(cls, relnamespace, O) X(cls, reltype, O)            \
    X(cls, reloftype, O) X(cls, relowner, O) X(cls, relam, O) X(cls, relfilenode, O)       \
    X(cls, reltablespace, O) X(cls, relpages, I4) X(cls, reltuples, F4)                    \
    X(cls, relallvisible, I4) X(cls, reltoastrelid, O) X(cls, relhasindex, B)              \
    X(cls, relisshared, B) X(cls, relpersistence, C) X(cls, relkind, C)                    \
    X(cls, relnatts, I2) X(cls, relchecks, I2) X(cls, relhasrules, B)                      \
    X(cls, relhastriggers, B) X(cls, relhassubclass, B) X(cls, relrowsecurity, B)          \
    X(cls, relforcerowsecurity, B) X(cls, relispopulated, B) X(cls, relreplident, C)       \
    X(cls, relispartition, B) X(cls, relrewrite, O) X(cls, relfrozenxid, CAT_XID)          \
    X(cls, relminmxid, CAT_XID) X(cls, relacl, CAT_ACL) X(cls, reloptions, TA)             \
    X(cls, relpartbound, CAT_NODE)
enum { PG_CLASS(CAT_IDX) };

static int build_class(struct cat_scan *s)
{
    for (int i = 0; i < sql_tables_count(s->tables); i++) {
        const struct sql_table *tab = sql_tables_at(s->tables, i);
        char kind = sql_catalog_relkind(tab);
        struct sql_value *v = cat_row(s);
        if (!v)
            return 0;
        cat_int(&v[cls_oid], cat_table_oid(tab));
        cat_text(&v[cls_relname], tab->name);
        cat_int(&v[cls_relnamespace], cat_schema_oid(tab->schema));
        cat_int(&v[cls_reltype], 0);
        cat_int(&v[cls_reloftype], 0);
        cat_int(&v[cls_relowner], SQL_CATALOG_OWNER_OID);
        cat_int(&v[cls_relam], kind == 'r' ? AM_HEAP : 0);
        cat_int(&v[cls_relfilenode], 0);
        cat_int(&v[cls_reltablespace], 0);
        cat_int(&v[cls_relpages], 0);
        cat_float(&v[cls_reltuples], -1);   /* PostgreSQL's "never counted" */
        cat_int(&v[cls_relallvisible], 0);
        cat_int(&v[cls_reltoastrelid], 0);
        cat_bool(&v[cls_relhasindex], false);
        cat_bool(&v[cls_relisshared], false);
        cat_char(&v[cls_relpersistence], 'p');
        cat_char(&v[cls_relkind], kind);
        cat_int(&v[cls_relnatts], tab->mod->ncols);
        cat_int(&v[cls_relchecks], 0);
        cat_bool(&v[cls_relhasrules], false);
        cat_bool(&v[cls_relhastriggers], false);
        cat_bool(&v[cls_relhassubclass], false);
        cat_bool(&v[cls_relrowsecurity], false);
        cat_bool(&v[cls_relforcerowsecurity], false);
        cat_bool(&v[cls_relispopulated], true);
        cat_char(&v[cls_relreplident], kind == 'r' ? 'd' : 'n');
        cat_bool(&v[cls_relispartition], false);
        cat_int(&v[cls_relrewrite], 0);
        cat_int(&v[cls_relfrozenxid], 0);
        cat_int(&v[cls_relminmxid], 0);
    }
    return 0;
}
CAT_REL(pg_class, "pg_class", "pg_catalog", 1259, 'r', PG_CLASS, build_class);

/* pg_type.typalign and typstorage, from the length as PostgreSQL lays types out. */
static char type_align(const struct sql_type *ty)
{
    static const struct {
        int16_t len;
        char align;
    } by_len[] = {{1, 'c'}, {2, 's'}, {4, 'i'}, {8, 'd'}, {16, 'd'}, {64, 'c'}, {-2, 'c'}};
    const struct sql_type *elem = ty->elem_oid ? sql_type_get(ty->elem_oid) : NULL;
    if (ty->len == -1)
        return elem && elem != ty && type_align(elem) == 'd' ? 'd' : 'i';
    if (ty->oid == SQL_OID_UUID)
        return 'c';
    for (size_t i = 0; i < sizeof by_len / sizeof by_len[0]; i++)
        if (by_len[i].len == ty->len)
            return by_len[i].align;
    return 'i';
}

static bool type_byval(const struct sql_type *ty)
{
    return ty->len == 1 || ty->len == 2 || ty->len == 4 || ty->len == 8;
}

static char type_storage(const struct sql_type *ty)
{
    return ty->len == -1 ? 'x' : 'p';
}

static bool type_is_array(const struct sql_type *ty)
{
    return ty->category == SQL_TCAT_ARRAY && ty->elem_oid && ty->oid != SQL_OID_INT2VECTOR &&
           ty->oid != SQL_OID_OIDVECTOR;
}

#define PG_ATTRIBUTE(X)                                                                      \
    X(att, attrelid, O) X(att, attname, N) X(att, atttypid, O) X(att, attstattarget, I4)    \
    X(att, attlen, I2) X(att, attnum, I2) X(att, attndims, I4) X(att, attcacheoff, I4)     \
    X(att, atttypmod, I4) X(att, attbyval, B) X(att, attalign, C) X(att, attstorage, C)    \
    X(att, attcompression, C) X(att, attnotnull, B) X(att, atthasdef, B)                   \
    X(att, atthasmissing, B) X(att, attidentity, C) X(att, attgenerated, C)                \
    X(att, attisdropped, B) X(att, attislocal, B) X(att, attinhcount, I4)                  \
    X(att, attcollation, O) X(att, attacl, CAT_ACL) X(att, attoptions, TA)                 \
    X(att, attfdwoptions, TA) X(att, attmissingval, TA)
enum { PG_ATTRIBUTE(CAT_IDX) };

static int build_attribute(struct cat_scan *s)
{
    for (int i = 0; i < sql_tables_count(s->tables); i++) {
        const struct sql_table *tab = sql_tables_at(s->tables, i);
        for (int k = 0; k < tab->mod->ncols; k++) {
            const struct sql_col *col = &tab->mod->cols[k];
            const struct sql_type *ty = sql_type_get(col->type_oid);
            struct sql_value *v = cat_row(s);
            if (!v)
                return 0;
            cat_int(&v[att_attrelid], cat_table_oid(tab));
            cat_text(&v[att_attname], col->name);
            cat_int(&v[att_atttypid], col->type_oid);
            cat_int(&v[att_attstattarget], -1);
            cat_int(&v[att_attlen], ty ? ty->len : -1);
            cat_int(&v[att_attnum], k + 1);
            cat_int(&v[att_attndims], ty && type_is_array(ty) ? 1 : 0);
            cat_int(&v[att_attcacheoff], -1);
            cat_int(&v[att_atttypmod], -1);
            cat_bool(&v[att_attbyval], ty && type_byval(ty));
            cat_char(&v[att_attalign], ty ? type_align(ty) : 'i');
            cat_char(&v[att_attstorage], ty ? type_storage(ty) : 'x');
            cat_char(&v[att_attcompression], 0);
            cat_bool(&v[att_attnotnull], false);
            cat_bool(&v[att_atthasdef], false);
            cat_bool(&v[att_atthasmissing], false);
            cat_char(&v[att_attidentity], 0);
            cat_char(&v[att_attgenerated], 0);
            cat_bool(&v[att_attisdropped], false);
            cat_bool(&v[att_attislocal], true);
            cat_int(&v[att_attinhcount], 0);
            cat_int(&v[att_attcollation], cat_type_collation(col->type_oid));
        }
    }
    return 0;
}
CAT_REL(pg_attribute, "pg_attribute", "pg_catalog", 1249, 'r', PG_ATTRIBUTE, build_attribute);

#define PG_TABLES(X)                                                                         \
    X(tbl, schemaname, N) X(tbl, tablename, N) X(tbl, tableowner, N) X(tbl, tablespace, N)  \
    X(tbl, hasindexes, B) X(tbl, hasrules, B) X(tbl, hastriggers, B) X(tbl, rowsecurity, B)
enum { PG_TABLES(CAT_IDX) };

static int build_tables(struct cat_scan *s)
{
    for (int i = 0; i < sql_tables_count(s->tables); i++) {
        const struct sql_table *tab = sql_tables_at(s->tables, i);
        struct sql_value *v;
        if (sql_catalog_relkind(tab) != 'r')
            continue;
        if (!(v = cat_row(s)))
            return 0;
        cat_text(&v[tbl_schemaname], tab->schema);
        cat_text(&v[tbl_tablename], tab->name);
        cat_text(&v[tbl_tableowner], SQL_CATALOG_OWNER_NAME);
        cat_bool(&v[tbl_hasindexes], false);
        cat_bool(&v[tbl_hasrules], false);
        cat_bool(&v[tbl_hastriggers], false);
        cat_bool(&v[tbl_rowsecurity], false);
    }
    return 0;
}
CAT_REL(pg_tables, "pg_tables", "pg_catalog", 12033, 'v', PG_TABLES, build_tables);

#define PG_VIEWS(X)                                                                          \
    X(vw, schemaname, N) X(vw, viewname, N) X(vw, viewowner, N) X(vw, definition, T)
enum { PG_VIEWS(CAT_IDX) };

static int build_views(struct cat_scan *s)
{
    for (int i = 0; i < sql_tables_count(s->tables); i++) {
        const struct sql_table *tab = sql_tables_at(s->tables, i);
        struct sql_value *v;
        if (sql_catalog_relkind(tab) != 'v')
            continue;
        if (!(v = cat_row(s)))
            return 0;
        cat_text(&v[vw_schemaname], tab->schema);
        cat_text(&v[vw_viewname], tab->name);
        cat_text(&v[vw_viewowner], SQL_CATALOG_OWNER_NAME);
    }
    return 0;
}
CAT_REL(pg_views, "pg_views", "pg_catalog", 12028, 'v', PG_VIEWS, build_views);

/* --- types, casts, functions, operators ----------------------------------------------- */

#define PG_TYPE(X)                                                                           \
    X(typ, oid, O) X(typ, typname, N) X(typ, typnamespace, O) X(typ, typowner, O)           \
    X(typ, typlen, I2) X(typ, typbyval, B) X(typ, typtype, C) X(typ, typcategory, C)       \
    X(typ, typispreferred, B) X(typ, typisdefined, B) X(typ, typdelim, C)                  \
    X(typ, typrelid, O) X(typ, typsubscript, RP) X(typ, typelem, O) X(typ, typarray, O)    \
    X(typ, typinput, RP) X(typ, typoutput, RP) X(typ, typreceive, RP) X(typ, typsend, RP)  \
    X(typ, typmodin, RP) X(typ, typmodout, RP) X(typ, typanalyze, RP) X(typ, typalign, C)  \
    X(typ, typstorage, C) X(typ, typnotnull, B) X(typ, typbasetype, O)                     \
    X(typ, typtypmod, I4) X(typ, typndims, I4) X(typ, typcollation, O)                     \
    X(typ, typdefaultbin, CAT_NODE) X(typ, typdefault, T) X(typ, typacl, CAT_ACL)
enum { PG_TYPE(CAT_IDX) };

/* What PostgreSQL 15's pg_type says that neither the type registry (which describes
 * values), its I/O functions (sql_type_procs_of) nor the layout rules above give; 0 keeps
 * the derived value. */
static const struct type_fact {
    uint32_t oid;
    uint32_t elem;          /* typelem: name is a fixed-length array of "char" */
    uint32_t subscript;     /* typsubscript */
    char typtype, align, storage;
} type_facts[] = {
    {SQL_OID_NAME, SQL_OID_CHAR, SQL_PROC_RAW_ARRAY_SUBSCRIPT, 0, 0, 0},
    {SQL_OID_INT2VECTOR, 0, SQL_PROC_ARRAY_SUBSCRIPT, 0, 0, 'p'},
    {SQL_OID_OIDVECTOR, 0, SQL_PROC_ARRAY_SUBSCRIPT, 0, 0, 'p'},
    {SQL_OID_NUMERIC, 0, 0, 0, 0, 'm'},
    {SQL_OID_JSONB, 0, SQL_PROC_JSONB_SUBSCRIPT, 0, 0, 0},
    {SQL_OID_UNKNOWN, 0, 0, 'p', 0, 0},
    {SQL_OID_RECORD, 0, 0, 0, 'd', 0},
    {SQL_OID_ANYARRAY, 0, 0, 0, 'd', 0},
    {2287, 0, SQL_PROC_ARRAY_SUBSCRIPT, 0, 'd', 0},    /* _record */
};

static const struct type_fact *type_fact(uint32_t oid)
{
    static const struct type_fact none = {0};
    for (size_t i = 0; i < sizeof type_facts / sizeof type_facts[0]; i++)
        if (type_facts[i].oid == oid)
            return &type_facts[i];
    return &none;
}

static int build_type(struct cat_scan *s)
{
    const struct sql_type *types;
    int n = sql_type_all(&types);
    for (int i = 0; i < n; i++) {
        const struct sql_type *ty = &types[i];
        const struct type_fact *f = type_fact(ty->oid);
        struct sql_type_procs io;
        struct sql_value *v = cat_row(s);
        if (!v)
            return 0;
        cat_int(&v[typ_oid], ty->oid);
        cat_text(&v[typ_typname], ty->name);
        cat_int(&v[typ_typnamespace], SQL_CATALOG_NS_PG_CATALOG);
        cat_int(&v[typ_typowner], SQL_CATALOG_OWNER_OID);
        cat_int(&v[typ_typlen], ty->len);
        cat_bool(&v[typ_typbyval], type_byval(ty));
        cat_char(&v[typ_typtype], f->typtype ? f->typtype
                                  : ty->category == SQL_TCAT_PSEUDO ? 'p' : 'b');
        cat_char(&v[typ_typcategory], ty->category);
        cat_bool(&v[typ_typispreferred], ty->preferred);
        cat_bool(&v[typ_typisdefined], true);
        cat_text(&v[typ_typdelim], ",");
        cat_int(&v[typ_typrelid], 0);
        cat_int(&v[typ_typsubscript], f->subscript     ? f->subscript
                                      : type_is_array(ty) ? SQL_PROC_ARRAY_SUBSCRIPT
                                                          : 0);
        cat_int(&v[typ_typelem], f->elem ? f->elem : ty->elem_oid);
        cat_int(&v[typ_typarray], ty->array_oid);
        sql_type_procs_of(ty->oid, &io);
        cat_int(&v[typ_typinput], io.in);
        cat_int(&v[typ_typoutput], io.out);
        cat_int(&v[typ_typreceive], io.recv);
        cat_int(&v[typ_typsend], io.send);
        cat_int(&v[typ_typmodin], io.modin);
        cat_int(&v[typ_typmodout], io.modout);
        cat_int(&v[typ_typanalyze], io.analyze);
        cat_char(&v[typ_typalign], f->align ? f->align : type_align(ty));
        cat_char(&v[typ_typstorage], f->storage ? f->storage : type_storage(ty));
        cat_bool(&v[typ_typnotnull], false);
        cat_int(&v[typ_typbasetype], 0);
        cat_int(&v[typ_typtypmod], -1);
        cat_int(&v[typ_typndims], 0);
        /* an array collates as its elements do */
        cat_int(&v[typ_typcollation], cat_type_collation(type_is_array(ty) ? ty->elem_oid
                                                                           : ty->oid));
    }
    return 0;
}
CAT_REL(pg_type, "pg_type", "pg_catalog", 1247, 'r', PG_TYPE, build_type);

#define PG_CAST(X)                                                                           \
    X(cst, oid, O) X(cst, castsource, O) X(cst, casttarget, O) X(cst, castfunc, O)          \
    X(cst, castcontext, C) X(cst, castmethod, C)
enum { PG_CAST(CAT_IDX) };

static int build_cast(struct cat_scan *s)
{
    const struct sql_cast *casts;
    int n = sql_cast_all(&casts);
    for (int i = 0; i < n; i++) {
        const char *key = cat_fmt(s, "%u-%u", casts[i].src, casts[i].dst);
        struct sql_value *v = cat_row(s);
        if (!v || !key)
            return 0;
        cat_int(&v[cst_oid], sql_catalog_oid("cast", NULL, key));
        cat_int(&v[cst_castsource], casts[i].src);
        cat_int(&v[cst_casttarget], casts[i].dst);
        cat_int(&v[cst_castfunc], casts[i].func);
        cat_char(&v[cst_castcontext], casts[i].context);
        cat_char(&v[cst_castmethod], casts[i].func ? 'f' : 'b');
    }
    return 0;
}
CAT_REL(pg_cast, "pg_cast", "pg_catalog", 2605, 'r', PG_CAST, build_cast);

#define PG_PROC(X)                                                                           \
    X(pro, oid, O) X(pro, proname, N) X(pro, pronamespace, O) X(pro, proowner, O)           \
    X(pro, prolang, O) X(pro, procost, F4) X(pro, prorows, F4) X(pro, provariadic, O)      \
    X(pro, prosupport, RP) X(pro, prokind, C) X(pro, prosecdef, B) X(pro, proleakproof, B) \
    X(pro, proisstrict, B) X(pro, proretset, B) X(pro, provolatile, C)                     \
    X(pro, proparallel, C) X(pro, pronargs, I2) X(pro, pronargdefaults, I2)                \
    X(pro, prorettype, O) X(pro, proargtypes, OV) X(pro, proallargtypes, OA)               \
    X(pro, proargmodes, CA) X(pro, proargnames, TA) X(pro, proargdefaults, CAT_NODE)       \
    X(pro, protrftypes, OA) X(pro, prosrc, T) X(pro, probin, T) X(pro, prosqlbody, CAT_NODE) \
    X(pro, proconfig, TA) X(pro, proacl, CAT_ACL)
enum { PG_PROC(CAT_IDX) };

/* One pg_proc row. A module function reads as PostgreSQL shows a function made with
 * CREATE FUNCTION's defaults (volatile, not strict, parallel unsafe) in its schema. */
static int proc_row(void *ctx, const struct sql_func *fn, const char *schema)
{
    struct cat_scan *s = ctx;
    bool srf = fn->kind == SQL_FN_SRF, builtin = strcmp(schema, "pg_catalog") == 0;
    struct sql_value *v = cat_row(s), *args;
    if (!v || !cat_array(s, &v[pro_proargtypes], SQL_OID_OID, fn->nargs, &args))
        return 1;
    for (int a = 0; a < fn->nargs; a++)
        cat_int(&args[a], fn->args[a]);
    cat_int(&v[pro_oid], fn->oid);
    cat_text(&v[pro_proname], fn->name);
    cat_int(&v[pro_pronamespace], cat_schema_oid(schema));
    cat_int(&v[pro_proowner], SQL_CATALOG_OWNER_OID);
    cat_int(&v[pro_prolang], LANG_INTERNAL);
    cat_float(&v[pro_procost], 1);
    cat_float(&v[pro_prorows], srf ? 1000 : 0);
    cat_int(&v[pro_provariadic], fn->variadic && fn->nargs ? fn->args[fn->nargs - 1] : 0);
    cat_int(&v[pro_prosupport], 0);
    cat_char(&v[pro_prokind], srf ? 'f' : fn->kind);
    cat_bool(&v[pro_prosecdef], false);
    cat_bool(&v[pro_proleakproof], false);
    /* PostgreSQL creates every aggregate non-strict (its transition function says) */
    cat_bool(&v[pro_proisstrict], fn->kind != SQL_FN_AGG && fn->strict);
    cat_bool(&v[pro_proretset], srf);
    cat_char(&v[pro_provolatile], fn->volatility);
    cat_char(&v[pro_proparallel], builtin ? 's' : 'u');
    cat_int(&v[pro_pronargs], fn->nargs);
    cat_int(&v[pro_pronargdefaults], 0);
    cat_int(&v[pro_prorettype], fn->ret);
    cat_text(&v[pro_prosrc], fn->name);
    return 0;
}

static int build_proc(struct cat_scan *s)
{
    (void)cat_each_func(s->tables, s, proc_row);    /* stops early only when memory ran out */
    return 0;
}
CAT_REL(pg_proc, "pg_proc", "pg_catalog", 1255, 'r', PG_PROC, build_proc);

#define PG_OPERATOR(X)                                                                       \
    X(opr, oid, O) X(opr, oprname, N) X(opr, oprnamespace, O) X(opr, oprowner, O)           \
    X(opr, oprkind, C) X(opr, oprcanmerge, B) X(opr, oprcanhash, B) X(opr, oprleft, O)     \
    X(opr, oprright, O) X(opr, oprresult, O) X(opr, oprcom, O) X(opr, oprnegate, O)        \
    X(opr, oprcode, RP) X(opr, oprrest, RP) X(opr, oprjoin, RP)
enum { PG_OPERATOR(CAT_IDX) };

static int build_operator(struct cat_scan *s)
{
    for (int f = 0; f < sql_func_nfamilies(); f++) {
        const struct sql_func_family *fam = sql_func_family_at(f);
        for (int i = 0; i < fam->nopers; i++) {
            const struct sql_oper *op = &fam->opers[i];
            struct sql_value *v = cat_row(s);
            struct sql_oper_facts f;
            if (!v)
                return 0;
            sql_oper_facts_of(op->oid, &f);
            cat_int(&v[opr_oid], op->oid);
            cat_text(&v[opr_oprname], op->name);
            cat_int(&v[opr_oprnamespace], SQL_CATALOG_NS_PG_CATALOG);
            cat_int(&v[opr_oprowner], SQL_CATALOG_OWNER_OID);
            cat_char(&v[opr_oprkind], op->left ? 'b' : 'l');
            cat_bool(&v[opr_oprcanmerge], f.flags & SQL_OPER_CANMERGE);
            cat_bool(&v[opr_oprcanhash], f.flags & SQL_OPER_CANHASH);
            cat_int(&v[opr_oprleft], op->left);
            cat_int(&v[opr_oprright], op->right);
            cat_int(&v[opr_oprresult], op->result);
            cat_int(&v[opr_oprcom], f.com);
            cat_int(&v[opr_oprnegate], f.negate);
            cat_int(&v[opr_oprcode], op->func_oid);
            cat_int(&v[opr_oprrest], f.rest);
            cat_int(&v[opr_oprjoin], f.join);
        }
    }
    return 0;
}
CAT_REL(pg_operator, "pg_operator", "pg_catalog", 2617, 'r', PG_OPERATOR, build_operator);

/* --- the database, tablespaces, access methods, collations ---------------------------- */

#define PG_DATABASE(X)                                                                       \
    X(dat, oid, O) X(dat, datname, N) X(dat, datdba, O) X(dat, encoding, I4)                \
    X(dat, datlocprovider, C) X(dat, datistemplate, B) X(dat, datallowconn, B)             \
    X(dat, datconnlimit, I4) X(dat, datfrozenxid, CAT_XID) X(dat, datminmxid, CAT_XID)     \
    X(dat, dattablespace, O) X(dat, datcollate, T) X(dat, datctype, T)                     \
    X(dat, daticulocale, T) X(dat, datcollversion, T) X(dat, datacl, CAT_ACL)
enum { PG_DATABASE(CAT_IDX) };

static int build_database(struct cat_scan *s)
{
    struct sql_value *v = cat_row(s);
    if (!v)
        return 0;
    cat_int(&v[dat_oid], sql_catalog_oid("db", NULL, SQL_CATALOG_DATABASE));
    cat_text(&v[dat_datname], SQL_CATALOG_DATABASE);
    cat_int(&v[dat_datdba], SQL_CATALOG_OWNER_OID);
    cat_int(&v[dat_encoding], ENCODING_UTF8);
    cat_char(&v[dat_datlocprovider], 'c');
    cat_bool(&v[dat_datistemplate], false);
    cat_bool(&v[dat_datallowconn], true);
    cat_int(&v[dat_datconnlimit], -1);
    cat_int(&v[dat_datfrozenxid], 0);
    cat_int(&v[dat_datminmxid], 0);
    cat_int(&v[dat_dattablespace], TABLESPACE_DEFAULT);
    cat_text(&v[dat_datcollate], "C");
    cat_text(&v[dat_datctype], "C");
    return 0;
}
CAT_REL(pg_database, "pg_database", "pg_catalog", 1262, 'r', PG_DATABASE, build_database);

/* Fixed rows given as one table of (oid, name, kind) per relation. */
struct cat_fixed {
    uint32_t oid;
    const char *name;
    char kind;
    uint32_t aux;
};

#define PG_TABLESPACE(X)                                                                     \
    X(spc, oid, O) X(spc, spcname, N) X(spc, spcowner, O) X(spc, spcacl, CAT_ACL)           \
    X(spc, spcoptions, TA)
enum { PG_TABLESPACE(CAT_IDX) };

static int build_tablespace(struct cat_scan *s)
{
    static const struct cat_fixed rows[] = {{TABLESPACE_DEFAULT, "pg_default", 0, 0},
                                            {TABLESPACE_GLOBAL, "pg_global", 0, 0}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct sql_value *v = cat_row(s);
        if (!v)
            return 0;
        cat_int(&v[spc_oid], rows[i].oid);
        cat_text(&v[spc_spcname], rows[i].name);
        cat_int(&v[spc_spcowner], SQL_CATALOG_OWNER_OID);
    }
    return 0;
}
CAT_REL(pg_tablespace, "pg_tablespace", "pg_catalog", 1213, 'r', PG_TABLESPACE,
        build_tablespace);

#define PG_AM(X) X(am, oid, O) X(am, amname, N) X(am, amhandler, RP) X(am, amtype, C)
enum { PG_AM(CAT_IDX) };

static int build_am(struct cat_scan *s)
{
    /* heap, because lakeward's tables show relam = heap (psql's \dt+ prints it); the two
     * index methods clients look up by name. aux: the handler's pg_proc OID. */
    static const struct cat_fixed rows[] = {
        {AM_HEAP, "heap", 't', 3}, {403, "btree", 'i', 330}, {405, "hash", 'i', 331}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct sql_value *v = cat_row(s);
        if (!v)
            return 0;
        cat_int(&v[am_oid], rows[i].oid);
        cat_text(&v[am_amname], rows[i].name);
        cat_int(&v[am_amhandler], rows[i].aux);
        cat_char(&v[am_amtype], rows[i].kind);
    }
    return 0;
}
CAT_REL(pg_am, "pg_am", "pg_catalog", 2601, 'r', PG_AM, build_am);

#define PG_COLLATION(X)                                                                      \
    X(coll, oid, O) X(coll, collname, N) X(coll, collnamespace, O) X(coll, collowner, O)    \
    X(coll, collprovider, C) X(coll, collisdeterministic, B) X(coll, collencoding, I4)     \
    X(coll, collcollate, T) X(coll, collctype, T) X(coll, colliculocale, T)                \
    X(coll, collversion, T)
enum { PG_COLLATION(CAT_IDX) };

static int build_collation(struct cat_scan *s)
{
    /* default (100, the database's), C (950, name's) and POSIX (951); lakeward compares
     * text bytewise, which is what all three mean in a C-locale database. */
    static const struct cat_fixed rows[] = {
        {100, "default", 'd', 0}, {950, "C", 'c', 1}, {951, "POSIX", 'c', 1}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct sql_value *v = cat_row(s);
        if (!v)
            return 0;
        cat_int(&v[coll_oid], rows[i].oid);
        cat_text(&v[coll_collname], rows[i].name);
        cat_int(&v[coll_collnamespace], SQL_CATALOG_NS_PG_CATALOG);
        cat_int(&v[coll_collowner], SQL_CATALOG_OWNER_OID);
        cat_char(&v[coll_collprovider], rows[i].kind);
        cat_bool(&v[coll_collisdeterministic], true);
        cat_int(&v[coll_collencoding], -1);
        cat_text(&v[coll_collcollate], rows[i].aux ? rows[i].name : NULL);
        cat_text(&v[coll_collctype], rows[i].aux ? rows[i].name : NULL);
    }
    return 0;
}
CAT_REL(pg_collation, "pg_collation", "pg_catalog", 3456, 'r', PG_COLLATION, build_collation);

#define PG_LANGUAGE(X)                                                                       \
    X(lan, oid, O) X(lan, lanname, N) X(lan, lanowner, O) X(lan, lanispl, B)                \
    X(lan, lanpltrusted, B) X(lan, lanplcallfoid, O) X(lan, laninline, O)                  \
    X(lan, lanvalidator, O) X(lan, lanacl, CAT_ACL)
enum { PG_LANGUAGE(CAT_IDX) };

static int build_language(struct cat_scan *s)
{
    /* Every lakeward function is built in: pg_proc.prolang is "internal". */
    struct sql_value *v = cat_row(s);
    if (!v)
        return 0;
    cat_int(&v[lan_oid], LANG_INTERNAL);
    cat_text(&v[lan_lanname], "internal");
    cat_int(&v[lan_lanowner], SQL_CATALOG_OWNER_OID);
    cat_bool(&v[lan_lanispl], false);
    cat_bool(&v[lan_lanpltrusted], false);
    cat_int(&v[lan_lanplcallfoid], 0);
    cat_int(&v[lan_laninline], 0);
    cat_int(&v[lan_lanvalidator], 0);
    return 0;
}
CAT_REL(pg_language, "pg_language", "pg_catalog", 2612, 'r', PG_LANGUAGE, build_language);

/* --- relations lakeward has no rows for --------------------------------------------- */

#define PG_SETTINGS(X)                                                                       \
    X(set, name, T) X(set, setting, T) X(set, unit, T) X(set, category, T)                  \
    X(set, short_desc, T) X(set, extra_desc, T) X(set, context, T) X(set, vartype, T)      \
    X(set, source, T) X(set, min_val, T) X(set, max_val, T) X(set, enumvals, TA)           \
    X(set, boot_val, T) X(set, reset_val, T) X(set, sourcefile, T) X(set, sourceline, I4)  \
    X(set, pending_restart, B)
enum { PG_SETTINGS(CAT_IDX) };

/* The settings lakeward knows, with their defaults: a scan does not see the session, so
 * a value changed with SET shows in SHOW and current_setting, not here. */
static int build_settings(struct cat_scan *s)
{
    const struct sql_setting_def *defs;
    int n = sql_settings_defs(&defs);
    for (int i = 0; i < n; i++) {
        struct sql_value *v = cat_row(s);
        if (!v)
            return 0;
        cat_text(&v[set_name], defs[i].name);
        cat_text(&v[set_setting], defs[i].boot);
        cat_text(&v[set_category], "Client Connection Defaults");
        cat_text(&v[set_short_desc], defs[i].desc);
        cat_text(&v[set_context], defs[i].fixed ? "internal" : "user");
        cat_text(&v[set_vartype], "string");
        cat_text(&v[set_source], "default");
        cat_text(&v[set_boot_val], defs[i].boot);
        cat_text(&v[set_reset_val], defs[i].boot);
        cat_bool(&v[set_pending_restart], false);
    }
    return 0;
}
CAT_REL(pg_settings, "pg_settings", "pg_catalog", 12104, 'v', PG_SETTINGS, build_settings);

#define PG_DESCRIPTION(X)                                                                    \
    X(d, objoid, O) X(d, classoid, O) X(d, objsubid, I4) X(d, description, T)
CAT_REL(pg_description, "pg_description", "pg_catalog", 2609, 'r', PG_DESCRIPTION, build_empty);

#define PG_SHDESCRIPTION(X) X(d, objoid, O) X(d, classoid, O) X(d, description, T)
CAT_REL(pg_shdescription, "pg_shdescription", "pg_catalog", 2396, 'r', PG_SHDESCRIPTION,
        build_empty);

#define PG_ATTRDEF(X) X(ad, oid, O) X(ad, adrelid, O) X(ad, adnum, I2) X(ad, adbin, CAT_NODE)
CAT_REL(pg_attrdef, "pg_attrdef", "pg_catalog", 2604, 'r', PG_ATTRDEF, build_empty);

#define PG_CONSTRAINT(X)                                                                     \
    X(con, oid, O) X(con, conname, N) X(con, connamespace, O) X(con, contype, C)            \
    X(con, condeferrable, B) X(con, condeferred, B) X(con, convalidated, B)                \
    X(con, conrelid, O) X(con, contypid, O) X(con, conindid, O) X(con, conparentid, O)     \
    X(con, confrelid, O) X(con, confupdtype, C) X(con, confdeltype, C)                     \
    X(con, confmatchtype, C) X(con, conislocal, B) X(con, coninhcount, I4)                 \
    X(con, connoinherit, B) X(con, conkey, I2A) X(con, confkey, I2A) X(con, conpfeqop, OA) \
    X(con, conppeqop, OA) X(con, conffeqop, OA) X(con, confdelsetcols, I2A)                \
    X(con, conexclop, OA) X(con, conbin, CAT_NODE)
CAT_REL(pg_constraint, "pg_constraint", "pg_catalog", 2606, 'r', PG_CONSTRAINT, build_empty);

#define PG_INDEX(X)                                                                          \
    X(ind, indexrelid, O) X(ind, indrelid, O) X(ind, indnatts, I2) X(ind, indnkeyatts, I2)  \
    X(ind, indisunique, B) X(ind, indnullsnotdistinct, B) X(ind, indisprimary, B)          \
    X(ind, indisexclusion, B) X(ind, indimmediate, B) X(ind, indisclustered, B)            \
    X(ind, indisvalid, B) X(ind, indcheckxmin, B) X(ind, indisready, B)                    \
    X(ind, indislive, B) X(ind, indisreplident, B) X(ind, indkey, I2V)                     \
    X(ind, indcollation, OV) X(ind, indclass, OV) X(ind, indoption, I2V)                   \
    X(ind, indexprs, CAT_NODE) X(ind, indpred, CAT_NODE)
CAT_REL(pg_index, "pg_index", "pg_catalog", 2610, 'r', PG_INDEX, build_empty);

#define PG_INDEXES(X)                                                                        \
    X(ix, schemaname, N) X(ix, tablename, N) X(ix, indexname, N) X(ix, tablespace, N)       \
    X(ix, indexdef, T)
CAT_REL(pg_indexes, "pg_indexes", "pg_catalog", 12043, 'v', PG_INDEXES, build_empty);

#define PG_INHERITS(X)                                                                       \
    X(inh, inhrelid, O) X(inh, inhparent, O) X(inh, inhseqno, I4) X(inh, inhdetachpending, B)
CAT_REL(pg_inherits, "pg_inherits", "pg_catalog", 2611, 'r', PG_INHERITS, build_empty);

#define PG_EXTENSION(X)                                                                      \
    X(ext, oid, O) X(ext, extname, N) X(ext, extowner, O) X(ext, extnamespace, O)           \
    X(ext, extrelocatable, B) X(ext, extversion, T) X(ext, extconfig, OA)                  \
    X(ext, extcondition, TA)
CAT_REL(pg_extension, "pg_extension", "pg_catalog", 3079, 'r', PG_EXTENSION, build_empty);

#define PG_POLICY(X)                                                                         \
    X(pol, oid, O) X(pol, polname, N) X(pol, polrelid, O) X(pol, polcmd, C)                 \
    X(pol, polpermissive, B) X(pol, polroles, OA) X(pol, polqual, CAT_NODE)                \
    X(pol, polwithcheck, CAT_NODE)
CAT_REL(pg_policy, "pg_policy", "pg_catalog", 3256, 'r', PG_POLICY, build_empty);

#define PG_TRIGGER(X)                                                                        \
    X(tg, oid, O) X(tg, tgrelid, O) X(tg, tgparentid, O) X(tg, tgname, N) X(tg, tgfoid, O)  \
    X(tg, tgtype, I2) X(tg, tgenabled, C) X(tg, tgisinternal, B) X(tg, tgconstrrelid, O)   \
    X(tg, tgconstrindid, O) X(tg, tgconstraint, O) X(tg, tgdeferrable, B)                  \
    X(tg, tginitdeferred, B) X(tg, tgnargs, I2) X(tg, tgattr, I2V) X(tg, tgargs, BY)       \
    X(tg, tgqual, CAT_NODE) X(tg, tgoldtable, N) X(tg, tgnewtable, N)
CAT_REL(pg_trigger, "pg_trigger", "pg_catalog", 2620, 'r', PG_TRIGGER, build_empty);

#define PG_REWRITE(X)                                                                        \
    X(rw, oid, O) X(rw, rulename, N) X(rw, ev_class, O) X(rw, ev_type, C)                   \
    X(rw, ev_enabled, C) X(rw, is_instead, B) X(rw, ev_qual, CAT_NODE)                     \
    X(rw, ev_action, CAT_NODE)
CAT_REL(pg_rewrite, "pg_rewrite", "pg_catalog", 2618, 'r', PG_REWRITE, build_empty);

#define PG_STATISTIC_EXT(X)                                                                  \
    X(stx, oid, O) X(stx, stxrelid, O) X(stx, stxname, N) X(stx, stxnamespace, O)           \
    X(stx, stxowner, O) X(stx, stxstattarget, I4) X(stx, stxkeys, I2V) X(stx, stxkind, CA) \
    X(stx, stxexprs, CAT_NODE)
CAT_REL(pg_statistic_ext, "pg_statistic_ext", "pg_catalog", 3381, 'r', PG_STATISTIC_EXT,
        build_empty);

#define PG_PUBLICATION(X)                                                                    \
    X(pub, oid, O) X(pub, pubname, N) X(pub, pubowner, O) X(pub, puballtables, B)           \
    X(pub, pubinsert, B) X(pub, pubupdate, B) X(pub, pubdelete, B) X(pub, pubtruncate, B)  \
    X(pub, pubviaroot, B)
CAT_REL(pg_publication, "pg_publication", "pg_catalog", 6104, 'r', PG_PUBLICATION, build_empty);

#define PG_PUBLICATION_NAMESPACE(X) X(pn, oid, O) X(pn, pnpubid, O) X(pn, pnnspid, O)
CAT_REL(pg_publication_namespace, "pg_publication_namespace", "pg_catalog", 6237, 'r',
        PG_PUBLICATION_NAMESPACE, build_empty);

#define PG_PUBLICATION_REL(X)                                                                \
    X(pr, oid, O) X(pr, prpubid, O) X(pr, prrelid, O) X(pr, prqual, CAT_NODE)               \
    X(pr, prattrs, I2V)
CAT_REL(pg_publication_rel, "pg_publication_rel", "pg_catalog", 6106, 'r', PG_PUBLICATION_REL,
        build_empty);

#define PG_FOREIGN_TABLE(X) X(ft, ftrelid, O) X(ft, ftserver, O) X(ft, ftoptions, TA)
CAT_REL(pg_foreign_table, "pg_foreign_table", "pg_catalog", 3118, 'r', PG_FOREIGN_TABLE,
        build_empty);

#define PG_FOREIGN_SERVER(X)                                                                 \
    X(srv, oid, O) X(srv, srvname, N) X(srv, srvowner, O) X(srv, srvfdw, O)                 \
    X(srv, srvtype, T) X(srv, srvversion, T) X(srv, srvacl, CAT_ACL) X(srv, srvoptions, TA)
CAT_REL(pg_foreign_server, "pg_foreign_server", "pg_catalog", 1417, 'r', PG_FOREIGN_SERVER,
        build_empty);

#define PG_SEQUENCE(X)                                                                       \
    X(seq, seqrelid, O) X(seq, seqtypid, O) X(seq, seqstart, I8) X(seq, seqincrement, I8)   \
    X(seq, seqmax, I8) X(seq, seqmin, I8) X(seq, seqcache, I8) X(seq, seqcycle, B)
CAT_REL(pg_sequence, "pg_sequence", "pg_catalog", 2224, 'r', PG_SEQUENCE, build_empty);

#define PG_DEPEND(X)                                                                         \
    X(dep, classid, O) X(dep, objid, O) X(dep, objsubid, I4) X(dep, refclassid, O)          \
    X(dep, refobjid, O) X(dep, refobjsubid, I4) X(dep, deptype, C)
CAT_REL(pg_depend, "pg_depend", "pg_catalog", 2608, 'r', PG_DEPEND, build_empty);

#define PG_ENUM(X) X(en, oid, O) X(en, enumtypid, O) X(en, enumsortorder, F4) X(en, enumlabel, N)
CAT_REL(pg_enum, "pg_enum", "pg_catalog", 3501, 'r', PG_ENUM, build_empty);

#define PG_MATVIEWS(X)                                                                       \
    X(mv, schemaname, N) X(mv, matviewname, N) X(mv, matviewowner, N) X(mv, tablespace, N)  \
    X(mv, hasindexes, B) X(mv, ispopulated, B) X(mv, definition, T)
CAT_REL(pg_matviews, "pg_matviews", "pg_catalog", 12038, 'v', PG_MATVIEWS, build_empty);

/* --- the session's own cursors ------------------------------------------------------- */

#define PG_CURSORS(X)                                                                        \
    X(cur, name, T) X(cur, statement, T) X(cur, is_holdable, B) X(cur, is_binary, B)        \
    X(cur, is_scrollable, B) X(cur, creation_time, TZ)
enum { PG_CURSORS(CAT_IDX) };

/* As in PostgreSQL, a session sees only its own cursors (DECLARE, not protocol portals).
 * Texts are copied: a cursor scanning this relation may outlive a cursor it lists. */
static int build_cursors(struct cat_scan *s)
{
    struct sql_open_cursor c;
    if (!s->qc || !s->qc->cursor_at)
        return 0;
    for (int i = 0; s->qc->cursor_at(s->qc->session, i, &c); i++) {
        struct sql_value *v = cat_row(s);
        if (!v)
            return 0;
        cat_text(&v[cur_name], cat_fmt(s, "%s", c.name));
        cat_text(&v[cur_statement], cat_fmt(s, "%s", c.statement));
        cat_bool(&v[cur_is_holdable], c.holdable);
        cat_bool(&v[cur_is_binary], c.binary);
        cat_bool(&v[cur_is_scrollable], c.scrollable);
        v[cur_creation_time] = (struct sql_value){.type = SQL_V_TIME, .u.us = c.created_us};
    }
    return 0;
}
CAT_REL(pg_cursors, "pg_cursors", "pg_catalog", 12077, 'v', PG_CURSORS, build_cursors);

const struct cat_rel *const cat_pg_rels[] = {
    &pg_namespace, &pg_class, &pg_attribute, &pg_type, &pg_proc, &pg_operator, &pg_cast,
    &pg_database, &pg_roles, &pg_user, &pg_auth_members, &pg_tables, &pg_views, &pg_tablespace,
    &pg_am, &pg_collation, &pg_settings, &pg_description, &pg_shdescription, &pg_attrdef,
    &pg_constraint, &pg_index, &pg_indexes, &pg_inherits, &pg_extension, &pg_policy,
    &pg_trigger, &pg_rewrite, &pg_statistic_ext, &pg_publication, &pg_publication_namespace,
    &pg_publication_rel, &pg_foreign_table, &pg_foreign_server, &pg_sequence, &pg_depend,
    &pg_enum, &pg_matviews, &pg_language, &pg_cursors,
};
const int cat_pg_nrels = (int)(sizeof cat_pg_rels / sizeof cat_pg_rels[0]);

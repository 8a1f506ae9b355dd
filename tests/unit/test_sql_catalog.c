/* test_sql_catalog.c -- pg_catalog and information_schema (sql/sql_catalog*.c) scanned
 * directly through the virtual-table interface, beside a fake lakeward table: column names
 * and types against PostgreSQL 15's (`\d` of a real server), the generated rows (tables,
 * columns, schemas, types, functions, roles), OID stability, rescans, failed allocations,
 * and the catalog functions against what PostgreSQL 15 answers for the same calls. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../server/core/lw_arena.h"
#include "../../sql/sql_catalog.h"
#include "../../sql/sql_engine.h"
#include "../../sql/sql_func.h"
#include "../../sql/sql_value.h"
#include "sql_catalog_fixture.h"

#include <stdio.h>
#include <string.h>

/* --- a fake table lakeward.items and one in another schema ---------------------------- */

static const struct sql_col item_cols[] = {
    {"id", SQL_OID_INT4, 0},
    {"name", SQL_OID_TEXT, 0},
    {"at", SQL_OID_TIMESTAMPTZ, 0},
    {"tags", SQL_OID_TEXT_ARRAY, 0},
};

static int fake_open(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **c,
                     struct lw_err *err)
{
    (void)aux, (void)qc, (void)c;
    return lw_err_set(err, LW_EINVAL, "not scanned here");
}

static const struct sql_vtab_module items_mod = {
    .name = "items", .cols = item_cols, .ncols = 4, .open = fake_open,
};

static struct sql_tables *tables;
static struct sql_catalog *cat;
static struct lw_arena arena;
static struct lw_buf out;

static int setup(void **state)
{
    struct lw_err err = {0};
    (void)state;
    tables = sql_tables_new();
    assert_non_null(tables);
    assert_int_equal(sql_tables_add(tables, "lakeward", "items", &items_mod, NULL, &err), 0);
    assert_int_equal(sql_tables_add(tables, "extra", "things", &items_mod, NULL, &err), 0);
    cat = sql_catalog_register(tables, &err);
    assert_non_null(cat);
    lw_arena_init(&arena, 1 << 20);
    lw_buf_init(&out, 1 << 22);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sql_tables_free(tables);
    sql_catalog_free(cat);
    lw_arena_free(&arena);
    lw_buf_free(&out);
    return 0;
}

/* --- scanning ------------------------------------------------------------------------- */

static const struct sql_table *rel(const char *schema, const char *name)
{
    const struct sql_table *t = sql_tables_find(tables, schema, name);
    assert_non_null(t);
    return t;
}

static int col_index(const struct sql_table *t, const char *name)
{
    for (int i = 0; i < t->mod->ncols; i++)
        if (strcmp(t->mod->cols[i].name, name) == 0)
            return i;
    fail_msg("no column %s in %s", name, t->name);
    return -1;
}

/* Scans schema.name as `principal` and renders the rows whose column `key` has text
 * `value` (NULL: every row) as "col=val|col=val" lines of the columns listed in `show`
 * (comma-separated). Returns the number of rows scanned in total. */
static int scan(const char *schema, const char *name, const char *principal, bool admin,
                const char *key, const char *value, const char *show)
{
    const struct sql_table *t = rel(schema, name);
    struct sql_query_ctx qc = {.principal = principal, .admin = admin, .arena = &arena};
    struct sql_cursor *cur;
    struct lw_err err = {0};
    struct lw_buf tmp;
    int n = 0, kcol = key ? col_index(t, key) : -1;
    lw_buf_reset(&out);
    lw_buf_init(&tmp, 4096);
    assert_int_equal(t->mod->open(t->aux, &qc, &cur, &err), 0);
    assert_int_equal(t->mod->filter(cur, 0, 0, NULL, &err), 0);
    for (; !t->mod->eof(cur); assert_int_equal(t->mod->next(cur, &err), 0), n++) {
        struct sql_value v;
        char cols[512], *save = NULL;
        if (kcol >= 0) {
            assert_int_equal(t->mod->column(cur, kcol, &v, &err), 0);
            lw_buf_reset(&tmp);
            if (v.type == SQL_V_NULL)
                continue;
            sql_value_text(&v, t->mod->cols[kcol].type_oid, &tmp);
            if (strcmp(tmp.data ? tmp.data : "", value) != 0)
                continue;
        }
        snprintf(cols, sizeof cols, "%s", show);
        for (char *c = strtok_r(cols, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
            int k = col_index(t, c);
            assert_int_equal(t->mod->column(cur, k, &v, &err), 0);
            lw_buf_printf(&out, "%s%s=", out.len && out.data[out.len - 1] != '\n' ? "|" : "", c);
            if (v.type == SQL_V_NULL)
                lw_buf_printf(&out, "NULL");
            else
                sql_value_text(&v, t->mod->cols[k].type_oid, &out);
        }
        lw_buf_printf(&out, "\n");
    }
    t->mod->close(cur);
    lw_buf_free(&tmp);
    return n;
}

static const char *rows(void)
{
    return out.data ? out.data : "";
}

/* --- columns against PostgreSQL 15 ---------------------------------------------------- */

/* "name type, ..." of a relation, type by pg_type.typname. */
static const char *columns_of(const char *schema, const char *name)
{
    const struct sql_table *t = rel(schema, name);
    lw_buf_reset(&out);
    for (int i = 0; i < t->mod->ncols; i++) {
        const struct sql_type *ty = sql_type_get(t->mod->cols[i].type_oid);
        assert_non_null(ty);
        lw_buf_printf(&out, "%s%s %s", i ? ", " : "", t->mod->cols[i].name, ty->name);
    }
    return rows();
}

/* Every catalog relation has PostgreSQL 15's columns, and every relation listed there is
 * registered. */
static void test_columns_match_postgres(void **state)
{
    const int n = (int)(sizeof pg15_columns / sizeof pg15_columns[0]);
    int catalogs = 0;
    (void)state;
    for (int i = 0; i < n; i++)
        assert_string_equal(columns_of(pg15_columns[i].schema, pg15_columns[i].name),
                            pg15_columns[i].columns);
    for (int i = 0; i < sql_tables_count(tables); i++) {
        const char *schema = sql_tables_at(tables, i)->schema;
        catalogs += strcmp(schema, "pg_catalog") == 0 || strcmp(schema, "information_schema") == 0;
    }
    assert_int_equal(catalogs, n);
}

/* --- rows ----------------------------------------------------------------------------- */

static void test_pg_class_lists_every_table(void **state)
{
    char want[256];
    uint32_t items = sql_catalog_rel_oid(tables, "lakeward", "items");
    uint32_t lakeward = sql_catalog_nsp_oid(tables, "lakeward");
    (void)state;
    assert_true(items >= 16384 && items < 0x80000000u);
    scan("pg_catalog", "pg_class", "alice", false, "relname", "items",
         "oid,relnamespace,relkind,relam,relnatts,relhasindex,relchecks,relhasrules,"
         "relhastriggers,relowner");
    snprintf(want, sizeof want,
             "oid=%u|relnamespace=%u|relkind=r|relam=2|relnatts=4|relhasindex=f|relchecks=0|"
             "relhasrules=f|relhastriggers=f|relowner=10\n",
             items, lakeward);
    assert_string_equal(rows(), want);
    scan("pg_catalog", "pg_class", NULL, false, "relname", "items", "relname");
    assert_string_equal(rows(), "relname=items\n");
    /* The catalogs list themselves, with PostgreSQL's OIDs and kinds. */
    scan("pg_catalog", "pg_class", NULL, false, "relname", "pg_class", "oid,relnamespace,relkind");
    assert_string_equal(rows(), "oid=1259|relnamespace=11|relkind=r\n");
    scan("pg_catalog", "pg_class", NULL, false, "relname", "pg_roles", "oid,relkind,relam");
    assert_string_equal(rows(), "oid=12000|relkind=v|relam=0\n");
    scan("pg_catalog", "pg_class", NULL, false, "relname", "columns", "relkind");
    assert_string_equal(rows(), "relkind=v\n");
}

static void test_pg_attribute_and_tables(void **state)
{
    char key[32];
    (void)state;
    snprintf(key, sizeof key, "%u", sql_catalog_rel_oid(tables, "lakeward", "items"));
    scan("pg_catalog", "pg_attribute", NULL, false, "attrelid", key,
         "attnum,attname,atttypid,attlen,attbyval,attndims,attcollation,attisdropped");
    assert_string_equal(rows(),
                        "attnum=1|attname=id|atttypid=23|attlen=4|attbyval=t|attndims=0|"
                        "attcollation=0|attisdropped=f\n"
                        "attnum=2|attname=name|atttypid=25|attlen=-1|attbyval=f|attndims=0|"
                        "attcollation=100|attisdropped=f\n"
                        "attnum=3|attname=at|atttypid=1184|attlen=8|attbyval=t|attndims=0|"
                        "attcollation=0|attisdropped=f\n"
                        "attnum=4|attname=tags|atttypid=1009|attlen=-1|attbyval=f|attndims=1|"
                        "attcollation=0|attisdropped=f\n");
    scan("pg_catalog", "pg_tables", NULL, false, "schemaname", "lakeward",
         "tablename,tableowner,hasindexes");
    assert_string_equal(rows(), "tablename=items|tableowner=lakeward|hasindexes=f\n");
    scan("pg_catalog", "pg_views", NULL, false, "viewname", "pg_settings", "schemaname");
    assert_string_equal(rows(), "schemaname=pg_catalog\n");
}

static void test_pg_namespace(void **state)
{
    char want[512];
    (void)state;
    scan("pg_catalog", "pg_namespace", NULL, false, NULL, NULL, "oid,nspname,nspowner");
    snprintf(want, sizeof want,
             "oid=11|nspname=pg_catalog|nspowner=10\n"
             "oid=%u|nspname=information_schema|nspowner=10\n"
             "oid=%u|nspname=lakeward|nspowner=10\n"
             "oid=%u|nspname=extra|nspowner=10\n",
             sql_catalog_nsp_oid(tables, "information_schema"),
             sql_catalog_nsp_oid(tables, "lakeward"), sql_catalog_nsp_oid(tables, "extra"));
    assert_string_equal(rows(), want);
    assert_string_equal(sql_catalog_nsp_name(tables, 11), "pg_catalog");
    assert_null(sql_catalog_nsp_name(tables, 12345));
    assert_int_equal(sql_catalog_nsp_oid(tables, "nosuch"), 0);
}

static void test_pg_type_from_registry(void **state)
{
    (void)state;
    scan("pg_catalog", "pg_type", NULL, false, "typname", "int4",
         "oid,typnamespace,typlen,typbyval,typtype,typcategory,typelem,typarray,typalign,"
         "typstorage,typcollation");
    assert_string_equal(rows(), "oid=23|typnamespace=11|typlen=4|typbyval=t|typtype=b|"
                                "typcategory=N|typelem=0|typarray=1007|typalign=i|"
                                "typstorage=p|typcollation=0\n");
    /* JDBC tells arrays by typinput = 'array_in'::regproc (OID 750). */
    scan("pg_catalog", "pg_type", NULL, false, "typname", "_int4",
         "oid,typelem,typcategory,typlen,typinput,typstorage");
    assert_true(strncmp(rows(), "oid=1007|typelem=23|typcategory=A|typlen=-1|typinput=", 53) == 0);
    scan("pg_catalog", "pg_type", NULL, false, "typname", "text", "typcollation,typispreferred");
    assert_string_equal(rows(), "typcollation=100|typispreferred=t\n");
    scan("pg_catalog", "pg_type", NULL, false, "typname", "name", "typcollation,typlen,typalign");
    assert_string_equal(rows(), "typcollation=950|typlen=64|typalign=c\n");
    scan("pg_catalog", "pg_type", NULL, false, "typname", "any", "typtype");
    assert_string_equal(rows(), "typtype=p\n");
}

static void test_pg_proc_from_registry(void **state)
{
    (void)state;
    scan("pg_catalog", "pg_proc", NULL, false, "oid", "2079",
         "proname,pronamespace,prokind,proretset,provolatile,pronargs,prorettype,proargtypes,"
         "proisstrict");
    assert_string_equal(rows(), "proname=pg_table_is_visible|pronamespace=11|prokind=f|"
                                "proretset=f|provolatile=s|pronargs=1|prorettype=16|"
                                "proargtypes=26|proisstrict=t\n");
    scan("pg_catalog", "pg_proc", NULL, false, "oid", "1067",
         "proname,proretset,prorettype,proargtypes");
    assert_string_equal(rows(), "proname=generate_series|proretset=t|prorettype=23|"
                                "proargtypes=23 23\n");
    /* Every function entry is one row (but the OID 0 entries: shorter call forms of the
     * entry before them, PostgreSQL's default arguments). */
    {
        int n = 0;
        for (int f = 0; f < sql_func_nfamilies(); f++)
            for (int i = 0; i < sql_func_family_at(f)->nfuncs; i++)
                n += sql_func_family_at(f)->funcs[i].oid != 0;
        assert_int_equal(scan("pg_catalog", "pg_proc", NULL, false, NULL, NULL, "oid"), n);
    }
    /* pg_proc.oid and pg_operator.oid are keys: no two entries share one. */
    for (int f = 0; f < sql_func_nfamilies(); f++)
        for (int i = 0; i < sql_func_family_at(f)->nfuncs; i++) {
            const struct sql_func *fn = &sql_func_family_at(f)->funcs[i];
            char key[16];
            if (fn->oid == 0)
                continue;
            snprintf(key, sizeof key, "%u", fn->oid);
            scan("pg_catalog", "pg_proc", NULL, false, "oid", key, "proname");
            if (strchr(rows(), '\n') != strrchr(rows(), '\n'))
                fail_msg("pg_proc OID %u belongs to several functions:\n%s", fn->oid, rows());
        }
    scan("pg_catalog", "pg_operator", NULL, false, "oprname", "||", "oprkind");
    assert_non_null(strstr(rows(), "oprkind=b"));
}

static void test_roles_follow_the_session(void **state)
{
    char want[256];
    (void)state;
    scan("pg_catalog", "pg_roles", "alice", false, NULL, NULL,
         "oid,rolname,rolsuper,rolcanlogin,rolpassword");
    snprintf(want, sizeof want,
             "oid=10|rolname=lakeward|rolsuper=t|rolcanlogin=f|rolpassword=********\n"
             "oid=%u|rolname=alice|rolsuper=f|rolcanlogin=t|rolpassword=********\n",
             sql_catalog_oid("role", NULL, "alice"));
    assert_string_equal(rows(), want);
    scan("pg_catalog", "pg_roles", "root", true, "rolname", "root", "rolsuper");
    assert_string_equal(rows(), "rolsuper=t\n");
    scan("pg_catalog", "pg_user", "alice", false, NULL, NULL, "usename,usesuper");
    assert_string_equal(rows(), "usename=alice|usesuper=f\n");
    scan("pg_catalog", "pg_database", "alice", false, NULL, NULL,
         "datname,datdba,encoding,datcollate,datlocprovider,dattablespace");
    assert_string_equal(rows(), "datname=lakeward|datdba=10|encoding=6|datcollate=C|"
                                "datlocprovider=c|dattablespace=1663\n");
}

/* pg_cursors: the rows cursor_at gives, copied (a cursor may close while a scan of
 * pg_cursors still streams it); none without a callback. */
static char fake_cursor_name[16] = "c1";

static bool fake_cursor_at(const void *session, int i, struct sql_open_cursor *out)
{
    static const struct sql_open_cursor held = {"h", "declare h cursor with hold for select 1",
                                                true, false, false, 1000000};
    assert_ptr_equal(session, &arena);
    if (i == 0)
        *out = (struct sql_open_cursor){fake_cursor_name, "begin; declare c1 cursor for x",
                                        false, false, false, 0};
    else if (i == 1)
        *out = held;
    return i < 2;
}

static void test_pg_cursors_from_the_session(void **state)
{
    const struct sql_table *t = rel("pg_catalog", "pg_cursors");
    struct sql_query_ctx qc = {.principal = "alice", .arena = &arena,
                               .cursor_at = fake_cursor_at, .session = &arena};
    struct sql_cursor *cur;
    struct lw_err err = {0};
    struct sql_value v;
    (void)state;
    assert_int_equal(scan("pg_catalog", "pg_cursors", "alice", false, NULL, NULL, "name"), 0);
    assert_int_equal(t->mod->open(t->aux, &qc, &cur, &err), 0);
    assert_int_equal(t->mod->filter(cur, 0, 0, NULL, &err), 0);
    strcpy(fake_cursor_name, "gone");
    assert_false(t->mod->eof(cur));
    assert_int_equal(t->mod->column(cur, col_index(t, "name"), &v, &err), 0);
    assert_int_equal(v.type, SQL_V_TEXT);
    assert_memory_equal(v.u.s.p, "c1", 2);
    assert_int_equal((int)v.u.s.len, 2);
    assert_int_equal(t->mod->column(cur, col_index(t, "is_holdable"), &v, &err), 0);
    assert_false(v.u.b);
    assert_int_equal(t->mod->next(cur, &err), 0);
    assert_int_equal(t->mod->column(cur, col_index(t, "statement"), &v, &err), 0);
    assert_int_equal((int)v.u.s.len, (int)strlen("declare h cursor with hold for select 1"));
    assert_int_equal(t->mod->column(cur, col_index(t, "is_holdable"), &v, &err), 0);
    assert_true(v.u.b);
    assert_int_equal(t->mod->column(cur, col_index(t, "creation_time"), &v, &err), 0);
    assert_int_equal(v.type, SQL_V_TIME);
    assert_int_equal(v.u.us, 1000000);
    assert_int_equal(t->mod->next(cur, &err), 0);
    assert_true(t->mod->eof(cur));
    t->mod->close(cur);
    strcpy(fake_cursor_name, "c1");
}

static void test_empty_relations_exist(void **state)
{
    static const char *const empty[] = {
        "pg_description", "pg_attrdef", "pg_constraint", "pg_index", "pg_inherits",
        "pg_policy", "pg_trigger", "pg_rewrite", "pg_statistic_ext", "pg_publication",
        "pg_publication_namespace", "pg_publication_rel", "pg_foreign_table", "pg_extension",
        "pg_auth_members", "pg_sequence", "pg_depend",
    };
    (void)state;
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++)
        assert_int_equal(scan("pg_catalog", empty[i], NULL, false, NULL, NULL, ""), 0);
    scan("pg_catalog", "pg_am", NULL, false, NULL, NULL, "oid,amname,amtype");
    assert_string_equal(rows(), "oid=2|amname=heap|amtype=t\noid=403|amname=btree|amtype=i\n"
                                "oid=405|amname=hash|amtype=i\n");
}

static void test_information_schema(void **state)
{
    (void)state;
    scan("information_schema", "columns", NULL, false, "table_name", "items",
         "table_catalog,table_schema,column_name,ordinal_position,data_type,udt_name,"
         "numeric_precision,numeric_scale,datetime_precision,is_nullable,dtd_identifier");
    assert_string_equal(rows(),
                        "table_catalog=lakeward|table_schema=lakeward|column_name=id|"
                        "ordinal_position=1|data_type=integer|udt_name=int4|"
                        "numeric_precision=32|numeric_scale=0|datetime_precision=NULL|"
                        "is_nullable=YES|dtd_identifier=1\n"
                        "table_catalog=lakeward|table_schema=lakeward|column_name=name|"
                        "ordinal_position=2|data_type=text|udt_name=text|"
                        "numeric_precision=NULL|numeric_scale=NULL|datetime_precision=NULL|"
                        "is_nullable=YES|dtd_identifier=2\n"
                        "table_catalog=lakeward|table_schema=lakeward|column_name=at|"
                        "ordinal_position=3|data_type=timestamp with time zone|"
                        "udt_name=timestamptz|numeric_precision=NULL|numeric_scale=NULL|"
                        "datetime_precision=6|is_nullable=YES|dtd_identifier=3\n"
                        "table_catalog=lakeward|table_schema=lakeward|column_name=tags|"
                        "ordinal_position=4|data_type=ARRAY|udt_name=_text|"
                        "numeric_precision=NULL|numeric_scale=NULL|datetime_precision=NULL|"
                        "is_nullable=YES|dtd_identifier=4\n");
    scan("information_schema", "tables", NULL, false, "table_name", "items",
         "table_schema,table_type,is_insertable_into");
    assert_string_equal(rows(), "table_schema=lakeward|table_type=BASE TABLE|"
                                "is_insertable_into=NO\n");
    scan("information_schema", "tables", NULL, false, "table_name", "pg_roles", "table_type");
    assert_string_equal(rows(), "table_type=VIEW\n");
    scan("information_schema", "schemata", NULL, false, "schema_name", "lakeward",
         "catalog_name,schema_owner");
    assert_string_equal(rows(), "catalog_name=lakeward|schema_owner=lakeward\n");
    scan("information_schema", "routines", NULL, false, "specific_name", "lower_870",
         "routine_schema,routine_name,routine_type,data_type,type_udt_name,is_null_call");
    assert_string_equal(rows(), "routine_schema=pg_catalog|routine_name=lower|"
                                "routine_type=FUNCTION|data_type=text|type_udt_name=text|"
                                "is_null_call=YES\n");
    scan("information_schema", "character_sets", NULL, false, NULL, NULL,
         "character_set_name,character_repertoire");
    assert_string_equal(rows(), "character_set_name=UTF8|character_repertoire=UCS\n");
}

/* Derived OIDs never change between releases: joins in saved queries and dashboards keep
 * working. The values are pinned here. */
static void test_oids_are_stable(void **state)
{
    (void)state;
    assert_int_equal(sql_catalog_oid("rel", "lakeward", "decisions"),
                     sql_catalog_oid("rel", "lakeward", "decisions"));
    assert_int_not_equal(sql_catalog_oid("rel", "lakeward", "decisions"),
                         sql_catalog_oid("rel", "lakewar", "ddecisions"));
    assert_int_equal(sql_catalog_oid("rel", "lakeward", "decisions"), 1143368297u);
    assert_int_equal(sql_catalog_oid("nsp", NULL, "lakeward"), 454572298u);
    assert_ptr_equal(sql_catalog_rel_by_oid(tables, 1259), rel("pg_catalog", "pg_class"));
    assert_null(sql_catalog_rel_by_oid(tables, 1));
    assert_int_equal(sql_catalog_relkind(rel("lakeward", "items")), 'r');
    assert_int_equal(sql_catalog_relkind(rel("pg_catalog", "pg_user")), 'v');
}

static void test_register_twice_fails(void **state)
{
    struct lw_err err = {0};
    (void)state;
    assert_null(sql_catalog_register(tables, &err));
    assert_int_equal(err.code, LW_EINVAL);
    assert_non_null(strstr(err.msg, "registered twice"));
}

/* A rescan (the inner side of a nested loop) gives the same rows; failed allocations at
 * every step give an error, never a crash or a leak (ASan). */
static void test_rescan_and_failed_allocations(void **state)
{
    const struct sql_table *t = rel("pg_catalog", "pg_attribute");
    struct sql_query_ctx qc = {.principal = "alice", .arena = &arena};
    struct sql_cursor *cur;
    struct lw_err err = {0};
    int n1 = 0, n2 = 0;
    (void)state;
    assert_int_equal(t->mod->open(t->aux, &qc, &cur, &err), 0);
    for (int pass = 0; pass < 2; pass++) {
        int *n = pass ? &n2 : &n1;
        assert_int_equal(t->mod->filter(cur, 0, 0, NULL, &err), 0);
        for (; !t->mod->eof(cur); assert_int_equal(t->mod->next(cur, &err), 0))
            (*n)++;
    }
    t->mod->close(cur);
    assert_true(n1 > 100);
    assert_int_equal(n1, n2);
    for (long k = 0; k < 12; k++) {
        int rc;
        lw_alloc_fail_after(k);
        rc = t->mod->open(t->aux, &qc, &cur, &err);
        if (rc == 0) {
            rc = t->mod->filter(cur, 0, 0, NULL, &err);
            t->mod->close(cur);
        }
        lw_alloc_fail_after(-1);
        if (rc != 0)
            assert_int_equal(rc, LW_ENOMEM);
    }
}

/* --- functions ------------------------------------------------------------------------ */

static struct sql_session session;
static struct sql_error ferr;

/* Calls function oid with text literals converted to its parameter types ("\\N": NULL);
 * returns its text output, "NULL", or "ERR <sqlstate>". */
static const char *call(uint32_t oid, int argc, ...)
{
    const struct sql_func *fn = sql_func_by_oid(oid);
    struct sql_value argv[SQL_FUNC_MAX_ARGS], res = {0};
    struct sql_fcall c = {.arena = &arena, .session = &session, .err = &ferr};
    va_list ap;
    bool null_arg = false;
    assert_non_null(fn);
    assert_int_equal(fn->nargs, argc);
    c.result_oid = fn->ret;
    c.arg_oids = fn->args;
    memset(&ferr, 0, sizeof ferr);
    va_start(ap, argc);
    for (int i = 0; i < argc; i++) {
        const char *s = va_arg(ap, const char *);
        if (strcmp(s, "\\N") == 0) {
            argv[i].type = SQL_V_NULL;
            null_arg = true;
            continue;
        }
        assert_int_equal(sql_value_parse_in(s, strlen(s), fn->args[i], &arena, &argv[i], &ferr), 0);
    }
    va_end(ap);
    lw_buf_reset(&out);
    if (null_arg && fn->strict)
        return "NULL";
    if (fn->fn(&c, argc, argv, &res) != 0) {
        lw_buf_printf(&out, "ERR %s", ferr.sqlstate);
        return rows();
    }
    if (res.type == SQL_V_NULL)
        return "NULL";
    sql_value_text(&res, fn->ret == SQL_OID_ANYARRAY ? SQL_OID_TEXT_ARRAY : fn->ret, &out);
    return rows();
}

static int fsetup(void **state)
{
    struct sql_session_opts o = {0};
    setup(state);
    o.tables = tables;
    o.user = "alice";
    o.database = "lakeward";
    sql_session_init(&session, &o);
    return 0;
}

/* Expected values are PostgreSQL 15's answers to the same calls. */
static void test_names_and_visibility(void **state)
{
    char oid[32], alice[32];
    (void)state;
    assert_string_equal(call(1081, 2, "23", "\\N"), "integer");
    assert_string_equal(call(1081, 2, "1042", "\\N"), "character");
    assert_string_equal(call(1081, 2, "1042", "-1"), "bpchar");
    assert_string_equal(call(1081, 2, "1043", "14"), "character varying(10)");
    assert_string_equal(call(1081, 2, "1009", "\\N"), "text[]");
    assert_string_equal(call(1081, 2, "18", "\\N"), "\"char\"");
    assert_string_equal(call(1081, 2, "999999", "\\N"), "???");
    assert_string_equal(call(1081, 2, "\\N", "\\N"), "NULL");
    snprintf(alice, sizeof alice, "%u", sql_catalog_oid("role", NULL, "alice"));
    assert_string_equal(call(1642, 1, "10"), "lakeward");
    assert_string_equal(call(1642, 1, alice), "alice");
    assert_string_equal(call(1642, 1, "999999"), "unknown (OID=999999)");
    snprintf(oid, sizeof oid, "%u", sql_catalog_rel_oid(tables, "lakeward", "items"));
    assert_string_equal(call(2079, 1, oid), "t");
    assert_string_equal(call(2079, 1, "1259"), "t");
    snprintf(oid, sizeof oid, "%u", sql_catalog_rel_oid(tables, "extra", "things"));
    assert_string_equal(call(2079, 1, oid), "f");
    snprintf(oid, sizeof oid, "%u", sql_catalog_rel_oid(tables, "information_schema", "tables"));
    assert_string_equal(call(2079, 1, oid), "f");
    assert_string_equal(call(2079, 1, "999999"), "NULL");
    assert_string_equal(call(2080, 1, "23"), "t");
    assert_string_equal(call(2081, 1, "2079"), "t");
    assert_string_equal(call(2081, 1, "999999"), "NULL");
    assert_string_equal(call(2165, 1, "1067"), "SETOF integer");
    assert_string_equal(call(2162, 1, "3059"), "text, VARIADIC \"any\"");
    assert_string_equal(call(2162, 1, "2079"), "oid");
    assert_string_equal(call(1403, 1, "true"), "{pg_catalog,lakeward}");
    assert_string_equal(call(1403, 1, "false"), "{lakeward}");
}

static void test_quote_ident_and_sizes(void **state)
{
    (void)state;
    assert_string_equal(call(1282, 1, "select"), "\"select\"");
    assert_string_equal(call(1282, 1, "Abc"), "\"Abc\"");
    assert_string_equal(call(1282, 1, "abc"), "abc");
    assert_string_equal(call(1282, 1, "a\"b"), "\"a\"\"b\"");
    assert_string_equal(call(1282, 1, "name"), "name");
    assert_string_equal(call(1282, 1, "1a"), "\"1a\"");
    assert_string_equal(call(1282, 1, "_x1"), "_x1");
    assert_string_equal(call(1282, 1, "\xc3\xa9"), "\"\xc3\xa9\"");
    assert_string_equal(call(1282, 1, ""), "\"\"");
    assert_string_equal(call(2288, 1, "0"), "0 bytes");
    assert_string_equal(call(2288, 1, "10239"), "10239 bytes");
    assert_string_equal(call(2288, 1, "10240"), "10 kB");
    assert_string_equal(call(2288, 1, "1234567890"), "1177 MB");
    assert_string_equal(call(2288, 1, "-20480"), "-20 kB");
    assert_string_equal(call(2288, 1, "9223372036854775807"), "8192 PB");
    assert_string_equal(call(1597, 1, "6"), "UTF8");
    assert_string_equal(call(1597, 1, "0"), "SQL_ASCII");
    assert_string_equal(call(1597, 1, "999"), "");
    assert_string_equal(call(1597, 1, "-1"), "");
    assert_string_equal(call(1264, 1, "UTF8"), "6");
    assert_string_equal(call(1264, 1, "utf-8"), "6");
    assert_string_equal(call(1264, 1, "bogus"), "-1");
    assert_string_equal(call(1039, 0), "UTF8");
    assert_string_equal(call(3815, 1, "100"), "t");
    assert_string_equal(call(3815, 1, "12345"), "NULL");
    assert_string_equal(call(2997, 1, "1259"), "0");
    assert_string_equal(call(1216, 2, "1259", "1"), "NULL");
    assert_string_equal(call(1643, 1, "1259"), "NULL");
    assert_string_equal(call(1716, 2, "{VAR}", "1259"), "ERR 0A000");
    assert_string_equal(call(750, 3, "{1}", "23", "-1"), "ERR 0A000");
}

static void test_privileges(void **state)
{
    (void)state;
    /* Every signed-in user may read every table; nothing else is granted (read-only). */
    assert_string_equal(call(1926, 2, "lakeward.items", "SELECT"), "t");
    assert_string_equal(call(1926, 2, "items", "select"), "t");
    assert_string_equal(call(1926, 2, "\"lakeward\".\"items\"", " SELECT "), "t");
    assert_string_equal(call(1926, 2, "pg_class", "INSERT, select"), "t");
    assert_string_equal(call(1926, 2, "items", "INSERT"), "f");
    assert_string_equal(call(1926, 2, "items", "SELECT WITH GRANT OPTION"), "f");
    assert_string_equal(call(1926, 2, "items", "bogus"), "ERR 22023");
    assert_string_equal(call(1926, 2, "items", ""), "ERR 22023");
    assert_string_equal(call(1926, 2, "nosuch", "SELECT"), "ERR 42P01");
    assert_string_equal(call(1926, 2, "\"Items\"", "SELECT"), "ERR 42P01");
    assert_string_equal(call(1927, 2, "1259", "SELECT"), "t");
    assert_string_equal(call(1927, 2, "999999", "SELECT"), "NULL");
    assert_string_equal(call(1922, 3, "alice", "items", "SELECT"), "t");
    assert_string_equal(call(1922, 3, "mallory", "items", "SELECT"), "ERR 42704");
    assert_string_equal(call(2272, 2, "lakeward", "USAGE"), "t");
    assert_string_equal(call(2272, 2, "lakeward", "CREATE"), "f");
    assert_string_equal(call(2272, 2, "nosuch", "USAGE"), "ERR 3F000");
    assert_string_equal(call(2273, 2, "11", "usage"), "t");
    assert_string_equal(call(2254, 2, "lakeward", "CONNECT"), "t");
    assert_string_equal(call(2254, 2, "lakeward", "CREATE, TEMP"), "f");
    assert_string_equal(call(2254, 2, "other", "CONNECT"), "ERR 3D000");
    assert_string_equal(call(2709, 2, "alice", "MEMBER"), "t");
    assert_string_equal(call(2709, 2, "lakeward", "MEMBER"), "f");
    assert_string_equal(call(2709, 2, "bob", "MEMBER"), "ERR 42704");
    assert_string_equal(call(2709, 2, "alice", "SELECT"), "ERR 22023");
    assert_string_equal(call(2705, 3, "lakeward", "lakeward", "USAGE"), "t");
}

/* --- reg* types ----------------------------------------------------------------------- */

static const char *reg_in(uint32_t type, const char *text)
{
    struct sql_error e = {0};
    uint32_t oid = 12345;
    lw_buf_reset(&out);
    if (sql_catalog_reg_in(tables, type, text, strlen(text), &oid, &e) != 0)
        lw_buf_printf(&out, "ERR %s %s", e.sqlstate, e.msg);
    else
        lw_buf_printf(&out, "%u", oid);
    return rows();
}

static const char *reg_out(uint32_t type, uint32_t oid)
{
    lw_buf_reset(&out);
    sql_catalog_reg_out(tables, type, oid, &out);
    return rows();
}

/* Expected values are PostgreSQL 15's answers to the same casts. */
static void test_reg_types(void **state)
{
    char want[64];
    (void)state;
    assert_string_equal(reg_in(SQL_OID_REGCLASS, "pg_catalog.pg_class"), "1259");
    assert_string_equal(reg_in(SQL_OID_REGCLASS, "PG_CLASS"), "1259");
    assert_string_equal(reg_in(SQL_OID_REGCLASS, "  pg_class "), "1259");
    assert_string_equal(reg_in(SQL_OID_REGCLASS, "\"pg_class\""), "1259");
    assert_string_equal(reg_in(SQL_OID_REGCLASS, "\"PG_CLASS\""),
                        "ERR 42P01 relation \"PG_CLASS\" does not exist");
    assert_string_equal(reg_in(SQL_OID_REGCLASS, "NOSUCH"),
                        "ERR 42P01 relation \"nosuch\" does not exist");
    assert_string_equal(reg_in(SQL_OID_REGCLASS, "lakeward.NoSuch"),
                        "ERR 42P01 relation \"lakeward.nosuch\" does not exist");
    assert_string_equal(reg_in(SQL_OID_REGCLASS, "Nope.x"),
                        "ERR 3F000 schema \"nope\" does not exist");
    assert_string_equal(reg_in(SQL_OID_REGCLASS, "a.b.c"),
                        "ERR 0A000 cross-database references are not implemented: \"a.b.c\"");
    assert_string_equal(reg_in(SQL_OID_REGCLASS, "a..b"), "ERR 42601 invalid name syntax");
    assert_string_equal(reg_in(SQL_OID_REGCLASS, "\"open"), "ERR 42601 invalid name syntax");
    assert_string_equal(reg_in(SQL_OID_REGCLASS, "16384"), "16384");
    assert_string_equal(reg_in(SQL_OID_REGCLASS, "-"), "0");
    snprintf(want, sizeof want, "%u", sql_catalog_rel_oid(tables, "lakeward", "items"));
    assert_string_equal(reg_in(SQL_OID_REGCLASS, "items"), want);
    assert_string_equal(reg_in(SQL_OID_REGCLASS, "lakeward.items"), want);
    assert_string_equal(reg_in(SQL_OID_REGCLASS, "things"),
                        "ERR 42P01 relation \"things\" does not exist");   /* not on the path */
    assert_string_equal(reg_out(SQL_OID_REGCLASS, 1259), "pg_class");
    assert_string_equal(reg_out(SQL_OID_REGCLASS, sql_catalog_rel_oid(tables, "lakeward", "items")),
                        "items");
    assert_string_equal(reg_out(SQL_OID_REGCLASS, sql_catalog_rel_oid(tables, "extra", "things")),
                        "extra.things");
    assert_string_equal(reg_out(SQL_OID_REGCLASS,
                                sql_catalog_rel_oid(tables, "information_schema", "tables")),
                        "information_schema.tables");
    assert_string_equal(reg_out(SQL_OID_REGCLASS, 0), "-");
    assert_string_equal(reg_out(SQL_OID_REGCLASS, 999999), "999999");

    assert_string_equal(reg_in(SQL_OID_REGTYPE, "integer"), "23");
    assert_string_equal(reg_in(SQL_OID_REGTYPE, "INT4"), "23");
    assert_string_equal(reg_in(SQL_OID_REGTYPE, "pg_catalog.int4"), "23");
    assert_string_equal(reg_in(SQL_OID_REGTYPE, "int4[]"), "1007");
    assert_string_equal(reg_in(SQL_OID_REGTYPE, "integer[]"), "1007");
    assert_string_equal(reg_in(SQL_OID_REGTYPE, "character varying"), "1043");
    assert_string_equal(reg_in(SQL_OID_REGTYPE, "\"char\""), "18");
    assert_string_equal(reg_in(SQL_OID_REGTYPE, "char"), "1042");
    assert_string_equal(reg_in(SQL_OID_REGTYPE, "NOSUCH"),
                        "ERR 42704 type \"nosuch\" does not exist");
    assert_string_equal(reg_out(SQL_OID_REGTYPE, 23), "integer");
    assert_string_equal(reg_out(SQL_OID_REGTYPE, 1007), "integer[]");
    assert_string_equal(reg_out(SQL_OID_REGTYPE, 0), "-");

    assert_string_equal(reg_in(SQL_OID_REGPROC, "version"), "89");
    assert_string_equal(reg_in(SQL_OID_REGPROC, "pg_catalog.version"), "89");
    assert_string_equal(reg_in(SQL_OID_REGPROC, "pg_catalog.array_in"), "750");
    assert_string_equal(reg_in(SQL_OID_REGPROC, "abs"),
                        "ERR 42725 more than one function named \"abs\"");
    assert_string_equal(reg_in(SQL_OID_REGPROC, "NOSUCH"),
                        "ERR 42883 function \"NOSUCH\" does not exist");
    assert_string_equal(reg_out(SQL_OID_REGPROC, 2079), "pg_table_is_visible");
    assert_string_equal(reg_out(SQL_OID_REGPROCEDURE, 2079), "pg_table_is_visible(oid)");
    assert_string_equal(reg_out(SQL_OID_REGPROCEDURE, 1081), "format_type(oid,integer)");
    assert_string_equal(reg_out(SQL_OID_REGPROC, 0), "-");
    assert_string_equal(reg_in(SQL_OID_REGPROCEDURE, "870"), "870");

    assert_string_equal(reg_in(SQL_OID_REGNAMESPACE, "pg_catalog"), "11");
    assert_string_equal(reg_in(SQL_OID_REGNAMESPACE, "NOSUCH"),
                        "ERR 3F000 schema \"nosuch\" does not exist");
    assert_string_equal(reg_out(SQL_OID_REGNAMESPACE, 11), "pg_catalog");
}

int main(void)
{
    const struct CMUnitTest scans[] = {
        cmocka_unit_test(test_columns_match_postgres),
        cmocka_unit_test(test_pg_class_lists_every_table),
        cmocka_unit_test(test_pg_attribute_and_tables),
        cmocka_unit_test(test_pg_namespace),
        cmocka_unit_test(test_pg_type_from_registry),
        cmocka_unit_test(test_pg_proc_from_registry),
        cmocka_unit_test(test_roles_follow_the_session),
        cmocka_unit_test(test_pg_cursors_from_the_session),
        cmocka_unit_test(test_empty_relations_exist),
        cmocka_unit_test(test_information_schema),
        cmocka_unit_test(test_oids_are_stable),
        cmocka_unit_test(test_register_twice_fails),
        cmocka_unit_test(test_rescan_and_failed_allocations),
    };
    const struct CMUnitTest funcs[] = {
        cmocka_unit_test(test_names_and_visibility),
        cmocka_unit_test(test_quote_ident_and_sizes),
        cmocka_unit_test(test_privileges),
        cmocka_unit_test(test_reg_types),
    };
    int failed = cmocka_run_group_tests_name("sql_catalog", scans, setup, teardown);
    return failed + cmocka_run_group_tests_name("sql_catalog_func", funcs, fsetup, teardown);
}

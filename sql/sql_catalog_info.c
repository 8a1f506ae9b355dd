/* sql_catalog_info.c -- the information_schema relations Grafana's and JDBC's metadata
 * queries read (tables, columns, schemata, views, routines, character_sets), with
 * PostgreSQL 15's column names; its domains are shown as their base types, as PostgreSQL
 * sends them on the wire (sql_identifier name, cardinal_number integer, character_data and
 * yes_or_no character varying, time_stamp timestamp with time zone). Rows come from the
 * same registries as pg_catalog. lakeward is read-only: nothing is insertable or updatable. */
#include "sql_catalog_int.h"

#include "sql_func.h"

#include <string.h>

#define N SQL_OID_NAME
#define V SQL_OID_VARCHAR
#define I4 SQL_OID_INT4
#define TZ SQL_OID_TIMESTAMPTZ

#define INFO_CHARACTER_SETS(X)                                                             \
    X(cs, character_set_catalog, N) X(cs, character_set_schema, N)                         \
    X(cs, character_set_name, N) X(cs, character_repertoire, N) X(cs, form_of_use, N)      \
    X(cs, default_collate_catalog, N) X(cs, default_collate_schema, N)                     \
    X(cs, default_collate_name, N)
enum { INFO_CHARACTER_SETS(CAT_IDX) };

#define INFO_COLUMNS(X)                                                                    \
    X(col, table_catalog, N) X(col, table_schema, N) X(col, table_name, N)                 \
    X(col, column_name, N) X(col, ordinal_position, I4) X(col, column_default, V)          \
    X(col, is_nullable, V) X(col, data_type, V) X(col, character_maximum_length, I4)       \
    X(col, character_octet_length, I4) X(col, numeric_precision, I4)                       \
    X(col, numeric_precision_radix, I4) X(col, numeric_scale, I4)                          \
    X(col, datetime_precision, I4) X(col, interval_type, V)                                \
    X(col, interval_precision, I4) X(col, character_set_catalog, N)                        \
    X(col, character_set_schema, N) X(col, character_set_name, N)                          \
    X(col, collation_catalog, N) X(col, collation_schema, N) X(col, collation_name, N)     \
    X(col, domain_catalog, N) X(col, domain_schema, N) X(col, domain_name, N)              \
    X(col, udt_catalog, N) X(col, udt_schema, N) X(col, udt_name, N)                       \
    X(col, scope_catalog, N) X(col, scope_schema, N) X(col, scope_name, N)                 \
    X(col, maximum_cardinality, I4) X(col, dtd_identifier, N)                              \
    X(col, is_self_referencing, V) X(col, is_identity, V)                                  \
    X(col, identity_generation, V) X(col, identity_start, V)                               \
    X(col, identity_increment, V) X(col, identity_maximum, V)                              \
    X(col, identity_minimum, V) X(col, identity_cycle, V) X(col, is_generated, V)          \
    X(col, generation_expression, V) X(col, is_updatable, V)
enum { INFO_COLUMNS(CAT_IDX) };

#define INFO_ROUTINES(X)                                                                   \
    X(rt, specific_catalog, N) X(rt, specific_schema, N) X(rt, specific_name, N)           \
    X(rt, routine_catalog, N) X(rt, routine_schema, N) X(rt, routine_name, N)              \
    X(rt, routine_type, V) X(rt, module_catalog, N) X(rt, module_schema, N)                \
    X(rt, module_name, N) X(rt, udt_catalog, N) X(rt, udt_schema, N)                       \
    X(rt, udt_name, N) X(rt, data_type, V) X(rt, character_maximum_length, I4)             \
    X(rt, character_octet_length, I4) X(rt, character_set_catalog, N)                      \
    X(rt, character_set_schema, N) X(rt, character_set_name, N)                            \
    X(rt, collation_catalog, N) X(rt, collation_schema, N) X(rt, collation_name, N)        \
    X(rt, numeric_precision, I4) X(rt, numeric_precision_radix, I4)                        \
    X(rt, numeric_scale, I4) X(rt, datetime_precision, I4) X(rt, interval_type, V)         \
    X(rt, interval_precision, I4) X(rt, type_udt_catalog, N) X(rt, type_udt_schema, N)     \
    X(rt, type_udt_name, N) X(rt, scope_catalog, N) X(rt, scope_schema, N)                 \
    X(rt, scope_name, N) X(rt, maximum_cardinality, I4) X(rt, dtd_identifier, N)           \
    X(rt, routine_body, V) X(rt, routine_definition, V) X(rt, external_name, V)            \
    X(rt, external_language, V) X(rt, parameter_style, V) X(rt, is_deterministic, V)       \
    X(rt, sql_data_access, V) X(rt, is_null_call, V) X(rt, sql_path, V)                    \
    X(rt, schema_level_routine, V) X(rt, max_dynamic_result_sets, I4)                      \
    X(rt, is_user_defined_cast, V) X(rt, is_implicitly_invocable, V)                       \
    X(rt, security_type, V) X(rt, to_sql_specific_catalog, N)                              \
    X(rt, to_sql_specific_schema, N) X(rt, to_sql_specific_name, N)                        \
    X(rt, as_locator, V) X(rt, created, TZ) X(rt, last_altered, TZ)                        \
    X(rt, new_savepoint_level, V) X(rt, is_udt_dependent, V)                               \
    X(rt, result_cast_from_data_type, V) X(rt, result_cast_as_locator, V)                  \
    X(rt, result_cast_char_max_length, I4) X(rt, result_cast_char_octet_length, I4)        \
    X(rt, result_cast_char_set_catalog, N) X(rt, result_cast_char_set_schema, N)           \
    X(rt, result_cast_char_set_name, N) X(rt, result_cast_collation_catalog, N)            \
    X(rt, result_cast_collation_schema, N) X(rt, result_cast_collation_name, N)            \
    X(rt, result_cast_numeric_precision, I4)                                               \
    X(rt, result_cast_numeric_precision_radix, I4)                                         \
    X(rt, result_cast_numeric_scale, I4) X(rt, result_cast_datetime_precision, I4)         \
    X(rt, result_cast_interval_type, V) X(rt, result_cast_interval_precision, I4)          \
    X(rt, result_cast_type_udt_catalog, N) X(rt, result_cast_type_udt_schema, N)           \
    X(rt, result_cast_type_udt_name, N) X(rt, result_cast_scope_catalog, N)                \
    X(rt, result_cast_scope_schema, N) X(rt, result_cast_scope_name, N)                    \
    X(rt, result_cast_maximum_cardinality, I4) X(rt, result_cast_dtd_identifier, N)
enum { INFO_ROUTINES(CAT_IDX) };

#define INFO_SCHEMATA(X)                                                                   \
    X(sch, catalog_name, N) X(sch, schema_name, N) X(sch, schema_owner, N)                 \
    X(sch, default_character_set_catalog, N) X(sch, default_character_set_schema, N)       \
    X(sch, default_character_set_name, N) X(sch, sql_path, V)
enum { INFO_SCHEMATA(CAT_IDX) };

#define INFO_TABLES(X)                                                                     \
    X(tb, table_catalog, N) X(tb, table_schema, N) X(tb, table_name, N)                    \
    X(tb, table_type, V) X(tb, self_referencing_column_name, N)                            \
    X(tb, reference_generation, V) X(tb, user_defined_type_catalog, N)                     \
    X(tb, user_defined_type_schema, N) X(tb, user_defined_type_name, N)                    \
    X(tb, is_insertable_into, V) X(tb, is_typed, V) X(tb, commit_action, V)
enum { INFO_TABLES(CAT_IDX) };

#define INFO_VIEWS(X)                                                                      \
    X(vw, table_catalog, N) X(vw, table_schema, N) X(vw, table_name, N)                    \
    X(vw, view_definition, V) X(vw, check_option, V) X(vw, is_updatable, V)                \
    X(vw, is_insertable_into, V) X(vw, is_trigger_updatable, V)                            \
    X(vw, is_trigger_deletable, V) X(vw, is_trigger_insertable_into, V)
enum { INFO_VIEWS(CAT_IDX) };

/* What information_schema says of one column type (PostgreSQL's _pg_numeric_precision,
 * _pg_datetime_precision and friends, for the types lakeward registers). */
struct info_type {
    uint32_t oid;
    int precision, radix, scale;    /* -1: NULL */
    int datetime_precision;         /* -1: NULL */
};

static const struct info_type info_types[] = {
    {SQL_OID_INT2, 16, 2, 0, -1},        {SQL_OID_INT4, 32, 2, 0, -1},
    {SQL_OID_INT8, 64, 2, 0, -1},        {SQL_OID_FLOAT4, 24, 2, -1, -1},
    {SQL_OID_FLOAT8, 53, 2, -1, -1},     {SQL_OID_NUMERIC, -1, 10, -1, -1},
    {SQL_OID_DATE, -1, -1, -1, 0},       {SQL_OID_TIME, -1, -1, -1, 6},
    {SQL_OID_TIMESTAMP, -1, -1, -1, 6},  {SQL_OID_TIMESTAMPTZ, -1, -1, -1, 6},
    {SQL_OID_INTERVAL, -1, -1, -1, 6},
};

/* Text types' character_octet_length: PostgreSQL's maximum field size. */
#define INFO_MAX_OCTETS 1073741824

static void opt_int(struct sql_value *v, int i)
{
    if (i >= 0)
        cat_int(v, i);
}

/* data_type, udt_name and the numeric/datetime columns of a value of type oid; the first
 * indexes are this relation's positions of those columns (-1: the relation has none). */
struct info_type_cols {
    int data_type, udt_catalog, udt_schema, udt_name, octets, precision, radix, scale, dt;
};

static void info_type_fill(struct sql_value *v, uint32_t oid, const struct info_type_cols *c)
{
    const struct sql_type *ty = sql_type_get(oid);
    bool array = ty && ty->category == SQL_TCAT_ARRAY && ty->elem_oid;
    cat_text(&v[c->data_type], !ty ? "USER-DEFINED" : array ? "ARRAY" : ty->sql_name);
    cat_text(&v[c->udt_catalog], SQL_CATALOG_DATABASE);
    cat_text(&v[c->udt_schema], "pg_catalog");
    cat_text(&v[c->udt_name], ty ? ty->name : NULL);
    if (oid == SQL_OID_TEXT || oid == SQL_OID_VARCHAR || oid == SQL_OID_BPCHAR)
        cat_int(&v[c->octets], INFO_MAX_OCTETS);
    for (size_t i = 0; i < sizeof info_types / sizeof info_types[0]; i++)
        if (info_types[i].oid == oid) {
            opt_int(&v[c->precision], info_types[i].precision);
            opt_int(&v[c->radix], info_types[i].radix);
            opt_int(&v[c->scale], info_types[i].scale);
            opt_int(&v[c->dt], info_types[i].datetime_precision);
        }
}

static const char *yes_no(bool b)
{
    return b ? "YES" : "NO";
}

static int build_tables(struct cat_scan *s)
{
    for (int i = 0; i < sql_tables_count(s->tables); i++) {
        const struct sql_table *tab = sql_tables_at(s->tables, i);
        struct sql_value *v = cat_row(s);
        if (!v)
            return 0;
        cat_text(&v[tb_table_catalog], SQL_CATALOG_DATABASE);
        cat_text(&v[tb_table_schema], tab->schema);
        cat_text(&v[tb_table_name], tab->name);
        cat_text(&v[tb_table_type], sql_catalog_relkind(tab) == 'v' ? "VIEW" : "BASE TABLE");
        cat_text(&v[tb_is_insertable_into], yes_no(false));
        cat_text(&v[tb_is_typed], yes_no(false));
    }
    return 0;
}
CAT_REL(info_tables, "tables", "information_schema", 0, 'v', INFO_TABLES, build_tables);

static int build_columns(struct cat_scan *s)
{
    static const struct info_type_cols tc = {
        col_data_type,         col_udt_catalog,        col_udt_schema,
        col_udt_name,          col_character_octet_length, col_numeric_precision,
        col_numeric_precision_radix, col_numeric_scale, col_datetime_precision};
    for (int i = 0; i < sql_tables_count(s->tables); i++) {
        const struct sql_table *tab = sql_tables_at(s->tables, i);
        for (int k = 0; k < tab->mod->ncols; k++) {
            struct sql_value *v = cat_row(s);
            const char *dtd = cat_fmt(s, "%d", k + 1);
            if (!v || !dtd)
                return 0;
            cat_text(&v[col_table_catalog], SQL_CATALOG_DATABASE);
            cat_text(&v[col_table_schema], tab->schema);
            cat_text(&v[col_table_name], tab->name);
            cat_text(&v[col_column_name], tab->mod->cols[k].name);
            cat_int(&v[col_ordinal_position], k + 1);
            cat_text(&v[col_is_nullable], yes_no(true));
            info_type_fill(v, tab->mod->cols[k].type_oid, &tc);
            cat_text(&v[col_dtd_identifier], dtd);
            cat_text(&v[col_is_self_referencing], yes_no(false));
            cat_text(&v[col_is_identity], yes_no(false));
            cat_text(&v[col_identity_cycle], yes_no(false));
            cat_text(&v[col_is_generated], "NEVER");
            cat_text(&v[col_is_updatable], yes_no(false));
        }
    }
    return 0;
}
CAT_REL(info_columns, "columns", "information_schema", 0, 'v', INFO_COLUMNS, build_columns);

static int build_schemata(struct cat_scan *s)
{
    const char *names[CAT_MAX_SCHEMAS];
    int n = cat_schemas(s->tables, names, CAT_MAX_SCHEMAS);
    for (int i = 0; i < n; i++) {
        struct sql_value *v = cat_row(s);
        if (!v)
            return 0;
        cat_text(&v[sch_catalog_name], SQL_CATALOG_DATABASE);
        cat_text(&v[sch_schema_name], names[i]);
        cat_text(&v[sch_schema_owner], SQL_CATALOG_OWNER_NAME);
    }
    return 0;
}
CAT_REL(info_schemata, "schemata", "information_schema", 0, 'v', INFO_SCHEMATA, build_schemata);

static int build_views(struct cat_scan *s)
{
    for (int i = 0; i < sql_tables_count(s->tables); i++) {
        const struct sql_table *tab = sql_tables_at(s->tables, i);
        struct sql_value *v;
        if (sql_catalog_relkind(tab) != 'v')
            continue;
        if (!(v = cat_row(s)))
            return 0;
        cat_text(&v[vw_table_catalog], SQL_CATALOG_DATABASE);
        cat_text(&v[vw_table_schema], tab->schema);
        cat_text(&v[vw_table_name], tab->name);
        cat_text(&v[vw_check_option], "NONE");
        cat_text(&v[vw_is_updatable], yes_no(false));
        cat_text(&v[vw_is_insertable_into], yes_no(false));
        cat_text(&v[vw_is_trigger_updatable], yes_no(false));
        cat_text(&v[vw_is_trigger_deletable], yes_no(false));
        cat_text(&v[vw_is_trigger_insertable_into], yes_no(false));
    }
    return 0;
}
CAT_REL(info_views, "views", "information_schema", 0, 'v', INFO_VIEWS, build_views);

static int routine_row(void *ctx, const struct sql_func *fn, const char *schema)
{
    static const struct info_type_cols tc = {
        rt_data_type,         rt_type_udt_catalog,        rt_type_udt_schema,
        rt_type_udt_name,     rt_character_octet_length,  rt_numeric_precision,
        rt_numeric_precision_radix, rt_numeric_scale,     rt_datetime_precision};
    struct cat_scan *s = ctx;
    /* specific_name is name_oid, as PostgreSQL makes overloads distinct. */
    const char *specific = cat_fmt(s, "%s_%u", fn->name, fn->oid);
    struct sql_value *v = cat_row(s);
    if (!v || !specific)
        return 1;
    cat_text(&v[rt_specific_catalog], SQL_CATALOG_DATABASE);
    cat_text(&v[rt_specific_schema], schema);
    cat_text(&v[rt_specific_name], specific);
    cat_text(&v[rt_routine_catalog], SQL_CATALOG_DATABASE);
    cat_text(&v[rt_routine_schema], schema);
    cat_text(&v[rt_routine_name], fn->name);
    cat_text(&v[rt_routine_type], "FUNCTION");
    info_type_fill(v, fn->ret, &tc);
    cat_text(&v[rt_dtd_identifier], "0");
    cat_text(&v[rt_routine_body], "EXTERNAL");
    cat_text(&v[rt_external_language], "INTERNAL");
    cat_text(&v[rt_parameter_style], "GENERAL");
    cat_text(&v[rt_is_deterministic], yes_no(fn->volatility == SQL_VOL_IMMUTABLE));
    cat_text(&v[rt_sql_data_access], "MODIFIES");
    cat_text(&v[rt_is_null_call], yes_no(fn->strict));
    cat_text(&v[rt_schema_level_routine], yes_no(true));
    cat_int(&v[rt_max_dynamic_result_sets], 0);
    cat_text(&v[rt_security_type], "INVOKER");
    cat_text(&v[rt_as_locator], yes_no(false));
    cat_text(&v[rt_is_udt_dependent], yes_no(false));
    return 0;
}

/* Every pg_proc function, as PostgreSQL lists it (the extra call forms are not routines). */
static int build_routines(struct cat_scan *s)
{
    (void)cat_each_func(s->tables, s, routine_row);   /* stops early only without memory */
    return 0;
}
CAT_REL(info_routines, "routines", "information_schema", 0, 'v', INFO_ROUTINES, build_routines);

static int build_character_sets(struct cat_scan *s)
{
    struct sql_value *v = cat_row(s);
    if (!v)
        return 0;
    cat_text(&v[cs_character_set_name], "UTF8");
    cat_text(&v[cs_character_repertoire], "UCS");
    cat_text(&v[cs_form_of_use], "UTF8");
    cat_text(&v[cs_default_collate_catalog], SQL_CATALOG_DATABASE);
    cat_text(&v[cs_default_collate_schema], "pg_catalog");
    cat_text(&v[cs_default_collate_name], "ucs_basic");
    return 0;
}
CAT_REL(info_character_sets, "character_sets", "information_schema", 0, 'v',
        INFO_CHARACTER_SETS, build_character_sets);

const struct cat_rel *const cat_info_rels[] = {
    &info_tables, &info_columns, &info_schemata, &info_views, &info_routines,
    &info_character_sets,
};
const int cat_info_nrels = (int)(sizeof cat_info_rels / sizeof cat_info_rels[0]);

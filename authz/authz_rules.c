/* authz_rules.c -- the single-resource rules of the Lakekeeper OPA bridge (§4), each one a
 * line of the spec's tables. Rules that need Lakekeeper add check alternatives; rules that
 * do not allow at once, and then no Lakekeeper alternative is added (it could not change
 * the answer, only cost a round trip). */
#include "authz_rules.h"

#include "authz_names.h"

#include <fnmatch.h>
#include <string.h>

#define STREQ(a, b) ((a) && strcmp((a), (b)) == 0)

static bool in_list(const char *s, const char *const *list)
{
    for (; s && *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

static bool system_table_default(const struct authz_resource *r)
{
    static const char *const metadata[] = {"analyze_properties", "catalogs", "column_properties",
                                           "materialized_views", "schema_properties",
                                           "table_comments", "table_properties", NULL};
    static const char *const info[] = {"columns", "schemata", "tables", "views", NULL};
    const char *s = r->table_schema, *t = r->table_name;
    if (!STREQ(r->table_catalog, "system"))
        return false;
    return STREQ(s, "jdbc") || (STREQ(s, "metadata") && in_list(t, metadata)) ||
           (STREQ(s, "information_schema") && in_list(t, info)) ||
           (STREQ(s, "runtime") && STREQ(t, "queries"));
}

void authz_rules_default_access(struct authz_plan *p, int item, const struct authz_resource *r)
{
    static const char *const system_schemas[] = {"jdbc", "metadata", "information_schema",
                                                 "runtime", NULL};
    enum authz_op op = p->in->op;
    bool admin = authz_plan_is_admin(p);

    switch (op) {
    case AUTHZ_OP_EXECUTE_QUERY:
        authz_plan_allow(p, item, "DA1 execute-query");
        break;
    case AUTHZ_OP_READ_SYSTEM_INFORMATION:
        authz_plan_allow(p, item, "DA2 read-system-information");
        break;
    case AUTHZ_OP_ACCESS_CATALOG:
    case AUTHZ_OP_FILTER_CATALOGS:
    case AUTHZ_OP_SHOW_SCHEMAS:
        if (r && STREQ(r->catalog_name, "system"))
            authz_plan_allow(p, item, "DA3-5 system-catalog");
        break;
    case AUTHZ_OP_FILTER_SCHEMAS:
        if (r && STREQ(r->schema_catalog, "system") && in_list(r->schema_name, system_schemas))
            authz_plan_allow(p, item, "DA6 system-schema");
        if (r && admin && STREQ(r->schema_catalog, "system"))
            authz_plan_allow(p, item, "ADM1 admin-system-schema");
        break;
    case AUTHZ_OP_SELECT_FROM_COLUMNS:
    case AUTHZ_OP_FILTER_TABLES:
    case AUTHZ_OP_FILTER_COLUMNS:
        if (r && r->has_table && system_table_default(r))
            authz_plan_allow(p, item, "DA7-10 system-table");
        if (r && admin && STREQ(r->table_catalog, "system"))
            authz_plan_allow(p, item, "ADM2 admin-system-table");
        break;
    case AUTHZ_OP_VIEW_QUERY_OWNED_BY:
    case AUTHZ_OP_FILTER_VIEW_QUERY_OWNED_BY:
        if (r && r->owner && STREQ(p->in->user, r->owner))
            authz_plan_allow(p, item, "DA11 own-queries");
        if (admin)
            authz_plan_allow(p, item, "ADM3 admin-queries");
        break;
    default:
        break;
    }
}

bool authz_rules_unmanaged(const struct authz_plan *p, const struct authz_resource *r)
{
    const char *cat = r ? authz_resource_any_catalog(r) : NULL;
    return p->opts->allow_unmanaged && cat && !authz_plan_catalog(p, cat);
}

static bool glob(const char *pattern, const char *value)
{
    return !pattern || (value && fnmatch(pattern, value, 0) == 0);
}

static bool group_matches(const char *pattern, json_t *groups)
{
    size_t i;
    json_t *g;
    if (!pattern)
        return true;
    json_array_foreach(groups, i, g) {
        if (json_is_string(g) && fnmatch(pattern, json_string_value(g), 0) == 0)
            return true;
    }
    return false;
}

const char *authz_rules_extension(const struct authz_plan *p, const struct authz_resource *r)
{
    for (int i = 0; i < p->opts->nrules; i++) {
        const struct authz_rule *x = &p->opts->rules[i];
        const char *cat = r ? authz_resource_any_catalog(r) : NULL;
        const char *sch = r ? authz_resource_sch(r) : NULL;
        const char *tbl = r ? r->table_name : NULL;
        if (glob(x->operation, p->in->op_name) && glob(x->catalog, cat) && glob(x->schema, sch) &&
            glob(x->table, tbl) && glob(x->user, p->in->user) && group_matches(x->group, p->in->groups))
            return x->where;
    }
    return NULL;
}

/* Managed-catalog rules that need Lakekeeper (§4.2, §4.3). */
static void lakekeeper_rules(struct authz_plan *p, int item, const struct authz_resource *r)
{
    static const char *const procedures[] = {"OPTIMIZE", "OPTIMIZE_MANIFESTS", "EXPIRE_SNAPSHOTS",
                                             "DROP_EXTENDED_STATS", "REMOVE_ORPHAN_FILES",
                                             "ADD_FILES", NULL};
    const struct authz_resource *tr = p->in->has_target ? &p->in->target : NULL;
    const char *cat = r->table_catalog, *sch = r->table_schema, *tbl = r->table_name;
    bool meta = tbl && authz_is_metadata_table(tbl, NULL);
    json_t *ns = NULL, *props = NULL, *extra = NULL, *tns = NULL;
    int c1, c2;

    switch (p->in->op) {
    case AUTHZ_OP_ACCESS_CATALOG:
    case AUTHZ_OP_FILTER_CATALOGS:
        authz_plan_allow_if(p, item, "warehouse.get_config",
                            authz_plan_check(p, r->catalog_name, LK_OBJ_WAREHOUSE, "get_config",
                                             NULL, NULL, NULL), -1);
        return;
    case AUTHZ_OP_CREATE_CATALOG:
    case AUTHZ_OP_DROP_CATALOG:
        authz_plan_allow_if(p, item, "warehouse.delete",
                            authz_plan_check(p, r->catalog_name, LK_OBJ_WAREHOUSE, "delete", NULL,
                                             NULL, NULL), -1);
        return;
    case AUTHZ_OP_SHOW_SCHEMAS:
        authz_plan_allow_if(p, item, "warehouse.list_namespaces",
                            authz_plan_check(p, r->catalog_name, LK_OBJ_WAREHOUSE,
                                             "list_namespaces", NULL, NULL, NULL), -1);
        return;
    default:
        break;
    }

    if (r->has_schema && !r->has_table) {
        const char *scat = r->schema_catalog, *s = r->schema_name;
        if (!s)
            return;
        switch (p->in->op) {
        case AUTHZ_OP_CREATE_SCHEMA:
            if (!(props = authz_flatten_properties(r->schema_props)))
                return;
            extra = json_pack("{s:O,s:s}", "properties", props, "name",
                              authz_ns_is_nested(s) ? authz_ns_last(s) : s);
            if (authz_ns_is_nested(s)) {
                ns = authz_ns_parent(s);
                c1 = authz_plan_check(p, scat, LK_OBJ_NAMESPACE, "create_namespace", extra, ns, NULL);
            } else {
                c1 = authz_plan_check(p, scat, LK_OBJ_WAREHOUSE, "create_namespace", extra, NULL, NULL);
            }
            authz_plan_allow_if(p, item, "create_namespace", c1, -1);
            break;
        case AUTHZ_OP_DROP_SCHEMA:
            ns = authz_ns_split(s);
            authz_plan_allow_if(p, item, "namespace.delete",
                                authz_plan_check(p, scat, LK_OBJ_NAMESPACE, "delete", NULL, ns, NULL), -1);
            break;
        case AUTHZ_OP_SHOW_TABLES:
            ns = authz_ns_split(s);
            authz_plan_allow_if(p, item, "namespace.get_metadata",
                                authz_plan_check(p, scat, LK_OBJ_NAMESPACE, "get_metadata", NULL, ns, NULL), -1);
            break;
        case AUTHZ_OP_SHOW_CREATE_SCHEMA:
            if (authz_is_lk_system_schema(s))
                break;
            ns = authz_ns_split(s);
            authz_plan_allow_if(p, item, "namespace.get_metadata",
                                authz_plan_check(p, scat, LK_OBJ_NAMESPACE, "get_metadata", NULL, ns, NULL), -1);
            break;
        case AUTHZ_OP_FILTER_SCHEMAS:
            if (authz_is_lk_system_schema(s)) {
                authz_plan_allow_if(p, item, "system-schema warehouse.get_config",
                                    authz_plan_check(p, scat, LK_OBJ_WAREHOUSE, "get_config", NULL, NULL, NULL), -1);
            } else {
                ns = authz_ns_split(s);
                authz_plan_allow_if(p, item, "namespace.get_metadata",
                                    authz_plan_check(p, scat, LK_OBJ_NAMESPACE, "get_metadata", NULL, ns, NULL), -1);
            }
            break;
        default:
            break;
        }
        goto done;
    }

    if (!r->has_table || !sch || !tbl)
        return;
    ns = authz_ns_split(sch);

    switch (p->in->op) {
    case AUTHZ_OP_CREATE_TABLE:
        if (meta || !(props = authz_flatten_properties(r->table_props)))
            break;
        extra = json_pack("{s:O,s:s}", "properties", props, "name", tbl);
        authz_plan_allow_if(p, item, "namespace.create_table",
                            authz_plan_check(p, cat, LK_OBJ_NAMESPACE, "create_table", extra, ns, NULL), -1);
        break;
    case AUTHZ_OP_DROP_TABLE:
        if (!meta)
            authz_plan_allow_if(p, item, "table.drop",
                                authz_plan_check(p, cat, LK_OBJ_TABLE, "drop", NULL, ns, tbl), -1);
        break;
    case AUTHZ_OP_RENAME_TABLE:
    case AUTHZ_OP_RENAME_VIEW:
        if (!tr || !tr->has_table || !tr->table_schema || !authz_plan_catalog(p, tr->table_catalog))
            break;
        if (p->in->op == AUTHZ_OP_RENAME_TABLE && meta)
            break;
        tns = authz_ns_split(tr->table_schema);
        c1 = p->in->op == AUTHZ_OP_RENAME_TABLE
                 ? authz_plan_check(p, cat, LK_OBJ_TABLE, "rename", NULL, ns, tbl)
                 : authz_plan_check(p, cat, LK_OBJ_VIEW, "rename", NULL, ns, tbl);
        c2 = authz_plan_check(p, tr->table_catalog, LK_OBJ_NAMESPACE,
                              p->in->op == AUTHZ_OP_RENAME_TABLE ? "create_table" : "create_view",
                              NULL, tns, NULL);
        if (c1 >= 0 && c2 >= 0)
            authz_plan_allow_if(p, item, "rename+create", c1, c2);
        break;
    case AUTHZ_OP_SET_TABLE_COMMENT:
    case AUTHZ_OP_SET_COLUMN_COMMENT:
    case AUTHZ_OP_ADD_COLUMN:
    case AUTHZ_OP_ALTER_COLUMN:
    case AUTHZ_OP_DROP_COLUMN:
    case AUTHZ_OP_RENAME_COLUMN:
    case AUTHZ_OP_INSERT_INTO_TABLE:
    case AUTHZ_OP_DELETE_FROM_TABLE:
    case AUTHZ_OP_TRUNCATE_TABLE:
    case AUTHZ_OP_UPDATE_TABLE_COLUMNS:
        if (!meta)
            authz_plan_allow_if(p, item, "table.write_data",
                                authz_plan_check(p, cat, LK_OBJ_TABLE, "write_data", NULL, ns, tbl), -1);
        break;
    case AUTHZ_OP_EXECUTE_TABLE_PROCEDURE:
        if (!meta && in_list(r->function_name, procedures))
            authz_plan_allow_if(p, item, "procedure table.write_data",
                                authz_plan_check(p, cat, LK_OBJ_TABLE, "write_data", NULL, ns, tbl), -1);
        break;
    case AUTHZ_OP_SET_TABLE_PROPERTIES:
        if (meta || !(props = authz_flatten_properties(r->table_props)))
            break;
        extra = json_pack("{s:O,s:[]}", "updated_properties", props, "removed_properties");
        authz_plan_allow_if(p, item, "table.commit",
                            authz_plan_check(p, cat, LK_OBJ_TABLE, "commit", extra, ns, tbl), -1);
        break;
    case AUTHZ_OP_FILTER_TABLES:
    case AUTHZ_OP_FILTER_COLUMNS:
    case AUTHZ_OP_SHOW_COLUMNS:
        if (!meta)
            authz_plan_allow_if(p, item, "table.get_metadata",
                                authz_plan_check(p, cat, LK_OBJ_TABLE, "get_metadata", NULL, ns, tbl), -1);
        authz_plan_allow_if(p, item, "view.get_metadata",
                            authz_plan_check(p, cat, LK_OBJ_VIEW, "get_metadata", NULL, ns, tbl), -1);
        break;
    case AUTHZ_OP_SHOW_CREATE_TABLE:
        if (!meta)
            authz_plan_allow_if(p, item, "table.get_metadata",
                                authz_plan_check(p, cat, LK_OBJ_TABLE, "get_metadata", NULL, ns, tbl), -1);
        break;
    case AUTHZ_OP_SELECT_FROM_COLUMNS:
    case AUTHZ_OP_CREATE_VIEW_WITH_SELECT_FROM_COLUMNS:
        if (!meta)
            authz_plan_allow_if(p, item, "table.read_data",
                                authz_plan_check(p, cat, LK_OBJ_TABLE, "read_data", NULL, ns, tbl), -1);
        authz_plan_allow_if(p, item, "view.select",
                            authz_plan_check(p, cat, LK_OBJ_VIEW, "select", NULL, ns, tbl), -1);
        if (meta && p->in->op == AUTHZ_OP_SELECT_FROM_COLUMNS) {
            size_t base_len;
            char *base;
            authz_is_metadata_table(tbl, &base_len);
            if ((base = lw_strndup(tbl, base_len))) {
                authz_plan_allow_if(p, item, "metadata-table base table.get_metadata",
                                    authz_plan_check(p, cat, LK_OBJ_TABLE, "get_metadata", NULL, ns, base), -1);
                lw_free(base);
            }
        }
        break;
    case AUTHZ_OP_CREATE_VIEW:
    case AUTHZ_OP_CREATE_MATERIALIZED_VIEW:
        if (!(props = authz_flatten_properties(r->table_props)))
            break;
        extra = json_pack("{s:O,s:s}", "properties", props, "name", tbl);
        authz_plan_allow_if(p, item, "namespace.create_view",
                            authz_plan_check(p, cat, LK_OBJ_NAMESPACE, "create_view", extra, ns, NULL), -1);
        break;
    case AUTHZ_OP_SET_VIEW_COMMENT:
        /* Deviation: the bridge asks view write_data, which Lakekeeper rejects (no such view
         * action), so SET VIEW COMMENT could never be allowed. commit is the view action
         * Lakekeeper uses for changing a view (docs/authz.md, deviations). */
        authz_plan_allow_if(p, item, "view.commit",
                            authz_plan_check(p, cat, LK_OBJ_VIEW, "commit", NULL, ns, tbl), -1);
        break;
    case AUTHZ_OP_DROP_VIEW:
        authz_plan_allow_if(p, item, "view.drop",
                            authz_plan_check(p, cat, LK_OBJ_VIEW, "drop", NULL, ns, tbl), -1);
        break;
    default:
        break;
    }

    /* §4.3: Lakekeeper's system schemas inside managed catalogs read as catalog metadata. */
    if (authz_op_is_table_op(p->in->op)) {
        static const char *const info[] = {"columns", "schemata", "tables", "views", NULL};
        static const char *const disc[] = {"discovery", "shallow_discovery", NULL};
        if ((STREQ(sch, "information_schema") && in_list(tbl, info)) ||
            (STREQ(sch, "schema_discovery") && in_list(tbl, disc)) ||
            (STREQ(sch, "system") && STREQ(tbl, "iceberg_tables")))
            authz_plan_allow_if(p, item, "system-schema warehouse.get_config",
                                authz_plan_check(p, cat, LK_OBJ_WAREHOUSE, "get_config", NULL, NULL, NULL), -1);
    }
done:
    json_decref(ns);
    json_decref(tns);
    json_decref(props);
    json_decref(extra);
}

/* The two rules that never look at what the operation means: the bridge ORs them into
 * `allow` for any operation name, known or not. */
static void operation_blind_rules(struct authz_plan *p, int item, const struct authz_resource *r)
{
    const char *ext;
    if (authz_rules_unmanaged(p, r))
        authz_plan_allow(p, item, "unmanaged-catalogs-flag");
    if ((ext = authz_rules_extension(p, r)))
        authz_plan_allow(p, item, ext);
}

void authz_rules_unknown_op(struct authz_plan *p, int item, const struct authz_resource *r)
{
    operation_blind_rules(p, item, r);
}

void authz_rules_allow(struct authz_plan *p, int item, const struct authz_resource *r)
{
    bool admin = authz_plan_is_admin(p);

    authz_rules_default_access(p, item, r);
    if (r && admin) {
        /* ADM4 / ADM5: admins see Lakekeeper's system schemas in every catalog. */
        if (p->in->op == AUTHZ_OP_FILTER_SCHEMAS && authz_is_lk_system_schema(r->schema_name))
            authz_plan_allow(p, item, "ADM4 admin-lk-system-schema");
        if (authz_op_is_table_op(p->in->op) && r->has_table &&
            authz_is_lk_system_schema(r->table_schema))
            authz_plan_allow(p, item, "ADM5 admin-lk-system-table");
    }
    operation_blind_rules(p, item, r);
    if (r && !p->allowed[item])
        lakekeeper_rules(p, item, r);
}

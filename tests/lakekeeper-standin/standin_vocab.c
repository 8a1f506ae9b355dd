/* standin_vocab.c -- the action enums, relation mapping and assignable relations of Lakekeeper,
 * copied by name from its OpenAPI spec (management-open-api.yaml, Lakekeeper*Action schemas) and
 * lakekeeper-api.md sections 2.1 and 2.4. */
#include "standin_vocab.h"

#include <stdio.h>
#include <string.h>

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *const server_actions[] = {"create_project", "update_users",    "delete_users",
                                             "list_users",     "provision_users", "read_grants"};
static const char *const project_actions[] = {"create_warehouse",
                                              "delete",
                                              "rename",
                                              "get_metadata",
                                              "list_warehouses",
                                              "include_in_list",
                                              "create_role",
                                              "list_roles",
                                              "search_roles",
                                              "get_endpoint_statistics",
                                              "modify_task_queue_config",
                                              "get_task_queue_config",
                                              "get_project_tasks",
                                              "control_project_tasks",
                                              "create_tag",
                                              "list_tags",
                                              "read_grants"};
static const char *const warehouse_actions[] = {"create_namespace",
                                                "delete",
                                                "update_storage",
                                                "get_metadata",
                                                "get_config",
                                                "list_namespaces",
                                                "list_everything",
                                                "use",
                                                "include_in_list",
                                                "deactivate",
                                                "activate",
                                                "rename",
                                                "list_deleted_tabulars",
                                                "modify_soft_deletion",
                                                "get_task_queue_config",
                                                "modify_task_queue_config",
                                                "get_all_tasks",
                                                "control_all_tasks",
                                                "set_protection",
                                                "set_format_version_policy",
                                                "get_endpoint_statistics",
                                                "manage_tags",
                                                "accept_moved_namespace",
                                                "read_grants"};
static const char *const namespace_actions[] = {
    "create_table",           "create_view",         "create_namespace", "delete",
    "update_properties",      "get_metadata",        "list_tables",      "list_views",
    "list_namespaces",        "list_everything",     "set_protection",   "include_in_list",
    "create_generic_table",   "list_generic_tables", "manage_tags",      "move",
    "accept_moved_namespace", "read_grants"};
static const char *const table_actions[] = {
    "drop",           "write_data",      "read_data",  "get_metadata", "commit",
    "rename",         "include_in_list", "undrop",     "get_tasks",    "control_tasks",
    "set_protection", "manage_tags",     "read_grants"};
static const char *const view_actions[] = {
    "drop",   "get_metadata", "select",        "commit",         "include_in_list", "rename",
    "undrop", "get_tasks",    "control_tasks", "set_protection", "manage_tags",     "read_grants"};
static const char *const generic_table_actions[] = {
    "drop",   "read_data", "write_data",    "get_metadata",   "rename",      "include_in_list",
    "undrop", "get_tasks", "control_tasks", "set_protection", "manage_tags", "read_grants"};
static const char *const role_actions[] = {"read",
                                           "read_metadata",
                                           "delete",
                                           "update",
                                           "manage_role_assignments",
                                           "read_role_assignments",
                                           "update_source_system"};

static const char *const server_assign[] = {"admin", "operator"};
static const char *const project_assign[] = {"project_admin", "security_admin", "data_admin",
                                             "role_creator",  "tag_creator",    "describe",
                                             "select",        "create",         "modify"};
static const char *const container_assign[] = {"ownership", "pass_grants", "manage_grants",
                                               "describe",  "select",      "create",
                                               "modify",    "manage_tags"};
static const char *const tabular_assign[] = {
    "ownership", "pass_grants", "manage_grants", "describe", "select", "modify", "manage_tags"};
static const char *const role_assign[] = {"assignee", "ownership"};

struct kind_info {
    const char *key;
    const char *fga_type;
    const char *const *actions;
    int nactions;
    const char *const *assign;
    int nassign;
};

static const struct kind_info kinds[SI_KIND_COUNT] = {
    [SI_SERVER] = {"server", "server", server_actions, N(server_actions), server_assign,
                   N(server_assign)},
    [SI_PROJECT] = {"project", "project", project_actions, N(project_actions), project_assign,
                    N(project_assign)},
    [SI_WAREHOUSE] = {"warehouse", "warehouse", warehouse_actions, N(warehouse_actions),
                      container_assign, N(container_assign)},
    [SI_NAMESPACE] = {"namespace", "namespace", namespace_actions, N(namespace_actions),
                      container_assign, N(container_assign)},
    [SI_TABLE] = {"table", "lakekeeper_table", table_actions, N(table_actions), tabular_assign,
                  N(tabular_assign)},
    [SI_VIEW] = {"view", "lakekeeper_view", view_actions, N(view_actions), tabular_assign,
                 N(tabular_assign)},
    [SI_GENERIC_TABLE] = {"generic-table", "lakekeeper_generic_table", generic_table_actions,
                          N(generic_table_actions), tabular_assign, N(tabular_assign)},
    [SI_ROLE] = {NULL, "role", role_actions, N(role_actions), role_assign, N(role_assign)},
};

int standin_kind_of_key(const char *key)
{
    for (int k = 0; k < SI_KIND_COUNT; k++)
        if (kinds[k].key && strcmp(kinds[k].key, key) == 0)
            return k;
    return -1;
}

const char *standin_kind_fga_type(int kind)
{
    return kinds[kind].fga_type;
}

int standin_actions(int kind, const char *const **out)
{
    *out = kinds[kind].actions;
    return kinds[kind].nactions;
}

bool standin_action_relation(int kind, const char *action, char *rel, size_t n, bool *always)
{
    const struct kind_info *k = &kinds[kind];
    bool known = false;
    *always = false;
    for (int i = 0; i < k->nactions && !known; i++)
        known = strcmp(k->actions[i], action) == 0;
    if (!known)
        return false;
    if (strcmp(action, "read_grants") == 0) {
        snprintf(rel, n, "can_read_assignments");
    } else if (kind == SI_ROLE && strcmp(action, "manage_role_assignments") == 0) {
        snprintf(rel, n, "can_grant_assignee");
    } else if (kind == SI_ROLE && strcmp(action, "read_role_assignments") == 0) {
        snprintf(rel, n, "can_read_assignments");
    } else if (kind == SI_ROLE && strcmp(action, "read_metadata") == 0) {
        *always = true;
        rel[0] = '\0';
    } else {
        snprintf(rel, n, "can_%s", action);
    }
    return true;
}

int standin_assignables(int kind, const char *const **out)
{
    *out = kinds[kind].assign;
    return kinds[kind].nassign;
}

bool standin_is_assignable(int kind, const char *relation)
{
    for (int i = 0; i < kinds[kind].nassign; i++)
        if (strcmp(kinds[kind].assign[i], relation) == 0)
            return true;
    return false;
}

void standin_grant_relation(const char *relation, char *out, size_t n)
{
    if (strcmp(relation, "ownership") == 0)
        snprintf(out, n, "can_change_ownership");
    else
        snprintf(out, n, "can_grant_%s", relation);
}

bool standin_fga_object(int kind, const char *warehouse_id, const char *id, char *out, size_t n)
{
    int r;
    if (kind == SI_TABLE || kind == SI_VIEW || kind == SI_GENERIC_TABLE)
        r = snprintf(out, n, "%s:%s/%s", kinds[kind].fga_type, warehouse_id, id);
    else
        r = snprintf(out, n, "%s:%s", kinds[kind].fga_type, id);
    return r >= 0 && (size_t)r < n;
}

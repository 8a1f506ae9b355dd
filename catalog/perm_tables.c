/* perm_tables.c -- the list of the permission world's tables and functions (perm_tables.h).
 * A table of data rather than a chain of calls: name, module, which member of struct
 * perm_world is its aux, and which peer must be configured for it to exist. */
#include "perm_tables.h"
#include "perm_actions_sql.h"
#include "perm_catalog_sql.h"
#include "perm_check_sql.h"
#include "perm_effective_sql.h"
#include "perm_grants_sql.h"
#include "perm_model_sql.h"
#include "perm_principal_sql.h"
#include "perm_refresh_sql.h"
#include "perm_state_sql.h"
#include "perm_who_can_sql.h"

#include <stddef.h>

/* PEER_LK: at least one Lakekeeper instance; PEER_LK_FGA: that and OpenFGA; PEER_MIRROR:
 * the OpenFGA mirror runs. */
enum perm_peer { PEER_NONE, PEER_FGA, PEER_LK, PEER_LK_FGA, PEER_MIRROR };

#define PERM_WHOLE_WORLD 0

static const struct perm_table {
    const char *name;
    const struct sql_vtab_module *module;
    size_t aux_offset;          /* offsetof(struct perm_world, member) handed as aux;
                                 * PERM_WHOLE_WORLD: the struct perm_world itself */
    enum perm_peer needs;
} perm_table_list[] = {
    {"grants", &perm_grants_module, PERM_WHOLE_WORLD, PEER_MIRROR},
    {"grant_history", &perm_grant_history_module, PERM_WHOLE_WORLD, PEER_MIRROR},
    {"lakeward_state", &perm_state_module, PERM_WHOLE_WORLD, PEER_NONE},
    {"fga_tuples", &perm_fga_tuples_module, offsetof(struct perm_world, fga), PEER_FGA},
    {"fga_changes", &perm_fga_changes_module, offsetof(struct perm_world, fga), PEER_FGA},
    {"who_can", &perm_who_can_module, PERM_WHOLE_WORLD, PEER_FGA},
    {"fga_check", &perm_check_module, offsetof(struct perm_world, fga), PEER_FGA},
    {"fga_relations", &perm_model_module, offsetof(struct perm_world, fga), PEER_FGA},
    {"effective_permissions", &perm_effective_module, PERM_WHOLE_WORLD, PEER_FGA},
    {"allowed_actions", &perm_actions_module, PERM_WHOLE_WORLD, PEER_LK},
    {"lakekeeper_server", &perm_cat_server_module, offsetof(struct perm_world, catalog), PEER_LK},
    {"projects", &perm_cat_projects_module, offsetof(struct perm_world, catalog), PEER_LK},
    {"warehouses", &perm_cat_warehouses_module, offsetof(struct perm_world, catalog), PEER_LK},
    {"namespaces", &perm_cat_namespaces_module, offsetof(struct perm_world, catalog), PEER_LK},
    {"tables", &perm_cat_tables_module, offsetof(struct perm_world, catalog), PEER_LK},
    {"views", &perm_cat_views_module, offsetof(struct perm_world, catalog), PEER_LK},
    {"users", &perm_users_module, PERM_WHOLE_WORLD, PEER_LK},
    {"roles", &perm_roles_module, PERM_WHOLE_WORLD, PEER_LK},
    {"principals", &perm_principals_module, PERM_WHOLE_WORLD, PEER_LK},
    {"role_members", &perm_role_members_module, PERM_WHOLE_WORLD, PEER_LK},
    {"effective_role_members", &perm_effective_role_members_module, PERM_WHOLE_WORLD,
     PEER_LK_FGA},
};

/* Module functions (sql_vtab.h); each gets the whole struct perm_world as aux. */
static const struct perm_func {
    const struct sql_vfunc *func;
    enum perm_peer needs;
} perm_func_list[] = {
    {&perm_refresh_func, PEER_LK},
};

static bool peer_configured(const struct perm_world *w, enum perm_peer p)
{
    return p == PEER_NONE || (p == PEER_FGA && w->with_fga) || (p == PEER_LK && w->nlk > 0) ||
           (p == PEER_LK_FGA && w->with_fga && w->nlk > 0) ||
           (p == PEER_MIRROR && w->fga_snap);
}

int perm_tables_register(struct sql_tables *t, struct perm_world *w, struct lw_err *err)
{
    for (size_t i = 0; i < sizeof perm_table_list / sizeof *perm_table_list; i++) {
        const struct perm_table *pt = &perm_table_list[i];
        if (!peer_configured(w, pt->needs))
            continue;
        int rc = sql_tables_add(t, "lakeward", pt->name, pt->module,
                                (char *)w + pt->aux_offset, err);
        if (rc != 0)
            return rc;
    }
    for (size_t i = 0; i < sizeof perm_func_list / sizeof *perm_func_list; i++) {
        const struct perm_func *pf = &perm_func_list[i];
        int rc = peer_configured(w, pf->needs)
                     ? sql_tables_add_func(t, "lakeward", pf->func, w, err) : 0;
        if (rc != 0)
            return rc;
    }
    return 0;
}

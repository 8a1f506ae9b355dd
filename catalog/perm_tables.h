/* perm_tables.h -- the permission world's tables (and module functions, such as
 * lakeward.catalog_refresh()) registered in one place. struct perm_world
 * is what the SQL process knows about the peers the tables read (OpenFGA today; Lakekeeper,
 * the mirror and the catalog cache as they are added); each table gets the part of it it
 * needs as aux. server/main.c fills the world from the configuration (catalog/ does not see
 * the config) and calls perm_tables_register once, before the SQL catalog is built; the
 * world must outlive the tables.
 * Adding a table: one row in perm_tables.c's table list, naming the module, the member of
 * struct perm_world it reads and the peer it needs (a table whose peer is not configured is
 * not registered, so \dt never lists a table that can only fail). */
#ifndef PERM_TABLES_H
#define PERM_TABLES_H
#include "check_cache.h"
#include "lk_client.h"
#include "perm_catalog.h"
#include "perm_fga_sql.h"
#include "perm_principal_names.h"
#include "../sql/sql_tables.h"

struct fga_snap;

struct perm_world {
    /* OpenFGA, for the raw tables, who_can, fga_check, fga_relations. */
    struct perm_fga_sql fga;
    bool with_fga;              /* URL and store configured */
    /* Lakekeeper, for the catalog, principal and effective-permission tables: the configured
     * instances in config order (lk_client_get reads the management and catalog APIs with
     * the technical client's token; lk_client_check asks batch-check for a principal). */
    struct lk_client **lk;
    int nlk;
    struct check_cache *lk_cache;   /* the SQL process's own, not the authorizer's */
    /* The instances' catalog caches and id <-> name lookups (perm_catalog.h); the catalog
     * tables get &catalog as aux. */
    struct perm_catalog *catalog;
    /* The instances' principal names (perm_principal_names.h), for grants.principal_name. */
    struct perm_principal_names *principal_names;
    /* The OpenFGA mirror's shared snapshot (fga_snapshot.h, read-only here), for grants,
     * grant_history and lakeward_state; NULL when no mirror runs. */
    const struct fga_snap *fga_snap;
    /* Upstream calls one scan keeps in flight at once (catalog_concurrency; 0: 8). */
    int concurrency;
    /* The effective configuration without secrets (lw_config_each) as name/value pairs:
     * settings[2 * i] and settings[2 * i + 1], for lakeward_state. */
    char **settings;
    size_t nsettings;
};

/* Registers every table and function whose peer is configured under schema "lakeward". */
int perm_tables_register(struct sql_tables *t, struct perm_world *w,
                         struct lw_err *err) LW_MUSTCHECK;
#endif

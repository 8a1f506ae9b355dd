/* perm_catalog_sql.h -- Lakekeeper's catalog objects as tables: lakeward.lakekeeper_server,
 * projects, warehouses, namespaces, tables, views, read from the catalog cache
 * (perm_catalog.h; lakeward.catalog_refresh(), perm_refresh_sql.h, drops it). Equality / IN on warehouse and namespace ids or
 * names narrow which listings are read; the engine re-checks every constraint. Admins see
 * every object; anyone else only the objects Lakekeeper lets them get_metadata of, asked per
 * object in batches (fail closed: when Lakekeeper cannot answer, an error, never rows).
 * aux of every table: struct perm_catalog ** (&perm_world.catalog). */
#ifndef PERM_CATALOG_SQL_H
#define PERM_CATALOG_SQL_H

#include "../sql/sql_vtab.h"

extern const struct sql_vtab_module perm_cat_server_module;
extern const struct sql_vtab_module perm_cat_projects_module;
extern const struct sql_vtab_module perm_cat_warehouses_module;
extern const struct sql_vtab_module perm_cat_namespaces_module;
extern const struct sql_vtab_module perm_cat_tables_module;
extern const struct sql_vtab_module perm_cat_views_module;

#endif

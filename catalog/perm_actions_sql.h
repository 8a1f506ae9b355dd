/* perm_actions_sql.h -- lakeward.allowed_actions: the catalog actions Lakekeeper says a
 * principal may take on an object (GET .../actions?principalUser=|principalRole=), never
 * derived by lakeward. Keys: object_type and object (an id or a dotted name, = or IN), and
 * optionally principal (default: the session's own; someone else only for administrators).
 * aux: the struct perm_world (perm_tables.h). */
#ifndef PERM_ACTIONS_SQL_H
#define PERM_ACTIONS_SQL_H

#include "../sql/sql_vtab.h"

extern const struct sql_vtab_module perm_actions_module;

#endif

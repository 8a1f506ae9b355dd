/* perm_grants_sql.h -- lakeward.grants (one row per direct assignment: a tuple of the OpenFGA
 * mirror whose relation is a grant, lakekeeper-api.md §4.1) and lakeward.grant_history
 * (every grant and revoke in the mirror's window of the change log). Both are served from
 * the mirror's shared snapshot (fga_snapshot.h), so they are as fresh as its last sync and
 * cost no OpenFGA call for an administrator. Anyone else sees only the rows whose object
 * OpenFGA says they may read the assignments of (`can_read_assignments`, one BatchCheck per
 * 50 objects); when that cannot be asked the scan fails with 42501, never shows more.
 * Aux: the struct perm_world (its fga_snap, fga options and catalog for names). */
#ifndef PERM_GRANTS_SQL_H
#define PERM_GRANTS_SQL_H

#include "../sql/sql_vtab.h"

extern const struct sql_vtab_module perm_grants_module;
extern const struct sql_vtab_module perm_grant_history_module;

#endif

/* perm_state_sql.h -- lakeward.lakeward_state: lakeward's own state as rows of (component,
 * name, value): the OpenFGA mirror (loaded, last sync, lag, tuples, bytes, memory, history
 * window, error), upstream health as the SQL side last saw it, the SQL process's caches, and
 * the effective configuration without secrets (lw_config_each renders it; main hands the
 * rendered pairs over in struct perm_world). Administrators only: the configuration names
 * every upstream. Aux: the struct perm_world. */
#ifndef PERM_STATE_SQL_H
#define PERM_STATE_SQL_H

#include "../sql/sql_vtab.h"

extern const struct sql_vtab_module perm_state_module;

#endif

/* perm_effective_sql.h -- lakeward.effective_permissions: what a principal can do on which
 * objects, as OpenFGA answers it (ListObjects per object type and relation of the active
 * model), never re-derived by lakeward; each row says whether a tuple grants it directly, a
 * role the principal is an assignee of holds the tuple, or OpenFGA derives it (a stronger
 * relation, an ancestor, a built-in role). Key: principal (required; a non-administrator may
 * name only themselves); optionally object_type and permission (any relation of the model,
 * e.g. can_read_data; default: the relations grants can write). aux: struct perm_world. */
#ifndef PERM_EFFECTIVE_SQL_H
#define PERM_EFFECTIVE_SQL_H

#include "../sql/sql_vtab.h"

extern const struct sql_vtab_module perm_effective_module;

#endif

/* perm_who_can_sql.h -- lakeward.who_can: who holds a relation on an object, as OpenFGA's
 * ListUsers computes it through the model (roles, inheritance from parents), not re-derived
 * here, with every role that holds it expanded into its members (ListUsers of the role's
 * assignees, nested roles and owners included). Both keys are required (= or IN; every pair
 * is asked); the object is OpenFGA's `type:id` or a catalog name such as
 * `table:demo.finance.revenue` (resolved through Lakekeeper, perm_names.h):
 *     SELECT * FROM lakeward.who_can
 *     WHERE object = 'table:demo.finance.revenue' AND relation IN ('select', 'modify');
 * Administrators see every object; anyone else only objects whose grants OpenFGA says they
 * may read (can_read_assignments, Lakekeeper's read_grants), else 42501. aux: the struct
 * perm_world (perm_tables.h). */
#ifndef PERM_WHO_CAN_SQL_H
#define PERM_WHO_CAN_SQL_H

#include "../sql/sql_vtab.h"

extern const struct sql_vtab_module perm_who_can_module;

#endif

/* perm_who_can_sql.h -- lakeward.who_can: who holds a relation on an OpenFGA object, as
 * OpenFGA's ListUsers computes it through the model (roles, inheritance from parents), not
 * re-derived here. Both keys are required (= or IN; every pair is asked):
 *     SELECT * FROM lakeward.who_can
 *     WHERE object = 'lakekeeper_table:<wh>/<id>' AND relation IN ('select', 'modify');
 * Administrators only until rows can be filtered by what Lakekeeper lets the reader see.
 * Register with the same struct perm_fga_sql as the raw OpenFGA tables (perm_fga_sql.h). */
#ifndef PERM_WHO_CAN_SQL_H
#define PERM_WHO_CAN_SQL_H

#include "../sql/sql_vtab.h"

extern const struct sql_vtab_module perm_who_can_module;

#endif

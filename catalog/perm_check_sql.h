/* perm_check_sql.h -- lakeward.fga_check: OpenFGA's own answer to "does subject have relation
 * on object", through the model, for every combination of the query's keys (all three
 * required, = or IN), sent as BatchCheck requests (50 checks each, concurrently):
 *     SELECT object, relation, allowed FROM lakeward.fga_check
 *     WHERE subject = 'user:oidc~<sub>' AND relation IN ('select', 'modify')
 *       AND object IN ('lakekeeper_table:<wh>/<t1>', 'lakekeeper_table:<wh>/<t2>');
 * Administrators only. Register with the struct perm_fga_sql of perm_fga_sql.h. */
#ifndef PERM_CHECK_SQL_H
#define PERM_CHECK_SQL_H

#include "../sql/sql_vtab.h"

extern const struct sql_vtab_module perm_check_module;

#endif

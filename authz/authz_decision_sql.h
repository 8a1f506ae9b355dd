/* authz_decision_sql.h -- the SQL table lakeward.decisions: Trino authorization decisions
 * from the in-memory decision ring (authz_decision_log.h), one row per decision, oldest
 * first. Register it with the log as aux:
 *     sql_tables_add(t, "lakeward", "decisions", &authz_decision_sql_module, log, &err); */
#ifndef AUTHZ_DECISION_SQL_H
#define AUTHZ_DECISION_SQL_H

#include "../sql/sql_vtab.h"

extern const struct sql_vtab_module authz_decision_sql_module;

#endif

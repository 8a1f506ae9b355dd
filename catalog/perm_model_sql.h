/* perm_model_sql.h -- lakeward.fga_relations: the OpenFGA authorization model Lakekeeper
 * installed, one row per (type, relation): how the relation is computed (OpenFGA's userset
 * rewrite as JSON) and which subjects may be written to it directly. Read with
 * ReadAuthorizationModel for the configured model id when the scan starts; administrators
 * only. Register with the struct perm_fga_sql of perm_fga_sql.h. */
#ifndef PERM_MODEL_SQL_H
#define PERM_MODEL_SQL_H

#include "../sql/sql_vtab.h"

extern const struct sql_vtab_module perm_model_module;

#endif

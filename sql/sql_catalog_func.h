/* sql_catalog_func.h -- the function family with the functions catalog queries call
 * (sql_catalog_func.c); sql_func.c lists it among the registry's families. */
#ifndef SQL_CATALOG_FUNC_H
#define SQL_CATALOG_FUNC_H

#include "sql_func.h"

extern const struct sql_func_family sql_func_family_catalog;
/* pg_operator's selectivity estimators (sql_catalog_oper.c) */
extern const struct sql_func_family sql_func_family_estimators;

#endif

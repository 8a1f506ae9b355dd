/* perm_refresh_sql.h -- lakeward.catalog_refresh(), the module function (sql_vtab.h) that
 * makes the next query read Lakekeeper again: it drops this session's catalog cache and
 * its cache of principal names, for administrators and anyone else alike (a session's
 * caches are its own, so dropping them shows nobody anything new), and returns when it did
 * so (timestamptz). Aux: the struct perm_world. */
#ifndef PERM_REFRESH_SQL_H
#define PERM_REFRESH_SQL_H

#include "../sql/sql_vtab.h"

extern const struct sql_vfunc perm_refresh_func;

#endif

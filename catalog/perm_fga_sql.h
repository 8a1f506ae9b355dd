/* perm_fga_sql.h -- the raw OpenFGA tables of the permission world, for administrators only:
 * lakeward.fga_tuples (every tuple of Lakekeeper's store, as OpenFGA's Read returns it) and
 * lakeward.fga_changes (OpenFGA's change log, oldest first). Both read OpenFGA when a scan
 * starts; a store larger than max_tuples is refused with an error, never shown truncated.
 * Register both with one struct perm_fga_sql as aux, which must outlive the tables:
 *     sql_tables_add(t, "lakeward", "fga_tuples", &perm_fga_tuples_module, &pf, &err); */
#ifndef PERM_FGA_SQL_H
#define PERM_FGA_SQL_H

#include "fga_client.h"
#include "../sql/sql_vtab.h"

struct perm_fga_sql {
    struct fga_client_opts fga;     /* strings borrowed */
    size_t max_tuples;              /* bound on the rows one scan reads (0: 1,000,000) */
};

extern const struct sql_vtab_module perm_fga_tuples_module;
extern const struct sql_vtab_module perm_fga_changes_module;

/* 0 for an administrator's query; otherwise LW_EAUTH with SQLSTATE 42501 naming table. The
 * tables that cannot yet filter rows by what Lakekeeper lets the reader see use it to fail
 * closed. */
int perm_fga_require_admin(const struct sql_query_ctx *qc, const char *table,
                           struct lw_err *err) LW_MUSTCHECK;

#endif

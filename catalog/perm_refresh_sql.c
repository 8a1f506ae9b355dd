/* perm_refresh_sql.c -- lakeward.catalog_refresh() (perm_refresh_sql.h): asks the catalog
 * process for a new load of the shared catalog and waits for it within the statement's
 * timeout (perm_catalog_refresh), and drops the session's principal names. */
#include "perm_refresh_sql.h"
#include "perm_tables.h"

static int refresh(void *aux, const struct sql_query_ctx *qc, int argc,
                   const struct sql_value *argv, struct sql_value *out, struct lw_err *err)
{
    struct perm_world *w = aux;
    (void)argc;
    (void)argv;
    perm_principal_names_invalidate(w->principal_names);
    if (w->catalog) {
        int rc = perm_catalog_refresh(w->catalog, qc->deadline_us, err);
        if (rc != 0)
            return rc;
    }
    out->type = SQL_V_TIME;
    out->u.us = lw_wall_ms() * 1000;
    return 0;
}

const struct sql_vfunc perm_refresh_func = {
    .name = "catalog_refresh",
    .nargs = 0,
    .ret = SQL_OID_TIMESTAMPTZ,
    .call = refresh,
};

/* perm_refresh_sql.c -- lakeward.catalog_refresh() (perm_refresh_sql.h). */
#include "perm_refresh_sql.h"
#include "perm_tables.h"

static int refresh(void *aux, const struct sql_query_ctx *qc, int argc,
                   const struct sql_value *argv, struct sql_value *out, struct lw_err *err)
{
    struct perm_world *w = aux;
    (void)qc;
    (void)argc;
    (void)argv;
    (void)err;
    if (w->catalog)
        perm_catalog_invalidate(w->catalog);
    perm_principal_names_invalidate(w->principal_names);
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

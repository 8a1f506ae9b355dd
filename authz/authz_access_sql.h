/* authz_access_sql.h -- the SQL table lakeward.access_history: Trino's decisions grouped into
 * queries, one row per (query, object asked about) with the columns asked, which requests
 * were allowed and which denied (docs/sql-tables.md, "lakeward.access_history"). Read from
 * the same source as lakeward.decisions: this replica's decision ring, or the decision store
 * in PostgreSQL when one is configured (every replica's decisions).
 *
 * Also the visibility rule shared with lakeward.decisions: an administrator's session sees
 * every decision; any other session only the decisions of its own Trino user.
 *
 * Register it in the SQL process (aux must outlive the table set):
 *     struct authz_access_sql a = {ring, store_or_NULL};
 *     sql_tables_add(t, "lakeward", "access_history", &authz_access_sql_module, &a, &err); */
#ifndef AUTHZ_ACCESS_SQL_H
#define AUTHZ_ACCESS_SQL_H

#include "../sql/sql_vtab.h"

struct authz_decision_log;
struct authz_decision_store_sql;

struct authz_access_sql {
    struct authz_decision_log *ring;                /* used when store is NULL */
    const struct authz_decision_store_sql *store;   /* NULL: no decision store */
};

extern const struct sql_vtab_module authz_access_sql_module;

/* Decisions without a Trino query id are grouped per user: an ExecuteQuery decision starts a
 * query and the user's later decisions within this window belong to it; decisions with no
 * ExecuteQuery of their user in the window before them are grouped by the window of UTC time
 * they fall in (floor(time / window)). */
#define AUTHZ_ACCESS_WINDOW_US (60 * 1000000LL)

/* The Trino user whose decisions the session may see: NULL for an administrator (every
 * user's); otherwise the session's principal without the "oidc~" prefix lakeward puts before
 * a Trino user when it asks Lakekeeper (docs/authz.md), so an OIDC login oidc~<sub> sees the
 * decisions of Trino user <sub>, and a SCRAM or trust login whose principal is `bob` those
 * of Trino user `bob`. "" (no principal, or "oidc~" alone) sees nothing. */
const char *authz_sql_visible_user(const struct sql_query_ctx *qc);

/* Whether a decision of Trino user `user` may be shown to a session with visible user `owner`
 * (authz_sql_visible_user): always for NULL, never for "" or a decision without a user. */
bool authz_sql_may_see(const char *owner, const char *user);

#endif

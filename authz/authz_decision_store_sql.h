/* authz_decision_store_sql.h -- the SQL table lakeward.decisions served from the decision
 * store in PostgreSQL (decision_store.h) instead of the in-memory ring, so that every
 * replica's decisions are visible from any replica. Same columns as the ring's table
 * (authz_decision_sql.h) plus `replica`. Constraints on time (=, <, <=, >, >=), user_name,
 * operation, replica, decision_id, query_id (= and IN) and allowed (=) become the WHERE clause
 * of the query sent to PostgreSQL; rows stream back in time order (a cursor, in batches).
 * Register it in the SQL process with a struct authz_decision_store_sql as aux:
 *     sql_tables_add(t, "lakeward", "decisions", &authz_decision_store_sql_module, &aux, &err);
 * Each SQL backend opens its own connection on first use and keeps it. A store that stops
 * answering ends the scan after timeout_ms of silence (the connection is dropped and opened
 * again by the next scan); a scan stopped early drops it too rather than wait for the rest. */
#ifndef AUTHZ_DECISION_STORE_SQL_H
#define AUTHZ_DECISION_STORE_SQL_H

#include "../sql/sql_vtab.h"

struct authz_decision_store_sql {
    const char *dsn;        /* borrowed for the registration's lifetime; never logged */
    int64_t timeout_ms;     /* a scan waiting longer than this for the store fails (58000) */
};

extern const struct sql_vtab_module authz_decision_store_sql_module;

/* Builds the SELECT a scan sends for plan and argv (exposed for unit tests): the WHERE clause
 * holds $n placeholders, *params gets argv's values as text (arena-free: strings the caller
 * frees with authz_decision_store_sql_free_params). Returns 0 or LW_ENOMEM/LW_EINVAL. */
int authz_decision_store_sql_build(int plan, int argc, const struct sql_value *argv,
                                   char **sql, char ***params, int *nparams,
                                   struct lw_err *err) LW_MUSTCHECK;
void authz_decision_store_sql_free_params(char **params, int nparams);

#endif

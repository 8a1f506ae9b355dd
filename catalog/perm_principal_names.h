/* perm_principal_names.h -- the names of Lakekeeper's principals by id, for tables that show
 * a principal beside its id (lakeward.grants and grant_history: principal_name). One cache
 * per session (SQL backend), like the catalog cache: every instance's users and roles read
 * whole (lk_principals.h) when a scan first needs a name -- users by id instead, for the
 * ids a scan asks about, where lakeward's client may not list them (Lakekeeper lets only
 * server admins) -- then kept for the catalog cache's TTL and dropped by
 * lakeward.catalog_refresh(). Bounded by lk_principals' bounds (a read past them fails and
 * keeps nothing) and 1,000 users read by id a scan (past it, names stay NULL).
 *
 * What one scan may show is a view (perm_principal_names_view), decided by Lakekeeper's own
 * rules as lakeward.users and lakeward.roles apply them: administrators every name; anyone
 * else their own, the users' of an instance whose server OpenFGA says they hold
 * can_list_users on, and the roles' they hold can_read on. When OpenFGA cannot be asked, a
 * non-administrator's view holds only their own name (fail closed). */
#ifndef PERM_PRINCIPAL_NAMES_H
#define PERM_PRINCIPAL_NAMES_H

#include "fga_client.h"
#include "lk_client.h"
#include "../sql/sql_vtab.h"

struct perm_principal_names;

/* The names of the principals of lk[0..nlk) (borrowed clients), kept ttl_ms (0: read for
 * every scan). NULL when out of memory. */
struct perm_principal_names *perm_principal_names_new(struct lk_client **lk, int nlk,
                                                      int64_t ttl_ms) LW_MUSTCHECK;
void perm_principal_names_free(struct perm_principal_names *pn);
/* Drops what is held: the next view reads Lakekeeper again. */
void perm_principal_names_invalidate(struct perm_principal_names *pn);

/* What one scan may show; borrows the cache until the next view, invalidate or free. */
struct perm_principal_names_view {
    const struct perm_principal_names *pn;
    char *self;                 /* the session's principal (owned copy; NULL: none) */
    bool admin;
    bool *all_users;            /* per instance: every user's name may be shown */
    char **roles;               /* role ids whose names may be shown, sorted (non-admins) */
    size_t nroles;
};

/* Makes the names present (from the cache while fresh, within qc's deadline; user_ids: the
 * users the scan will ask about, read by id where users cannot be listed) and decides what
 * the session may see of them: fga (may be NULL: no OpenFGA) answers a non-administrator's
 * can_list_users and can_read on role_ids[0..nrole_ids) (the roles the scan will ask about).
 * 0, or why Lakekeeper could not be read (the view is then empty); OpenFGA failing only
 * narrows the view. Free with perm_principal_names_view_free, also after a failure. */
int perm_principal_names_view(struct perm_principal_names *pn,
                              const struct fga_client_opts *fga, const struct sql_query_ctx *qc,
                              const char *const *user_ids, size_t nuser_ids,
                              const char *const *role_ids, size_t nrole_ids,
                              struct perm_principal_names_view *out,
                              struct lw_err *err) LW_MUSTCHECK;
void perm_principal_names_view_free(struct perm_principal_names_view *v);

/* The name of user id (is_role false) or role id as v may show it; NULL when Lakekeeper does
 * not know the principal, gives it no name, or v may not show it. Borrowed from the cache. */
const char *perm_principal_names_get(const struct perm_principal_names_view *v, const char *id,
                                     bool is_role);

#endif

/* perm_principal_sql.h -- Lakekeeper's principals as SQL tables: lakeward.users,
 * lakeward.roles and lakeward.principals (users and roles in one table, principal_type
 * telling them apart), read from Lakekeeper's management API (lk_principals.h) when a scan
 * starts -- per statement, never cached -- and lakeward.role_members /
 * lakeward.effective_role_members (perm_principal_member_sql.c). Every table's aux is the
 * whole struct perm_world (Lakekeeper instances for the rows, OpenFGA for visibility).
 *
 * Who sees what: administrators every row. Anyone else only what Lakekeeper's model lets
 * them see, asked of OpenFGA for the session's principal: users when they hold
 * can_list_users on the server (their own row always), roles they hold can_read on, role
 * memberships of roles they hold can_read_assignments on. When that cannot be asked
 * (OpenFGA not configured or failing) the statement fails: never all rows.
 *
 * The row store and visibility check below are shared by the two files of the family. */
#ifndef PERM_PRINCIPAL_SQL_H
#define PERM_PRINCIPAL_SQL_H

#include "lk_principals.h"
#include "../sql/sql_vtab.h"

struct perm_world;

extern const struct sql_vtab_module perm_users_module;
extern const struct sql_vtab_module perm_roles_module;
extern const struct sql_vtab_module perm_principals_module;
extern const struct sql_vtab_module perm_role_members_module;
extern const struct sql_vtab_module perm_effective_role_members_module;

/* A scan's rows: ncols values per row; text borrowed from pr (or from owned strings kept
 * in strs), both freed with the cursor. */
struct perm_prow_cursor {
    struct sql_cursor base;
    const struct perm_world *w;
    const struct sql_query_ctx *qc;
    struct lk_principals pr;
    struct sql_value *cells;
    size_t nrows, cap, pos;
    int ncols;
    char **strs;
    size_t nstrs, capstrs;
};

/* Cursor methods shared by every table of the family; each module's open calls
 * perm_prow_open with itself. */
int perm_prow_open(void *aux, const struct sql_query_ctx *qc, struct sql_cursor **cur,
                   const struct sql_vtab_module *mod, struct lw_err *err) LW_MUSTCHECK;
int perm_prow_next(struct sql_cursor *cur, struct lw_err *err);
bool perm_prow_eof(struct sql_cursor *cur);
int perm_prow_column(struct sql_cursor *cur, int col, struct sql_value *v, struct lw_err *err);
void perm_prow_close(struct sql_cursor *cur);
/* Clears the rows (and Lakekeeper's answers) for a new filter call. */
void perm_prow_reset(struct perm_prow_cursor *c);

/* best_index for = / IN keys on the columns cols[0..ncols) (at most 7): each key found
 * gets the next argv slot; perm_prow_arg_slot(plan, j) then says which slot holds cols[j]'s
 * value (-1: not constrained). Plan bits from 28 up are free for the table. */
int perm_prow_push(const int *cols, int ncols, const struct sql_index_in *in,
                   struct sql_index_out *out);
int perm_prow_arg_slot(int plan, int j);

/* Appends one row; returns its ncols cells (all NULL), or NULL when out of memory. */
struct sql_value *perm_prow_add(struct perm_prow_cursor *c);
/* Cell setters: a NULL s (or time < 0) leaves the cell NULL. perm_prow_own keeps s (an
 * lw_malloc'ed string) with the cursor and returns it; NULL when s is NULL or on OOM (s
 * freed). */
void perm_prow_text(struct sql_value *cell, const char *s);
void perm_prow_time(struct sql_value *cell, int64_t ms);
const char *perm_prow_own(struct perm_prow_cursor *c, char *s);

/* The text values of an = or IN argument, as lw_malloc'ed NUL-terminated strings in *out
 * (n of them; NULLs, non-text and embedded NULs skipped: they match nothing). At most max
 * values, else LW_EINVAL naming column. Free with perm_prow_free_strs. */
int perm_prow_strs(const struct sql_value *arg, int max, const char *column, char ***out,
                   int *n, struct lw_err *err) LW_MUSTCHECK;
void perm_prow_free_strs(char **v, int n);

/* Fills ok[i] with whether the session may see objects[i] (OpenFGA "type:id"): true for
 * administrators, else whether OpenFGA says the session's principal holds relation on it.
 * Fails (LW_EAUTH, 42501, for want of OpenFGA; OpenFGA's error otherwise) when it cannot be
 * asked: the caller then shows nothing. */
int perm_prow_visible(const struct perm_prow_cursor *c, const char *relation,
                      const char *const *objects, int n, bool *ok,
                      struct lw_err *err) LW_MUSTCHECK;

/* Keeps the roles of c->pr the session may see through relation (can_read,
 * can_read_assignments), freeing the others (all of them when the check fails). Call
 * before members are read: they point at roles by index. */
int perm_prow_keep_visible_roles(struct perm_prow_cursor *c, const char *relation,
                                 struct lw_err *err) LW_MUSTCHECK;

/* Reads the roles of every instance (f: ids pushed down) and keeps the visible ones. */
int perm_prow_read_roles(struct perm_prow_cursor *c, const struct lk_principal_filter *f,
                         const char *relation, struct lw_err *err) LW_MUSTCHECK;

/* The statement's upstream context for Lakekeeper reads (deadline from the query). */
struct lk_stats perm_prow_stats(const struct perm_prow_cursor *c);

#endif

/* lk_principals.h -- Lakekeeper's principals as the SQL tables read them: users
 * (GET /management/v1/user), roles of every project (GET /management/v1/project-list, then
 * GET /management/v1/role per project with x-project-id) and the direct members of roles
 * (GET /management/v1/role/{id}/members). Every listing follows next-page-token until none
 * comes back (never stopping on a short page: Lakekeeper filters pages after cutting them),
 * pages of several projects or roles go out together through lk_client_get, and the whole
 * read is bounded in pages and rows: past a bound it fails, it never returns a truncated
 * list as if it were whole. Read per statement, nothing is cached here. */
#ifndef LK_PRINCIPALS_H
#define LK_PRINCIPALS_H

#include "lk_client.h"

/* Bounds on one read (per instance): pages fetched and rows kept. */
#define LK_PRINCIPALS_MAX_PAGES 2000
#define LK_PRINCIPALS_MAX_ROWS 200000

struct lk_user {
    char *id, *name, *email, *user_type, *last_updated_with;
    int64_t created_ms, updated_ms;     /* -1: absent */
    int inst;                           /* index of the instance it came from */
};

struct lk_role {
    char *id, *name, *description, *project_id, *ident, *provider_id, *source_id;
    int64_t created_ms, updated_ms;
    int inst;
};

/* One direct member of a role: roles[role].id has member (type "user" or "role"). */
struct lk_member {
    size_t role;                        /* index into lk_principals.roles */
    char *type, *id, *name;             /* name NULL when Lakekeeper gives none */
};

struct lk_principals {
    struct lk_user *users;
    size_t nusers, capusers;
    struct lk_role *roles;
    size_t nroles, caproles;
    struct lk_member *members;
    size_t nmembers, capmembers;
    int pages;                          /* pages read so far (for the bound) */
};

void lk_principals_free(struct lk_principals *p);

/* Which rows to fetch; NULL/0 for all. ids (user ids, or role uuids) and names are
 * alternatives pushed down to Lakekeeper: users by id -> GET /user/{id} each (404: no row),
 * users by name -> ?name=; roles by id -> ?roleIds= on each project's list. Names of roles
 * are not pushed (Lakekeeper only searches them fuzzily): the caller filters. */
struct lk_principal_filter {
    const char *const *ids;
    int nids;
    const char *const *names;
    int nnames;
};

/* Appends the users of instance c (numbered inst) matching f to p. 0, or an error code with
 * the reason (naming the path) in err. */
int lk_principals_read_users(struct lk_client *c, int inst, const struct lk_principal_filter *f,
                             struct lk_principals *p, struct lk_stats *st,
                             struct lw_err *err) LW_MUSTCHECK;

/* Appends the roles of every project of instance c matching f (ids only) to p. */
int lk_principals_read_roles(struct lk_client *c, int inst, const struct lk_principal_filter *f,
                             struct lk_principals *p, struct lk_stats *st,
                             struct lw_err *err) LW_MUSTCHECK;

/* Appends the direct members of the roles of p that came from instance inst (c) to
 * p->members. */
int lk_principals_read_members(struct lk_client *c, int inst, struct lk_principals *p,
                               struct lk_stats *st,
                               struct lw_err *err) LW_MUSTCHECK;

/* Parsing of one page, exposed for unit tests: appends the page's items and returns the
 * next page token (borrowed from doc; NULL when the listing is over) through *next. */
int lk_principals_parse_users(json_t *doc, int inst, struct lk_principals *p,
                              const char **next, struct lw_err *err) LW_MUSTCHECK;
int lk_principals_parse_roles(json_t *doc, int inst, const char *project_id,
                              struct lk_principals *p, const char **next,
                              struct lw_err *err) LW_MUSTCHECK;
int lk_principals_parse_members(json_t *doc, size_t role, struct lk_principals *p,
                                const char **next, struct lw_err *err) LW_MUSTCHECK;

/* "user:<percent-encoded id>" (Lakekeeper's OpenFGA subject for a user) or
 * "role:<id>#assignee" for a role (is_role); caller frees. NULL when out of memory. */
char *lk_principals_fga_subject(const char *id, bool is_role) LW_MUSTCHECK;

/* The Lakekeeper user id of an OpenFGA "user:<percent-encoded>" subject, or the role id of
 * "role:<id>#assignee" (*is_role set); caller frees. NULL for anything else (wildcards
 * "user:*", malformed encodings). */
char *lk_principals_from_fga_subject(const char *subject, bool *is_role) LW_MUSTCHECK;

#endif

/* perm_names.h -- how the permission tables name principals and catalog objects, and how a
 * human name becomes Lakekeeper's ids. A principal is given as a Lakekeeper user id
 * (contains '~'), a role id, or OpenFGA's subject form (`user:<id>`, `role:<id>[#assignee]`).
 * An object is an object_type (server, project, warehouse, namespace, table, view, role)
 * plus an id or a dotted name (`demo`, `demo.finance`, `demo.finance.revenue`, a role's or
 * project's name): catalog objects are looked up in the session's catalog cache
 * (perm_catalog.h, the one id <-> name index), roles in the management API's role listing. */
#ifndef PERM_NAMES_H
#define PERM_NAMES_H

#include "perm_catalog.h"

struct perm_principal {
    bool role;
    char *id;           /* Lakekeeper's: "oidc~x" or the role's uuid */
    char *subject;      /* OpenFGA's: "user:<percent-encoded id>" or "role:<id>#assignee" */
};

/* LW_EINVAL when s names no principal in any of the accepted forms. */
int perm_principal_parse(const char *s, struct perm_principal *p,
                         struct lw_err *err) LW_MUSTCHECK;
void perm_principal_free(struct perm_principal *p);

struct perm_obj {
    const char *type;       /* lakeward's object_type, static */
    char *id;               /* Lakekeeper's id (table/view: its uuid) */
    char *warehouse_id;     /* NULL above warehouses and for roles */
    char *project_id;       /* projects only (sent as x-project-id) */
    char *fga;              /* OpenFGA object, e.g. "lakekeeper_table:<w>/<t>" */
    char *actions_path;     /* the management API's .../actions path */
};

/* Whether type is one of the object types above. */
bool perm_obj_type_known(const char *type);

/* Resolves (type, ref) in pc (loading the warehouse and namespace the name points into,
 * from the cache while fresh; roles by their listing on the first instance). LW_ENOTFOUND
 * when nothing of that name exists or the technical client cannot see it; other codes for
 * upstream failures and bounds. Names compare without case, as Lakekeeper's do. */
int perm_obj_resolve(struct perm_catalog *pc, const char *type, const char *ref,
                     int64_t deadline_us, struct perm_obj *out,
                     struct lw_err *err) LW_MUSTCHECK;
void perm_obj_free(struct perm_obj *o);

/* lakeward's object_type of an OpenFGA type ("lakekeeper_table" -> "table"); NULL if none. */
const char *perm_obj_type_of_fga(const char *fga_type);

#endif

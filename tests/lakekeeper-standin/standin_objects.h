/* standin_objects.h -- creating and removing catalog objects the way Lakekeeper does: the record in
 * the stand-in's state plus exactly the OpenFGA tuples Lakekeeper writes for it (lakekeeper-api.md
 * section 3.4: hierarchy links both ways, ownership for the creator). Used by the seed loader and
 * by /_control/register and /_control/unregister. */
#ifndef STANDIN_OBJECTS_H
#define STANDIN_OBJECTS_H

#include "standin_fga.h"
#include "standin_state.h"

/* A growing list of tuples to write (or delete) in one go. */
struct standin_tuples {
    struct standin_tuple *v;
    int n;
    int cap;
    bool failed; /* a tuple did not fit or memory ran out; sticky */
};

void standin_tuples_add(struct standin_tuples *l, const char *user, const char *relation,
                        const char *object);
void standin_tuples_free(struct standin_tuples *l);

/* The OpenFGA subject of an owner or grantee: a Lakekeeper user id ("oidc~...") becomes
 * "user:<percent-encoded>", "role:<uuid>" becomes "role:<uuid>#assignee". */
bool standin_subject(const char *principal, char *out, size_t n);

/* The tuples Lakekeeper keeps for its model-version bookkeeping (section 3.1). */
void standin_objects_model_tuples(struct standin_tuples *l, const char *model_id);
/* server <-> project links and, when owner is set, the owner's project_admin. */
int standin_objects_add_project(struct standin *si, const struct si_project *p, const char *owner,
                                struct standin_tuples *out, struct lw_err *err) LW_MUSTCHECK;
int standin_objects_add_warehouse(struct standin *si, const struct si_warehouse *w,
                                  const char *owner, struct standin_tuples *out,
                                  struct lw_err *err) LW_MUSTCHECK;
/* n->parent_id decides the parent (warehouse when empty). */
int standin_objects_add_namespace(struct standin *si, const struct si_namespace *n,
                                  const char *owner, struct standin_tuples *out,
                                  struct lw_err *err) LW_MUSTCHECK;
int standin_objects_add_tabular(struct standin *si, const struct si_tabular *t, const char *owner,
                                struct standin_tuples *out, struct lw_err *err) LW_MUSTCHECK;
int standin_objects_add_role(struct standin *si, const struct si_role *r, const char *owner,
                             struct standin_tuples *out, struct lw_err *err) LW_MUSTCHECK;

/* Removes an object and deletes every tuple naming it as object, plus the link stored on its parent
 * (Lakekeeper deletes them best effort). Removal of a non-empty container fails (LW_EINVAL). */
int standin_objects_remove(struct standin *si, int kind, const char *warehouse_id, const char *id,
                           struct lw_err *err) LW_MUSTCHECK;

#endif

/* standin_objects.c -- object creation and removal with Lakekeeper's OpenFGA tuples (see
 * standin_objects.h). Tuple shapes, as (user, relation, object):
 *   project   (server:S, server, project:P)        (project:P, project, server:S)
 *   warehouse (project:P, project, warehouse:W)    (warehouse:W, warehouse, project:P)
 *   namespace (warehouse:W, parent, namespace:N)   (namespace:N, namespace, warehouse:W)   top
 * level (namespace:PN, parent, namespace:N)  (namespace:N, child, namespace:PN)      nested tabular
 * (namespace:N, parent, lakekeeper_table:W/T)  (lakekeeper_table:W/T, child, namespace:N) role
 * (project:P, project, role:R) owner     (<owner>, ownership, <object>); a project owner gets
 * project_admin. */
#include "standin_objects.h"

#include "standin_vocab.h"

#include <stdio.h>
#include <string.h>

#define MODEL_VERSION "collaboration-4.9" /* the model in data/lakekeeper/openfga-model-v4.9.json  \
                                           */

void standin_tuples_add(struct standin_tuples *l, const char *user, const char *relation,
                        const char *object)
{
    if (l->failed)
        return;
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 32;
        struct standin_tuple *v;
        if (cap > 4 * SI_MAX_OBJECTS) {
            l->failed = true;
            return;
        }
        v = lw_realloc(l->v, (size_t)cap * sizeof *v);
        if (!v) {
            l->failed = true;
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    if (!standin_tuple_set(&l->v[l->n], user, relation, object)) {
        l->failed = true;
        return;
    }
    l->n++;
}

void standin_tuples_free(struct standin_tuples *l)
{
    lw_free(l->v);
    memset(l, 0, sizeof *l);
}

bool standin_subject(const char *principal, char *out, size_t n)
{
    if (strncmp(principal, "role:", 5) == 0) {
        int r;
        if (!standin_is_uuid(principal + 5))
            return false;
        r = snprintf(out, n, "%s#assignee", principal);
        return r >= 0 && (size_t)r < n;
    }
    return standin_is_user_id(principal) && standin_fga_user(principal, out, n);
}

void standin_objects_model_tuples(struct standin_tuples *l, const char *model_id)
{
    char user[SI_FGA_USER_MAX];
    snprintf(user, sizeof user, "auth_model_id:%s", model_id);
    standin_tuples_add(l, user, "openfga_id", "model_version:" MODEL_VERSION);
    standin_tuples_add(l, "auth_model_id:*", "exists", "model_version:" MODEL_VERSION);
}

/* Adds the owner tuple when owner is set; false on a malformed owner. */
static bool add_owner(struct standin_tuples *l, const char *owner, const char *relation,
                      const char *object)
{
    char subj[SI_FGA_USER_MAX];
    if (!owner || !*owner)
        return true;
    if (!standin_subject(owner, subj, sizeof subj))
        return false;
    standin_tuples_add(l, subj, relation, object);
    return true;
}

int standin_objects_add_project(struct standin *si, const struct si_project *p, const char *owner,
                                struct standin_tuples *out, struct lw_err *err)
{
    char srv[SI_FGA_OBJ_MAX], prj[SI_FGA_OBJ_MAX];
    int rc;
    if (!standin_is_project_id(p->id))
        return lw_err_set(err, LW_EINVAL, "bad project id '%s'", p->id);
    if (owner && *owner && !standin_subject(owner, srv, sizeof srv))
        return lw_err_set(err, LW_EINVAL, "bad owner '%s'", owner);
    rc = standin_state_add_project(si->state, p, err);
    if (rc)
        return rc;
    snprintf(srv, sizeof srv, "server:%s", standin_state_server_id(si->state));
    snprintf(prj, sizeof prj, "project:%s", p->id);
    standin_tuples_add(out, srv, "server", prj);
    standin_tuples_add(out, prj, "project", srv);
    add_owner(out, owner, "project_admin", prj);
    return 0;
}

int standin_objects_add_warehouse(struct standin *si, const struct si_warehouse *w,
                                  const char *owner, struct standin_tuples *out, struct lw_err *err)
{
    char prj[SI_FGA_OBJ_MAX], wh[SI_FGA_OBJ_MAX], subj[SI_FGA_USER_MAX];
    int rc;
    if (!standin_is_uuid(w->id))
        return lw_err_set(err, LW_EINVAL, "bad warehouse id '%s'", w->id);
    if (owner && *owner && !standin_subject(owner, subj, sizeof subj))
        return lw_err_set(err, LW_EINVAL, "bad owner '%s'", owner);
    rc = standin_state_add_warehouse(si->state, w, err);
    if (rc)
        return rc;
    snprintf(prj, sizeof prj, "project:%s", w->project_id);
    snprintf(wh, sizeof wh, "warehouse:%s", w->id);
    standin_tuples_add(out, prj, "project", wh);
    standin_tuples_add(out, wh, "warehouse", prj);
    add_owner(out, owner, "ownership", wh);
    return 0;
}

int standin_objects_add_namespace(struct standin *si, const struct si_namespace *n,
                                  const char *owner, struct standin_tuples *out, struct lw_err *err)
{
    char parent[SI_FGA_OBJ_MAX], ns[SI_FGA_OBJ_MAX], subj[SI_FGA_USER_MAX];
    int rc;
    if (!standin_is_uuid(n->id))
        return lw_err_set(err, LW_EINVAL, "bad namespace id '%s'", n->id);
    if (owner && *owner && !standin_subject(owner, subj, sizeof subj))
        return lw_err_set(err, LW_EINVAL, "bad owner '%s'", owner);
    rc = standin_state_add_namespace(si->state, n, err);
    if (rc)
        return rc;
    snprintf(ns, sizeof ns, "namespace:%s", n->id);
    if (n->parent_id[0]) {
        snprintf(parent, sizeof parent, "namespace:%s", n->parent_id);
        standin_tuples_add(out, parent, "parent", ns);
        standin_tuples_add(out, ns, "child", parent);
    } else {
        snprintf(parent, sizeof parent, "warehouse:%s", n->warehouse_id);
        standin_tuples_add(out, parent, "parent", ns);
        standin_tuples_add(out, ns, "namespace", parent);
    }
    add_owner(out, owner, "ownership", ns);
    return 0;
}

int standin_objects_add_tabular(struct standin *si, const struct si_tabular *t, const char *owner,
                                struct standin_tuples *out, struct lw_err *err)
{
    char ns[SI_FGA_OBJ_MAX], obj[SI_FGA_OBJ_MAX], subj[SI_FGA_USER_MAX];
    int rc;
    if (!standin_is_uuid(t->id))
        return lw_err_set(err, LW_EINVAL, "bad table or view id '%s'", t->id);
    if (owner && *owner && !standin_subject(owner, subj, sizeof subj))
        return lw_err_set(err, LW_EINVAL, "bad owner '%s'", owner);
    rc = standin_state_add_tabular(si->state, t, err);
    if (rc)
        return rc;
    snprintf(ns, sizeof ns, "namespace:%s", t->namespace_id);
    standin_fga_object(t->kind, t->warehouse_id, t->id, obj, sizeof obj);
    standin_tuples_add(out, ns, "parent", obj);
    standin_tuples_add(out, obj, "child", ns);
    add_owner(out, owner, "ownership", obj);
    return 0;
}

int standin_objects_add_role(struct standin *si, const struct si_role *r, const char *owner,
                             struct standin_tuples *out, struct lw_err *err)
{
    char prj[SI_FGA_OBJ_MAX], role[SI_FGA_OBJ_MAX], subj[SI_FGA_USER_MAX];
    int rc;
    if (!standin_is_uuid(r->id))
        return lw_err_set(err, LW_EINVAL, "bad role id '%s'", r->id);
    if (owner && *owner && !standin_subject(owner, subj, sizeof subj))
        return lw_err_set(err, LW_EINVAL, "bad owner '%s'", owner);
    rc = standin_state_add_role(si->state, r, err);
    if (rc)
        return rc;
    snprintf(prj, sizeof prj, "project:%s", r->project_id);
    snprintf(role, sizeof role, "role:%s", r->id);
    standin_tuples_add(out, prj, "project", role);
    add_owner(out, owner, "ownership", role);
    return 0;
}

int standin_objects_remove(struct standin *si, int kind, const char *warehouse_id, const char *id,
                           struct lw_err *err)
{
    char obj[SI_FGA_OBJ_MAX], parent[SI_FGA_OBJ_MAX] = "";
    const char *back_rel = "child"; /* relation of the link stored on the parent */
    struct si_namespace ns;
    struct si_tabular tab;
    struct standin_tuple *tuples = NULL;
    struct standin_tuples del = {0};
    int n = 0, rc;

    if (kind == SI_NAMESPACE) {
        if (!standin_state_namespace(si->state, warehouse_id, id, &ns))
            return lw_err_set(err, LW_ENOTFOUND, "namespace %s does not exist", id);
        if (ns.parent_id[0]) {
            snprintf(parent, sizeof parent, "namespace:%s", ns.parent_id);
        } else {
            snprintf(parent, sizeof parent, "warehouse:%s", ns.warehouse_id);
            back_rel = "namespace";
        }
        rc = standin_state_remove_namespace(si->state, id, err);
    } else if (kind == SI_TABLE || kind == SI_VIEW) {
        if (!standin_state_tabular(si->state, warehouse_id, id, kind, &tab))
            return lw_err_set(err, LW_ENOTFOUND, "%s %s does not exist",
                              kind == SI_TABLE ? "table" : "view", id);
        snprintf(parent, sizeof parent, "namespace:%s", tab.namespace_id);
        rc = standin_state_remove_tabular(si->state, id, err);
    } else if (kind == SI_WAREHOUSE) {
        struct si_warehouse w;
        if (!standin_state_warehouse(si->state, id, &w))
            return lw_err_set(err, LW_ENOTFOUND, "warehouse %s does not exist", id);
        snprintf(parent, sizeof parent, "project:%s", w.project_id);
        back_rel = "warehouse";
        rc = standin_state_remove_warehouse(si->state, id, err);
    } else {
        return lw_err_set(err, LW_EINVAL, "cannot remove this kind of object");
    }
    if (rc)
        return rc;
    standin_fga_object(kind, warehouse_id, id, obj, sizeof obj);
    /* Every tuple on the object (hierarchy, ownership, grants), then the parent's link to it. */
    rc = standin_fga_read(&si->fga, NULL, NULL, obj, &tuples, &n, err);
    if (rc)
        return rc;
    for (int i = 0; i < n; i++)
        standin_tuples_add(&del, tuples[i].user, tuples[i].relation, tuples[i].object);
    lw_free(tuples);
    if (parent[0])
        standin_tuples_add(&del, obj, back_rel, parent);
    if (del.failed)
        rc = lw_err_set(err, LW_ENOMEM, "too many tuples to delete");
    else
        rc = standin_fga_write(&si->fga, NULL, 0, del.v, del.n, err);
    standin_tuples_free(&del);
    return rc;
}

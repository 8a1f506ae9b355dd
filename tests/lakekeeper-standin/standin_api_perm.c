/* standin_api_perm.c -- OpenFGA-backed permission endpoints of the stand-in:
 * GET/POST /management/v1/permissions/<object>/assignments (direct tuples, read and written in
 * OpenFGA) and GET /management/v1/<object>/actions (every catalog action of the object's kind,
 * asked of OpenFGA for the caller or for ?principalUser= / ?principalRole=). */
#include "standin_api.h"
#include "standin_fga.h"
#include "standin_vocab.h"

#include <stdio.h>
#include <string.h>

struct target {
    int kind;
    char id[SI_ID_MAX];
    char warehouse_id[SI_ID_MAX];
    char object[SI_FGA_OBJ_MAX];
    char project_id[SI_ID_MAX];
};

static bool uuid_seg(struct standin_call *c, const char *s)
{
    if (standin_is_uuid(s))
        return true;
    standin_text_error(c->resp, 400, "Invalid URL: Cannot parse `%s` as a UUID", s);
    return false;
}

/* Resolves the object named by seg[0..nseg) ("server", "project", "warehouse/W",
 * "namespace/N", "warehouse/W/namespace/N", "warehouse/W/table/T", "warehouse/W/view/V",
 * "role/R"). Answers 400/404 and returns false when it does not exist. */
static bool resolve(struct standin_call *c, const char *const *seg, int nseg, struct target *t)
{
    struct standin_state *st = c->si->state;
    struct si_warehouse w;
    struct si_namespace ns;
    struct si_tabular tab;
    struct si_role r;
    struct si_project p;

    memset(t, 0, sizeof *t);
    if (nseg == 1 && strcmp(seg[0], "server") == 0) {
        t->kind = SI_SERVER;
        snprintf(t->id, sizeof t->id, "%s", standin_state_server_id(st));
    } else if (nseg == 1 && strcmp(seg[0], "project") == 0) {
        const char *pid = standin_project_of(c);
        if (!standin_state_project(st, pid, &p)) {
            standin_error(c->resp, 404, "ProjectNotFound", "Project with id '%s' not found", pid);
            return false;
        }
        t->kind = SI_PROJECT;
        snprintf(t->id, sizeof t->id, "%s", p.id);
        snprintf(t->project_id, sizeof t->project_id, "%s", p.id);
    } else if (nseg == 2 && strcmp(seg[0], "role") == 0) {
        const char *pid = standin_project_of(c);
        if (!uuid_seg(c, seg[1]))
            return false;
        if (!standin_state_role(st, pid, seg[1], &r)) {
            standin_error(c->resp, 404, "RoleNotFoundInProject",
                          "A role with id '%s' does not exist in project with id '%s'", seg[1],
                          pid);
            return false;
        }
        t->kind = SI_ROLE;
        snprintf(t->id, sizeof t->id, "%s", r.id);
    } else if (nseg == 2 && strcmp(seg[0], "namespace") == 0) {
        if (!uuid_seg(c, seg[1]))
            return false;
        if (!standin_state_namespace(st, NULL, seg[1], &ns)) {
            standin_error(c->resp, 404, "NoSuchNamespaceException",
                          "Namespace not found or access denied");
            return false;
        }
        t->kind = SI_NAMESPACE;
        snprintf(t->id, sizeof t->id, "%s", ns.id);
        snprintf(t->warehouse_id, sizeof t->warehouse_id, "%s", ns.warehouse_id);
    } else if ((nseg == 2 || nseg == 4) && strcmp(seg[0], "warehouse") == 0) {
        if (!uuid_seg(c, seg[1]))
            return false;
        if (!standin_state_warehouse(st, seg[1], &w)) {
            standin_error(c->resp, 404, "NoSuchWarehouseException",
                          "Warehouse with id '%s' not found", seg[1]);
            return false;
        }
        snprintf(t->warehouse_id, sizeof t->warehouse_id, "%s", w.id);
        if (nseg == 2) {
            t->kind = SI_WAREHOUSE;
            snprintf(t->id, sizeof t->id, "%s", w.id);
        } else if (!uuid_seg(c, seg[3])) {
            return false;
        } else if (strcmp(seg[2], "namespace") == 0) {
            if (!standin_state_namespace(st, w.id, seg[3], &ns)) {
                standin_error(c->resp, 404, "NoSuchNamespaceException",
                              "Namespace not found or access denied");
                return false;
            }
            t->kind = SI_NAMESPACE;
            snprintf(t->id, sizeof t->id, "%s", ns.id);
        } else {
            int kind = strcmp(seg[2], "table") == 0 ? SI_TABLE : SI_VIEW;
            if (!standin_state_tabular(st, w.id, seg[3], kind, &tab)) {
                standin_error(c->resp, 404,
                              kind == SI_TABLE ? "NoSuchTableException" : "NoSuchViewException",
                              "Error getting tabular from catalog");
                return false;
            }
            t->kind = kind;
            snprintf(t->id, sizeof t->id, "%s", tab.id);
        }
    } else {
        standin_error(c->resp, 404, "NotFound", "unknown object path");
        return false;
    }
    standin_fga_object(t->kind, t->warehouse_id, t->id, t->object, sizeof t->object);
    return true;
}

/* Subject of an assignment {"type", "user"|"role"}; false when malformed. */
static bool assignment_subject(const json_t *a, int kind, char *subj, size_t n, const char **rel)
{
    const char *user = json_string_value(json_object_get(a, "user"));
    const char *role = json_string_value(json_object_get(a, "role"));
    *rel = json_string_value(json_object_get(a, "type"));
    if (!json_is_object(a) || !*rel || !standin_is_assignable(kind, *rel) || (user && role) ||
        (!user && !role))
        return false;
    if (user)
        return standin_is_user_id(user) && standin_fga_user(user, subj, n);
    if (!standin_is_uuid(role))
        return false;
    snprintf(subj, n, "role:%s#assignee", role);
    return true;
}

static json_t *assignment_json(const struct standin_tuple *t)
{
    char id[SI_USER_ID_MAX];
    const char *hash;
    if (strncmp(t->user, "user:", 5) == 0 && strcmp(t->user, "user:*") != 0) {
        if (!standin_fga_user_decode(t->user + 5, id, sizeof id))
            return NULL;
        return json_pack("{s:s, s:s}", "type", t->relation, "user", id);
    }
    hash = strchr(t->user, '#');
    if (strncmp(t->user, "role:", 5) == 0 && hash && strcmp(hash, "#assignee") == 0 &&
        (size_t)(hash - t->user - 5) < sizeof id) {
        snprintf(id, sizeof id, "%.*s", (int)(hash - t->user - 5), t->user + 5);
        return json_pack("{s:s, s:s}", "type", t->relation, "role", id);
    }
    return NULL;
}

void standin_api_assignments_get(struct standin_call *c)
{
    struct target t;
    const char *rels[32];
    const char *const *all;
    int nrels, allowed;
    json_t *arr, *o;

    /* seg: permissions, <object...>, assignments */
    if (!resolve(c, c->seg + 1, c->nseg - 2, &t))
        return;
    nrels = standin_query_all(c->req, "relations", rels, 32);
    for (int i = 0; i < nrels; i++) {
        if (!standin_is_assignable(t.kind, rels[i])) {
            standin_text_error(c->resp, 400,
                               "Failed to deserialize query string: unknown variant `%s`", rels[i]);
            return;
        }
    }
    if (nrels == 0) {
        nrels = standin_assignables(t.kind, &all);
        for (int i = 0; i < nrels; i++)
            rels[i] = all[i];
    }
    allowed = standin_ask(c, c->actor, "can_read_assignments", t.object);
    if (allowed < 0)
        return;
    if (!allowed) {
        standin_error(c->resp, 403, "Unauthorized", "Unauthorized: can_read_assignments on %s",
                      t.object);
        return;
    }
    arr = json_array();
    for (int i = 0; i < nrels; i++) {
        struct standin_tuple *tuples = NULL;
        struct lw_err err = {0};
        int n = 0;
        if (standin_fga_read(&c->si->fga, NULL, rels[i], t.object, &tuples, &n, &err) != 0) {
            json_decref(arr);
            standin_error(c->resp, 503, "AuthorizationBackendUnavailable", "%s", err.msg);
            return;
        }
        for (int k = 0; k < n; k++) {
            json_t *a = assignment_json(&tuples[k]);
            if (a)
                json_array_append_new(arr, a);
        }
        lw_free(tuples);
    }
    o = json_pack("{s:o}", "assignments", arr);
    if (o && t.kind == SI_PROJECT)
        json_object_set_new(o, "project-id", json_string(t.project_id));
    standin_json_take(c->resp, o);
}

void standin_api_assignments_post(struct standin_call *c)
{
    struct target t;
    json_t *root, *lists[2], *a;
    struct standin_tuple *tw = NULL, *td = NULL;
    int nw = 0, nd = 0, rc;
    char need[16][SI_FGA_REL_MAX];
    int nneed = 0;
    struct lw_err err = {0};
    size_t i;

    if (!resolve(c, c->seg + 1, c->nseg - 2, &t))
        return;
    root = standin_body_json(c);
    if (!root)
        return;
    lists[0] = json_object_get(root, "writes");
    lists[1] = json_object_get(root, "deletes");
    if (!json_is_object(root) || (lists[0] && !json_is_array(lists[0])) ||
        (lists[1] && !json_is_array(lists[1])) ||
        json_array_size(lists[0]) + json_array_size(lists[1]) > 1000) {
        standin_text_error(c->resp, 422,
                           "Failed to deserialize the JSON body into the target type: "
                           "expected {writes: [...], deletes: [...]} (at most 1000 entries)");
        goto out;
    }
    tw = lw_calloc(json_array_size(lists[0]) + 1, sizeof *tw);
    td = lw_calloc(json_array_size(lists[1]) + 1, sizeof *td);
    if (!tw || !td) {
        standin_error(c->resp, 500, "InternalServerError", "out of memory");
        goto out;
    }
    for (int l = 0; l < 2; l++) {
        json_array_foreach(lists[l], i, a)
        {
            char subj[SI_FGA_USER_MAX], grant[SI_FGA_REL_MAX];
            const char *rel;
            bool known = false;
            if (!assignment_subject(a, t.kind, subj, sizeof subj, &rel)) {
                standin_text_error(c->resp, 422,
                                   "Failed to deserialize the JSON body into the target type: "
                                   "%s[%zu]: bad assignment for %s",
                                   l ? "deletes" : "writes", i, standin_kind_fga_type(t.kind));
                goto out;
            }
            standin_tuple_set(l ? &td[nd++] : &tw[nw++], subj, rel, t.object);
            standin_grant_relation(rel, grant, sizeof grant);
            for (int k = 0; k < nneed && !known; k++)
                known = strcmp(need[k], grant) == 0;
            if (!known && nneed < 16)
                snprintf(need[nneed++], sizeof need[0], "%s", grant);
        }
    }
    /* The caller needs the grant relation of every relation touched (Lakekeeper checks each). */
    for (int k = 0; k < nneed; k++) {
        int ok = standin_ask(c, c->actor, need[k], t.object);
        if (ok < 0)
            goto out;
        if (!ok) {
            standin_error(c->resp, 403, "Unauthorized", "Unauthorized: %s on %s", need[k],
                          t.object);
            goto out;
        }
    }
    rc = standin_fga_write(&c->si->fga, tw, nw, td, nd, &err);
    if (rc) {
        standin_error(c->resp, 503, "AuthorizationBackendUnavailable", "%s", err.msg);
        goto out;
    }
    c->resp->status = 204;
    lw_buf_reset(&c->resp->body);
out:
    lw_free(tw);
    lw_free(td);
    json_decref(root);
}

/* Which action makes the object visible to the evaluated principal (Lakekeeper answers as if
 * the object did not exist otherwise); NULL for the server. */
static const char *visibility_action(int kind)
{
    switch (kind) {
    case SI_PROJECT:
        return "get_metadata";
    case SI_ROLE:
        return "read";
    case SI_SERVER:
        return NULL;
    default:
        return "include_in_list";
    }
}

void standin_api_actions(struct standin_call *c)
{
    struct target t;
    struct standin_tuple checks[32];
    bool allowed[32];
    int idx[32];
    const char *const *actions;
    char subject[SI_FGA_USER_MAX];
    const char *vis;
    bool other, visible = false;
    int nactions, n = 0;
    json_t *arr;

    /* seg: <object...>, actions */
    if (!resolve(c, c->seg, c->nseg - 1, &t))
        return;
    if (!standin_principal_param(c, subject, sizeof subject, &other))
        return;
    nactions = standin_actions(t.kind, &actions);
    for (int i = 0; i < nactions && n < 31; i++) {
        char rel[SI_FGA_REL_MAX];
        bool always;
        standin_action_relation(t.kind, actions[i], rel, sizeof rel, &always);
        idx[i] = always ? -1 : n;
        if (!always)
            standin_tuple_set(&checks[n++], subject, rel, t.object);
    }
    /* Asking about someone else requires the caller to read the object's grants. */
    if (other)
        standin_tuple_set(&checks[n++], c->actor, "can_read_assignments", t.object);
    if (standin_ask_many(c, checks, n, allowed) != 0)
        return;
    if (other && !allowed[n - 1]) {
        standin_error(c->resp, 403, "CannotInspectPermissions",
                      "Not allowed to inspect permissions for object %s", t.object);
        return;
    }
    vis = visibility_action(t.kind);
    arr = json_array();
    for (int i = 0; i < nactions; i++) {
        bool ok = idx[i] < 0 || allowed[idx[i]];
        if (!ok)
            continue;
        if (vis && strcmp(actions[i], vis) == 0)
            visible = true;
        json_array_append_new(arr, json_pack("{s:s}", "action", actions[i]));
    }
    if (vis && !visible) {
        json_decref(arr);
        if (t.kind == SI_PROJECT)
            standin_error(c->resp, 403, "ProjectActionForbidden",
                          "Forbidden action get_metadata on project %s", t.id);
        else if (t.kind == SI_WAREHOUSE)
            standin_error(c->resp, 404, "NoSuchWarehouseException",
                          "Warehouse not found or access denied");
        else if (t.kind == SI_NAMESPACE)
            standin_error(c->resp, 404, "NoSuchNamespaceException",
                          "Namespace not found or access denied");
        else if (t.kind == SI_ROLE)
            standin_error(c->resp, 404, "RoleNotFoundInProject", "Role not found or access denied");
        else
            standin_error(c->resp, 404,
                          t.kind == SI_TABLE ? "NoSuchTableException" : "NoSuchViewException",
                          "Error getting tabular from catalog");
        return;
    }
    standin_json_take(c->resp, json_pack("{s:o}", "allowed-actions", arr));
}

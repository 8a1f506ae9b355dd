/* standin_api_mgmt.c -- Lakekeeper management endpoints of the stand-in: server info, whoami,
 * projects, warehouses, roles and their members, users. Shapes follow management-open-api.yaml
 * (ServerInfo, WhoamiResponse, GetProjectResponse, GetWarehouseResponse, Role, RoleMember, User);
 * every visibility decision is an OpenFGA check. */
#include "standin_api.h"
#include "standin_fga.h"
#include "standin_vocab.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define LK_VERSION "0.13.1" /* the Lakekeeper version whose API the stand-in serves */

static void object_of(int kind, const char *wh, const char *id, char *out, size_t n)
{
    standin_fga_object(kind, wh, id, out, n);
}

void standin_api_info(struct standin_call *c)
{
    struct standin_state *st = c->si->state;
    json_t *o = json_pack("{s:s, s:s, s:b, s:s, s:s, s:s, s:b, s:b, s:b, s:[s,s], s:{s:s, s:b, "
                          "s:n, s:n, s:n, s:n, s:n, s:n},"
                          " s:n, s:n, s:n}",
                          "version", LK_VERSION, "lakekeeper-version", LK_VERSION, "bootstrapped",
                          1, "server-id", standin_state_server_id(st), "default-project-id",
                          standin_state_default_project(st), "authz-backend", "openfga",
                          "aws-system-identities-enabled", 0, "azure-system-identities-enabled", 0,
                          "gcp-system-identities-enabled", 0, "queues", "tabular_expiration",
                          "tabular_purge", "license-status", "license-type", "Apache-2.0", "valid",
                          1, "audience", "customer", "error", "expiration", "issuer", "license-id",
                          "console", "lakekeeper-commit-sha", "lakekeeper-enterprise-version");
    standin_json_take(c->resp, o);
}

void standin_api_whoami(struct standin_call *c)
{
    struct si_user u;
    json_t *o;
    standin_register_caller(c, "create-endpoint");
    if (!standin_state_user(c->si->state, c->who.user_id, &u)) {
        standin_error(c->resp, 500, "InternalServerError", "caller could not be registered");
        return;
    }
    o = standin_user_json(&u);
    if (o)
        json_object_set_new(o, "is-instance-admin", json_false());
    standin_json_take(c->resp, o);
}

static json_t *project_json(const struct si_project *p)
{
    return json_pack("{s:s, s:s}", "project-id", p->id, "project-name", p->name);
}

void standin_api_project_list(struct standin_call *c)
{
    struct si_project *projects = lw_calloc(SI_PAGE_MAX, sizeof *projects);
    struct standin_tuple *t = lw_calloc(SI_PAGE_MAX, sizeof *t);
    bool *ok = lw_calloc(SI_PAGE_MAX, sizeof *ok);
    char srv[SI_FGA_OBJ_MAX];
    size_t total, n;
    json_t *arr, *o;
    int all;

    if (!projects || !t || !ok) {
        standin_error(c->resp, 500, "InternalServerError", "out of memory");
        goto out;
    }
    object_of(SI_SERVER, NULL, standin_state_server_id(c->si->state), srv, sizeof srv);
    all = standin_ask(c, c->actor, "can_list_all_projects", srv);
    if (all < 0)
        goto out;
    n = standin_state_projects(c->si->state, 0, projects, SI_PAGE_MAX, &total);
    for (size_t i = 0; i < n; i++) {
        char obj[SI_FGA_OBJ_MAX];
        object_of(SI_PROJECT, NULL, projects[i].id, obj, sizeof obj);
        standin_tuple_set(&t[i], c->actor, "can_include_in_list", obj);
    }
    if (!all && standin_ask_many(c, t, (int)n, ok) != 0)
        goto out;
    arr = json_array();
    for (size_t i = 0; i < n; i++)
        if (all || ok[i])
            json_array_append_new(arr, project_json(&projects[i]));
    o = json_pack("{s:o}", "projects", arr);
    standin_json_take(c->resp, o);
out:
    lw_free(ok);
    lw_free(t);
    lw_free(projects);
}

void standin_api_project(struct standin_call *c)
{
    struct si_project p;
    char obj[SI_FGA_OBJ_MAX];
    const char *pid = standin_project_of(c);
    int allowed;
    if (!standin_state_project(c->si->state, pid, &p)) {
        standin_error(c->resp, 404, "ProjectNotFound", "Project with id '%s' not found", pid);
        return;
    }
    object_of(SI_PROJECT, NULL, p.id, obj, sizeof obj);
    allowed = standin_ask(c, c->actor, "can_get_metadata", obj);
    if (allowed < 0)
        return;
    if (!allowed) {
        standin_error(c->resp, 403, "ProjectActionForbidden",
                      "Forbidden action get_metadata on project %s", p.id);
        return;
    }
    standin_json_take(c->resp, project_json(&p));
}

static json_t *warehouse_json(const struct si_warehouse *w)
{
    char updated[32];
    json_error_t jerr;
    json_t *sp = NULL;
    if (w->storage_profile[0])
        sp = json_loads(w->storage_profile, 0, &jerr);
    if (!sp)
        sp = json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:s, s:b}", "type", "s3", "bucket",
                       "examples", "key-prefix", w->name, "region", "local-01", "sts-enabled", 0,
                       "path-style-access", 1, "flavor", "s3-compat", "remote-signing-enabled", 1);
    standin_rfc3339(w->updated_ms, updated);
    return json_pack("{s:s, s:s, s:s, s:s, s:o, s:{s:s}, s:s, s:b, s:s, s:[i,i,i], s:i, s:n, s:s}",
                     "id", w->id, "warehouse-id", w->id, "name", w->name, "project-id",
                     w->project_id, "storage-profile", sp, "delete-profile", "type", "hard",
                     "status", w->active ? "active" : "inactive", "protected", w->protected_,
                     "managed-by", "self-managed", "allowed-format-versions", 1, 2, 3,
                     "default-format-version", 2, "storage-credential-type", "updated-at", updated);
}

void standin_api_warehouse_list(struct standin_call *c)
{
    struct si_warehouse *whs = lw_calloc(SI_PAGE_MAX, sizeof *whs);
    struct standin_tuple *t = lw_calloc(SI_PAGE_MAX, sizeof *t);
    bool *ok = lw_calloc(SI_PAGE_MAX, sizeof *ok);
    const char *status[4];
    const char *pid = http_request_query(c->req, "projectId");
    char obj[SI_FGA_OBJ_MAX];
    bool want_active = false, want_inactive = false;
    size_t total, n;
    int nstatus, allowed;
    json_t *arr;

    if (!whs || !t || !ok) {
        standin_error(c->resp, 500, "InternalServerError", "out of memory");
        goto out;
    }
    if (!pid || !*pid)
        pid = standin_project_of(c);
    nstatus = standin_query_all(c->req, "warehouseStatus", status, 4);
    for (int i = 0; i < nstatus; i++) {
        if (strcmp(status[i], "active") == 0) {
            want_active = true;
        } else if (strcmp(status[i], "inactive") == 0) {
            want_inactive = true;
        } else {
            standin_text_error(c->resp, 400,
                               "Failed to deserialize query string: unknown variant `%s`",
                               status[i]);
            goto out;
        }
    }
    if (nstatus == 0)
        want_active = true; /* Lakekeeper lists only active warehouses by default */
    object_of(SI_PROJECT, NULL, pid, obj, sizeof obj);
    allowed = standin_ask(c, c->actor, "can_list_warehouses", obj);
    if (allowed < 0)
        goto out;
    if (!allowed) {
        standin_error(c->resp, 403, "ProjectActionForbidden",
                      "Forbidden action list_warehouses on project %s", pid);
        goto out;
    }
    n = standin_state_warehouses(c->si->state, pid, 0, whs, SI_PAGE_MAX, &total);
    for (size_t i = 0; i < n; i++) {
        object_of(SI_WAREHOUSE, NULL, whs[i].id, obj, sizeof obj);
        standin_tuple_set(&t[i], c->actor, "can_include_in_list", obj);
    }
    if (standin_ask_many(c, t, (int)n, ok) != 0)
        goto out;
    arr = json_array();
    for (size_t i = 0; i < n; i++)
        if (ok[i] && (whs[i].active ? want_active : want_inactive))
            json_array_append_new(arr, warehouse_json(&whs[i]));
    standin_json_take(c->resp, json_pack("{s:o}", "warehouses", arr));
out:
    lw_free(ok);
    lw_free(t);
    lw_free(whs);
}

void standin_api_warehouse(struct standin_call *c)
{
    struct si_warehouse w;
    char obj[SI_FGA_OBJ_MAX];
    int allowed;
    if (!standin_is_uuid(c->seg[1])) {
        standin_text_error(c->resp, 400, "Invalid URL: Cannot parse `%s` as a UUID", c->seg[1]);
        return;
    }
    if (!standin_state_warehouse(c->si->state, c->seg[1], &w)) {
        standin_error(c->resp, 404, "NoSuchWarehouseException", "Warehouse with id '%s' not found",
                      c->seg[1]);
        return;
    }
    object_of(SI_WAREHOUSE, NULL, w.id, obj, sizeof obj);
    allowed = standin_ask(c, c->actor, "can_get_metadata", obj);
    if (allowed < 0)
        return;
    if (!allowed) {
        standin_error(c->resp, 404, "NoSuchWarehouseException", "Warehouse with id '%s' not found",
                      c->seg[1]);
        return;
    }
    standin_json_take(c->resp, warehouse_json(&w));
}

static json_t *role_json(const struct si_role *r)
{
    char created[32], ident[2 * SI_NAME_MAX + 2];
    standin_rfc3339(r->created_ms, created);
    snprintf(ident, sizeof ident, "%s~%s", r->provider_id, r->source_id);
    return json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:n}", "id", r->id, "name", r->name,
                     "description", r->description[0] ? json_string(r->description) : json_null(),
                     "project-id", r->project_id, "ident", ident, "provider-id", r->provider_id,
                     "source-id", r->source_id, "created-at", created, "updated-at");
}

void standin_api_role_list(struct standin_call *c)
{
    const char *ids[64];
    struct si_role *roles = NULL;
    const char *pid = standin_project_of(c);
    char obj[SI_FGA_OBJ_MAX];
    size_t offset, limit, total, n;
    int nids, allowed;
    json_t *arr, *o;

    nids = standin_query_all(c->req, "roleIds", ids, 64);
    for (int i = 0; i < nids; i++) {
        if (!standin_is_uuid(ids[i])) {
            standin_text_error(c->resp, 400,
                               "Failed to deserialize query string: roleIds: invalid UUID `%s`",
                               ids[i]);
            return;
        }
    }
    if (!standin_page_params(c->req, &offset, &limit)) {
        standin_error(c->resp, 400, "InvalidPageToken", "invalid pageToken or pageSize");
        return;
    }
    object_of(SI_PROJECT, NULL, pid, obj, sizeof obj);
    allowed = standin_ask(c, c->actor, "can_list_roles", obj);
    if (allowed < 0)
        return;
    if (!allowed) {
        standin_error(c->resp, 403, "ProjectActionForbidden",
                      "Forbidden action list_roles on project %s", pid);
        return;
    }
    roles = lw_calloc(limit, sizeof *roles);
    if (!roles) {
        standin_error(c->resp, 500, "InternalServerError", "out of memory");
        return;
    }
    n = standin_state_roles(c->si->state, pid, ids, nids, offset, roles, limit, &total);
    arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, role_json(&roles[i]));
    o = json_pack("{s:o}", "roles", arr);
    if (o)
        standin_page_token(o, offset + n, offset + n < total);
    standin_json_take(c->resp, o);
    lw_free(roles);
}

/* The role named by seg[1] in the request's project, or an answered 404. */
static bool role_of_path(struct standin_call *c, struct si_role *r)
{
    const char *pid = standin_project_of(c);
    if (!standin_is_uuid(c->seg[1])) {
        standin_text_error(c->resp, 400, "Invalid URL: Cannot parse `%s` as a UUID", c->seg[1]);
        return false;
    }
    if (!standin_state_role(c->si->state, pid, c->seg[1], r)) {
        standin_error(c->resp, 404, "RoleNotFoundInProject",
                      "A role with id '%s' does not exist in project with id '%s'", c->seg[1], pid);
        return false;
    }
    return true;
}

void standin_api_role(struct standin_call *c)
{
    struct si_role r;
    char obj[SI_FGA_OBJ_MAX];
    int allowed;
    if (!role_of_path(c, &r))
        return;
    object_of(SI_ROLE, NULL, r.id, obj, sizeof obj);
    allowed = standin_ask(c, c->actor, "can_read", obj);
    if (allowed < 0)
        return;
    if (!allowed) {
        standin_error(c->resp, 404, "RoleNotFoundInProject",
                      "A role with id '%s' does not exist in project with id '%s'", r.id,
                      r.project_id);
        return;
    }
    standin_json_take(c->resp, role_json(&r));
}

static json_t *member_json(struct standin_call *c, const char *subject)
{
    char id[SI_USER_ID_MAX];
    struct si_user u;
    struct si_role r;
    if (strncmp(subject, "user:", 5) == 0) {
        if (!standin_fga_user_decode(subject + 5, id, sizeof id))
            return NULL;
        if (standin_state_user(c->si->state, id, &u))
            return json_pack("{s:s, s:s, s:s, s:o, s:s}", "type", "user", "id", id, "name", u.name,
                             "email", u.email[0] ? json_string(u.email) : json_null(), "user-type",
                             u.application ? "application" : "human");
        return json_pack("{s:s, s:s, s:n, s:n, s:n}", "type", "user", "id", id, "name", "email",
                         "user-type");
    }
    if (strncmp(subject, "role:", 5) == 0) {
        const char *hash = strchr(subject, '#');
        char ident[2 * SI_NAME_MAX + 2];
        if (!hash || (size_t)(hash - subject - 5) >= sizeof id)
            return NULL;
        snprintf(id, sizeof id, "%.*s", (int)(hash - subject - 5), subject + 5);
        if (!standin_state_role(c->si->state, NULL, id, &r))
            return NULL; /* a dangling role member: not listed */
        snprintf(ident, sizeof ident, "%s~%s", r.provider_id, r.source_id);
        return json_pack("{s:s, s:s, s:s, s:s}", "type", "role", "id", r.id, "ident", ident, "name",
                         r.name);
    }
    return NULL;
}

void standin_api_role_members(struct standin_call *c)
{
    struct si_role r;
    struct standin_tuple *tuples = NULL;
    struct lw_err err = {0};
    const char *type = http_request_query(c->req, "type");
    char obj[SI_FGA_OBJ_MAX];
    size_t offset, limit, seen = 0, got = 0;
    int n = 0, allowed;
    bool more = false;
    json_t *arr, *o;

    if (!role_of_path(c, &r))
        return;
    if (type && strcmp(type, "user") != 0 && strcmp(type, "role") != 0) {
        standin_text_error(c->resp, 400, "Failed to deserialize query string: unknown variant `%s`",
                           type);
        return;
    }
    if (!standin_page_params(c->req, &offset, &limit)) {
        standin_error(c->resp, 400, "InvalidPageToken", "invalid pageToken or pageSize");
        return;
    }
    object_of(SI_ROLE, NULL, r.id, obj, sizeof obj);
    allowed = standin_ask(c, c->actor, "can_read_assignments", obj);
    if (allowed < 0)
        return;
    if (!allowed) {
        standin_error(c->resp, 403, "RoleActionForbidden",
                      "Forbidden action read_role_assignments on role %s", r.id);
        return;
    }
    if (standin_fga_read(&c->si->fga, NULL, "assignee", obj, &tuples, &n, &err) != 0) {
        standin_error(c->resp, 503, "AuthorizationBackendUnavailable", "%s", err.msg);
        return;
    }
    arr = json_array();
    for (int i = 0; i < n; i++) {
        json_t *m;
        if (type && strncmp(tuples[i].user, type, strlen(type)) != 0)
            continue;
        m = member_json(c, tuples[i].user);
        if (!m)
            continue;
        if (seen++ < offset) {
            json_decref(m);
            continue;
        }
        if (got == limit) {
            json_decref(m);
            more = true;
            break;
        }
        json_array_append_new(arr, m);
        got++;
    }
    lw_free(tuples);
    o = json_pack("{s:o}", "members", arr);
    if (o)
        standin_page_token(o, offset + got, more);
    standin_json_take(c->resp, o);
}

void standin_api_user_list(struct standin_call *c)
{
    struct si_user *users;
    const char *name = http_request_query(c->req, "name");
    char srv[SI_FGA_OBJ_MAX];
    size_t offset, limit, total, n;
    int allowed;
    json_t *arr, *o;

    if (!standin_page_params(c->req, &offset, &limit)) {
        standin_error(c->resp, 400, "InvalidPageToken", "invalid pageToken or pageSize");
        return;
    }
    object_of(SI_SERVER, NULL, standin_state_server_id(c->si->state), srv, sizeof srv);
    allowed = standin_ask(c, c->actor, "can_list_users", srv);
    if (allowed < 0)
        return;
    if (!allowed) {
        standin_error(c->resp, 403, "ServerActionForbidden",
                      "Forbidden action list_users on server");
        return;
    }
    users = lw_calloc(limit, sizeof *users);
    if (!users) {
        standin_error(c->resp, 500, "InternalServerError", "out of memory");
        return;
    }
    n = standin_state_users(c->si->state, name && *name ? name : NULL, offset, users, limit,
                            &total);
    arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, standin_user_json(&users[i]));
    o = json_pack("{s:o}", "users", arr);
    if (o)
        standin_page_token(o, offset + n, offset + n < total);
    standin_json_take(c->resp, o);
    lw_free(users);
}

void standin_api_user(struct standin_call *c)
{
    struct si_user u;
    if (!standin_is_user_id(c->seg[1])) {
        standin_error(c->resp, 400, "InvalidUserId",
                      "Invalid user id: `%s`. Expected format: `<idp_id>~<user-id>`", c->seg[1]);
        return;
    }
    if (!standin_state_user(c->si->state, c->seg[1], &u)) {
        standin_error(c->resp, 404, "UserNotFound", "User with id '%s' not found", c->seg[1]);
        return;
    }
    standin_json_take(c->resp, standin_user_json(&u));
}

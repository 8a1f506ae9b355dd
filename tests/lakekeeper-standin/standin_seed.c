/* standin_seed.c -- loads the seed file (tests/stack/seed.json; format in the stand-in's README)
 * into the state and collects the OpenFGA tuples Lakekeeper would have written while the scenario
 * was built: hierarchy, ownership, role membership, grants and model-version bookkeeping. */
#include "standin_seed.h"

#include "standin_objects.h"
#include "standin_vocab.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define SEED_MAX_BYTES (4u << 20)

static const char *str_or(const json_t *obj, const char *key, const char *dflt)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : dflt;
}

/* Owner of an object: its "owner" (null = none), else the seed's "creator". */
static const char *owner_of(const json_t *obj, const char *creator)
{
    json_t *o = json_object_get(obj, "owner");
    if (json_is_null(o))
        return NULL;
    return json_is_string(o) ? json_string_value(o) : creator;
}

/* Reads a JSON array of strings into path; false when it is not one or is too deep. */
static bool path_from_json(const json_t *arr, int skip, int drop, struct si_path *path)
{
    size_t n = json_is_array(arr) ? json_array_size(arr) : 0;
    memset(path, 0, sizeof *path);
    if (n < (size_t)(skip + drop) + 1 || n - (size_t)(skip + drop) > SI_NS_DEPTH_MAX)
        return false;
    for (size_t i = (size_t)skip; i < n - (size_t)drop; i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        if (!s || !*s || !standin_copy(path->part[path->depth], sizeof path->part[0], s))
            return false;
        path->depth++;
    }
    return true;
}

static int load_warehouses(struct standin *si, const json_t *root, const char *creator,
                           struct standin_tuples *out, struct lw_err *err)
{
    size_t i;
    json_t *w;
    json_array_foreach(json_object_get(root, "warehouses"), i, w)
    {
        struct si_warehouse wh;
        json_t *sp = json_object_get(w, "storage-profile");
        char *sps = NULL;
        int rc;
        memset(&wh, 0, sizeof wh);
        if (!standin_copy(wh.id, sizeof wh.id, str_or(w, "id", "")) ||
            !standin_copy(wh.name, sizeof wh.name, str_or(w, "name", "")) ||
            !standin_copy(wh.project_id, sizeof wh.project_id,
                          str_or(w, "project-id", standin_state_default_project(si->state))) ||
            !wh.name[0])
            return lw_err_set(err, LW_EINVAL,
                              "warehouses[%zu]: id, name or project-id missing or too long", i);
        wh.active = strcmp(str_or(w, "status", "active"), "inactive") != 0;
        wh.protected_ = json_is_true(json_object_get(w, "protected"));
        wh.updated_ms = lw_wall_ms();
        if (sp) {
            if (!json_is_object(sp))
                return lw_err_set(err, LW_EINVAL,
                                  "warehouses[%zu]: storage-profile is not an object", i);
            sps = json_dumps(sp, JSON_COMPACT);
            if (!sps || !standin_copy(wh.storage_profile, sizeof wh.storage_profile, sps)) {
                lw_free(sps);
                return lw_err_set(err, LW_EINVAL, "warehouses[%zu]: storage-profile too large", i);
            }
            lw_free(sps);
        }
        rc = standin_objects_add_warehouse(si, &wh, owner_of(w, creator), out, err);
        if (rc)
            return rc;
    }
    return 0;
}

static int load_namespaces(struct standin *si, const json_t *root, const char *creator,
                           struct standin_tuples *out, struct lw_err *err)
{
    size_t i;
    json_t *n;
    json_array_foreach(json_object_get(root, "namespaces"), i, n)
    {
        struct si_namespace ns;
        struct si_warehouse wh;
        struct si_path path;
        int rc;
        memset(&ns, 0, sizeof ns);
        if (!standin_state_warehouse_by_name(si->state, standin_state_default_project(si->state),
                                             str_or(n, "warehouse", ""), &wh))
            return lw_err_set(err, LW_EINVAL, "namespaces[%zu]: unknown warehouse", i);
        if (!path_from_json(json_object_get(n, "path"), 0, 0, &path))
            return lw_err_set(err, LW_EINVAL, "namespaces[%zu]: path must be 1..%d names", i,
                              SI_NS_DEPTH_MAX);
        if (path.depth > 1) {
            struct si_namespace parent;
            path.depth--;
            if (!standin_state_namespace_by_path(si->state, wh.id, &path, &parent))
                return lw_err_set(err, LW_EINVAL,
                                  "namespaces[%zu]: parent must be listed before it", i);
            path.depth++;
            snprintf(ns.parent_id, sizeof ns.parent_id, "%s", parent.id);
        }
        snprintf(ns.warehouse_id, sizeof ns.warehouse_id, "%s", wh.id);
        snprintf(ns.name, sizeof ns.name, "%s", path.part[path.depth - 1]);
        if (!standin_copy(ns.id, sizeof ns.id, str_or(n, "id", "")))
            return lw_err_set(err, LW_EINVAL, "namespaces[%zu]: id too long", i);
        rc = standin_objects_add_namespace(si, &ns, owner_of(n, creator), out, err);
        if (rc)
            return rc;
    }
    return 0;
}

static int load_tabulars(struct standin *si, const json_t *root, const char *key, int kind,
                         const char *creator, struct standin_tuples *out, struct lw_err *err)
{
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(root, key), i, t)
    {
        struct si_tabular tab;
        struct si_warehouse wh;
        struct si_namespace ns;
        struct si_path path;
        int rc;
        memset(&tab, 0, sizeof tab);
        if (!standin_state_warehouse_by_name(si->state, standin_state_default_project(si->state),
                                             str_or(t, "warehouse", ""), &wh))
            return lw_err_set(err, LW_EINVAL, "%s[%zu]: unknown warehouse", key, i);
        if (!path_from_json(json_object_get(t, "namespace"), 0, 0, &path) ||
            !standin_state_namespace_by_path(si->state, wh.id, &path, &ns))
            return lw_err_set(err, LW_EINVAL, "%s[%zu]: unknown namespace", key, i);
        tab.kind = kind;
        snprintf(tab.warehouse_id, sizeof tab.warehouse_id, "%s", wh.id);
        snprintf(tab.namespace_id, sizeof tab.namespace_id, "%s", ns.id);
        if (!standin_copy(tab.id, sizeof tab.id, str_or(t, "id", "")) ||
            !standin_copy(tab.name, sizeof tab.name, str_or(t, "name", "")) || !tab.name[0])
            return lw_err_set(err, LW_EINVAL, "%s[%zu]: id or name missing or too long", key, i);
        tab.protected_ = json_is_true(json_object_get(t, "protected"));
        rc = standin_objects_add_tabular(si, &tab, owner_of(t, creator), out, err);
        if (rc)
            return rc;
    }
    return 0;
}

static int load_users(struct standin *si, const json_t *root, struct lw_err *err)
{
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(root, "users"), i, u)
    {
        struct si_user user;
        int rc;
        memset(&user, 0, sizeof user);
        if (!standin_is_user_id(str_or(u, "id", "")) ||
            !standin_copy(user.id, sizeof user.id, str_or(u, "id", "")) ||
            !standin_copy(user.name, sizeof user.name, str_or(u, "name", "")) ||
            !standin_copy(user.email, sizeof user.email, str_or(u, "email", "")))
            return lw_err_set(err, LW_EINVAL, "users[%zu]: bad id, name or email", i);
        user.application = strcmp(str_or(u, "user-type", "human"), "application") == 0;
        user.last_updated_with = "create-endpoint";
        user.created_ms = user.updated_ms = lw_wall_ms();
        rc = standin_state_upsert_user(si->state, &user, err);
        if (rc)
            return rc;
    }
    return 0;
}

static int load_roles(struct standin *si, const json_t *root, const char *creator,
                      struct standin_tuples *out, struct lw_err *err)
{
    size_t i, k;
    json_t *r, *m;
    json_array_foreach(json_object_get(root, "roles"), i, r)
    {
        struct si_role role;
        char obj[SI_FGA_OBJ_MAX];
        int rc;
        memset(&role, 0, sizeof role);
        if (!standin_copy(role.id, sizeof role.id, str_or(r, "id", "")) ||
            !standin_copy(role.name, sizeof role.name, str_or(r, "name", "")) ||
            !standin_copy(role.description, sizeof role.description,
                          str_or(r, "description", "")) ||
            !standin_copy(role.project_id, sizeof role.project_id,
                          str_or(r, "project-id", standin_state_default_project(si->state))) ||
            !standin_copy(role.provider_id, sizeof role.provider_id, "lakekeeper") || !role.name[0])
            return lw_err_set(err, LW_EINVAL, "roles[%zu]: bad id, name, description or project-id",
                              i);
        snprintf(role.source_id, sizeof role.source_id, "%s", role.id);
        role.created_ms = lw_wall_ms();
        rc = standin_objects_add_role(si, &role, owner_of(r, creator), out, err);
        if (rc)
            return rc;
        snprintf(obj, sizeof obj, "role:%s", role.id);
        json_array_foreach(json_object_get(r, "members"), k, m)
        {
            char subj[SI_FGA_USER_MAX];
            if (!json_is_string(m) || !standin_subject(json_string_value(m), subj, sizeof subj))
                return lw_err_set(err, LW_EINVAL,
                                  "roles[%zu].members[%zu]: want \"oidc~...\" or \"role:<uuid>\"",
                                  i, k);
            standin_tuples_add(out, subj, "assignee", obj);
        }
    }
    return 0;
}

/* Resolves a grant's "on" reference to an OpenFGA object and its kind. */
static bool resolve_on(struct standin *si, const json_t *on, char *obj, size_t n, int *kind)
{
    const char *key;
    json_t *v;
    struct si_warehouse wh;
    struct si_namespace ns;
    struct si_tabular tab;
    struct si_path path;

    if (!json_is_object(on) || json_object_size(on) != 1)
        return false;
    json_object_foreach((json_t *)on, key, v)
    {
        if (strcmp(key, "server") == 0) {
            *kind = SI_SERVER;
            return standin_fga_object(SI_SERVER, NULL, standin_state_server_id(si->state), obj, n);
        }
        if (strcmp(key, "project") == 0) {
            *kind = SI_PROJECT;
            return json_is_string(v) &&
                   standin_fga_object(SI_PROJECT, NULL, json_string_value(v), obj, n);
        }
        if (strcmp(key, "role") == 0) {
            *kind = SI_ROLE;
            return json_is_string(v) && standin_is_uuid(json_string_value(v)) &&
                   standin_fga_object(SI_ROLE, NULL, json_string_value(v), obj, n);
        }
        if (strcmp(key, "warehouse") == 0) {
            *kind = SI_WAREHOUSE;
            return json_is_string(v) &&
                   standin_state_warehouse_by_name(si->state,
                                                   standin_state_default_project(si->state),
                                                   json_string_value(v), &wh) &&
                   standin_fga_object(SI_WAREHOUSE, NULL, wh.id, obj, n);
        }
        /* namespace: [warehouse, ns...]; table/view: [warehouse, ns..., name] */
        *kind = standin_kind_of_key(key);
        if (*kind != SI_NAMESPACE && *kind != SI_TABLE && *kind != SI_VIEW)
            return false;
        if (!json_is_array(v) || json_array_size(v) < 2 ||
            !standin_state_warehouse_by_name(si->state, standin_state_default_project(si->state),
                                             json_string_value(json_array_get(v, 0))
                                                 ? json_string_value(json_array_get(v, 0))
                                                 : "",
                                             &wh) ||
            !path_from_json(v, 1, *kind == SI_NAMESPACE ? 0 : 1, &path) ||
            !standin_state_namespace_by_path(si->state, wh.id, &path, &ns))
            return false;
        if (*kind == SI_NAMESPACE)
            return standin_fga_object(SI_NAMESPACE, NULL, ns.id, obj, n);
        if (!standin_state_tabular_by_name(
                si->state, wh.id, ns.id,
                json_string_value(json_array_get(v, json_array_size(v) - 1))
                    ? json_string_value(json_array_get(v, json_array_size(v) - 1))
                    : "",
                *kind, &tab))
            return false;
        return standin_fga_object(*kind, wh.id, tab.id, obj, n);
    }
    return false;
}

static int load_grants(struct standin *si, const json_t *root, struct standin_tuples *out,
                       struct lw_err *err)
{
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(root, "grants"), i, g)
    {
        char obj[SI_FGA_OBJ_MAX], subj[SI_FGA_USER_MAX];
        const char *rel = str_or(g, "relation", "");
        const char *who = str_or(g, "principal", "");
        int kind = -1;
        if (!standin_subject(who, subj, sizeof subj))
            return lw_err_set(err, LW_EINVAL,
                              "grants[%zu]: principal must be \"oidc~...\" or \"role:<uuid>\"", i);
        if (!resolve_on(si, json_object_get(g, "on"), obj, sizeof obj, &kind))
            return lw_err_set(err, LW_EINVAL, "grants[%zu]: \"on\" names no known object", i);
        if (!standin_is_assignable(kind, rel))
            return lw_err_set(err, LW_EINVAL, "grants[%zu]: '%s' is not assignable on %s", i, rel,
                              standin_kind_fga_type(kind));
        standin_tuples_add(out, subj, rel, obj);
    }
    return 0;
}

int standin_seed_load(struct standin *si, const char *path, struct standin_tuples *out,
                      struct lw_err *err)
{
    json_error_t jerr;
    struct stat sb;
    json_t *root;
    const char *creator;
    size_t i;
    json_t *p;
    int rc;

    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return lw_err_set(err, LW_ECONFIG, "seed %s: not a readable file", path);
    if ((size_t)sb.st_size > SEED_MAX_BYTES)
        return lw_err_set(err, LW_ECONFIG, "seed %s: larger than %u bytes", path, SEED_MAX_BYTES);
    root = json_load_file(path, 0, &jerr);
    if (!root)
        return lw_err_set(err, LW_ECONFIG, "seed %s: %s (line %d)", path, jerr.text, jerr.line);
    if (!json_is_object(root)) {
        json_decref(root);
        return lw_err_set(err, LW_ECONFIG, "seed %s: not a JSON object", path);
    }
    if (!standin_is_uuid(str_or(root, "server-id", "")) ||
        !standin_is_project_id(str_or(root, "default-project-id", ""))) {
        json_decref(root);
        return lw_err_set(err, LW_ECONFIG,
                          "seed %s: server-id (uuid) and default-project-id required", path);
    }
    rc = standin_state_set_server(si->state, str_or(root, "server-id", ""),
                                  str_or(root, "default-project-id", ""), err);
    creator = str_or(root, "creator", NULL);
    json_array_foreach(json_object_get(root, "projects"), i, p)
    {
        struct si_project proj;
        memset(&proj, 0, sizeof proj);
        if (rc)
            break;
        if (!standin_copy(proj.id, sizeof proj.id, str_or(p, "id", "")) ||
            !standin_copy(proj.name, sizeof proj.name, str_or(p, "name", ""))) {
            rc = lw_err_set(err, LW_EINVAL, "projects[%zu]: id or name too long", i);
            break;
        }
        /* A project's creator is not implied: only an explicit owner becomes project_admin. */
        rc = standin_objects_add_project(si, &proj, str_or(p, "owner", NULL), out, err);
    }
    if (rc == 0 && !standin_state_project(si->state, standin_state_default_project(si->state),
                                          &(struct si_project){0}))
        rc = lw_err_set(err, LW_EINVAL, "default-project-id is not among projects");
    if (rc == 0)
        rc = load_warehouses(si, root, creator, out, err);
    if (rc == 0)
        rc = load_namespaces(si, root, creator, out, err);
    if (rc == 0)
        rc = load_tabulars(si, root, "tables", SI_TABLE, creator, out, err);
    if (rc == 0)
        rc = load_tabulars(si, root, "views", SI_VIEW, creator, out, err);
    if (rc == 0)
        rc = load_users(si, root, err);
    if (rc == 0)
        rc = load_roles(si, root, creator, out, err);
    if (rc == 0)
        rc = load_grants(si, root, out, err);
    if (rc == 0 && out->failed)
        rc = lw_err_set(err, LW_ENOMEM, "too many tuples");
    json_decref(root);
    if (rc) {
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
        rc = lw_err_set(err, LW_ECONFIG, "seed %s: %s", path, msg);
    }
    return rc;
}

/* standin_api_catalog.c -- the Iceberg REST endpoints of the stand-in that lakeward uses:
 * GET /catalog/v1/config (warehouse name -> prefix), namespace listing and lookup, table and
 * view listings. As in Lakekeeper, listings check the container first and then keep only the
 * items the caller may include in a list (unless it may list everything); a page is cut before
 * filtering, so it can come back short while more remain. */
#include "standin_api.h"
#include "standin_fga.h"
#include "standin_vocab.h"

#include <stdio.h>
#include <string.h>

#define UNIT_SEP '\x1f' /* joins the parts of a multipart namespace in URLs */

static const char *const iceberg_endpoints[] = {
    "GET /v1/{prefix}/namespaces",
    "POST /v1/{prefix}/namespaces",
    "GET /v1/{prefix}/namespaces/{namespace}",
    "HEAD /v1/{prefix}/namespaces/{namespace}",
    "DELETE /v1/{prefix}/namespaces/{namespace}",
    "POST /v1/{prefix}/namespaces/{namespace}/properties",
    "GET /v1/{prefix}/namespaces/{namespace}/tables",
    "POST /v1/{prefix}/namespaces/{namespace}/tables",
    "GET /v1/{prefix}/namespaces/{namespace}/tables/{table}",
    "HEAD /v1/{prefix}/namespaces/{namespace}/tables/{table}",
    "POST /v1/{prefix}/namespaces/{namespace}/tables/{table}",
    "DELETE /v1/{prefix}/namespaces/{namespace}/tables/{table}",
    "POST /v1/{prefix}/namespaces/{namespace}/register",
    "POST /v1/{prefix}/tables/rename",
    "POST /v1/{prefix}/transactions/commit",
    "GET /v1/{prefix}/namespaces/{namespace}/views",
    "POST /v1/{prefix}/namespaces/{namespace}/views",
    "GET /v1/{prefix}/namespaces/{namespace}/views/{view}",
    "HEAD /v1/{prefix}/namespaces/{namespace}/views/{view}",
    "POST /v1/{prefix}/namespaces/{namespace}/views/{view}",
    "DELETE /v1/{prefix}/namespaces/{namespace}/views/{view}",
    "POST /v1/{prefix}/views/rename",
};

static bool query_true(const struct standin_call *c, const char *key)
{
    const char *v = http_request_query(c->req, key);
    return v && strcmp(v, "true") == 0;
}

void standin_api_config(struct standin_call *c)
{
    const char *arg = http_request_query(c->req, "warehouse");
    const char *host = http_request_header(c->req, "Host");
    const char *slash;
    char project[SI_ID_MAX], name[SI_NAME_MAX], obj[SI_FGA_OBJ_MAX], uri[512];
    struct si_warehouse w;
    json_t *endpoints, *o;
    int allowed;

    standin_register_caller(c, "config-call-creation");
    if (!arg) {
        standin_error(c->resp, 400, "GetConfigNoWarehouseProvided",
                      "No warehouse specified. Please specify the 'warehouse' parameter in the GET "
                      "/config request.");
        return;
    }
    /* "<project-id>/<name>" when the part before the first '/' is a valid project id, else the
     * whole argument is the name (Lakekeeper's parse_warehouse_arg). */
    slash = strchr(arg, '/');
    snprintf(project, sizeof project, "%s", standin_project_of(c));
    snprintf(name, sizeof name, "%s", arg);
    if (slash && (size_t)(slash - arg) < sizeof project) {
        char maybe[SI_ID_MAX];
        snprintf(maybe, sizeof maybe, "%.*s", (int)(slash - arg), arg);
        if (standin_is_project_id(maybe)) {
            snprintf(project, sizeof project, "%s", maybe);
            snprintf(name, sizeof name, "%s", slash + 1);
        }
    }
    /* A missing warehouse and one the caller may not see answer alike: name-keyed 404. */
    if (!standin_state_warehouse_by_name(c->si->state, project, name, &w) || !w.active) {
        standin_error(c->resp, 404, "NoSuchWarehouseException", "A warehouse '%s' does not exist",
                      name);
        return;
    }
    standin_fga_object(SI_WAREHOUSE, NULL, w.id, obj, sizeof obj);
    allowed = standin_ask(c, c->actor, "can_get_config", obj);
    if (allowed < 0)
        return;
    if (!allowed) {
        standin_error(c->resp, 404, "NoSuchWarehouseException", "A warehouse '%s' does not exist",
                      name);
        return;
    }
    snprintf(uri, sizeof uri, "http://%s/catalog", host ? host : "localhost");
    endpoints = json_array();
    for (size_t i = 0; i < sizeof iceberg_endpoints / sizeof iceberg_endpoints[0]; i++)
        json_array_append_new(endpoints, json_string(iceberg_endpoints[i]));
    o = json_pack("{s:{s:s, s:s}, s:{s:s}, s:o}", "defaults", "prefix", w.id, "rest-page-size",
                  "100", "overrides", "uri", uri, "endpoints", endpoints);
    standin_json_take(c->resp, o);
}

/* The active warehouse named by the prefix (seg[0]); answers 404 when there is none. */
static bool warehouse_of_prefix(struct standin_call *c, struct si_warehouse *w)
{
    if (!standin_is_uuid(c->seg[0]) || !standin_state_warehouse(c->si->state, c->seg[0], w) ||
        !w->active) {
        standin_error(c->resp, 404, "NoSuchWarehouseException", "Warehouse with id '%s' not found",
                      c->seg[0]);
        return false;
    }
    return true;
}

/* Splits a namespace URL parameter at the unit separator. */
static bool parse_ns(const char *s, struct si_path *p)
{
    memset(p, 0, sizeof *p);
    while (s) {
        const char *sep = strchr(s, UNIT_SEP);
        size_t len = sep ? (size_t)(sep - s) : strlen(s);
        if (p->depth >= SI_NS_DEPTH_MAX || len >= sizeof p->part[0])
            return false;
        memcpy(p->part[p->depth], s, len);
        p->part[p->depth][len] = '\0';
        p->depth++;
        s = sep ? sep + 1 : NULL;
    }
    return p->depth > 0;
}

static json_t *path_json(const struct si_path *p, const char *last)
{
    json_t *a = json_array();
    for (int i = 0; i < p->depth; i++)
        json_array_append_new(a, json_string(p->part[i]));
    if (last)
        json_array_append_new(a, json_string(last));
    return a;
}

/* The container checks of a listing, the ones Lakekeeper asks (server/namespace/list.rs,
 * authz/namespace.rs load_and_authorize_namespace_action), in one BatchCheck. A namespace
 * listing asks the warehouse (can_use: else 404, can_list_namespaces: else 403,
 * can_list_everything) and, under a parent, the parent namespace (can_get_metadata: else 404,
 * can_list_namespaces: else 403, can_list_everything). A table or view listing asks only its
 * namespace (can_get_metadata, can_list_tables / can_list_views, can_list_everything): the
 * warehouse need only be active. That matters for the cost: in Lakekeeper's model a
 * warehouse's can_use is can_get_metadata, which also flows up from every namespace and table
 * below it, so OpenFGA's work for a warehouse check grows with the warehouse, while a
 * namespace's grows with the namespace. Answers the error and returns false unless the caller
 * may list; *everything says whether the per-item filter can be skipped. */
/* Whether check k of authorize_list was asked (slot >= 0) and allowed. */
static bool granted(const int *slot, const bool *ok, int k)
{
    return slot[k] >= 0 && ok[slot[k]];
}

static bool authorize_list(struct standin_call *c, const struct si_warehouse *w,
                           const struct si_namespace *ns, const char *ns_list_rel, bool *everything)
{
    enum { W_USE, W_LIST, W_ALL, N_SEE, N_LIST, N_ALL, NCHECKS };
    static const char *const rel[NCHECKS] = {"can_use", "can_list_namespaces",
                                             "can_list_everything", "can_get_metadata", NULL,
                                             "can_list_everything"};
    bool listing_namespaces = strcmp(ns_list_rel, "can_list_namespaces") == 0;
    struct standin_tuple t[NCHECKS];
    bool ok[NCHECKS] = {false};
    int slot[NCHECKS], n = 0;
    char wobj[SI_FGA_OBJ_MAX], nobj[SI_FGA_OBJ_MAX];

    standin_fga_object(SI_WAREHOUSE, NULL, w->id, wobj, sizeof wobj);
    if (ns)
        standin_fga_object(SI_NAMESPACE, NULL, ns->id, nobj, sizeof nobj);
    for (int k = 0; k < NCHECKS; k++) {
        bool on_warehouse = k < N_SEE;
        slot[k] = -1;
        if (on_warehouse ? !listing_namespaces : !ns)
            continue;
        standin_tuple_set(&t[n], c->actor, k == N_LIST ? ns_list_rel : rel[k],
                          on_warehouse ? wobj : nobj);
        slot[k] = n++;
    }
    if (standin_ask_many(c, t, n, ok) != 0)
        return false;
    if (listing_namespaces && !granted(slot, ok, W_USE)) {
        standin_error(c->resp, 404, "NoSuchWarehouseException",
                      "Warehouse not found or access denied");
        return false;
    }
    if (listing_namespaces && !granted(slot, ok, W_LIST)) {
        standin_error(c->resp, 403, "WarehouseActionForbidden",
                      "Forbidden action list_namespaces on warehouse %s", w->id);
        return false;
    }
    if (ns && !granted(slot, ok, N_SEE)) {
        standin_error(c->resp, 404, "NoSuchNamespaceException",
                      "Namespace not found or access denied");
        return false;
    }
    if (ns && !granted(slot, ok, N_LIST)) {
        standin_error(c->resp, 403, "NamespaceActionForbidden",
                      "Forbidden action %s on namespace %s", ns_list_rel + 4, ns->id);
        return false;
    }
    *everything = granted(slot, ok, W_ALL) || granted(slot, ok, N_ALL);
    return true;
}

/* Looks up the namespace path; answers 400/404 when it is malformed or absent. */
static bool namespace_of(struct standin_call *c, const struct si_warehouse *w, const char *param,
                         struct si_path *p, struct si_namespace *ns)
{
    if (!parse_ns(param, p)) {
        standin_error(c->resp, 400, "BadRequest", "malformed namespace");
        return false;
    }
    if (!standin_state_namespace_by_path(c->si->state, w->id, p, ns)) {
        standin_error(c->resp, 404, "NoSuchNamespaceException",
                      "Namespace not found or access denied");
        return false;
    }
    return true;
}

/* Answers a one-page listing: the list under list_key, the parallel uuid and protection
 * arrays when the query asks for them, and the next page token. Takes the three arrays. */
static void respond_listing(struct standin_call *c, const char *list_key, json_t *list,
                            const char *uuid_key, json_t *uuids, json_t *prot, size_t next,
                            bool more)
{
    json_t *o = json_pack("{s:o}", list_key, list);
    if (o && query_true(c, "returnUuids"))
        json_object_set(o, uuid_key, uuids);
    if (o && query_true(c, "returnProtectionStatus"))
        json_object_set(o, "protection-status", prot);
    json_decref(uuids);
    json_decref(prot);
    if (o)
        standin_page_token(o, next, more);
    standin_json_take(c->resp, o);
}

void standin_api_namespaces(struct standin_call *c)
{
    struct si_warehouse w;
    struct si_namespace parent, *items = NULL;
    struct si_path ppath;
    struct standin_tuple *t = NULL;
    bool *ok = NULL, everything = false, has_parent;
    const char *pparam = http_request_query(c->req, "parent");
    size_t offset, limit, total, n;
    json_t *names, *uuids, *prot;

    memset(&ppath, 0, sizeof ppath);
    has_parent = pparam && *pparam;
    if (!warehouse_of_prefix(c, &w))
        return;
    if (!standin_page_params(c->req, &offset, &limit)) {
        standin_error(c->resp, 400, "InvalidPageToken", "invalid pageToken or pageSize");
        return;
    }
    if (has_parent && !namespace_of(c, &w, pparam, &ppath, &parent))
        return;
    if (!authorize_list(c, &w, has_parent ? &parent : NULL, "can_list_namespaces", &everything))
        return;
    items = lw_calloc(limit, sizeof *items);
    t = lw_calloc(limit, sizeof *t);
    ok = lw_calloc(limit, sizeof *ok);
    if (!items || !t || !ok) {
        standin_error(c->resp, 500, "InternalServerError", "out of memory");
        goto out;
    }
    n = standin_state_child_namespaces(c->si->state, w.id, has_parent ? parent.id : "", offset,
                                       items, limit, &total);
    for (size_t i = 0; i < n; i++) {
        char obj[SI_FGA_OBJ_MAX];
        standin_fga_object(SI_NAMESPACE, NULL, items[i].id, obj, sizeof obj);
        standin_tuple_set(&t[i], c->actor, "can_include_in_list", obj);
        ok[i] = true;
    }
    if (!everything && standin_ask_many(c, t, (int)n, ok) != 0)
        goto out;
    names = json_array();
    uuids = json_array();
    prot = json_array();
    for (size_t i = 0; i < n; i++) {
        if (!ok[i])
            continue;
        json_array_append_new(names, path_json(&ppath, items[i].name));
        json_array_append_new(uuids, json_string(items[i].id));
        json_array_append_new(prot, json_boolean(items[i].protected_));
    }
    respond_listing(c, "namespaces", names, "namespace-uuids", uuids, prot, offset + n,
                    offset + n < total);
out:
    lw_free(ok);
    lw_free(t);
    lw_free(items);
}

void standin_api_namespace(struct standin_call *c)
{
    struct si_warehouse w;
    struct si_namespace ns;
    struct si_path p;
    char obj[SI_FGA_OBJ_MAX];
    json_t *o, *props;
    int allowed;

    if (!warehouse_of_prefix(c, &w) || !namespace_of(c, &w, c->seg[2], &p, &ns))
        return;
    standin_fga_object(SI_NAMESPACE, NULL, ns.id, obj, sizeof obj);
    allowed = standin_ask(c, c->actor, "can_get_metadata", obj);
    if (allowed < 0)
        return;
    if (!allowed) {
        standin_error(c->resp, 404, "NoSuchNamespaceException",
                      "Namespace not found or access denied");
        return;
    }
    /* With an Iceberg server behind /catalog, its properties (the location Trino derives
     * table locations from); else none. */
    props = standin_iceberg_namespace_properties(c);
    o = json_pack("{s:o, s:o}", "namespace", path_json(&p, NULL), "properties",
                  props ? props : json_object());
    if (o && query_true(c, "returnUuid"))
        json_object_set_new(o, "namespace-uuid", json_string(ns.id));
    standin_json_take(c->resp, o);
}

void standin_api_tabulars(struct standin_call *c)
{
    int kind = strcmp(c->seg[3], "tables") == 0 ? SI_TABLE : SI_VIEW;
    struct si_warehouse w;
    struct si_namespace ns;
    struct si_tabular *items = NULL;
    struct si_path p;
    struct standin_tuple *t = NULL;
    bool *ok = NULL, everything = false;
    size_t offset, limit, total, n;
    json_t *ids, *uuids, *prot;

    if (!warehouse_of_prefix(c, &w) || !namespace_of(c, &w, c->seg[2], &p, &ns))
        return;
    if (!standin_page_params(c->req, &offset, &limit)) {
        standin_error(c->resp, 400, "InvalidPageToken", "invalid pageToken or pageSize");
        return;
    }
    if (!authorize_list(c, &w, &ns, kind == SI_TABLE ? "can_list_tables" : "can_list_views",
                        &everything))
        return;
    items = lw_calloc(limit, sizeof *items);
    t = lw_calloc(limit, sizeof *t);
    ok = lw_calloc(limit, sizeof *ok);
    if (!items || !t || !ok) {
        standin_error(c->resp, 500, "InternalServerError", "out of memory");
        goto out;
    }
    n = standin_state_tabulars(c->si->state, w.id, ns.id, kind, offset, items, limit, &total);
    for (size_t i = 0; i < n; i++) {
        char obj[SI_FGA_OBJ_MAX];
        standin_fga_object(kind, w.id, items[i].id, obj, sizeof obj);
        standin_tuple_set(&t[i], c->actor, "can_include_in_list", obj);
        ok[i] = true;
    }
    if (!everything && standin_ask_many(c, t, (int)n, ok) != 0)
        goto out;
    ids = json_array();
    uuids = json_array();
    prot = json_array();
    for (size_t i = 0; i < n; i++) {
        if (!ok[i])
            continue;
        json_array_append_new(
            ids, json_pack("{s:o, s:s}", "namespace", path_json(&p, NULL), "name", items[i].name));
        json_array_append_new(uuids, json_string(items[i].id));
        json_array_append_new(prot, json_boolean(items[i].protected_));
    }
    /* Views report their ids in "table-uuids" too, as Lakekeeper does. */
    respond_listing(c, "identifiers", ids, "table-uuids", uuids, prot, offset + n,
                    offset + n < total);
out:
    lw_free(ok);
    lw_free(t);
    lw_free(items);
}

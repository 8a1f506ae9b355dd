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

/* One listing for fill_page: fetch reads up to max items from offset into the listing's own
 * buffer and sets each one's can_include_in_list check in t[]; take appends the buffer's item k
 * to the answer's arrays (names, uuids, protection status). */
struct listing {
    size_t (*fetch)(struct listing *l, size_t offset, size_t max, struct standin_tuple *t);
    void (*take)(struct listing *l, size_t k);
    struct standin_call *c;
    const struct si_warehouse *w;
    const struct si_path *path;     /* of the parent namespace (namespaces) or the namespace */
    json_t *names, *uuids, *prot;
};

/* Lakekeeper's fetch_until_full_page (server/mod.rs): the first fetch is of the page size;
 * unless it came back short with nothing filtered out (the end), the allowed items are taken
 * up to the page size and further fetches of SI_PAGE_DEFAULT items fill the page, until it is
 * full or a fetch comes back short with nothing filtered out (no more pages). The page token
 * points past the last item taken and the denied items right after it. Items are checked one
 * BatchCheck per fetch unless everything may be listed. Returns false after answering an
 * error; otherwise *more and *next give the next page token. */
static bool fill_page(struct listing *l, size_t offset, size_t page, bool everything,
                      size_t *next, bool *more)
{
    size_t cap = page > SI_PAGE_DEFAULT ? page : SI_PAGE_DEFAULT, taken = 0, pos = offset;
    struct standin_tuple *t = lw_calloc(cap, sizeof *t);
    bool *ok = lw_calloc(cap, sizeof *ok), first = true, good = true;

    *more = false;
    if (!t || !ok) {
        standin_error(l->c->resp, 500, "InternalServerError", "out of memory");
        good = false;
    }
    while (good && taken < page) {
        size_t ask = first ? page : SI_PAGE_DEFAULT, requested = page - taken, got = 0;
        size_t n = l->fetch(l, pos, ask, t), token = pos;
        bool denied = false;
        for (size_t i = 0; i < n; i++)
            ok[i] = true;
        if (!everything && n > 0 && standin_ask_many(l->c, t, (int)n, ok) != 0) {
            good = false;
            break;
        }
        for (size_t i = 0; i < n; i++)
            denied = denied || !ok[i];
        if (n < ask && !denied && (first || n < requested)) {
            for (size_t i = 0; i < n && got < requested; i++, got++)
                l->take(l, i);
            *more = false;      /* the listing ended */
            break;
        }
        for (size_t i = 0; i < n; i++) {
            if (ok[i]) {
                if (got == requested)
                    break;      /* the next page starts at this allowed item */
                l->take(l, i);
                got++;
            }
            token = pos + i + 1;
        }
        taken += got;
        *more = n > 0;
        *next = token;
        pos = token;
        first = false;
        if (n == 0)
            break;
    }
    lw_free(ok);
    lw_free(t);
    return good;
}

/* Answers a listing: the list under list_key, the parallel uuid and protection arrays when the
 * query asks for them, and the next page token. Takes the three arrays. */
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

struct ns_listing {
    struct listing base;    /* first: fetch and take get it back */
    const char *parent_id;  /* "" for the top level */
    struct si_namespace *items;
};

static size_t ns_fetch(struct listing *l, size_t offset, size_t max, struct standin_tuple *t)
{
    struct ns_listing *nl = (struct ns_listing *)l;
    size_t total, n = standin_state_child_namespaces(l->c->si->state, l->w->id, nl->parent_id,
                                                     offset, nl->items, max, &total);
    for (size_t i = 0; i < n; i++) {
        char obj[SI_FGA_OBJ_MAX];
        standin_fga_object(SI_NAMESPACE, NULL, nl->items[i].id, obj, sizeof obj);
        standin_tuple_set(&t[i], l->c->actor, "can_include_in_list", obj);
    }
    return n;
}

static void ns_take(struct listing *l, size_t k)
{
    const struct si_namespace *ns = &((struct ns_listing *)l)->items[k];
    json_array_append_new(l->names, path_json(l->path, ns->name));
    json_array_append_new(l->uuids, json_string(ns->id));
    json_array_append_new(l->prot, json_boolean(ns->protected_));
}

/* Sets up the answer's arrays of a listing; false (500 answered) when memory runs out. */
static bool listing_arrays(struct listing *l)
{
    l->names = json_array();
    l->uuids = json_array();
    l->prot = json_array();
    if (l->names && l->uuids && l->prot)
        return true;
    json_decref(l->names);
    json_decref(l->uuids);
    json_decref(l->prot);
    standin_error(l->c->resp, 500, "InternalServerError", "out of memory");
    return false;
}

void standin_api_namespaces(struct standin_call *c)
{
    struct si_warehouse w;
    struct si_namespace parent;
    struct si_path ppath;
    bool everything = false, has_parent, more;
    const char *pparam = http_request_query(c->req, "parent");
    size_t offset, limit, next = 0;
    struct ns_listing nl;

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
    nl = (struct ns_listing){{ns_fetch, ns_take, c, &w, &ppath, NULL, NULL, NULL},
                             has_parent ? parent.id : "", NULL};
    nl.items = lw_calloc(limit > SI_PAGE_DEFAULT ? limit : SI_PAGE_DEFAULT, sizeof *nl.items);
    if (!nl.items) {
        standin_error(c->resp, 500, "InternalServerError", "out of memory");
        return;
    }
    if (listing_arrays(&nl.base)) {
        if (fill_page(&nl.base, offset, limit, everything, &next, &more))
            respond_listing(c, "namespaces", nl.base.names, "namespace-uuids", nl.base.uuids,
                            nl.base.prot, next, more);
        else
            json_decref(nl.base.names), json_decref(nl.base.uuids), json_decref(nl.base.prot);
    }
    lw_free(nl.items);
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

struct tab_listing {
    struct listing base;    /* first: fetch and take get it back */
    const struct si_namespace *ns;
    int kind;               /* SI_TABLE or SI_VIEW */
    struct si_tabular *items;
};

static size_t tab_fetch(struct listing *l, size_t offset, size_t max, struct standin_tuple *t)
{
    struct tab_listing *tl = (struct tab_listing *)l;
    size_t total, n = standin_state_tabulars(l->c->si->state, l->w->id, tl->ns->id, tl->kind,
                                             offset, tl->items, max, &total);
    for (size_t i = 0; i < n; i++) {
        char obj[SI_FGA_OBJ_MAX];
        standin_fga_object(tl->kind, l->w->id, tl->items[i].id, obj, sizeof obj);
        standin_tuple_set(&t[i], l->c->actor, "can_include_in_list", obj);
    }
    return n;
}

static void tab_take(struct listing *l, size_t k)
{
    const struct si_tabular *item = &((struct tab_listing *)l)->items[k];
    json_array_append_new(l->names, json_pack("{s:o, s:s}", "namespace", path_json(l->path, NULL),
                                              "name", item->name));
    json_array_append_new(l->uuids, json_string(item->id));
    json_array_append_new(l->prot, json_boolean(item->protected_));
}

void standin_api_tabulars(struct standin_call *c)
{
    int kind = strcmp(c->seg[3], "tables") == 0 ? SI_TABLE : SI_VIEW;
    struct si_warehouse w;
    struct si_namespace ns;
    struct si_path p;
    bool everything = false, more;
    size_t offset, limit, next = 0;
    struct tab_listing tl;

    if (!warehouse_of_prefix(c, &w) || !namespace_of(c, &w, c->seg[2], &p, &ns))
        return;
    if (!standin_page_params(c->req, &offset, &limit)) {
        standin_error(c->resp, 400, "InvalidPageToken", "invalid pageToken or pageSize");
        return;
    }
    if (!authorize_list(c, &w, &ns, kind == SI_TABLE ? "can_list_tables" : "can_list_views",
                        &everything))
        return;
    tl = (struct tab_listing){{tab_fetch, tab_take, c, &w, &p, NULL, NULL, NULL}, &ns, kind,
                              NULL};
    tl.items = lw_calloc(limit > SI_PAGE_DEFAULT ? limit : SI_PAGE_DEFAULT, sizeof *tl.items);
    if (!tl.items) {
        standin_error(c->resp, 500, "InternalServerError", "out of memory");
        return;
    }
    /* Views report their ids in "table-uuids" too, as Lakekeeper does. */
    if (listing_arrays(&tl.base)) {
        if (fill_page(&tl.base, offset, limit, everything, &next, &more))
            respond_listing(c, "identifiers", tl.base.names, "table-uuids", tl.base.uuids,
                            tl.base.prot, next, more);
        else
            json_decref(tl.base.names), json_decref(tl.base.uuids), json_decref(tl.base.prot);
    }
    lw_free(tl.items);
}

/* standin_iceberg.c -- the Iceberg REST endpoints that create, load, change or drop catalog
 * objects (namespaces, tables, views), served as Lakekeeper serves them but with a real Iceberg
 * REST server underneath (--iceberg-rest-url, Apache Iceberg's RESTCatalogServer in the test
 * stack). Per call: the caller's token was verified by standin_http.c; here the warehouse prefix
 * is resolved, the caller's right on the object is asked of OpenFGA (the relation Lakekeeper
 * checks for that endpoint, table below), the call is forwarded with the prefix removed, and on
 * success the object is learnt or forgotten the way Lakekeeper records it (standin_objects.c: its
 * id, the caller as owner, the hierarchy tuples).
 *
 * Objects the seed declared before any Iceberg server held them (their ids and grants are what
 * the tests rely on) are adopted, not duplicated, when they are created through this API: the
 * record and its tuples stay, the real server now holds the metadata. Listings and namespace
 * lookups stay in standin_api_catalog.c, answered from the stand-in's own records. */
#include "standin_api.h"
#include "standin_fga.h"
#include "standin_objects.h"
#include "standin_vocab.h"

#include "../../catalog/http_client.h"
#include "../../server/core/lw_log.h"

#include <stdio.h>
#include <string.h>

#define UNIT_SEP '\x1f'
#define FORWARD_TIMEOUT_MS 30000
#define FORWARD_MAX_BODY (8u << 20) /* table metadata with many snapshots is large */

/* What an endpoint is about, which object the right is checked on, and what success changes. */
enum ice_target { T_PARENT, T_NAMESPACE, T_TABULAR, T_RENAME };
enum ice_effect { E_NONE, E_CREATE, E_DROP, E_RENAME };

struct ice_route {
    const char *method;
    const char *pattern; /* segments after the prefix; '*' matches one */
    int target;
    int kind;             /* SI_NAMESPACE, SI_TABLE or SI_VIEW: the object the call is about */
    const char *relation; /* OpenFGA relation the caller needs on the target */
    int effect;
};

/* Lakekeeper's checks per endpoint (its iceberg catalog handlers): creating needs the create
 * right on the container, loading needs can_get_metadata, committing can_commit, dropping
 * can_drop (namespaces: can_delete), renaming can_rename on the source. */
static const struct ice_route ice_routes[] = {
    {"POST", "namespaces", T_PARENT, SI_NAMESPACE, "can_create_namespace", E_CREATE},
    {"HEAD", "namespaces/*", T_NAMESPACE, SI_NAMESPACE, "can_get_metadata", E_NONE},
    {"DELETE", "namespaces/*", T_NAMESPACE, SI_NAMESPACE, "can_delete", E_DROP},
    {"POST", "namespaces/*/properties", T_NAMESPACE, SI_NAMESPACE, "can_update_properties", E_NONE},
    {"POST", "namespaces/*/tables", T_NAMESPACE, SI_TABLE, "can_create_table", E_CREATE},
    {"POST", "namespaces/*/register", T_NAMESPACE, SI_TABLE, "can_create_table", E_CREATE},
    {"GET", "namespaces/*/tables/*", T_TABULAR, SI_TABLE, "can_get_metadata", E_NONE},
    {"HEAD", "namespaces/*/tables/*", T_TABULAR, SI_TABLE, "can_get_metadata", E_NONE},
    {"POST", "namespaces/*/tables/*", T_TABULAR, SI_TABLE, "can_commit", E_NONE},
    {"POST", "namespaces/*/tables/*/metrics", T_TABULAR, SI_TABLE, "can_get_metadata", E_NONE},
    {"DELETE", "namespaces/*/tables/*", T_TABULAR, SI_TABLE, "can_drop", E_DROP},
    {"POST", "tables/rename", T_RENAME, SI_TABLE, "can_rename", E_RENAME},
    {"POST", "namespaces/*/views", T_NAMESPACE, SI_VIEW, "can_create_view", E_CREATE},
    {"GET", "namespaces/*/views/*", T_TABULAR, SI_VIEW, "can_get_metadata", E_NONE},
    {"HEAD", "namespaces/*/views/*", T_TABULAR, SI_VIEW, "can_get_metadata", E_NONE},
    {"POST", "namespaces/*/views/*", T_TABULAR, SI_VIEW, "can_commit", E_NONE},
    {"DELETE", "namespaces/*/views/*", T_TABULAR, SI_VIEW, "can_drop", E_DROP},
    {"POST", "views/rename", T_RENAME, SI_VIEW, "can_rename", E_RENAME},
};
#define ICE_NROUTES ((int)(sizeof ice_routes / sizeof ice_routes[0]))

/* Query parameters of these endpoints that the Iceberg server must see. */
static const char *const forwarded_query[] = {"snapshots", "purgeRequested", "referenced-by"};

static bool seg_match(const char *pattern, const char *const *seg, int nseg)
{
    int i = 0;
    for (const char *p = pattern; *p; i++) {
        size_t len = strcspn(p, "/");
        if (i >= nseg)
            return false;
        if (!(len == 1 && *p == '*') && (strlen(seg[i]) != len || strncmp(seg[i], p, len) != 0))
            return false;
        p += len + (p[len] == '/');
    }
    return i == nseg;
}

static bool parse_ns(const char *s, struct si_path *p)
{
    memset(p, 0, sizeof *p);
    while (s) {
        const char *sep = strchr(s, UNIT_SEP);
        size_t len = sep ? (size_t)(sep - s) : strlen(s);
        if (p->depth >= SI_NS_DEPTH_MAX || len == 0 || len >= sizeof p->part[0])
            return false;
        memcpy(p->part[p->depth], s, len);
        p->part[p->depth][len] = '\0';
        p->depth++;
        s = sep ? sep + 1 : NULL;
    }
    return p->depth > 0;
}

/* A namespace given as a JSON array of names (request bodies). */
static bool json_ns(const json_t *a, struct si_path *p)
{
    size_t i;
    json_t *v;
    memset(p, 0, sizeof *p);
    if (!json_is_array(a) || json_array_size(a) == 0 || json_array_size(a) > SI_NS_DEPTH_MAX)
        return false;
    json_array_foreach(a, i, v)
    {
        const char *s = json_string_value(v);
        if (!s || !s[0] || strchr(s, UNIT_SEP) || !standin_copy(p->part[i], sizeof p->part[i], s))
            return false;
    }
    p->depth = (int)json_array_size(a);
    return true;
}

/* The caller's answer: ok 1, denied 0 (403 answered), OpenFGA failure -1 (503 answered). */
static int require(struct standin_call *c, int kind, const char *wid, const char *id,
                   const char *relation)
{
    char obj[SI_FGA_OBJ_MAX];
    int allowed;
    if (!standin_fga_object(kind, wid, id, obj, sizeof obj)) {
        standin_error(c->resp, 500, "InternalServerError", "object name too long");
        return -1;
    }
    allowed = standin_ask(c, c->actor, relation, obj);
    if (allowed == 0)
        standin_error(c->resp, 403, "Forbidden", "Forbidden action %s on %s", relation, obj);
    return allowed;
}

static bool namespace_at(struct standin_call *c, const struct si_warehouse *w,
                         const struct si_path *p, struct si_namespace *ns)
{
    if (standin_state_namespace_by_path(c->si->state, w->id, p, ns))
        return true;
    standin_error(c->resp, 404, "NoSuchNamespaceException", "Namespace does not exist");
    return false;
}

static bool tabular_at(struct standin_call *c, const struct si_warehouse *w,
                       const struct si_namespace *ns, const char *name, int kind,
                       struct si_tabular *t)
{
    if (standin_state_tabular_by_name(c->si->state, w->id, ns->id, name, kind, t))
        return true;
    standin_error(c->resp, 404, kind == SI_VIEW ? "NoSuchViewException" : "NoSuchTableException",
                  "%s does not exist", kind == SI_VIEW ? "View" : "Table");
    return false;
}

/* Sends the call on to the Iceberg server (path = seg[1..], prefix dropped); answers with its
 * status and body. Returns the upstream status, 0 when it could not be reached (502 answered). */
static long forward(struct standin_call *c, json_t **parsed)
{
    struct lw_buf url;
    struct http_client_req req = {0};
    struct http_client_resp resp = {0};
    bool head = strcmp(c->req->method, "HEAD") == 0, first = true;
    long status;

    *parsed = NULL;
    lw_buf_init(&url, 8192);
    lw_buf_puts(&url, c->si->opts.iceberg_rest_url);
    lw_buf_puts(&url, "/v1");
    for (int i = 1; i < c->nseg; i++) {
        lw_buf_putc(&url, '/');
        lw_buf_urlencode(&url, c->seg[i], false);
    }
    for (size_t i = 0; i < sizeof forwarded_query / sizeof forwarded_query[0]; i++) {
        const char *v = http_request_query(c->req, forwarded_query[i]);
        if (!v)
            continue;
        lw_buf_putc(&url, first ? '?' : '&');
        first = false;
        lw_buf_puts(&url, forwarded_query[i]);
        lw_buf_putc(&url, '=');
        lw_buf_urlencode(&url, v, false);
    }
    if (url.failed) {
        lw_buf_free(&url);
        standin_error(c->resp, 414, "BadRequest", "URL too long");
        return 0;
    }
    /* HEAD goes as GET: the answer's status is what counts, the body is dropped. */
    req.method = head ? "GET" : c->req->method;
    req.url = url.data;
    req.headers[0] = "Content-Type: application/json";
    req.headers[1] = "Accept: application/json";
    if (c->req->body_len) {
        req.body = c->req->body;
        req.body_len = c->req->body_len;
    }
    req.timeout_ms = FORWARD_TIMEOUT_MS;
    http_client_exchange(&req, &resp, 1, FORWARD_MAX_BODY);
    lw_buf_free(&url);
    status = resp.status;
    if (resp.error != LW_OK || status == 0) {
        LW_WARN("standin", "iceberg_unreachable", "error=\"%s\"", resp.error_msg);
        standin_error(c->resp, 502, "BadGateway", "Iceberg REST server: %s", resp.error_msg);
        http_client_resp_free(&resp);
        return 0;
    }
    /* The spec answers success without content as 204 (HEAD, drop, rename, metrics); the
     * test-fixture server sends 200 with an empty body there. */
    c->resp->status = status >= 200 && status < 300 && (head || resp.body.len == 0) ? 204
                                                                                     : (int)status;
    if (!head && resp.body.len) {
        lw_buf_append(&c->resp->body, resp.body.data, resp.body.len);
        if (status >= 200 && status < 300)
            *parsed = json_loadb(resp.body.data, resp.body.len, 0, NULL);
    }
    http_client_resp_free(&resp);
    return status;
}

/* Writes the tuples of a newly learnt object; a failure is logged: the Iceberg server already
 * holds the object, and Lakekeeper too answers the create before its best-effort bookkeeping. */
static void write_tuples(struct standin_call *c, struct standin_tuples *t, int rc,
                         struct lw_err *err, const char *id)
{
    if (rc == 0 && t->failed)
        rc = lw_err_set(err, LW_ENOMEM, "too many tuples");
    if (rc == 0)
        rc = standin_fga_write(&c->si->fga, t->v, t->n, NULL, 0, err);
    if (rc)
        LW_WARN("standin", "iceberg_register_failed", "id=%s error=\"%s\"", id, err->msg);
    else
        LW_INFO("standin", "iceberg_registered", "id=%s owner=%s", id, c->who.user_id);
}

static void learn_namespace(struct standin_call *c, const struct si_warehouse *w,
                            const struct si_path *p)
{
    struct si_namespace n, parent;
    struct standin_tuples t = {0};
    struct lw_err err = {0};
    struct si_path up = *p;

    if (standin_state_namespace_by_path(c->si->state, w->id, p, &n))
        return; /* declared by the seed: adopted as it is */
    memset(&n, 0, sizeof n);
    if (p->depth > 1) {
        up.depth--;
        if (!standin_state_namespace_by_path(c->si->state, w->id, &up, &parent))
            return;
        snprintf(n.parent_id, sizeof n.parent_id, "%s", parent.id);
    }
    standin_uuid_v4(n.id);
    snprintf(n.warehouse_id, sizeof n.warehouse_id, "%s", w->id);
    snprintf(n.name, sizeof n.name, "%s", p->part[p->depth - 1]);
    write_tuples(c, &t, standin_objects_add_namespace(c->si, &n, c->who.user_id, &t, &err), &err,
                 n.id);
    standin_tuples_free(&t);
}

static void learn_tabular(struct standin_call *c, const struct si_warehouse *w,
                          const struct si_namespace *ns, int kind, const json_t *answer,
                          const char *name)
{
    struct si_tabular tab;
    struct standin_tuples t = {0};
    struct lw_err err = {0};
    const json_t *meta = json_object_get(answer, "metadata");
    const char *uuid = json_string_value(json_object_get(meta, kind == SI_VIEW ? "view-uuid"
                                                                                : "table-uuid"));
    memset(&tab, 0, sizeof tab);
    tab.kind = kind;
    snprintf(tab.warehouse_id, sizeof tab.warehouse_id, "%s", w->id);
    snprintf(tab.namespace_id, sizeof tab.namespace_id, "%s", ns->id);
    if (!standin_copy(tab.name, sizeof tab.name, name))
        return;
    /* Lakekeeper's table id is the table-uuid of its metadata. */
    if (uuid && standin_is_uuid(uuid))
        snprintf(tab.id, sizeof tab.id, "%s", uuid);
    else
        standin_uuid_v4(tab.id);
    write_tuples(c, &t, standin_objects_add_tabular(c->si, &tab, c->who.user_id, &t, &err), &err,
                 tab.id);
    standin_tuples_free(&t);
}

json_t *standin_iceberg_namespace_properties(struct standin_call *c)
{
    struct lw_buf url;
    struct http_client_req req = {0};
    struct http_client_resp resp = {0};
    json_t *doc = NULL, *props = NULL;

    if (!c->si->opts.iceberg_rest_url || c->nseg < 3)
        return NULL;
    lw_buf_init(&url, 8192);
    lw_buf_puts(&url, c->si->opts.iceberg_rest_url);
    lw_buf_puts(&url, "/v1/namespaces/");
    lw_buf_urlencode(&url, c->seg[2], false);
    if (url.failed) {
        lw_buf_free(&url);
        return NULL;
    }
    req.method = "GET";
    req.url = url.data;
    req.headers[0] = "Accept: application/json";
    req.timeout_ms = FORWARD_TIMEOUT_MS;
    http_client_exchange(&req, &resp, 1, FORWARD_MAX_BODY);
    lw_buf_free(&url);
    if (resp.error == LW_OK && resp.status == 200)
        doc = json_loadb(resp.body.data, resp.body.len, 0, NULL);
    http_client_resp_free(&resp);
    props = json_object_get(doc, "properties");
    if (json_is_object(props))
        json_incref(props);
    else
        props = NULL;
    json_decref(doc);
    return props;
}

void standin_api_iceberg(struct standin_call *c)
{
    const struct ice_route *r = NULL;
    const char *const *rest = c->seg + 1;
    struct si_warehouse w;
    struct si_namespace ns;
    struct si_tabular tab;
    struct si_path path, dpath;
    struct si_namespace dst;
    json_t *body = NULL, *answer = NULL;
    const char *name = NULL;
    int allowed;
    long status;

    if (!c->si->opts.iceberg_rest_url) {
        standin_error(c->resp, 501, "NotImplemented", "no Iceberg REST server configured");
        return;
    }
    for (int i = 0; i < ICE_NROUTES && !r; i++)
        if (strcmp(ice_routes[i].method, c->req->method) == 0 &&
            seg_match(ice_routes[i].pattern, rest, c->nseg - 1))
            r = &ice_routes[i];
    if (!r) {
        standin_error(c->resp, 404, "NotFound", "no route for %s %s", c->req->method,
                      c->req->path);
        return;
    }
    if (!standin_is_uuid(c->seg[0]) || !standin_state_warehouse(c->si->state, c->seg[0], &w) ||
        !w.active) {
        standin_error(c->resp, 404, "NoSuchWarehouseException", "Warehouse with id '%s' not found",
                      c->seg[0]);
        return;
    }
    if (c->req->body_len && !(body = standin_body_json(c)))
        return;

    /* Resolve the object the right is checked on, then ask. */
    switch (r->target) {
    case T_PARENT: /* create namespace: the parent namespace, or the warehouse at the top */
        if (!json_ns(json_object_get(body, "namespace"), &path)) {
            standin_error(c->resp, 400, "BadRequest", "namespace must be a non-empty array");
            goto out;
        }
        if (path.depth > 1) {
            struct si_path up = path;
            up.depth--;
            if (!namespace_at(c, &w, &up, &ns))
                goto out;
            allowed = require(c, SI_NAMESPACE, w.id, ns.id, r->relation);
        } else {
            allowed = require(c, SI_WAREHOUSE, NULL, w.id, r->relation);
        }
        break;
    case T_NAMESPACE:
        if (!parse_ns(rest[1], &path)) {
            standin_error(c->resp, 400, "BadRequest", "bad namespace");
            goto out;
        }
        if (!namespace_at(c, &w, &path, &ns))
            goto out;
        allowed = require(c, SI_NAMESPACE, w.id, ns.id, r->relation);
        break;
    case T_TABULAR:
        if (!parse_ns(rest[1], &path)) {
            standin_error(c->resp, 400, "BadRequest", "bad namespace");
            goto out;
        }
        if (!namespace_at(c, &w, &path, &ns) || !tabular_at(c, &w, &ns, rest[3], r->kind, &tab))
            goto out;
        allowed = require(c, r->kind, w.id, tab.id, r->relation);
        break;
    default: { /* T_RENAME: can_rename on the source, the create right on the destination */
        const json_t *src = json_object_get(body, "source"), *dest = json_object_get(body, "destination");
        name = json_string_value(json_object_get(src, "name"));
        if (!name || !json_ns(json_object_get(src, "namespace"), &path) ||
            !json_ns(json_object_get(dest, "namespace"), &dpath) ||
            !json_string_value(json_object_get(dest, "name"))) {
            standin_error(c->resp, 400, "BadRequest", "want {source, destination}");
            goto out;
        }
        if (!namespace_at(c, &w, &path, &ns) || !tabular_at(c, &w, &ns, name, r->kind, &tab) ||
            !namespace_at(c, &w, &dpath, &dst))
            goto out;
        allowed = require(c, r->kind, w.id, tab.id, r->relation);
        if (allowed == 1)
            allowed = require(c, SI_NAMESPACE, w.id, dst.id,
                              r->kind == SI_VIEW ? "can_create_view" : "can_create_table");
        break;
    }
    }
    if (allowed != 1)
        goto out;

    status = forward(c, &answer);
    if (status < 200 || status >= 300)
        goto out;
    if (r->effect == E_CREATE && r->kind == SI_NAMESPACE) {
        learn_namespace(c, &w, &path);
    } else if (r->effect == E_CREATE) {
        name = json_string_value(json_object_get(body, "name"));
        if (name && !standin_state_tabular_by_name(c->si->state, w.id, ns.id, name, r->kind, &tab))
            learn_tabular(c, &w, &ns, r->kind, answer, name);
    } else if (r->effect == E_DROP) {
        struct lw_err err = {0};
        const char *id = r->kind == SI_NAMESPACE ? ns.id : tab.id;
        if (standin_objects_remove(c->si, r->kind, w.id, id, &err) != 0)
            LW_WARN("standin", "iceberg_unregister_failed", "id=%s error=\"%s\"", id, err.msg);
    } else if (r->effect == E_RENAME) {
        struct lw_err err = {0};
        const char *to = json_string_value(json_object_get(json_object_get(body, "destination"), "name"));
        if (standin_state_rename_tabular(c->si->state, tab.id, dst.id, to, &err) != 0)
            LW_WARN("standin", "iceberg_rename_failed", "id=%s error=\"%s\"", tab.id, err.msg);
    }
out:
    json_decref(body);
    json_decref(answer);
}

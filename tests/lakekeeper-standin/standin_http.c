/* standin_http.c -- the stand-in's HTTP front: the route table handed to http_server, and the
 * pipeline every API request goes through: match the endpoint, count it, apply an injected
 * fault, authenticate the bearer token, then call the handler. */
#include "standin_http.h"

#include "standin_api.h"
#include "standin_jwt.h"
#include "standin_state.h"

#include "../../server/core/lw_log.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

enum { API_MGMT = 0, API_CATALOG };

struct api_route {
    const char *method;
    int api;
    const char *pattern; /* segments separated by '/', '*' matches one segment */
    int ep;
    void (*fn)(struct standin_call *c);
};

static const struct api_route api_routes[] = {
    {"GET", API_MGMT, "info", SI_EP_INFO, standin_api_info},
    {"GET", API_MGMT, "whoami", SI_EP_WHOAMI, standin_api_whoami},
    {"GET", API_MGMT, "project-list", SI_EP_PROJECT_LIST, standin_api_project_list},
    {"GET", API_MGMT, "project", SI_EP_PROJECT, standin_api_project},
    {"GET", API_MGMT, "warehouse", SI_EP_WAREHOUSE_LIST, standin_api_warehouse_list},
    {"GET", API_MGMT, "warehouse/*", SI_EP_WAREHOUSE, standin_api_warehouse},
    {"GET", API_MGMT, "role", SI_EP_ROLES, standin_api_role_list},
    {"GET", API_MGMT, "role/*", SI_EP_ROLE, standin_api_role},
    {"GET", API_MGMT, "role/*/members", SI_EP_ROLE_MEMBERS, standin_api_role_members},
    {"GET", API_MGMT, "user", SI_EP_USERS, standin_api_user_list},
    {"GET", API_MGMT, "user/*", SI_EP_USER, standin_api_user},
    {"GET", API_MGMT, "server/actions", SI_EP_ACTIONS, standin_api_actions},
    {"GET", API_MGMT, "project/actions", SI_EP_ACTIONS, standin_api_actions},
    {"GET", API_MGMT, "warehouse/*/actions", SI_EP_ACTIONS, standin_api_actions},
    {"GET", API_MGMT, "warehouse/*/namespace/*/actions", SI_EP_ACTIONS, standin_api_actions},
    {"GET", API_MGMT, "warehouse/*/table/*/actions", SI_EP_ACTIONS, standin_api_actions},
    {"GET", API_MGMT, "warehouse/*/view/*/actions", SI_EP_ACTIONS, standin_api_actions},
    {"GET", API_MGMT, "role/*/actions", SI_EP_ACTIONS, standin_api_actions},
    {"GET", API_MGMT, "permissions/server/assignments", SI_EP_ASSIGNMENTS_GET,
     standin_api_assignments_get},
    {"GET", API_MGMT, "permissions/project/assignments", SI_EP_ASSIGNMENTS_GET,
     standin_api_assignments_get},
    {"GET", API_MGMT, "permissions/warehouse/*/assignments", SI_EP_ASSIGNMENTS_GET,
     standin_api_assignments_get},
    {"GET", API_MGMT, "permissions/namespace/*/assignments", SI_EP_ASSIGNMENTS_GET,
     standin_api_assignments_get},
    {"GET", API_MGMT, "permissions/warehouse/*/table/*/assignments", SI_EP_ASSIGNMENTS_GET,
     standin_api_assignments_get},
    {"GET", API_MGMT, "permissions/warehouse/*/view/*/assignments", SI_EP_ASSIGNMENTS_GET,
     standin_api_assignments_get},
    {"GET", API_MGMT, "permissions/role/*/assignments", SI_EP_ASSIGNMENTS_GET,
     standin_api_assignments_get},
    {"POST", API_MGMT, "permissions/server/assignments", SI_EP_ASSIGNMENTS_POST,
     standin_api_assignments_post},
    {"POST", API_MGMT, "permissions/project/assignments", SI_EP_ASSIGNMENTS_POST,
     standin_api_assignments_post},
    {"POST", API_MGMT, "permissions/warehouse/*/assignments", SI_EP_ASSIGNMENTS_POST,
     standin_api_assignments_post},
    {"POST", API_MGMT, "permissions/namespace/*/assignments", SI_EP_ASSIGNMENTS_POST,
     standin_api_assignments_post},
    {"POST", API_MGMT, "permissions/warehouse/*/table/*/assignments", SI_EP_ASSIGNMENTS_POST,
     standin_api_assignments_post},
    {"POST", API_MGMT, "permissions/warehouse/*/view/*/assignments", SI_EP_ASSIGNMENTS_POST,
     standin_api_assignments_post},
    {"POST", API_MGMT, "permissions/role/*/assignments", SI_EP_ASSIGNMENTS_POST,
     standin_api_assignments_post},
    {"POST", API_MGMT, "action/batch-check", SI_EP_BATCH_CHECK, standin_api_batch_check},
    {"GET", API_CATALOG, "config", SI_EP_CONFIG, standin_api_config},
    {"GET", API_CATALOG, "*/namespaces", SI_EP_NAMESPACES, standin_api_namespaces},
    {"GET", API_CATALOG, "*/namespaces/*", SI_EP_NAMESPACE, standin_api_namespace},
    {"GET", API_CATALOG, "*/namespaces/*/tables", SI_EP_TABLES, standin_api_tabulars},
    {"GET", API_CATALOG, "*/namespaces/*/views", SI_EP_VIEWS, standin_api_tabulars},
    /* Everything else under the prefix: standin_iceberg.c routes it (or answers 404). */
    {"POST", API_CATALOG, "*/namespaces", SI_EP_OTHER, standin_api_iceberg},
    {"POST", API_CATALOG, "*/namespaces/*/properties", SI_EP_OTHER, standin_api_iceberg},
    {"POST", API_CATALOG, "*/namespaces/*/tables", SI_EP_OTHER, standin_api_iceberg},
    {"POST", API_CATALOG, "*/namespaces/*/register", SI_EP_OTHER, standin_api_iceberg},
    {"POST", API_CATALOG, "*/namespaces/*/views", SI_EP_OTHER, standin_api_iceberg},
    {"POST", API_CATALOG, "*/tables/rename", SI_EP_OTHER, standin_api_iceberg},
    {"POST", API_CATALOG, "*/views/rename", SI_EP_OTHER, standin_api_iceberg},
    {"HEAD", API_CATALOG, "*/namespaces/*", SI_EP_OTHER, standin_api_iceberg},
    {"DELETE", API_CATALOG, "*/namespaces/*", SI_EP_OTHER, standin_api_iceberg},
    {"GET", API_CATALOG, "*/namespaces/*/tables/*", SI_EP_OTHER, standin_api_iceberg},
    {"HEAD", API_CATALOG, "*/namespaces/*/tables/*", SI_EP_OTHER, standin_api_iceberg},
    {"POST", API_CATALOG, "*/namespaces/*/tables/*", SI_EP_OTHER, standin_api_iceberg},
    {"POST", API_CATALOG, "*/namespaces/*/tables/*/metrics", SI_EP_OTHER, standin_api_iceberg},
    {"DELETE", API_CATALOG, "*/namespaces/*/tables/*", SI_EP_OTHER, standin_api_iceberg},
    {"GET", API_CATALOG, "*/namespaces/*/views/*", SI_EP_OTHER, standin_api_iceberg},
    {"HEAD", API_CATALOG, "*/namespaces/*/views/*", SI_EP_OTHER, standin_api_iceberg},
    {"POST", API_CATALOG, "*/namespaces/*/views/*", SI_EP_OTHER, standin_api_iceberg},
    {"DELETE", API_CATALOG, "*/namespaces/*/views/*", SI_EP_OTHER, standin_api_iceberg},
};

#define NROUTES ((int)(sizeof api_routes / sizeof api_routes[0]))

static bool pattern_match(const char *pattern, const char *const *seg, int nseg)
{
    int i = 0;
    const char *p = pattern;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (i >= nseg)
            return false;
        if (!(len == 1 && p[0] == '*') && (strlen(seg[i]) != len || strncmp(seg[i], p, len) != 0))
            return false;
        i++;
        p += len;
        if (*p == '/')
            p++;
    }
    return i == nseg;
}

/* Splits path (after the prefix) into buf/segments. False when there are too many or empty ones
 * (a trailing slash is tolerated). */
static bool split_path(const char *path, char *buf, size_t bufn, const char **seg, int *nseg)
{
    char *p;
    *nseg = 0;
    if (!standin_copy(buf, bufn, path))
        return false;
    p = buf;
    while (*p) {
        char *slash = strchr(p, '/');
        if (*nseg >= SI_MAX_SEGS)
            return false;
        seg[(*nseg)++] = p;
        if (!slash)
            break;
        *slash = '\0';
        p = slash + 1;
    }
    for (int i = 0; i < *nseg; i++)
        if (!seg[i][0])
            return false;
    return true;
}

static void api(struct standin *si, int which, const struct http_request *req,
                struct http_response *resp)
{
    const char *prefix = which == API_MGMT ? "/management/v1/" : "/catalog/v1/";
    const struct api_route *route = NULL;
    struct standin_call *c;
    char pathbuf[2048];
    const char *auth;
    struct lw_err err = {0};
    int ep = SI_EP_OTHER;
    int rc;

    /* Heap, not stack: the call is large and connection threads are many. */
    c = lw_calloc(1, sizeof *c);
    if (!c) {
        standin_error(resp, 500, "InternalServerError", "out of memory");
        return;
    }
    c->si = si;
    c->req = req;
    c->resp = resp;
    if (split_path(req->path + strlen(prefix), pathbuf, sizeof pathbuf, c->seg, &c->nseg)) {
        for (int i = 0; i < NROUTES && !route; i++)
            if (api_routes[i].api == which && strcmp(api_routes[i].method, req->method) == 0 &&
                pattern_match(api_routes[i].pattern, c->seg, c->nseg))
                route = &api_routes[i];
    }
    if (route)
        ep = route->ep;
    atomic_fetch_add(&si->stats.requests[ep], 1);
    if (standin_fault_apply(si, ep, resp))
        goto out;

    auth = http_request_header(req, "Authorization");
    if (!auth) {
        atomic_fetch_add(&si->stats.unauthorized, 1);
        standin_error(resp, 401, "MissingAuthorizationHeader", "Missing Authorization Header");
        goto out;
    }
    if (strncasecmp(auth, "Bearer ", 7) != 0) {
        atomic_fetch_add(&si->stats.unauthorized, 1);
        standin_error(resp, 401, "AuthenticationFailed", "Authentication failed");
        goto out;
    }
    rc = standin_jwt_verify(si->jwt, auth + 7, &c->who, &err);
    if (rc) {
        atomic_fetch_add(&si->stats.unauthorized, 1);
        LW_INFO("standin", "auth_failed", "path=%s reason=\"%s\"", req->path, err.msg);
        if (rc == LW_EAUTH)
            standin_error(resp, 401, "AuthenticationFailed", "Authentication failed");
        else
            standin_error(resp, 503, "ServiceUnavailable", "cannot verify tokens: %s", err.msg);
        goto out;
    }
    if (!standin_fga_user(c->who.user_id, c->actor, sizeof c->actor)) {
        standin_error(resp, 400, "InvalidUserId", "user id too long");
        goto out;
    }
    if (!route) {
        standin_error(resp, 404, "NotFound", "no route for %s %s", req->method, req->path);
        goto out;
    }
    LW_DEBUG("standin", "request", "method=%s path=%s user=%s", req->method, req->path,
             c->who.user_id);
    route->fn(c);
out:
    lw_free(c);
}

static void on_mgmt(void *ctx, const struct http_request *req, struct http_response *resp)
{
    api(ctx, API_MGMT, req, resp);
}

static void on_catalog(void *ctx, const struct http_request *req, struct http_response *resp)
{
    api(ctx, API_CATALOG, req, resp);
}

static void on_health(void *ctx, const struct http_request *req, struct http_response *resp)
{
    (void)ctx;
    (void)req;
    lw_buf_puts(&resp->body, "{\"status\":\"ok\"}");
}

static struct http_route routes[12];

int standin_http_routes(struct standin *si, const struct http_route **out)
{
    int n = 0;
    routes[n++] = (struct http_route){"GET", "/health", on_health, si, NULL, NULL};
    routes[n++] = (struct http_route){"GET", "/_control/*", standin_control, si, NULL, NULL};
    routes[n++] = (struct http_route){"POST", "/_control/*", standin_control, si, NULL, NULL};
    routes[n++] = (struct http_route){"GET", "/management/v1/*", on_mgmt, si, NULL, NULL};
    routes[n++] = (struct http_route){"POST", "/management/v1/*", on_mgmt, si, NULL, NULL};
    routes[n++] = (struct http_route){"GET", "/catalog/v1/*", on_catalog, si, NULL, NULL};
    routes[n++] = (struct http_route){"POST", "/catalog/v1/*", on_catalog, si, NULL, NULL};
    routes[n++] = (struct http_route){"HEAD", "/catalog/v1/*", on_catalog, si, NULL, NULL};
    routes[n++] = (struct http_route){"DELETE", "/catalog/v1/*", on_catalog, si, NULL, NULL};
    *out = routes;
    return n;
}

/* standin_control.c -- the stand-in's test controls under /_control/ (bearer = --control-token):
 *   POST /_control/fault       inject delay / error status / garbage body / dropped connection
 *   POST /_control/register    add a warehouse, namespace, table or view (with its tuples)
 *   POST /_control/unregister  remove one (and every tuple on it)
 *   GET  /_control/stats       requests per endpoint, checks received and asked of OpenFGA
 *   POST /_control/stats/reset zero the counters
 * None of this exists in Lakekeeper; it lets tests script failures and count lakeward's calls. */
#include "standin_api.h"
#include "standin_flight.h"
#include "standin_objects.h"
#include "standin_vocab.h"

#include "../../server/core/lw_log.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define FAULT_MAX_MS 120000

static bool fault_matches(int paths, int ep)
{
    switch (paths) {
    case SI_FAULT_PATHS_BATCH:
        return ep == SI_EP_BATCH_CHECK;
    case SI_FAULT_PATHS_CONFIG:
        return ep == SI_EP_CONFIG;
    default:
        return true;
    }
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

bool standin_fault_apply(struct standin *si, int ep, struct http_response *resp)
{
    struct standin_fault *f = &si->fault;
    int mode, status;
    long ms;

    pthread_mutex_lock(&f->mu);
    mode = f->mode;
    if (mode == SI_FAULT_NONE || !fault_matches(f->paths, ep) || f->remaining == 0) {
        pthread_mutex_unlock(&f->mu);
        return false;
    }
    if (f->remaining > 0 && --f->remaining == 0)
        f->mode = SI_FAULT_NONE; /* the last counted fault clears itself */
    ms = f->ms;
    status = f->status;
    pthread_mutex_unlock(&f->mu);

    atomic_fetch_add(&si->stats.faulted, 1);
    LW_INFO("standin", "fault", "mode=%d ep=%s", mode, standin_ep_names[ep]);
    switch (mode) {
    case SI_FAULT_DELAY:
        sleep_ms(ms);
        return false; /* then answer normally */
    case SI_FAULT_STATUS:
        standin_error(resp, status, "InjectedFault", "fault injected by the test (status %d)",
                      status);
        return true;
    case SI_FAULT_GARBAGE:
        resp->status = 200;
        resp->content_type = "application/json";
        lw_buf_reset(&resp->body);
        lw_buf_puts(&resp->body, "<html>this is not JSON {\"results\": [");
        return true;
    default:
        resp->drop_connection = true;
        return true;
    }
}

static void ok_json(struct http_response *resp, json_t *o)
{
    standin_json_take(resp, o);
}

static void control_fault(struct standin *si, const json_t *body, struct http_response *resp)
{
    struct standin_fault *f = &si->fault;
    const char *mode = json_string_value(json_object_get(body, "mode"));
    const char *paths = json_string_value(json_object_get(body, "paths"));
    json_t *ms = json_object_get(body, "ms"), *status = json_object_get(body, "status");
    json_t *count = json_object_get(body, "count");
    int m, p = SI_FAULT_PATHS_ALL;

    if (!mode) {
        standin_error(resp, 400, "BadRequest", "mode required: none|delay|status|garbage|drop");
        return;
    }
    if (strcmp(mode, "none") == 0)
        m = SI_FAULT_NONE;
    else if (strcmp(mode, "delay") == 0)
        m = SI_FAULT_DELAY;
    else if (strcmp(mode, "status") == 0)
        m = SI_FAULT_STATUS;
    else if (strcmp(mode, "garbage") == 0)
        m = SI_FAULT_GARBAGE;
    else if (strcmp(mode, "drop") == 0)
        m = SI_FAULT_DROP;
    else {
        standin_error(resp, 400, "BadRequest", "unknown mode '%s'", mode);
        return;
    }
    if (paths && strcmp(paths, "batch-check") == 0)
        p = SI_FAULT_PATHS_BATCH;
    else if (paths && strcmp(paths, "config") == 0)
        p = SI_FAULT_PATHS_CONFIG;
    else if (paths && strcmp(paths, "all") != 0) {
        standin_error(resp, 400, "BadRequest", "paths must be batch-check|config|all");
        return;
    }
    if ((ms && (!json_is_integer(ms) || json_integer_value(ms) < 0 ||
                json_integer_value(ms) > FAULT_MAX_MS)) ||
        (status && (!json_is_integer(status) || json_integer_value(status) < 100 ||
                    json_integer_value(status) > 599)) ||
        (count && (!json_is_integer(count) || json_integer_value(count) < 1))) {
        standin_error(resp, 400, "BadRequest", "ms 0..%d, status 100..599, count >= 1",
                      FAULT_MAX_MS);
        return;
    }
    if (m == SI_FAULT_DELAY && !ms) {
        standin_error(resp, 400, "BadRequest", "delay needs ms");
        return;
    }
    pthread_mutex_lock(&f->mu);
    f->mode = m;
    f->paths = p;
    f->ms = ms ? (long)json_integer_value(ms) : 0;
    f->status = status ? (int)json_integer_value(status) : 500;
    f->remaining = count ? (long)json_integer_value(count) : -1;
    pthread_mutex_unlock(&f->mu);
    LW_INFO("standin", "fault_set", "mode=%s paths=%s", mode, paths ? paths : "all");
    ok_json(resp, json_pack("{s:s, s:s}", "mode", mode, "paths", paths ? paths : "all"));
}

static void control_stats(struct standin *si, struct http_response *resp)
{
    json_t *req = json_object(), *fga = json_object();
    long total = 0;
    for (int i = 0; i < SI_EP_COUNT; i++) {
        long v = atomic_load(&si->stats.requests[i]);
        total += v;
        json_object_set_new(req, standin_ep_names[i], json_integer(v));
    }
    for (int k = 0; k <= SI_KIND_COUNT; k++)
        json_object_set_new(fga, k < SI_KIND_COUNT ? standin_kind_fga_type(k) : "other",
                            json_integer(atomic_load(&si->stats.fga_checks[k])));
    ok_json(resp,
            json_pack("{s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:I}", "requests", req,
                      "openfga-checks", fga, "openfga-checks-shared",
                      (json_int_t)(si->fga.flights ? atomic_load(&si->fga.flights->joined) : 0),
                      "total", (json_int_t)total,
                      "unauthorized", (json_int_t)atomic_load(&si->stats.unauthorized), "faulted",
                      (json_int_t)atomic_load(&si->stats.faulted), "batch-check-checks",
                      (json_int_t)atomic_load(&si->stats.checks), "batch-check-max",
                      (json_int_t)atomic_load(&si->stats.checks_max)));
}

static void control_stats_reset(struct standin *si, struct http_response *resp)
{
    for (int i = 0; i < SI_EP_COUNT; i++)
        atomic_store(&si->stats.requests[i], 0);
    atomic_store(&si->stats.unauthorized, 0);
    atomic_store(&si->stats.faulted, 0);
    atomic_store(&si->stats.checks, 0);
    atomic_store(&si->stats.checks_max, 0);
    for (int k = 0; k <= SI_KIND_COUNT; k++)
        atomic_store(&si->stats.fga_checks[k], 0);
    if (si->fga.flights)
        atomic_store(&si->fga.flights->joined, 0);
    ok_json(resp, json_pack("{s:b}", "reset", 1));
}

/* Reads "namespace": [..] into path; false when absent or malformed. */
static bool ns_path(const json_t *body, struct si_path *p)
{
    json_t *arr = json_object_get(body, "namespace"), *v;
    size_t i;
    memset(p, 0, sizeof *p);
    if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > SI_NS_DEPTH_MAX)
        return false;
    json_array_foreach(arr, i, v)
    {
        const char *s = json_string_value(v);
        if (!s || !*s || strchr(s, '\x1f') ||
            !standin_copy(p->part[p->depth], sizeof p->part[0], s))
            return false;
        p->depth++;
    }
    return true;
}

static int status_of(int code)
{
    return code == LW_ENOTFOUND ? 404 : code == LW_EINVAL ? 409 : code == LW_ENOMEM ? 507 : 502;
}

static void control_register(struct standin *si, const json_t *body, struct http_response *resp)
{
    const char *wname = json_string_value(json_object_get(body, "warehouse"));
    const char *table = json_string_value(json_object_get(body, "table"));
    const char *view = json_string_value(json_object_get(body, "view"));
    const char *owner = json_string_value(json_object_get(body, "owner"));
    const char *want_id = json_string_value(json_object_get(body, "id"));
    const char *project = json_string_value(json_object_get(body, "project-id"));
    struct standin_tuples tuples = {0};
    struct lw_err err = {0};
    struct si_warehouse w;
    struct si_namespace ns;
    struct si_path path;
    char id[37];
    int rc;

    if (!project)
        project = standin_state_default_project(si->state);
    if (want_id && !standin_is_uuid(want_id)) {
        standin_error(resp, 400, "BadRequest", "id must be a UUID");
        return;
    }
    if (want_id)
        snprintf(id, sizeof id, "%s", want_id);
    else
        standin_uuid_v4(id);
    if (!wname || (table && view)) {
        standin_error(resp, 400, "BadRequest",
                      "want {warehouse, namespace?, table|view?, owner?, id?}");
        return;
    }
    if (!json_object_get(body, "namespace")) {
        /* A new warehouse. */
        if (table || view) {
            standin_error(resp, 400, "BadRequest", "a table or view needs a namespace");
            return;
        }
        memset(&w, 0, sizeof w);
        snprintf(w.id, sizeof w.id, "%s", id);
        w.active = true;
        w.updated_ms = lw_wall_ms();
        if (!standin_copy(w.name, sizeof w.name, wname) ||
            !standin_copy(w.project_id, sizeof w.project_id, project)) {
            standin_error(resp, 400, "BadRequest", "name or project too long");
            return;
        }
        rc = standin_objects_add_warehouse(si, &w, owner, &tuples, &err);
        goto write;
    }
    if (!standin_state_warehouse_by_name(si->state, project, wname, &w)) {
        standin_error(resp, 404, "NoSuchWarehouseException", "A warehouse '%s' does not exist",
                      wname);
        return;
    }
    if (!ns_path(body, &path)) {
        standin_error(resp, 400, "BadRequest", "namespace must be a non-empty array of names");
        return;
    }
    if (table || view) {
        struct si_tabular tab;
        if (!standin_state_namespace_by_path(si->state, w.id, &path, &ns)) {
            standin_error(resp, 404, "NoSuchNamespaceException", "Namespace does not exist");
            return;
        }
        memset(&tab, 0, sizeof tab);
        snprintf(tab.id, sizeof tab.id, "%s", id);
        snprintf(tab.warehouse_id, sizeof tab.warehouse_id, "%s", w.id);
        snprintf(tab.namespace_id, sizeof tab.namespace_id, "%s", ns.id);
        tab.kind = table ? SI_TABLE : SI_VIEW;
        if (!standin_copy(tab.name, sizeof tab.name, table ? table : view) || !tab.name[0]) {
            standin_error(resp, 400, "BadRequest", "bad name");
            return;
        }
        rc = standin_objects_add_tabular(si, &tab, owner, &tuples, &err);
    } else {
        struct si_namespace n;
        memset(&n, 0, sizeof n);
        if (path.depth > 1) {
            path.depth--;
            if (!standin_state_namespace_by_path(si->state, w.id, &path, &ns)) {
                standin_error(resp, 404, "NoSuchNamespaceException",
                              "Parent namespace does not exist");
                return;
            }
            path.depth++;
            snprintf(n.parent_id, sizeof n.parent_id, "%s", ns.id);
        }
        snprintf(n.id, sizeof n.id, "%s", id);
        snprintf(n.warehouse_id, sizeof n.warehouse_id, "%s", w.id);
        snprintf(n.name, sizeof n.name, "%s", path.part[path.depth - 1]);
        rc = standin_objects_add_namespace(si, &n, owner, &tuples, &err);
    }
write:
    if (rc == 0 && tuples.failed)
        rc = lw_err_set(&err, LW_ENOMEM, "too many tuples");
    if (rc == 0)
        rc = standin_fga_write(&si->fga, tuples.v, tuples.n, NULL, 0, &err);
    standin_tuples_free(&tuples);
    if (rc) {
        standin_error(resp, status_of(rc), "RegisterFailed", "%s", err.msg);
        return;
    }
    LW_INFO("standin", "registered", "id=%s warehouse=%s", id, wname);
    ok_json(resp, json_pack("{s:s, s:s}", "id", id, "warehouse-id",
                            json_object_get(body, "namespace") ? w.id : id));
}

static void control_unregister(struct standin *si, const json_t *body, struct http_response *resp)
{
    const char *wname = json_string_value(json_object_get(body, "warehouse"));
    const char *table = json_string_value(json_object_get(body, "table"));
    const char *view = json_string_value(json_object_get(body, "view"));
    const char *project = json_string_value(json_object_get(body, "project-id"));
    struct lw_err err = {0};
    struct si_warehouse w;
    struct si_namespace ns;
    struct si_tabular tab;
    struct si_path path;
    int rc;

    if (!project)
        project = standin_state_default_project(si->state);
    if (!wname || !standin_state_warehouse_by_name(si->state, project, wname, &w)) {
        standin_error(resp, 404, "NoSuchWarehouseException", "A warehouse '%s' does not exist",
                      wname ? wname : "");
        return;
    }
    if (!json_object_get(body, "namespace")) {
        rc = standin_objects_remove(si, SI_WAREHOUSE, w.id, w.id, &err);
    } else if (!ns_path(body, &path) ||
               !standin_state_namespace_by_path(si->state, w.id, &path, &ns)) {
        standin_error(resp, 404, "NoSuchNamespaceException", "Namespace does not exist");
        return;
    } else if (table || view) {
        int kind = table ? SI_TABLE : SI_VIEW;
        if (!standin_state_tabular_by_name(si->state, w.id, ns.id, table ? table : view, kind,
                                           &tab)) {
            standin_error(resp, 404, table ? "NoSuchTableException" : "NoSuchViewException",
                          "does not exist");
            return;
        }
        rc = standin_objects_remove(si, kind, w.id, tab.id, &err);
    } else {
        rc = standin_objects_remove(si, SI_NAMESPACE, w.id, ns.id, &err);
    }
    if (rc) {
        standin_error(resp, status_of(rc), "UnregisterFailed", "%s", err.msg);
        return;
    }
    ok_json(resp, json_pack("{s:b}", "removed", 1));
}

static bool token_ok(const struct standin *si, const struct http_request *req)
{
    const char *auth = http_request_header(req, "Authorization");
    size_t want = strlen(si->opts.control_token);
    if (!auth || strncasecmp(auth, "Bearer ", 7) != 0 || strlen(auth + 7) != want)
        return false;
    return CRYPTO_memcmp(auth + 7, si->opts.control_token, want) == 0;
}

void standin_control(void *ctx, const struct http_request *req, struct http_response *resp)
{
    struct standin *si = ctx;
    const char *what = req->path + strlen("/_control/");
    bool post = strcmp(req->method, "POST") == 0;
    json_error_t jerr;
    json_t *body = NULL;

    if (!token_ok(si, req)) {
        standin_error(resp, 401, "Unauthorized", "control token required");
        return;
    }
    if (!post && strcmp(what, "stats") == 0) {
        control_stats(si, resp);
        return;
    }
    if (post && strcmp(what, "stats/reset") == 0) {
        control_stats_reset(si, resp);
        return;
    }
    if (!post || (strcmp(what, "fault") != 0 && strcmp(what, "register") != 0 &&
                  strcmp(what, "unregister") != 0)) {
        standin_error(resp, 404, "NotFound", "no control %s %s", req->method, req->path);
        return;
    }
    body = json_loadb(req->body, req->body_len, 0, &jerr);
    if (!json_is_object(body)) {
        json_decref(body);
        standin_error(resp, 400, "BadRequest", "body must be a JSON object");
        return;
    }
    if (strcmp(what, "fault") == 0)
        control_fault(si, body, resp);
    else if (strcmp(what, "register") == 0)
        control_register(si, body, resp);
    else
        control_unregister(si, body, resp);
    json_decref(body);
}

/* lk_catalog.c -- the Lakekeeper catalog cache (lk_catalog.h): the top level read in two
 * concurrent rounds, then a work list of listings (namespace levels, tables, views), each
 * followed page by page, sent in rounds of at most opts.concurrency requests (fewer while
 * Lakekeeper answers "overloaded": see send). Strings live in one
 * arena, arrays are grown with lw_realloc; a failed load drops everything, so the cache
 * never serves a listing that stopped half-way. */
#include "lk_catalog.h"
#include "lk_catalog_int.h"

#include "../server/core/lw_arena.h"
#include "../server/core/lw_buf.h"
#include "../server/core/lw_log.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Requests in flight at once: lk_client_get's bound. The catalog's own (opts.concurrency) is
 * smaller: each listing makes Lakekeeper ask its authorizer about every item it returns, and
 * many at once can crowd out Lakekeeper's other callers (Trino's checks). */
#define LK_CAT_MAX 64
#define LK_CAT_PAGE "1000"      /* Lakekeeper's largest page (fewest round trips) */

/* One listing still to read: a namespace level, or the tables / views of one namespace. */
enum job_kind { JOB_NAMESPACES, JOB_TABLES, JOB_VIEWS };

struct job {
    enum job_kind kind;
    size_t wh;
    int ns;                     /* parent (JOB_NAMESPACES; -1 = top) or owner namespace */
    char *token;                /* page token (arena), NULL for the first page */
};

struct load {
    struct lk_catalog *c;
    struct lk_cat_req *r;
    int width;                  /* listings in flight now: opts.concurrency, halved by each
                                 * overloaded answer for the rest of the load (growing back
                                 * by one per clean round overloaded the stand-in's OpenFGA
                                 * again every few rounds, 30 s each) */
    struct lk_stats st;
    struct lw_err *err;
    struct job *jobs;
    size_t njobs, head, cap;
};

struct lk_catalog *lk_catalog_new(const char *id, lk_catalog_get_fn get, void *get_ctx,
                                  const struct lk_catalog_opts *o)
{
    struct lk_catalog *c = lw_calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->id = id;
    c->get = get;
    c->get_ctx = get_ctx;
    c->o = *o;
    if (!c->o.max_objects)
        c->o.max_objects = 100000;
    if (c->o.concurrency <= 0)
        c->o.concurrency = 8;
    if (c->o.concurrency > LK_CAT_MAX)
        c->o.concurrency = LK_CAT_MAX;
    lw_arena_init(&c->arena, LK_CAT_ARENA_MAX);
    return c;
}

static void free_namespaces(struct lk_cat_warehouse *w)
{
    for (size_t i = 0; i < w->nns; i++) {
        lw_free(w->ns[i].tables);
        lw_free(w->ns[i].views);
    }
    lw_free(w->ns);
    w->ns = NULL;
    w->nns = 0;
    w->ns_loaded = false;
}

void lk_catalog_invalidate(struct lk_catalog *c)
{
    for (size_t i = 0; i < c->nwh; i++)
        free_namespaces(&c->wh[i]);
    lw_free(c->wh);
    lw_free(c->projects);
    c->wh = NULL;
    c->projects = NULL;
    c->nwh = c->nprojects = c->nobjects = 0;
    memset(&c->server, 0, sizeof c->server);
    c->loaded_at = c->loaded_wall_ms = 0;
    lw_arena_free(&c->arena);
}

void lk_catalog_free(struct lk_catalog *c)
{
    if (!c)
        return;
    lk_catalog_invalidate(c);
    lw_free(c);
}

const char *lk_catalog_instance(const struct lk_catalog *c) { return c->id; }
int64_t lk_catalog_loaded_at(const struct lk_catalog *c) { return c->loaded_at; }
int64_t lk_catalog_loaded_wall_ms(const struct lk_catalog *c) { return c->loaded_wall_ms; }
size_t lk_catalog_objects(const struct lk_catalog *c) { return c->nobjects; }
const struct lk_cat_server *lk_catalog_server(const struct lk_catalog *c) { return &c->server; }

const struct lk_cat_project *lk_catalog_projects(const struct lk_catalog *c, size_t *n)
{
    *n = c->nprojects;
    return c->projects;
}

struct lk_cat_warehouse *lk_catalog_warehouses(const struct lk_catalog *c, size_t *n)
{
    *n = c->nwh;
    return c->wh;
}

/* ---- small helpers ---------------------------------------------------------------------- */

static bool in_list(const char *v, const char *const *list, int n, bool nocase)
{
    for (int i = 0; i < n; i++)
        if (v && list[i] && (nocase ? strcasecmp(v, list[i]) : strcmp(v, list[i])) == 0)
            return true;
    return false;
}

bool lk_cat_scope_warehouse(const struct lk_cat_scope *s, const struct lk_cat_warehouse *w)
{
    bool by_id = s->warehouse_ids != NULL, by_name = s->warehouse_names != NULL;
    if (!by_id && !by_name)
        return true;
    /* UUIDs compare without case too: Lakekeeper prints them lower-case, users may not. */
    return (!by_id || in_list(w->id, s->warehouse_ids, s->nwarehouse_ids, true)) &&
           (!by_name || in_list(w->name, s->warehouse_names, s->nwarehouse_names, true));
}

bool lk_cat_scope_namespace(const struct lk_cat_scope *s, const struct lk_cat_namespace *n)
{
    bool by_id = s->namespace_ids != NULL, by_name = s->namespace_names != NULL;
    return (!by_id || in_list(n->id, s->namespace_ids, s->nnamespace_ids, true)) &&
           (!by_name || in_list(n->name, s->namespace_names, s->nnamespace_names, true));
}

static void put_encoded(struct lw_buf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalnum(*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~')
            lw_buf_printf(b, "%c", *p);
        else
            lw_buf_printf(b, "%%%02X", *p);
    }
}

char *lk_cat_ns_url(char *const *path, int depth)
{
    struct lw_buf b;
    lw_buf_init(&b, 64 * 1024);
    for (int i = 0; i < depth; i++) {
        if (i)
            lw_buf_puts(&b, "%1F");
        put_encoded(&b, path[i]);
    }
    lw_buf_puts(&b, "");
    return lw_buf_take(&b);
}

/* Copies a JSON string member into the arena; NULL when absent or not a string. *oom is set
 * when the copy failed for lack of memory. */
static char *jdup(struct lk_catalog *c, const json_t *o, const char *key, bool *oom)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        return NULL;
    char *s = lw_arena_strndup(&c->arena, json_string_value(v), json_string_length(v));
    if (!s)
        *oom = true;
    return s;
}

static char *adup(struct lk_catalog *c, const char *s, bool *oom)
{
    char *d = s ? lw_arena_strndup(&c->arena, s, strlen(s)) : NULL;
    if (s && !d)
        *oom = true;
    return d;
}

/* A bound, not a lack of memory: SQLSTATE 54000 (program_limit_exceeded), as PostgreSQL
 * reports its own limits. */
static int over_bound(struct lw_err *err, int code)
{
    if (err)
        memcpy(err->sqlstate, "54000", 6);
    return code;
}

static int count_object(struct load *l)
{
    if (l->c->nobjects >= l->c->o.max_objects)
        return over_bound(l->err, lw_err_set(l->err, LW_ENOMEM,
                          "Lakekeeper instance %s holds more than %zu catalog objects, "
                          "lakeward's bound (catalog_max_objects)",
                          l->c->id, l->c->o.max_objects));
    l->c->nobjects++;
    return 0;
}

/* Grows *arr (of elements of size sz) to hold n + 1. */
static int grow(void **arr, size_t n, size_t sz, struct lw_err *err)
{
    void *p = lw_realloc(*arr, (n + 1) * sz);
    if (!p)
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    *arr = p;
    return 0;
}

/* Sends gets[0..n) in one concurrent call, charged to the load's budget. */
static int send_once(struct load *l, struct lk_get *gets, int n)
{
    if (l->r->calls + n > l->r->max_calls)
        return over_bound(l->err, lw_err_set(l->err, LW_ENOMEM,
                          "reading Lakekeeper instance %s's catalog needs more than %d "
                          "requests for one query; narrow it by warehouse or namespace",
                          l->c->id, l->r->max_calls));
    l->r->calls += n;
    l->st.deadline_us = l->r->deadline_us;
    return l->c->get(l->c->get_ctx, gets, n, &l->st, l->err);
}

/* 502/503/504: Lakekeeper (or what is in front of it) could not answer now. */
static bool transient(long status) { return status == 502 || status == 503 || status == 504; }

/* Sends gets[0..n) in rounds of at most width, each answered GET kept; NULL docs stay for
 * the ones that failed. rc: the first round's failure, 0 when every GET was answered. */
static int send_rounds(struct load *l, struct lk_get *gets, int n, int width)
{
    int rc = 0;
    for (int i = 0; i < n; i += width) {
        int k = n - i < width ? n - i : width, r = send_once(l, gets + i, k);
        if (r != 0 && rc == 0)
            rc = r;
    }
    return rc;
}

/* Sends gets[0..n) concurrently. A GET Lakekeeper answers with a transient status (its
 * authorizer timed out under the load of many listings at once: the stand-in's OpenFGA did
 * at 8 in flight on a 10,000-table warehouse) halves the load's width, and the failed GETs
 * are sent again at that width -- they are reads, so repeating them is harmless. A GET fails
 * for good on any other failure, or on a transient one at width 1 twice: a bounded number of
 * attempts (at most log2(64) + 2), each bounded by the load's deadline. */
static int send(struct load *l, struct lk_get *gets, int n)
{
    int rc = send_once(l, gets, n), ones = l->width == 1;     /* attempts at width 1 */
    while (rc != 0 && n <= LK_CAT_MAX) {
        struct lk_get again[LK_CAT_MAX];
        int idx[LK_CAT_MAX], m = 0;
        for (int i = 0; i < n; i++) {
            if (gets[i].doc)
                continue;
            if (!transient(gets[i].status))
                return rc;
            again[m] = (struct lk_get){.path = gets[i].path, .project_id = gets[i].project_id};
            idx[m++] = i;
        }
        l->width = l->width > 1 ? l->width / 2 : 1;
        if (l->width == 1 && ones >= 2)
            return rc;
        LW_INFO("catalog", "lakekeeper_retry", "instance=%s requests=%d status=%ld width=%d",
                l->c->id, m, gets[idx[0]].status, l->width);
        rc = send_rounds(l, again, m, l->width);
        ones += l->width == 1;
        for (int k = 0; k < m; k++) {
            gets[idx[k]].doc = again[k].doc;
            gets[idx[k]].status = again[k].status;
            memcpy(gets[idx[k]].error, again[k].error, sizeof gets[idx[k]].error);
        }
    }
    return rc;
}

static void drop_docs(struct lk_get *gets, int n)
{
    for (int i = 0; i < n; i++) {
        json_decref(gets[i].doc);
        gets[i].doc = NULL;
    }
}

/* ---- top level: server, projects, warehouses --------------------------------------------- */

static int parse_warehouse(struct load *l, const json_t *j)
{
    struct lk_catalog *c = l->c;
    bool oom = false;
    if (count_object(l) != 0 || grow((void **)&c->wh, c->nwh, sizeof *c->wh, l->err) != 0)
        return l->err->code;
    struct lk_cat_warehouse *w = &c->wh[c->nwh];
    memset(w, 0, sizeof *w);
    w->id = jdup(c, j, "id", &oom);
    if (!w->id)
        w->id = jdup(c, j, "warehouse-id", &oom);
    w->name = jdup(c, j, "name", &oom);
    w->project_id = jdup(c, j, "project-id", &oom);
    w->status = jdup(c, j, "status", &oom);
    w->managed_by = jdup(c, j, "managed-by", &oom);
    w->updated_at = jdup(c, j, "updated-at", &oom);
    w->protected_ = json_is_true(json_object_get(j, "protected"));
    const json_t *sp = json_object_get(j, "storage-profile");
    w->storage_type = jdup(c, sp, "type", &oom);
    const char *bucket = json_string_value(json_object_get(sp, "bucket"));
    if (!bucket)
        bucket = json_string_value(json_object_get(sp, "filesystem"));
    const char *prefix = json_string_value(json_object_get(sp, "key-prefix"));
    if (bucket) {
        char loc[1024];
        snprintf(loc, sizeof loc, "%s%s%s", bucket, prefix && *prefix ? "/" : "",
                 prefix ? prefix : "");
        w->storage_location = adup(c, loc, &oom);
    }
    const json_t *dp = json_object_get(j, "delete-profile");
    w->delete_profile = jdup(c, dp, "type", &oom);
    const json_t *exp = json_object_get(dp, "expiration-seconds");
    w->soft_delete_seconds = json_is_integer(exp) ? json_integer_value(exp) : -1;
    if (oom)
        return lw_err_set(l->err, LW_ENOMEM, "out of memory");
    if (!w->id || !w->name)
        return lw_err_set(l->err, LW_EIO, "Lakekeeper %s: a warehouse without id or name",
                          c->id);
    c->nwh++;
    return 0;
}

static int parse_top(struct load *l, const json_t *info, const json_t *who, const json_t *pl)
{
    struct lk_catalog *c = l->c;
    bool oom = false;
    c->server.server_id = jdup(c, info, "server-id", &oom);
    c->server.version = jdup(c, info, "lakekeeper-version", &oom);
    if (!c->server.version)
        c->server.version = jdup(c, info, "version", &oom);
    c->server.authz_backend = jdup(c, info, "authz-backend", &oom);
    c->server.default_project_id = jdup(c, info, "default-project-id", &oom);
    c->server.bootstrapped = json_is_true(json_object_get(info, "bootstrapped"));
    c->server.service_principal = jdup(c, who, "id", &oom);
    c->server.service_is_instance_admin = json_is_true(json_object_get(who, "is-instance-admin"));
    const json_t *arr = json_object_get(pl, "projects"), *p;
    size_t i;
    if (!json_is_array(arr))
        return lw_err_set(l->err, LW_EIO, "Lakekeeper %s /management/v1/project-list: no "
                          "projects array", c->id);
    json_array_foreach(arr, i, p) {
        if (count_object(l) != 0 ||
            grow((void **)&c->projects, c->nprojects, sizeof *c->projects, l->err) != 0)
            return l->err->code;
        struct lk_cat_project *pr = &c->projects[c->nprojects];
        pr->id = jdup(c, p, "project-id", &oom);
        pr->name = jdup(c, p, "project-name", &oom);
        if (oom)
            return lw_err_set(l->err, LW_ENOMEM, "out of memory");
        if (!pr->id)
            return lw_err_set(l->err, LW_EIO, "Lakekeeper %s: a project without id", c->id);
        c->nprojects++;
    }
    return 0;
}

static int load_top(struct load *l)
{
    struct lk_catalog *c = l->c;
    struct lk_get top[3] = {{.path = "/management/v1/info"},
                            {.path = "/management/v1/whoami"},
                            {.path = "/management/v1/project-list"}};
    int rc = send(l, top, 3);
    if (rc == 0)
        rc = parse_top(l, top[0].doc, top[1].doc, top[2].doc);
    drop_docs(top, 3);
    /* Warehouses of every project, opts.concurrency projects at a time. */
    for (size_t p0 = 0; rc == 0 && p0 < c->nprojects; p0 += (size_t)c->o.concurrency) {
        struct lk_get g[LK_CAT_MAX];
        int n = 0;
        memset(g, 0, sizeof g);
        for (size_t p = p0; p < c->nprojects && n < c->o.concurrency; p++, n++) {
            g[n].path = "/management/v1/warehouse?warehouseStatus=active"
                        "&warehouseStatus=inactive";
            g[n].project_id = c->projects[p].id;
        }
        rc = send(l, g, n);
        for (int k = 0; rc == 0 && k < n; k++) {
            const json_t *arr = json_object_get(g[k].doc, "warehouses"), *w;
            size_t i;
            if (!json_is_array(arr)) {
                rc = lw_err_set(l->err, LW_EIO, "Lakekeeper %s %s: no warehouses array", c->id,
                                g[k].path);
                break;
            }
            json_array_foreach(arr, i, w)
                if ((rc = parse_warehouse(l, w)) != 0)
                    break;
        }
        drop_docs(g, n);
    }
    if (rc == 0) {
        c->loaded_at = lw_now_ms();
        c->loaded_wall_ms = lw_wall_ms();
    }
    return rc;
}

/* ---- listings: namespace levels, tables, views --------------------------------------------- */

static int push_job(struct load *l, enum job_kind kind, size_t wh, int ns, char *token)
{
    if (l->njobs == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        struct job *j = lw_realloc(l->jobs, cap * sizeof *j);
        if (!j)
            return lw_err_set(l->err, LW_ENOMEM, "out of memory");
        l->jobs = j;
        l->cap = cap;
    }
    l->jobs[l->njobs++] = (struct job){kind, wh, ns, token};
    return 0;
}

static char *job_path(struct load *l, const struct job *j)
{
    static const char *const what[] = {[JOB_NAMESPACES] = "namespaces", [JOB_TABLES] = "tables",
                                       [JOB_VIEWS] = "views"};
    struct lk_cat_warehouse *w = &l->c->wh[j->wh];
    struct lw_buf b;
    lw_buf_init(&b, 256 * 1024);
    lw_buf_puts(&b, "/catalog/v1/");
    put_encoded(&b, w->id);
    if (j->kind == JOB_NAMESPACES) {
        lw_buf_puts(&b, "/namespaces?");
        if (j->ns >= 0) {
            const struct lk_cat_namespace *n = &w->ns[j->ns];
            char *enc = lk_cat_ns_url(n->path, n->depth);
            lw_buf_printf(&b, "parent=%s&", enc ? enc : "");
            if (!enc)
                b.failed = true;
            lw_free(enc);
        }
    } else {
        const struct lk_cat_namespace *n = &w->ns[j->ns];
        char *enc = lk_cat_ns_url(n->path, n->depth);
        lw_buf_printf(&b, "/namespaces/%s/%s?", enc ? enc : "", what[j->kind]);
        if (!enc)
            b.failed = true;
        lw_free(enc);
    }
    lw_buf_puts(&b, "returnUuids=true&returnProtectionStatus=true&pageSize=" LK_CAT_PAGE
                    "&pageToken=");
    if (j->token)
        put_encoded(&b, j->token);
    return lw_buf_take(&b);
}

static int add_namespace(struct load *l, size_t wh, int parent, const json_t *path,
                         const json_t *id, const json_t *prot)
{
    struct lk_catalog *c = l->c;
    struct lk_cat_warehouse *w = &c->wh[wh];
    bool oom = false;
    size_t depth = json_array_size(path);
    if (!json_is_string(id) || depth == 0 || depth > 64)
        return lw_err_set(l->err, LW_EIO, "Lakekeeper %s: warehouse %s lists a namespace "
                          "without uuid or path", c->id, w->name);
    if (count_object(l) != 0 || grow((void **)&w->ns, w->nns, sizeof *w->ns, l->err) != 0)
        return l->err->code;
    struct lk_cat_namespace *n = &w->ns[w->nns];
    memset(n, 0, sizeof *n);
    n->parent = parent;
    n->depth = (int)depth;
    n->protected_ = json_is_true(prot);
    n->id = adup(c, json_string_value(id), &oom);
    n->path = lw_arena_alloc(&c->arena, depth * sizeof *n->path);
    struct lw_buf name;
    lw_buf_init(&name, 64 * 1024);
    for (size_t i = 0; n->path && i < depth; i++) {
        const char *part = json_string_value(json_array_get(path, i));
        if (!part)
            return lw_err_set(l->err, LW_EIO, "Lakekeeper %s: a namespace path part is not a "
                              "string", c->id);
        n->path[i] = adup(c, part, &oom);
        lw_buf_printf(&name, "%s%s", i ? "." : "", part);
    }
    n->name = name.failed ? NULL : adup(c, name.data, &oom);
    lw_buf_free(&name);
    if (oom || !n->path || !n->name)
        return lw_err_set(l->err, LW_ENOMEM, "out of memory");
    w->nns++;
    return 0;
}

static int add_tabular(struct load *l, const struct job *j, const json_t *ident,
                       const json_t *id, const json_t *prot)
{
    struct lk_catalog *c = l->c;
    struct lk_cat_namespace *n = &c->wh[j->wh].ns[j->ns];
    struct lk_cat_tabular **arr = j->kind == JOB_TABLES ? &n->tables : &n->views;
    size_t *cnt = j->kind == JOB_TABLES ? &n->ntables : &n->nviews;
    bool oom = false;
    if (!json_is_string(id) || !json_is_string(json_object_get(ident, "name")))
        return lw_err_set(l->err, LW_EIO, "Lakekeeper %s: namespace %s lists a %s without "
                          "uuid or name", c->id, n->name, j->kind == JOB_TABLES ? "table" : "view");
    if (count_object(l) != 0 || grow((void **)arr, *cnt, sizeof **arr, l->err) != 0)
        return l->err->code;
    struct lk_cat_tabular *t = &(*arr)[*cnt];
    t->id = adup(c, json_string_value(id), &oom);
    t->name = jdup(c, ident, "name", &oom);
    t->protected_ = json_is_true(prot);
    if (oom)
        return lw_err_set(l->err, LW_ENOMEM, "out of memory");
    (*cnt)++;
    return 0;
}

/* Reads one page's answer: its items, a job per new namespace's children (and its tables
 * when the scope wants them), and the next page's job. */
static int take_page(struct load *l, const struct lk_cat_scope *s, const struct job *j,
                     const json_t *doc)
{
    struct lk_catalog *c = l->c;
    const json_t *prot = json_object_get(doc, "protection-status");
    size_t i;
    int rc = 0;
    if (j->kind == JOB_NAMESPACES) {
        const json_t *paths = json_object_get(doc, "namespaces"), *p;
        const json_t *ids = json_object_get(doc, "namespace-uuids");
        if (!json_is_array(paths) || json_array_size(ids) != json_array_size(paths))
            return lw_err_set(l->err, LW_EIO, "Lakekeeper %s: namespace listing of warehouse "
                              "%s without namespaces/namespace-uuids", c->id, c->wh[j->wh].name);
        json_array_foreach(paths, i, p) {
            if ((rc = add_namespace(l, j->wh, j->ns, p, json_array_get(ids, i),
                                    json_array_get(prot, i))) != 0 ||
                (rc = push_job(l, JOB_NAMESPACES, j->wh, (int)c->wh[j->wh].nns - 1, NULL)) != 0)
                return rc;
        }
    } else {
        const json_t *idents = json_object_get(doc, "identifiers"), *t;
        const json_t *ids = json_object_get(doc, "table-uuids");
        if (!json_is_array(idents) || json_array_size(ids) != json_array_size(idents))
            return lw_err_set(l->err, LW_EIO, "Lakekeeper %s: listing of namespace %s without "
                              "identifiers/table-uuids", c->id, c->wh[j->wh].ns[j->ns].name);
        json_array_foreach(idents, i, t)
            if ((rc = add_tabular(l, j, t, json_array_get(ids, i), json_array_get(prot, i))) != 0)
                return rc;
    }
    (void)s;
    /* Never stop on a short or empty page: Lakekeeper filters after cutting the page. */
    const char *next = json_string_value(json_object_get(doc, "next-page-token"));
    if (next && *next) {
        bool oom = false;
        char *tok = adup(c, next, &oom);
        if (oom)
            return lw_err_set(l->err, LW_ENOMEM, "out of memory");
        return push_job(l, j->kind, j->wh, j->ns, tok);
    }
    return 0;
}

static int run_jobs(struct load *l, const struct lk_cat_scope *s)
{
    int rc = 0;
    while (rc == 0 && l->head < l->njobs) {
        struct lk_get g[LK_CAT_MAX];
        struct job round[LK_CAT_MAX];
        char *paths[LK_CAT_MAX];
        int n = 0;
        memset(g, 0, sizeof g);
        while (n < l->width && l->head < l->njobs) {
            round[n] = l->jobs[l->head++];
            if (!(paths[n] = job_path(l, &round[n]))) {
                rc = lw_err_set(l->err, LW_ENOMEM, "out of memory");
                break;
            }
            g[n].path = paths[n];
            g[n].project_id = l->c->wh[round[n].wh].project_id;
            n++;
        }
        if (rc == 0)
            rc = send(l, g, n);
        for (int k = 0; rc == 0 && k < n; k++)
            rc = take_page(l, s, &round[k], g[k].doc);
        drop_docs(g, n);
        for (int k = 0; k < n; k++)
            lw_free(paths[k]);
    }
    return rc;
}

/* Queues the namespace walk of every active warehouse in scope not yet walked. */
static int queue_namespaces(struct load *l, const struct lk_cat_scope *s)
{
    struct lk_catalog *c = l->c;
    for (size_t i = 0; i < c->nwh; i++) {
        struct lk_cat_warehouse *w = &c->wh[i];
        /* The catalog API refuses deactivated warehouses: they have no listable content. */
        if (w->ns_loaded || !lk_cat_scope_warehouse(s, w) ||
            (w->status && strcmp(w->status, "active") != 0))
            continue;
        int rc = push_job(l, JOB_NAMESPACES, i, -1, NULL);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int queue_tabulars(struct load *l, const struct lk_cat_scope *s)
{
    struct lk_catalog *c = l->c;
    for (size_t i = 0; i < c->nwh; i++) {
        struct lk_cat_warehouse *w = &c->wh[i];
        if (!lk_cat_scope_warehouse(s, w))
            continue;
        for (size_t k = 0; k < w->nns; k++) {
            const struct lk_cat_namespace *n = &w->ns[k];
            if (!lk_cat_scope_namespace(s, n))
                continue;
            int rc = 0;
            if (!s->skip_tables && !n->tables_loaded)
                rc = push_job(l, JOB_TABLES, i, (int)k, NULL);
            if (rc == 0 && !s->skip_views && !n->views_loaded)
                rc = push_job(l, JOB_VIEWS, i, (int)k, NULL);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

static void mark_loaded(struct lk_catalog *c, const struct lk_cat_scope *s, bool tabs)
{
    for (size_t i = 0; i < c->nwh; i++) {
        struct lk_cat_warehouse *w = &c->wh[i];
        if (!lk_cat_scope_warehouse(s, w))
            continue;
        if (!tabs) {
            w->ns_loaded = true;
            continue;
        }
        for (size_t k = 0; k < w->nns; k++)
            if (lk_cat_scope_namespace(s, &w->ns[k])) {
                w->ns[k].tables_loaded |= !s->skip_tables;
                w->ns[k].views_loaded |= !s->skip_views;
            }
    }
}

int lk_catalog_load(struct lk_catalog *c, const struct lk_cat_scope *s, struct lk_cat_req *r,
                    struct lw_err *err)
{
    static const struct lk_cat_scope everything = {.namespaces = true, .tabulars = true};
    struct load l = {.c = c, .r = r, .err = err, .width = c->o.concurrency};
    int rc = 0;
    if (!s)
        s = &everything;
    if (!r->max_calls)
        r->max_calls = 2000;
    if (c->loaded_at && lw_now_ms() - c->loaded_at >= c->o.ttl_ms)
        lk_catalog_invalidate(c);
    if (!c->loaded_at)
        rc = load_top(&l);
    if (rc == 0 && (s->namespaces || s->tabulars)) {
        rc = queue_namespaces(&l, s);
        if (rc == 0)
            rc = run_jobs(&l, s);
        if (rc == 0)
            mark_loaded(c, s, false);
    }
    if (rc == 0 && s->tabulars) {
        l.njobs = l.head = 0;
        rc = queue_tabulars(&l, s);
        if (rc == 0)
            rc = run_jobs(&l, s);
        if (rc == 0)
            mark_loaded(c, s, true);
    }
    lw_free(l.jobs);
    if (rc != 0)
        lk_catalog_invalidate(c);
    return rc;
}

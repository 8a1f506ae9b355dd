/* lk_catalog_codec.c -- one instance's loaded catalog as bytes and back (lk_catalog.h), for the
 * snapshot the catalog process publishes to every SQL backend (catalog/cat_snapshot.h).
 * Layout, in host byte order (writer and readers are the same binary on the same host):
 * strings are a u32 length then the bytes (UINT32_MAX: NULL), counts a u64 each followed by
 * that many records; the server, the projects, then each warehouse with its namespaces and
 * each namespace with its tables and views. The decoder trusts nothing: every length and
 * count is checked against the bytes left, so torn or hostile input fails cleanly. */
#include "lk_catalog_int.h"

#include "../server/core/lw_buf.h"

#include <string.h>

#define NO_STRING UINT32_MAX
#define MAX_DEPTH 64

/* ---- encoding -------------------------------------------------------------------------- */

static void put_u64(struct lw_buf *b, uint64_t v) { lw_buf_append(b, &v, sizeof v); }
static void put_u8(struct lw_buf *b, bool v) { lw_buf_putc(b, (char)(v ? 1 : 0)); }

static void put_str(struct lw_buf *b, const char *s)
{
    uint32_t n = s ? (uint32_t)strlen(s) : NO_STRING;
    lw_buf_append(b, &n, sizeof n);
    if (s)
        lw_buf_append(b, s, n);
}

static void put_tabulars(struct lw_buf *b, const struct lk_cat_tabular *t, size_t n)
{
    put_u64(b, n);
    for (size_t i = 0; i < n; i++) {
        put_str(b, t[i].id);
        put_str(b, t[i].name);
        put_u8(b, t[i].protected_);
    }
}

static void put_namespace(struct lw_buf *b, const struct lk_cat_namespace *n)
{
    put_str(b, n->id);
    put_str(b, n->name);
    put_u64(b, (uint64_t)n->depth);
    for (int i = 0; i < n->depth; i++)
        put_str(b, n->path[i]);
    put_u64(b, (uint64_t)(int64_t)n->parent);
    put_u8(b, n->protected_);
    put_u8(b, n->tables_loaded);
    put_u8(b, n->views_loaded);
    put_tabulars(b, n->tables, n->ntables);
    put_tabulars(b, n->views, n->nviews);
}

void lk_catalog_encode(const struct lk_catalog *c, struct lw_buf *b)
{
    const struct lk_cat_server *s = &c->server;
    put_u64(b, (uint64_t)c->loaded_wall_ms);
    put_str(b, s->server_id);
    put_str(b, s->version);
    put_str(b, s->authz_backend);
    put_str(b, s->default_project_id);
    put_str(b, s->service_principal);
    put_u8(b, s->bootstrapped);
    put_u8(b, s->service_is_instance_admin);
    put_u64(b, c->nprojects);
    for (size_t i = 0; i < c->nprojects; i++) {
        put_str(b, c->projects[i].id);
        put_str(b, c->projects[i].name);
    }
    put_u64(b, c->nwh);
    for (size_t i = 0; i < c->nwh; i++) {
        const struct lk_cat_warehouse *w = &c->wh[i];
        const char *const strs[] = {w->id, w->name, w->project_id, w->status, w->managed_by,
                                    w->storage_type, w->storage_location, w->delete_profile,
                                    w->updated_at};
        for (size_t k = 0; k < sizeof strs / sizeof *strs; k++)
            put_str(b, strs[k]);
        put_u64(b, (uint64_t)w->soft_delete_seconds);
        put_u8(b, w->protected_);
        put_u8(b, w->ns_loaded);
        put_u64(b, w->nns);
        for (size_t k = 0; k < w->nns; k++)
            put_namespace(b, &w->ns[k]);
    }
}

/* ---- decoding -------------------------------------------------------------------------- */

struct rd {
    const char *p, *end;
    struct lk_catalog *c;
    bool bad;                   /* sticky: truncated, inconsistent or out of memory */
    bool oom;
};

static bool take(struct rd *r, void *out, size_t n)
{
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = true;
        memset(out, 0, n);
        return false;
    }
    memcpy(out, r->p, n);
    r->p += n;
    return true;
}

static uint64_t get_u64(struct rd *r)
{
    uint64_t v;
    take(r, &v, sizeof v);
    return v;
}

static bool get_u8(struct rd *r)
{
    unsigned char v;
    take(r, &v, 1);
    return v != 0;
}

static char *get_str(struct rd *r)
{
    uint32_t n;
    if (!take(r, &n, sizeof n) || n == NO_STRING)
        return NULL;
    if ((size_t)(r->end - r->p) < n) {
        r->bad = true;
        return NULL;
    }
    char *s = lw_arena_strndup(&r->c->arena, r->p, n);
    if (!s)
        r->bad = r->oom = true;
    r->p += n;
    return s;
}

/* A count of records each at least min_bytes long: more than the bytes left is corrupt (and
 * must not become a huge allocation). Returns the zeroed array, NULL for 0 or on failure. */
static void *get_array(struct rd *r, size_t *n, size_t elem, size_t min_bytes)
{
    uint64_t v = get_u64(r);
    *n = 0;
    if (r->bad || v == 0)
        return NULL;
    if (v > (uint64_t)(r->end - r->p) / min_bytes) {
        r->bad = true;
        return NULL;
    }
    void *a = lw_calloc((size_t)v, elem);
    if (!a) {
        r->bad = r->oom = true;
        return NULL;
    }
    *n = (size_t)v;
    return a;
}

static struct lk_cat_tabular *get_tabulars(struct rd *r, size_t *n)
{
    struct lk_cat_tabular *t = get_array(r, n, sizeof *t, 9);
    for (size_t i = 0; t && i < *n; i++) {
        t[i].id = get_str(r);
        t[i].name = get_str(r);
        t[i].protected_ = get_u8(r);
        if (!r->bad && (!t[i].id || !t[i].name))
            r->bad = true;
    }
    return t;
}

static void get_namespace(struct rd *r, struct lk_cat_namespace *n, size_t index)
{
    n->id = get_str(r);
    n->name = get_str(r);
    uint64_t depth = get_u64(r);
    if (r->bad || !n->id || !n->name || depth == 0 || depth > MAX_DEPTH) {
        r->bad = true;
        return;
    }
    if (!(n->path = lw_arena_alloc(&r->c->arena, (size_t)depth * sizeof *n->path))) {
        r->bad = r->oom = true;
        return;
    }
    n->depth = (int)depth;
    for (int i = 0; i < n->depth; i++)
        if (!(n->path[i] = get_str(r)))
            r->bad = true;
    int64_t parent = (int64_t)get_u64(r);
    /* Parents come before their children: the loader appends a level's namespaces after it. */
    if (parent < -1 || parent >= (int64_t)index)
        r->bad = true;
    n->parent = (int)parent;
    n->protected_ = get_u8(r);
    n->tables_loaded = get_u8(r);
    n->views_loaded = get_u8(r);
    n->tables = get_tabulars(r, &n->ntables);
    n->views = get_tabulars(r, &n->nviews);
}

static void get_warehouse(struct rd *r, struct lk_cat_warehouse *w)
{
    char **const strs[] = {&w->id, &w->name, &w->project_id, &w->status, &w->managed_by,
                           &w->storage_type, &w->storage_location, &w->delete_profile,
                           &w->updated_at};
    for (size_t k = 0; k < sizeof strs / sizeof *strs; k++)
        *strs[k] = get_str(r);
    if (!r->bad && (!w->id || !w->name))
        r->bad = true;
    w->soft_delete_seconds = (int64_t)get_u64(r);
    w->protected_ = get_u8(r);
    w->ns_loaded = get_u8(r);
    w->ns = get_array(r, &w->nns, sizeof *w->ns, 4 * 4 + 8 * 3 + 3);
    for (size_t k = 0; w->ns && k < w->nns && !r->bad; k++)
        get_namespace(r, &w->ns[k], k);
}

static size_t count_objects(const struct lk_catalog *c)
{
    size_t n = c->nprojects + c->nwh;
    for (size_t i = 0; i < c->nwh; i++) {
        n += c->wh[i].nns;
        for (size_t k = 0; k < c->wh[i].nns; k++)
            n += c->wh[i].ns[k].ntables + c->wh[i].ns[k].nviews;
    }
    return n;
}

int lk_catalog_decode(struct lk_catalog *c, const char **p, const char *end, struct lw_err *err)
{
    struct rd r = {.p = *p, .end = end, .c = c};
    lk_catalog_invalidate(c);
    int64_t wall = (int64_t)get_u64(&r);
    struct lk_cat_server *s = &c->server;
    s->server_id = get_str(&r);
    s->version = get_str(&r);
    s->authz_backend = get_str(&r);
    s->default_project_id = get_str(&r);
    s->service_principal = get_str(&r);
    s->bootstrapped = get_u8(&r);
    s->service_is_instance_admin = get_u8(&r);
    c->projects = get_array(&r, &c->nprojects, sizeof *c->projects, 8);
    for (size_t i = 0; c->projects && i < c->nprojects; i++) {
        c->projects[i].id = get_str(&r);
        c->projects[i].name = get_str(&r);
        if (!r.bad && !c->projects[i].id)
            r.bad = true;
    }
    /* The warehouses array is sized before its namespaces are read, so a failure part-way
     * leaves every pointer either set or NULL for lk_catalog_invalidate to free. */
    c->wh = get_array(&r, &c->nwh, sizeof *c->wh, 9 * 4 + 8 + 2 + 8);
    for (size_t i = 0; c->wh && i < c->nwh && !r.bad; i++)
        get_warehouse(&r, &c->wh[i]);
    c->nobjects = count_objects(c);
    if (!r.bad && c->nobjects > c->o.max_objects) {
        lk_catalog_invalidate(c);
        lw_err_set(err, LW_ENOMEM, "Lakekeeper instance %s: the shared catalog holds more "
                   "than %zu objects, lakeward's bound", c->id, c->o.max_objects);
        memcpy(err->sqlstate, "54000", 6);      /* a bound (program_limit_exceeded) */
        return LW_ENOMEM;
    }
    if (r.bad) {
        lk_catalog_invalidate(c);
        return r.oom ? lw_err_set(err, LW_ENOMEM, "out of memory reading the shared catalog")
                     : lw_err_set(err, LW_EINVAL, "Lakekeeper instance %s: the shared catalog "
                                  "snapshot is truncated or corrupt", c->id);
    }
    c->loaded_wall_ms = wall;
    /* A fresh stamp per decode: perm_catalog rebuilds its index when it changes. */
    c->loaded_at = lw_now_ms();
    if (c->loaded_at == 0)
        c->loaded_at = 1;
    *p = r.p;
    return 0;
}

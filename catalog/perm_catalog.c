/* perm_catalog.c -- the instances' catalog caches and the id <-> human name index over them
 * (perm_catalog.h). The index is two sorted arrays (by kind + id, by kind + name) rebuilt
 * after a load that changed what the caches hold, so a statement that names 100,000 grants
 * does 100,000 binary searches, not scans. */
#include "perm_catalog.h"

#include "cat_snapshot.h"

#include "../server/core/lw_arena.h"
#include "../server/core/lw_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* The snapshot's bytes: this magic, the instance count, then per instance its id (checked
 * against this process's configuration) and lk_catalog_encode's bytes. */
#define SNAP_MAGIC 0x6c77636bu
/* How often a backend looks again while it waits for the catalog process. */
#define WAIT_STEP_MS 20

/* Every string is the index's own copy (its arena), so a lookup never reads a cache that a
 * table scan has reloaded since the index was built: at worst it answers from that build. */
struct entry {
    enum perm_cat_kind kind;
    int inst;
    const char *id, *project_id, *warehouse_id, *namespace_id;
    char *name;
};

struct perm_catalog {
    struct lk_catalog **cat;
    struct lk_client **lk;      /* borrowed */
    int n;
    struct perm_catalog_opts o;
    /* index */
    struct lw_arena arena;
    struct entry *by_id;
    struct entry **by_name;
    size_t nentries, cap;
    int64_t *built_at;          /* per instance: lk_catalog_loaded_at when built */
    size_t *built_objects;      /* per instance: lk_catalog_objects when built */
    const struct cat_snap *snap;    /* the shared catalog; NULL: load Lakekeeper here */
    uint64_t held_generation;   /* the snapshot's generation decoded into cat[] (0: none) */
    int64_t refreshed_for;      /* deadline of the statement that last asked for a refresh */
};

static int index_build(struct perm_catalog *pc, struct lw_err *err);

static const char *const kind_names[] = {
    [PERM_CAT_SERVER] = "server",       [PERM_CAT_PROJECT] = "project",
    [PERM_CAT_WAREHOUSE] = "warehouse", [PERM_CAT_NAMESPACE] = "namespace",
    [PERM_CAT_TABLE] = "table",         [PERM_CAT_VIEW] = "view",
};

/* OpenFGA types of the catalog kinds (lakekeeper-api.md §3.4). */
static const struct {
    const char *type;
    enum perm_cat_kind kind;
} fga_types[] = {
    {"server", PERM_CAT_SERVER},       {"project", PERM_CAT_PROJECT},
    {"warehouse", PERM_CAT_WAREHOUSE}, {"namespace", PERM_CAT_NAMESPACE},
    {"lakekeeper_table", PERM_CAT_TABLE}, {"lakekeeper_view", PERM_CAT_VIEW},
};

const char *perm_cat_kind_name(enum perm_cat_kind k)
{
    return (unsigned)k < sizeof kind_names / sizeof *kind_names ? kind_names[k] : "?";
}

static int get_via_client(void *ctx, struct lk_get *gets, int n, struct lk_stats *st,
                          struct lw_err *err)
{
    return lk_client_get(ctx, gets, n, st, err);
}

struct perm_catalog *perm_catalog_new(struct lk_client **lk, int nlk,
                                      const struct perm_catalog_opts *o)
{
    struct perm_catalog *pc = lw_calloc(1, sizeof *pc);
    if (!pc)
        return NULL;
    pc->o = *o;
    pc->lk = lk;
    lw_arena_init(&pc->arena, (size_t)512 << 20);
    struct lk_catalog_opts co = {o->ttl_ms, o->max_objects, o->concurrency};
    if (nlk > 0 && (!(pc->cat = lw_calloc((size_t)nlk, sizeof *pc->cat)) ||
                    !(pc->built_at = lw_calloc((size_t)nlk, sizeof *pc->built_at)) ||
                    !(pc->built_objects = lw_calloc((size_t)nlk, sizeof *pc->built_objects)))) {
        perm_catalog_free(pc);
        return NULL;
    }
    for (int i = 0; i < nlk; i++) {
        if (!(pc->cat[i] = lk_catalog_new(lk_client_id(lk[i]), get_via_client, lk[i], &co))) {
            perm_catalog_free(pc);
            return NULL;
        }
        pc->n++;
    }
    return pc;
}

static void index_clear(struct perm_catalog *pc)
{
    lw_free(pc->by_id);
    lw_free(pc->by_name);
    pc->by_id = NULL;
    pc->by_name = NULL;
    pc->nentries = pc->cap = 0;
    lw_arena_free(&pc->arena);
    for (int i = 0; i < pc->n; i++)
        pc->built_at[i] = -1;
}

void perm_catalog_free(struct perm_catalog *pc)
{
    if (!pc)
        return;
    for (int i = 0; i < pc->n; i++)
        lk_catalog_free(pc->cat[i]);
    index_clear(pc);
    lw_free(pc->cat);
    lw_free(pc->built_at);
    lw_free(pc->built_objects);
    lw_free(pc);
}

int perm_catalog_count(const struct perm_catalog *pc) { return pc ? pc->n : 0; }
struct lk_catalog *perm_catalog_at(struct perm_catalog *pc, int i) { return pc->cat[i]; }
struct lk_client *perm_catalog_client(struct perm_catalog *pc, int i) { return pc->lk[i]; }

const struct perm_catalog_opts *perm_catalog_options(const struct perm_catalog *pc)
{
    return &pc->o;
}

void perm_catalog_invalidate(struct perm_catalog *pc)
{
    for (int i = 0; i < pc->n; i++)
        lk_catalog_invalidate(pc->cat[i]);
    index_clear(pc);
    pc->held_generation = 0;
}

void perm_catalog_attach_snapshot(struct perm_catalog *pc, const struct cat_snap *snap)
{
    perm_catalog_invalidate(pc);
    pc->snap = snap;
}

const struct cat_snap *perm_catalog_snapshot(const struct perm_catalog *pc)
{
    return pc ? pc->snap : NULL;
}

size_t perm_catalog_objects(const struct perm_catalog *pc)
{
    size_t n = 0;
    for (int i = 0; i < pc->n; i++)
        n += lk_catalog_objects(pc->cat[i]);
    return n;
}

/* ---- the shared snapshot -------------------------------------------------------------- */

static void put_u32(struct lw_buf *b, uint32_t v) { lw_buf_append(b, &v, sizeof v); }

void perm_catalog_encode(const struct perm_catalog *pc, struct lw_buf *b)
{
    put_u32(b, SNAP_MAGIC);
    put_u32(b, (uint32_t)pc->n);
    for (int i = 0; i < pc->n; i++) {
        const char *id = lk_catalog_instance(pc->cat[i]);
        put_u32(b, (uint32_t)strlen(id));
        lw_buf_append(b, id, strlen(id));
        lk_catalog_encode(pc->cat[i], b);
    }
}

static int decode(struct perm_catalog *pc, const char *p, const char *end, struct lw_err *err)
{
    uint32_t hdr[2];
    if ((size_t)(end - p) < sizeof hdr)
        return lw_err_set(err, LW_EINVAL, "the shared catalog snapshot is truncated");
    memcpy(hdr, p, sizeof hdr);
    p += sizeof hdr;
    if (hdr[0] != SNAP_MAGIC || hdr[1] != (uint32_t)pc->n)
        return lw_err_set(err, LW_EINVAL, "the shared catalog snapshot is not this "
                          "configuration's (%u instances, %d configured)", hdr[1], pc->n);
    for (int i = 0; i < pc->n; i++) {
        const char *id = lk_catalog_instance(pc->cat[i]);
        uint32_t len;
        if ((size_t)(end - p) < sizeof len)
            return lw_err_set(err, LW_EINVAL, "the shared catalog snapshot is truncated");
        memcpy(&len, p, sizeof len);
        p += sizeof len;
        if (len != strlen(id) || (size_t)(end - p) < len || memcmp(p, id, len) != 0)
            return lw_err_set(err, LW_EINVAL, "the shared catalog snapshot's instance %d is "
                              "not %s", i, id);
        p += len;
        int rc = lk_catalog_decode(pc->cat[i], &p, end, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static void sleep_ms(int64_t ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Sleeps one step unless that passes the deadline. False: the deadline is here. */
static bool wait_step(int64_t deadline_us)
{
    if (deadline_us && lw_mono_us() + WAIT_STEP_MS * 1000 >= deadline_us)
        return false;
    sleep_ms(WAIT_STEP_MS);
    return true;
}

/* Decodes the published catalog when it is newer than the one held. A view the writer
 * overwrote while it was decoded is decoded again (the writer rewrites a buffer at most once
 * per load, so this is rare). */
static int from_snapshot(struct perm_catalog *pc, int64_t deadline_us, struct lw_err *err)
{
    for (;;) {
        struct cat_snap_state st;
        struct cat_snap_view v;
        cat_snap_get_state(pc->snap, &st);
        if (!st.loaded || !cat_snap_view(pc->snap, &v)) {
            int64_t now = lw_wall_ms();
            /* Nothing to serve: a refused catalog or a failed first load say why at once;
             * a first load still running is waited for. */
            if (st.error[0]) {
                perm_catalog_invalidate(pc);
                int rc = lw_err_set(err, st.refused ? LW_ENOMEM : LW_EIO,
                                    "the shared Lakekeeper catalog is not available: %s",
                                    st.error);
                /* A bound, not a lack of memory: program_limit_exceeded, as lk_catalog says. */
                if (st.refused)
                    memcpy(err->sqlstate, "54000", 6);
                return rc;
            }
            if (!wait_step(deadline_us))
                return lw_err_set(err, LW_ETIMEOUT, "the shared Lakekeeper catalog is still "
                                  "being loaded for the first time (for %lld s); try again "
                                  "later (lakeward.lakeward_state shows its progress)",
                                  (long long)(st.loading_since_ms && now > st.loading_since_ms
                                                  ? (now - st.loading_since_ms) / 1000 : 0));
            continue;
        }
        if (v.generation == pc->held_generation)
            return index_build(pc, err);
        int rc = decode(pc, v.data, v.data + v.len, err);
        if (!cat_snap_view_valid(pc->snap, &v)) {
            perm_catalog_invalidate(pc);
            continue;
        }
        if (rc != 0) {
            perm_catalog_invalidate(pc);
            return rc;
        }
        pc->held_generation = v.generation;
        index_clear(pc);    /* rebuilt from what was decoded, whatever its stamps say */
        return index_build(pc, err);
    }
}

int perm_catalog_refresh(struct perm_catalog *pc, int64_t deadline_us, struct lw_err *err)
{
    if (!pc->snap) {
        perm_catalog_invalidate(pc);
        return 0;
    }
    /* A statement calling it once per row waits for one load, not one per row: its calls
     * share the statement's deadline. */
    if (deadline_us && deadline_us == pc->refreshed_for)
        return 0;
    pc->refreshed_for = deadline_us;
    uint64_t ticket = cat_snap_request_refresh(pc->snap);
    for (;;) {
        struct cat_snap_state st;
        cat_snap_get_state(pc->snap, &st);
        if (st.refresh_done >= ticket) {
            if (st.error[0])
                return lw_err_set(err, LW_EIO, "the catalog reload failed: %s (rows still come "
                                  "from the catalog loaded at the last success)", st.error);
            return 0;
        }
        if (!wait_step(deadline_us))
            return lw_err_set(err, LW_ETIMEOUT, "the catalog reload asked for is still "
                              "running; later statements will see it when it is done");
    }
}

/* ---- index -------------------------------------------------------------------------------- */

static char *copy(struct perm_catalog *pc, const char *s)
{
    return lw_arena_strndup(&pc->arena, s, strlen(s));
}

static int add(struct perm_catalog *pc, const struct entry *e, const char *fmt, ...)
    LW_PRINTF(3, 4);

static int add(struct perm_catalog *pc, const struct entry *e, const char *fmt, ...)
{
    char name[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    if (!e->id)
        return 0;
    if (pc->nentries == pc->cap) {
        size_t cap = pc->cap ? pc->cap * 2 : 256;
        struct entry *p = lw_realloc(pc->by_id, cap * sizeof *p);
        if (!p)
            return LW_ENOMEM;
        pc->by_id = p;
        pc->cap = cap;
    }
    struct entry *d = &pc->by_id[pc->nentries];
    *d = *e;
    if (!(d->name = copy(pc, name)) || !(d->id = copy(pc, e->id)) ||
        (e->project_id && !(d->project_id = copy(pc, e->project_id))) ||
        (e->warehouse_id && !(d->warehouse_id = copy(pc, e->warehouse_id))) ||
        (e->namespace_id && !(d->namespace_id = copy(pc, e->namespace_id))))
        return LW_ENOMEM;
    pc->nentries++;
    return 0;
}

static int cmp_id(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return strcasecmp(x->id, y->id);
}

static int cmp_name(const void *a, const void *b)
{
    const struct entry *x = *(struct entry *const *)a, *y = *(struct entry *const *)b;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return strcasecmp(x->name, y->name);
}

static int index_instance(struct perm_catalog *pc, int inst)
{
    struct lk_catalog *c = pc->cat[inst];
    const struct lk_cat_server *s = lk_catalog_server(c);
    size_t np, nw;
    const struct lk_cat_project *p = lk_catalog_projects(c, &np);
    const struct lk_cat_warehouse *w = lk_catalog_warehouses(c, &nw);
    int rc = add(pc, &(struct entry){PERM_CAT_SERVER, inst, s->server_id, NULL, NULL, NULL, NULL},
                 "%s", s->server_id ? s->server_id : "");
    for (size_t i = 0; rc == 0 && i < np; i++)
        rc = add(pc, &(struct entry){PERM_CAT_PROJECT, inst, p[i].id, p[i].id, NULL, NULL, NULL},
                 "%s", p[i].name ? p[i].name : p[i].id);
    for (size_t i = 0; rc == 0 && i < nw; i++) {
        const struct lk_cat_warehouse *wh = &w[i];
        rc = add(pc, &(struct entry){PERM_CAT_WAREHOUSE, inst, wh->id, wh->project_id, wh->id,
                                     NULL, NULL}, "%s", wh->name);
        for (size_t k = 0; rc == 0 && k < wh->nns; k++) {
            const struct lk_cat_namespace *ns = &wh->ns[k];
            rc = add(pc, &(struct entry){PERM_CAT_NAMESPACE, inst, ns->id, wh->project_id, wh->id,
                                         NULL, NULL}, "%s.%s", wh->name, ns->name);
            for (size_t t = 0; rc == 0 && t < ns->ntables; t++)
                rc = add(pc, &(struct entry){PERM_CAT_TABLE, inst, ns->tables[t].id,
                                             wh->project_id, wh->id, ns->id, NULL},
                         "%s.%s.%s", wh->name, ns->name, ns->tables[t].name);
            for (size_t t = 0; rc == 0 && t < ns->nviews; t++)
                rc = add(pc, &(struct entry){PERM_CAT_VIEW, inst, ns->views[t].id,
                                             wh->project_id, wh->id, ns->id, NULL},
                         "%s.%s.%s", wh->name, ns->name, ns->views[t].name);
        }
    }
    return rc;
}

static int index_build(struct perm_catalog *pc, struct lw_err *err)
{
    bool stale = false;
    for (int i = 0; i < pc->n; i++)
        stale |= pc->built_at[i] != lk_catalog_loaded_at(pc->cat[i]) ||
                 pc->built_objects[i] != lk_catalog_objects(pc->cat[i]);
    if (!stale)
        return 0;
    index_clear(pc);
    for (int i = 0; i < pc->n; i++)
        if (index_instance(pc, i) != 0) {
            index_clear(pc);
            return lw_err_set(err, LW_ENOMEM, "out of memory indexing the catalog");
        }
    if (pc->nentries && !(pc->by_name = lw_malloc(pc->nentries * sizeof *pc->by_name))) {
        index_clear(pc);
        return lw_err_set(err, LW_ENOMEM, "out of memory indexing the catalog");
    }
    if (pc->nentries) {     /* an empty catalog (nothing published yet) has no arrays */
        qsort(pc->by_id, pc->nentries, sizeof *pc->by_id, cmp_id);
        for (size_t i = 0; i < pc->nentries; i++)
            pc->by_name[i] = &pc->by_id[i];
        qsort(pc->by_name, pc->nentries, sizeof *pc->by_name, cmp_name);
    }
    for (int i = 0; i < pc->n; i++) {
        pc->built_at[i] = lk_catalog_loaded_at(pc->cat[i]);
        pc->built_objects[i] = lk_catalog_objects(pc->cat[i]);
    }
    return 0;
}

int perm_catalog_load_all(struct perm_catalog *pc, int64_t deadline_us, struct lw_err *err)
{
    return perm_catalog_load(pc, NULL, deadline_us, err);
}

int perm_catalog_load(struct perm_catalog *pc, const struct lk_cat_scope *s, int64_t deadline_us,
                      struct lw_err *err)
{
    if (pc->snap)
        return from_snapshot(pc, deadline_us, err);
    for (int i = 0; i < pc->n; i++) {
        struct lk_cat_req r = {.deadline_us = deadline_us, .max_calls = pc->o.max_calls};
        int rc = lk_catalog_load(pc->cat[i], s, &r, err);
        if (rc != 0) {
            index_clear(pc);
            return rc;
        }
    }
    return index_build(pc, err);
}

static enum perm_cat_found found(const struct entry *e, struct perm_catalog *pc,
                                 struct perm_cat_object *out)
{
    out->kind = e->kind;
    out->instance = lk_catalog_instance(pc->cat[e->inst]);
    out->id = e->id;
    out->project_id = e->project_id;
    out->warehouse_id = e->warehouse_id;
    out->namespace_id = e->namespace_id;
    snprintf(out->name, sizeof out->name, "%s", e->name);
    return PERM_CAT_FOUND;
}

enum perm_cat_found perm_catalog_find(struct perm_catalog *pc, const char *fga_object,
                                      struct perm_cat_object *out)
{
    memset(out, 0, sizeof *out);
    const char *colon = fga_object ? strchr(fga_object, ':') : NULL;
    if (!colon)
        return PERM_CAT_NOT_CATALOG;
    size_t tlen = (size_t)(colon - fga_object);
    struct entry key = {.id = colon + 1};
    bool known = false;
    for (size_t i = 0; i < sizeof fga_types / sizeof *fga_types; i++)
        if (strlen(fga_types[i].type) == tlen && !strncmp(fga_types[i].type, fga_object, tlen)) {
            key.kind = fga_types[i].kind;
            known = true;
        }
    if (!known)
        return PERM_CAT_NOT_CATALOG;
    /* Tables and views are "<warehouse-uuid>/<uuid>"; their uuid alone is unique. */
    const char *slash = strchr(key.id, '/');
    if (slash && (key.kind == PERM_CAT_TABLE || key.kind == PERM_CAT_VIEW))
        key.id = slash + 1;
    const struct entry *e = pc->nentries
                                ? bsearch(&key, pc->by_id, pc->nentries, sizeof *pc->by_id, cmp_id)
                                : NULL;
    return e ? found(e, pc, out) : PERM_CAT_MISSING;
}

enum perm_cat_found perm_catalog_find_name(struct perm_catalog *pc, enum perm_cat_kind kind,
                                           const char *name, struct perm_cat_object *out)
{
    memset(out, 0, sizeof *out);
    struct entry key = {.kind = kind, .name = (char *)name}, *kp = &key;
    struct entry **e = pc->nentries && name
                           ? bsearch(&kp, pc->by_name, pc->nentries, sizeof *pc->by_name, cmp_name)
                           : NULL;
    return e ? found(*e, pc, out) : PERM_CAT_MISSING;
}

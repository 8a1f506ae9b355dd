/* lk_catalog.h -- one Lakekeeper instance's catalog hierarchy (server, projects, warehouses,
 * namespaces, tables, views) read through lk_client_get and kept as a TTL cache in the
 * process that reads it. Loading is lazy and by level: the top (server info, project list,
 * warehouses of every project) whenever the cache is older than the TTL, a warehouse's
 * namespace tree only when a query needs that warehouse, a namespace's tables and views only
 * when a query needs that namespace. Everything loaded expires with the top, so nothing read
 * is older than the TTL. Every listing is followed through all its pages; requests of one
 * round go out concurrently (opts.concurrency at a time). Bounded: a catalog with more
 * than max_objects objects, or a load needing more than the caller's call budget, fails with
 * a clear error and keeps nothing half-read.
 * Not thread-safe: one catalog belongs to one process. The catalog process loads it whole and
 * publishes it (lk_catalog_encode); each SQL backend decodes that snapshot into its own copy
 * (lk_catalog_decode) instead of loading (docs/architecture-process.md). */
#ifndef LK_CATALOG_H
#define LK_CATALOG_H

#include "lk_client.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The reader of Lakekeeper's API; lk_client_get in production, scripted in unit tests. */
typedef int (*lk_catalog_get_fn)(void *ctx, struct lk_get *gets, int n, struct lk_stats *st,
                                 struct lw_err *err);

struct lk_catalog_opts {
    int64_t ttl_ms;             /* how long loaded levels are used; 0: reloaded per load */
    size_t max_objects;         /* bound on objects held (0: 100,000) */
    int concurrency;            /* listings in flight at once, at most 64 (0: 8) */
};

struct lk_cat_server {
    char *server_id, *version, *authz_backend, *default_project_id;
    char *service_principal;    /* whoami id of lakeward's technical client */
    bool bootstrapped, service_is_instance_admin;
};

struct lk_cat_project {
    char *id, *name;
};

struct lk_cat_tabular {
    char *id, *name;
    bool protected_;
};

struct lk_cat_namespace {
    char *id;
    char *name;                 /* parts joined with '.' */
    char **path;                /* depth parts */
    int depth;
    int parent;                 /* index in the warehouse's namespaces; -1 at the top */
    bool protected_;
    bool tables_loaded;         /* its tables were read */
    bool views_loaded;          /* its views were read */
    struct lk_cat_tabular *tables, *views;
    size_t ntables, nviews;
};

struct lk_cat_warehouse {
    char *id, *name, *project_id, *status, *managed_by, *storage_type, *storage_location,
        *delete_profile, *updated_at;
    int64_t soft_delete_seconds;    /* -1: hard deletion */
    bool protected_;
    bool ns_loaded;             /* the namespace tree was walked */
    struct lk_cat_namespace *ns;
    size_t nns;
};

struct lk_catalog;

/* Which part of the hierarchy a scan needs. NULL lists mean "all". Names compare without
 * case, as Lakekeeper's do. */
struct lk_cat_scope {
    const char *const *warehouse_ids;
    int nwarehouse_ids;
    const char *const *warehouse_names;
    int nwarehouse_names;
    bool namespaces;            /* walk the namespace trees of the warehouses in scope */
    bool tabulars;              /* read tables and views of the namespaces in scope */
    /* With tabulars, leave one listing out: a scan of tables needs no views listing (one
     * Lakekeeper call per namespace, each costing Lakekeeper an authorization check). */
    bool skip_views, skip_tables;
    const char *const *namespace_ids;   /* narrows tabulars (and the namespaces returned) */
    int nnamespace_ids;
    const char *const *namespace_names; /* dotted names, e.g. "finance" or "a.b" */
    int nnamespace_names;
};

/* One load's upstream context: deadline and call budget in, cost out. */
struct lk_cat_req {
    int64_t deadline_us;        /* lw_mono_us bound; 0: none */
    int max_calls;              /* upstream GETs this load may make (0: 2,000) */
    int calls;                  /* out: GETs made */
};

/* id: the instance id (borrowed, must outlive the catalog). NULL on allocation failure. */
struct lk_catalog *lk_catalog_new(const char *id, lk_catalog_get_fn get, void *get_ctx,
                                  const struct lk_catalog_opts *o) LW_MUSTCHECK;
void lk_catalog_free(struct lk_catalog *c);
const char *lk_catalog_instance(const struct lk_catalog *c);

/* Makes sure everything in scope is loaded and not older than the TTL (reloading all levels
 * when the top expired). 0, or an error naming the call or bound that failed; on error the
 * cache holds only what was complete before. */
int lk_catalog_load(struct lk_catalog *c, const struct lk_cat_scope *s, struct lk_cat_req *r,
                    struct lw_err *err) LW_MUSTCHECK;
/* Drops everything, so the next load reads Lakekeeper again. */
void lk_catalog_invalidate(struct lk_catalog *c);
/* lw_now_ms time of the top level's load; 0 when nothing is loaded. */
int64_t lk_catalog_loaded_at(const struct lk_catalog *c);
/* The same moment as wall-clock milliseconds since 1970 (for display); 0: nothing loaded. */
int64_t lk_catalog_loaded_wall_ms(const struct lk_catalog *c);
/* Objects held (projects + warehouses + namespaces + tables + views). */
size_t lk_catalog_objects(const struct lk_catalog *c);

/* The loaded state, valid until the next load or invalidate. */
const struct lk_cat_server *lk_catalog_server(const struct lk_catalog *c);
const struct lk_cat_project *lk_catalog_projects(const struct lk_catalog *c, size_t *n);
struct lk_cat_warehouse *lk_catalog_warehouses(const struct lk_catalog *c, size_t *n);

/* The loaded state as bytes, for the shared snapshot (cat_snapshot.h): appended to b, whose
 * cap bounds the size (b->failed past it). lk_catalog_codec.c describes the layout. */
struct lw_buf;
void lk_catalog_encode(const struct lk_catalog *c, struct lw_buf *b);
/* Replaces c's contents with one catalog lk_catalog_encode wrote, read from *p (advanced past
 * it, never beyond end): every level counts as loaded, loaded_at is now, loaded_wall_ms the
 * writer's. Truncated or inconsistent bytes: LW_EINVAL; more than max_objects: LW_ENOMEM;
 * either way c is left empty. */
int lk_catalog_decode(struct lk_catalog *c, const char **p, const char *end,
                      struct lw_err *err) LW_MUSTCHECK;

/* True when the warehouse (by id or name) / namespace (by id or dotted name) matches s. */
bool lk_cat_scope_warehouse(const struct lk_cat_scope *s, const struct lk_cat_warehouse *w);
bool lk_cat_scope_namespace(const struct lk_cat_scope *s, const struct lk_cat_namespace *n);

/* Renders path parts as Lakekeeper's URL form (parts joined with %1F, every byte but
 * A-Za-z0-9-_.~ percent-encoded). Returns a string to lw_free, or NULL without memory. */
char *lk_cat_ns_url(char *const *path, int depth) LW_MUSTCHECK;

#endif

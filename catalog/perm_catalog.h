/* perm_catalog.h -- the catalog of every configured Lakekeeper instance as the permission
 * tables use it: one lk_catalog (TTL cache, lk_catalog.h) per instance, plus lookups between
 * OpenFGA object ids and human names for the tables that show grants and permissions:
 *     warehouse:<uuid>                      -> "demo"
 *     namespace:<uuid>                      -> "demo.finance"
 *     lakekeeper_table:<wh-uuid>/<uuid>     -> "demo.finance.revenue" (also <uuid> alone)
 *     lakekeeper_view:<wh-uuid>/<uuid>      -> "demo.finance.v"
 *     project:<id>                          -> the project's name
 *     server:<id>                           -> the server id (a server has no name)
 * Roles and users are not catalog objects: perm_catalog_find says PERM_CAT_NOT_CATALOG.
 * Use: perm_catalog_load_all once per statement (cheap while the cache is fresh), then any
 * number of perm_catalog_find / perm_catalog_find_name, valid until the next load.
 * Two sources: by itself it loads Lakekeeper (lazily, by level) in the process that calls it;
 * with a shared snapshot attached (perm_catalog_attach_snapshot, every SQL backend) a load
 * only decodes the catalog the catalog process last published (server/pg_catalog_cache.h),
 * whole, when its generation is newer than the one held, and never calls Lakekeeper. */
#ifndef PERM_CATALOG_H
#define PERM_CATALOG_H

#include "lk_catalog.h"

struct perm_catalog;

struct perm_catalog_opts {
    int64_t ttl_ms;             /* catalog_cache_ttl_ms */
    size_t max_objects;         /* per instance (0: 100,000) */
    int max_calls;              /* upstream GETs per load (0: 2,000) */
    int concurrency;            /* catalog_concurrency: listings in flight (0: 8) */
    const char *fga_store_id, *fga_model_id;    /* shown by lakekeeper_server (borrowed) */
};

/* The catalogs of lk[0..nlk) (borrowed clients, read with lk_client_get). NULL when out of
 * memory. */
struct perm_catalog *perm_catalog_new(struct lk_client **lk, int nlk,
                                      const struct perm_catalog_opts *o) LW_MUSTCHECK;
void perm_catalog_free(struct perm_catalog *pc);

/* For the tables: the instances' catalogs, load budget and TTL. */
int perm_catalog_count(const struct perm_catalog *pc);
struct lk_catalog *perm_catalog_at(struct perm_catalog *pc, int i);
struct lk_client *perm_catalog_client(struct perm_catalog *pc, int i);
const struct perm_catalog_opts *perm_catalog_options(const struct perm_catalog *pc);
/* Drops every instance's cache. */
void perm_catalog_invalidate(struct perm_catalog *pc);

/* From now on loads read the shared snapshot (borrowed; NULL: Lakekeeper again). */
struct cat_snap;
void perm_catalog_attach_snapshot(struct perm_catalog *pc, const struct cat_snap *snap);
const struct cat_snap *perm_catalog_snapshot(const struct perm_catalog *pc);
/* lakeward.catalog_refresh: without a snapshot, drops the caches; with one, asks the catalog
 * process for a load starting now and waits (until deadline_us) for it to be published. 0,
 * or that load's failure, or LW_ETIMEOUT when it is still running at the deadline (it then
 * goes on, and later statements see it). Called again with the same deadline (the same
 * statement, once per row) it returns at once. */
int perm_catalog_refresh(struct perm_catalog *pc, int64_t deadline_us,
                         struct lw_err *err) LW_MUSTCHECK;

/* Every instance's catalog as bytes for the shared snapshot, appended to b (whose cap
 * bounds it: b->failed past it). Loaded state only: load first. */
struct lw_buf;
void perm_catalog_encode(const struct perm_catalog *pc, struct lw_buf *b);
/* Objects held by every instance together. */
size_t perm_catalog_objects(const struct perm_catalog *pc);

/* Makes every instance's whole catalog present (from the cache when fresher than the TTL, or
 * from the shared snapshot). 0, or the first instance's failure (a bound, a deadline, an
 * upstream error). With a snapshot but none published yet (the catalog process's first
 * load), it waits until one is or until deadline_us (LW_ETIMEOUT), and fails at once with the
 * catalog process's error when its last load failed; a refused catalog (over a bound) fails
 * with that bound's error. */
int perm_catalog_load_all(struct perm_catalog *pc, int64_t deadline_us,
                          struct lw_err *err) LW_MUSTCHECK;
/* The same for the part of every instance's catalog that s names (lk_catalog.h; NULL:
 * everything): lookups then find what any load so far has brought in and not expired. */
int perm_catalog_load(struct perm_catalog *pc, const struct lk_cat_scope *s, int64_t deadline_us,
                      struct lw_err *err) LW_MUSTCHECK;

enum perm_cat_found {
    PERM_CAT_FOUND,         /* exists in a loaded catalog */
    PERM_CAT_MISSING,       /* a catalog type, but no loaded catalog has that id */
    PERM_CAT_NOT_CATALOG,   /* role:, user:, or a type that is not a catalog object */
};

/* Object kinds, as the tables' object_type column spells them. */
enum perm_cat_kind {
    PERM_CAT_SERVER,
    PERM_CAT_PROJECT,
    PERM_CAT_WAREHOUSE,
    PERM_CAT_NAMESPACE,
    PERM_CAT_TABLE,
    PERM_CAT_VIEW,
};
const char *perm_cat_kind_name(enum perm_cat_kind k);   /* "server", ..., "view" */

struct perm_cat_object {
    enum perm_cat_kind kind;
    const char *instance;       /* Lakekeeper instance id */
    const char *id;             /* native id (uuid, project id, server id) */
    const char *project_id;     /* NULL for the server */
    const char *warehouse_id;   /* NULL above warehouse level */
    const char *namespace_id;   /* tables and views */
    char name[1024];            /* human name, see above */
};

/* Looks an OpenFGA object ("type:id") up in the loaded catalogs. Strings in *out are
 * borrowed from the index (valid until the next perm_catalog_load_all or invalidate; a table
 * scan reloading an instance's cache meanwhile does not touch them). */
enum perm_cat_found perm_catalog_find(struct perm_catalog *pc, const char *fga_object,
                                      struct perm_cat_object *out);
/* The other way: kind + human name ("demo.finance.revenue", without case) to the object. */
enum perm_cat_found perm_catalog_find_name(struct perm_catalog *pc, enum perm_cat_kind kind,
                                           const char *name, struct perm_cat_object *out);

#endif

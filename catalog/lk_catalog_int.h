/* lk_catalog_int.h -- the inside of struct lk_catalog, shared by the loader (lk_catalog.c) and
 * its serialization for the shared snapshot (lk_catalog_codec.c); nothing else includes it. */
#ifndef LK_CATALOG_INT_H
#define LK_CATALOG_INT_H

#include "lk_catalog.h"

#include "../server/core/lw_arena.h"

#define LK_CAT_ARENA_MAX ((size_t)256 << 20)

struct lk_catalog {
    const char *id;
    lk_catalog_get_fn get;
    void *get_ctx;
    struct lk_catalog_opts o;
    struct lw_arena arena;
    int64_t loaded_at;          /* lw_now_ms of the top level's load; 0: nothing */
    int64_t loaded_wall_ms;     /* lw_wall_ms of the same moment */
    size_t nobjects;
    struct lk_cat_server server;
    struct lk_cat_project *projects;
    size_t nprojects;
    struct lk_cat_warehouse *wh;
    size_t nwh;
};

#endif

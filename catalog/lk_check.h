/* lk_check.h -- one item of Lakekeeper's POST /management/v1/action/batch-check, typed,
 * and its rendering as the exact JSON the bridge sends (opa-bridge-spec.md §3.5). */
#ifndef LK_CHECK_H
#define LK_CHECK_H

#include "../server/core/lw.h"

#include <jansson.h>

enum lk_object { LK_OBJ_WAREHOUSE, LK_OBJ_NAMESPACE, LK_OBJ_TABLE, LK_OBJ_VIEW };

struct lk_check {
    enum lk_object object;
    const char *action;         /* e.g. "read_data" */
    json_t *action_extra;       /* object whose keys join the action object, or NULL (borrowed) */
    const char *warehouse_id;
    json_t *ns;                 /* namespace as a JSON array of strings; NULL for warehouse */
    const char *name;           /* table or view name; NULL otherwise */
    const char *principal;      /* "oidc~<user>" */
};

/* Renders c as compact JSON with a fixed key order (so equal checks render equal strings).
 * Returns a string the caller frees with lw_free, or NULL on allocation failure. */
char *lk_check_render(const struct lk_check *c) LW_MUSTCHECK;
const char *lk_object_name(enum lk_object o);

#endif

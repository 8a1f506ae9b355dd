/* lk_check.c -- renders batch-check items. The view's name goes in key "table", as the
 * bridge sends it (Lakekeeper accepts "table" with "view" as an alias). */
#include "lk_check.h"

#include <string.h>

const char *lk_object_name(enum lk_object o)
{
    switch (o) {
    case LK_OBJ_WAREHOUSE: return "warehouse";
    case LK_OBJ_NAMESPACE: return "namespace";
    case LK_OBJ_TABLE: return "table";
    case LK_OBJ_VIEW: return "view";
    }
    return "unknown";
}

char *lk_check_render(const struct lk_check *c)
{
    json_t *action = json_object(), *target = json_object(), *op = json_object();
    json_t *identity = json_object(), *item = json_object();
    char *out = NULL;
    const char *key;
    json_t *v;

    if (!action || !target || !op || !identity || !item)
        goto done;
    json_object_set_new(action, "action", json_string(c->action));
    if (json_is_object(c->action_extra)) {
        json_object_foreach(c->action_extra, key, v)
            json_object_set(action, key, v);
    }
    json_object_set(target, "action", action);
    json_object_set_new(target, "warehouse-id", json_string(c->warehouse_id));
    if (c->object != LK_OBJ_WAREHOUSE && c->ns)
        json_object_set(target, "namespace", c->ns);
    if ((c->object == LK_OBJ_TABLE || c->object == LK_OBJ_VIEW) && c->name)
        json_object_set_new(target, "table", json_string(c->name));
    json_object_set(op, lk_object_name(c->object), target);
    json_object_set_new(identity, "user", json_string(c->principal));
    json_object_set(item, "operation", op);
    json_object_set(item, "identity", identity);
    /* jansson allocates through lw_malloc (lw_alloc_install_json), so lw_free frees it. */
    out = json_dumps(item, JSON_COMPACT | JSON_PRESERVE_ORDER);
done:
    json_decref(action);
    json_decref(target);
    json_decref(op);
    json_decref(identity);
    json_decref(item);
    return out;
}

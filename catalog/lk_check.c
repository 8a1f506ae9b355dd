/* lk_check.c -- renders batch-check items. The view's name goes in key "table", as the
 * bridge sends it (Lakekeeper accepts "table" with "view" as an alias). */
#include "lk_check.h"

#include "../server/core/lw_buf.h"

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

/* Hand-rendered with lw_buf (this runs for every check of every decision; building jansson
 * objects and dumping them cost several times more). Only the rare action_extra (create and
 * commit properties) goes through json_dumps. */
char *lk_check_render(const struct lk_check *c)
{
    struct lw_buf b;
    size_t i;
    json_t *v;

    lw_buf_init(&b, 1 << 24);
    lw_buf_puts(&b, "{\"operation\":{");
    lw_buf_json_str(&b, lk_object_name(c->object));
    lw_buf_puts(&b, ":{\"action\":{\"action\":");
    lw_buf_json_str(&b, c->action);
    if (json_is_object(c->action_extra) && json_object_size(c->action_extra) > 0) {
        char *extra = json_dumps(c->action_extra, JSON_COMPACT | JSON_PRESERVE_ORDER);
        /* "{...}" -> ",..." appended inside the action object */
        if (!extra || extra[0] != '{') {
            b.failed = true;
        } else if (extra[1] != '}') {
            lw_buf_putc(&b, ',');
            lw_buf_append(&b, extra + 1, strlen(extra) - 2);
        }
        lw_free(extra);
    }
    lw_buf_puts(&b, "},\"warehouse-id\":");
    lw_buf_json_str(&b, c->warehouse_id ? c->warehouse_id : "");
    if (c->object != LK_OBJ_WAREHOUSE && json_is_array(c->ns)) {
        lw_buf_puts(&b, ",\"namespace\":[");
        json_array_foreach(c->ns, i, v) {
            if (i)
                lw_buf_putc(&b, ',');
            lw_buf_json_str(&b, json_is_string(v) ? json_string_value(v) : "");
        }
        lw_buf_putc(&b, ']');
    }
    if ((c->object == LK_OBJ_TABLE || c->object == LK_OBJ_VIEW) && c->name) {
        lw_buf_puts(&b, ",\"table\":");
        lw_buf_json_str(&b, c->name);
    }
    lw_buf_puts(&b, "}},\"identity\":{\"user\":");
    lw_buf_json_str(&b, c->principal ? c->principal : "");
    lw_buf_puts(&b, "}}");
    return lw_buf_take(&b);
}

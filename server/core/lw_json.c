/* lw_json.c -- dumping jansson values straight into an lw_buf (no intermediate string). */
#include "lw_json.h"

static int append(const char *buf, size_t size, void *data)
{
    struct lw_buf *b = data;
    lw_buf_append(b, buf, size);
    return b->failed ? -1 : 0;
}

void lw_buf_put_json(struct lw_buf *b, const json_t *v)
{
    if (!v)
        lw_buf_puts(b, "null");
    else if (json_dump_callback(v, append, b, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY) != 0)
        b->failed = true;
}

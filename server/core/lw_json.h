/* lw_json.h -- jansson values written into an lw_buf (compact, key order kept). */
#ifndef LW_JSON_H
#define LW_JSON_H

#include "lw_buf.h"

#include <jansson.h>

/* Appends v as compact JSON ("null" for NULL); a failure sets b->failed. */
void lw_buf_put_json(struct lw_buf *b, const json_t *v);

#endif

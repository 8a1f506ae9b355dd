/* lw_buf.h -- a growable byte buffer with a hard cap. Appends past the cap (or a failed
 * allocation) set a sticky `failed` flag instead of returning an error each time, so a
 * whole message is built and checked once. Always NUL-terminated when not failed. */
#ifndef LW_BUF_H
#define LW_BUF_H

#include "lw.h"

struct lw_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max;   /* hard limit on len */
    bool failed;
};

void lw_buf_init(struct lw_buf *b, size_t max);
void lw_buf_free(struct lw_buf *b);
void lw_buf_reset(struct lw_buf *b);
/* Makes room for n more bytes at once (one allocation where appends would grow it step by
 * step); past the cap or without memory it sets `failed`, as an append of n bytes would. */
void lw_buf_reserve(struct lw_buf *b, size_t n);
void lw_buf_append(struct lw_buf *b, const void *p, size_t n);
void lw_buf_puts(struct lw_buf *b, const char *s);
void lw_buf_putc(struct lw_buf *b, char c);
void lw_buf_printf(struct lw_buf *b, const char *fmt, ...) LW_PRINTF(2, 3);
/* Appends v in decimal, as "%lld" would, without the printf machinery (hot paths). */
void lw_buf_put_int(struct lw_buf *b, long long v);
/* Appends s as a JSON string literal (with quotes and escapes). The output is valid UTF-8
 * even when s is not: bytes that do not form a well-formed sequence become U+FFFD. */
void lw_buf_json_str(struct lw_buf *b, const char *s);
/* Appends s percent-encoded for a URL query or form value ('+' for space when form). */
void lw_buf_urlencode(struct lw_buf *b, const char *s, bool form);
/* Hands the data to the caller (who lw_free()s it) and resets b. NULL if failed. */
char *lw_buf_take(struct lw_buf *b) LW_MUSTCHECK;

#endif

/* lw_buf.c -- bounded growable buffer with a sticky failure flag (see lw_buf.h). */
#include "lw_buf.h"

#include <stdio.h>
#include <string.h>

void lw_buf_init(struct lw_buf *b, size_t max)
{
    memset(b, 0, sizeof *b);
    b->max = max;
}

void lw_buf_free(struct lw_buf *b)
{
    lw_free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void lw_buf_reset(struct lw_buf *b)
{
    b->len = 0;
    b->failed = false;
    if (b->data)
        b->data[0] = '\0';
}

static bool grow(struct lw_buf *b, size_t extra)
{
    size_t need, ncap;
    char *nd;
    if (b->failed)
        return false;
    if (extra > b->max || b->len > b->max - extra) {
        b->failed = true;
        return false;
    }
    need = b->len + extra + 1;
    if (need <= b->cap)
        return true;
    ncap = b->cap ? b->cap : 256;
    while (ncap < need)
        ncap *= 2;
    nd = lw_realloc(b->data, ncap);
    if (!nd) {
        b->failed = true;
        return false;
    }
    b->data = nd;
    b->cap = ncap;
    return true;
}

void lw_buf_append(struct lw_buf *b, const void *p, size_t n)
{
    if (!grow(b, n))
        return;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void lw_buf_reserve(struct lw_buf *b, size_t n)
{
    if (grow(b, n))
        b->data[b->len] = '\0';    /* stays a string while nothing is appended */
}

void lw_buf_puts(struct lw_buf *b, const char *s)
{
    lw_buf_append(b, s, strlen(s));
}

void lw_buf_putc(struct lw_buf *b, char c)
{
    lw_buf_append(b, &c, 1);
}

void lw_buf_put_int(struct lw_buf *b, long long v)
{
    char tmp[24], *p = tmp + sizeof tmp;
    /* Digits of the magnitude as unsigned, so LLONG_MIN needs no special case. */
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    lw_buf_append(b, p, (size_t)(tmp + sizeof tmp - p));
}

void lw_buf_printf(struct lw_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    size_t room;
    if (b->failed)
        return;
    /* Format straight into the spare capacity; only a result that does not fit is
     * formatted a second time after growing. */
    room = b->cap > b->len ? b->cap - b->len : 0;
    va_start(ap, fmt);
    n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if ((size_t)n >= room) {
        if (!grow(b, (size_t)n))
            return;
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    if (b->len + (size_t)n > b->max) {
        b->failed = true;
        return;
    }
    b->len += (size_t)n;
}

/* ASCII bytes that JSON strings may carry as they are. */
static bool json_plain(unsigned char c)
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/* Length of the well-formed UTF-8 sequence starting at p (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), or 0. p is NUL-terminated, and NUL is never a
 * continuation byte, so a sequence cut by the end of the string is simply not well formed. */
static size_t utf8_len(const unsigned char *p)
{
    /* Lead byte ranges: total length and the allowed range of the second byte. */
    static const struct {
        unsigned char lo, hi, len, second_lo, second_hi;
    } leads[] = {
        {0xC2, 0xDF, 2, 0x80, 0xBF}, {0xE0, 0xE0, 3, 0xA0, 0xBF}, {0xE1, 0xEC, 3, 0x80, 0xBF},
        {0xED, 0xED, 3, 0x80, 0x9F}, {0xEE, 0xEF, 3, 0x80, 0xBF}, {0xF0, 0xF0, 4, 0x90, 0xBF},
        {0xF1, 0xF3, 4, 0x80, 0xBF}, {0xF4, 0xF4, 4, 0x80, 0x8F},
    };
    for (size_t k = 0; k < sizeof leads / sizeof leads[0]; k++) {
        if (p[0] < leads[k].lo || p[0] > leads[k].hi)
            continue;
        if (p[1] < leads[k].second_lo || p[1] > leads[k].second_hi)
            return 0;
        for (size_t i = 2; i < leads[k].len; i++)
            if ((p[i] & 0xC0) != 0x80)
                return 0;
        return leads[k].len;
    }
    return 0;
}

/* Escapes s as a JSON string. The output is always valid UTF-8: a byte that does not start a
 * well-formed sequence (invalid input, or a sequence cut by truncation) becomes U+FFFD. */
void lw_buf_json_str(struct lw_buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    lw_buf_putc(b, '"');
    while (*p) {
        const unsigned char *run = p;
        size_t n;
        while (*p && json_plain(*p))
            p++;
        if (p > run)
            lw_buf_append(b, run, (size_t)(p - run));
        if (!*p)
            break;
        if (*p >= 0x80) {
            n = utf8_len(p);
            if (n > 0) {
                lw_buf_append(b, p, n);
                p += n;
            } else {
                lw_buf_append(b, "\\ufffd", 6);
                p++;
            }
            continue;
        }
        switch (*p) {
        case '"': lw_buf_append(b, "\\\"", 2); break;
        case '\\': lw_buf_append(b, "\\\\", 2); break;
        case '\n': lw_buf_append(b, "\\n", 2); break;
        case '\r': lw_buf_append(b, "\\r", 2); break;
        case '\t': lw_buf_append(b, "\\t", 2); break;
        default: {
            char e[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
            lw_buf_append(b, e, 6);
        }
        }
        p++;
    }
    lw_buf_putc(b, '"');
}

void lw_buf_urlencode(struct lw_buf *b, const char *s, bool form)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            lw_buf_putc(b, (char)c);
        } else if (c == ' ' && form) {
            lw_buf_putc(b, '+');
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            lw_buf_append(b, e, 3);
        }
    }
}

char *lw_buf_take(struct lw_buf *b)
{
    char *d;
    if (b->failed) {
        lw_buf_free(b);
        b->failed = false;
        return NULL;
    }
    if (!b->data)
        grow(b, 0);
    d = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return d;
}

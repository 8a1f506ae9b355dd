/* sql_type_io.c -- text input and output, comparison, hashing and casts of the registered
 * types (sql_type_io.h), matching PostgreSQL 15's output with DateStyle ISO, IntervalStyle
 * postgres, TimeZone UTC and extra_float_digits 1. */
#include "sql_type_io.h"

#include "../server/core/lw_arena.h"
#include "sql_value.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define US_PER_DAY 86400000000LL
#define CLIP(len) ((int)((len) > 120 ? 120 : (len)))

static const char *tname(uint32_t oid)
{
    const struct sql_type *t = sql_type_get(oid);
    return t ? t->sql_name : "unknown";
}

static int bad_syntax(struct sql_error *err, uint32_t oid, const char *s, size_t len)
{
    bool dt = oid == SQL_OID_TIMESTAMPTZ || oid == SQL_OID_TIMESTAMP || oid == SQL_OID_DATE ||
              oid == SQL_OID_TIME || oid == SQL_OID_INTERVAL;
    return sql_error_set(err, dt ? "22007" : "22P02", "invalid input syntax for type %s: \"%.*s\"",
                         tname(oid), CLIP(len), s);
}

static int nomem(struct lw_arena *arena, struct sql_error *err)
{
    if (arena && arena->exceeded)
        return sql_error_set(err, "54000", "query needs more memory than its bound of %zu bytes",
                             arena->max);
    return sql_error_set(err, "53200", "out of memory");
}

static void set_text(struct sql_value *out, const char *p, size_t len)
{
    out->type = SQL_V_TEXT;
    out->u.s.p = p;
    out->u.s.len = len;
}

/* --- bool ----------------------------------------------------------------------------- */

int sql_io_bool_in(const char *s, size_t len, uint32_t oid, struct lw_arena *arena,
                   struct sql_value *out, struct sql_error *err)
{
    const char *t = s;
    size_t tl = len;
    (void)arena;
    sql_trim(&t, &tl);
    out->type = SQL_V_BOOL;
    if (!sql_parse_bool(t, tl, &out->u.b))
        return bad_syntax(err, oid, s, len);
    return 0;
}

void sql_io_bool_out(const struct sql_value *v, uint32_t oid, struct lw_buf *b)
{
    (void)oid;
    lw_buf_putc(b, v->u.b ? 't' : 'f');
}

int sql_io_bool_cmp(const struct sql_value *a, const struct sql_value *b)
{
    return (int)a->u.b - (int)b->u.b;
}

uint64_t sql_io_bool_hash(const struct sql_value *v)
{
    return v->u.b ? 0x9e3779b97f4a7c15ull : 0x51afd7ed558ccd4full;
}

/* --- integers and OIDs ---------------------------------------------------------------- */

static bool is_oid_type(uint32_t oid)
{
    return oid == SQL_OID_OID || oid == SQL_OID_REGCLASS || oid == SQL_OID_REGTYPE ||
           oid == SQL_OID_REGPROC || oid == SQL_OID_REGPROCEDURE || oid == SQL_OID_REGNAMESPACE;
}

/* Range of the integer types; OIDs are unsigned 32-bit (input also takes -2^31.. as
 * PostgreSQL's oidin does, wrapping negatives). */
static bool int_range(uint32_t oid, int64_t v)
{
    switch (oid) {
    case SQL_OID_INT2: return v >= INT16_MIN && v <= INT16_MAX;
    case SQL_OID_INT4: return v >= INT32_MIN && v <= INT32_MAX;
    case SQL_OID_INT8: return true;
    default: return v >= 0 && v <= UINT32_MAX;
    }
}

static int int_out_of_range(struct sql_error *err, uint32_t oid, const char *s, size_t len)
{
    if (is_oid_type(oid))
        return sql_error_set(err, "22003", "value \"%.*s\" is out of range for type oid",
                             CLIP(len), s);
    return sql_error_set(err, "22003", "value \"%.*s\" is out of range for type %s", CLIP(len),
                         s, tname(oid));
}

static sql_reg_in_fn reg_in;
static sql_reg_out_fn reg_out;
static _Thread_local const struct sql_tables *reg_tables;

void sql_type_set_reg_hooks(sql_reg_in_fn in, sql_reg_out_fn out)
{
    reg_in = in;
    reg_out = out;
}

void sql_type_set_reg_tables(const struct sql_tables *t)
{
    reg_tables = t;
}

int sql_io_int_in(const char *s, size_t len, uint32_t oid, struct lw_arena *arena,
                  struct sql_value *out, struct sql_error *err)
{
    const char *t = s;
    size_t tl = len;
    bool overflow;
    (void)arena;
    sql_trim(&t, &tl);
    out->type = SQL_V_INT;
    if (!sql_parse_int(t, tl, &out->u.i, &overflow)) {
        if (is_oid_type(oid) && oid != SQL_OID_OID && reg_in && reg_tables) {
            uint32_t o;
            if (reg_in(reg_tables, oid, s, len, &o, err) != 0)
                return LW_EINVAL;
            out->u.i = o;
            return 0;
        }
        if (is_oid_type(oid) && oid != SQL_OID_OID)
            return sql_error_set(err, "0A000", "input of type %s by name is not supported "
                                 "yet", tname(oid));
        return bad_syntax(err, is_oid_type(oid) ? SQL_OID_OID : oid, s, len);
    }
    if (is_oid_type(oid) && !overflow && out->u.i < 0 && out->u.i >= INT32_MIN)
        out->u.i += 4294967296LL;
    if (overflow || !int_range(oid, out->u.i))
        return int_out_of_range(err, oid, s, len);
    return 0;
}

void sql_io_int_out(const struct sql_value *v, uint32_t oid, struct lw_buf *b)
{
    const struct sql_type *t;
    /* regtype prints the type's name; the other reg* types print their number until the
     * catalogs (sql_catalog*.c) provide names, PostgreSQL's fallback for unknown OIDs. */
    if (is_oid_type(oid) && oid != SQL_OID_OID && reg_out && reg_tables) {
        reg_out(reg_tables, oid, (uint32_t)v->u.i, b);
        return;
    }
    if (oid == SQL_OID_REGTYPE && (t = sql_type_get((uint32_t)v->u.i)) != NULL) {
        lw_buf_puts(b, t->sql_name);
        return;
    }
    lw_buf_put_int(b, (long long)v->u.i);   /* every int column of every row: no format parsing */
}

int sql_io_int_cmp(const struct sql_value *a, const struct sql_value *b)
{
    return (a->u.i > b->u.i) - (a->u.i < b->u.i);
}

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

uint64_t sql_io_int_hash(const struct sql_value *v)
{
    return mix64((uint64_t)v->u.i);
}

/* --- floats --------------------------------------------------------------------------- */

int sql_io_float_in(const char *s, size_t len, uint32_t oid, struct lw_arena *arena,
                    struct sql_value *out, struct sql_error *err)
{
    const char *t = s;
    size_t tl = len;
    bool overflow;
    (void)arena;
    sql_trim(&t, &tl);
    out->type = SQL_V_FLOAT;
    if (!sql_parse_float(t, tl, &out->u.f, &overflow))
        return bad_syntax(err, oid, s, len);
    if (oid == SQL_OID_FLOAT4 && !overflow && !isinf(out->u.f) && isinf((float)out->u.f))
        overflow = true;
    if (overflow)
        return sql_error_set(err, "22003", "\"%.*s\" is out of range for type %s", CLIP(tl), t,
                             tname(oid));
    if (oid == SQL_OID_FLOAT4)
        out->u.f = (float)out->u.f;
    return 0;
}

/* float4: the shortest text reading back as the same float, exponent notation from 1e6. */
static void format_float4(float f, struct lw_buf *b)
{
    char tmp[48];
    int p, exp;
    if (isnan(f) || isinf(f) || f == 0) {
        sql_format_float8(f, b);
        return;
    }
    for (p = 1; p < 9; p++) {
        snprintf(tmp, sizeof tmp, "%.*e", p - 1, (double)f);
        if (strtof(tmp, NULL) == f)
            break;
    }
    snprintf(tmp, sizeof tmp, "%.*e", p - 1, (double)f);
    exp = (int)strtol(strchr(tmp, 'e') + 1, NULL, 10);  /* "%e" always writes an exponent */
    if (exp < -4 || exp >= 6) {
        lw_buf_puts(b, tmp);
        return;
    }
    lw_buf_printf(b, "%.*f", p - 1 - exp > 0 ? p - 1 - exp : 0, (double)f);
}

void sql_io_float_out(const struct sql_value *v, uint32_t oid, struct lw_buf *b)
{
    if (oid == SQL_OID_FLOAT4)
        format_float4((float)v->u.f, b);
    else
        sql_format_float8(v->u.f, b);
}

int sql_io_float_cmp(const struct sql_value *a, const struct sql_value *b)
{
    double x = a->u.f, y = b->u.f;
    if (isnan(x) || isnan(y))
        return isnan(x) - isnan(y);
    return (x > y) - (x < y);
}

uint64_t sql_io_float_hash(const struct sql_value *v)
{
    double f = v->u.f;
    uint64_t bits;
    if (f == 0)
        f = 0;          /* -0 and 0 are equal */
    if (isnan(f))
        return 0x7ff8ull;
    memcpy(&bits, &f, sizeof bits);
    return mix64(bits);
}

/* --- strings -------------------------------------------------------------------------- */

int sql_io_text_in(const char *s, size_t len, uint32_t oid, struct lw_arena *arena,
                   struct sql_value *out, struct sql_error *err)
{
    (void)oid;
    (void)arena;
    (void)err;
    set_text(out, s, len);
    return 0;
}

void sql_io_text_out(const struct sql_value *v, uint32_t oid, struct lw_buf *b)
{
    (void)oid;
    if (v->type == SQL_V_TEXT)
        lw_buf_append(b, v->u.s.p, v->u.s.len);
}

/* name: at most 63 bytes, cut on a character boundary (PostgreSQL's NAMEDATALEN - 1). */
static size_t name_len(const char *s, size_t len)
{
    if (len <= 63)
        return len;
    len = 63;
    while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
        len--;
    return len;
}

int sql_io_name_in(const char *s, size_t len, uint32_t oid, struct lw_arena *arena,
                   struct sql_value *out, struct sql_error *err)
{
    (void)oid;
    (void)arena;
    (void)err;
    set_text(out, s, name_len(s, len));
    return 0;
}

/* Every byte value once, so that a "char" made from a number or an escape can point at
 * its byte without an allocation. */
#define B4(n) n, n + 1, n + 2, n + 3
#define B16(n) B4(n), B4(n + 4), B4(n + 8), B4(n + 12)
#define B64(n) B16(n), B16(n + 16), B16(n + 32), B16(n + 48)
static const unsigned char byte_values[256] = {B64(0), B64(64), B64(128), B64(192)};

static void set_char(struct sql_value *out, unsigned char c)
{
    set_text(out, (const char *)&byte_values[c], c ? 1 : 0);  /* \0 is the empty "char" */
}

static bool is_octal(char c)
{
    return c >= '0' && c <= '7';
}

/* "char" (charin): "\ooo" is that byte, anything else its first byte, '' the zero byte. */
int sql_io_char_in(const char *s, size_t len, uint32_t oid, struct lw_arena *arena,
                   struct sql_value *out, struct sql_error *err)
{
    (void)oid;
    (void)arena;
    (void)err;
    if (len == 4 && s[0] == '\\' && is_octal(s[1]) && is_octal(s[2]) && is_octal(s[3])) {
        set_char(out, (unsigned char)(((s[1] - '0') << 6) + ((s[2] - '0') << 3) + (s[3] - '0')));
        return 0;
    }
    set_text(out, s, len ? 1 : 0);
    return 0;
}

/* charout: a byte with the high bit set is written "\ooo" (one byte alone is no UTF-8). */
void sql_io_char_out(const struct sql_value *v, uint32_t oid, struct lw_buf *b)
{
    unsigned char c = v->u.s.len ? (unsigned char)v->u.s.p[0] : 0;
    (void)oid;
    if (c & 0x80)
        lw_buf_printf(b, "\\%03o", c);
    else if (c)
        lw_buf_append(b, (const char *)&c, 1);
}

int sql_io_json_in(const char *s, size_t len, uint32_t oid, struct lw_arena *arena,
                   struct sql_value *out, struct sql_error *err)
{
    json_error_t je;
    json_t *j = json_loadb(s, len, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL,
                           &je);
    (void)arena;
    if (!j) {
        sql_error_set(err, "22P02", "invalid input syntax for type %s", tname(oid));
        snprintf(err->detail, sizeof err->detail, "%s", je.text);
        return LW_EINVAL;
    }
    json_decref(j);
    set_text(out, s, len);
    return 0;
}

int sql_io_text_cmp(const struct sql_value *a, const struct sql_value *b)
{
    size_t n = a->u.s.len < b->u.s.len ? a->u.s.len : b->u.s.len;
    int c = n ? memcmp(a->u.s.p, b->u.s.p, n) : 0;
    if (c)
        return c < 0 ? -1 : 1;
    return (a->u.s.len > b->u.s.len) - (a->u.s.len < b->u.s.len);
}

uint64_t sql_io_text_hash(const struct sql_value *v)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < v->u.s.len; i++)
        h = (h ^ (unsigned char)v->u.s.p[i]) * 0x100000001b3ull;
    return mix64(h);
}

/* --- bytea: held as its raw bytes, printed as \x followed by hex ------------------------ */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int sql_io_bytea_in(const char *s, size_t len, uint32_t oid, struct lw_arena *arena,
                    struct sql_value *out, struct sql_error *err)
{
    char *buf;
    size_t n = 0;
    if (!arena)
        return sql_error_set(err, "XX000", "bytea input needs memory");
    if (!(buf = lw_arena_alloc(arena, len + 1)))
        return nomem(arena, err);
    if (len >= 2 && s[0] == '\\' && s[1] == 'x') {
        for (size_t i = 2; i < len;) {
            int hi, lo;
            if (isspace((unsigned char)s[i])) {
                i++;
                continue;
            }
            if (i + 1 >= len || (hi = hexval(s[i])) < 0 || (lo = hexval(s[i + 1])) < 0)
                return sql_error_set(err, "22P02", "invalid hexadecimal data: odd number of "
                                     "digits or invalid digit");
            buf[n++] = (char)(hi << 4 | lo);
            i += 2;
        }
    } else {
        for (size_t i = 0; i < len;) {
            if (s[i] != '\\') {
                buf[n++] = s[i++];
            } else if (i + 1 < len && s[i + 1] == '\\') {
                buf[n++] = '\\';
                i += 2;
            } else if (i + 3 < len && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
                       s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
                buf[n++] = (char)((s[i + 1] - '0') << 6 | (s[i + 2] - '0') << 3 | (s[i + 3] - '0'));
                i += 4;
            } else {
                return bad_syntax(err, oid, s, len);
            }
        }
    }
    set_text(out, buf, n);
    return 0;
}

void sql_io_bytea_out(const struct sql_value *v, uint32_t oid, struct lw_buf *b)
{
    static const char hex[] = "0123456789abcdef";
    (void)oid;
    lw_buf_puts(b, "\\x");
    for (size_t i = 0; i < v->u.s.len; i++) {
        unsigned char c = (unsigned char)v->u.s.p[i];
        lw_buf_putc(b, hex[c >> 4]);
        lw_buf_putc(b, hex[c & 15]);
    }
}

/* --- uuid: canonical lower-case text ------------------------------------------------- */

int sql_io_uuid_in(const char *s, size_t len, uint32_t oid, struct lw_arena *arena,
                   struct sql_value *out, struct sql_error *err)
{
    char *buf;
    size_t i = 0, end = len, n = 0;
    int nd = 0;
    if (!arena)
        return sql_error_set(err, "XX000", "uuid input needs memory");
    if (!(buf = lw_arena_alloc(arena, 37)))
        return nomem(arena, err);
    if (len >= 2 && s[0] == '{' && s[len - 1] == '}') {
        i = 1;
        end = len - 1;
    }
    for (; i < end; i++) {
        if (hexval(s[i]) >= 0 && nd < 32) {
            if (nd == 8 || nd == 12 || nd == 16 || nd == 20)
                buf[n++] = '-';
            buf[n++] = (char)tolower((unsigned char)s[i]);
            nd++;
            /* PostgreSQL accepts a hyphen after any group of four digits */
        } else if (s[i] == '-' && nd > 0 && nd % 4 == 0 && i + 1 < end && s[i + 1] != '-') {
            continue;
        } else {
            return bad_syntax(err, oid, s, len);
        }
    }
    if (nd != 32)
        return bad_syntax(err, oid, s, len);
    buf[n] = '\0';
    set_text(out, buf, n);
    return 0;
}

/* --- numeric: canonical decimal text ------------------------------------------------- */

#define NUMERIC_MAX_DIGITS 1000

int sql_numeric_canon(const char *s, size_t len, struct lw_arena *arena, struct sql_value *out,
                      struct sql_error *err)
{
    const char *t = s, *p, *end;
    size_t tl = len;
    bool neg = false, any = false;
    char *digs, *buf;
    size_t nd = 0, nfrac = 0, o = 0;
    int64_t exp = 0, scale, point;
    sql_trim(&t, &tl);
    p = t;
    end = t + tl;
    if (tl == 3 && strncasecmp(t, "nan", 3) == 0) {
        set_text(out, "NaN", 3);
        return 0;
    }
    if (p < end && (*p == '+' || *p == '-'))
        neg = *p++ == '-';
    if ((size_t)(end - p) == 8 && strncasecmp(p, "infinity", 8) == 0) {
        set_text(out, neg ? "-Infinity" : "Infinity", neg ? 9 : 8);
        return 0;
    }
    if (!arena)
        return sql_error_set(err, "XX000", "numeric input needs memory");
    if (!(digs = lw_arena_alloc(arena, tl + 1)))
        return nomem(arena, err);
    for (; p < end && isdigit((unsigned char)*p); p++, any = true)
        digs[nd++] = *p;
    if (p < end && *p == '.') {
        for (p++; p < end && isdigit((unsigned char)*p); p++, any = true, nfrac++)
            digs[nd++] = *p;
    }
    if (!any)
        return bad_syntax(err, SQL_OID_NUMERIC, s, len);
    if (p < end && (*p == 'e' || *p == 'E')) {
        bool eneg = false, edig = false;
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            eneg = *p++ == '-';
        for (; p < end && isdigit((unsigned char)*p); p++, edig = true)
            if (exp < 100000)
                exp = exp * 10 + (*p - '0');
        if (!edig)
            return bad_syntax(err, SQL_OID_NUMERIC, s, len);
        if (exp > NUMERIC_MAX_DIGITS)
            return sql_error_set(err, "22003", "value overflows numeric format");
        if (eneg)
            exp = -exp;
    }
    if (p != end)
        return bad_syntax(err, SQL_OID_NUMERIC, s, len);
    /* value = digs * 10^(exp - nfrac); scale = max(0, nfrac - exp) */
    scale = (int64_t)nfrac - exp;
    if (scale < 0)
        scale = 0;
    point = (int64_t)nd - (int64_t)nfrac + exp;    /* digits before the decimal point */
    if (point > NUMERIC_MAX_DIGITS || scale > NUMERIC_MAX_DIGITS)
        return sql_error_set(err, "22003", "value overflows numeric format");
    if (!(buf = lw_arena_alloc(arena, (size_t)(nd + (size_t)(point > 0 ? point : 0) +
                                                (size_t)scale + 8))))
        return nomem(arena, err);
    if (neg)
        buf[o++] = '-';
    {
        size_t start = o;
        bool lead = true;
        for (int64_t k = 0; k < point; k++) {
            char c = k < (int64_t)nd ? digs[k] : '0';
            if (lead && c == '0')
                continue;
            lead = false;
            buf[o++] = c;
        }
        if (o == start)
            buf[o++] = '0';
    }
    if (scale > 0) {
        buf[o++] = '.';
        for (int64_t k = 0; k < scale; k++) {
            int64_t idx = point + k;
            buf[o++] = idx >= 0 && idx < (int64_t)nd ? digs[idx] : '0';
        }
    }
    buf[o] = '\0';
    /* -0 prints as 0 */
    if (neg) {
        bool zero = true;
        for (size_t k = 1; k < o && zero; k++)
            zero = buf[k] == '0' || buf[k] == '.';
        if (zero) {
            memmove(buf, buf + 1, o);
            o--;
        }
    }
    set_text(out, buf, o);
    return 0;
}

int sql_io_numeric_in(const char *s, size_t len, uint32_t oid, struct lw_arena *arena,
                      struct sql_value *out, struct sql_error *err)
{
    (void)oid;
    return sql_numeric_canon(s, len, arena, out, err);
}

/* Splits canonical text into sign, integer digits and fraction digits (trailing zeros
 * dropped); kind: 0 finite, 1 +Infinity, -1 -Infinity, 2 NaN. */
struct dec {
    int kind;
    bool neg;
    const char *ip, *fp;
    size_t il, fl;
};

static void dec_split(const char *s, size_t len, struct dec *d)
{
    const char *dot;
    memset(d, 0, sizeof *d);
    if (len == 3 && memcmp(s, "NaN", 3) == 0) {
        d->kind = 2;
        return;
    }
    if (len >= 8 && memcmp(s + len - 8, "Infinity", 8) == 0) {
        d->kind = s[0] == '-' ? -1 : 1;
        return;
    }
    if (len && s[0] == '-') {
        d->neg = true;
        s++;
        len--;
    }
    dot = memchr(s, '.', len);
    d->ip = s;
    d->il = dot ? (size_t)(dot - s) : len;
    while (d->il > 0 && d->ip[0] == '0') {
        d->ip++;
        d->il--;
    }
    d->fp = dot ? dot + 1 : s + len;
    d->fl = dot ? len - d->il - 1 - (size_t)(d->ip - s) : 0;
    d->fl = dot ? (size_t)(s + len - (dot + 1)) : 0;
    while (d->fl > 0 && d->fp[d->fl - 1] == '0')
        d->fl--;
    if (d->il == 0 && d->fl == 0)
        d->neg = false;
}

static int dec_cmp_abs(const struct dec *a, const struct dec *b)
{
    size_t n;
    int c;
    if (a->il != b->il)
        return a->il < b->il ? -1 : 1;
    if ((c = memcmp(a->ip, b->ip, a->il)) != 0)
        return c < 0 ? -1 : 1;
    n = a->fl < b->fl ? a->fl : b->fl;
    if (n && (c = memcmp(a->fp, b->fp, n)) != 0)
        return c < 0 ? -1 : 1;
    return (a->fl > b->fl) - (a->fl < b->fl);
}

int sql_numeric_cmp_text(const char *a, size_t alen, const char *b, size_t blen)
{
    struct dec x, y;
    int c;
    dec_split(a, alen, &x);
    dec_split(b, blen, &y);
    if (x.kind == 2 || y.kind == 2)
        return (x.kind == 2) - (y.kind == 2);   /* NaN above everything */
    if (x.kind || y.kind)
        return (x.kind > y.kind) - (x.kind < y.kind);
    if (x.neg != y.neg)
        return x.neg ? -1 : 1;
    c = dec_cmp_abs(&x, &y);
    return x.neg ? -c : c;
}

int sql_io_numeric_cmp(const struct sql_value *a, const struct sql_value *b)
{
    return sql_numeric_cmp_text(a->u.s.p, a->u.s.len, b->u.s.p, b->u.s.len);
}

uint64_t sql_io_numeric_hash(const struct sql_value *v)
{
    struct dec d;
    uint64_t h = 0xcbf29ce484222325ull;
    dec_split(v->u.s.p, v->u.s.len, &d);
    h = (h ^ (uint64_t)(d.kind + 3) ^ (d.neg ? 0x80 : 0)) * 0x100000001b3ull;
    for (size_t i = 0; i < d.il; i++)
        h = (h ^ (unsigned char)d.ip[i]) * 0x100000001b3ull;
    h = (h ^ '.') * 0x100000001b3ull;
    for (size_t i = 0; i < d.fl; i++)
        h = (h ^ (unsigned char)d.fp[i]) * 0x100000001b3ull;
    return mix64(h);
}

/* --- date and time -------------------------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t d)
{
    int64_t q = a / d;
    return (a % d != 0 && (a < 0) != (d < 0)) ? q - 1 : q;
}

void sql_civil_from_us(int64_t us, int *y, int *mo, int *d, int *h, int *mi, int *s,
                       int *frac_us)
{
    int64_t days = floor_div(us, US_PER_DAY), rem = us - days * US_PER_DAY;
    int64_t z = days + 719468, era = floor_div(z, 146097), doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *mo = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*mo <= 2));
    *h = (int)(rem / 3600000000LL);
    *mi = (int)(rem / 60000000LL % 60);
    *s = (int)(rem / 1000000 % 60);
    *frac_us = (int)(rem % 1000000);
}

/* v (>= 0) in decimal, zero-padded to width digits at least: what "%0*d" writes. Dates and
 * times are written without printf, which was 8% of a 100,000-row scan's server time. */
static void put_padded(struct lw_buf *b, int v, int width)
{
    char d[16];
    int n = 0;
    do {
        d[sizeof d - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    while (n < width)
        d[sizeof d - 1 - n++] = '0';
    lw_buf_append(b, d + sizeof d - n, (size_t)n);
}

/* ".ffffff" without trailing zeros; nothing for 0. */
static void put_frac(struct lw_buf *b, int frac)
{
    char f[7] = {'.'};
    int n = 7;
    if (!frac)
        return;
    for (int i = 6; i >= 1; i--, frac /= 10)
        f[i] = (char)('0' + frac % 10);
    while (n > 1 && f[n - 1] == '0')
        n--;
    lw_buf_append(b, f, (size_t)n);
}

static void put_date(struct lw_buf *b, int y, int mo, int d)
{
    put_padded(b, y > 0 ? y : 1 - y, 4);
    lw_buf_putc(b, '-');
    put_padded(b, mo, 2);
    lw_buf_putc(b, '-');
    put_padded(b, d, 2);
}

void sql_io_time_out(const struct sql_value *v, uint32_t oid, struct lw_buf *b)
{
    int y, mo, d, h, mi, s, fr;
    if (oid != SQL_OID_TIME && !sql_time_finite(v->u.us)) {
        lw_buf_puts(b, v->u.us == SQL_TIME_NOEND ? "infinity" : "-infinity");
        return;
    }
    sql_civil_from_us(v->u.us, &y, &mo, &d, &h, &mi, &s, &fr);
    if (oid != SQL_OID_TIME)
        put_date(b, y, mo, d);
    if (oid != SQL_OID_DATE) {
        if (oid != SQL_OID_TIME)
            lw_buf_putc(b, ' ');
        put_padded(b, h, 2);
        lw_buf_putc(b, ':');
        put_padded(b, mi, 2);
        lw_buf_putc(b, ':');
        put_padded(b, s, 2);
        put_frac(b, fr);
    }
    if (oid == SQL_OID_TIMESTAMPTZ)
        lw_buf_puts(b, "+00");
    if (y <= 0 && oid != SQL_OID_TIME)
        lw_buf_puts(b, " BC");
}

/* time of day: HH:MM[:SS[.ffffff]] */
static int time_of_day(const char *t, size_t tl, int64_t *us)
{
    int h = 0, mi = 0, s = 0, n = 0;
    int64_t frac = 0;
    size_t i = 0;
    int *f[3] = {&h, &mi, &s};
    while (n < 3) {
        size_t st = i;
        while (i < tl && isdigit((unsigned char)t[i]) && i - st < 2)
            *f[n] = *f[n] * 10 + (t[i++] - '0');
        if (i == st)
            return 1;
        n++;
        if (i < tl && t[i] == ':' && n < 3)
            i++;
        else
            break;
    }
    if (n < 2)
        return 1;
    if (n == 3 && i < tl && t[i] == '.') {
        int nd = 0;
        for (i++; i < tl && isdigit((unsigned char)t[i]); i++, nd++)
            if (nd < 6)
                frac = frac * 10 + (t[i] - '0');
        for (; nd < 6; nd++)
            frac *= 10;
    }
    if (i != tl)
        return 1;
    if (h > 24 || mi > 59 || s > 60 || (h == 24 && (mi || s || frac)))
        return 2;
    *us = ((int64_t)h * 3600 + mi * 60 + s) * 1000000 + frac;
    return 0;
}

/* Input lakeward's ISO 8601 reader rejects. PostgreSQL reads many more forms (20240101,
 * 2024/01/02, Jan 2 2024, 10:00 PM, today, epoch, allballs...): text with a digit or one of
 * its special words may be one of them, so it is refused with 0A000 rather than called
 * invalid; anything else is PostgreSQL's 22007 too. */
static int time_syntax(struct sql_error *err, uint32_t oid, const char *t, size_t tl,
                       const char *s, size_t len)
{
    static const char *const words[] = {"today", "tomorrow", "yesterday", "now", "epoch",
                                        "allballs"};
    bool maybe = false;
    for (size_t i = 0; i < tl && !maybe; i++)
        maybe = isdigit((unsigned char)t[i]);
    for (size_t i = 0; i < sizeof words / sizeof words[0] && !maybe; i++)
        maybe = tl == strlen(words[i]) && strncasecmp(t, words[i], tl) == 0;
    if (!maybe)
        return bad_syntax(err, oid, s, len);
    return sql_error_set(err, "0A000", "this %s input form is not supported (lakeward reads "
                         "YYYY-MM-DD[ HH:MM[:SS[.ffffff]]][zone]): \"%.*s\"", tname(oid),
                         CLIP(len), s);
}

int sql_io_time_in(const char *s, size_t len, uint32_t oid, struct lw_arena *arena,
                   struct sql_value *out, struct sql_error *err)
{
    const char *t = s;
    size_t tl = len;
    int64_t zone_s;
    bool has_time;
    int rc;
    (void)arena;
    sql_trim(&t, &tl);
    out->type = SQL_V_TIME;
    /* the special values PostgreSQL 15 accepts for date and timestamps (not "+infinity") */
    if (oid != SQL_OID_TIME && (tl == 8 || (tl == 9 && t[0] == '-')) &&
        strncasecmp(t + tl - 8, "infinity", 8) == 0) {
        out->u.us = tl == 8 ? SQL_TIME_NOEND : SQL_TIME_NOBEGIN;
        return 0;
    }
    if (tl >= 2 && strncasecmp(t + tl - 2, "BC", 2) == 0)
        return sql_error_set(err, "0A000", "dates before the Common Era are not supported yet");
    if (oid == SQL_OID_TIME)
        rc = time_of_day(t, tl, &out->u.us);
    else
        rc = sql_time_parse_ex(t, tl, &out->u.us, &zone_s, &has_time);
    if (rc == 1)
        return time_syntax(err, oid, t, tl, s, len);
    if (rc == 2)
        return sql_error_set(err, "22008", "date/time field value out of range: \"%.*s\"",
                             CLIP(len), s);
    /* a year past lakeward's end: PostgreSQL has dates to 5874897, timestamps to 294276 */
    if (rc == 3 && out->u.us > (oid == SQL_OID_DATE ? 5874897 : 294276))
        return sql_error_set(err, "22008", "%s out of range: \"%.*s\"",
                             oid == SQL_OID_DATE ? "date" : "timestamp", CLIP(len), s);
    if (rc == 3)
        return sql_error_set(err, "0A000", "years after 294246 are not supported: \"%.*s\"",
                             CLIP(len), s);
    /* timestamp and date ignore a zone written in their input, as PostgreSQL does */
    if (oid != SQL_OID_TIMESTAMPTZ && oid != SQL_OID_TIME && zone_s != SQL_NO_ZONE)
        out->u.us += zone_s * 1000000;
    if (oid == SQL_OID_DATE)
        out->u.us = floor_div(out->u.us, US_PER_DAY) * US_PER_DAY;
    return 0;
}

int sql_io_time_cmp(const struct sql_value *a, const struct sql_value *b)
{
    return (a->u.us > b->u.us) - (a->u.us < b->u.us);
}

uint64_t sql_io_time_hash(const struct sql_value *v)
{
    return mix64((uint64_t)v->u.us);
}

/* --- interval ------------------------------------------------------------------------- */

int64_t sql_interval_span_us(const struct sql_interval *iv)
{
    return ((int64_t)iv->months * 30 + iv->days) * US_PER_DAY + iv->us;
}

static const struct {
    const char *name;
    int kind;           /* 0 us, 1 days, 2 months */
    double mult;
} units[] = {
    {"microsecond", 0, 1},      {"microseconds", 0, 1},     {"us", 0, 1},
    {"usec", 0, 1},             {"usecs", 0, 1},            {"millisecond", 0, 1e3},
    {"milliseconds", 0, 1e3},   {"ms", 0, 1e3},             {"msec", 0, 1e3},
    {"msecs", 0, 1e3},          {"second", 0, 1e6},         {"seconds", 0, 1e6},
    {"sec", 0, 1e6},            {"secs", 0, 1e6},           {"s", 0, 1e6},
    {"minute", 0, 6e7},         {"minutes", 0, 6e7},        {"min", 0, 6e7},
    {"mins", 0, 6e7},           {"m", 0, 6e7},              {"hour", 0, 3.6e9},
    {"hours", 0, 3.6e9},        {"hr", 0, 3.6e9},           {"hrs", 0, 3.6e9},
    {"h", 0, 3.6e9},            {"day", 1, 1},              {"days", 1, 1},
    {"d", 1, 1},                {"week", 1, 7},             {"weeks", 1, 7},
    {"w", 1, 7},                {"month", 2, 1},            {"months", 2, 1},
    {"mon", 2, 1},              {"mons", 2, 1},             {"year", 2, 12},
    {"years", 2, 12},           {"yr", 2, 12},              {"yrs", 2, 12},
    {"y", 2, 12},               {"decade", 2, 120},         {"decades", 2, 120},
    {"century", 2, 1200},       {"centuries", 2, 1200},     {"millennium", 2, 12000},
    {"millennia", 2, 12000},
};

/* Adds amount of a unit, spreading fractions downwards as PostgreSQL does (a month is 30
 * days, a day 24 hours). False when a field leaves its range (months and days are 32-bit,
 * microseconds 64-bit), which PostgreSQL reports as 22015. */
static bool add_unit(struct sql_interval *iv, double amount, int kind, double mult)
{
    double v = amount * mult;
    if (isnan(v) || isinf(v))
        return false;
    if (kind == 2) {
        double whole = trunc(v) + (double)iv->months;
        if (whole > INT32_MAX || whole < INT32_MIN)
            return false;
        iv->months = (int32_t)whole;
        v = (v - trunc(v)) * 30;
        kind = 1;
    }
    if (kind == 1) {
        double whole = trunc(v) + (double)iv->days;
        if (whole > INT32_MAX || whole < INT32_MIN)
            return false;
        iv->days = (int32_t)whole;
        v = (v - trunc(v)) * (double)US_PER_DAY;
    }
    v += (double)iv->us;
    if (v >= 9.2e18 || v <= -9.2e18)
        return false;
    iv->us = (int64_t)llround(v);
    return true;
}

int sql_io_interval_in(const char *s, size_t len, uint32_t oid, struct lw_arena *arena,
                       struct sql_value *out, struct sql_error *err)
{
    const char *p = s, *end = s + len;
    struct sql_interval iv = {0, 0, 0};
    bool any = false, ago = false;
    (void)arena;
    while (p < end) {
        const char *st;
        double amount;
        char num[64], word[24];
        size_t nl = 0, wl = 0;
        bool found = false;
        while (p < end && (isspace((unsigned char)*p) || *p == ','))
            p++;
        if (p >= end)
            break;
        if (*p == '@' && !any) {
            p++;
            continue;
        }
        st = p;
        if (*p == '+' || *p == '-')
            p++;
        while (p < end && (isdigit((unsigned char)*p) || *p == '.'))
            p++;
        if (p < end && *p == ':') {     /* hh:mm[:ss[.f]] */
            int64_t us;
            bool neg = *st == '-';
            const char *ts = st + (*st == '+' || *st == '-');
            while (p < end && !isspace((unsigned char)*p))
                p++;
            if (time_of_day(ts, (size_t)(p - ts), &us) == 1) {
                /* PostgreSQL allows hours beyond 24 here: hours:mm[:ss] */
                long hh = 0, mm = 0;
                double ss = 0;
                char tmp[64];
                size_t tl2 = (size_t)(p - ts);
                if (tl2 >= sizeof tmp || sscanf(memcpy(tmp, ts, tl2) ? (tmp[tl2] = 0, tmp) : tmp,
                                                "%ld:%ld:%lf", &hh, &mm, &ss) < 2)
                    return bad_syntax(err, oid, s, len);
                if (hh < 0 || hh > 2562047787L || mm < 0 || mm > 59 || !(ss >= 0 && ss < 60))
                    goto range;
                us = (int64_t)hh * 3600000000LL + (int64_t)mm * 60000000LL + llround(ss * 1e6);
            }
            if (__builtin_add_overflow(iv.us, neg ? -us : us, &iv.us))
                goto range;
            any = true;
            continue;
        }
        nl = (size_t)(p - st);
        if (nl == 0) {
            while (p < end && isalpha((unsigned char)*p))
                p++;
            if ((size_t)(p - st) == 3 && strncasecmp(st, "ago", 3) == 0 && any) {
                ago = true;
                continue;
            }
            return bad_syntax(err, oid, s, len);
        }
        if (nl >= sizeof num)
            return bad_syntax(err, oid, s, len);
        memcpy(num, st, nl);
        num[nl] = '\0';
        {
            char *e;
            amount = strtod(num, &e);
            if (*e)
                return bad_syntax(err, oid, s, len);
        }
        while (p < end && isspace((unsigned char)*p))
            p++;
        st = p;
        while (p < end && isalpha((unsigned char)*p))
            p++;
        wl = (size_t)(p - st);
        if (wl == 0) {
            /* a bare number means seconds */
            if (!add_unit(&iv, amount, 0, 1e6))
                goto range;
            any = true;
            continue;
        }
        if (wl >= sizeof word)
            return bad_syntax(err, oid, s, len);
        for (size_t k = 0; k < wl; k++)
            word[k] = (char)tolower((unsigned char)st[k]);
        word[wl] = '\0';
        for (size_t k = 0; k < sizeof units / sizeof units[0] && !found; k++)
            if (strcmp(units[k].name, word) == 0) {
                if (!add_unit(&iv, amount, units[k].kind, units[k].mult))
                    goto range;
                found = true;
            }
        if (!found)
            return bad_syntax(err, oid, s, len);
        any = true;
    }
    if (!any)
        return bad_syntax(err, oid, s, len);
    if (ago) {
        iv.us = -iv.us;
        iv.days = -iv.days;
        iv.months = -iv.months;
    }
    out->type = SQL_V_INTERVAL;
    out->u.iv = iv;
    return 0;
range:
    return sql_error_set(err, "22015", "interval field value out of range: \"%.*s\"",
                         CLIP(len), s);
}

static void interval_part(struct lw_buf *b, int64_t value, const char *unit, bool *is_zero,
                          bool *is_before)
{
    if (value == 0)
        return;
    lw_buf_printf(b, "%s%s%lld %s%s", *is_zero ? "" : " ", *is_before && value > 0 ? "+" : "",
                  (long long)value, unit, value != 1 ? "s" : "");
    *is_before = value < 0;
    *is_zero = false;
}

void sql_io_interval_out(const struct sql_value *v, uint32_t oid, struct lw_buf *b)
{
    const struct sql_interval *iv = &v->u.iv;
    bool is_zero = true, is_before = false;
    int64_t us = iv->us, hour = us / 3600000000LL, min = us / 60000000LL % 60;
    int64_t sec = us / 1000000 % 60, frac = us % 1000000;
    (void)oid;
    interval_part(b, iv->months / 12, "year", &is_zero, &is_before);
    interval_part(b, iv->months % 12, "mon", &is_zero, &is_before);
    interval_part(b, iv->days, "day", &is_zero, &is_before);
    if (is_zero || us != 0) {
        bool minus = us < 0;
        lw_buf_printf(b, "%s%s%02lld:%02lld:%02lld", is_zero ? "" : " ",
                      minus ? "-" : (is_before ? "+" : ""), llabs(hour), llabs(min), llabs(sec));
        put_frac(b, (int)llabs(frac));
    }
}

int sql_io_interval_cmp(const struct sql_value *a, const struct sql_value *b)
{
    int64_t x = sql_interval_span_us(&a->u.iv), y = sql_interval_span_us(&b->u.iv);
    return (x > y) - (x < y);
}

uint64_t sql_io_interval_hash(const struct sql_value *v)
{
    return mix64((uint64_t)sql_interval_span_us(&v->u.iv));
}

/* --- arrays --------------------------------------------------------------------------- */

static bool vector_type(uint32_t oid)
{
    return oid == SQL_OID_INT2VECTOR || oid == SQL_OID_OIDVECTOR;
}

static bool needs_quotes(const char *p, size_t n)
{
    if (n == 0 || (n == 4 && strncasecmp(p, "null", 4) == 0))
        return true;
    for (size_t i = 0; i < n; i++)
        if (strchr("{},\"\\", p[i]) || isspace((unsigned char)p[i]))
            return true;
    return false;
}

void sql_io_array_out(const struct sql_value *v, uint32_t oid, struct lw_buf *b)
{
    const struct sql_array *a = v->u.arr;
    const struct sql_type *et = sql_type_get(a->elem_oid);
    bool vec = vector_type(oid);
    struct lw_buf tmp;
    lw_buf_init(&tmp, b->max ? b->max : (64u << 20));
    if (!vec)
        lw_buf_putc(b, '{');
    for (int i = 0; i < a->n; i++) {
        if (i)
            lw_buf_putc(b, vec ? ' ' : ',');
        if (a->v[i].type == SQL_V_NULL) {
            lw_buf_puts(b, "NULL");
            continue;
        }
        lw_buf_reset(&tmp);
        if (et && et->out)
            et->out(&a->v[i], a->elem_oid, &tmp);
        if (tmp.failed) {       /* an element that could not be printed fails the whole value */
            b->failed = true;
            break;
        }
        if (!vec && needs_quotes(tmp.data ? tmp.data : "", tmp.len)) {
            lw_buf_putc(b, '"');
            for (size_t k = 0; k < tmp.len; k++) {
                if (tmp.data[k] == '"' || tmp.data[k] == '\\')
                    lw_buf_putc(b, '\\');
                lw_buf_putc(b, tmp.data[k]);
            }
            lw_buf_putc(b, '"');
        } else if (tmp.len) {
            lw_buf_append(b, tmp.data, tmp.len);
        }
    }
    if (!vec)
        lw_buf_putc(b, '}');
    lw_buf_free(&tmp);
}

int sql_io_array_in(const char *s, size_t len, uint32_t oid, struct lw_arena *arena,
                    struct sql_value *out, struct sql_error *err)
{
    const struct sql_type *at = sql_type_get(oid), *et;
    const char *p = s, *end = s + len;
    struct sql_value *vals;
    struct sql_array *arr;
    bool vec = vector_type(oid);
    int n = 0, cap;
    if (!at || !(et = sql_type_get(at->elem_oid)) || !et->in)
        return sql_error_set(err, "0A000", "input of type %s is not supported yet", tname(oid));
    if (!arena)
        return sql_error_set(err, "XX000", "array input needs memory");
    cap = (int)len / 2 + 1;
    if (!(vals = lw_arena_alloc(arena, (size_t)cap * sizeof *vals)) ||
        !(arr = lw_arena_alloc(arena, sizeof *arr)))
        return nomem(arena, err);
    while (p < end && isspace((unsigned char)*p))
        p++;
    if (!vec) {
        /* PostgreSQL's "[1:2]={...}" bounds: a valid input lakeward cannot represent */
        if (p < end && *p == '[')
            return sql_error_set(err, "0A000", "array dimension decorations are not supported");
        if (p >= end || *p != '{')
            goto syntax;
        p++;
    }
    for (;;) {
        char *buf;
        size_t bl = 0;
        bool quoted = false;
        while (p < end && isspace((unsigned char)*p))
            p++;
        if (!vec && p < end && *p == '}' && n == 0) {
            p++;
            break;
        }
        if (vec && p >= end)
            break;
        if (n >= cap || !(buf = lw_arena_alloc(arena, (size_t)(end - p) + 1)))
            return nomem(arena, err);
        if (p < end && *p == '"') {
            quoted = true;
            for (p++; p < end && *p != '"'; p++) {
                if (*p == '\\' && p + 1 < end)
                    p++;
                buf[bl++] = *p;
            }
            if (p >= end)
                goto syntax;
            p++;
        } else {
            /* a sub-array: arrays here have one dimension, so refuse it rather than read it
             * as text (PostgreSQL accepts '{{1,2},{3,4}}') */
            if (!vec && p < end && *p == '{')
                return sql_error_set(err, "0A000", "multidimensional arrays are not supported");
            for (; p < end && !(vec ? isspace((unsigned char)*p) : (*p == ',' || *p == '}'));
                 p++) {
                if (*p == '{' || *p == '"')
                    goto syntax;     /* nested arrays are not supported */
                if (*p == '\\' && p + 1 < end)
                    p++;
                buf[bl++] = *p;
            }
            while (bl > 0 && isspace((unsigned char)buf[bl - 1]))
                bl--;
        }
        if (!quoted && bl == 4 && strncasecmp(buf, "null", 4) == 0) {
            vals[n++] = (struct sql_value){0};
        } else {
            if (!quoted && bl == 0)
                goto syntax;
            if (et->in(buf, bl, at->elem_oid, arena, &vals[n], err) != 0)
                return LW_EINVAL;
            n++;
        }
        while (p < end && isspace((unsigned char)*p))
            p++;
        if (vec)
            continue;
        if (p < end && *p == ',') {
            p++;
            continue;
        }
        if (p < end && *p == '}') {
            p++;
            break;
        }
        goto syntax;
    }
    while (p < end && isspace((unsigned char)*p))
        p++;
    if (p != end)
        goto syntax;
    arr->elem_oid = at->elem_oid;
    arr->n = n;
    arr->v = vals;
    out->type = SQL_V_ARRAY;
    out->u.arr = arr;
    return 0;
syntax:
    return sql_error_set(err, "22P02", "malformed array literal: \"%.*s\"", CLIP(len), s);
}

int sql_io_array_cmp(const struct sql_value *a, const struct sql_value *b)
{
    const struct sql_array *x = a->u.arr, *y = b->u.arr;
    const struct sql_type *et = sql_type_get(x->elem_oid);
    for (int i = 0; i < x->n && i < y->n; i++) {
        bool xn = x->v[i].type == SQL_V_NULL, yn = y->v[i].type == SQL_V_NULL;
        int c;
        if (xn || yn) {
            if (xn != yn)
                return xn ? 1 : -1;     /* NULL elements sort after the others */
            continue;
        }
        c = et && et->cmp ? et->cmp(&x->v[i], &y->v[i]) : 0;
        if (c)
            return c;
    }
    return (x->n > y->n) - (x->n < y->n);
}

uint64_t sql_io_array_hash(const struct sql_value *v)
{
    const struct sql_array *x = v->u.arr;
    const struct sql_type *et = sql_type_get(x->elem_oid);
    uint64_t h = (uint64_t)x->n;
    for (int i = 0; i < x->n; i++)
        h = mix64(h ^ (x->v[i].type == SQL_V_NULL || !et || !et->hash ? 0x5bd1e995u
                                                                    : et->hash(&x->v[i])));
    return h;
}

/* --- casts ---------------------------------------------------------------------------- */

static int int_range_err(uint32_t dst, struct sql_error *err)
{
    if (is_oid_type(dst))
        return sql_error_set(err, "22003", "OID out of range");
    return sql_error_set(err, "22003", "%s out of range",
                         dst == SQL_OID_INT2 ? "smallint" : dst == SQL_OID_INT4 ? "integer"
                                                                                 : "bigint");
}

/* numeric text to int64, rounding half away from zero; false when out of range. */
static bool numeric_to_i64(const char *s, size_t len, int64_t *out)
{
    struct dec d;
    uint64_t v = 0;
    dec_split(s, len, &d);
    if (d.kind)
        return false;
    for (size_t i = 0; i < d.il; i++) {
        if (v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(d.ip[i] - '0');
    }
    if (d.fl && d.fp[0] >= '5')
        v++;
    if (v > (uint64_t)INT64_MAX + (d.neg ? 1 : 0))
        return false;
    *out = d.neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

int sql_io_cast_num(const struct sql_value *in, uint32_t src, uint32_t dst,
                    struct lw_arena *arena, struct sql_value *out, struct sql_error *err)
{
    const struct sql_type *td = sql_type_get(dst);
    memset(out, 0, sizeof *out);
    if (dst == SQL_OID_BOOL) {
        out->type = SQL_V_BOOL;
        out->u.b = in->u.i != 0;
        return 0;
    }
    if (src == SQL_OID_BOOL) {
        out->type = SQL_V_INT;
        out->u.i = in->u.b;
        return 0;
    }
    if (dst == SQL_OID_NUMERIC) {
        char tmp[64];
        if (in->type == SQL_V_INT)
            snprintf(tmp, sizeof tmp, "%lld", (long long)in->u.i);
        else if (isnan(in->u.f))
            snprintf(tmp, sizeof tmp, "NaN");
        else if (isinf(in->u.f))
            snprintf(tmp, sizeof tmp, "%sInfinity", in->u.f < 0 ? "-" : "");
        else
            snprintf(tmp, sizeof tmp, "%.*g", src == SQL_OID_FLOAT4 ? 6 : 15, in->u.f);
        return sql_numeric_canon(tmp, strlen(tmp), arena, out, err);
    }
    if (td->vtype == SQL_V_FLOAT) {
        out->type = SQL_V_FLOAT;
        if (in->type == SQL_V_INT)
            out->u.f = (double)in->u.i;
        else if (in->type == SQL_V_FLOAT)
            out->u.f = in->u.f;
        else {
            /* numeric text may run to a thousand digits: read all of it */
            char *tmp = lw_arena_strndup(arena, in->u.s.p, in->u.s.len);
            if (!tmp)
                return nomem(arena, err);
            out->u.f = strtod(tmp, NULL);
            if (isinf(out->u.f) && !strstr(tmp, "Infinity"))
                return sql_error_set(err, "22003", "value out of range: overflow");
        }
        if (dst == SQL_OID_FLOAT4) {
            if (!isinf(out->u.f) && isinf((float)out->u.f))
                return sql_error_set(err, "22003", "value out of range: overflow");
            out->u.f = (float)out->u.f;
        }
        return 0;
    }
    /* to an integer type */
    out->type = SQL_V_INT;
    if (in->type == SQL_V_INT) {
        out->u.i = in->u.i;
        /* int2/int4 <-> oid reinterpret the bits (PostgreSQL's casts are binary there) */
        if (is_oid_type(dst) && (src == SQL_OID_INT4 || src == SQL_OID_INT2) && out->u.i < 0)
            out->u.i += 4294967296LL;
        else if (dst == SQL_OID_INT4 && is_oid_type(src) && out->u.i > INT32_MAX)
            out->u.i -= 4294967296LL;
    } else if (in->type == SQL_V_FLOAT) {
        double r = rint(in->u.f);
        if (isnan(r) || r < -9223372036854775808.0 || r >= 9223372036854775808.0)
            return int_range_err(dst, err);
        out->u.i = (int64_t)r;
    } else if (!numeric_to_i64(in->u.s.p, in->u.s.len, &out->u.i)) {
        if (in->u.s.len == 3 && memcmp(in->u.s.p, "NaN", 3) == 0)
            return sql_error_set(err, "0A000", "cannot convert NaN to %s", td->sql_name);
        return int_range_err(dst, err);
    }
    if (!int_range(dst, out->u.i))
        return int_range_err(dst, err);
    return 0;
}

int sql_io_cast_same(const struct sql_value *in, uint32_t src, uint32_t dst,
                     struct lw_arena *arena, struct sql_value *out, struct sql_error *err)
{
    (void)src;
    (void)dst;
    (void)arena;
    (void)err;
    *out = *in;
    return 0;
}

int sql_io_cast_name(const struct sql_value *in, uint32_t src, uint32_t dst,
                     struct lw_arena *arena, struct sql_value *out, struct sql_error *err)
{
    (void)src;
    (void)dst;
    (void)arena;
    (void)err;
    *out = *in;
    out->u.s.len = name_len(in->u.s.p, in->u.s.len);
    return 0;
}

int sql_io_cast_char(const struct sql_value *in, uint32_t src, uint32_t dst,
                     struct lw_arena *arena, struct sql_value *out, struct sql_error *err)
{
    (void)src;
    return sql_io_char_in(in->u.s.p, in->u.s.len, dst, arena, out, err);   /* text_char */
}

/* "char" <-> integer: the byte as a signed number (chartoi4), and back within -128..127
 * (i4tochar). */
int sql_io_cast_char_int(const struct sql_value *in, uint32_t src, uint32_t dst,
                         struct lw_arena *arena, struct sql_value *out, struct sql_error *err)
{
    (void)arena;
    (void)dst;
    if (src == SQL_OID_CHAR) {
        out->type = SQL_V_INT;
        out->u.i = in->u.s.len ? (int8_t)in->u.s.p[0] : 0;
        return 0;
    }
    if (in->u.i < -128 || in->u.i > 127)
        return sql_error_set(err, "22003", "\"char\" out of range");
    set_char(out, (unsigned char)(int8_t)in->u.i);
    return 0;
}

int sql_io_cast_bpchar_text(const struct sql_value *in, uint32_t src, uint32_t dst,
                            struct lw_arena *arena, struct sql_value *out, struct sql_error *err)
{
    (void)src;
    (void)dst;
    (void)arena;
    (void)err;
    *out = *in;
    while (out->u.s.len > 0 && out->u.s.p[out->u.s.len - 1] == ' ')
        out->u.s.len--;
    return 0;
}

int sql_io_cast_time(const struct sql_value *in, uint32_t src, uint32_t dst,
                     struct lw_arena *arena, struct sql_value *out, struct sql_error *err)
{
    (void)arena;
    (void)err;
    if (src == SQL_OID_INTERVAL) {  /* the time part, within a day (interval_time) */
        out->type = SQL_V_TIME;
        out->u.us = (in->u.iv.us % US_PER_DAY + US_PER_DAY) % US_PER_DAY;
        return 0;
    }
    *out = *in;
    if (src != SQL_OID_TIME && !sql_time_finite(in->u.us)) {
        /* an infinity stays one between date and timestamps; its time of day is NULL */
        if (dst == SQL_OID_TIME)
            out->type = SQL_V_NULL;
        return 0;
    }
    if (dst == SQL_OID_DATE)
        out->u.us = floor_div(in->u.us, US_PER_DAY) * US_PER_DAY;
    else if (dst == SQL_OID_TIME)
        out->u.us = in->u.us - floor_div(in->u.us, US_PER_DAY) * US_PER_DAY;
    else if (dst == SQL_OID_INTERVAL && src == SQL_OID_TIME) {
        out->type = SQL_V_INTERVAL;
        out->u.iv = (struct sql_interval){in->u.us, 0, 0};
    }
    return 0;
}

int sql_io_cast_via_text(const struct sql_value *in, uint32_t src, uint32_t dst,
                         struct lw_arena *arena, struct sql_value *out, struct sql_error *err)
{
    const struct sql_type *ts = sql_type_get(src), *td = sql_type_get(dst);
    struct lw_buf b;
    char *copy;
    int rc;
    if (src == SQL_OID_BOOL)    /* bool's cast to text spells the word (booltext) */
        return td->in(in->u.b ? "true" : "false", in->u.b ? 4 : 5, dst, arena, out, err);
    if (in->type == SQL_V_TEXT && (src == SQL_OID_UNKNOWN || ts->vtype == SQL_V_TEXT) &&
        (!ts->out || ts->out == sql_io_text_out))
        return td->in(in->u.s.p, in->u.s.len, dst, arena, out, err);
    lw_buf_init(&b, 64u << 20);
    ts->out(in, src, &b);
    if (b.failed) {
        lw_buf_free(&b);
        return nomem(arena, err);
    }
    copy = lw_arena_strndup(arena, b.data ? b.data : "", b.len);
    lw_buf_free(&b);
    if (!copy)
        return nomem(arena, err);
    rc = td->in(copy, strlen(copy), dst, arena, out, err);
    return rc;
}

/* sql_type_bin.c -- binary send and receive (the extended protocol's format 1) of the
 * registered types, byte for byte as PostgreSQL 15's typsend/typreceive functions
 * (sql_type_io.h). Which form a type has is one table (bin_types); types without one
 * (record, the polymorphic pseudo-types) are refused by name with 0A000, never guessed. */
#include "sql_type_io.h"

#include "../server/core/lw_arena.h"
#include "sql_value.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define PG_EPOCH_DAYS 10957                 /* 2000-01-01 - 1970-01-01 */
#define US_PER_DAY 86400000000LL
#define PG_EPOCH_US ((int64_t)PG_EPOCH_DAYS * US_PER_DAY)
#define ARRAY_MAX_ELEMS (1 << 27)           /* PostgreSQL's MaxArraySize is about this */

enum bin_kind {
    BIN_NONE = 0,
    BIN_BOOL,
    BIN_INT2,
    BIN_INT4,
    BIN_INT8,
    BIN_OID,        /* oid and reg*: unsigned 32 bits */
    BIN_FLOAT4,
    BIN_FLOAT8,
    BIN_BYTES,      /* text, varchar, bpchar, name, unknown, json, bytea: the bytes as held */
    BIN_CHAR,       /* "char": one byte */
    BIN_JSONB,      /* version byte 1, then the text */
    BIN_NUMERIC,
    BIN_UUID,
    BIN_DATE,
    BIN_TIME,
    BIN_TIMESTAMP,  /* timestamp and timestamptz: microseconds since 2000-01-01 */
    BIN_INTERVAL,
    BIN_VOID,       /* nothing */
};

static const struct {
    uint32_t oid;
    enum bin_kind kind;
} bin_types[] = {
    {SQL_OID_BOOL, BIN_BOOL},           {SQL_OID_INT2, BIN_INT2},
    {SQL_OID_INT4, BIN_INT4},           {SQL_OID_INT8, BIN_INT8},
    {SQL_OID_OID, BIN_OID},             {SQL_OID_REGPROC, BIN_OID},
    {SQL_OID_REGPROCEDURE, BIN_OID},    {SQL_OID_REGCLASS, BIN_OID},
    {SQL_OID_REGTYPE, BIN_OID},         {SQL_OID_REGNAMESPACE, BIN_OID},
    {SQL_OID_FLOAT4, BIN_FLOAT4},       {SQL_OID_FLOAT8, BIN_FLOAT8},
    {SQL_OID_TEXT, BIN_BYTES},          {SQL_OID_VARCHAR, BIN_BYTES},
    {SQL_OID_BPCHAR, BIN_BYTES},        {SQL_OID_NAME, BIN_BYTES},
    {SQL_OID_UNKNOWN, BIN_BYTES},       {SQL_OID_JSON, BIN_BYTES},
    {SQL_OID_BYTEA, BIN_BYTES},         {SQL_OID_CHAR, BIN_CHAR},
    {SQL_OID_JSONB, BIN_JSONB},         {SQL_OID_NUMERIC, BIN_NUMERIC},
    {SQL_OID_UUID, BIN_UUID},           {SQL_OID_DATE, BIN_DATE},
    {SQL_OID_TIME, BIN_TIME},           {SQL_OID_TIMESTAMP, BIN_TIMESTAMP},
    {SQL_OID_TIMESTAMPTZ, BIN_TIMESTAMP}, {SQL_OID_INTERVAL, BIN_INTERVAL},
    {SQL_OID_VOID, BIN_VOID},
};

static enum bin_kind kind_of(uint32_t oid)
{
    for (size_t i = 0; i < sizeof bin_types / sizeof bin_types[0]; i++)
        if (bin_types[i].oid == oid)
            return bin_types[i].kind;
    return BIN_NONE;
}

/* The element type when oid is an array type (int2vector and oidvector included). */
static uint32_t elem_of(uint32_t oid)
{
    const struct sql_type *t = sql_type_get(oid);
    if (!t || t->vtype != SQL_V_ARRAY || oid == SQL_OID_ANYARRAY)
        return 0;
    return t->elem_oid;
}

bool sql_type_has_binary(uint32_t oid)
{
    uint32_t e;
    if (oid == SQL_OID_ANYARRAY)
        return true;                        /* sent with its values' element type */
    if ((e = elem_of(oid)) != 0)
        return kind_of(e) != BIN_NONE;
    return kind_of(oid) != BIN_NONE;
}

static int unsupported(struct sql_error *err, const char *dir, uint32_t oid)
{
    return sql_error_set(err, "0A000", "binary %s of type %s is not supported", dir,
                         sql_type_name(oid));
}

/* --- send ----------------------------------------------------------------------------- */

static void put_be(struct lw_buf *b, uint64_t v, int bytes)
{
    char t[8];
    for (int i = 0; i < bytes; i++)
        t[i] = (char)(v >> (8 * (bytes - 1 - i)));
    lw_buf_append(b, t, (size_t)bytes);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* numeric_send: ndigits, weight, sign, dscale, then base-10000 digits, from the canonical
 * decimal text the engine holds ("-12.50", "NaN", "Infinity"). */
static int send_numeric(const char *s, size_t len, struct lw_buf *b, struct sql_error *err)
{
    static const struct {
        const char *text;
        uint16_t sign;
    } specials[] = {{"NaN", 0xC000}, {"Infinity", 0xD000}, {"-Infinity", 0xF000}};
    char digs[2 * 1100 + 8];
    int16_t groups[600];
    size_t i = 0, nint = 0, nfrac = 0, pad, nd;
    int ng = 0, first = 0, last, weight;
    uint16_t sign = 0;

    for (size_t k = 0; k < sizeof specials / sizeof specials[0]; k++)
        if (len == strlen(specials[k].text) && memcmp(s, specials[k].text, len) == 0) {
            put_be(b, 0, 2);
            put_be(b, 0, 2);
            put_be(b, specials[k].sign, 2);
            put_be(b, 0, 2);
            return 0;
        }
    if (i < len && s[i] == '-') {
        sign = 0x4000;
        i++;
    }
    /* Left-pad the integer digits to a multiple of four and right-pad the fraction. */
    for (size_t j = i; j < len && s[j] != '.'; j++)
        nint++;
    if (i + nint < len)
        nfrac = len - i - nint - 1;
    if (nint + nfrac + 8 > sizeof digs)
        return sql_error_set(err, "22P03", "numeric value too long for binary output");
    pad = (4 - nint % 4) % 4;
    memset(digs, '0', pad);
    nd = pad;
    for (size_t j = 0; j < nint; j++) {
        if (s[i + j] < '0' || s[i + j] > '9')
            return sql_error_set(err, "XX000", "malformed numeric value");
        digs[nd++] = s[i + j];
    }
    weight = (int)((nd / 4)) - 1;
    for (size_t j = 0; j < nfrac; j++)
        digs[nd++] = s[i + nint + 1 + j];
    while (nd % 4)
        digs[nd++] = '0';
    for (size_t j = 0; j < nd; j += 4)
        groups[ng++] = (int16_t)((digs[j] - '0') * 1000 + (digs[j + 1] - '0') * 100 +
                                 (digs[j + 2] - '0') * 10 + (digs[j + 3] - '0'));
    /* Leading and trailing zero groups are not sent; weight follows the first one kept. */
    while (first < ng && groups[first] == 0)
        first++;
    last = ng;
    while (last > first && groups[last - 1] == 0)
        last--;
    if (first == last) {
        weight = 0;
        sign = 0;
    } else {
        weight -= first;
    }
    put_be(b, (uint16_t)(last - first), 2);
    put_be(b, (uint16_t)(int16_t)weight, 2);
    put_be(b, sign, 2);
    put_be(b, (uint16_t)nfrac, 2);
    for (int g = first; g < last; g++)
        put_be(b, (uint16_t)groups[g], 2);
    return 0;
}

static int send_array(const struct sql_value *v, uint32_t oid, struct lw_buf *b,
                      struct sql_error *err)
{
    const struct sql_array *a = v->u.arr;
    uint32_t elem = oid == SQL_OID_ANYARRAY ? a->elem_oid : elem_of(oid);
    bool hasnull = false;
    int lbound = oid == SQL_OID_INT2VECTOR || oid == SQL_OID_OIDVECTOR ? 0 : 1;
    if (kind_of(elem) == BIN_NONE)
        return unsupported(err, "output", oid);
    for (int i = 0; i < a->n; i++)
        hasnull |= a->v[i].type == SQL_V_NULL;
    put_be(b, a->n > 0 ? 1 : 0, 4);
    put_be(b, hasnull, 4);
    put_be(b, elem, 4);
    if (a->n > 0) {
        put_be(b, (uint32_t)a->n, 4);
        put_be(b, (uint32_t)lbound, 4);
    }
    for (int i = 0; i < a->n; i++) {
        size_t at;
        if (a->v[i].type == SQL_V_NULL) {
            put_be(b, 0xffffffffu, 4);
            continue;
        }
        at = b->len;
        put_be(b, 0, 4);
        if (sql_type_send(&a->v[i], elem, b, err) != 0)
            return LW_EINVAL;
        if (!b->failed) {
            uint32_t n = (uint32_t)(b->len - at - 4);
            for (int k = 0; k < 4; k++)
                b->data[at + (size_t)k] = (char)(n >> (8 * (3 - k)));
        }
    }
    return 0;
}

int sql_type_send(const struct sql_value *v, uint32_t oid, struct lw_buf *b,
                  struct sql_error *err)
{
    uint64_t bits;
    if (v->type == SQL_V_ARRAY)
        return send_array(v, oid, b, err);
    switch (kind_of(oid)) {
    case BIN_BOOL: put_be(b, v->u.b ? 1 : 0, 1); return 0;
    case BIN_INT2: put_be(b, (uint64_t)v->u.i, 2); return 0;
    case BIN_INT4:
    case BIN_OID: put_be(b, (uint64_t)v->u.i, 4); return 0;
    case BIN_INT8: put_be(b, (uint64_t)v->u.i, 8); return 0;
    case BIN_FLOAT4: {
        float f = (float)v->u.f;
        uint32_t u;
        memcpy(&u, &f, 4);
        put_be(b, u, 4);
        return 0;
    }
    case BIN_FLOAT8:
        memcpy(&bits, &v->u.f, 8);
        put_be(b, bits, 8);
        return 0;
    case BIN_BYTES: lw_buf_append(b, v->u.s.p, v->u.s.len); return 0;
    case BIN_CHAR: put_be(b, v->u.s.len ? (unsigned char)v->u.s.p[0] : 0, 1); return 0;
    case BIN_JSONB:
        put_be(b, 1, 1);
        sql_value_text(v, oid, b);
        return 0;
    case BIN_NUMERIC: return send_numeric(v->u.s.p, v->u.s.len, b, err);
    case BIN_UUID:
        for (size_t i = 0; i + 1 < v->u.s.len; i++) {
            int hi = hexval(v->u.s.p[i]), lo;
            if (hi < 0)
                continue;                   /* the hyphens */
            lo = hexval(v->u.s.p[++i]);
            put_be(b, (uint64_t)(hi << 4 | (lo < 0 ? 0 : lo)), 1);
        }
        return 0;
    case BIN_DATE: {
        int64_t days = v->u.us / US_PER_DAY - (v->u.us % US_PER_DAY < 0 ? 1 : 0);
        /* PostgreSQL's date infinities are int32's ends */
        if (!sql_time_finite(v->u.us))
            days = (v->u.us == SQL_TIME_NOEND ? INT32_MAX : INT32_MIN) + (int64_t)PG_EPOCH_DAYS;
        put_be(b, (uint64_t)(days - PG_EPOCH_DAYS), 4);
        return 0;
    }
    case BIN_TIME: put_be(b, (uint64_t)v->u.us, 8); return 0;
    case BIN_TIMESTAMP:
        put_be(b, sql_time_finite(v->u.us) ? (uint64_t)(v->u.us - PG_EPOCH_US) : (uint64_t)v->u.us,
               8);
        return 0;
    case BIN_INTERVAL:
        put_be(b, (uint64_t)v->u.iv.us, 8);
        put_be(b, (uint64_t)(uint32_t)v->u.iv.days, 4);
        put_be(b, (uint64_t)(uint32_t)v->u.iv.months, 4);
        return 0;
    case BIN_VOID: return 0;
    case BIN_NONE: break;
    }
    return unsupported(err, "output", oid);
}

/* --- receive -------------------------------------------------------------------------- */

static uint64_t get_be(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v = v << 8 | p[i];
    return v;
}

static int bad_data(struct sql_error *err)
{
    return sql_error_set(err, "22P03", "incorrect binary data format");
}

static int set_bytes(const char *p, size_t len, struct lw_arena *arena, struct sql_value *out,
                     struct sql_error *err)
{
    char *t = lw_arena_alloc(arena, len + 1);
    if (!t)
        return sql_error_set(err, "53200", "out of memory");
    memcpy(t, p, len);
    t[len] = '\0';
    out->type = SQL_V_TEXT;
    out->u.s.p = t;
    out->u.s.len = len;
    return 0;
}

/* Text input of the text the binary value stands for (json, numeric, uuid): the type's
 * own checks then apply. */
static int via_text(const char *t, size_t len, uint32_t oid, struct lw_arena *arena,
                    struct sql_value *out, struct sql_error *err)
{
    return sql_value_parse_in(t, len, oid, arena, out, err);
}

static int recv_numeric(const unsigned char *p, size_t len, struct lw_arena *arena,
                        struct sql_value *out, struct sql_error *err)
{
    int nd, weight, dscale;
    uint16_t sign;
    struct lw_buf t;
    int rc;
    if (len < 8)
        return bad_data(err);
    nd = (int)get_be(p, 2);
    weight = (int16_t)get_be(p + 2, 2);
    sign = (uint16_t)get_be(p + 4, 2);
    dscale = (int)get_be(p + 6, 2);
    if (len != 8 + 2 * (size_t)nd || dscale > 0x3FFF)
        return bad_data(err);
    if (sign == 0xC000 || sign == 0xD000 || sign == 0xF000) {
        const char *s = sign == 0xC000 ? "NaN" : sign == 0xD000 ? "Infinity" : "-Infinity";
        return via_text(s, strlen(s), SQL_OID_NUMERIC, arena, out, err);
    }
    if (sign != 0 && sign != 0x4000)
        return sql_error_set(err, "22P03", "invalid sign in external \"numeric\" value");
    if (weight > 1000 || weight < -1000)
        return sql_error_set(err, "22P03", "numeric weight out of range");
    lw_buf_init(&t, 64u << 10);
    if (sign == 0x4000)
        lw_buf_putc(&t, '-');
    /* integer part: groups of weight >= 0 */
    if (weight < 0)
        lw_buf_putc(&t, '0');
    for (int w = weight, i = 0; w >= 0; w--, i++) {
        int d = i < nd ? (int)get_be(p + 8 + 2 * (size_t)i, 2) : 0;
        if (d > 9999) {
            lw_buf_free(&t);
            return sql_error_set(err, "22P03", "invalid digit in external \"numeric\" value");
        }
        lw_buf_printf(&t, i == 0 ? "%d" : "%04d", d);
    }
    if (dscale > 0) {
        size_t fstart;
        lw_buf_putc(&t, '.');
        fstart = t.len;
        for (int w = -1; (int)(t.len - fstart) < dscale; w--) {
            int i = weight - w, d = i >= 0 && i < nd ? (int)get_be(p + 8 + 2 * (size_t)i, 2) : 0;
            if (d > 9999) {
                lw_buf_free(&t);
                return sql_error_set(err, "22P03", "invalid digit in external \"numeric\" "
                                     "value");
            }
            lw_buf_printf(&t, "%04d", d);
        }
        t.len = fstart + (size_t)dscale;
    }
    rc = t.failed ? sql_error_set(err, "54000", "numeric value too long")
                  : via_text(t.data, t.len, SQL_OID_NUMERIC, arena, out, err);
    /* text input pointed into t for plain decimals: keep a copy that outlives it */
    if (rc == 0 && out->type == SQL_V_TEXT && out->u.s.p >= t.data &&
        out->u.s.p < t.data + t.len)
        rc = set_bytes(out->u.s.p, out->u.s.len, arena, out, err);
    lw_buf_free(&t);
    return rc;
}

static int recv_array(const unsigned char *p, size_t len, uint32_t oid, struct lw_arena *arena,
                      struct sql_value *out, struct sql_error *err)
{
    uint32_t elem = elem_of(oid), got;
    int32_t ndim, n = 0;
    size_t pos = 12;
    struct sql_array *a;
    struct sql_value *vals = NULL;
    if (kind_of(elem) == BIN_NONE)
        return unsupported(err, "input", oid);
    if (len < 12)
        return bad_data(err);
    ndim = (int32_t)get_be(p, 4);
    got = (uint32_t)get_be(p + 8, 4);
    if (get_be(p + 4, 4) > 1)
        return sql_error_set(err, "22P03", "invalid array flags");
    if (ndim < 0 || ndim > 6)
        return sql_error_set(err, "22P03", "invalid number of dimensions: %d", ndim);
    if (ndim > 1)
        return sql_error_set(err, "0A000", "multidimensional arrays are not supported");
    if (got != elem)
        return sql_error_set(err, "42804", "binary data has array element type %u (%s) instead "
                             "of expected %u (%s)", got, sql_type_name(got), elem,
                             sql_type_name(elem));
    if (ndim == 1) {
        if (len < 20)
            return bad_data(err);
        n = (int32_t)get_be(p + 12, 4);
        pos = 20;
        if (n < 0 || n > ARRAY_MAX_ELEMS || (size_t)n > (len - pos) / 4)
            return sql_error_set(err, "54000", "array size exceeds the maximum allowed");
    }
    if (!(a = lw_arena_alloc(arena, sizeof *a)) ||
        (n && !(vals = lw_arena_alloc(arena, (size_t)n * sizeof *vals))))
        return sql_error_set(err, "53200", "out of memory");
    for (int i = 0; i < n; i++) {
        int32_t el;
        if (len - pos < 4)
            return bad_data(err);
        el = (int32_t)get_be(p + pos, 4);
        pos += 4;
        memset(&vals[i], 0, sizeof vals[i]);
        if (el == -1)
            continue;
        if (el < 0 || (size_t)el > len - pos)
            return bad_data(err);
        if (sql_type_recv((const char *)p + pos, (size_t)el, elem, arena, &vals[i], err) != 0)
            return LW_EINVAL;
        pos += (size_t)el;
    }
    if (pos != len)
        return bad_data(err);
    a->elem_oid = elem;
    a->n = n;
    a->v = vals;
    out->type = SQL_V_ARRAY;
    out->u.arr = a;
    return 0;
}

/* The exact size each fixed-size kind must have (0: variable). */
static size_t fixed_size(enum bin_kind k)
{
    static const size_t sizes[] = {
        [BIN_BOOL] = 1, [BIN_INT2] = 2, [BIN_INT4] = 4, [BIN_INT8] = 8, [BIN_OID] = 4,
        [BIN_FLOAT4] = 4, [BIN_FLOAT8] = 8, [BIN_CHAR] = 1, [BIN_UUID] = 16, [BIN_DATE] = 4,
        [BIN_TIME] = 8, [BIN_TIMESTAMP] = 8, [BIN_INTERVAL] = 16,
    };
    return (size_t)k < sizeof sizes / sizeof sizes[0] ? sizes[k] : 0;
}

int sql_type_recv(const char *ps, size_t len, uint32_t oid, struct lw_arena *arena,
                  struct sql_value *out, struct sql_error *err)
{
    const unsigned char *p = (const unsigned char *)ps;
    enum bin_kind k = kind_of(oid);
    size_t need;
    memset(out, 0, sizeof *out);
    if (elem_of(oid))
        return recv_array(p, len, oid, arena, out, err);
    if (k == BIN_NONE)
        return unsupported(err, "input", oid);
    need = fixed_size(k);
    if (need && len != need)
        return bad_data(err);
    switch (k) {
    case BIN_BOOL:
        out->type = SQL_V_BOOL;
        out->u.b = p[0] != 0;
        return 0;
    case BIN_INT2:
        out->type = SQL_V_INT;
        out->u.i = (int16_t)get_be(p, 2);
        return 0;
    case BIN_INT4:
        out->type = SQL_V_INT;
        out->u.i = (int32_t)get_be(p, 4);
        return 0;
    case BIN_OID:
        out->type = SQL_V_INT;
        out->u.i = (int64_t)(uint32_t)get_be(p, 4);
        return 0;
    case BIN_INT8:
        out->type = SQL_V_INT;
        out->u.i = (int64_t)get_be(p, 8);
        return 0;
    case BIN_FLOAT4: {
        uint32_t u = (uint32_t)get_be(p, 4);
        float f;
        memcpy(&f, &u, 4);
        out->type = SQL_V_FLOAT;
        out->u.f = f;
        return 0;
    }
    case BIN_FLOAT8: {
        uint64_t u = get_be(p, 8);
        out->type = SQL_V_FLOAT;
        memcpy(&out->u.f, &u, 8);
        return 0;
    }
    case BIN_BYTES:
        if (oid == SQL_OID_BYTEA)
            return set_bytes(ps, len, arena, out, err);
        if (oid == SQL_OID_JSON) {
            char *t = lw_arena_strndup(arena, ps, len);
            if (!t)
                return sql_error_set(err, "53200", "out of memory");
            return via_text(t, len, oid, arena, out, err);
        }
        /* text-like: the bytes must be valid text, as pq_getmsgtext requires */
        if (memchr(ps, 0, len))
            return sql_error_set(err, "22021", "invalid byte sequence for encoding \"UTF8\": "
                                 "0x00");
        if (set_bytes(ps, len, arena, out, err) != 0)
            return LW_EINVAL;
        if (oid == SQL_OID_NAME && len > 63)
            out->u.s.len = 63;
        return 0;
    case BIN_CHAR: return set_bytes(ps, p[0] ? 1 : 0, arena, out, err);
    case BIN_JSONB: {
        char *t;
        if (len < 1 || p[0] != 1)
            return sql_error_set(err, "22P03", "unsupported jsonb version number %d",
                                 len ? p[0] : -1);
        if (!(t = lw_arena_strndup(arena, ps + 1, len - 1)))
            return sql_error_set(err, "53200", "out of memory");
        return via_text(t, len - 1, oid, arena, out, err);
    }
    case BIN_NUMERIC: return recv_numeric(p, len, arena, out, err);
    case BIN_UUID: {
        char t[37];
        int n = 0;
        for (int i = 0; i < 16; i++)
            n += snprintf(t + n, sizeof t - (size_t)n, "%s%02x",
                          i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "", p[i]);
        return set_bytes(t, (size_t)n, arena, out, err);
    }
    case BIN_DATE: {
        int64_t days = (int32_t)get_be(p, 4);
        out->type = SQL_V_TIME;
        if (days == INT32_MAX || days == INT32_MIN) {
            out->u.us = days == INT32_MAX ? SQL_TIME_NOEND : SQL_TIME_NOBEGIN;
            return 0;
        }
        /* PostgreSQL's dates end in 5874897 AD: microseconds since 1970 hold 292277 years */
        if (days + PG_EPOCH_DAYS > INT64_MAX / US_PER_DAY - 1 ||
            days + PG_EPOCH_DAYS < INT64_MIN / US_PER_DAY + 1)
            return sql_error_set(err, "22008", "date out of range");
        out->u.us = (days + PG_EPOCH_DAYS) * US_PER_DAY;
        return 0;
    }
    case BIN_TIME: {
        int64_t us = (int64_t)get_be(p, 8);
        if (us < 0 || us > US_PER_DAY)
            return sql_error_set(err, "22008", "time out of range");
        out->type = SQL_V_TIME;
        out->u.us = us;
        return 0;
    }
    case BIN_TIMESTAMP: {
        int64_t us = (int64_t)get_be(p, 8);
        out->type = SQL_V_TIME;
        out->u.us = us;
        if (!sql_time_finite(us))       /* PostgreSQL's infinities are ours */
            return 0;
        /* what would overflow the shift or land on an infinity */
        if (us >= INT64_MAX - PG_EPOCH_US || us <= INT64_MIN + PG_EPOCH_US)
            return sql_error_set(err, "22008", "timestamp out of range");
        out->type = SQL_V_TIME;
        out->u.us = us + PG_EPOCH_US;
        return 0;
    }
    case BIN_INTERVAL:
        out->type = SQL_V_INTERVAL;
        out->u.iv.us = (int64_t)get_be(p, 8);
        out->u.iv.days = (int32_t)get_be(p + 8, 4);
        out->u.iv.months = (int32_t)get_be(p + 12, 4);
        return 0;
    case BIN_VOID:
        out->type = SQL_V_NULL;
        return 0;
    case BIN_NONE: break;
    }
    return unsupported(err, "input", oid);
}

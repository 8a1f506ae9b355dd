/* sql_func_misc.c -- scalar functions: strings, math, date/time (what Grafana's macros
 * expand to: to_timestamp, extract/date_part, date_trunc, floor), arrays, and the
 * session's identity (version(), current_user, current_database(), ...). */
#include "sql_func_impl.h"

#include "sql_engine.h"
#include "sql_expr.h"
#include "sql_settings.h"
#include "sql_type_io.h"
#include "sql_value.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define US_PER_DAY 86400000000LL
#define ARGS struct sql_fcall *c, int argc, const struct sql_value *argv, struct sql_value *out
#define UNUSED_ARGS (void)c, (void)argc, (void)argv

/* --- strings -------------------------------------------------------------------------- */

static size_t utf8_len(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

/* Byte offset of character index ci (0-based) in s, clamped to n. */
static size_t utf8_off(const char *s, size_t n, int64_t ci)
{
    size_t i = 0;
    for (; i < n && ci > 0; ci--)
        for (i++; i < n && ((unsigned char)s[i] & 0xC0) == 0x80; i++)
            ;
    return i;
}

static int case_map(ARGS, int (*f)(int))
{
    char *p;
    (void)argc;
    if (!(p = lw_arena_strndup(c->arena, argv[0].u.s.p, argv[0].u.s.len)))
        return sql_fn_nomem(c);
    for (size_t i = 0; i < argv[0].u.s.len; i++)
        if (!((unsigned char)p[i] & 0x80))
            p[i] = (char)f((unsigned char)p[i]);
    out->type = SQL_V_TEXT;
    out->u.s.p = p;
    out->u.s.len = argv[0].u.s.len;
    return 0;
}

static int f_lower(ARGS) { return case_map(c, argc, argv, out, tolower); }
static int f_upper(ARGS) { return case_map(c, argc, argv, out, toupper); }

static int f_length(ARGS)
{
    UNUSED_ARGS;
    sql_ret_int(out, (int64_t)utf8_len(argv[0].u.s.p, argv[0].u.s.len));
    return 0;
}

static int f_octet_length(ARGS)
{
    UNUSED_ARGS;
    sql_ret_int(out, (int64_t)argv[0].u.s.len);
    return 0;
}

/* substr(s, start[, count]) with PostgreSQL's 1-based, clamped semantics. */
static int f_substr(ARGS)
{
    const char *s = argv[0].u.s.p;
    size_t n = argv[0].u.s.len, b, e;
    int64_t start = argv[1].u.i, end;
    if (argc > 2) {
        if (argv[2].u.i < 0)
            return sql_error_set(c->err, "22011", "negative substring length not allowed");
        end = start + argv[2].u.i;
    } else {
        end = INT64_MAX;
    }
    if (start < 1)
        start = 1;
    if (end <= start)
        return sql_ret_text(c, out, "", 0);
    b = utf8_off(s, n, start - 1);
    e = end == INT64_MAX ? n : utf8_off(s, n, end - 1);
    return sql_ret_text(c, out, s + b, e - b);
}

static int f_left_right(ARGS, bool left)
{
    const char *s = argv[0].u.s.p;
    size_t n = argv[0].u.s.len, chars = utf8_len(s, n), b, e;
    int64_t k = argv[1].u.i;
    (void)argc;
    if (left) {
        int64_t take = k >= 0 ? k : (int64_t)chars + k;
        b = 0;
        e = utf8_off(s, n, take < 0 ? 0 : take);
    } else {
        int64_t skip = k >= 0 ? (int64_t)chars - k : -k;
        b = utf8_off(s, n, skip < 0 ? 0 : skip);
        e = n;
    }
    return sql_ret_text(c, out, s + b, e > b ? e - b : 0);
}

static int f_left(ARGS) { return f_left_right(c, argc, argv, out, true); }
static int f_right(ARGS) { return f_left_right(c, argc, argv, out, false); }

static int f_strpos(ARGS)
{
    const char *h = argv[0].u.s.p, *nd = argv[1].u.s.p;
    size_t hn = argv[0].u.s.len, nn = argv[1].u.s.len;
    UNUSED_ARGS;
    for (size_t i = 0; i + nn <= hn; i++)
        if (memcmp(h + i, nd, nn) == 0) {
            sql_ret_int(out, (int64_t)utf8_len(h, i) + 1);
            return 0;
        }
    sql_ret_int(out, 0);
    return 0;
}

static int f_replace(ARGS)
{
    const char *s = argv[0].u.s.p, *from = argv[1].u.s.p, *to = argv[2].u.s.p;
    size_t n = argv[0].u.s.len, fl = argv[1].u.s.len, tl = argv[2].u.s.len;
    struct lw_buf b;
    int rc;
    (void)argc;
    if (fl == 0)
        return sql_ret_text(c, out, s, n);
    lw_buf_init(&b, c->arena->max ? c->arena->max : (64u << 20));
    for (size_t i = 0; i < n;) {
        if (i + fl <= n && memcmp(s + i, from, fl) == 0) {
            lw_buf_append(&b, to, tl);
            i += fl;
        } else {
            lw_buf_putc(&b, s[i++]);
        }
    }
    rc = b.failed ? sql_fn_nomem(c) : sql_ret_text(c, out, b.data, b.len);
    lw_buf_free(&b);
    return rc;
}

static int trim_impl(ARGS, bool l, bool r)
{
    const char *s = argv[0].u.s.p, *set = argc > 1 ? argv[1].u.s.p : " ";
    size_t n = argv[0].u.s.len, sl = argc > 1 ? argv[1].u.s.len : 1, b = 0, e = n;
    while (l && b < e && memchr(set, s[b], sl))
        b++;
    while (r && e > b && memchr(set, s[e - 1], sl))
        e--;
    return sql_ret_text(c, out, s + b, e - b);
}

static int f_btrim(ARGS) { return trim_impl(c, argc, argv, out, true, true); }
static int f_ltrim(ARGS) { return trim_impl(c, argc, argv, out, true, false); }
static int f_rtrim(ARGS) { return trim_impl(c, argc, argv, out, false, true); }

static int f_split_part(ARGS)
{
    const char *s = argv[0].u.s.p, *d = argv[1].u.s.p;
    size_t n = argv[0].u.s.len, dl = argv[1].u.s.len, b = 0;
    int64_t k = argv[2].u.i;
    (void)argc;
    if (k == 0)
        return sql_error_set(c->err, "22023", "field position must not be zero");
    if (k < 0 || dl == 0) {
        if (dl == 0 && (k == 1 || k == -1))
            return sql_ret_text(c, out, s, n);
        if (k > 0 || dl == 0)
            return sql_ret_text(c, out, "", 0);
        return sql_error_set(c->err, "0A000", "split_part with a negative position is not "
                             "supported yet");
    }
    for (int64_t field = 1;; field++) {
        size_t e = b;
        while (e + dl <= n && memcmp(s + e, d, dl) != 0)
            e++;
        if (e + dl > n)
            e = n;
        if (field == k)
            return sql_ret_text(c, out, s + b, e - b);
        if (e >= n)
            return sql_ret_text(c, out, "", 0);
        b = e + dl;
    }
}

static int f_repeat(ARGS)
{
    int64_t k = argv[1].u.i;
    size_t n = argv[0].u.s.len;
    char *p;
    (void)argc;
    if (k <= 0 || n == 0)
        return sql_ret_text(c, out, "", 0);
    if ((uint64_t)k > (c->arena->max ? c->arena->max : (64u << 20)) / n)
        return sql_error_set(c->err, "54000", "requested length too large");
    if (!(p = lw_arena_alloc(c->arena, n * (size_t)k + 1)))
        return sql_fn_nomem(c);
    for (int64_t i = 0; i < k; i++)
        memcpy(p + (size_t)i * n, argv[0].u.s.p, n);
    out->type = SQL_V_TEXT;
    out->u.s.p = p;
    out->u.s.len = n * (size_t)k;
    return 0;
}

static int f_starts_with(ARGS)
{
    UNUSED_ARGS;
    sql_ret_bool(out, argv[0].u.s.len >= argv[1].u.s.len &&
                          memcmp(argv[0].u.s.p, argv[1].u.s.p, argv[1].u.s.len) == 0);
    return 0;
}

/* concat(any...) skips NULLs; concat_ws(sep, any...) too. Not strict. */
static int concat_impl(ARGS, int first, const struct sql_value *sep)
{
    struct lw_buf b;
    bool any = false;
    int rc;
    lw_buf_init(&b, c->arena->max ? c->arena->max : (64u << 20));
    for (int i = first; i < argc; i++) {
        if (argv[i].type == SQL_V_NULL)
            continue;
        if (any && sep)
            lw_buf_append(&b, sep->u.s.p, sep->u.s.len);
        if (argv[i].type == SQL_V_TEXT && c->arg_oids[i] != SQL_OID_BYTEA)
            lw_buf_append(&b, argv[i].u.s.p, argv[i].u.s.len);
        else
            sql_value_text(&argv[i], c->arg_oids[i], &b);
        any = true;
    }
    rc = b.failed ? sql_fn_nomem(c) : sql_ret_text(c, out, b.data, b.len);
    lw_buf_free(&b);
    return rc;
}

static int f_concat(ARGS) { return concat_impl(c, argc, argv, out, 0, NULL); }

static int f_concat_ws(ARGS)
{
    if (argv[0].type == SQL_V_NULL)
        return 0;
    return concat_impl(c, argc, argv, out, 1, &argv[0]);
}

/* --- math ----------------------------------------------------------------------------- */

static int f_abs_int(ARGS)
{
    UNUSED_ARGS;
    if (argv[0].u.i == INT64_MIN ||
        (c->result_oid == SQL_OID_INT4 && argv[0].u.i == INT32_MIN) ||
        (c->result_oid == SQL_OID_INT2 && argv[0].u.i == INT16_MIN))
        return sql_error_set(c->err, "22003", "%s out of range",
                             c->result_oid == SQL_OID_INT2 ? "smallint"
                             : c->result_oid == SQL_OID_INT4 ? "integer" : "bigint");
    sql_ret_int(out, llabs(argv[0].u.i));
    return 0;
}

#define MATH1(name, expr)                                                                     \
    static int name(ARGS)                                                                     \
    {                                                                                         \
        double x = argv[0].u.f;                                                               \
        UNUSED_ARGS;                                                                          \
        sql_ret_float(out, (expr));                                                           \
        return 0;                                                                             \
    }
MATH1(f_fabs, fabs(x))
MATH1(f_floor, floor(x))
MATH1(f_ceil, ceil(x))
MATH1(f_round, rint(x))
MATH1(f_trunc, trunc(x))
MATH1(f_sign, x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0)

static int f_sqrt(ARGS)
{
    UNUSED_ARGS;
    if (argv[0].u.f < 0)
        return sql_error_set(c->err, "2201F", "cannot take square root of a negative number");
    sql_ret_float(out, sqrt(argv[0].u.f));
    return 0;
}

static int f_power(ARGS)
{
    double x = argv[0].u.f, y = argv[1].u.f, r;
    UNUSED_ARGS;
    if (x == 0 && y < 0)
        return sql_error_set(c->err, "2201F", "zero raised to a negative power is undefined");
    if (x < 0 && floor(y) != y)
        return sql_error_set(c->err, "2201F", "a negative number raised to a non-integer "
                             "power yields a complex result");
    r = pow(x, y);
    if (isinf(r) && !isinf(x) && !isinf(y))
        return sql_error_set(c->err, "22003", "value out of range: overflow");
    sql_ret_float(out, r);
    return 0;
}

static int f_mod(ARGS)
{
    UNUSED_ARGS;
    if (argv[1].u.i == 0)
        return sql_error_set(c->err, "22012", "division by zero");
    sql_ret_int(out, argv[1].u.i == -1 ? 0 : argv[0].u.i % argv[1].u.i);
    return 0;
}

/* --- date and time -------------------------------------------------------------------- */

static int f_now(ARGS)
{
    UNUSED_ARGS;
    sql_ret_time(out, c->stmt_start_us);
    return 0;
}

static int f_to_timestamp(ARGS)
{
    double s = argv[0].u.f;
    UNUSED_ARGS;
    if (isnan(s))
        return sql_error_set(c->err, "22008", "timestamp cannot be NaN");
    if (isinf(s) || fabs(s) > 9.2e12)
        return sql_error_set(c->err, "22008", "timestamp out of range: \"%g\"", s);
    sql_ret_time(out, (int64_t)llrint(s * 1e6));
    return 0;
}

static int64_t floordiv(int64_t a, int64_t d)
{
    int64_t q = a / d;
    return (a % d != 0 && (a < 0) != (d < 0)) ? q - 1 : q;
}

struct field {
    const char *name;
    int id;
};
enum { FLD_MICRO, FLD_MILLI, FLD_SECOND, FLD_MINUTE, FLD_HOUR, FLD_DAY, FLD_WEEK, FLD_MONTH,
       FLD_QUARTER, FLD_YEAR, FLD_DECADE, FLD_CENTURY, FLD_MILLENNIUM, FLD_EPOCH, FLD_DOW,
       FLD_DOY, FLD_ISODOW, FLD_ISOYEAR };

static const struct field fields[] = {
    {"microseconds", FLD_MICRO}, {"microsecond", FLD_MICRO}, {"milliseconds", FLD_MILLI},
    {"millisecond", FLD_MILLI},  {"second", FLD_SECOND},     {"seconds", FLD_SECOND},
    {"minute", FLD_MINUTE},      {"minutes", FLD_MINUTE},    {"hour", FLD_HOUR},
    {"hours", FLD_HOUR},         {"day", FLD_DAY},           {"days", FLD_DAY},
    {"week", FLD_WEEK},          {"month", FLD_MONTH},       {"months", FLD_MONTH},
    {"quarter", FLD_QUARTER},    {"year", FLD_YEAR},         {"years", FLD_YEAR},
    {"decade", FLD_DECADE},      {"century", FLD_CENTURY},   {"millennium", FLD_MILLENNIUM},
    {"epoch", FLD_EPOCH},        {"dow", FLD_DOW},           {"doy", FLD_DOY},
    {"isodow", FLD_ISODOW},      {"isoyear", FLD_ISOYEAR},
};

/* ISO 8601 week-numbering: a week belongs to the year holding its Thursday. The year and
 * week (1-53) of day `day` (days since 1970-01-01). */
static void iso_week(int64_t day, int *year, int *week)
{
    int64_t thursday = day - ((day + 3) % 7 + 7) % 7 + 3;     /* Monday + 3 */
    int y, mo, d, h, mi, s, fr;
    sql_civil_from_us(thursday * US_PER_DAY, &y, &mo, &d, &h, &mi, &s, &fr);
    *year = y;
    *week = (int)((thursday - sql_days_from_civil(y, 1, 1)) / 7 + 1);
}

static int field_of(struct sql_fcall *c, const struct sql_value *v, const char *what)
{
    char name[32];
    size_t n = v->u.s.len;
    if (n >= sizeof name)
        n = sizeof name - 1;
    for (size_t i = 0; i < n; i++)
        name[i] = (char)tolower((unsigned char)v->u.s.p[i]);
    name[n] = '\0';
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (strcmp(fields[i].name, name) == 0)
            return fields[i].id;
    sql_error_set(c->err, "22023", "%s units \"%s\" not recognized", what, name);
    return -1;
}

/* date_trunc(field, timestamp[tz]) */
static int f_date_trunc(ARGS)
{
    int fld = field_of(c, &argv[0], "timestamp with time zone"), y, mo, d, h, mi, s, fr;
    int64_t us = argv[1].u.us, day;
    (void)argc;
    if (fld < 0)
        return LW_EINVAL;
    if (!sql_time_finite(us)) {
        sql_ret_time(out, us);          /* an infinity truncates to itself */
        return 0;
    }
    sql_civil_from_us(us, &y, &mo, &d, &h, &mi, &s, &fr);
    switch (fld) {
    case FLD_MICRO: break;
    case FLD_MILLI: us = floordiv(us, 1000) * 1000; break;
    case FLD_SECOND: us = floordiv(us, 1000000) * 1000000; break;
    case FLD_MINUTE: us = floordiv(us, 60000000) * 60000000; break;
    case FLD_HOUR: us = floordiv(us, 3600000000LL) * 3600000000LL; break;
    case FLD_DAY: us = floordiv(us, US_PER_DAY) * US_PER_DAY; break;
    case FLD_WEEK:
        day = floordiv(us, US_PER_DAY);
        us = (day - ((day + 3) % 7 + 7) % 7) * US_PER_DAY;     /* back to Monday */
        break;
    case FLD_MONTH: us = sql_days_from_civil(y, mo, 1) * US_PER_DAY; break;
    case FLD_QUARTER: us = sql_days_from_civil(y, (mo - 1) / 3 * 3 + 1, 1) * US_PER_DAY; break;
    case FLD_YEAR: us = sql_days_from_civil(y, 1, 1) * US_PER_DAY; break;
    case FLD_DECADE: us = sql_days_from_civil(y - ((y % 10) + 10) % 10, 1, 1) * US_PER_DAY; break;
    default:
        return sql_error_set(c->err, "0A000", "date_trunc with this unit is not supported yet");
    }
    sql_ret_time(out, us);
    return 0;
}

/* The field's value as an exact decimal: integer part and microsecond fraction (scale 6
 * for second/milliseconds/epoch as PostgreSQL's numeric extract prints it). */
static int part_of(struct sql_fcall *c, int fld, uint32_t type, const struct sql_value *v,
                   int64_t *ip, int64_t *frac_us, int *scale)
{
    int y, mo, d, h, mi, s, fr;
    *frac_us = 0;
    *scale = 0;
    if (type == SQL_OID_INTERVAL) {
        const struct sql_interval *iv = &v->u.iv;
        int64_t tsec = iv->us / 1000000, tfr = iv->us % 1000000;
        switch (fld) {
        case FLD_EPOCH:
            *ip = (int64_t)iv->months / 12 * 31557600 + (int64_t)iv->months % 12 * 2592000 +
                  (int64_t)iv->days * 86400 + tsec;
            *frac_us = tfr;
            *scale = 6;
            return 0;
        case FLD_SECOND: *ip = tsec % 60; *frac_us = tfr; *scale = 6; return 0;
        case FLD_MINUTE: *ip = tsec / 60 % 60; return 0;
        case FLD_HOUR: *ip = tsec / 3600; return 0;
        case FLD_DAY: *ip = iv->days; return 0;
        case FLD_MONTH: *ip = iv->months % 12; return 0;
        case FLD_YEAR: *ip = iv->months / 12; return 0;
        default:
            return sql_error_set(c->err, "0A000", "this interval field is not supported yet");
        }
    }
    sql_civil_from_us(v->u.us, &y, &mo, &d, &h, &mi, &s, &fr);
    switch (fld) {
    case FLD_MICRO: *ip = (int64_t)s * 1000000 + fr; return 0;
    case FLD_MILLI: *ip = (int64_t)s * 1000 + fr / 1000; *frac_us = fr % 1000 * 1000;
        *scale = 3; return 0;
    case FLD_SECOND: *ip = s; *frac_us = fr; *scale = 6; return 0;
    case FLD_MINUTE: *ip = mi; return 0;
    case FLD_HOUR: *ip = h; return 0;
    case FLD_DAY: *ip = d; return 0;
    case FLD_MONTH: *ip = mo; return 0;
    case FLD_QUARTER: *ip = (mo - 1) / 3 + 1; return 0;
    case FLD_YEAR: *ip = y > 0 ? y : y - 1; return 0;
    case FLD_DECADE: *ip = floordiv(y, 10); return 0;
    case FLD_CENTURY: *ip = y > 0 ? (y + 99) / 100 : -((99 - (y - 1)) / 100); return 0;
    case FLD_MILLENNIUM: *ip = y > 0 ? (y + 999) / 1000 : -((999 - (y - 1)) / 1000); return 0;
    case FLD_EPOCH:
        *ip = floordiv(v->u.us, 1000000);
        *frac_us = v->u.us - *ip * 1000000;
        *scale = type == SQL_OID_DATE ? 0 : 6;
        return 0;
    case FLD_DOW: *ip = ((floordiv(v->u.us, US_PER_DAY) + 4) % 7 + 7) % 7; return 0;
    case FLD_ISODOW: *ip = ((floordiv(v->u.us, US_PER_DAY) + 3) % 7 + 7) % 7 + 1; return 0;
    case FLD_DOY: *ip = sql_days_from_civil(y, mo, d) - sql_days_from_civil(y, 1, 1) + 1;
        return 0;
    case FLD_ISOYEAR:
    case FLD_WEEK: {
        int iy, iw;
        iso_week(floordiv(v->u.us, US_PER_DAY), &iy, &iw);
        *ip = fld == FLD_WEEK ? iw : iy > 0 ? iy : iy - 1;
        return 0;
    }
    default:
        return sql_error_set(c->err, "0A000", "this field is not supported yet");
    }
}

/* A field of an infinite date or timestamp, as PostgreSQL 15's NonFiniteTimestampTzPart:
 * the fields that grow with time are the same infinity (1 or -1), the others NULL (0). */
static int infinite_part(int fld, int64_t us)
{
    static const int monotonic[] = {FLD_YEAR, FLD_DECADE, FLD_CENTURY, FLD_MILLENNIUM,
                                    FLD_EPOCH, FLD_ISOYEAR};
    for (size_t i = 0; i < sizeof monotonic / sizeof *monotonic; i++)
        if (monotonic[i] == fld)
            return us == SQL_TIME_NOEND ? 1 : -1;
    return 0;
}

/* part_of for extract and date_part: 1 with *inf set (0: NULL, 1 or -1: that infinity) for
 * an infinite date or timestamp, whose field must still be one part_of knows */
static int part_or_infinity(struct sql_fcall *c, int fld, const struct sql_value *v,
                            int64_t *ip, int64_t *fr, int *scale, int *inf)
{
    uint32_t type = c->arg_oids[1];
    if (fld < 0)
        return LW_EINVAL;
    if (type != SQL_OID_INTERVAL && !sql_time_finite(v->u.us)) {
        struct sql_value epoch = *v;
        epoch.u.us = 0;
        if (part_of(c, fld, type, &epoch, ip, fr, scale) != 0)
            return LW_EINVAL;
        *inf = infinite_part(fld, v->u.us);
        return 1;
    }
    return part_of(c, fld, type, v, ip, fr, scale);
}

static int f_extract(ARGS)
{
    int fld = field_of(c, &argv[0], "timestamp with time zone"), scale, inf, rc;
    int64_t ip, fr;
    char buf[64];
    (void)argc;
    if ((rc = part_or_infinity(c, fld, &argv[1], &ip, &fr, &scale, &inf)) < 0)
        return LW_EINVAL;
    if (rc == 1) {
        if (!inf)
            return 0;       /* NULL */
        return sql_numeric_canon(inf > 0 ? "Infinity" : "-Infinity", inf > 0 ? 8 : 9,
                                 c->arena, out, c->err);
    }
    if (scale) {
        int64_t unit = scale == 6 ? 1000000 : 1000;
        int64_t tot = ip * unit + (scale == 6 ? fr : fr / 1000);
        uint64_t mag = tot < 0 ? (uint64_t)0 - (uint64_t)tot : (uint64_t)tot;
        snprintf(buf, sizeof buf, "%s%llu.%0*llu", tot < 0 ? "-" : "",
                 (unsigned long long)(mag / (uint64_t)unit), scale,
                 (unsigned long long)(mag % (uint64_t)unit));
    } else {
        snprintf(buf, sizeof buf, "%lld", (long long)ip);
    }
    return sql_numeric_canon(buf, strlen(buf), c->arena, out, c->err);
}

static int f_date_part(ARGS)
{
    int fld = field_of(c, &argv[0], "timestamp with time zone"), scale, inf, rc;
    int64_t ip, fr;
    (void)argc;
    if ((rc = part_or_infinity(c, fld, &argv[1], &ip, &fr, &scale, &inf)) < 0)
        return LW_EINVAL;
    if (rc == 1) {
        if (inf)
            sql_ret_float(out, inf > 0 ? INFINITY : -INFINITY);
        return 0;
    }
    sql_ret_float(out, (double)ip + (double)fr / 1e6);
    return 0;
}

/* --- session -------------------------------------------------------------------------- */

static int ret_str(struct sql_fcall *c, struct sql_value *out, const char *s)
{
    if (!s)
        return 0;
    out->type = SQL_V_TEXT;
    out->u.s.p = s;
    out->u.s.len = strlen(s);
    (void)c;
    return 0;
}

static int f_version(ARGS) { UNUSED_ARGS; return ret_str(c, out, c->session->o.version); }
static int f_current_database(ARGS) { UNUSED_ARGS; return ret_str(c, out, c->session->o.database); }
static int f_current_user(ARGS) { UNUSED_ARGS; return ret_str(c, out, c->session->o.user); }
static int f_current_schema(ARGS) { UNUSED_ARGS; return ret_str(c, out, "lakeward"); }

static int f_pg_typeof(ARGS)
{
    UNUSED_ARGS;
    sql_ret_int(out, c->arg_oids[0]);
    return 0;
}

/* current_setting(name [, missing_ok]) and set_config(name, value, is_local) */
static int f_current_setting(ARGS)
{
    const char *v;
    struct sql_error e2;
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)argv[0].u.s.len, argv[0].u.s.p);
    v = sql_settings_get(&c->session->settings, name, &e2);
    if (!v) {
        if (argc > 1 && argv[1].type == SQL_V_BOOL && argv[1].u.b)
            return 0;
        *c->err = e2;
        return LW_EINVAL;
    }
    return sql_ret_text(c, out, v, strlen(v));
}

static int f_set_config(ARGS)
{
    char name[128], value[SQL_SETTING_VALUE_MAX];
    const char *v;
    (void)argc;
    if (argv[0].type == SQL_V_NULL)
        return sql_error_set(c->err, "22004", "SET requires parameter name");
    if (argv[2].type == SQL_V_BOOL && argv[2].u.b)
        return sql_error_set(c->err, "0A000", "set_config(..., true) (transaction-local) is "
                             "not supported yet");
    snprintf(name, sizeof name, "%.*s", (int)argv[0].u.s.len, argv[0].u.s.p);
    if (argv[1].type != SQL_V_NULL)
        snprintf(value, sizeof value, "%.*s", (int)argv[1].u.s.len, argv[1].u.s.p);
    if (sql_settings_set(&c->session->settings, name, argv[1].type == SQL_V_NULL ? NULL : value,
                         c->err) != 0)
        return LW_EINVAL;
    v = sql_settings_get(&c->session->settings, name, c->err);
    return v ? sql_ret_text(c, out, v, strlen(v)) : LW_EINVAL;
}

/* current_schemas(include_implicit): {pg_catalog,lakeward} or {lakeward} */
static int f_current_schemas(ARGS)
{
    static const struct sql_value names[] = {
        {SQL_V_TEXT, {.s = {"pg_catalog", 10}}}, {SQL_V_TEXT, {.s = {"lakeward", 8}}}};
    struct sql_array *a = lw_arena_alloc(c->arena, sizeof *a);
    (void)argc;
    if (!a)
        return sql_fn_nomem(c);
    a->elem_oid = SQL_OID_NAME;
    a->n = argv[0].u.b ? 2 : 1;
    a->v = argv[0].u.b ? names : names + 1;
    out->type = SQL_V_ARRAY;
    out->u.arr = a;
    return 0;
}

/* --- arrays --------------------------------------------------------------------------- */

static int f_array_length(ARGS)
{
    UNUSED_ARGS;
    if (argv[1].u.i != 1 || argv[0].u.arr->n == 0)
        return 0;       /* NULL, as PostgreSQL answers for a missing dimension */
    sql_ret_int(out, argv[0].u.arr->n);
    return 0;
}

static int f_cardinality(ARGS)
{
    UNUSED_ARGS;
    sql_ret_int(out, argv[0].u.arr->n);
    return 0;
}

static int f_array_to_string(ARGS)
{
    const struct sql_array *a = argv[0].u.arr;
    struct lw_buf b;
    bool first = true;
    int rc;
    if (argv[0].type == SQL_V_NULL || argv[1].type == SQL_V_NULL)
        return 0;
    lw_buf_init(&b, c->arena->max ? c->arena->max : (64u << 20));
    for (int i = 0; i < a->n; i++) {
        if (a->v[i].type == SQL_V_NULL) {
            if (argc < 3 || argv[2].type == SQL_V_NULL)
                continue;
        }
        if (!first)
            lw_buf_append(&b, argv[1].u.s.p, argv[1].u.s.len);
        first = false;
        if (a->v[i].type == SQL_V_NULL)
            lw_buf_append(&b, argv[2].u.s.p, argv[2].u.s.len);
        else
            sql_value_text(&a->v[i], a->elem_oid, &b);
    }
    rc = b.failed ? sql_fn_nomem(c) : sql_ret_text(c, out, b.data, b.len);
    lw_buf_free(&b);
    return rc;
}

/* --- the table ------------------------------------------------------------------------ */

#define I SQL_VOL_IMMUTABLE
#define S SQL_VOL_STABLE
#define FN(oid, name, vol, strict, fn, ret, n, ...)                                           \
    {oid, name, SQL_FN_SCALAR, vol, strict, false, n, {__VA_ARGS__}, ret, fn, NULL, NULL}
#define T SQL_OID_TEXT
#define I4 SQL_OID_INT4
#define I8 SQL_OID_INT8
#define F8 SQL_OID_FLOAT8
#define TZ SQL_OID_TIMESTAMPTZ
#define TS SQL_OID_TIMESTAMP

static const struct sql_func funcs[] = {
    FN(870, "lower", I, true, f_lower, T, 1, T),
    FN(871, "upper", I, true, f_upper, T, 1, T),
    FN(1317, "length", I, true, f_length, I4, 1, T),
    FN(1381, "char_length", I, true, f_length, I4, 1, T),
    FN(1369, "character_length", I, true, f_length, I4, 1, T),
    FN(1374, "octet_length", I, true, f_octet_length, I4, 1, T),
    FN(877, "substr", I, true, f_substr, T, 3, T, I4, I4),
    FN(883, "substr", I, true, f_substr, T, 2, T, I4),
    FN(936, "substring", I, true, f_substr, T, 3, T, I4, I4),
    FN(937, "substring", I, true, f_substr, T, 2, T, I4),
    FN(3060, "left", I, true, f_left, T, 2, T, I4),
    FN(3061, "right", I, true, f_right, T, 2, T, I4),
    FN(868, "strpos", I, true, f_strpos, I4, 2, T, T),
    FN(849, "position", I, true, f_strpos, I4, 2, T, T),
    FN(2087, "replace", I, true, f_replace, T, 3, T, T, T),
    FN(885, "btrim", I, true, f_btrim, T, 1, T),
    FN(884, "btrim", I, true, f_btrim, T, 2, T, T),
    FN(881, "ltrim", I, true, f_ltrim, T, 1, T),
    FN(875, "ltrim", I, true, f_ltrim, T, 2, T, T),
    FN(882, "rtrim", I, true, f_rtrim, T, 1, T),
    FN(876, "rtrim", I, true, f_rtrim, T, 2, T, T),
    FN(2088, "split_part", I, true, f_split_part, T, 3, T, T, I4),
    FN(1622, "repeat", I, true, f_repeat, T, 2, T, I4),
    FN(3696, "starts_with", I, true, f_starts_with, SQL_OID_BOOL, 2, T, T),
    {3058, "concat", SQL_FN_SCALAR, S, false, true, 1, {SQL_OID_ANY}, T, f_concat, NULL, NULL},
    {3059, "concat_ws", SQL_FN_SCALAR, S, false, true, 2, {T, SQL_OID_ANY}, T, f_concat_ws,
     NULL, NULL},
    FN(1398, "abs", I, true, f_abs_int, SQL_OID_INT2, 1, SQL_OID_INT2),
    FN(1397, "abs", I, true, f_abs_int, I4, 1, I4),
    FN(1396, "abs", I, true, f_abs_int, I8, 1, I8),
    FN(1395, "abs", I, true, f_fabs, F8, 1, F8),
    FN(2309, "floor", I, true, f_floor, F8, 1, F8),
    FN(2308, "ceil", I, true, f_ceil, F8, 1, F8),
    FN(2320, "ceiling", I, true, f_ceil, F8, 1, F8),
    FN(1342, "round", I, true, f_round, F8, 1, F8),
    FN(1343, "trunc", I, true, f_trunc, F8, 1, F8),
    FN(2310, "sign", I, true, f_sign, F8, 1, F8),
    FN(1344, "sqrt", I, true, f_sqrt, F8, 1, F8),
    FN(1368, "power", I, true, f_power, F8, 2, F8, F8),
    FN(941, "mod", I, true, f_mod, I4, 2, I4, I4),
    FN(947, "mod", I, true, f_mod, I8, 2, I8, I8),
    FN(1299, "now", S, true, f_now, TZ, 0, 0),
    FN(2647, "transaction_timestamp", S, true, f_now, TZ, 0, 0),
    FN(2648, "statement_timestamp", S, true, f_now, TZ, 0, 0),
    FN(1158, "to_timestamp", I, true, f_to_timestamp, TZ, 1, F8),
    FN(1217, "date_trunc", S, true, f_date_trunc, TZ, 2, T, TZ),
    FN(2020, "date_trunc", I, true, f_date_trunc, TS, 2, T, TS),
    FN(6203, "extract", S, true, f_extract, SQL_OID_NUMERIC, 2, T, TZ),
    FN(6202, "extract", I, true, f_extract, SQL_OID_NUMERIC, 2, T, TS),
    FN(6199, "extract", I, true, f_extract, SQL_OID_NUMERIC, 2, T, SQL_OID_DATE),
    FN(6204, "extract", I, true, f_extract, SQL_OID_NUMERIC, 2, T, SQL_OID_INTERVAL),
    FN(1171, "date_part", S, true, f_date_part, F8, 2, T, TZ),
    FN(2021, "date_part", I, true, f_date_part, F8, 2, T, TS),
    FN(1172, "date_part", I, true, f_date_part, F8, 2, T, SQL_OID_INTERVAL),
    FN(2077, "current_setting", S, true, f_current_setting, T, 1, T),
    FN(3294, "current_setting", S, true, f_current_setting, T, 2, T, SQL_OID_BOOL),
    {2078, "set_config", SQL_FN_SCALAR, SQL_VOL_VOLATILE, false, false, 3,
     {T, T, SQL_OID_BOOL}, T, f_set_config, NULL, NULL},
    FN(1403, "current_schemas", S, true, f_current_schemas, SQL_OID_NAME_ARRAY, 1, SQL_OID_BOOL),
    /* variants PostgreSQL resolves these arguments to: present so that the choice is
     * PostgreSQL's, refused until written */
    FN(1730, "sqrt", I, true, sql_fn_unsupported, SQL_OID_NUMERIC, 1, SQL_OID_NUMERIC),
    FN(2169, "power", I, true, sql_fn_unsupported, SQL_OID_NUMERIC, 2, SQL_OID_NUMERIC,
       SQL_OID_NUMERIC),
    FN(940, "mod", I, true, sql_fn_unsupported, SQL_OID_INT2, 2, SQL_OID_INT2, SQL_OID_INT2),
    FN(1778, "to_timestamp", S, true, sql_fn_unsupported, TZ, 2, T, T),
    FN(2073, "substring", I, true, sql_fn_unsupported, T, 2, T, T),
    FN(2074, "substring", I, true, sql_fn_unsupported, T, 3, T, T, T),
    FN(89, "version", S, true, f_version, T, 0, 0),
    FN(861, "current_database", S, true, f_current_database, SQL_OID_NAME, 0, 0),
    FN(745, "current_user", S, true, f_current_user, SQL_OID_NAME, 0, 0),
    FN(746, "session_user", S, true, f_current_user, SQL_OID_NAME, 0, 0),
    FN(1402, "current_schema", S, true, f_current_schema, SQL_OID_NAME, 0, 0),
    {1619, "pg_typeof", SQL_FN_SCALAR, S, false, false, 1, {SQL_OID_ANY}, SQL_OID_REGTYPE,
     f_pg_typeof, NULL, NULL},
    FN(2176, "array_length", I, true, f_array_length, I4, 2, SQL_OID_ANYARRAY, I4),
    FN(3179, "cardinality", I, true, f_cardinality, I4, 1, SQL_OID_ANYARRAY),
    FN(395, "array_to_string", S, true, f_array_to_string, T, 2, SQL_OID_ANYARRAY, T),
    {384, "array_to_string", SQL_FN_SCALAR, S, false, false, 3, {SQL_OID_ANYARRAY, T, T}, T,
     f_array_to_string, NULL, NULL},
};

const struct sql_func_family sql_func_family_misc = {
    funcs, (int)(sizeof funcs / sizeof funcs[0]), NULL, 0,
};

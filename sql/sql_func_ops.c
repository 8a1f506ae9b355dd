/* sql_func_ops.c -- the functions behind SQL's operators and their operator rows:
 * comparison for every ordered type, integer/float/interval/date-time arithmetic with
 * PostgreSQL's overflow and division errors, string concatenation, LIKE/ILIKE and POSIX
 * regular expressions. Numeric arithmetic is registered but refused (0A000) until written,
 * so `1 + 2.5` is never silently computed in floating point. */
#include "sql_func_impl.h"

#include "sql_expr.h"
#include "sql_type_io.h"
#include "sql_value.h"

#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define US_PER_DAY 86400000000LL

int sql_ret_text(struct sql_fcall *c, struct sql_value *o, const char *p, size_t len)
{
    char *s = lw_arena_strndup(c->arena, p ? p : "", len);
    if (!s)
        return sql_fn_nomem(c);
    o->type = SQL_V_TEXT;
    o->u.s.p = s;
    o->u.s.len = len;
    return 0;
}

int sql_fn_nomem(struct sql_fcall *c)
{
    if (c->arena->exceeded)
        return sql_error_set(c->err, "54000", "query needs more memory than its bound of %zu "
                             "bytes", c->arena->max);
    return sql_error_set(c->err, "53200", "out of memory");
}

int sql_fn_unsupported(struct sql_fcall *c, int argc, const struct sql_value *argv,
                       struct sql_value *out)
{
    (void)argc;
    (void)argv;
    (void)out;
    return sql_error_set(c->err, "0A000", "this function is not supported yet");
}

/* --- comparison ----------------------------------------------------------------------- */

static int cmp2(struct sql_fcall *c, const struct sql_value *argv)
{
    return sql_value_cmp_typed(c->arg_oids[0], &argv[0], &argv[1]);
}

#define CMP_FN(name, test)                                                                    \
    static int name(struct sql_fcall *c, int argc, const struct sql_value *argv,              \
                    struct sql_value *out)                                                    \
    {                                                                                         \
        int r = cmp2(c, argv);                                                                \
        (void)argc;                                                                           \
        sql_ret_bool(out, test);                                                              \
        return 0;                                                                             \
    }
CMP_FN(f_eq, r == 0)
CMP_FN(f_ne, r != 0)
CMP_FN(f_lt, r < 0)
CMP_FN(f_le, r <= 0)
CMP_FN(f_gt, r > 0)
CMP_FN(f_ge, r >= 0)

/* --- integers ------------------------------------------------------------------------- */

static int int_range(struct sql_fcall *c, int64_t v, struct sql_value *out)
{
    uint32_t t = c->result_oid;
    if ((t == SQL_OID_INT2 && (v < INT16_MIN || v > INT16_MAX)) ||
        (t == SQL_OID_INT4 && (v < INT32_MIN || v > INT32_MAX)))
        return sql_error_set(c->err, "22003", "%s out of range",
                             t == SQL_OID_INT2 ? "smallint" : "integer");
    sql_ret_int(out, v);
    return 0;
}

static int big_overflow(struct sql_fcall *c)
{
    uint32_t t = c->result_oid;
    return sql_error_set(c->err, "22003", "%s out of range",
                         t == SQL_OID_INT2 ? "smallint" : t == SQL_OID_INT4 ? "integer"
                                                                            : "bigint");
}

static int div_zero(struct sql_fcall *c)
{
    return sql_error_set(c->err, "22012", "division by zero");
}

#define INT_FN(name, expr_ok)                                                                 \
    static int name(struct sql_fcall *c, int argc, const struct sql_value *argv,              \
                    struct sql_value *out)                                                    \
    {                                                                                         \
        int64_t a = argv[0].u.i, b = argc > 1 ? argv[1].u.i : 0, r;                            \
        (void)b;                                                                              \
        if (!(expr_ok))                                                                       \
            return big_overflow(c);                                                           \
        return int_range(c, r, out);                                                          \
    }
INT_FN(i_add, !__builtin_add_overflow(a, b, &r))
INT_FN(i_sub, !__builtin_sub_overflow(a, b, &r))
INT_FN(i_mul, !__builtin_mul_overflow(a, b, &r))
INT_FN(i_neg, !__builtin_sub_overflow((int64_t)0, a, &r))

static int i_div(struct sql_fcall *c, int argc, const struct sql_value *argv,
                 struct sql_value *out)
{
    int64_t a = argv[0].u.i, b = argv[1].u.i;
    (void)argc;
    if (b == 0)
        return div_zero(c);
    if (b == -1 && a == INT64_MIN)
        return big_overflow(c);
    return int_range(c, a / b, out);
}

static int i_mod(struct sql_fcall *c, int argc, const struct sql_value *argv,
                 struct sql_value *out)
{
    int64_t a = argv[0].u.i, b = argv[1].u.i;
    (void)argc;
    if (b == 0)
        return div_zero(c);
    return int_range(c, b == -1 ? 0 : a % b, out);
}

/* --- floats --------------------------------------------------------------------------- */

static int float_result(struct sql_fcall *c, double r, bool inf_ok, bool zero_ok,
                        struct sql_value *out)
{
    if (isinf(r) && !inf_ok)
        return sql_error_set(c->err, "22003", "value out of range: overflow");
    if (r == 0 && !zero_ok)
        return sql_error_set(c->err, "22003", "value out of range: underflow");
    if (c->result_oid == SQL_OID_FLOAT4) {
        if (isinf((float)r) && !isinf(r))
            return sql_error_set(c->err, "22003", "value out of range: overflow");
        r = (float)r;
    }
    sql_ret_float(out, r);
    return 0;
}

#define FLOAT_FN(name, expr, inf_ok, zero_ok)                                                 \
    static int name(struct sql_fcall *c, int argc, const struct sql_value *argv,              \
                    struct sql_value *out)                                                    \
    {                                                                                         \
        double a = argv[0].u.f, b = argc > 1 ? argv[1].u.f : 0;                               \
        (void)b;                                                                              \
        return float_result(c, (expr), (inf_ok), (zero_ok), out);                             \
    }
FLOAT_FN(f_add, a + b, isinf(a) || isinf(b), true)
FLOAT_FN(f_sub, a - b, isinf(a) || isinf(b), true)
FLOAT_FN(f_mul, a * b, isinf(a) || isinf(b), a == 0 || b == 0)
FLOAT_FN(f_neg, -a, true, true)

static int f_div(struct sql_fcall *c, int argc, const struct sql_value *argv,
                 struct sql_value *out)
{
    double a = argv[0].u.f, b = argv[1].u.f;
    (void)argc;
    if (b == 0)
        return div_zero(c);
    return float_result(c, a / b, isinf(a), a == 0 || isinf(b), out);
}

/* numeric negation works on the canonical text */
static int n_neg(struct sql_fcall *c, int argc, const struct sql_value *argv,
                 struct sql_value *out)
{
    const struct sql_value *v = &argv[0];
    struct lw_buf b;
    int rc;
    (void)argc;
    if (v->u.s.len == 3 && memcmp(v->u.s.p, "NaN", 3) == 0) {
        *out = *v;
        return 0;
    }
    lw_buf_init(&b, 1 << 20);
    if (v->u.s.len && v->u.s.p[0] == '-')
        lw_buf_append(&b, v->u.s.p + 1, v->u.s.len - 1);
    else {
        lw_buf_putc(&b, '-');
        lw_buf_append(&b, v->u.s.p, v->u.s.len);
    }
    rc = b.failed ? sql_fn_nomem(c)
                  : sql_numeric_canon(b.data, b.len, c->arena, out, c->err);
    lw_buf_free(&b);
    return rc;
}

/* --- intervals and date/time ---------------------------------------------------------- */

static int iv_overflow(struct sql_fcall *c)
{
    return sql_error_set(c->err, "22008", "interval out of range");
}

static int iv_make(struct sql_fcall *c, int64_t months, int64_t days, int64_t us,
                   struct sql_value *out)
{
    if (months < INT32_MIN || months > INT32_MAX || days < INT32_MIN || days > INT32_MAX)
        return iv_overflow(c);
    out->type = SQL_V_INTERVAL;
    out->u.iv = (struct sql_interval){us, (int32_t)days, (int32_t)months};
    return 0;
}

static int iv_add(struct sql_fcall *c, int argc, const struct sql_value *argv,
                  struct sql_value *out)
{
    const struct sql_interval *a = &argv[0].u.iv, *b = &argv[1].u.iv;
    (void)argc;
    return iv_make(c, (int64_t)a->months + b->months, (int64_t)a->days + b->days, a->us + b->us,
                   out);
}

static int iv_sub(struct sql_fcall *c, int argc, const struct sql_value *argv,
                  struct sql_value *out)
{
    const struct sql_interval *a = &argv[0].u.iv, *b = &argv[1].u.iv;
    (void)argc;
    return iv_make(c, (int64_t)a->months - b->months, (int64_t)a->days - b->days, a->us - b->us,
                   out);
}

static int iv_neg(struct sql_fcall *c, int argc, const struct sql_value *argv,
                  struct sql_value *out)
{
    const struct sql_interval *a = &argv[0].u.iv;
    (void)argc;
    return iv_make(c, -(int64_t)a->months, -(int64_t)a->days, -a->us, out);
}

/* interval * factor, spreading fractional months into days and days into time as
 * PostgreSQL's interval_mul does. */
static int iv_scale(struct sql_fcall *c, const struct sql_interval *a, double f,
                    struct sql_value *out)
{
    double months = a->months * f, days, us;
    int64_t m = (int64_t)months, d;
    if (isnan(f) || isinf(f) || fabs(months) > INT32_MAX)
        return iv_overflow(c);
    days = a->days * f + (months - (double)m) * 30;
    d = (int64_t)days;
    us = (double)a->us * f + (days - (double)d) * (double)US_PER_DAY;
    return iv_make(c, m, d, (int64_t)llrint(us), out);
}

static int iv_mul(struct sql_fcall *c, int argc, const struct sql_value *argv,
                  struct sql_value *out)
{
    (void)argc;
    return iv_scale(c, &argv[0].u.iv, argv[1].u.f, out);
}

static int iv_mul_r(struct sql_fcall *c, int argc, const struct sql_value *argv,
                    struct sql_value *out)
{
    (void)argc;
    return iv_scale(c, &argv[1].u.iv, argv[0].u.f, out);
}

static int iv_div(struct sql_fcall *c, int argc, const struct sql_value *argv,
                  struct sql_value *out)
{
    (void)argc;
    if (argv[1].u.f == 0)
        return div_zero(c);
    return iv_scale(c, &argv[0].u.iv, 1.0 / argv[1].u.f, out);
}

/* PostgreSQL's ranges in lakeward's units (from 1970-01-01): timestamps from 4714-11-24
 * BC to 294277-01-01 (exclusive) in microseconds, dates to 5874898-01-01 in days. Lakeward
 * holds both in an int64 of microseconds whose ends are the infinities, so it stops short
 * of PostgreSQL at 294247 AD: a result between the two is refused with 0A000 rather than
 * wrapped, one past PostgreSQL's range is its 22008. */
#define TS_MIN (-210866803200000000LL)
#define TS_END ((__int128)9223371331200000000LL + 946684800000000LL)
#define DATE_MIN_DAYS (-2440588LL)
#define DATE_END_DAYS 2145042906LL
#define DATE_LW_END_DAYS (SQL_TIME_NOEND / US_PER_DAY)

/* The day a microsecond count falls in (rounding down, before 1970 too). */
static int64_t floor_days(int64_t us)
{
    return us >= 0 ? us / US_PER_DAY : -((-(us + 1)) / US_PER_DAY) - 1;
}

/* timestamp + interval: months first (clamping the day to the month's end), then days,
 * then the time part, computed wide so that no step wraps. */
int sql_ts_add_interval(int64_t ts, const struct sql_interval *iv, int sign, int64_t *res)
{
    int y, mo, d, h, mi, s, fr;
    int64_t months;
    __int128 r = ts;
    if (iv->months) {
        sql_civil_from_us(ts, &y, &mo, &d, &h, &mi, &s, &fr);
        months = (int64_t)y * 12 + (mo - 1) + sign * (int64_t)iv->months;
        if (months < -4714 * 12 || months >= 294277 * 12)
            return -1;
        y = (int)(months >= 0 ? months / 12 : (months - 11) / 12);
        mo = (int)(months - (int64_t)y * 12) + 1;
        if (d > sql_days_in_month(y, mo))
            d = sql_days_in_month(y, mo);
        r = (__int128)sql_days_from_civil(y, mo, d) * US_PER_DAY +
            (ts - floor_days(ts) * US_PER_DAY);     /* the time of day stays */
    }
    r += sign * ((__int128)iv->days * US_PER_DAY + iv->us);
    if (r < TS_MIN || r >= TS_END)
        return -1;
    if (r >= SQL_TIME_NOEND)
        return -2;
    *res = (int64_t)r;
    return 0;
}

/* rc -1: past PostgreSQL's range; -2: within it but past lakeward's */
static int ts_out_of_range(struct sql_fcall *c, int rc)
{
    if (rc == -2)
        return sql_error_set(c->err, "0A000", "timestamps after 294246 AD are not supported");
    return sql_error_set(c->err, "22008", "timestamp out of range");
}

/* Adding to an infinite timestamp or date leaves it as it is (PostgreSQL's timestamp_pl_interval,
 * date_pli); subtracting two of which one is infinite is an error there. */
static int infinite_difference(struct sql_fcall *c, const struct sql_value *argv,
                               const char *what)
{
    if (sql_time_finite(argv[0].u.us) && sql_time_finite(argv[1].u.us))
        return 0;
    return sql_error_set(c->err, "22008", "cannot subtract infinite %s", what);
}

/* ts + sign * iv into out; the timestamp argument ts and the interval iv. */
static int ts_add(struct sql_fcall *c, const struct sql_value *ts, const struct sql_value *iv,
                  int sign, struct sql_value *out)
{
    int64_t r = ts->u.us;
    int rc = sql_time_finite(r) ? sql_ts_add_interval(r, &iv->u.iv, sign, &r) : 0;
    if (rc != 0)
        return ts_out_of_range(c, rc);
    sql_ret_time(out, r);
    return 0;
}

static int ts_pl_iv(struct sql_fcall *c, int argc, const struct sql_value *argv,
                    struct sql_value *out)
{
    (void)argc;
    return ts_add(c, &argv[0], &argv[1], 1, out);
}

static int iv_pl_ts(struct sql_fcall *c, int argc, const struct sql_value *argv,
                    struct sql_value *out)
{
    (void)argc;
    return ts_add(c, &argv[1], &argv[0], 1, out);
}

static int ts_mi_iv(struct sql_fcall *c, int argc, const struct sql_value *argv,
                    struct sql_value *out)
{
    (void)argc;
    return ts_add(c, &argv[0], &argv[1], -1, out);
}

/* timestamp - timestamp: days and time, as PostgreSQL's timestamp_mi (justify_hours). */
static int ts_mi_ts(struct sql_fcall *c, int argc, const struct sql_value *argv,
                    struct sql_value *out)
{
    int64_t diff;
    (void)argc;
    if (infinite_difference(c, argv, "timestamps") != 0)
        return LW_EINVAL;
    if (__builtin_sub_overflow(argv[0].u.us, argv[1].u.us, &diff))
        return iv_overflow(c);
    return iv_make(c, 0, diff / US_PER_DAY, diff % US_PER_DAY, out);
}

static int64_t days_of(const struct sql_value *date)
{
    return floor_days(date->u.us);
}

/* date + n days (n an int4, so no overflow in int64): an infinity stays, a result outside
 * PostgreSQL's date range is 22008, one PostgreSQL has but lakeward cannot hold 0A000. */
static int date_add_days(struct sql_fcall *c, const struct sql_value *date, int64_t n,
                         struct sql_value *out)
{
    int64_t days;
    if (!sql_time_finite(date->u.us)) {
        sql_ret_time(out, date->u.us);
        return 0;
    }
    days = days_of(date) + n;
    if (days < DATE_MIN_DAYS || days >= DATE_END_DAYS)
        return sql_error_set(c->err, "22008", "date out of range");
    if (days > DATE_LW_END_DAYS)
        return sql_error_set(c->err, "0A000", "dates after 294246 AD are not supported");
    sql_ret_time(out, days * US_PER_DAY);
    return 0;
}

static int date_pl_int(struct sql_fcall *c, int argc, const struct sql_value *argv,
                       struct sql_value *out)
{
    (void)argc;
    return date_add_days(c, &argv[0], argv[1].u.i, out);
}

static int int_pl_date(struct sql_fcall *c, int argc, const struct sql_value *argv,
                       struct sql_value *out)
{
    (void)argc;
    return date_add_days(c, &argv[1], argv[0].u.i, out);
}

static int date_mi_int(struct sql_fcall *c, int argc, const struct sql_value *argv,
                       struct sql_value *out)
{
    (void)argc;
    return date_add_days(c, &argv[0], -argv[1].u.i, out);
}

static int date_mi_date(struct sql_fcall *c, int argc, const struct sql_value *argv,
                        struct sql_value *out)
{
    (void)argc;
    if (infinite_difference(c, argv, "dates") != 0)
        return LW_EINVAL;
    sql_ret_int(out, days_of(&argv[0]) - days_of(&argv[1]));
    return 0;
}

/* date + time: the timestamp of that time on that day (an infinite date stays infinite). */
static int date_time(struct sql_fcall *c, const struct sql_value *date, const struct sql_value *t,
                     struct sql_value *out)
{
    int64_t r = date->u.us;
    /* a date lakeward holds is inside PostgreSQL's timestamps, so only lakeward's end */
    if (sql_time_finite(r) && (__builtin_add_overflow(r, t->u.us, &r) || r == SQL_TIME_NOEND))
        return ts_out_of_range(c, -2);
    sql_ret_time(out, r);
    return 0;
}

static int date_pl_time(struct sql_fcall *c, int argc, const struct sql_value *argv,
                        struct sql_value *out)
{
    (void)argc;
    return date_time(c, &argv[0], &argv[1], out);
}

static int time_pl_date(struct sql_fcall *c, int argc, const struct sql_value *argv,
                        struct sql_value *out)
{
    (void)argc;
    return date_time(c, &argv[1], &argv[0], out);
}

/* time - time: the interval between two times of day (no days: under 24 hours either way) */
static int time_mi_time(struct sql_fcall *c, int argc, const struct sql_value *argv,
                        struct sql_value *out)
{
    (void)argc;
    return iv_make(c, 0, 0, argv[0].u.us - argv[1].u.us, out);
}

/* time +/- interval wraps around midnight; months and days do not move a time of day */
static int time_pl_iv(struct sql_fcall *c, int argc, const struct sql_value *argv,
                      struct sql_value *out)
{
    int64_t t = argv[0].type == SQL_V_TIME ? argv[0].u.us : argv[1].u.us;
    const struct sql_interval *iv = argv[0].type == SQL_V_INTERVAL ? &argv[0].u.iv : &argv[1].u.iv;
    (void)c, (void)argc;
    t = ((t + iv->us % US_PER_DAY) % US_PER_DAY + US_PER_DAY) % US_PER_DAY;
    sql_ret_time(out, t);
    return 0;
}

static int time_mi_iv(struct sql_fcall *c, int argc, const struct sql_value *argv,
                      struct sql_value *out)
{
    (void)c, (void)argc;
    sql_ret_time(out, ((argv[0].u.us - argv[1].u.iv.us % US_PER_DAY) % US_PER_DAY + US_PER_DAY) %
                          US_PER_DAY);
    return 0;
}

/* --- strings -------------------------------------------------------------------------- */

/* Text of one side of ||. PostgreSQL's anytextcat/textanycat are `$1::text || $2`: the
 * non-text side goes through its cast to text, which is not always its output (bool's cast
 * spells "true" where its output is "t"; bpchar's drops trailing blanks). */
static int as_text(struct sql_fcall *c, const struct sql_value *v, uint32_t oid, struct lw_buf *b)
{
    struct sql_value t;
    if (oid != SQL_OID_TEXT && oid != SQL_OID_UNKNOWN) {
        if (sql_cast_value(v, oid, SQL_OID_TEXT, c->arena, &t, c->err) != 0)
            return LW_EINVAL;
        v = &t;
    }
    if (v->type == SQL_V_TEXT)
        lw_buf_append(b, v->u.s.p, v->u.s.len);
    else
        sql_value_text(v, oid, b);
    return 0;
}

static int concat(struct sql_fcall *c, int argc, const struct sql_value *argv,
                  struct sql_value *out)
{
    struct lw_buf b;
    int rc;
    lw_buf_init(&b, c->arena->max ? c->arena->max : (64u << 20));
    for (int i = 0; i < argc; i++)
        if (as_text(c, &argv[i], c->arg_oids[i], &b) != 0) {
            lw_buf_free(&b);
            return LW_EINVAL;
        }
    rc = b.failed ? sql_fn_nomem(c) : sql_ret_text(c, out, b.data, b.len);
    lw_buf_free(&b);
    return rc;
}

/* LIKE: % any run, _ one character (UTF-8 aware), backslash escapes. */
static bool like_match(const char *s, size_t sl, const char *p, size_t pl, bool ci)
{
    size_t si = 0, pi = 0, star_p = (size_t)-1, star_s = 0;
    while (si < sl) {
        if (pi < pl && p[pi] == '%') {
            star_p = ++pi;
            star_s = si;
            continue;
        }
        if (pi < pl) {
            size_t plen = 1, slen = 1;
            char pc = p[pi];
            bool esc = false;
            if (pc == '\\' && pi + 1 < pl) {
                esc = true;
                pc = p[pi + 1];
            }
            while (si + slen < sl && ((unsigned char)s[si + slen] & 0xC0) == 0x80)
                slen++;
            if (!esc && pc == '_') {
                si += slen;
                pi += 1;
                continue;
            }
            while (pi + (esc ? 1 : 0) + plen < pl &&
                   ((unsigned char)p[pi + (esc ? 1 : 0) + plen] & 0xC0) == 0x80)
                plen++;
            if (plen == slen &&
                (ci ? strncasecmp(s + si, p + pi + (esc ? 1 : 0), slen) == 0
                    : memcmp(s + si, p + pi + (esc ? 1 : 0), slen) == 0)) {
                si += slen;
                pi += plen + (esc ? 1 : 0);
                continue;
            }
        }
        if (star_p == (size_t)-1)
            return false;
        pi = star_p;
        do
            star_s++;
        while (star_s < sl && ((unsigned char)s[star_s] & 0xC0) == 0x80);
        si = star_s;
    }
    while (pi < pl && p[pi] == '%')
        pi++;
    return pi == pl;
}

#define LIKE_FN(name, ci, neg)                                                                \
    static int name(struct sql_fcall *c, int argc, const struct sql_value *argv,              \
                    struct sql_value *out)                                                    \
    {                                                                                         \
        (void)c;                                                                              \
        (void)argc;                                                                           \
        sql_ret_bool(out, like_match(argv[0].u.s.p, argv[0].u.s.len, argv[1].u.s.p,           \
                                     argv[1].u.s.len, ci) != neg);                            \
        return 0;                                                                             \
    }
LIKE_FN(f_like, false, false)
LIKE_FN(f_nlike, false, true)
LIKE_FN(f_ilike, true, false)
LIKE_FN(f_nilike, true, true)

/* PostgreSQL's advanced regular expressions add class escapes (\d \w \s and their
 * negations) to POSIX ERE; they are rewritten to bracket classes here. Other ARE-only
 * syntax (lookahead, non-greedy quantifiers, back-references) is refused with 0A000. */
static char *are_to_ere(struct sql_fcall *c, const char *p, size_t n)
{
    static const struct {
        char esc;
        const char *out, *in_bracket;
    } classes[] = {
        {'d', "[[:digit:]]", "[:digit:]"}, {'w', "[[:alnum:]_]", "[:alnum:]_"},
        {'s', "[[:space:]]", "[:space:]"}, {'D', "[^[:digit:]]", NULL},
        {'W', "[^[:alnum:]_]", NULL},      {'S', "[^[:space:]]", NULL},
    };
    struct lw_buf b;
    bool in_bracket = false;
    char *r;
    lw_buf_init(&b, 1 << 20);
    for (size_t i = 0; i < n; i++) {
        bool done = false;
        if (p[i] == '[' && !in_bracket) {
            in_bracket = true;
            lw_buf_putc(&b, p[i]);
            if (i + 1 < n && p[i + 1] == '^')
                lw_buf_putc(&b, p[++i]);
            if (i + 1 < n && p[i + 1] == ']')
                lw_buf_putc(&b, p[++i]);
            continue;
        }
        if (p[i] == ']' && in_bracket) {
            in_bracket = false;
            lw_buf_putc(&b, p[i]);
            continue;
        }
        if (p[i] == '\\' && i + 1 < n) {
            for (size_t k = 0; k < sizeof classes / sizeof classes[0] && !done; k++)
                if (classes[k].esc == p[i + 1]) {
                    const char *o = in_bracket ? classes[k].in_bracket : classes[k].out;
                    if (!o) {
                        lw_buf_free(&b);
                        sql_error_set(c->err, "0A000", "\\%c inside brackets is not "
                                      "supported yet", p[i + 1]);
                        return NULL;
                    }
                    lw_buf_puts(&b, o);
                    done = true;
                }
            if (!done && (isdigit((unsigned char)p[i + 1]) || strchr("mMyYAZzbB", p[i + 1]))) {
                lw_buf_free(&b);
                sql_error_set(c->err, "0A000", "regular expression escape \\%c is not "
                              "supported yet", p[i + 1]);
                return NULL;
            }
            if (done) {
                i++;
                continue;
            }
            lw_buf_putc(&b, p[i++]);
            lw_buf_putc(&b, p[i]);
            continue;
        }
        if (!in_bracket && (p[i] == '?' ) && i > 0 && strchr("*+?}", p[i - 1])) {
            lw_buf_free(&b);
            sql_error_set(c->err, "0A000", "non-greedy quantifiers are not supported yet");
            return NULL;
        }
        if (!in_bracket && p[i] == '(' && i + 1 < n && p[i + 1] == '?') {
            lw_buf_free(&b);
            sql_error_set(c->err, "0A000", "(?...) groups are not supported yet");
            return NULL;
        }
        lw_buf_putc(&b, p[i]);
    }
    r = b.failed ? NULL : lw_arena_strndup(c->arena, b.data ? b.data : "", b.len);
    lw_buf_free(&b);
    if (!r)
        sql_fn_nomem(c);
    return r;
}

/* What glibc's regcomp would be asked to build, bounded before it is asked. glibc expands
 * `x+` into two copies of x and `x{m,n}` into n copies, so stacked or nested quantifiers
 * grow the automaton geometrically (16 stacked '+' take 41 MB, 20 take 700 MB): one SQL
 * statement could exhaust a backend. PostgreSQL's own engine refuses a quantifier with no
 * operand (`a**`, `a++`, `(*`, `^*`) and repetition counts over 255, so those are refused here
 * with its messages; what remains is weighed (a copy counted per expansion) and refused past
 * RE_MAX_WEIGHT as PostgreSQL refuses an automaton it finds too big. A `{` that does not
 * start a valid bound is refused with 0A000 rather than given to glibc's different reading. */
#define RE_MAX_WEIGHT 20000
#define RE_MAX_DEPTH 64
#define RE_DUPMAX 255

static int ere_check(struct sql_fcall *c, const char *p)
{
    double total[RE_MAX_DEPTH + 1] = {0}, last = 0;
    int depth = 0;
    bool operand = false;           /* a quantifiable atom just ended */
    for (size_t i = 0; p[i]; i++) {
        char ch = p[i];
        if (ch == '*' || ch == '+' || ch == '?' || ch == '{') {
            double times = ch == '+' ? 2 : 1;
            if (ch == '{' && !isdigit((unsigned char)p[i + 1]))
                return sql_error_set(c->err, "0A000", "this use of { in a regular "
                                     "expression is not supported yet");
            if (!operand)
                return sql_error_set(c->err, "2201B", "invalid regular expression: "
                                     "quantifier operand invalid");
            if (ch == '{') {
                char *end;
                long m = strtol(p + i + 1, &end, 10), n = m;
                if (end == p + i + 1 || m < 0)
                    return sql_error_set(c->err, "0A000", "this use of { in a regular "
                                         "expression is not supported yet");
                if (*end == ',') {
                    const char *q = end + 1;
                    n = *q == '}' ? m : strtol(q, &end, 10);
                    if (*q == '}')
                        end = (char *)q;
                }
                if (*end != '}')
                    return sql_error_set(c->err, "0A000", "this use of { in a regular "
                                         "expression is not supported yet");
                if (m > RE_DUPMAX || n > RE_DUPMAX || n < m)
                    return sql_error_set(c->err, "2201B", "invalid regular expression: "
                                         "invalid repetition count(s)");
                times = n > 1 ? (double)n : 1;
                i = (size_t)(end - p);
            }
            total[depth] += last * (times - 1) + 1;
            last *= times;
            operand = false;
        } else if (ch == '(') {
            if (depth == RE_MAX_DEPTH)
                return sql_error_set(c->err, "2201B", "invalid regular expression: "
                                     "regular expression is too complex");
            total[++depth] = 0;
            operand = false;
            continue;
        } else if (ch == ')' && depth > 0) {
            last = total[depth--] + 1;
            total[depth] += last;
            operand = true;
        } else if (ch == '|' || ch == '^' || ch == '$') {
            total[depth] += 1;
            operand = false;
        } else {
            if (ch == '\\' && p[i + 1])
                i++;
            else if (ch == '[') {
                /* A bracket expression is one atom: skip to its closing ']' (a ']' first,
                 * after an optional '^', is a member; [:class:] members hold no ']'). */
                size_t j = i + 1;
                if (p[j] == '^')
                    j++;
                if (p[j] == ']')
                    j++;
                while (p[j] && p[j] != ']') {
                    if (p[j] == '[' && p[j + 1] == ':') {
                        const char *e = strstr(p + j + 2, ":]");
                        j = e ? (size_t)(e - p) + 2 : j + 1;
                    } else {
                        j++;
                    }
                }
                i = p[j] ? j : j - 1;
            }
            last = 1;
            total[depth] += 1;
            operand = true;
        }
        if (total[depth] > RE_MAX_WEIGHT)
            return sql_error_set(c->err, "2201B", "invalid regular expression: regular "
                                 "expression is too complex");
    }
    return 0;
}

static int regex_match(struct sql_fcall *c, const struct sql_value *argv, bool ci, bool *res)
{
    regex_t re;
    char *pat = are_to_ere(c, argv[1].u.s.p, argv[1].u.s.len);
    char *str = lw_arena_strndup(c->arena, argv[0].u.s.p, argv[0].u.s.len);
    int rc;
    if (!pat || ere_check(c, pat) != 0)
        return LW_EINVAL;
    if (!str)
        return sql_fn_nomem(c);
    if ((rc = regcomp(&re, pat, REG_EXTENDED | REG_NOSUB | (ci ? REG_ICASE : 0))) != 0) {
        char msg[128];
        regerror(rc, &re, msg, sizeof msg);
        return sql_error_set(c->err, "2201B", "invalid regular expression: %s", msg);
    }
    *res = regexec(&re, str, 0, NULL, 0) == 0;
    regfree(&re);
    return 0;
}

#define RE_FN(name, ci, neg)                                                                  \
    static int name(struct sql_fcall *c, int argc, const struct sql_value *argv,              \
                    struct sql_value *out)                                                    \
    {                                                                                         \
        bool r;                                                                               \
        (void)argc;                                                                           \
        if (regex_match(c, argv, ci, &r) != 0)                                                \
            return LW_EINVAL;                                                                 \
        sql_ret_bool(out, r != neg);                                                          \
        return 0;                                                                             \
    }
RE_FN(f_re, false, false)
RE_FN(f_nre, false, true)
RE_FN(f_rei, true, false)
RE_FN(f_nrei, true, true)

/* --- the tables ----------------------------------------------------------------------- */

#define V SQL_VOL_IMMUTABLE
#define F(oid, name, fn, ret, n, ...)                                                         \
    {oid, #name, SQL_FN_SCALAR, V, true, false, n, {__VA_ARGS__}, ret, fn, NULL, NULL}
#define OP(oid, name, l, r, res, fn_oid) {oid, name, l, r, res, fn_oid}

/* The comparisons of each ordered type: for =, <>, <, <=, >, >= in turn, PostgreSQL's
 * pg_proc OID and name of the function, then the pg_operator OID. */
#define CMP_TYPES(X)                                                                          \
    X(SQL_OID_BOOL, 60, booleq, 91, 84, boolne, 85, 56, boollt, 58, 1691, boolle, 1694,      \
        57, boolgt, 59, 1692, boolge, 1695)                                                  \
    X(SQL_OID_INT2, 63, int2eq, 94, 145, int2ne, 519, 64, int2lt, 95, 148, int2le, 522,      \
        146, int2gt, 520, 151, int2ge, 524)                                                  \
    X(SQL_OID_INT4, 65, int4eq, 96, 144, int4ne, 518, 66, int4lt, 97, 149, int4le, 523,      \
        147, int4gt, 521, 150, int4ge, 525)                                                  \
    X(SQL_OID_INT8, 467, int8eq, 410, 468, int8ne, 411, 469, int8lt, 412, 471, int8le, 414,  \
        470, int8gt, 413, 472, int8ge, 415)                                                  \
    X(SQL_OID_FLOAT4, 287, float4eq, 620, 288, float4ne, 621, 289, float4lt, 622,            \
        290, float4le, 624, 291, float4gt, 623, 292, float4ge, 625)                          \
    X(SQL_OID_FLOAT8, 293, float8eq, 670, 294, float8ne, 671, 295, float8lt, 672,            \
        296, float8le, 673, 297, float8gt, 674, 298, float8ge, 675)                          \
    X(SQL_OID_NUMERIC, 1718, numeric_eq, 1752, 1719, numeric_ne, 1753,                       \
        1722, numeric_lt, 1754, 1723, numeric_le, 1755, 1720, numeric_gt, 1756,              \
        1721, numeric_ge, 1757)                                                              \
    X(SQL_OID_TEXT, 67, texteq, 98, 157, textne, 531, 740, text_lt, 664, 741, text_le, 665,  \
        742, text_gt, 666, 743, text_ge, 667)                                                \
    X(SQL_OID_NAME, 62, nameeq, 93, 659, namene, 643, 655, namelt, 660, 656, namele, 661,    \
        657, namegt, 662, 658, namege, 663)                                                  \
    X(SQL_OID_BPCHAR, 1048, bpchareq, 1054, 1053, bpcharne, 1057, 1049, bpcharlt, 1058,      \
        1050, bpcharle, 1059, 1051, bpchargt, 1060, 1052, bpcharge, 1061)                    \
    X(SQL_OID_CHAR, 61, chareq, 92, 70, charne, 630, 1246, charlt, 631, 72, charle, 632,     \
        73, chargt, 633, 74, charge, 634)                                                    \
    X(SQL_OID_OID, 184, oideq, 607, 185, oidne, 608, 716, oidlt, 609, 717, oidle, 611,       \
        1638, oidgt, 610, 1639, oidge, 612)                                                  \
    X(SQL_OID_DATE, 1086, date_eq, 1093, 1091, date_ne, 1094, 1087, date_lt, 1095,           \
        1088, date_le, 1096, 1089, date_gt, 1097, 1090, date_ge, 1098)                       \
    X(SQL_OID_TIME, 1145, time_eq, 1108, 1106, time_ne, 1109, 1102, time_lt, 1110,           \
        1103, time_le, 1111, 1104, time_gt, 1112, 1105, time_ge, 1113)                       \
    X(SQL_OID_TIMESTAMP, 2052, timestamp_eq, 2060, 2053, timestamp_ne, 2061,                 \
        2054, timestamp_lt, 2062, 2055, timestamp_le, 2063, 2057, timestamp_gt, 2064,        \
        2056, timestamp_ge, 2065)                                                            \
    X(SQL_OID_TIMESTAMPTZ, 1152, timestamptz_eq, 1320, 1153, timestamptz_ne, 1321,           \
        1154, timestamptz_lt, 1322, 1155, timestamptz_le, 1323, 1157, timestamptz_gt, 1324,  \
        1156, timestamptz_ge, 1325)                                                          \
    X(SQL_OID_INTERVAL, 1162, interval_eq, 1330, 1163, interval_ne, 1331,                    \
        1164, interval_lt, 1332, 1165, interval_le, 1333, 1167, interval_gt, 1334,           \
        1166, interval_ge, 1335)                                                             \
    X(SQL_OID_UUID, 2956, uuid_eq, 2972, 2959, uuid_ne, 2973, 2954, uuid_lt, 2974,           \
        2955, uuid_le, 2976, 2958, uuid_gt, 2975, 2957, uuid_ge, 2977)                       \
    X(SQL_OID_BYTEA, 1948, byteaeq, 1955, 1953, byteane, 1956, 1949, bytealt, 1957,          \
        1950, byteale, 1958, 1951, byteagt, 1959, 1952, byteage, 1960)                       \
    X(SQL_OID_ANYARRAY, 744, array_eq, 1070, 390, array_ne, 1071, 391, array_lt, 1072,       \
        393, array_le, 1074, 392, array_gt, 1073, 396, array_ge, 1075)

#define CMP_FUNCS(T, eq, eqn, eqo, ne, nen, neo, lt, ltn, lto, le, len, leo, gt, gtn, gto, ge, \
                  gen, geo)                                                                   \
    F(eq, eqn, f_eq, SQL_OID_BOOL, 2, T, T), F(ne, nen, f_ne, SQL_OID_BOOL, 2, T, T),         \
    F(lt, ltn, f_lt, SQL_OID_BOOL, 2, T, T), F(le, len, f_le, SQL_OID_BOOL, 2, T, T),         \
    F(gt, gtn, f_gt, SQL_OID_BOOL, 2, T, T), F(ge, gen, f_ge, SQL_OID_BOOL, 2, T, T),
#define CMP_OPERS(T, eq, eqn, eqo, ne, nen, neo, lt, ltn, lto, le, len, leo, gt, gtn, gto, ge, \
                  gen, geo)                                                                   \
    OP(eqo, "=", T, T, SQL_OID_BOOL, eq), OP(neo, "<>", T, T, SQL_OID_BOOL, ne),              \
    OP(lto, "<", T, T, SQL_OID_BOOL, lt), OP(leo, "<=", T, T, SQL_OID_BOOL, le),              \
    OP(gto, ">", T, T, SQL_OID_BOOL, gt), OP(geo, ">=", T, T, SQL_OID_BOOL, ge),

/* The arithmetic of each number type in the same form: +, -, *, /, unary -, and for the
 * integers % (PostgreSQL's float types have none). */
#define ARITH_TYPES(INT, FLT)                                                                 \
    INT(SQL_OID_INT2, 176, int2pl, 550, 180, int2mi, 554, 152, int2mul, 526,                 \
        153, int2div, 527, 213, int2um, 559, 155, int2mod, 529)                              \
    INT(SQL_OID_INT4, 177, int4pl, 551, 181, int4mi, 555, 141, int4mul, 514,                 \
        154, int4div, 528, 212, int4um, 558, 156, int4mod, 530)                              \
    INT(SQL_OID_INT8, 463, int8pl, 684, 464, int8mi, 685, 465, int8mul, 686,                 \
        466, int8div, 687, 462, int8um, 484, 945, int8mod, 439)                              \
    FLT(SQL_OID_FLOAT4, 204, float4pl, 586, 205, float4mi, 587, 202, float4mul, 589,         \
        203, float4div, 588, 206, float4um, 584)                                             \
    FLT(SQL_OID_FLOAT8, 218, float8pl, 591, 219, float8mi, 592, 216, float8mul, 594,         \
        217, float8div, 593, 220, float8um, 585)

#define ARITH_FUNCS(T, add, sub, mul, div, neg, pl, pln, plo, mi, min, mio, mu, mun, muo, dv,  \
                    dvn, dvo, um, umn, umo)                                                   \
    F(pl, pln, add, T, 2, T, T), F(mi, min, sub, T, 2, T, T), F(mu, mun, mul, T, 2, T, T),    \
    F(dv, dvn, div, T, 2, T, T), F(um, umn, neg, T, 1, T),
#define ARITH_OPERS(T, pl, pln, plo, mi, min, mio, mu, mun, muo, dv, dvn, dvo, um, umn, umo)  \
    OP(plo, "+", T, T, T, pl), OP(mio, "-", T, T, T, mi), OP(muo, "*", T, T, T, mu),          \
    OP(dvo, "/", T, T, T, dv), OP(umo, "-", 0, T, T, um),
#define INT_FUNCS(T, pl, pln, plo, mi, min, mio, mu, mun, muo, dv, dvn, dvo, um, umn, umo, md, \
                  mdn, mdo)                                                                   \
    ARITH_FUNCS(T, i_add, i_sub, i_mul, i_div, i_neg, pl, pln, plo, mi, min, mio, mu, mun,    \
                muo, dv, dvn, dvo, um, umn, umo) F(md, mdn, i_mod, T, 2, T, T),
#define INT_OPERS(T, pl, pln, plo, mi, min, mio, mu, mun, muo, dv, dvn, dvo, um, umn, umo, md, \
                  mdn, mdo)                                                                   \
    ARITH_OPERS(T, pl, pln, plo, mi, min, mio, mu, mun, muo, dv, dvn, dvo, um, umn, umo)      \
    OP(mdo, "%", T, T, T, md),
#define FLT_FUNCS(T, ...) ARITH_FUNCS(T, f_add, f_sub, f_mul, f_div, f_neg, __VA_ARGS__)
#define FLT_OPERS(T, ...) ARITH_OPERS(T, __VA_ARGS__)

/* The other operators, one row each: pg_operator OID, name, left (0: prefix) and right
 * operand, result, then PostgreSQL's pg_proc OID and name of its function, lakeward's
 * implementation and the function's volatility (stable where the time zone or a type's
 * output can change the answer). Typed with short names for the types. */
#define I SQL_VOL_IMMUTABLE
#define S SQL_VOL_STABLE
#define N SQL_OID_NUMERIC
#define F4 SQL_OID_FLOAT4
#define F8 SQL_OID_FLOAT8
#define I4 SQL_OID_INT4
#define IV SQL_OID_INTERVAL
#define TS SQL_OID_TIMESTAMP
#define TZ SQL_OID_TIMESTAMPTZ
#define D SQL_OID_DATE
#define TM SQL_OID_TIME
#define T SQL_OID_TEXT
#define NA SQL_OID_ANYNONARRAY
#define B SQL_OID_BOOL
#define OTHER_OPS(X)                                                                         \
    X(1751, "-", 0, N, N, 1771, numeric_uminus, n_neg, I)                                    \
    X(1116, "+", F4, F8, F8, 281, float48pl, f_add, I)                                       \
    X(1117, "-", F4, F8, F8, 282, float48mi, f_sub, I)                                       \
    X(1119, "*", F4, F8, F8, 279, float48mul, f_mul, I)                                      \
    X(1118, "/", F4, F8, F8, 280, float48div, f_div, I)                                      \
    X(1126, "+", F8, F4, F8, 285, float84pl, f_add, I)                                       \
    X(1127, "-", F8, F4, F8, 286, float84mi, f_sub, I)                                       \
    X(1129, "*", F8, F4, F8, 283, float84mul, f_mul, I)                                      \
    X(1128, "/", F8, F4, F8, 284, float84div, f_div, I)                                      \
    X(1337, "+", IV, IV, IV, 1169, interval_pl, iv_add, I)                                   \
    X(1338, "-", IV, IV, IV, 1170, interval_mi, iv_sub, I)                                   \
    X(1336, "-", 0, IV, IV, 1168, interval_um, iv_neg, I)                                    \
    X(1583, "*", IV, F8, IV, 1618, interval_mul, iv_mul, I)                                  \
    X(1584, "*", F8, IV, IV, 1624, mul_d_interval, iv_mul_r, I)                              \
    X(1585, "/", IV, F8, IV, 1326, interval_div, iv_div, I)                                  \
    X(1327, "+", TZ, IV, TZ, 1189, timestamptz_pl_interval, ts_pl_iv, S)                     \
    X(1329, "-", TZ, IV, TZ, 1190, timestamptz_mi_interval, ts_mi_iv, S)                     \
    X(2554, "+", IV, TZ, TZ, 2549, interval_pl_timestamptz, iv_pl_ts, S)                     \
    X(1328, "-", TZ, TZ, IV, 1188, timestamptz_mi, ts_mi_ts, I)                              \
    X(2066, "+", TS, IV, TS, 2032, timestamp_pl_interval, ts_pl_iv, I)                       \
    X(2068, "-", TS, IV, TS, 2033, timestamp_mi_interval, ts_mi_iv, I)                       \
    X(2553, "+", IV, TS, TS, 2548, interval_pl_timestamp, iv_pl_ts, I)                       \
    X(2067, "-", TS, TS, IV, 2031, timestamp_mi, ts_mi_ts, I)                                \
    X(1100, "+", D, I4, D, 1141, date_pli, date_pl_int, I)                                   \
    X(2555, "+", I4, D, D, 2550, integer_pl_date, int_pl_date, I)                            \
    X(1101, "-", D, I4, D, 1142, date_mii, date_mi_int, I)                                   \
    X(1099, "-", D, D, I4, 1140, date_mi, date_mi_date, I)                                   \
    X(1076, "+", D, IV, TS, 2071, date_pl_interval, ts_pl_iv, I)                             \
    X(1077, "-", D, IV, TS, 2072, date_mi_interval, ts_mi_iv, I)                             \
    X(2551, "+", IV, D, TS, 2546, interval_pl_date, iv_pl_ts, I)                             \
    X(1360, "+", D, TM, TS, 1272, datetime_pl, date_pl_time, I)                              \
    X(1363, "+", TM, D, TS, 1296, timedate_pl, time_pl_date, I)                              \
    X(1399, "-", TM, TM, IV, 1690, time_mi_time, time_mi_time, I)                            \
    X(1800, "+", TM, IV, TM, 1747, time_pl_interval, time_pl_iv, I)                          \
    X(1849, "+", IV, TM, TM, 1848, interval_pl_time, time_pl_iv, I)                          \
    X(1801, "-", TM, IV, TM, 1748, time_mi_interval, time_mi_iv, I)                          \
    X(654, "||", T, T, T, 1258, textcat, concat, I)                                          \
    X(2779, "||", T, NA, T, 2003, textanycat, concat, S)                                     \
    X(2780, "||", NA, T, T, 2004, anytextcat, concat, S)                                     \
    X(1209, "~~", T, T, B, 850, textlike, f_like, I)                                         \
    X(1210, "!~~", T, T, B, 851, textnlike, f_nlike, I)                                      \
    X(1627, "~~*", T, T, B, 1633, texticlike, f_ilike, I)                                    \
    X(1628, "!~~*", T, T, B, 1634, texticnlike, f_nilike, I)                                 \
    X(641, "~", T, T, B, 1254, textregexeq, f_re, I)                                         \
    X(642, "!~", T, T, B, 1256, textregexne, f_nre, I)                                       \
    X(1228, "~*", T, T, B, 1238, texticregexeq, f_rei, I)                                    \
    X(1229, "!~*", T, T, B, 1239, texticregexne, f_nrei, I)

#define OTHER_FUNCS(oid, sym, l, r, res, fn_oid, name, impl, vol)                             \
    {fn_oid, #name, SQL_FN_SCALAR, vol, true, false, (l) ? 2 : 1, {(l) ? (l) : (r), r}, res,  \
     impl, NULL, NULL},
#define OTHER_OPERS(oid, sym, l, r, res, fn_oid, name, impl, vol) OP(oid, sym, l, r, res, fn_oid),

static const struct sql_func funcs[] = {
    CMP_TYPES(CMP_FUNCS)
    ARITH_TYPES(INT_FUNCS, FLT_FUNCS)
    OTHER_OPS(OTHER_FUNCS)
};

static const struct sql_oper opers[] = {
    CMP_TYPES(CMP_OPERS)
    ARITH_TYPES(INT_OPERS, FLT_OPERS)
    OTHER_OPS(OTHER_OPERS)
};

const struct sql_func_family sql_func_family_ops = {
    funcs, (int)(sizeof funcs / sizeof funcs[0]), opers, (int)(sizeof opers / sizeof opers[0]),
};

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

/* timestamp + interval: months first (clamping the day to the month's end), then days,
 * then the time part. */
int sql_ts_add_interval(int64_t ts, const struct sql_interval *iv, int sign, int64_t *res)
{
    int y, mo, d, h, mi, s, fr;
    int64_t tod, months;
    if (iv->months) {
        sql_civil_from_us(ts, &y, &mo, &d, &h, &mi, &s, &fr);
        tod = ts - sql_days_from_civil(y, mo, d) * US_PER_DAY;
        months = (int64_t)y * 12 + (mo - 1) + sign * (int64_t)iv->months;
        y = (int)(months >= 0 ? months / 12 : (months - 11) / 12);
        mo = (int)(months - (int64_t)y * 12) + 1;
        if (d > sql_days_in_month(y, mo))
            d = sql_days_in_month(y, mo);
        ts = sql_days_from_civil(y, mo, d) * US_PER_DAY + tod;
    }
    ts += sign * ((int64_t)iv->days * US_PER_DAY + iv->us);
    *res = ts;
    return 0;
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

static int ts_pl_iv(struct sql_fcall *c, int argc, const struct sql_value *argv,
                    struct sql_value *out)
{
    int64_t r = argv[0].u.us;
    (void)argc;
    (void)c;
    if (sql_time_finite(r))
        sql_ts_add_interval(argv[0].u.us, &argv[1].u.iv, 1, &r);
    sql_ret_time(out, r);
    return 0;
}

static int iv_pl_ts(struct sql_fcall *c, int argc, const struct sql_value *argv,
                    struct sql_value *out)
{
    int64_t r = argv[1].u.us;
    (void)argc;
    (void)c;
    if (sql_time_finite(r))
        sql_ts_add_interval(argv[1].u.us, &argv[0].u.iv, 1, &r);
    sql_ret_time(out, r);
    return 0;
}

static int ts_mi_iv(struct sql_fcall *c, int argc, const struct sql_value *argv,
                    struct sql_value *out)
{
    int64_t r = argv[0].u.us;
    (void)argc;
    (void)c;
    if (sql_time_finite(r))
        sql_ts_add_interval(argv[0].u.us, &argv[1].u.iv, -1, &r);
    sql_ret_time(out, r);
    return 0;
}

/* timestamp - timestamp: days and time, as PostgreSQL's timestamp_mi (justify_hours). */
static int ts_mi_ts(struct sql_fcall *c, int argc, const struct sql_value *argv,
                    struct sql_value *out)
{
    int64_t diff;
    (void)argc;
    if (infinite_difference(c, argv, "timestamps") != 0)
        return LW_EINVAL;
    diff = argv[0].u.us - argv[1].u.us;
    return iv_make(c, 0, diff / US_PER_DAY, diff % US_PER_DAY, out);
}

static int date_pl_int(struct sql_fcall *c, int argc, const struct sql_value *argv,
                       struct sql_value *out)
{
    (void)argc;
    (void)c;
    sql_ret_time(out, sql_time_finite(argv[0].u.us) ? argv[0].u.us + argv[1].u.i * US_PER_DAY
                                                    : argv[0].u.us);
    return 0;
}

static int date_mi_int(struct sql_fcall *c, int argc, const struct sql_value *argv,
                       struct sql_value *out)
{
    (void)argc;
    (void)c;
    sql_ret_time(out, sql_time_finite(argv[0].u.us) ? argv[0].u.us - argv[1].u.i * US_PER_DAY
                                                    : argv[0].u.us);
    return 0;
}

static int date_mi_date(struct sql_fcall *c, int argc, const struct sql_value *argv,
                        struct sql_value *out)
{
    (void)argc;
    if (infinite_difference(c, argv, "dates") != 0)
        return LW_EINVAL;
    sql_ret_int(out, (argv[0].u.us - argv[1].u.us) / US_PER_DAY);
    return 0;
}

/* time +/- interval wraps around midnight; months and days do not move a time of day */
static int time_pl_iv(struct sql_fcall *c, int argc, const struct sql_value *argv,
                      struct sql_value *out)
{
    int64_t t = argv[0].type == SQL_V_TIME ? argv[0].u.us : argv[1].u.us;
    const struct sql_interval *iv = argv[0].type == SQL_V_INTERVAL ? &argv[0].u.iv : &argv[1].u.iv;
    (void)c, (void)argc;
    t = ((t + iv->us) % US_PER_DAY + US_PER_DAY) % US_PER_DAY;
    sql_ret_time(out, t);
    return 0;
}

static int time_mi_iv(struct sql_fcall *c, int argc, const struct sql_value *argv,
                      struct sql_value *out)
{
    (void)c, (void)argc;
    sql_ret_time(out, ((argv[0].u.us - argv[1].u.iv.us) % US_PER_DAY + US_PER_DAY) % US_PER_DAY);
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
#define F(oid, name, fn, ret, n, ...) {oid, name, SQL_FN_SCALAR, V, true, false, n, {__VA_ARGS__}, ret, fn, NULL, NULL}

/* Comparison functions for each ordered type T, OIDs 61000 + 10*k + op. */
#define CMPS(k, T)                                                                            \
    F(61000 + 10 * (k), #T "eq", f_eq, SQL_OID_BOOL, 2, T, T),                               \
    F(61001 + 10 * (k), #T "ne", f_ne, SQL_OID_BOOL, 2, T, T),                               \
    F(61002 + 10 * (k), #T "lt", f_lt, SQL_OID_BOOL, 2, T, T),                               \
    F(61003 + 10 * (k), #T "le", f_le, SQL_OID_BOOL, 2, T, T),                               \
    F(61004 + 10 * (k), #T "gt", f_gt, SQL_OID_BOOL, 2, T, T),                               \
    F(61005 + 10 * (k), #T "ge", f_ge, SQL_OID_BOOL, 2, T, T)
#define CMP_OPS(k, T)                                                                         \
    {62000 + 10 * (k), "=", T, T, SQL_OID_BOOL, 61000 + 10 * (k)},                            \
    {62001 + 10 * (k), "<>", T, T, SQL_OID_BOOL, 61001 + 10 * (k)},                           \
    {62002 + 10 * (k), "<", T, T, SQL_OID_BOOL, 61002 + 10 * (k)},                            \
    {62003 + 10 * (k), "<=", T, T, SQL_OID_BOOL, 61003 + 10 * (k)},                           \
    {62004 + 10 * (k), ">", T, T, SQL_OID_BOOL, 61004 + 10 * (k)},                            \
    {62005 + 10 * (k), ">=", T, T, SQL_OID_BOOL, 61005 + 10 * (k)}

/* Arithmetic for a type T with implementations p (add, sub, mul, div, mod, neg). */
#define ARITH(k, T, add, sub, mul, div, mod, neg)                                             \
    F(63000 + 10 * (k), #T "pl", add, T, 2, T, T),                                           \
    F(63001 + 10 * (k), #T "mi", sub, T, 2, T, T),                                           \
    F(63002 + 10 * (k), #T "mul", mul, T, 2, T, T),                                          \
    F(63003 + 10 * (k), #T "div", div, T, 2, T, T),                                          \
    F(63004 + 10 * (k), #T "mod", mod, T, 2, T, T),                                          \
    F(63005 + 10 * (k), #T "um", neg, T, 1, T)
#define ARITH_OPS(k, T)                                                                       \
    {64000 + 10 * (k), "+", T, T, T, 63000 + 10 * (k)},                                       \
    {64001 + 10 * (k), "-", T, T, T, 63001 + 10 * (k)},                                       \
    {64002 + 10 * (k), "*", T, T, T, 63002 + 10 * (k)},                                       \
    {64003 + 10 * (k), "/", T, T, T, 63003 + 10 * (k)},                                       \
    {64004 + 10 * (k), "%", T, T, T, 63004 + 10 * (k)},                                       \
    {64005 + 10 * (k), "-", 0, T, T, 63005 + 10 * (k)}

#define UNSUP sql_fn_unsupported

static const struct sql_func funcs[] = {
    CMPS(0, SQL_OID_BOOL), CMPS(1, SQL_OID_INT2), CMPS(2, SQL_OID_INT4), CMPS(3, SQL_OID_INT8),
    CMPS(4, SQL_OID_FLOAT4), CMPS(5, SQL_OID_FLOAT8), CMPS(6, SQL_OID_NUMERIC),
    CMPS(7, SQL_OID_TEXT), CMPS(8, SQL_OID_NAME), CMPS(9, SQL_OID_BPCHAR), CMPS(10, SQL_OID_CHAR),
    CMPS(11, SQL_OID_OID), CMPS(12, SQL_OID_DATE), CMPS(13, SQL_OID_TIME),
    CMPS(14, SQL_OID_TIMESTAMP), CMPS(15, SQL_OID_TIMESTAMPTZ), CMPS(16, SQL_OID_INTERVAL),
    CMPS(17, SQL_OID_UUID), CMPS(18, SQL_OID_BYTEA), CMPS(19, SQL_OID_ANYARRAY),
    ARITH(0, SQL_OID_INT2, i_add, i_sub, i_mul, i_div, i_mod, i_neg),
    ARITH(1, SQL_OID_INT4, i_add, i_sub, i_mul, i_div, i_mod, i_neg),
    ARITH(2, SQL_OID_INT8, i_add, i_sub, i_mul, i_div, i_mod, i_neg),
    ARITH(3, SQL_OID_FLOAT4, f_add, f_sub, f_mul, f_div, UNSUP, f_neg),
    ARITH(4, SQL_OID_FLOAT8, f_add, f_sub, f_mul, f_div, UNSUP, f_neg),
    F(63055, "numeric_uminus", n_neg, SQL_OID_NUMERIC, 1, SQL_OID_NUMERIC),
    F(63090, "float48pl", f_add, SQL_OID_FLOAT8, 2, SQL_OID_FLOAT4, SQL_OID_FLOAT8),
    F(63091, "float48mi", f_sub, SQL_OID_FLOAT8, 2, SQL_OID_FLOAT4, SQL_OID_FLOAT8),
    F(63092, "float48mul", f_mul, SQL_OID_FLOAT8, 2, SQL_OID_FLOAT4, SQL_OID_FLOAT8),
    F(63093, "float48div", f_div, SQL_OID_FLOAT8, 2, SQL_OID_FLOAT4, SQL_OID_FLOAT8),
    F(63094, "float84pl", f_add, SQL_OID_FLOAT8, 2, SQL_OID_FLOAT8, SQL_OID_FLOAT4),
    F(63095, "float84mi", f_sub, SQL_OID_FLOAT8, 2, SQL_OID_FLOAT8, SQL_OID_FLOAT4),
    F(63096, "float84mul", f_mul, SQL_OID_FLOAT8, 2, SQL_OID_FLOAT8, SQL_OID_FLOAT4),
    F(63097, "float84div", f_div, SQL_OID_FLOAT8, 2, SQL_OID_FLOAT8, SQL_OID_FLOAT4),
    F(63100, "interval_pl", iv_add, SQL_OID_INTERVAL, 2, SQL_OID_INTERVAL, SQL_OID_INTERVAL),
    F(63101, "interval_mi", iv_sub, SQL_OID_INTERVAL, 2, SQL_OID_INTERVAL, SQL_OID_INTERVAL),
    F(63102, "interval_um", iv_neg, SQL_OID_INTERVAL, 1, SQL_OID_INTERVAL),
    F(63103, "interval_mul", iv_mul, SQL_OID_INTERVAL, 2, SQL_OID_INTERVAL, SQL_OID_FLOAT8),
    F(63104, "mul_d_interval", iv_mul_r, SQL_OID_INTERVAL, 2, SQL_OID_FLOAT8, SQL_OID_INTERVAL),
    F(63105, "interval_div", iv_div, SQL_OID_INTERVAL, 2, SQL_OID_INTERVAL, SQL_OID_FLOAT8),
    F(63110, "timestamptz_pl_interval", ts_pl_iv, SQL_OID_TIMESTAMPTZ, 2, SQL_OID_TIMESTAMPTZ,
      SQL_OID_INTERVAL),
    F(63111, "timestamptz_mi_interval", ts_mi_iv, SQL_OID_TIMESTAMPTZ, 2, SQL_OID_TIMESTAMPTZ,
      SQL_OID_INTERVAL),
    F(63112, "interval_pl_timestamptz", iv_pl_ts, SQL_OID_TIMESTAMPTZ, 2, SQL_OID_INTERVAL,
      SQL_OID_TIMESTAMPTZ),
    F(63113, "timestamptz_mi", ts_mi_ts, SQL_OID_INTERVAL, 2, SQL_OID_TIMESTAMPTZ,
      SQL_OID_TIMESTAMPTZ),
    F(63120, "timestamp_pl_interval", ts_pl_iv, SQL_OID_TIMESTAMP, 2, SQL_OID_TIMESTAMP,
      SQL_OID_INTERVAL),
    F(63121, "timestamp_mi_interval", ts_mi_iv, SQL_OID_TIMESTAMP, 2, SQL_OID_TIMESTAMP,
      SQL_OID_INTERVAL),
    F(63122, "interval_pl_timestamp", iv_pl_ts, SQL_OID_TIMESTAMP, 2, SQL_OID_INTERVAL,
      SQL_OID_TIMESTAMP),
    F(63123, "timestamp_mi", ts_mi_ts, SQL_OID_INTERVAL, 2, SQL_OID_TIMESTAMP,
      SQL_OID_TIMESTAMP),
    F(63130, "date_pli", date_pl_int, SQL_OID_DATE, 2, SQL_OID_DATE, SQL_OID_INT4),
    F(63131, "date_mii", date_mi_int, SQL_OID_DATE, 2, SQL_OID_DATE, SQL_OID_INT4),
    F(63132, "date_mi", date_mi_date, SQL_OID_INT4, 2, SQL_OID_DATE, SQL_OID_DATE),
    F(63133, "date_pl_interval", ts_pl_iv, SQL_OID_TIMESTAMP, 2, SQL_OID_DATE, SQL_OID_INTERVAL),
    F(63134, "date_mi_interval", ts_mi_iv, SQL_OID_TIMESTAMP, 2, SQL_OID_DATE, SQL_OID_INTERVAL),
    F(63135, "time_pl_interval", time_pl_iv, SQL_OID_TIME, 2, SQL_OID_TIME, SQL_OID_INTERVAL),
    F(63136, "interval_pl_time", time_pl_iv, SQL_OID_TIME, 2, SQL_OID_INTERVAL, SQL_OID_TIME),
    F(63137, "time_mi_interval", time_mi_iv, SQL_OID_TIME, 2, SQL_OID_TIME, SQL_OID_INTERVAL),
    F(63138, "timestamp_pl_time", UNSUP, SQL_OID_TIMESTAMP, 2, SQL_OID_DATE, SQL_OID_TIME),
    F(63140, "textcat", concat, SQL_OID_TEXT, 2, SQL_OID_TEXT, SQL_OID_TEXT),
    F(63141, "textanycat", concat, SQL_OID_TEXT, 2, SQL_OID_TEXT, SQL_OID_ANYNONARRAY),
    F(63142, "anytextcat", concat, SQL_OID_TEXT, 2, SQL_OID_ANYNONARRAY, SQL_OID_TEXT),
    F(63150, "textlike", f_like, SQL_OID_BOOL, 2, SQL_OID_TEXT, SQL_OID_TEXT),
    F(63151, "textnlike", f_nlike, SQL_OID_BOOL, 2, SQL_OID_TEXT, SQL_OID_TEXT),
    F(63152, "texticlike", f_ilike, SQL_OID_BOOL, 2, SQL_OID_TEXT, SQL_OID_TEXT),
    F(63153, "texticnlike", f_nilike, SQL_OID_BOOL, 2, SQL_OID_TEXT, SQL_OID_TEXT),
    F(63154, "textregexeq", f_re, SQL_OID_BOOL, 2, SQL_OID_TEXT, SQL_OID_TEXT),
    F(63155, "textregexne", f_nre, SQL_OID_BOOL, 2, SQL_OID_TEXT, SQL_OID_TEXT),
    F(63156, "texticregexeq", f_rei, SQL_OID_BOOL, 2, SQL_OID_TEXT, SQL_OID_TEXT),
    F(63157, "texticregexne", f_nrei, SQL_OID_BOOL, 2, SQL_OID_TEXT, SQL_OID_TEXT),
};

static const struct sql_oper opers[] = {
    CMP_OPS(0, SQL_OID_BOOL), CMP_OPS(1, SQL_OID_INT2), CMP_OPS(2, SQL_OID_INT4),
    CMP_OPS(3, SQL_OID_INT8), CMP_OPS(4, SQL_OID_FLOAT4), CMP_OPS(5, SQL_OID_FLOAT8),
    CMP_OPS(6, SQL_OID_NUMERIC), CMP_OPS(7, SQL_OID_TEXT), CMP_OPS(8, SQL_OID_NAME),
    CMP_OPS(9, SQL_OID_BPCHAR), CMP_OPS(10, SQL_OID_CHAR), CMP_OPS(11, SQL_OID_OID),
    CMP_OPS(12, SQL_OID_DATE), CMP_OPS(13, SQL_OID_TIME), CMP_OPS(14, SQL_OID_TIMESTAMP),
    CMP_OPS(15, SQL_OID_TIMESTAMPTZ), CMP_OPS(16, SQL_OID_INTERVAL), CMP_OPS(17, SQL_OID_UUID),
    CMP_OPS(18, SQL_OID_BYTEA), CMP_OPS(19, SQL_OID_ANYARRAY),
    ARITH_OPS(0, SQL_OID_INT2), ARITH_OPS(1, SQL_OID_INT4), ARITH_OPS(2, SQL_OID_INT8),
    ARITH_OPS(3, SQL_OID_FLOAT4), ARITH_OPS(4, SQL_OID_FLOAT8),
    {64055, "-", 0, SQL_OID_NUMERIC, SQL_OID_NUMERIC, 63055},
    {64090, "+", SQL_OID_FLOAT4, SQL_OID_FLOAT8, SQL_OID_FLOAT8, 63090},
    {64091, "-", SQL_OID_FLOAT4, SQL_OID_FLOAT8, SQL_OID_FLOAT8, 63091},
    {64092, "*", SQL_OID_FLOAT4, SQL_OID_FLOAT8, SQL_OID_FLOAT8, 63092},
    {64093, "/", SQL_OID_FLOAT4, SQL_OID_FLOAT8, SQL_OID_FLOAT8, 63093},
    {64094, "+", SQL_OID_FLOAT8, SQL_OID_FLOAT4, SQL_OID_FLOAT8, 63094},
    {64095, "-", SQL_OID_FLOAT8, SQL_OID_FLOAT4, SQL_OID_FLOAT8, 63095},
    {64096, "*", SQL_OID_FLOAT8, SQL_OID_FLOAT4, SQL_OID_FLOAT8, 63096},
    {64097, "/", SQL_OID_FLOAT8, SQL_OID_FLOAT4, SQL_OID_FLOAT8, 63097},
    {64100, "+", SQL_OID_INTERVAL, SQL_OID_INTERVAL, SQL_OID_INTERVAL, 63100},
    {64101, "-", SQL_OID_INTERVAL, SQL_OID_INTERVAL, SQL_OID_INTERVAL, 63101},
    {64102, "-", 0, SQL_OID_INTERVAL, SQL_OID_INTERVAL, 63102},
    {64103, "*", SQL_OID_INTERVAL, SQL_OID_FLOAT8, SQL_OID_INTERVAL, 63103},
    {64104, "*", SQL_OID_FLOAT8, SQL_OID_INTERVAL, SQL_OID_INTERVAL, 63104},
    {64105, "/", SQL_OID_INTERVAL, SQL_OID_FLOAT8, SQL_OID_INTERVAL, 63105},
    {64110, "+", SQL_OID_TIMESTAMPTZ, SQL_OID_INTERVAL, SQL_OID_TIMESTAMPTZ, 63110},
    {64111, "-", SQL_OID_TIMESTAMPTZ, SQL_OID_INTERVAL, SQL_OID_TIMESTAMPTZ, 63111},
    {64112, "+", SQL_OID_INTERVAL, SQL_OID_TIMESTAMPTZ, SQL_OID_TIMESTAMPTZ, 63112},
    {64113, "-", SQL_OID_TIMESTAMPTZ, SQL_OID_TIMESTAMPTZ, SQL_OID_INTERVAL, 63113},
    {64120, "+", SQL_OID_TIMESTAMP, SQL_OID_INTERVAL, SQL_OID_TIMESTAMP, 63120},
    {64121, "-", SQL_OID_TIMESTAMP, SQL_OID_INTERVAL, SQL_OID_TIMESTAMP, 63121},
    {64122, "+", SQL_OID_INTERVAL, SQL_OID_TIMESTAMP, SQL_OID_TIMESTAMP, 63122},
    {64123, "-", SQL_OID_TIMESTAMP, SQL_OID_TIMESTAMP, SQL_OID_INTERVAL, 63123},
    {64130, "+", SQL_OID_DATE, SQL_OID_INT4, SQL_OID_DATE, 63130},
    {64131, "-", SQL_OID_DATE, SQL_OID_INT4, SQL_OID_DATE, 63131},
    {64132, "-", SQL_OID_DATE, SQL_OID_DATE, SQL_OID_INT4, 63132},
    {64133, "+", SQL_OID_DATE, SQL_OID_INTERVAL, SQL_OID_TIMESTAMP, 63133},
    {64134, "-", SQL_OID_DATE, SQL_OID_INTERVAL, SQL_OID_TIMESTAMP, 63134},
    {64135, "+", SQL_OID_TIME, SQL_OID_INTERVAL, SQL_OID_TIME, 63135},
    {64136, "+", SQL_OID_INTERVAL, SQL_OID_TIME, SQL_OID_TIME, 63136},
    {64137, "-", SQL_OID_TIME, SQL_OID_INTERVAL, SQL_OID_TIME, 63137},
    {64138, "+", SQL_OID_DATE, SQL_OID_TIME, SQL_OID_TIMESTAMP, 63138},
    {64140, "||", SQL_OID_TEXT, SQL_OID_TEXT, SQL_OID_TEXT, 63140},
    {64141, "||", SQL_OID_TEXT, SQL_OID_ANYNONARRAY, SQL_OID_TEXT, 63141},
    {64142, "||", SQL_OID_ANYNONARRAY, SQL_OID_TEXT, SQL_OID_TEXT, 63142},
    {64150, "~~", SQL_OID_TEXT, SQL_OID_TEXT, SQL_OID_BOOL, 63150},
    {64151, "!~~", SQL_OID_TEXT, SQL_OID_TEXT, SQL_OID_BOOL, 63151},
    {64152, "~~*", SQL_OID_TEXT, SQL_OID_TEXT, SQL_OID_BOOL, 63152},
    {64153, "!~~*", SQL_OID_TEXT, SQL_OID_TEXT, SQL_OID_BOOL, 63153},
    {64154, "~", SQL_OID_TEXT, SQL_OID_TEXT, SQL_OID_BOOL, 63154},
    {64155, "!~", SQL_OID_TEXT, SQL_OID_TEXT, SQL_OID_BOOL, 63155},
    {64156, "~*", SQL_OID_TEXT, SQL_OID_TEXT, SQL_OID_BOOL, 63156},
    {64157, "!~*", SQL_OID_TEXT, SQL_OID_TEXT, SQL_OID_BOOL, 63157},
};

const struct sql_func_family sql_func_family_ops = {
    funcs, (int)(sizeof funcs / sizeof funcs[0]), opers, (int)(sizeof opers / sizeof opers[0]),
};

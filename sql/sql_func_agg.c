/* sql_func_agg.c -- aggregate functions: count, sum, avg, min, max, bool_and/bool_or/every,
 * string_agg, array_agg, and the ordered-set ones (percentile_cont, percentile_disc, mode).
 * Integer sums are exact (128-bit); sum(int8) and avg of integers answer numeric as
 * PostgreSQL does, avg with PostgreSQL's division scale. */
#include "sql_func_impl.h"

#include "sql_expr.h"
#include "sql_type_io.h"
#include "sql_value.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STEP(name)                                                                            \
    static int name(struct sql_fcall *c, void *state, int argc, const struct sql_value *argv)
#define FINAL(name) static int name(struct sql_fcall *c, void *state, struct sql_value *out)

/* count(*) and count(x) (strict: NULLs skipped before step) */
STEP(count_step)
{
    (void)c, (void)argc, (void)argv;
    (*(int64_t *)state)++;
    return 0;
}

FINAL(count_final)
{
    (void)c;
    sql_ret_int(out, *(int64_t *)state);
    return 0;
}

/* Integer sums in 128 bits. */
struct isum {
    __int128 sum;
    int64_t n;
};

STEP(isum_step)
{
    struct isum *s = state;
    (void)c, (void)argc;
    s->sum += argv[0].u.i;
    s->n++;
    return 0;
}

static void i128_text(__int128 v, char *buf, size_t cap)
{
    char tmp[48];
    int n = 0;
    bool neg = v < 0;
    unsigned __int128 m = neg ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
    do {
        tmp[n++] = (char)('0' + (int)(m % 10));
        m /= 10;
    } while (m);
    if (neg)
        tmp[n++] = '-';
    for (int i = 0; i < n && (size_t)i + 1 < cap; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n < (int)cap ? n : (int)cap - 1] = '\0';
}

FINAL(isum_final)
{
    struct isum *s = state;
    char buf[64];
    if (s->n == 0)
        return 0;
    if (c->result_oid == SQL_OID_NUMERIC) {
        i128_text(s->sum, buf, sizeof buf);
        return sql_numeric_canon(buf, strlen(buf), c->arena, out, c->err);
    }
    if (s->sum > INT64_MAX || s->sum < INT64_MIN)
        return sql_error_set(c->err, "22003", "bigint out of range");
    sql_ret_int(out, (int64_t)s->sum);
    return 0;
}

/* Leading base-10000 digit and weight of |v| > 0 (PostgreSQL's numeric layout). */
static void nbase(unsigned __int128 v, int *weight, unsigned *first)
{
    *weight = 0;
    while (v >= 10000) {
        v /= 10000;
        (*weight)++;
    }
    *first = (unsigned)v;
}

/* avg of integers: sum / n with PostgreSQL's select_div_scale, rounded half away from 0. */
FINAL(iavg_final)
{
    struct isum *s = state;
    unsigned __int128 m, q, r, n;
    int w1, w2, rscale;
    unsigned f1, f2;
    char buf[128];
    size_t o = 0;
    if (s->n == 0)
        return 0;
    m = s->sum < 0 ? (unsigned __int128)0 - (unsigned __int128)s->sum : (unsigned __int128)s->sum;
    n = (unsigned __int128)s->n;
    if (m == 0) {
        w1 = 0;
        f1 = 0;
    } else {
        nbase(m, &w1, &f1);
    }
    nbase(n, &w2, &f2);
    rscale = 16 - ((w1 - w2) - (f1 <= f2 ? 1 : 0)) * 4;
    if (rscale < 0)
        rscale = 0;
    if (rscale > 1000)
        rscale = 1000;
    if (s->sum < 0)
        buf[o++] = '-';
    q = m / n;
    r = m % n;
    {
        char ib[48];
        i128_text((__int128)q, ib, sizeof ib);
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s", ib);
    }
    if (rscale > 0 && o + (size_t)rscale + 2 < sizeof buf) {
        char *digits = buf + o + 1;
        buf[o] = '.';
        for (int i = 0; i < rscale; i++) {
            r *= 10;
            digits[i] = (char)('0' + (int)(r / n));
            r %= n;
        }
        o += 1 + (size_t)rscale;
        buf[o] = '\0';
        if (r * 2 >= n) {       /* round the last digit, carrying leftwards */
            size_t k = o;
            while (k > 0) {
                k--;
                if (buf[k] == '.' || buf[k] == '-')
                    continue;
                if (buf[k] == '9') {
                    buf[k] = '0';
                    continue;
                }
                buf[k]++;
                break;
            }
            if (k == 0 && (buf[0] == '0' || buf[0] == '-')) {
                /* all nines carried past the first digit: prepend a 1 */
                size_t start = buf[0] == '-' ? 1 : 0;
                if (buf[start] == '0') {
                    memmove(buf + start + 1, buf + start, o - start + 1);
                    buf[start] = '1';
                    o++;
                }
            }
        }
    } else if (r * 2 >= n) {
        q++;
        i128_text(s->sum < 0 ? -(__int128)q : (__int128)q, buf, sizeof buf);
        o = strlen(buf);
    }
    return sql_numeric_canon(buf, o, c->arena, out, c->err);
}

struct fsum {
    double sum;
    int64_t n;
};

STEP(fsum_step)
{
    struct fsum *s = state;
    (void)c, (void)argc;
    s->sum += argv[0].u.f;
    s->n++;
    return 0;
}

FINAL(fsum_final)
{
    struct fsum *s = state;
    (void)c;
    if (s->n)
        sql_ret_float(out, s->sum);
    return 0;
}

FINAL(favg_final)
{
    struct fsum *s = state;
    (void)c;
    if (s->n)
        sql_ret_float(out, s->sum / (double)s->n);
    return 0;
}

/* min/max keep a copy of the best value so far. */
struct best {
    bool have;
    struct sql_value v;
};

static int best_step(struct sql_fcall *c, struct best *b, const struct sql_value *v, int want)
{
    if (!b->have || (sql_value_cmp_typed(c->arg_oids[0], v, &b->v) > 0) == (want > 0)) {
        if (b->have && sql_value_cmp_typed(c->arg_oids[0], v, &b->v) == 0)
            return 0;
        b->v = *v;
        if (sql_value_copy(c->arena, &b->v) != 0)
            return sql_fn_nomem(c);
        b->have = true;
    }
    return 0;
}

STEP(max_step)
{
    (void)argc;
    return best_step(c, state, &argv[0], 1);
}

STEP(min_step)
{
    (void)argc;
    return best_step(c, state, &argv[0], -1);
}

FINAL(best_final)
{
    struct best *b = state;
    (void)c;
    if (b->have)
        *out = b->v;
    return 0;
}

struct band {
    bool have, val;
};

STEP(and_step)
{
    struct band *s = state;
    (void)c, (void)argc;
    s->val = s->have ? s->val && argv[0].u.b : argv[0].u.b;
    s->have = true;
    return 0;
}

STEP(or_step)
{
    struct band *s = state;
    (void)c, (void)argc;
    s->val = s->have ? s->val || argv[0].u.b : argv[0].u.b;
    s->have = true;
    return 0;
}

FINAL(band_final)
{
    struct band *s = state;
    (void)c;
    if (s->have)
        sql_ret_bool(out, s->val);
    return 0;
}

/* string_agg(value, delimiter): grows in the arena (bounded by its memory bound). */
struct sagg {
    bool have;
    char *p;
    size_t len, cap;
};

static int sagg_put(struct sql_fcall *c, struct sagg *s, const char *p, size_t n)
{
    if (s->len + n + 1 > s->cap) {
        size_t ncap = (s->cap ? s->cap * 2 : 64) + n;
        char *np = lw_arena_alloc(c->arena, ncap);
        if (!np)
            return sql_fn_nomem(c);
        if (s->len)
            memcpy(np, s->p, s->len);
        s->p = np;
        s->cap = ncap;
    }
    memcpy(s->p + s->len, p, n);
    s->len += n;
    return 0;
}

STEP(sagg_step)
{
    struct sagg *s = state;
    (void)argc;
    if (argv[0].type == SQL_V_NULL)
        return 0;
    if (s->have && argv[1].type != SQL_V_NULL &&
        sagg_put(c, s, argv[1].u.s.p, argv[1].u.s.len) != 0)
        return LW_ENOMEM;
    s->have = true;
    return sagg_put(c, s, argv[0].u.s.p, argv[0].u.s.len);
}

FINAL(sagg_final)
{
    struct sagg *s = state;
    (void)c;
    if (s->have) {
        out->type = SQL_V_TEXT;
        out->u.s.p = s->p ? s->p : "";
        out->u.s.len = s->len;
    }
    return 0;
}

struct aagg {
    int n, cap;
    struct sql_value *v;
};

STEP(aagg_step)
{
    struct aagg *s = state;
    (void)argc;
    if (s->n == s->cap) {
        int ncap = s->cap ? s->cap * 2 : 16;
        struct sql_value *nv = lw_arena_alloc(c->arena, (size_t)ncap * sizeof *nv);
        if (!nv)
            return sql_fn_nomem(c);
        if (s->n)
            memcpy(nv, s->v, (size_t)s->n * sizeof *nv);
        s->v = nv;
        s->cap = ncap;
    }
    s->v[s->n] = argv[0];
    if (sql_value_copy(c->arena, &s->v[s->n]) != 0)
        return sql_fn_nomem(c);
    s->n++;
    return 0;
}

FINAL(aagg_final)
{
    struct aagg *s = state;
    struct sql_array *a;
    const struct sql_type *t = sql_type_get(c->result_oid);
    if (s->n == 0)
        return 0;
    if (!(a = lw_arena_alloc(c->arena, sizeof *a)))
        return sql_fn_nomem(c);
    a->elem_oid = t ? t->elem_oid : SQL_OID_TEXT;
    a->n = s->n;
    a->v = s->v;
    out->type = SQL_V_ARRAY;
    out->u.arr = a;
    return 0;
}

/* --- ordered-set aggregates ------------------------------------------------------------
 * fn(direct) WITHIN GROUP (ORDER BY x): step keeps every non-NULL x (the entries are strict,
 * so NULLs never reach it) with array_agg's step; final sorts them in the WITHIN GROUP order
 * and picks, with PostgreSQL's arithmetic (orderedsetaggs.c): percentile_disc is the value at
 * row max(1, ceil(p * n)), percentile_cont interpolates between rows floor(p * (n - 1)) and
 * ceil(p * (n - 1)) as lo + (hi - lo) * fraction, mode is the first of the longest run. */

/* The key type's comparison, looked up once per sort rather than once per comparison (the
 * values are never NULL and all of the key's type, so this is sql_value_cmp_typed). */
struct osa_order {
    const struct sql_type *t;
    bool desc;
};

static struct osa_order osa_order_of(const struct sql_fcall *c)
{
    const struct sql_type *t = sql_type_get(c->arg_oids[0]);
    return (struct osa_order){t && t->cmp ? t : NULL, c->order_desc};
}

static int osa_compare(const struct osa_order *o, const struct sql_value *a,
                       const struct sql_value *b)
{
    int c = o->t && a->type == b->type ? o->t->cmp(a, b) : sql_value_cmp(a, b);
    return o->desc ? -c : c;
}

static int osa_cmp(const void *a, const void *b, void *ctx)
{
    return osa_compare(ctx, a, b);
}

/* Puts the kept values in WITHIN GROUP order. */
static void osa_sort(struct sql_fcall *c, struct aagg *s)
{
    struct osa_order o = osa_order_of(c);
    if (s->n > 1)
        qsort_r(s->v, (size_t)s->n, sizeof *s->v, osa_cmp, &o);
}

static int bad_fraction(struct sql_fcall *c, double p)
{
    return sql_error_set(c->err, "22003", "percentile value %g is not between 0 and 1", p);
}

static bool fraction_ok(double p)
{
    return p >= 0 && p <= 1;    /* false for NaN too */
}

/* lo + (hi - lo) * t for float8, or for interval through the interval operators' own
 * functions (interval_mi, interval_mul, interval_pl), as PostgreSQL's interval_lerp does. */
static int lerp(struct sql_fcall *c, const struct sql_value *lo, const struct sql_value *hi,
                double t, struct sql_value *out)
{
    struct sql_value a[2], diff, scaled;
    const struct sql_func *mi = sql_func_by_oid(1170), *mul = sql_func_by_oid(1618),
                          *pl = sql_func_by_oid(1169);
    if (lo->type == SQL_V_FLOAT) {
        sql_ret_float(out, lo->u.f + t * (hi->u.f - lo->u.f));
        return 0;
    }
    if (!mi || !mul || !pl)
        return sql_error_set(c->err, "XX000", "interval arithmetic is not registered");
    a[0] = *hi;
    a[1] = *lo;
    if (mi->fn(c, 2, a, &diff) != 0)
        return LW_EINVAL;
    a[0] = diff;
    sql_ret_float(&a[1], t);
    if (mul->fn(c, 2, a, &scaled) != 0)
        return LW_EINVAL;
    a[0] = scaled;
    a[1] = *lo;
    return pl->fn(c, 2, a, out);
}

/* One percentile p (checked) of the n >= 1 sorted values. */
static int pick(struct sql_fcall *c, const struct aagg *s, double p, bool cont,
                struct sql_value *out)
{
    if (!cont) {
        int64_t row = (int64_t)ceil(p * (double)s->n);
        *out = s->v[(row > 1 ? row : 1) - 1];
        return 0;
    }
    {
        double pos = p * (double)(s->n - 1);
        int64_t first = (int64_t)floor(pos), second = (int64_t)ceil(pos);
        if (second == first) {
            *out = s->v[first];
            return 0;
        }
        return lerp(c, &s->v[first], &s->v[second], pos - (double)first, out);
    }
}

/* percentile_cont(float8) / percentile_disc(float8): a NULL fraction gives NULL, a fraction
 * outside [0, 1] is an error even over no rows, no rows give NULL. */
static int pct_single(struct sql_fcall *c, struct aagg *s, bool cont, struct sql_value *out)
{
    if (c->ndirect < 1 || c->direct[0].type == SQL_V_NULL)
        return 0;
    if (!fraction_ok(c->direct[0].u.f))
        return bad_fraction(c, c->direct[0].u.f);
    if (s->n == 0)
        return 0;
    osa_sort(c, s);
    return pick(c, s, c->direct[0].u.f, cont, out);
}

/* The float8[] forms: no rows give NULL (before the fractions are looked at), a NULL array
 * NULL, each NULL fraction a NULL element, the result an array of the fractions' shape. */
static int pct_multi(struct sql_fcall *c, struct aagg *s, bool cont, struct sql_value *out)
{
    const struct sql_array *fr;
    struct sql_array *res;
    struct sql_value *v;
    const struct sql_type *t = sql_type_get(c->result_oid);
    if (s->n == 0 || c->ndirect < 1 || c->direct[0].type != SQL_V_ARRAY)
        return 0;
    fr = c->direct[0].u.arr;
    for (int i = 0; i < fr->n; i++)
        if (fr->v[i].type != SQL_V_NULL && !fraction_ok(fr->v[i].u.f))
            return bad_fraction(c, fr->v[i].u.f);
    osa_sort(c, s);
    if (!(res = lw_arena_alloc(c->arena, sizeof *res)) ||
        !(v = lw_arena_alloc(c->arena, (size_t)(fr->n + 1) * sizeof *v)))
        return sql_fn_nomem(c);
    memset(v, 0, (size_t)(fr->n + 1) * sizeof *v);
    for (int i = 0; i < fr->n; i++)
        if (fr->v[i].type != SQL_V_NULL && pick(c, s, fr->v[i].u.f, cont, &v[i]) != 0)
            return LW_EINVAL;
    res->elem_oid = t && t->elem_oid ? t->elem_oid : c->arg_oids[0];
    res->n = fr->n;
    res->v = v;
    out->type = SQL_V_ARRAY;
    out->u.arr = res;
    return 0;
}

FINAL(pcont_final)
{
    return pct_single(c, state, true, out);
}

FINAL(pdisc_final)
{
    return pct_single(c, state, false, out);
}

FINAL(pcont_multi_final)
{
    return pct_multi(c, state, true, out);
}

FINAL(pdisc_multi_final)
{
    return pct_multi(c, state, false, out);
}

/* mode(): the most frequent value; of equally frequent ones the first in WITHIN GROUP order. */
FINAL(mode_final)
{
    struct aagg *s = state;
    struct osa_order o = osa_order_of(c);
    int best = 0, best_n = 0;
    if (s->n == 0)
        return 0;
    osa_sort(c, s);
    for (int i = 0; i < s->n;) {
        int j = i + 1;
        while (j < s->n && osa_compare(&o, &s->v[i], &s->v[j]) == 0)
            j++;
        if (j - i > best_n) {
            best = i;
            best_n = j - i;
        }
        i = j;
    }
    *out = s->v[best];
    return 0;
}

static const struct sql_agg_impl count_impl = {sizeof(int64_t), count_step, count_final};
static const struct sql_agg_impl isum_impl = {sizeof(struct isum), isum_step, isum_final};
static const struct sql_agg_impl iavg_impl = {sizeof(struct isum), isum_step, iavg_final};
static const struct sql_agg_impl fsum_impl = {sizeof(struct fsum), fsum_step, fsum_final};
static const struct sql_agg_impl favg_impl = {sizeof(struct fsum), fsum_step, favg_final};
static const struct sql_agg_impl max_impl = {sizeof(struct best), max_step, best_final};
static const struct sql_agg_impl min_impl = {sizeof(struct best), min_step, best_final};
static const struct sql_agg_impl and_impl = {sizeof(struct band), and_step, band_final};
static const struct sql_agg_impl or_impl = {sizeof(struct band), or_step, band_final};
static const struct sql_agg_impl sagg_impl = {sizeof(struct sagg), sagg_step, sagg_final};
static const struct sql_agg_impl aagg_impl = {sizeof(struct aagg), aagg_step, aagg_final};
static const struct sql_agg_impl pcont_impl = {sizeof(struct aagg), aagg_step, pcont_final};
static const struct sql_agg_impl pdisc_impl = {sizeof(struct aagg), aagg_step, pdisc_final};
static const struct sql_agg_impl pcont_multi_impl = {sizeof(struct aagg), aagg_step,
                                                     pcont_multi_final};
static const struct sql_agg_impl pdisc_multi_impl = {sizeof(struct aagg), aagg_step,
                                                     pdisc_multi_final};
static const struct sql_agg_impl mode_impl = {sizeof(struct aagg), aagg_step, mode_final};

#define AGG(oid, name, strict, impl, ret, n, ...)                                             \
    {oid, name, SQL_FN_AGG, SQL_VOL_IMMUTABLE, strict, false, n, {__VA_ARGS__}, ret, NULL,    \
     impl, NULL}
#define AE SQL_OID_ANYELEMENT
#define MINMAX(max_oid, min_oid, t)                                                           \
    AGG(max_oid, "max", true, &max_impl, t, 1, t), AGG(min_oid, "min", true, &min_impl, t, 1, t)
#define WIN(oid, name, ret, n, ...)                                                           \
    {oid, name, SQL_FN_WINDOW, SQL_VOL_IMMUTABLE, false, false, n, {__VA_ARGS__}, ret, NULL,  \
     NULL, NULL}

static const struct sql_func funcs[] = {
    AGG(2803, "count", false, &count_impl, SQL_OID_INT8, 0, 0),
    AGG(2147, "count", true, &count_impl, SQL_OID_INT8, 1, SQL_OID_ANY),
    AGG(2109, "sum", true, &isum_impl, SQL_OID_INT8, 1, SQL_OID_INT2),
    AGG(2108, "sum", true, &isum_impl, SQL_OID_INT8, 1, SQL_OID_INT4),
    AGG(2107, "sum", true, &isum_impl, SQL_OID_NUMERIC, 1, SQL_OID_INT8),
    AGG(2110, "sum", true, &fsum_impl, SQL_OID_FLOAT4, 1, SQL_OID_FLOAT4),
    AGG(2111, "sum", true, &fsum_impl, SQL_OID_FLOAT8, 1, SQL_OID_FLOAT8),
    AGG(2113, "sum", true, NULL, SQL_OID_INTERVAL, 1, SQL_OID_INTERVAL),
    AGG(2102, "avg", true, &iavg_impl, SQL_OID_NUMERIC, 1, SQL_OID_INT2),
    AGG(2101, "avg", true, &iavg_impl, SQL_OID_NUMERIC, 1, SQL_OID_INT4),
    AGG(2100, "avg", true, &iavg_impl, SQL_OID_NUMERIC, 1, SQL_OID_INT8),
    AGG(2104, "avg", true, &favg_impl, SQL_OID_FLOAT8, 1, SQL_OID_FLOAT4),
    AGG(2105, "avg", true, &favg_impl, SQL_OID_FLOAT8, 1, SQL_OID_FLOAT8),
    AGG(2106, "avg", true, NULL, SQL_OID_INTERVAL, 1, SQL_OID_INTERVAL),
    /* max and min per ordered type, as PostgreSQL has them (max(varchar) is max(text), there
     * is none for boolean, uuid or bytea) */
    MINMAX(2050, 2051, SQL_OID_ANYARRAY), MINMAX(2115, 2131, SQL_OID_INT8),
    MINMAX(2116, 2132, SQL_OID_INT4), MINMAX(2117, 2133, SQL_OID_INT2),
    MINMAX(2118, 2134, SQL_OID_OID), MINMAX(2119, 2135, SQL_OID_FLOAT4),
    MINMAX(2120, 2136, SQL_OID_FLOAT8), MINMAX(2122, 2138, SQL_OID_DATE),
    MINMAX(2123, 2139, SQL_OID_TIME), MINMAX(2126, 2142, SQL_OID_TIMESTAMP),
    MINMAX(2127, 2143, SQL_OID_TIMESTAMPTZ), MINMAX(2128, 2144, SQL_OID_INTERVAL),
    MINMAX(2129, 2145, SQL_OID_TEXT), MINMAX(2130, 2146, SQL_OID_NUMERIC),
    MINMAX(2244, 2245, SQL_OID_BPCHAR),
    AGG(2517, "bool_and", true, &and_impl, SQL_OID_BOOL, 1, SQL_OID_BOOL),
    AGG(2518, "bool_or", true, &or_impl, SQL_OID_BOOL, 1, SQL_OID_BOOL),
    AGG(2519, "every", true, &and_impl, SQL_OID_BOOL, 1, SQL_OID_BOOL),
    AGG(3538, "string_agg", false, &sagg_impl, SQL_OID_TEXT, 2, SQL_OID_TEXT, SQL_OID_TEXT),
    AGG(2335, "array_agg", false, &aagg_impl, SQL_OID_ANYARRAY, 1, AE),
    /* ordered-set aggregates (sql_func.c knows them by OID): direct arguments first, then
     * the WITHIN GROUP key */
    AGG(3972, "percentile_disc", true, &pdisc_impl, AE, 2, SQL_OID_FLOAT8, AE),
    AGG(3974, "percentile_cont", true, &pcont_impl, SQL_OID_FLOAT8, 2, SQL_OID_FLOAT8,
        SQL_OID_FLOAT8),
    AGG(3976, "percentile_cont", true, &pcont_impl, SQL_OID_INTERVAL, 2, SQL_OID_FLOAT8,
        SQL_OID_INTERVAL),
    AGG(3978, "percentile_disc", true, &pdisc_multi_impl, SQL_OID_ANYARRAY, 2,
        SQL_OID_FLOAT8_ARRAY, AE),
    AGG(3980, "percentile_cont", true, &pcont_multi_impl, SQL_OID_FLOAT8_ARRAY, 2,
        SQL_OID_FLOAT8_ARRAY, SQL_OID_FLOAT8),
    AGG(3982, "percentile_cont", true, &pcont_multi_impl, 1187 /* interval[] */, 2,
        SQL_OID_FLOAT8_ARRAY, SQL_OID_INTERVAL),
    AGG(3984, "mode", true, &mode_impl, AE, 1, AE),
    /* window functions: computed by the window operator (sql_op.c), which knows them by
     * name; lag/lead are not strict (their value argument may be NULL) */
    WIN(3100, "row_number", SQL_OID_INT8, 0, 0),
    WIN(3101, "rank", SQL_OID_INT8, 0, 0),
    WIN(3102, "dense_rank", SQL_OID_INT8, 0, 0),
    WIN(3106, "lag", AE, 1, AE),
    WIN(3107, "lag", AE, 2, AE, SQL_OID_INT4),
    WIN(3108, "lag", AE, 3, AE, SQL_OID_INT4, AE),
    WIN(3109, "lead", AE, 1, AE),
    WIN(3110, "lead", AE, 2, AE, SQL_OID_INT4),
    WIN(3111, "lead", AE, 3, AE, SQL_OID_INT4, AE),
};

const struct sql_func_family sql_func_family_agg = {
    funcs, (int)(sizeof funcs / sizeof funcs[0]), NULL, 0,
};

/* sql_func_numeric.c -- exact decimal arithmetic for numeric, as PostgreSQL computes it:
 * + - * keep every digit (scale max(s1, s2) or s1 + s2), / and avg round to PostgreSQL's
 * division scale (select_div_scale: at least 16 significant digits), floor/ceil/round/
 * trunc/abs/sign, sum and avg. Values are the canonical decimal text sql_type_io.c keeps;
 * arithmetic works on base-10 digit arrays in the statement's arena (at most 1000 digits
 * either side of the point, PostgreSQL's display bound). */
#include "sql_func_impl.h"

#include "sql_type_io.h"

#include <stdio.h>
#include <string.h>

#define MAX_DIGITS 2100

/* value = neg ? -(d as integer) : d, times 10^-scale; d has n digits, most significant
 * first. kind: 0 finite, 1 NaN, 2 +Infinity, 3 -Infinity. */
struct dnum {
    int kind;
    bool neg;
    int scale, n;
    unsigned char *d;
};

static int dn_parse(struct sql_fcall *c, const struct sql_value *v, struct dnum *x)
{
    const char *s = v->u.s.p, *dot;
    size_t len = v->u.s.len, k = 0;
    memset(x, 0, sizeof *x);
    if (len == 3 && memcmp(s, "NaN", 3) == 0) {
        x->kind = 1;
        return 0;
    }
    if (len >= 8 && memcmp(s + len - 8, "Infinity", 8) == 0) {
        x->kind = s[0] == '-' ? 3 : 2;
        return 0;
    }
    if (len && s[0] == '-') {
        x->neg = true;
        s++;
        len--;
    }
    if (!(x->d = lw_arena_alloc(c->arena, len + 1)))
        return sql_fn_nomem(c);
    dot = memchr(s, '.', len);
    x->scale = dot ? (int)(s + len - dot - 1) : 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] != '.')
            x->d[k++] = (unsigned char)(s[i] - '0');
    x->n = (int)k;
    return 0;
}

static bool dn_zero(const struct dnum *x)
{
    for (int i = 0; i < x->n; i++)
        if (x->d[i])
            return false;
    return true;
}

static int dn_text(struct sql_fcall *c, const struct dnum *x, struct sql_value *out)
{
    char *buf;
    int ip = x->n - x->scale, o = 0, start;
    if (x->kind)
        return sql_ret_text(c, out, x->kind == 1 ? "NaN" : x->kind == 2 ? "Infinity"
                                                                         : "-Infinity",
                            x->kind == 1 ? 3 : x->kind == 2 ? 8 : 9);
    if (x->n - x->scale > 1000 || x->scale > 1000 + 16)
        return sql_error_set(c->err, "22003", "value overflows numeric format");
    if (!(buf = lw_arena_alloc(c->arena, (size_t)(x->n + x->scale + 8))))
        return sql_fn_nomem(c);
    if (x->neg && !dn_zero(x))
        buf[o++] = '-';
    start = o;
    for (int i = 0; i < ip; i++)
        if (o > start || x->d[i])
            buf[o++] = (char)('0' + x->d[i]);
    if (o == start)
        buf[o++] = '0';
    if (x->scale > 0) {
        buf[o++] = '.';
        for (int i = ip; i < x->n; i++)
            buf[o++] = (char)('0' + (i >= 0 ? x->d[i] : 0));
    }
    out->type = SQL_V_TEXT;
    out->u.s.p = buf;
    out->u.s.len = (size_t)o;
    return 0;
}

/* A copy of x with `scale` fraction digits (appending zeros; scale >= x->scale) and at
 * least `ipw` integer digits. */
static int dn_widen(struct sql_fcall *c, const struct dnum *x, int scale, int ipw, struct dnum *r)
{
    int ip = x->n - x->scale, pad = ipw > ip ? ipw - ip : 0;
    *r = *x;
    r->n = pad + x->n + (scale - x->scale);
    r->scale = scale;
    if (r->n > MAX_DIGITS)
        return sql_error_set(c->err, "22003", "value overflows numeric format");
    if (!(r->d = lw_arena_alloc(c->arena, (size_t)r->n + 1)))
        return sql_fn_nomem(c);
    memset(r->d, 0, (size_t)r->n);
    memcpy(r->d + pad, x->d, (size_t)x->n);
    return 0;
}

static int cmp_abs_aligned(const struct dnum *a, const struct dnum *b)
{
    for (int i = 0; i < a->n; i++)
        if (a->d[i] != b->d[i])
            return a->d[i] < b->d[i] ? -1 : 1;
    return 0;
}

/* a + b (sub: a - b) with scale max(sa, sb). */
static int dn_add(struct sql_fcall *c, const struct dnum *a0, const struct dnum *b0, bool sub,
                  struct dnum *r)
{
    struct dnum a, b;
    int scale = a0->scale > b0->scale ? a0->scale : b0->scale;
    int ipa = a0->n - a0->scale, ipb = b0->n - b0->scale, ip = (ipa > ipb ? ipa : ipb) + 1;
    bool bneg = sub ? !b0->neg : b0->neg;
    if (dn_widen(c, a0, scale, ip, &a) != 0 || dn_widen(c, b0, scale, ip, &b) != 0)
        return LW_EINVAL;
    *r = a;
    if (!(r->d = lw_arena_alloc(c->arena, (size_t)a.n + 1)))
        return sql_fn_nomem(c);
    if (a.neg == bneg) {
        int carry = 0;
        for (int i = a.n - 1; i >= 0; i--) {
            int s = a.d[i] + b.d[i] + carry;
            r->d[i] = (unsigned char)(s % 10);
            carry = s / 10;
        }
        r->neg = a.neg;
    } else {
        const struct dnum *big = &a, *small = &b;
        int borrow = 0;
        if (cmp_abs_aligned(&a, &b) < 0) {
            big = &b;
            small = &a;
        }
        for (int i = a.n - 1; i >= 0; i--) {
            int s = big->d[i] - small->d[i] - borrow;
            borrow = s < 0;
            r->d[i] = (unsigned char)(s + (borrow ? 10 : 0));
        }
        r->neg = big == &a ? a.neg : bneg;
    }
    return 0;
}

static int dn_mul(struct sql_fcall *c, const struct dnum *a, const struct dnum *b, struct dnum *r)
{
    int n = a->n + b->n;
    int *acc;
    if (n > MAX_DIGITS)
        return sql_error_set(c->err, "22003", "value overflows numeric format");
    if (!(acc = lw_arena_alloc(c->arena, (size_t)(n + 1) * sizeof *acc)) ||
        !(r->d = lw_arena_alloc(c->arena, (size_t)n + 1)))
        return sql_fn_nomem(c);
    memset(acc, 0, (size_t)(n + 1) * sizeof *acc);
    for (int i = a->n - 1; i >= 0; i--)
        for (int j = b->n - 1; j >= 0; j--)
            acc[i + j + 1] += a->d[i] * b->d[j];
    for (int k = n - 1; k > 0; k--) {
        acc[k - 1] += acc[k] / 10;
        acc[k] %= 10;
    }
    for (int k = 0; k < n; k++)
        r->d[k] = (unsigned char)acc[k];
    r->kind = 0;
    r->n = n;
    r->scale = a->scale + b->scale;
    r->neg = a->neg != b->neg;
    return 0;
}

/* Rounds x to `scale` fraction digits, half away from zero (scale <= x->scale). */
static int dn_round(struct sql_fcall *c, const struct dnum *x, int scale, bool truncate,
                    struct dnum *r)
{
    int drop = x->scale - scale, keep = x->n - drop;
    bool up;
    if (drop <= 0)
        return dn_widen(c, x, scale, 0, r);
    *r = *x;
    if (!(r->d = lw_arena_alloc(c->arena, (size_t)(keep > 0 ? keep : 0) + 2)))
        return sql_fn_nomem(c);
    up = !truncate && keep >= 0 && keep < x->n && x->d[keep] >= 5;
    /* one leading digit of headroom for a carry */
    r->d[0] = 0;
    for (int i = 0; i < keep; i++)
        r->d[i + 1] = x->d[i];
    r->n = (keep > 0 ? keep : 0) + 1;
    r->scale = scale;
    if (keep < 0) {                 /* every kept digit is zero */
        memset(r->d, 0, (size_t)r->n);
        return 0;
    }
    for (int i = r->n - 1; up && i >= 0; i--) {
        if (r->d[i] == 9) {
            r->d[i] = 0;
        } else {
            r->d[i]++;
            up = false;
        }
    }
    return 0;
}

/* PostgreSQL's NBASE (10000) weight and leading digit group of |x| (x finite, non-zero). */
static void nbase(const struct dnum *x, int *weight, int *first)
{
    int ip = x->n - x->scale, lead = 0;
    while (lead < x->n && x->d[lead] == 0)
        lead++;
    if (lead >= x->n) {
        *weight = 0;
        *first = 0;
        return;
    }
    {
        /* position of the leading digit relative to the point: p digits before it (>0) or
         * -q after it */
        int pos = ip - lead;        /* > 0: integer digits from the leading one */
        int g, start, v = 0;
        if (pos > 0) {
            g = (pos - 1) / 4;      /* its group index left of the point */
            *weight = g;
            start = ip - (g + 1) * 4;
        } else {
            g = (-pos) / 4;         /* groups right of the point, 0-based */
            *weight = -(g + 1);
            start = ip + g * 4;
        }
        for (int i = start; i < start + 4; i++)
            v = v * 10 + (i >= 0 && i < x->n ? x->d[i] : 0);
        *first = v;
    }
}

static int div_scale(const struct dnum *a, const struct dnum *b)
{
    int w1, f1, w2, f2, q, r;
    nbase(a, &w1, &f1);
    nbase(b, &w2, &f2);
    q = w1 - w2;
    if (f1 <= f2)
        q--;
    r = 16 - q * 4;
    if (r < a->scale)
        r = a->scale;
    if (r < b->scale)
        r = b->scale;
    if (r < 0)
        r = 0;
    return r > 1000 ? 1000 : r;
}

/* a / b rounded to rscale digits. */
static int dn_div(struct sql_fcall *c, const struct dnum *a, const struct dnum *b, int rscale,
                  struct dnum *r)
{
    /* integer division of A = |a| * 10^(rscale + 1 + b.scale - a.scale) by B = |b| */
    int shift = rscale + 1 + b->scale - a->scale, an = a->n + (shift > 0 ? shift : 0);
    unsigned char *num, *rem, *q;
    int bn = b->n, qn;
    struct dnum t;
    if (dn_zero(b))
        return sql_error_set(c->err, "22012", "division by zero");
    if (an > MAX_DIGITS)
        return sql_error_set(c->err, "22003", "value overflows numeric format");
    if (!(num = lw_arena_alloc(c->arena, (size_t)an + 1)) ||
        !(rem = lw_arena_alloc(c->arena, (size_t)bn + 2)) ||
        !(q = lw_arena_alloc(c->arena, (size_t)an + 1)))
        return sql_fn_nomem(c);
    memset(num, 0, (size_t)an);
    memcpy(num, a->d, (size_t)(shift >= 0 ? a->n : a->n + shift > 0 ? a->n + shift : 0));
    memset(rem, 0, (size_t)bn + 1);
    qn = an;
    /* schoolbook: rem = rem * 10 + next digit; q digit = how many times b fits */
    for (int i = 0; i < an; i++) {
        int qd = 0;
        memmove(rem, rem + 1, (size_t)bn);
        rem[bn] = num[i];
        for (;;) {
            /* compare rem (bn + 1 digits) with b (bn digits, one leading zero) */
            int cmp = 0;
            if (rem[0])
                cmp = 1;
            for (int k = 0; k < bn && !cmp; k++)
                if (rem[k + 1] != b->d[k])
                    cmp = rem[k + 1] > b->d[k] ? 1 : -1;
            if (cmp < 0)
                break;
            {
                int borrow = 0;
                for (int k = bn - 1; k >= 0; k--) {
                    int s = rem[k + 1] - b->d[k] - borrow;
                    borrow = s < 0;
                    rem[k + 1] = (unsigned char)(s + (borrow ? 10 : 0));
                }
                rem[0] = (unsigned char)(rem[0] - borrow);
            }
            qd++;
        }
        q[i] = (unsigned char)qd;
    }
    t.kind = 0;
    t.neg = a->neg != b->neg;
    t.d = q;
    t.n = qn;
    t.scale = rscale + 1;
    return dn_round(c, &t, rscale, false, r);
}

/* --- functions ------------------------------------------------------------------------ */

#define ARGS struct sql_fcall *c, int argc, const struct sql_value *argv, struct sql_value *out

static int two(struct sql_fcall *c, const struct sql_value *argv, struct dnum *a, struct dnum *b)
{
    if (dn_parse(c, &argv[0], a) != 0 || dn_parse(c, &argv[1], b) != 0)
        return LW_EINVAL;
    if ((a->kind > 1 || b->kind > 1))
        return sql_error_set(c->err, "0A000", "numeric arithmetic with Infinity is not "
                             "supported yet");
    return 0;
}

static int nan_out(struct sql_fcall *c, const struct dnum *a, const struct dnum *b,
                   struct sql_value *out)
{
    if (a->kind == 1 || (b && b->kind == 1))
        return sql_ret_text(c, out, "NaN", 3), 1;
    return 0;
}

/* The four operators and % share their whole shape: parse both operands, NaN in gives NaN
 * out, otherwise one dnum operation and its text; each operation below has that one
 * signature so `arith` is written once. */
typedef int dn_binop(struct sql_fcall *c, const struct dnum *a, const struct dnum *b,
                     struct dnum *r);

static int dn_sum(struct sql_fcall *c, const struct dnum *a, const struct dnum *b,
                  struct dnum *r)
{
    return dn_add(c, a, b, false, r);
}

static int dn_diff(struct sql_fcall *c, const struct dnum *a, const struct dnum *b,
                   struct dnum *r)
{
    return dn_add(c, a, b, true, r);
}

static int dn_quot(struct sql_fcall *c, const struct dnum *a, const struct dnum *b,
                   struct dnum *r)
{
    return dn_div(c, a, b, div_scale(a, b), r);
}

/* a % b = a - trunc(a / b) * b, scale max(sa, sb) */
static int dn_mod(struct sql_fcall *c, const struct dnum *a, const struct dnum *b,
                  struct dnum *r)
{
    struct dnum q, t, p;
    /* the quotient truncated toward zero (divided to two places, then cut) */
    if (dn_div(c, a, b, 2, &q) != 0 || dn_round(c, &q, 0, true, &t) != 0 ||
        dn_mul(c, &t, b, &p) != 0 || dn_add(c, a, &p, true, r) != 0)
        return LW_EINVAL;
    return 0;
}

static int arith(ARGS, dn_binop *op)
{
    struct dnum a, b, r;
    (void)argc;
    if (two(c, argv, &a, &b) != 0)
        return LW_EINVAL;
    if (nan_out(c, &a, &b, out))
        return 0;
    return op(c, &a, &b, &r) != 0 ? LW_EINVAL : dn_text(c, &r, out);
}

static int n_add(ARGS) { return arith(c, argc, argv, out, dn_sum); }
static int n_sub(ARGS) { return arith(c, argc, argv, out, dn_diff); }
static int n_mul(ARGS) { return arith(c, argc, argv, out, dn_mul); }
static int n_div(ARGS) { return arith(c, argc, argv, out, dn_quot); }
static int n_mod(ARGS) { return arith(c, argc, argv, out, dn_mod); }

static int n_abs(ARGS)
{
    struct dnum a;
    (void)argc;
    if (dn_parse(c, &argv[0], &a) != 0)
        return LW_EINVAL;
    if (a.kind == 3)
        a.kind = 2;
    a.neg = false;
    return dn_text(c, &a, out);
}

static int n_sign(ARGS)
{
    struct dnum a;
    (void)argc;
    if (dn_parse(c, &argv[0], &a) != 0)
        return LW_EINVAL;
    if (a.kind)
        return sql_ret_text(c, out, a.kind == 1 ? "NaN" : a.kind == 2 ? "1" : "-1",
                            a.kind == 3 ? 2 : a.kind == 1 ? 3 : 1);
    return sql_ret_text(c, out, dn_zero(&a) ? "0" : a.neg ? "-1" : "1", a.neg && !dn_zero(&a)
                                                                           ? 2 : 1);
}

/* round/trunc(x [, s]); s < 0 rounds integer digits and the result has scale 0 */
static int round_impl(ARGS, bool truncate)
{
    struct dnum a, r, t, p;
    int s = argc > 1 ? (int)argv[1].u.i : 0;
    if (dn_parse(c, &argv[0], &a) != 0)
        return LW_EINVAL;
    if (a.kind)
        return dn_text(c, &a, out);
    if (s > 1000)
        s = 1000;
    if (s >= 0) {
        if (s >= a.scale)
            return dn_widen(c, &a, s, 0, &r) != 0 ? LW_EINVAL : dn_text(c, &r, out);
        return dn_round(c, &a, s, truncate, &r) != 0 ? LW_EINVAL : dn_text(c, &r, out);
    }
    /* negative: round at 10^-s, i.e. divide by 10^-s, round to 0 places, multiply back */
    if (-s > 1000)
        s = -1000;
    p = a;
    p.scale = a.scale - s;          /* a / 10^-s */
    if (dn_round(c, &p, 0, truncate, &t) != 0)
        return LW_EINVAL;
    if (dn_widen(c, &t, -s, 0, &r) != 0)
        return LW_EINVAL;
    r.scale = 0;                    /* times 10^-s */
    return dn_text(c, &r, out);
}

static int n_round(ARGS) { return round_impl(c, argc, argv, out, false); }
static int n_trunc(ARGS) { return round_impl(c, argc, argv, out, true); }

/* floor/ceil: scale 0, toward -inf / +inf */
static int floor_ceil(ARGS, bool ceil_)
{
    struct dnum a, t, one, r;
    bool exact;
    (void)argc;
    if (dn_parse(c, &argv[0], &a) != 0)
        return LW_EINVAL;
    if (a.kind)
        return dn_text(c, &a, out);
    if (dn_round(c, &a, 0, true, &t) != 0)
        return LW_EINVAL;
    exact = true;
    for (int i = a.n - a.scale; i < a.n; i++)
        if (i >= 0 && a.d[i])
            exact = false;
    if (exact || dn_zero(&a) || a.neg == ceil_)
        return dn_text(c, &t, out);
    one = (struct dnum){0, ceil_ ? false : true, 0, 1, (unsigned char *)"\1"};
    return dn_add(c, &t, &one, false, &r) != 0 ? LW_EINVAL : dn_text(c, &r, out);
}

static int n_floor(ARGS) { return floor_ceil(c, argc, argv, out, false); }
static int n_ceil(ARGS) { return floor_ceil(c, argc, argv, out, true); }

/* --- aggregates ----------------------------------------------------------------------- */

struct nsum {
    bool have;
    int64_t n;
    struct sql_value sum;
};

static int nsum_step(struct sql_fcall *c, void *state, int argc, const struct sql_value *argv)
{
    struct nsum *s = state;
    struct sql_value args[2];
    uint32_t types[2] = {SQL_OID_NUMERIC, SQL_OID_NUMERIC};
    const uint32_t *saved = c->arg_oids;
    int rc;
    (void)argc;
    s->n++;
    if (!s->have) {
        s->sum = argv[0];
        s->have = true;
        return sql_ret_text(c, &s->sum, argv[0].u.s.p, argv[0].u.s.len);
    }
    args[0] = s->sum;
    args[1] = argv[0];
    c->arg_oids = types;
    rc = n_add(c, 2, args, &s->sum);
    c->arg_oids = saved;
    return rc;
}

static int nsum_final(struct sql_fcall *c, void *state, struct sql_value *out)
{
    struct nsum *s = state;
    (void)c;
    if (s->have)
        *out = s->sum;
    return 0;
}

static int navg_final(struct sql_fcall *c, void *state, struct sql_value *out)
{
    struct nsum *s = state;
    struct sql_value args[2];
    char cnt[32];
    if (!s->have)
        return 0;
    snprintf(cnt, sizeof cnt, "%lld", (long long)s->n);
    args[0] = s->sum;
    args[1] = (struct sql_value){SQL_V_TEXT, {.s = {cnt, strlen(cnt)}}};
    return n_div(c, 2, args, out);
}

static const struct sql_agg_impl nsum_impl = {sizeof(struct nsum), nsum_step, nsum_final};
static const struct sql_agg_impl navg_impl = {sizeof(struct nsum), nsum_step, navg_final};

#define N SQL_OID_NUMERIC
#define FN(oid, name, fn, ret, n, ...)                                                        \
    {oid, name, SQL_FN_SCALAR, SQL_VOL_IMMUTABLE, true, false, n, {__VA_ARGS__}, ret, fn,     \
     NULL, NULL}

static const struct sql_func funcs[] = {
    FN(1724, "numeric_add", n_add, N, 2, N, N),
    FN(1725, "numeric_sub", n_sub, N, 2, N, N),
    FN(1726, "numeric_mul", n_mul, N, 2, N, N),
    FN(1727, "numeric_div", n_div, N, 2, N, N),
    FN(1729, "numeric_mod", n_mod, N, 2, N, N),
    FN(1705, "abs", n_abs, N, 1, N),
    FN(1706, "sign", n_sign, N, 1, N),
    FN(1707, "round", n_round, N, 2, N, SQL_OID_INT4),
    FN(1708, "round", n_round, N, 1, N),
    FN(1709, "trunc", n_trunc, N, 2, N, SQL_OID_INT4),
    FN(1710, "trunc", n_trunc, N, 1, N),
    FN(1711, "ceil", n_ceil, N, 1, N),
    FN(2167, "ceiling", n_ceil, N, 1, N),
    FN(1712, "floor", n_floor, N, 1, N),
    FN(1728, "mod", n_mod, N, 2, N, N),
    {2114, "sum", SQL_FN_AGG, SQL_VOL_IMMUTABLE, true, false, 1, {N}, N, NULL, &nsum_impl, NULL},
    {2103, "avg", SQL_FN_AGG, SQL_VOL_IMMUTABLE, true, false, 1, {N}, N, NULL, &navg_impl, NULL},
};

static const struct sql_oper opers[] = {
    {1758, "+", N, N, N, 1724}, {1759, "-", N, N, N, 1725}, {1760, "*", N, N, N, 1726},
    {1761, "/", N, N, N, 1727}, {1762, "%", N, N, N, 1729},
};

const struct sql_func_family sql_func_family_numeric = {
    funcs, (int)(sizeof funcs / sizeof funcs[0]), opers, (int)(sizeof opers / sizeof opers[0]),
};

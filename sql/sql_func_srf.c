/* sql_func_srf.c -- set-returning functions: generate_series over integers and over
 * timestamps with an interval step, unnest and generate_subscripts of a one-dimensional
 * array, and the one row a scalar function yields in FROM. */
#include "sql_func_impl.h"
#include "sql_type_io.h"

#include <string.h>

struct series {
    int64_t cur, stop, step;
    struct sql_interval ivstep;
    bool time, done;
    int64_t k;          /* timestamps: steps taken (the next value is start + k * step) */
    int64_t start;
};

static int series_start(struct sql_fcall *c, void *state, int argc, const struct sql_value *argv)
{
    struct series *s = state;
    memset(s, 0, sizeof *s);
    if (argv[0].type == SQL_V_TIME) {
        const struct sql_interval *iv = &argv[2].u.iv;
        s->time = true;
        if (!sql_time_finite(argv[0].u.us))
            return sql_error_set(c->err, "0A000", "generate_series from an infinite timestamp "
                                 "is not supported");
        s->start = s->cur = argv[0].u.us;
        s->stop = argv[1].u.us;
        s->ivstep = *iv;
        if (iv->months == 0 && iv->days == 0 && iv->us == 0)
            return sql_error_set(c->err, "22023", "step size cannot equal zero");
        return 0;
    }
    s->cur = argv[0].u.i;
    s->stop = argv[1].u.i;
    s->step = argc > 2 ? argv[2].u.i : 1;
    if (s->step == 0)
        return sql_error_set(c->err, "22023", "step size cannot equal zero");
    return 0;
}

static int series_next(struct sql_fcall *c, void *state, struct sql_value *out)
{
    struct series *s = state;
    if (s->done)
        return 1;
    if (s->time) {
        bool up = (int64_t)s->ivstep.months * 30 * 86400000000LL +
                      (int64_t)s->ivstep.days * 86400000000LL + s->ivstep.us > 0;
        if (up ? s->cur > s->stop : s->cur < s->stop)
            return 1;
        sql_ret_time(out, s->cur);
        /* PostgreSQL adds the step to the previous value (month arithmetic included), as it
         * returns that value: a step past the timestamp range fails there, not later */
        switch (sql_ts_add_interval(s->cur, &s->ivstep, 1, &s->cur)) {
        case 0:
            break;
        case -2:
            return sql_error_set(c->err, "0A000", "timestamps after 294246 AD are not "
                                 "supported");
        default:
            return sql_error_set(c->err, "22008", "timestamp out of range");
        }
        return 0;
    }
    if (s->step > 0 ? s->cur > s->stop : s->cur < s->stop)
        return 1;
    sql_ret_int(out, s->cur);
    if (__builtin_add_overflow(s->cur, s->step, &s->cur))
        s->done = true;
    return 0;
}

struct unnest {
    const struct sql_array *a;
    int i;
};

static int unnest_start(struct sql_fcall *c, void *state, int argc, const struct sql_value *argv)
{
    struct unnest *u = state;
    (void)c, (void)argc;
    u->a = argv[0].u.arr;
    u->i = 0;
    return 0;
}

static int unnest_next(struct sql_fcall *c, void *state, struct sql_value *out)
{
    struct unnest *u = state;
    (void)c;
    if (!u->a || u->i >= u->a->n)
        return 1;
    *out = u->a->v[u->i++];
    return 0;
}

/* generate_subscripts(array, dim [, reverse]): the subscripts of dimension dim, which for
 * lakeward's one-dimensional arrays is 1 only; PostgreSQL's int2vector and oidvector count
 * from 0. Another dimension, like an empty array, yields no rows. */
struct subscripts {
    int64_t cur, last, step;
};

static int subscripts_start(struct sql_fcall *c, void *state, int argc,
                            const struct sql_value *argv)
{
    struct subscripts *s = state;
    const struct sql_array *a = argv[0].u.arr;
    int64_t lower = c->arg_oids[0] == SQL_OID_INT2VECTOR ||
                    c->arg_oids[0] == SQL_OID_OIDVECTOR ? 0 : 1;
    bool reverse = argc > 2 && argv[2].type == SQL_V_BOOL && argv[2].u.b;
    s->step = 1;
    s->cur = 1;
    s->last = 0;         /* empty */
    if (!a || a->n == 0 || argv[1].u.i != 1)
        return 0;
    s->cur = reverse ? lower + a->n - 1 : lower;
    s->last = reverse ? lower : lower + a->n - 1;
    s->step = reverse ? -1 : 1;
    return 0;
}

static int subscripts_next(struct sql_fcall *c, void *state, struct sql_value *out)
{
    struct subscripts *s = state;
    (void)c;
    if (s->step > 0 ? s->cur > s->last : s->cur < s->last)
        return 1;
    sql_ret_int(out, s->cur);
    s->cur += s->step;
    return 0;
}

static const struct sql_srf_impl series_impl = {sizeof(struct series), series_start,
                                                series_next};
static const struct sql_srf_impl unnest_impl = {sizeof(struct unnest), unnest_start,
                                                unnest_next};
static const struct sql_srf_impl subscripts_impl = {sizeof(struct subscripts),
                                                    subscripts_start, subscripts_next};

#define SRF(oid, name, impl, ret, n, ...)                                                     \
    {oid, name, SQL_FN_SRF, SQL_VOL_IMMUTABLE, true, false, n, {__VA_ARGS__}, ret, NULL,      \
     NULL, impl}

static const struct sql_func funcs[] = {
    SRF(1067, "generate_series", &series_impl, SQL_OID_INT4, 2, SQL_OID_INT4, SQL_OID_INT4),
    SRF(1066, "generate_series", &series_impl, SQL_OID_INT4, 3, SQL_OID_INT4, SQL_OID_INT4,
        SQL_OID_INT4),
    SRF(1069, "generate_series", &series_impl, SQL_OID_INT8, 2, SQL_OID_INT8, SQL_OID_INT8),
    SRF(1068, "generate_series", &series_impl, SQL_OID_INT8, 3, SQL_OID_INT8, SQL_OID_INT8,
        SQL_OID_INT8),
    SRF(3260, "generate_series", NULL, SQL_OID_NUMERIC, 2, SQL_OID_NUMERIC, SQL_OID_NUMERIC),
    SRF(938, "generate_series", &series_impl, SQL_OID_TIMESTAMP, 3, SQL_OID_TIMESTAMP,
        SQL_OID_TIMESTAMP, SQL_OID_INTERVAL),
    SRF(939, "generate_series", &series_impl, SQL_OID_TIMESTAMPTZ, 3, SQL_OID_TIMESTAMPTZ,
        SQL_OID_TIMESTAMPTZ, SQL_OID_INTERVAL),
    SRF(2331, "unnest", &unnest_impl, SQL_OID_ANYELEMENT, 1, SQL_OID_ANYARRAY),
    SRF(1192, "generate_subscripts", &subscripts_impl, SQL_OID_INT4, 2, SQL_OID_ANYARRAY,
        SQL_OID_INT4),
    SRF(1191, "generate_subscripts", &subscripts_impl, SQL_OID_INT4, 3, SQL_OID_ANYARRAY,
        SQL_OID_INT4, SQL_OID_BOOL),
};

/* A scalar function in FROM (FROM string_to_array(...) s) is one row holding its result,
 * NULL included: the binder hands this entry the bound call as its one argument. */
struct once {
    struct sql_value v;
    bool done;
};

static int once_start(struct sql_fcall *c, void *state, int argc, const struct sql_value *argv)
{
    struct once *o = state;
    (void)c, (void)argc;
    o->v = argv[0];
    return 0;
}

static int once_next(struct sql_fcall *c, void *state, struct sql_value *out)
{
    struct once *o = state;
    (void)c;
    if (o->done)
        return 1;
    o->done = true;
    *out = o->v;
    return 0;
}

static const struct sql_srf_impl once_impl = {sizeof(struct once), once_start, once_next};
const struct sql_func sql_func_scalar_in_from = {0, "scalar in FROM", SQL_FN_SRF,
                                                 SQL_VOL_IMMUTABLE, false, false, 1,
                                                 {SQL_OID_ANY}, SQL_OID_ANY, NULL, NULL,
                                                 &once_impl};

const struct sql_func_family sql_func_family_srf = {
    funcs, (int)(sizeof funcs / sizeof funcs[0]), NULL, 0,
};

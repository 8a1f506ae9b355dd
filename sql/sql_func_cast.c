/* sql_func_cast.c -- the functions pg_cast names (castfunc), with PostgreSQL 15's pg_proc
 * OIDs, names and signatures: each cast row of the type registry (sql_type.c) points at one
 * of these, and like in PostgreSQL they can be called by name (int8(x), text(true),
 * date(ts)), which runs the same cast. The length coercions (bpchar(character, integer,
 * boolean) and the like) apply a typmod, which lakeward does not have, so calling one is
 * refused with 0A000. */
#include "sql_func_impl.h"

/* name(x): the cast from the argument's type to the result type, as `x::result` does. */
static int f_cast(struct sql_fcall *c, int argc, const struct sql_value *argv,
                  struct sql_value *out)
{
    (void)argc;
    return sql_cast_value(&argv[0], c->arg_oids[0], c->result_oid, c->arena, out, c->err);
}

#define I SQL_VOL_IMMUTABLE
#define S SQL_VOL_STABLE
#define CAST(oid, name, vol, ret, arg)                                                        \
    {oid, #name, SQL_FN_SCALAR, vol, true, false, 1, {arg}, ret, f_cast, NULL, NULL}
#define LENGTH(oid, name, n, t, ...)                                                          \
    {oid, #name, SQL_FN_SCALAR, I, true, false, n, {t, __VA_ARGS__}, t, sql_fn_unsupported,   \
     NULL, NULL}

#define B SQL_OID_BOOL
#define CH SQL_OID_CHAR
#define NM SQL_OID_NAME
#define I2 SQL_OID_INT2
#define I4 SQL_OID_INT4
#define I8 SQL_OID_INT8
#define F4 SQL_OID_FLOAT4
#define F8 SQL_OID_FLOAT8
#define N SQL_OID_NUMERIC
#define T SQL_OID_TEXT
#define BP SQL_OID_BPCHAR
#define VC SQL_OID_VARCHAR
#define O SQL_OID_OID
#define D SQL_OID_DATE
#define TM SQL_OID_TIME
#define TS SQL_OID_TIMESTAMP
#define TZ SQL_OID_TIMESTAMPTZ
#define IV SQL_OID_INTERVAL

static const struct sql_func funcs[] = {
    CAST(77, int4, I, I4, CH),          CAST(78, char, I, CH, I4),
    CAST(235, float8, I, F8, I2),       CAST(236, float4, I, F4, I2),
    CAST(237, int2, I, I2, F8),         CAST(238, int2, I, I2, F4),
    CAST(311, float8, I, F8, F4),       CAST(312, float4, I, F4, F8),
    CAST(313, int4, I, I4, I2),         CAST(314, int2, I, I2, I4),
    CAST(316, float8, I, F8, I4),       CAST(317, int4, I, I4, F8),
    CAST(318, float4, I, F4, I4),       CAST(319, int4, I, I4, F4),
    CAST(401, text, I, T, BP),          CAST(406, text, I, T, NM),
    CAST(407, name, I, NM, T),          CAST(408, bpchar, I, BP, NM),
    CAST(409, name, I, NM, BP),         CAST(480, int4, I, I4, I8),
    CAST(481, int8, I, I8, I4),         CAST(482, float8, I, F8, I8),
    CAST(483, int8, I, I8, F8),         CAST(652, float4, I, F4, I8),
    CAST(653, int8, I, I8, F4),         CAST(714, int2, I, I2, I8),
    CAST(754, int8, I, I8, I2),         CAST(860, bpchar, I, BP, CH),
    CAST(944, char, I, CH, T),          CAST(946, text, I, T, CH),
    CAST(1079, regclass, S, SQL_OID_REGCLASS, T),
    CAST(1174, timestamptz, S, TZ, D),  CAST(1178, date, S, D, TZ),
    CAST(1287, oid, I, O, I8),          CAST(1288, int8, I, I8, O),
    CAST(1316, time, I, TM, TS),        CAST(1370, interval, I, IV, TM),
    CAST(1400, name, I, NM, VC),        CAST(1401, varchar, I, VC, NM),
    CAST(1419, time, I, TM, IV),
    CAST(1740, numeric, I, N, I4),      CAST(1742, numeric, I, N, F4),
    CAST(1743, numeric, I, N, F8),      CAST(1744, int4, I, I4, N),
    CAST(1745, float4, I, F4, N),       CAST(1746, float8, I, F8, N),
    CAST(1779, int8, I, I8, N),         CAST(1781, numeric, I, N, I8),
    CAST(1782, numeric, I, N, I2),      CAST(1783, int2, I, I2, N),
    CAST(2019, time, S, TM, TZ),        CAST(2024, timestamp, I, TS, D),
    CAST(2027, timestamp, S, TS, TZ),   CAST(2028, timestamptz, S, TZ, TS),
    CAST(2029, date, I, D, TS),         CAST(2557, bool, I, B, I4),
    CAST(2558, int4, I, I4, B),         CAST(2971, text, I, T, B),
    /* the length coercions: the value, the typmod and whether the cast is explicit */
    LENGTH(668, bpchar, 3, BP, I4, B),  LENGTH(669, varchar, 3, VC, I4, B),
    LENGTH(1200, interval, 2, IV, I4),  LENGTH(1703, numeric, 2, N, I4),
    LENGTH(1961, timestamp, 2, TS, I4), LENGTH(1967, timestamptz, 2, TZ, I4),
    LENGTH(1968, time, 2, TM, I4),
};

const struct sql_func_family sql_func_family_cast = {
    funcs, (int)(sizeof funcs / sizeof funcs[0]), NULL, 0,
};

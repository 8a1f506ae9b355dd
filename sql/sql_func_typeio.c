/* sql_func_typeio.c -- the functions pg_type names for each type's text and binary I/O
 * (typinput, typoutput, typreceive, typsend, typmodin, typmodout, typanalyze) and the
 * subscript handlers, with PostgreSQL 15's pg_proc OIDs, names and signatures. One entry
 * per type feeds both pg_type's columns (sql_type_procs_of) and the pg_proc rows of its
 * functions (the family below; pg_am's handlers are rows here too), so `typinput::oid`,
 * `'int4in'::regproc` and joins of pg_type to pg_proc agree with PostgreSQL. Array types
 * are not listed: as PostgreSQL's genbki does, each gets array_in/array_out/array_recv/
 * array_send, array_typanalyze and its element's typmod functions. Lakeward converts values in C (sql_type_io.c), so calling one of these
 * functions by name is refused with 0A000 (a cast does the same thing). */
#include "sql_func_impl.h"

#define PROC_ARRAY_IN 750u
#define PROC_ARRAY_OUT 751u
#define PROC_ARRAY_RECV 2400u
#define PROC_ARRAY_SEND 2401u
#define PROC_ARRAY_TYPANALYZE 3816u

/* Volatility of each function, as pg_proc.provolatile has it (the text I/O of types whose
 * form depends on settings, such as DateStyle or the search path, is stable). */
#define I SQL_VOL_IMMUTABLE
#define S SQL_VOL_STABLE

/* One entry per non-array type:
 *   IO2(type, in volatility, out volatility, input strict, in OID, in, out OID, out)
 *       (pseudo-types without binary I/O)
 *   IO4(type, in, out, recv, send volatilities, input/receive arguments (1: the string;
 *       3: also the type OID and typmod), in OID, in, out OID, out, recv OID, recv,
 *       send OID, send)
 *   IO6(the same as IO4, then typmodin OID, typmodin, typmodout OID, typmodout)
 * The X-macro is expanded twice: into pg_proc rows and into pg_type's columns. */
#define TYPE_IO(IO2, IO4, IO6)                                                                \
    IO4(SQL_OID_BOOL, I, I, I, I, 1, 1242, boolin, 1243, boolout, 2436, boolrecv, 2437, boolsend) \
    IO4(SQL_OID_BYTEA, I, I, I, I, 1, 1244, byteain, 31, byteaout, 2412, bytearecv, 2413,      \
        byteasend)                                                                           \
    IO4(SQL_OID_CHAR, I, I, I, I, 1, 1245, charin, 33, charout, 2434, charrecv, 2435, charsend) \
    IO4(SQL_OID_NAME, I, I, S, S, 1, 34, namein, 35, nameout, 2422, namerecv, 2423, namesend)  \
    IO4(SQL_OID_INT8, I, I, I, I, 1, 460, int8in, 461, int8out, 2408, int8recv, 2409, int8send) \
    IO4(SQL_OID_INT2, I, I, I, I, 1, 38, int2in, 39, int2out, 2404, int2recv, 2405, int2send)  \
    IO4(SQL_OID_INT2VECTOR, I, I, I, I, 1, 40, int2vectorin, 41, int2vectorout, 2410,         \
        int2vectorrecv, 2411, int2vectorsend)                                                \
    IO4(SQL_OID_INT4, I, I, I, I, 1, 42, int4in, 43, int4out, 2406, int4recv, 2407, int4send)  \
    IO4(SQL_OID_REGPROC, S, S, I, I, 1, 44, regprocin, 45, regprocout, 2444, regprocrecv,     \
        2445, regprocsend)                                                                   \
    IO4(SQL_OID_TEXT, I, I, S, S, 1, 46, textin, 47, textout, 2414, textrecv, 2415, textsend)  \
    IO4(SQL_OID_OID, I, I, I, I, 1, 1798, oidin, 1799, oidout, 2418, oidrecv, 2419, oidsend)   \
    IO4(SQL_OID_OIDVECTOR, I, I, I, I, 1, 54, oidvectorin, 55, oidvectorout, 2420,            \
        oidvectorrecv, 2421, oidvectorsend)                                                  \
    IO4(SQL_OID_JSON, I, I, I, I, 1, 321, json_in, 322, json_out, 323, json_recv, 324,        \
        json_send)                                                                           \
    IO4(SQL_OID_FLOAT4, I, I, I, I, 1, 200, float4in, 201, float4out, 2424, float4recv, 2425,  \
        float4send)                                                                          \
    IO4(SQL_OID_FLOAT8, I, I, I, I, 1, 214, float8in, 215, float8out, 2426, float8recv, 2427,  \
        float8send)                                                                          \
    IO4(SQL_OID_UNKNOWN, I, I, I, I, 1, 109, unknownin, 110, unknownout, 2416, unknownrecv,   \
        2417, unknownsend)                                                                   \
    IO6(SQL_OID_BPCHAR, I, I, S, S, 3, 1044, bpcharin, 1045, bpcharout, 2430, bpcharrecv,     \
        2431, bpcharsend, 2913, bpchartypmodin, 2914, bpchartypmodout)                       \
    IO6(SQL_OID_VARCHAR, I, I, S, S, 3, 1046, varcharin, 1047, varcharout, 2432, varcharrecv, \
        2433, varcharsend, 2915, varchartypmodin, 2916, varchartypmodout)                    \
    IO4(SQL_OID_DATE, S, S, I, I, 1, 1084, date_in, 1085, date_out, 2468, date_recv, 2469,    \
        date_send)                                                                           \
    IO6(SQL_OID_TIME, S, I, I, I, 3, 1143, time_in, 1144, time_out, 2470, time_recv, 2471,    \
        time_send, 2909, timetypmodin, 2910, timetypmodout)                                  \
    IO6(SQL_OID_TIMESTAMP, S, S, I, I, 3, 1312, timestamp_in, 1313, timestamp_out, 2474,      \
        timestamp_recv, 2475, timestamp_send, 2905, timestamptypmodin, 2906,                 \
        timestamptypmodout)                                                                  \
    IO6(SQL_OID_TIMESTAMPTZ, S, S, I, I, 3, 1150, timestamptz_in, 1151, timestamptz_out,      \
        2476, timestamptz_recv, 2477, timestamptz_send, 2907, timestamptztypmodin, 2908,     \
        timestamptztypmodout)                                                                \
    IO6(SQL_OID_INTERVAL, S, S, I, I, 3, 1160, interval_in, 1161, interval_out, 2478,         \
        interval_recv, 2479, interval_send, 2903, intervaltypmodin, 2904, intervaltypmodout) \
    IO6(SQL_OID_NUMERIC, I, I, I, I, 3, 1701, numeric_in, 1702, numeric_out, 2460,            \
        numeric_recv, 2461, numeric_send, 2917, numerictypmodin, 2918, numerictypmodout)     \
    IO4(SQL_OID_REGPROCEDURE, S, S, I, I, 1, 2212, regprocedurein, 2213, regprocedureout,     \
        2446, regprocedurerecv, 2447, regproceduresend)                                      \
    IO4(SQL_OID_REGCLASS, S, S, I, I, 1, 2218, regclassin, 2219, regclassout, 2452,           \
        regclassrecv, 2453, regclasssend)                                                    \
    IO4(SQL_OID_REGTYPE, S, S, I, I, 1, 2220, regtypein, 2221, regtypeout, 2454, regtyperecv, \
        2455, regtypesend)                                                                   \
    IO4(SQL_OID_RECORD, S, S, S, S, 3, 2290, record_in, 2291, record_out, 2402, record_recv,  \
        2403, record_send)                                                                   \
    IO4(SQL_OID_CSTRING, I, I, S, S, 1, 2292, cstring_in, 2293, cstring_out, 2500,            \
        cstring_recv, 2501, cstring_send)                                                    \
    IO2(SQL_OID_ANY, I, I, true, 2294, any_in, 2295, any_out)                                \
    IO4(SQL_OID_ANYARRAY, I, S, S, S, 1, 2296, anyarray_in, 2297, anyarray_out, 2502,         \
        anyarray_recv, 2503, anyarray_send)                                                  \
    IO4(SQL_OID_VOID, I, I, I, I, 1, 2298, void_in, 2299, void_out, 3120, void_recv, 3121,    \
        void_send)                                                                           \
    IO2(SQL_OID_INTERNAL, I, I, false, 2304, internal_in, 2305, internal_out)                \
    IO2(SQL_OID_TABLE_AM_HANDLER, I, I, false, 267, table_am_handler_in, 268,                \
        table_am_handler_out)                                                                \
    IO2(SQL_OID_INDEX_AM_HANDLER, I, I, false, 326, index_am_handler_in, 327,                \
        index_am_handler_out)                                                                \
    IO2(SQL_OID_ANYELEMENT, I, I, true, 2312, anyelement_in, 2313, anyelement_out)           \
    IO2(SQL_OID_ANYNONARRAY, I, I, true, 2777, anynonarray_in, 2778, anynonarray_out)        \
    IO4(SQL_OID_UUID, I, I, I, I, 1, 2952, uuid_in, 2953, uuid_out, 2961, uuid_recv, 2962,    \
        uuid_send)                                                                           \
    IO4(SQL_OID_JSONB, I, I, I, I, 1, 3806, jsonb_in, 3804, jsonb_out, 3805, jsonb_recv, 3803, \
        jsonb_send)                                                                          \
    IO4(SQL_OID_REGNAMESPACE, S, S, I, I, 1, 4084, regnamespacein, 4085, regnamespaceout,     \
        4087, regnamespacerecv, 4088, regnamespacesend)

/* --- pg_proc rows ------------------------------------------------------------------------ */

#define CSTR SQL_OID_CSTRING
#define INTL SQL_OID_INTERNAL
#define ROW(oid, name, vol, strict, ret, n, ...)                                              \
    {oid, #name, SQL_FN_SCALAR, vol, strict, false, n, {__VA_ARGS__}, ret, sql_fn_unsupported, \
     NULL, NULL},
/* The string (or the wire bytes) first; the 3-argument forms add the type OID and typmod. */
#define TEXT_IO(t, vi, vo, strict, in_oid, in, out_oid, out, nargs)                           \
    ROW(in_oid, in, vi, strict, t, nargs, CSTR, SQL_OID_OID, SQL_OID_INT4)                     \
    ROW(out_oid, out, vo, true, CSTR, 1, t)
#define BIN_IO(t, vr, vs, recv_oid, recv, send_oid, send, nargs)                              \
    ROW(recv_oid, recv, vr, true, t, nargs, INTL, SQL_OID_OID, SQL_OID_INT4)                   \
    ROW(send_oid, send, vs, true, SQL_OID_BYTEA, 1, t)
#define PROC_IO2(t, vi, vo, strict, in_oid, in, out_oid, out)                                 \
    TEXT_IO(t, vi, vo, strict, in_oid, in, out_oid, out, 1)
#define PROC_IO4(t, vi, vo, vr, vs, nargs, in_oid, in, out_oid, out, recv_oid, recv,          \
                 send_oid, send)                                                              \
    TEXT_IO(t, vi, vo, true, in_oid, in, out_oid, out, nargs)                                \
    BIN_IO(t, vr, vs, recv_oid, recv, send_oid, send, nargs)
#define PROC_IO6(t, vi, vo, vr, vs, nargs, in_oid, in, out_oid, out, recv_oid, recv,          \
                 send_oid, send, modin_oid, modin, modout_oid, modout)                        \
    PROC_IO4(t, vi, vo, vr, vs, nargs, in_oid, in, out_oid, out, recv_oid, recv, send_oid,    \
             send)                                                                           \
    ROW(modin_oid, modin, I, true, SQL_OID_INT4, 1, SQL_OID_CSTRING_ARRAY)                   \
    ROW(modout_oid, modout, I, true, CSTR, 1, SQL_OID_INT4)

static const struct sql_func funcs[] = {
    TYPE_IO(PROC_IO2, PROC_IO4, PROC_IO6)
    /* every array type's */
    ROW(PROC_ARRAY_IN, array_in, S, true, SQL_OID_ANYARRAY, 3, CSTR, SQL_OID_OID, SQL_OID_INT4)
    ROW(PROC_ARRAY_OUT, array_out, S, true, CSTR, 1, SQL_OID_ANYARRAY)
    ROW(PROC_ARRAY_RECV, array_recv, S, true, SQL_OID_ANYARRAY, 3, INTL, SQL_OID_OID,
        SQL_OID_INT4)
    ROW(PROC_ARRAY_SEND, array_send, S, true, SQL_OID_BYTEA, 1, SQL_OID_ANYARRAY)
    ROW(PROC_ARRAY_TYPANALYZE, array_typanalyze, S, true, SQL_OID_BOOL, 1, INTL)
    /* typsubscript */
    ROW(SQL_PROC_ARRAY_SUBSCRIPT, array_subscript_handler, I, true, INTL, 1, INTL)
    ROW(SQL_PROC_RAW_ARRAY_SUBSCRIPT, raw_array_subscript_handler, I, true, INTL, 1, INTL)
    ROW(SQL_PROC_JSONB_SUBSCRIPT, jsonb_subscript_handler, I, true, INTL, 1, INTL)
    /* pg_am.amhandler: the access methods lakeward's pg_am lists */
    ROW(3, heap_tableam_handler, SQL_VOL_VOLATILE, true, SQL_OID_TABLE_AM_HANDLER, 1, INTL)
    ROW(330, bthandler, SQL_VOL_VOLATILE, true, SQL_OID_INDEX_AM_HANDLER, 1, INTL)
    ROW(331, hashhandler, SQL_VOL_VOLATILE, true, SQL_OID_INDEX_AM_HANDLER, 1, INTL)
};

const struct sql_func_family sql_func_family_typeio = {
    funcs, (int)(sizeof funcs / sizeof funcs[0]), NULL, 0,
};

/* --- pg_type's columns ------------------------------------------------------------------ */

#define TYPE_IO2(t, vi, vo, strict, in_oid, in, out_oid, out) {t, in_oid, out_oid, 0, 0, 0, 0, 0},
#define TYPE_IO4(t, vi, vo, vr, vs, nargs, in_oid, in, out_oid, out, recv_oid, recv, send_oid, \
                 send)                                                                        \
    {t, in_oid, out_oid, recv_oid, send_oid, 0, 0, 0},
#define TYPE_IO6(t, vi, vo, vr, vs, nargs, in_oid, in, out_oid, out, recv_oid, recv, send_oid, \
                 send, modin_oid, modin, modout_oid, modout)                                  \
    {t, in_oid, out_oid, recv_oid, send_oid, modin_oid, modout_oid, 0},

static const struct sql_type_procs type_procs[] = {TYPE_IO(TYPE_IO2, TYPE_IO4, TYPE_IO6)};

static const struct sql_type_procs *listed(uint32_t type)
{
    for (size_t i = 0; i < sizeof type_procs / sizeof type_procs[0]; i++)
        if (type_procs[i].type == type)
            return &type_procs[i];
    return NULL;
}

void sql_type_procs_of(uint32_t type, struct sql_type_procs *out)
{
    const struct sql_type_procs *p = listed(type);
    const struct sql_type *ty;
    *out = (struct sql_type_procs){.type = type};
    if (p) {
        *out = *p;
    } else if ((ty = sql_type_get(type)) && ty->elem_oid) {
        const struct sql_type_procs *elem = listed(ty->elem_oid);
        *out = (struct sql_type_procs){type, PROC_ARRAY_IN, PROC_ARRAY_OUT, PROC_ARRAY_RECV,
                                       PROC_ARRAY_SEND, elem ? elem->modin : 0,
                                       elem ? elem->modout : 0, PROC_ARRAY_TYPANALYZE};
    }
}

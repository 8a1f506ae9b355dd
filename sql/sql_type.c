/* sql_type.c -- the type registry and the casts between types (sql_type.h). The text I/O,
 * comparison and hash functions the entries point to live in sql_type_io.c. */
#include "sql_type.h"

#include "sql_type_io.h"
#include "../server/core/lw_arena.h"

#include <pthread.h>
#include <string.h>

#define IO(in_, out_, cmp_, hash_) in_, out_, cmp_, hash_
#define NUM IO(sql_io_int_in, sql_io_int_out, sql_io_int_cmp, sql_io_int_hash)
#define STR IO(sql_io_text_in, sql_io_text_out, sql_io_text_cmp, sql_io_text_hash)
#define ARR IO(sql_io_array_in, sql_io_array_out, sql_io_array_cmp, sql_io_array_hash)
#define TIM IO(sql_io_time_in, sql_io_time_out, sql_io_time_cmp, sql_io_time_hash)

/* One row per type. Array types carry elem; their element types carry array_oid. */
static const struct sql_type types[] = {
    {SQL_OID_BOOL, "bool", "boolean", 1, SQL_TCAT_BOOL, true, SQL_OID_BOOL_ARRAY, 0, SQL_V_BOOL,
     IO(sql_io_bool_in, sql_io_bool_out, sql_io_bool_cmp, sql_io_bool_hash)},
    {SQL_OID_BYTEA, "bytea", "bytea", -1, SQL_TCAT_USER, false, 1001, 0, SQL_V_TEXT,
     IO(sql_io_bytea_in, sql_io_bytea_out, sql_io_text_cmp, sql_io_text_hash)},
    {SQL_OID_CHAR, "char", "\"char\"", 1, SQL_TCAT_INTERNAL, false, SQL_OID_CHAR_ARRAY, 0,
     SQL_V_TEXT, IO(sql_io_char_in, sql_io_char_out, sql_io_text_cmp, sql_io_text_hash)},
    {SQL_OID_NAME, "name", "name", 64, SQL_TCAT_STRING, false, SQL_OID_NAME_ARRAY, 0,
     SQL_V_TEXT, IO(sql_io_name_in, sql_io_text_out, sql_io_text_cmp, sql_io_text_hash)},
    {SQL_OID_INT8, "int8", "bigint", 8, SQL_TCAT_NUMERIC, false, SQL_OID_INT8_ARRAY, 0,
     SQL_V_INT, NUM},
    {SQL_OID_INT2, "int2", "smallint", 2, SQL_TCAT_NUMERIC, false, SQL_OID_INT2_ARRAY, 0,
     SQL_V_INT, NUM},
    {SQL_OID_INT2VECTOR, "int2vector", "int2vector", -1, SQL_TCAT_ARRAY, false, 1006,
     SQL_OID_INT2, SQL_V_ARRAY, ARR},
    {SQL_OID_INT4, "int4", "integer", 4, SQL_TCAT_NUMERIC, false, SQL_OID_INT4_ARRAY, 0,
     SQL_V_INT, NUM},
    {SQL_OID_REGPROC, "regproc", "regproc", 4, SQL_TCAT_NUMERIC, false, 1008, 0, SQL_V_INT, NUM},
    {SQL_OID_TEXT, "text", "text", -1, SQL_TCAT_STRING, true, SQL_OID_TEXT_ARRAY, 0, SQL_V_TEXT,
     STR},
    {SQL_OID_OID, "oid", "oid", 4, SQL_TCAT_NUMERIC, true, SQL_OID_OID_ARRAY, 0, SQL_V_INT, NUM},
    {SQL_OID_OIDVECTOR, "oidvector", "oidvector", -1, SQL_TCAT_ARRAY, false, 1013, SQL_OID_OID,
     SQL_V_ARRAY, ARR},
    {SQL_OID_JSON, "json", "json", -1, SQL_TCAT_USER, false, 199, 0, SQL_V_TEXT,
     IO(sql_io_json_in, sql_io_text_out, NULL, NULL)},
    {SQL_OID_FLOAT4, "float4", "real", 4, SQL_TCAT_NUMERIC, false, 1021, 0, SQL_V_FLOAT,
     IO(sql_io_float_in, sql_io_float_out, sql_io_float_cmp, sql_io_float_hash)},
    {SQL_OID_FLOAT8, "float8", "double precision", 8, SQL_TCAT_NUMERIC, true,
     SQL_OID_FLOAT8_ARRAY, 0, SQL_V_FLOAT,
     IO(sql_io_float_in, sql_io_float_out, sql_io_float_cmp, sql_io_float_hash)},
    {SQL_OID_UNKNOWN, "unknown", "unknown", -2, SQL_TCAT_UNKNOWN, false, 0, 0, SQL_V_TEXT, STR},
    {SQL_OID_BOOL_ARRAY, "_bool", "boolean[]", -1, SQL_TCAT_ARRAY, false, 0, SQL_OID_BOOL,
     SQL_V_ARRAY, ARR},
    {1001, "_bytea", "bytea[]", -1, SQL_TCAT_ARRAY, false, 0, SQL_OID_BYTEA, SQL_V_ARRAY, ARR},
    {SQL_OID_CHAR_ARRAY, "_char", "\"char\"[]", -1, SQL_TCAT_ARRAY, false, 0, SQL_OID_CHAR,
     SQL_V_ARRAY, ARR},
    {SQL_OID_NAME_ARRAY, "_name", "name[]", -1, SQL_TCAT_ARRAY, false, 0, SQL_OID_NAME,
     SQL_V_ARRAY, ARR},
    {SQL_OID_INT2_ARRAY, "_int2", "smallint[]", -1, SQL_TCAT_ARRAY, false, 0, SQL_OID_INT2,
     SQL_V_ARRAY, ARR},
    {1006, "_int2vector", "int2vector[]", -1, SQL_TCAT_ARRAY, false, 0, SQL_OID_INT2VECTOR,
     SQL_V_ARRAY, ARR},
    {SQL_OID_INT4_ARRAY, "_int4", "integer[]", -1, SQL_TCAT_ARRAY, false, 0, SQL_OID_INT4,
     SQL_V_ARRAY, ARR},
    {1008, "_regproc", "regproc[]", -1, SQL_TCAT_ARRAY, false, 0, SQL_OID_REGPROC, SQL_V_ARRAY,
     ARR},
    {SQL_OID_TEXT_ARRAY, "_text", "text[]", -1, SQL_TCAT_ARRAY, false, 0, SQL_OID_TEXT,
     SQL_V_ARRAY, ARR},
    {1013, "_oidvector", "oidvector[]", -1, SQL_TCAT_ARRAY, false, 0, SQL_OID_OIDVECTOR,
     SQL_V_ARRAY, ARR},
    {SQL_OID_BPCHAR_ARRAY, "_bpchar", "character[]", -1, SQL_TCAT_ARRAY, false, 0,
     SQL_OID_BPCHAR, SQL_V_ARRAY, ARR},
    {SQL_OID_VARCHAR_ARRAY, "_varchar", "character varying[]", -1, SQL_TCAT_ARRAY, false, 0,
     SQL_OID_VARCHAR, SQL_V_ARRAY, ARR},
    {SQL_OID_INT8_ARRAY, "_int8", "bigint[]", -1, SQL_TCAT_ARRAY, false, 0, SQL_OID_INT8,
     SQL_V_ARRAY, ARR},
    {1021, "_float4", "real[]", -1, SQL_TCAT_ARRAY, false, 0, SQL_OID_FLOAT4, SQL_V_ARRAY, ARR},
    {SQL_OID_FLOAT8_ARRAY, "_float8", "double precision[]", -1, SQL_TCAT_ARRAY, false, 0,
     SQL_OID_FLOAT8, SQL_V_ARRAY, ARR},
    {SQL_OID_OID_ARRAY, "_oid", "oid[]", -1, SQL_TCAT_ARRAY, false, 0, SQL_OID_OID, SQL_V_ARRAY,
     ARR},
    {199, "_json", "json[]", -1, SQL_TCAT_ARRAY, false, 0, SQL_OID_JSON, SQL_V_ARRAY,
     IO(sql_io_array_in, sql_io_array_out, NULL, NULL)},
    {SQL_OID_BPCHAR, "bpchar", "character", -1, SQL_TCAT_STRING, false, SQL_OID_BPCHAR_ARRAY,
     0, SQL_V_TEXT, STR},
    {SQL_OID_VARCHAR, "varchar", "character varying", -1, SQL_TCAT_STRING, false,
     SQL_OID_VARCHAR_ARRAY, 0, SQL_V_TEXT, STR},
    {SQL_OID_DATE, "date", "date", 4, SQL_TCAT_DATETIME, false, 1182, 0, SQL_V_TIME, TIM},
    {SQL_OID_TIME, "time", "time without time zone", 8, SQL_TCAT_DATETIME, false, 1183, 0,
     SQL_V_TIME, TIM},
    {SQL_OID_TIMESTAMP, "timestamp", "timestamp without time zone", 8, SQL_TCAT_DATETIME, false,
     1115, 0, SQL_V_TIME, TIM},
    {1115, "_timestamp", "timestamp without time zone[]", -1, SQL_TCAT_ARRAY, false, 0,
     SQL_OID_TIMESTAMP, SQL_V_ARRAY, ARR},
    {1182, "_date", "date[]", -1, SQL_TCAT_ARRAY, false, 0, SQL_OID_DATE, SQL_V_ARRAY, ARR},
    {1183, "_time", "time without time zone[]", -1, SQL_TCAT_ARRAY, false, 0, SQL_OID_TIME,
     SQL_V_ARRAY, ARR},
    {SQL_OID_TIMESTAMPTZ, "timestamptz", "timestamp with time zone", 8, SQL_TCAT_DATETIME, true,
     1185, 0, SQL_V_TIME, TIM},
    {1185, "_timestamptz", "timestamp with time zone[]", -1, SQL_TCAT_ARRAY, false, 0,
     SQL_OID_TIMESTAMPTZ, SQL_V_ARRAY, ARR},
    {SQL_OID_INTERVAL, "interval", "interval", 16, SQL_TCAT_TIMESPAN, true, 1187, 0,
     SQL_V_INTERVAL,
     IO(sql_io_interval_in, sql_io_interval_out, sql_io_interval_cmp, sql_io_interval_hash)},
    {1187, "_interval", "interval[]", -1, SQL_TCAT_ARRAY, false, 0, SQL_OID_INTERVAL,
     SQL_V_ARRAY, ARR},
    {1231, "_numeric", "numeric[]", -1, SQL_TCAT_ARRAY, false, 0, SQL_OID_NUMERIC, SQL_V_ARRAY,
     ARR},
    {SQL_OID_NUMERIC, "numeric", "numeric", -1, SQL_TCAT_NUMERIC, false, 1231, 0, SQL_V_TEXT,
     IO(sql_io_numeric_in, sql_io_text_out, sql_io_numeric_cmp, sql_io_numeric_hash)},
    {SQL_OID_REGPROCEDURE, "regprocedure", "regprocedure", 4, SQL_TCAT_NUMERIC, false, 2207, 0,
     SQL_V_INT, NUM},
    {SQL_OID_REGCLASS, "regclass", "regclass", 4, SQL_TCAT_NUMERIC, false, 2210, 0, SQL_V_INT,
     NUM},
    {SQL_OID_REGTYPE, "regtype", "regtype", 4, SQL_TCAT_NUMERIC, false, 2211, 0, SQL_V_INT, NUM},
    {2210, "_regclass", "regclass[]", -1, SQL_TCAT_ARRAY, false, 0, SQL_OID_REGCLASS,
     SQL_V_ARRAY, ARR},
    {2211, "_regtype", "regtype[]", -1, SQL_TCAT_ARRAY, false, 0, SQL_OID_REGTYPE, SQL_V_ARRAY,
     ARR},
    {SQL_OID_RECORD, "record", "record", -1, SQL_TCAT_PSEUDO, false, 2287, 0, SQL_V_TEXT,
     IO(NULL, sql_io_text_out, NULL, NULL)},
    /* cstring and internal appear only in the signatures of the functions pg_type and
     * pg_am name (sql_func_typeio.c); like every pseudo-type they take no casts. */
    {SQL_OID_CSTRING, "cstring", "cstring", -2, SQL_TCAT_PSEUDO, false, SQL_OID_CSTRING_ARRAY,
     0, SQL_V_TEXT, STR},
    {SQL_OID_CSTRING_ARRAY, "_cstring", "cstring[]", -1, SQL_TCAT_ARRAY, false, 0,
     SQL_OID_CSTRING, SQL_V_ARRAY, ARR},
    {SQL_OID_INTERNAL, "internal", "internal", 8, SQL_TCAT_PSEUDO, false, 0, 0, SQL_V_NULL,
     IO(NULL, NULL, NULL, NULL)},
    /* what pg_am's handlers return (sql_catalog_func.c) */
    {SQL_OID_TABLE_AM_HANDLER, "table_am_handler", "table_am_handler", 4, SQL_TCAT_PSEUDO,
     false, 0, 0, SQL_V_NULL, IO(NULL, NULL, NULL, NULL)},
    {SQL_OID_INDEX_AM_HANDLER, "index_am_handler", "index_am_handler", 4, SQL_TCAT_PSEUDO,
     false, 0, 0, SQL_V_NULL, IO(NULL, NULL, NULL, NULL)},
    {SQL_OID_ANY, "any", "\"any\"", 4, SQL_TCAT_PSEUDO, false, 0, 0, SQL_V_NULL,
     IO(NULL, NULL, NULL, NULL)},
    {SQL_OID_ANYARRAY, "anyarray", "anyarray", -1, SQL_TCAT_PSEUDO, false, 0, 0, SQL_V_ARRAY,
     ARR},
    {SQL_OID_VOID, "void", "void", 4, SQL_TCAT_PSEUDO, false, 0, 0, SQL_V_TEXT,
     IO(NULL, sql_io_text_out, NULL, NULL)},
    {SQL_OID_ANYELEMENT, "anyelement", "anyelement", 4, SQL_TCAT_PSEUDO, false, 0, 0,
     SQL_V_NULL, IO(NULL, NULL, NULL, NULL)},
    {SQL_OID_ANYNONARRAY, "anynonarray", "anynonarray", 4, SQL_TCAT_PSEUDO, false, 0, 0,
     SQL_V_NULL, IO(NULL, NULL, NULL, NULL)},
    {SQL_OID_UUID, "uuid", "uuid", 16, SQL_TCAT_USER, false, 2951, 0, SQL_V_TEXT,
     IO(sql_io_uuid_in, sql_io_text_out, sql_io_text_cmp, sql_io_text_hash)},
    {2951, "_uuid", "uuid[]", -1, SQL_TCAT_ARRAY, false, 0, SQL_OID_UUID, SQL_V_ARRAY, ARR},
    /* jsonb prints its input normalised (key order, spacing); until that is written its
     * input is refused (0A000) rather than echoed differently from PostgreSQL. */
    {SQL_OID_JSONB, "jsonb", "jsonb", -1, SQL_TCAT_USER, false, 3807, 0, SQL_V_TEXT,
     IO(NULL, sql_io_text_out, NULL, NULL)},
    {SQL_OID_REGNAMESPACE, "regnamespace", "regnamespace", 4, SQL_TCAT_NUMERIC, false, 4090, 0,
     SQL_V_INT, NUM},
    {2207, "_regprocedure", "regprocedure[]", -1, SQL_TCAT_ARRAY, false, 0, SQL_OID_REGPROCEDURE,
     SQL_V_ARRAY, ARR},
    {4090, "_regnamespace", "regnamespace[]", -1, SQL_TCAT_ARRAY, false, 0, SQL_OID_REGNAMESPACE,
     SQL_V_ARRAY, ARR},
    {3807, "_jsonb", "jsonb[]", -1, SQL_TCAT_ARRAY, false, 0, SQL_OID_JSONB, SQL_V_ARRAY,
     IO(NULL, sql_io_array_out, NULL, NULL)},
    {2287, "_record", "record[]", -1, SQL_TCAT_PSEUDO, false, 0, SQL_OID_RECORD, SQL_V_ARRAY,
     IO(NULL, sql_io_array_out, NULL, NULL)},
};

#define NTYPES ((int)(sizeof types / sizeof types[0]))

/* Every value a row carries is looked up by its OID (output, comparison, casts): an index by
 * OID, built once, instead of a walk through the table -- the walk was 6% of a 100,000-row
 * scan's server time. OIDs past the index (none of the built-in ones) take the walk. */
#define OID_INDEX_MAX 4096
_Static_assert(sizeof types / sizeof types[0] < 255, "the OID index holds positions as bytes");
static unsigned char oid_index[OID_INDEX_MAX];     /* 1 + position in types; 0: none */
static pthread_once_t oid_index_once = PTHREAD_ONCE_INIT;

static void oid_index_build(void)
{
    for (int i = 0; i < NTYPES; i++)
        if (types[i].oid < OID_INDEX_MAX && !oid_index[types[i].oid])   /* the first wins */
            oid_index[types[i].oid] = (unsigned char)(i + 1);
}

const struct sql_type *sql_type_get(uint32_t oid)
{
    if (oid < OID_INDEX_MAX) {
        pthread_once(&oid_index_once, oid_index_build);
        return oid_index[oid] ? &types[oid_index[oid] - 1] : NULL;
    }
    for (int i = 0; i < NTYPES; i++)
        if (types[i].oid == oid)
            return &types[i];
    return NULL;
}

/* The grammar's spellings of built-in types (pg_catalog-qualified in the parse tree) and
 * the SQL names people write. */
static const struct {
    const char *alias;
    uint32_t oid;
} aliases[] = {
    {"boolean", SQL_OID_BOOL},       {"integer", SQL_OID_INT4},
    {"int", SQL_OID_INT4},           {"smallint", SQL_OID_INT2},
    {"bigint", SQL_OID_INT8},        {"real", SQL_OID_FLOAT4},
    {"double precision", SQL_OID_FLOAT8}, {"float", SQL_OID_FLOAT8},
    {"decimal", SQL_OID_NUMERIC},    {"character varying", SQL_OID_VARCHAR},
    {"character", SQL_OID_BPCHAR},   {"char", SQL_OID_BPCHAR},
    {"timestamp with time zone", SQL_OID_TIMESTAMPTZ},
    {"timestamp without time zone", SQL_OID_TIMESTAMP},
    {"time without time zone", SQL_OID_TIME},
};

const struct sql_type *sql_type_by_name(const char *name)
{
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(aliases[i].alias, name) == 0)
            return sql_type_get(aliases[i].oid);
    for (int i = 0; i < NTYPES; i++)
        if (strcmp(types[i].name, name) == 0)
            return &types[i];
    return NULL;
}

int sql_type_all(const struct sql_type **out)
{
    *out = types;
    return NTYPES;
}

/* --- casts ---------------------------------------------------------------------------- */

#define I SQL_CAST_IMPLICIT
#define A SQL_CAST_ASSIGN
#define E SQL_CAST_EXPLICIT

/* oid and each of its reg* aliases from and to the integer types: int2/int4 -> oid and
 * oid -> int4 reinterpret the bits, int8 -> oid is range-checked (sql_io_cast_num). */
#define OID_CASTS(t)                                                                          \
    {SQL_OID_INT2, t, I, sql_io_cast_num, 313}, {SQL_OID_INT4, t, I, sql_io_cast_num, 0},     \
    {SQL_OID_INT8, t, I, sql_io_cast_num, 1287}, {t, SQL_OID_INT4, A, sql_io_cast_num, 0},    \
    {t, SQL_OID_INT8, A, sql_io_cast_num, 1288},

/* pg_cast rows (PostgreSQL 15's contexts and cast functions, sql_func_cast.c) among the
 * types above. Binary-compatible casts (castfunc 0) between the string types and between
 * oid and its reg* aliases use sql_io_cast_same. */
static const struct sql_cast casts[] = {
    /* numbers */
    {SQL_OID_INT2, SQL_OID_INT4, I, sql_io_cast_num, 313}, {SQL_OID_INT2, SQL_OID_INT8, I, sql_io_cast_num, 754},
    {SQL_OID_INT2, SQL_OID_FLOAT4, I, sql_io_cast_num, 236}, {SQL_OID_INT2, SQL_OID_FLOAT8, I, sql_io_cast_num, 235},
    {SQL_OID_INT2, SQL_OID_NUMERIC, I, sql_io_cast_num, 1782},
    {SQL_OID_INT4, SQL_OID_INT2, A, sql_io_cast_num, 314}, {SQL_OID_INT4, SQL_OID_INT8, I, sql_io_cast_num, 481},
    {SQL_OID_INT4, SQL_OID_FLOAT4, I, sql_io_cast_num, 318}, {SQL_OID_INT4, SQL_OID_FLOAT8, I, sql_io_cast_num, 316},
    {SQL_OID_INT4, SQL_OID_NUMERIC, I, sql_io_cast_num, 1740},
    {SQL_OID_INT8, SQL_OID_INT2, A, sql_io_cast_num, 714}, {SQL_OID_INT8, SQL_OID_INT4, A, sql_io_cast_num, 480},
    {SQL_OID_INT8, SQL_OID_FLOAT4, I, sql_io_cast_num, 652}, {SQL_OID_INT8, SQL_OID_FLOAT8, I, sql_io_cast_num, 482},
    {SQL_OID_INT8, SQL_OID_NUMERIC, I, sql_io_cast_num, 1781},
    {SQL_OID_FLOAT4, SQL_OID_INT2, A, sql_io_cast_num, 238}, {SQL_OID_FLOAT4, SQL_OID_INT4, A, sql_io_cast_num, 319},
    {SQL_OID_FLOAT4, SQL_OID_INT8, A, sql_io_cast_num, 653}, {SQL_OID_FLOAT4, SQL_OID_FLOAT8, I, sql_io_cast_num, 311},
    {SQL_OID_FLOAT4, SQL_OID_NUMERIC, A, sql_io_cast_num, 1742},
    {SQL_OID_FLOAT8, SQL_OID_INT2, A, sql_io_cast_num, 237}, {SQL_OID_FLOAT8, SQL_OID_INT4, A, sql_io_cast_num, 317},
    {SQL_OID_FLOAT8, SQL_OID_INT8, A, sql_io_cast_num, 483}, {SQL_OID_FLOAT8, SQL_OID_FLOAT4, A, sql_io_cast_num, 312},
    {SQL_OID_FLOAT8, SQL_OID_NUMERIC, A, sql_io_cast_num, 1743},
    {SQL_OID_NUMERIC, SQL_OID_INT2, A, sql_io_cast_num, 1783}, {SQL_OID_NUMERIC, SQL_OID_INT4, A, sql_io_cast_num, 1744},
    {SQL_OID_NUMERIC, SQL_OID_INT8, A, sql_io_cast_num, 1779}, {SQL_OID_NUMERIC, SQL_OID_FLOAT4, I, sql_io_cast_num, 1745},
    {SQL_OID_NUMERIC, SQL_OID_FLOAT8, I, sql_io_cast_num, 1746},
    {SQL_OID_INT4, SQL_OID_BOOL, E, sql_io_cast_num, 2557}, {SQL_OID_BOOL, SQL_OID_INT4, E, sql_io_cast_num, 2558},
    /* oid and its aliases */
    OID_CASTS(SQL_OID_OID)
    {SQL_OID_OID, SQL_OID_REGCLASS, I, sql_io_cast_same, 0}, {SQL_OID_REGCLASS, SQL_OID_OID, I, sql_io_cast_same, 0},
    {SQL_OID_OID, SQL_OID_REGTYPE, I, sql_io_cast_same, 0}, {SQL_OID_REGTYPE, SQL_OID_OID, I, sql_io_cast_same, 0},
    {SQL_OID_OID, SQL_OID_REGPROC, I, sql_io_cast_same, 0}, {SQL_OID_REGPROC, SQL_OID_OID, I, sql_io_cast_same, 0},
    {SQL_OID_OID, SQL_OID_REGPROCEDURE, I, sql_io_cast_same, 0},
    {SQL_OID_REGPROCEDURE, SQL_OID_OID, I, sql_io_cast_same, 0},
    {SQL_OID_OID, SQL_OID_REGNAMESPACE, I, sql_io_cast_same, 0},
    {SQL_OID_REGNAMESPACE, SQL_OID_OID, I, sql_io_cast_same, 0},
    {SQL_OID_REGPROC, SQL_OID_REGPROCEDURE, I, sql_io_cast_same, 0},
    {SQL_OID_REGPROCEDURE, SQL_OID_REGPROC, I, sql_io_cast_same, 0},
    OID_CASTS(SQL_OID_REGCLASS) OID_CASTS(SQL_OID_REGTYPE) OID_CASTS(SQL_OID_REGPROC)
    OID_CASTS(SQL_OID_REGPROCEDURE) OID_CASTS(SQL_OID_REGNAMESPACE)
    /* a relation named by a string, implicitly (PostgreSQL's regclass(text)) */
    {SQL_OID_TEXT, SQL_OID_REGCLASS, I, sql_io_cast_via_text, 1079},
    {SQL_OID_VARCHAR, SQL_OID_REGCLASS, I, sql_io_cast_via_text, 1079},
    /* strings */
    {SQL_OID_TEXT, SQL_OID_BPCHAR, I, sql_io_cast_same, 0}, {SQL_OID_TEXT, SQL_OID_VARCHAR, I, sql_io_cast_same, 0},
    {SQL_OID_BPCHAR, SQL_OID_TEXT, I, sql_io_cast_bpchar_text, 401},
    {SQL_OID_BPCHAR, SQL_OID_VARCHAR, I, sql_io_cast_bpchar_text, 401},
    {SQL_OID_VARCHAR, SQL_OID_TEXT, I, sql_io_cast_same, 0}, {SQL_OID_VARCHAR, SQL_OID_BPCHAR, I, sql_io_cast_same, 0},
    {SQL_OID_TEXT, SQL_OID_NAME, I, sql_io_cast_name, 407}, {SQL_OID_NAME, SQL_OID_TEXT, I, sql_io_cast_same, 406},
    {SQL_OID_BPCHAR, SQL_OID_NAME, I, sql_io_cast_name, 409}, {SQL_OID_NAME, SQL_OID_BPCHAR, A, sql_io_cast_same, 408},
    {SQL_OID_VARCHAR, SQL_OID_NAME, I, sql_io_cast_name, 1400}, {SQL_OID_NAME, SQL_OID_VARCHAR, A, sql_io_cast_same, 1401},
    /* "char" to text is its output (a high-bit byte as \ooo); back, its input */
    {SQL_OID_CHAR, SQL_OID_TEXT, I, sql_io_cast_via_text, 946},
    {SQL_OID_TEXT, SQL_OID_CHAR, A, sql_io_cast_char, 944},
    {SQL_OID_CHAR, SQL_OID_VARCHAR, A, sql_io_cast_via_text, 946},
    {SQL_OID_CHAR, SQL_OID_BPCHAR, A, sql_io_cast_via_text, 860},
    {SQL_OID_CHAR, SQL_OID_INT4, E, sql_io_cast_char_int, 77},
    {SQL_OID_INT4, SQL_OID_CHAR, E, sql_io_cast_char_int, 78},
    {SQL_OID_BPCHAR, SQL_OID_CHAR, A, sql_io_cast_char, 944},
    {SQL_OID_VARCHAR, SQL_OID_CHAR, A, sql_io_cast_char, 944},
    /* bool's text is the word (booltext), not its output */
    {SQL_OID_BOOL, SQL_OID_TEXT, A, sql_io_cast_via_text, 2971},
    {SQL_OID_BOOL, SQL_OID_BPCHAR, A, sql_io_cast_via_text, 2971},
    {SQL_OID_BOOL, SQL_OID_VARCHAR, A, sql_io_cast_via_text, 2971},
    /* date and time */
    {SQL_OID_DATE, SQL_OID_TIMESTAMP, I, sql_io_cast_time, 2024}, {SQL_OID_DATE, SQL_OID_TIMESTAMPTZ, I, sql_io_cast_time, 1174},
    {SQL_OID_TIMESTAMP, SQL_OID_DATE, A, sql_io_cast_time, 2029}, {SQL_OID_TIMESTAMP, SQL_OID_TIMESTAMPTZ, I, sql_io_cast_time, 2028},
    {SQL_OID_TIMESTAMP, SQL_OID_TIME, A, sql_io_cast_time, 1316},
    {SQL_OID_TIMESTAMPTZ, SQL_OID_DATE, A, sql_io_cast_time, 1178},
    {SQL_OID_TIMESTAMPTZ, SQL_OID_TIMESTAMP, A, sql_io_cast_time, 2027},
    {SQL_OID_TIMESTAMPTZ, SQL_OID_TIME, A, sql_io_cast_time, 2019},
    {SQL_OID_TIME, SQL_OID_INTERVAL, I, sql_io_cast_time, 1370},
    {SQL_OID_INTERVAL, SQL_OID_TIME, A, sql_io_cast_time, 1419},
    /* PostgreSQL's length coercions (a type to itself applying a typmod): lakeward has no
     * typmods, so these rows only tell pg_cast; sql_cast_find takes the identity first */
    {SQL_OID_BPCHAR, SQL_OID_BPCHAR, I, sql_io_cast_same, 668},
    {SQL_OID_VARCHAR, SQL_OID_VARCHAR, I, sql_io_cast_same, 669},
    {SQL_OID_TIME, SQL_OID_TIME, I, sql_io_cast_same, 1968},
    {SQL_OID_TIMESTAMP, SQL_OID_TIMESTAMP, I, sql_io_cast_same, 1961},
    {SQL_OID_TIMESTAMPTZ, SQL_OID_TIMESTAMPTZ, I, sql_io_cast_same, 1967},
    {SQL_OID_INTERVAL, SQL_OID_INTERVAL, I, sql_io_cast_same, 1200},
    {SQL_OID_NUMERIC, SQL_OID_NUMERIC, I, sql_io_cast_same, 1703},
};

#undef I
#undef A
#undef E

static bool is_string(uint32_t oid)
{
    return oid == SQL_OID_TEXT || oid == SQL_OID_VARCHAR || oid == SQL_OID_BPCHAR ||
           oid == SQL_OID_NAME;
}

/* Conversions through text (PostgreSQL's CoerceViaIO): the value is printed by the source
 * type's output and read by the target's input. */
static const struct sql_cast io_to_string = {0, 0, SQL_CAST_ASSIGN, sql_io_cast_via_text, 0};
static const struct sql_cast io_from_string = {0, 0, SQL_CAST_EXPLICIT, sql_io_cast_via_text, 0};
static const struct sql_cast identity = {0, 0, SQL_CAST_IMPLICIT, sql_io_cast_same, 0};
static const struct sql_cast unknown_in = {0, 0, SQL_CAST_IMPLICIT, sql_io_cast_via_text, 0};

/* An array type proper (_int4, ...: not int2vector/oidvector, whose elements are not arrays). */
static const struct sql_type *plain_array(const struct sql_type *t)
{
    const struct sql_type *e = t && t->category == SQL_TCAT_ARRAY && t->name[0] == '_'
                                   ? sql_type_get(t->elem_oid) : NULL;
    return e && e->category != SQL_TCAT_ARRAY ? e : NULL;
}

/* Array to array (PostgreSQL's ArrayCoerceExpr): each element through the elements' cast. */
static int array_coerce(const struct sql_value *in, uint32_t src, uint32_t dst,
                        struct lw_arena *arena, struct sql_value *out, struct sql_error *err)
{
    const struct sql_type *es = plain_array(sql_type_get(src)), *ed = plain_array(sql_type_get(dst));
    const struct sql_array *a = in->u.arr;
    struct sql_array *r;
    struct sql_value *v;
    if (!es || !ed || in->type != SQL_V_ARRAY)
        return sql_error_set(err, "XX000", "array cast of a value that is not an array");
    if (!(r = lw_arena_alloc(arena, sizeof *r)) ||
        !(v = lw_arena_alloc(arena, (size_t)(a->n + 1) * sizeof *v)))
        return sql_error_set(err, "53200", "out of memory");
    for (int i = 0; i < a->n; i++)
        if (sql_cast_value(&a->v[i], es->oid, ed->oid, arena, &v[i], err) != 0)
            return LW_EINVAL;
    r->elem_oid = ed->oid;
    r->n = a->n;
    r->v = v;
    out->type = SQL_V_ARRAY;
    out->u.arr = r;
    return 0;
}

/* Array coercions take their element cast's context. */
static const struct sql_cast array_casts[] = {
    {0, 0, SQL_CAST_IMPLICIT, array_coerce, 0},
    {0, 0, SQL_CAST_ASSIGN, array_coerce, 0},
    {0, 0, SQL_CAST_EXPLICIT, array_coerce, 0},
};

static const struct sql_cast *array_cast(const struct sql_type *ts, const struct sql_type *td)
{
    const struct sql_type *es = plain_array(ts), *ed = plain_array(td);
    char ctx;
    if (!es || !ed || !sql_cast_find(es->oid, ed->oid, &ctx))
        return NULL;
    for (size_t i = 0; i < sizeof array_casts / sizeof array_casts[0]; i++)
        if (array_casts[i].context == ctx)
            return &array_casts[i];
    return NULL;
}

const struct sql_cast *sql_cast_find(uint32_t src, uint32_t dst, char *context)
{
    const struct sql_type *ts = sql_type_get(src), *td = sql_type_get(dst);
    const struct sql_cast *c = NULL;
    if (src == dst)
        c = &identity;
    for (size_t i = 0; !c && i < sizeof casts / sizeof casts[0]; i++)
        if (casts[i].src == src && casts[i].dst == dst)
            c = &casts[i];
    if (!c)
        c = array_cast(ts, td);
    if (!c && src == SQL_OID_UNKNOWN && td && td->in)
        c = &unknown_in;
    if (!c && ts && td && ts->out && is_string(dst))
        c = &io_to_string;
    if (!c && ts && td && td->in && is_string(src) && td->category != SQL_TCAT_PSEUDO)
        c = &io_from_string;
    if (c && context)
        *context = c->context;
    return c;
}

bool sql_cast_is_coercion(uint32_t src, uint32_t dst)
{
    const struct sql_cast *c = sql_cast_find(src, dst, NULL);
    if (c >= casts && c < casts + sizeof casts / sizeof casts[0])
        return c->func == 0;    /* a binary-coercible row */
    return c == &identity || c == &io_to_string || c == &io_from_string || c == &unknown_in;
}

int sql_cast_all(const struct sql_cast **out)
{
    *out = casts;
    return (int)(sizeof casts / sizeof casts[0]);
}

int sql_cast_value(const struct sql_value *v, uint32_t src, uint32_t dst, struct lw_arena *arena,
                   struct sql_value *out, struct sql_error *err)
{
    const struct sql_cast *c = sql_cast_find(src, dst, NULL);
    if (!c)
        return sql_error_set(err, "42846", "cannot cast type %s to %s",
                             sql_type_get(src) ? sql_type_get(src)->sql_name : "unknown",
                             sql_type_get(dst) ? sql_type_get(dst)->sql_name : "unknown");
    if (v->type == SQL_V_NULL) {
        memset(out, 0, sizeof *out);
        return 0;
    }
    return c->fn(v, src, dst, arena, out, err);
}

bool sql_type_implicit(uint32_t src, uint32_t dst)
{
    char ctx;
    if (src == dst)
        return true;
    return sql_cast_find(src, dst, &ctx) && ctx == SQL_CAST_IMPLICIT;
}

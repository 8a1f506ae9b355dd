/* test_sql_types.c -- the type registry (sql/sql_type.h): every registered type's text
 * input and output against what PostgreSQL 15 prints for the same literal (captured with
 * psql, TimeZone UTC), input errors with PostgreSQL's SQLSTATEs, casts, comparison and
 * registry consistency (array entries point back to their elements). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../server/core/lw_arena.h"
#include "../../sql/sql_func.h"
#include "../../sql/sql_type.h"
#include "../../sql/sql_value.h"

#include <stdio.h>
#include <string.h>

static struct lw_arena arena;
static struct lw_buf out;
static struct sql_error err;

static int setup(void **state)
{
    (void)state;
    lw_alloc_install_json();
    lw_arena_init(&arena, 1 << 20);
    lw_buf_init(&out, 1 << 16);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    lw_arena_free(&arena);
    lw_buf_free(&out);
    return 0;
}

/* in(text) then out: what `select 'text'::type` prints. */
static const char *roundtrip(uint32_t oid, const char *text)
{
    struct sql_value v;
    lw_buf_reset(&out);
    memset(&err, 0, sizeof err);
    if (sql_value_parse_in(text, strlen(text), oid, &arena, &v, &err) != 0) {
        lw_buf_printf(&out, "ERR %s", err.sqlstate);
        return out.data;
    }
    sql_value_text(&v, oid, &out);
    return out.data ? out.data : "";
}

static const char *cast(uint32_t src, const char *text, uint32_t dst)
{
    struct sql_value v, c;
    lw_buf_reset(&out);
    memset(&err, 0, sizeof err);
    if (sql_value_parse_in(text, strlen(text), src, &arena, &v, &err) != 0 ||
        sql_cast_value(&v, src, dst, &arena, &c, &err) != 0) {
        lw_buf_printf(&out, "ERR %s", err.sqlstate);
        return out.data;
    }
    sql_value_text(&c, dst, &out);
    return out.data ? out.data : "";
}

static void text_io_matches_postgres(void **state)
{
    static const struct {
        uint32_t oid;
        const char *in, *want;
    } cases[] = {
        {SQL_OID_FLOAT4, "1.5e-5", "1.5e-05"},
        {SQL_OID_FLOAT4, "1e6", "1e+06"},
        {SQL_OID_FLOAT4, "123456", "123456"},
        {SQL_OID_FLOAT4, "1234567", "1.234567e+06"},
        {SQL_OID_FLOAT4, "0.1", "0.1"},
        {SQL_OID_NUMERIC, "1.50e1", "15.0"},
        {SQL_OID_NUMERIC, "-0.00", "0.00"},
        {SQL_OID_NUMERIC, "  +.5 ", "0.5"},
        {SQL_OID_NUMERIC, "1e-3", "0.001"},
        {SQL_OID_NUMERIC, "nan", "NaN"},
        {SQL_OID_INTERVAL, "1 day 2 hours", "1 day 02:00:00"},
        {SQL_OID_INTERVAL, "-1 day +2 hours", "-1 days +02:00:00"},
        {SQL_OID_INTERVAL, "1.5 months", "1 mon 15 days"},
        {SQL_OID_INTERVAL, "1 year 14 mons -3 days -04:05:06.5",
         "2 years 2 mons -3 days -04:05:06.5"},
        {SQL_OID_INTERVAL, "0", "00:00:00"},
        {SQL_OID_INTERVAL, "90 minutes", "01:30:00"},
        {SQL_OID_TIMESTAMP, "2020-01-01 10:00+02", "2020-01-01 10:00:00"},
        {SQL_OID_TIMESTAMPTZ, "2020-01-01 10:00+02", "2020-01-01 08:00:00+00"},
        {SQL_OID_DATE, "2020-01-01 10:00+02", "2020-01-01"},
        {SQL_OID_TIME, "23:59:59.5", "23:59:59.5"},
        {SQL_OID_TEXT_ARRAY, "{a,\"b c\",NULL,\"\"}", "{a,\"b c\",NULL,\"\"}"},
        {SQL_OID_INT4_ARRAY, "{1, 2 ,3}", "{1,2,3}"},
        {SQL_OID_INT2VECTOR, "1 2 3", "1 2 3"},
        {SQL_OID_UUID, "ABCDEF12-3456-7890-abcd-ef1234567890",
         "abcdef12-3456-7890-abcd-ef1234567890"},
        {SQL_OID_BYTEA, "\\x0aff", "\\x0aff"},
        {SQL_OID_BYTEA, "ab", "\\x6162"},
        {SQL_OID_OID, "-1", "4294967295"},
        {SQL_OID_REGTYPE, "23", "integer"},
        {SQL_OID_NAME, "abc", "abc"},
        {SQL_OID_BOOL, " yes ", "t"},
        {SQL_OID_JSON, "{\"a\": [1, 2]}", "{\"a\": [1, 2]}"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = roundtrip(cases[i].oid, cases[i].in);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("%s::%u: got %s (%s), want %s", cases[i].in, cases[i].oid, got, err.msg,
                     cases[i].want);
    }
}

static void input_errors_match_postgres(void **state)
{
    static const struct {
        uint32_t oid;
        const char *in, *state, *msg;
    } cases[] = {
        {SQL_OID_INT4, "x", "22P02", "invalid input syntax for type integer: \"x\""},
        {SQL_OID_INT2, "99999", "22003", "value \"99999\" is out of range for type smallint"},
        {SQL_OID_FLOAT4, "1e39", "22003", "\"1e39\" is out of range for type real"},
        {SQL_OID_DATE, "2023-02-29", "22008", "date/time field value out of range: \"2023-02-29\""},
        {SQL_OID_TEXT_ARRAY, "{a", "22P02", "malformed array literal: \"{a\""},
        {SQL_OID_UUID, "abc", "22P02", "invalid input syntax for type uuid: \"abc\""},
        {SQL_OID_INTERVAL, "1 fortnight", "22007",
         "invalid input syntax for type interval: \"1 fortnight\""},
        {SQL_OID_NUMERIC, "1.2.3", "22P02", "invalid input syntax for type numeric: \"1.2.3\""},
        {SQL_OID_JSON, "{\"a\":", "22P02", "invalid input syntax for type json"},
        {SQL_OID_JSONB, "{}", "0A000", NULL},
        /* found by fuzz_sql: a day count past 32 bits once overflowed a conversion */
        {SQL_OID_INTERVAL, "1 year 21704085020days", "22015",
         "interval field value out of range: \"1 year 21704085020days\""},
        {SQL_OID_INTERVAL, "99999999999:00", "22015", NULL},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char want[16];
        snprintf(want, sizeof want, "ERR %s", cases[i].state);
        assert_string_equal(roundtrip(cases[i].oid, cases[i].in), want);
        if (cases[i].msg)
            assert_string_equal(err.msg, cases[i].msg);
    }
}

static void casts_match_postgres(void **state)
{
    char ctx;
    (void)state;
    assert_string_equal(cast(SQL_OID_INT4, "40000", SQL_OID_INT2), "ERR 22003");
    assert_string_equal(err.msg, "smallint out of range");
    assert_string_equal(cast(SQL_OID_INT8, "3000000000", SQL_OID_INT4), "ERR 22003");
    assert_string_equal(err.msg, "integer out of range");
    assert_string_equal(cast(SQL_OID_FLOAT8, "0.1", SQL_OID_NUMERIC), "0.1");
    assert_string_equal(cast(SQL_OID_FLOAT8, "1e20", SQL_OID_NUMERIC), "100000000000000000000");
    assert_string_equal(cast(SQL_OID_NUMERIC, "2.5", SQL_OID_INT4), "3");
    assert_string_equal(cast(SQL_OID_NUMERIC, "-2.5", SQL_OID_INT4), "-3");
    assert_string_equal(cast(SQL_OID_FLOAT8, "2.5", SQL_OID_INT4), "2");     /* rint */
    assert_string_equal(cast(SQL_OID_FLOAT8, "1.5", SQL_OID_TEXT), "1.5");
    assert_string_equal(cast(SQL_OID_BOOL, "t", SQL_OID_TEXT), "true");
    assert_string_equal(cast(SQL_OID_DATE, "2020-01-01", SQL_OID_TIMESTAMPTZ),
                        "2020-01-01 00:00:00+00");
    assert_string_equal(cast(SQL_OID_TEXT, "12", SQL_OID_INT4), "12");
    assert_string_equal(cast(SQL_OID_TEXT, "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij"
                             "abcdefghijabcdefghij", SQL_OID_NAME),
                        "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabc");
    assert_string_equal(cast(SQL_OID_JSON, "{}", SQL_OID_INT4), "ERR 42846");
    assert_non_null(sql_cast_find(SQL_OID_INT4, SQL_OID_INT8, &ctx));
    assert_int_equal(ctx, SQL_CAST_IMPLICIT);
    assert_non_null(sql_cast_find(SQL_OID_INT8, SQL_OID_INT4, &ctx));
    assert_int_equal(ctx, SQL_CAST_ASSIGN);
    /* oid <-> int4 reinterpret the bits, int8 -> oid is range-checked, as in PostgreSQL */
    assert_string_equal(cast(SQL_OID_OID, "4294967295", SQL_OID_INT4), "-1");
    assert_string_equal(cast(SQL_OID_INT4, "-1", SQL_OID_OID), "4294967295");
    assert_string_equal(cast(SQL_OID_INT8, "5000000000", SQL_OID_REGCLASS), "ERR 22003");
    assert_string_equal(err.msg, "OID out of range");
    assert_non_null(sql_cast_find(SQL_OID_REGPROC, SQL_OID_REGPROCEDURE, &ctx));
    assert_int_equal(ctx, SQL_CAST_IMPLICIT);
    assert_non_null(sql_cast_find(SQL_OID_REGTYPE, SQL_OID_INT8, &ctx));
    assert_int_equal(ctx, SQL_CAST_ASSIGN);
    assert_true(sql_type_implicit(SQL_OID_UNKNOWN, SQL_OID_INTERVAL));
    assert_false(sql_type_implicit(SQL_OID_TEXT, SQL_OID_INT4));
}

static void comparison_and_registry(void **state)
{
    const struct sql_type *all;
    int n = sql_type_all(&all);
    struct sql_value a, b;
    (void)state;
    assert_true(sql_value_parse_in("10.50", 5, SQL_OID_NUMERIC, &arena, &a, &err) == 0);
    assert_true(sql_value_parse_in("9.9", 3, SQL_OID_NUMERIC, &arena, &b, &err) == 0);
    assert_true(sql_type_get(SQL_OID_NUMERIC)->cmp(&a, &b) > 0);
    assert_true(sql_value_parse_in("10.5", 4, SQL_OID_NUMERIC, &arena, &b, &err) == 0);
    assert_int_equal(sql_type_get(SQL_OID_NUMERIC)->cmp(&a, &b), 0);
    assert_true(sql_type_get(SQL_OID_NUMERIC)->hash(&a) == sql_type_get(SQL_OID_NUMERIC)->hash(&b));
    assert_true(sql_value_parse_in("1 mon", 5, SQL_OID_INTERVAL, &arena, &a, &err) == 0);
    assert_true(sql_value_parse_in("30 days", 7, SQL_OID_INTERVAL, &arena, &b, &err) == 0);
    assert_int_equal(sql_type_get(SQL_OID_INTERVAL)->cmp(&a, &b), 0);
    assert_string_equal(sql_type_by_name("integer")->name, "int4");
    assert_string_equal(sql_type_by_name("timestamptz")->sql_name, "timestamp with time zone");
    assert_null(sql_type_by_name("nope"));
    for (int i = 0; i < n; i++) {
        const struct sql_type *t = &all[i];
        assert_ptr_equal(sql_type_get(t->oid), t);      /* OIDs are unique */
        if (t->array_oid) {
            const struct sql_type *at = sql_type_get(t->array_oid);
            if (!at)
                fail_msg("%s: array type %u not registered", t->name, t->array_oid);
            assert_int_equal(at->elem_oid, t->oid);
        }
        if (t->category == SQL_TCAT_ARRAY)
            assert_non_null(sql_type_get(t->elem_oid));
    }
}

/* The function an I/O column names exists and has the signature PostgreSQL gives it. */
static void check_io_func(const char *type, uint32_t oid, uint32_t arg0, uint32_t ret)
{
    const struct sql_func *fn = sql_func_by_oid(oid);
    if (!fn)
        fail_msg("%s: I/O function %u is not in the function registry", type, oid);
    if (fn->args[0] != arg0 || fn->ret != ret)
        fail_msg("%s: %s(%u) returns %u, want (%u) returning %u", type, fn->name, fn->args[0],
                 fn->ret, arg0, ret);
}

static void io_functions_are_registry_entries(void **state)
{
    const struct sql_type *all;
    int n = sql_type_all(&all);
    struct sql_type_procs p;
    (void)state;
    for (int i = 0; i < n; i++) {
        const struct sql_type *t = &all[i];
        bool array;
        uint32_t self;
        sql_type_procs_of(t->oid, &p);
        array = p.in == 750;
        self = array ? SQL_OID_ANYARRAY : t->oid;
        assert_int_equal(p.type, t->oid);
        if (!p.in || !p.out)
            fail_msg("%s: no typinput/typoutput", t->name);
        check_io_func(t->name, p.in, SQL_OID_CSTRING, self);
        check_io_func(t->name, p.out, self, SQL_OID_CSTRING);
        if (p.recv)
            check_io_func(t->name, p.recv, SQL_OID_INTERNAL, self);
        if (p.send)
            check_io_func(t->name, p.send, self, SQL_OID_BYTEA);
        if (p.modin)
            check_io_func(t->name, p.modin, SQL_OID_CSTRING_ARRAY, SQL_OID_INT4);
        if (p.modout)
            check_io_func(t->name, p.modout, SQL_OID_INT4, SQL_OID_CSTRING);
        if (p.analyze)
            check_io_func(t->name, p.analyze, SQL_OID_INTERNAL, SQL_OID_BOOL);
        /* every array type (and only those) reads and writes through the array functions */
        assert_int_equal(array, t->elem_oid != 0 && t->oid != SQL_OID_INT2VECTOR &&
                                    t->oid != SQL_OID_OIDVECTOR);
    }
    sql_type_procs_of(SQL_OID_INT4, &p);
    assert_true(p.in == 42 && p.out == 43 && p.recv == 2406 && p.send == 2407 && !p.modin);
    sql_type_procs_of(SQL_OID_VARCHAR_ARRAY, &p);   /* the element's typmod functions */
    assert_true(p.in == 750 && p.modin == 2915 && p.modout == 2916 && p.analyze == 3816);
    sql_type_procs_of(SQL_OID_INT2VECTOR, &p);
    assert_true(p.in == 40 && p.analyze == 0);
    sql_type_procs_of(SQL_OID_ANY, &p);             /* no binary I/O */
    assert_true(p.in == 2294 && p.recv == 0 && p.send == 0);
    sql_type_procs_of(99999, &p);
    assert_true(p.in == 0 && p.out == 0);
    assert_string_equal(sql_func_by_oid(SQL_PROC_ARRAY_SUBSCRIPT)->name,
                        "array_subscript_handler");
}

/* Every function and operator carries PostgreSQL's own OID (built-ins are below 16384),
 * once, and every operator's function is an entry, so pg_proc and pg_operator read as
 * PostgreSQL's. */
static void registry_oids_are_postgres_oids(void **state)
{
    (void)state;
    for (int f = 0; f < sql_func_nfamilies(); f++) {
        const struct sql_func_family *fam = sql_func_family_at(f);
        for (int i = 0; i < fam->nfuncs; i++) {
            const struct sql_func *fn = &fam->funcs[i];
            if (fn->oid == 0)
                continue;   /* another call form of the entry before it */
            if (fn->oid >= 16384 || sql_func_by_oid(fn->oid) != fn)
                fail_msg("function %s: OID %u is not PostgreSQL's or not unique", fn->name,
                         fn->oid);
        }
        for (int i = 0; i < fam->nopers; i++) {
            const struct sql_oper *op = &fam->opers[i];
            const struct sql_func *fn = sql_func_by_oid(op->func_oid);
            if (op->oid >= 16384 || !fn)
                fail_msg("operator %u %s: not PostgreSQL's OID or no function %u", op->oid,
                         op->name, op->func_oid);
            for (int g = 0; g < sql_func_nfamilies(); g++)
                for (int j = 0; j < sql_func_family_at(g)->nopers; j++)
                    if (sql_func_family_at(g)->opers[j].oid == op->oid &&
                        &sql_func_family_at(g)->opers[j] != op)
                        fail_msg("operator OID %u used twice", op->oid);
        }
    }
    {
        /* a pg_cast row's castfunc is an entry returning the cast's target, or a type
         * binary-coercible to it (int2 -> regclass runs int4(int2)) */
        const struct sql_cast *casts;
        int nc = sql_cast_all(&casts);
        for (int i = 0; i < nc; i++) {
            const struct sql_func *fn = casts[i].func ? sql_func_by_oid(casts[i].func) : NULL;
            if (casts[i].func && (!fn || (fn->ret != casts[i].dst &&
                                          !sql_cast_is_coercion(fn->ret, casts[i].dst))))
                fail_msg("cast %u -> %u: castfunc %u is not a function returning %u",
                         casts[i].src, casts[i].dst, casts[i].func, casts[i].dst);
        }
    }
    assert_string_equal(sql_func_by_oid(65)->name, "int4eq");
    assert_string_equal(sql_func_by_oid(2550)->name, "integer_pl_date");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(text_io_matches_postgres),
        cmocka_unit_test(input_errors_match_postgres),
        cmocka_unit_test(casts_match_postgres),
        cmocka_unit_test(comparison_and_registry),
        cmocka_unit_test(io_functions_are_registry_entries),
        cmocka_unit_test(registry_oids_are_postgres_oids),
    };
    return cmocka_run_group_tests_name("sql_types", tests, setup, teardown);
}

/* test_sql_type_bin.c -- the binary format (sql/sql_type_bin.c): for each kind of type, text
 * input -> binary send -> binary receive -> text output gives the text back, and the send
 * equals PostgreSQL 15's bytes where they are easy to state (the integration test
 * test_pg_extended.py compares every type with a real PostgreSQL); malformed input is 22P03,
 * types without a binary form 0A000, never a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../server/core/lw_arena.h"
#include "../../sql/sql_type_io.h"
#include "../../sql/sql_value.h"

#include <string.h>

static struct lw_arena arena;
static struct lw_buf bin, text;
static struct sql_error err;

static int setup(void **state)
{
    (void)state;
    lw_arena_init(&arena, 1 << 20);
    lw_buf_init(&bin, 1 << 16);
    lw_buf_init(&text, 1 << 16);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    lw_arena_free(&arena);
    lw_buf_free(&bin);
    lw_buf_free(&text);
    return 0;
}

/* text -> value -> binary -> value -> text */
static void round_trip(uint32_t oid, const char *in, const char *expect_out)
{
    struct sql_value v, back;
    lw_buf_reset(&bin);
    lw_buf_reset(&text);
    assert_int_equal(sql_value_parse_in(in, strlen(in), oid, &arena, &v, &err), 0);
    assert_true(sql_type_has_binary(oid));
    assert_int_equal(sql_type_send(&v, oid, &bin, &err), 0);
    assert_int_equal(sql_type_recv(bin.data, bin.len, oid, &arena, &back, &err), 0);
    sql_value_text(&back, oid, &text);
    assert_int_equal(text.len, strlen(expect_out ? expect_out : in));
    assert_memory_equal(text.data, expect_out ? expect_out : in, text.len);
}

static void test_round_trips(void **state)
{
    static const struct {
        uint32_t oid;
        const char *in, *out;
    } cases[] = {
        {SQL_OID_BOOL, "t", NULL}, {SQL_OID_INT2, "-32768", NULL},
        {SQL_OID_INT4, "2147483647", NULL}, {SQL_OID_INT8, "-9223372036854775808", NULL},
        {SQL_OID_FLOAT8, "0.1", NULL}, {SQL_OID_FLOAT4, "1.5", NULL},
        {SQL_OID_TEXT, "héllo", NULL}, {SQL_OID_BYTEA, "\\x00ff10", NULL},
        {SQL_OID_NUMERIC, "0", NULL}, {SQL_OID_NUMERIC, "-12.340", NULL},
        {SQL_OID_NUMERIC, "10000.0001", NULL}, {SQL_OID_NUMERIC, "0.00000001", NULL},
        {SQL_OID_NUMERIC, "123456789012345678901234567890", NULL},
        {SQL_OID_NUMERIC, "NaN", NULL}, {SQL_OID_NUMERIC, "-Infinity", NULL},
        {SQL_OID_UUID, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", NULL},
        {SQL_OID_DATE, "1999-12-31", NULL}, {SQL_OID_DATE, "1900-03-01", NULL},
        {SQL_OID_TIME, "23:59:59.999999", NULL},
        {SQL_OID_TIMESTAMP, "1970-01-01 00:00:00.000001", NULL},
        {SQL_OID_TIMESTAMPTZ, "2024-02-29 12:34:56.5+00", NULL},
        {SQL_OID_INTERVAL, "1 year 2 mons -3 days +04:05:06.7", NULL},
        {SQL_OID_JSON, "{\"a\": [1, 2]}", NULL},
        {SQL_OID_INT4_ARRAY, "{1,NULL,3}", NULL}, {SQL_OID_TEXT_ARRAY, "{}", NULL},
        {SQL_OID_TEXT_ARRAY, "{a,\"b c\"}", NULL},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        round_trip(cases[i].oid, cases[i].in, cases[i].out);
}

/* Bytes PostgreSQL 15 sends (numeric_send, date_send, array_send). */
static void test_postgresql_bytes(void **state)
{
    struct sql_value v;
    static const unsigned char numeric[] = {0, 2, 0, 0, 0x40, 0, 0, 3, 0, 12, 0x0d, 0x48};
    static const unsigned char date[] = {0xff, 0xff, 0xff, 0xff};
    static const unsigned char arr[] = {0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 23, 0, 0, 0, 1,
                                        0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 7};
    (void)state;
    lw_buf_reset(&bin);
    assert_int_equal(sql_value_parse_in("-12.340", 7, SQL_OID_NUMERIC, &arena, &v, &err), 0);
    assert_int_equal(sql_type_send(&v, SQL_OID_NUMERIC, &bin, &err), 0);
    assert_int_equal(bin.len, sizeof numeric);
    assert_memory_equal(bin.data, numeric, sizeof numeric);
    lw_buf_reset(&bin);
    assert_int_equal(sql_value_parse_in("1999-12-31", 10, SQL_OID_DATE, &arena, &v, &err), 0);
    assert_int_equal(sql_type_send(&v, SQL_OID_DATE, &bin, &err), 0);
    assert_memory_equal(bin.data, date, sizeof date);
    lw_buf_reset(&bin);
    assert_int_equal(sql_value_parse_in("{7}", 3, SQL_OID_INT4_ARRAY, &arena, &v, &err), 0);
    assert_int_equal(sql_type_send(&v, SQL_OID_INT4_ARRAY, &bin, &err), 0);
    assert_int_equal(bin.len, sizeof arr);
    assert_memory_equal(bin.data, arr, sizeof arr);
}

static void expect_error(uint32_t oid, const void *p, size_t len, const char *state)
{
    struct sql_value v;
    memset(&err, 0, sizeof err);
    assert_int_not_equal(sql_type_recv(p, len, oid, &arena, &v, &err), 0);
    assert_string_equal(err.sqlstate, state);
}

static void test_malformed_and_unsupported(void **state)
{
    static const unsigned char bad_sign[] = {0, 1, 0, 0, 0x12, 0x34, 0, 0, 0, 1};
    static const unsigned char bad_digit[] = {0, 1, 0, 0, 0, 0, 0, 0, 0x27, 0x10};
    static const unsigned char short_arr[] = {0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 23};
    static const unsigned char wrong_elem[] = {0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 25, 0, 0, 0, 1,
                                               0, 0, 0, 1};
    static const unsigned char huge_arr[] = {0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 23, 0x7f, 0xff,
                                             0xff, 0xff, 0, 0, 0, 1};
    static const unsigned char two_dims[] = {0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 23};
    struct sql_value v = {SQL_V_TEXT, {.s = {"x", 1}}};
    (void)state;
    expect_error(SQL_OID_INT4, "\0\0\0", 3, "22P03");
    expect_error(SQL_OID_TIMESTAMP, "", 0, "22P03");
    expect_error(SQL_OID_NUMERIC, bad_sign, sizeof bad_sign, "22P03");
    expect_error(SQL_OID_NUMERIC, bad_digit, sizeof bad_digit, "22P03");
    expect_error(SQL_OID_NUMERIC, bad_digit, 9, "22P03");
    expect_error(SQL_OID_INT4_ARRAY, short_arr, sizeof short_arr, "22P03");
    expect_error(SQL_OID_INT4_ARRAY, wrong_elem, sizeof wrong_elem, "42804");
    expect_error(SQL_OID_INT4_ARRAY, huge_arr, sizeof huge_arr, "54000");
    expect_error(SQL_OID_INT4_ARRAY, two_dims, sizeof two_dims, "0A000");
    expect_error(SQL_OID_JSONB, "\2{}", 3, "22P03");
    expect_error(SQL_OID_TEXT, "a\0b", 3, "22021");
    expect_error(SQL_OID_RECORD, "", 0, "0A000");
    assert_false(sql_type_has_binary(SQL_OID_RECORD));
    assert_int_not_equal(sql_type_send(&v, SQL_OID_RECORD, &bin, &err), 0);
    assert_string_equal(err.sqlstate, "0A000");
    assert_non_null(strstr(err.msg, "record"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_postgresql_bytes),
        cmocka_unit_test(test_malformed_and_unsupported),
    };
    return cmocka_run_group_tests_name("sql_type_bin", tests, setup, teardown);
}

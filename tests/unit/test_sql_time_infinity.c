/* test_sql_time_infinity.c -- 'infinity' and '-infinity' of date, timestamp and timestamptz
 * (sql/sql_type_io.c, sql/sql_type_bin.c): text input and output, ordering against finite
 * values, casts between the three (and to time: NULL), and the binary form, which must be
 * PostgreSQL 15's bytes (int32 ends for a date, int64 ends for timestamps) both ways.
 * Operators and extract are compared with a real PostgreSQL by tests/sqldiff. */
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
static struct lw_buf buf;
static struct sql_error err;

static const uint32_t time_types[] = {SQL_OID_DATE, SQL_OID_TIMESTAMP, SQL_OID_TIMESTAMPTZ};
#define NTYPES (sizeof time_types / sizeof *time_types)

static int setup(void **state)
{
    (void)state;
    lw_arena_init(&arena, 1 << 20);
    lw_buf_init(&buf, 1 << 12);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    lw_arena_free(&arena);
    lw_buf_free(&buf);
    return 0;
}

static struct sql_value parse(const char *s, uint32_t oid)
{
    struct sql_value v;
    memset(&err, 0, sizeof err);
    assert_int_equal(sql_value_parse_in(s, strlen(s), oid, &arena, &v, &err), 0);
    return v;
}

static void expect_text(const struct sql_value *v, uint32_t oid, const char *want)
{
    lw_buf_reset(&buf);
    sql_value_text(v, oid, &buf);
    assert_int_equal(buf.len, strlen(want));
    assert_memory_equal(buf.data, want, buf.len);
}

static void test_text_in_out(void **state)
{
    (void)state;
    for (size_t i = 0; i < NTYPES; i++) {
        struct sql_value v;
        v = parse(" Infinity ", time_types[i]);
        assert_true(v.u.us == SQL_TIME_NOEND);
        expect_text(&v, time_types[i], "infinity");
        v = parse("-INFINITY", time_types[i]);
        assert_true(v.u.us == SQL_TIME_NOBEGIN);
        expect_text(&v, time_types[i], "-infinity");
        /* PostgreSQL 15 has no "+infinity"; time has no infinity at all */
        memset(&err, 0, sizeof err);
        assert_int_not_equal(sql_value_parse_in("+infinity", 9, time_types[i], &arena, &v, &err), 0);
        assert_string_equal(err.sqlstate, "22007");
    }
    {
        struct sql_value v;
        memset(&err, 0, sizeof err);
        assert_int_not_equal(sql_value_parse_in("infinity", 8, SQL_OID_TIME, &arena, &v, &err), 0);
        assert_string_equal(err.sqlstate, "22007");
    }
}

static void test_order_and_casts(void **state)
{
    (void)state;
    for (size_t i = 0; i < NTYPES; i++) {
        struct sql_value lo = parse("-infinity", time_types[i]), hi = parse("infinity", time_types[i]),
                         mid = parse("9999-12-31", time_types[i]);
        assert_true(sql_value_cmp(&lo, &mid) < 0);
        assert_true(sql_value_cmp(&mid, &hi) < 0);
        for (size_t j = 0; j < NTYPES; j++) {
            struct sql_value out;
            assert_int_equal(sql_cast_value(&hi, time_types[i], time_types[j], &arena, &out,
                                            &err), 0);
            expect_text(&out, time_types[j], "infinity");
            assert_int_equal(sql_cast_value(&lo, time_types[i], time_types[j], &arena, &out,
                                            &err), 0);
            expect_text(&out, time_types[j], "-infinity");
        }
        if (time_types[i] != SQL_OID_DATE) {
            struct sql_value out;
            assert_int_equal(sql_cast_value(&hi, time_types[i], SQL_OID_TIME, &arena, &out,
                                            &err), 0);
            assert_int_equal(out.type, SQL_V_NULL);
        }
    }
}

static void test_binary(void **state)
{
    static const unsigned char date_end[] = {0x7f, 0xff, 0xff, 0xff};
    static const unsigned char date_begin[] = {0x80, 0, 0, 0};
    static const unsigned char ts_end[] = {0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    static const unsigned char ts_begin[] = {0x80, 0, 0, 0, 0, 0, 0, 0};
    static const unsigned char date_far[] = {0x7f, 0xff, 0xff, 0xfe};   /* past our range */
    (void)state;
    for (size_t i = 0; i < NTYPES; i++) {
        uint32_t oid = time_types[i];
        bool is_date = oid == SQL_OID_DATE;
        const unsigned char *end = is_date ? date_end : ts_end, *begin = is_date ? date_begin
                                                                                  : ts_begin;
        size_t n = is_date ? 4 : 8;
        struct sql_value v = parse("infinity", oid), back;
        lw_buf_reset(&buf);
        assert_int_equal(sql_type_send(&v, oid, &buf, &err), 0);
        assert_int_equal(buf.len, n);
        assert_memory_equal(buf.data, end, n);
        v = parse("-infinity", oid);
        lw_buf_reset(&buf);
        assert_int_equal(sql_type_send(&v, oid, &buf, &err), 0);
        assert_memory_equal(buf.data, begin, n);
        assert_int_equal(sql_type_recv((const char *)end, n, oid, &arena, &back, &err), 0);
        assert_true(back.u.us == SQL_TIME_NOEND);
        assert_int_equal(sql_type_recv((const char *)begin, n, oid, &arena, &back, &err), 0);
        assert_true(back.u.us == SQL_TIME_NOBEGIN);
    }
    {
        struct sql_value back;
        memset(&err, 0, sizeof err);
        assert_int_not_equal(sql_type_recv((const char *)date_far, 4, SQL_OID_DATE, &arena,
                                           &back, &err), 0);
        assert_string_equal(err.sqlstate, "22008");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_in_out),
        cmocka_unit_test(test_order_and_casts),
        cmocka_unit_test(test_binary),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

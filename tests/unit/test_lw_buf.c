/* test_lw_buf.c -- server/core/lw_buf.c: the decimal writer (what "%lld" writes), reserve,
 * and the JSON string writer: escapes, and output that stays valid UTF-8 whatever the input
 * (cut sequences, stray continuation bytes, overlong forms, surrogates, code points past
 * U+10FFFF become U+FFFD; well-formed text passes unchanged). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../server/core/lw_buf.h"

#include <stdio.h>
#include <string.h>

static void check(const char *in, const char *want)
{
    struct lw_buf b;
    lw_buf_init(&b, 4096);
    lw_buf_json_str(&b, in);
    assert_false(b.failed);
    assert_string_equal(b.data, want);
    lw_buf_free(&b);
}

static void escapes_ascii(void **state)
{
    (void)state;
    check("plain", "\"plain\"");
    check("q\"b\\n\nr\rt\t\x01", "\"q\\\"b\\\\n\\nr\\rt\\t\\u0001\"");
    check("", "\"\"");
}

/* lw_buf_put_int writes what "%lld" writes, extremes included. */
static void put_int_as_printf(void **state)
{
    static const long long vals[] = {0, 1, -1, 9, 10, -10, 99, 100, 123456789, -987654321,
                                     1764000000000LL, INT64_MAX, INT64_MIN, INT64_MIN + 1};
    (void)state;
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        struct lw_buf b;
        char want[32];
        snprintf(want, sizeof want, "%lld", vals[i]);
        lw_buf_init(&b, 64);
        lw_buf_puts(&b, "x");
        lw_buf_put_int(&b, vals[i]);
        assert_false(b.failed);
        assert_string_equal(b.data + 1, want);
        lw_buf_free(&b);
    }
}

/* lw_buf_reserve: one allocation holds what follows, the buffer stays a (empty) string, and
 * a reservation past the cap fails the buffer as the append would. */
static void reserve_allocates_once(void **state)
{
    struct lw_buf b;
    char *data;
    (void)state;
    lw_buf_init(&b, 4096);
    lw_buf_reserve(&b, 1000);
    assert_false(b.failed);
    assert_true(b.cap >= 1001);
    assert_string_equal(b.data, "");
    data = b.data;
    for (int i = 0; i < 100; i++)
        lw_buf_puts(&b, "0123456789");
    assert_ptr_equal(b.data, data);         /* no reallocation */
    assert_int_equal(b.len, 1000);
    lw_buf_reserve(&b, 4096);               /* 1000 + 4096 > 4096 */
    assert_true(b.failed);
    lw_buf_free(&b);
}

static void keeps_well_formed_utf8(void **state)
{
    (void)state;
    check("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xed\x9f\xbf \xf4\x8f\xbf\xbf",
          "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xed\x9f\xbf \xf4\x8f\xbf\xbf\"");
}

static void replaces_ill_formed_utf8(void **state)
{
    (void)state;
    check("cut \xc3", "\"cut \\ufffd\"");                      /* sequence cut by the end */
    check("\"\\\xc3\" tail", "\"\\\"\\\\\\ufffd\\\" tail\"");   /* the issue's \\é, cut */
    check("\xe2\x82", "\"\\ufffd\\ufffd\"");                    /* 3-byte lead, one cont */
    check("\x80x", "\"\\ufffdx\"");                              /* stray continuation */
    check("\xc0\xaf", "\"\\ufffd\\ufffd\"");                    /* overlong '/' */
    check("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");          /* overlong 3-byte */
    check("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");          /* surrogate U+D800 */
    check("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* past U+10FFFF */
    check("\xff\xfe", "\"\\ufffd\\ufffd\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escapes_ascii),
        cmocka_unit_test(put_int_as_printf),
        cmocka_unit_test(reserve_allocates_once),
        cmocka_unit_test(keeps_well_formed_utf8),
        cmocka_unit_test(replaces_ill_formed_utf8),
    };
    return cmocka_run_group_tests_name("lw_buf", tests, NULL, NULL);
}

/* test_pg_wire.c -- server/pg_wire.c: message builders (length patching, overflow and
 * abort), the bounds-checked read cursor, UTF-8 validation, and reading messages from a
 * socket: bad lengths refused before buffering, end of stream, truncation, timeouts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../server/pg_wire.h"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static uint32_t be32(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | u[3];
}

static void builders_patch_length(void **state)
{
    struct lw_buf b;
    size_t m;
    (void)state;
    lw_buf_init(&b, 1024);
    m = pg_msg_begin(&b, 'C');
    pg_put_cstr(&b, "SELECT 3");
    pg_msg_end(&b, m);
    assert_int_equal(b.len, 1 + 4 + 9);
    assert_int_equal(b.data[0], 'C');
    assert_int_equal(be32(b.data + 1), 13);
    m = pg_msg_begin(&b, 'D');
    pg_put_i16(&b, -1);
    pg_put_i32(&b, -1);
    pg_msg_end(&b, m);
    assert_int_equal(be32(b.data + m), 10);
    assert_memory_equal(b.data + m + 4, "\xff\xff\xff\xff\xff\xff", 6);
    lw_buf_free(&b);
}

static void builders_overflow_and_abort(void **state)
{
    struct lw_buf b;
    size_t mark, m;
    char big[64];
    (void)state;
    memset(big, 'x', sizeof big);
    lw_buf_init(&b, 32);
    m = pg_msg_begin(&b, 'Z');
    lw_buf_putc(&b, 'I');
    pg_msg_end(&b, m);
    mark = b.len;
    m = pg_msg_begin(&b, 'D');
    pg_put_bytes(&b, big, sizeof big);
    pg_msg_end(&b, m);
    assert_true(b.failed);
    pg_msg_abort(&b, mark);
    assert_false(b.failed);
    assert_int_equal(b.len, 6);
    assert_memory_equal(b.data, "Z\0\0\0\5I", 6);
    lw_buf_free(&b);
}

static void error_response_fields(void **state)
{
    struct lw_buf b;
    /* sizeof includes the literal's NUL, which is the field list's terminator */
    static const char body[] = "SERROR\0VERROR\0C42703\0Mcolumn \"x\" does not exist\0P8\0";
    (void)state;
    lw_buf_init(&b, 1024);
    pg_put_error(&b, 'E', "ERROR", "42703", "column \"x\" does not exist", NULL, "", 8);
    assert_int_equal(b.len, 5 + sizeof body);
    assert_int_equal(b.data[0], 'E');
    assert_int_equal(be32(b.data + 1), 4 + sizeof body);
    assert_memory_equal(b.data + 5, body, sizeof body);
    lw_buf_free(&b);
}

static void reader_never_reads_past_the_end(void **state)
{
    struct pg_rd r;
    int32_t i32;
    int16_t i16;
    const char *s;
    (void)state;
    pg_rd_init(&r, "\0\0\0\7ab\0c", 8);
    assert_true(pg_get_i32(&r, &i32));
    assert_int_equal(i32, 7);
    assert_true(pg_get_cstr(&r, &s));
    assert_string_equal(s, "ab");
    assert_false(pg_get_cstr(&r, &s));   /* "c" has no terminator */
    assert_false(pg_get_i16(&r, &i16));
    assert_int_equal(r.pos, 7);
    assert_false(pg_rd_done(&r));
    pg_rd_init(&r, "\1", 1);
    assert_false(pg_get_i32(&r, &i32));
    assert_false(pg_get_i16(&r, &i16));
    assert_int_equal(r.pos, 0);
}

static void utf8_validation(void **state)
{
    size_t bad = 99;
    (void)state;
    assert_true(pg_utf8_valid("select 'é€𝄞'", strlen("select 'é€𝄞'"), &bad));
    assert_false(pg_utf8_valid("a\xc0\x80", 3, &bad));          /* overlong NUL */
    assert_int_equal(bad, 1);
    assert_false(pg_utf8_valid("\xed\xa0\x80", 3, &bad));       /* surrogate */
    assert_false(pg_utf8_valid("ab\xe2\x82", 4, &bad));         /* truncated */
    assert_int_equal(bad, 2);
    assert_false(pg_utf8_valid("\xf4\x90\x80\x80", 4, &bad));   /* above U+10FFFF */
    assert_false(pg_utf8_valid("a\0b", 3, &bad));
    assert_false(pg_utf8_valid("\xff", 1, &bad));
}

/* A connected pair: io reads from sv[0], the test writes into sv[1]. */
struct pair {
    int sv[2];
    struct pg_io io;
    struct lw_buf msg;
};

static void pair_open(struct pair *p, size_t max_body)
{
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, p->sv), 0);
    pg_io_init(&p->io, p->sv[0], 1 << 16);
    lw_buf_init(&p->msg, max_body + 1);
}

static void pair_close(struct pair *p)
{
    pg_io_free(&p->io);
    lw_buf_free(&p->msg);
    close(p->sv[0]);
    if (p->sv[1] >= 0)
        close(p->sv[1]);
}

static void put(struct pair *p, const void *data, size_t n)
{
    assert_int_equal(write(p->sv[1], data, n), (ssize_t)n);
}

static void read_messages(void **state)
{
    struct pair p;
    char type = 0;
    (void)state;
    pair_open(&p, 100);
    put(&p, "Q\0\0\0\x0dselect 1\0X\0\0\0\4", 19);
    assert_int_equal(pg_read_message(&p.io, 1000, 1000, 100, &type, &p.msg), PG_IO_OK);
    assert_int_equal(type, 'Q');
    assert_int_equal(p.msg.len, 9);
    assert_string_equal(p.msg.data, "select 1");
    assert_int_equal(pg_read_message(&p.io, 1000, 1000, 100, &type, &p.msg), PG_IO_OK);
    assert_int_equal(type, 'X');
    assert_int_equal(p.msg.len, 0);
    /* nothing more: idle timeout, then end of stream */
    assert_int_equal(pg_read_message(&p.io, 30, 1000, 100, &type, &p.msg), PG_IO_IDLE);
    close(p.sv[1]);
    p.sv[1] = -1;
    assert_int_equal(pg_read_message(&p.io, 1000, 1000, 100, &type, &p.msg), PG_IO_EOF);
    pair_close(&p);
}

static void read_refuses_bad_lengths(void **state)
{
    struct pair p;
    char type = 0;
    (void)state;
    pair_open(&p, 100);
    put(&p, "Q\x7f\xff\xff\xff", 5);      /* 2 GiB: refused without waiting for the body */
    assert_int_equal(pg_read_message(&p.io, 1000, 1000, 100, &type, &p.msg), PG_IO_BAD_LENGTH);
    assert_int_equal(p.io.last_len, 0x7fffffff);
    assert_null(p.msg.data);
    pair_close(&p);
    pair_open(&p, 100);
    put(&p, "Q\0\0\0\3", 5);
    assert_int_equal(pg_read_message(&p.io, 1000, 1000, 100, &type, &p.msg), PG_IO_BAD_LENGTH);
    pair_close(&p);
    pair_open(&p, 100);
    put(&p, "Q\0\0\0\x69", 5);            /* body 101 > 100 */
    assert_int_equal(pg_read_message(&p.io, 1000, 1000, 100, &type, &p.msg), PG_IO_BAD_LENGTH);
    pair_close(&p);
}

static void read_truncated_and_slow(void **state)
{
    struct pair p;
    char type = 0;
    (void)state;
    pair_open(&p, 100);
    put(&p, "Q\0\0\0\x0dsel", 8);         /* then nothing: the rest times out */
    assert_int_equal(pg_read_message(&p.io, 1000, 50, 100, &type, &p.msg), PG_IO_TIMEOUT);
    pair_close(&p);
    pair_open(&p, 100);
    put(&p, "Q\0\0\0\x0dsel", 8);         /* then the peer leaves: an error, not EOF */
    close(p.sv[1]);
    p.sv[1] = -1;
    assert_int_equal(pg_read_message(&p.io, 1000, 1000, 100, &type, &p.msg), PG_IO_ERROR);
    pair_close(&p);
}

static void read_startup_packets(void **state)
{
    struct pair p;
    (void)state;
    pair_open(&p, PG_STARTUP_MAX);
    put(&p, "\0\0\0\x08\x04\xd2\x16\x2f", 8);   /* SSLRequest */
    assert_int_equal(pg_read_startup(&p.io, 1000, &p.msg), PG_IO_OK);
    assert_int_equal(p.msg.len, 4);
    assert_false(pg_io_pending(&p.io));
    put(&p, "\0\0\0\x07xyz", 7);
    assert_int_equal(pg_read_startup(&p.io, 1000, &p.msg), PG_IO_BAD_LENGTH);
    pair_close(&p);
    pair_open(&p, PG_STARTUP_MAX);
    put(&p, "\0\0\x27\x11", 4);                 /* 10001 */
    assert_int_equal(pg_read_startup(&p.io, 1000, &p.msg), PG_IO_BAD_LENGTH);
    pair_close(&p);
    pair_open(&p, PG_STARTUP_MAX);
    put(&p, "\0\0\0\x08\x04\xd2\x16\x2f\0\0", 10);  /* bytes after the request: pending */
    assert_int_equal(pg_read_startup(&p.io, 1000, &p.msg), PG_IO_OK);
    assert_true(pg_io_pending(&p.io));
    pair_close(&p);
}

static void flush_to_a_closed_peer_breaks(void **state)
{
    struct pair p;
    (void)state;
    pair_open(&p, 100);
    close(p.sv[1]);
    p.sv[1] = -1;
    lw_buf_puts(&p.io.out, "N");
    assert_int_equal(pg_flush(&p.io, 1000), LW_EIO);
    assert_true(p.io.broken);
    assert_int_equal(p.io.out.len, 0);
    pair_close(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(builders_patch_length),
        cmocka_unit_test(builders_overflow_and_abort),
        cmocka_unit_test(error_response_fields),
        cmocka_unit_test(reader_never_reads_past_the_end),
        cmocka_unit_test(utf8_validation),
        cmocka_unit_test(read_messages),
        cmocka_unit_test(read_refuses_bad_lengths),
        cmocka_unit_test(read_truncated_and_slow),
        cmocka_unit_test(read_startup_packets),
        cmocka_unit_test(flush_to_a_closed_peer_breaks),
    };
    return cmocka_run_group_tests_name("pg_wire", tests, NULL, NULL);
}

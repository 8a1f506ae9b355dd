/* test_lw_arena.c -- server/core/lw_arena.c: lw_arena_reset, which the SQL session uses to
 * start each statement in the previous one's memory: it keeps the first standard chunk (the
 * next allocation lands where the first one did), frees the others and a first chunk sized
 * for one large allocation, clears the sticky bound flag, and keeps the bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../server/core/lw_arena.h"

#include <string.h>

#define KIB 1024u

static void reset_reuses_first_chunk(void **state)
{
    struct lw_arena a;
    unsigned char *first, *again;
    (void)state;
    lw_arena_init(&a, 1u << 20);
    assert_non_null(first = lw_arena_alloc(&a, 64));
    memset(first, 0xab, 64);
    for (int i = 0; i < 4; i++)                 /* spill into more chunks */
        assert_non_null(lw_arena_alloc(&a, 20 * KIB));
    size_t one_chunk_and_more = a.used;
    lw_arena_reset(&a);
    assert_true(a.used > 32 * KIB && a.used < one_chunk_and_more);
    assert_false(a.exceeded);
    assert_non_null(again = lw_arena_alloc(&a, 64));
    assert_ptr_equal(again, first);
    lw_arena_reset(&a);                         /* twice in a row is fine */
    assert_ptr_equal(lw_arena_alloc(&a, 8), first);
    lw_arena_free(&a);
    assert_int_equal(a.used, 0);
}

static void reset_frees_a_large_first_chunk(void **state)
{
    struct lw_arena a;
    (void)state;
    lw_arena_init(&a, 1u << 20);
    assert_non_null(lw_arena_alloc(&a, 100 * KIB));
    assert_non_null(lw_arena_alloc(&a, 16));
    lw_arena_reset(&a);
    assert_null(a.head);
    assert_int_equal(a.used, 0);
    lw_arena_reset(&a);                         /* an empty arena stays empty */
    assert_null(a.head);
    assert_non_null(lw_arena_alloc(&a, 16));
    lw_arena_free(&a);
}

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
/* Under AddressSanitizer memory from before a reset is poisoned until allocated again, so the
 * sanitizer runs catch a use of a finished statement's memory in the reused chunk. */
static void reset_poisons_what_came_before(void **state)
{
    struct lw_arena a;
    unsigned char *first, *again;
    (void)state;
    lw_arena_init(&a, 1u << 20);
    assert_non_null(first = lw_arena_alloc(&a, 64));
    assert_false(__asan_address_is_poisoned(first));
    lw_arena_reset(&a);
    assert_true(__asan_address_is_poisoned(first));
    assert_true(__asan_address_is_poisoned(first + 128));
    assert_ptr_equal(again = lw_arena_alloc(&a, 64), first);
    assert_false(__asan_address_is_poisoned(again + 63));
    assert_true(__asan_address_is_poisoned(again + 64));
    lw_arena_free(&a);
}
#endif

static void reset_keeps_the_bound(void **state)
{
    struct lw_arena a;
    (void)state;
    lw_arena_init(&a, 48 * KIB);
    assert_non_null(lw_arena_alloc(&a, 24 * KIB));
    assert_null(lw_arena_alloc(&a, 30 * KIB));
    assert_true(a.exceeded);
    lw_arena_reset(&a);
    assert_false(a.exceeded);
    assert_non_null(lw_arena_alloc(&a, 24 * KIB));  /* in the kept chunk */
    assert_null(lw_arena_alloc(&a, 30 * KIB));      /* the bound counts the kept chunk */
    assert_true(a.exceeded);
    lw_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reset_reuses_first_chunk),
#if defined(__SANITIZE_ADDRESS__)
        cmocka_unit_test(reset_poisons_what_came_before),
#endif
        cmocka_unit_test(reset_frees_a_large_first_chunk),
        cmocka_unit_test(reset_keeps_the_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

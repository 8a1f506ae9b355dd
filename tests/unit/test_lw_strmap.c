/* test_lw_strmap.c -- server/core/lw_strmap.c: every key put is found with its value through
 * many growths, a second put of a key finds its slot rather than adding, absent keys are
 * absent, and an arena at its bound refuses a growth and leaves the map as it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../server/core/lw_strmap.h"

#include <stdio.h>
#include <string.h>

#define NKEYS 5000

/* The value of key in m (NULL: absent), found by walking every entry: the map has no lookup
 * that does not add, since its users only intern. */
static void *find(struct lw_strmap *m, const char *key)
{
    void *found = NULL;
    int n = 0;
    LW_STRMAP_FOR_EACH(m, slot) {
        if (strcmp(slot->key, key) == 0) {
            found = slot->val;
            n++;
        }
    }
    assert_true(n <= 1);
    return found;
}

static void puts_and_gets_through_growths(void **state)
{
    (void)state;
    static char keys[NKEYS][16];
    struct lw_arena a;
    struct lw_strmap m;
    lw_arena_init(&a, 16u << 20);
    lw_strmap_init(&m, &a);
    assert_null(find(&m, "absent"));
    for (size_t i = 0; i < NKEYS; i++) {
        snprintf(keys[i], sizeof keys[i], "k%zu", i);
        bool added;
        void **v = lw_strmap_put(&m, keys[i], &added);
        assert_non_null(v);
        assert_true(added);
        assert_null(*v);
        *v = &keys[i];
    }
    assert_int_equal(m.n, NKEYS);
    assert_true(m.cap >= 2 * m.n);
    for (size_t i = 0; i < NKEYS; i++) {
        char copy[16];      /* found by content, not by the key's address */
        memcpy(copy, keys[i], sizeof copy);
        assert_ptr_equal(find(&m, copy), &keys[i]);
        bool added;
        void **v = lw_strmap_put(&m, copy, &added);
        assert_false(added);
        assert_ptr_equal(*v, &keys[i]);
    }
    assert_int_equal(m.n, NKEYS);
    assert_null(find(&m, "k5000"));
    assert_null(find(&m, ""));
    lw_arena_free(&a);
}

static void bound_refuses_growth_and_keeps_the_map(void **state)
{
    (void)state;
    static char keys[200][16];
    struct lw_arena a;
    struct lw_strmap m;
    lw_arena_init(&a, 4096);        /* room for the first table (64 slots), not the next */
    lw_strmap_init(&m, &a);
    size_t i;
    void **v = NULL;
    bool added = false;
    for (i = 0; i < 200; i++) {
        snprintf(keys[i], sizeof keys[i], "key-%zu", i);
        if (!(v = lw_strmap_put(&m, keys[i], &added)))
            break;
        *v = &keys[i];
    }
    assert_null(v);
    assert_false(added);
    assert_true(a.exceeded);
    assert_int_equal(m.n, i);
    assert_null(find(&m, keys[i]));
    for (size_t k = 0; k < i; k++)
        assert_ptr_equal(find(&m, keys[k]), &keys[k]);
    lw_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(puts_and_gets_through_growths),
        cmocka_unit_test(bound_refuses_growth_and_keeps_the_map),
    };
    return cmocka_run_group_tests_name("lw_strmap", tests, NULL, NULL);
}

/* test_lw_shm_pub.c -- server/core/lw_shm_pub.c on its own: nothing is published until a
 * commit; an aborted write leaves the previous contents current; bytes over the capacity and a
 * reader's publish are refused; generations and the state round-trip; a state too large for
 * the header page is refused at creation; a forked writer's publish is seen by the creator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../server/core/lw_shm_pub.h"

struct st {
    uint64_t n;
    char text[40];
};

static void test_commit_abort_and_bounds(void **state)
{
    (void)state;
    struct lw_err err = {0};
    struct lw_pub *p = lw_pub_create("test pub", "lw-test-pub", sizeof(struct st), 64, &err);
    assert_non_null(p);
    struct lw_pub_view v;
    assert_int_equal(lw_pub_view(p, &v), LW_PUB_NONE);
    assert_int_equal(lw_pub_publish(p, 1, "x", 1, &err), LW_EINVAL);
    assert_null(lw_pub_begin(p));

    struct lw_pub *w = lw_pub_open_writer(p, &err);
    assert_non_null(w);
    assert_int_equal(lw_pub_capacity(w), 64);
    assert_int_equal(lw_pub_publish(w, 7, "hello", 5, &err), LW_OK);
    assert_int_equal(lw_pub_view(p, &v), LW_PUB_VIEW);
    assert_int_equal(v.len, 5);
    assert_int_equal(v.generation, 7);
    assert_memory_equal(v.data, "hello", 5);
    assert_true(lw_pub_view_valid(p, &v));

    /* A write begun over the other buffer and aborted: the old contents stay current, and a
     * view taken before it stays valid (its buffer was not touched). */
    char *buf = lw_pub_begin(w);
    assert_non_null(buf);
    memcpy(buf, "junk!", 5);
    lw_pub_abort(w);
    struct lw_pub_view v2;
    assert_int_equal(lw_pub_view(p, &v2), LW_PUB_VIEW);
    assert_int_equal(v2.generation, 7);
    assert_memory_equal(v2.data, "hello", 5);
    assert_true(lw_pub_view_valid(p, &v));

    /* Over the capacity: refused, nothing changes. */
    char big[65] = {0};
    assert_int_equal(lw_pub_publish(w, 8, big, sizeof big, &err), LW_ENOMEM);
    assert_non_null(strstr(err.msg, "test pub"));
    assert_int_equal(lw_pub_view(p, &v2), LW_PUB_VIEW);
    assert_int_equal(v2.generation, 7);

    /* Two more publishes rewrite the first view's buffer: that view is no longer valid. */
    assert_int_equal(lw_pub_publish(w, 8, "ab", 2, &err), LW_OK);
    assert_int_equal(lw_pub_publish(w, 9, "abc", 3, &err), LW_OK);
    assert_false(lw_pub_view_valid(p, &v));
    assert_int_equal(lw_pub_view(p, &v2), LW_PUB_VIEW);
    assert_int_equal(v2.generation, 9);
    assert_int_equal(v2.len, 3);
    lw_pub_free(w);
    lw_pub_free(p);
}

static void test_state_and_fork(void **state)
{
    (void)state;
    struct lw_err err = {0};
    assert_null(lw_pub_create("test pub", "lw-test-pub", LW_PUB_STATE_MAX + 1, 64, &err));
    assert_int_equal(err.code, LW_EINVAL);

    struct lw_pub *p = lw_pub_create("test pub", "lw-test-pub", sizeof(struct st), 4096, &err);
    assert_non_null(p);
    struct st got;
    assert_true(lw_pub_get_state(p, &got));
    assert_int_equal(got.n, 0);         /* zeroed at creation */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct lw_pub *w = lw_pub_open_writer(p, NULL);
        struct st s = {.n = 42};
        strcpy(s.text, "from the child");
        if (!w || lw_pub_publish(w, 3, "child", 5, NULL) != LW_OK)
            _exit(1);
        lw_pub_put_state(w, &s);
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_true(lw_pub_get_state(p, &got));
    assert_int_equal(got.n, 42);
    assert_string_equal(got.text, "from the child");
    struct lw_pub_view v;
    assert_int_equal(lw_pub_view(p, &v), LW_PUB_VIEW);
    assert_int_equal(v.generation, 3);
    assert_memory_equal(v.data, "child", 5);
    lw_pub_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commit_abort_and_bounds),
        cmocka_unit_test(test_state_and_fork),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

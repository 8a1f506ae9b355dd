/* test_pg_helper.c -- server/pg_helper.c: a started helper runs its body in a child with the
 * listening socket closed and its process name set; when it dies at once it is started again
 * with the backoff as its delay and its restarts counted, and only the hook call with its own
 * pid does that; stop kills and reaps a helper that would run forever. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../server/pg_helper.h"

struct report {
    int64_t delay_ms;
    int close_fd_open;
    char name[16];
};

static int report_fd = -1;
static int forever;

static void body(struct pg_helper *h, int64_t delay_ms)
{
    struct report r = {.delay_ms = delay_ms};
    r.close_fd_open = fcntl(h->close_fd, F_GETFD) != -1;
    prctl(PR_GET_NAME, r.name);
    if (write(report_fd, &r, sizeof r) != (ssize_t)sizeof r)
        _exit(2);
    while (forever && !pg_helper_orphaned(h))
        pg_helper_sleep_ms(50);
    _exit(0);
}

static void read_report(int fd, struct report *r)
{
    assert_int_equal(read(fd, r, sizeof *r), (ssize_t)sizeof *r);
}

static void test_start_exit_restart(void **state)
{
    (void)state;
    int pipefd[2], sock[2];
    assert_int_equal(pipe(pipefd), 0);
    assert_int_equal(pipe(sock), 0);
    report_fd = pipefd[1];
    forever = 0;
    struct pg_helper h = {.log_module = "test", .proc_name = "lw-test-helper",
                          .what = "test helper", .run = body, .close_fd = sock[0]};
    struct lw_err err = {0};
    assert_int_equal(pg_helper_start(&h, &err), LW_OK);
    assert_true(h.pid > 0);
    struct report r;
    read_report(pipefd[0], &r);
    assert_int_equal(r.delay_ms, 0);
    assert_int_equal(r.close_fd_open, 0);
    assert_string_equal(r.name, "lw-test-helper");
    /* In this process the descriptor stays open. */
    assert_true(fcntl(sock[0], F_GETFD) != -1);

    int status;
    pid_t first = h.pid;
    assert_int_equal(waitpid(first, &status, 0), first);
    struct pg_helper_set set = {{NULL, &h}, 2};
    assert_false(pg_helper_child_exited(&set, first + 100000, status));
    assert_int_equal(h.pid, first);
    assert_true(pg_helper_child_exited(&set, first, status));
    assert_int_equal(h.restarts, 1);
    assert_true(h.pid > 0 && h.pid != first);
    /* It died within the backoff of its start: the restart waits the backoff. */
    read_report(pipefd[0], &r);
    assert_int_equal(r.delay_ms, PG_HELPER_BACKOFF_MS);
    assert_int_equal(waitpid(h.pid, &status, 0), h.pid);
    h.pid = 0;
    pg_helper_stop(&h);
    close(pipefd[0]);
    close(pipefd[1]);
    close(sock[0]);
    close(sock[1]);
}

static void test_stop_kills(void **state)
{
    (void)state;
    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    report_fd = pipefd[1];
    forever = 1;
    struct pg_helper h = {.log_module = "test", .proc_name = "lw-test-helper",
                          .what = "test helper", .run = body, .close_fd = -1};
    struct lw_err err = {0};
    assert_int_equal(pg_helper_start(&h, &err), LW_OK);
    struct report r;
    read_report(pipefd[0], &r);
    pid_t pid = h.pid;
    pg_helper_stop(&h);
    assert_int_equal(h.pid, 0);
    /* Reaped already: nothing left to wait for. */
    assert_int_equal(waitpid(pid, NULL, WNOHANG), -1);
    pg_helper_stop(NULL);
    close(pipefd[0]);
    close(pipefd[1]);
}

static void test_rss(void **state)
{
    (void)state;
    assert_true(pg_helper_rss_bytes() > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_start_exit_restart),
        cmocka_unit_test(test_stop_kills),
        cmocka_unit_test(test_rss),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

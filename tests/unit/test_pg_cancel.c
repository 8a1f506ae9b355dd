/* test_pg_cancel.c -- server/pg_cancel.c's statement_timeout timer, which stays armed
 * between statements and is moved only when it would fire too late: a statement past its
 * deadline is flagged; a timer left from an earlier statement's shorter deadline does not
 * flag a later statement with a longer one or none; a shorter deadline after a longer one
 * still fires in time; a timer firing between statements flags nothing. Real signals and a
 * real timer; the bounds only guard against hangs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../server/pg_cancel.h"
#include "../../sql/sql_engine.h"
#include "../../server/core/lw.h"

#include <time.h>

#define MS 1000                     /* µs */
#define HANG_BOUND_US (20000 * MS)  /* far beyond any deadline used here */

/* Sleeps until `us` passed on the monotonic clock (signals cut nanosleep short) or the
 * flag is set; returns the flag. */
static sig_atomic_t wait_us(int64_t us)
{
    int64_t until = lw_mono_us() + us;
    volatile sig_atomic_t *flag = pg_cancel_flag();
    while (lw_mono_us() < until && *flag == SQL_CANCEL_NONE) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    return *flag;
}

static void past_deadline_is_flagged(void **state)
{
    (void)state;
    pg_cancel_statement_start(lw_mono_us() + 30 * MS);
    assert_int_equal(wait_us(HANG_BOUND_US), SQL_CANCEL_TIMEOUT);
    pg_cancel_statement_end();
    assert_int_equal(*pg_cancel_flag(), SQL_CANCEL_NONE);
}

static void earlier_timer_does_not_stop_a_later_statement(void **state)
{
    (void)state;
    /* armed for 20 ms, then a statement with a minute and one with no timeout: the timer
     * fires during each and must move on (or stop), not flag it */
    pg_cancel_statement_start(lw_mono_us() + 20 * MS);
    pg_cancel_statement_end();
    pg_cancel_statement_start(lw_mono_us() + 60000 * MS);
    assert_int_equal(wait_us(300 * MS), SQL_CANCEL_NONE);
    pg_cancel_statement_end();
    pg_cancel_statement_start(lw_mono_us() + 20 * MS);
    pg_cancel_statement_end();
    pg_cancel_statement_start(0);
    assert_int_equal(wait_us(300 * MS), SQL_CANCEL_NONE);
    pg_cancel_statement_end();
}

static void shorter_deadline_after_a_longer_one_fires(void **state)
{
    (void)state;
    pg_cancel_statement_start(lw_mono_us() + 60000 * MS);    /* timer armed a minute out */
    pg_cancel_statement_end();
    pg_cancel_statement_start(lw_mono_us() + 50 * MS);
    /* 100 times the deadline, far short of the minute the timer was armed for */
    assert_int_equal(wait_us(5000 * MS), SQL_CANCEL_TIMEOUT);
    pg_cancel_statement_end();
}

static void timer_between_statements_flags_nothing(void **state)
{
    (void)state;
    pg_cancel_statement_start(lw_mono_us() + 20 * MS);
    pg_cancel_statement_end();
    assert_int_equal(wait_us(200 * MS), SQL_CANCEL_NONE);    /* fired while idle */
    /* and the next statement's own deadline is still enforced */
    pg_cancel_statement_start(lw_mono_us() + 30 * MS);
    assert_int_equal(wait_us(HANG_BOUND_US), SQL_CANCEL_TIMEOUT);
    pg_cancel_statement_end();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(past_deadline_is_flagged),
        cmocka_unit_test(earlier_timer_does_not_stop_a_later_statement),
        cmocka_unit_test(shorter_deadline_after_a_longer_one_fires),
        cmocka_unit_test(timer_between_statements_flags_nothing),
    };
    pg_cancel_install();
    return cmocka_run_group_tests(tests, NULL, NULL);
}

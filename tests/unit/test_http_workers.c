/* test_http_workers.c -- server/http_workers.c and server/http_deadline.c: the worker queue's
 * bound and its drain on stop; connection clocks that shut an overdue socket down whatever
 * arrives meanwhile, leave a busy one alone, and refuse past the connection bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../server/http_deadline.h"
#include "../../server/http_workers.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <unistd.h>

static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static bool gate_open;
static atomic_int ran;

static void wait_gate(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&gate_mu);
    while (!gate_open)
        pthread_cond_wait(&gate_cv, &gate_mu);
    pthread_mutex_unlock(&gate_mu);
    atomic_fetch_add(&ran, 1);
}

static void count(void *arg)
{
    (void)arg;
    atomic_fetch_add(&ran, 1);
}

static void queue_bound_and_drain(void **state)
{
    struct lw_err err = {0};
    struct http_workers *w = http_workers_start(1, 2, "t", &err);
    (void)state;
    assert_non_null(w);
    gate_open = false;
    atomic_store(&ran, 0);
    assert_int_equal(http_workers_submit(w, wait_gate, NULL), 0);
    while (http_workers_pending(w) != 1)   /* the worker has taken it off the queue */
        usleep(1000);
    usleep(20000);
    assert_int_equal(http_workers_submit(w, count, NULL), 0);
    assert_int_equal(http_workers_submit(w, count, NULL), 0);
    assert_int_equal(http_workers_submit(w, count, NULL), LW_ENOMEM);   /* queue of 2 full */
    pthread_mutex_lock(&gate_mu);
    gate_open = true;
    pthread_cond_broadcast(&gate_cv);
    pthread_mutex_unlock(&gate_mu);
    http_workers_stop(w);                   /* runs what was queued */
    assert_int_equal(atomic_load(&ran), 3);
    assert_int_equal(http_workers_submit(w, count, NULL), LW_EINVAL);
    http_workers_free(w);
}

/* True when the peer of fd sees end-of-file within ms. */
static bool peer_closed_within(int peer, int ms)
{
    struct pollfd p = {peer, POLLIN, 0};
    char c;
    if (poll(&p, 1, ms) <= 0)
        return false;
    return recv(peer, &c, 1, MSG_DONTWAIT) == 0;
}

static void deadline_closes_trickler_not_busy(void **state)
{
    struct lw_err err = {0};
    struct http_deadline_opts o = {200, 200, 1000, 2, "t"};
    struct http_deadlines *d = http_deadlines_start(&o, &err);
    int a[2], b[2];
    struct http_conn_clock *ca, *cb;
    (void)state;
    assert_non_null(d);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, a), 0);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, b), 0);
    ca = http_deadlines_open(d, a[0]);
    cb = http_deadlines_open(d, b[0]);
    assert_non_null(ca);
    assert_non_null(cb);
    assert_null(http_deadlines_open(d, -1));   /* past max_connections */
    assert_int_equal(http_deadlines_count(d), 2);
    http_conn_clock_stage(d, cb, HTTP_STAGE_BUSY);
    /* a trickles: bytes keep arriving, the head deadline still fires */
    for (int i = 0; i < 4; i++) {
        assert_int_equal(send(a[1], "x", 1, MSG_NOSIGNAL), 1);
        usleep(50000);
    }
    assert_true(peer_closed_within(a[1], 5000));
    assert_false(peer_closed_within(b[1], 600));   /* busy: no deadline */
    http_deadlines_close(d, ca);
    http_deadlines_close(d, cb);
    assert_int_equal(http_deadlines_count(d), 0);
    http_deadlines_stop(d);
    for (int i = 0; i < 2; i++) {
        close(a[i]);
        close(b[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(queue_bound_and_drain),
        cmocka_unit_test(deadline_closes_trickler_not_busy),
    };
    return cmocka_run_group_tests_name("http_workers", tests, NULL, NULL);
}

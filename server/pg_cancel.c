/* pg_cancel.c -- CancelRequest routing between backends and statement cancellation inside
 * one (pg_cancel.h). Backends are processes, one per connection, so a cancel is a signal:
 * the handlers only set a flag the engine polls between rows, which is async-signal-safe
 * and leaves every statement to end through its ordinary error path (57014).
 * statement_timeout costs no system call per statement (as in PostgreSQL's timeout.c): the
 * timer is left running between statements and moved only when it would fire after the new
 * statement's deadline; when it fires before the running statement's deadline (an earlier
 * statement's), the handler moves it on to that deadline. */
#include "pg_cancel.h"

#include "../sql/sql_engine.h"
#include "core/lw_log.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

struct pg_cancel_slot {
    volatile int32_t pid;
    volatile int32_t key;
};

struct pg_cancel_table {
    unsigned n;
    size_t bytes;
    struct pg_cancel_slot slot[];
};

/* statement_timeout's signal: not SIGALRM, which tools such as libFuzzer keep for themselves */
#define TIMEOUT_SIGNAL SIGUSR2

static volatile sig_atomic_t cancel_flag;
static atomic_int running;                  /* a statement runs: cancels count */
static timer_t timer;
static bool have_timer;
/* Shared with the timeout handler, which may interrupt the code that writes them anywhere:
 * lock-free atomics are what a handler may touch besides sig_atomic_t. Monotonic µs. */
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2 && ATOMIC_INT_LOCK_FREE == 2,
               "the state the handlers share must be lock-free");
static _Atomic long long deadline_us;       /* the running statement's deadline; 0 none */
static _Atomic long long fires_at_us;       /* when the timer will fire; 0 not armed */

struct pg_cancel_table *pg_cancel_table_new(unsigned nslots)
{
    size_t bytes = sizeof(struct pg_cancel_table) + (size_t)nslots * sizeof(struct pg_cancel_slot);
    struct pg_cancel_table *t = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (t == MAP_FAILED) {
        LW_WARN("pg", "cancel_table_failed", "errno=%d", errno);
        return NULL;
    }
    memset(t, 0, bytes);
    t->n = nslots;
    t->bytes = bytes;
    return t;
}

void pg_cancel_table_free(struct pg_cancel_table *t)
{
    if (t)
        munmap(t, t->bytes);
}

void pg_cancel_table_set(struct pg_cancel_table *t, unsigned slot, int32_t pid, int32_t key)
{
    if (!t || slot >= t->n)
        return;
    /* key first: a reader that sees the new pid sees its key */
    t->slot[slot].pid = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    t->slot[slot].key = key;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    t->slot[slot].pid = pid;
}

bool pg_cancel_route(const struct pg_cancel_table *t, int32_t pid, int32_t key)
{
    if (!t || pid <= 0)
        return false;
    for (unsigned i = 0; i < t->n; i++) {
        if (t->slot[i].pid != pid)
            continue;
        /* compared without an early exit, so timing does not tell how much of a key matched */
        if (((uint32_t)t->slot[i].key ^ (uint32_t)key) != 0)
            return false;
        if (kill(pid, SIGUSR1) != 0) {
            LW_DEBUG("pg", "cancel_signal_failed", "pid=%d errno=%d", (int)pid, errno);
            return false;
        }
        return true;
    }
    return false;
}

static void on_cancel(int sig)
{
    (void)sig;
    if (running)
        cancel_flag = SQL_CANCEL_USER;
}

/* Arms the timer to fire at monotonic time us (> 0). Async-signal-safe, as timer_settime
 * is: the handler calls it too. */
static void arm_at(long long us)
{
    struct itimerspec it;
    memset(&it, 0, sizeof it);
    it.it_value.tv_sec = (time_t)(us / 1000000);
    it.it_value.tv_nsec = (long)(us % 1000000) * 1000L;
    atomic_store(&fires_at_us, us);
    if (timer_settime(timer, TIMER_ABSTIME, &it, NULL) != 0)
        atomic_store(&fires_at_us, 0);  /* not armed: the next statement tries again */
}

static void on_timeout(int sig)
{
    struct timespec ts;
    long long d = atomic_load(&deadline_us), now;
    int saved = errno;
    (void)sig;
    atomic_store(&fires_at_us, 0);
    if (running && d) {
        clock_gettime(CLOCK_MONOTONIC, &ts);
        now = (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
        if (now < d)
            arm_at(d);                  /* an earlier statement's deadline: not this one's */
        else if (!cancel_flag)
            cancel_flag = SQL_CANCEL_TIMEOUT;
    }
    errno = saved;
}

void pg_cancel_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;       /* reads and writes go on; only the flag changes */
    sa.sa_handler = on_cancel;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = on_timeout;
    sigaction(TIMEOUT_SIGNAL, &sa, NULL);
    if (!have_timer) {
        struct sigevent ev;
        memset(&ev, 0, sizeof ev);
        ev.sigev_notify = SIGEV_SIGNAL;
        ev.sigev_signo = TIMEOUT_SIGNAL;
        have_timer = timer_create(CLOCK_MONOTONIC, &ev, &timer) == 0;
        if (!have_timer)
            LW_WARN("pg", "statement_timer_failed", "errno=%d reason=\"statement_timeout "
                    "will not be enforced\"", errno);
    }
}

void pg_cancel_signals_elsewhere(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, TIMEOUT_SIGNAL);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
}

volatile sig_atomic_t *pg_cancel_flag(void)
{
    return &cancel_flag;
}

void pg_cancel_statement_start(int64_t deadline)
{
    long long d = deadline > 0 ? (long long)deadline : 0, f;
    cancel_flag = SQL_CANCEL_NONE;
    atomic_store(&deadline_us, d);      /* before running: the handler reads it then */
    running = 1;
    if (!d || !have_timer)
        return;                         /* a pending timer finds no deadline and stops */
    f = atomic_load(&fires_at_us);
    if (f && f <= d)
        return;                         /* fires first; the handler then moves it to d */
    arm_at(d);
}

void pg_cancel_statement_end(void)
{
    /* The timer keeps running: the next statement's deadline is most often later, and
     * a timer that fires between statements finds none running. */
    running = 0;
    cancel_flag = SQL_CANCEL_NONE;
}

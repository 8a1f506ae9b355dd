/* pg_helper.c -- forking, setting up and restarting the SQL postmaster's helper processes
 * (pg_helper.h). */
#include "pg_helper.h"

#include "core/lw_log.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void __attribute__((noreturn)) child_main(struct pg_helper *h, int64_t delay_ms)
{
    sigset_t none;
    /* The postmaster's loop blocks these for its signalfd; a helper takes the defaults, and
     * dies with the postmaster. */
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    /* The postmaster may have died before the death signal was armed. */
    if (pg_helper_orphaned(h))
        _exit(0);
    if (h->close_fd >= 0)
        close(h->close_fd);
    prctl(PR_SET_NAME, h->proc_name);
    h->run(h, delay_ms);
    _exit(1);
}

static int spawn(struct pg_helper *h, int64_t delay_ms, struct lw_err *err)
{
    h->started_mono_us = lw_mono_us();
    pid_t pid = fork();
    if (pid < 0)
        return lw_err_set(err, LW_EIO, "%s: fork failed (errno %d)", h->what, errno);
    if (pid == 0)
        child_main(h, delay_ms);
    h->pid = pid;
    return LW_OK;
}

int pg_helper_start(struct pg_helper *h, struct lw_err *err)
{
    h->parent = getpid();
    h->pid = 0;
    h->restarts = 0;
    return spawn(h, 0, err);
}

static bool restart_if_mine(struct pg_helper *h, pid_t pid, int status)
{
    if (!h || pid != h->pid)
        return false;
    h->pid = 0;
    LW_WARN(h->log_module, "process_died", "pid=%d status=%d signal=%d restarts=%u", (int)pid,
            WIFEXITED(status) ? WEXITSTATUS(status) : -1,
            WIFSIGNALED(status) ? WTERMSIG(status) : 0, h->restarts);
    bool quick = lw_mono_us() - h->started_mono_us < PG_HELPER_BACKOFF_MS * 1000LL;
    struct lw_err err = {0};
    h->restarts++;
    if (spawn(h, quick ? PG_HELPER_BACKOFF_MS : 0, &err) != LW_OK)
        LW_ERROR(h->log_module, "restart_failed", "reason=\"%s\"", err.msg);
    return true;
}

bool pg_helper_child_exited(void *arg, pid_t pid, int status)
{
    struct pg_helper_set *set = arg;
    for (int i = 0; i < set->n; i++)
        if (restart_if_mine(set->helpers[i], pid, status))
            return true;
    return false;
}

void pg_helper_stop(struct pg_helper *h)
{
    if (!h || h->pid <= 0)
        return;
    kill(h->pid, SIGKILL);
    waitpid(h->pid, NULL, 0);
    h->pid = 0;
}

bool pg_helper_orphaned(const struct pg_helper *h)
{
    return getppid() != h->parent;
}

void pg_helper_sleep_ms(int64_t ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

uint64_t pg_helper_rss_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long long size = 0, res = 0;
    if (!f)
        return 0;
    if (fscanf(f, "%llu %llu", &size, &res) != 2)
        res = 0;
    fclose(f);
    return (uint64_t)res * (uint64_t)sysconf(_SC_PAGESIZE);
}

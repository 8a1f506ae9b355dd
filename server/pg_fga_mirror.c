/* pg_fga_mirror.c -- the OpenFGA mirror process (pg_fga_mirror.h): fork, the sync loop, and
 * its restart by the postmaster. The loop is the only writer of the snapshot; it publishes
 * the contents only when a sync changed them (a first load, or changes applied) and the state
 * after every attempt, so a failing OpenFGA leaves the last snapshot readable with the error
 * and a growing lag beside it. */
#include "pg_fga_mirror.h"

#include "core/lw_log.h"
#include "pg_listener.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A mirror process that died sooner than this after its start waits this long before its
 * first sync, so a mirror that keeps crashing costs one fork a second, not a busy loop. */
#define RESTART_BACKOFF_MS 1000

struct pg_fga_mirror {
    struct pg_fga_mirror_opts o;
    struct fga_snap *snap;          /* read-only in this process */
    pid_t parent, pid;
    int64_t started_mono_us;
    unsigned restarts;
};

/* Resident memory of this process (the mirror's hash set, history and HTTP buffers). */
static uint64_t rss_bytes(void)
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

static void sleep_ms(int64_t ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static void export_metrics(const struct pg_fga_mirror *pm, const struct fga_snap_state *st)
{
    struct pg_shared_stats *s = pm->o.stats;
    if (!s)
        return;
    lw_gauge_set(&s->fga_mirror_tuples, st->loaded ? st->tuples : 0);
    lw_gauge_set(&s->fga_mirror_last_sync_seconds, (uint64_t)(st->last_sync_ms / 1000));
    lw_gauge_set(&s->fga_mirror_sync_failures, st->syncs_failed);
}

/* One attempt: sync, publish what changed, report. */
static void sync_once(struct pg_fga_mirror *pm, struct fga_snap *w, struct fga_mirror *m,
                      struct fga_client *fc, struct fga_snap_state *st)
{
    struct fga_mirror_stats before, after;
    struct lw_err err = {0};
    fga_mirror_stats(m, &before);
    int64_t t0 = lw_mono_us();
    st->last_attempt_ms = lw_wall_ms();
    int rc = fga_mirror_sync(m, fc, t0 + pm->o.sync_timeout_ms * 1000, &err);
    fga_mirror_stats(m, &after);
    bool changed = after.loaded && (!before.loaded || after.changes_applied !=
                                    before.changes_applied || after.changes_held !=
                                    before.changes_held);
    if (rc == LW_OK && changed)
        rc = fga_snap_publish(w, m, &err);
    int64_t took_ms = (lw_mono_us() - t0) / 1000;
    if (rc == LW_OK) {
        st->last_sync_ms = lw_wall_ms();
        st->syncs_ok++;
        st->error[0] = 0;
        if (!before.loaded)
            st->first_load_ms = st->first_load_ms ? st->first_load_ms : took_ms;
        if (changed)
            st->generation++;
    } else {
        st->syncs_failed++;
        snprintf(st->error, sizeof st->error, "%s", err.msg[0] ? err.msg : "sync failed");
        LW_WARN("fga_mirror", "sync_failed", "reason=\"%s\" loaded=%d", st->error,
                after.loaded ? 1 : 0);
    }
    /* A load parses the whole log and store into lists it then frees: hand that memory back
     * rather than keep the peak for the process's life. */
    if (!before.loaded)
        malloc_trim(0);
    if (!before.loaded && after.loaded && rc == LW_OK)
        LW_INFO("fga_mirror", "loaded", "tuples=%zu bytes=%zu changes=%zu ms=%lld",
                after.tuples, after.bytes, after.changes_held, (long long)took_ms);
    st->last_sync_duration_ms = took_ms;
    /* The published contents stay readable through upstream failures and restarts of this
     * process; only a store over the bounds (the mirror drops it) withdraws them. */
    if (after.loaded && rc == LW_OK)
        st->loaded = 1;
    else if (!after.loaded && rc == LW_ENOMEM)
        st->loaded = 0;
    st->tuples = after.tuples;
    st->bytes = after.bytes;
    st->changes_held = after.changes_held;
    st->changes_applied = after.changes_applied;
    st->last_change_ms = after.last_change_ms;
    st->oldest_change_ms = after.oldest_change_ms;
    st->memory = fga_snap_published_bytes(w);
    st->process_rss = rss_bytes();
    fga_snap_put_state(w, st);
    export_metrics(pm, st);
}

static void __attribute__((noreturn)) mirror_main(struct pg_fga_mirror *pm, int64_t delay_ms)
{
    sigset_t none;
    struct lw_err err = {0};
    /* The postmaster's loop blocks these for its signalfd; this process takes the defaults,
     * and dies with the postmaster. */
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != pm->parent)
        _exit(0);
    if (pm->o.close_fd >= 0)
        close(pm->o.close_fd);
    prctl(PR_SET_NAME, "lakeward-fga");
    struct fga_snap *w = fga_snap_open_writer(pm->snap, &err);
    struct fga_client *fc = w ? fga_client_new(&pm->o.fga, &err) : NULL;
    struct fga_mirror *m = fc ? fga_mirror_new(&pm->o.bounds) : NULL;
    if (!m) {
        LW_ERROR("fga_mirror", "start_failed", "reason=\"%s\"",
                 err.msg[0] ? err.msg : "out of memory");
        _exit(1);
    }
    struct fga_snap_state st;
    /* A restart carries the state on, and so whether the published contents are whole: the
     * backends keep reading them until this process has synced. */
    fga_snap_get_state(pm->snap, &st);
    st.started_ms = lw_wall_ms();
    st.pid = (int32_t)getpid();
    fga_snap_put_state(w, &st);
    if (delay_ms > 0)
        sleep_ms(delay_ms);
    for (;;) {
        int64_t t0 = lw_mono_us();
        sync_once(pm, w, m, fc, &st);
        int64_t left = pm->o.interval_ms - (lw_mono_us() - t0) / 1000;
        if (left > 0)
            sleep_ms(left);
        if (getppid() != pm->parent)
            _exit(0);
    }
}

static int spawn(struct pg_fga_mirror *pm, int64_t delay_ms, struct lw_err *err)
{
    pm->started_mono_us = lw_mono_us();
    pid_t pid = fork();
    if (pid < 0)
        return lw_err_set(err, LW_EIO, "openfga mirror: fork failed (errno %d)", errno);
    if (pid == 0)
        mirror_main(pm, delay_ms);
    pm->pid = pid;
    return LW_OK;
}

struct pg_fga_mirror *pg_fga_mirror_start(const struct pg_fga_mirror_opts *o,
                                          struct lw_err *err)
{
    struct pg_fga_mirror *pm = lw_calloc(1, sizeof(*pm));
    if (!pm) {
        lw_err_set(err, LW_ENOMEM, "out of memory");
        return NULL;
    }
    pm->o = *o;
    if (pm->o.interval_ms <= 0)
        pm->o.interval_ms = 1000;
    if (pm->o.sync_timeout_ms <= 0)
        pm->o.sync_timeout_ms = 30000;
    pm->parent = getpid();
    const struct fga_mirror_opts *b = &pm->o.bounds;
    pm->snap = fga_snap_create(fga_snap_buffer_size(b->max_tuples ? b->max_tuples : 1000000,
                                                    b->max_bytes ? b->max_bytes : 256u << 20,
                                                    b->max_changes ? b->max_changes : 100000),
                               err);
    if (!pm->snap || spawn(pm, 0, err) != LW_OK) {
        fga_snap_free(pm->snap);
        lw_free(pm);
        return NULL;
    }
    LW_INFO("fga_mirror", "started", "pid=%d interval_ms=%lld max_tuples=%zu max_bytes=%zu "
            "max_changes=%zu", (int)pm->pid, (long long)pm->o.interval_ms, b->max_tuples,
            b->max_bytes, b->max_changes);
    return pm;
}

const struct fga_snap *pg_fga_mirror_snapshot(const struct pg_fga_mirror *m)
{
    return m ? m->snap : NULL;
}

bool pg_fga_mirror_child_exited(void *arg, pid_t pid, int status)
{
    struct pg_fga_mirror *pm = arg;
    if (!pm || pid != pm->pid)
        return false;
    pm->pid = 0;
    LW_WARN("fga_mirror", "process_died", "pid=%d status=%d signal=%d restarts=%u", (int)pid,
            WIFEXITED(status) ? WEXITSTATUS(status) : -1,
            WIFSIGNALED(status) ? WTERMSIG(status) : 0, pm->restarts);
    bool quick = lw_mono_us() - pm->started_mono_us < RESTART_BACKOFF_MS * 1000LL;
    struct lw_err err = {0};
    pm->restarts++;
    if (spawn(pm, quick ? RESTART_BACKOFF_MS : 0, &err) != LW_OK)
        LW_ERROR("fga_mirror", "restart_failed", "reason=\"%s\"", err.msg);
    return true;
}

void pg_fga_mirror_stop(struct pg_fga_mirror *pm)
{
    if (!pm)
        return;
    if (pm->pid > 0) {
        kill(pm->pid, SIGKILL);
        waitpid(pm->pid, NULL, 0);
    }
    fga_snap_free(pm->snap);
    lw_free(pm);
}

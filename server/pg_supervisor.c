/* pg_supervisor.c -- spawning, watching and restarting the SQL process (pg_supervisor.h),
 * and mirroring its shared counters into this process's metrics. */
#include "pg_supervisor.h"

#include "core/lw_log.h"
#include "core/lw_metrics.h"
#include "pg_listener.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define TICK_MS 20                  /* watcher period: checks whether the child is alive */
#define RESPAWN_GAP_MS 200          /* at most five restarts a second when it keeps dying */
#define STOP_WAIT_MS 5000           /* SIGTERM to SIGKILL when stopping */

/* One metric series mirrored from the shared page. */
struct mirror {
    const char *name, *help, *labels;
    size_t offset;                  /* of the lw_counter in struct pg_shared_stats */
    bool gauge;
};

static const struct mirror mirrors[] = {
    {"lakeward_pg_sessions_total", "Postgres-wire sessions started", "",
     offsetof(struct pg_shared_stats, sessions), false},
    {"lakeward_pg_auth_refused_total", "Postgres-wire logins refused", "",
     offsetof(struct pg_shared_stats, auth_refused), false},
    {"lakeward_pg_protocol_errors_total",
     "Postgres-wire connections closed for a protocol violation", "",
     offsetof(struct pg_shared_stats, protocol_errors), false},
    {"lakeward_pg_queries_total", "Postgres-wire queries", "result=\"ok\"",
     offsetof(struct pg_shared_stats, queries_ok), false},
    {"lakeward_pg_queries_total", "Postgres-wire queries", "result=\"error\"",
     offsetof(struct pg_shared_stats, queries_failed), false},
    {"lakeward_pg_connections_refused_total",
     "Postgres-wire connections refused at a connection or memory bound", "",
     offsetof(struct pg_shared_stats, refused), false},
    {"lakeward_pg_backend_crashes_total",
     "SQL backend processes that died from a signal (each lost only its own connection)", "",
     offsetof(struct pg_shared_stats, backend_crashes), false},
    {"lakeward_pg_backends", "SQL backend processes alive", "",
     offsetof(struct pg_shared_stats, backends), true},
    {"lakeward_fga_mirror_tuples", "OpenFGA tuples the SQL side's mirror holds (0: not loaded)",
     "", offsetof(struct pg_shared_stats, fga_mirror_tuples), true},
    {"lakeward_fga_mirror_last_sync_timestamp_seconds",
     "Unix time of the OpenFGA mirror's last successful sync (lag: time() minus this)", "",
     offsetof(struct pg_shared_stats, fga_mirror_last_sync_seconds), true},
    {"lakeward_fga_mirror_sync_failures", "OpenFGA mirror syncs that failed since it started",
     "", offsetof(struct pg_shared_stats, fga_mirror_sync_failures), true},
    {"lakeward_catalog_objects",
     "Lakekeeper catalog objects in the SQL side's shared catalog (0: none published)", "",
     offsetof(struct pg_shared_stats, catalog_objects), true},
    {"lakeward_catalog_last_load_timestamp_seconds",
     "Unix time of the shared catalog's last successful load (age: time() minus this)", "",
     offsetof(struct pg_shared_stats, catalog_last_load_seconds), true},
    {"lakeward_catalog_load_failures", "Shared catalog loads that failed since it started", "",
     offsetof(struct pg_shared_stats, catalog_load_failures), true},
};
#define NMIRRORS (sizeof mirrors / sizeof mirrors[0])

struct pg_supervisor {
    int listen_fd, stats_fd, ring_fd;
    int nice;                       /* set in the child between fork and exec */
    int alive[2];                   /* the child polls [0]; it hangs up when we are gone */
    int stop[2];                    /* a byte tells the watcher to stop */
    int port;
    struct pg_shared_stats *stats;
    struct lw_counter *mirrored[NMIRRORS];
    struct lw_counter *restarts;
    char **argv;                    /* the child's: main's argv + the internal option */
    char fdopt[96];
    pid_t child;
    int64_t spawned_us;
    pthread_t thread;
    bool thread_started;
};

static int bind_listen(struct pg_supervisor *s, const char *listen_addr, struct lw_err *err)
{
    struct addrinfo hints, *ai = NULL;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    char host[256], portstr[16];
    int port, one = 1;

    if (lw_parse_hostport(listen_addr, host, sizeof host, &port) != 0)
        return lw_err_set(err, LW_ECONFIG, "bad Postgres listen address '%s' (want HOST:PORT)",
                          listen_addr);
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    snprintf(portstr, sizeof portstr, "%d", port);
    if (getaddrinfo(host, portstr, &hints, &ai) != 0 || !ai)
        return lw_err_set(err, LW_ECONFIG, "cannot resolve Postgres listen host '%s'", host);
    s->listen_fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (s->listen_fd < 0 ||
        setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(s->listen_fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(s->listen_fd, 128) != 0) {
        int e = errno;
        freeaddrinfo(ai);
        return lw_err_set(err, LW_ECONFIG, "cannot listen on %s for Postgres clients: %s",
                          listen_addr, strerror(e));
    }
    freeaddrinfo(ai);
    if (getsockname(s->listen_fd, (struct sockaddr *)&ss, &sl) != 0)
        return lw_err_set(err, LW_ECONFIG, "getsockname: %s", strerror(errno));
    s->port = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                       : ntohs(((struct sockaddr_in *)&ss)->sin_port);
    LW_INFO("pg", "listening", "addr=%s port=%d", host, s->port);
    return 0;
}

/* Runs under the metric registry's lock at each /metrics render, so scrapes see the SQL
 * process's counters as they are now. */
static void mirror_stats(void *arg)
{
    struct pg_supervisor *s = arg;
    for (size_t i = 0; i < NMIRRORS; i++) {
        const struct lw_counter *src =
            (const struct lw_counter *)((const char *)s->stats + mirrors[i].offset);
        lw_gauge_set(s->mirrored[i], atomic_load_explicit(&src->value, memory_order_relaxed));
    }
}

static int make_stats(struct pg_supervisor *s, struct lw_err *err)
{
    void *p = MAP_FAILED;
    s->stats_fd = memfd_create("lakeward-pg-stats", MFD_CLOEXEC);
    if (s->stats_fd < 0 || ftruncate(s->stats_fd, sizeof *s->stats) != 0 ||
        (p = mmap(NULL, sizeof *s->stats, PROT_READ | PROT_WRITE, MAP_SHARED, s->stats_fd, 0)) ==
            MAP_FAILED)
        return lw_err_set(err, LW_ENOMEM, "cannot create the SQL counters' shared page: %s",
                          strerror(errno));
    s->stats = p;
    for (size_t i = 0; i < NMIRRORS; i++)
        s->mirrored[i] = mirrors[i].gauge
                             ? lw_metrics_gauge(mirrors[i].name, mirrors[i].help, mirrors[i].labels)
                             : lw_metrics_counter(mirrors[i].name, mirrors[i].help,
                                                  mirrors[i].labels);
    lw_metrics_on_render(mirror_stats, s);
    s->restarts = lw_metrics_counter("lakeward_pg_sql_process_restarts_total",
                                     "Times the SQL process died and was started again", "");
    return 0;
}

/* fork + exec of this executable. Between the two only async-signal-safe calls: this
 * process has threads, and a bare fork of it could inherit a lock held by one of them. */
static int spawn(struct pg_supervisor *s)
{
    const int inherit[4] = {s->listen_fd, s->ring_fd, s->stats_fd, s->alive[0]};
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(1);
        for (int i = 0; i < 4; i++)
            fcntl(inherit[i], F_SETFD, 0);
        /* Lowered here, not after exec: from its first instruction the SQL process (and
         * every backend it forks, which inherits the value) yields the CPU to the
         * authorizer. Failure is harmless (a warning in the child would need a logger). */
        if (s->nice > 0)
            (void)setpriority(PRIO_PROCESS, 0, s->nice);
        execv("/proc/self/exe", s->argv);
        _exit(127);
    }
    if (pid < 0) {
        LW_ERROR("pg", "spawn_failed", "errno=%d", errno);
        return -1;
    }
    s->child = pid;
    s->spawned_us = lw_mono_us();
    LW_INFO("pg", "sql_process_spawned", "pid=%d", (int)pid);
    return 0;
}

static void check_child(struct pg_supervisor *s)
{
    int st;
    if (s->child <= 0 || waitpid(s->child, &st, WNOHANG) != s->child)
        return;
    if (WIFSIGNALED(st))
        LW_WARN("pg", "sql_process_died", "pid=%d signal=%d action=restart", (int)s->child,
                WTERMSIG(st));
    else
        LW_WARN("pg", "sql_process_died", "pid=%d status=%d action=restart", (int)s->child,
                WEXITSTATUS(st));
    lw_counter_add(s->restarts, 1);
    s->child = 0;
}

static void stop_child(struct pg_supervisor *s)
{
    int64_t deadline = lw_mono_us() + STOP_WAIT_MS * 1000LL;
    int st;
    if (s->child <= 0)
        return;
    kill(s->child, SIGTERM);
    while (waitpid(s->child, &st, WNOHANG) == 0) {
        if (lw_mono_us() > deadline) {
            LW_WARN("pg", "sql_process_kill", "pid=%d reason=\"did not stop within %d ms\"",
                    (int)s->child, STOP_WAIT_MS);
            kill(s->child, SIGKILL);
            waitpid(s->child, &st, 0);
            break;
        }
        usleep(10000);
    }
    s->child = 0;
}

static void *watch_main(void *arg)
{
    struct pg_supervisor *s = arg;
    for (;;) {
        struct pollfd p = {s->stop[0], POLLIN, 0};
        if (poll(&p, 1, TICK_MS) > 0)
            break;
        check_child(s);
        if (s->child == 0 && lw_mono_us() - s->spawned_us >= RESPAWN_GAP_MS * 1000LL)
            spawn(s);
    }
    /* From this thread: the child's PR_SET_PDEATHSIG follows the thread that forked it, so it
     * would get SIGKILL the moment this thread returned, instead of a clean SIGTERM. */
    stop_child(s);
    return NULL;
}

static int build_argv(struct pg_supervisor *s, char *const *argv, struct lw_err *err)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    if (!(s->argv = lw_calloc((size_t)argc + 2, sizeof *s->argv)))
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    for (int i = 0; i < argc; i++)
        s->argv[i] = argv[i];
    snprintf(s->fdopt, sizeof s->fdopt, "--" PG_SUPERVISOR_OPTION "=%d,%d,%d,%d", s->listen_fd,
             s->ring_fd, s->stats_fd, s->alive[0]);
    s->argv[argc] = s->fdopt;
    return 0;
}

struct pg_supervisor *pg_supervisor_start(const struct pg_supervisor_opts *o, struct lw_err *err)
{
    struct pg_supervisor *s = lw_calloc(1, sizeof *s);
    if (!s) {
        lw_err_set(err, LW_ENOMEM, "out of memory");
        return NULL;
    }
    s->listen_fd = s->stats_fd = -1;
    s->alive[0] = s->alive[1] = s->stop[0] = s->stop[1] = -1;
    s->ring_fd = o->ring_fd;
    s->nice = o->nice;
    if (bind_listen(s, o->listen, err) != 0 || make_stats(s, err) != 0)
        goto fail;
    if (pipe2(s->alive, O_CLOEXEC) != 0 || pipe2(s->stop, O_CLOEXEC) != 0) {
        lw_err_set(err, LW_EIO, "pipe: %s", strerror(errno));
        goto fail;
    }
    if (build_argv(s, o->argv, err) != 0)
        goto fail;
    if (spawn(s) != 0) {
        lw_err_set(err, LW_EIO, "cannot start the SQL process: %s", strerror(errno));
        goto fail;
    }
    if (pthread_create(&s->thread, NULL, watch_main, s) != 0) {
        lw_err_set(err, LW_EIO, "cannot start the SQL process watcher");
        goto fail;
    }
    s->thread_started = true;
    return s;
fail:
    pg_supervisor_stop(s);
    return NULL;
}

int pg_supervisor_port(const struct pg_supervisor *s)
{
    return s->port;
}

void pg_supervisor_stop(struct pg_supervisor *s)
{
    if (!s)
        return;
    if (s->thread_started) {
        char b = 1;
        if (write(s->stop[1], &b, 1) != 1)
            LW_ERROR("pg", "wake_failed", "errno=%d", errno);
        pthread_join(s->thread, NULL);
    }
    stop_child(s);
    if (s->stats) {
        lw_metrics_on_render(NULL, NULL);
        munmap(s->stats, sizeof *s->stats);
    }
    for (int i = 0; i < 2; i++) {
        if (s->alive[i] >= 0)
            close(s->alive[i]);
        if (s->stop[i] >= 0)
            close(s->stop[i]);
    }
    if (s->stats_fd >= 0)
        close(s->stats_fd);
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    lw_free(s->argv);
    lw_free(s);
}

/* Closes every descriptor above 2 except the (sorted) keep list. */
static void close_others(const int keep[4])
{
    int k[4], lo = 3;
    memcpy(k, keep, sizeof k);
    for (int i = 1; i < 4; i++)
        for (int j = i; j > 0 && k[j - 1] > k[j]; j--) {
            int t = k[j];
            k[j] = k[j - 1];
            k[j - 1] = t;
        }
    for (int i = 0; i < 4; i++) {
        if (k[i] > lo)
            close_range((unsigned)lo, (unsigned)k[i] - 1, 0);
        if (k[i] + 1 > lo)
            lo = k[i] + 1;
    }
    close_range((unsigned)lo, ~0u, 0);
}

int pg_supervisor_child_fds(const char *value, int fds[4])
{
    const char *p = value;
    for (int i = 0; i < 4; i++) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < 3 || v > 1 << 20 || (i < 3 ? *end != ',' : *end != '\0'))
            return LW_EINVAL;
        fds[i] = (int)v;
        p = end + 1;
    }
    close_others(fds);
    for (int i = 0; i < 4; i++)
        fcntl(fds[i], F_SETFD, FD_CLOEXEC);     /* backends get what they need by fork */
    return 0;
}

struct pg_shared_stats *pg_supervisor_attach_stats(int fd)
{
    void *p = mmap(NULL, sizeof(struct pg_shared_stats), PROT_READ | PROT_WRITE, MAP_SHARED,
                   fd, 0);
    return p == MAP_FAILED ? NULL : p;
}

void pg_supervisor_detach_stats(struct pg_shared_stats *stats)
{
    if (stats)
        munmap(stats, sizeof *stats);
}

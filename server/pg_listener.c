/* pg_listener.c -- the SQL process's postmaster (pg_listener.h): accept, bound, fork a
 * backend, reap. Single-threaded on purpose: fork() is only safe from a process with one
 * thread, and a loop that does nothing but accept and fork has no reason to stall. Signals
 * (SIGCHLD, SIGTERM, SIGINT) arrive through a signalfd in the same poll. */
#include "pg_listener.h"

#include "core/lw_log.h"
#include "pg_auth.h"
#include "pg_cancel.h"
#include "pg_session.h"
#include "pg_wire.h"
#include "../sql/sql_parse.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* Connections over a bound still get the startup exchange (clients do not trust errors sent
 * in answer to an SSLRequest, so they would not show the real reason) in a few extra
 * short-lived backends; past those they get the error at once and are closed. */
#define MAX_REFUSING 8
#define REFUSING_STARTUP_MS 5000
#define STOP_GRACE_MS 2000          /* backends get this long after SIGTERM, then SIGKILL */

#if defined(__SANITIZE_ADDRESS__)
#define LW_HAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LW_HAVE_ASAN 1
#endif
#endif

struct backend {
    pid_t pid;                      /* 0: free slot */
    bool refusing;
    unsigned char addr[16];         /* client address (IPv4 mapped into IPv6) */
};

struct postmaster {
    const struct pg_listener_opts *o;
    int sigfd;
    unsigned limit;                 /* pg_listener_backend_limit */
    struct backend *b;
    struct pg_cancel_table *cancel; /* (pid, key) per slot, shared with every backend */
    unsigned nslots, nserving, nrefusing;
    struct pg_metrics metrics;
};

static void peer_name(const struct sockaddr_storage *ss, char *out, size_t n, unsigned char *a16)
{
    char host[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    memset(a16, 0, 16);
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
        inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
        port = ntohs(a->sin_port);
        a16[10] = a16[11] = 0xff;
        memcpy(a16 + 12, &a->sin_addr, 4);
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
        port = ntohs(a->sin6_port);
        memcpy(a16, &a->sin6_addr, 16);
    }
    snprintf(out, n, "%s:%d", host, port);
}

unsigned pg_listener_backend_limit(const struct pg_listener_opts *o)
{
    unsigned limit = o->max_connections ? o->max_connections : 64;
    if (o->memory_budget > 0 && o->backend_max_memory > 0) {
        int64_t fit = o->memory_budget / o->backend_max_memory;
        if (fit < 1)
            fit = 1;
        if ((uint64_t)fit < limit)
            limit = (unsigned)fit;
    }
    return limit;
}

/* Tells a client it is over a bound without a backend (the refusing backends are all busy). */
static void refuse_now(int fd, const char *msg)
{
    struct lw_buf b;
    lw_buf_init(&b, 512);
    pg_put_error(&b, 'E', "FATAL", "53300", msg, NULL, NULL, 0);
    if (!b.failed && send(fd, b.data, b.len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
        LW_DEBUG("pg", "refuse_send_failed", "errno=%d", errno);
    lw_buf_free(&b);
}

/* --- the backend (runs in the forked child) ----------------------------------------------- */

static void *session_thread(void *arg)
{
    pg_session_run(arg);
    return NULL;
}

/* The data segment cap that keeps one backend's statements inside its share of the budget.
 * Not under AddressSanitizer, whose shadow memory is itself a huge private mapping. */
static void limit_memory(int64_t bytes)
{
#ifndef LW_HAVE_ASAN
    if (bytes > 0) {
        struct rlimit rl = {(rlim_t)bytes, (rlim_t)bytes};
        if (setrlimit(RLIMIT_DATA, &rl) != 0)
            LW_WARN("pg", "rlimit_failed", "errno=%d", errno);
    }
#else
    (void)bytes;
#endif
}

static void backend_main(struct postmaster *pm, struct pg_session_opts *so)
{
    sigset_t none;
    pthread_attr_t attr;
    pthread_t t;

    /* Dies with the postmaster: connection accounting lives there, so no backend outlives it. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    close(pm->o->listen_fd);
    close(pm->o->alive_fd);
    close(pm->sigfd);
    pg_cancel_install();            /* before SIGUSR1 can arrive unblocked */
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGCHLD, SIG_DFL);
    limit_memory(pm->o->backend_max_memory);
    pthread_attr_init(&attr);
    /* A known stack for the SQL engine's bounded recursion (sql_parse.h). */
    pthread_attr_setstacksize(&attr, SQL_STACK_SIZE);
    if (pthread_create(&t, &attr, session_thread, so) == 0) {
        pg_cancel_signals_elsewhere();  /* the new thread keeps them unblocked */
        pthread_join(t, NULL);
    } else {
        refuse_now(so->fd, "out of memory starting a backend");
    }
    pthread_attr_destroy(&attr);
    close(so->fd);
    lw_free(pm->b);
    exit(0);
}

/* --- the postmaster ---------------------------------------------------------------------- */

static struct backend *free_slot(struct postmaster *pm)
{
    for (unsigned i = 0; i < pm->nslots; i++)
        if (!pm->b[i].pid)
            return &pm->b[i];
    return NULL;
}

static unsigned count_address(const struct postmaster *pm, const unsigned char *a16)
{
    unsigned n = 0;
    for (unsigned i = 0; i < pm->nslots; i++)
        if (pm->b[i].pid && !pm->b[i].refusing && memcmp(pm->b[i].addr, a16, 16) == 0)
            n++;
    return n;
}

static void publish_count(struct postmaster *pm)
{
    lw_gauge_set(&pm->o->stats->backends, pm->nserving + pm->nrefusing);
}

static void accept_one(struct postmaster *pm)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    struct backend *slot;
    unsigned char a16[16];
    char peer[80];
    const char *over = NULL;
    int one = 1;
    pid_t pid;
    int fd = accept4(pm->o->listen_fd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC);

    if (fd < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
            LW_WARN("pg", "accept_failed", "errno=%d msg=\"%s\"", errno, strerror(errno));
        if (errno == EMFILE || errno == ENFILE)
            usleep(100000);     /* out of descriptors: do not spin */
        return;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    peer_name(&ss, peer, sizeof peer, a16);
    if (pm->nserving >= pm->limit)
        over = pm->limit < pm->o->max_connections ? "memory_budget" : "too_many_connections";
    else if (pm->o->max_per_address && count_address(pm, a16) >= pm->o->max_per_address)
        over = "too_many_connections_from_address";
    if (over) {
        lw_counter_add(&pm->o->stats->refused, 1);
        LW_WARN("pg", "connection_refused", "peer=%s reason=%s max=%u per_address=%u", peer,
                over, pm->limit, pm->o->max_per_address);
    }
    if ((over && pm->nrefusing >= MAX_REFUSING) || !(slot = free_slot(pm))) {
        refuse_now(fd, "sorry, too many clients already");
        close(fd);
        return;
    }
    struct pg_session_opts so = {
        .fd = fd,
        .peer = peer,
        .peer_addr = a16,
        .auth = pm->o->auth,
        .too_many = over != NULL,
        .tables = pm->o->tables,
        .metrics = &pm->metrics,
        .lakeward_version = pm->o->lakeward_version,
        .startup_timeout_ms = over && pm->o->startup_timeout_ms > REFUSING_STARTUP_MS
                                  ? REFUSING_STARTUP_MS : pm->o->startup_timeout_ms,
        .idle_timeout_ms = pm->o->idle_timeout_ms,
        .statement_timeout_ms = pm->o->statement_timeout_ms,
        .cancel_table = pm->cancel,
        .io_timeout_ms = 30000,
        .max_message = pm->o->max_message ? pm->o->max_message : 1u << 20,
    };
    if (getrandom(&so.backend_key, sizeof so.backend_key, 0) != (ssize_t)sizeof so.backend_key)
        so.backend_key = (int32_t)lw_mono_us();
    pid = fork();
    if (pid == 0) {
        so.backend_pid = (int32_t)getpid();
        backend_main(pm, &so);
    }
    close(fd);
    if (pid < 0) {
        LW_ERROR("pg", "fork_failed", "errno=%d peer=%s", errno, peer);
        return;
    }
    slot->pid = pid;
    pg_cancel_table_set(pm->cancel, (unsigned)(slot - pm->b), pid, so.backend_key);
    slot->refusing = over != NULL;
    memcpy(slot->addr, a16, 16);
    if (over)
        pm->nrefusing++;
    else
        pm->nserving++;
    publish_count(pm);
    LW_DEBUG("pg", "connection_accepted", "peer=%s pid=%d", peer, (int)pid);
}

static void reap(struct postmaster *pm)
{
    int st;
    pid_t pid;
    while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
        bool backend = false;
        for (unsigned i = 0; i < pm->nslots; i++) {
            struct backend *b = &pm->b[i];
            if (b->pid != pid)
                continue;
            if (b->refusing)
                pm->nrefusing--;
            else
                pm->nserving--;
            b->pid = 0;
            pg_cancel_table_set(pm->cancel, i, 0, 0);
            backend = true;
            break;
        }
        if (!backend && pm->o->child_exited && pm->o->child_exited(pm->o->child_arg, pid, st))
            continue;
        if (WIFSIGNALED(st) && WTERMSIG(st) != SIGTERM) {
            lw_counter_add(&pm->o->stats->backend_crashes, 1);
            LW_WARN("pg", "backend_crashed", "pid=%d signal=%d reason=\"only its own connection "
                    "is lost\"", (int)pid, WTERMSIG(st));
        } else if (WIFEXITED(st) && WEXITSTATUS(st) != 0) {
            LW_WARN("pg", "backend_failed", "pid=%d status=%d", (int)pid, WEXITSTATUS(st));
        }
    }
    publish_count(pm);
}

/* SIGTERM to every backend, a grace period, then SIGKILL; every child reaped. */
static void stop_backends(struct postmaster *pm)
{
    int64_t deadline = lw_mono_us() + STOP_GRACE_MS * 1000LL;
    for (unsigned i = 0; i < pm->nslots; i++)
        if (pm->b[i].pid)
            kill(pm->b[i].pid, SIGTERM);
    while (pm->nserving + pm->nrefusing > 0) {
        if (lw_mono_us() > deadline) {
            for (unsigned i = 0; i < pm->nslots; i++)
                if (pm->b[i].pid)
                    kill(pm->b[i].pid, SIGKILL);
            deadline = INT64_MAX;
        }
        reap(pm);
        if (pm->nserving + pm->nrefusing > 0)
            usleep(10000);
    }
}

static void init_metrics(struct postmaster *pm)
{
    struct pg_shared_stats *s = pm->o->stats;
    pm->metrics = (struct pg_metrics){&s->sessions, &s->auth_refused, &s->protocol_errors,
                                      &s->queries_ok, &s->queries_failed};
}

int pg_listener_run(const struct pg_listener_opts *o)
{
    struct postmaster pm = {.o = o, .sigfd = -1};
    sigset_t mask;
    int rc = 0;

    pm.limit = pg_listener_backend_limit(o);
    pm.nslots = pm.limit + MAX_REFUSING;
    if (!(pm.b = lw_calloc(pm.nslots, sizeof *pm.b))) {
        LW_ERROR("pg", "out_of_memory", "slots=%u", pm.nslots);
        return 1;
    }
    pm.cancel = pg_cancel_table_new(pm.nslots);
    init_metrics(&pm);
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigprocmask(SIG_SETMASK, &mask, NULL);
    signal(SIGPIPE, SIG_IGN);
    if ((pm.sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
        LW_ERROR("pg", "signalfd_failed", "errno=%d", errno);
        pg_cancel_table_free(pm.cancel);
        lw_free(pm.b);
        return 1;
    }
    /* A child that exited before SIGCHLD was blocked (the OpenFGA mirror process is forked
     * before this loop) left no signal to read: reap it now, so child_exited still runs. */
    reap(&pm);
    LW_INFO("pg", "sql_process_started", "pid=%d tls=%s hba_rules=%d scram_users=%d "
            "max_backends=%u max_connections=%u per_address=%u startup_timeout_ms=%d "
            "idle_timeout_ms=%d backend_max_memory=%lld", (int)getpid(),
            o->auth->tls ? "on" : "off", o->auth->hba.nrules, o->auth->nusers, pm.limit,
            o->max_connections, o->max_per_address, o->startup_timeout_ms, o->idle_timeout_ms,
            (long long)o->backend_max_memory);
    for (;;) {
        struct pollfd p[3] = {{o->listen_fd, POLLIN, 0}, {o->alive_fd, POLLIN, 0},
                              {pm.sigfd, POLLIN, 0}};
        int n = poll(p, 3, -1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            LW_ERROR("pg", "poll_failed", "errno=%d", errno);
            rc = 1;
            break;
        }
        if (p[1].revents) {
            LW_INFO("pg", "sql_process_stopping", "reason=\"main process gone\"");
            break;
        }
        if (p[2].revents & POLLIN) {
            struct signalfd_siginfo si;
            bool stop = false;
            while (read(pm.sigfd, &si, sizeof si) == (ssize_t)sizeof si)
                stop |= si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT;
            reap(&pm);
            if (stop) {
                LW_INFO("pg", "sql_process_stopping", "reason=signal");
                break;
            }
        }
        if (p[0].revents & (POLLERR | POLLNVAL)) {
            LW_ERROR("pg", "listener_failed", "revents=%d", p[0].revents);
            rc = 1;
            break;
        }
        if (p[0].revents & POLLIN)
            accept_one(&pm);
    }
    stop_backends(&pm);
    close(pm.sigfd);
    pg_cancel_table_free(pm.cancel);
    lw_free(pm.b);
    return rc;
}

/* pg_listener.c -- accepting Postgres-wire connections and running one session thread per
 * connection (pg_listener.h). Sessions block on their own socket with timeouts, so one slow
 * client never holds up another; the connection bound caps the thread count. */
#include "pg_listener.h"

#include "core/lw_log.h"
#include "pg_session.h"
#include "pg_wire.h"
#include "../sql/sql_parse.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

/* Connections over the bound still get the startup exchange (so that clients, which do not
 * trust errors sent in answer to an SSLRequest, show the real reason) on a few extra
 * short-lived threads; past those they are closed at once. */
#define MAX_REFUSING 8

struct pg_conn {
    struct pg_listener *l;
    bool refusing;
    struct pg_session_opts so;
    char peer[80];
    struct pg_conn *prev, *next;
};

struct pg_listener {
    struct pg_listener_opts opts;
    int fd;
    int wake[2];                    /* pipe: a byte tells the accept thread to stop */
    int port;
    bool trust;                     /* the listen address is loopback */
    pthread_t thread;
    bool thread_started;
    struct pg_metrics metrics;
    struct lw_counter *rejected;

    pthread_mutex_t mu;             /* guards the fields below */
    pthread_cond_t cv;              /* signalled when a connection ends */
    struct pg_conn *conns;
    unsigned nconns;                /* sessions being served */
    unsigned nrefusing;             /* over the bound, being told so */
    int32_t next_pid;
    bool stopping;
};

static bool is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
    }
    return false;
}

static void peer_name(const struct sockaddr_storage *ss, char *out, size_t n)
{
    char host[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
        inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
        port = ntohs(a->sin_port);
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
        port = ntohs(a->sin6_port);
    }
    snprintf(out, n, "%s:%d", host, port);
}

static void *conn_main(void *arg)
{
    struct pg_conn *c = arg;
    struct pg_listener *l = c->l;
    pg_session_run(&c->so);
    pthread_mutex_lock(&l->mu);
    if (c->prev)
        c->prev->next = c->next;
    else
        l->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    if (c->refusing)
        l->nrefusing--;
    else
        l->nconns--;
    close(c->so.fd);
    pthread_cond_broadcast(&l->cv);
    pthread_mutex_unlock(&l->mu);
    lw_free(c);
    return NULL;
}

/* Refuses a connection beyond the bound with the message Postgres sends. */
static void refuse(int fd)
{
    struct lw_buf b;
    lw_buf_init(&b, 512);
    pg_put_error(&b, 'E', "FATAL", "53300", "sorry, too many clients already", NULL, NULL, 0);
    if (!b.failed && send(fd, b.data, b.len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
        LW_DEBUG("pg", "refuse_send_failed", "errno=%d", errno);
    lw_buf_free(&b);
}

static void accept_one(struct pg_listener *l)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    struct pg_conn *c;
    pthread_attr_t attr;
    pthread_t t;
    int one = 1, rc;
    bool over;
    int fd = accept4(l->fd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC);
    if (fd < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
            LW_WARN("pg", "accept_failed", "errno=%d msg=\"%s\"", errno, strerror(errno));
        if (errno == EMFILE || errno == ENFILE)
            usleep(100000);     /* out of descriptors: do not spin */
        return;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    pthread_mutex_lock(&l->mu);
    over = l->nconns >= l->opts.max_connections;
    if (over)
        LW_WARN("pg", "connection_refused", "reason=too_many_connections max=%u",
                l->opts.max_connections);
    if (l->stopping || (over && l->nrefusing >= MAX_REFUSING)) {
        pthread_mutex_unlock(&l->mu);
        lw_counter_add(l->rejected, 1);
        refuse(fd);
        close(fd);
        return;
    }
    if (over)
        lw_counter_add(l->rejected, 1);
    c = lw_calloc(1, sizeof *c);
    if (!c) {
        pthread_mutex_unlock(&l->mu);
        close(fd);
        return;
    }
    c->l = l;
    c->refusing = over;
    peer_name(&ss, c->peer, sizeof c->peer);
    c->so = (struct pg_session_opts){
        .fd = fd,
        .peer = c->peer,
        .trust = l->trust,
        .too_many = over,
        .tables = l->opts.tables,
        .metrics = &l->metrics,
        .lakeward_version = l->opts.lakeward_version,
        .backend_pid = ++l->next_pid,
        .startup_timeout_ms = over ? 5000 : 30000,
        .idle_timeout_ms = l->opts.idle_timeout_s * 1000,
        .io_timeout_ms = 30000,
        .max_message = l->opts.max_message,
    };
    if (getrandom(&c->so.backend_key, sizeof c->so.backend_key, 0) !=
        (ssize_t)sizeof c->so.backend_key)
        c->so.backend_key = (int32_t)lw_mono_us();
    c->next = l->conns;
    if (l->conns)
        l->conns->prev = c;
    l->conns = c;
    if (over)
        l->nrefusing++;
    else
        l->nconns++;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* A known stack for the SQL engine's bounded recursion (sql_parse.h). */
    pthread_attr_setstacksize(&attr, SQL_STACK_SIZE);
    rc = pthread_create(&t, &attr, conn_main, c);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        l->conns = c->next;
        if (c->next)
            c->next->prev = NULL;
        if (over)
            l->nrefusing--;
        else
            l->nconns--;
        pthread_mutex_unlock(&l->mu);
        LW_ERROR("pg", "thread_create_failed", "rc=%d peer=%s", rc, c->peer);
        refuse(fd);
        close(fd);
        lw_free(c);
        return;
    }
    pthread_mutex_unlock(&l->mu);
    LW_DEBUG("pg", "connection_accepted", "peer=%s", c->peer);
}

static void *accept_main(void *arg)
{
    struct pg_listener *l = arg;
    for (;;) {
        struct pollfd p[2] = {{l->fd, POLLIN, 0}, {l->wake[0], POLLIN, 0}};
        int rc = poll(p, 2, -1);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0) {
            LW_ERROR("pg", "poll_failed", "errno=%d", errno);
            break;
        }
        if (p[1].revents)
            break;
        if (p[0].revents & (POLLERR | POLLNVAL)) {
            LW_ERROR("pg", "listener_failed", "revents=%d", p[0].revents);
            break;
        }
        if (p[0].revents & POLLIN)
            accept_one(l);
    }
    return NULL;
}

static void register_metrics(struct pg_listener *l)
{
    l->metrics.sessions = lw_metrics_counter("lakeward_pg_sessions_total",
                                             "Postgres-wire sessions started", "");
    l->metrics.auth_refused = lw_metrics_counter("lakeward_pg_auth_refused_total",
                                                 "Postgres-wire logins refused", "");
    l->metrics.protocol_errors = lw_metrics_counter(
        "lakeward_pg_protocol_errors_total", "Postgres-wire connections closed for a protocol "
        "violation", "");
    l->metrics.queries_ok = lw_metrics_counter("lakeward_pg_queries_total",
                                               "Postgres-wire queries", "result=\"ok\"");
    l->metrics.queries_failed = lw_metrics_counter("lakeward_pg_queries_total",
                                                   "Postgres-wire queries", "result=\"error\"");
    l->rejected = lw_metrics_counter("lakeward_pg_connections_refused_total",
                                     "Postgres-wire connections refused at the connection bound",
                                     "");
}

static int bind_listen(struct pg_listener *l, struct lw_err *err)
{
    struct addrinfo hints, *ai = NULL;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    char host[256], portstr[16];
    int port, one = 1;

    if (lw_parse_hostport(l->opts.listen, host, sizeof host, &port) != 0)
        return lw_err_set(err, LW_ECONFIG, "bad Postgres listen address '%s' (want HOST:PORT)",
                          l->opts.listen);
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    snprintf(portstr, sizeof portstr, "%d", port);
    if (getaddrinfo(host, portstr, &hints, &ai) != 0 || !ai)
        return lw_err_set(err, LW_ECONFIG, "cannot resolve Postgres listen host '%s'", host);
    l->fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (l->fd < 0 || setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(l->fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(l->fd, 128) != 0) {
        int e = errno;
        freeaddrinfo(ai);
        return lw_err_set(err, LW_ECONFIG, "cannot listen on %s for Postgres clients: %s",
                          l->opts.listen, strerror(e));
    }
    freeaddrinfo(ai);
    if (getsockname(l->fd, (struct sockaddr *)&ss, &sl) != 0)
        return lw_err_set(err, LW_ECONFIG, "getsockname: %s", strerror(errno));
    l->trust = is_loopback((struct sockaddr *)&ss);
    l->port = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                       : ntohs(((struct sockaddr_in *)&ss)->sin_port);
    LW_INFO("pg", "listening", "addr=%s port=%d auth=%s max_connections=%u", host, l->port,
            l->trust ? "trust(loopback)" : "refused(no TLS yet)", l->opts.max_connections);
    if (!l->trust)
        LW_WARN("pg", "no_authentication_method", "reason=\"the Postgres listener is not on "
                "loopback and password authentication needs TLS, which is not there yet: every "
                "login is refused\"");
    return 0;
}

struct pg_listener *pg_listener_start(const struct pg_listener_opts *opts, struct lw_err *err)
{
    struct pg_listener *l = lw_calloc(1, sizeof *l);
    if (!l) {
        lw_err_set(err, LW_ENOMEM, "out of memory");
        return NULL;
    }
    l->opts = *opts;
    l->fd = l->wake[0] = l->wake[1] = -1;
    if (!l->opts.idle_timeout_s)
        l->opts.idle_timeout_s = 600;
    if (!l->opts.max_message)
        l->opts.max_message = 1u << 20;
    if (!l->opts.max_connections)
        l->opts.max_connections = 64;
    if (!l->opts.lakeward_version)
        l->opts.lakeward_version = "?";
    pthread_mutex_init(&l->mu, NULL);
    pthread_cond_init(&l->cv, NULL);
    register_metrics(l);
    if (bind_listen(l, err) != 0)
        goto fail;
    if (pipe2(l->wake, O_CLOEXEC) != 0) {
        lw_err_set(err, LW_EIO, "pipe: %s", strerror(errno));
        goto fail;
    }
    if (pthread_create(&l->thread, NULL, accept_main, l) != 0) {
        lw_err_set(err, LW_EIO, "cannot start the Postgres listener thread");
        goto fail;
    }
    l->thread_started = true;
    return l;
fail:
    pg_listener_stop(l);
    return NULL;
}

int pg_listener_port(const struct pg_listener *l)
{
    return l->port;
}

void pg_listener_stop(struct pg_listener *l)
{
    if (!l)
        return;
    if (l->thread_started) {
        char b = 1;
        if (write(l->wake[1], &b, 1) != 1)
            LW_ERROR("pg", "wake_failed", "errno=%d", errno);
        pthread_join(l->thread, NULL);
    }
    /* Sessions see their socket shut down, finish and unregister themselves. */
    pthread_mutex_lock(&l->mu);
    l->stopping = true;
    for (struct pg_conn *c = l->conns; c; c = c->next)
        shutdown(c->so.fd, SHUT_RDWR);
    while (l->nconns > 0 || l->nrefusing > 0)
        pthread_cond_wait(&l->cv, &l->mu);
    pthread_mutex_unlock(&l->mu);
    if (l->fd >= 0)
        close(l->fd);
    if (l->wake[0] >= 0)
        close(l->wake[0]);
    if (l->wake[1] >= 0)
        close(l->wake[1]);
    pthread_cond_destroy(&l->cv);
    pthread_mutex_destroy(&l->mu);
    lw_free(l);
}

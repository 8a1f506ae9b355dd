/* fuzz_pgwire.c -- libFuzzer target for the Postgres-wire session: each input is the byte
 * stream a client sends, run through pg_session_run (startup, the simple and the extended
 * protocol, binary parameters, Describe/Execute/Close, Sync recovery) over a socketpair,
 * against the SQL catalog's tables, on a thread with the stack a backend gives a session.
 * The first input byte chooses whether a valid StartupMessage is sent first (even: the
 * fuzzer starts in the query phase) or the raw bytes are the startup phase too (odd).
 * Whatever the server answers is read and dropped; it must never crash, hang or leak.
 * Seed corpus: tests/fuzz/fuzz_pgwire.seed. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../server/core/lw_log.h"
#include "../../server/pg_cancel.h"
#include "../../server/pg_session.h"
#include "../../sql/sql_catalog.h"
#include "../../sql/sql_parse.h"
#include "../../sql/sql_tables.h"

static struct sql_tables *tables;
static struct sql_catalog *catalog;
static struct lw_counter counters[5];
static struct pg_metrics metrics = {&counters[0], &counters[1], &counters[2], &counters[3],
                                    &counters[4]};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct lw_err err = {0};
    (void)argc;
    (void)argv;
    tables = sql_tables_new();
    if (!tables || !(catalog = sql_catalog_register(tables, &err))) {
        fprintf(stderr, "fuzz_pgwire: set-up failed: %s\n", err.msg);
        abort();
    }
    pg_cancel_install();            /* statement_timeout a client SETs is then harmless */
    lw_log_level = LW_LOG_ERROR;    /* a line per FATAL would slow the run tenfold */
    return 0;
}

static void *session_thread(void *arg)
{
    const struct pg_session_opts *o = arg;
    pg_session_run(o);
    shutdown(o->fd, SHUT_RDWR);     /* as the backend's close: the reader sees the end */
    return NULL;
}

/* The StartupMessage psql sends (protocol 3.0, user and database). */
static const unsigned char startup[] = {
    0, 0, 0, 37, 0, 3, 0, 0, 'u', 's', 'e', 'r', 0, 'f', 'u', 'z', 'z', 0,
    'd', 'a', 't', 'a', 'b', 'a', 's', 'e', 0, 'l', 'a', 'k', 'e', 'w', 'a', 'r', 'd', 0, 0,
};

/* Writes in[0..n) to fd while draining what the session sends, until the session closes.
 * Both at once: a session blocked on a full socket would otherwise never read the rest. */
static void exchange(int fd, const uint8_t *in, size_t n)
{
    size_t off = 0;
    char buf[65536];
    bool shut = false;
    for (;;) {
        struct pollfd p = {fd, POLLIN | (off < n ? POLLOUT : 0), 0};
        if (off >= n && !shut) {
            shutdown(fd, SHUT_WR);      /* end of input: the session reads EOF */
            shut = true;
        }
        int rc = poll(&p, 1, 30000);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc <= 0) {
            fprintf(stderr, "fuzz_pgwire: the session neither read nor ended in 30 s\n");
            abort();                    /* a hang */
        }
        if (p.revents & POLLOUT) {
            ssize_t w = send(fd, in + off, n - off, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (w > 0)
                off += (size_t)w;
            else if (w < 0 && errno != EAGAIN)
                off = n;                /* the session closed: stop sending */
        }
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t r = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
            if (r == 0 || (r < 0 && errno != EAGAIN))
                return;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int sv[2];
    pthread_attr_t attr;
    pthread_t t;
    uint8_t *in;
    size_t n = 0;
    bool raw;
    struct pg_session_opts o = {0};

    if (size < 1)
        return -1;
    raw = data[0] & 1;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0 ||
        !(in = lw_malloc(sizeof startup + size)))
        abort();
    if (!raw) {
        memcpy(in, startup, sizeof startup);
        n = sizeof startup;
    }
    memcpy(in + n, data + 1, size - 1);
    n += size - 1;

    o.fd = sv[1];
    o.peer = "fuzz";
    o.trust = true;
    o.tables = tables;
    o.metrics = &metrics;
    o.lakeward_version = "fuzz";
    o.backend_pid = 1;
    o.backend_key = 2;
    o.startup_timeout_ms = 5000;
    o.idle_timeout_ms = 5000;
    o.io_timeout_ms = 5000;
    o.statement_timeout_ms = 2000;
    o.max_message = 1u << 20;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, SQL_STACK_SIZE);
    if (pthread_create(&t, &attr, session_thread, &o) != 0)
        abort();
    exchange(sv[0], in, n);
    pthread_join(t, NULL);
    pthread_attr_destroy(&attr);
    close(sv[0]);
    close(sv[1]);
    lw_free(in);
    return 0;
}

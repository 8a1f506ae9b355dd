/* static_responder.c -- the benchmark's baseline: lakeward's own HTTP listener
 * (server/http_server.c: event loop, keep-alive, bodies buffered the same way, lakeward's
 * default bounds) answering every POST and GET with the constant {"result":true} on the loop
 * thread, as lakeward answers a cached decision. Whatever lakeward's warm path costs above this
 * is the cost of deciding.
 *
 *   static_responder HOST:PORT      prints "port=N" on stdout once listening; stops on
 *                                   SIGINT/SIGTERM. Port 0 picks a free port. */
#include "http_server.h"
#include "core/lw_log.h"

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static bool on_any(void *ctx, const struct http_request *req, struct http_response *resp)
{
    (void)ctx;
    (void)req;
    lw_buf_puts(&resp->body, "{\"result\":true}");
    return true;
}

int main(int argc, char **argv)
{
    struct lw_err err = {0};
    struct http_route routes[] = {
        {"POST", "/*", NULL, NULL, on_any, NULL},
        {"GET", "/*", NULL, NULL, on_any, NULL},
    };
    struct http_server_opts o = {0};
    struct http_server *srv;
    sigset_t stop;
    int sig;

    if (argc != 2) {
        fprintf(stderr, "usage: %s HOST:PORT\n", argv[0]);
        return 2;
    }
    lw_log_level = LW_LOG_WARN;
    /* The bounds lakeward's main.c passes with the default configuration (server/config.c);
     * timeouts and thread counts left 0 take http_server.h's defaults, which are the same. */
    o.listen = argv[1];
    o.routes = routes;
    o.nroutes = (int)(sizeof routes / sizeof routes[0]);
    o.max_body = 16u << 20;
    o.max_response = 64u << 20;
    o.max_connections = 10000;
    o.max_connections_per_ip = 1024;
    o.idle_timeout_s = 120;
    o.name = "static";

    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (!(srv = http_server_start(&o, &err))) {
        fprintf(stderr, "static_responder: %s\n", err.msg);
        return 1;
    }
    printf("port=%d\n", http_server_port(srv));
    fflush(stdout);
    sigwait(&stop, &sig);
    http_server_stop(srv);
    return 0;
}

/* http_server.h -- an HTTP/1.1 listener (libmicrohttpd in epoll mode: a few event-loop
 * threads own every socket, a bounded worker pool runs blocking handlers) that routes requests
 * to handlers by method and path. It buffers bodies up to a bound, enforces head/body/idle
 * deadlines and connection limits, answers JSON errors for unknown paths, oversize bodies,
 * ambiguous framing and wrong methods, and never lets a handler's failure escape as anything
 * but a well-formed response. docs/http.md describes the design and the bounds. */
#ifndef HTTP_SERVER_H
#define HTTP_SERVER_H

#include "core/lw.h"
#include "core/lw_buf.h"

struct MHD_Connection;

/* A request as a handler sees it. Borrowed: valid only during the handler call. */
struct http_request {
    const char *method;
    const char *path;       /* without the query string */
    const char *body;       /* NUL-terminated; body_len excludes the NUL */
    size_t body_len;
    struct MHD_Connection *conn;
};

/* Header and query lookups; NULL when absent. Borrowed from the request. */
const char *http_request_header(const struct http_request *req, const char *name);
const char *http_request_query(const struct http_request *req, const char *key);

#define HTTP_MAX_EXTRA_HEADERS 4

/* What a handler fills. body starts empty with the server's response bound; status
 * defaults to 200 and content_type to application/json. */
struct http_response {
    int status;
    const char *content_type;   /* static string */
    struct lw_buf body;
    int nheaders;
    char header_name[HTTP_MAX_EXTRA_HEADERS][64];
    char header_value[HTTP_MAX_EXTRA_HEADERS][256];
    bool drop_connection;       /* close the connection without answering (fault injection) */
};

/* Sets status and a JSON body {"error": {"code": status, "message": msg}}. */
void http_response_error(struct http_response *resp, int status, const char *fmt, ...)
    LW_PRINTF(3, 4);
/* The same with an optional "type" member (Lakekeeper's error shape) and a va_list. */
void http_response_errorv(struct http_response *resp, int status, const char *type,
                          const char *fmt, va_list ap) LW_PRINTF(4, 0);
/* Adds a response header (silently dropped past HTTP_MAX_EXTRA_HEADERS). */
void http_response_header(struct http_response *resp, const char *name, const char *value);

/* A handler that may block (an upstream call): it runs on a worker thread while the
 * connection is suspended, and the connection is resumed when it returns. */
typedef void (*http_handler_fn)(void *ctx, const struct http_request *req,
                                struct http_response *resp);
/* A handler that never blocks: it runs on the event-loop thread that owns the connection.
 * Returns true when it answered (resp filled); false to hand the request to the route's
 * blocking fn on a worker, with resp left as it was. */
typedef bool (*http_inline_fn)(void *ctx, const struct http_request *req,
                               struct http_response *resp);

/* A route answers inline when it can and on a worker otherwise: set inline_fn, fn or both
 * (inline_fn alone must always answer; fn alone always runs on a worker). busy_fn, when set,
 * answers on the loop thread instead of fn when no worker can take the request (the queue
 * is full); without it such a request gets 503. */
struct http_route {
    const char *method;     /* "GET", "POST", ... */
    const char *path;       /* exact match, or prefix match when it ends in '*' */
    http_handler_fn fn;
    void *ctx;
    http_inline_fn inline_fn;
    http_inline_fn busy_fn;
};

struct http_server_opts {
    const char *listen;             /* "host:port"; port 0 picks a free port */
    const struct http_route *routes;
    int nroutes;
    size_t max_body;                /* request bodies above this get 413 */
    size_t max_response;            /* bound of a response body */
    unsigned max_connections;       /* more are accepted and closed at once (503 without TLS) */
    unsigned max_connections_per_ip;/* 0: no per-address limit; more are closed at once */
    unsigned idle_timeout_s;        /* keep-alive connections silent longer are closed */
    unsigned head_timeout_ms;       /* 0: 10 s. Whole request head, however it trickles */
    unsigned body_timeout_ms;       /* 0: 30 s. Whole body, from the end of the head */
    unsigned loop_threads;          /* 0: one per CPU this process may run on, at most 8 */
    unsigned workers;               /* 0: 64. Threads running blocking handlers */
    unsigned worker_queue;          /* 0: 1024. Blocking requests waiting beyond that get 503 */
    const char *tls_cert_file;      /* both set: serve HTTPS */
    const char *tls_key_file;
    const char *name;               /* for log lines, e.g. "http" */
};

struct http_server;

/* Starts listening. Returns NULL and fills err when the address cannot be bound or the
 * options are invalid. The caller owns the result and frees it with http_server_stop. */
struct http_server *http_server_start(const struct http_server_opts *opts, struct lw_err *err)
    LW_MUSTCHECK;
/* The port actually bound (useful with port 0). */
int http_server_port(const struct http_server *srv);
/* Runs the queued blocking handlers to completion, then closes every connection and frees
 * srv. */
void http_server_stop(struct http_server *srv);

#endif

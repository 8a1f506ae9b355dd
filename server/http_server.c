/* http_server.c -- libmicrohttpd glue: listener set-up, head checks, body buffering with a
 * bound, routing, inline or worker dispatch, and turning an http_response into an MHD
 * response.
 *
 * Event-driven: MHD runs in epoll mode with a small pool of loop threads, each owning its
 * share of the sockets, so an idle or slow connection costs memory and a descriptor, never a
 * thread. A route answers on the loop thread when it can without blocking (liveness, metrics,
 * a decision-cache hit); otherwise the connection is suspended (MHD stops polling it), the
 * request goes to the bounded worker pool (http_workers.h), and the worker resumes the
 * connection once the answer is in the request state; MHD then calls on_request again and the
 * answer is queued from the loop thread. Deadlines that trickling cannot reset and the
 * connection count live in http_deadline.h. docs/http.md explains the choice and the bounds. */
#include "http_server.h"

#include "core/lw_log.h"
#include "core/lw_metrics.h"
#include "http_deadline.h"
#include "http_workers.h"

#include <microhttpd.h>
#include <netdb.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#define DEFAULT_HEAD_TIMEOUT_MS 10000
#define DEFAULT_BODY_TIMEOUT_MS 30000
#define MAX_AUTO_LOOP_THREADS 8

/* One event-loop thread per CPU the process may run on (its affinity mask, which is what a
 * container's cpuset or taskset leaves it): more loop threads than CPUs only take turns on
 * a core, and a request on a descheduled loop waits a whole scheduler slice (measured: p99
 * 0.6 ms with one loop on one core, 4.4 ms with two). */
static unsigned auto_loop_threads(void)
{
    cpu_set_t set;
    int n = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
    return n < 1 ? 1u : n > MAX_AUTO_LOOP_THREADS ? MAX_AUTO_LOOP_THREADS : (unsigned)n;
}
#define DEFAULT_WORKERS 64
#define DEFAULT_WORKER_QUEUE 1024
#define HTTP_CONN_MEMORY (16 * 1024)

struct http_server {
    struct MHD_Daemon *daemon;
    struct http_server_opts opts;
    char *tls_cert;
    char *tls_key;
    int port;
    struct http_workers *workers;
    struct http_deadlines *deadlines;
    struct lw_counter *refused_connections, *refused_queue_full, *refused_framing;
};

/* Per-request state kept by MHD between calls of the access handler. While the connection
 * is suspended only the worker touches it; MHD_resume_connection's lock publishes resp to
 * the loop thread. */
struct request_state {
    struct http_server *srv;
    struct MHD_Connection *conn;
    struct http_conn_clock *clock;
    const struct http_route *route;
    const char *method, *url;       /* MHD's, valid until the request completes */
    struct lw_buf body;
    struct http_response resp;
    bool answered;                  /* resp holds the answer to send */
};

const char *http_request_header(const struct http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_request_query(const struct http_request *req, const char *key)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, key);
}

void http_response_errorv(struct http_response *resp, int status, const char *type,
                          const char *fmt, va_list ap)
{
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    resp->status = status;
    resp->content_type = "application/json";
    lw_buf_reset(&resp->body);
    lw_buf_printf(&resp->body, "{\"error\":{\"code\":%d,\"message\":", status);
    /* lw_buf_json_str replaces invalid or cut UTF-8 (vsnprintf may cut a sequence). */
    lw_buf_json_str(&resp->body, msg);
    if (type) {
        lw_buf_puts(&resp->body, ",\"type\":");
        lw_buf_json_str(&resp->body, type);
    }
    lw_buf_puts(&resp->body, "}}");
}

void http_response_error(struct http_response *resp, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    http_response_errorv(resp, status, NULL, fmt, ap);
    va_end(ap);
}

void http_response_header(struct http_response *resp, const char *name, const char *value)
{
    if (resp->nheaders >= HTTP_MAX_EXTRA_HEADERS)
        return;
    snprintf(resp->header_name[resp->nheaders], sizeof resp->header_name[0], "%s", name);
    snprintf(resp->header_value[resp->nheaders], sizeof resp->header_value[0], "%s", value);
    resp->nheaders++;
}

static const struct http_route *find_route(const struct http_server *srv, const char *method,
                                           const char *path, bool *path_known)
{
    *path_known = false;
    for (int i = 0; i < srv->opts.nroutes; i++) {
        const struct http_route *r = &srv->opts.routes[i];
        size_t n = strlen(r->path);
        bool match = (n > 0 && r->path[n - 1] == '*') ? strncmp(path, r->path, n - 1) == 0
                                                      : strcmp(path, r->path) == 0;
        if (!match)
            continue;
        *path_known = true;
        if (strcmp(method, r->method) == 0)
            return r;
    }
    return NULL;
}

/* Queues resp on conn (consuming its body) and starts the keep-alive clock. close_after
 * adds "Connection: close": MHD then closes once the answer is sent and reads nothing more
 * from the connection, so nothing pipelined behind a refused request is answered. */
static enum MHD_Result send_response(struct request_state *st, bool close_after)
{
    struct http_response *resp = &st->resp;
    struct MHD_Response *mr;
    enum MHD_Result ret;
    size_t len;
    char *data;
    if (resp->body.failed) {
        /* The handler's answer outgrew the response bound: say so rather than truncate. */
        resp->body.failed = false;
        http_response_error(resp, 500, "response too large");
    }
    len = resp->body.len;
    data = len ? lw_buf_take(&resp->body) : NULL;
    if (data)
        mr = MHD_create_response_from_buffer_with_free_callback(len, data, lw_free);
    else
        mr = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (!mr) {
        lw_free(data);
        return MHD_NO;
    }
    MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE,
                            resp->content_type ? resp->content_type : "application/json");
    for (int i = 0; i < resp->nheaders; i++)
        MHD_add_response_header(mr, resp->header_name[i], resp->header_value[i]);
    if (close_after)
        MHD_add_response_header(mr, MHD_HTTP_HEADER_CONNECTION, "close");
    ret = MHD_queue_response(st->conn, (unsigned)resp->status, mr);
    MHD_destroy_response(mr);
    http_conn_clock_stage(st->srv->deadlines, st->clock, HTTP_STAGE_IDLE);
    return ret;
}

/* ---- the request head: framing the body could be read by ---------------------------- */

struct head_facts {
    int content_length_n, transfer_encoding_n;
    const char *content_length, *transfer_encoding;
};

static enum MHD_Result collect_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                       const char *value)
{
    struct head_facts *f = cls;
    (void)kind;
    if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
        f->content_length_n++;
        f->content_length = value;
    } else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
        f->transfer_encoding_n++;
        f->transfer_encoding = value;
    }
    return MHD_YES;
}

/* Each rule fills resp and returns true when the head must be refused. A proxy in front
 * may have framed the request differently from us (request smuggling), so a refusal also
 * closes the connection. */
typedef bool (*head_rule_fn)(const struct http_server *srv, const struct head_facts *f,
                             struct http_response *resp);

static bool both_lengths(const struct http_server *srv, const struct head_facts *f,
                         struct http_response *resp)
{
    (void)srv;
    if (!(f->content_length_n && f->transfer_encoding_n) && f->content_length_n < 2 &&
        f->transfer_encoding_n < 2)
        return false;
    http_response_error(resp, 400, "ambiguous body framing: Content-Length with "
                        "Transfer-Encoding, or either of them repeated");
    return true;
}

static bool unknown_coding(const struct http_server *srv, const struct head_facts *f,
                           struct http_response *resp)
{
    (void)srv;
    if (!f->transfer_encoding || strcasecmp(f->transfer_encoding, "chunked") == 0)
        return false;
    http_response_error(resp, 501, "Transfer-Encoding '%.64s' is not supported (only chunked)",
                        f->transfer_encoding);
    return true;
}

static bool declared_too_large(const struct http_server *srv, const struct head_facts *f,
                               struct http_response *resp)
{
    int64_t n;
    /* MHD has checked the digits; a value past INT64_MAX is simply too large. */
    if (!f->content_length || (lw_parse_i64(f->content_length, 0, INT64_MAX, &n) == 0 &&
                               (uint64_t)n <= srv->opts.max_body))
        return false;
    http_response_error(resp, 413, "request body larger than %zu bytes", srv->opts.max_body);
    return true;
}

static const head_rule_fn head_rules[] = {both_lengths, unknown_coding, declared_too_large};

/* First call for a request: the head is complete. Returns true when it was refused (the
 * answer is queued and the body will not be read). */
static bool check_head(struct request_state *st, enum MHD_Result *ret)
{
    struct head_facts f = {0};
    MHD_get_connection_values(st->conn, MHD_HEADER_KIND, collect_framing, &f);
    for (size_t i = 0; i < sizeof head_rules / sizeof head_rules[0]; i++) {
        if (head_rules[i](st->srv, &f, &st->resp)) {
            lw_counter_add(st->srv->refused_framing, 1);
            *ret = send_response(st, true);
            st->answered = true;
            return true;
        }
    }
    return false;
}

/* ---- dispatch -------------------------------------------------------------------------- */

static struct http_request request_of(const struct request_state *st)
{
    return (struct http_request){st->method, st->url, st->body.data ? st->body.data : "",
                                 st->body.len, st->conn};
}

static void run_blocking(void *arg)
{
    struct request_state *st = arg;
    struct http_request req = request_of(st);
    st->route->fn(st->route->ctx, &req, &st->resp);
    st->answered = true;
    MHD_resume_connection(st->conn);
}

/* Sends a handler's answer; resp.drop_connection closes without one (fault injection). */
static enum MHD_Result answer(struct request_state *st)
{
    return st->resp.drop_connection ? MHD_NO : send_response(st, false);
}

/* The request is complete: answer it inline or hand it to a worker. */
static enum MHD_Result dispatch(struct request_state *st)
{
    struct http_server *srv = st->srv;
    struct http_request req = request_of(st);
    bool path_known;
    const struct http_route *route = find_route(srv, st->method, st->url, &path_known);

    if (!route) {
        if (path_known)
            http_response_error(&st->resp, 405, "method %s not allowed on %s", st->method,
                                st->url);
        else
            http_response_error(&st->resp, 404, "no such path: %s", st->url);
    } else if (route->inline_fn && route->inline_fn(route->ctx, &req, &st->resp)) {
        /* answered on the loop thread */
    } else if (!route->fn) {
        http_response_error(&st->resp, 500, "no handler for %s", st->url);
    } else {
        st->route = route;
        http_conn_clock_stage(srv->deadlines, st->clock, HTTP_STAGE_BUSY);
        MHD_suspend_connection(st->conn);
        if (http_workers_submit(srv->workers, run_blocking, st) != 0) {
            lw_counter_add(srv->refused_queue_full, 1);
            if (!route->busy_fn || !route->busy_fn(route->ctx, &req, &st->resp))
                http_response_error(&st->resp, 503, "server busy: %u requests already waiting",
                                    srv->opts.worker_queue);
            st->answered = true;
            MHD_resume_connection(st->conn);
        }
        return MHD_YES;
    }
    st->answered = true;
    return answer(st);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **state_p)
{
    struct http_server *srv = cls;
    struct request_state *st = *state_p;
    enum MHD_Result ret = MHD_YES;
    (void)version;

    if (!st) {
        /* First call: the head is complete. */
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        if (!(st = lw_calloc(1, sizeof *st)))
            return MHD_NO;
        st->srv = srv;
        st->conn = conn;
        st->clock = ci ? ci->socket_context : NULL;
        st->method = method;
        st->url = url;
        lw_buf_init(&st->body, srv->opts.max_body);
        st->resp.status = 200;
        st->resp.content_type = "application/json";
        lw_buf_init(&st->resp.body, srv->opts.max_response);
        *state_p = st;
        http_conn_clock_stage(srv->deadlines, st->clock, HTTP_STAGE_BODY);
        check_head(st, &ret);
        return ret;
    }
    if (*upload_size) {
        if (st->answered) {
            *upload_size = 0;   /* refused at the head; MHD discards the rest */
            return MHD_YES;
        }
        lw_buf_append(&st->body, upload_data, *upload_size);
        *upload_size = 0;
        if (st->body.failed) {
            /* Only a chunked body gets here (a declared length was checked at the head), and
             * MHD cannot queue an answer in the middle of a body: close at once. */
            lw_counter_add(srv->refused_framing, 1);
            LW_INFO(srv->opts.name, "body_too_large", "bound=%zu action=close",
                    srv->opts.max_body);
            return MHD_NO;
        }
        return MHD_YES;
    }
    if (st->answered && st->route) {
        return answer(st);   /* resumed after a worker answered */
    }
    if (st->answered)
        return MHD_YES;   /* refused at the head, answer already queued */
    return dispatch(st);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **state_p,
                         enum MHD_RequestTerminationCode toe)
{
    struct request_state *st = *state_p;
    (void)cls;
    (void)conn;
    (void)toe;
    if (st) {
        lw_buf_free(&st->body);
        lw_buf_free(&st->resp.body);
        lw_free(st);
        *state_p = NULL;
    }
}

/* ---- connections: count, refuse, clock ------------------------------------------------- */

#define REFUSAL_BODY "{\"error\":{\"code\":503,\"message\":\"too many connections\"}}"
static const char refusal[] = "HTTP/1.1 503 Service Unavailable\r\n"
                              "Content-Type: application/json\r\n"
                              "Connection: close\r\n"
                              "Content-Length: 55\r\n\r\n" REFUSAL_BODY;
_Static_assert(sizeof REFUSAL_BODY - 1 == 55, "Content-Length of the refusal");

/* A connection past max_connections: a fresh socket's send buffer is empty, so the short
 * 503 goes out without blocking (plain HTTP only; with TLS the client just sees a close).
 * shutdown() makes MHD see end-of-file and close it on its own thread. */
static void refuse_connection(struct http_server *srv, int fd)
{
    if (!srv->tls_cert && send(fd, refusal, sizeof refusal - 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
        LW_DEBUG(srv->opts.name, "refusal_not_sent", "fd=%d", fd);
    shutdown(fd, SHUT_RDWR);
    lw_counter_add(srv->refused_connections, 1);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    struct http_server *srv = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        *socket_context = ci ? http_deadlines_open(srv->deadlines, ci->connect_fd) : NULL;
        if (ci && !*socket_context)
            refuse_connection(srv, ci->connect_fd);
    } else {
        http_deadlines_close(srv->deadlines, *socket_context);
        *socket_context = NULL;
    }
}

static void on_mhd_error(void *cls, const char *fmt, va_list ap)
{
    struct http_server *srv = cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    LW_WARN(srv->opts.name, "mhd", "msg=\"%s\"", msg);
}

/* ---- start and stop -------------------------------------------------------------------- */

static char *read_file(const char *path, struct lw_err *err)
{
    FILE *f = fopen(path, "rb");
    struct lw_buf b;
    char chunk[4096];
    size_t n;
    if (!f) {
        lw_err_set(err, LW_ECONFIG, "cannot read %s", path);
        return NULL;
    }
    lw_buf_init(&b, 1 << 20);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        lw_buf_append(&b, chunk, n);
    fclose(f);
    if (b.failed)
        lw_err_set(err, LW_ECONFIG, "%s is too large", path);
    return lw_buf_take(&b);
}

static void apply_defaults(struct http_server_opts *o)
{
    if (!o->name)
        o->name = "http";
    if (!o->head_timeout_ms)
        o->head_timeout_ms = DEFAULT_HEAD_TIMEOUT_MS;
    if (!o->body_timeout_ms)
        o->body_timeout_ms = DEFAULT_BODY_TIMEOUT_MS;
    if (!o->loop_threads)
        o->loop_threads = auto_loop_threads();
    if (!o->workers)
        o->workers = DEFAULT_WORKERS;
    if (!o->worker_queue)
        o->worker_queue = DEFAULT_WORKER_QUEUE;
}

static void metrics_init(struct http_server *srv)
{
    static const char help[] = "Connections or requests refused by the HTTP layer's bounds";
    char labels[96];
    snprintf(labels, sizeof labels, "server=\"%s\",reason=\"connections\"", srv->opts.name);
    srv->refused_connections = lw_metrics_counter("lakeward_http_refused_total", help, labels);
    snprintf(labels, sizeof labels, "server=\"%s\",reason=\"queue_full\"", srv->opts.name);
    srv->refused_queue_full = lw_metrics_counter("lakeward_http_refused_total", help, labels);
    snprintf(labels, sizeof labels, "server=\"%s\",reason=\"framing\"", srv->opts.name);
    srv->refused_framing = lw_metrics_counter("lakeward_http_refused_total", help, labels);
}

struct http_server *http_server_start(const struct http_server_opts *opts, struct lw_err *err)
{
    struct http_server *srv;
    struct addrinfo hints, *ai = NULL;
    char host[256], portstr[16];
    int port, n = 0;
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_ERROR_LOG;
    struct MHD_OptionItem mo[16];
    const union MHD_DaemonInfo *info;

    if (lw_parse_hostport(opts->listen, host, sizeof host, &port) != 0) {
        lw_err_set(err, LW_ECONFIG, "bad listen address '%s' (want HOST:PORT)", opts->listen);
        return NULL;
    }
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    snprintf(portstr, sizeof portstr, "%d", port);
    if (getaddrinfo(host, portstr, &hints, &ai) != 0 || !ai) {
        lw_err_set(err, LW_ECONFIG, "cannot resolve listen host '%s'", host);
        return NULL;
    }
    srv = lw_calloc(1, sizeof *srv);
    if (!srv) {
        freeaddrinfo(ai);
        lw_err_set(err, LW_ENOMEM, "out of memory");
        return NULL;
    }
    srv->opts = *opts;
    apply_defaults(&srv->opts);
    opts = &srv->opts;
    metrics_init(srv);
    if (ai->ai_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (opts->tls_cert_file && opts->tls_key_file) {
        srv->tls_cert = read_file(opts->tls_cert_file, err);
        srv->tls_key = srv->tls_cert ? read_file(opts->tls_key_file, err) : NULL;
        if (!srv->tls_key)
            goto fail;
        flags |= MHD_USE_TLS;
    }
    srv->deadlines = http_deadlines_start(
        &(struct http_deadline_opts){opts->head_timeout_ms, opts->body_timeout_ms,
                                     (int64_t)opts->idle_timeout_s * 1000,
                                     opts->max_connections, opts->name},
        err);
    if (!srv->deadlines)
        goto fail;
    srv->workers = http_workers_start((int)opts->workers, (int)opts->worker_queue, opts->name,
                                      err);
    if (!srv->workers)
        goto fail;

#define OPT(o, v, p) (mo[n++] = (struct MHD_OptionItem){(o), (intptr_t)(v), (p)})
    OPT(MHD_OPTION_EXTERNAL_LOGGER, on_mhd_error, srv);
    OPT(MHD_OPTION_SOCK_ADDR, 0, ai->ai_addr);
    if (opts->loop_threads > 1)   /* one loop thread is MHD's own polling thread */
        OPT(MHD_OPTION_THREAD_POOL_SIZE, opts->loop_threads, NULL);
    /* Our own count refuses past max_connections with a 503; MHD's limit (split across the
     * loop threads, which then stop accepting) is only a backstop above it. */
    OPT(MHD_OPTION_CONNECTION_LIMIT, opts->max_connections + opts->max_connections / 4 + 16,
        NULL);
    if (opts->max_connections_per_ip)
        OPT(MHD_OPTION_PER_IP_CONNECTION_LIMIT, opts->max_connections_per_ip, NULL);
    /* MHD zeroes a connection's whole memory pool after every request: 16 KiB instead of
     * its default 32 KiB halves that and the memory of idle keep-alive connections, and
     * still holds any request head Trino or Lakekeeper clients send. */
    OPT(MHD_OPTION_CONNECTION_MEMORY_LIMIT, HTTP_CONN_MEMORY, NULL);
    OPT(MHD_OPTION_CONNECTION_TIMEOUT, opts->idle_timeout_s, NULL);
    OPT(MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv);
    OPT(MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv);
    if (srv->tls_cert) {
        OPT(MHD_OPTION_HTTPS_MEM_CERT, 0, srv->tls_cert);
        OPT(MHD_OPTION_HTTPS_MEM_KEY, 0, srv->tls_key);
    }
    OPT(MHD_OPTION_END, 0, NULL);
#undef OPT
    srv->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_ARRAY, mo,
                                   MHD_OPTION_END);
    if (!srv->daemon) {
        lw_err_set(err, LW_ECONFIG, "cannot listen on %s (address in use or not permitted)",
                   opts->listen);
        goto fail;
    }
    freeaddrinfo(ai);
    info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? info->port : port;
    LW_INFO(opts->name, "listening",
            "addr=%s port=%d tls=%s loop_threads=%u workers=%u max_connections=%u "
            "per_ip=%u head_ms=%u body_ms=%u idle_s=%u",
            host, srv->port, srv->tls_cert ? "on" : "off", opts->loop_threads, opts->workers,
            opts->max_connections, opts->max_connections_per_ip, opts->head_timeout_ms,
            opts->body_timeout_ms, opts->idle_timeout_s);
    return srv;
fail:
    freeaddrinfo(ai);
    http_server_stop(srv);
    return NULL;
}

int http_server_port(const struct http_server *srv)
{
    return srv->port;
}

void http_server_stop(struct http_server *srv)
{
    if (!srv)
        return;
    /* Workers first: each queued job resumes a suspended connection, and MHD must not free
     * a connection a worker still holds. Requests arriving meanwhile get 503. */
    http_workers_stop(srv->workers);
    if (srv->daemon)
        MHD_stop_daemon(srv->daemon);
    http_workers_free(srv->workers);
    /* After the daemon: its close notifications unregister the clocks. */
    http_deadlines_stop(srv->deadlines);
    lw_free(srv->tls_cert);
    lw_free(srv->tls_key);
    lw_free(srv);
}

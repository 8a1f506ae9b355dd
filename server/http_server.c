/* http_server.c -- libmicrohttpd glue: listener set-up, body buffering with a bound,
 * routing, and turning a handler's http_response into an MHD response.
 *
 * Thread per connection: handlers may block on upstream calls (Lakekeeper, IdP), and a
 * blocked handler must not stall other keep-alive connections, which it would in MHD's
 * shared-poll modes. Trino keeps at most 20 connections per destination by default, and
 * max_connections bounds the thread count. */
#include "http_server.h"

#include "core/lw_log.h"

#include <microhttpd.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

struct http_server {
    struct MHD_Daemon *daemon;
    struct http_server_opts opts;
    char *tls_cert;
    char *tls_key;
    int port;
};

/* Per-request state kept by MHD between calls of the access handler. */
struct request_state {
    struct lw_buf body;
    bool too_large;
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

static enum MHD_Result send_response(struct MHD_Connection *conn, struct http_response *resp)
{
    struct MHD_Response *mr;
    enum MHD_Result ret;
    if (resp->body.failed) {
        /* The handler's answer outgrew the response bound: say so rather than truncate. */
        resp->body.failed = false;
        http_response_error(resp, 500, "response too large");
    }
    mr = MHD_create_response_from_buffer(resp->body.len, resp->body.data ? resp->body.data : (void *)"",
                                         MHD_RESPMEM_MUST_COPY);
    if (!mr)
        return MHD_NO;
    MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE,
                            resp->content_type ? resp->content_type : "application/json");
    for (int i = 0; i < resp->nheaders; i++)
        MHD_add_response_header(mr, resp->header_name[i], resp->header_value[i]);
    ret = MHD_queue_response(conn, (unsigned)resp->status, mr);
    MHD_destroy_response(mr);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **state_p)
{
    struct http_server *srv = cls;
    struct request_state *st = *state_p;
    struct http_response resp;
    struct http_request req;
    const struct http_route *route;
    bool path_known;
    enum MHD_Result ret;
    (void)version;

    if (!st) {
        /* First call: headers only. Allocate state for the body. */
        st = lw_calloc(1, sizeof *st);
        if (!st)
            return MHD_NO;
        lw_buf_init(&st->body, srv->opts.max_body);
        *state_p = st;
        return MHD_YES;
    }
    if (*upload_size) {
        if (!st->too_large) {
            lw_buf_append(&st->body, upload_data, *upload_size);
            if (st->body.failed)
                st->too_large = true;   /* keep draining, answer 413 at the end */
        }
        *upload_size = 0;
        return MHD_YES;
    }

    memset(&resp, 0, sizeof resp);
    resp.status = 200;
    resp.content_type = "application/json";
    lw_buf_init(&resp.body, srv->opts.max_response);

    if (st->too_large) {
        http_response_error(&resp, 413, "request body larger than %zu bytes", srv->opts.max_body);
    } else if (!(route = find_route(srv, method, url, &path_known))) {
        if (path_known)
            http_response_error(&resp, 405, "method %s not allowed on %s", method, url);
        else
            http_response_error(&resp, 404, "no such path: %s", url);
    } else {
        req.method = method;
        req.path = url;
        req.body = st->body.data ? st->body.data : "";
        req.body_len = st->body.len;
        req.conn = conn;
        route->fn(route->ctx, &req, &resp);
    }
    /* MHD_NO makes libmicrohttpd close the connection without a response. */
    ret = resp.drop_connection ? MHD_NO : send_response(conn, &resp);
    lw_buf_free(&resp.body);
    return ret;
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
        lw_free(st);
        *state_p = NULL;
    }
}

static void on_mhd_error(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    (void)cls;
    vsnprintf(msg, sizeof msg, fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    LW_WARN("http", "mhd", "msg=\"%s\"", msg);
}

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

struct http_server *http_server_start(const struct http_server_opts *opts, struct lw_err *err)
{
    struct http_server *srv;
    struct addrinfo hints, *ai = NULL;
    char host[256], portstr[16];
    int port;
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_ERROR_LOG;
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
    if (ai->ai_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (opts->tls_cert_file && opts->tls_key_file) {
        srv->tls_cert = read_file(opts->tls_cert_file, err);
        srv->tls_key = srv->tls_cert ? read_file(opts->tls_key_file, err) : NULL;
        if (!srv->tls_key) {
            freeaddrinfo(ai);
            http_server_stop(srv);
            return NULL;
        }
        flags |= MHD_USE_TLS;
    }
    if (srv->tls_cert)
        srv->daemon = MHD_start_daemon(
            flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_error,
            srv, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
            MHD_OPTION_CONNECTION_LIMIT, opts->max_connections, MHD_OPTION_CONNECTION_TIMEOUT,
            opts->idle_timeout_s, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
            MHD_OPTION_HTTPS_MEM_CERT,
            srv->tls_cert, MHD_OPTION_HTTPS_MEM_KEY, srv->tls_key, MHD_OPTION_END);
    else
        srv->daemon = MHD_start_daemon(
            flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_error,
            srv, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
            MHD_OPTION_CONNECTION_LIMIT, opts->max_connections, MHD_OPTION_CONNECTION_TIMEOUT,
            opts->idle_timeout_s, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_END);
    freeaddrinfo(ai);
    if (!srv->daemon) {
        lw_err_set(err, LW_ECONFIG, "cannot listen on %s (address in use or not permitted)",
                   opts->listen);
        http_server_stop(srv);
        return NULL;
    }
    info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? info->port : port;
    LW_INFO(opts->name ? opts->name : "http", "listening", "addr=%s port=%d tls=%s", host,
            srv->port, srv->tls_cert ? "on" : "off");
    return srv;
}

int http_server_port(const struct http_server *srv)
{
    return srv->port;
}

void http_server_stop(struct http_server *srv)
{
    if (!srv)
        return;
    if (srv->daemon)
        MHD_stop_daemon(srv->daemon);
    lw_free(srv->tls_cert);
    lw_free(srv->tls_key);
    lw_free(srv);
}

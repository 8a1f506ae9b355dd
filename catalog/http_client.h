/* http_client.h -- outbound HTTP for everything that talks to the outside (Lakekeeper,
 * the IdP, OpenFGA). libcurl underneath: keep-alive connections shared by all threads,
 * several requests sent concurrently in one call, a timeout on every request, no
 * redirects followed, response bodies bounded.
 *
 * The exchange function is a replaceable pointer so unit tests can answer requests
 * themselves and see exactly what would have gone on the wire. */
#ifndef HTTP_CLIENT_H
#define HTTP_CLIENT_H

#include "../server/core/lw.h"
#include "../server/core/lw_buf.h"

#define HTTP_CLIENT_MAX_HEADERS 6

struct http_client_req {
    const char *method;                 /* "GET" or "POST" */
    const char *url;
    const char *headers[HTTP_CLIENT_MAX_HEADERS];   /* "Name: value", NULL-terminated */
    const char *body;                   /* NULL for none */
    size_t body_len;
    long timeout_ms;
};

struct http_client_resp {
    long status;                        /* 0 when no response arrived */
    struct lw_buf body;                 /* bounded; caller frees with http_client_resp_free */
    char content_type[128];
    int error;                          /* LW_OK, LW_EIO, LW_ETIMEOUT, LW_ENOMEM */
    char error_msg[192];                /* why, when error != LW_OK (no secrets: no bodies) */
};

/* Process-wide set-up and tear-down (curl_global_init and the shared connection cache). */
int http_client_global_init(struct lw_err *err) LW_MUSTCHECK;
void http_client_global_cleanup(void);

/* Sends n requests concurrently and waits for all. resps[i] answers reqs[i]; each resp's
 * body is initialised here with max_body. Never fails as a whole: per-request failures are
 * in resps[i].error. Replaceable by tests. */
extern void (*http_client_exchange)(const struct http_client_req *reqs,
                                    struct http_client_resp *resps, int n, size_t max_body);

void http_client_resp_free(struct http_client_resp *resp);

/* True when status is 2xx and the content type is JSON (OPA's http.send only parses JSON
 * bodies of JSON responses, and the bridge relies on that). */
bool http_client_resp_is_json_ok(const struct http_client_resp *resp);

#endif

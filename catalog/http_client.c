/* http_client.c -- libcurl implementation of http_client.h.
 *
 * One CURLSH shares connections, DNS and TLS sessions between all threads, so a request
 * from any Trino connection thread reuses a warm keep-alive connection to Lakekeeper.
 * Each thread keeps its own multi handle (created on first use, freed at thread exit)
 * because a multi handle must not be used by two threads at once. */
#include "http_client.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MAX_PARALLEL 64

static CURLSH *share;
static pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];
static pthread_key_t multi_key;

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *u)
{
    (void)h;
    (void)access;
    (void)u;
    pthread_mutex_lock(&share_locks[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *u)
{
    (void)h;
    (void)u;
    pthread_mutex_unlock(&share_locks[data]);
}

static void free_multi(void *m)
{
    curl_multi_cleanup(m);
}

int http_client_global_init(struct lw_err *err)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return lw_err_set(err, LW_EIO, "curl_global_init failed");
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_init(&share_locks[i], NULL);
    share = curl_share_init();
    if (!share)
        return lw_err_set(err, LW_ENOMEM, "curl_share_init failed");
    curl_share_setopt(share, CURLSHOPT_LOCKFUNC, share_lock);
    curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, share_unlock);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    if (pthread_key_create(&multi_key, free_multi) != 0)
        return lw_err_set(err, LW_ENOMEM, "pthread_key_create failed");
    return 0;
}

void http_client_global_cleanup(void)
{
    CURLM *m = pthread_getspecific(multi_key);
    if (m) {
        curl_multi_cleanup(m);
        pthread_setspecific(multi_key, NULL);
    }
    if (share)
        curl_share_cleanup(share);
    share = NULL;
    curl_global_cleanup();
}

void http_client_resp_free(struct http_client_resp *resp)
{
    lw_buf_free(&resp->body);
}

bool http_client_resp_is_json_ok(const struct http_client_resp *resp)
{
    return resp->error == LW_OK && resp->status >= 200 && resp->status < 300 &&
           strncasecmp(resp->content_type, "application/json", 16) == 0;
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *u)
{
    struct http_client_resp *resp = u;
    size_t n = size * nmemb;
    lw_buf_append(&resp->body, p, n);
    return resp->body.failed ? 0 : n;   /* 0 aborts the transfer: body over its bound */
}

static CURL *prepare(const struct http_client_req *req, struct http_client_resp *resp,
                     struct curl_slist **hdrs)
{
    CURL *h = curl_easy_init();
    if (!h) {
        snprintf(resp->error_msg, sizeof resp->error_msg, "cannot create request");
        return NULL;
    }
    curl_easy_setopt(h, CURLOPT_SHARE, share);
    curl_easy_setopt(h, CURLOPT_URL, req->url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, req->timeout_ms > 0 ? req->timeout_ms : 5000L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, req->timeout_ms > 0 ? req->timeout_ms : 5000L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, resp);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    *hdrs = NULL;
    for (int i = 0; i < HTTP_CLIENT_MAX_HEADERS && req->headers[i]; i++) {
        if (strpbrk(req->headers[i], "\r\n")) {
            /* A header value with a line break would inject headers: refuse the request. */
            curl_slist_free_all(*hdrs);
            *hdrs = NULL;
            curl_easy_cleanup(h);
            snprintf(resp->error_msg, sizeof resp->error_msg, "header with a line break refused");
            return NULL;
        }
        *hdrs = curl_slist_append(*hdrs, req->headers[i]);
    }
    /* Suppress curl's automatic "Expect: 100-continue" round trip on larger bodies. */
    *hdrs = curl_slist_append(*hdrs, "Expect:");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, *hdrs);
    if (strcmp(req->method, "POST") == 0) {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)(req->body ? req->body_len : 0));
    } else if (strcmp(req->method, "GET") != 0) {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
    }
    return h;
}

static void finish(CURL *h, CURLcode rc, struct http_client_resp *resp)
{
    char *ct = NULL;
    if (rc == CURLE_OK) {
        resp->error = LW_OK;
        resp->error_msg[0] = '\0';
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
        curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct);
        snprintf(resp->content_type, sizeof resp->content_type, "%s", ct ? ct : "");
        return;
    }
    resp->error = rc == CURLE_OPERATION_TIMEDOUT ? LW_ETIMEOUT
                  : rc == CURLE_WRITE_ERROR     ? LW_ENOMEM
                                                : LW_EIO;
    snprintf(resp->error_msg, sizeof resp->error_msg, "%s",
             rc == CURLE_WRITE_ERROR ? "response body too large" : curl_easy_strerror(rc));
}

static void curl_exchange(const struct http_client_req *reqs, struct http_client_resp *resps,
                          int n, size_t max_body)
{
    CURLM *multi = pthread_getspecific(multi_key);
    CURL *easy[MAX_PARALLEL];
    struct curl_slist *hdrs[MAX_PARALLEL];
    int done = 0;

    for (int i = 0; i < n; i++) {
        memset(&resps[i], 0, sizeof resps[i]);
        lw_buf_init(&resps[i].body, max_body);
        resps[i].error = LW_EIO;    /* until finish() says otherwise */
        snprintf(resps[i].error_msg, sizeof resps[i].error_msg, "no response");
    }
    if (!multi) {
        multi = curl_multi_init();
        if (multi)
            pthread_setspecific(multi_key, multi);
    }
    /* Send in waves of MAX_PARALLEL; callers normally stay below it. */
    while (done < n) {
        int wave = n - done < MAX_PARALLEL ? n - done : MAX_PARALLEL;
        int running = 0;
        for (int i = 0; i < wave; i++) {
            hdrs[i] = NULL;
            easy[i] = multi ? prepare(&reqs[done + i], &resps[done + i], &hdrs[i]) : NULL;
            if (!easy[i]) {
                resps[done + i].error = LW_EIO;
                if (!multi)
                    snprintf(resps[done + i].error_msg, sizeof resps[0].error_msg,
                             "cannot create request");
                continue;
            }
            curl_easy_setopt(easy[i], CURLOPT_PRIVATE, (void *)(intptr_t)i);
            curl_multi_add_handle(multi, easy[i]);
        }
        do {
            CURLMsg *msg;
            int left;
            if (curl_multi_perform(multi, &running) != CURLM_OK)
                break;
            while ((msg = curl_multi_info_read(multi, &left))) {
                if (msg->msg == CURLMSG_DONE) {
                    void *priv;
                    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
                    finish(msg->easy_handle, msg->data.result, &resps[done + (int)(intptr_t)priv]);
                }
            }
            if (running)
                curl_multi_poll(multi, NULL, 0, 1000, NULL);
        } while (running);
        for (int i = 0; i < wave; i++) {
            if (easy[i]) {
                curl_multi_remove_handle(multi, easy[i]);
                curl_easy_cleanup(easy[i]);
            }
            curl_slist_free_all(hdrs[i]);
        }
        done += wave;
    }
}

void (*http_client_exchange)(const struct http_client_req *reqs, struct http_client_resp *resps,
                             int n, size_t max_body) = curl_exchange;

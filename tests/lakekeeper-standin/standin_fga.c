/* standin_fga.c -- OpenFGA HTTP calls for the stand-in (see standin_fga.h). Request bodies are
 * built in bounded lw_bufs; answers are parsed with jansson and checked field by field. */
#include "standin_fga.h"

#include "../../catalog/http_client.h"
#include "../../server/core/lw_log.h"

#include <stdio.h>
#include <string.h>

#define FGA_BODY_MAX (4u << 20)         /* request bodies */
#define FGA_RESP_MAX (8u << 20)         /* response bodies */
#define FGA_READ_PAGES 1000             /* pages followed by one read */
#define FGA_PARALLEL 64                 /* BatchCheck calls in flight per standin_fga_check */

int standin_fga_init(struct standin_fga *fga, const char *url, const char *store_id, const char *model_id,
                     struct lw_err *err)
{
    size_t n = strlen(url);
    while (n > 0 && url[n - 1] == '/')
        n--;
    memset(fga, 0, sizeof *fga);
    if (snprintf(fga->base, sizeof fga->base, "%.*s/stores/%s", (int)n, url, store_id) >= (int)sizeof fga->base)
        return lw_err_set(err, LW_ECONFIG, "--openfga-url/--store-id too long");
    if (!standin_copy(fga->model_id, sizeof fga->model_id, model_id))
        return lw_err_set(err, LW_ECONFIG, "--model-id too long");
    fga->timeout_ms = 10000;
    return 0;
}

bool standin_tuple_set(struct standin_tuple *t, const char *user, const char *relation, const char *object)
{
    return standin_copy(t->user, sizeof t->user, user) &&
           standin_copy(t->relation, sizeof t->relation, relation) &&
           standin_copy(t->object, sizeof t->object, object);
}

static void put_key(struct lw_buf *b, const struct standin_tuple *t)
{
    lw_buf_puts(b, "{\"user\":");
    lw_buf_json_str(b, t->user);
    lw_buf_puts(b, ",\"relation\":");
    lw_buf_json_str(b, t->relation);
    lw_buf_puts(b, ",\"object\":");
    lw_buf_json_str(b, t->object);
    lw_buf_putc(b, '}');
}

/* One POST to <base><path>; on success the caller owns resp (http_client_resp_free). */
static int post(const struct standin_fga *fga, const char *path, const struct lw_buf *body,
                struct http_client_resp *resp, struct lw_err *err)
{
    char url[768];
    struct http_client_req req;
    memset(&req, 0, sizeof req);
    snprintf(url, sizeof url, "%s%s", fga->base, path);
    req.method = "POST";
    req.url = url;
    req.headers[0] = "Content-Type: application/json";
    req.body = body->data;
    req.body_len = body->len;
    req.timeout_ms = fga->timeout_ms;
    http_client_exchange(&req, resp, 1, FGA_RESP_MAX);
    if (resp->error != LW_OK) {
        int code = resp->error;
        lw_err_set(err, code, "openfga %s: %s", path, resp->error_msg);
        http_client_resp_free(resp);
        return code;
    }
    if (resp->status < 200 || resp->status >= 300) {
        lw_err_set(err, LW_EIO, "openfga %s: HTTP %ld: %.160s", path, resp->status,
                   resp->body.data ? resp->body.data : "");
        http_client_resp_free(resp);
        return LW_EIO;
    }
    return 0;
}

static int write_chunk(const struct standin_fga *fga, const struct standin_tuple *w, int nw,
                       const struct standin_tuple *d, int nd, struct lw_err *err)
{
    struct lw_buf b;
    struct http_client_resp resp;
    int rc;
    lw_buf_init(&b, FGA_BODY_MAX);
    lw_buf_puts(&b, "{\"authorization_model_id\":");
    lw_buf_json_str(&b, fga->model_id);
    if (nw > 0) {
        lw_buf_puts(&b, ",\"writes\":{\"on_duplicate\":\"ignore\",\"tuple_keys\":[");
        for (int i = 0; i < nw; i++) {
            if (i)
                lw_buf_putc(&b, ',');
            put_key(&b, &w[i]);
        }
        lw_buf_puts(&b, "]}");
    }
    if (nd > 0) {
        lw_buf_puts(&b, ",\"deletes\":{\"on_missing\":\"ignore\",\"tuple_keys\":[");
        for (int i = 0; i < nd; i++) {
            if (i)
                lw_buf_putc(&b, ',');
            put_key(&b, &d[i]);
        }
        lw_buf_puts(&b, "]}");
    }
    lw_buf_putc(&b, '}');
    if (b.failed) {
        lw_buf_free(&b);
        return lw_err_set(err, LW_ENOMEM, "openfga write body too large");
    }
    rc = post(fga, "/write", &b, &resp, err);
    lw_buf_free(&b);
    if (rc == 0)
        http_client_resp_free(&resp);
    return rc;
}

int standin_fga_write(const struct standin_fga *fga, const struct standin_tuple *writes, int nwrites,
                      const struct standin_tuple *deletes, int ndeletes, struct lw_err *err)
{
    /* Deletes first, so a write-after-delete of the same tuple in one call ends written. */
    for (int i = 0; i < ndeletes; i += SI_FGA_WRITE_MAX) {
        int k = ndeletes - i < SI_FGA_WRITE_MAX ? ndeletes - i : SI_FGA_WRITE_MAX;
        int rc = write_chunk(fga, NULL, 0, deletes + i, k, err);
        if (rc)
            return rc;
    }
    for (int i = 0; i < nwrites; i += SI_FGA_WRITE_MAX) {
        int k = nwrites - i < SI_FGA_WRITE_MAX ? nwrites - i : SI_FGA_WRITE_MAX;
        int rc = write_chunk(fga, writes + i, k, NULL, 0, err);
        if (rc)
            return rc;
    }
    return 0;
}

/* Parses one BatchCheck answer for checks [first, first+k). */
static int parse_batch(const struct http_client_resp *resp, int first, int k, bool *allowed, struct lw_err *err)
{
    json_error_t jerr;
    json_t *root, *result;
    int rc = 0;
    if (resp->error != LW_OK)
        return lw_err_set(err, resp->error, "openfga batch-check: %s", resp->error_msg);
    if (resp->status != 200)
        return lw_err_set(err, LW_EIO, "openfga batch-check: HTTP %ld: %.160s", resp->status,
                          resp->body.data ? resp->body.data : "");
    root = json_loadb(resp->body.data ? resp->body.data : "", resp->body.len, 0, &jerr);
    result = root ? json_object_get(root, "result") : NULL;
    if (!json_is_object(result)) {
        json_decref(root);
        return lw_err_set(err, LW_EIO, "openfga batch-check: answer without result object");
    }
    for (int i = 0; i < k && rc == 0; i++) {
        char cid[24];
        json_t *r, *a;
        snprintf(cid, sizeof cid, "%d", first + i);
        r = json_object_get(result, cid);
        a = r ? json_object_get(r, "allowed") : NULL;
        if (!r)
            rc = lw_err_set(err, LW_EIO, "openfga batch-check: no result for check %d", first + i);
        else if (json_object_get(r, "error"))
            rc = lw_err_set(err, LW_EIO, "openfga batch-check: check %d failed: %.120s", first + i,
                            json_string_value(json_object_get(json_object_get(r, "error"), "message"))
                                ? json_string_value(json_object_get(json_object_get(r, "error"), "message"))
                                : "error");
        else
            allowed[first + i] = json_is_true(a);
    }
    json_decref(root);
    return rc;
}

int standin_fga_check(const struct standin_fga *fga, const struct standin_tuple *checks, int n, bool *allowed,
                      struct lw_err *err)
{
    int nchunks = (n + SI_FGA_BATCH_MAX - 1) / SI_FGA_BATCH_MAX;
    struct http_client_req *reqs = NULL;
    struct http_client_resp *resps = NULL;
    struct lw_buf *bodies = NULL;
    char url[768];
    int rc = 0;

    if (n <= 0)
        return 0;
    reqs = lw_calloc((size_t)nchunks, sizeof *reqs);
    resps = lw_calloc((size_t)nchunks, sizeof *resps);
    bodies = lw_calloc((size_t)nchunks, sizeof *bodies);
    if (!reqs || !resps || !bodies) {
        rc = lw_err_set(err, LW_ENOMEM, "out of memory");
        goto out;
    }
    snprintf(url, sizeof url, "%s/batch-check", fga->base);
    for (int c = 0; c < nchunks; c++) {
        int first = c * SI_FGA_BATCH_MAX;
        int k = n - first < SI_FGA_BATCH_MAX ? n - first : SI_FGA_BATCH_MAX;
        struct lw_buf *b = &bodies[c];
        lw_buf_init(b, FGA_BODY_MAX);
        lw_buf_puts(b, "{\"authorization_model_id\":");
        lw_buf_json_str(b, fga->model_id);
        lw_buf_puts(b, ",\"checks\":[");
        for (int i = 0; i < k; i++) {
            /* Correlation id = index of the check in the whole call, as Lakekeeper does. */
            lw_buf_printf(b, "%s{\"correlation_id\":\"%d\",\"tuple_key\":", i ? "," : "", first + i);
            put_key(b, &checks[first + i]);
            lw_buf_putc(b, '}');
        }
        lw_buf_puts(b, "]}");
        if (b->failed) {
            rc = lw_err_set(err, LW_ENOMEM, "openfga batch-check body too large");
            goto out;
        }
        reqs[c].method = "POST";
        reqs[c].url = url;
        reqs[c].headers[0] = "Content-Type: application/json";
        reqs[c].body = b->data;
        reqs[c].body_len = b->len;
        reqs[c].timeout_ms = fga->timeout_ms;
    }
    for (int c = 0; c < nchunks; c += FGA_PARALLEL) {
        int wave = nchunks - c < FGA_PARALLEL ? nchunks - c : FGA_PARALLEL;
        http_client_exchange(reqs + c, resps + c, wave, FGA_RESP_MAX);
    }
    for (int c = 0; c < nchunks && rc == 0; c++) {
        int first = c * SI_FGA_BATCH_MAX;
        int k = n - first < SI_FGA_BATCH_MAX ? n - first : SI_FGA_BATCH_MAX;
        rc = parse_batch(&resps[c], first, k, allowed, err);
    }
    for (int c = 0; c < nchunks; c++)
        http_client_resp_free(&resps[c]);
out:
    if (bodies)
        for (int c = 0; c < nchunks; c++)
            lw_buf_free(&bodies[c]);
    lw_free(bodies);
    lw_free(resps);
    lw_free(reqs);
    if (rc)
        LW_WARN("standin", "fga_check_failed", "n=%d err=\"%s\"", n, err ? err->msg : "");
    return rc;
}

int standin_fga_read(const struct standin_fga *fga, const char *user, const char *relation, const char *object,
                     struct standin_tuple **out, int *n, struct lw_err *err)
{
    char token[1024] = "";
    struct standin_tuple *v = NULL;
    int cap = 0, cnt = 0, rc = 0;

    *out = NULL;
    *n = 0;
    for (int page = 0; page < FGA_READ_PAGES; page++) {
        struct lw_buf b;
        struct http_client_resp resp;
        json_error_t jerr;
        json_t *root, *tuples, *tok, *t;
        size_t i;

        lw_buf_init(&b, 64 * 1024);
        lw_buf_puts(&b, "{\"page_size\":100,\"tuple_key\":{\"object\":");
        lw_buf_json_str(&b, object);
        if (user) {
            lw_buf_puts(&b, ",\"user\":");
            lw_buf_json_str(&b, user);
        }
        if (relation) {
            lw_buf_puts(&b, ",\"relation\":");
            lw_buf_json_str(&b, relation);
        }
        lw_buf_putc(&b, '}');
        if (token[0]) {
            lw_buf_puts(&b, ",\"continuation_token\":");
            lw_buf_json_str(&b, token);
        }
        lw_buf_putc(&b, '}');
        rc = post(fga, "/read", &b, &resp, err);
        lw_buf_free(&b);
        if (rc)
            break;
        root = json_loadb(resp.body.data ? resp.body.data : "", resp.body.len, 0, &jerr);
        http_client_resp_free(&resp);
        tuples = root ? json_object_get(root, "tuples") : NULL;
        if (!json_is_array(tuples)) {
            json_decref(root);
            rc = lw_err_set(err, LW_EIO, "openfga read: answer without tuples");
            break;
        }
        json_array_foreach(tuples, i, t) {
            json_t *key = json_object_get(t, "key");
            const char *u = json_string_value(json_object_get(key, "user"));
            const char *r = json_string_value(json_object_get(key, "relation"));
            const char *o = json_string_value(json_object_get(key, "object"));
            if (!u || !r || !o)
                continue;
            if (cnt >= SI_FGA_READ_MAX) {
                rc = lw_err_set(err, LW_ENOMEM, "openfga read: more than %d tuples", SI_FGA_READ_MAX);
                break;
            }
            if (cnt == cap) {
                int ncap = cap ? cap * 2 : 64;
                struct standin_tuple *nv = lw_realloc(v, (size_t)ncap * sizeof *v);
                if (!nv) {
                    rc = lw_err_set(err, LW_ENOMEM, "out of memory");
                    break;
                }
                v = nv;
                cap = ncap;
            }
            if (standin_tuple_set(&v[cnt], u, r, o))
                cnt++;
        }
        tok = json_object_get(root, "continuation_token");
        if (rc == 0 && json_is_string(tok) && json_string_length(tok) > 0 &&
            json_string_length(tok) < sizeof token) {
            snprintf(token, sizeof token, "%s", json_string_value(tok));
            json_decref(root);
            continue;
        }
        json_decref(root);
        break;
    }
    if (rc) {
        lw_free(v);
        return rc;
    }
    *out = v;
    *n = cnt;
    return 0;
}

/* standin_fga.c -- OpenFGA HTTP calls for the stand-in (see standin_fga.h). Request bodies are
 * built in bounded lw_bufs; answers are parsed with jansson and checked field by field. */
#include "standin_fga.h"
#include "standin_flight.h"

#include "../../catalog/http_client.h"
#include "../../server/core/lw_log.h"

#include <stdio.h>
#include <string.h>

#define FGA_BODY_MAX (4u << 20) /* request bodies */
#define FGA_RESP_MAX (8u << 20) /* response bodies */
#define FGA_READ_PAGES 1000     /* pages followed by one read */
#define FGA_INFLIGHT 4          /* BatchCheck calls in flight per standin_fga_check */
#define FGA_BUDGET_MS 30000     /* retries of overloaded checks stop after this */

int standin_fga_init(struct standin_fga *fga, const char *url, const char *store_id,
                     const char *model_id, struct lw_err *err)
{
    size_t n = strlen(url);
    while (n > 0 && url[n - 1] == '/')
        n--;
    memset(fga, 0, sizeof *fga);
    if (snprintf(fga->base, sizeof fga->base, "%.*s/stores/%s", (int)n, url, store_id) >=
        (int)sizeof fga->base)
        return lw_err_set(err, LW_ECONFIG, "--openfga-url/--store-id too long");
    if (!standin_copy(fga->model_id, sizeof fga->model_id, model_id))
        return lw_err_set(err, LW_ECONFIG, "--model-id too long");
    fga->timeout_ms = 10000;
    return 0;
}

bool standin_tuple_set(struct standin_tuple *t, const char *user, const char *relation,
                       const char *object)
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

int standin_fga_write(const struct standin_fga *fga, const struct standin_tuple *writes,
                      int nwrites, const struct standin_tuple *deletes, int ndeletes,
                      struct lw_err *err)
{
    int rc = 0;
    /* Deletes first, so a write-after-delete of the same tuple in one call ends written. */
    for (int i = 0; i < ndeletes && rc == 0; i += SI_FGA_WRITE_MAX) {
        int k = ndeletes - i < SI_FGA_WRITE_MAX ? ndeletes - i : SI_FGA_WRITE_MAX;
        rc = write_chunk(fga, NULL, 0, deletes + i, k, err);
    }
    for (int i = 0; i < nwrites && rc == 0; i += SI_FGA_WRITE_MAX) {
        int k = nwrites - i < SI_FGA_WRITE_MAX ? nwrites - i : SI_FGA_WRITE_MAX;
        rc = write_chunk(fga, writes + i, k, NULL, 0, err);
    }
    /* Even a failed write may have changed some tuples: checks in flight are stale now. */
    if (fga->flights)
        standin_flights_wrote(fga->flights);
    return rc;
}

/* Outcome of one check in a round: answered, worth asking again (OpenFGA overloaded: deadline,
 * internal error, 5xx, timeout), or a hard failure (bad input, unexpected answer). */
enum { CK_DONE = 0, CK_RETRY, CK_FAIL };

/* Parses one BatchCheck answer covering the checks idx[0..k); marks each in state[]. */
static void parse_batch(const struct http_client_resp *resp, const int *idx, int k, bool *allowed,
                        char *state, struct lw_err *err)
{
    json_error_t jerr;
    json_t *root, *result;
    bool transient = resp->error != LW_OK ? resp->error == LW_ETIMEOUT || resp->error == LW_EIO
                                          : resp->status >= 500;
    if (resp->error != LW_OK || resp->status != 200) {
        for (int i = 0; i < k; i++)
            state[idx[i]] = transient ? CK_RETRY : CK_FAIL;
        if (resp->error != LW_OK)
            lw_err_set(err, resp->error, "openfga batch-check: %s", resp->error_msg);
        else
            lw_err_set(err, LW_EIO, "openfga batch-check: HTTP %ld: %.160s", resp->status,
                       resp->body.data ? resp->body.data : "");
        return;
    }
    root = json_loadb(resp->body.data ? resp->body.data : "", resp->body.len, 0, &jerr);
    result = root ? json_object_get(root, "result") : NULL;
    for (int i = 0; i < k; i++) {
        char cid[24];
        json_t *r, *e;
        snprintf(cid, sizeof cid, "%d", idx[i]);
        r = json_is_object(result) ? json_object_get(result, cid) : NULL;
        e = r ? json_object_get(r, "error") : NULL;
        if (!r) {
            state[idx[i]] = CK_FAIL;
            lw_err_set(err, LW_EIO, "openfga batch-check: no result for check %d", idx[i]);
        } else if (e) {
            const char *msg = json_string_value(json_object_get(e, "message"));
            /* input_error is final; internal errors (deadline exceeded under load) are retried. */
            state[idx[i]] = json_object_get(e, "input_error") ? CK_FAIL : CK_RETRY;
            lw_err_set(err, LW_EIO, "openfga batch-check: check %d failed: %.120s", idx[i],
                       msg ? msg : "error");
        } else {
            allowed[idx[i]] = json_is_true(json_object_get(r, "allowed"));
            state[idx[i]] = CK_DONE;
        }
    }
    json_decref(root);
}

/* One round: sends the pending checks (state CK_RETRY) in BatchCheck calls of chunk checks,
 * at most FGA_INFLIGHT at a time, and records each check's outcome. */
static int check_round(const struct standin_fga *fga, const struct standin_tuple *checks, int n,
                       int chunk, bool *allowed, char *state, struct lw_err *err)
{
    int *pending = lw_calloc((size_t)n, sizeof *pending);
    struct http_client_req reqs[FGA_INFLIGHT];
    struct http_client_resp resps[FGA_INFLIGHT];
    struct lw_buf bodies[FGA_INFLIGHT];
    char url[768];
    int np = 0, done = 0;

    if (!pending)
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    for (int i = 0; i < n; i++)
        if (state[i] == CK_RETRY)
            pending[np++] = i;
    snprintf(url, sizeof url, "%s/batch-check", fga->base);
    while (done < np) {
        int nreq = 0, first[FGA_INFLIGHT], count[FGA_INFLIGHT];
        for (; nreq < FGA_INFLIGHT && done < np; nreq++) {
            int k = np - done < chunk ? np - done : chunk;
            struct lw_buf *b = &bodies[nreq];
            first[nreq] = done;
            count[nreq] = k;
            lw_buf_init(b, FGA_BODY_MAX);
            lw_buf_puts(b, "{\"authorization_model_id\":");
            lw_buf_json_str(b, fga->model_id);
            lw_buf_puts(b, ",\"checks\":[");
            for (int i = 0; i < k; i++) {
                int c = pending[done + i];
                /* Correlation id = index of the check in the whole call, as Lakekeeper does. */
                lw_buf_printf(b, "%s{\"correlation_id\":\"%d\",\"tuple_key\":", i ? "," : "", c);
                put_key(b, &checks[c]);
                lw_buf_putc(b, '}');
            }
            lw_buf_puts(b, "]}");
            memset(&reqs[nreq], 0, sizeof reqs[nreq]);
            reqs[nreq].method = "POST";
            reqs[nreq].url = url;
            reqs[nreq].headers[0] = "Content-Type: application/json";
            reqs[nreq].body = b->data ? b->data : "";
            reqs[nreq].body_len = b->len;
            reqs[nreq].timeout_ms = fga->timeout_ms;
            done += k;
        }
        http_client_exchange(reqs, resps, nreq, FGA_RESP_MAX);
        for (int r = 0; r < nreq; r++) {
            parse_batch(&resps[r], pending + first[r], count[r], allowed, state, err);
            http_client_resp_free(&resps[r]);
            lw_buf_free(&bodies[r]);
        }
    }
    lw_free(pending);
    return 0;
}

size_t standin_tuple_hash(const struct standin_tuple *t)
{
    /* FNV-1a over the three parts. */
    size_t h = 1469598103934665603u;
    const char *parts[3] = {t->user, t->relation, t->object};
    for (int k = 0; k < 3; k++) {
        for (const unsigned char *p = (const unsigned char *)parts[k]; *p; p++)
            h = (h ^ *p) * 1099511628211u;
        h = (h ^ 0xff) * 1099511628211u;
    }
    return h;
}

static bool same_tuple(const struct standin_tuple *a, const struct standin_tuple *b)
{
    return strcmp(a->object, b->object) == 0 && strcmp(a->relation, b->relation) == 0 &&
           strcmp(a->user, b->user) == 0;
}

static int check_unique(const struct standin_fga *fga, const struct standin_tuple *checks, int n,
                        bool *allowed, struct lw_err *err);

int standin_fga_check(const struct standin_fga *fga, const struct standin_tuple *checks, int n,
                      bool *allowed, struct lw_err *err)
{
    /* Identical questions are asked once (a batch often repeats a check per column or item). */
    struct standin_tuple *uniq;
    int *map, *slots = NULL, nu = 0, rc;
    size_t nslots = 16;
    bool *ua;

    if (n <= 0)
        return 0;
    uniq = lw_calloc((size_t)n, sizeof *uniq);
    map = lw_calloc((size_t)n, sizeof *map);
    ua = lw_calloc((size_t)n, sizeof *ua);
    if (!uniq || !map || !ua) {
        rc = lw_err_set(err, LW_ENOMEM, "out of memory");
        goto out;
    }
    /* Open addressing over a power-of-two table of at least 2n slots; slot = unique index + 1. */
    for (size_t want = 2 * (size_t)n; nslots < want;)
        nslots *= 2;
    slots = lw_calloc(nslots, sizeof *slots);
    if (!slots) {
        rc = lw_err_set(err, LW_ENOMEM, "out of memory");
        goto out;
    }
    for (int i = 0; i < n; i++) {
        size_t h = standin_tuple_hash(&checks[i]) & (nslots - 1);
        while (slots[h] && !same_tuple(&uniq[slots[h] - 1], &checks[i]))
            h = (h + 1) & (nslots - 1);
        if (!slots[h]) {
            uniq[nu] = checks[i];
            slots[h] = ++nu;
        }
        map[i] = slots[h] - 1;
    }
    rc = check_unique(fga, uniq, nu, ua, err);
    if (rc == 0)
        for (int i = 0; i < n; i++)
            allowed[i] = ua[map[i]];
out:
    lw_free(slots);
    lw_free(ua);
    lw_free(map);
    lw_free(uniq);
    return rc;
}

static int check_unique(const struct standin_fga *fga, const struct standin_tuple *checks, int n,
                        bool *allowed, struct lw_err *err)
{
    /* OpenFGA answers a BatchCheck within its request timeout (3 s by default) or marks the
     * checks it did not finish as deadline_exceeded. A busy machine gets there with Lakekeeper's
     * deep checks, so those checks are asked again in smaller calls, within a time budget. */
    static const int chunks[] = {SI_FGA_BATCH_MAX, 10, 2, 1, 1};
    int64_t deadline = lw_now_ms() + FGA_BUDGET_MS;
    char *state;
    int rc = 0, left = n;

    if (n <= 0)
        return 0;
    state = lw_malloc((size_t)n);
    if (!state)
        return lw_err_set(err, LW_ENOMEM, "out of memory");
    memset(state, CK_RETRY, (size_t)n);
    for (size_t round = 0; round < sizeof chunks / sizeof chunks[0] && left > 0; round++) {
        if (round > 0) {
            if (lw_now_ms() > deadline)
                break;
            LW_INFO("standin", "fga_check_retry", "round=%zu checks=%d err=\"%s\"", round, left,
                    err ? err->msg : "");
        }
        rc = check_round(fga, checks, n, chunks[round], allowed, state, err);
        if (rc)
            break;
        left = 0;
        for (int i = 0; i < n; i++) {
            if (state[i] == CK_FAIL)
                rc = LW_EIO;
            left += state[i] == CK_RETRY;
        }
        if (rc)
            break;
    }
    if (rc == 0 && left > 0)
        rc = LW_EIO; /* err holds the last reason */
    lw_free(state);
    if (rc)
        LW_WARN("standin", "fga_check_failed", "n=%d err=\"%s\"", n, err ? err->msg : "");
    return rc;
}

int standin_fga_read(const struct standin_fga *fga, const char *user, const char *relation,
                     const char *object, struct standin_tuple **out, int *n, struct lw_err *err)
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
        json_array_foreach(tuples, i, t)
        {
            json_t *key = json_object_get(t, "key");
            const char *u = json_string_value(json_object_get(key, "user"));
            const char *r = json_string_value(json_object_get(key, "relation"));
            const char *o = json_string_value(json_object_get(key, "object"));
            if (!u || !r || !o)
                continue;
            if (cnt >= SI_FGA_READ_MAX) {
                rc = lw_err_set(err, LW_ENOMEM, "openfga read: more than %d tuples",
                                SI_FGA_READ_MAX);
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

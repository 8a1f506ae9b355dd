/* fga_client.c -- OpenFGA's HTTP API for the permission tables (see fga_client.h).
 * Bodies are built with jansson and written compactly with lw_buf_put_json; responses are
 * checked for the documented shape field by field, and anything else is an error rather
 * than an empty answer, because an empty answer would read as "nobody has access". */
#include "fga_client.h"

#include "http_client.h"
#include "../server/core/lw_buf.h"
#include "../server/core/lw_json.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct fga_client {
    char *url;          /* .../stores/<store_id> */
    char *model_id;     /* NULL: none */
    char *auth;         /* "Authorization: Bearer ..." or NULL */
    long timeout_ms;
    size_t max_response;
    int page_size;
};

/* Store and model ids are ULIDs; anything else would need escaping in a path, and is
 * refused instead so that a config typo cannot reach another endpoint. */
static bool fga_id_ok(const char *s)
{
    if (!s || !*s || strlen(s) > 64)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
            return false;
    return true;
}

struct fga_client *fga_client_new(const struct fga_client_opts *o, struct lw_err *err)
{
    if (!o->url || !*o->url) {
        lw_err_set(err, LW_ECONFIG, "openfga: url is required");
        return NULL;
    }
    if (!fga_id_ok(o->store_id)) {
        lw_err_set(err, LW_ECONFIG, "openfga: store id missing or not an OpenFGA id");
        return NULL;
    }
    bool has_model = o->model_id && *o->model_id;
    if (has_model && !fga_id_ok(o->model_id)) {
        lw_err_set(err, LW_ECONFIG, "openfga: model id is not an OpenFGA id");
        return NULL;
    }
    struct fga_client *c = lw_calloc(1, sizeof(*c));
    struct lw_buf b;
    lw_buf_init(&b, 4096);
    size_t ul = strlen(o->url);
    while (ul > 0 && o->url[ul - 1] == '/')
        ul--;
    lw_buf_append(&b, o->url, ul);
    lw_buf_printf(&b, "/stores/%s", o->store_id);
    if (c) {
        c->url = lw_buf_take(&b);
        c->model_id = has_model ? lw_strdup(o->model_id) : NULL;
        if (o->api_token && *o->api_token) {
            lw_buf_printf(&b, "Authorization: Bearer %s", o->api_token);
            c->auth = lw_buf_take(&b);
        }
    }
    lw_buf_free(&b);
    if (!c || !c->url || (has_model && !c->model_id) ||
        (o->api_token && *o->api_token && !c->auth)) {
        fga_client_free(c);
        lw_err_set(err, LW_ENOMEM, "openfga: out of memory");
        return NULL;
    }
    c->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 5000;
    c->max_response = o->max_response > 0 ? o->max_response : (size_t)8 << 20;
    c->page_size = o->page_size < 1 ? 100 : o->page_size > 100 ? 100 : o->page_size;
    return c;
}

void fga_client_free(struct fga_client *c)
{
    if (!c)
        return;
    lw_free(c->url);
    lw_free(c->model_id);
    if (c->auth) /* holds a secret: not left in freed memory */
        explicit_bzero(c->auth, strlen(c->auth));
    lw_free(c->auth);
    lw_free(c);
}

void fga_tuples_free(struct fga_tuples *t)
{
    for (size_t i = 0; i < t->n; i++) {
        lw_free(t->v[i].user);
        lw_free(t->v[i].relation);
        lw_free(t->v[i].object);
    }
    lw_free(t->v);
    memset(t, 0, sizeof(*t));
}

void fga_strs_free(struct fga_strs *s)
{
    for (size_t i = 0; i < s->n; i++)
        lw_free(s->v[i]);
    lw_free(s->v);
    memset(s, 0, sizeof(*s));
}

int64_t fga_parse_time(const char *s)
{
    int y, mo, d, h, mi, sec, n = 0;
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
        n != 19 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return -1;
    const char *p = s + n;
    int64_t ms = 0;
    if (*p == '.') {
        int digits = 0;
        for (p++; isdigit((unsigned char)*p); p++, digits++)
            if (digits < 3)
                ms = ms * 10 + (*p - '0');
        if (digits == 0)
            return -1;
        for (; digits < 3; digits++)
            ms *= 10;
    }
    int64_t off_s = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om, k = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &k) != 2 || k != 5 || oh > 23 || om > 59)
            return -1;
        off_s = (int64_t)(oh * 3600 + om * 60) * (*p == '+' ? 1 : -1);
        p += 6;
    } else {
        return -1;
    }
    if (*p)
        return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
                    .tm_hour = h, .tm_min = mi, .tm_sec = sec};
    time_t t = timegm(&tm);
    return ((int64_t)t - off_s) * 1000 + ms;
}

/* The per-request timeout cut to the deadline; LW_ETIMEOUT when it has passed. */
static int fga_timeout(const struct fga_client *c, int64_t deadline_us, long *out,
                       struct lw_err *err)
{
    *out = c->timeout_ms;
    if (deadline_us > 0) {
        int64_t left = (deadline_us - lw_mono_us()) / 1000;
        if (left <= 0)
            return lw_err_set(err, LW_ETIMEOUT, "openfga: deadline passed before the request");
        if (left < *out)
            *out = (long)left;
    }
    return LW_OK;
}

static void fga_req_init(const struct fga_client *c, struct http_client_req *r,
                         const char *method, const char *url, const struct lw_buf *body,
                         long timeout_ms)
{
    memset(r, 0, sizeof(*r));
    r->method = method;
    r->url = url;
    int h = 0;
    r->headers[h++] = "Accept: application/json";
    if (body)
        r->headers[h++] = "Content-Type: application/json";
    if (c->auth)
        r->headers[h++] = c->auth;
    if (body) {
        r->body = body->data;
        r->body_len = body->len;
    }
    r->timeout_ms = timeout_ms;
}

/* Turns one response into a JSON object or an error. OpenFGA's error body carries a code
 * string ("validation_error", "store_id_not_found"...) that is safe to report. */
static int fga_resp_doc(const struct http_client_resp *resp, const char *what, json_t **doc,
                        struct lw_err *err)
{
    *doc = NULL;
    if (resp->error != LW_OK)
        return lw_err_set(err, resp->error, "openfga %s: %s", what, resp->error_msg);
    json_t *d = json_loadb(resp->body.data, resp->body.len, 0, NULL);
    if (resp->status < 200 || resp->status > 299) {
        const char *code = json_string_value(json_object_get(d, "code"));
        int ec = resp->status == 401 || resp->status == 403 ? LW_EAUTH
                 : resp->status == 404                      ? LW_ENOTFOUND
                                                            : LW_EIO;
        lw_err_set(err, ec, "openfga %s: HTTP %ld%s%.64s", what, resp->status,
                   code ? " " : "", code ? code : "");
        json_decref(d);
        return ec;
    }
    if (!json_is_object(d)) {
        json_decref(d);
        return lw_err_set(err, LW_EINVAL, "openfga %s: response is not a JSON object", what);
    }
    *doc = d;
    return LW_OK;
}

/* One request, one JSON object back. body NULL: GET. */
static int fga_call(struct fga_client *c, const char *what, const char *url, json_t *body,
                    json_t **doc, int64_t deadline_us, struct lw_err *err)
{
    long tmo;
    int rc = fga_timeout(c, deadline_us, &tmo, err);
    if (rc != LW_OK)
        return rc;
    struct lw_buf b;
    lw_buf_init(&b, c->max_response);
    if (body) {
        lw_buf_put_json(&b, body);
        if (b.failed) {
            lw_buf_free(&b);
            return lw_err_set(err, LW_ENOMEM, "openfga %s: request too large", what);
        }
    }
    struct http_client_req req;
    struct http_client_resp resp;
    fga_req_init(c, &req, body ? "POST" : "GET", url, body ? &b : NULL, tmo);
    http_client_exchange(&req, &resp, 1, c->max_response);
    rc = fga_resp_doc(&resp, what, doc, err);
    http_client_resp_free(&resp);
    lw_buf_free(&b);
    return rc;
}

static char *fga_url(const struct fga_client *c, const char *suffix)
{
    struct lw_buf b;
    lw_buf_init(&b, 16384);
    lw_buf_puts(&b, c->url);
    lw_buf_puts(&b, suffix);
    char *s = lw_buf_take(&b);
    lw_buf_free(&b);
    return s;
}

static int fga_tuples_push(struct fga_tuples *t, json_t *key, int64_t ts, bool deleted)
{
    const char *u = json_string_value(json_object_get(key, "user"));
    const char *r = json_string_value(json_object_get(key, "relation"));
    const char *o = json_string_value(json_object_get(key, "object"));
    if (!u || !r || !o)
        return LW_EINVAL;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        struct fga_tuple *v = lw_realloc(t->v, cap * sizeof(*v));
        if (!v)
            return LW_ENOMEM;
        t->v = v;
        t->cap = cap;
    }
    struct fga_tuple *e = &t->v[t->n];
    e->user = lw_strdup(u);
    e->relation = lw_strdup(r);
    e->object = lw_strdup(o);
    e->ts_ms = ts;
    e->deleted = deleted;
    if (!e->user || !e->relation || !e->object) {
        lw_free(e->user);
        lw_free(e->relation);
        lw_free(e->object);
        return LW_ENOMEM;
    }
    t->n++;
    t->bytes += strlen(u) + strlen(r) + strlen(o);
    return LW_OK;
}

static void fga_set_model(const struct fga_client *c, json_t *body)
{
    if (c->model_id)
        json_object_set_new(body, "authorization_model_id", json_string(c->model_id));
}

static json_t *fga_key_json(const struct fga_key *k)
{
    json_t *o = json_object();
    if (k->user)
        json_object_set_new(o, "user", json_string(k->user));
    if (k->relation)
        json_object_set_new(o, "relation", json_string(k->relation));
    if (k->object)
        json_object_set_new(o, "object", json_string(k->object));
    return o;
}

int fga_read(struct fga_client *c, const struct fga_key *filter, size_t max_tuples,
             struct fga_tuples *out, int64_t deadline_us, struct lw_err *err)
{
    char *url = fga_url(c, "/read");
    char *token = NULL;
    int rc = url ? LW_OK : lw_err_set(err, LW_ENOMEM, "openfga read: out of memory");
    size_t start = out->n;
    while (rc == LW_OK) {
        json_t *body = json_object(), *doc = NULL;
        json_object_set_new(body, "page_size", json_integer(c->page_size));
        if (token)
            json_object_set_new(body, "continuation_token", json_string(token));
        if (filter)
            json_object_set_new(body, "tuple_key", fga_key_json(filter));
        rc = fga_call(c, "read", url, body, &doc, deadline_us, err);
        json_decref(body);
        if (rc != LW_OK)
            break;
        json_t *tuples = json_object_get(doc, "tuples"), *t;
        const char *next = json_string_value(json_object_get(doc, "continuation_token"));
        size_t i;
        if (!json_is_array(tuples))
            rc = lw_err_set(err, LW_EINVAL, "openfga read: no tuples array");
        json_array_foreach(tuples, i, t) {
            if (rc != LW_OK)
                break;
            if (max_tuples && out->n - start >= max_tuples) {
                rc = lw_err_set(err, LW_ENOMEM,
                                "openfga read: more than %zu tuples (the configured bound)",
                                max_tuples);
                break;
            }
            int64_t ts = fga_parse_time(json_string_value(json_object_get(t, "timestamp")));
            int prc = fga_tuples_push(out, json_object_get(t, "key"), ts, false);
            if (prc != LW_OK)
                rc = lw_err_set(err, prc, "openfga read: %s",
                                prc == LW_EINVAL ? "malformed tuple" : "out of memory");
        }
        /* A token equal to the one sent would loop forever: the API ends with "". */
        bool more = next && *next && !(token && strcmp(next, token) == 0);
        lw_free(token);
        token = NULL;
        if (rc == LW_OK && more && !(token = lw_strdup(next)))
            rc = lw_err_set(err, LW_ENOMEM, "openfga read: out of memory");
        json_decref(doc);
        if (!more)
            break;
    }
    lw_free(token);
    lw_free(url);
    return rc;
}

int fga_read_changes(struct fga_client *c, char **token, size_t max_changes,
                     struct fga_tuples *out, int64_t deadline_us, struct lw_err *err)
{
    size_t start = out->n;
    int rc = LW_OK;
    for (;;) {
        if (max_changes && out->n - start >= max_changes)
            break;
        struct lw_buf q;
        lw_buf_init(&q, 16384);
        lw_buf_printf(&q, "/changes?page_size=%d", c->page_size);
        if (*token && **token) {
            lw_buf_puts(&q, "&continuation_token=");
            lw_buf_urlencode(&q, *token, false);
        }
        char *suffix = lw_buf_take(&q);
        lw_buf_free(&q);
        char *url = suffix ? fga_url(c, suffix) : NULL;
        lw_free(suffix);
        if (!url)
            return lw_err_set(err, LW_ENOMEM, "openfga changes: out of memory");
        json_t *doc = NULL;
        rc = fga_call(c, "changes", url, NULL, &doc, deadline_us, err);
        lw_free(url);
        if (rc != LW_OK)
            return rc;
        json_t *changes = json_object_get(doc, "changes"), *ch;
        const char *next = json_string_value(json_object_get(doc, "continuation_token"));
        if (!json_is_array(changes)) {
            json_decref(doc);
            return lw_err_set(err, LW_EINVAL, "openfga changes: no changes array");
        }
        size_t i, page_start = out->n;
        json_array_foreach(changes, i, ch) {
            const char *op = json_string_value(json_object_get(ch, "operation"));
            int64_t ts = fga_parse_time(json_string_value(json_object_get(ch, "timestamp")));
            bool del = op && strcmp(op, "TUPLE_OPERATION_DELETE") == 0;
            int prc = (op && (del || strcmp(op, "TUPLE_OPERATION_WRITE") == 0))
                          ? fga_tuples_push(out, json_object_get(ch, "tuple_key"), ts, del)
                          : LW_EINVAL;
            if (prc != LW_OK) {
                /* The page is dropped whole so the token still matches what out holds. */
                while (out->n > page_start) {
                    struct fga_tuple *e = &out->v[--out->n];
                    out->bytes -= strlen(e->user) + strlen(e->relation) + strlen(e->object);
                    lw_free(e->user);
                    lw_free(e->relation);
                    lw_free(e->object);
                }
                json_decref(doc);
                return lw_err_set(err, prc, "openfga changes: %s",
                                  prc == LW_EINVAL ? "malformed change" : "out of memory");
            }
        }
        bool empty = json_array_size(changes) == 0;
        if (next && *next && (!*token || strcmp(next, *token) != 0)) {
            char *t = lw_strdup(next);
            if (!t) {
                json_decref(doc);
                return lw_err_set(err, LW_ENOMEM, "openfga changes: out of memory");
            }
            lw_free(*token);
            *token = t;
        }
        json_decref(doc);
        if (empty)
            break;
    }
    return rc;
}

int fga_check(struct fga_client *c, const struct fga_key *keys, bool *allowed, int n,
              int64_t deadline_us, struct lw_err *err)
{
    if (n <= 0)
        return LW_OK;
    long tmo;
    int rc = fga_timeout(c, deadline_us, &tmo, err);
    if (rc != LW_OK)
        return rc;
    int nreq = (n + FGA_BATCH_CHECK_MAX - 1) / FGA_BATCH_CHECK_MAX;
    struct lw_buf *bodies = lw_calloc((size_t)nreq, sizeof(*bodies));
    struct http_client_req *reqs = lw_calloc((size_t)nreq, sizeof(*reqs));
    struct http_client_resp *resps = lw_calloc((size_t)nreq, sizeof(*resps));
    char *url = fga_url(c, "/batch-check");
    if (!bodies || !reqs || !resps || !url) {
        rc = lw_err_set(err, LW_ENOMEM, "openfga check: out of memory");
        goto out;
    }
    for (int k = 0; k < nreq; k++) {
        json_t *body = json_object(), *checks = json_array();
        for (int i = k * FGA_BATCH_CHECK_MAX; i < n && i < (k + 1) * FGA_BATCH_CHECK_MAX; i++) {
            char cid[16];
            snprintf(cid, sizeof(cid), "%d", i);
            json_array_append_new(checks, json_pack("{s:o,s:s}", "tuple_key",
                                                    fga_key_json(&keys[i]),
                                                    "correlation_id", cid));
        }
        json_object_set_new(body, "checks", checks);
        fga_set_model(c, body);
        lw_buf_init(&bodies[k], c->max_response);
        lw_buf_put_json(&bodies[k], body);
        json_decref(body);
        if (bodies[k].failed) {
            rc = lw_err_set(err, LW_ENOMEM, "openfga check: request too large");
            goto out;
        }
        fga_req_init(c, &reqs[k], "POST", url, &bodies[k], tmo);
    }
    http_client_exchange(reqs, resps, nreq, c->max_response);
    for (int i = 0; i < n; i++)
        allowed[i] = false;
    for (int k = 0; k < nreq && rc == LW_OK; k++) {
        json_t *doc;
        rc = fga_resp_doc(&resps[k], "batch-check", &doc, err);
        if (rc != LW_OK)
            break;
        json_t *result = json_object_get(doc, "result");
        for (int i = k * FGA_BATCH_CHECK_MAX; i < n && i < (k + 1) * FGA_BATCH_CHECK_MAX; i++) {
            char cid[16];
            snprintf(cid, sizeof(cid), "%d", i);
            json_t *r = json_object_get(result, cid);
            json_t *a = json_object_get(r, "allowed");
            if (!json_is_object(r) || json_object_get(r, "error") || (a && !json_is_boolean(a))) {
                rc = lw_err_set(err, LW_EIO, "openfga batch-check: check %d unanswered", i);
                break;
            }
            allowed[i] = json_is_true(a); /* "allowed" is omitted when false (proto3 JSON) */
        }
        json_decref(doc);
    }
    if (rc != LW_OK)
        for (int i = 0; i < n; i++)
            allowed[i] = false;
out:
    for (int k = 0; bodies && k < nreq; k++) {
        lw_buf_free(&bodies[k]);
        if (resps)
            http_client_resp_free(&resps[k]);
    }
    lw_free(bodies);
    lw_free(reqs);
    lw_free(resps);
    lw_free(url);
    return rc;
}

static int fga_strs_from(json_t *arr, char *(*render)(json_t *), struct fga_strs *out,
                         const char *what, struct lw_err *err)
{
    if (!json_is_array(arr))
        return lw_err_set(err, LW_EINVAL, "openfga %s: no result array", what);
    size_t n = json_array_size(arr), i;
    char **v = lw_realloc(out->v, (out->n + n + 1) * sizeof(*v));
    if (!v)
        return lw_err_set(err, LW_ENOMEM, "openfga %s: out of memory", what);
    out->v = v;
    json_t *e;
    json_array_foreach(arr, i, e) {
        char *s = render(e);
        if (!s)
            return lw_err_set(err, LW_EINVAL, "openfga %s: malformed result", what);
        out->v[out->n++] = s;
    }
    return LW_OK;
}

static char *fga_render_string(json_t *e)
{
    return json_is_string(e) ? lw_strdup(json_string_value(e)) : NULL;
}

/* ListUsers' three result shapes as the user strings tuples use. */
static char *fga_render_user(json_t *e)
{
    json_t *o = json_object_get(e, "object"), *us = json_object_get(e, "userset"),
           *wc = json_object_get(e, "wildcard");
    const char *t = json_string_value(json_object_get(o ? o : us ? us : wc, "type"));
    const char *id = json_string_value(json_object_get(o ? o : us, "id"));
    const char *rel = json_string_value(json_object_get(us, "relation"));
    if (!t || (!wc && !id) || (us && !rel))
        return NULL;
    struct lw_buf b;
    lw_buf_init(&b, 2048);
    if (wc)
        lw_buf_printf(&b, "%s:*", t);
    else if (us)
        lw_buf_printf(&b, "%s:%s#%s", t, id, rel);
    else
        lw_buf_printf(&b, "%s:%s", t, id);
    char *s = lw_buf_take(&b);
    lw_buf_free(&b);
    return s;
}

/* One round of ListObjects sent together through url. */
static int list_objects_round(struct fga_client *c, const char *url,
                              struct fga_list_objects_req *reqs, int n, int64_t deadline_us,
                              struct lw_err *err)
{
    struct lw_buf bodies[FGA_CONCURRENCY_MAX];
    struct http_client_req hreqs[FGA_CONCURRENCY_MAX];
    struct http_client_resp resps[FGA_CONCURRENCY_MAX];
    long tmo;
    int rc = fga_timeout(c, deadline_us, &tmo, err);
    if (rc != LW_OK)
        return rc;
    int built = 0;
    for (; rc == LW_OK && built < n; built++) {
        const struct fga_list_objects_req *q = &reqs[built];
        json_t *body = q->type && q->relation && q->user
                           ? json_pack("{s:s,s:s,s:s}", "type", q->type, "relation",
                                       q->relation, "user", q->user)
                           : NULL;
        lw_buf_init(&bodies[built], c->max_response);
        if (body) {
            fga_set_model(c, body);
            lw_buf_put_json(&bodies[built], body);
            json_decref(body);
        }
        if (!body)
            rc = lw_err_set(err, LW_EINVAL, "openfga list-objects: bad arguments");
        else if (bodies[built].failed)
            rc = lw_err_set(err, LW_ENOMEM, "openfga list-objects: request too large");
        fga_req_init(c, &hreqs[built], "POST", url, &bodies[built], tmo);
    }
    bool sent = rc == LW_OK;
    if (sent)
        http_client_exchange(hreqs, resps, n, c->max_response);
    for (int i = 0; i < built; i++) {
        if (sent) {
            json_t *doc = NULL;
            if (rc == LW_OK)
                rc = fga_resp_doc(&resps[i], "list-objects", &doc, err);
            if (rc == LW_OK)
                rc = fga_strs_from(json_object_get(doc, "objects"), fga_render_string,
                                   &reqs[i].objects, "list-objects", err);
            json_decref(doc);
            http_client_resp_free(&resps[i]);
        }
        lw_buf_free(&bodies[i]);
    }
    return rc;
}

int fga_list_objects_many(struct fga_client *c, struct fga_list_objects_req *reqs, int n,
                          int concurrency, int64_t deadline_us, struct lw_err *err)
{
    if (n <= 0)
        return LW_OK;
    char *url = fga_url(c, "/list-objects");
    if (!url)
        return lw_err_set(err, LW_ENOMEM, "openfga list-objects: out of memory");
    int at_once = concurrency < 1 ? 1
                  : concurrency > FGA_CONCURRENCY_MAX ? FGA_CONCURRENCY_MAX : concurrency;
    int rc = LW_OK;
    for (int base = 0; rc == LW_OK && base < n; base += at_once)
        rc = list_objects_round(c, url, reqs + base, n - base < at_once ? n - base : at_once,
                                deadline_us, err);
    lw_free(url);
    return rc;
}

int fga_list_objects(struct fga_client *c, const char *type, const char *relation,
                     const char *user, struct fga_strs *out, int64_t deadline_us,
                     struct lw_err *err)
{
    struct fga_list_objects_req q = {type, relation, user, *out};
    int rc = fga_list_objects_many(c, &q, 1, 1, deadline_us, err);
    *out = q.objects;
    return rc;
}

int fga_list_users(struct fga_client *c, const char *object, const char *relation,
                   const char *user_type, const char *user_relation, struct fga_strs *out,
                   int64_t deadline_us, struct lw_err *err)
{
    const char *colon = object ? strchr(object, ':') : NULL;
    if (!colon || colon == object || !relation || !user_type)
        return lw_err_set(err, LW_EINVAL, "openfga list-users: object must be type:id");
    char *url = fga_url(c, "/list-users");
    char *otype = lw_strndup(object, (size_t)(colon - object));
    json_t *filter = json_pack("{s:s}", "type", user_type);
    if (user_relation)
        json_object_set_new(filter, "relation", json_string(user_relation));
    json_t *body = otype ? json_pack("{s:{s:s,s:s},s:s,s:[o]}", "object", "type", otype, "id",
                                     colon + 1, "relation", relation, "user_filters", filter)
                         : NULL;
    json_t *doc = NULL;
    int rc = url && body ? LW_OK : lw_err_set(err, LW_ENOMEM, "openfga list-users: out of memory");
    if (rc == LW_OK) {
        fga_set_model(c, body);
        rc = fga_call(c, "list-users", url, body, &doc, deadline_us, err);
    }
    if (rc == LW_OK)
        rc = fga_strs_from(json_object_get(doc, "users"), fga_render_user, out, "list-users",
                           err);
    json_decref(body);
    json_decref(doc);
    lw_free(otype);
    lw_free(url);
    return rc;
}

int fga_read_model(struct fga_client *c, const char *model_id, json_t **model,
                   int64_t deadline_us, struct lw_err *err)
{
    *model = NULL;
    const char *id = model_id ? model_id : c->model_id;
    if (!fga_id_ok(id))
        return lw_err_set(err, LW_EINVAL, "openfga model: no valid model id");
    struct lw_buf b;
    lw_buf_init(&b, 16384);
    lw_buf_printf(&b, "%s/authorization-models/%s", c->url, id);
    char *url = lw_buf_take(&b);
    lw_buf_free(&b);
    if (!url)
        return lw_err_set(err, LW_ENOMEM, "openfga model: out of memory");
    json_t *doc = NULL;
    int rc = fga_call(c, "model", url, NULL, &doc, deadline_us, err);
    lw_free(url);
    if (rc != LW_OK)
        return rc;
    json_t *m = json_object_get(doc, "authorization_model");
    if (!json_is_object(m) || !json_is_array(json_object_get(m, "type_definitions"))) {
        json_decref(doc);
        return lw_err_set(err, LW_EINVAL, "openfga model: no authorization_model");
    }
    *model = json_incref(m);
    json_decref(doc);
    return LW_OK;
}

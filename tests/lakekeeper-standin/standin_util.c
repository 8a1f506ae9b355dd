/* standin_util.c -- small helpers shared by the stand-in's endpoints: Lakekeeper-shaped error
 * bodies, JSON answers, id syntax, UUID generation, OpenFGA user encoding, pagination. */
#include "standin.h"
#include "../../server/core/lw_json.h"
#include "standin_state.h"

#include <microhttpd.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

const char *const standin_ep_names[SI_EP_COUNT] = {
    [SI_EP_INFO] = "info",
    [SI_EP_WHOAMI] = "whoami",
    [SI_EP_PROJECT_LIST] = "project-list",
    [SI_EP_PROJECT] = "project",
    [SI_EP_WAREHOUSE_LIST] = "warehouse-list",
    [SI_EP_WAREHOUSE] = "warehouse",
    [SI_EP_CONFIG] = "config",
    [SI_EP_NAMESPACES] = "namespaces",
    [SI_EP_NAMESPACE] = "namespace",
    [SI_EP_TABLES] = "tables",
    [SI_EP_VIEWS] = "views",
    [SI_EP_ROLES] = "roles",
    [SI_EP_ROLE] = "role",
    [SI_EP_ROLE_MEMBERS] = "role-members",
    [SI_EP_USERS] = "users",
    [SI_EP_USER] = "user",
    [SI_EP_ASSIGNMENTS_GET] = "assignments-get",
    [SI_EP_ASSIGNMENTS_POST] = "assignments-post",
    [SI_EP_ACTIONS] = "actions",
    [SI_EP_BATCH_CHECK] = "batch-check",
    [SI_EP_OTHER] = "other",
};

void standin_error(struct http_response *resp, int status, const char *type, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    http_response_errorv(resp, status, type, fmt, ap);
    va_end(ap);
}

void standin_text_error(struct http_response *resp, int status, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    resp->status = status;
    resp->content_type = "text/plain; charset=utf-8";
    lw_buf_reset(&resp->body);
    lw_buf_puts(&resp->body, msg);
}

void standin_json(struct http_response *resp, int status, const json_t *obj)
{
    lw_buf_reset(&resp->body);
    resp->status = status;
    resp->content_type = "application/json";
    lw_buf_put_json(&resp->body, obj);
    if (resp->body.failed) {
        resp->body.failed = false;
        standin_error(resp, 500, "InternalServerError", "response too large");
    }
}

void standin_json_take(struct http_response *resp, json_t *obj)
{
    if (!obj) {
        standin_error(resp, 500, "InternalServerError", "out of memory");
        return;
    }
    standin_json(resp, 200, obj);
    json_decref(obj);
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool standin_is_uuid(const char *s)
{
    if (!s || strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !is_hex(s[i]))
            return false;
    }
    return true;
}

void standin_uuid_v4(char out[37])
{
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1) {
        /* Fall back to the clock; only ids of test objects depend on it. */
        int64_t t = lw_wall_ms() ^ (int64_t)lw_now_ms();
        for (int i = 0; i < 16; i++)
            b[i] = (unsigned char)(t >> ((i % 8) * 8)) ^ (unsigned char)(i * 37);
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

bool standin_is_project_id(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n >= SI_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false;
    }
    return true;
}

bool standin_is_user_id(const char *s)
{
    const char *tilde = s ? strchr(s, '~') : NULL;
    if (!tilde || tilde == s || strlen(tilde + 1) == 0 || strlen(tilde + 1) >= 128 ||
        strlen(s) >= SI_USER_ID_MAX)
        return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return false;
    return true;
}

void standin_rfc3339(int64_t ms, char out[32])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 32 - n, ".%03uZ", (unsigned)((ms % 1000 + 1000) % 1000));
}

bool standin_copy(char *dst, size_t n, const char *src)
{
    int r = snprintf(dst, n, "%s", src ? src : "");
    return r >= 0 && (size_t)r < n;
}

bool standin_fga_user(const char *user_id, char *out, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    if (n < 6)
        return false;
    memcpy(out, "user:", 5);
    o = 5;
    for (const unsigned char *p = (const unsigned char *)user_id; *p; p++) {
        bool keep = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.' || *p == '~';
        if (o + (keep ? 1 : 3) >= n)
            return false;
        if (keep) {
            out[o++] = (char)*p;
        } else {
            out[o++] = '%';
            out[o++] = hex[*p >> 4];
            out[o++] = hex[*p & 15];
        }
    }
    out[o] = '\0';
    return true;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool standin_fga_user_decode(const char *enc, char *out, size_t n)
{
    size_t o = 0;
    for (const char *p = enc; *p; p++) {
        char c = *p;
        if (c == '%') {
            int h = hexval(p[1]), l = h < 0 ? -1 : hexval(p[2]);
            if (h < 0 || l < 0)
                return false;
            c = (char)(h * 16 + l);
            p += 2;
        }
        if (o + 1 >= n)
            return false;
        out[o++] = c;
    }
    out[o] = '\0';
    return true;
}

#define PAGE_TOKEN_PREFIX "si1-"

bool standin_page_params(const struct http_request *req, size_t *offset, size_t *limit)
{
    const char *tok = http_request_query(req, "pageToken");
    const char *size = http_request_query(req, "pageSize");
    const char *v0;
    size_t vlen;
    bool tok_present = MHD_lookup_connection_value_n(req->conn, MHD_GET_ARGUMENT_KIND, "pageToken",
                                                     9, &v0, &vlen) == MHD_YES;
    int64_t v;
    *offset = 0;
    *limit = tok_present ? SI_PAGE_DEFAULT : SI_PAGE_MAX;
    if (tok && *tok) {
        if (strncmp(tok, PAGE_TOKEN_PREFIX, strlen(PAGE_TOKEN_PREFIX)) != 0 ||
            lw_parse_i64(tok + strlen(PAGE_TOKEN_PREFIX), 0, 100000000, &v) != 0)
            return false;
        *offset = (size_t)v;
    }
    if (size && *size) {
        if (lw_parse_i64(size, -1000000000, 1000000000, &v) != 0)
            return false;
        /* Clamped to [1, max], as Lakekeeper does. */
        *limit = v < 1 ? 1 : v > SI_PAGE_MAX ? SI_PAGE_MAX : (size_t)v;
    }
    return true;
}

void standin_page_token(json_t *obj, size_t next_offset, bool more)
{
    char tok[48];
    if (!more) {
        json_object_set_new(obj, "next-page-token", json_null());
        return;
    }
    snprintf(tok, sizeof tok, PAGE_TOKEN_PREFIX "%zu", next_offset);
    json_object_set_new(obj, "next-page-token", json_string(tok));
}

struct query_all_ctx {
    const char *key;
    const char **out;
    int max;
    int n;
};

static enum MHD_Result query_all_cb(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    struct query_all_ctx *q = cls;
    (void)kind;
    if (key && value && strcmp(key, q->key) == 0 && q->n < q->max)
        q->out[q->n++] = value;
    return MHD_YES;
}

int standin_query_all(const struct http_request *req, const char *key, const char **out, int max)
{
    struct query_all_ctx q = {key, out, max, 0};
    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, query_all_cb, &q);
    return q.n;
}

const char *standin_project_of(const struct standin_call *c)
{
    const char *p = http_request_header(c->req, "x-project-id");
    return p && *p ? p : standin_state_default_project(c->si->state);
}

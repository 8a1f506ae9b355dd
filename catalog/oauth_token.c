/* oauth_token.c -- client-credentials token cache (oauth_token.h).
 *
 * The form body is percent-encoded (the bridge pastes values verbatim, which breaks on
 * secrets containing '&', '+', '%' or '='). Renewal happens a quarter of the lifetime
 * (at most 30 s) before expiry so requests in flight never carry an expired token. */
#include "oauth_token.h"

#include "../server/core/lw_buf.h"
#include "../server/core/lw_log.h"
#include "http_client.h"

#include <jansson.h>
#include <pthread.h>
#include <string.h>

#define TOKEN_MAX_BODY (256 * 1024)
#define DEFAULT_LIFETIME_S 150   /* the bridge's fixed token cache time, used when the IdP gives no expires_in */

struct oauth_token {
    struct oauth_token_opts o;
    pthread_mutex_t mu;
    char *token;
    int64_t renew_at_ms;
};

static char *dup_or_null(const char *s)
{
    return s ? lw_strdup(s) : NULL;
}

struct oauth_token *oauth_token_new(const struct oauth_token_opts *o)
{
    struct oauth_token *t = lw_calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->o.token_endpoint = dup_or_null(o->token_endpoint);
    t->o.client_id = dup_or_null(o->client_id);
    t->o.client_secret = dup_or_null(o->client_secret);
    t->o.scope = dup_or_null(o->scope);
    t->o.timeout_ms = o->timeout_ms;
    pthread_mutex_init(&t->mu, NULL);
    return t;
}

void oauth_token_free(struct oauth_token *t)
{
    if (!t)
        return;
    lw_free((char *)t->o.token_endpoint);
    lw_free((char *)t->o.client_id);
    lw_free((char *)t->o.client_secret);
    lw_free((char *)t->o.scope);
    lw_free(t->token);
    pthread_mutex_destroy(&t->mu);
    lw_free(t);
}

static void form_field(struct lw_buf *b, const char *k, const char *v)
{
    if (b->len)
        lw_buf_putc(b, '&');
    lw_buf_puts(b, k);
    lw_buf_putc(b, '=');
    lw_buf_urlencode(b, v, true);
}

/* Called with t->mu held. */
static int fetch(struct oauth_token *t, struct lw_err *err)
{
    struct http_client_req req = {0};
    struct http_client_resp resp;
    struct lw_buf form;
    json_t *doc, *tok, *exp;
    int64_t lifetime_s = DEFAULT_LIFETIME_S, margin_ms;
    int rc = 0;

    if (!t->o.token_endpoint || !t->o.client_id || !t->o.client_secret)
        return lw_err_set(err, LW_ECONFIG, "token endpoint or client credentials not configured");
    lw_buf_init(&form, 16 * 1024);
    form_field(&form, "grant_type", "client_credentials");
    form_field(&form, "client_id", t->o.client_id);
    form_field(&form, "client_secret", t->o.client_secret);
    if (t->o.scope)
        form_field(&form, "scope", t->o.scope);
    if (form.failed) {
        lw_buf_free(&form);
        return lw_err_set(err, LW_ENOMEM, "token request too large");
    }
    req.method = "POST";
    req.url = t->o.token_endpoint;
    req.headers[0] = "Content-Type: application/x-www-form-urlencoded";
    req.headers[1] = "Accept: application/json";
    req.body = form.data;
    req.body_len = form.len;
    req.timeout_ms = t->o.timeout_ms;
    http_client_exchange(&req, &resp, 1, TOKEN_MAX_BODY);
    lw_buf_free(&form);

    if (resp.error) {
        rc = lw_err_set(err, resp.error, "token endpoint: %s", resp.error_msg);
    } else if (resp.status != 200) {
        rc = lw_err_set(err, resp.status == 400 || resp.status == 401 ? LW_EAUTH : LW_EIO,
                        "token endpoint answered HTTP %ld", resp.status);
    } else if (!(doc = json_loadb(resp.body.data, resp.body.len, 0, NULL))) {
        rc = lw_err_set(err, LW_EIO, "token endpoint answered non-JSON");
    } else {
        tok = json_object_get(doc, "access_token");
        exp = json_object_get(doc, "expires_in");
        if (!json_is_string(tok) || json_string_length(tok) == 0) {
            rc = lw_err_set(err, LW_EIO, "token response has no access_token");
        } else {
            if (json_is_integer(exp) && json_integer_value(exp) > 0)
                lifetime_s = json_integer_value(exp);
            margin_ms = lifetime_s * 1000 / 4;
            if (margin_ms > 30000)
                margin_ms = 30000;
            lw_free(t->token);
            t->token = lw_strdup(json_string_value(tok));
            t->renew_at_ms = lw_now_ms() + lifetime_s * 1000 - margin_ms;
            if (!t->token)
                rc = lw_err_set(err, LW_ENOMEM, "out of memory");
        }
        json_decref(doc);
    }
    http_client_resp_free(&resp);
    return rc;
}

char *oauth_token_get(struct oauth_token *t, bool *fetched, struct lw_err *err)
{
    char *copy = NULL;
    *fetched = false;
    pthread_mutex_lock(&t->mu);
    if (!t->token || lw_now_ms() >= t->renew_at_ms) {
        *fetched = true;
        if (fetch(t, err) != 0) {
            /* Keep nothing: the next decision retries (the bridge does not cache failures). */
            lw_free(t->token);
            t->token = NULL;
        }
    }
    if (t->token) {
        copy = lw_strdup(t->token);
        if (!copy)
            lw_err_set(err, LW_ENOMEM, "out of memory");
    }
    pthread_mutex_unlock(&t->mu);
    return copy;
}

void oauth_token_invalidate(struct oauth_token *t, const char *tok)
{
    pthread_mutex_lock(&t->mu);
    if (t->token && tok && strcmp(t->token, tok) == 0) {
        lw_free(t->token);
        t->token = NULL;
    }
    pthread_mutex_unlock(&t->mu);
}

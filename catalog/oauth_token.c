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
    pthread_cond_t cv;          /* signalled when a fetch finishes */
    char *token;
    int64_t renew_at_ms;        /* ask for a new token from here on */
    int64_t expires_at_ms;      /* the IdP's expiry: unusable from here on */
    bool fetching;              /* one thread is asking the IdP */
    uint64_t generation;        /* fetches finished so far */
    int failure_code;           /* the last failed fetch, shared with its waiters */
    char failure[256];
};

struct oauth_token *oauth_token_new(const struct oauth_token_opts *o)
{
    struct oauth_token *t = lw_calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->o.token_endpoint = lw_strdup(o->token_endpoint);
    t->o.client_id = lw_strdup(o->client_id);
    t->o.client_secret = lw_strdup(o->client_secret);
    t->o.scope = lw_strdup(o->scope);
    t->o.timeout_ms = o->timeout_ms;
    pthread_mutex_init(&t->mu, NULL);
    pthread_cond_init(&t->cv, NULL);
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
    pthread_cond_destroy(&t->cv);
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

/* Asks the IdP for a token. Runs without t->mu (options are immutable); on success sets
 * *token (caller frees), *renew_at_ms and *expires_at_ms. */
static int fetch(const struct oauth_token *t, long timeout_ms, char **token,
                 int64_t *renew_at_ms, int64_t *expires_at_ms, struct lw_err *err)
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
    req.timeout_ms = timeout_ms;
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
            *token = lw_strdup(json_string_value(tok));
            *expires_at_ms = lw_now_ms() + lifetime_s * 1000;
            *renew_at_ms = *expires_at_ms - margin_ms;
            if (!*token)
                rc = lw_err_set(err, LW_ENOMEM, "out of memory");
        }
        json_decref(doc);
    }
    http_client_resp_free(&resp);
    return rc;
}

/* Single flight: one thread asks the IdP at a time, without holding the lock. While it asks,
 * others keep using the current token if it has not expired yet (renewal starts early), or
 * wait for that attempt and share its outcome. A failure is not kept: a decision that starts
 * after it asks again (the bridge does not cache failed token requests either). */
char *oauth_token_get(struct oauth_token *t, long timeout_ms, bool *fetched, struct lw_err *err)
{
    char *copy = NULL, *fresh = NULL;
    int64_t renew_at = 0, expires_at = 0;
    struct lw_err ferr = {0};
    uint64_t gen;
    int rc;

    *fetched = false;
    if (timeout_ms <= 0 || timeout_ms > t->o.timeout_ms)
        timeout_ms = t->o.timeout_ms;
    pthread_mutex_lock(&t->mu);
    gen = t->generation;
    for (;;) {
        int64_t now = lw_now_ms();
        if (t->token && (now < t->renew_at_ms || (t->fetching && now < t->expires_at_ms)))
            goto have;
        if (!t->fetching && t->generation != gen) {
            /* The attempt we waited for failed: report it rather than queue another one. */
            lw_err_set(err, t->failure_code, "%s", t->failure);
            pthread_mutex_unlock(&t->mu);
            return NULL;
        }
        if (!t->fetching)
            break;
        if (lw_cond_wait_ms(&t->cv, &t->mu, timeout_ms == t->o.timeout_ms ? timeout_ms + 1000
                                                                         : timeout_ms) != 0) {
            lw_err_set(err, LW_ETIMEOUT, "token endpoint: waited too long for a renewal");
            pthread_mutex_unlock(&t->mu);
            return NULL;
        }
    }
    t->fetching = true;
    pthread_mutex_unlock(&t->mu);

    *fetched = true;
    rc = fetch(t, timeout_ms, &fresh, &renew_at, &expires_at, &ferr);

    pthread_mutex_lock(&t->mu);
    t->fetching = false;
    t->generation++;
    if (rc == 0) {
        lw_free(t->token);
        t->token = fresh;
        t->renew_at_ms = renew_at;
        t->expires_at_ms = expires_at;
    } else {
        t->failure_code = ferr.code;
        snprintf(t->failure, sizeof t->failure, "%s", ferr.msg);
        if (err)
            *err = ferr;
        /* Keep nothing: the next decision retries (the bridge does not cache failures). */
        lw_free(t->token);
        t->token = NULL;
    }
    pthread_cond_broadcast(&t->cv);
    if (!t->token) {
        pthread_mutex_unlock(&t->mu);
        return NULL;
    }
have:
    copy = lw_strdup(t->token);
    pthread_mutex_unlock(&t->mu);
    if (!copy)
        lw_err_set(err, LW_ENOMEM, "out of memory");
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

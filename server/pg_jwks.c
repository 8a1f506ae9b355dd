/* pg_jwks.c -- the shared JWKS cache (pg_jwks.h). The region holds the JWKS text, not parsed
 * keys (OpenSSL objects cannot live in shared memory); each login parses it, which costs far
 * less than its TLS handshake. The region's mutex (pg_shm.h) is held only for copies,
 * never across an HTTP call, so a backend killed mid-fetch blocks nobody. */
#include "pg_jwks.h"

#include "../catalog/http_client.h"
#include "core/lw_log.h"
#include "pg_shm.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define JWKS_TEXT_MAX (64u << 10)
#define FETCH_BODY_MAX (256u << 10)

struct shared {
    pthread_mutex_t mu;         /* first: pg_shm_map initialises it */
    int64_t fetched_us;         /* when text was fetched (0: never) */
    int64_t attempt_us;         /* last fetch attempt, for the rate limit */
    size_t len;
    char text[JWKS_TEXT_MAX];
};

struct pg_jwks_cache {
    struct shared *sh;
    char issuer[512];
};

struct pg_jwks_cache *pg_jwks_cache_new(const char *issuer, struct lw_err *err)
{
    struct pg_jwks_cache *c = lw_calloc(1, sizeof *c);
    if (!c || strlen(issuer) >= sizeof c->issuer) {
        lw_free(c);
        lw_err_set(err, LW_ECONFIG, "pg_oidc_issuer is too long");
        return NULL;
    }
    snprintf(c->issuer, sizeof c->issuer, "%s", issuer);
    if (!(c->sh = pg_shm_map(sizeof *c->sh))) {
        lw_free(c);
        lw_err_set(err, LW_ENOMEM, "cannot map the JWKS cache");
        return NULL;
    }
    return c;
}

void pg_jwks_cache_free(struct pg_jwks_cache *c)
{
    if (!c)
        return;
    pg_shm_unmap(c->sh, sizeof *c->sh);
    lw_free(c);
}

/* GETs url; returns the body (caller frees) when 2xx JSON, else NULL with *why. */
static char *get_json(const char *url, long timeout_ms, size_t *len, const char **why)
{
    struct http_client_req req = {.method = "GET", .url = url, .timeout_ms = timeout_ms,
                                  .headers = {"Accept: application/json", NULL}};
    struct http_client_resp resp;
    char *out = NULL;
    http_client_exchange(&req, &resp, 1, FETCH_BODY_MAX);
    if (resp.error != LW_OK)
        *why = resp.error == LW_ETIMEOUT ? "IdP timed out" : "IdP unreachable";
    else if (!http_client_resp_is_json_ok(&resp))
        *why = "IdP answered with an error or not JSON";
    else if ((out = lw_strndup(resp.body.data, resp.body.len)))
        *len = resp.body.len;
    http_client_resp_free(&resp);
    return out;
}

/* Discovery, then the JWKS. Returns the JWKS text or NULL with *why. */
static char *fetch(const struct pg_jwks_cache *c, long timeout_ms, size_t *len, const char **why)
{
    char url[600];
    int64_t deadline = lw_mono_us() + (int64_t)timeout_ms * 1000;
    size_t dl = 0;
    char *disc, *jwks = NULL;
    json_t *d;
    const char *uri;
    snprintf(url, sizeof url, "%s%s.well-known/openid-configuration", c->issuer,
             c->issuer[0] && c->issuer[strlen(c->issuer) - 1] == '/' ? "" : "/");
    if (!(disc = get_json(url, timeout_ms, &dl, why)))
        return NULL;
    d = json_loadb(disc, dl, 0, NULL);
    lw_free(disc);
    uri = json_string_value(json_object_get(d, "jwks_uri"));
    if (!uri || (strncmp(uri, "https://", 8) != 0 && strncmp(uri, "http://", 7) != 0))
        *why = "discovery document has no jwks_uri";
    else if ((deadline - lw_mono_us()) / 1000 <= 0)
        *why = "IdP timed out";
    else
        jwks = get_json(uri, (long)((deadline - lw_mono_us()) / 1000), len, why);
    json_decref(d);
    if (jwks && *len > JWKS_TEXT_MAX) {
        lw_free(jwks);
        *why = "JWKS larger than 64 KiB";
        return NULL;
    }
    return jwks;
}

struct pg_jwks *pg_jwks_cache_get(struct pg_jwks_cache *c, bool want_refresh, long timeout_ms,
                                  const char **why)
{
    struct shared *sh = c->sh;
    int64_t now = lw_mono_us();
    bool go;
    char *text = NULL;
    size_t len = 0;
    struct pg_jwks *keys = NULL;
    struct lw_err err = {0};

    pg_shm_lock(&sh->mu);
    go = (sh->fetched_us == 0 || now - sh->fetched_us > PG_JWKS_MAX_AGE_MS * 1000LL ||
          want_refresh) &&
         (sh->attempt_us == 0 || now - sh->attempt_us >= PG_JWKS_REFRESH_MIN_MS * 1000LL);
    if (go)
        sh->attempt_us = now;
    pg_shm_unlock(&sh->mu);

    if (go && timeout_ms > 0) {
        const char *fwhy = NULL;
        if ((text = fetch(c, timeout_ms, &len, &fwhy)) &&
            (keys = pg_jwks_parse(text, len, &err))) {
            pg_shm_lock(&sh->mu);
            memcpy(sh->text, text, len);
            sh->len = len;
            sh->fetched_us = lw_mono_us();
            pg_shm_unlock(&sh->mu);
            LW_INFO("pg", "jwks_fetched", "issuer=\"%s\" keys=%d", c->issuer, pg_jwks_count(keys));
        } else {
            LW_WARN("pg", "jwks_fetch_failed", "issuer=\"%s\" reason=\"%s\"", c->issuer,
                    fwhy ? fwhy : err.msg);
        }
        lw_free(text);
        if (keys)
            return keys;
    }
    /* Not fetched (rate limit, failure): whatever is cached. */
    pg_shm_lock(&sh->mu);
    if (sh->len)
        keys = pg_jwks_parse(sh->text, sh->len, &err);
    pg_shm_unlock(&sh->mu);
    if (!keys)
        *why = "the IdP's keys are not available";
    return keys;
}

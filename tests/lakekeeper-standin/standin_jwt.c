/* standin_jwt.c -- JWT (RS256) verification against a JWKS for the stand-in (see standin_jwt.h).
 * Keys are built from the JWK modulus and exponent with OpenSSL's EVP API; only RS256 is
 * accepted, so "none" and HMAC tokens are refused before any key is looked at. */
#include "standin_jwt.h"

#include "../../catalog/http_client.h"
#include "../../server/core/lw_log.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <stdio.h>
#include <string.h>

#define JWKS_MAX_KEYS 16
#define JWKS_BODY_MAX (1u << 20)
#define JWKS_REFETCH_MS 5000 /* an unknown kid refetches the JWKS at most this often */

struct jwk {
    char kid[128];
    EVP_PKEY *pkey;
};

struct standin_jwt {
    pthread_mutex_t mu;
    char jwks_url[512];
    char issuer[512];
    char audience[256];
    struct jwk keys[JWKS_MAX_KEYS];
    int nkeys;
    int64_t fetched_ms; /* monotonic time of the last fetch attempt; 0 = never */
};

struct standin_jwt *standin_jwt_new(const char *jwks_url, const char *issuer, const char *audience,
                                    struct lw_err *err)
{
    struct standin_jwt *j = lw_calloc(1, sizeof *j);
    if (!j) {
        lw_err_set(err, LW_ENOMEM, "out of memory");
        return NULL;
    }
    if (!standin_copy(j->jwks_url, sizeof j->jwks_url, jwks_url) ||
        !standin_copy(j->issuer, sizeof j->issuer, issuer) ||
        !standin_copy(j->audience, sizeof j->audience, audience)) {
        lw_free(j);
        lw_err_set(err, LW_ECONFIG, "--jwks-url, --issuer or --audience too long");
        return NULL;
    }
    pthread_mutex_init(&j->mu, NULL);
    return j;
}

static void drop_keys(struct standin_jwt *j)
{
    for (int i = 0; i < j->nkeys; i++)
        EVP_PKEY_free(j->keys[i].pkey);
    j->nkeys = 0;
}

void standin_jwt_free(struct standin_jwt *j)
{
    if (!j)
        return;
    drop_keys(j);
    pthread_mutex_destroy(&j->mu);
    lw_free(j);
}

/* base64url (no padding, padding tolerated) into out; returns the length or -1. */
static long b64url_decode(const char *in, size_t inlen, unsigned char *out, size_t outmax)
{
    unsigned acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < inlen; i++) {
        char c = in[i];
        int v;
        if (c >= 'A' && c <= 'Z')
            v = c - 'A';
        else if (c >= 'a' && c <= 'z')
            v = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            v = c - '0' + 52;
        else if (c == '-')
            v = 62;
        else if (c == '_')
            v = 63;
        else if (c == '=')
            break;
        else
            return -1;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o >= outmax)
                return -1;
            out[o++] = (unsigned char)((acc >> bits) & 0xff);
        }
    }
    return (long)o;
}

static EVP_PKEY *rsa_from_jwk(const char *n64, const char *e64)
{
    unsigned char n[1024], e[16];
    long nl = b64url_decode(n64, strlen(n64), n, sizeof n);
    long el = b64url_decode(e64, strlen(e64), e, sizeof e);
    BIGNUM *bn = NULL, *be = NULL;
    OSSL_PARAM_BLD *bld = NULL;
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *pkey = NULL;

    if (nl <= 0 || el <= 0)
        return NULL;
    bn = BN_bin2bn(n, (int)nl, NULL);
    be = BN_bin2bn(e, (int)el, NULL);
    bld = OSSL_PARAM_BLD_new();
    if (!bn || !be || !bld || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be))
        goto out;
    params = OSSL_PARAM_BLD_to_param(bld);
    ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
        pkey = NULL;
out:
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(bn);
    BN_free(be);
    return pkey;
}

/* Fetches the JWKS and replaces the key set. Called with j->mu held. */
static int fetch_jwks(struct standin_jwt *j, struct lw_err *err)
{
    struct http_client_req req;
    struct http_client_resp resp;
    json_error_t jerr;
    json_t *root, *keys, *k;
    size_t i;
    int got = 0;

    memset(&req, 0, sizeof req);
    req.method = "GET";
    req.url = j->jwks_url;
    req.timeout_ms = 5000;
    j->fetched_ms = lw_now_ms();
    http_client_exchange(&req, &resp, 1, JWKS_BODY_MAX);
    if (resp.error != LW_OK || resp.status != 200) {
        lw_err_set(err, LW_EIO, "JWKS fetch failed: %s (HTTP %ld)",
                   resp.error != LW_OK ? resp.error_msg : "bad status", resp.status);
        http_client_resp_free(&resp);
        return LW_EIO;
    }
    root = json_loadb(resp.body.data ? resp.body.data : "", resp.body.len, 0, &jerr);
    http_client_resp_free(&resp);
    keys = root ? json_object_get(root, "keys") : NULL;
    if (!json_is_array(keys)) {
        json_decref(root);
        return lw_err_set(err, LW_EIO, "JWKS answer has no keys array");
    }
    drop_keys(j);
    json_array_foreach(keys, i, k)
    {
        const char *kty = json_string_value(json_object_get(k, "kty"));
        const char *use = json_string_value(json_object_get(k, "use"));
        const char *kid = json_string_value(json_object_get(k, "kid"));
        const char *n = json_string_value(json_object_get(k, "n"));
        const char *e = json_string_value(json_object_get(k, "e"));
        EVP_PKEY *pkey;
        if (!kty || strcmp(kty, "RSA") != 0 || (use && strcmp(use, "sig") != 0) || !n || !e ||
            j->nkeys >= JWKS_MAX_KEYS)
            continue;
        pkey = rsa_from_jwk(n, e);
        if (!pkey)
            continue;
        snprintf(j->keys[j->nkeys].kid, sizeof j->keys[0].kid, "%s", kid ? kid : "");
        j->keys[j->nkeys].pkey = pkey;
        j->nkeys++;
        got++;
    }
    json_decref(root);
    LW_INFO("standin", "jwks_loaded", "keys=%d", got);
    return 0;
}

/* A referenced key for kid (the only key when the token names none), or NULL. */
static EVP_PKEY *key_for(struct standin_jwt *j, const char *kid, struct lw_err *err, int *rc)
{
    EVP_PKEY *found = NULL;
    *rc = 0;
    pthread_mutex_lock(&j->mu);
    for (int pass = 0; pass < 2 && !found; pass++) {
        for (int i = 0; i < j->nkeys && !found; i++)
            if (kid ? strcmp(j->keys[i].kid, kid) == 0 : j->nkeys == 1)
                found = j->keys[i].pkey;
        if (found || pass == 1)
            break;
        /* Unknown kid: the IdP may have rotated keys. Refetch, but not more than once per
         * JWKS_REFETCH_MS, so a stream of bad tokens cannot hammer the IdP. */
        if (j->fetched_ms != 0 && lw_now_ms() - j->fetched_ms < JWKS_REFETCH_MS)
            break;
        *rc = fetch_jwks(j, err);
        if (*rc)
            break;
    }
    if (found)
        EVP_PKEY_up_ref(found);
    pthread_mutex_unlock(&j->mu);
    return found;
}

static json_t *decode_part(const char *p, size_t len)
{
    unsigned char buf[SI_JWT_MAX];
    json_error_t jerr;
    long n = b64url_decode(p, len, buf, sizeof buf);
    if (n < 0)
        return NULL;
    return json_loadb((const char *)buf, (size_t)n, 0, &jerr);
}

static bool aud_ok(const json_t *aud, const char *want)
{
    size_t i;
    json_t *v;
    if (json_is_string(aud))
        return strcmp(json_string_value(aud), want) == 0;
    if (json_is_array(aud))
        json_array_foreach(aud, i, v) if (json_is_string(v) &&
                                          strcmp(json_string_value(v), want) == 0) return true;
    return false;
}

static void fill_principal(const json_t *claims, const char *sub, struct standin_principal *who)
{
    const char *name = json_string_value(json_object_get(claims, "name"));
    const char *user = json_string_value(json_object_get(claims, "preferred_username"));
    const char *email = json_string_value(json_object_get(claims, "email"));
    memset(who, 0, sizeof *who);
    snprintf(who->user_id, sizeof who->user_id, "oidc~%s", sub);
    snprintf(who->name, sizeof who->name, "%s", name ? name : user ? user : sub);
    snprintf(who->email, sizeof who->email, "%s", email ? email : "");
    /* Keycloak service-account tokens carry client_id and a "service-account-" username. */
    who->application = json_object_get(claims, "client_id") != NULL ||
                       (user && strncmp(user, "service-account-", 16) == 0);
}

int standin_jwt_verify(struct standin_jwt *j, const char *token, struct standin_principal *who,
                       struct lw_err *err)
{
    const char *dot1, *dot2;
    json_t *hdr = NULL, *claims = NULL;
    unsigned char sig[1024];
    long siglen;
    EVP_PKEY *pkey = NULL;
    EVP_MD_CTX *md = NULL;
    const char *alg, *kid, *sub, *iss;
    json_t *exp, *nbf;
    int64_t now = lw_wall_ms() / 1000;
    int rc = LW_EAUTH;
    int krc;

    if (!token || strlen(token) > SI_JWT_MAX)
        return lw_err_set(err, LW_EAUTH, "token missing or too long");
    dot1 = strchr(token, '.');
    dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    if (!dot1 || !dot2 || strchr(dot2 + 1, '.'))
        return lw_err_set(err, LW_EAUTH, "not a compact JWS");
    hdr = decode_part(token, (size_t)(dot1 - token));
    claims = decode_part(dot1 + 1, (size_t)(dot2 - dot1 - 1));
    if (!json_is_object(hdr) || !json_is_object(claims)) {
        lw_err_set(err, LW_EAUTH, "undecodable header or claims");
        goto out;
    }
    alg = json_string_value(json_object_get(hdr, "alg"));
    if (!alg || strcmp(alg, "RS256") != 0) {
        lw_err_set(err, LW_EAUTH, "unsupported alg %s", alg ? alg : "(none)");
        goto out;
    }
    siglen = b64url_decode(dot2 + 1, strlen(dot2 + 1), sig, sizeof sig);
    if (siglen <= 0) {
        lw_err_set(err, LW_EAUTH, "undecodable signature");
        goto out;
    }
    kid = json_string_value(json_object_get(hdr, "kid"));
    pkey = key_for(j, kid, err, &krc);
    if (!pkey) {
        if (krc)
            rc = krc;
        else
            lw_err_set(err, LW_EAUTH, "no key for kid %s", kid ? kid : "(none)");
        goto out;
    }
    md = EVP_MD_CTX_new();
    if (!md || EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pkey) != 1 ||
        EVP_DigestVerify(md, sig, (size_t)siglen, (const unsigned char *)token,
                         (size_t)(dot2 - token)) != 1) {
        lw_err_set(err, LW_EAUTH, "bad signature");
        goto out;
    }
    iss = json_string_value(json_object_get(claims, "iss"));
    if (!iss || strcmp(iss, j->issuer) != 0) {
        lw_err_set(err, LW_EAUTH, "issuer mismatch");
        goto out;
    }
    if (!aud_ok(json_object_get(claims, "aud"), j->audience)) {
        lw_err_set(err, LW_EAUTH, "audience %s not in token", j->audience);
        goto out;
    }
    exp = json_object_get(claims, "exp");
    if (!json_is_number(exp) || (int64_t)json_number_value(exp) <= now) {
        lw_err_set(err, LW_EAUTH, "token expired or without exp");
        goto out;
    }
    nbf = json_object_get(claims, "nbf");
    if (json_is_number(nbf) && (int64_t)json_number_value(nbf) > now + 60) {
        lw_err_set(err, LW_EAUTH, "token not yet valid");
        goto out;
    }
    sub = json_string_value(json_object_get(claims, "sub"));
    if (!sub || !*sub || strlen(sub) >= 128) {
        lw_err_set(err, LW_EAUTH, "token without usable sub");
        goto out;
    }
    fill_principal(claims, sub, who);
    rc = 0;
out:
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(pkey);
    json_decref(hdr);
    json_decref(claims);
    return rc;
}

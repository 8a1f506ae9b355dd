/* test_pg_jwt.c -- server/pg_jwt.c: JWKS parsing and JWT verification with keys and tokens
 * made here with OpenSSL (RSA, RSA-PSS, P-256, Ed25519): good tokens pass for every allowed
 * algorithm; wrong issuer, wrong audience, expiry, nbf, missing claims, tampered payload,
 * alg none, HS256, an unknown kid (LW_ENOTFOUND, so the caller refreshes), a key of the
 * wrong type and malformed input are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../server/pg_jwt.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOW 1800000000LL

static EVP_PKEY *rsa_key, *ec_key, *ed_key, *other_rsa;
static struct pg_jwks *jwks;

static void b64u(const unsigned char *in, size_t n, char *out)
{
    int len = EVP_EncodeBlock((unsigned char *)out, in, (int)n);
    for (int i = 0; i < len; i++)
        out[i] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
    while (len > 0 && out[len - 1] == '=')
        len--;
    out[len] = '\0';
}

static void b64u_str(const char *s, char *out)
{
    b64u((const unsigned char *)s, strlen(s), out);
}

static void bn_param(EVP_PKEY *k, const char *name, char *out)
{
    BIGNUM *bn = NULL;
    unsigned char buf[512];
    assert_int_equal(EVP_PKEY_get_bn_param(k, name, &bn), 1);
    int n = BN_bn2bin(bn, buf);
    b64u(buf, (size_t)n, out);
    BN_free(bn);
}

static char *make_jwks(void)
{
    char n[512], e[16], x[64], y[64], edx[64], *out = malloc(4096);
    unsigned char pub[65], raw[32];
    size_t len = sizeof pub;
    bn_param(rsa_key, OSSL_PKEY_PARAM_RSA_N, n);
    bn_param(rsa_key, OSSL_PKEY_PARAM_RSA_E, e);
    assert_int_equal(EVP_PKEY_get_octet_string_param(ec_key, OSSL_PKEY_PARAM_PUB_KEY, pub,
                                                     sizeof pub, &len), 1);
    assert_int_equal(len, 65);
    b64u(pub + 1, 32, x);
    b64u(pub + 33, 32, y);
    len = sizeof raw;
    assert_int_equal(EVP_PKEY_get_raw_public_key(ed_key, raw, &len), 1);
    b64u(raw, 32, edx);
    snprintf(out, 4096,
             "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"enc\",\"use\":\"enc\",\"n\":\"%s\",\"e\":\"%s\"},"
             "{\"kty\":\"RSA\",\"kid\":\"r1\",\"use\":\"sig\",\"n\":\"%s\",\"e\":\"%s\"},"
             "{\"kty\":\"EC\",\"kid\":\"e1\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\"},"
             "{\"kty\":\"OKP\",\"kid\":\"d1\",\"crv\":\"Ed25519\",\"x\":\"%s\"},"
             "{\"kty\":\"oct\",\"kid\":\"h1\",\"k\":\"c2VjcmV0\"}]}",
             n, e, n, e, x, y, edx);
    return out;
}

static int setup(void **state)
{
    struct lw_err err = {0};
    char *text;
    (void)state;
    rsa_key = EVP_RSA_gen(2048);
    other_rsa = EVP_RSA_gen(2048);
    ec_key = EVP_EC_gen("P-256");
    ed_key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    if (!rsa_key || !other_rsa || !ec_key || !ed_key)
        return -1;
    text = make_jwks();
    jwks = pg_jwks_parse(text, strlen(text), &err);
    free(text);
    return jwks ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    pg_jwks_free(jwks);
    EVP_PKEY_free(rsa_key);
    EVP_PKEY_free(other_rsa);
    EVP_PKEY_free(ec_key);
    EVP_PKEY_free(ed_key);
    return 0;
}

/* header.payload.signature with key (NULL: empty signature; alg decides the scheme). */
static char *token(const char *alg, const char *kid, const char *payload, EVP_PKEY *key)
{
    char hdr[200], h64[400], p64[2048], sig64[1024], *out = malloc(4096);
    unsigned char sig[1024];
    size_t sl = sizeof sig;
    int n;
    snprintf(hdr, sizeof hdr, "{\"alg\":\"%s\",\"typ\":\"JWT\",\"kid\":\"%s\"}", alg, kid);
    b64u_str(hdr, h64);
    b64u_str(payload, p64);
    n = snprintf(out, 4096, "%s.%s", h64, p64);
    sig64[0] = '\0';
    if (strcmp(alg, "HS256") == 0) {
        unsigned int hl = 32;
        HMAC(EVP_sha256(), "secret", 6, (unsigned char *)out, (size_t)n, sig, &hl);
        b64u(sig, hl, sig64);
    } else if (key) {
        EVP_MD_CTX *md = EVP_MD_CTX_new();
        EVP_PKEY_CTX *pctx = NULL;
        const char *dg = strcmp(alg, "EdDSA") == 0 ? NULL : "SHA256";
        assert_int_equal(EVP_DigestSignInit_ex(md, &pctx, dg, NULL, NULL, key, NULL), 1);
        if (strcmp(alg, "PS256") == 0) {
            EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
        }
        assert_int_equal(EVP_DigestSign(md, sig, &sl, (unsigned char *)out, (size_t)n), 1);
        EVP_MD_CTX_free(md);
        if (strcmp(alg, "ES256") == 0) {    /* DER -> r || s */
            const unsigned char *p = sig;
            ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)sl);
            unsigned char rs[64];
            BN_bn2binpad(ECDSA_SIG_get0_r(es), rs, 32);
            BN_bn2binpad(ECDSA_SIG_get0_s(es), rs + 32, 32);
            ECDSA_SIG_free(es);
            memcpy(sig, rs, 64);
            sl = 64;
        }
        b64u(sig, sl, sig64);
    }
    snprintf(out + n, 4096 - (size_t)n, ".%s", sig64);
    return out;
}

static const struct pg_jwt_expect expect = {"https://idp.example/realms/r", "lakeward", NOW, 30};

static char *claims(const char *iss, const char *aud, long long exp, long long nbf, const char *sub)
{
    char *c = malloc(1024);
    int n = snprintf(c, 1024, "{\"iss\":\"%s\",\"aud\":%s", iss, aud);
    if (exp)
        n += snprintf(c + n, 1024 - (size_t)n, ",\"exp\":%lld", exp);
    if (nbf)
        n += snprintf(c + n, 1024 - (size_t)n, ",\"nbf\":%lld", nbf);
    if (sub)
        n += snprintf(c + n, 1024 - (size_t)n, ",\"sub\":\"%s\"", sub);
    snprintf(c + n, 1024 - (size_t)n, "}");
    return c;
}

static int check(const char *alg, const char *kid, const char *payload, EVP_PKEY *key,
                 const char **why, char **sub)
{
    char *t = token(alg, kid, payload, key);
    int rc = pg_jwt_verify(t, jwks, &expect, sub, why);
    free(t);
    return rc;
}

static const char good_iss[] = "https://idp.example/realms/r";

static void good_tokens(void **state)
{
    static const struct { const char *alg, *kid; EVP_PKEY **key; } cases[] = {
        {"RS256", "r1", &rsa_key}, {"PS256", "r1", &rsa_key}, {"ES256", "e1", &ec_key},
        {"EdDSA", "d1", &ed_key},
    };
    char *c = claims(good_iss, "[\"account\",\"lakeward\"]", NOW + 60, NOW - 10, "u-1");
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *why = NULL;
        char *sub = NULL;
        assert_int_equal(check(cases[i].alg, cases[i].kid, c, *cases[i].key, &why, &sub), 0);
        assert_string_equal(sub, "u-1");
        lw_free(sub);
    }
    free(c);
    /* A string audience; expiry within the leeway. */
    c = claims(good_iss, "\"lakeward\"", NOW - 20, 0, "u-2");
    {
        const char *why = NULL;
        char *sub = NULL;
        assert_int_equal(check("RS256", "r1", c, rsa_key, &why, &sub), 0);
        lw_free(sub);
    }
    free(c);
}

static void refused(const char *alg, const char *kid, const char *payload, EVP_PKEY *key,
                    int want_rc, const char *want_why)
{
    const char *why = NULL;
    char *sub = NULL;
    assert_int_equal(check(alg, kid, payload, key, &why, &sub), want_rc);
    assert_null(sub);
    assert_non_null(why);
    assert_non_null(strstr(why, want_why));
}

static void bad_claims(void **state)
{
    char *c;
    (void)state;
    refused("RS256", "r1", c = claims("https://evil/realms/r", "\"lakeward\"", NOW + 60, 0, "u"), rsa_key, LW_EAUTH, "issuer");
    free(c);
    refused("RS256", "r1", c = claims(good_iss, "[\"account\"]", NOW + 60, 0, "u"), rsa_key, LW_EAUTH, "audience");
    free(c);
    refused("RS256", "r1", c = claims(good_iss, "\"lakeward\"", NOW - 31, 0, "u"), rsa_key, LW_EAUTH, "expired");
    free(c);
    refused("RS256", "r1", c = claims(good_iss, "\"lakeward\"", 0, 0, "u"), rsa_key, LW_EAUTH, "exp");
    free(c);
    refused("RS256", "r1", c = claims(good_iss, "\"lakeward\"", NOW + 60, NOW + 31, "u"), rsa_key, LW_EAUTH, "nbf");
    free(c);
    refused("RS256", "r1", c = claims(good_iss, "\"lakeward\"", NOW + 60, 0, NULL), rsa_key, LW_EAUTH, "subject");
    free(c);
    refused("RS256", "r1", c = claims(good_iss, "null", NOW + 60, 0, "u"), rsa_key, LW_EAUTH, "audience");
    free(c);
}

static void bad_signatures(void **state)
{
    char *c = claims(good_iss, "\"lakeward\"", NOW + 60, 0, "u");
    (void)state;
    refused("RS256", "r1", c, other_rsa, LW_EAUTH, "bad signature");
    refused("none", "r1", c, NULL, LW_EAUTH, "not allowed");
    refused("HS256", "h1", c, NULL, LW_EAUTH, "not allowed");
    refused("HS256", "r1", c, NULL, LW_EAUTH, "not allowed");
    refused("RS256", "nope", c, rsa_key, LW_ENOTFOUND, "unknown key id");
    refused("ES256", "r1", c, ec_key, LW_EAUTH, "bad signature");     /* kid of another type */
    refused("RS256", "enc", c, rsa_key, LW_ENOTFOUND, "unknown key id"); /* "use": "enc" skipped */
    refused("RS256", "r1", c, NULL, LW_EAUTH, "malformed signature");  /* empty signature */
    free(c);
    {
        /* The payload swapped after signing. */
        char *a = claims(good_iss, "\"lakeward\"", NOW + 60, 0, "alice");
        char *b = claims(good_iss, "\"lakeward\"", NOW + 60, 0, "admin");
        char *ta = token("RS256", "r1", a, rsa_key), *tb = token("RS256", "r1", b, rsa_key);
        char mixed[4096], *sub = NULL;
        const char *why;
        const char *d1 = strchr(ta, '.'), *d2 = strchr(d1 + 1, '.');
        const char *e1 = strchr(tb, '.'), *e2 = strchr(e1 + 1, '.');
        snprintf(mixed, sizeof mixed, "%.*s%.*s%s", (int)(d1 - ta), ta, (int)(e2 - e1), e1, d2);
        assert_int_equal(pg_jwt_verify(mixed, jwks, &expect, &sub, &why), LW_EAUTH);
        assert_null(sub);
        free(a);
        free(b);
        free(ta);
        free(tb);
    }
}

static void malformed(void **state)
{
    static const char *const bad[] = {
        "", ".", "..", "a.b", "a.b.c.d", "!!!.???.***", "eyJhbGciOiJSUzI1NiJ9..",
        "eyJhbGciOiJSUzI1NiJ9.e30.", "bnVsbA.e30.AAAA", "W10.e30.AAAA",
        "eyJhbGciOjEyM30.e30.AAAA", "eyJhbGciOiJSUzI1NiIsImNyaXQiOlsiZXhwIl19.e30.AAAA",
        "eyJhbGciOiJSUzI1NiJ9.e30.A+/=",
    };
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *why = NULL;
        char *sub = NULL;
        int rc = pg_jwt_verify(bad[i], jwks, &expect, &sub, &why);
        assert_true(rc == LW_EAUTH || rc == LW_ENOTFOUND);
        assert_null(sub);
    }
    {
        struct lw_err err = {0};
        static const char *const docs[] = {"", "{}", "{\"keys\":{}}", "{\"keys\":[]}",
            "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}",   /* tiny RSA */
            "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAA\",\"y\":\"AAAA\"}]}",
            "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"AAAA\"}]}", "[1,2"};
        for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
            assert_null(pg_jwks_parse(docs[i], strlen(docs[i]), &err));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_tokens),
        cmocka_unit_test(bad_claims),
        cmocka_unit_test(bad_signatures),
        cmocka_unit_test(malformed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

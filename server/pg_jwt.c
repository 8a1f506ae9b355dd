/* pg_jwt.c -- JWKS parsing and JWT verification (pg_jwt.h). The algorithm table says which
 * key type and digest each allowed "alg" needs; anything not in it is refused before any
 * key is looked at. */
#include "pg_jwt.h"

#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <string.h>

#define JWKS_MAX_KEYS 32
#define JWT_PART_MAX 16384

enum key_kind { KIND_RSA, KIND_EC, KIND_ED25519 };

static const struct jwt_alg {
    const char *name;
    enum key_kind kind;
    const char *digest;         /* NULL: EdDSA signs the message itself */
    bool pss;
    const char *curve;          /* EC: the JWK "crv" it needs */
    size_t ec_half;             /* EC: bytes of r and of s in the JWS signature */
} algs[] = {
    {"RS256", KIND_RSA, "SHA256", false, NULL, 0},
    {"RS384", KIND_RSA, "SHA384", false, NULL, 0},
    {"RS512", KIND_RSA, "SHA512", false, NULL, 0},
    {"PS256", KIND_RSA, "SHA256", true, NULL, 0},
    {"ES256", KIND_EC, "SHA256", false, "P-256", 32},
    {"ES384", KIND_EC, "SHA384", false, "P-384", 48},
    {"EdDSA", KIND_ED25519, NULL, false, NULL, 0},
};

struct jwk {
    char *kid;                  /* NULL when the JWK has none */
    char *alg;                  /* NULL when the JWK does not pin one */
    char *crv;                  /* EC keys */
    enum key_kind kind;
    EVP_PKEY *pkey;
};

struct pg_jwks {
    struct jwk keys[JWKS_MAX_KEYS];
    int n;
};

/* base64url (no padding, as JWS uses it) into a new buffer; NULL when malformed. */
static unsigned char *b64url(const char *s, size_t len, size_t *out_len)
{
    size_t n = len, pad = (4 - len % 4) % 4;
    char *tmp;
    unsigned char *out;
    int r;
    if (len == 0 || len > JWT_PART_MAX || pad == 3)
        return NULL;
    if (!(tmp = lw_malloc(n + pad + 1)))
        return NULL;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '+' || c == '/' || c == '=') {   /* not base64url */
            lw_free(tmp);
            return NULL;
        }
        tmp[i] = c == '-' ? '+' : c == '_' ? '/' : c;
    }
    memset(tmp + n, '=', pad);
    if (!(out = lw_malloc((n + pad) / 4 * 3 + 1))) {
        lw_free(tmp);
        return NULL;
    }
    r = EVP_DecodeBlock(out, (unsigned char *)tmp, (int)(n + pad));
    lw_free(tmp);
    if (r < 0 || (size_t)r < pad) {
        lw_free(out);
        return NULL;
    }
    *out_len = (size_t)r - pad;
    return out;
}

static BIGNUM *b64url_bn(const char *s)
{
    size_t n;
    unsigned char *raw = s ? b64url(s, strlen(s), &n) : NULL;
    BIGNUM *bn = raw ? BN_bin2bn(raw, (int)n, NULL) : NULL;
    lw_free(raw);
    return bn;
}

static EVP_PKEY *from_params(const char *type, OSSL_PARAM_BLD *bld)
{
    OSSL_PARAM *params = bld ? OSSL_PARAM_BLD_to_param(bld) : NULL;
    EVP_PKEY_CTX *ctx = params ? EVP_PKEY_CTX_new_from_name(NULL, type, NULL) : NULL;
    EVP_PKEY *pkey = NULL;
    if (ctx && EVP_PKEY_fromdata_init(ctx) == 1)
        (void)EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    return pkey;
}

static EVP_PKEY *rsa_key(json_t *k)
{
    BIGNUM *n = b64url_bn(json_string_value(json_object_get(k, "n")));
    BIGNUM *e = b64url_bn(json_string_value(json_object_get(k, "e")));
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    EVP_PKEY *pkey = NULL;
    /* Below 2048 bits a signature proves little. */
    if (n && e && bld && BN_num_bits(n) >= 2048 &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) == 1 &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) == 1)
        pkey = from_params("RSA", bld);
    OSSL_PARAM_BLD_free(bld);
    BN_free(n);
    BN_free(e);
    return pkey;
}

static EVP_PKEY *ec_key(json_t *k, const char *crv)
{
    const char *group = strcmp(crv, "P-256") == 0 ? "prime256v1"
                        : strcmp(crv, "P-384") == 0 ? "secp384r1" : NULL;
    size_t half = strcmp(crv, "P-256") == 0 ? 32 : 48, xl = 0, yl = 0;
    const char *xs = json_string_value(json_object_get(k, "x"));
    const char *ys = json_string_value(json_object_get(k, "y"));
    unsigned char *x = xs ? b64url(xs, strlen(xs), &xl) : NULL;
    unsigned char *y = ys ? b64url(ys, strlen(ys), &yl) : NULL;
    unsigned char pub[1 + 2 * 48];
    OSSL_PARAM_BLD *bld = NULL;
    EVP_PKEY *pkey = NULL;
    if (group && x && y && xl == half && yl == half && (bld = OSSL_PARAM_BLD_new())) {
        pub[0] = 0x04;      /* uncompressed point */
        memcpy(pub + 1, x, half);
        memcpy(pub + 1 + half, y, half);
        if (OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) == 1 &&
            OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, 1 + 2 * half) == 1)
            pkey = from_params("EC", bld);   /* fromdata checks the point is on the curve */
    }
    OSSL_PARAM_BLD_free(bld);
    lw_free(x);
    lw_free(y);
    return pkey;
}

static EVP_PKEY *ed_key(json_t *k)
{
    const char *xs = json_string_value(json_object_get(k, "x"));
    size_t xl = 0;
    unsigned char *x = xs ? b64url(xs, strlen(xs), &xl) : NULL;
    EVP_PKEY *pkey = x && xl == 32 ? EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, x, 32)
                                   : NULL;
    lw_free(x);
    return pkey;
}

static char *opt_str(json_t *o, const char *name)
{
    const char *v = json_string_value(json_object_get(o, name));
    return v ? lw_strdup(v) : NULL;
}

void pg_jwks_free(struct pg_jwks *k)
{
    if (!k)
        return;
    for (int i = 0; i < k->n; i++) {
        lw_free(k->keys[i].kid);
        lw_free(k->keys[i].alg);
        lw_free(k->keys[i].crv);
        EVP_PKEY_free(k->keys[i].pkey);
    }
    lw_free(k);
}

int pg_jwks_count(const struct pg_jwks *k)
{
    return k ? k->n : 0;
}

struct pg_jwks *pg_jwks_parse(const char *text, size_t len, struct lw_err *err)
{
    json_t *doc = json_loadb(text, len, 0, NULL), *arr = json_object_get(doc, "keys"), *k;
    struct pg_jwks *ks = NULL;
    size_t i;
    if (!json_is_array(arr)) {
        lw_err_set(err, LW_EIO, "the JWKS is not JSON with a \"keys\" array");
        goto out;
    }
    if (!(ks = lw_calloc(1, sizeof *ks))) {
        lw_err_set(err, LW_ENOMEM, "out of memory");
        goto out;
    }
    json_array_foreach(arr, i, k) {
        const char *kty = json_string_value(json_object_get(k, "kty"));
        const char *use = json_string_value(json_object_get(k, "use"));
        const char *crv = json_string_value(json_object_get(k, "crv"));
        struct jwk *j = &ks->keys[ks->n];
        if (ks->n == JWKS_MAX_KEYS || !kty || (use && strcmp(use, "sig") != 0))
            continue;
        if (strcmp(kty, "RSA") == 0) {
            j->kind = KIND_RSA;
            j->pkey = rsa_key(k);
        } else if (strcmp(kty, "EC") == 0 && crv) {
            j->kind = KIND_EC;
            j->pkey = ec_key(k, crv);
        } else if (strcmp(kty, "OKP") == 0 && crv && strcmp(crv, "Ed25519") == 0) {
            j->kind = KIND_ED25519;
            j->pkey = ed_key(k);
        }
        if (!j->pkey)
            continue;       /* unsupported or malformed: other keys may still serve */
        j->kid = opt_str(k, "kid");
        j->alg = opt_str(k, "alg");
        j->crv = opt_str(k, "crv");
        ks->n++;
    }
    ERR_clear_error();
    if (ks->n == 0) {
        lw_err_set(err, LW_EIO, "the JWKS has no usable signing key");
        pg_jwks_free(ks);
        ks = NULL;
    }
out:
    json_decref(doc);
    return ks;
}

/* JWS ECDSA signatures are r || s; OpenSSL verifies DER. */
static unsigned char *ec_sig_to_der(const unsigned char *sig, size_t half, int *der_len)
{
    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(sig, (int)half, NULL), *s = BN_bin2bn(sig + half, (int)half, NULL);
    unsigned char *der = NULL;
    if (!es || !r || !s || ECDSA_SIG_set0(es, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(es);
        return NULL;
    }
    *der_len = i2d_ECDSA_SIG(es, &der);
    ECDSA_SIG_free(es);
    return *der_len > 0 ? der : NULL;
}

static bool verify_sig(const struct jwt_alg *a, EVP_PKEY *pkey, const char *signing_input,
                       size_t in_len, const unsigned char *sig, size_t sig_len)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    unsigned char *der = NULL;
    int der_len = 0;
    bool ok = false;
    if (!md)
        return false;
    if (a->kind == KIND_EC) {
        if (sig_len != 2 * a->ec_half || !(der = ec_sig_to_der(sig, a->ec_half, &der_len)))
            goto out;
        sig = der;
        sig_len = (size_t)der_len;
    }
    if (EVP_DigestVerifyInit_ex(md, &pctx, a->digest, NULL, NULL, pkey, NULL) != 1)
        goto out;
    if (a->pss && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
                   EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1))
        goto out;
    ok = EVP_DigestVerify(md, sig, sig_len, (const unsigned char *)signing_input, in_len) == 1;
out:
    OPENSSL_free(der);
    EVP_MD_CTX_free(md);
    ERR_clear_error();
    return ok;
}

static bool aud_has(json_t *aud, const char *want)
{
    size_t i;
    json_t *v;
    if (json_is_string(aud))
        return strcmp(json_string_value(aud), want) == 0;
    json_array_foreach(aud, i, v)
        if (json_is_string(v) && strcmp(json_string_value(v), want) == 0)
            return true;
    return false;
}

static int check_claims(json_t *c, const struct pg_jwt_expect *e, char **sub, const char **why)
{
    json_t *exp = json_object_get(c, "exp"), *nbf = json_object_get(c, "nbf");
    const char *iss = json_string_value(json_object_get(c, "iss"));
    const char *s = json_string_value(json_object_get(c, "sub"));
    if (!iss || strcmp(iss, e->issuer) != 0)
        return *why = "wrong issuer", LW_EAUTH;
    if (!aud_has(json_object_get(c, "aud"), e->audience))
        return *why = "wrong audience", LW_EAUTH;
    if (!json_is_number(exp))
        return *why = "no exp claim", LW_EAUTH;
    if (json_number_value(exp) + e->leeway_s <= (double)e->now_s)
        return *why = "token expired", LW_EAUTH;
    if (nbf && (!json_is_number(nbf) || json_number_value(nbf) - e->leeway_s > (double)e->now_s))
        return *why = "token not valid yet (nbf)", LW_EAUTH;
    if (!s || !*s)
        return *why = "no subject", LW_EAUTH;
    if (!(*sub = lw_strdup(s)))
        return *why = "out of memory", LW_EAUTH;
    return 0;
}

int pg_jwt_verify(const char *token, const struct pg_jwks *keys, const struct pg_jwt_expect *e,
                  char **sub, const char **why)
{
    const char *dot1 = strchr(token, '.'), *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    unsigned char *hdr_raw = NULL, *pay_raw = NULL, *sig = NULL;
    size_t hl = 0, pl = 0, sl = 0;
    json_t *hdr = NULL, *pay = NULL;
    const struct jwt_alg *a = NULL;
    const char *alg, *kid;
    bool kid_known = false, verified = false;
    int rc = LW_EAUTH;

    *sub = NULL;
    *why = "malformed token";
    if (!dot1 || !dot2 || strchr(dot2 + 1, '.'))
        return LW_EAUTH;
    if (!(hdr_raw = b64url(token, (size_t)(dot1 - token), &hl)) ||
        !(pay_raw = b64url(dot1 + 1, (size_t)(dot2 - dot1 - 1), &pl)) ||
        !(hdr = json_loadb((const char *)hdr_raw, hl, 0, NULL)) || !json_is_object(hdr))
        goto out;
    alg = json_string_value(json_object_get(hdr, "alg"));
    kid = json_string_value(json_object_get(hdr, "kid"));
    for (size_t i = 0; alg && i < sizeof algs / sizeof algs[0]; i++)
        if (strcmp(algs[i].name, alg) == 0)
            a = &algs[i];
    if (!a) {
        *why = "signature algorithm not allowed";
        goto out;
    }
    if (json_object_get(hdr, "crit")) {
        *why = "critical header extensions are not supported";
        goto out;
    }
    if (!(sig = b64url(dot2 + 1, strlen(dot2 + 1), &sl))) {
        *why = "malformed signature";
        goto out;
    }
    for (int i = 0; i < keys->n && !verified; i++) {
        const struct jwk *k = &keys->keys[i];
        if (kid && (!k->kid || strcmp(kid, k->kid) != 0))
            continue;
        kid_known = true;
        if (k->kind != a->kind || (k->alg && strcmp(k->alg, a->name) != 0) ||
            (a->curve && (!k->crv || strcmp(k->crv, a->curve) != 0)))
            continue;
        verified = verify_sig(a, k->pkey, token, (size_t)(dot2 - token), sig, sl);
    }
    if (!verified) {
        *why = kid && !kid_known ? "unknown key id" : "bad signature";
        rc = kid && !kid_known ? LW_ENOTFOUND : LW_EAUTH;
        goto out;
    }
    if (!(pay = json_loadb((const char *)pay_raw, pl, 0, NULL)) || !json_is_object(pay)) {
        *why = "malformed claims";
        goto out;
    }
    rc = check_claims(pay, e, sub, why);
out:
    json_decref(hdr);
    json_decref(pay);
    lw_free(hdr_raw);
    lw_free(pay_raw);
    lw_free(sig);
    return rc;
}

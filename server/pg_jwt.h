/* pg_jwt.h -- checking an OIDC access token (a JWS-signed JWT) for the Postgres face's `oidc`
 * logins: the IdP's keys from a JWKS document, the signature with an allow-listed algorithm
 * (RS256/384/512, PS256, ES256, ES384, EdDSA; "none" and the HMAC family are refused: a
 * public key must never be usable as a shared secret), then the claims: iss equal to the
 * configured issuer, aud containing the configured audience, exp and nbf within a small
 * leeway, and a subject. Pure functions on OpenSSL and jansson; fetching and caching the
 * keys is pg_jwks.c's. */
#ifndef PG_JWT_H
#define PG_JWT_H

#include "core/lw.h"

struct pg_jwks;

/* Parses a JWKS document ({"keys": [...]}). Keys that are not for signatures ("use" other
 * than "sig") or of an unsupported type are skipped. NULL with err set when the document is
 * not JSON or has no usable key. */
struct pg_jwks *pg_jwks_parse(const char *json, size_t len, struct lw_err *err);
void pg_jwks_free(struct pg_jwks *k);
int pg_jwks_count(const struct pg_jwks *k);

struct pg_jwt_expect {
    const char *issuer;         /* required */
    const char *audience;       /* required */
    int64_t now_s;              /* Unix time */
    int leeway_s;               /* allowed clock skew for exp and nbf */
};

/* Verifies token. Returns 0 and a new string with the subject in *sub; LW_ENOTFOUND when
 * the token names a key id the key set does not have (the caller may refresh the keys and
 * try again); LW_EAUTH when refused. *why says why, for the log (never the token). */
int pg_jwt_verify(const char *token, const struct pg_jwks *keys, const struct pg_jwt_expect *e,
                  char **sub, const char **why) LW_MUSTCHECK;

#endif

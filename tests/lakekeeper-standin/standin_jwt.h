/* standin_jwt.h -- bearer-token authentication for the stand-in, as Lakekeeper does it with an
 * OIDC provider: RS256 signature against the IdP's JWKS (cached by kid, refetched on an unknown
 * kid at most every few seconds), then iss, aud and exp. */
#ifndef STANDIN_JWT_H
#define STANDIN_JWT_H

#include "standin.h"

#define SI_JWT_MAX 16384 /* longest token accepted */

/* Borrows nothing: the strings are copied. The JWKS is fetched lazily, on the first token. */
struct standin_jwt *standin_jwt_new(const char *jwks_url, const char *issuer, const char *audience,
                                    struct lw_err *err) LW_MUSTCHECK;
void standin_jwt_free(struct standin_jwt *j);

/* Verifies a compact JWS and fills *who (user id "oidc~<sub>", name, email, type).
 * LW_EAUTH with a reason when the token is not acceptable, LW_EIO when the JWKS is unreachable. */
int standin_jwt_verify(struct standin_jwt *j, const char *token, struct standin_principal *who,
                       struct lw_err *err) LW_MUSTCHECK;

#endif

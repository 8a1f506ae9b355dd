/* pg_jwks.h -- the IdP's signing keys for `oidc` logins, fetched from the issuer's discovery
 * document (<issuer>/.well-known/openid-configuration, its jwks_uri) with http_client and
 * cached in memory shared by every backend of the SQL process (each connection is its own
 * process, so a per-process cache would fetch on every login). The cache is refreshed when
 * it is older than an hour or when a token names a key id it does not have (key rotation),
 * at most once per PG_JWKS_REFRESH_MIN_MS across all backends, so tokens with made-up key
 * ids cannot make lakeward hammer the IdP. */
#ifndef PG_JWKS_H
#define PG_JWKS_H

#include "core/lw.h"
#include "pg_jwt.h"

#define PG_JWKS_REFRESH_MIN_MS 10000
#define PG_JWKS_MAX_AGE_MS 3600000

struct pg_jwks_cache;

/* Maps the shared region (call before backends are forked). NULL with err set. */
struct pg_jwks_cache *pg_jwks_cache_new(const char *issuer, struct lw_err *err);
void pg_jwks_cache_free(struct pg_jwks_cache *c);

/* The current keys (parsed; the caller frees them with pg_jwks_free). Fetches when nothing
 * is cached or the cache is old, or -- when want_refresh -- if the rate limit allows.
 * timeout_ms bounds the HTTP calls together. NULL with *why set when no keys are known. */
struct pg_jwks *pg_jwks_cache_get(struct pg_jwks_cache *c, bool want_refresh, long timeout_ms,
                                  const char **why);

#endif

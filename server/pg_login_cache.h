/* pg_login_cache.h -- a short memory of successful `client` logins, shared by the SQL
 * process's backends, so a pool that opens many connections with the same client id and
 * secret does not send the IdP a client_credentials grant for each. Entries are keyed by an
 * HMAC-SHA-256 of (id, secret) under a random key made at start -- never the secret itself --
 * and hold the subject for PG_LOGIN_CACHE_TTL_MS. Failures are never remembered: a refused
 * secret is asked again (and a secret revoked at the IdP stops working within the TTL). */
#ifndef PG_LOGIN_CACHE_H
#define PG_LOGIN_CACHE_H

#include "core/lw.h"

#define PG_LOGIN_CACHE_TTL_MS 60000
#define PG_LOGIN_CACHE_SLOTS 256

struct pg_login_cache;

struct pg_login_cache *pg_login_cache_new(void);
void pg_login_cache_free(struct pg_login_cache *c);
/* The subject remembered for (id, secret), as a new string; NULL when none is fresh. */
char *pg_login_cache_get(struct pg_login_cache *c, const char *id, const char *secret);
/* Remembers a successful login (a subject longer than 255 bytes is not remembered). */
void pg_login_cache_put(struct pg_login_cache *c, const char *id, const char *secret,
                        const char *sub);

#endif

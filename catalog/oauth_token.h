/* oauth_token.h -- an OAuth2 client-credentials access token for one upstream identity,
 * fetched on demand and renewed before it expires (from the IdP's expires_in). One fetch
 * at a time; a failed fetch is not cached, so the next caller retries. */
#ifndef OAUTH_TOKEN_H
#define OAUTH_TOKEN_H

#include "../server/core/lw.h"

struct oauth_token;

struct oauth_token_opts {
    const char *token_endpoint;
    const char *client_id;
    const char *client_secret;
    const char *scope;          /* "" sends an empty scope, NULL omits it */
    long timeout_ms;
};

struct oauth_token *oauth_token_new(const struct oauth_token_opts *o) LW_MUSTCHECK;
void oauth_token_free(struct oauth_token *t);

/* Copies a valid token into a new string the caller frees (lw_free). On failure returns
 * NULL and fills err (the reason never includes the secret). *fetched is set true when this
 * call went to the IdP. timeout_ms bounds this call, fetching or waiting for another thread's
 * fetch (a decision's remaining time); <= 0 or more than the configured timeout means the
 * configured one. */
char *oauth_token_get(struct oauth_token *t, long timeout_ms, bool *fetched, struct lw_err *err)
    LW_MUSTCHECK;
/* Forgets token tok if it is still the current one (Lakekeeper refused it). */
void oauth_token_invalidate(struct oauth_token *t, const char *tok);

#endif

/* pg_auth.h -- logins to the Postgres face: what the SQL process builds once from the
 * configuration (the TLS context, the pg_hba rules, the SCRAM users, the admin principals,
 * the IdP settings) and the authentication exchange of one session after its startup
 * packet. The outcome is the session's principal -- the name handed to the SQL engine as
 * sql_session_opts.user (current_user, sql_query_ctx.principal) -- and whether it is an
 * admin (sql_session_opts.admin, from pg_admins):
 *     trust          the startup user name (loopback peers only)
 *     scram-sha-256  the configured user's principal (default: its name)
 *     client         "oidc~<sub>" of the token the IdP issued to that client
 *     oidc           "oidc~<sub>" of the access token given as the password
 * Failures answer 28P01 (wrong password, secret or token) or 28000 (no rule, TLS needed),
 * count in auth_refused and are logged with the reason, never with the secret. */
#ifndef PG_AUTH_H
#define PG_AUTH_H

#include "../server/config.h"
#include "pg_hba.h"
#include "pg_scram.h"

struct pg_tls_ctx;
struct pg_sess;
struct pg_jwks_cache;
struct pg_login_cache;

struct pg_auth_user {
    char *name;
    char *principal;
    struct pg_scram_verifier verifier;
};

struct pg_auth {
    struct pg_tls_ctx *tls;     /* NULL: SSLRequest answered 'N' */
    struct pg_hba hba;
    struct pg_auth_user *users;
    int nusers;
    const struct lw_str_list *admins;   /* borrowed from the configuration */
    const char *token_endpoint;         /* borrowed; NULL: `client` logins refused */
    const char *oidc_issuer, *oidc_audience;    /* borrowed; `oidc` logins */
    struct pg_jwks_cache *jwks;         /* the IdP's keys, shared by the backends */
    struct pg_login_cache *clients;     /* recent successful `client` logins */
    bool needs_http;            /* a rule uses an IdP method: http_client must be set up */
};

/* Builds everything from cfg (which must outlive the result). NULL with err set when a
 * file, rule or verifier is wrong. */
struct pg_auth *pg_auth_new(const struct lw_config *cfg, struct lw_err *err);
void pg_auth_free(struct pg_auth *a);

/* Parses one pg_users line "name verifier [principal]" into u. Returns 0 or LW_ECONFIG. */
int pg_auth_parse_user(const char *line, int lineno, struct pg_auth_user *u, struct lw_err *err)
    LW_MUSTCHECK;

/* The authentication exchange of session s (startup packet read, s->user set), bounded by
 * deadline_us (monotonic), including any call to the IdP. Returns 0 with the principal and
 * admin flag set in the session, or -1 after a FATAL has been sent (or the peer left). */
int pg_auth_login(struct pg_sess *s, int64_t deadline_us);

#endif

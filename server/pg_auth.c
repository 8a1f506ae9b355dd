/* pg_auth.c -- the Postgres face's logins (pg_auth.h): building the configuration, then per
 * session the pg_hba decision and the method's exchange on the wire -- SASL SCRAM-SHA-256
 * (pg_scram.c) or a cleartext password checked at the IdP. */
#include "pg_auth.h"

#include "../catalog/oauth_token.h"
#include "core/lw_log.h"
#include "pg_session_int.h"
#include "pg_jwks.h"
#include "pg_login_cache.h"
#include "pg_tls.h"

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define AUTH_MESSAGE_MAX 16384      /* a password message: a JWT of a few KiB at most */
#define IDP_TIMEOUT_MAX_MS 5000
#define JWT_LEEWAY_S 30             /* clock skew allowed for exp and nbf */

/* PostgreSQL's authentication request codes (message 'R'). */
enum { AUTH_OK = 0, AUTH_CLEARTEXT = 3, AUTH_SASL = 10, AUTH_SASL_CONTINUE = 11,
       AUTH_SASL_FINAL = 12 };

/* --- configuration ----------------------------------------------------------------------- */

int pg_auth_parse_user(const char *line, int lineno, struct pg_auth_user *u, struct lw_err *err)
{
    char buf[1024], *save = NULL, *tok[4];
    int n = 0;
    memset(u, 0, sizeof *u);
    if (strlen(line) >= sizeof buf)
        return lw_err_set(err, LW_ECONFIG, "pg_users entry %d is too long", lineno);
    snprintf(buf, sizeof buf, "%s", line);
    for (char *t = strtok_r(buf, " \t", &save); t && n < 4; t = strtok_r(NULL, " \t", &save))
        tok[n++] = t;
    if (n < 2 || n > 3)
        return lw_err_set(err, LW_ECONFIG, "pg_users entry %d: expected \"name verifier "
                          "[principal]\"", lineno);
    if (pg_scram_parse_verifier(tok[1], &u->verifier) != 0)
        return lw_err_set(err, LW_ECONFIG, "pg_users entry %d (%.60s): the verifier is not "
                          "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey> (see "
                          "lakeward --scram-verifier)", lineno, tok[0]);
    u->name = lw_strdup(tok[0]);
    u->principal = lw_strdup(n == 3 ? tok[2] : tok[0]);
    OPENSSL_cleanse(buf, sizeof buf);
    return u->name && u->principal ? 0 : LW_ENOMEM;
}

void pg_auth_free(struct pg_auth *a)
{
    if (!a)
        return;
    pg_tls_ctx_free(a->tls);
    pg_jwks_cache_free(a->jwks);
    pg_login_cache_free(a->clients);
    pg_hba_free(&a->hba);
    for (int i = 0; i < a->nusers; i++) {
        lw_free(a->users[i].name);
        lw_free(a->users[i].principal);
        OPENSSL_cleanse(&a->users[i].verifier, sizeof a->users[i].verifier);
    }
    lw_free(a->users);
    lw_free(a);
}

struct pg_auth *pg_auth_new(const struct lw_config *cfg, struct lw_err *err)
{
    struct pg_auth *a = lw_calloc(1, sizeof *a);
    int rc;
    if (!a) {
        lw_err_set(err, LW_ENOMEM, "out of memory");
        return NULL;
    }
    a->admins = &cfg->pg_admins;
    a->oidc_issuer = cfg->pg_oidc_issuer;
    a->oidc_audience = cfg->pg_oidc_audience;
    a->token_endpoint = cfg->pg_token_endpoint ? cfg->pg_token_endpoint
                        : cfg->ninstances ? cfg->instances[0].token_endpoint : NULL;
    rc = cfg->pg_hba.n ? pg_hba_parse(&a->hba, (const char *const *)cfg->pg_hba.v, cfg->pg_hba.n, err)
                       : pg_hba_default(&a->hba, err);
    if (rc)
        goto fail;
    for (int i = 0; i < a->hba.nrules; i++) {
        enum pg_hba_method m = a->hba.rules[i].method;
        if (m == PG_AUTH_OIDC && (!cfg->pg_oidc_issuer || !cfg->pg_oidc_audience)) {
            lw_err_set(err, LW_ECONFIG, "pg_hba line %d: method oidc needs pg_oidc_issuer and "
                       "pg_oidc_audience", a->hba.rules[i].line);
            goto fail;
        }
        if (m == PG_AUTH_OIDC && !a->jwks && !(a->jwks = pg_jwks_cache_new(cfg->pg_oidc_issuer, err)))
            goto fail;
        if (m == PG_AUTH_CLIENT && !a->token_endpoint) {
            lw_err_set(err, LW_ECONFIG, "pg_hba line %d: method client needs pg_token_endpoint "
                       "(or a Lakekeeper instance's token_endpoint)", a->hba.rules[i].line);
            goto fail;
        }
        if (m == PG_AUTH_CLIENT && !a->clients && !(a->clients = pg_login_cache_new())) {
            lw_err_set(err, LW_ENOMEM, "cannot map the client login cache");
            goto fail;
        }
        a->needs_http |= m == PG_AUTH_CLIENT || m == PG_AUTH_OIDC;
    }
    if (cfg->pg_users.n && !(a->users = lw_calloc((size_t)cfg->pg_users.n, sizeof *a->users))) {
        lw_err_set(err, LW_ENOMEM, "out of memory");
        goto fail;
    }
    for (int i = 0; i < cfg->pg_users.n; i++) {
        if (pg_auth_parse_user(cfg->pg_users.v[i], i + 1, &a->users[i], err) != 0) {
            a->nusers = i + 1;
            goto fail;
        }
        a->nusers = i + 1;
    }
    if (cfg->pg_tls_cert && !(a->tls = pg_tls_ctx_new(cfg->pg_tls_cert, cfg->pg_tls_key, err)))
        goto fail;
    return a;
fail:
    pg_auth_free(a);
    return NULL;
}

/* --- the exchange ------------------------------------------------------------------------ */

static void send_auth(struct pg_sess *s, int32_t code, const void *data, size_t len)
{
    size_t m = pg_msg_begin(&s->io.out, 'R');
    pg_put_i32(&s->io.out, code);
    if (len)
        pg_put_bytes(&s->io.out, data, len);
    pg_msg_end(&s->io.out, m);
}

static int ms_left(int64_t deadline_us)
{
    int64_t left = (deadline_us - lw_mono_us()) / 1000;
    return left > 0 ? (int)left : 0;
}

/* Flushes what is pending and reads the client's next message, which must be a
 * PasswordMessage/SASL message ('p'). Returns 0, or -1 (FATAL sent, or the peer left: psql
 * first connects without a password and closes when asked for one). */
static int read_password_message(struct pg_sess *s, int64_t deadline_us)
{
    char type = 0;
    enum pg_io_result r;
    if (pg_sess_flush(s) != 0)
        return -1;
    r = pg_read_message(&s->io, ms_left(deadline_us), ms_left(deadline_us), AUTH_MESSAGE_MAX,
                        &type, &s->msg);
    if (r == PG_IO_IDLE || r == PG_IO_TIMEOUT) {
        LW_INFO("pg", "startup_timeout", "peer=%s phase=authentication", s->o->peer);
        return -1;
    }
    if (r == PG_IO_BAD_LENGTH)
        return pg_sess_protocol_violation(s, "invalid message length%s", " in authentication");
    if (r != PG_IO_OK)
        return -1;
    if (type != 'p')
        return pg_sess_protocol_violation(s, "expected password response, got message type %s",
                                          type == 'X' ? "X" : "other");
    return 0;
}

static int refuse(struct pg_sess *s, const struct pg_hba_rule *r, const char *reason)
{
    char qu[160];
    lw_counter_add(s->o->metrics->auth_refused, 1);
    LW_INFO("pg", "login_refused", "peer=%s user=\"%s\" method=%s rule=%d reason=\"%s\"",
            s->o->peer, lw_log_q(qu, sizeof qu, s->user), pg_hba_method_name(r->method), r->line,
            reason);
    return pg_sess_fatal(s, "28P01", NULL, "password authentication failed for user \"%.63s\"",
                         s->user);
}

static const struct pg_auth_user *find_user(const struct pg_auth *a, const char *name)
{
    for (int i = 0; i < a->nusers; i++)
        if (strcmp(a->users[i].name, name) == 0)
            return &a->users[i];
    return NULL;
}

static int login_scram(struct pg_sess *s, const struct pg_hba_rule *rule, int64_t deadline_us,
                       char **principal)
{
    /* Each list ends with an empty name. PLUS only over TLS: it binds to the connection. */
    static const char plain[] = "SCRAM-SHA-256\0";
    static const char with_plus[] = "SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0";
    const struct pg_auth_user *u = find_user(s->o->auth, s->user);
    unsigned char cbind[64];
    struct pg_scram_binding b = {NULL, 0, false};
    struct pg_scram_state st = {0};
    struct lw_buf reply;
    struct pg_rd rd;
    const char *name, *why = NULL;
    int32_t len;
    int rc = -1;

    lw_buf_init(&reply, 1024);
    if (s->io.tls && (b.cbind_len = pg_tls_server_end_point(s->io.tls, cbind)))
        b.cbind = cbind;
    if (b.cbind)
        send_auth(s, AUTH_SASL, with_plus, sizeof with_plus);
    else
        send_auth(s, AUTH_SASL, plain, sizeof plain);
    if (read_password_message(s, deadline_us) != 0)
        goto out;
    /* SASLInitialResponse: mechanism, Int32 length (-1: none), the client-first-message. */
    pg_rd_init(&rd, s->msg.data, s->msg.len);
    if (!pg_get_cstr(&rd, &name) || !pg_get_i32(&rd, &len) || len < 0 ||
        (size_t)len != rd.len - rd.pos) {
        rc = pg_sess_protocol_violation(s, "malformed SASL message%s", "");
        goto out;
    }
    b.plus = strcmp(name, "SCRAM-SHA-256-PLUS") == 0 && b.cbind;
    if (strcmp(name, "SCRAM-SHA-256") != 0 && !b.plus) {
        rc = pg_sess_protocol_violation(s, "client selected an invalid SASL authentication "
                                        "mechanism%s", "");
        goto out;
    }
    if (pg_scram_first(&st, u ? &u->verifier : NULL, &b, (const char *)rd.p + rd.pos, (size_t)len,
                       &reply, &why) != 0) {
        rc = pg_sess_protocol_violation(s, "malformed SCRAM message (%s)", why);
        goto out;
    }
    send_auth(s, AUTH_SASL_CONTINUE, reply.data, reply.len);
    if (read_password_message(s, deadline_us) != 0)
        goto out;
    lw_buf_reset(&reply);
    switch (pg_scram_final(&st, s->msg.data, s->msg.len, &reply, &why)) {
    case 0:
        send_auth(s, AUTH_SASL_FINAL, reply.data, reply.len);
        if (!(*principal = lw_strdup(u->principal)))
            rc = pg_sess_fatal(s, "53200", NULL, "out of memory");
        else
            rc = 0;
        break;
    case LW_EAUTH:
        rc = refuse(s, rule, u ? "wrong password" : "no such SCRAM user");
        break;
    default:
        rc = pg_sess_protocol_violation(s, "malformed SCRAM message (%s)", why);
        break;
    }
out:
    pg_scram_state_free(&st);
    lw_buf_free(&reply);
    return rc;
}

/* The payload's "sub" of a JWT the IdP just handed us over its own connection (so its
 * signature needs no check here); NULL when there is none. */
static char *token_subject(const char *jwt)
{
    const char *p = strchr(jwt, '.'), *q = p ? strchr(p + 1, '.') : NULL;
    size_t n = q ? (size_t)(q - p - 1) : 0;
    char *b64 = n && n < 16384 ? lw_calloc(n + 4, 1) : NULL, *sub = NULL;
    unsigned char *raw = b64 ? lw_calloc(n + 4, 1) : NULL;
    json_t *j = NULL;
    int len;
    if (!raw)
        goto out;
    /* base64url without padding -> base64 with padding, for EVP_DecodeBlock. */
    for (size_t i = 0; i < n; i++)
        b64[i] = p[1 + i] == '-' ? '+' : p[1 + i] == '_' ? '/' : p[1 + i];
    while (n % 4)
        b64[n++] = '=';
    if ((len = EVP_DecodeBlock(raw, (unsigned char *)b64, (int)n)) < 0)
        goto out;
    while (len > 0 && raw[len - 1] == '\0')
        len--;      /* the padding's zero bytes */
    if ((j = json_loadb((const char *)raw, (size_t)len, 0, NULL)) &&
        json_is_string(json_object_get(j, "sub")))
        sub = lw_strdup(json_string_value(json_object_get(j, "sub")));
out:
    json_decref(j);
    lw_free(b64);
    lw_free(raw);
    return sub;
}

static int principal_for(struct pg_sess *s, const char *sub, char **principal)
{
    size_t n = strlen(sub) + 6;
    if (!(*principal = lw_malloc(n)))
        return pg_sess_fatal(s, "53200", NULL, "out of memory");
    snprintf(*principal, n, "oidc~%s", sub);
    return 0;
}

/* `client`: user = client id, password = its secret, checked by asking the IdP for a
 * client_credentials token. The principal is the token's subject (the client's service
 * account). */
static int login_client(struct pg_sess *s, const struct pg_hba_rule *rule, const char *secret,
                        int64_t deadline_us, char **principal)
{
    int left = ms_left(deadline_us);
    struct oauth_token_opts oo = {.token_endpoint = s->o->auth->token_endpoint,
                                  .client_id = s->user, .client_secret = secret, .scope = NULL,
                                  .timeout_ms = left < IDP_TIMEOUT_MAX_MS ? left : IDP_TIMEOUT_MAX_MS};
    struct oauth_token *t;
    struct lw_err err = {0};
    bool fetched = false;
    char *tok, *sub = pg_login_cache_get(s->o->auth->clients, s->user, secret);
    if (sub) {
        int rc = principal_for(s, sub, principal);
        LW_DEBUG("pg", "client_login_cached", "peer=%s", s->o->peer);
        lw_free(sub);
        return rc;
    }
    if (oo.timeout_ms <= 0)
        return refuse(s, rule, "startup timeout before the IdP call");
    if (!(t = oauth_token_new(&oo)))
        return pg_sess_fatal(s, "53200", NULL, "out of memory");
    tok = oauth_token_get(t, oo.timeout_ms, &fetched, &err);
    oauth_token_free(t);
    if (!tok) {
        char reason[300];
        snprintf(reason, sizeof reason, "client credentials refused or IdP unreachable: %.200s", err.msg);
        return refuse(s, rule, reason);
    }
    sub = token_subject(tok);
    OPENSSL_cleanse(tok, strlen(tok));
    lw_free(tok);
    if (!sub)
        return refuse(s, rule, "the IdP's token has no subject");
    pg_login_cache_put(s->o->auth->clients, s->user, secret, sub);
    {
        int rc = principal_for(s, sub, principal);
        lw_free(sub);
        return rc;
    }
}

/* `oidc`: the password is an access token of the configured issuer, checked against its
 * keys; an unknown key id refreshes the keys once (rate-limited) before refusing. */
static int login_oidc(struct pg_sess *s, const struct pg_hba_rule *rule, const char *token,
                      int64_t deadline_us, char **principal)
{
    const struct pg_auth *a = s->o->auth;
    struct pg_jwt_expect e = {a->oidc_issuer, a->oidc_audience, (int64_t)time(NULL), JWT_LEEWAY_S};
    const char *why = NULL;
    char *sub = NULL, reason[160];
    int rc = LW_EAUTH;
    for (int round = 0; round < 2; round++) {
        int left = ms_left(deadline_us);
        struct pg_jwks *keys = pg_jwks_cache_get(a->jwks, round > 0,
                                                 left < IDP_TIMEOUT_MAX_MS ? left : IDP_TIMEOUT_MAX_MS,
                                                 &why);
        if (!keys)
            break;
        rc = pg_jwt_verify(token, keys, &e, &sub, &why);
        pg_jwks_free(keys);
        if (rc != LW_ENOTFOUND)
            break;
    }
    if (rc != 0) {
        snprintf(reason, sizeof reason, "token refused: %s", why ? why : "?");
        return refuse(s, rule, reason);
    }
    rc = principal_for(s, sub, principal);
    lw_free(sub);
    return rc;
}

static int login_password(struct pg_sess *s, const struct pg_hba_rule *rule, int64_t deadline_us,
                          char **principal)
{
    const char *pw;
    struct pg_rd rd;
    int rc;
    /* Cleartext secrets only inside TLS, or on loopback when the rule says so. */
    if (!s->io.tls && !(rule->loopback_cleartext && pg_hba_addr_is_loopback(s->o->peer_addr))) {
        char qu[160];
        lw_counter_add(s->o->metrics->auth_refused, 1);
        LW_INFO("pg", "login_refused", "peer=%s user=\"%s\" method=%s rule=%d reason=\"cleartext "
                "password without TLS\"", s->o->peer, lw_log_q(qu, sizeof qu, s->user),
                pg_hba_method_name(rule->method), rule->line);
        return pg_sess_fatal(s, "28000", "Connect with sslmode=require (or verify-full).",
                             "this login method needs an SSL connection");
    }
    send_auth(s, AUTH_CLEARTEXT, NULL, 0);
    if (read_password_message(s, deadline_us) != 0)
        return -1;
    pg_rd_init(&rd, s->msg.data, s->msg.len);
    if (!pg_get_cstr(&rd, &pw) || !pg_rd_done(&rd))
        return pg_sess_protocol_violation(s, "invalid password packet size%s", "");
    if (!*pw)
        return refuse(s, rule, "empty password");
    rc = rule->method == PG_AUTH_OIDC ? login_oidc(s, rule, pw, deadline_us, principal)
                                      : login_client(s, rule, pw, deadline_us, principal);
    OPENSSL_cleanse(s->msg.data, s->msg.len);
    return rc;
}

static bool is_admin(const struct pg_auth *a, const char *principal)
{
    for (int i = 0; i < a->admins->n; i++)
        if (strcmp(a->admins->v[i], principal) == 0)
            return true;
    return false;
}

int pg_auth_login(struct pg_sess *s, int64_t deadline_us)
{
    const struct pg_auth *a = s->o->auth;
    const struct pg_hba_rule *rule;
    char *principal = NULL, qu[160];
    int rc;

    if (!a) {
        if (!s->o->trust) {
            lw_counter_add(s->o->metrics->auth_refused, 1);
            return pg_sess_fatal(s, "28000", NULL, "no login rules");
        }
        if (!(s->principal = lw_strdup(s->user)))
            return pg_sess_fatal(s, "53200", NULL, "out of memory");
        return 0;
    }
    rule = pg_hba_match(&a->hba, s->o->peer_addr, s->io.tls != NULL, s->user);

    if (!rule || rule->method == PG_AUTH_REJECT ||
        (rule->method == PG_AUTH_TRUST && !pg_hba_addr_is_loopback(s->o->peer_addr))) {
        char host[64];
        const char *colon = strrchr(s->o->peer, ':');
        snprintf(host, sizeof host, "%.*s", colon ? (int)(colon - s->o->peer) : 63, s->o->peer);
        lw_counter_add(s->o->metrics->auth_refused, 1);
        LW_INFO("pg", "login_refused", "peer=%s user=\"%s\" reason=\"%s\"", s->o->peer,
                lw_log_q(qu, sizeof qu, s->user), rule ? "reject rule" : "no pg_hba rule");
        return pg_sess_fatal(s, "28000", NULL, "no pg_hba entry for host \"%s\", user \"%.63s\", "
                             "%s", host, s->user, s->io.tls ? "SSL encryption" : "no encryption");
    }
    switch (rule->method) {
    case PG_AUTH_TRUST:
        rc = (principal = lw_strdup(s->user)) ? 0 : pg_sess_fatal(s, "53200", NULL, "out of memory");
        break;
    case PG_AUTH_SCRAM:
        rc = login_scram(s, rule, deadline_us, &principal);
        break;
    default:
        rc = login_password(s, rule, deadline_us, &principal);
        break;
    }
    if (rc != 0) {
        lw_free(principal);
        return -1;
    }
    lw_free(s->principal);
    s->principal = principal;
    s->admin = is_admin(a, principal);
    {
        char qp[160];
        LW_INFO("pg", "login", "peer=%s user=\"%s\" method=%s principal=\"%s\" admin=%s tls=%s",
                s->o->peer, lw_log_q(qu, sizeof qu, s->user), pg_hba_method_name(rule->method),
                lw_log_q(qp, sizeof qp, principal), s->admin ? "yes" : "no",
                s->io.tls ? "yes" : "no");
    }
    return 0;
}

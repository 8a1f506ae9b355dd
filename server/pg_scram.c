/* pg_scram.c -- SCRAM-SHA-256 server steps and verifiers (pg_scram.h), on OpenSSL's
 * PBKDF2, HMAC and SHA-256. Message attributes are parsed strictly in the order RFC 5802
 * fixes; anything else is a malformed message, never a crash. */
#include "pg_scram.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PREFIX "SCRAM-SHA-256$"
#define SERVER_NONCE_RAW 18     /* 24 base64 characters, as PostgreSQL sends */

/* Base64 decode of exactly len characters; returns the decoded length or -1. */
static long b64_decode(const char *in, size_t len, unsigned char *out, size_t outsz)
{
    size_t pad = 0;
    int n;
    if (len == 0 || len % 4 != 0 || len / 4 * 3 > outsz + 2)
        return -1;
    unsigned char tmp[len / 4 * 3 + 1];
    n = EVP_DecodeBlock(tmp, (const unsigned char *)in, (int)len);
    if (n < 0)
        return -1;
    pad = (in[len - 1] == '=') + (in[len - 2] == '=');
    if ((size_t)n < pad || (size_t)n - pad > outsz)
        return -1;
    memcpy(out, tmp, (size_t)n - pad);
    return (long)((size_t)n - pad);
}

static void b64_encode(const unsigned char *in, size_t len, char *out)
{
    EVP_EncodeBlock((unsigned char *)out, in, (int)len);
}

static int b64_field(const char *s, size_t len, unsigned char *out, size_t want)
{
    return b64_decode(s, len, out, want) == (long)want ? 0 : LW_EINVAL;
}

int pg_scram_parse_verifier(const char *text, struct pg_scram_verifier *v)
{
    const char *p = text, *colon, *dollar, *colon2;
    char *end;
    long it;
    long n;
    memset(v, 0, sizeof *v);
    if (strncmp(p, PREFIX, strlen(PREFIX)) != 0)
        return LW_EINVAL;
    p += strlen(PREFIX);
    it = strtol(p, &end, 10);
    if (end == p || *end != ':' || it < 1 || it > 10000000)
        return LW_EINVAL;
    v->iterations = (int)it;
    colon = end;
    if (!(dollar = strchr(colon + 1, '$')) || !(colon2 = strchr(dollar + 1, ':')))
        return LW_EINVAL;
    n = b64_decode(colon + 1, (size_t)(dollar - colon - 1), v->salt, sizeof v->salt);
    if (n <= 0)
        return LW_EINVAL;
    v->salt_len = (size_t)n;
    if (b64_field(dollar + 1, (size_t)(colon2 - dollar - 1), v->stored_key, PG_SCRAM_KEY_LEN) ||
        b64_field(colon2 + 1, strlen(colon2 + 1), v->server_key, PG_SCRAM_KEY_LEN))
        return LW_EINVAL;
    return 0;
}

static void hmac(const unsigned char *key, size_t klen, const void *msg, size_t mlen,
                 unsigned char out[PG_SCRAM_KEY_LEN])
{
    unsigned int olen = PG_SCRAM_KEY_LEN;
    HMAC(EVP_sha256(), key, (int)klen, msg, mlen, out, &olen);
}

int pg_scram_make_verifier(const char *password, int iterations, char *out, size_t outsz)
{
    unsigned char salt[16], salted[PG_SCRAM_KEY_LEN], client_key[PG_SCRAM_KEY_LEN];
    unsigned char stored[PG_SCRAM_KEY_LEN], server[PG_SCRAM_KEY_LEN];
    char s64[32], st64[48], sv64[48];
    int n;
    if (iterations < 1 || iterations > 10000000)
        return LW_EINVAL;
    if (RAND_bytes(salt, sizeof salt) != 1)
        return LW_EIO;
    /* PostgreSQL SASLprep-normalises the password; ASCII passwords are unchanged by it. */
    if (PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, sizeof salt, iterations,
                          EVP_sha256(), sizeof salted, salted) != 1)
        return LW_EIO;
    hmac(salted, sizeof salted, "Client Key", 10, client_key);
    SHA256(client_key, sizeof client_key, stored);
    hmac(salted, sizeof salted, "Server Key", 10, server);
    b64_encode(salt, sizeof salt, s64);
    b64_encode(stored, sizeof stored, st64);
    b64_encode(server, sizeof server, sv64);
    OPENSSL_cleanse(salted, sizeof salted);
    OPENSSL_cleanse(client_key, sizeof client_key);
    n = snprintf(out, outsz, PREFIX "%d:%s$%s:%s", iterations, s64, st64, sv64);
    return n > 0 && (size_t)n < outsz ? 0 : LW_EINVAL;
}

void pg_scram_state_free(struct pg_scram_state *st)
{
    lw_free(st->client_first_bare);
    lw_free(st->server_first);
    OPENSSL_cleanse(st, sizeof *st);
}

/* The bytes must be printable ASCII without ',' for a nonce (RFC 5802 "printable"). */
static bool printable_nonce(const char *p, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (p[i] < 0x21 || p[i] > 0x7e || p[i] == ',')
            return false;
    return true;
}

/* Reads the gs2 header ("n,,", "y,," or "p=tls-server-end-point,,") and checks it against
 * what was offered and chosen (RFC 5802 section 6). Returns its length, or 0 with *why. */
static size_t gs2_header(struct pg_scram_state *st, const struct pg_scram_binding *b,
                         const char *msg, size_t len, const char **why)
{
    static const char plus_hdr[] = "p=tls-server-end-point,,";
    size_t n = strlen(plus_hdr);
    if (b->plus) {
        if (len < n || memcmp(msg, plus_hdr, n) != 0 || !b->cbind) {
            *why = "SCRAM-SHA-256-PLUS needs channel binding type tls-server-end-point";
            return 0;
        }
        memcpy(st->cbind, b->cbind, b->cbind_len);
        st->cbind_len = b->cbind_len;
    } else if (len >= 3 && (msg[0] == 'n' || msg[0] == 'y') && msg[1] == ',' && msg[2] == ',') {
        /* "y": the client could bind but thinks the server cannot; when the server did
         * offer PLUS, someone stripped it from the list on the way. */
        if (msg[0] == 'y' && b->cbind) {
            *why = "channel binding downgrade (client says y, server offered PLUS)";
            return 0;
        }
        n = 3;
    } else {
        *why = len && msg[0] == 'p' ? "channel binding requested without SCRAM-SHA-256-PLUS"
                                    : "unsupported gs2 header";
        return 0;
    }
    memcpy(st->gs2, msg, n);
    st->gs2[n] = '\0';
    return n;
}

int pg_scram_first(struct pg_scram_state *st, const struct pg_scram_verifier *v,
                   const struct pg_scram_binding *b, const char *msg, size_t len,
                   struct lw_buf *out, const char **why)
{
    size_t gs2_len;
    const char *end = msg + len, *p, *bare, *r, *rend;
    unsigned char raw[SERVER_NONCE_RAW];
    char snonce[SERVER_NONCE_RAW / 3 * 4 + 1], salt64[PG_SCRAM_SALT_MAX / 3 * 4 + 8];
    memset(st, 0, sizeof *st);
    if (memchr(msg, '\0', len)) {
        *why = "NUL in client-first-message";
        return LW_EINVAL;
    }
    /* An authzid in the gs2 header is not supported (it fails the header checks). */
    if (!(gs2_len = gs2_header(st, b, msg, len, why)))
        return LW_EINVAL;
    bare = msg + gs2_len;
    /* client-first-message-bare: n=<user>,r=<nonce>[,extensions]. The user name is empty
     * with libpq (the startup packet names the user) and ignored here. */
    if (end - bare < 2 || bare[0] != 'n' || bare[1] != '=') {
        *why = "expected n= attribute";
        return LW_EINVAL;
    }
    if (!(p = memchr(bare, ',', (size_t)(end - bare))) || end - p < 3 || p[1] != 'r' || p[2] != '=') {
        *why = "expected r= attribute";
        return LW_EINVAL;
    }
    r = p + 3;
    rend = memchr(r, ',', (size_t)(end - r));
    if (!rend)
        rend = end;
    if (!printable_nonce(r, (size_t)(rend - r)) || (size_t)(rend - r) > 64) {
        *why = "bad client nonce";
        return LW_EINVAL;
    }
    if (end - rend >= 3 && rend[1] == 'm' && rend[2] == '=') {
        *why = "unsupported mandatory extension";   /* RFC 5802 5.1: must fail */
        return LW_EINVAL;
    }
    if (RAND_bytes(raw, sizeof raw) != 1) {
        *why = "no randomness";
        return LW_EINVAL;
    }
    b64_encode(raw, sizeof raw, snonce);
    snprintf(st->nonce, sizeof st->nonce, "%.*s%s", (int)(rend - r), r, snonce);
    if (v) {
        st->v = *v;
    } else {
        /* Unknown user: a salt that is stable per exchange shape is not needed (PostgreSQL
         * derives one from the name); a random one still keeps the message well formed. */
        st->fake = true;
        st->v.iterations = 4096;
        st->v.salt_len = 16;
        if (RAND_bytes(st->v.salt, 16) != 1 || RAND_bytes(st->v.stored_key, PG_SCRAM_KEY_LEN) != 1) {
            *why = "no randomness";
            return LW_EINVAL;
        }
    }
    b64_encode(st->v.salt, st->v.salt_len, salt64);
    st->client_first_bare = lw_strndup(bare, (size_t)(end - bare));
    {
        char sf[256];
        snprintf(sf, sizeof sf, "r=%s,s=%s,i=%d", st->nonce, salt64, st->v.iterations);
        st->server_first = lw_strdup(sf);
    }
    if (!st->client_first_bare || !st->server_first) {
        *why = "out of memory";
        return LW_ENOMEM;
    }
    lw_buf_append(out, st->server_first, strlen(st->server_first));
    return 0;
}

int pg_scram_final(struct pg_scram_state *st, const char *msg, size_t len, struct lw_buf *out,
                   const char **why)
{
    const char *end = msg + len, *p, *proof;
    unsigned char cb_input[32 + 64];
    size_t gl = strlen(st->gs2);
    char cbind[(sizeof cb_input + 2) / 3 * 4 + 1];
    unsigned char client_proof[PG_SCRAM_KEY_LEN], sig[PG_SCRAM_KEY_LEN], key[PG_SCRAM_KEY_LEN];
    unsigned char check[PG_SCRAM_KEY_LEN];
    size_t nl = strlen(st->nonce), without_proof;
    struct lw_buf auth;
    bool ok;

    if (!st->server_first || memchr(msg, '\0', len)) {
        *why = "malformed client-final-message";
        return LW_EINVAL;
    }
    /* c=<base64 of the gs2 header and, with PLUS, the binding data>,r=<nonce>
     * [,extensions],p=<proof> */
    memcpy(cb_input, st->gs2, gl);
    memcpy(cb_input + gl, st->cbind, st->cbind_len);
    b64_encode(cb_input, gl + st->cbind_len, cbind);
    p = msg;
    if ((size_t)(end - p) < 2 + strlen(cbind) + 1 || strncmp(p, "c=", 2) != 0 ||
        strncmp(p + 2, cbind, strlen(cbind)) != 0 || p[2 + strlen(cbind)] != ',') {
        *why = "bad channel binding attribute";
        return LW_EINVAL;
    }
    p += 2 + strlen(cbind) + 1;
    if ((size_t)(end - p) < 2 + nl || strncmp(p, "r=", 2) != 0 || strncmp(p + 2, st->nonce, nl) != 0 ||
        (p + 2 + nl < end && p[2 + nl] != ',')) {
        *why = "nonce mismatch";
        return LW_EINVAL;
    }
    /* The proof is the last attribute. */
    proof = NULL;
    for (const char *q = end; q > msg + 2; q--)
        if (q[-1] == ',' && q[0] == 'p' && q + 1 < end && q[1] == '=') {
            proof = q;
            break;
        }
    if (!proof || proof < p + 2 + nl ||
        b64_field(proof + 2, (size_t)(end - proof - 2), client_proof, PG_SCRAM_KEY_LEN) != 0) {
        *why = "bad proof attribute";
        return LW_EINVAL;
    }
    without_proof = (size_t)(proof - 1 - msg);
    lw_buf_init(&auth, 4096);
    lw_buf_append(&auth, st->client_first_bare, strlen(st->client_first_bare));
    lw_buf_putc(&auth, ',');
    lw_buf_append(&auth, st->server_first, strlen(st->server_first));
    lw_buf_putc(&auth, ',');
    lw_buf_append(&auth, msg, without_proof);
    if (auth.failed) {
        lw_buf_free(&auth);
        *why = "message too long";
        return LW_EINVAL;
    }
    /* ClientKey = proof XOR HMAC(StoredKey, AuthMessage); it is right when
     * SHA256(ClientKey) == StoredKey. */
    hmac(st->v.stored_key, PG_SCRAM_KEY_LEN, auth.data, auth.len, sig);
    for (int i = 0; i < PG_SCRAM_KEY_LEN; i++)
        key[i] = client_proof[i] ^ sig[i];
    SHA256(key, sizeof key, check);
    ok = CRYPTO_memcmp(check, st->v.stored_key, PG_SCRAM_KEY_LEN) == 0 && !st->fake;
    if (ok) {
        char v64[48];
        hmac(st->v.server_key, PG_SCRAM_KEY_LEN, auth.data, auth.len, sig);
        b64_encode(sig, sizeof sig, v64);
        lw_buf_append(out, "v=", 2);
        lw_buf_append(out, v64, strlen(v64));
    }
    lw_buf_free(&auth);
    OPENSSL_cleanse(key, sizeof key);
    return ok ? 0 : LW_EAUTH;
}

/* pg_scram.h -- SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL speaks it, server side:
 * the stored verifier in PostgreSQL's own text form
 *     SCRAM-SHA-256$<iterations>:<salt base64>$<StoredKey base64>:<ServerKey base64>
 * (what pg_authid.rolpassword holds, so a verifier made by PostgreSQL works here and the
 * plain password is never configured), making one from a password, and the two server
 * steps of an exchange, with or without channel binding: SCRAM-SHA-256-PLUS binds the
 * exchange to the TLS connection (tls-server-end-point), so a man in the middle who
 * terminates TLS with another certificate cannot relay it.
 * Pure functions over byte strings; pg_auth.c carries them in the wire's SASL messages. */
#ifndef PG_SCRAM_H
#define PG_SCRAM_H

#include "core/lw.h"
#include "core/lw_buf.h"

#define PG_SCRAM_KEY_LEN 32
#define PG_SCRAM_SALT_MAX 64

struct pg_scram_verifier {
    int iterations;
    unsigned char salt[PG_SCRAM_SALT_MAX];
    size_t salt_len;
    unsigned char stored_key[PG_SCRAM_KEY_LEN], server_key[PG_SCRAM_KEY_LEN];
};

/* Parses the text form; returns 0 or LW_EINVAL. */
int pg_scram_parse_verifier(const char *text, struct pg_scram_verifier *v) LW_MUSTCHECK;
/* Makes the text form for password with a random 16-byte salt. Returns 0, LW_EINVAL
 * (iterations outside 1..10,000,000 or out too small) or LW_EIO (no randomness). */
int pg_scram_make_verifier(const char *password, int iterations, char *out, size_t outsz)
    LW_MUSTCHECK;

/* One exchange. `fake` is set when the user is unknown: the exchange runs to the end with a
 * made-up salt so that the answer does not tell which user names exist, then fails. */
struct pg_scram_state {
    struct pg_scram_verifier v;
    bool fake;
    char nonce[96];             /* client nonce + server nonce */
    char *client_first_bare;    /* owned */
    char *server_first;         /* owned */
    char gs2[32];               /* "n,,", "y,," or "p=tls-server-end-point,," */
    unsigned char cbind[64];    /* channel binding data when gs2 is "p=..." */
    size_t cbind_len;
};

/* What the server offered and the client chose: cbind is the tls-server-end-point data
 * when TLS is on (SCRAM-SHA-256-PLUS offered), NULL otherwise; plus says the client chose
 * SCRAM-SHA-256-PLUS. */
struct pg_scram_binding {
    const unsigned char *cbind;
    size_t cbind_len;
    bool plus;
};

/* Step 1: reads client-first-message (len bytes, not NUL-terminated) and writes
 * server-first-message to out. v NULL: unknown user (fake exchange). Returns 0, or
 * LW_EINVAL for a malformed or unsupported message, or a channel binding that does not
 * fit the mechanism (*why says what, for the log). */
int pg_scram_first(struct pg_scram_state *st, const struct pg_scram_verifier *v,
                   const struct pg_scram_binding *b, const char *msg, size_t len,
                   struct lw_buf *out, const char **why) LW_MUSTCHECK;
/* Step 2: reads client-final-message and, when the proof is right, writes
 * server-final-message to out and returns 0. LW_EINVAL: malformed (*why set);
 * LW_EAUTH: wrong password or unknown user. */
int pg_scram_final(struct pg_scram_state *st, const char *msg, size_t len, struct lw_buf *out,
                   const char **why) LW_MUSTCHECK;
void pg_scram_state_free(struct pg_scram_state *st);

#endif

/* pg_scram.h -- SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL speaks it, server side:
 * the stored verifier in PostgreSQL's own text form
 *     SCRAM-SHA-256$<iterations>:<salt base64>$<StoredKey base64>:<ServerKey base64>
 * (what pg_authid.rolpassword holds, so a verifier made by PostgreSQL works here and the
 * plain password is never configured), making one from a password, and the two server
 * steps of an exchange. Channel binding is not offered (gs2 "n" or "y", never "p").
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
    char gs2[8];                /* "n,," or "y,," */
};

/* Step 1: reads client-first-message (len bytes, not NUL-terminated) and writes
 * server-first-message to out. v NULL: unknown user (fake exchange). Returns 0, or
 * LW_EINVAL for a malformed or unsupported message (*why says what, for the log). */
int pg_scram_first(struct pg_scram_state *st, const struct pg_scram_verifier *v,
                   const char *msg, size_t len, struct lw_buf *out, const char **why)
    LW_MUSTCHECK;
/* Step 2: reads client-final-message and, when the proof is right, writes
 * server-final-message to out and returns 0. LW_EINVAL: malformed (*why set);
 * LW_EAUTH: wrong password or unknown user. */
int pg_scram_final(struct pg_scram_state *st, const char *msg, size_t len, struct lw_buf *out,
                   const char **why) LW_MUSTCHECK;
void pg_scram_state_free(struct pg_scram_state *st);

#endif

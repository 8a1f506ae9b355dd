/* pg_hba.h -- who may log in to the Postgres face and how: an ordered list of rules, each
 * naming a connection type (host: TLS or not, hostssl: TLS only, hostnossl: plain only), the
 * user names it covers, a client address range (CIDR) and the authentication method. The
 * first rule that matches a connection decides; no match refuses (28000). Rules are written
 * one per line in the spirit of PostgreSQL's pg_hba.conf, without the database column
 * (lakeward has one database):
 *     TYPE USERS ADDRESS METHOD [OPTION...]
 *     hostssl all 0.0.0.0/0 oidc
 *     host alice,bob 10.0.0.0/8 scram-sha-256
 *     host all 127.0.0.1/32 client loopback-cleartext
 * USERS is "all" or a comma list; ADDRESS a CIDR, a bare address (a host route) or "all".
 * `trust` is honoured only for loopback ranges: a rule trusting anything else is refused
 * when the rules are parsed, so a typo cannot open the server. */
#ifndef PG_HBA_H
#define PG_HBA_H

#include "core/lw.h"

enum pg_hba_type { PG_HBA_HOST, PG_HBA_HOSTSSL, PG_HBA_HOSTNOSSL };

enum pg_hba_method {
    PG_AUTH_REJECT,     /* refuse (28000) */
    PG_AUTH_TRUST,      /* the startup user, no password (loopback only) */
    PG_AUTH_SCRAM,      /* SASL SCRAM-SHA-256 against a configured verifier */
    PG_AUTH_OIDC,       /* the password is an OIDC access token */
    PG_AUTH_CLIENT,     /* user = IdP client id, password = its secret */
};

struct pg_hba_rule {
    enum pg_hba_type type;
    enum pg_hba_method method;
    unsigned char addr[16];     /* network, IPv4 mapped into IPv6 (::ffff:a.b.c.d) */
    int prefix;                 /* bits of addr that must match, 0..128 */
    char **users;               /* NULL: all users */
    int nusers;
    bool loopback_cleartext;    /* a cleartext password may come over plain TCP on loopback */
    int line;                   /* 1-based position in the list (for logs) */
};

struct pg_hba {
    struct pg_hba_rule *rules;
    int nrules;
};

/* Parses one rule line (as above) into *rule. Returns 0, or LW_ECONFIG with a message. */
int pg_hba_parse_line(const char *line, int lineno, struct pg_hba_rule *rule, struct lw_err *err)
    LW_MUSTCHECK;
/* Parses n lines into hba (which it resets). On failure nothing is kept. */
int pg_hba_parse(struct pg_hba *hba, const char *const *lines, int n, struct lw_err *err)
    LW_MUSTCHECK;
/* The rules used when none are configured: trust for loopback peers, nothing else. */
int pg_hba_default(struct pg_hba *hba, struct lw_err *err) LW_MUSTCHECK;
void pg_hba_free(struct pg_hba *hba);

/* The first rule matching a peer (16-byte address, IPv4 mapped), whether it came over TLS,
 * and the startup user name; NULL when none matches. */
const struct pg_hba_rule *pg_hba_match(const struct pg_hba *hba, const unsigned char addr[16],
                                       bool tls, const char *user);

/* True for 127.0.0.0/8 (mapped) and ::1. */
bool pg_hba_addr_is_loopback(const unsigned char addr[16]);
/* Parses an IPv4 or IPv6 address into the 16-byte form; returns false when it is neither. */
bool pg_hba_parse_addr(const char *text, unsigned char addr[16], bool *is_v4);

const char *pg_hba_method_name(enum pg_hba_method m);

#endif

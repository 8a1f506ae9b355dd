/* pg_hba.c -- the Postgres face's login rules (pg_hba.h): parsing rule lines, validating
 * them (trust only for loopback ranges) and finding the first rule that matches. */
#include "pg_hba.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    enum pg_hba_method method;
} methods[] = {
    {"reject", PG_AUTH_REJECT}, {"trust", PG_AUTH_TRUST}, {"scram-sha-256", PG_AUTH_SCRAM},
    {"oidc", PG_AUTH_OIDC},     {"client", PG_AUTH_CLIENT},
};

static const struct {
    const char *name;
    enum pg_hba_type type;
} types[] = {{"host", PG_HBA_HOST}, {"hostssl", PG_HBA_HOSTSSL}, {"hostnossl", PG_HBA_HOSTNOSSL}};

#define N(a) (sizeof(a) / sizeof((a)[0]))

const char *pg_hba_method_name(enum pg_hba_method m)
{
    for (size_t i = 0; i < N(methods); i++)
        if (methods[i].method == m)
            return methods[i].name;
    return "?";
}

bool pg_hba_parse_addr(const char *text, unsigned char addr[16], bool *is_v4)
{
    struct in_addr a4;
    memset(addr, 0, 16);
    if (inet_pton(AF_INET, text, &a4) == 1) {
        addr[10] = addr[11] = 0xff;
        memcpy(addr + 12, &a4, 4);
        *is_v4 = true;
        return true;
    }
    *is_v4 = false;
    return inet_pton(AF_INET6, text, addr) == 1;
}

/* True when the first `prefix` bits of a and b are equal. */
static bool prefix_equal(const unsigned char *a, const unsigned char *b, int prefix)
{
    int whole = prefix / 8, rest = prefix % 8;
    if (memcmp(a, b, (size_t)whole) != 0)
        return false;
    return rest == 0 || ((a[whole] ^ b[whole]) & (0xff << (8 - rest)) & 0xff) == 0;
}

bool pg_hba_addr_is_loopback(const unsigned char addr[16])
{
    static const unsigned char v4lo[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127};
    static const unsigned char v6lo[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    return prefix_equal(addr, v4lo, 104) || memcmp(addr, v6lo, 16) == 0;
}

/* A whole range is loopback when its network is and the prefix does not leave loopback. */
static bool range_is_loopback(const struct pg_hba_rule *r)
{
    bool v4 = prefix_equal(r->addr, (const unsigned char[16]){[10] = 0xff, [11] = 0xff}, 96);
    return pg_hba_addr_is_loopback(r->addr) && r->prefix >= (v4 ? 104 : 128);
}

static int parse_address(const char *tok, struct pg_hba_rule *r, int lineno, struct lw_err *err)
{
    char text[INET6_ADDRSTRLEN + 8];
    const char *slash = strchr(tok, '/');
    bool v4;
    long bits = -1;
    if (strcmp(tok, "all") == 0) {
        memset(r->addr, 0, 16);
        r->prefix = 0;
        return 0;
    }
    if (strlen(tok) >= sizeof text)
        return lw_err_set(err, LW_ECONFIG, "pg_hba line %d: address '%.60s' is too long", lineno, tok);
    memcpy(text, tok, slash ? (size_t)(slash - tok) : strlen(tok) + 1);
    if (slash) {
        char *end;
        text[slash - tok] = '\0';
        bits = strtol(slash + 1, &end, 10);
        if (*end || end == slash + 1 || bits < 0)
            bits = 999;     /* refused below */
    }
    if (!pg_hba_parse_addr(text, r->addr, &v4))
        return lw_err_set(err, LW_ECONFIG, "pg_hba line %d: '%.60s' is not an IP address or CIDR",
                          lineno, tok);
    if (bits == -1)
        bits = v4 ? 32 : 128;
    if (bits < 0 || bits > (v4 ? 32 : 128))
        return lw_err_set(err, LW_ECONFIG, "pg_hba line %d: bad prefix length in '%.60s'", lineno, tok);
    r->prefix = (int)bits + (v4 ? 96 : 0);
    /* Clear host bits so that a sloppy 10.1.2.3/8 means 10.0.0.0/8. */
    for (int i = r->prefix; i < 128; i++)
        r->addr[i / 8] &= (unsigned char)~(0x80 >> (i % 8));
    return 0;
}

static int parse_users(const char *tok, struct pg_hba_rule *r, int lineno, struct lw_err *err)
{
    int n = 1;
    if (strcmp(tok, "all") == 0)
        return 0;
    for (const char *p = tok; *p; p++)
        n += *p == ',';
    if (!(r->users = lw_calloc((size_t)n, sizeof *r->users)))
        return LW_ENOMEM;
    for (const char *p = tok;;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        if (len == 0)
            return lw_err_set(err, LW_ECONFIG, "pg_hba line %d: empty user name in '%.60s'", lineno, tok);
        if (!(r->users[r->nusers++] = lw_strndup(p, len)))
            return LW_ENOMEM;
        if (!c)
            return 0;
        p = c + 1;
    }
}

static void free_rule(struct pg_hba_rule *r)
{
    for (int i = 0; i < r->nusers; i++)
        lw_free(r->users[i]);
    lw_free(r->users);
    r->users = NULL;
    r->nusers = 0;
}

int pg_hba_parse_line(const char *line, int lineno, struct pg_hba_rule *r, struct lw_err *err)
{
    char buf[1024], *save = NULL, *tok[8];
    int ntok = 0, rc;
    size_t i;
    memset(r, 0, sizeof *r);
    r->line = lineno;
    if (strlen(line) >= sizeof buf)
        return lw_err_set(err, LW_ECONFIG, "pg_hba line %d is longer than 1023 bytes", lineno);
    snprintf(buf, sizeof buf, "%s", line);
    for (char *t = strtok_r(buf, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
        if (ntok == (int)N(tok))
            return lw_err_set(err, LW_ECONFIG, "pg_hba line %d has too many fields", lineno);
        tok[ntok++] = t;
    }
    if (ntok < 4)
        return lw_err_set(err, LW_ECONFIG, "pg_hba line %d: expected TYPE USERS ADDRESS METHOD "
                          "[OPTION...]", lineno);
    for (i = 0; i < N(types) && strcmp(types[i].name, tok[0]) != 0; i++)
        ;
    if (i == N(types))
        return lw_err_set(err, LW_ECONFIG, "pg_hba line %d: unknown type '%.40s' (host, hostssl, "
                          "hostnossl)", lineno, tok[0]);
    r->type = types[i].type;
    for (i = 0; i < N(methods) && strcmp(methods[i].name, tok[3]) != 0; i++)
        ;
    if (i == N(methods))
        return lw_err_set(err, LW_ECONFIG, "pg_hba line %d: unknown method '%.40s' (trust, "
                          "scram-sha-256, oidc, client, reject)", lineno, tok[3]);
    r->method = methods[i].method;
    if ((rc = parse_address(tok[2], r, lineno, err)) || (rc = parse_users(tok[1], r, lineno, err))) {
        free_rule(r);
        return rc;
    }
    for (int k = 4; k < ntok; k++) {
        if (strcmp(tok[k], "loopback-cleartext") != 0) {
            free_rule(r);
            return lw_err_set(err, LW_ECONFIG, "pg_hba line %d: unknown option '%.40s'", lineno,
                              tok[k]);
        }
        r->loopback_cleartext = true;
    }
    if (r->method == PG_AUTH_TRUST && !range_is_loopback(r)) {
        free_rule(r);
        return lw_err_set(err, LW_ECONFIG, "pg_hba line %d: trust is allowed only for loopback "
                          "addresses (127.0.0.0/8, ::1)", lineno);
    }
    return 0;
}

void pg_hba_free(struct pg_hba *hba)
{
    for (int i = 0; i < hba->nrules; i++)
        free_rule(&hba->rules[i]);
    lw_free(hba->rules);
    hba->rules = NULL;
    hba->nrules = 0;
}

int pg_hba_parse(struct pg_hba *hba, const char *const *lines, int n, struct lw_err *err)
{
    memset(hba, 0, sizeof *hba);
    if (!(hba->rules = lw_calloc((size_t)(n ? n : 1), sizeof *hba->rules)))
        return LW_ENOMEM;
    for (int i = 0; i < n; i++) {
        int rc = pg_hba_parse_line(lines[i], i + 1, &hba->rules[i], err);
        if (rc) {
            pg_hba_free(hba);
            return rc;
        }
        hba->nrules++;
    }
    return 0;
}

int pg_hba_default(struct pg_hba *hba, struct lw_err *err)
{
    static const char *const lines[] = {"host all 127.0.0.0/8 trust", "host all ::1/128 trust"};
    return pg_hba_parse(hba, lines, (int)N(lines), err);
}

static bool user_listed(const struct pg_hba_rule *r, const char *user)
{
    if (!r->users)
        return true;
    for (int i = 0; i < r->nusers; i++)
        if (strcmp(r->users[i], user) == 0)
            return true;
    return false;
}

const struct pg_hba_rule *pg_hba_match(const struct pg_hba *hba, const unsigned char addr[16],
                                       bool tls, const char *user)
{
    for (int i = 0; i < hba->nrules; i++) {
        const struct pg_hba_rule *r = &hba->rules[i];
        if ((r->type == PG_HBA_HOSTSSL && !tls) || (r->type == PG_HBA_HOSTNOSSL && tls))
            continue;
        if (prefix_equal(addr, r->addr, r->prefix) && user_listed(r, user))
            return r;
    }
    return NULL;
}

/* test_pg_hba.c -- server/pg_hba.c's login rules (first match by connection type, user and
 * CIDR range; trust refused outside loopback; malformed lines refused) and
 * server/pg_scram.c's SCRAM-SHA-256 verifier and server steps, driven by a client written
 * here from RFC 5802 (a right proof passes, a wrong one and malformed messages fail). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../server/pg_auth.h"
#include "../../server/pg_hba.h"
#include "../../server/pg_scram.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>

static void addr(const char *text, unsigned char out[16])
{
    bool v4;
    assert_true(pg_hba_parse_addr(text, out, &v4));
}

static const struct pg_hba_rule *match(const struct pg_hba *h, const char *ip, bool tls,
                                       const char *user)
{
    unsigned char a[16];
    addr(ip, a);
    return pg_hba_match(h, a, tls, user);
}

static void first_match_wins(void **state)
{
    static const char *const lines[] = {
        "hostssl alice,bob 10.0.0.0/8 scram-sha-256",
        "hostnossl all 10.1.0.0/16 reject",
        "host all 10.0.0.0/8 client",
        "host all 127.0.0.1 trust",
        "host all 2001:db8::/32 oidc",
        "host carol all client loopback-cleartext",
    };
    struct pg_hba h;
    struct lw_err err = {0};
    (void)state;
    assert_int_equal(pg_hba_parse(&h, lines, 6, &err), 0);
    assert_int_equal(match(&h, "10.1.2.3", true, "alice")->line, 1);
    assert_int_equal(match(&h, "10.1.2.3", false, "alice")->line, 2);  /* hostssl skipped */
    assert_int_equal(match(&h, "10.1.2.3", false, "alice")->method, PG_AUTH_REJECT);
    assert_int_equal(match(&h, "10.2.2.3", false, "alice")->line, 3);
    assert_int_equal(match(&h, "10.255.0.1", true, "dave")->line, 3);  /* user not listed */
    assert_int_equal(match(&h, "127.0.0.1", false, "x")->method, PG_AUTH_TRUST);
    assert_null(match(&h, "127.0.0.2", false, "x"));                  /* /32 by default */
    assert_int_equal(match(&h, "2001:db8:1::5", true, "x")->method, PG_AUTH_OIDC);
    assert_null(match(&h, "2001:db9::5", true, "x"));
    assert_int_equal(match(&h, "192.168.1.1", false, "carol")->line, 6);
    assert_true(match(&h, "192.168.1.1", false, "carol")->loopback_cleartext);
    assert_null(match(&h, "192.168.1.1", false, "caro"));               /* whole names only */
    assert_null(match(&h, "11.0.0.1", true, "alice"));
    pg_hba_free(&h);
}

static void host_bits_cleared(void **state)
{
    struct pg_hba_rule r;
    struct lw_err err = {0};
    unsigned char a[16];
    (void)state;
    assert_int_equal(pg_hba_parse_line("host all 10.9.8.7/8 client", 1, &r, &err), 0);
    addr("10.0.0.0", a);
    assert_memory_equal(r.addr, a, 16);
    assert_int_equal(r.prefix, 96 + 8);
}

static void trust_only_on_loopback(void **state)
{
    static const char *const bad[] = {
        "host all 0.0.0.0/0 trust", "host all all trust", "host all 127.0.0.0/7 trust",
        "host all 10.0.0.1 trust", "host all ::/0 trust", "host all ::1/127 trust",
    };
    static const char *const good[] = {"host all 127.0.0.0/8 trust", "host all ::1 trust",
                                       "hostssl x 127.0.0.5/32 trust"};
    struct pg_hba_rule r;
    struct lw_err err = {0};
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(pg_hba_parse_line(bad[i], 1, &r, &err), LW_ECONFIG);
        assert_non_null(strstr(err.msg, "loopback"));
    }
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        assert_int_equal(pg_hba_parse_line(good[i], 1, &r, &err), 0);
        for (int k = 0; k < r.nusers; k++)
            lw_free(r.users[k]);
        lw_free(r.users);
    }
}

static void malformed_lines_refused(void **state)
{
    static const char *const bad[] = {
        "", "host all 10.0.0.0/8", "hosts all 10.0.0.0/8 client", "host all 10.0.0.0/33 client",
        "host all 10.0.0.0/x client", "host all 10.0.0.0/ client", "host all 300.0.0.1 client",
        "host all ::1/129 client", "host all 10.0.0.0/8 password", "host a,,b 10.0.0.0/8 client",
        "host all 10.0.0.0/8 client sometimes", "host all 10.0.0.0/-1 client",
        "host , 10.0.0.0/8 client",
    };
    struct pg_hba_rule r;
    struct lw_err err = {0};
    char longline[2000];
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(pg_hba_parse_line(bad[i], 3, &r, &err), LW_ECONFIG);
    memset(longline, 'a', sizeof longline - 1);
    longline[sizeof longline - 1] = '\0';
    assert_int_equal(pg_hba_parse_line(longline, 1, &r, &err), LW_ECONFIG);
}

static void default_rules_trust_loopback_only(void **state)
{
    struct pg_hba h;
    struct lw_err err = {0};
    (void)state;
    assert_int_equal(pg_hba_default(&h, &err), 0);
    assert_int_equal(match(&h, "127.0.0.1", false, "a")->method, PG_AUTH_TRUST);
    assert_int_equal(match(&h, "::1", true, "a")->method, PG_AUTH_TRUST);
    assert_null(match(&h, "10.0.0.1", false, "a"));
    assert_null(match(&h, "::2", false, "a"));
    pg_hba_free(&h);
}

/* --- SCRAM ---------------------------------------------------------------------------- */

static const struct pg_scram_binding nobind = {NULL, 0, false};

static const unsigned char *cb_in_u(const char *p)
{
    return (const unsigned char *)p;
}

static void b64(const unsigned char *in, size_t n, char *out)
{
    EVP_EncodeBlock((unsigned char *)out, in, (int)n);
}

/* The client side of RFC 5802 for password, given the server-first-message. */
static void client_final(const char *password, const char *client_first_bare,
                         const char *server_first, const char *cbind, char *out, size_t outsz,
                         char *expect_server_sig)
{
    char nonce[128], salt64[128], auth[1024], without_proof[256], proof64[64];
    unsigned char salt[64], salted[32], ck[32], sk[32], stored[32], sig[32], proof[32];
    unsigned int l = 32;
    int iter, n;
    assert_int_equal(sscanf(server_first, "r=%127[^,],s=%127[^,],i=%d", nonce, salt64, &iter), 3);
    n = EVP_DecodeBlock(salt, (unsigned char *)salt64, (int)strlen(salt64));
    n -= (salt64[strlen(salt64) - 1] == '=') + (salt64[strlen(salt64) - 2] == '=');
    PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, n, iter, EVP_sha256(), 32, salted);
    HMAC(EVP_sha256(), salted, 32, (const unsigned char *)"Client Key", 10, ck, &l);
    HMAC(EVP_sha256(), salted, 32, (const unsigned char *)"Server Key", 10, sk, &l);
    SHA256(ck, 32, stored);
    snprintf(without_proof, sizeof without_proof, "c=%s,r=%s", cbind, nonce);
    snprintf(auth, sizeof auth, "%s,%s,%s", client_first_bare, server_first, without_proof);
    HMAC(EVP_sha256(), stored, 32, (unsigned char *)auth, strlen(auth), sig, &l);
    for (int i = 0; i < 32; i++)
        proof[i] = ck[i] ^ sig[i];
    b64(proof, 32, proof64);
    snprintf(out, outsz, "%s,p=%s", without_proof, proof64);
    HMAC(EVP_sha256(), sk, 32, (unsigned char *)auth, strlen(auth), sig, &l);
    strcpy(expect_server_sig, "v=");
    b64(sig, 32, expect_server_sig + 2);
}

/* Runs an exchange; returns pg_scram_final's result. */
static int exchange(const struct pg_scram_verifier *v, const char *password, bool tamper)
{
    static const char first[] = "n,,n=,r=rOprNGfwEbeRWgbNEkqO";
    struct pg_scram_state st;
    struct lw_buf out;
    const char *why = NULL;
    char final[512], sig[64];
    int rc;
    lw_buf_init(&out, 1024);
    assert_int_equal(pg_scram_first(&st, v, &nobind, first, strlen(first), &out, &why), 0);
    lw_buf_putc(&out, '\0');
    assert_true(strncmp(out.data, "r=rOprNGfwEbeRWgbNEkqO", 22) == 0);
    client_final(password, first + 3, out.data, "biws", final, sizeof final, sig);
    if (tamper) {   /* another valid base64 character: the proof is well formed but wrong */
        char *c = &final[strlen(final) - 3];
        *c = *c == 'A' ? 'B' : 'A';
    }
    lw_buf_reset(&out);
    rc = pg_scram_final(&st, final, strlen(final), &out, &why);
    if (rc == 0) {
        lw_buf_putc(&out, '\0');
        assert_string_equal(out.data, sig);
    }
    pg_scram_state_free(&st);
    lw_buf_free(&out);
    return rc;
}

static void scram_round_trip(void **state)
{
    char text[256];
    struct pg_scram_verifier v;
    (void)state;
    assert_int_equal(pg_scram_make_verifier("s3cret pass", 4096, text, sizeof text), 0);
    assert_true(strncmp(text, "SCRAM-SHA-256$4096:", 19) == 0);
    assert_int_equal(pg_scram_parse_verifier(text, &v), 0);
    assert_int_equal(v.iterations, 4096);
    assert_int_equal(exchange(&v, "s3cret pass", false), 0);
    assert_int_equal(exchange(&v, "s3cret pasS", false), LW_EAUTH);
    assert_int_equal(exchange(&v, "s3cret pass", true), LW_EAUTH);
    assert_int_equal(exchange(NULL, "anything", false), LW_EAUTH);     /* unknown user */
}

/* RFC 7677's example exchange (user "user", password "pencil"), with the server nonce and
 * salt of the RFC put in place of the random ones: the client-final-message the RFC shows
 * must be accepted and the RFC's server signature come back. */
static void scram_rfc7677_vector(void **state)
{
    static const char first[] = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    static const char server_first[] = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                                       "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    static const char final[] = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                                "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    unsigned char salted[32], ck[32], stored[32], sk[32];
    char st64[48], sk64[48], text[256];
    unsigned int l = 32;
    struct pg_scram_verifier v;
    struct pg_scram_state st;
    struct lw_buf out;
    const char *why;
    int n;
    (void)state;
    unsigned char salt[16];
    n = EVP_DecodeBlock(salt, (const unsigned char *)"W22ZaJ0SNY7soEsUEjb6gQ==", 24);
    assert_int_equal(n, 18);
    PKCS5_PBKDF2_HMAC("pencil", 6, salt, 16, 4096, EVP_sha256(), 32, salted);
    HMAC(EVP_sha256(), salted, 32, (const unsigned char *)"Client Key", 10, ck, &l);
    HMAC(EVP_sha256(), salted, 32, (const unsigned char *)"Server Key", 10, sk, &l);
    SHA256(ck, 32, stored);
    b64(stored, 32, st64);
    b64(sk, 32, sk64);
    snprintf(text, sizeof text, "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$%s:%s", st64, sk64);
    assert_int_equal(pg_scram_parse_verifier(text, &v), 0);
    assert_int_equal(v.salt_len, 16);
    lw_buf_init(&out, 1024);
    assert_int_equal(pg_scram_first(&st, &v, &nobind, first, strlen(first), &out, &why), 0);
    snprintf(st.nonce, sizeof st.nonce, "%s", "rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");
    lw_free(st.server_first);
    st.server_first = lw_strdup(server_first);
    lw_buf_reset(&out);
    assert_int_equal(pg_scram_final(&st, final, strlen(final), &out, &why), 0);
    lw_buf_putc(&out, '\0');
    assert_string_equal(out.data, "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    pg_scram_state_free(&st);
    lw_buf_free(&out);
}

static void scram_malformed(void **state)
{
    static const char *const firsts[] = {
        "", "n", "n,", "p=tls-server-end-point,,n=,r=abc", "x,,n=,r=abc", "n,,", "n,,r=abc",
        "n,,n=,", "n,,n=,r=", "n,,n=,r=a,m=ext", "n,a=authz,n=,r=abc",
        "n,,n=,r=\x01\x02",
    };
    static const char *const finals[] = {
        "", "c=biws", "c=eSws,r=NONCE,p=AAAA", "c=biws,r=wrong,p=AAAA", "c=biws,r=NONCE",
        "c=biws,r=NONCE,p=", "c=biws,r=NONCE,p=!!!!", "c=biws,r=NONCEx,p=AAAA",
        "p=AAAA", "c=biws,r=NONCE,p=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    };
    char text[256], fin[256];
    struct pg_scram_verifier v;
    struct pg_scram_state st;
    struct lw_buf out;
    const char *why;
    (void)state;
    assert_int_equal(pg_scram_make_verifier("pw", 4096, text, sizeof text), 0);
    assert_int_equal(pg_scram_parse_verifier(text, &v), 0);
    lw_buf_init(&out, 1024);
    for (size_t i = 0; i < sizeof firsts / sizeof firsts[0]; i++) {
        lw_buf_reset(&out);
        assert_int_not_equal(pg_scram_first(&st, &v, &nobind, firsts[i], strlen(firsts[i]), &out, &why), 0);
        pg_scram_state_free(&st);
    }
    /* NUL inside the message */
    assert_int_not_equal(pg_scram_first(&st, &v, &nobind, "n,,n=\0,r=abc", 12, &out, &why), 0);
    pg_scram_state_free(&st);
    for (size_t i = 0; i < sizeof finals / sizeof finals[0]; i++) {
        char *p;
        lw_buf_reset(&out);
        assert_int_equal(pg_scram_first(&st, &v, &nobind, "n,,n=,r=abc", 11, &out, &why), 0);
        snprintf(fin, sizeof fin, "%s", finals[i]);
        if ((p = strstr(fin, "NONCE"))) {
            char rest[256];
            snprintf(rest, sizeof rest, "%s", p + 5);
            snprintf(p, sizeof fin - (size_t)(p - fin), "%s%s", st.nonce, rest);
        }
        lw_buf_reset(&out);
        assert_int_not_equal(pg_scram_final(&st, fin, strlen(fin), &out, &why), 0);
        pg_scram_state_free(&st);
    }
    lw_buf_free(&out);
    {
        static const char *const verifiers[] = {
            "", "SCRAM-SHA-256$", "SCRAM-SHA-256$0:AAAA$AAAA:AAAA", "SCRAM-SHA-256$4096:$x:y",
            "SCRAM-SHA-256$4096:AAAA$AAAA:AAAA", "md5abcdef", "SCRAM-SHA-256$4096:AAAA",
        };
        for (size_t i = 0; i < sizeof verifiers / sizeof verifiers[0]; i++)
            assert_int_equal(pg_scram_parse_verifier(verifiers[i], &v), LW_EINVAL);
    }
}

static void scram_channel_binding(void **state)
{
    static const char plus_first[] = "p=tls-server-end-point,,n=,r=clientnonce";
    unsigned char data[32];
    char text[256], final[512], sig[64], cb_in[64], c64[96];
    struct pg_scram_verifier v;
    struct pg_scram_state st;
    struct lw_buf out;
    const char *why;
    struct pg_scram_binding plus = {data, sizeof data, true}, offered = {data, sizeof data, false};
    (void)state;
    memset(data, 0x5a, sizeof data);
    assert_int_equal(pg_scram_make_verifier("pw", 4096, text, sizeof text), 0);
    assert_int_equal(pg_scram_parse_verifier(text, &v), 0);
    lw_buf_init(&out, 1024);
    /* PLUS: c= carries the header and the binding data. */
    assert_int_equal(pg_scram_first(&st, &v, &plus, plus_first, strlen(plus_first), &out, &why), 0);
    lw_buf_putc(&out, '\0');
    memcpy(cb_in, "p=tls-server-end-point,,", 24);
    memcpy(cb_in + 24, data, sizeof data);
    b64(cb_in_u(cb_in), 24 + sizeof data, c64);
    client_final("pw", plus_first + 24, out.data, c64, final, sizeof final, sig);
    lw_buf_reset(&out);
    assert_int_equal(pg_scram_final(&st, final, strlen(final), &out, &why), 0);
    pg_scram_state_free(&st);
    /* The same exchange bound to other data (another certificate) fails. */
    lw_buf_reset(&out);
    assert_int_equal(pg_scram_first(&st, &v, &plus, plus_first, strlen(plus_first), &out, &why), 0);
    lw_buf_putc(&out, '\0');
    data[0] ^= 1;
    memcpy(cb_in + 24, data, sizeof data);
    data[0] ^= 1;
    b64(cb_in_u(cb_in), 24 + sizeof data, c64);
    client_final("pw", plus_first + 24, out.data, c64, final, sizeof final, sig);
    lw_buf_reset(&out);
    assert_int_not_equal(pg_scram_final(&st, final, strlen(final), &out, &why), 0);
    pg_scram_state_free(&st);
    /* PLUS chosen with a "n" header, "p=" without PLUS, and "y" when PLUS was offered. */
    assert_int_equal(pg_scram_first(&st, &v, &plus, "n,,n=,r=abc", 11, &out, &why), LW_EINVAL);
    pg_scram_state_free(&st);
    assert_int_equal(pg_scram_first(&st, &v, &offered, plus_first, strlen(plus_first), &out, &why), LW_EINVAL);
    pg_scram_state_free(&st);
    assert_int_equal(pg_scram_first(&st, &v, &offered, "y,,n=,r=abc", 11, &out, &why), LW_EINVAL);
    assert_non_null(strstr(why, "downgrade"));
    pg_scram_state_free(&st);
    /* "y" is fine when nothing was offered (no TLS); "n" is fine either way. */
    assert_int_equal(pg_scram_first(&st, &v, &nobind, "y,,n=,r=abc", 11, &out, &why), 0);
    pg_scram_state_free(&st);
    assert_int_equal(pg_scram_first(&st, &v, &offered, "n,,n=,r=abc", 11, &out, &why), 0);
    pg_scram_state_free(&st);
    lw_buf_free(&out);
}

static void users_parse(void **state)
{
    char text[256], line[400];
    struct pg_auth_user u;
    struct lw_err err = {0};
    (void)state;
    assert_int_equal(pg_scram_make_verifier("pw", 4096, text, sizeof text), 0);
    snprintf(line, sizeof line, "grafana %s svc-grafana", text);
    assert_int_equal(pg_auth_parse_user(line, 1, &u, &err), 0);
    assert_string_equal(u.name, "grafana");
    assert_string_equal(u.principal, "svc-grafana");
    lw_free(u.name);
    lw_free(u.principal);
    assert_int_equal(pg_auth_parse_user("grafana secretpassword", 1, &u, &err), LW_ECONFIG);
    assert_null(strstr(err.msg, "secretpassword"));
    assert_int_equal(pg_auth_parse_user("grafana", 1, &u, &err), LW_ECONFIG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(first_match_wins),
        cmocka_unit_test(host_bits_cleared),
        cmocka_unit_test(trust_only_on_loopback),
        cmocka_unit_test(malformed_lines_refused),
        cmocka_unit_test(default_rules_trust_loopback_only),
        cmocka_unit_test(scram_round_trip),
        cmocka_unit_test(scram_rfc7677_vector),
        cmocka_unit_test(scram_malformed),
        cmocka_unit_test(scram_channel_binding),
        cmocka_unit_test(users_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

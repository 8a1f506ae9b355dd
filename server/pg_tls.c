/* pg_tls.c -- OpenSSL under the Postgres face (pg_tls.h). The socket is switched to
 * non-blocking for the TLS stream, and every WANT_READ/WANT_WRITE waits through
 * pg_wait_fd with the caller's deadline, so a stalled peer cannot hold a backend. */
#include "pg_tls.h"

#include "pg_wait.h"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <stdio.h>

struct pg_tls_ctx {
    SSL_CTX *ctx;
};

struct pg_tls {
    SSL *ssl;
    struct pg_wait *wait;       /* the connection's, over the socket SSL reads and writes */
};

struct pg_tls_ctx *pg_tls_ctx_new(const char *cert_file, const char *key_file, struct lw_err *err)
{
    struct pg_tls_ctx *c = lw_calloc(1, sizeof *c);
    if (!c) {
        lw_err_set(err, LW_ENOMEM, "out of memory");
        return NULL;
    }
    if (!(c->ctx = SSL_CTX_new(TLS_server_method())) ||
        SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION) != 1) {
        lw_err_set(err, LW_ECONFIG, "cannot create a TLS context");
        goto fail;
    }
    SSL_CTX_set_options(c->ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    if (SSL_CTX_use_certificate_chain_file(c->ctx, cert_file) != 1) {
        lw_err_set(err, LW_ECONFIG, "pg_tls_cert '%s': cannot load the certificate chain", cert_file);
        goto fail;
    }
    if (SSL_CTX_use_PrivateKey_file(c->ctx, key_file, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(c->ctx) != 1) {
        lw_err_set(err, LW_ECONFIG, "pg_tls_key '%s': cannot load the key, or it does not match "
                   "the certificate", key_file);
        goto fail;
    }
    return c;
fail:
    ERR_clear_error();
    pg_tls_ctx_free(c);
    return NULL;
}

void pg_tls_ctx_free(struct pg_tls_ctx *c)
{
    if (!c)
        return;
    SSL_CTX_free(c->ctx);
    lw_free(c);
}

/* After an SSL call returned r <= 0: 1 to retry (after waiting), 0 deadline, -1 error. */
static int wait_for(struct pg_tls *t, int r, int64_t deadline_us)
{
    int e = SSL_get_error(t->ssl, r), w;
    if (e == SSL_ERROR_WANT_READ)
        w = pg_wait_fd(t->wait, POLLIN, deadline_us);
    else if (e == SSL_ERROR_WANT_WRITE)
        w = pg_wait_fd(t->wait, POLLOUT, deadline_us);
    else
        return -1;
    return w > 0 ? 1 : w == 0 ? 0 : -1;
}

struct pg_tls *pg_tls_accept(const struct pg_tls_ctx *ctx, struct pg_wait *w,
                             int64_t deadline_us, const char **why)
{
    struct pg_tls *t = lw_calloc(1, sizeof *t);
    int fd = w->fd, fl = fcntl(fd, F_GETFL);
    *why = "out of memory";
    if (!t)
        return NULL;
    t->wait = w;
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 || !(t->ssl = SSL_new(ctx->ctx)) ||
        SSL_set_fd(t->ssl, fd) != 1) {
        *why = "cannot set up TLS on the socket";
        goto fail;
    }
    for (;;) {
        int r = SSL_accept(t->ssl), w;
        if (r == 1)
            return t;
        if ((w = wait_for(t, r, deadline_us)) <= 0) {
            *why = w == 0 ? "handshake timed out" : "handshake failed";
            goto fail;
        }
    }
fail:
    ERR_clear_error();
    if (t->ssl)
        SSL_free(t->ssl);
    lw_free(t);
    return NULL;
}

void pg_tls_free(struct pg_tls *t)
{
    if (!t)
        return;
    (void)SSL_shutdown(t->ssl);     /* close_notify; not waiting for the peer's */
    SSL_free(t->ssl);
    ERR_clear_error();
    lw_free(t);
}

ssize_t pg_tls_read(struct pg_tls *t, void *buf, size_t n, int64_t deadline_us)
{
    for (;;) {
        int r = SSL_read(t->ssl, buf, n > INT32_MAX ? INT32_MAX : (int)n), w;
        if (r > 0)
            return r;
        if (SSL_get_error(t->ssl, r) == SSL_ERROR_ZERO_RETURN)
            return 0;
        if ((w = wait_for(t, r, deadline_us)) <= 0) {
            ERR_clear_error();
            return w == 0 ? -2 : -1;
        }
    }
}

ssize_t pg_tls_write(struct pg_tls *t, const void *buf, size_t n, int64_t deadline_us)
{
    for (;;) {
        int r = SSL_write(t->ssl, buf, n > INT32_MAX ? INT32_MAX : (int)n), w;
        if (r > 0)
            return r;
        if ((w = wait_for(t, r, deadline_us)) <= 0) {
            ERR_clear_error();
            return w == 0 ? -2 : -1;
        }
    }
}

size_t pg_tls_server_end_point(const struct pg_tls *t, unsigned char *out)
{
    X509 *cert = SSL_get_certificate(t->ssl);
    int md_nid = NID_undef;
    const EVP_MD *md;
    unsigned int len = 0;
    if (!cert || X509_get_signature_info(cert, &md_nid, NULL, NULL, NULL) != 1)
        return 0;
    md = md_nid == NID_md5 || md_nid == NID_sha1 ? EVP_sha256() : EVP_get_digestbynid(md_nid);
    if (!md || EVP_MD_get_size(md) > 64 || X509_digest(cert, md, out, &len) != 1)
        return 0;
    return len;
}

const char *pg_tls_describe(const struct pg_tls *t, char *buf, size_t n)
{
    snprintf(buf, n, "%s %s", SSL_get_version(t->ssl), SSL_get_cipher_name(t->ssl));
    return buf;
}

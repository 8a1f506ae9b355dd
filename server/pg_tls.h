/* pg_tls.h -- TLS for the Postgres face (OpenSSL): a server context made once from the
 * configured certificate chain and key (TLS 1.2 and newer), and per connection a TLS
 * stream over the socket that pg_wire.c reads and writes through once the SSLRequest was
 * answered 'S'. Every wait has a deadline, like the plain socket's. */
#ifndef PG_TLS_H
#define PG_TLS_H

#include "core/lw.h"
#include "pg_wait.h"

#include <sys/types.h>

struct pg_tls_ctx;
struct pg_tls;

/* Loads cert_file (PEM chain) and key_file; NULL on failure with err set. */
struct pg_tls_ctx *pg_tls_ctx_new(const char *cert_file, const char *key_file, struct lw_err *err);
void pg_tls_ctx_free(struct pg_tls_ctx *ctx);

/* Runs the server handshake on w's socket until deadline_us (monotonic). NULL when it
 * fails or times out; *why says why (for the log). The stream waits through w, which must
 * outlive it (the connection's, pg_wire.h). */
struct pg_tls *pg_tls_accept(const struct pg_tls_ctx *ctx, struct pg_wait *w,
                             int64_t deadline_us, const char **why);
/* Sends close_notify (best effort) and frees. */
void pg_tls_free(struct pg_tls *t);

/* Like recv/send on a socket: > 0 bytes moved, 0 end of stream (read only), -1 error,
 * -2 deadline passed. Writes move at least one byte. */
ssize_t pg_tls_read(struct pg_tls *t, void *buf, size_t n, int64_t deadline_us);
ssize_t pg_tls_write(struct pg_tls *t, const void *buf, size_t n, int64_t deadline_us);
/* The tls-server-end-point channel binding data (RFC 5929): a hash of the server's
 * certificate with its signature's digest (SHA-256 instead of MD5 or SHA-1). Returns the
 * length written to out (at least 64 bytes of room), or 0 when it cannot be made. */
size_t pg_tls_server_end_point(const struct pg_tls *t, unsigned char *out);
/* "TLSv1.3 TLS_AES_256_GCM_SHA384" for the session_start log line. */
const char *pg_tls_describe(const struct pg_tls *t, char *buf, size_t n);

#endif

/* pg_wire.h -- Postgres frontend/backend protocol 3.0 framing: reading messages from a
 * socket with the length checked against a bound before anything is buffered and a timeout
 * on every wait, a bounds-checked read cursor over a message body, and message builders on
 * lw_buf (pg_msg_begin, pg_put_*, pg_msg_end patching the length). The conversation itself
 * (startup, authentication, queries) is pg_session.c's. */
#ifndef PG_WIRE_H
#define PG_WIRE_H

#include "core/lw_buf.h"
#include "pg_wait.h"

#define PG_PROTOCOL(major, minor) (((uint32_t)(major) << 16) | (uint32_t)(minor))
#define PG_SSL_REQUEST_CODE PG_PROTOCOL(1234, 5679)
#define PG_GSSENC_REQUEST_CODE PG_PROTOCOL(1234, 5680)
#define PG_CANCEL_REQUEST_CODE PG_PROTOCOL(1234, 5678)
#define PG_STARTUP_MAX 10000        /* Postgres's MAX_STARTUP_PACKET_LENGTH */

/* Results of the read functions. */
enum pg_io_result {
    PG_IO_OK = 0,
    PG_IO_EOF,          /* the peer closed the connection before a message began */
    PG_IO_IDLE,         /* no message began within the idle timeout */
    PG_IO_TIMEOUT,      /* a message began but did not arrive within the I/O timeout */
    PG_IO_BAD_LENGTH,   /* the length field is below the minimum or above the bound */
    PG_IO_ERROR,        /* the socket failed, or the peer closed mid-message */
};

/* One connection's socket with a read-ahead buffer and the output buffer. */
struct pg_tls;

struct pg_io {
    int fd;
    struct pg_wait wait;    /* the socket's epoll set, made once (pg_wait.h) */
    struct pg_tls *tls;     /* set after an accepted SSLRequest: bytes go through TLS */
    unsigned char rbuf[8192];
    size_t rpos, rlen;
    struct lw_buf out;      /* messages waiting for pg_flush */
    bool broken;            /* a write failed: nothing more can be sent */
    uint32_t last_len;      /* the length field of the last message read (for logs) */
};

/* out_max bounds the output buffer; pg_io_free releases it and the wait set (the fd is the
 * caller's). */
void pg_io_init(struct pg_io *io, int fd, size_t out_max);
void pg_io_free(struct pg_io *io);
/* True when bytes the peer sent are already read ahead (checked after an SSLRequest: a
 * client must wait for the answer before it sends more). */
bool pg_io_pending(const struct pg_io *io);

/* Reads a startup-phase packet (no type byte): its length must be 8..PG_STARTUP_MAX.
 * The body (without the length) replaces msg's contents. timeout_ms bounds the whole read. */
enum pg_io_result pg_read_startup(struct pg_io *io, int timeout_ms, struct lw_buf *msg);
/* Reads one typed message: waits up to idle_ms for its first byte, then up to io_ms for
 * the rest; a length above max_body + 4 is refused before anything is buffered. The body
 * replaces msg's contents; *type gets the type byte. */
enum pg_io_result pg_read_message(struct pg_io *io, int idle_ms, int io_ms, size_t max_body,
                                  char *type, struct lw_buf *msg);
/* Writes everything in io->out within timeout_ms and empties it. Returns 0, or LW_EIO
 * (and sets io->broken) when the socket fails or the peer stops reading. */
int pg_flush(struct pg_io *io, int timeout_ms) LW_MUSTCHECK;

/* A read cursor over a message body: every getter returns false instead of reading past
 * the end and then leaves the cursor where it was. */
struct pg_rd {
    const unsigned char *p;
    size_t len, pos;
};

void pg_rd_init(struct pg_rd *r, const void *p, size_t len);
bool pg_get_i32(struct pg_rd *r, int32_t *out) LW_MUSTCHECK;
bool pg_get_i16(struct pg_rd *r, int16_t *out) LW_MUSTCHECK;
/* A NUL-terminated string inside the body; *out points into it. */
bool pg_get_cstr(struct pg_rd *r, const char **out) LW_MUSTCHECK;
static inline bool pg_rd_done(const struct pg_rd *r)
{
    return r->pos == r->len;
}

/* Message building. pg_msg_begin appends the type byte and a length placeholder and returns
 * where the length goes; pg_msg_end patches it. On overflow the buffer's sticky `failed`
 * flag is set (see lw_buf.h); pg_msg_abort drops a partly built message and clears it. */
size_t pg_msg_begin(struct lw_buf *b, char type);
void pg_msg_end(struct lw_buf *b, size_t start);
void pg_msg_abort(struct lw_buf *b, size_t mark);
void pg_put_i32(struct lw_buf *b, int32_t v);
void pg_put_i16(struct lw_buf *b, int16_t v);
void pg_put_cstr(struct lw_buf *b, const char *s);
void pg_put_bytes(struct lw_buf *b, const void *p, size_t n);

/* An ErrorResponse ('E') or NoticeResponse ('N'). severity is "ERROR", "FATAL", ...;
 * detail, hint may be NULL or empty; position 0 means none. */
void pg_put_error(struct lw_buf *b, char type, const char *severity, const char *sqlstate,
                  const char *msg, const char *detail, const char *hint, int position);

/* True when s[0..len) is valid UTF-8 (no overlongs, no surrogates, no NUL). On failure
 * *bad gets the offset of the first invalid byte. */
bool pg_utf8_valid(const char *s, size_t len, size_t *bad);

#endif

/* pg_wire.c -- Postgres protocol framing on a blocking socket with deadlines (pg_wire.h).
 * Waits (pg_wait.h) take the time left to a deadline from the monotonic clock, so a peer
 * that trickles bytes cannot stretch a read beyond its bound. */
#include "pg_wire.h"

#include "pg_tls.h"
#include "pg_wait.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

void pg_io_init(struct pg_io *io, int fd, size_t out_max)
{
    memset(io, 0, sizeof *io);
    io->fd = fd;
    pg_wait_init(&io->wait, fd);
    lw_buf_init(&io->out, out_max);
}

void pg_io_free(struct pg_io *io)
{
    lw_buf_free(&io->out);
    pg_wait_free(&io->wait);
}

bool pg_io_pending(const struct pg_io *io)
{
    return io->rpos < io->rlen;
}

/* A deadline read from the clock only when a wait needs it: most reads find their bytes
 * and most writes find room at once, and then never look at the clock. */
struct deadline {
    int64_t at;                 /* monotonic µs; 0 not computed yet */
    int ms;                     /* from the first wait */
};

static int64_t deadline_at(struct deadline *d)
{
    if (!d->at)
        d->at = lw_mono_us() + (int64_t)d->ms * 1000;
    return d->at;
}

/* Makes sure at least one byte is read ahead. */
static enum pg_io_result fill(struct pg_io *io, struct deadline *dl)
{
    if (io->rpos < io->rlen)
        return PG_IO_OK;
    io->rpos = io->rlen = 0;
    if (io->tls) {
        ssize_t n = pg_tls_read(io->tls, io->rbuf, sizeof io->rbuf, deadline_at(dl));
        if (n > 0)
            io->rlen = (size_t)n;
        return n > 0 ? PG_IO_OK : n == 0 ? PG_IO_EOF : n == -2 ? PG_IO_TIMEOUT : PG_IO_ERROR;
    }
    /* recv first and wait only when nothing is there, as PostgreSQL's backend does: a
     * client that pipelines, or answers while the server was busy, costs one call. */
    for (;;) {
        ssize_t n = recv(io->fd, io->rbuf, sizeof io->rbuf, MSG_DONTWAIT);
        int w;
        if (n > 0) {
            io->rlen = (size_t)n;
            return PG_IO_OK;
        }
        if (n == 0)
            return PG_IO_EOF;
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return PG_IO_ERROR;
        if ((w = pg_wait_fd(&io->wait, POLLIN, deadline_at(dl))) == 0)
            return PG_IO_TIMEOUT;
        if (w < 0)
            return PG_IO_ERROR;
    }
}

/* Reads exactly n bytes into dst (when not NULL) or appends them to buf. Running out of
 * bytes in the middle is an error, not an end of stream. */
static enum pg_io_result read_exact(struct pg_io *io, void *dst, struct lw_buf *buf, size_t n,
                                    struct deadline *dl)
{
    unsigned char *d = dst;
    while (n > 0) {
        enum pg_io_result r = fill(io, dl);
        size_t take;
        if (r == PG_IO_EOF)
            return PG_IO_ERROR;
        if (r != PG_IO_OK)
            return r;
        take = io->rlen - io->rpos < n ? io->rlen - io->rpos : n;
        if (d) {
            memcpy(d, io->rbuf + io->rpos, take);
            d += take;
        } else {
            lw_buf_append(buf, io->rbuf + io->rpos, take);
            if (buf->failed)
                return PG_IO_BAD_LENGTH;
        }
        io->rpos += take;
        n -= take;
    }
    return PG_IO_OK;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

enum pg_io_result pg_read_startup(struct pg_io *io, int timeout_ms, struct lw_buf *msg)
{
    struct deadline dl = {0, timeout_ms};
    unsigned char hdr[4];
    enum pg_io_result r = fill(io, &dl);
    uint32_t len;
    if (r != PG_IO_OK)
        return r;
    if ((r = read_exact(io, hdr, NULL, 4, &dl)) != PG_IO_OK)
        return r;
    len = be32(hdr);
    io->last_len = len;
    if (len < 8 || len > PG_STARTUP_MAX)
        return PG_IO_BAD_LENGTH;
    lw_buf_reset(msg);
    return read_exact(io, NULL, msg, len - 4, &dl);
}

enum pg_io_result pg_read_message(struct pg_io *io, int idle_ms, int io_ms, size_t max_body,
                                  char *type, struct lw_buf *msg)
{
    struct deadline idle = {0, idle_ms}, rest = {0, io_ms};
    unsigned char hdr[5];
    enum pg_io_result r = fill(io, &idle);
    uint32_t len;
    if (r == PG_IO_TIMEOUT)
        return PG_IO_IDLE;
    if (r != PG_IO_OK)
        return r;
    /* the message began: the rest must come within io_ms of the first wait for it */
    if ((r = read_exact(io, hdr, NULL, 5, &rest)) != PG_IO_OK)
        return r;
    *type = (char)hdr[0];
    len = be32(hdr + 1);
    io->last_len = len;
    if (len < 4 || len - 4 > max_body)
        return PG_IO_BAD_LENGTH;
    lw_buf_reset(msg);
    return read_exact(io, NULL, msg, len - 4, &rest);
}

int pg_flush(struct pg_io *io, int timeout_ms)
{
    struct deadline dl = {0, timeout_ms};
    size_t off = 0;
    if (io->out.failed)
        io->broken = true;   /* a message was lost: the stream cannot be trusted */
    while (io->tls && !io->broken && off < io->out.len) {
        ssize_t n = pg_tls_write(io->tls, io->out.data + off, io->out.len - off,
                                 deadline_at(&dl));
        if (n > 0)
            off += (size_t)n;
        else
            io->broken = true;
    }
    while (!io->tls && !io->broken && off < io->out.len) {
        ssize_t n = send(io->fd, io->out.data + off, io->out.len - off,
                         MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            off += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (pg_wait_fd(&io->wait, POLLOUT, deadline_at(&dl)) <= 0)
                io->broken = true;
        } else {
            io->broken = true;
        }
    }
    lw_buf_reset(&io->out);
    return io->broken ? LW_EIO : 0;
}

/* --- reading message bodies ----------------------------------------------------------- */

void pg_rd_init(struct pg_rd *r, const void *p, size_t len)
{
    r->p = p;
    r->len = len;
    r->pos = 0;
}

bool pg_get_i32(struct pg_rd *r, int32_t *out)
{
    if (r->len - r->pos < 4)
        return false;
    *out = (int32_t)be32(r->p + r->pos);
    r->pos += 4;
    return true;
}

bool pg_get_i16(struct pg_rd *r, int16_t *out)
{
    if (r->len - r->pos < 2)
        return false;
    *out = (int16_t)((uint16_t)r->p[r->pos] << 8 | r->p[r->pos + 1]);
    r->pos += 2;
    return true;
}

bool pg_get_cstr(struct pg_rd *r, const char **out)
{
    const unsigned char *nul = memchr(r->p + r->pos, 0, r->len - r->pos);
    if (!nul)
        return false;
    *out = (const char *)r->p + r->pos;
    r->pos = (size_t)(nul - r->p) + 1;
    return true;
}

/* --- building messages ---------------------------------------------------------------- */

void pg_put_i32(struct lw_buf *b, int32_t v)
{
    uint32_t u = (uint32_t)v;
    unsigned char t[4] = {(unsigned char)(u >> 24), (unsigned char)(u >> 16),
                          (unsigned char)(u >> 8), (unsigned char)u};
    lw_buf_append(b, t, 4);
}

void pg_put_i16(struct lw_buf *b, int16_t v)
{
    uint16_t u = (uint16_t)v;
    unsigned char t[2] = {(unsigned char)(u >> 8), (unsigned char)u};
    lw_buf_append(b, t, 2);
}

void pg_put_cstr(struct lw_buf *b, const char *s)
{
    lw_buf_append(b, s, strlen(s) + 1);
}

void pg_put_bytes(struct lw_buf *b, const void *p, size_t n)
{
    lw_buf_append(b, p, n);
}

size_t pg_msg_begin(struct lw_buf *b, char type)
{
    lw_buf_putc(b, type);
    pg_put_i32(b, 0);
    return b->len - 4;
}

void pg_msg_end(struct lw_buf *b, size_t start)
{
    uint32_t len;
    if (b->failed || start + 4 > b->len)
        return;
    len = (uint32_t)(b->len - start);
    b->data[start] = (char)(len >> 24);
    b->data[start + 1] = (char)(len >> 16);
    b->data[start + 2] = (char)(len >> 8);
    b->data[start + 3] = (char)len;
}

void pg_msg_abort(struct lw_buf *b, size_t mark)
{
    if (mark <= b->len)
        b->len = mark;
    b->failed = false;
    if (b->data)
        b->data[b->len] = '\0';
}

static void field(struct lw_buf *b, char code, const char *value)
{
    if (!value || !*value)
        return;
    lw_buf_putc(b, code);
    pg_put_cstr(b, value);
}

void pg_put_error(struct lw_buf *b, char type, const char *severity, const char *sqlstate,
                  const char *msg, const char *detail, const char *hint, int position)
{
    size_t start = pg_msg_begin(b, type);
    char pos[16];
    field(b, 'S', severity);
    field(b, 'V', severity);
    field(b, 'C', sqlstate);
    field(b, 'M', msg);
    field(b, 'D', detail);
    field(b, 'H', hint);
    if (position > 0) {
        snprintf(pos, sizeof pos, "%d", position);
        field(b, 'P', pos);
    }
    lw_buf_putc(b, '\0');
    pg_msg_end(b, start);
}

bool pg_utf8_valid(const char *s, size_t len, size_t *bad)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned char c = p[i];
        size_t n;
        uint32_t cp;
        if (c == 0)
            goto fail;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            cp = c & 0x07;
        } else {
            goto fail;
        }
        if (len - i <= n)
            goto fail;
        for (size_t k = 1; k <= n; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                goto fail;
            cp = cp << 6 | (p[i + k] & 0x3F);
        }
        if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            goto fail;
        i += n + 1;
    }
    return true;
fail:
    if (bad)
        *bad = i;
    return false;
}

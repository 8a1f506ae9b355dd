/* fga_snapshot.c -- the mirror's shared snapshot (fga_snapshot.h). Layout of the memfd: a
 * header page (magic, the state under its own sequence number, which buffer is current, each
 * buffer's sequence number and length), then two buffers. A buffer holds three u64 (tuples,
 * changes, bytes of the tuple records) and then records: i64 timestamp, u32 lengths of user,
 * relation and object, u8 deleted, the three strings each with its NUL. Fields are copied
 * with memcpy, so records need no alignment. */
#include "fga_snapshot.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SNAP_MAGIC 0x6c77736eu      /* "lwsn" */
#define HDR_SIZE 4096
#define REC_HDR 21                  /* i64 + 3 x u32 + u8 */
#define BUF_HDR 24                  /* 3 x u64 */
#define NO_BUFFER 2u
/* A reader retries a copy the writer overwrote meanwhile; the writer rewrites a buffer at most
 * once per sync interval, so more than a few retries mean something is wrong. */
#define COPY_TRIES 20
#define STATE_TRIES 10000

struct shm_hdr {
    uint32_t magic;
    _Atomic uint32_t state_seq;
    struct fga_snap_state state;
    _Atomic uint32_t active;        /* 0 or 1: the current buffer; NO_BUFFER: none yet */
    _Atomic uint32_t buf_seq[2];
    uint64_t buf_len[2];
    uint64_t buf_cap;
};

_Static_assert(sizeof(struct shm_hdr) <= HDR_SIZE, "header fits its page");

struct fga_snap {
    struct shm_hdr *h;
    char *base;
    size_t size;
    int fd;
    bool writer;
    size_t published;
};

size_t fga_snap_buffer_size(size_t max_tuples, size_t max_bytes, size_t max_changes)
{
    return BUF_HDR + max_tuples * (REC_HDR + 3) + max_bytes + max_changes * (REC_HDR + 3 + 256);
}

static char *buffer(const struct fga_snap *s, unsigned i)
{
    return s->base + HDR_SIZE + (size_t)i * s->h->buf_cap;
}

static struct fga_snap *map(int fd, size_t size, bool writer, struct lw_err *err)
{
    struct fga_snap *s = lw_calloc(1, sizeof(*s));
    if (!s) {
        lw_err_set(err, LW_ENOMEM, "out of memory");
        return NULL;
    }
    void *p = mmap(NULL, size, writer ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
        lw_err_set(err, LW_ENOMEM, "openfga mirror: mmap of %zu bytes failed (errno %d)",
                   size, errno);
        lw_free(s);
        return NULL;
    }
    s->base = p;
    s->h = p;
    s->size = size;
    s->fd = fd;
    s->writer = writer;
    return s;
}

struct fga_snap *fga_snap_create(size_t buffer_size, struct lw_err *err)
{
    size_t size = HDR_SIZE + 2 * buffer_size;
    int fd = memfd_create("lakeward-fga-mirror", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, (off_t)size) != 0) {
        lw_err_set(err, LW_ENOMEM, "openfga mirror: shared area of %zu bytes: errno %d", size,
                   errno);
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    /* The header is written once, through a temporary writable mapping; this process and
     * the backends it forks keep only the read-only one. */
    struct fga_snap *w = map(fd, HDR_SIZE, true, err);
    if (!w) {
        close(fd);
        return NULL;
    }
    w->h->magic = SNAP_MAGIC;
    w->h->buf_cap = buffer_size;
    atomic_store(&w->h->active, NO_BUFFER);
    munmap(w->base, HDR_SIZE);
    lw_free(w);
    struct fga_snap *s = map(fd, size, false, err);
    if (!s)
        close(fd);
    return s;
}

struct fga_snap *fga_snap_open_writer(const struct fga_snap *s, struct lw_err *err)
{
    struct fga_snap *w = map(s->fd, s->size, true, err);
    if (w)
        w->fd = -1;     /* the descriptor stays the creator's */
    return w;
}

void fga_snap_free(struct fga_snap *s)
{
    if (!s)
        return;
    munmap(s->base, s->size);
    if (s->fd >= 0)
        close(s->fd);
    lw_free(s);
}

int fga_snap_fd(const struct fga_snap *s)
{
    return s->fd;
}

/* A writer that died between the two marks left an odd number behind; its successor starts
 * from the next odd one, so parity stays right (and readers skip the torn write). */
static uint32_t mark_writing(_Atomic uint32_t *seq)
{
    uint32_t v = atomic_load_explicit(seq, memory_order_relaxed) | 1u;
    atomic_store_explicit(seq, v, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    return v;
}

static void mark_done(_Atomic uint32_t *seq, uint32_t odd)
{
    atomic_store_explicit(seq, odd + 1, memory_order_release);
}

void fga_snap_put_state(struct fga_snap *s, const struct fga_snap_state *st)
{
    struct shm_hdr *h = s->h;
    uint32_t v = mark_writing(&h->state_seq);
    memcpy(&h->state, st, sizeof(*st));
    mark_done(&h->state_seq, v);
}

void fga_snap_get_state(const struct fga_snap *s, struct fga_snap_state *st)
{
    struct shm_hdr *h = s->h;
    for (int tries = 0; tries < STATE_TRIES; tries++) {
        uint32_t a = atomic_load_explicit(&h->state_seq, memory_order_acquire);
        if (a & 1) {
            sched_yield();
            continue;
        }
        memcpy(st, &h->state, sizeof(*st));
        atomic_thread_fence(memory_order_acquire);
        if (atomic_load_explicit(&h->state_seq, memory_order_relaxed) == a) {
            st->error[sizeof(st->error) - 1] = 0;
            return;
        }
    }
    /* Only a writer that died mid-write gets here; its successor rewrites the state. */
    memset(st, 0, sizeof(*st));
    snprintf(st->error, sizeof(st->error), "openfga mirror: its state is being rewritten");
}

/* --- writing a buffer ------------------------------------------------------------------ */

static size_t rec_size(const char *u, const char *r, const char *o)
{
    return REC_HDR + strlen(u) + strlen(r) + strlen(o) + 3;
}

static char *put_rec(char *p, int64_t ts, const char *u, const char *r, const char *o,
                     bool deleted)
{
    uint32_t len[3] = {(uint32_t)strlen(u), (uint32_t)strlen(r), (uint32_t)strlen(o)};
    uint8_t d = deleted;
    memcpy(p, &ts, 8);
    memcpy(p + 8, len, 12);
    memcpy(p + 20, &d, 1);
    p += REC_HDR;
    memcpy(p, u, len[0] + 1);
    p += len[0] + 1;
    memcpy(p, r, len[1] + 1);
    p += len[1] + 1;
    memcpy(p, o, len[2] + 1);
    return p + len[2] + 1;
}

struct writing {
    char *p, *end;
    size_t n;
    size_t skip;        /* history: oldest changes left out */
    size_t total;       /* sizing pass: bytes of all changes */
    size_t fit;         /* sizing pass: bytes the history may take */
    bool overflow;
};

static bool write_tuple(void *arg, const char *u, const char *r, const char *o, int64_t ts)
{
    struct writing *w = arg;
    if ((size_t)(w->end - w->p) < rec_size(u, r, o)) {
        w->overflow = true;
        return false;
    }
    w->p = put_rec(w->p, ts, u, r, o, false);
    w->n++;
    return true;
}

static bool size_change(void *arg, const struct fga_tuple *c)
{
    struct writing *w = arg;
    w->total += rec_size(c->user, c->relation, c->object);
    return true;
}

/* Skips the oldest changes until the rest fit. */
static bool skip_change(void *arg, const struct fga_tuple *c)
{
    struct writing *w = arg;
    if (w->total <= w->fit)
        return false;
    w->total -= rec_size(c->user, c->relation, c->object);
    w->skip++;
    return true;
}

static bool write_change(void *arg, const struct fga_tuple *c)
{
    struct writing *w = arg;
    if (w->skip) {
        w->skip--;
        return true;
    }
    w->p = put_rec(w->p, c->ts_ms, c->user, c->relation, c->object, c->deleted);
    w->n++;
    return true;
}

int fga_snap_publish(struct fga_snap *s, const struct fga_mirror *m, struct lw_err *err)
{
    if (!s->writer)
        return lw_err_set(err, LW_EINVAL, "openfga mirror: snapshot not writable here");
    struct shm_hdr *h = s->h;
    uint32_t cur = atomic_load_explicit(&h->active, memory_order_relaxed);
    unsigned b = cur == 0 ? 1 : 0;
    char *buf = buffer(s, b);
    struct writing w = {.p = buf + BUF_HDR, .end = buf + h->buf_cap};

    uint32_t v = mark_writing(&h->buf_seq[b]);
    fga_mirror_foreach(m, write_tuple, &w);
    if (w.overflow) {
        /* Never made current: readers keep reading the other buffer. */
        mark_done(&h->buf_seq[b], v);
        return lw_err_set(err, LW_ENOMEM, "openfga mirror: the tuples do not fit the shared "
                          "snapshot of %llu bytes", (unsigned long long)h->buf_cap);
    }
    uint64_t head[3] = {w.n, 0, (uint64_t)(w.p - (buf + BUF_HDR))};
    struct writing c = {.p = w.p, .end = w.end, .fit = (size_t)(w.end - w.p)};
    fga_mirror_foreach_change(m, size_change, &c);
    fga_mirror_foreach_change(m, skip_change, &c);
    fga_mirror_foreach_change(m, write_change, &c);
    head[1] = c.n;
    memcpy(buf, head, sizeof head);
    h->buf_len[b] = (uint64_t)(c.p - buf);
    mark_done(&h->buf_seq[b], v);
    atomic_store_explicit(&h->active, b, memory_order_release);
    s->published = (size_t)h->buf_len[b];
    return LW_OK;
}

size_t fga_snap_published_bytes(const struct fga_snap *s)
{
    return s->published;
}

/* --- reading a buffer ------------------------------------------------------------------ */

/* Parses n records from p..end into v (strings point into the copy). */
static int parse_recs(char *p, char *end, struct fga_tuple *v, size_t n, struct lw_err *err)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t len[3];
        uint8_t d;
        if (end - p < REC_HDR)
            goto bad;
        memcpy(&v[i].ts_ms, p, 8);
        memcpy(len, p + 8, 12);
        memcpy(&d, p + 20, 1);
        p += REC_HDR;
        char *f[3];
        for (int k = 0; k < 3; k++) {
            if ((size_t)(end - p) < (size_t)len[k] + 1 || p[len[k]] != 0)
                goto bad;
            f[k] = p;
            p += len[k] + 1;
        }
        v[i].user = f[0];
        v[i].relation = f[1];
        v[i].object = f[2];
        v[i].deleted = d != 0;
    }
    return LW_OK;
bad:
    return lw_err_set(err, LW_EINVAL, "openfga mirror: malformed snapshot");
}

int fga_snap_copy(const struct fga_snap *s, bool with_tuples, bool with_changes,
                  struct fga_snap_data *out, struct lw_err *err)
{
    struct shm_hdr *h = s->h;
    memset(out, 0, sizeof(*out));
    for (int tries = 0; tries < COPY_TRIES; tries++) {
        fga_snap_get_state(s, &out->state);
        uint32_t b = atomic_load_explicit(&h->active, memory_order_acquire);
        if (b == NO_BUFFER)
            return LW_OK;
        uint32_t seq = atomic_load_explicit(&h->buf_seq[b], memory_order_acquire);
        uint64_t len = h->buf_len[b];
        if ((seq & 1) || len < BUF_HDR || len > h->buf_cap) {
            sched_yield();
            continue;
        }
        const char *buf = buffer(s, b);
        uint64_t head[3];
        memcpy(head, buf, sizeof head);
        if (head[2] > len - BUF_HDR)
            continue;
        /* Copy only the parts asked for: tuples are [BUF_HDR, BUF_HDR + head[2]). */
        size_t from = with_tuples ? BUF_HDR : BUF_HDR + head[2];
        size_t to = with_changes ? len : BUF_HDR + head[2];
        size_t n = to > from ? to - from : 0;
        lw_free(out->mem);
        if (!(out->mem = lw_malloc(n ? n : 1)))
            return lw_err_set(err, LW_ENOMEM, "out of memory copying the openfga snapshot");
        memcpy(out->mem, buf + from, n);
        atomic_thread_fence(memory_order_acquire);
        if (atomic_load_explicit(&h->buf_seq[b], memory_order_relaxed) != seq)
            continue;
        /* A consistent copy: parse it. The counts bound the arrays by the bytes present. */
        size_t nt = with_tuples ? head[0] : 0, nc = with_changes ? head[1] : 0;
        if (nt > n / REC_HDR || nc > n / REC_HDR)
            break;
        out->tuples = lw_calloc(nt ? nt : 1, sizeof(*out->tuples));
        out->changes = lw_calloc(nc ? nc : 1, sizeof(*out->changes));
        if (!out->tuples || !out->changes) {
            fga_snap_data_free(out);
            return lw_err_set(err, LW_ENOMEM, "out of memory copying the openfga snapshot");
        }
        char *tp = out->mem, *cp = out->mem + (with_tuples ? head[2] : 0);
        int rc = parse_recs(tp, cp, out->tuples, nt, err);
        if (rc == LW_OK)
            rc = parse_recs(cp, out->mem + n, out->changes, nc, err);
        if (rc != LW_OK) {
            fga_snap_data_free(out);
            return rc;
        }
        out->ntuples = nt;
        out->nchanges = nc;
        return LW_OK;
    }
    fga_snap_data_free(out);
    return lw_err_set(err, LW_EIO, "openfga mirror: no consistent snapshot could be read");
}

void fga_snap_data_free(struct fga_snap_data *d)
{
    lw_free(d->tuples);
    lw_free(d->changes);
    lw_free(d->mem);
    d->tuples = d->changes = NULL;
    d->mem = NULL;
    d->ntuples = d->nchanges = 0;
}

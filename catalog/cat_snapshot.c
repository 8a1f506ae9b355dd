/* cat_snapshot.c -- the shared catalog snapshot (cat_snapshot.h). Layout of the memfd: a
 * header page (magic, the state under its own sequence number, which buffer is current, each
 * buffer's sequence number, length and generation), then two buffers of encoded catalog
 * bytes. The request page is an anonymous shared mapping: one counter backends increment. */
#include "cat_snapshot.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#define SNAP_MAGIC 0x6c776374u      /* "lwct" */
#define HDR_SIZE 4096
#define NO_BUFFER 2u
#define STATE_TRIES 10000

struct shm_hdr {
    uint32_t magic;
    _Atomic uint32_t state_seq;
    struct cat_snap_state state;
    _Atomic uint32_t active;        /* 0 or 1: the current buffer; NO_BUFFER: none yet */
    _Atomic uint32_t buf_seq[2];
    uint64_t buf_len[2];
    uint64_t buf_gen[2];
    uint64_t buf_cap;
};

_Static_assert(sizeof(struct shm_hdr) <= HDR_SIZE, "header fits its page");

struct req_page {
    _Atomic uint64_t requested;
};

struct cat_snap {
    struct shm_hdr *h;
    char *base;
    size_t size;
    int fd;                         /* the memfd; -1 in a writer's view (not its own) */
    int wake_fd;                    /* eventfd; -1 in a writer's view */
    const struct cat_snap *owner;   /* writer's view: the creator's (its eventfd, request page) */
    struct req_page *req;
    bool writer;
};

static struct cat_snap *map(int fd, size_t size, bool writer, struct lw_err *err)
{
    struct cat_snap *s = lw_calloc(1, sizeof *s);
    if (!s) {
        lw_err_set(err, LW_ENOMEM, "out of memory");
        return NULL;
    }
    void *p = mmap(NULL, size, writer ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
        lw_err_set(err, LW_ENOMEM, "catalog snapshot: mmap of %zu bytes failed (errno %d)",
                   size, errno);
        lw_free(s);
        return NULL;
    }
    s->base = p;
    s->h = p;
    s->size = size;
    s->fd = s->wake_fd = -1;
    s->writer = writer;
    return s;
}

struct cat_snap *cat_snap_create(size_t buffer_size, struct lw_err *err)
{
    size_t size = HDR_SIZE + 2 * buffer_size;
    int fd = memfd_create("lakeward-catalog", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, (off_t)size) != 0) {
        lw_err_set(err, LW_ENOMEM, "catalog snapshot: shared area of %zu bytes: errno %d", size,
                   errno);
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    /* The header is written once through a temporary writable mapping; this process and the
     * backends it forks keep only the read-only one. */
    struct cat_snap *w = map(fd, HDR_SIZE, true, err);
    if (!w) {
        close(fd);
        return NULL;
    }
    w->h->magic = SNAP_MAGIC;
    w->h->buf_cap = buffer_size;
    atomic_store(&w->h->active, NO_BUFFER);
    munmap(w->base, HDR_SIZE);
    lw_free(w);
    struct cat_snap *s = map(fd, size, false, err);
    if (!s) {
        close(fd);
        return NULL;
    }
    s->fd = fd;
    s->req = mmap(NULL, sizeof *s->req, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
                  0);
    s->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (s->req == MAP_FAILED || s->wake_fd < 0) {
        lw_err_set(err, LW_ENOMEM, "catalog snapshot: request page or eventfd: errno %d", errno);
        if (s->req == MAP_FAILED)
            s->req = NULL;
        cat_snap_free(s);
        return NULL;
    }
    return s;
}

struct cat_snap *cat_snap_open_writer(const struct cat_snap *s, struct lw_err *err)
{
    struct cat_snap *w = map(s->fd, s->size, true, err);
    if (w)
        w->owner = s;
    return w;
}

void cat_snap_free(struct cat_snap *s)
{
    if (!s)
        return;
    munmap(s->base, s->size);
    if (!s->owner) {
        if (s->req)
            munmap(s->req, sizeof *s->req);
        if (s->fd >= 0)
            close(s->fd);
        if (s->wake_fd >= 0)
            close(s->wake_fd);
    }
    lw_free(s);
}

size_t cat_snap_capacity(const struct cat_snap *s) { return s->h->buf_cap; }

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

void cat_snap_put_state(struct cat_snap *s, const struct cat_snap_state *st)
{
    uint32_t v = mark_writing(&s->h->state_seq);
    memcpy(&s->h->state, st, sizeof *st);
    mark_done(&s->h->state_seq, v);
}

void cat_snap_get_state(const struct cat_snap *s, struct cat_snap_state *st)
{
    struct shm_hdr *h = s->h;
    for (int tries = 0; tries < STATE_TRIES; tries++) {
        uint32_t a = atomic_load_explicit(&h->state_seq, memory_order_acquire);
        if (a & 1) {
            sched_yield();
            continue;
        }
        memcpy(st, &h->state, sizeof *st);
        atomic_thread_fence(memory_order_acquire);
        if (atomic_load_explicit(&h->state_seq, memory_order_relaxed) == a) {
            st->error[sizeof st->error - 1] = 0;
            return;
        }
    }
    /* Only a writer that died mid-write gets here; its successor rewrites the state. */
    memset(st, 0, sizeof *st);
    snprintf(st->error, sizeof st->error, "catalog snapshot: its state is being rewritten");
}

int cat_snap_publish(struct cat_snap *s, uint64_t generation, const void *data, size_t len,
                     struct lw_err *err)
{
    struct shm_hdr *h = s->h;
    if (!s->writer)
        return lw_err_set(err, LW_EINVAL, "catalog snapshot: not writable here");
    if (len > h->buf_cap)
        return lw_err_set(err, LW_ENOMEM, "the catalog takes %zu bytes, more than "
                          "catalog_max_bytes (%llu); it is not published", len,
                          (unsigned long long)h->buf_cap);
    unsigned b = atomic_load_explicit(&h->active, memory_order_relaxed) == 0 ? 1 : 0;
    uint32_t v = mark_writing(&h->buf_seq[b]);
    memcpy(s->base + HDR_SIZE + (size_t)b * h->buf_cap, data, len);
    h->buf_len[b] = len;
    h->buf_gen[b] = generation;
    mark_done(&h->buf_seq[b], v);
    atomic_store_explicit(&h->active, b, memory_order_release);
    return 0;
}

bool cat_snap_view(const struct cat_snap *s, struct cat_snap_view *v)
{
    struct shm_hdr *h = s->h;
    for (int tries = 0; tries < STATE_TRIES; tries++) {
        uint32_t b = atomic_load_explicit(&h->active, memory_order_acquire);
        if (b > 1)
            return false;
        uint32_t seq = atomic_load_explicit(&h->buf_seq[b], memory_order_acquire);
        if (seq & 1) {
            sched_yield();
            continue;
        }
        v->buffer = b;
        v->seq = seq;
        v->len = h->buf_len[b] <= h->buf_cap ? (size_t)h->buf_len[b] : 0;
        v->generation = h->buf_gen[b];
        v->data = s->base + HDR_SIZE + (size_t)b * h->buf_cap;
        atomic_thread_fence(memory_order_acquire);
        if (atomic_load_explicit(&h->buf_seq[b], memory_order_relaxed) == seq)
            return true;
    }
    return false;
}

bool cat_snap_view_valid(const struct cat_snap *s, const struct cat_snap_view *v)
{
    atomic_thread_fence(memory_order_acquire);
    return atomic_load_explicit(&s->h->buf_seq[v->buffer], memory_order_relaxed) == v->seq;
}

static const struct cat_snap *creator(const struct cat_snap *s)
{
    return s->owner ? s->owner : s;
}

uint64_t cat_snap_request_refresh(const struct cat_snap *s)
{
    const struct cat_snap *c = creator(s);
    uint64_t ticket = atomic_fetch_add(&c->req->requested, 1) + 1;
    uint64_t one = 1;
    /* Only a wake-up: the ticket is what counts, and a full eventfd is already readable. */
    ssize_t w = write(c->wake_fd, &one, sizeof one);
    (void)w;
    return ticket;
}

uint64_t cat_snap_requested(const struct cat_snap *s)
{
    return atomic_load(&creator(s)->req->requested);
}

void cat_snap_wait_request(const struct cat_snap *s, int64_t timeout_ms)
{
    const struct cat_snap *c = creator(s);
    struct pollfd p = {.fd = c->wake_fd, .events = POLLIN};
    uint64_t n;
    if (timeout_ms > 0 && poll(&p, 1, timeout_ms > 60000 ? 60000 : (int)timeout_ms) > 0) {
        ssize_t r = read(c->wake_fd, &n, sizeof n);     /* drains it: the requests are counted */
        (void)r;
    }
}

/* lw_shm_pub.c -- the published memfd (lw_shm_pub.h). Layout: a header page (magic, the
 * control fields, the state under its own sequence number), then two buffers. The sequence
 * numbers are the only synchronisation: the writer marks a buffer odd, writes, marks it even;
 * a reader reads the number, the bytes, and the number again. */
#include "lw_shm_pub.h"

#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PUB_MAGIC 0x6c777062u       /* "lwpb" */
#define HDR_SIZE 4096
#define NO_BUFFER 2u
/* A torn state or buffer lasts one memcpy of the writer; this many yields means it died. */
#define TRIES 10000

struct shm_hdr {
    uint32_t magic;
    _Atomic uint32_t state_seq;
    _Atomic uint32_t active;        /* 0 or 1: the current buffer; NO_BUFFER: none yet */
    _Atomic uint32_t buf_seq[2];
    uint64_t buf_len[2];
    uint64_t buf_gen[2];
    uint64_t buf_cap;
    uint64_t state_size;
    char state[];                   /* state_size bytes, copied with memcpy */
};

_Static_assert(sizeof(struct shm_hdr) + LW_PUB_STATE_MAX <= HDR_SIZE, "header fits its page");

struct lw_pub {
    struct shm_hdr *h;
    char *base;
    size_t size;
    int fd;                         /* -1 in a writer's view: the descriptor is the creator's */
    bool writer;
    const char *label;
    unsigned writing;               /* writer: the buffer begun */
    uint32_t writing_seq;
};

static struct lw_pub *map(const char *label, int fd, size_t size, bool writer,
                          struct lw_err *err)
{
    struct lw_pub *p = lw_calloc(1, sizeof *p);
    if (!p) {
        lw_err_set(err, LW_ENOMEM, "out of memory");
        return NULL;
    }
    void *m = mmap(NULL, size, writer ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED) {
        lw_err_set(err, LW_ENOMEM, "%s: mmap of %zu bytes failed (errno %d)", label, size,
                   errno);
        lw_free(p);
        return NULL;
    }
    p->base = m;
    p->h = m;
    p->size = size;
    p->fd = -1;
    p->writer = writer;
    p->label = label;
    return p;
}

struct lw_pub *lw_pub_create(const char *label, const char *memfd_name, size_t state_size,
                             size_t buffer_size, struct lw_err *err)
{
    if (state_size > LW_PUB_STATE_MAX) {
        lw_err_set(err, LW_EINVAL, "%s: a state of %zu bytes does not fit the header", label,
                   state_size);
        return NULL;
    }
    size_t size = HDR_SIZE + 2 * buffer_size;
    int fd = memfd_create(memfd_name, MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, (off_t)size) != 0) {
        lw_err_set(err, LW_ENOMEM, "%s: shared area of %zu bytes: errno %d", label, size, errno);
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    /* The header is written once, through a temporary writable mapping; this process and
     * the processes it forks keep only the read-only one. */
    struct lw_pub *w = map(label, fd, HDR_SIZE, true, err);
    if (!w) {
        close(fd);
        return NULL;
    }
    w->h->magic = PUB_MAGIC;
    w->h->buf_cap = buffer_size;
    w->h->state_size = state_size;
    atomic_store(&w->h->active, NO_BUFFER);
    munmap(w->base, HDR_SIZE);
    lw_free(w);
    struct lw_pub *p = map(label, fd, size, false, err);
    if (!p) {
        close(fd);
        return NULL;
    }
    p->fd = fd;
    return p;
}

struct lw_pub *lw_pub_open_writer(const struct lw_pub *p, struct lw_err *err)
{
    return map(p->label, p->fd, p->size, true, err);
}

void lw_pub_free(struct lw_pub *p)
{
    if (!p)
        return;
    munmap(p->base, p->size);
    if (p->fd >= 0)
        close(p->fd);
    lw_free(p);
}

int lw_pub_fd(const struct lw_pub *p) { return p->fd; }
bool lw_pub_is_writer(const struct lw_pub *p) { return p->writer; }
size_t lw_pub_capacity(const struct lw_pub *p) { return p->h->buf_cap; }

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

void lw_pub_put_state(struct lw_pub *p, const void *state)
{
    struct shm_hdr *h = p->h;
    uint32_t v = mark_writing(&h->state_seq);
    memcpy(h->state, state, h->state_size);
    mark_done(&h->state_seq, v);
}

bool lw_pub_get_state(const struct lw_pub *p, void *state)
{
    struct shm_hdr *h = p->h;
    for (int tries = 0; tries < TRIES; tries++) {
        uint32_t a = atomic_load_explicit(&h->state_seq, memory_order_acquire);
        if (a & 1) {
            sched_yield();
            continue;
        }
        memcpy(state, h->state, h->state_size);
        atomic_thread_fence(memory_order_acquire);
        if (atomic_load_explicit(&h->state_seq, memory_order_relaxed) == a)
            return true;
    }
    return false;
}

char *lw_pub_begin(struct lw_pub *p)
{
    if (!p->writer)
        return NULL;
    struct shm_hdr *h = p->h;
    p->writing = atomic_load_explicit(&h->active, memory_order_relaxed) == 0 ? 1 : 0;
    p->writing_seq = mark_writing(&h->buf_seq[p->writing]);
    return p->base + HDR_SIZE + (size_t)p->writing * h->buf_cap;
}

void lw_pub_commit(struct lw_pub *p, size_t len, uint64_t generation)
{
    struct shm_hdr *h = p->h;
    LW_ASSERT(len <= h->buf_cap);
    h->buf_len[p->writing] = len;
    h->buf_gen[p->writing] = generation;
    mark_done(&h->buf_seq[p->writing], p->writing_seq);
    atomic_store_explicit(&h->active, p->writing, memory_order_release);
}

void lw_pub_abort(struct lw_pub *p)
{
    /* Never made current: readers keep reading the other buffer. */
    mark_done(&p->h->buf_seq[p->writing], p->writing_seq);
}

int lw_pub_publish(struct lw_pub *p, uint64_t generation, const void *data, size_t len,
                   struct lw_err *err)
{
    if (!p->writer)
        return lw_err_set(err, LW_EINVAL, "%s: not writable here", p->label);
    if (len > p->h->buf_cap)
        return lw_err_set(err, LW_ENOMEM, "%s: %zu bytes do not fit a buffer of %llu", p->label,
                          len, (unsigned long long)p->h->buf_cap);
    char *buf = lw_pub_begin(p);
    memcpy(buf, data, len);
    lw_pub_commit(p, len, generation);
    return LW_OK;
}

int lw_pub_view(const struct lw_pub *p, struct lw_pub_view *v)
{
    struct shm_hdr *h = p->h;
    for (int tries = 0; tries < TRIES; tries++) {
        uint32_t b = atomic_load_explicit(&h->active, memory_order_acquire);
        if (b > 1)
            return LW_PUB_NONE;
        uint32_t seq = atomic_load_explicit(&h->buf_seq[b], memory_order_acquire);
        if (seq & 1) {
            sched_yield();
            continue;
        }
        v->buffer = b;
        v->seq = seq;
        v->len = h->buf_len[b] <= h->buf_cap ? (size_t)h->buf_len[b] : 0;
        v->generation = h->buf_gen[b];
        v->data = p->base + HDR_SIZE + (size_t)b * h->buf_cap;
        atomic_thread_fence(memory_order_acquire);
        if (atomic_load_explicit(&h->buf_seq[b], memory_order_relaxed) == seq)
            return LW_PUB_VIEW;
    }
    return LW_PUB_BUSY;
}

bool lw_pub_view_valid(const struct lw_pub *p, const struct lw_pub_view *v)
{
    atomic_thread_fence(memory_order_acquire);
    return atomic_load_explicit(&p->h->buf_seq[v->buffer], memory_order_relaxed) == v->seq;
}

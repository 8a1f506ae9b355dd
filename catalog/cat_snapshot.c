/* cat_snapshot.c -- the shared catalog snapshot (cat_snapshot.h): the published memfd
 * (server/core/lw_shm_pub.h) holds the state and the encoded catalog bytes as they are; this
 * file adds the refresh requests. The request page is an anonymous shared mapping: one counter
 * backends increment. */
#include "cat_snapshot.h"

#include "../server/core/lw_shm_pub.h"

#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

struct req_page {
    _Atomic uint64_t requested;
};

struct cat_snap {
    struct lw_pub *pub;
    int wake_fd;                    /* eventfd; -1 in a writer's view */
    const struct cat_snap *owner;   /* writer's view: the creator's (its eventfd, request page) */
    struct req_page *req;
};

struct cat_snap *cat_snap_create(size_t buffer_size, struct lw_err *err)
{
    struct cat_snap *s = lw_calloc(1, sizeof *s);
    if (!s) {
        lw_err_set(err, LW_ENOMEM, "out of memory");
        return NULL;
    }
    s->wake_fd = -1;
    s->pub = lw_pub_create("catalog snapshot", "lakeward-catalog",
                           sizeof(struct cat_snap_state), buffer_size, err);
    if (!s->pub) {
        lw_free(s);
        return NULL;
    }
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
    struct cat_snap *w = lw_calloc(1, sizeof *w);
    if (!w) {
        lw_err_set(err, LW_ENOMEM, "out of memory");
        return NULL;
    }
    w->wake_fd = -1;
    w->owner = s;
    if (!(w->pub = lw_pub_open_writer(s->pub, err))) {
        lw_free(w);
        return NULL;
    }
    return w;
}

void cat_snap_free(struct cat_snap *s)
{
    if (!s)
        return;
    lw_pub_free(s->pub);
    if (!s->owner) {
        if (s->req)
            munmap(s->req, sizeof *s->req);
        if (s->wake_fd >= 0)
            close(s->wake_fd);
    }
    lw_free(s);
}

size_t cat_snap_capacity(const struct cat_snap *s) { return lw_pub_capacity(s->pub); }

void cat_snap_put_state(struct cat_snap *s, const struct cat_snap_state *st)
{
    lw_pub_put_state(s->pub, st);
}

void cat_snap_get_state(const struct cat_snap *s, struct cat_snap_state *st)
{
    if (lw_pub_get_state(s->pub, st)) {
        st->error[sizeof st->error - 1] = 0;
        return;
    }
    /* Only a writer that died mid-write gets here; its successor rewrites the state. */
    memset(st, 0, sizeof *st);
    snprintf(st->error, sizeof st->error, "catalog snapshot: its state is being rewritten");
}

int cat_snap_publish(struct cat_snap *s, uint64_t generation, const void *data, size_t len,
                     struct lw_err *err)
{
    if (!lw_pub_is_writer(s->pub))
        return lw_err_set(err, LW_EINVAL, "catalog snapshot: not writable here");
    if (len > cat_snap_capacity(s))
        return lw_err_set(err, LW_ENOMEM, "the catalog takes %zu bytes, more than "
                          "catalog_max_bytes (%zu); it is not published", len,
                          cat_snap_capacity(s));
    return lw_pub_publish(s->pub, generation, data, len, err);
}

bool cat_snap_view(const struct cat_snap *s, struct cat_snap_view *v)
{
    struct lw_pub_view pv;
    if (lw_pub_view(s->pub, &pv) != LW_PUB_VIEW)
        return false;
    v->data = pv.data;
    v->len = pv.len;
    v->generation = pv.generation;
    v->buffer = pv.buffer;
    v->seq = pv.seq;
    return true;
}

bool cat_snap_view_valid(const struct cat_snap *s, const struct cat_snap_view *v)
{
    struct lw_pub_view pv = {.buffer = v->buffer, .seq = v->seq};
    return lw_pub_view_valid(s->pub, &pv);
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

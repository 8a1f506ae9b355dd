/* fga_snapshot.c -- the mirror's shared snapshot (fga_snapshot.h): its encoding on the
 * published memfd (server/core/lw_shm_pub.h), which holds the state and the two buffers. A
 * buffer holds three u64 (tuples, changes, bytes of the tuple records) and then records: i64
 * timestamp, u32 lengths of user, relation and object, u8 deleted, the three strings each with
 * its NUL. Fields are copied with memcpy, so records need no alignment. */
#include "fga_snapshot.h"

#include "../server/core/lw_shm_pub.h"

#include <stdio.h>
#include <string.h>

#define REC_HDR 21                  /* i64 + 3 x u32 + u8 */
#define BUF_HDR 24                  /* 3 x u64 */
/* A reader retries a copy the writer overwrote meanwhile; the writer rewrites a buffer at most
 * once per sync interval, so more than a few retries mean something is wrong. */
#define COPY_TRIES 20

struct fga_snap {
    struct lw_pub *pub;
    size_t published;
};

size_t fga_snap_buffer_size(size_t max_tuples, size_t max_bytes, size_t max_changes)
{
    return BUF_HDR + max_tuples * (REC_HDR + 3) + max_bytes + max_changes * (REC_HDR + 3 + 256);
}

static struct fga_snap *wrap(struct lw_pub *pub, struct lw_err *err)
{
    struct fga_snap *s = pub ? lw_calloc(1, sizeof(*s)) : NULL;
    if (!s) {
        if (pub)
            lw_err_set(err, LW_ENOMEM, "out of memory");
        lw_pub_free(pub);
        return NULL;
    }
    s->pub = pub;
    return s;
}

struct fga_snap *fga_snap_create(size_t buffer_size, struct lw_err *err)
{
    return wrap(lw_pub_create("openfga mirror", "lakeward-fga-mirror",
                              sizeof(struct fga_snap_state), buffer_size, err), err);
}

struct fga_snap *fga_snap_open_writer(const struct fga_snap *s, struct lw_err *err)
{
    return wrap(lw_pub_open_writer(s->pub, err), err);
}

void fga_snap_free(struct fga_snap *s)
{
    if (!s)
        return;
    lw_pub_free(s->pub);
    lw_free(s);
}

int fga_snap_fd(const struct fga_snap *s)
{
    return lw_pub_fd(s->pub);
}

void fga_snap_put_state(struct fga_snap *s, const struct fga_snap_state *st)
{
    lw_pub_put_state(s->pub, st);
}

void fga_snap_get_state(const struct fga_snap *s, struct fga_snap_state *st)
{
    if (lw_pub_get_state(s->pub, st)) {
        st->error[sizeof(st->error) - 1] = 0;
        return;
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
    char *buf = lw_pub_begin(s->pub);
    if (!buf)
        return lw_err_set(err, LW_EINVAL, "openfga mirror: snapshot not writable here");
    size_t cap = lw_pub_capacity(s->pub);
    struct writing w = {.p = buf + BUF_HDR, .end = buf + cap};
    fga_mirror_foreach(m, write_tuple, &w);
    if (w.overflow) {
        lw_pub_abort(s->pub);
        return lw_err_set(err, LW_ENOMEM, "openfga mirror: the tuples do not fit the shared "
                          "snapshot of %zu bytes", cap);
    }
    uint64_t head[3] = {w.n, 0, (uint64_t)(w.p - (buf + BUF_HDR))};
    struct writing c = {.p = w.p, .end = w.end, .fit = (size_t)(w.end - w.p)};
    fga_mirror_foreach_change(m, size_change, &c);
    fga_mirror_foreach_change(m, skip_change, &c);
    fga_mirror_foreach_change(m, write_change, &c);
    head[1] = c.n;
    memcpy(buf, head, sizeof head);
    s->published = (size_t)(c.p - buf);
    lw_pub_commit(s->pub, s->published, 0);
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
    memset(out, 0, sizeof(*out));
    for (int tries = 0; tries < COPY_TRIES; tries++) {
        fga_snap_get_state(s, &out->state);
        struct lw_pub_view v;
        int got = lw_pub_view(s->pub, &v);
        if (got == LW_PUB_NONE)
            return LW_OK;
        if (got != LW_PUB_VIEW || v.len < BUF_HDR)
            continue;
        uint64_t head[3];
        memcpy(head, v.data, sizeof head);
        if (head[2] > v.len - BUF_HDR)
            continue;
        /* Copy only the parts asked for: tuples are [BUF_HDR, BUF_HDR + head[2]). */
        size_t from = with_tuples ? BUF_HDR : BUF_HDR + head[2];
        size_t to = with_changes ? v.len : BUF_HDR + head[2];
        size_t n = to > from ? to - from : 0;
        lw_free(out->mem);
        if (!(out->mem = lw_malloc(n ? n : 1)))
            return lw_err_set(err, LW_ENOMEM, "out of memory copying the openfga snapshot");
        memcpy(out->mem, v.data + from, n);
        if (!lw_pub_view_valid(s->pub, &v))
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

/* fga_mirror.c -- OpenFGA tuples mirrored in memory (fga_mirror.h). A tuple is one
 * allocation holding "user\0relation\0object\0" after a small header; an open-addressing
 * hash set (linear probing, tombstones, kept at most half full) finds it by those three
 * strings, so a write or delete from the change log costs one probe sequence. The history
 * window is a ring of changes, each one allocation holding its three strings. */
#include "fga_mirror.h"

#include <string.h>

struct ent {
    uint64_t hash;
    int64_t ts_ms;
    uint32_t ulen, rlen, olen;
    char key[];             /* user \0 relation \0 object \0 */
};

/* A removed entry: probing goes on past it, inserts may reuse it. */
static char tomb_mark;
#define TOMB ((struct ent *)&tomb_mark)

struct fga_mirror {
    struct fga_mirror_opts o;
    struct ent **slots;
    size_t cap;             /* power of two, or 0 */
    size_t used;            /* live entries */
    size_t tombs;
    size_t bytes;
    char *token;            /* ReadChanges continuation; NULL before the first load */
    bool loaded;
    uint64_t changes_applied;
    int64_t last_sync_ms, last_change_ms;
    struct fga_tuple *hist;     /* ring of o.max_changes; user points at the one allocation */
    size_t hist_head, hist_n, hist_bytes;
};

static uint64_t key_hash(const char *u, const char *r, const char *o)
{
    uint64_t h = 1469598103934665603ull;
    const char *parts[3] = {u, r, o};
    for (int i = 0; i < 3; i++) {
        for (const unsigned char *p = (const unsigned char *)parts[i]; *p; p++)
            h = (h ^ *p) * 1099511628211ull;
        h = (h ^ 0xffu) * 1099511628211ull;     /* separator: "a","bc" != "ab","c" */
    }
    return h;
}

static bool ent_is(const struct ent *e, uint64_t h, const char *u, size_t ul, const char *r,
                   size_t rl, const char *o, size_t ol)
{
    return e->hash == h && e->ulen == ul && e->rlen == rl && e->olen == ol &&
           memcmp(e->key, u, ul) == 0 && memcmp(e->key + ul + 1, r, rl) == 0 &&
           memcmp(e->key + ul + rl + 2, o, ol) == 0;
}

struct fga_mirror *fga_mirror_new(const struct fga_mirror_opts *o)
{
    struct fga_mirror *m = lw_calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    m->o = *o;
    if (!m->o.max_tuples)
        m->o.max_tuples = 1000000;
    if (!m->o.max_bytes)
        m->o.max_bytes = (size_t)256 << 20;
    if (!m->o.max_changes)
        m->o.max_changes = 100000;
    return m;
}

static void clear(struct fga_mirror *m)
{
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i] && m->slots[i] != TOMB)
            lw_free(m->slots[i]);
    lw_free(m->slots);
    m->slots = NULL;
    m->cap = m->used = m->tombs = m->bytes = 0;
    m->loaded = false;
}

static void hist_drop_oldest(struct fga_mirror *m)
{
    struct fga_tuple *t = &m->hist[m->hist_head];
    m->hist_bytes -= strlen(t->user) + strlen(t->relation) + strlen(t->object);
    lw_free(t->user);
    m->hist_head = (m->hist_head + 1) % m->o.max_changes;
    m->hist_n--;
}

static void hist_clear(struct fga_mirror *m)
{
    while (m->hist_n)
        hist_drop_oldest(m);
    m->hist_head = 0;
}

int fga_mirror_remember(struct fga_mirror *m, const struct fga_tuples *changes,
                        struct lw_err *err)
{
    if (!m->hist && changes->n &&
        !(m->hist = lw_calloc(m->o.max_changes, sizeof(*m->hist))))
        return lw_err_set(err, LW_ENOMEM, "openfga mirror: out of memory");
    /* Only the newest max_changes of a long list can survive: skip the rest up front. */
    size_t first = changes->n > m->o.max_changes ? changes->n - m->o.max_changes : 0;
    for (size_t i = first; i < changes->n; i++) {
        const struct fga_tuple *c = &changes->v[i];
        size_t ul = strlen(c->user), rl = strlen(c->relation), ol = strlen(c->object);
        char *block = lw_malloc(ul + rl + ol + 3);
        if (!block)
            return lw_err_set(err, LW_ENOMEM, "openfga mirror: out of memory");
        if (m->hist_n == m->o.max_changes)
            hist_drop_oldest(m);
        memcpy(block, c->user, ul + 1);
        memcpy(block + ul + 1, c->relation, rl + 1);
        memcpy(block + ul + rl + 2, c->object, ol + 1);
        m->hist[(m->hist_head + m->hist_n) % m->o.max_changes] = (struct fga_tuple){
            block, block + ul + 1, block + ul + rl + 2, c->ts_ms, c->deleted};
        m->hist_n++;
        m->hist_bytes += ul + rl + ol;
    }
    return LW_OK;
}

void fga_mirror_foreach_change(const struct fga_mirror *m,
                               bool (*fn)(void *arg, const struct fga_tuple *change),
                               void *arg)
{
    for (size_t i = 0; i < m->hist_n; i++)
        if (!fn(arg, &m->hist[(m->hist_head + i) % m->o.max_changes]))
            return;
}

void fga_mirror_free(struct fga_mirror *m)
{
    if (!m)
        return;
    hist_clear(m);
    lw_free(m->hist);
    clear(m);
    lw_free(m->token);
    lw_free(m);
}

/* The slot holding the tuple, or (found = false) the slot an insert should use. */
static size_t probe(const struct fga_mirror *m, uint64_t h, const char *u, const char *r,
                    const char *o, bool *found)
{
    size_t ul = strlen(u), rl = strlen(r), ol = strlen(o), mask = m->cap - 1;
    size_t i = (size_t)h & mask, first_tomb = SIZE_MAX;
    for (;; i = (i + 1) & mask) {
        struct ent *e = m->slots[i];
        if (!e) {
            *found = false;
            return first_tomb != SIZE_MAX ? first_tomb : i;
        }
        if (e == TOMB) {
            if (first_tomb == SIZE_MAX)
                first_tomb = i;
        } else if (ent_is(e, h, u, ul, r, rl, o, ol)) {
            *found = true;
            return i;
        }
    }
}

/* Keeps live entries plus tombstones at most half the table, so probes stay short and an
 * empty slot always ends them. */
static int grow(struct fga_mirror *m)
{
    if (m->cap && (m->used + m->tombs + 1) * 2 <= m->cap)
        return LW_OK;
    size_t cap = m->cap ? m->cap : 64;
    while ((m->used + 1) * 2 > cap)
        cap *= 2;
    struct ent **slots = lw_calloc(cap, sizeof(*slots));
    if (!slots)
        return LW_ENOMEM;
    for (size_t i = 0; i < m->cap; i++) {
        struct ent *e = m->slots[i];
        if (!e || e == TOMB)
            continue;
        size_t j = (size_t)e->hash & (cap - 1);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = e;
    }
    lw_free(m->slots);
    m->slots = slots;
    m->cap = cap;
    m->tombs = 0;
    return LW_OK;
}

static int refused(const struct fga_mirror *m, struct lw_err *err)
{
    return lw_err_set(err, LW_ENOMEM, "openfga mirror: the store exceeds the bound of %zu "
                      "tuples / %zu bytes; raise the bound (the mirror is never truncated)",
                      m->o.max_tuples, m->o.max_bytes);
}

static int put(struct fga_mirror *m, const struct fga_tuple *t, struct lw_err *err)
{
    if (grow(m) != LW_OK)
        return lw_err_set(err, LW_ENOMEM, "openfga mirror: out of memory");
    uint64_t h = key_hash(t->user, t->relation, t->object);
    bool found;
    size_t i = probe(m, h, t->user, t->relation, t->object, &found);
    if (found)
        return LW_OK;
    size_t ul = strlen(t->user), rl = strlen(t->relation), ol = strlen(t->object);
    if (m->used + 1 > m->o.max_tuples || m->bytes + ul + rl + ol > m->o.max_bytes)
        return refused(m, err);
    struct ent *e = lw_malloc(sizeof(*e) + ul + rl + ol + 3);
    if (!e)
        return lw_err_set(err, LW_ENOMEM, "openfga mirror: out of memory");
    e->hash = h;
    e->ts_ms = t->ts_ms;
    e->ulen = (uint32_t)ul;
    e->rlen = (uint32_t)rl;
    e->olen = (uint32_t)ol;
    memcpy(e->key, t->user, ul + 1);
    memcpy(e->key + ul + 1, t->relation, rl + 1);
    memcpy(e->key + ul + rl + 2, t->object, ol + 1);
    if (m->slots[i] == TOMB)
        m->tombs--;
    m->slots[i] = e;
    m->used++;
    m->bytes += ul + rl + ol;
    return LW_OK;
}

static void del(struct fga_mirror *m, const struct fga_tuple *t)
{
    if (!m->cap)
        return;
    bool found;
    size_t i = probe(m, key_hash(t->user, t->relation, t->object), t->user, t->relation,
                     t->object, &found);
    if (!found)
        return;
    struct ent *e = m->slots[i];
    m->bytes -= (size_t)e->ulen + e->rlen + e->olen;
    lw_free(e);
    m->slots[i] = TOMB;
    m->used--;
    m->tombs++;
}

int fga_mirror_load(struct fga_mirror *m, const struct fga_tuples *all, struct lw_err *err)
{
    clear(m);
    for (size_t i = 0; i < all->n; i++) {
        int rc = put(m, &all->v[i], err);
        if (rc != LW_OK) {
            clear(m);
            return rc;
        }
    }
    m->loaded = true;
    return LW_OK;
}

int fga_mirror_apply(struct fga_mirror *m, const struct fga_tuples *changes, struct lw_err *err)
{
    if (!m->loaded)
        return lw_err_set(err, LW_EINVAL, "openfga mirror: not loaded");
    for (size_t i = 0; i < changes->n; i++) {
        const struct fga_tuple *t = &changes->v[i];
        if (t->deleted) {
            del(m, t);
        } else {
            int rc = put(m, t, err);
            if (rc != LW_OK) {
                clear(m);
                return rc;
            }
        }
        m->changes_applied++;
        if (t->ts_ms > m->last_change_ms)
            m->last_change_ms = t->ts_ms;
    }
    return LW_OK;
}

int fga_mirror_sync(struct fga_mirror *m, struct fga_client *c, int64_t deadline_us,
                    struct lw_err *err)
{
    struct fga_tuples buf = {0};
    int rc = LW_OK;
    if (!m->loaded) {
        /* The token first, then the Read: changes racing the Read are in the log after the
         * token and replay harmlessly over it. */
        char *token = NULL;
        rc = fga_read_changes(c, &token, 0, &buf, deadline_us, err);
        /* A reload starts the history over from the whole log, so nothing is held twice. */
        if (rc == LW_OK) {
            hist_clear(m);
            rc = fga_mirror_remember(m, &buf, err);
        }
        fga_tuples_free(&buf);
        if (rc == LW_OK) {
            rc = fga_read(c, NULL, m->o.max_tuples, &buf, deadline_us, err);
            /* The Read stops at the bound itself: say so in the mirror's words. */
            if (rc == LW_ENOMEM && buf.n >= m->o.max_tuples)
                refused(m, err);
        }
        if (rc == LW_OK)
            rc = fga_mirror_load(m, &buf, err);
        fga_tuples_free(&buf);
        if (rc != LW_OK) {
            lw_free(token);
            return rc;
        }
        lw_free(m->token);
        m->token = token;
    }
    char *token = m->token ? lw_strdup(m->token) : NULL;
    if (m->token && !token)
        return lw_err_set(err, LW_ENOMEM, "openfga mirror: out of memory");
    rc = fga_read_changes(c, &token, 0, &buf, deadline_us, err);
    if (rc == LW_OK)
        rc = fga_mirror_apply(m, &buf, err);
    if (rc == LW_OK)
        rc = fga_mirror_remember(m, &buf, err);
    fga_tuples_free(&buf);
    if (rc == LW_OK) {
        lw_free(m->token);
        m->token = token;
        m->last_sync_ms = lw_now_ms();
    } else {
        lw_free(token);
    }
    return rc;
}

void fga_mirror_stats(const struct fga_mirror *m, struct fga_mirror_stats *st)
{
    st->loaded = m->loaded;
    st->tuples = m->used;
    st->bytes = m->bytes;
    st->changes_applied = m->changes_applied;
    st->last_sync_ms = m->last_sync_ms;
    st->last_change_ms = m->last_change_ms;
    st->changes_held = m->hist_n;
    st->changes_bytes = m->hist_bytes;
    st->oldest_change_ms = m->hist_n ? m->hist[m->hist_head].ts_ms : 0;
}

void fga_mirror_foreach(const struct fga_mirror *m,
                        bool (*fn)(void *arg, const char *user, const char *relation,
                                   const char *object, int64_t ts_ms),
                        void *arg)
{
    for (size_t i = 0; i < m->cap; i++) {
        const struct ent *e = m->slots[i];
        if (!e || e == TOMB)
            continue;
        if (!fn(arg, e->key, e->key + e->ulen + 1, e->key + e->ulen + e->rlen + 2, e->ts_ms))
            return;
    }
}

bool fga_mirror_has(const struct fga_mirror *m, const char *user, const char *relation,
                    const char *object)
{
    if (!m->cap)
        return false;
    bool found;
    probe(m, key_hash(user, relation, object), user, relation, object, &found);
    return found;
}

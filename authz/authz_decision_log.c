/* authz_decision_log.c -- the decision ring in shared memory and the JSON-lines sink
 * (authz_decision_log.h).
 *
 * Layout of the memfd: a header, `capacity` slots with each record's fixed fields, then an
 * area of JSON bytes addressed by a logical position that only grows (the byte of position p
 * is at area[p % size]; a line never wraps: one that would is placed at the next multiple of
 * size). Records are added and dropped strictly in order, so the live JSON is the logical
 * range [oldest record's position, write position), at most `size` bytes long.
 *
 * Concurrency: the creating process's writers serialise on a process-local mutex. Readers
 * (other processes among them) take no lock: a slot's `seq` is odd while it is empty or being
 * (re)written and even when stable; the writer makes a slot odd before it reuses the slot or
 * any JSON bytes the slot points to, so a reader that copied a slot and finds `seq` unchanged
 * afterwards copied a consistent record. A reader never makes the writer wait. */
#include "authz_decision_log.h"

#include "../server/core/lw_buf.h"
#include "decision_store.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_MAX_BYTES (64u << 20)
#define RING_MAGIC 0x6c77646c6f673031ull    /* "lwdlog01" */
#define READ_TRIES 3                        /* a slot still changing after this is skipped */

struct ring_hdr {
    uint64_t magic;
    uint64_t capacity;
    uint64_t area_size;
    _Atomic uint64_t next;          /* number of records ever added */
    _Atomic uint64_t bytes;         /* JSON bytes of the live records */
    /* Writer-only state (readers ignore it). */
    uint64_t oldest;                /* number of the oldest live record */
    uint64_t wpos;                  /* logical position of the next JSON line */
};

struct ring_slot {
    _Atomic uint64_t seq;
    uint64_t recno;
    uint64_t pos;                   /* logical position of the JSON line */
    uint64_t len;                   /* its bytes; 0: none */
    struct authz_decision_summary sum;  /* json is always NULL here */
};

struct authz_decision_log {
    pthread_mutex_t mu;             /* serialises writers of this process */
    bool writer;                    /* false: an attached read-only view */
    int fd;                         /* memfd (-1 in a view: the fd is the caller's) */
    void *map;
    size_t map_size;
    struct ring_hdr *hdr;
    struct ring_slot *slots;
    char *area;
    FILE *sink;
    bool own_sink;
    struct decision_store *store;   /* NULL: no decision store; not owned */
};

static size_t map_size_for(uint64_t capacity, uint64_t area)
{
    return sizeof(struct ring_hdr) + (size_t)capacity * sizeof(struct ring_slot) + (size_t)area;
}

static void set_views(struct authz_decision_log *l)
{
    l->hdr = l->map;
    l->slots = (struct ring_slot *)(l->hdr + 1);
    l->area = (char *)(l->slots + l->hdr->capacity);
}

struct authz_decision_log *authz_decision_log_new(int capacity, size_t max_bytes,
                                                  const char *path, struct lw_err *err)
{
    struct authz_decision_log *l = lw_calloc(1, sizeof *l);
    uint64_t cap = capacity > 0 ? (uint64_t)capacity : 1;
    uint64_t area = max_bytes ? max_bytes : DEFAULT_MAX_BYTES;

    if (!l) {
        lw_err_set(err, LW_ENOMEM, "out of memory for the decision log");
        return NULL;
    }
    pthread_mutex_init(&l->mu, NULL);
    l->writer = true;
    l->map = MAP_FAILED;
    l->map_size = map_size_for(cap, area);
    l->fd = memfd_create("lakeward-decisions", MFD_CLOEXEC);
    if (l->fd < 0 || ftruncate(l->fd, (off_t)l->map_size) != 0 ||
        (l->map = mmap(NULL, l->map_size, PROT_READ | PROT_WRITE, MAP_SHARED, l->fd, 0)) ==
            MAP_FAILED) {
        lw_err_set(err, LW_ENOMEM, "cannot create the decision log's shared memory (%zu bytes)",
                   l->map_size);
        authz_decision_log_free(l);
        return NULL;
    }
    l->hdr = l->map;
    l->hdr->capacity = cap;
    l->hdr->area_size = area;
    set_views(l);
    for (uint64_t i = 0; i < cap; i++)
        atomic_init(&l->slots[i].seq, 1);           /* odd: empty */
    l->hdr->magic = RING_MAGIC;
    if (path && strcmp(path, "-") == 0) {
        l->sink = stdout;
    } else if (path && *path) {
        l->sink = fopen(path, "a");     /* O_APPEND: each write lands at the end */
        l->own_sink = true;
        if (!l->sink) {
            lw_err_set(err, LW_ECONFIG, "cannot open decision log file %s", path);
            authz_decision_log_free(l);
            return NULL;
        }
    }
    return l;
}

int authz_decision_log_fd(const struct authz_decision_log *l)
{
    return l->fd;
}

struct authz_decision_log *authz_decision_log_attach(int fd, struct lw_err *err)
{
    struct authz_decision_log *l = lw_calloc(1, sizeof *l);
    const struct ring_hdr *h;
    struct stat st;

    if (!l) {
        lw_err_set(err, LW_ENOMEM, "out of memory for the decision log");
        return NULL;
    }
    pthread_mutex_init(&l->mu, NULL);
    l->fd = -1;
    l->map = MAP_FAILED;
    if (fstat(fd, &st) != 0 || (size_t)st.st_size < sizeof *h ||
        (l->map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0)) == MAP_FAILED) {
        lw_err_set(err, LW_EINVAL, "cannot map the decision log from descriptor %d", fd);
        authz_decision_log_free(l);
        return NULL;
    }
    l->map_size = (size_t)st.st_size;
    h = l->map;
    if (h->magic != RING_MAGIC || h->capacity == 0 || h->area_size == 0 ||
        h->capacity > l->map_size / sizeof(struct ring_slot) ||
        map_size_for(h->capacity, h->area_size) != l->map_size) {
        lw_err_set(err, LW_EINVAL, "descriptor %d does not hold a decision log", fd);
        authz_decision_log_free(l);
        return NULL;
    }
    set_views(l);
    return l;
}

void authz_decision_log_free(struct authz_decision_log *l)
{
    if (!l)
        return;
    if (l->own_sink && l->sink)
        fclose(l->sink);
    if (l->map != MAP_FAILED)
        munmap(l->map, l->map_size);
    if (l->fd >= 0)
        close(l->fd);
    pthread_mutex_destroy(&l->mu);
    lw_free(l);
}

/* One write(2) per record, outside the ring's lock: with O_APPEND (or a pipe, for lines
 * under PIPE_BUF) lines from concurrent threads do not interleave, and a slow reader of
 * stdout delays only the thread writing, not every decision. */
static void write_line(struct authz_decision_log *l, char *json)
{
    size_t n = strlen(json);
    ssize_t w;
    json[n] = '\n';             /* the string is ours: borrow its terminator for the newline */
    w = write(fileno(l->sink), json, n + 1);
    json[n] = '\0';
    (void)w;    /* a lost decision-log line is not worth failing a decision for */
}

/* Forgets the oldest record: its slot goes odd before anything reuses it or its bytes.
 * Called with l->mu held and at least one live record. */
static void drop_oldest(struct authz_decision_log *l)
{
    struct ring_hdr *h = l->hdr;
    struct ring_slot *s = &l->slots[h->oldest % h->capacity];
    atomic_store_explicit(&s->seq, atomic_load_explicit(&s->seq, memory_order_relaxed) + 1,
                          memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    atomic_fetch_sub_explicit(&h->bytes, s->len, memory_order_relaxed);
    h->oldest++;
}

void authz_decision_log_add(struct authz_decision_log *l, struct authz_decision_summary *rec)
{
    struct ring_hdr *h = l->hdr;
    struct ring_slot *s;
    uint64_t len = 0, pos, recno;

    if (!l->writer) {
        lw_free(rec->json);
        rec->json = NULL;
        return;
    }
    if (l->sink && rec->json)
        write_line(l, rec->json);
    if (rec->json && (len = strlen(rec->json)) > h->area_size)
        len = 0;                /* larger than the whole area: keep the summary only */
    pthread_mutex_lock(&l->mu);
    pos = h->wpos;
    if (len && pos % h->area_size + len > h->area_size)
        pos += h->area_size - pos % h->area_size;   /* a line never wraps */
    recno = atomic_load_explicit(&h->next, memory_order_relaxed);
    while (h->oldest < recno &&
           (recno - h->oldest >= h->capacity ||
            pos + len - l->slots[h->oldest % h->capacity].pos > h->area_size))
        drop_oldest(l);
    s = &l->slots[recno % h->capacity];     /* empty (odd) now */
    s->recno = recno;
    s->pos = pos;
    s->len = len;
    s->sum = *rec;
    s->sum.json = NULL;
    if (len)
        memcpy(l->area + pos % h->area_size, rec->json, (size_t)len);
    atomic_store_explicit(&s->seq, atomic_load_explicit(&s->seq, memory_order_relaxed) + 1,
                          memory_order_release);
    h->wpos = pos + len;
    atomic_fetch_add_explicit(&h->bytes, len, memory_order_relaxed);
    atomic_store_explicit(&h->next, recno + 1, memory_order_release);
    pthread_mutex_unlock(&l->mu);
    if (l->store)
        decision_store_add(l->store, rec);     /* takes rec->json; never waits on the store */
    lw_free(rec->json);
    rec->json = NULL;
}

void authz_decision_log_set_store(struct authz_decision_log *l, struct decision_store *store)
{
    l->store = store;
}

size_t authz_decision_log_bytes(struct authz_decision_log *l)
{
    return (size_t)atomic_load_explicit(&l->hdr->bytes, memory_order_relaxed);
}

static void terminate_strings(struct authz_decision_summary *r)
{
    r->decision_id[sizeof r->decision_id - 1] = '\0';
    r->query_id[sizeof r->query_id - 1] = '\0';
    r->user[sizeof r->user - 1] = '\0';
    r->operation[sizeof r->operation - 1] = '\0';
}

/* Copies record recno into *out (json into *json, which the caller frees, when wanted).
 * Returns 1 when copied, 0 when the record is gone or kept changing, LW_ENOMEM. */
static int read_slot(const struct authz_decision_log *l, uint64_t recno, bool with_json,
                     struct authz_decision_summary *out, char **json)
{
    const struct ring_hdr *h = l->hdr;
    struct ring_slot *s = &l->slots[recno % h->capacity];
    for (int t = 0; t < READ_TRIES; t++) {
        uint64_t seq = atomic_load_explicit(&s->seq, memory_order_acquire), pos, len;
        char *copy = NULL;
        if (seq & 1)
            return 0;                               /* dropped (or not yet published) */
        *out = s->sum;
        pos = s->pos;
        len = s->len;
        if (s->recno != recno)
            return 0;
        if (with_json && len && len <= h->area_size && pos % h->area_size + len <= h->area_size) {
            if (!(copy = lw_malloc((size_t)len + 1)))
                return LW_ENOMEM;
            memcpy(copy, l->area + pos % h->area_size, (size_t)len);
            copy[len] = '\0';
        }
        atomic_thread_fence(memory_order_acquire);
        if (atomic_load_explicit(&s->seq, memory_order_relaxed) == seq) {
            out->json = NULL;
            terminate_strings(out);
            *json = copy;
            return 1;
        }
        lw_free(copy);
    }
    return 0;
}

void authz_decision_log_span(struct authz_decision_log *l, uint64_t *from, uint64_t *to)
{
    const struct ring_hdr *h = l->hdr;
    uint64_t next = atomic_load_explicit(&h->next, memory_order_acquire);
    *from = next > h->capacity ? next - h->capacity : 0;
    *to = next;
}

int authz_decision_log_read(struct authz_decision_log *l, uint64_t *from, uint64_t to,
                            bool with_json, struct authz_decision_summary *rows, int max)
{
    int k = 0;
    for (; *from < to && k < max; (*from)++) {
        char *json = NULL;
        int rc = read_slot(l, *from, with_json, &rows[k], &json);
        if (rc < 0) {
            authz_decision_log_rows_clear(rows, k);
            return LW_ENOMEM;
        }
        if (rc == 1)
            rows[k++].json = json;
    }
    return k;
}

int authz_decision_log_copy(struct authz_decision_log *l, int max, bool with_json,
                            struct authz_decision_summary **rows, int *n)
{
    uint64_t from, to;
    struct authz_decision_summary *out = NULL;
    int k;

    *rows = NULL;
    *n = 0;
    authz_decision_log_span(l, &from, &to);
    if (max >= 0 && to - from > (uint64_t)max)
        from = to - (uint64_t)max;
    if (to == from)
        return 0;
    if (!(out = lw_malloc((size_t)(to - from) * sizeof *out)))
        return LW_ENOMEM;
    if ((k = authz_decision_log_read(l, &from, to, with_json, out, (int)(to - from))) <= 0) {
        lw_free(out);
        return k < 0 ? LW_ENOMEM : 0;
    }
    *rows = out;
    *n = k;
    return 0;
}

char *authz_decision_log_tail(struct authz_decision_log *l, int n)
{
    struct authz_decision_summary *rows;
    struct lw_buf b;
    int count;
    if (authz_decision_log_copy(l, n, true, &rows, &count) != 0)
        return NULL;
    lw_buf_init(&b, 64u << 20);
    for (int k = 0; k < count; k++) {
        if (rows[k].json) {
            lw_buf_puts(&b, rows[k].json);
            lw_buf_putc(&b, '\n');
        }
    }
    authz_decision_log_rows_free(rows, count);
    return lw_buf_take(&b);
}

void authz_decision_log_rows_clear(struct authz_decision_summary *rows, int n)
{
    for (int i = 0; rows && i < n; i++) {
        lw_free(rows[i].json);
        rows[i].json = NULL;
    }
}

void authz_decision_log_rows_free(struct authz_decision_summary *rows, int n)
{
    authz_decision_log_rows_clear(rows, n);
    lw_free(rows);
}

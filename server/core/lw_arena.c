/* lw_arena.c -- bounded bump allocator (see lw_arena.h). */
#include "lw_arena.h"

#include <sanitizer/asan_interface.h>   /* no-op macros unless built with AddressSanitizer */
#include <stdalign.h>
#include <string.h>

#define CHUNK_MIN (32u << 10)

struct lw_arena_chunk {
    struct lw_arena_chunk *next;
    size_t size, off;
    alignas(max_align_t) unsigned char data[];
};

void lw_arena_init(struct lw_arena *a, size_t max)
{
    memset(a, 0, sizeof *a);
    a->max = max;
}

void *lw_arena_alloc(struct lw_arena *a, size_t n)
{
    const size_t align = alignof(max_align_t);
    struct lw_arena_chunk *c = a->head;
    size_t size;
    void *p;

    if (n > a->max)
        goto bound;
    n = (n + align - 1) & ~(align - 1);
    if (!c || c->size - c->off < n) {
        size = n > CHUNK_MIN ? n : CHUNK_MIN;
        if (a->used + size + sizeof *c > a->max) {
            /* A smaller chunk may still fit under the bound. */
            size = n;
            if (a->used + size + sizeof *c > a->max)
                goto bound;
        }
        c = lw_malloc(sizeof *c + size);
        if (!c)
            return NULL;
        c->next = a->head;
        c->size = size;
        c->off = 0;
        a->head = c;
        a->used += sizeof *c + size;
    }
    p = c->data + c->off;
    c->off += n;
    ASAN_UNPOISON_MEMORY_REGION(p, n);     /* a kept chunk is poisoned by lw_arena_reset */
    return p;
bound:
    a->exceeded = true;
    return NULL;
}

char *lw_arena_strndup(struct lw_arena *a, const char *s, size_t n)
{
    char *d = n == SIZE_MAX ? NULL : lw_arena_alloc(a, n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

void lw_arena_free(struct lw_arena *a)
{
    struct lw_arena_chunk *c = a->head, *next;
    while (c) {
        next = c->next;
        ASAN_UNPOISON_MEMORY_REGION(c->data, c->size);
        lw_free(c);
        c = next;
    }
    a->head = NULL;
    a->used = 0;
    a->exceeded = false;
}

void lw_arena_reset(struct lw_arena *a)
{
    struct lw_arena_chunk *keep = a->head;
    while (keep && keep->next)      /* the first chunk allocated is the last of the list */
        keep = keep->next;
    if (!keep || keep->size != CHUNK_MIN) {
        lw_arena_free(a);           /* none, or one sized for a single large allocation */
        return;
    }
    for (struct lw_arena_chunk *c = a->head, *next; c != keep; c = next) {
        next = c->next;
        lw_free(c);
    }
    keep->off = 0;
    /* Under AddressSanitizer a use of memory from before the reset is reported as a use of
     * poisoned memory, as a use of the freed chunk would have been. */
    ASAN_POISON_MEMORY_REGION(keep->data, keep->size);
    a->head = keep;
    a->used = sizeof *keep + keep->size;
    a->exceeded = false;
}

/* lw_strmap.c -- arena-backed string hash map (see lw_strmap.h). Open addressing with linear
 * probing; growing doubles the table into new arena memory and leaves the old one to the
 * arena (at most the final table's size again), since the arena frees nothing alone. */
#include "lw_strmap.h"

#include <string.h>

#define INITIAL_CAP 64

void lw_strmap_init(struct lw_strmap *m, struct lw_arena *a)
{
    memset(m, 0, sizeof *m);
    m->arena = a;
}

/* The slot holding key, or the empty slot where it belongs. cap must be nonzero. */
static struct lw_strmap_slot *probe(struct lw_strmap_slot *slots, size_t cap, const char *key)
{
    size_t i = (size_t)lw_hash_str(key) & (cap - 1);
    while (slots[i].key && strcmp(slots[i].key, key) != 0)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static int grow(struct lw_strmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : INITIAL_CAP;
    if (cap > SIZE_MAX / sizeof *m->slots)
        return -1;
    struct lw_strmap_slot *slots = lw_arena_alloc(m->arena, cap * sizeof *slots);
    if (!slots)
        return -1;
    memset(slots, 0, cap * sizeof *slots);
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key)
            *probe(slots, cap, m->slots[i].key) = m->slots[i];
    m->slots = slots;
    m->cap = cap;
    return 0;
}

void **lw_strmap_put(struct lw_strmap *m, const char *key, bool *added)
{
    *added = false;
    if (m->cap) {
        struct lw_strmap_slot *s = probe(m->slots, m->cap, key);
        if (s->key)
            return &s->val;
    }
    if ((m->n + 1) * 2 > m->cap && grow(m) != 0)
        return NULL;
    struct lw_strmap_slot *s = probe(m->slots, m->cap, key);
    s->key = key;
    s->val = NULL;
    m->n++;
    *added = true;
    return &s->val;
}

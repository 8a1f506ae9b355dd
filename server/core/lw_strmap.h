/* lw_strmap.h -- a hash map from strings to pointers whose memory lives in an lw_arena: for
 * one statement's interning, where a scan of 100,000 rows meets a few thousand distinct
 * values (decode each OpenFGA subject once, look each object up in the catalog once) and
 * everything goes when the arena is reset. Keys are borrowed: they must outlive the map. */
#ifndef LW_STRMAP_H
#define LW_STRMAP_H

#include "lw_arena.h"

struct lw_strmap_slot {
    const char *key;            /* NULL: empty */
    void *val;
};

struct lw_strmap {
    struct lw_arena *arena;
    struct lw_strmap_slot *slots;
    size_t cap, n;              /* cap: 0 or a power of two, at least twice n */
};

/* An empty map allocating from a (borrowed); nothing is allocated until the first put. */
void lw_strmap_init(struct lw_strmap *m, struct lw_arena *a);

/* The value slot of key, added (with *val NULL and *added true) when key is not in the map.
 * NULL when the arena cannot grow the map (its bound, or out of memory): the map is unchanged.
 * The pointer is valid until the next lw_strmap_put. */
void **lw_strmap_put(struct lw_strmap *m, const char *key, bool *added) LW_MUSTCHECK;

/* Every entry of the map whose value is set, in no order: `slot` names the entry. */
#define LW_STRMAP_FOR_EACH(m, slot)                                                         \
    for (struct lw_strmap_slot *slot = (m)->slots; slot && slot < (m)->slots + (m)->cap;    \
         slot++)                                                                            \
        if (slot->key && slot->val)

#endif

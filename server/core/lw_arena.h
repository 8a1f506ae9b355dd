/* lw_arena.h -- a bump allocator with a hard byte bound, for memory whose lifetime is one
 * request or one SQL statement: allocate freely, free everything in one call. */
#ifndef LW_ARENA_H
#define LW_ARENA_H

#include "lw.h"

struct lw_arena_chunk;

struct lw_arena {
    struct lw_arena_chunk *head;
    size_t used;        /* bytes handed out plus chunk overhead */
    size_t max;         /* hard bound on used */
    bool exceeded;      /* sticky: an allocation failed because of max (not malloc) */
};

void lw_arena_init(struct lw_arena *a, size_t max);
/* Returns n bytes aligned for any type, or NULL when the bound is reached (a->exceeded is
 * then set) or malloc fails. The memory lives until lw_arena_free. */
void *lw_arena_alloc(struct lw_arena *a, size_t n) LW_MUSTCHECK;
/* Copies n bytes of s and adds a NUL; NULL as for lw_arena_alloc. */
char *lw_arena_strndup(struct lw_arena *a, const char *s, size_t n) LW_MUSTCHECK;
/* Frees every chunk; the arena can be used again afterwards. */
void lw_arena_free(struct lw_arena *a);
/* Empties the arena but keeps its first chunk when that is a standard-sized one, so the
 * next statement of a session allocates without malloc; everything handed out before is
 * invalid afterwards. Frees the rest as lw_arena_free does; the bound stays the same. */
void lw_arena_reset(struct lw_arena *a);

#endif

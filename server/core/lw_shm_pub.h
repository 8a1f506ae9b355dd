/* lw_shm_pub.h -- one writer process publishing to many reader processes through a memfd: a
 * small fixed-size state record and a contents buffer of bytes, each under a sequence number
 * (odd while being written). The contents are double-buffered: the writer fills the buffer
 * readers are not pointed at, then switches them over, so a reader sees a whole snapshot or
 * retries, never a half-written one, and never makes the writer wait (a seqlock, as the
 * decision ring's). The creator keeps a read-only mapping that processes forked afterwards
 * inherit; only the writer process maps it read-write. Sizes are fixed at creation; pages of
 * the buffers are used only as written. Knows nothing of what the bytes mean: the OpenFGA
 * mirror (catalog/fga_snapshot.h) and the shared catalog (catalog/cat_snapshot.h) encode and
 * decode their own. */
#ifndef LW_SHM_PUB_H
#define LW_SHM_PUB_H

#include "lw.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest state record: the header page less the control fields. */
#define LW_PUB_STATE_MAX 3584

struct lw_pub;

/* Creates the area (a memfd named memfd_name: a header page holding a state of state_size
 * bytes, zeroed, then two buffers of buffer_size bytes) mapped read-only in this process.
 * label prefixes error messages ("openfga mirror"). NULL + err on failure. */
struct lw_pub *lw_pub_create(const char *label, const char *memfd_name, size_t state_size,
                             size_t buffer_size, struct lw_err *err) LW_MUSTCHECK;
/* The writer's view of the same area (in the writer process): mapped read-write. It shares
 * the creator's descriptor (which p keeps) and must be freed before p. */
struct lw_pub *lw_pub_open_writer(const struct lw_pub *p, struct lw_err *err) LW_MUSTCHECK;
/* Unmaps; closes the descriptor when p is the creator's. NULL: no-op. */
void lw_pub_free(struct lw_pub *p);
int lw_pub_fd(const struct lw_pub *p);
bool lw_pub_is_writer(const struct lw_pub *p);
/* Bytes one buffer holds. */
size_t lw_pub_capacity(const struct lw_pub *p);

/* Writer: the state (state_size bytes). Cannot fail. */
void lw_pub_put_state(struct lw_pub *p, const void *state);
/* Reader: a consistent copy of the state into state (state_size bytes). false when none could
 * be read (only a writer that died mid-write leaves that; its successor rewrites it). */
bool lw_pub_get_state(const struct lw_pub *p, void *state);

/* Writer, in three steps so contents can be encoded in place: begin returns the buffer
 * readers are not pointed at (lw_pub_capacity bytes), marked as being written; NULL when p is
 * not the writer's view. commit makes its first len bytes (<= capacity) the current contents
 * stamped with generation; abort leaves the current contents as they were. */
char *lw_pub_begin(struct lw_pub *p);
void lw_pub_commit(struct lw_pub *p, size_t len, uint64_t generation);
void lw_pub_abort(struct lw_pub *p);
/* Writer: begin, copy len bytes, commit. LW_ENOMEM over the capacity, LW_EINVAL when p is not
 * the writer's view; nothing published then. */
int lw_pub_publish(struct lw_pub *p, uint64_t generation, const void *data, size_t len,
                   struct lw_err *err) LW_MUSTCHECK;

/* Reader: the current contents in place (no copy). The bytes may be overwritten while read:
 * copy or decode them, then keep the result only if lw_pub_view_valid says the view was not
 * touched meanwhile. */
struct lw_pub_view {
    const char *data;
    size_t len;
    uint64_t generation;
    unsigned buffer;
    uint32_t seq;
};
enum { LW_PUB_BUSY = -1, LW_PUB_NONE = 0, LW_PUB_VIEW = 1 };
/* LW_PUB_VIEW and v filled; LW_PUB_NONE: nothing published yet; LW_PUB_BUSY: the buffer stayed
 * being written through every retry. */
int lw_pub_view(const struct lw_pub *p, struct lw_pub_view *v);
bool lw_pub_view_valid(const struct lw_pub *p, const struct lw_pub_view *v);

#endif

/* standin_fga.h -- the stand-in's OpenFGA HTTP client: Write (idempotent, <=100 tuples per call),
 * BatchCheck (<=50 checks per call, a few calls in flight, overload errors asked again), paginated
 * Read. Every permission answer the stand-in gives comes from here; it has no authorization logic
 * of its own. */
#ifndef STANDIN_FGA_H
#define STANDIN_FGA_H

#include "standin.h"

#define SI_FGA_WRITE_MAX 100  /* tuples per Write, as Lakekeeper writes them */
#define SI_FGA_BATCH_MAX 50   /* OPENFGA_MAX_CHECKS_PER_BATCH_CHECK default */
#define SI_FGA_READ_MAX 20000 /* tuples returned by one standin_fga_read */

struct standin_tuple {
    char user[SI_FGA_USER_MAX];
    char relation[SI_FGA_REL_MAX];
    char object[SI_FGA_OBJ_MAX];
};

/* Fills fga from the base URL, store and model ids. LW_ECONFIG when they do not fit. */
int standin_fga_init(struct standin_fga *fga, const char *url, const char *store_id,
                     const char *model_id, struct lw_err *err) LW_MUSTCHECK;

/* Sets one tuple; false when a part does not fit its bound. */
/* FNV-1a over user, relation and object: the key of the batch-check slots and of the
 * shared checks (standin_flight.c). */
size_t standin_tuple_hash(const struct standin_tuple *t);
bool standin_tuple_set(struct standin_tuple *t, const char *user, const char *relation,
                       const char *object);

/* Writes and deletes tuples (writes ignore duplicates, deletes ignore missing ones), in calls of
 * at most SI_FGA_WRITE_MAX tuples. LW_EIO/LW_ETIMEOUT with the reason in err. */
int standin_fga_write(const struct standin_fga *fga, const struct standin_tuple *writes,
                      int nwrites, const struct standin_tuple *deletes, int ndeletes,
                      struct lw_err *err) LW_MUSTCHECK;

/* Answers n checks (allowed[i] for checks[i]) with BatchCheck calls of at most SI_FGA_BATCH_MAX,
 * a few in flight. Checks OpenFGA could not finish (deadline exceeded, 5xx, timeout) are asked
 * again in smaller calls within a time budget. Fails as a whole (LW_EIO) if a check is refused
 * or stays unanswered. */
int standin_fga_check(const struct standin_fga *fga, const struct standin_tuple *checks, int n,
                      bool *allowed, struct lw_err *err) LW_MUSTCHECK;

/* Reads every tuple matching the key (user and relation may be NULL; object is "type:id" or
 * "type:"). *out is lw_malloc'd, owned by the caller; at most SI_FGA_READ_MAX tuples. */
int standin_fga_read(const struct standin_fga *fga, const char *user, const char *relation,
                     const char *object, struct standin_tuple **out, int *n,
                     struct lw_err *err) LW_MUSTCHECK;

#endif

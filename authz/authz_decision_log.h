/* authz_decision_log.h -- one record per Trino decision: kept in a bounded ring in shared
 * memory (written by the authorizer, read by the HTTP debug endpoint and by the SQL side in
 * other processes) and optionally written as JSON lines to stdout or a file.
 *
 * The ring lives in a memfd mapping of fixed size, created before the SQL supervisor is
 * spawned (docs/architecture-process.md). Writers are the decision threads of the process
 * that created it; readers never take a lock the writers wait on: every slot carries a
 * sequence number (a seqlock) and a reader that sees it change retries or skips the slot.
 * A reader that dies in the middle of a copy therefore cannot wedge a decision. */
#ifndef AUTHZ_DECISION_LOG_H
#define AUTHZ_DECISION_LOG_H

#include "../server/core/lw.h"

struct authz_decision_log;

struct authz_decision_summary {
    int64_t time_ms;
    char decision_id[40];
    char query_id[128];     /* Trino's context.queryId ("" when absent; Trino's are ~30 bytes) */
    char user[128];
    char operation[64];
    bool batch;
    bool allowed;           /* allow: the result; batch: at least one index allowed */
    int nitems, nallowed;
    int lk_calls, cache_hits;
    int64_t latency_us;
    char *json;             /* the whole record as one JSON line */
};

/* capacity: records kept; max_bytes (0: 64 MiB): size of the ring's JSON area, which bounds
 * the bytes of the records it keeps (the oldest go first; the newest record always stays,
 * without its JSON line when that line alone is larger than the area); path: NULL (ring
 * only), "-" (stdout) or a file to append to. The mapping is header + capacity slots
 * (~0.5 KiB each) + max_bytes; pages are only backed once written. */
struct authz_decision_log *authz_decision_log_new(int capacity, size_t max_bytes,
                                                  const char *path, struct lw_err *err)
    LW_MUSTCHECK;
/* The memfd behind the ring (close-on-exec), to hand to a reader process. */
int authz_decision_log_fd(const struct authz_decision_log *l);
/* A read-only view of a ring created by another process, from its memfd (which stays the
 * caller's). Fails with LW_EINVAL when fd is not such a ring. */
struct authz_decision_log *authz_decision_log_attach(int fd, struct lw_err *err) LW_MUSTCHECK;
void authz_decision_log_free(struct authz_decision_log *l);

/* Records rec, taking ownership of rec->json (copied into the ring, freed, set NULL). Thread-safe
 * among the creating process's threads; a no-op on an attached (read-only) view. */
void authz_decision_log_add(struct authz_decision_log *l, struct authz_decision_summary *rec);
/* Every record added from now on also goes to store (decision_store.h), which must outlive
 * the log's writers. Set before decisions flow; NULL detaches. */
struct decision_store;
void authz_decision_log_set_store(struct authz_decision_log *l, struct decision_store *store);
/* Bytes of JSON lines the ring holds now. */
size_t authz_decision_log_bytes(struct authz_decision_log *l);

/* Copies the JSON lines of the newest n records (oldest first) into a new string the caller
 * frees; used by the HTTP debug endpoint. */
char *authz_decision_log_tail(struct authz_decision_log *l, int n) LW_MUSTCHECK;

/* Copies the newest max records (all when max < 0), oldest first, without a lock: a record
 * overwritten while being copied is left out. *rows gets an array of *n records whose json
 * strings are the caller's copies (NULL unless with_json). Free it with
 * authz_decision_log_rows_free. Returns 0, or LW_ENOMEM with *rows NULL and *n 0. */
int authz_decision_log_copy(struct authz_decision_log *l, int max, bool with_json,
                            struct authz_decision_summary **rows, int *n) LW_MUSTCHECK;
void authz_decision_log_rows_free(struct authz_decision_summary *rows, int n);

/* Reading in pieces (the SQL scan: a fixed buffer instead of a copy of the whole ring).
 * span: the record numbers live now, [*from, *to). read: copies the records numbered
 * [*from, to) into rows, at most max, advancing *from past the records it looked at; a
 * record dropped or overwritten by then is left out, as in authz_decision_log_copy (so a
 * slow reader of a busy ring misses the oldest records, never sees a torn one). Returns the
 * number copied (0 once *from reaches to) or LW_ENOMEM; json strings as in copy, released
 * with rows_clear (the array stays the caller's). */
void authz_decision_log_span(struct authz_decision_log *l, uint64_t *from, uint64_t *to);
int authz_decision_log_read(struct authz_decision_log *l, uint64_t *from, uint64_t to,
                            bool with_json, struct authz_decision_summary *rows, int max)
    LW_MUSTCHECK;
void authz_decision_log_rows_clear(struct authz_decision_summary *rows, int n);

#endif

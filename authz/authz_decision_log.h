/* authz_decision_log.h -- one record per Trino decision: kept in a bounded in-memory ring
 * (read by the SQL side and tests) and optionally written as JSON lines to stdout or a file. */
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
    char *json;             /* the whole record as one JSON line (owned by the ring) */
};

/* capacity: records kept; max_bytes (0: 64 MiB): bound on the bytes of the ring's JSON lines
 * (the oldest go first; the newest record always stays); path: NULL (ring only), "-" (stdout)
 * or a file to append to. */
struct authz_decision_log *authz_decision_log_new(int capacity, size_t max_bytes,
                                                  const char *path, struct lw_err *err)
    LW_MUSTCHECK;
void authz_decision_log_free(struct authz_decision_log *l);

/* Takes ownership of rec->json. Thread-safe. */
void authz_decision_log_add(struct authz_decision_log *l, struct authz_decision_summary *rec);
/* Bytes the ring's records hold now (JSON lines; the fixed array is allocated up front). */
size_t authz_decision_log_bytes(struct authz_decision_log *l);

/* Copies the JSON lines of the newest n records (oldest first) into a new string the caller
 * frees; used by the HTTP debug endpoint and the SQL decision table. */
char *authz_decision_log_tail(struct authz_decision_log *l, int n) LW_MUSTCHECK;

/* Copies the newest max records (all when max < 0), oldest first, taking the lock once:
 * *rows gets an array of *n records whose json strings are the caller's copies (NULL unless
 * with_json). Free it with authz_decision_log_rows_free. Returns 0, or LW_ENOMEM with *rows
 * NULL and *n 0. */
int authz_decision_log_copy(struct authz_decision_log *l, int max, bool with_json,
                            struct authz_decision_summary **rows, int *n) LW_MUSTCHECK;
void authz_decision_log_rows_free(struct authz_decision_summary *rows, int n);

#endif

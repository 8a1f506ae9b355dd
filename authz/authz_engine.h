/* authz_engine.h -- Trino's authorizer: turns one OPA request body into the bridge's
 * decision (opa-bridge-spec.md §4 for allow, §5 for batch), asking Lakekeeper through
 * catalog/lk_client for what the rules cannot decide alone, and records a decision log
 * entry and metrics for each. Thread-safe: one engine serves every HTTP thread. */
#ifndef AUTHZ_ENGINE_H
#define AUTHZ_ENGINE_H

#include "../catalog/lk_client.h"
#include "../server/core/lw_buf.h"
#include "authz_ops.h"

/* A Trino catalog mapped to a Lakekeeper warehouse ("managed"). lk NULL: its instance is
 * not configured, so everything needing Lakekeeper denies. */
struct authz_catalog {
    const char *name;
    const char *warehouse;
    struct lk_client *lk;
};

/* A declarative extension rule (replaces rego allow_managed / allow_unmanaged): allows when
 * every pattern that is set matches (fnmatch globs; NULL matches anything). */
struct authz_rule {
    const char *operation, *catalog, *schema, *table, *user, *group;
    const char *where;      /* "file:line" for the decision log */
};

struct authz_engine_opts {
    const struct authz_catalog *catalogs;
    int ncatalogs;
    bool allow_unmanaged;               /* TRINO_ALLOW_UNMANAGED_CATALOGS == "true" */
    const char *const *admins;          /* TRINO_ADMIN_USERS */
    int nadmins;
    const struct authz_rule *rules;
    int nrules;
    int64_t decision_ttl_ms;            /* cache of Lakekeeper answers; 0 disables */
    int64_t probe_ttl_ms;               /* broad-access probes, per query id (bridge: 30 s) */
    int max_items;                      /* bound on filterResources */
    int64_t deadline_ms;                /* one decision's time for all its upstream calls;
                                         * past it, what is unanswered is denied. 0: none */
    size_t decision_cache_max_bytes;    /* 0: 64 MiB */
    struct authz_decision_log *log;     /* may be NULL */
    /* Refresh-ahead (docs/authz.md, caches): a decision-cache hit, or a check-cache hit of a
     * computed decision, in the last refresh_ahead_pct % of its TTL queues one background
     * re-decision of that request through submit, which asks Lakekeeper again and replaces
     * the cached answer only with a clean new one. submit(ctx, fn, arg) runs fn(arg) later on
     * a thread that may block and returns 0, or nonzero when it cannot take the job (the
     * refresh is then skipped). 0 or submit NULL: no refresh-ahead. The owner of the pool
     * must let every submitted job finish before authz_engine_free. */
    int refresh_ahead_pct;              /* 0..90 */
    int (*submit)(void *ctx, void (*fn)(void *), void *arg);
    void *submit_ctx;
};

struct authz_engine;

/* Copies what it needs from opts except the catalogs' lk clients and the log (borrowed). */
struct authz_engine *authz_engine_new(const struct authz_engine_opts *opts, struct lw_err *err)
    LW_MUSTCHECK;
void authz_engine_free(struct authz_engine *e);
/* Shutdown: refreshes submitted but not started yet are dropped when their turn comes (they
 * would only ask Lakekeeper for answers nobody will read). Call before draining the pool. */
void authz_engine_stop_refreshes(struct authz_engine *e);

/* Decides one request. `batch` selects the /batch endpoint's semantics. On success returns
 * 200 and writes the JSON answer ({"result": ..., "decision_id": ...}) into out; for a body
 * that is not a Trino input returns 400 and a JSON error body. Never anything else. */
int authz_engine_decide(struct authz_engine *e, bool batch, const char *body, size_t len,
                        struct lw_buf *out);

/* Answers from the decision cache alone, never blocking on upstream. Returns 200 with out
 * filled when the cache holds the answer, 0 when it needs the full decide (out untouched).
 * A hit is the same answer, decision record, metrics and fresh decision_id that
 * authz_engine_decide gives on a hit (both go through one function), and may queue the
 * entry's refresh (submit, never waited for). Thread-safe. */
int authz_engine_try_cached(struct authz_engine *e, bool batch, const char *body,
                            size_t len, struct lw_buf *out);

/* Bytes the decision cache holds now, bounded by decision_cache_max_bytes (0 when the cache
 * is off). Also exported as lakeward_cache_bytes{cache="decision"}. */
size_t authz_engine_cache_bytes(struct authz_engine *e);

/* Answers a request that cannot be worked on now (every worker busy and the queue full):
 * deny without reading the body — {"result": false} or, for batch, {"result": []} — counted
 * in lakeward_decisions_shed_total and logged (one line a second). Trino fails a query on a
 * non-2xx answer as surely as on a deny, but a deny is the authorizer's answer and says so
 * in its log. Returns 200. Never blocks. */
int authz_engine_shed(struct authz_engine *e, bool batch, struct lw_buf *out);

#endif

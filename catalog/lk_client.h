/* lk_client.h -- one Lakekeeper instance as the authorizer uses it: an access token from the
 * IdP, warehouse name -> id resolution (cached), and permission checks through
 * POST /management/v1/action/batch-check, chunked at the instance's batch size, sent
 * concurrently, answered from / stored in the shared check cache, identical in-flight checks
 * coalesced. Every failure denies the checks concerned and is logged with the reason. */
#ifndef LK_CLIENT_H
#define LK_CLIENT_H

#include "../server/core/lw.h"
#include "check_cache.h"

#include <jansson.h>

struct lk_client_opts {
    const char *id;                 /* instance id, e.g. "default" */
    const char *url;                /* trailing '/' characters are stripped */
    const char *token_endpoint;
    const char *client_id;
    const char *client_secret;
    const char *scope;
    int max_batch;                  /* clamped to [1, 1000] */
    long timeout_ms;                /* per upstream request */
    int64_t warehouse_ttl_ms;       /* positive name->id answers */
    int64_t warehouse_negative_ttl_ms; /* "no such warehouse" answers */
    size_t max_response;            /* bound on a Lakekeeper response body */
};

/* One decision's upstream context: its deadline (set by the caller) and what it cost (filled
 * by the calls below, read by the decision log). */
struct lk_stats {
    int64_t deadline_us;        /* in: lw_mono_us time by which every upstream call of the
                                 * decision must be over (request timeouts are cut to it; past
                                 * it nothing is sent and the checks concerned are denied);
                                 * 0: only the per-request timeout applies */
    bool refresh;               /* in: a refresh-ahead: every check is asked again (cached
                                 * answers are not read; nobody else's request is waited for)
                                 * and the answers that came back are stored */
    int refresh_due;            /* out: cached answers used whose refresh this decision
                                 * claimed (check_cache.h): the caller should refresh it */
    bool deadline_hit;          /* out: the deadline denied something (a request not sent,
                                 * or cut short and timed out, or a wait for another
                                 * decision's request cut short) */
    int http_calls;
    int checks_sent;
    int cache_hits;
    int coalesced;
    int failures;
    int token_fetches;
    int64_t earliest_expiry_ms; /* lw_now_ms time the first answer used expires; 0: none used */
    char last_error[160];
};

struct lk_client;

/* cache is shared and borrowed (outlives the client). NULL + err on bad options. */
struct lk_client *lk_client_new(const struct lk_client_opts *o, struct check_cache *cache,
                                struct lw_err *err) LW_MUSTCHECK;
void lk_client_free(struct lk_client *c);
const char *lk_client_id(const struct lk_client *c);

/* Resolves a warehouse name (or "<project-id>/<name>") to the opaque id Lakekeeper puts in
 * defaults.prefix of GET /catalog/v1/config. Returns a string the caller frees, or NULL
 * with the reason in err (LW_ENOTFOUND, LW_EIO, LW_EAUTH, LW_ETIMEOUT). */
char *lk_client_warehouse_id(struct lk_client *c, const char *warehouse, struct lk_stats *st,
                             struct lw_err *err) LW_MUSTCHECK;

struct lk_check_item {
    const char *json;       /* rendered check (lk_check_render), borrowed */
    bool allowed;           /* out: true only if Lakekeeper said a JSON true for it */
};

struct lk_check_opts {
    const char *request_id;  /* non-NULL: sent as X-Request-ID (the bridge's probes) */
    const char *cache_scope; /* prefix of cache keys, e.g. the query id for probes */
    int64_t ttl_ms;          /* how long answers stay cached; 0 = not cached */
};

/* Answers n checks. Cannot fail as a whole: unanswerable checks are denied. */
void lk_client_check(struct lk_client *c, struct lk_check_item *items, int n,
                     const struct lk_check_opts *o, struct lk_stats *st);

/* One GET of the instance's management or catalog API, answered as JSON (lk_client_get). */
struct lk_get {
    const char *path;           /* in: after the instance URL, already URL-encoded, e.g.
                                 * "/management/v1/warehouse?pageSize=100" */
    const char *project_id;     /* in: sent as x-project-id; NULL for the default project */
    long status;                /* out: HTTP status; 0 when no answer arrived */
    json_t *doc;                /* out: the body of a 2xx JSON answer (caller json_decref) */
    char error[192];            /* out: why doc is NULL (never a body, never a token) */
};

/* Sends n GETs concurrently with the instance's technical token (a 401 fetches a new token
 * and sends those again once), each cut to st->deadline_us when set. Every item gets its
 * status and either doc or error. Returns 0 when every item has a doc, else the first
 * failure's code (LW_EAUTH, LW_EIO, LW_ETIMEOUT, LW_ENOTFOUND for 404, LW_ENOMEM) with its
 * reason in err. For the SQL tables that read Lakekeeper; the authorizer does not use it. */
int lk_client_get(struct lk_client *c, struct lk_get *gets, int n, struct lk_stats *st,
                  struct lw_err *err) LW_MUSTCHECK;

/* Probes reachability for /health: a token can be had and the config endpoint answers. */
bool lk_client_reachable(struct lk_client *c, char *why, size_t whylen);

#endif

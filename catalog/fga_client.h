/* fga_client.h -- OpenFGA's HTTP API as the permission tables read it: Read (all pages),
 * ReadChanges (continuation token), Check through BatchCheck, ListObjects, ListUsers and
 * ReadAuthorizationModel. Every call has a deadline, every response body is bounded, and
 * every failure comes back as a value with a reason (never a partial answer passed off as
 * whole). Requests go through http_client_exchange, so unit tests can answer them. */
#ifndef FGA_CLIENT_H
#define FGA_CLIENT_H

#include "../server/core/lw.h"

#include <jansson.h>

/* OpenFGA's own limit on BatchCheck (OPENFGA_MAX_CHECKS_PER_BATCH_CHECK default). */
#define FGA_BATCH_CHECK_MAX 50

struct fga_client_opts {
    const char *url;          /* e.g. http://127.0.0.1:8080; trailing '/' stripped */
    const char *store_id;
    const char *model_id;     /* NULL/"": OpenFGA uses the store's latest model */
    const char *api_token;    /* NULL/"": no Authorization header (pre-shared key otherwise) */
    long timeout_ms;          /* per request, cut to the caller's deadline */
    size_t max_response;      /* bound on one response body */
    int page_size;            /* Read/ReadChanges page size, clamped to [1, 100] */
};

/* A tuple key; any field may be NULL in a Read filter. */
struct fga_key {
    const char *user;
    const char *relation;
    const char *object;
};

/* One tuple or one change, owned by its list. */
struct fga_tuple {
    char *user;
    char *relation;
    char *object;
    int64_t ts_ms;            /* the tuple's or the change's timestamp, ms since the epoch */
    bool deleted;             /* changes only: TUPLE_OPERATION_DELETE */
};

struct fga_tuples {
    struct fga_tuple *v;
    size_t n, cap;
    size_t bytes;             /* sum of the three strings' lengths (for the mirror's bound) */
};

struct fga_strs {
    char **v;
    size_t n;
};

struct fga_client;

/* NULL + err (LW_ECONFIG) on bad options. The options' strings are copied. */
struct fga_client *fga_client_new(const struct fga_client_opts *o, struct lw_err *err) LW_MUSTCHECK;
void fga_client_free(struct fga_client *c);

void fga_tuples_free(struct fga_tuples *t);
void fga_strs_free(struct fga_strs *s);

/* Every call: deadline_us is an lw_mono_us time (0: only the per-request timeout); returns
 * LW_OK or an error code with the reason in err (LW_EIO, LW_ETIMEOUT, LW_EAUTH, LW_ENOTFOUND,
 * LW_EINVAL for a response that is not what the API documents, LW_ENOMEM for a bound). */

/* Read with all its pages appended to out. filter NULL: every tuple of the store. More than
 * max_tuples tuples is LW_ENOMEM (refused, not truncated); 0: no bound. */
int fga_read(struct fga_client *c, const struct fga_key *filter, size_t max_tuples,
             struct fga_tuples *out, int64_t deadline_us, struct lw_err *err) LW_MUSTCHECK;

/* ReadChanges from *token (NULL or "": from the beginning of the log), pages until an empty
 * page, appending the changes to out in the log's order. *token is replaced with the token to
 * continue from (caller frees with lw_free). At most max_changes (0: no bound): past it the
 * call stops with LW_OK and the token of the last whole page, so the caller continues later. */
int fga_read_changes(struct fga_client *c, char **token, size_t max_changes,
                     struct fga_tuples *out, int64_t deadline_us, struct lw_err *err) LW_MUSTCHECK;

/* Answers n checks (sent FGA_BATCH_CHECK_MAX per BatchCheck request, concurrently).
 * allowed[i] is true only when OpenFGA said true for keys[i]. A check OpenFGA answered with
 * an error fails the call. */
int fga_check(struct fga_client *c, const struct fga_key *keys, bool *allowed, int n,
              int64_t deadline_us, struct lw_err *err) LW_MUSTCHECK;

/* ListObjects: the objects ("type:id") of type on which user has relation. */
int fga_list_objects(struct fga_client *c, const char *type, const char *relation,
                     const char *user, struct fga_strs *out, int64_t deadline_us,
                     struct lw_err *err) LW_MUSTCHECK;

/* One ListObjects of a batch: its question (borrowed) and the objects it answered (appended
 * to; the caller frees them with fga_strs_free, also when the batch failed). */
struct fga_list_objects_req {
    const char *type, *relation, *user;
    struct fga_strs objects;
};

/* Most requests one call keeps in flight. */
#define FGA_CONCURRENCY_MAX 64

/* Asks n ListObjects, `concurrency` at a time (clamped to [1, FGA_CONCURRENCY_MAX]): each
 * round goes out together and is waited for whole, and every request's timeout is cut to
 * deadline_us. LW_OK when every one was answered; otherwise the failure of the first
 * request (in reqs order) of the first round that had one, and no further round is sent. */
int fga_list_objects_many(struct fga_client *c, struct fga_list_objects_req *reqs, int n,
                          int concurrency, int64_t deadline_us,
                          struct lw_err *err) LW_MUSTCHECK;

/* ListUsers: subjects of user_type (with user_relation, e.g. role#assignee, when non-NULL)
 * that have relation on object ("type:id"). Results rendered as OpenFGA's user strings:
 * "user:x", "role:r#assignee", "user:*". */
int fga_list_users(struct fga_client *c, const char *object, const char *relation,
                   const char *user_type, const char *user_relation, struct fga_strs *out,
                   int64_t deadline_us, struct lw_err *err) LW_MUSTCHECK;

/* ReadAuthorizationModel: model_id NULL means the client's model (error when it has none).
 * *model is the "authorization_model" object, owned by the caller (json_decref). */
int fga_read_model(struct fga_client *c, const char *model_id, json_t **model,
                   int64_t deadline_us, struct lw_err *err) LW_MUSTCHECK;

/* Parsing, exposed for unit tests: RFC 3339 time to ms since the epoch (-1 if malformed). */
int64_t fga_parse_time(const char *s);

#endif

/* standin.h -- shared types of the Lakekeeper stand-in (the project's one test double): the
 * process context, the per-request call, size bounds, and small helpers every endpoint uses
 * (Lakekeeper-shaped errors, JSON answers, ids, pagination tokens). */
#ifndef STANDIN_H
#define STANDIN_H

#include "../../server/core/lw.h"
#include "../../server/core/lw_buf.h"
#include "../../server/http_server.h"

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>

/* Bounds: every id, name and list the stand-in keeps or accepts is capped here. */
#define SI_ID_MAX 64       /* uuids and project ids (+NUL) */
#define SI_USER_ID_MAX 192 /* "oidc~<subject>"; Lakekeeper caps the subject below 128 */
#define SI_NAME_MAX 256
#define SI_FGA_USER_MAX 600 /* "user:" + percent-encoded id; OpenFGA itself caps at 512 */
#define SI_FGA_OBJ_MAX 264  /* OpenFGA caps objects at 256 */
#define SI_FGA_REL_MAX 64
#define SI_NS_DEPTH_MAX 16   /* namespace nesting */
#define SI_MAX_CHECKS 1000   /* Lakekeeper's batch-check limit */
#define SI_MAX_OBJECTS 10000 /* per kind of catalog object */
#define SI_PAGE_MAX 1000     /* LAKEKEEPER__PAGINATION_SIZE_MAX default */
#define SI_PAGE_DEFAULT 100  /* LAKEKEEPER__PAGINATION_SIZE_DEFAULT default */
#define SI_MAX_SEGS 16

/* Object kinds, in the order of Lakekeeper's operation types. */
enum standin_kind {
    SI_SERVER = 0,
    SI_PROJECT,
    SI_WAREHOUSE,
    SI_NAMESPACE,
    SI_TABLE,
    SI_VIEW,
    SI_GENERIC_TABLE,
    SI_ROLE,
    SI_KIND_COUNT
};

/* Endpoints counted by /_control/stats (and matched by fault injection). */
enum standin_ep {
    SI_EP_INFO = 0,
    SI_EP_WHOAMI,
    SI_EP_PROJECT_LIST,
    SI_EP_PROJECT,
    SI_EP_WAREHOUSE_LIST,
    SI_EP_WAREHOUSE,
    SI_EP_CONFIG,
    SI_EP_NAMESPACES,
    SI_EP_NAMESPACE,
    SI_EP_TABLES,
    SI_EP_VIEWS,
    SI_EP_ROLES,
    SI_EP_ROLE,
    SI_EP_ROLE_MEMBERS,
    SI_EP_USERS,
    SI_EP_USER,
    SI_EP_ASSIGNMENTS_GET,
    SI_EP_ASSIGNMENTS_POST,
    SI_EP_ACTIONS,
    SI_EP_BATCH_CHECK,
    SI_EP_OTHER,
    SI_EP_COUNT
};
extern const char *const standin_ep_names[SI_EP_COUNT];

struct standin_opts {
    const char *listen;
    const char *seed;
    const char *openfga_url;
    const char *store_id;
    const char *model_id;
    const char *issuer;
    const char *jwks_url;
    const char *audience;
    const char *control_token;
    const char *iceberg_rest_url; /* real Iceberg REST server behind /catalog/v1 (optional) */
};

/* Fault injection (POST /_control/fault), shared by all connection threads. */
enum standin_fault_mode {
    SI_FAULT_NONE = 0,
    SI_FAULT_DELAY,
    SI_FAULT_STATUS,
    SI_FAULT_GARBAGE,
    SI_FAULT_DROP
};
enum standin_fault_paths { SI_FAULT_PATHS_BATCH = 0, SI_FAULT_PATHS_CONFIG, SI_FAULT_PATHS_ALL };

struct standin_fault {
    pthread_mutex_t mu;
    int mode;
    int paths;
    long ms;
    int status;
    long remaining; /* matching requests still to fault; -1 = until cleared */
};

struct standin_stats {
    atomic_long requests[SI_EP_COUNT];
    atomic_long unauthorized;
    atomic_long faulted;
    atomic_long checks;     /* checks received in well-formed batch-check calls */
    atomic_long checks_max; /* largest batch-check request seen */
    /* checks the stand-in's own endpoints asked OpenFGA (listings, gets, /actions, ...; not
     * those of batch-check requests), by the checked object's kind; SI_KIND_COUNT: other */
    atomic_long fga_checks[SI_KIND_COUNT + 1];
};

struct standin_state;
struct standin_jwt;

struct standin_flights;

struct standin_fga {
    char base[512]; /* "<url>/stores/<store>" */
    char model_id[SI_ID_MAX];
    long timeout_ms;
    struct standin_flights *flights; /* shared in-flight checks (standin_flight.h); NULL: none */
};

struct standin {
    struct standin_opts opts;
    struct standin_state *state;
    struct standin_jwt *jwt;
    struct standin_fga fga;
    struct standin_fault fault;
    struct standin_stats stats;
};

/* The authenticated caller, from a verified token. */
struct standin_principal {
    char user_id[SI_USER_ID_MAX]; /* "oidc~<sub>" */
    char name[SI_NAME_MAX];
    char email[SI_NAME_MAX];
    bool application;
};

/* One API request after authentication. seg[] are the path segments after the API prefix
 * ("/management/v1/" or "/catalog/v1/"), percent-decoded by the HTTP layer. */
struct standin_call {
    struct standin *si;
    const struct http_request *req;
    struct http_response *resp;
    struct standin_principal who;
    char actor[SI_FGA_USER_MAX]; /* OpenFGA subject of the caller */
    const char *seg[SI_MAX_SEGS];
    int nseg;
};

/* --- helpers (standin_util.c) --- */

/* Lakekeeper's error body {"error":{"code","message","type"}}. */
void standin_error(struct http_response *resp, int status, const char *type, const char *fmt, ...)
    LW_PRINTF(4, 5);
/* A plain-text error, as axum's extractors answer (400/415/422 for bad bodies). */
void standin_text_error(struct http_response *resp, int status, const char *fmt, ...)
    LW_PRINTF(3, 4);
/* Serialises obj (borrowed) as the 200 answer; 500 if it does not fit the response bound. */
void standin_json(struct http_response *resp, int status, const json_t *obj);
/* Takes ownership of obj: answers it and frees it. NULL means allocation failed (500). */
void standin_json_take(struct http_response *resp, json_t *obj);

/* True for the canonical 8-4-4-4-12 hex form (either case). */
bool standin_is_uuid(const char *s);
/* Writes a random (v4) UUID, lower case, into out[37]. */
void standin_uuid_v4(char out[37]);
/* Lakekeeper's project-id charset: [A-Za-z0-9_-]{1,63}. */
bool standin_is_project_id(const char *s);
/* Lakekeeper's user-id rules: "<idp>~<subject>", subject non-empty, < 128 bytes, no controls. */
bool standin_is_user_id(const char *s);
/* RFC 3339 UTC timestamp of a wall-clock millisecond value. */
void standin_rfc3339(int64_t ms, char out[32]);
/* Bounded copy; returns false (and leaves a truncated copy) when src does not fit. */
bool standin_copy(char *dst, size_t n, const char *src);

/* OpenFGA subject of a Lakekeeper user id: "user:" + percent-encoding of every byte except
 * A-Z a-z 0-9 - _ . ~ (uppercase hex), as Lakekeeper writes it. false if it does not fit. */
bool standin_fga_user(const char *user_id, char *out, size_t n);
/* Reverse of the percent-encoding (input without the "user:" prefix). */
bool standin_fga_user_decode(const char *enc, char *out, size_t n);

/* Pagination: decodes pageToken/pageSize the way Lakekeeper does. No pageToken at all means
 * the max page size; an empty one the default size. Returns false on a malformed token or
 * size (the caller answers 400). */
bool standin_page_params(const struct http_request *req, size_t *offset, size_t *limit);
/* Adds "next-page-token" (string, or null when done) to obj. */
void standin_page_token(json_t *obj, size_t next_offset, bool more);

/* Repeated query values of key (e.g. roleIds=a&roleIds=b): fills up to max pointers borrowed
 * from the request and returns the count. */
int standin_query_all(const struct http_request *req, const char *key, const char **out, int max);
/* The project of the request: x-project-id header or the default project. */
const char *standin_project_of(const struct standin_call *c);

#endif

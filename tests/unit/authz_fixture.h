/* authz_fixture.h -- shared fixture of the authz conformance tests (opa-bridge-spec.md §7):
 * an engine per test built from the §7.0 configurations, a fake http_client_exchange that
 * plays the mock IdP and Lakekeeper (§7.0 mocks) and records every request, a controllable
 * clock, builders for Trino inputs, and assertions on the checks Lakekeeper received.
 *
 * Test files `#include "authz_fixture.c"` (one translation unit per test binary), list their
 * cases with FX_CASE and call fx_global_init() first in main. */
#ifndef AUTHZ_FIXTURE_H
#define AUTHZ_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>

#include "../../authz/authz_decision_log.h"
#include "../../authz/authz_engine.h"
#include "../../catalog/check_cache.h"
#include "../../catalog/http_client.h"
#include "../../catalog/lk_client.h"
#include "../../server/config.h"
#include "../../server/core/lw.h"
#include "../../server/core/lw_buf.h"

/* Every fixture function is file-local; not every test file uses all of them. */
#define FX_API static __attribute__((unused))

/* A test case: the fixture's teardown frees the engine and the recorded requests even when
 * an assertion failed. */
#define FX_CASE(f) cmocka_unit_test_teardown(f, fx_teardown)

/* ---- recorded requests --------------------------------------------------------------- */

enum fx_kind { FX_TOKEN, FX_CONFIG, FX_BATCH, FX_OTHER, FX_NKINDS };

struct fx_req {
    enum fx_kind kind;
    int ordinal;                    /* index among the recorded requests of its kind */
    int exchange;                   /* which http_client_exchange call carried it */
    char *method, *url, *body;
    char *headers[HTTP_CLIENT_MAX_HEADERS];
    int nheaders;
    long timeout_ms;
    json_t *json;                   /* parsed body of a batch-check, else NULL */
};

/* Which batch-check requests an assertion looks at: the broad-access probes are the requests
 * carrying X-Request-ID (deviation 3); everything else is "plain" (slow path, single checks). */
enum fx_which { FX_ALL, FX_PROBES, FX_PLAIN };
enum fx_match { FX_ORDERED, FX_SET, FX_CONTAINS };

/* ---- the mock IdP / Lakekeeper ------------------------------------------------------- */

/* Per-check rule of a §7.0 mock: is this batch-check item allowed? */
typedef bool (*fx_rule_fn)(json_t *check);
/* Per-test override, called for every request before the mock answers; returns true when it
 * filled resp itself (resp is already zeroed and its body initialised). Runs without the
 * fixture's lock, so it may block. */
typedef bool (*fx_hook_fn)(const struct fx_req *req, struct http_client_resp *resp);

enum fx_fault {
    FX_FAULT_NONE,
    FX_FAULT_401,           /* HTTP 401, JSON body */
    FX_FAULT_404,           /* HTTP 404 NoSuchWarehouseException */
    FX_FAULT_500,           /* HTTP 500, JSON body */
    FX_FAULT_TIMEOUT,       /* no response: LW_ETIMEOUT after the request's timeout */
    FX_FAULT_CONNECT,       /* no response: connection refused (LW_EIO) */
    FX_FAULT_GARBAGE,       /* 200 application/json, body not JSON */
    FX_FAULT_HTML,          /* 200 text/html */
    FX_FAULT_WRONG_COUNT,   /* batch-check: one result more than checks, all true */
    FX_FAULT_STRING_TRUE,   /* batch-check: "allowed": "true" (a string) */
    FX_FAULT_NO_TOKEN,      /* token: 200 without access_token */
};

/* A fault applied to the requests of one kind whose ordinal is in [from, to); to == 0
 * means "from `from` on". */
struct fx_fault_spec {
    enum fx_fault fault;
    int from, to;
};

struct fx_mock {
    fx_rule_fn rule;                        /* NULL: M-DENY-ALL */
    fx_hook_fn hook;
    struct fx_fault_spec fault[FX_NKINDS];
    const char *token_body;                 /* NULL: {"access_token":"mock-token"} */
    bool unique_tokens;                     /* access_token "mock-token-<n>", n from 1 */
    const char *wid;                        /* NULL: "mock-wh-id" */
    bool wid_per_warehouse;                 /* prefix "wid-<warehouse query value>" */
};

/* ---- configurations (§7.0) ----------------------------------------------------------- */

struct fx_cat {
    const char *name, *warehouse;
    int instance;                   /* 0: the first instance, 1: the second (fx_cfg.lk2) */
};

struct fx_cfg {
    bool lk;                        /* a Lakekeeper instance exists */
    bool lk2;                       /* a second one: http://mock-lakekeeper-2, own IdP */
    const struct fx_cat *cats;      /* NULL: [managed -> test-warehouse] */
    int ncats;
    bool flag;                      /* TRINO_ALLOW_UNMANAGED_CATALOGS=true */
    const char *const *admins;
    int nadmins;
    bool max_batch_set;             /* else 1000 */
    int max_batch;
    const char *url;                /* NULL: http://mock-lakekeeper */
    const char *client_secret;      /* NULL: test-secret */
    const char *scope;              /* NULL: lakekeeper */
    int64_t decision_ttl_ms;        /* 0 as the reference */
    int64_t probe_ttl_ms;           /* 0: 30000 */
    const struct authz_rule *rules;
    int nrules;
    bool decision_log;
    size_t decision_log_max_bytes;  /* 0: the default (64 MiB) */
    int64_t deadline_ms;            /* 0: no decision deadline */
    size_t decision_cache_max_bytes;/* 0: the default (64 MiB) */
    int refresh_ahead_pct;          /* 0: no refresh-ahead; else both caches, through submit */
    int (*submit)(void *ctx, void (*fn)(void *), void *arg);
    void *submit_ctx;
};

#define FX_WID "mock-wh-id"
#define FX_T0_MS 1000000000LL        /* the fake clock's start */

#endif

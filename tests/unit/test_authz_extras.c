/* test_authz_extras.c -- lakeward behaviour beyond opa-bridge-spec.md §7: the decision cache,
 * coalescing of identical checks across threads, upstream failures and recovery, token and
 * warehouse-id caching, chunk failures (deviation 6), several Lakekeeper instances, and the
 * decision log. Same fixture as the §7 cases (authz_fixture.c). */
#include "authz_fixture.c"

#include "../../server/core/lw_metrics.h"

#include <time.h>

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- decision cache (decision_ttl_ms > 0) ------------------------------------------------ */

static void start_with_decision_cache(int64_t ttl)
{
    struct fx_cfg c = {.lk = true, .decision_ttl_ms = ttl};
    fx_start(&c);
}

static void extra_decision_cache_allow(void **state)
{
    (void)state;
    start_with_decision_cache(5000);
    fx_mock.rule = M_WAREHOUSE_ONLY;
    assert_true(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_int_equal(fx_n(FX_BATCH), 1);
    fx_advance_ms(4999);
    assert_true(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_int_equal(fx_n(FX_BATCH), 1);            /* answered from the cache */
    /* Another user is another check. */
    fx_set_user("bob");
    assert_true(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_int_equal(fx_n(FX_BATCH), 2);
    FX_EXPECT_REQUEST(FX_PLAIN, 1, W("get_config"));
    fx_set_user("test-user");
    fx_advance_ms(1);                               /* the TTL has passed */
    fx_mock.rule = M_DENY_ALL;
    assert_false(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_int_equal(fx_n(FX_BATCH), 3);
}

/* A whole answer kept by the decision cache never outlives the Lakekeeper answers it was
 * built from: the revocation lag stays within decision_cache_ttl_ms. */
static void extra_decision_cache_bounded_by_its_checks(void **state)
{
    (void)state;
    start_with_decision_cache(5000);
    fx_mock.rule = M_WAREHOUSE_ONLY;
    assert_true(fx_allow("AccessCatalog", R_CAT("managed")));     /* get_config asked at t=0 */
    assert_int_equal(fx_n(FX_BATCH), 1);
    fx_advance_ms(3000);
    /* Another question, same check: answered from the check cache (expires at t=5000). */
    assert_true(fx_allow("FilterCatalogs", R_CAT("managed")));
    assert_int_equal(fx_n(FX_BATCH), 1);
    fx_advance_ms(1999);                                          /* t=4999: whole answer kept */
    assert_true(fx_allow("FilterCatalogs", R_CAT("managed")));
    assert_int_equal(fx_n(FX_BATCH), 1);
    fx_advance_ms(2);                                             /* t=5001: both expired */
    fx_mock.rule = M_DENY_ALL;
    assert_false(fx_allow("FilterCatalogs", R_CAT("managed")));
    assert_int_equal(fx_n(FX_BATCH), 2);
}

/* A query id that is not a plain Trino id never reaches a header (CR/LF would inject headers
 * into lakeward's authenticated Lakekeeper requests); the probes carry "" instead. */
static void extra_query_id_with_line_break_is_not_sent(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_DENY_ALL;
    fx_query_id = "q1\r\nX-Injected: 1";
    FX_ASSERT_BATCH("FilterTables", "[]", R_TBL("managed", "s", "t"));
    assert_string_equal(fx_header(fx_req(FX_BATCH, 0), "X-Request-ID"), "");
    assert_null(fx_header(fx_req(FX_BATCH, 0), "X-Injected"));
    fx_query_id = "20260101_000000_00001_abcde";
    FX_ASSERT_BATCH("FilterTables", "[]", R_TBL("managed", "s", "t"));
    assert_string_equal(fx_header(fx_req(FX_BATCH, 3), "X-Request-ID"), fx_query_id);
    fx_query_id = NULL;
}

static void extra_decision_cache_batch(void **state)
{
    (void)state;
    start_with_decision_cache(5000);
    fx_mock.rule = M_TABLE_A;
    FX_ASSERT_BATCH("SelectFromColumns", "[0]", R_TBL("managed", "s", "table_a"),
                    R_TBL("managed", "s", "b"));
    assert_int_equal(fx_n(FX_BATCH), 1);
    FX_ASSERT_BATCH("SelectFromColumns", "[0]", R_TBL("managed", "s", "table_a"),
                    R_TBL("managed", "s", "b"));
    assert_int_equal(fx_n(FX_BATCH), 1);
    /* Only the checks not cached yet are sent. */
    FX_ASSERT_BATCH("SelectFromColumns", "[0]", R_TBL("managed", "s", "table_a"),
                    R_TBL("managed", "s", "c"));
    assert_int_equal(fx_n(FX_BATCH), 2);
    FX_EXPECT_REQUEST(FX_PLAIN, 1, T("read_data", "['s']", "c"), V("select", "['s']", "c"));
    fx_advance_ms(5000);
    FX_ASSERT_BATCH("SelectFromColumns", "[0]", R_TBL("managed", "s", "table_a"),
                    R_TBL("managed", "s", "b"));
    assert_int_equal(fx_n(FX_BATCH), 3);
    assert_int_equal(fx_batch_size(FX_PLAIN, 2), 4);
}

static void extra_decision_cache_does_not_keep_failures(void **state)
{
    (void)state;
    start_with_decision_cache(5000);
    fx_mock.rule = M_WAREHOUSE_ONLY;
    fx_mock.fault[FX_BATCH] = (struct fx_fault_spec){FX_FAULT_500, 0, 1};
    assert_false(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_true(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_int_equal(fx_n(FX_BATCH), 2);
}

/* Whether s is a decision id: lowercase hex "xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx". */
static bool is_decision_id(const char *s)
{
    static const char shape[] = "xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx";
    if (!s || strlen(s) != sizeof shape - 1)
        return false;
    for (size_t i = 0; shape[i]; i++) {
        bool ok = shape[i] == 'x' ? strchr("0123456789abcdef", s[i]) != NULL : s[i] == shape[i];
        if (!ok || !s[i])
            return false;
    }
    return true;
}

/* authz_engine_try_cached answers only what the cache holds, never asks Lakekeeper, and a hit
 * is the same answer decide gives (fresh decision_id, counted, logged). */
static void extra_try_cached_answers_only_hits(void **state)
{
    struct lw_buf out;
    json_t *ans;
    char *body;
    (void)state;
    struct fx_cfg c = {.lk = true, .decision_ttl_ms = 5000, .decision_log = true};
    fx_start(&c);
    fx_mock.rule = M_WAREHOUSE_ONLY;
    body = fx_body("AccessCatalog", R_CAT("managed"), NULL, NULL);
    lw_buf_init(&out, FX_MAX_BODY);
    assert_int_equal(authz_engine_try_cached(fx.eng, false, body, strlen(body), &out), 0);
    assert_int_equal(out.len, 0);                   /* a miss leaves out untouched */
    assert_int_equal(fx_n(FX_BATCH), 0);            /* and never asks upstream */
    assert_true(fx_allow_body(body));
    assert_int_equal(fx_n(FX_BATCH), 1);
    assert_int_equal(authz_engine_try_cached(fx.eng, false, body, strlen(body), &out), 200);
    assert_int_equal(fx_n(FX_BATCH), 1);
    ans = json_loadb(out.data, out.len, 0, NULL);
    assert_non_null(ans);
    assert_true(json_is_true(json_object_get(ans, "result")));
    assert_true(is_decision_id(json_string_value(json_object_get(ans, "decision_id"))));
    json_decref(ans);
    /* The other endpoint is another cache key. */
    lw_buf_reset(&out);
    assert_int_equal(authz_engine_try_cached(fx.eng, true, body, strlen(body), &out), 0);
    assert_int_equal(out.len, 0);
    /* The computed decision and the hit reached the decision log; the misses did not. */
    {
        struct authz_decision_summary *rows = NULL;
        int n = 0;
        assert_int_equal(authz_decision_log_copy(fx.log, -1, true, &rows, &n), 0);
        assert_int_equal(n, 2);
        assert_non_null(strstr(rows[1].json, "\"decision_cache\":true"));
        assert_null(strstr(rows[0].json, "\"decision_cache\""));
        authz_decision_log_rows_free(rows, n);
    }
    lw_buf_free(&out);
    lw_free(body);
}

/* A 400 quotes jansson's error text, which quotes the input cut after a byte count: the error
 * body must still be valid JSON (fx_decide parses it; jansson rejects invalid UTF-8) and keep
 * whole characters. Bodies: a split two-byte character after a bad escape, bytes that are no
 * UTF-8 at all, a split four-byte character, and long runs of multi-byte characters so every
 * cut position (jansson's and the message bound's) is tried. */
static void extra_bad_request_message_is_valid_utf8(void **state)
{
    static const char *const bodies[] = {
        "{\"input\":{\"x\":\"\\\xc3\xa9\"}}",
        "{\"input\":{\"x\":\"\xff\xfe\"}}",
        "{\"input\":{\"x\":\"\\\xf0\x9f\x98\x80\"}}",
        "{\"input\":{\"x\":\xed\xa0\x80}}",
    };
    char big[1200];
    json_t *ans;
    (void)state;
    fx_start_test();
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        assert_int_equal(fx_decide(i % 2, bodies[i], strlen(bodies[i]), &ans), 400);
        assert_true(json_is_string(json_object_get(json_object_get(ans, "error"), "message")));
        json_decref(ans);
    }
    for (int shift = 0; shift < 4; shift++) {
        size_t n = 0;
        n += (size_t)snprintf(big, sizeof big, "{\"input\":%.*s", shift, "xxx");
        while (n + 8 < sizeof big) {
            memcpy(big + n, "\xe2\x82\xac", 3);        /* the euro sign, three bytes */
            n += 3;
        }
        big[n] = '\0';
        assert_int_equal(fx_decide(false, big, n, &ans), 400);
        json_decref(ans);
    }
    /* The message keeps what can be kept: the position and jansson's explanation. */
    assert_int_equal(fx_decide(false, bodies[0], strlen(bodies[0]), &ans), 400);
    assert_non_null(strstr(json_string_value(json_object_get(json_object_get(ans, "error"), "message")),
                           "invalid escape"));
    json_decref(ans);
    assert_int_equal(fx_n_total(), 0);
}

/* ---- memory bounds (issue 11 finding 2) --------------------------------------------------- */

/* A cacheable ExecuteQuery body of about `size` bytes, made distinct by n. */
static char *padded_body(int n, size_t size)
{
    struct lw_buf b;
    char *s;
    lw_buf_init(&b, FX_MAX_BODY);
    lw_buf_printf(&b, "{\"input\":{\"context\":{\"identity\":{\"user\":\"u\",\"groups\":[]},"
                      "\"properties\":{\"n\":%d,\"pad\":\"", n);
    while (b.len < size)
        lw_buf_puts(&b, "0123456789abcdef");
    lw_buf_puts(&b, "\"}},\"action\":{\"operation\":\"ExecuteQuery\"}}}");
    s = lw_buf_take(&b);
    assert_non_null(s);
    return s;
}

/* Many large cacheable bodies keep the decision cache under its byte bound; expired answers
 * are dropped as traffic passes, not only when pushed out. */
static void extra_decision_cache_bounded_in_bytes(void **state)
{
    const size_t bound = 2u << 20;
    size_t peak = 0;
    char *body;
    (void)state;
    struct fx_cfg c = {.lk = true, .decision_ttl_ms = 5000, .decision_cache_max_bytes = bound};
    fx_start(&c);
    for (int i = 0; i < 300; i++) {                  /* 300 x 60 KB = 18 MB offered */
        body = padded_body(i, 60000);
        assert_true(fx_allow_body(body));
        if (authz_engine_cache_bytes(fx.eng) > peak)
            peak = authz_engine_cache_bytes(fx.eng);
        lw_free(body);
    }
    assert_true(peak <= bound);
    assert_true(peak > bound / 2);                  /* it did cache: the bound is what held */
    /* The newest answers are still there. */
    body = padded_body(299, 60000);
    {
        struct lw_buf out;
        lw_buf_init(&out, FX_MAX_BODY);
        assert_int_equal(authz_engine_try_cached(fx.eng, false, body, strlen(body), &out), 200);
        lw_buf_free(&out);
    }
    lw_free(body);
    /* Past the TTL, one small decision is enough to drop every expired answer. */
    fx_advance_ms(5001);
    assert_true(fx_allow("ExecuteQuery", NULL));
    assert_true(authz_engine_cache_bytes(fx.eng) < bound / 2);
    assert_int_equal(fx_n_total(), 0);
}

/* The check cache itself: big keys, in-flight claims and published answers stay under the
 * byte bound, and an entry larger than the whole bound is simply not kept. */
static void extra_check_cache_bounded_in_bytes(void **state)
{
    const size_t bound = 1u << 20;
    struct check_cache *cc = check_cache_new(1000000, bound, NULL);
    char *key = lw_malloc(10001);
    bool allowed = false;
    (void)state;
    assert_non_null(cc);
    assert_non_null(key);
    for (int i = 0; i < 1000; i++) {                 /* 1000 x 10 KB keys = 10 MB offered */
        memset(key, 'a' + i % 26, 10000);
        snprintf(key, 10001, "%d|", i);
        key[strlen(key)] = 'x';
        key[10000] = '\0';
        if (check_cache_acquire(cc, key, &allowed, NULL, NULL) == CHECK_CACHE_OWNER && i % 2)
            check_cache_complete(cc, key, true, true, 5000);
        assert_true(check_cache_bytes(cc) <= bound);
    }
    assert_true(check_cache_entries(cc) > 10);
    {
        char *huge = lw_calloc(1, 2u << 20);
        assert_non_null(huge);
        check_cache_put_blob(cc, "huge", huge, 2u << 20, 5000);
        size_t n = 0;
        assert_null(check_cache_get_blob(cc, "huge", &n, NULL));
        lw_free(huge);
    }
    assert_true(check_cache_bytes(cc) <= bound);
    check_cache_free(cc);
    lw_free(key);
}

/* The decision log's ring is bounded in bytes as well as in records: a long group list is
 * logged whole, so records can be large. */
static void extra_decision_log_bounded_in_bytes(void **state)
{
    struct fx_cfg c = {.lk = true, .decision_log = true, .decision_log_max_bytes = 1u << 20};
    struct lw_buf groups;
    char *groups_json, *body;
    (void)state;
    fx_start(&c);
    lw_buf_init(&groups, FX_MAX_BODY);
    lw_buf_putc(&groups, '[');
    for (int i = 0; i < 5000; i++)
        lw_buf_printf(&groups, i ? ",\"group-%05d\"" : "\"group-%05d\"", i);
    lw_buf_putc(&groups, ']');
    groups_json = lw_buf_take(&groups);
    assert_non_null(groups_json);
    for (int i = 0; i < 60; i++) {                   /* 60 records of ~80 KB */
        struct lw_buf b;
        lw_buf_init(&b, FX_MAX_BODY);
        lw_buf_printf(&b, "{\"input\":{\"context\":{\"identity\":{\"user\":\"u%d\",\"groups\":%s}},"
                          "\"action\":{\"operation\":\"ExecuteQuery\"}}}", i, groups_json);
        body = lw_buf_take(&b);
        assert_true(fx_allow_body(body));
        lw_free(body);
        assert_true(authz_decision_log_bytes(fx.log) <= 1u << 20);
    }
    {
        struct authz_decision_summary *rows = NULL;
        int n = 0;
        assert_int_equal(authz_decision_log_copy(fx.log, -1, true, &rows, &n), 0);
        assert_true(n > 1 && n < 60);
        assert_string_equal(rows[n - 1].user, "u59");   /* the newest stay */
        authz_decision_log_rows_free(rows, n);
    }
    lw_free(groups_json);
}

/* ---- one deadline per decision (issue 11 finding 4) ------------------------------------ */

static void sleep_ms(int ms);

static _Atomic long deadline_max_timeout;
static enum fx_kind stalled_kind = FX_BATCH;

/* Requests of stalled_kind stall: each waits out its whole timeout. */
static bool stall_batch_checks(const struct fx_req *req, struct http_client_resp *resp)
{
    long seen;
    if (req->kind != stalled_kind)
        return false;
    seen = atomic_load(&deadline_max_timeout);
    while (req->timeout_ms > seen && !atomic_compare_exchange_weak(&deadline_max_timeout, &seen,
                                                                   req->timeout_ms))
        ;
    sleep_ms((int)req->timeout_ms);
    resp->error = LW_ETIMEOUT;
    snprintf(resp->error_msg, sizeof resp->error_msg, "timed out after %ld ms", req->timeout_ms);
    return true;
}

/* With a stalled Lakekeeper a decision answers deny when its deadline passes, for allow and
 * for a batch that would otherwise send three requests one after another (probe, namespace
 * probe, slow path: 3 x the 5 s upstream timeout). Every request's timeout is cut to what is
 * left of the deadline, and the record says why. */
static void extra_decision_deadline_with_stalled_upstream(void **state)
{
    struct authz_decision_summary *rows = NULL;
    int64_t t0;
    int n = 0;
    (void)state;
    struct fx_cfg c = {.lk = true, .deadline_ms = 400, .decision_log = true};
    fx_start(&c);
    fx_mock.rule = M_ALLOW_ALL;
    fx_mock.hook = stall_batch_checks;
    atomic_store(&deadline_max_timeout, 0);

    t0 = lw_mono_us();
    assert_false(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_true(lw_mono_us() - t0 < 4000000);           /* hang bound: the timeout is 5 s */
    assert_true(atomic_load(&deadline_max_timeout) <= 400);
    assert_int_equal(fx_n(FX_BATCH), 1);

    t0 = lw_mono_us();
    FX_ASSERT_BATCH("FilterTables", "[]", R_TBL("managed", "s", "t1"), R_TBL("managed", "s", "t2"));
    assert_true(lw_mono_us() - t0 < 4000000);
    assert_true(atomic_load(&deadline_max_timeout) <= 400);
    assert_int_equal(fx_n(FX_BATCH), 2);                 /* the later phases were not sent */

    assert_int_equal(authz_decision_log_copy(fx.log, -1, true, &rows, &n), 0);
    assert_int_equal(n, 2);
    for (int i = 0; i < n; i++)
        if (!strstr(rows[i].json, "\"error\":\"decision deadline passed\""))
            fail_msg("%s", rows[i].json);
    authz_decision_log_rows_free(rows, n);

    /* Lakekeeper back: the next decision is answered normally. */
    fx_mock.hook = NULL;
    assert_true(fx_allow("AccessCatalog", R_CAT("managed")));
}

/* A stalled IdP: the token request's timeout is cut to the deadline as well. */
static void extra_decision_deadline_with_stalled_idp(void **state)
{
    struct authz_decision_summary *rows = NULL;
    int64_t t0;
    int n = 0;
    (void)state;
    struct fx_cfg c = {.lk = true, .deadline_ms = 300, .decision_log = true};
    fx_start(&c);
    fx_mock.rule = M_ALLOW_ALL;
    fx_mock.hook = stall_batch_checks;
    stalled_kind = FX_TOKEN;
    atomic_store(&deadline_max_timeout, 0);
    t0 = lw_mono_us();
    assert_false(fx_allow("AccessCatalog", R_CAT("managed")));
    stalled_kind = FX_BATCH;
    assert_true(lw_mono_us() - t0 < 4000000);
    assert_true(atomic_load(&deadline_max_timeout) <= 300);
    assert_int_equal(fx_n(FX_BATCH), 0);
    assert_int_equal(authz_decision_log_copy(fx.log, -1, true, &rows, &n), 0);
    assert_int_equal(n, 1);
    assert_non_null(strstr(rows[0].json, "\"error\":\"decision deadline passed\""));
    authz_decision_log_rows_free(rows, n);
}

/* ---- coalescing across threads ----------------------------------------------------------- */

struct decider {
    pthread_t thread;
    bool batch;
    char *body;
    int status;
    char *answer;
    _Atomic bool done;
};

static void *decide_thread(void *arg)
{
    struct decider *d = arg;
    struct lw_buf out;
    lw_buf_init(&out, 1 << 20);
    d->status = authz_engine_decide(fx.eng, d->batch, d->body, strlen(d->body), &out);
    d->answer = lw_buf_take(&out);
    atomic_store(&d->done, true);
    return NULL;
}

static void decider_start(struct decider *d, bool batch, char *body)
{
    memset(d, 0, sizeof *d);
    d->batch = batch;
    d->body = body;
    assert_int_equal(pthread_create(&d->thread, NULL, decide_thread, d), 0);
}

/* Joins d and returns its "result" as compact JSON (caller frees). */
static char *decider_result(struct decider *d)
{
    json_t *doc, *res;
    char *s;
    pthread_join(d->thread, NULL);
    assert_int_equal(d->status, 200);
    assert_non_null(d->answer);
    doc = json_loads(d->answer, 0, NULL);
    assert_non_null(doc);
    res = json_object_get(doc, "result");
    s = json_dumps(res, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(doc);
    lw_free(d->answer);
    lw_free(d->body);
    return s;
}

static pthread_mutex_t co_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t co_cv = PTHREAD_COND_INITIALIZER;
static bool co_owner_asking;            /* the first thread is inside its batch-check */
static struct lw_counter *co_coalesced;
static uint64_t co_base;
static _Atomic bool co_saw_waiter;

/* Holds the owner's batch-check until the second thread has asked for the same check and is
 * waiting for the owner's answer. */
static bool hold_owner_hook(const struct fx_req *req, struct http_client_resp *resp)
{
    (void)resp;
    if (req->kind != FX_BATCH)
        return false;
    pthread_mutex_lock(&co_mu);
    co_owner_asking = true;
    pthread_cond_broadcast(&co_cv);
    pthread_mutex_unlock(&co_mu);
    for (int i = 0; i < 5000 && !atomic_load(&co_saw_waiter); i++) {
        if (atomic_load(&co_coalesced->value) > co_base)
            atomic_store(&co_saw_waiter, true);
        else
            sleep_ms(1);
    }
    sleep_ms(20);       /* let the waiter settle into its wait */
    return false;
}

static void wait_owner_asking(void)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 5;
    pthread_mutex_lock(&co_mu);
    while (!co_owner_asking)
        if (pthread_cond_timedwait(&co_cv, &co_mu, &deadline) != 0)
            break;
    pthread_mutex_unlock(&co_mu);
    assert_true(co_owner_asking);
}

static void extra_coalescing_identical_checks_across_threads(void **state)
{
    struct decider a, b;
    char *ra, *rb;
    (void)state;
    fx_start_test();
    fx_mock.rule = M_WAREHOUSE_ONLY;
    /* Token and warehouse id first, so both threads go straight to the check. */
    assert_true(fx_allow("ShowSchemas", R_CAT("managed")));
    fx_clear_requests();

    co_owner_asking = false;
    atomic_store(&co_saw_waiter, false);
    co_coalesced = lw_metrics_counter("lakeward_check_cache_total", "Permission check lookups",
                                      "result=\"coalesced\"");
    co_base = atomic_load(&co_coalesced->value);
    fx_mock.hook = hold_owner_hook;
    decider_start(&a, false, fx_body("AccessCatalog", R_CAT("managed"), NULL, NULL));
    wait_owner_asking();
    decider_start(&b, false, fx_body("AccessCatalog", R_CAT("managed"), NULL, NULL));
    ra = decider_result(&a);
    rb = decider_result(&b);
    assert_true(atomic_load(&co_saw_waiter));
    assert_string_equal(ra, "true");
    assert_string_equal(rb, "true");
    assert_int_equal(fx_n(FX_BATCH), 1);            /* one request for both decisions */
    assert_int_equal(fx_n_total(), 1);
    lw_free(ra);
    lw_free(rb);
}

/* The owner completes (and, with no decision cache, forgets) the shared check while the
 * second thread is still sending a check of its own; the second thread must still get the
 * owner's answer. */
static struct decider *race_owner;

static bool race_hook(const struct fx_req *req, struct http_client_resp *resp)
{
    json_t *checks = json_object_get(req->json, "checks");
    bool second = false;
    size_t i;
    json_t *c;
    (void)resp;
    if (req->kind != FX_BATCH)
        return false;
    json_array_foreach(checks, i, c) {
        const char *k;
        json_t *t = chk_target(c, &k);
        second = second || strcmp(json_string_value(json_object_get(t, "warehouse-id")),
                                  "wid-wh2") == 0;
    }
    if (!second) {
        /* The owner: hold until the second thread is in its own request. */
        pthread_mutex_lock(&co_mu);
        co_owner_asking = true;
        pthread_cond_broadcast(&co_cv);
        pthread_mutex_unlock(&co_mu);
        for (int k = 0; k < 5000 && !atomic_load(&co_saw_waiter); k++)
            sleep_ms(1);
    } else {
        /* The second thread: it holds the shared check as pending; let the owner finish. */
        atomic_store(&co_saw_waiter, true);
        for (int k = 0; k < 5000 && !atomic_load(&race_owner->done); k++)
            sleep_ms(1);
    }
    return false;
}

static void extra_coalescing_owner_finishes_first(void **state)
{
    static const struct fx_cat cats[] = {{"managed", "test-warehouse", 0}, {"managed2", "wh2", 0}};
    struct fx_cfg c = {.lk = true, .cats = cats, .ncats = 2};
    struct decider a, b;
    char *ra, *rb;
    (void)state;
    fx_start(&c);
    fx_mock.rule = M_WAREHOUSE_ONLY;
    fx_mock.wid_per_warehouse = true;
    assert_true(fx_allow("ShowSchemas", R_CAT("managed")));
    assert_true(fx_allow("ShowSchemas", R_CAT("managed2")));
    fx_clear_requests();

    co_owner_asking = false;
    atomic_store(&co_saw_waiter, false);
    race_owner = &a;
    fx_mock.hook = race_hook;
    decider_start(&a, false, fx_body("AccessCatalog", R_CAT("managed"), NULL, NULL));
    wait_owner_asking();
    decider_start(&b, true,
                  fx_body("FilterCatalogs", NULL, NULL, "[{'catalog':{'name':'managed'}},"
                                                        "{'catalog':{'name':'managed2'}}]"));
    ra = decider_result(&a);
    rb = decider_result(&b);
    assert_true(atomic_load(&co_saw_waiter));
    assert_string_equal(ra, "true");
    assert_string_equal(rb, "[0,1]");
    /* The shared check was asked once. */
    FX_EXPECT_CHECKS(FX_ALL, FX_SET, WW("get_config", "wid-test-warehouse"),
                     WW("get_config", "wid-wh2"));
    lw_free(ra);
    lw_free(rb);
}

/* ---- failures and recovery --------------------------------------------------------------- */

static void extra_batch_check_failures_deny_then_recover(void **state)
{
    static const enum fx_fault faults[] = {FX_FAULT_500,     FX_FAULT_TIMEOUT,
                                           FX_FAULT_CONNECT, FX_FAULT_GARBAGE,
                                           FX_FAULT_HTML,    FX_FAULT_WRONG_COUNT,
                                           FX_FAULT_404,     FX_FAULT_STRING_TRUE};
    (void)state;
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        fx_stop();
        fx_start_test();
        fx_mock.rule = M_ALLOW_ALL;
        fx_mock.fault[FX_BATCH] = (struct fx_fault_spec){faults[i], 0, 1};
        if (fx_allow("AccessCatalog", R_CAT("managed")))
            fail_msg("fault %d: expected a deny", (int)faults[i]);
        if (!fx_allow("AccessCatalog", R_CAT("managed")))
            fail_msg("fault %d: the next decision should recover", (int)faults[i]);
        /* Batch: the failed request's items are left out, the rest stays. */
        fx_mock.fault[FX_BATCH] = (struct fx_fault_spec){faults[i], 2, 3};
        FX_ASSERT_BATCH("SelectFromColumns", "[1]", R_TBL("managed", "s", "t"),
                        R_TBL("system", "jdbc", "types"));
        FX_ASSERT_BATCH("SelectFromColumns", "[0,1]", R_TBL("managed", "s", "t"),
                        R_TBL("system", "jdbc", "types"));
        assert_int_equal(fx_n(FX_TOKEN), 1);
        assert_int_equal(fx_n(FX_CONFIG), 1);
    }
}

static void extra_batch_check_401_invalidates_token(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    fx_mock.unique_tokens = true;
    fx_mock.fault[FX_BATCH] = (struct fx_fault_spec){FX_FAULT_401, 0, 1};
    assert_false(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_string_equal(fx_header(fx_req(FX_BATCH, 0), "Authorization"), "Bearer mock-token-1");
    assert_true(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_int_equal(fx_n(FX_TOKEN), 2);
    assert_string_equal(fx_header(fx_req(FX_BATCH, 1), "Authorization"), "Bearer mock-token-2");
    /* The new token stays. */
    assert_true(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_int_equal(fx_n(FX_TOKEN), 2);
}

static void extra_warehouse_lookup_401_invalidates_token(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    fx_mock.unique_tokens = true;
    fx_mock.fault[FX_CONFIG] = (struct fx_fault_spec){FX_FAULT_401, 0, 1};
    assert_false(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_true(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_int_equal(fx_n(FX_TOKEN), 2);
    assert_int_equal(fx_n(FX_CONFIG), 2);
    assert_string_equal(fx_header(fx_req(FX_CONFIG, 1), "Authorization"), "Bearer mock-token-2");
}

static void extra_token_failures_deny_then_recover(void **state)
{
    static const enum fx_fault faults[] = {FX_FAULT_500, FX_FAULT_TIMEOUT, FX_FAULT_CONNECT,
                                           FX_FAULT_GARBAGE, FX_FAULT_NO_TOKEN};
    (void)state;
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        fx_stop();
        fx_start_test();
        fx_mock.rule = M_ALLOW_ALL;
        fx_mock.fault[FX_TOKEN] = (struct fx_fault_spec){faults[i], 0, 1};
        if (fx_allow("AccessCatalog", R_CAT("managed")))
            fail_msg("fault %d: expected a deny", (int)faults[i]);
        assert_int_equal(fx_n(FX_BATCH), 0);
        if (!fx_allow("AccessCatalog", R_CAT("managed")))
            fail_msg("fault %d: the next decision should recover", (int)faults[i]);
        assert_int_equal(fx_n(FX_TOKEN), 2);
    }
}

/* Deviation 6: a failed or short chunk denies exactly its own checks; later chunks' answers
 * are not shifted onto earlier items. */
static void extra_failed_chunk_denies_only_its_checks(void **state)
{
    static const enum fx_fault faults[] = {FX_FAULT_500, FX_FAULT_WRONG_COUNT, FX_FAULT_TIMEOUT};
    (void)state;
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        fx_stop();
        fx_start_test_batch(2);
        fx_mock.rule = M_ALLOW_ALL;
        fx_mock.fault[FX_BATCH] = (struct fx_fault_spec){faults[i], 1, 2};
        FX_ASSERT_BATCH("SelectFromColumns", "[0,2]", R_TBL("managed", "s", "a"),
                        R_TBL("managed", "s", "b"), R_TBL("managed", "s", "c"));
        assert_int_equal(fx_n_batch(FX_PLAIN), 3);
        FX_EXPECT_REQUEST(FX_PLAIN, 1, T("read_data", "['s']", "b"), V("select", "['s']", "b"));
    }
    /* A table check in one chunk and its view check in the next: the item survives when the
     * other chunk allows it. */
    fx_stop();
    fx_start_test_batch(3);
    fx_mock.rule = M_VIEWS_ONLY;
    fx_mock.fault[FX_BATCH] = (struct fx_fault_spec){FX_FAULT_500, 0, 1};
    FX_ASSERT_BATCH("SelectFromColumns", "[1]", R_TBL("managed", "s", "a"),
                    R_TBL("managed", "s", "b"));
}

/* A failed probe only means "not covered": the slow path still decides. */
static void extra_probe_failure_falls_back_to_slow_path(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_TABLE_A;
    fx_mock.fault[FX_BATCH] = (struct fx_fault_spec){FX_FAULT_500, 0, 2};
    FX_ASSERT_BATCH("FilterTables", "[0]", R_TBL("managed", "s", "table_a"),
                    R_TBL("managed", "s", "table_b"));
    assert_int_equal(fx_n_batch(FX_PROBES), 2);
    assert_int_equal(fx_n_batch(FX_PLAIN), 1);
    /* Failed probe answers are not cached: the next call of the same query probes again. */
    FX_ASSERT_BATCH("FilterTables", "[0]", R_TBL("managed", "s", "table_a"),
                    R_TBL("managed", "s", "table_b"));
    assert_int_equal(fx_n_batch(FX_PROBES), 4);
}

/* ---- token and warehouse-id caching ------------------------------------------------------ */

static void extra_token_renewed_30s_before_default_lifetime(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    assert_true(fx_allow("AccessCatalog", R_CAT("managed")));
    fx_advance_ms(119999);
    assert_true(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_int_equal(fx_n(FX_TOKEN), 1);
    fx_advance_ms(1);           /* t0 + 120 s: 150 s lifetime minus 30 s */
    assert_true(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_int_equal(fx_n(FX_TOKEN), 2);
}

static void extra_token_lifetime_from_expires_in(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    fx_mock.token_body = "{\"access_token\":\"mock-token\",\"expires_in\":3600}";
    assert_true(fx_allow("AccessCatalog", R_CAT("managed")));
    fx_advance_ms(3569999);
    assert_true(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_int_equal(fx_n(FX_TOKEN), 1);
    fx_advance_ms(1);           /* 3600 s minus the 30 s margin */
    assert_true(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_int_equal(fx_n(FX_TOKEN), 2);

    /* Short lifetimes renew a quarter early: 60 s -> after 45 s. */
    fx_stop();
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    fx_mock.token_body = "{\"access_token\":\"mock-token\",\"expires_in\":60}";
    assert_true(fx_allow("AccessCatalog", R_CAT("managed")));
    fx_advance_ms(44999);
    assert_true(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_int_equal(fx_n(FX_TOKEN), 1);
    fx_advance_ms(1);
    assert_true(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_int_equal(fx_n(FX_TOKEN), 2);
}

static void extra_token_form_is_percent_encoded(void **state)
{
    struct fx_cfg c = {.lk = true, .client_secret = "s&c+r=t %/", .scope = ""};
    (void)state;
    fx_start(&c);
    fx_mock.rule = M_ALLOW_ALL;
    assert_true(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_string_equal(fx_req(FX_TOKEN, 0)->body,
                        "grant_type=client_credentials&client_id=test-client"
                        "&client_secret=s%26c%2Br%3Dt+%25%2F&scope=");
}

static void extra_warehouse_id_cached(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    assert_true(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_true(fx_allow("ShowSchemas", R_CAT("managed")));
    FX_ASSERT_BATCH("FilterTables", "[0]", R_TBL("managed", "s", "t"));
    assert_int_equal(fx_n(FX_CONFIG), 1);
    fx_advance_ms(3600000);     /* the positive TTL */
    assert_true(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_int_equal(fx_n(FX_CONFIG), 2);
}

static void extra_warehouse_not_found_cached_10s(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    fx_mock.fault[FX_CONFIG] = (struct fx_fault_spec){FX_FAULT_404, 0, 1};
    assert_false(fx_allow("AccessCatalog", R_CAT("managed")));
    fx_advance_ms(9999);
    assert_false(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_int_equal(fx_n(FX_CONFIG), 1);
    fx_advance_ms(1);
    assert_true(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_int_equal(fx_n(FX_CONFIG), 2);
}

static void extra_warehouse_lookup_error_not_cached(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    fx_mock.fault[FX_CONFIG] = (struct fx_fault_spec){FX_FAULT_500, 0, 0};
    assert_false(fx_allow("AccessCatalog", R_CAT("managed")));
    /* Once per decision, probes and slow path together. */
    FX_ASSERT_BATCH("FilterTables", "[]", R_TBL("managed", "s", "t"));
    assert_int_equal(fx_n(FX_CONFIG), 2);
    assert_int_equal(fx_n(FX_BATCH), 0);
    fx_mock.fault[FX_CONFIG].fault = FX_FAULT_NONE;
    assert_true(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_int_equal(fx_n(FX_CONFIG), 3);
}

/* ---- shape of the requests --------------------------------------------------------------- */

static void extra_identical_checks_sent_once(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_VIEWS_ONLY;
    FX_ASSERT_BATCH("FilterTables", "[0,1]", R_TBL("managed", "s", "t"),
                    R_TBL("managed", "s", "t"));
    FX_EXPECT_CHECKS(FX_PLAIN, FX_ORDERED, T("get_metadata", "['s']", "t"),
                     V("get_metadata", "['s']", "t"));
}

/* Deviation 3: probes (and warehouse lookups) only for the managed catalogs of the request. */
static void extra_probes_only_for_catalogs_in_request(void **state)
{
    (void)state;
    fx_start_default_lk();
    fx_mock.rule = M_DENY_ALL;
    FX_ASSERT_BATCH("FilterTables", "[1]", R_TBL("prod", "s", "t"), R_TBL("system", "jdbc", "x"),
                    R_TBL("other", "s", "t"));
    assert_int_equal(fx_n(FX_CONFIG), 1);
    assert_string_equal(fx_req(FX_CONFIG, 0)->url,
                        "http://mock-lakekeeper/catalog/v1/config?warehouse=production");
    FX_EXPECT_REQUEST(FX_PROBES, 0, W("list_everything"));
    FX_EXPECT_REQUEST(FX_PROBES, 1, N("list_everything", "['s']"));
    assert_int_equal(fx_n_batch(FX_PROBES), 2);
}

static void extra_one_batch_check_per_instance(void **state)
{
    static const struct fx_cat cats[] = {
        {"cat_a", "wh_a", 0}, {"cat_b", "wh_b", 1}, {"cat_c", "wh_c", 0}};
    struct fx_cfg c = {.lk = true, .lk2 = true, .cats = cats, .ncats = 3};
    (void)state;
    fx_start(&c);
    fx_mock.rule = M_WAREHOUSE_ONLY;
    fx_mock.wid_per_warehouse = true;
    FX_ASSERT_BATCH("FilterCatalogs", "[0,1,2]", R_CAT("cat_a"), R_CAT("cat_b"), R_CAT("cat_c"));
    assert_int_equal(fx_n(FX_BATCH), 2);
    assert_int_equal(fx_n(FX_TOKEN), 2);
    assert_string_equal(fx_req(FX_BATCH, 0)->url,
                        "http://mock-lakekeeper/management/v1/action/batch-check");
    FX_EXPECT_REQUEST(FX_PLAIN, 0, WW("get_config", "wid-wh_a"), WW("get_config", "wid-wh_c"));
    assert_string_equal(fx_req(FX_BATCH, 1)->url,
                        "http://mock-lakekeeper-2/management/v1/action/batch-check");
    FX_EXPECT_REQUEST(FX_PLAIN, 1, WW("get_config", "wid-wh_b"));
    assert_string_equal(fx_req(FX_TOKEN, 1)->url, "http://mock-idp-2/token");
}

static void extra_many_managed_catalogs_in_one_decision(void **state)
{
    static const struct fx_cat cats[] = {{"c0", "w0", 0}, {"c1", "w1", 0}, {"c2", "w2", 0},
                                         {"c3", "w3", 0}, {"c4", "w4", 0}, {"c5", "w5", 0},
                                         {"c6", "w6", 0}, {"c7", "w7", 0}, {"c8", "w8", 0},
                                         {"c9", "w9", 0}, {"c10", "w10", 0}};
    struct fx_cfg c = {.lk = true, .cats = cats, .ncats = 11};
    (void)state;
    fx_start(&c);
    fx_mock.rule = M_WAREHOUSE_ONLY;
    fx_mock.wid_per_warehouse = true;
    FX_ASSERT_BATCH("FilterCatalogs", "[0,1,2,3,4,5,6,7,8,9,10]", R_CAT("c0"), R_CAT("c1"),
                    R_CAT("c2"), R_CAT("c3"), R_CAT("c4"), R_CAT("c5"), R_CAT("c6"), R_CAT("c7"),
                    R_CAT("c8"), R_CAT("c9"), R_CAT("c10"));
    assert_int_equal(fx_n(FX_CONFIG), 11);
    assert_int_equal(fx_n(FX_BATCH), 1);
    assert_int_equal(fx_batch_size(FX_ALL, 0), 11);
}

/* ---- decision log ------------------------------------------------------------------------ */

static void extra_decision_log_record(void **state)
{
    struct fx_cfg c = {.lk = true, .decision_log = true};
    char *body, *tail;
    json_t *ans, *rec;
    (void)state;
    fx_start(&c);
    fx_mock.rule = M_WAREHOUSE_ONLY;
    body = fx_body("AccessCatalog", R_CAT("managed"), NULL, NULL);
    assert_int_equal(fx_decide(false, body, strlen(body), &ans), 200);
    tail = authz_decision_log_tail(fx.log, 1);
    assert_non_null(tail);
    rec = json_loads(tail, JSON_DISABLE_EOF_CHECK, NULL);
    assert_non_null(rec);
    assert_true(
        json_equal(json_object_get(rec, "decision_id"), json_object_get(ans, "decision_id")));
    assert_true(json_is_true(json_object_get(rec, "result")));
    assert_string_equal(json_string_value(json_object_get(rec, "operation")), "AccessCatalog");
    assert_string_equal(json_string_value(json_object_get(rec, "user")), "test-user");
    assert_int_equal(json_integer_value(json_object_get(rec, "lakekeeper_calls")), 3);
    assert_int_equal(json_integer_value(json_object_get(rec, "checks_sent")), 1);
    /* The record is written by hand, not by printf: the bytes are still what the formats
     * wrote. The id is UUID-shaped ("%08x-%04x-4%03x-8%03x-%012llx"), the record starts with
     * time_ms and the id, the counters sit in their order and latency_ms has three decimals. */
    assert_true(is_decision_id(json_string_value(json_object_get(rec, "decision_id"))));
    assert_int_equal(strncmp(tail, "{\"time_ms\":", 11), 0);
    {
        char head[128];
        snprintf(head, sizeof head, "{\"time_ms\":%lld,\"decision_id\":\"%s\",\"query_id\":",
                 (long long)json_integer_value(json_object_get(rec, "time_ms")),
                 json_string_value(json_object_get(rec, "decision_id")));
        assert_int_equal(strncmp(tail, head, strlen(head)), 0);
    }
    assert_non_null(strstr(tail, ",\"lakekeeper_calls\":3,\"checks_sent\":1,\"cache_hits\":0,"
                                 "\"coalesced\":0,\"latency_ms\":"));
    {
        const char *lat = strstr(tail, "\"latency_ms\":") + strlen("\"latency_ms\":");
        size_t digits = strspn(lat, "0123456789");
        assert_true(digits >= 1);
        assert_int_equal(lat[digits], '.');
        assert_int_equal(strspn(lat + digits + 1, "0123456789"), 3);
        assert_string_equal(lat + digits + 4, "}\n");
    }
    json_decref(rec);
    json_decref(ans);
    lw_free(tail);
    lw_free(body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX_CASE(extra_decision_cache_allow),
        FX_CASE(extra_query_id_with_line_break_is_not_sent),
        FX_CASE(extra_decision_cache_bounded_by_its_checks),
        FX_CASE(extra_decision_cache_batch),
        FX_CASE(extra_decision_cache_does_not_keep_failures),
        FX_CASE(extra_try_cached_answers_only_hits),
        FX_CASE(extra_bad_request_message_is_valid_utf8),
        FX_CASE(extra_decision_cache_bounded_in_bytes),
        FX_CASE(extra_check_cache_bounded_in_bytes),
        FX_CASE(extra_decision_log_bounded_in_bytes),
        FX_CASE(extra_decision_deadline_with_stalled_upstream),
        FX_CASE(extra_decision_deadline_with_stalled_idp),
        FX_CASE(extra_coalescing_identical_checks_across_threads),
        FX_CASE(extra_coalescing_owner_finishes_first),
        FX_CASE(extra_batch_check_failures_deny_then_recover),
        FX_CASE(extra_batch_check_401_invalidates_token),
        FX_CASE(extra_warehouse_lookup_401_invalidates_token),
        FX_CASE(extra_token_failures_deny_then_recover),
        FX_CASE(extra_failed_chunk_denies_only_its_checks),
        FX_CASE(extra_probe_failure_falls_back_to_slow_path),
        FX_CASE(extra_token_renewed_30s_before_default_lifetime),
        FX_CASE(extra_token_lifetime_from_expires_in),
        FX_CASE(extra_token_form_is_percent_encoded),
        FX_CASE(extra_warehouse_id_cached),
        FX_CASE(extra_warehouse_not_found_cached_10s),
        FX_CASE(extra_warehouse_lookup_error_not_cached),
        FX_CASE(extra_identical_checks_sent_once),
        FX_CASE(extra_probes_only_for_catalogs_in_request),
        FX_CASE(extra_one_batch_check_per_instance),
        FX_CASE(extra_many_managed_catalogs_in_one_decision),
        FX_CASE(extra_decision_log_record),
    };
    fx_global_init();
    return cmocka_run_group_tests_name("lakeward authz beyond the spec", tests, NULL, NULL);
}

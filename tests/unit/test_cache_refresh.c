/* test_cache_refresh.c -- refresh-ahead of the decision and check caches (docs/authz.md,
 * caches): a hit in the last part of a TTL is still answered from the cache and queues one
 * background refresh per key; the refresh asks Lakekeeper again and only a clean answer
 * replaces the entry; nothing is ever served past its expiry. The refresh pool is played by
 * a queue the test runs by hand, so every step happens at a known fake-clock time. */
#include "authz_fixture.c"

#define TTL 5000
#define PCT 20          /* window: the last 1000 ms of a 5000 ms TTL */
#define MAX_JOBS 16

static struct {
    void (*fn[MAX_JOBS])(void *);
    void *arg[MAX_JOBS];
    int n;
    bool full;          /* the pool refuses jobs (queue full) */
} jobs;

static int submit(void *ctx, void (*fn)(void *), void *arg)
{
    (void)ctx;
    if (jobs.full || jobs.n == MAX_JOBS)
        return LW_ENOMEM;
    jobs.fn[jobs.n] = fn;
    jobs.arg[jobs.n++] = arg;
    return 0;
}

/* Runs the queued refreshes (as the pool would, later); returns how many ran. */
static int run_jobs(void)
{
    int n = jobs.n;
    for (int i = 0; i < n; i++)
        jobs.fn[i](jobs.arg[i]);
    jobs.n = 0;
    return n;
}

static void start(int pct)
{
    struct fx_cfg c = {.lk = true, .decision_ttl_ms = TTL, .refresh_ahead_pct = pct,
                       .submit = submit};
    jobs.n = 0;
    jobs.full = false;
    fx_start(&c);
}

/* What the event loop does: a decision-cache lookup only. 1 allowed, 0 denied, -1 miss. */
static int cached_allow(const char *body)
{
    struct lw_buf out;
    json_t *ans;
    int r = -1;
    lw_buf_init(&out, FX_MAX_BODY);
    if (authz_engine_try_cached(fx.eng, false, body, strlen(body), &out) == 200) {
        ans = json_loadb(out.data, out.len, 0, NULL);
        assert_non_null(ans);
        r = json_is_true(json_object_get(ans, "result"));
        json_decref(ans);
    }
    lw_buf_free(&out);
    return r;
}

/* A hit before the window queues nothing; the first hit in it queues one refresh, later
 * hits none; the refresh re-asks the check although the check cache still holds it, and
 * the entry lives a whole TTL from the refresh. */
static void refresh_hit_in_window_refreshes_once(void **state)
{
    char *body = fx_body("AccessCatalog", R_CAT("managed"), NULL, NULL);
    (void)state;
    start(PCT);
    fx_mock.rule = M_WAREHOUSE_ONLY;
    assert_true(fx_allow_body(body));                   /* t=0: computed, 1 batch-check */
    assert_int_equal(fx_n(FX_BATCH), 1);
    fx_advance_ms(3999);
    assert_int_equal(cached_allow(body), 1);
    assert_int_equal(jobs.n, 0);                        /* window not open yet */
    fx_advance_ms(1);                                   /* t=4000 */
    assert_int_equal(cached_allow(body), 1);            /* still answered from the cache */
    assert_int_equal(jobs.n, 1);
    assert_int_equal(cached_allow(body), 1);
    assert_true(fx_allow_body(body));                   /* the worker path: a hit too */
    assert_int_equal(jobs.n, 1);                        /* one refresh per key */
    assert_int_equal(fx_n(FX_BATCH), 1);
    assert_int_equal(run_jobs(), 1);
    assert_int_equal(fx_n(FX_BATCH), 2);                /* asked again, cache bypassed */
    FX_EXPECT_REQUEST(FX_PLAIN, 1, W("get_config"));
    fx_advance_ms(3999);                                /* t=7999: fresh entry, no window */
    assert_int_equal(cached_allow(body), 1);
    assert_int_equal(jobs.n, 0);
    fx_advance_ms(1000);                                /* t=8999, last ms of the new TTL */
    assert_int_equal(cached_allow(body), 1);
    assert_int_equal(jobs.n, 1);                        /* the new entry's own refresh */
    assert_int_equal(run_jobs(), 1);
    assert_int_equal(fx_n(FX_BATCH), 3);
    lw_free(body);
}

/* The refresh sees a revoked grant: from the moment it lands the cache answers deny. */
static void refresh_picks_up_revoke(void **state)
{
    char *body = fx_body("AccessCatalog", R_CAT("managed"), NULL, NULL);
    (void)state;
    start(PCT);
    fx_mock.rule = M_WAREHOUSE_ONLY;
    assert_true(fx_allow_body(body));
    fx_advance_ms(4500);
    fx_mock.rule = M_DENY_ALL;                          /* revoked at t=4500 */
    assert_int_equal(cached_allow(body), 1);            /* within the TTL: still the old one */
    assert_int_equal(run_jobs(), 1);
    assert_int_equal(cached_allow(body), 0);            /* the refresh's answer */
    assert_false(fx_allow_body(body));
    assert_int_equal(fx_n(FX_BATCH), 2);
    lw_free(body);
}

/* A refresh that fails extends nothing: the old answer is served until its expiry, never
 * after, no second refresh is tried for it, and the next decision asks Lakekeeper. */
static void refresh_failure_lets_entry_expire(void **state)
{
    char *body = fx_body("AccessCatalog", R_CAT("managed"), NULL, NULL);
    (void)state;
    start(PCT);
    fx_mock.rule = M_WAREHOUSE_ONLY;
    assert_true(fx_allow_body(body));
    fx_mock.fault[FX_BATCH] = (struct fx_fault_spec){FX_FAULT_500, 1, 0};  /* from now on */
    fx_advance_ms(4000);
    assert_int_equal(cached_allow(body), 1);
    assert_int_equal(run_jobs(), 1);
    assert_int_equal(fx_n(FX_BATCH), 2);                /* the refresh asked, and failed */
    fx_advance_ms(999);                                 /* t=4999 */
    assert_int_equal(cached_allow(body), 1);            /* not replaced, not extended */
    assert_int_equal(jobs.n, 0);                        /* and not refreshed again */
    fx_advance_ms(1);                                   /* t=5000: expired */
    assert_int_equal(cached_allow(body), -1);
    assert_false(fx_allow_body(body));                  /* decided again: Lakekeeper fails */
    assert_int_equal(fx_n(FX_BATCH), 3);
    fx_mock.fault[FX_BATCH] = (struct fx_fault_spec){0};
    assert_true(fx_allow_body(body));                   /* a failure is not cached */
    lw_free(body);
}

/* When the pool cannot take the job the refresh is skipped and its claim given back, so the
 * next hit in the window queues it. */
static void refresh_skipped_when_pool_full(void **state)
{
    char *body = fx_body("AccessCatalog", R_CAT("managed"), NULL, NULL);
    (void)state;
    start(PCT);
    fx_mock.rule = M_WAREHOUSE_ONLY;
    assert_true(fx_allow_body(body));
    fx_advance_ms(4200);
    jobs.full = true;
    assert_int_equal(cached_allow(body), 1);
    assert_int_equal(jobs.n, 0);
    jobs.full = false;
    assert_int_equal(cached_allow(body), 1);
    assert_int_equal(jobs.n, 1);
    assert_int_equal(run_jobs(), 1);
    assert_int_equal(fx_n(FX_BATCH), 2);
    lw_free(body);
}

/* At shutdown a queued refresh is dropped, not run: nothing is asked, the entry expires. */
static void refresh_dropped_after_stop(void **state)
{
    char *body = fx_body("AccessCatalog", R_CAT("managed"), NULL, NULL);
    (void)state;
    start(PCT);
    fx_mock.rule = M_WAREHOUSE_ONLY;
    assert_true(fx_allow_body(body));
    fx_advance_ms(4500);
    assert_int_equal(cached_allow(body), 1);
    authz_engine_stop_refreshes(fx.eng);
    assert_int_equal(run_jobs(), 1);
    assert_int_equal(fx_n(FX_BATCH), 1);
    fx_advance_ms(500);
    assert_int_equal(cached_allow(body), -1);
    lw_free(body);
}

/* A computed decision that uses a check answer in its refresh window queues the refresh of
 * that decision, which refreshes the check for every decision using it. */
static void refresh_from_check_cache_hit(void **state)
{
    char *first = fx_body("AccessCatalog", R_CAT("managed"), NULL, NULL);
    char *second = fx_body("FilterCatalogs", R_CAT("managed"), NULL, NULL);
    (void)state;
    start(PCT);
    fx_mock.rule = M_WAREHOUSE_ONLY;
    assert_true(fx_allow_body(first));                  /* t=0: get_config cached */
    fx_advance_ms(4100);
    assert_true(fx_allow_body(second));                 /* same check, from the check cache */
    assert_int_equal(fx_n(FX_BATCH), 1);
    assert_int_equal(jobs.n, 1);                        /* it claimed the check's refresh */
    assert_true(fx_allow_body(second));                 /* now a decision-cache hit */
    assert_int_equal(jobs.n, 1);
    assert_int_equal(run_jobs(), 1);
    assert_int_equal(fx_n(FX_BATCH), 2);
    fx_advance_ms(1000);                                /* t=5100: first's entry expired */
    assert_int_equal(cached_allow(first), -1);
    assert_true(fx_allow_body(first));                  /* its check was refreshed at 4100 */
    assert_int_equal(fx_n(FX_BATCH), 2);
    lw_free(first);
    lw_free(second);
}

/* A decision made from a check answer part-way through its TTL lives only what is left of
 * it, but its refresh window keeps the configured length (the refresh needs a whole round
 * trip): made at t=3000 from a check of t=0, it expires at 5000 and its window opens at 4000,
 * not at 4600 (20 % of its 2000 ms). */
static void refresh_window_of_a_shortened_decision(void **state)
{
    char *first = fx_body("AccessCatalog", R_CAT("managed"), NULL, NULL);
    char *second = fx_body("FilterCatalogs", R_CAT("managed"), NULL, NULL);
    (void)state;
    start(PCT);
    fx_mock.rule = M_WAREHOUSE_ONLY;
    assert_true(fx_allow_body(first));                  /* t=0: the check asked */
    fx_advance_ms(3000);
    assert_true(fx_allow_body(second));                 /* from the cached check, TTL 2000 */
    assert_int_equal(jobs.n, 0);                        /* the check's window is not open */
    fx_advance_ms(999);                                 /* t=3999 */
    assert_int_equal(cached_allow(second), 1);
    assert_int_equal(jobs.n, 0);
    fx_advance_ms(1);                                   /* t=4000: 1000 ms before expiry */
    assert_int_equal(cached_allow(second), 1);
    assert_int_equal(jobs.n, 1);
    assert_int_equal(run_jobs(), 1);
    assert_int_equal(fx_n(FX_BATCH), 2);                /* asked again before it expired */
    fx_advance_ms(1000);                                /* t=5000: the refreshed answer */
    assert_int_equal(cached_allow(second), 1);
    lw_free(first);
    lw_free(second);
}

/* 0 turns refresh-ahead off: entries simply expire. */
static void refresh_off_with_zero(void **state)
{
    char *body = fx_body("AccessCatalog", R_CAT("managed"), NULL, NULL);
    (void)state;
    start(0);
    fx_mock.rule = M_WAREHOUSE_ONLY;
    assert_true(fx_allow_body(body));
    fx_advance_ms(4999);
    assert_int_equal(cached_allow(body), 1);
    assert_int_equal(jobs.n, 0);
    fx_advance_ms(1);
    assert_int_equal(cached_allow(body), -1);
    lw_free(body);
}

/* The check cache's own contract: one claim per entry, store replaces a settled entry and
 * ends its claim, never touches an entry in flight, and nothing is served past expiry. */
static void check_cache_claims_and_stores(void **state)
{
    struct check_cache *c = check_cache_new(100, 1u << 20, NULL);
    bool allowed = false, refresh = false;
    int64_t t0 = lw_now_ms();
    (void)state;
    assert_non_null(c);
    check_cache_set_refresh_ahead(c, 25);
    assert_int_equal(check_cache_acquire(c, "k", &allowed, NULL, &refresh), CHECK_CACHE_OWNER);
    check_cache_complete(c, "k", true, true, 4000);       /* window from t0+3000 */
    fx_advance_ms(2999);
    assert_int_equal(check_cache_acquire(c, "k", &allowed, NULL, &refresh), CHECK_CACHE_HIT);
    assert_false(refresh);
    fx_advance_ms(1);
    assert_int_equal(check_cache_acquire(c, "k", &allowed, NULL, NULL), CHECK_CACHE_HIT);
    assert_int_equal(check_cache_acquire(c, "k", &allowed, NULL, &refresh), CHECK_CACHE_HIT);
    assert_true(refresh && allowed);                    /* a NULL asker did not claim it */
    assert_int_equal(check_cache_acquire(c, "k", &allowed, NULL, &refresh), CHECK_CACHE_HIT);
    assert_false(refresh);                              /* claimed once */
    check_cache_unclaim(c, "k");
    assert_int_equal(check_cache_acquire(c, "k", &allowed, NULL, &refresh), CHECK_CACHE_HIT);
    assert_true(refresh);                               /* given back, claimed again */
    check_cache_store(c, "k", false, 4000);             /* the refresh's answer at t0+3000 */
    int64_t exp = 0;
    assert_int_equal(check_cache_acquire(c, "k", &allowed, &exp, &refresh), CHECK_CACHE_HIT);
    assert_false(allowed || refresh);
    assert_int_equal(exp, t0 + 7000);
    fx_advance_ms(4000);                                /* t0+7000: expired, never served */
    assert_int_equal(check_cache_acquire(c, "k", &allowed, NULL, &refresh), CHECK_CACHE_OWNER);
    check_cache_store(c, "k", true, 4000);              /* in flight: the owner's to publish */
    assert_int_equal(check_cache_acquire(c, "k", &allowed, NULL, NULL), CHECK_CACHE_PENDING);
    check_cache_complete(c, "k", false, false, 4000);
    assert_false(check_cache_wait(c, "k", 0, &allowed));
    check_cache_store(c, "new", true, 0);               /* ttl 0 stores nothing */
    assert_int_equal(check_cache_acquire(c, "new", &allowed, NULL, NULL), CHECK_CACHE_OWNER);
    check_cache_complete(c, "new", false, false, 0);
    check_cache_free(c);
}

/* The check cache's minimum window: pct % of a short TTL is widened to it, and an entry whose
 * whole TTL is shorter can be claimed at once; without the minimum, pct % of each TTL. */
static void check_cache_min_window(void **state)
{
    struct check_cache *c = check_cache_new(100, 1u << 20, NULL);
    bool refresh = false;
    size_t n;
    void *blob;
    (void)state;
    assert_non_null(c);
    check_cache_set_refresh_ahead(c, 20);
    check_cache_put_blob(c, "plain", "x", 1, 2000);     /* window: the last 400 ms */
    check_cache_set_refresh_min_window(c, 1000);
    check_cache_put_blob(c, "wide", "x", 1, 2000);      /* window: the last 1000 ms */
    check_cache_put_blob(c, "short", "x", 1, 500);      /* shorter than the window */
    assert_non_null(blob = check_cache_get_blob(c, "short", &n, &refresh));
    lw_free(blob);
    assert_true(refresh);                               /* claimable at once */
    fx_advance_ms(1000);
    assert_non_null(blob = check_cache_get_blob(c, "wide", &n, &refresh));
    lw_free(blob);
    assert_true(refresh);
    assert_non_null(blob = check_cache_get_blob(c, "plain", &n, &refresh));
    lw_free(blob);
    assert_false(refresh);                              /* stored before the minimum was set */
    fx_advance_ms(600);
    assert_non_null(blob = check_cache_get_blob(c, "plain", &n, &refresh));
    lw_free(blob);
    assert_true(refresh);
    check_cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX_CASE(refresh_hit_in_window_refreshes_once),
        FX_CASE(refresh_picks_up_revoke),
        FX_CASE(refresh_failure_lets_entry_expire),
        FX_CASE(refresh_skipped_when_pool_full),
        FX_CASE(refresh_dropped_after_stop),
        FX_CASE(refresh_from_check_cache_hit),
        FX_CASE(refresh_window_of_a_shortened_decision),
        FX_CASE(refresh_off_with_zero),
        FX_CASE(check_cache_claims_and_stores),
        FX_CASE(check_cache_min_window),
    };
    fx_global_init();
    return cmocka_run_group_tests_name("lakeward cache refresh-ahead", tests, NULL, NULL);
}

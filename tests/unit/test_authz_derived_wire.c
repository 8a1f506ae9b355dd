/* test_authz_derived_wire.c -- opa-bridge-spec.md §7.6, cases 92-104: chunking, probe order
 * and headers, probe and token caching, IdP and Lakekeeper failures, and the configuration
 * variables that shape requests (C-TEST unless stated).
 *
 * lakeward deviations asserted here: checks of one decision share one chunked batch-check
 * per instance (1); probe-only X-Request-ID (3); the token form body is percent-encoded and
 * the token is renewed 30 s before its 150 s default lifetime (5); a failed chunk denies
 * exactly its own checks (6). */
#include "authz_fixture.c"

/* Deviation 1: chunks of one decision are sent concurrently in one exchange. */
static void case_092_chunking(void **state)
{
    (void)state;
    fx_start_test_batch(3);
    fx_mock.rule = M_DENY_ALL;
    FX_ASSERT_BATCH("FilterTables", "[]", R_TBL("managed", "s", "a"), R_TBL("managed", "s", "b"));
    assert_int_equal(fx_n_batch(FX_PLAIN), 2);
    FX_EXPECT_REQUEST(FX_PLAIN, 0, T("get_metadata", "['s']", "a"), V("get_metadata", "['s']", "a"),
                      T("get_metadata", "['s']", "b"));
    FX_EXPECT_REQUEST(FX_PLAIN, 1, V("get_metadata", "['s']", "b"));
    /* The two chunks went out together (one exchange, sent concurrently). */
    assert_int_equal(fx_req(FX_BATCH, fx_n(FX_BATCH) - 1)->exchange,
                     fx_req(FX_BATCH, fx_n(FX_BATCH) - 2)->exchange);

    /* max_batch_check_size 0 is clamped to 1: four slow-path requests. */
    fx_stop();
    fx_start_test_batch(0);
    fx_mock.rule = M_DENY_ALL;
    FX_ASSERT_BATCH("FilterTables", "[]", R_TBL("managed", "s", "a"), R_TBL("managed", "s", "b"));
    assert_int_equal(fx_n_batch(FX_PLAIN), 4);
    for (int k = 0; k < 4; k++)
        assert_int_equal(fx_batch_size(FX_PLAIN, k), 1);
    FX_EXPECT_CHECKS(FX_PLAIN, FX_ORDERED, T("get_metadata", "['s']", "a"),
                     V("get_metadata", "['s']", "a"), T("get_metadata", "['s']", "b"),
                     V("get_metadata", "['s']", "b"));
}

static void case_093_namespace_probe_sorted(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_DENY_ALL;
    FX_ASSERT_BATCH("FilterTables", "[]", R_TBL("managed", "b", "x"), R_TBL("managed", "a", "y"),
                    R_TBL("managed", "b", "z"));
    assert_int_equal(fx_n_batch(FX_PROBES), 2);
    FX_EXPECT_REQUEST(FX_PROBES, 0, W("list_everything"));
    FX_EXPECT_REQUEST(FX_PROBES, 1, N("list_everything", "['a']"), N("list_everything", "['b']"));
}

static void case_094_probe_request_id_header(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_DENY_ALL;
    fx_query_id = "20260101_000000_00001_abcde";
    FX_ASSERT_BATCH("FilterTables", "[]", R_TBL("managed", "s", "t"));
    assert_int_equal(fx_n(FX_BATCH), 3);
    assert_string_equal(fx_header(fx_req(FX_BATCH, 0), "X-Request-ID"), fx_query_id);
    assert_string_equal(fx_header(fx_req(FX_BATCH, 1), "X-Request-ID"), fx_query_id);
    FX_EXPECT_REQUEST(FX_PROBES, 0, W("list_everything"));
    FX_EXPECT_REQUEST(FX_PROBES, 1, N("list_everything", "['s']"));
    assert_null(fx_header(fx_req(FX_BATCH, 2), "X-Request-ID"));    /* slow path */
    /* Single checks carry none either. */
    assert_false(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_null(fx_header(fx_req(FX_BATCH, 3), "X-Request-ID"));
    /* Nor do the IdP and the warehouse lookup. */
    assert_null(fx_header(fx_req(FX_TOKEN, 0), "X-Request-ID"));
    assert_null(fx_header(fx_req(FX_CONFIG, 0), "X-Request-ID"));

    /* Without queryId the probes carry the header with an empty value. */
    fx_stop();
    fx_start_test();
    fx_mock.rule = M_DENY_ALL;
    FX_ASSERT_BATCH("FilterTables", "[]", R_TBL("managed", "s", "t"));
    assert_int_equal(fx_n_batch(FX_PROBES), 2);
    assert_string_equal(fx_header(fx_req(FX_BATCH, 0), "X-Request-ID"), "");
    assert_string_equal(fx_header(fx_req(FX_BATCH, 1), "X-Request-ID"), "");
}

static void case_095_probe_cache_per_query_id(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_DENY_ALL;
    fx_query_id = "q1";
    FX_ASSERT_BATCH("FilterTables", "[]", R_TBL("managed", "s", "t"));
    assert_int_equal(fx_n_batch(FX_PROBES), 2);
    assert_int_equal(fx_n_batch(FX_PLAIN), 1);

    /* Same query, same probe bodies, 29 s later: no probe sent; the slow path is not cached. */
    fx_advance_ms(29000);
    FX_ASSERT_BATCH("FilterTables", "[]", R_TBL("managed", "s", "t"));
    assert_int_equal(fx_n_batch(FX_PROBES), 2);
    assert_int_equal(fx_n_batch(FX_PLAIN), 2);

    /* After 30 s: probed again. */
    fx_advance_ms(1001);
    FX_ASSERT_BATCH("FilterTables", "[]", R_TBL("managed", "s", "t"));
    assert_int_equal(fx_n_batch(FX_PROBES), 4);

    /* A different query id: probed again, with its own header. */
    fx_query_id = "q2";
    FX_ASSERT_BATCH("FilterTables", "[]", R_TBL("managed", "s", "t"));
    assert_int_equal(fx_n_batch(FX_PROBES), 6);
    assert_string_equal(fx_header(fx_req(FX_BATCH, fx_n(FX_BATCH) - 2), "X-Request-ID"), "q2");
}

/* Deviation 5: the form body is percent-encoded (identical here: no special characters) and,
 * with no expires_in, the token lives 150 s and is renewed 30 s early (extras test that). */
static void case_096_token_cached_150_seconds(void **state)
{
    const struct fx_req *r;
    (void)state;
    fx_start_test();
    fx_mock.rule = M_WAREHOUSE_ONLY;
    assert_true(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_int_equal(fx_n(FX_TOKEN), 1);
    r = fx_req(FX_TOKEN, 0);
    assert_string_equal(r->method, "POST");
    assert_string_equal(r->url, "http://mock-idp/token");
    assert_string_equal(fx_header(r, "Content-Type"), "application/x-www-form-urlencoded");
    assert_string_equal(r->body, "grant_type=client_credentials&client_id=test-client"
                                 "&client_secret=test-secret&scope=lakekeeper");
    fx_advance_ms(100000);
    assert_true(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_int_equal(fx_n(FX_TOKEN), 1);
    fx_advance_ms(50000);      /* t0 + 150 s */
    assert_true(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_int_equal(fx_n(FX_TOKEN), 2);
    for (int i = 0; i < fx_n(FX_BATCH); i++)
        assert_string_equal(fx_header(fx_req(FX_BATCH, i), "Authorization"), "Bearer mock-token");
}

static void case_097_token_endpoint_401(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    fx_mock.fault[FX_TOKEN] = (struct fx_fault_spec){FX_FAULT_401, 0, 0};
    assert_false(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_int_equal(fx_n(FX_TOKEN), 1);
    assert_true(fx_allow("ExecuteQuery", NULL));
    assert_int_equal(fx_n(FX_TOKEN), 1);
    /* Not cached: each decision asks the IdP again (once: failures are memoised within a
     * decision, §6). */
    FX_ASSERT_BATCH("FilterTables", "[1]", R_TBL("managed", "s", "t"),
                    R_TBL("system", "jdbc", "x"));
    assert_int_equal(fx_n(FX_TOKEN), 2);
    assert_false(fx_allow("SelectFromColumns", R_TBL("managed", "s", "t")));
    assert_int_equal(fx_n(FX_TOKEN), 3);
    assert_int_equal(fx_n(FX_CONFIG), 0);
    assert_int_equal(fx_n(FX_BATCH), 0);
    /* The IdP recovers: the next decision gets a token and is allowed. */
    fx_mock.fault[FX_TOKEN].fault = FX_FAULT_NONE;
    assert_true(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_int_equal(fx_n(FX_TOKEN), 4);
}

/* Deviation 8: the 404 is cached for 10 s (test_authz_extras.c). */
static void case_098_warehouse_lookup_404(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    fx_mock.fault[FX_CONFIG] = (struct fx_fault_spec){FX_FAULT_404, 0, 0};
    assert_false(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_int_equal(fx_n(FX_CONFIG), 1);
    assert_int_equal(fx_n(FX_BATCH), 0);
    assert_true(fx_allow("AccessCatalog", R_CAT("system")));
    assert_true(fx_allow("SelectFromColumns", R_TBL("system", "jdbc", "types")));
    FX_ASSERT_BATCH("FilterTables", "[1]", R_TBL("managed", "s", "t"),
                    R_TBL("system", "jdbc", "types"));
    assert_int_equal(fx_n(FX_BATCH), 0);
}

static void case_099_batch_check_500_or_timeout(void **state)
{
    static const enum fx_fault faults[] = {FX_FAULT_500, FX_FAULT_TIMEOUT};
    (void)state;
    for (size_t i = 0; i < 2; i++) {
        fx_stop();
        fx_start_test();
        fx_mock.rule = M_ALLOW_ALL;
        fx_mock.fault[FX_BATCH] = (struct fx_fault_spec){faults[i], 0, 0};
        assert_false(fx_allow("AccessCatalog", R_CAT("managed")));
        FX_ASSERT_BATCH("FilterTables", "[1]", R_TBL("managed", "s", "t"),
                        R_TBL("system", "jdbc", "types"));
        FX_ASSERT_BATCH("SelectFromColumns", "[0]", R_TBL("system", "jdbc", "types"),
                        R_TBL("managed", "s", "t"));
        fx_assert_wire();       /* every request carried the 5 s timeout */
        assert_true(fx_n(FX_BATCH) >= 3);
    }
}

static void case_100_lakekeeper_url_trailing_slashes(void **state)
{
    (void)state;
    fx_setenv_lk();
    fx_setenv("LAKEKEEPER_URL", "http://lk:8181///");
    fx_start_env();
    fx_mock.rule = M_ALLOW_ALL;
    assert_true(fx_allow("AccessCatalog", R_CAT("lakekeeper")));
    assert_string_equal(fx_req(FX_CONFIG, 0)->url,
                        "http://lk:8181/catalog/v1/config?warehouse=lakekeeper");
    assert_string_equal(fx_req(FX_BATCH, 0)->url,
                        "http://lk:8181/management/v1/action/batch-check");
}

static void case_101_warehouse_name_query_escaped(void **state)
{
    (void)state;
    fx_setenv_lk();
    fx_setenv("LAKEKEEPER_LAKEKEEPER_WAREHOUSE", "my wh/1");
    fx_start_env();
    fx_mock.rule = M_ALLOW_ALL;
    assert_true(fx_allow("AccessCatalog", R_CAT("lakekeeper")));
    assert_string_equal(fx_req(FX_CONFIG, 0)->url,
                        "http://mock-lakekeeper/catalog/v1/config?warehouse=my+wh%2F1");
}

static void case_102_admin_users_and_flag_parsing(void **state)
{
    (void)state;
    fx_setenv("TRINO_ADMIN_USERS", " alice , ,bob ");
    fx_setenv("TRINO_ALLOW_UNMANAGED_CATALOGS", "TRUE");
    fx_start_env();
    assert_int_equal(fx.cfg.nadmins, 2);
    assert_string_equal(fx.cfg.admins[0], "alice");
    assert_string_equal(fx.cfg.admins[1], "bob");
    assert_false(fx.cfg.allow_unmanaged);
    fx_set_user("alice");
    assert_true(fx_allow("ViewQueryOwnedBy", R_USER("carol")));
    fx_set_user("bob");
    assert_true(fx_allow("ViewQueryOwnedBy", R_USER("carol")));
    fx_set_user(" alice ");
    assert_false(fx_allow("ViewQueryOwnedBy", R_USER("carol")));
    fx_set_user("carol");
    assert_false(fx_allow("ViewQueryOwnedBy", R_USER("bob")));
    assert_false(fx_allow("AccessCatalog", R_CAT("other")));      /* TRUE is not "true" */

    fx_stop();
    fx_setenv("TRINO_ALLOW_UNMANAGED_CATALOGS", "true");
    fx_start_env();
    assert_true(fx.cfg.allow_unmanaged);
    assert_int_equal(fx.cfg.nadmins, 0);
    assert_true(fx_allow("AccessCatalog", R_CAT("other")));
}

static void case_103_nested_namespace_in_table_operations(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    assert_true(fx_allow("FilterTables", R_TBL("managed", "a.b", "t")));
    FX_EXPECT_CHECKS(FX_ALL, FX_SET, T("get_metadata", "['a','b']", "t"),
                     V("get_metadata", "['a','b']", "t"));
}

static void case_104_malformed_single_check_results(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    fx_mock.fault[FX_BATCH] = (struct fx_fault_spec){FX_FAULT_WRONG_COUNT, 0, 1};
    assert_false(fx_allow("AccessCatalog", R_CAT("managed")));
    fx_mock.fault[FX_BATCH] = (struct fx_fault_spec){FX_FAULT_STRING_TRUE, 1, 2};
    assert_false(fx_allow("AccessCatalog", R_CAT("managed")));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED, W("get_config"), W("get_config"));
    /* A well-formed answer is honoured again. */
    assert_true(fx_allow("AccessCatalog", R_CAT("managed")));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX_CASE(case_092_chunking),
        FX_CASE(case_093_namespace_probe_sorted),
        FX_CASE(case_094_probe_request_id_header),
        FX_CASE(case_095_probe_cache_per_query_id),
        FX_CASE(case_096_token_cached_150_seconds),
        FX_CASE(case_097_token_endpoint_401),
        FX_CASE(case_098_warehouse_lookup_404),
        FX_CASE(case_099_batch_check_500_or_timeout),
        FX_CASE(case_100_lakekeeper_url_trailing_slashes),
        FX_CASE(case_101_warehouse_name_query_escaped),
        FX_CASE(case_102_admin_users_and_flag_parsing),
        FX_CASE(case_103_nested_namespace_in_table_operations),
        FX_CASE(case_104_malformed_single_check_results),
    };
    fx_global_init();
    return cmocka_run_group_tests_name("opa-bridge-spec 7.6 (derived cases 92-104)", tests, NULL,
                                       NULL);
}

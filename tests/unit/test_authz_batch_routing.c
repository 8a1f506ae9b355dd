/* test_authz_batch_routing.c -- opa-bridge-spec.md §7.2-§7.4: the cases of the bridge's
 * batch_routing_test.rego, check_batch_test.rego and fast_path_test.rego (C-TEST), asserting
 * the answer and the Lakekeeper checks sent.
 *
 * lakeward deviations asserted here (see the brief / docs/authz.md):
 *  - all of a decision's checks go in one batch-check per instance (chunked at the batch
 *    size), identical checks deduplicated, instead of one HTTP request per single check;
 *  - the probes (warehouse list_everything, then namespace list_everything) run first and only
 *    for managed catalogs holding regular items of the request; they carry X-Request-ID;
 *  - SelectFromColumns' slow path asks view `select`, not `read_data`. */
#include "authz_fixture.c"

#define MY "['my_schema']"

/* ---- §7.2 batch_routing_test.rego -------------------------------------------------------- */

static void case_013_batch_filter_tables_managed_information_schema(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_WAREHOUSE_ONLY;
    FX_ASSERT_BATCH("FilterTables", "[0]", R_TBL("managed", "information_schema", "columns"),
                    R_TBL("managed", "information_schema", "secret_table"));
    /* Item 0 through warehouse get_config; item 1 falls through to table and view
     * get_metadata on ["information_schema"]. Item 0's table/view alternatives are asked too
     * (the rules are ORed). Deviation 1: the reference sends each of these single checks as
     * its own request; lakeward sends them in one batch-check. Deviation 3: no probes, as
     * neither item is a regular one (the reference probes every managed catalog). */
    FX_EXPECT_CHECKS(FX_PLAIN, FX_CONTAINS, W("get_config"),
                     T("get_metadata", "['information_schema']", "secret_table"),
                     V("get_metadata", "['information_schema']", "secret_table"));
    FX_EXPECT_CHECKS(FX_ALL, FX_SET, W("get_config"),
                     T("get_metadata", "['information_schema']", "columns"),
                     V("get_metadata", "['information_schema']", "columns"),
                     T("get_metadata", "['information_schema']", "secret_table"),
                     V("get_metadata", "['information_schema']", "secret_table"));
    assert_int_equal(fx_n_batch(FX_ALL), 1);
}

static void case_014_batch_filter_schemas_managed_system_schema(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    FX_ASSERT_BATCH("FilterSchemas", "[0,1]", R_SCH("managed", "information_schema"),
                    R_SCH("managed", "schema_discovery"));
    /* Both items need the same get_config check: sent once (deduplicated, as in the
     * reference). Deviation 3: no probes for system-schema items. */
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED, W("get_config"));
    assert_int_equal(fx_n_batch(FX_ALL), 1);
}

static void case_015_batch_filter_tables_managed_metadata_table(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    FX_ASSERT_BATCH("FilterTables", "[0,1]", R_TBL("managed", "my_schema", "my_table$snapshots"),
                    R_TBL("managed", "my_schema", "my_table$history"));
    /* Per-item view get_metadata on the literal names, in one request (deviation 1); no
     * probes, since no item is a regular table (deviation 3). */
    FX_EXPECT_CHECKS(FX_ALL, FX_SET, V("get_metadata", MY, "my_table$snapshots"),
                     V("get_metadata", MY, "my_table$history"));
}

static void case_016_batch_filter_tables_mixed_managed_and_system(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_TABLE_A;
    FX_ASSERT_BATCH("FilterTables", "[0,1]", R_TBL("managed", "my_schema", "table_a"),
                    R_TBL("system", "jdbc", "types"), R_TBL("managed", "my_schema", "table_b"));
    FX_EXPECT_REQUEST(FX_PROBES, 0, W("list_everything"));
    FX_EXPECT_REQUEST(FX_PROBES, 1, N("list_everything", MY));
    assert_int_equal(fx_n_batch(FX_PROBES), 2);
    FX_EXPECT_CHECKS(FX_PLAIN, FX_ORDERED, T("get_metadata", MY, "table_a"),
                     V("get_metadata", MY, "table_a"), T("get_metadata", MY, "table_b"),
                     V("get_metadata", MY, "table_b"));
    assert_int_equal(fx_n_batch(FX_PLAIN), 1);
    assert_int_equal(fx_n(FX_TOKEN), 1);
    assert_int_equal(fx_n(FX_CONFIG), 1);
}

static void case_017_batch_filter_schemas_mixed_user_and_system(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_SCHEMA_A;
    FX_ASSERT_BATCH("FilterSchemas", "[0,1]", R_SCH("managed", "schema_a"),
                    R_SCH("managed", "information_schema"), R_SCH("managed", "schema_b"));
    FX_EXPECT_CHECKS(FX_PROBES, FX_ORDERED, W("list_everything"),
                     N("list_everything", "['schema_a']"), N("list_everything", "['schema_b']"));
    /* Slow path namespace get_metadata for schema_a then schema_b, plus information_schema's
     * get_config in the same request (deviation 1: the reference sends get_config on its
     * own). */
    FX_EXPECT_CHECKS(FX_PLAIN, FX_SET, W("get_config"), N("get_metadata", "['schema_a']"),
                     N("get_metadata", "['schema_b']"));
    assert_int_equal(fx_n_batch(FX_PLAIN), 1);
    {
        json_t *plain = fx_sent_checks(FX_PLAIN);
        int a = -1, b = -1;
        for (size_t i = 0; i < json_array_size(plain); i++) {
            json_t *c = json_array_get(plain, i);
            if (fx_chk_ns(c, "['schema_a']"))
                a = (int)i;
            if (fx_chk_ns(c, "['schema_b']"))
                b = (int)i;
        }
        assert_true(a >= 0 && b > a);
        json_decref(plain);
    }
}

static void case_018_batch_filter_tables_products_allowed_revenue_denied(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_PRODUCTS_ONLY;
    FX_ASSERT_BATCH("FilterTables", "[0]", R_TBL("managed", "finance", "products"),
                    R_TBL("managed", "finance", "revenue"));
    FX_EXPECT_CHECKS(FX_PLAIN, FX_ORDERED, T("get_metadata", "['finance']", "products"),
                     V("get_metadata", "['finance']", "products"),
                     T("get_metadata", "['finance']", "revenue"),
                     V("get_metadata", "['finance']", "revenue"));
}

static void case_019_batch_filter_tables_selective_with_many_tables(void **state)
{
    static const int sizes[] = {10, 10, 10, 10, 10, 10, 4};
    struct lw_buf items;
    json_t *plain;
    char *got;
    (void)state;
    fx_start_test_batch(10);
    fx_mock.rule = M_PRODUCTS_ONLY;
    lw_buf_init(&items, 1 << 20);
    lw_buf_putc(&items, '[');
    for (int i = 0; i < 30; i++) {
        char tbl[32];
        snprintf(tbl, sizeof tbl, "table_%d", i);
        lw_buf_printf(&items, "%s,", R_TBL("managed", "finance", tbl));
    }
    lw_buf_printf(&items, "%s,%s]", R_TBL("managed", "finance", "products"),
                  R_TBL("managed", "finance", "revenue"));
    got = fx_batch_items("FilterTables", items.data);
    assert_string_equal(got, "[30]");
    lw_free(got);
    lw_buf_free(&items);

    /* Probes: one WB request and one NB request for ["finance"]. */
    assert_int_equal(fx_n_batch(FX_PROBES), 2);
    FX_EXPECT_REQUEST(FX_PROBES, 0, W("list_everything"));
    FX_EXPECT_REQUEST(FX_PROBES, 1, N("list_everything", "['finance']"));
    /* Slow path: 64 checks in 7 requests of 10,10,10,10,10,10,4; table then view per item,
     * input order. */
    assert_int_equal(fx_n_batch(FX_PLAIN), 7);
    for (int k = 0; k < 7; k++)
        assert_int_equal(fx_batch_size(FX_PLAIN, k), sizes[k]);
    plain = fx_sent_checks(FX_PLAIN);
    assert_int_equal(json_array_size(plain), 64);
    for (int i = 0; i < 32; i++) {
        char tbl[32];
        json_t *t, *v;
        if (i < 30)
            snprintf(tbl, sizeof tbl, "table_%d", i);
        else
            snprintf(tbl, sizeof tbl, "%s", i == 30 ? "products" : "revenue");
        t = json_pack("{s:o,s:{s:s}}", "operation", T("get_metadata", "['finance']", tbl),
                      "identity", "user", fx_principal);
        v = json_pack("{s:o,s:{s:s}}", "operation", V("get_metadata", "['finance']", tbl),
                      "identity", "user", fx_principal);
        assert_true(json_equal(json_array_get(plain, (size_t)(2 * i)), t));
        assert_true(json_equal(json_array_get(plain, (size_t)(2 * i + 1)), v));
        json_decref(t);
        json_decref(v);
    }
    json_decref(plain);
    fx_assert_wire();
}

static void case_020_batch_filter_columns_managed_allowed(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    FX_ASSERT_BATCH("FilterColumns", "[0,1,2]",
                    R_COLS("managed", "my_schema", "table_a", "['col1','col2','col3']"));
    /* WB is true: nothing but the warehouse probe (deviation 3: WB true skips NB). */
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED, W("list_everything"));
}

static void case_021_batch_filter_columns_managed_denied(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_DENY_ALL;
    FX_ASSERT_BATCH("FilterColumns", "[]",
                    R_COLS("managed", "my_schema", "table_a", "['col1','col2','col3']"));
    FX_EXPECT_CHECKS(FX_PROBES, FX_ORDERED, W("list_everything"), N("list_everything", MY));
    FX_EXPECT_CHECKS(FX_PLAIN, FX_ORDERED, T("get_metadata", MY, "table_a"),
                     V("get_metadata", MY, "table_a"));
}

static void case_022_batch_filter_columns_managed_selective(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_TABLE_A;
    FX_ASSERT_BATCH("FilterColumns", "[]",
                    R_COLS("managed", "my_schema", "table_b", "['col1','col2']"));
    FX_EXPECT_CHECKS(FX_PLAIN, FX_ORDERED, T("get_metadata", MY, "table_b"),
                     V("get_metadata", MY, "table_b"));
}

/* ---- §7.3 check_batch_test.rego ---------------------------------------------------------- */

static void case_023_managed_allow_all(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    FX_ASSERT_BATCH("FilterTables", "[0,1]", R_TBL("managed", "my_schema", "table_a"),
                    R_TBL("managed", "my_schema", "table_b"));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED, W("list_everything"));     /* via WB */
}

static void case_024_managed_selective(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_TABLE_A;
    FX_ASSERT_BATCH("FilterTables", "[0]", R_TBL("managed", "my_schema", "table_a"),
                    R_TBL("managed", "my_schema", "table_b"));
    FX_EXPECT_CHECKS(FX_PROBES, FX_ORDERED, W("list_everything"), N("list_everything", MY));
    FX_EXPECT_CHECKS(FX_PLAIN, FX_ORDERED, T("get_metadata", MY, "table_a"),
                     V("get_metadata", MY, "table_a"), T("get_metadata", MY, "table_b"),
                     V("get_metadata", MY, "table_b"));
}

static void case_025_managed_deny_all(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_DENY_ALL;
    FX_ASSERT_BATCH("FilterTables", "[]", R_TBL("managed", "my_schema", "table_a"),
                    R_TBL("managed", "my_schema", "table_b"));
    assert_int_equal(fx_n_batch(FX_PROBES), 2);
    assert_int_equal(fx_n_batch(FX_PLAIN), 1);
}

static void case_026_view_check_sufficient(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_VIEWS_ONLY;
    FX_ASSERT_BATCH("FilterTables", "[0]", R_TBL("managed", "my_schema", "table_a"));
    FX_EXPECT_CHECKS(FX_PROBES, FX_ORDERED, W("list_everything"), N("list_everything", MY));
    FX_EXPECT_CHECKS(FX_PLAIN, FX_ORDERED, T("get_metadata", MY, "table_a"),
                     V("get_metadata", MY, "table_a"));
}

static void case_027_select_from_columns_managed(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_TABLE_A;
    FX_ASSERT_BATCH("SelectFromColumns", "[0]", R_TBL("managed", "my_schema", "table_a"),
                    R_TBL("managed", "my_schema", "table_b"));
    fx_expect_no_checks(FX_PROBES);
    /* Deviation 4: the view check asks `select` (the reference's batch path asks read_data,
     * which Lakekeeper rejects for views). */
    FX_EXPECT_CHECKS(FX_PLAIN, FX_ORDERED, T("read_data", MY, "table_a"),
                     V("select", MY, "table_a"), T("read_data", MY, "table_b"),
                     V("select", MY, "table_b"));
}

static void case_028_filter_schemas_managed_selective(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_SCHEMA_A;
    FX_ASSERT_BATCH("FilterSchemas", "[0]", R_SCH("managed", "schema_a"),
                    R_SCH("managed", "schema_b"));
    FX_EXPECT_CHECKS(FX_PROBES, FX_ORDERED, W("list_everything"),
                     N("list_everything", "['schema_a']"), N("list_everything", "['schema_b']"));
    FX_EXPECT_CHECKS(FX_PLAIN, FX_ORDERED, N("get_metadata", "['schema_a']"),
                     N("get_metadata", "['schema_b']"));
}

/* ---- §7.4 fast_path_test.rego ------------------------------------------------------------ */

static void case_029_warehouse_broad_allows_all_tables(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_WH_LIST_EVERYTHING;
    FX_ASSERT_BATCH("FilterTables", "[0,1,2]", R_TBL("managed", "schema_a", "table_a"),
                    R_TBL("managed", "schema_b", "table_b"),
                    R_TBL("managed", "schema_c", "table_c"));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED, W("list_everything"));
    fx_expect_no_checks(FX_PLAIN);
}

static void case_030_warehouse_broad_allows_all_schemas(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_WH_LIST_EVERYTHING;
    FX_ASSERT_BATCH("FilterSchemas", "[0,1]", R_SCH("managed", "schema_a"),
                    R_SCH("managed", "schema_b"));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED, W("list_everything"));
}

static void case_031_warehouse_broad_single_table_filter_columns(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_WH_LIST_EVERYTHING;
    FX_ASSERT_BATCH("FilterColumns", "[0,1,2]",
                    R_COLS("managed", "schema_a", "table_a", "['c1','c2','c3']"));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED, W("list_everything"));
}

static void case_032_does_not_cover_select_from_columns(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_WH_LIST_EVERYTHING;
    FX_ASSERT_BATCH("SelectFromColumns", "[]", R_TBL("managed", "schema_a", "table_a"));
    fx_expect_no_checks(FX_PROBES);
    /* Deviation 4: view `select`, not read_data. */
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED, T("read_data", "['schema_a']", "table_a"),
                     V("select", "['schema_a']", "table_a"));
}

static void case_033_namespace_broad_allows_matching_namespace(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_NS_LIST_EVERYTHING_A;
    FX_ASSERT_BATCH("FilterTables", "[0]", R_TBL("managed", "schema_a", "table_a"),
                    R_TBL("managed", "schema_b", "table_b"));
    FX_EXPECT_REQUEST(FX_PROBES, 0, W("list_everything"));
    FX_EXPECT_REQUEST(FX_PROBES, 1, N("list_everything", "['schema_a']"),
                      N("list_everything", "['schema_b']"));
    /* Only table_b goes to the slow path. */
    FX_EXPECT_CHECKS(FX_PLAIN, FX_ORDERED, T("get_metadata", "['schema_b']", "table_b"),
                     V("get_metadata", "['schema_b']", "table_b"));
}

static void case_034_namespace_broad_allows_matching_schema(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_NS_LIST_EVERYTHING_A;
    FX_ASSERT_BATCH("FilterSchemas", "[0]", R_SCH("managed", "schema_a"),
                    R_SCH("managed", "schema_b"));
    FX_EXPECT_CHECKS(FX_PLAIN, FX_ORDERED, N("get_metadata", "['schema_b']"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX_CASE(case_013_batch_filter_tables_managed_information_schema),
        FX_CASE(case_014_batch_filter_schemas_managed_system_schema),
        FX_CASE(case_015_batch_filter_tables_managed_metadata_table),
        FX_CASE(case_016_batch_filter_tables_mixed_managed_and_system),
        FX_CASE(case_017_batch_filter_schemas_mixed_user_and_system),
        FX_CASE(case_018_batch_filter_tables_products_allowed_revenue_denied),
        FX_CASE(case_019_batch_filter_tables_selective_with_many_tables),
        FX_CASE(case_020_batch_filter_columns_managed_allowed),
        FX_CASE(case_021_batch_filter_columns_managed_denied),
        FX_CASE(case_022_batch_filter_columns_managed_selective),
        FX_CASE(case_023_managed_allow_all),
        FX_CASE(case_024_managed_selective),
        FX_CASE(case_025_managed_deny_all),
        FX_CASE(case_026_view_check_sufficient),
        FX_CASE(case_027_select_from_columns_managed),
        FX_CASE(case_028_filter_schemas_managed_selective),
        FX_CASE(case_029_warehouse_broad_allows_all_tables),
        FX_CASE(case_030_warehouse_broad_allows_all_schemas),
        FX_CASE(case_031_warehouse_broad_single_table_filter_columns),
        FX_CASE(case_032_does_not_cover_select_from_columns),
        FX_CASE(case_033_namespace_broad_allows_matching_namespace),
        FX_CASE(case_034_namespace_broad_allows_matching_schema),
    };
    fx_global_init();
    return cmocka_run_group_tests_name("opa-bridge-spec 7.2-7.4 (batch routing, check_batch, "
                                       "fast path)",
                                       tests, NULL, NULL);
}

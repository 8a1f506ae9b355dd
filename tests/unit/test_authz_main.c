/* test_authz_main.c -- opa-bridge-spec.md §7.1: the cases of the bridge's main_test.rego
 * (system catalog, unmanaged catalogs and the unmanaged flag), against the real engine with
 * the fake Lakekeeper of authz_fixture.c. Where upstream asserts only part of the answer,
 * these assert the whole expected answer. */
#include "authz_fixture.c"

static void case_001_batch_filter_catalogs_includes_system(void **state)
{
    (void)state;
    fx_start_default(false);
    FX_ASSERT_BATCH("FilterCatalogs", "[0]", R_CAT("system"), R_CAT("unknown"));
    assert_int_equal(fx_n_total(), 0);
}

static void case_002_batch_filter_columns_system_jdbc(void **state)
{
    (void)state;
    fx_start_default(false);
    FX_ASSERT_BATCH("FilterColumns", "[0,1,2]",
                    R_COLS("system", "jdbc", "types", "['type_name','data_type','precision']"));
    assert_int_equal(fx_n_total(), 0);
}

static void case_003_batch_filter_columns_preserves_table_fields(void **state)
{
    (void)state;
    fx_start_default(false);
    FX_ASSERT_BATCH("FilterColumns", "[0]",
                    R_COLS("system", "information_schema", "columns", "['column_name']"));
}

static void case_004_batch_filter_columns_denied_for_unknown_table(void **state)
{
    (void)state;
    fx_start_default(false);
    FX_ASSERT_BATCH("FilterColumns", "[]",
                    R_COLS("system", "information_schema", "not_a_real_table", "['col1']"));
    assert_int_equal(fx_n_total(), 0);
}

static void case_005_batch_filter_schemas_system(void **state)
{
    (void)state;
    fx_start_default(false);
    FX_ASSERT_BATCH("FilterSchemas", "[0,1]", R_SCH("system", "jdbc"), R_SCH("system", "runtime"),
                    R_SCH("system", "secret_schema"));
}

static void case_006_batch_filter_tables_unmanaged_denied_by_default(void **state)
{
    (void)state;
    fx_start_default(false);
    FX_ASSERT_BATCH("FilterTables", "[]", R_TBL("external_db", "public", "users"));
}

static void case_007_batch_filter_tables_unmanaged_blanket_allow(void **state)
{
    (void)state;
    fx_start_default(true);
    FX_ASSERT_BATCH("FilterTables", "[0]", R_TBL("external_db", "public", "users"));
}

static void case_008_unmanaged_flag_does_not_allow_managed(void **state)
{
    (void)state;
    fx_start_managed_nolk_flag();
    assert_false(fx_allow("AccessCatalog", R_CAT("managed")));
    assert_int_equal(fx_n_total(), 0);
}

static void case_009_batch_unmanaged_no_lakekeeper_calls(void **state)
{
    (void)state;
    fx_start_default(true);
    FX_ASSERT_BATCH("FilterTables", "[0,1]", R_TBL("external_db", "public", "users"),
                    R_TBL("system", "jdbc", "types"));
    assert_int_equal(fx_n_total(), 0);
}

static void case_010_batch_unmanaged_many_rows_same_catalog(void **state)
{
    struct lw_buf items, want;
    char *got;
    (void)state;
    fx_start_default(true);
    lw_buf_init(&items, 1 << 20);
    lw_buf_init(&want, 1 << 20);
    lw_buf_putc(&items, '[');
    lw_buf_putc(&want, '[');
    for (int i = 0; i < 200; i++) {
        char tbl[32];
        snprintf(tbl, sizeof tbl, "t%d", i);
        lw_buf_printf(&items, "%s%s", i ? "," : "", R_TBL("external_db", "public", tbl));
        lw_buf_printf(&want, "%s%d", i ? "," : "", i);
    }
    lw_buf_putc(&items, ']');
    lw_buf_putc(&want, ']');
    got = fx_batch_items("FilterTables", items.data);
    assert_string_equal(got, want.data);
    lw_free(got);
    lw_buf_free(&items);
    lw_buf_free(&want);
    assert_int_equal(fx_n_total(), 0);
}

static void case_011_batch_unmanaged_mixed_catalogs(void **state)
{
    (void)state;
    fx_start_default(true);
    FX_ASSERT_BATCH("FilterTables", "[0,1,2,3]", R_TBL("external_a", "public", "t1"),
                    R_TBL("external_b", "public", "t2"), R_TBL("external_a", "public", "t3"),
                    R_TBL("external_c", "public", "t4"));
}

static void case_012_batch_unmanaged_fallback_via_default_access(void **state)
{
    (void)state;
    fx_start_default(false);
    FX_ASSERT_BATCH("FilterTables", "[1]", R_TBL("external_db", "public", "users"),
                    R_TBL("system", "jdbc", "types"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX_CASE(case_001_batch_filter_catalogs_includes_system),
        FX_CASE(case_002_batch_filter_columns_system_jdbc),
        FX_CASE(case_003_batch_filter_columns_preserves_table_fields),
        FX_CASE(case_004_batch_filter_columns_denied_for_unknown_table),
        FX_CASE(case_005_batch_filter_schemas_system),
        FX_CASE(case_006_batch_filter_tables_unmanaged_denied_by_default),
        FX_CASE(case_007_batch_filter_tables_unmanaged_blanket_allow),
        FX_CASE(case_008_unmanaged_flag_does_not_allow_managed),
        FX_CASE(case_009_batch_unmanaged_no_lakekeeper_calls),
        FX_CASE(case_010_batch_unmanaged_many_rows_same_catalog),
        FX_CASE(case_011_batch_unmanaged_mixed_catalogs),
        FX_CASE(case_012_batch_unmanaged_fallback_via_default_access),
    };
    fx_global_init();
    return cmocka_run_group_tests_name("opa-bridge-spec 7.1 (main_test.rego)", tests, NULL, NULL);
}

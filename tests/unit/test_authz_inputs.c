/* test_authz_inputs.c -- opa-bridge-spec.md §7.5: the JSON files of the bridge's inputs/
 * directory, sent as Trino sent them (the real files in ../shared/reference/data/trino-inputs),
 * asserting the exact check Lakekeeper receives and the decision when it answers true and when
 * it answers false. C-DEFAULT-LK: the four default catalogs with a reachable Lakekeeper. */
#include "authz_fixture.c"

#define USER_CFB "cfb55bf6-fcbb-4a1e-bfec-30c6649b52f8"
#define USER_941 "9410d0bf-4487-4177-a34f-af364cac0a59"

/* Decides file `name` (allow endpoint) under a fresh C-DEFAULT-LK engine and mock `rule`. */
static bool allow_file_default_lk(const char *name, fx_rule_fn rule)
{
    char *body = fx_read_input(name, false);
    bool allowed;
    fx_stop();
    fx_start_default_lk();
    fx_set_user(USER_CFB);
    fx_mock.rule = rule;
    allowed = fx_allow_body(body);
    lw_free(body);
    return allowed;
}

/* The one warehouse lookup of a decision went to warehouse `wh` with only a bearer token. */
static void assert_lookup(const char *base, const char *wh)
{
    const struct fx_req *r = fx_req(FX_CONFIG, 0);
    char url[512];
    snprintf(url, sizeof url, "%s/catalog/v1/config?warehouse=%s", base, wh);
    assert_int_equal(fx_n(FX_CONFIG), 1);
    assert_string_equal(r->method, "GET");
    assert_string_equal(r->url, url);
    assert_int_equal(r->nheaders, 1);
    assert_string_equal(fx_header(r, "Authorization"), "Bearer mock-token");
}

static void case_035_create_table(void **state)
{
    (void)state;
    assert_true(allow_file_default_lk("create-table.json", M_ALLOW_ALL));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED,
                     NX("{'action':'create_table','properties':{'format':'PARQUET'},"
                        "'name':'my_table'}",
                        "['trino_namespace']"));
    assert_int_equal(fx_n_batch(FX_ALL), 1);
    assert_lookup("http://mock-lakekeeper", "lakekeeper");
    assert_false(allow_file_default_lk("create-table.json", M_DENY_ALL));
}

static void case_036_create_table_with_properties(void **state)
{
    (void)state;
    assert_true(allow_file_default_lk("create-table-with-properties.json", M_ALLOW_ALL));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED,
                     NX("{'action':'create_table','properties':{'format':'PARQUET','key1':'v1',"
                        "'key2':'v2','key3':'v3'},'name':'revenue_properties'}",
                        "['finance']"));
    assert_false(allow_file_default_lk("create-table-with-properties.json", M_DENY_ALL));
}

static void case_037_commit_set_table_properties(void **state)
{
    (void)state;
    assert_true(allow_file_default_lk("commit-set-table-properties.json", M_ALLOW_ALL));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED,
                     TX("{'action':'commit','updated_properties':{'extra.property.one':'updated'},"
                        "'removed_properties':[]}",
                        "['finance']", "revenue_properties"));
    assert_false(allow_file_default_lk("commit-set-table-properties.json", M_DENY_ALL));
}

static void case_038_create_catalog(void **state)
{
    (void)state;
    assert_true(allow_file_default_lk("create-catalog.json", M_ALLOW_ALL));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED, W("delete"));
    assert_false(allow_file_default_lk("create-catalog.json", M_DENY_ALL));
}

static void case_039_create_schema(void **state)
{
    (void)state;
    assert_true(allow_file_default_lk("create-schema.json", M_ALLOW_ALL));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED,
                     WX("{'action':'create_namespace','properties':{},'name':'finance'}"));
    assert_false(allow_file_default_lk("create-schema.json", M_DENY_ALL));
}

static void case_040_create_schema_with_properties(void **state)
{
    (void)state;
    assert_true(allow_file_default_lk("create-schema-with-properties.json", M_ALLOW_ALL));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED,
                     WX("{'action':'create_namespace','properties':{'location':'/a/b/c'},"
                        "'name':'schema_with_properties'}"));
    assert_false(allow_file_default_lk("create-schema-with-properties.json", M_DENY_ALL));
}

static void case_041_create_schema_nested(void **state)
{
    (void)state;
    assert_true(allow_file_default_lk("create-schema-nested.json", M_ALLOW_ALL));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED,
                     NX("{'action':'create_namespace','properties':{},'name':'internal'}",
                        "['finance']"));
    assert_false(allow_file_default_lk("create-schema-nested.json", M_DENY_ALL));
}

static void case_042_execute_query(void **state)
{
    (void)state;
    assert_true(allow_file_default_lk("execute-query.json", M_DENY_ALL));
    assert_int_equal(fx_n_total(), 0);      /* no HTTP call at all, not even a token */
}

static bool rename_only(json_t *c)
{
    return strcmp(fx_chk_action(c), "rename") == 0;
}

static void case_043_rename_table(void **state)
{
    (void)state;
    assert_true(allow_file_default_lk("rename-table.json", M_ALLOW_ALL));
    /* Deviation 1: both checks in one batch-check (the reference sends two requests). */
    FX_EXPECT_CHECKS(FX_ALL, FX_SET, T("rename", "['trino_namespace']", "my_table"),
                     N("create_table", "['trino_namespace']"));
    assert_int_equal(fx_n_batch(FX_ALL), 1);
    assert_false(allow_file_default_lk("rename-table.json", rename_only));
    assert_false(allow_file_default_lk("rename-table.json", M_DENY_ALL));
}

static void case_044_select_from_columns(void **state)
{
    (void)state;
    assert_true(allow_file_default_lk("select-from-columns.json", M_WAREHOUSE_ONLY));
    /* get_config decides; table read_data and view select on the literal name may go too. */
    FX_EXPECT_CHECKS(FX_ALL, FX_CONTAINS, W("get_config"));
    FX_EXPECT_CHECKS(FX_ALL, FX_SET, W("get_config"),
                     T("read_data", "['information_schema']", "schemata"),
                     V("select", "['information_schema']", "schemata"));
    assert_false(allow_file_default_lk("select-from-columns.json", M_DENY_ALL));
}

static void case_045_table_optimize(void **state)
{
    (void)state;
    assert_true(allow_file_default_lk("table-optimize.json", M_ALLOW_ALL));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED, T("write_data", "['finance']", "revenue"));
    assert_false(allow_file_default_lk("table-optimize.json", M_DENY_ALL));
}

/* Engine from the environment of the bridge's integration tests (catalog_trino_opa ->
 * trino_opa). */
static void start_trino_opa_env(fx_rule_fn rule)
{
    fx_stop();
    fx_setenv_lk();
    fx_setenv("TRINO_LAKEKEEPER_CATALOG_NAME", "catalog_trino_opa");
    fx_setenv("LAKEKEEPER_LAKEKEEPER_WAREHOUSE", "trino_opa");
    fx_start_env();
    fx_set_user(USER_941);
    fx_mock.rule = rule;
}

static void case_046_table_optimize_manifest(void **state)
{
    char *body = fx_read_input("table-optimize-manifest.json", false);
    (void)state;
    start_trino_opa_env(M_ALLOW_ALL);
    assert_true(fx_allow_body(body));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED,
                     T("write_data", "['test_optimize_manifests']", "my_table"));
    assert_lookup("http://mock-lakekeeper", "trino_opa");
    start_trino_opa_env(M_DENY_ALL);
    assert_false(fx_allow_body(body));

    /* C-DEFAULT: catalog_trino_opa is unmanaged, so false; with the flag true. */
    fx_stop();
    fx_start_default(false);
    assert_false(fx_allow_body(body));
    fx_stop();
    fx_start_default(true);
    assert_true(fx_allow_body(body));
    assert_int_equal(fx_n_total(), 0);
    lw_free(body);
}

static bool base_table_get_metadata_only(json_t *c)
{
    return strcmp(fx_chk_kind(c), "table") == 0 && strcmp(fx_chk_action(c), "get_metadata") == 0 &&
           strcmp(fx_chk_name(c), "my_table") == 0;
}

static bool view_select_only(json_t *c)
{
    return strcmp(fx_chk_kind(c), "view") == 0 && strcmp(fx_chk_action(c), "select") == 0;
}

static void case_047_table_select_from_columns(void **state)
{
    char *body = fx_read_input("table-select-from-columns.json", false);
    (void)state;
    start_trino_opa_env(base_table_get_metadata_only);
    assert_true(fx_allow_body(body));
    /* Base-table get_metadata or view select on the literal name; no table read_data. */
    FX_EXPECT_CHECKS(FX_ALL, FX_SET, T("get_metadata", "['test_expire_snapshots']", "my_table"),
                     V("select", "['test_expire_snapshots']", "my_table$snapshots"));
    start_trino_opa_env(view_select_only);
    assert_true(fx_allow_body(body));
    start_trino_opa_env(M_DENY_ALL);
    assert_false(fx_allow_body(body));
    lw_free(body);
}

static void case_048_filter_catalog(void **state)
{
    static const struct fx_cat datalake[] = {{"datalake", "datalake-wh", 0}};
    struct fx_cfg c = {.lk = true, .cats = datalake, .ncats = 1};
    char *body = fx_read_input("filter-catalog.json", true);
    char *got;
    (void)state;

    fx_start_default(false);
    got = fx_batch_body(body);
    assert_string_equal(got, "[1]");
    lw_free(got);
    assert_int_equal(fx_n_total(), 0);

    fx_stop();
    fx_start_default(true);
    got = fx_batch_body(body);
    assert_string_equal(got, "[0,1,2,3,4,5]");
    lw_free(got);

    fx_stop();
    fx_start(&c);
    fx_set_user("chris");
    fx_mock.rule = M_WAREHOUSE_ONLY;
    got = fx_batch_body(body);
    assert_string_equal(got, "[1,4]");
    lw_free(got);
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED, W("get_config"));
    assert_lookup("http://mock-lakekeeper", "datalake-wh");
    lw_free(body);
}

static void case_049_filter_schema(void **state)
{
    static const struct fx_cat datalake[] = {{"datalake", "datalake-wh", 0}};
    struct fx_cfg c = {.lk = true, .cats = datalake, .ncats = 1};
    char *body = fx_read_input("filter-schema.json", true);
    char *got;
    (void)state;

    /* information_schema is default-allowed only in catalog system. */
    fx_start_default(false);
    got = fx_batch_body(body);
    assert_string_equal(got, "[]");
    lw_free(got);

    fx_stop();
    fx_start_default(true);
    got = fx_batch_body(body);
    assert_string_equal(got, "[0,1]");
    lw_free(got);

    /* datalake managed, M-ALLOW-ALL: index 0 via get_config, index 1 via WB. */
    fx_stop();
    fx_start(&c);
    fx_set_user("chris");
    fx_mock.rule = M_ALLOW_ALL;
    got = fx_batch_body(body);
    assert_string_equal(got, "[0,1]");
    lw_free(got);
    FX_EXPECT_CHECKS(FX_PROBES, FX_ORDERED, W("list_everything"));
    FX_EXPECT_CHECKS(FX_PLAIN, FX_ORDERED, W("get_config"));
    lw_free(body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX_CASE(case_035_create_table),
        FX_CASE(case_036_create_table_with_properties),
        FX_CASE(case_037_commit_set_table_properties),
        FX_CASE(case_038_create_catalog),
        FX_CASE(case_039_create_schema),
        FX_CASE(case_040_create_schema_with_properties),
        FX_CASE(case_041_create_schema_nested),
        FX_CASE(case_042_execute_query),
        FX_CASE(case_043_rename_table),
        FX_CASE(case_044_select_from_columns),
        FX_CASE(case_045_table_optimize),
        FX_CASE(case_046_table_optimize_manifest),
        FX_CASE(case_047_table_select_from_columns),
        FX_CASE(case_048_filter_catalog),
        FX_CASE(case_049_filter_schema),
    };
    fx_global_init();
    return cmocka_run_group_tests_name("opa-bridge-spec 7.5 (sample inputs)", tests, NULL, NULL);
}

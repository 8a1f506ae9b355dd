/* test_authz_derived.c -- opa-bridge-spec.md §7.6, cases 50-91: derived cases that follow from
 * the rules of §4 and §5 (C-TEST unless stated), asserting the decision and the Lakekeeper
 * checks sent. Cases 92-104 (wire, caching, failures, configuration) are in
 * test_authz_derived_wire.c. */
#include "authz_fixture.c"

/* C-TEST with the unmanaged flag on. */
static void start_test_flag(void)
{
    struct fx_cfg c = {.lk = true, .flag = true};
    fx_start(&c);
}

static void case_050_execute_query_without_admins_or_lakekeeper(void **state)
{
    (void)state;
    fx_start_default(false);
    assert_true(fx_allow("ExecuteQuery", NULL));
    assert_int_equal(fx_n_total(), 0);
}

static void case_051_read_and_write_system_information(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    assert_true(fx_allow("ReadSystemInformation", NULL));
    assert_false(fx_allow("WriteSystemInformation", NULL));
    assert_int_equal(fx_n_total(), 0);
}

static void case_052_impersonate_and_kill_denied(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    assert_false(fx_allow("ImpersonateUser", R_USER("bob")));
    assert_false(fx_allow("KillQueryOwnedBy", R_USER("test-user")));
    assert_int_equal(fx_n_total(), 0);
}

static void case_053_view_query_owned_by(void **state)
{
    (void)state;
    fx_start_test();
    assert_true(fx_allow("ViewQueryOwnedBy", R_USER("test-user")));
    assert_false(fx_allow("ViewQueryOwnedBy", R_USER("bob")));
    fx_stop();
    fx_start_test_admin();
    assert_true(fx_allow("ViewQueryOwnedBy", R_USER("bob")));
    assert_int_equal(fx_n_total(), 0);
}

static void case_054_batch_filter_view_query_owned_by(void **state)
{
    (void)state;
    fx_start_test();
    FX_ASSERT_BATCH("FilterViewQueryOwnedBy", "[0]", "{'user':{'user':'test-user','groups':[]}}",
                    R_USER("bob"));
    fx_stop();
    fx_start_test_admin();
    FX_ASSERT_BATCH("FilterViewQueryOwnedBy", "[0,1]", "{'user':{'user':'test-user','groups':[]}}",
                    R_USER("bob"));
    assert_int_equal(fx_n_total(), 0);
}

static void case_055_access_catalog(void **state)
{
    json_t *want;
    (void)state;
    fx_start_test();
    fx_mock.rule = M_WAREHOUSE_ONLY;
    assert_true(fx_allow("AccessCatalog", R_CAT("system")));
    assert_int_equal(fx_n_total(), 0);

    assert_true(fx_allow("AccessCatalog", R_CAT("managed")));
    /* The exact request body (compared as JSON). */
    want = fx_json("{'error-on-not-found':false,'checks':[{'operation':{'warehouse':{"
                   "'action':{'action':'get_config'},'warehouse-id':'mock-wh-id'}},"
                   "'identity':{'user':'oidc~test-user'}}]}");
    assert_int_equal(fx_n(FX_BATCH), 1);
    assert_true(json_equal(fx_req(FX_BATCH, 0)->json, want));
    assert_string_equal(fx_req(FX_BATCH, 0)->url,
                        "http://mock-lakekeeper/management/v1/action/batch-check");
    assert_string_equal(fx_header(fx_req(FX_BATCH, 0), "Authorization"), "Bearer mock-token");
    json_decref(want);

    fx_mock.rule = M_DENY_ALL;
    assert_false(fx_allow("AccessCatalog", R_CAT("managed")));
}

static void case_056_access_catalog_unmanaged(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    assert_false(fx_allow("AccessCatalog", R_CAT("other")));
    fx_stop();
    start_test_flag();
    assert_true(fx_allow("AccessCatalog", R_CAT("other")));
    assert_int_equal(fx_n_total(), 0);
}

static void case_057_batch_filter_catalogs(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_WAREHOUSE_ONLY;
    FX_ASSERT_BATCH("FilterCatalogs", "[0,1]", R_CAT("system"), R_CAT("managed"), R_CAT("other"));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED, W("get_config"));
    fx_stop();
    start_test_flag();
    fx_mock.rule = M_WAREHOUSE_ONLY;
    FX_ASSERT_BATCH("FilterCatalogs", "[0,1,2]", R_CAT("system"), R_CAT("managed"),
                    R_CAT("other"));
}

static void case_058_create_and_drop_catalog(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_WAREHOUSE_ONLY;
    assert_true(fx_allow("CreateCatalog", R_CAT("managed")));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED, W("delete"));
    fx_clear_requests();
    assert_true(fx_allow("DropCatalog", R_CAT("managed")));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED, W("delete"));
    fx_clear_requests();
    assert_false(fx_allow("CreateCatalog", R_CAT("newcat")));
    assert_int_equal(fx_n_total(), 0);
    fx_stop();
    start_test_flag();
    assert_true(fx_allow("CreateCatalog", R_CAT("newcat")));
    assert_int_equal(fx_n_total(), 0);
}

static void case_059_show_schemas(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_WAREHOUSE_ONLY;
    assert_true(fx_allow("ShowSchemas", R_CAT("system")));
    assert_int_equal(fx_n_total(), 0);
    assert_true(fx_allow("ShowSchemas", R_CAT("managed")));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED, W("list_namespaces"));
    fx_mock.rule = M_DENY_ALL;
    assert_false(fx_allow("ShowSchemas", R_CAT("managed")));
}

static void case_060_create_schema_nested_three_levels(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    assert_true(fx_allow("CreateSchema", R_SCHP("managed", "a.b.c", "{}")));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED,
                     NX("{'action':'create_namespace','properties':{},'name':'c'}", "['a','b']"));
}

static void case_061_drop_schema_and_rename_schema(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    assert_true(fx_allow("DropSchema", R_SCH("managed", "a.b")));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED, N("delete", "['a','b']"));
    fx_clear_requests();
    assert_false(fx_allow_t("RenameSchema", R_SCH("managed", "a"), R_SCH("managed", "b")));
    assert_int_equal(fx_n_total(), 0);
}

static void case_062_show_tables(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_SCHEMA_A;
    assert_false(fx_allow("ShowTables", R_SCH("managed", "finance")));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED, N("get_metadata", "['finance']"));
    fx_clear_requests();
    assert_true(fx_allow("ShowTables", R_SCH("managed", "schema_a")));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED, N("get_metadata", "['schema_a']"));
}

static void case_063_show_create_schema(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    assert_false(fx_allow("ShowCreateSchema", R_SCH("managed", "information_schema")));
    assert_int_equal(fx_n_total(), 0);
    fx_mock.rule = M_SCHEMA_A;
    assert_true(fx_allow("ShowCreateSchema", R_SCH("managed", "schema_a")));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED, N("get_metadata", "['schema_a']"));
}

static void case_064_allow_filter_schemas_lakekeeper_system_schema(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_WAREHOUSE_ONLY;
    assert_true(fx_allow("FilterSchemas", R_SCH("managed", "information_schema")));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED, W("get_config"));
    fx_mock.rule = M_DENY_ALL;
    assert_false(fx_allow("FilterSchemas", R_SCH("managed", "information_schema")));
    fx_stop();
    fx_start_test_admin();
    fx_mock.rule = M_DENY_ALL;
    assert_true(fx_allow("FilterSchemas", R_SCH("managed", "information_schema")));
    assert_int_equal(fx_n_total(), 0);
}

static void case_065_create_table_metadata_name_denied(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    assert_false(fx_allow("CreateTable", R_TBL("managed", "s", "t$snapshots")));
    assert_int_equal(fx_n_total(), 0);
}

static void case_066_create_table_extra_properties_override(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    assert_true(fx_allow("CreateTable",
                         R_TBLP("managed", "s", "t",
                                "{'format':'PARQUET',"
                                "'extra_properties':{'format':'ORC','k':'v'}}")));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED,
                     NX("{'action':'create_table','properties':{'format':'ORC','k':'v'},"
                        "'name':'t'}",
                        "['s']"));
}

static void case_067_drop_table_and_write_operations(void **state)
{
    static const char *const writes[] = {"SetTableComment", "SetColumnComment", "AddColumn",
                                         "AlterColumn", "DropColumn", "RenameColumn",
                                         "InsertIntoTable", "DeleteFromTable", "TruncateTable",
                                         "UpdateTableColumns", NULL};
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    assert_true(fx_allow("DropTable", R_TBL("managed", "s", "t")));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED, T("drop", "['s']", "t"));
    fx_mock.rule = M_DENY_ALL;
    assert_false(fx_allow("DropTable", R_TBL("managed", "s", "t")));
    for (int i = 0; writes[i]; i++) {
        fx_clear_requests();
        fx_mock.rule = M_ALLOW_ALL;
        if (!fx_allow(writes[i], R_TBL("managed", "s", "t")))
            fail_msg("%s: expected true under M-ALLOW-ALL", writes[i]);
        FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED, T("write_data", "['s']", "t"));
        fx_mock.rule = M_DENY_ALL;
        if (fx_allow(writes[i], R_TBL("managed", "s", "t")))
            fail_msg("%s: expected false under M-DENY-ALL", writes[i]);
    }
}

static void case_068_insert_into_metadata_table_denied(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    assert_false(fx_allow("InsertIntoTable", R_TBL("managed", "s", "t$history")));
    assert_int_equal(fx_n_total(), 0);
}

static void case_069_set_table_properties_raw_values(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    assert_true(fx_allow("SetTableProperties",
                         R_TBLP("managed", "s", "t", "{'format_version':2,'location':null}")));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED,
                     TX("{'action':'commit','updated_properties':{'format_version':2,"
                        "'location':null},'removed_properties':[]}",
                        "['s']", "t"));
}

static bool table_rename_only(json_t *c)
{
    return strcmp(fx_chk_kind(c), "table") == 0 && strcmp(fx_chk_action(c), "rename") == 0;
}

static void case_070_rename_table(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = table_rename_only;
    assert_false(
        fx_allow_t("RenameTable", R_TBL("managed", "s", "t"), R_TBL("managed", "s2", "u")));
    FX_EXPECT_CHECKS(FX_ALL, FX_SET, T("rename", "['s']", "t"), N("create_table", "['s2']"));
    fx_mock.rule = M_ALLOW_ALL;
    assert_true(fx_allow_t("RenameTable", R_TBL("managed", "s", "t"), R_TBL("managed", "s2", "u")));
    fx_clear_requests();
    assert_false(fx_allow_t("RenameTable", R_TBL("managed", "s", "t"), R_TBL("other", "s2", "u")));
    assert_int_equal(fx_n_batch(FX_ALL), 0);
}

static void case_071_create_view_and_materialized_view(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    assert_true(fx_allow("CreateView", R_TBL("managed", "s", "v")));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED,
                     NX("{'action':'create_view','properties':{},'name':'v'}", "['s']"));
    fx_clear_requests();
    assert_true(fx_allow("CreateMaterializedView",
                         R_TBLP("managed", "s", "mv", "{'storage_schema':'x'}")));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED,
                     NX("{'action':'create_view','properties':{'storage_schema':'x'},'name':'mv'}",
                        "['s']"));
}

static bool view_rename_only(json_t *c)
{
    return strcmp(fx_chk_kind(c), "view") == 0 && strcmp(fx_chk_action(c), "rename") == 0;
}

static bool create_view_only(json_t *c)
{
    return strcmp(fx_chk_action(c), "create_view") == 0;
}

static void case_072_rename_view(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    assert_true(fx_allow_t("RenameView", R_TBL("managed", "s", "v"), R_TBL("managed", "s2", "w")));
    FX_EXPECT_CHECKS(FX_ALL, FX_SET, V("rename", "['s']", "v"), N("create_view", "['s2']"));
    fx_mock.rule = view_rename_only;
    assert_false(fx_allow_t("RenameView", R_TBL("managed", "s", "v"), R_TBL("managed", "s2", "w")));
    fx_mock.rule = create_view_only;
    assert_false(fx_allow_t("RenameView", R_TBL("managed", "s", "v"), R_TBL("managed", "s2", "w")));
}

static bool view_commit_only(json_t *c)
{
    return strcmp(fx_chk_kind(c), "view") == 0 && strcmp(fx_chk_action(c), "commit") == 0;
}

static void case_073_drop_view_and_set_view_comment(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    assert_true(fx_allow("DropView", R_TBL("managed", "s", "v")));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED, V("drop", "['s']", "v"));
    fx_clear_requests();
    /* Deviation 4: SetViewComment asks view `commit` (the reference asks view write_data,
     * which Lakekeeper rejects). */
    fx_mock.rule = view_commit_only;
    assert_true(fx_allow("SetViewComment", R_TBL("managed", "s", "v")));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED, V("commit", "['s']", "v"));
    fx_mock.rule = M_DENY_ALL;
    assert_false(fx_allow("SetViewComment", R_TBL("managed", "s", "v")));
}

static void case_074_show_columns_and_show_create_table_on_view(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_VIEWS_ONLY;
    assert_true(fx_allow("ShowColumns", R_TBL("managed", "s", "table_x")));
    FX_EXPECT_CHECKS(FX_ALL, FX_SET, T("get_metadata", "['s']", "table_x"),
                     V("get_metadata", "['s']", "table_x"));
    fx_clear_requests();
    assert_false(fx_allow("ShowCreateTable", R_TBL("managed", "s", "table_x")));
    FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED, T("get_metadata", "['s']", "table_x"));
}

static void case_075_allow_select_from_columns(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_TABLE_A;
    assert_true(fx_allow("SelectFromColumns", R_TBL("managed", "s", "table_a")));
    FX_EXPECT_CHECKS(FX_ALL, FX_SET, T("read_data", "['s']", "table_a"),
                     V("select", "['s']", "table_a"));
    fx_mock.rule = M_VIEWS_ONLY;
    assert_true(fx_allow("SelectFromColumns", R_TBL("managed", "s", "table_a")));
}

static bool table_get_metadata_t_only(json_t *c)
{
    return strcmp(fx_chk_kind(c), "table") == 0 && strcmp(fx_chk_action(c), "get_metadata") == 0 &&
           strcmp(fx_chk_name(c), "t") == 0;
}

static bool table_read_data_only(json_t *c)
{
    return strcmp(fx_chk_kind(c), "table") == 0 && strcmp(fx_chk_action(c), "read_data") == 0;
}

static void case_076_allow_select_from_metadata_table(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = table_get_metadata_t_only;
    assert_true(fx_allow("SelectFromColumns", R_TBL("managed", "s", "t$snapshots")));
    FX_EXPECT_CHECKS(FX_ALL, FX_SET, T("get_metadata", "['s']", "t"),
                     V("select", "['s']", "t$snapshots"));
    fx_mock.rule = table_read_data_only;
    assert_false(fx_allow("SelectFromColumns", R_TBL("managed", "s", "t$snapshots")));
}

static void case_077_allow_select_from_lakekeeper_system_schemas(void **state)
{
    static const char *const ok[][2] = {{"information_schema", "tables"},
                                        {"schema_discovery", "discovery"},
                                        {"schema_discovery", "shallow_discovery"},
                                        {"system", "iceberg_tables"}};
    (void)state;
    fx_start_test();
    fx_mock.rule = M_WAREHOUSE_ONLY;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        fx_clear_requests();
        if (!fx_allow("SelectFromColumns", R_TBL("managed", ok[i][0], ok[i][1])))
            fail_msg("managed.%s.%s: expected true", ok[i][0], ok[i][1]);
        FX_EXPECT_CHECKS(FX_ALL, FX_CONTAINS, W("get_config"));
    }
    fx_clear_requests();
    assert_false(fx_allow("SelectFromColumns",
                          R_TBL("managed", "information_schema", "table_privileges")));
    FX_EXPECT_CHECKS(FX_ALL, FX_SET, T("read_data", "['information_schema']", "table_privileges"),
                     V("select", "['information_schema']", "table_privileges"));
}

static void case_078_create_view_with_select_from_columns(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_WAREHOUSE_ONLY;
    assert_false(fx_allow("CreateViewWithSelectFromColumns",
                          R_TBL("managed", "information_schema", "tables")));
    /* No system-schema rule: no get_config asked. */
    FX_EXPECT_CHECKS(FX_ALL, FX_SET, T("read_data", "['information_schema']", "tables"),
                     V("select", "['information_schema']", "tables"));
    fx_mock.rule = M_TABLE_A;
    assert_true(fx_allow("CreateViewWithSelectFromColumns", R_TBL("managed", "s", "table_a")));
}

static void case_079_execute_table_procedure(void **state)
{
    static const char *const procs[] = {"EXPIRE_SNAPSHOTS", "REMOVE_ORPHAN_FILES",
                                        "DROP_EXTENDED_STATS", "ADD_FILES", "OPTIMIZE",
                                        "OPTIMIZE_MANIFESTS", NULL};
    (void)state;
    fx_start_test();
    for (int i = 0; procs[i]; i++) {
        fx_clear_requests();
        fx_mock.rule = M_ALLOW_ALL;
        if (!fx_allow("ExecuteTableProcedure", R_PROC("managed", "s", "t", procs[i])))
            fail_msg("%s: expected true", procs[i]);
        FX_EXPECT_CHECKS(FX_ALL, FX_ORDERED, T("write_data", "['s']", "t"));
        fx_mock.rule = M_DENY_ALL;
        if (fx_allow("ExecuteTableProcedure", R_PROC("managed", "s", "t", procs[i])))
            fail_msg("%s: expected false under M-DENY-ALL", procs[i]);
    }
    fx_clear_requests();
    fx_mock.rule = M_ALLOW_ALL;
    assert_false(fx_allow("ExecuteTableProcedure",
                          R_PROC("managed", "s", "t", "ROLLBACK_TO_SNAPSHOT")));
    assert_false(fx_allow("ExecuteTableProcedure", R_PROC("managed", "s", "t", "optimize")));
    assert_int_equal(fx_n_total(), 0);
}

static void case_080_execute_function(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    assert_false(fx_allow("ExecuteFunction", R_FN("pg", "s", "f")));
    fx_stop();
    start_test_flag();
    fx_mock.rule = M_ALLOW_ALL;
    assert_true(fx_allow("ExecuteFunction", R_FN("pg", "s", "f")));
    assert_false(fx_allow("ExecuteFunction", R_FN("managed", "s", "f")));
    assert_int_equal(fx_n_total(), 0);
}

static void case_081_session_properties_denied(void **state)
{
    (void)state;
    start_test_flag();
    fx_mock.rule = M_ALLOW_ALL;
    assert_false(fx_allow("SetCatalogSessionProperty",
                          "{'catalogSessionProperty':{'catalogName':'pg','propertyName':'x'}}"));
    assert_false(fx_allow("SetSystemSessionProperty", "{'systemSessionProperty':{'name':'x'}}"));
    assert_int_equal(fx_n_total(), 0);
}

static void case_082_authorization_and_materialized_view_operations_denied(void **state)
{
    static const char *const table_ops[] = {"SetTableAuthorization", "SetViewAuthorization",
                                            "RefreshMaterializedView", "DropMaterializedView",
                                            "RenameMaterializedView",
                                            "SetMaterializedViewProperties",
                                            "SetMaterializedViewComment", NULL};
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    assert_false(fx_allow("SetSchemaAuthorization", R_SCH("managed", "s")));
    for (int i = 0; table_ops[i]; i++)
        if (fx_allow_t(table_ops[i], R_TBL("managed", "s", "t"), R_TBL("managed", "s", "u")))
            fail_msg("%s: expected false", table_ops[i]);
    assert_int_equal(fx_n_total(), 0);
}

static void case_083_system_catalog_reads(void **state)
{
    static const struct {
        const char *sch, *tbl;
        bool allowed;
    } rows[] = {
        {"metadata", "catalogs", true},
        {"metadata", "table_authorization", false},
        {"runtime", "queries", true},
        {"runtime", "nodes", false},
        {"jdbc", "anything", true},
        {"information_schema", "tables", true},
        {"information_schema", "table_privileges", false},
    };
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (fx_allow("SelectFromColumns", R_TBL("system", rows[i].sch, rows[i].tbl)) !=
            rows[i].allowed)
            fail_msg("system.%s.%s: expected %d", rows[i].sch, rows[i].tbl, rows[i].allowed);
    /* Deviation 2: rules that allow without Lakekeeper send nothing. */
    fx_stop();
    fx_start_test_admin();
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (!fx_allow("SelectFromColumns", R_TBL("system", rows[i].sch, rows[i].tbl)))
            fail_msg("admin, system.%s.%s: expected true", rows[i].sch, rows[i].tbl);
    assert_int_equal(fx_n_total(), 0);
}

static void case_084_admin_filter_schemas_system(void **state)
{
    (void)state;
    fx_start_test_admin();
    assert_true(fx_allow("FilterSchemas", R_SCH("system", "anything")));
    fx_stop();
    fx_start_test();
    assert_false(fx_allow("FilterSchemas", R_SCH("system", "anything")));
    assert_int_equal(fx_n_total(), 0);
}

static void case_085_show_tables_and_columns_on_system_denied(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    assert_false(fx_allow("ShowTables", R_SCH("system", "jdbc")));
    assert_false(fx_allow("ShowColumns", R_TBL("system", "jdbc", "types")));
    assert_int_equal(fx_n_total(), 0);
}

static void case_086_unknown_operation_and_missing_input(void **state)
{
    json_t *ans;
    const char *nojson = "this is { not JSON";
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    assert_false(fx_allow("NoSuchOperation", R_TBL("managed", "s", "t")));
    FX_ASSERT_BATCH("NoSuchOperation", "[]", R_TBL("managed", "s", "t"));
    assert_int_equal(fx_n_total(), 0);

    /* No input: {"result": false} / {"result": []} (deviation 7: no "warning"). */
    assert_int_equal(fx_decide(false, "{}", 2, &ans), 200);
    assert_true(json_is_false(json_object_get(ans, "result")));
    json_decref(ans);
    assert_int_equal(fx_decide(true, "{\"other\":1}", 11, &ans), 200);
    assert_true(json_is_array(json_object_get(ans, "result")));
    assert_int_equal(json_array_size(json_object_get(ans, "result")), 0);
    json_decref(ans);

    /* Deviation 7: a body that is not JSON is a 400 with a JSON error body. */
    assert_int_equal(fx_decide(false, nojson, strlen(nojson), &ans), 400);
    assert_true(json_is_object(json_object_get(ans, "error")));
    json_decref(ans);
    assert_int_equal(fx_decide(true, nojson, strlen(nojson), &ans), 400);
    json_decref(ans);
    assert_int_equal(fx_n_total(), 0);
}

/* Issue 11 finding 5 (parity): the bridge's unmanaged rule does not look at the operation, so
 * with the flag on an operation lakeward does not know is allowed on an unmanaged catalog;
 * on a managed catalog it stays denied, without asking Lakekeeper. allow and batch. */
static void case_105_unknown_operation_on_unmanaged_catalog_with_flag(void **state)
{
    (void)state;
    struct fx_cfg c = {.lk = true, .flag = true};
    fx_start(&c);
    fx_mock.rule = M_ALLOW_ALL;
    assert_true(fx_allow("NoSuchOperation", R_TBL("pg", "s", "t")));
    assert_true(fx_allow("NoSuchOperation", R_CAT("pg")));
    assert_true(fx_allow("NoSuchOperation", R_TBL("system", "runtime", "nodes")));
    assert_false(fx_allow("NoSuchOperation", R_TBL("managed", "s", "t")));
    assert_false(fx_allow("NoSuchOperation", R_USER("bob")));     /* no catalog name */
    assert_false(fx_allow("NoSuchOperation", NULL));
    FX_ASSERT_BATCH("NoSuchOperation", "[0,2]", R_TBL("pg", "s", "t"), R_TBL("managed", "s", "t"),
                    R_SCH("other", "x"));
    FX_ASSERT_BATCH("NoSuchOperation", "[]", R_TBL("managed", "s", "t"));
    assert_int_equal(fx_n_total(), 0);
    /* Without the flag nothing changes: denied everywhere. */
    fx_stop();
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    assert_false(fx_allow("NoSuchOperation", R_TBL("pg", "s", "t")));
    FX_ASSERT_BATCH("NoSuchOperation", "[]", R_TBL("pg", "s", "t"));
    assert_int_equal(fx_n_total(), 0);
}

/* The extension rules (allow_managed) also run before the unknown-operation deny, as in the
 * bridge, and only where they match. */
static void case_106_unknown_operation_allowed_by_extension_rule(void **state)
{
    static const struct authz_rule rules[] = {
        {.operation = "NewTrinoOp*", .catalog = "managed", .where = "test:1"},
    };
    (void)state;
    struct fx_cfg c = {.lk = true, .rules = rules, .nrules = 1};
    fx_start(&c);
    fx_mock.rule = M_ALLOW_ALL;
    assert_true(fx_allow("NewTrinoOperation", R_TBL("managed", "s", "t")));
    assert_false(fx_allow("OtherNewOperation", R_TBL("managed", "s", "t")));
    assert_false(fx_allow("NewTrinoOperation", R_TBL("pg", "s", "t")));
    FX_ASSERT_BATCH("NewTrinoOperation", "[1]", R_TBL("pg", "s", "t"), R_TBL("managed", "s", "t"));
    assert_int_equal(fx_n_total(), 0);
}

static void case_087_admin_quirk_information_schema_in_unmanaged_catalog(void **state)
{
    (void)state;
    fx_start_test_admin();
    assert_true(fx_allow("FilterSchemas", R_SCH("pg", "information_schema")));
    FX_ASSERT_BATCH("FilterSchemas", "[]", R_SCH("pg", "information_schema"));
    assert_int_equal(fx_n_total(), 0);
}

static void case_088_filter_columns_unmanaged_single_table(void **state)
{
    (void)state;
    start_test_flag();
    FX_ASSERT_BATCH("FilterColumns", "[0,1,2]", R_COLS("pg", "public", "t", "['a','b','c']"));
    fx_stop();
    fx_start_test();
    FX_ASSERT_BATCH("FilterColumns", "[]", R_COLS("pg", "public", "t", "['a','b','c']"));
    assert_int_equal(fx_n_total(), 0);
}

static void case_089_empty_filter_resources(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_ALLOW_ALL;
    for (int op = 0; op < AUTHZ_OP_COUNT; op++) {
        const char *name = op == 0 ? "NoSuchOperation" : authz_op_name((enum authz_op)op);
        char *got = fx_batch_items(name, "[]");
        if (strcmp(got, "[]") != 0)
            fail_msg("%s: expected [], got %s", name, got);
        lw_free(got);
    }
    assert_int_equal(fx_n_total(), 0);
}

static void case_090_batch_metadata_table_not_covered_by_fast_path(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_WH_LIST_EVERYTHING;
    FX_ASSERT_BATCH("FilterTables", "[0]", R_TBL("managed", "s", "t"),
                    R_TBL("managed", "s", "t$snapshots"));
    FX_EXPECT_CHECKS(FX_PROBES, FX_ORDERED, W("list_everything"));
    FX_EXPECT_CHECKS(FX_PLAIN, FX_ORDERED, V("get_metadata", "['s']", "t$snapshots"));
}

static void case_091_filter_columns_namespace_broad(void **state)
{
    (void)state;
    fx_start_test();
    fx_mock.rule = M_NS_LIST_EVERYTHING_A;
    FX_ASSERT_BATCH("FilterColumns", "[0,1]", R_COLS("managed", "schema_a", "t", "['x','y']"));
    FX_EXPECT_CHECKS(FX_PROBES, FX_ORDERED, W("list_everything"),
                     N("list_everything", "['schema_a']"));
    fx_expect_no_checks(FX_PLAIN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX_CASE(case_050_execute_query_without_admins_or_lakekeeper),
        FX_CASE(case_051_read_and_write_system_information),
        FX_CASE(case_052_impersonate_and_kill_denied),
        FX_CASE(case_053_view_query_owned_by),
        FX_CASE(case_054_batch_filter_view_query_owned_by),
        FX_CASE(case_055_access_catalog),
        FX_CASE(case_056_access_catalog_unmanaged),
        FX_CASE(case_057_batch_filter_catalogs),
        FX_CASE(case_058_create_and_drop_catalog),
        FX_CASE(case_059_show_schemas),
        FX_CASE(case_060_create_schema_nested_three_levels),
        FX_CASE(case_061_drop_schema_and_rename_schema),
        FX_CASE(case_062_show_tables),
        FX_CASE(case_063_show_create_schema),
        FX_CASE(case_064_allow_filter_schemas_lakekeeper_system_schema),
        FX_CASE(case_065_create_table_metadata_name_denied),
        FX_CASE(case_066_create_table_extra_properties_override),
        FX_CASE(case_067_drop_table_and_write_operations),
        FX_CASE(case_068_insert_into_metadata_table_denied),
        FX_CASE(case_069_set_table_properties_raw_values),
        FX_CASE(case_070_rename_table),
        FX_CASE(case_071_create_view_and_materialized_view),
        FX_CASE(case_072_rename_view),
        FX_CASE(case_073_drop_view_and_set_view_comment),
        FX_CASE(case_074_show_columns_and_show_create_table_on_view),
        FX_CASE(case_075_allow_select_from_columns),
        FX_CASE(case_076_allow_select_from_metadata_table),
        FX_CASE(case_077_allow_select_from_lakekeeper_system_schemas),
        FX_CASE(case_078_create_view_with_select_from_columns),
        FX_CASE(case_079_execute_table_procedure),
        FX_CASE(case_080_execute_function),
        FX_CASE(case_081_session_properties_denied),
        FX_CASE(case_082_authorization_and_materialized_view_operations_denied),
        FX_CASE(case_083_system_catalog_reads),
        FX_CASE(case_084_admin_filter_schemas_system),
        FX_CASE(case_085_show_tables_and_columns_on_system_denied),
        FX_CASE(case_086_unknown_operation_and_missing_input),
        FX_CASE(case_105_unknown_operation_on_unmanaged_catalog_with_flag),
        FX_CASE(case_106_unknown_operation_allowed_by_extension_rule),
        FX_CASE(case_087_admin_quirk_information_schema_in_unmanaged_catalog),
        FX_CASE(case_088_filter_columns_unmanaged_single_table),
        FX_CASE(case_089_empty_filter_resources),
        FX_CASE(case_090_batch_metadata_table_not_covered_by_fast_path),
        FX_CASE(case_091_filter_columns_namespace_broad),
    };
    fx_global_init();
    return cmocka_run_group_tests_name("opa-bridge-spec 7.6 (derived cases 50-91)", tests, NULL,
                                       NULL);
}

"""lakeward's Trino endpoints against the real stack: the Lakekeeper stand-in backed by real
OpenFGA and Keycloak, with the seed scenario of docs/development.md. Each family of Trino
operations is exercised with Trino-shaped requests, and the shared sample inputs are replayed."""
import json
import pathlib

import pytest

from conftest import SHARED, SUBJECTS
from lakeward_proc import catalog, schema, stack_env, table

SP1 = SUBJECTS["airflow-sp-1"]      # modify on warehouse demo
SP2 = SUBJECTS["airflow-sp-2"]      # select on finance.product only
ANNA = SUBJECTS["anna"]             # analysts: select on namespace marketing
NOBODY = "00000000-0000-4000-8000-00000000beef"
CAT = "lakekeeper"                  # Trino catalog mapped to warehouse demo


def test_execute_query_needs_no_lakekeeper(lakeward):
    assert lakeward.allow(NOBODY, "ExecuteQuery") is True
    assert lakeward.decisions()[-1]["lakekeeper_calls"] == 0


@pytest.mark.parametrize("user,expected", [(SP1, True), (SP2, True), (ANNA, True), (NOBODY, False)])
def test_access_catalog(lakeward, user, expected):
    # get_config follows can_get_metadata, which flows up from anything below the warehouse.
    assert lakeward.allow(user, "AccessCatalog", catalog(CAT)) is expected
    assert lakeward.allow(user, "ShowSchemas", catalog(CAT)) is expected


def test_select_product_but_not_revenue(lakeward):
    assert lakeward.allow(SP2, "SelectFromColumns", table(CAT, "finance", "product", ["id"])) is True
    assert lakeward.allow(SP2, "SelectFromColumns", table(CAT, "finance", "revenue", ["id"])) is False
    assert lakeward.allow(SP1, "SelectFromColumns", table(CAT, "finance", "revenue", ["id"])) is True


def test_filter_schemas(lakeward):
    items = [schema(CAT, "finance"), schema(CAT, "marketing"), schema(CAT, "finance.internal"),
             schema(CAT, "information_schema")]
    assert lakeward.batch(SP1, "FilterSchemas", items) == [0, 1, 2, 3]
    assert lakeward.batch(SP2, "FilterSchemas", items) == [0, 3]
    assert lakeward.batch(ANNA, "FilterSchemas", items) == [1, 3]
    assert lakeward.batch(NOBODY, "FilterSchemas", items) == []


def test_filter_tables_and_columns(lakeward):
    items = [table(CAT, "finance", "product"), table(CAT, "finance", "revenue"),
             table(CAT, "marketing", "campaigns"), table(CAT, "finance.internal", "ledger"),
             table(CAT, "finance", "product_summary")]
    assert lakeward.batch(SP1, "FilterTables", items) == [0, 1, 2, 3, 4]
    assert lakeward.batch(SP2, "FilterTables", items) == [0]
    assert lakeward.batch(ANNA, "FilterTables", items) == [2]
    cols = ["id", "name", "price"]
    assert lakeward.batch(SP2, "FilterColumns", [table(CAT, "finance", "product", cols)]) == [0, 1, 2]
    assert lakeward.batch(SP2, "FilterColumns", [table(CAT, "finance", "revenue", cols)]) == []


def test_fast_path_probe_is_sent_once_per_query(lakeward):
    items = [table(CAT, "finance", "product"), table(CAT, "finance", "revenue")]
    assert lakeward.batch(SP1, "FilterTables", items, query_id="q1") == [0, 1]
    first = lakeward.decisions()[-1]
    assert "fast-path warehouse.list_everything" in first["rules"]
    assert lakeward.batch(SP1, "FilterTables", items, query_id="q1") == [0, 1]
    second = lakeward.decisions()[-1]
    assert second["checks_sent"] == 0 and second["cache_hits"] >= 1


def test_nested_namespace_and_views(lakeward):
    assert lakeward.allow(SP1, "CreateSchema", schema(CAT, "finance.newchild", {})) is True
    assert lakeward.allow(SP2, "CreateSchema", schema(CAT, "finance.newchild", {})) is False
    assert lakeward.allow(SP1, "SelectFromColumns", table(CAT, "finance", "product_summary", [])) is True
    assert lakeward.allow(SP2, "SelectFromColumns", table(CAT, "finance", "product_summary", [])) is False
    assert lakeward.allow(SP1, "ShowTables", schema(CAT, "finance.internal")) is True
    assert lakeward.allow(SP1, "DropView", table(CAT, "finance", "product_summary")) is True


def test_metadata_tables(lakeward):
    # SELECT from "product$snapshots" needs get_metadata on the base table.
    assert lakeward.allow(SP2, "SelectFromColumns", table(CAT, "finance", "product$snapshots", [])) is True
    assert lakeward.allow(SP2, "SelectFromColumns", table(CAT, "finance", "revenue$snapshots", [])) is False
    assert lakeward.allow(SP1, "InsertIntoTable", table(CAT, "finance", "product$history")) is False


@pytest.mark.parametrize("op", ["InsertIntoTable", "DeleteFromTable", "AddColumn", "DropTable",
                                "SetTableComment", "TruncateTable"])
def test_writes(lakeward, op):
    assert lakeward.allow(SP1, op, table(CAT, "finance", "revenue")) is True
    assert lakeward.allow(SP2, op, table(CAT, "finance", "product")) is False


def test_create_and_rename(lakeward):
    props = {"format": "PARQUET", "extra_properties": {"k": "v"}}
    assert lakeward.allow(SP1, "CreateTable", table(CAT, "finance", "new_t", properties=props)) is True
    assert lakeward.allow(SP2, "CreateTable", table(CAT, "finance", "new_t", properties=props)) is False
    assert lakeward.allow(SP1, "RenameTable", table(CAT, "finance", "product"),
                          target=table(CAT, "marketing", "product2")) is True
    assert lakeward.allow(SP2, "RenameTable", table(CAT, "finance", "product"),
                          target=table(CAT, "finance", "product2")) is False
    assert lakeward.allow(SP1, "SetTableProperties",
                          table(CAT, "finance", "revenue", properties={"format_version": 2})) is True


def test_system_catalog_and_queries(lakeward):
    assert lakeward.allow(SP2, "SelectFromColumns", table("system", "runtime", "queries", ["query_id"])) is True
    assert lakeward.allow(SP2, "SelectFromColumns", table("system", "runtime", "nodes", ["node_id"])) is False
    assert lakeward.batch(SP2, "FilterViewQueryOwnedBy", [{"user": {"user": SP2, "groups": []}},
                                                          {"user": {"user": SP1, "groups": []}}]) == [0]


def test_admin_users(stack, lakeward_factory):
    lw = lakeward_factory(stack_env(stack, TRINO_ADMIN_USERS=f" {SP2} , ,x"))
    assert lw.allow(SP2, "SelectFromColumns", table("system", "runtime", "nodes", ["node_id"])) is True
    assert lw.batch(SP2, "FilterViewQueryOwnedBy", [{"user": {"user": SP1, "groups": []}}]) == [0]


def test_unmanaged_catalogs(stack, lakeward_factory):
    lw = lakeward_factory(stack_env(stack))
    assert lw.allow(SP1, "SelectFromColumns", table("tpch", "tiny", "nation", ["name"])) is False
    flag = lakeward_factory(stack_env(stack, TRINO_ALLOW_UNMANAGED_CATALOGS="true"))
    assert flag.allow(SP1, "SelectFromColumns", table("tpch", "tiny", "nation", ["name"])) is True
    assert flag.allow(NOBODY, "AccessCatalog", catalog(CAT)) is False   # the flag never covers managed
    rules = lakeward_factory(stack_env(stack), config=(
        'rules = ( { operation = "*"; catalog = "tpch"; user = "%s"; allow = true; } );\n' % SP1))
    assert rules.allow(SP1, "SelectFromColumns", table("tpch", "tiny", "nation", ["name"])) is True
    assert rules.allow(SP2, "SelectFromColumns", table("tpch", "tiny", "nation", ["name"])) is False
    assert rules.batch(SP1, "FilterTables", [table("tpch", "tiny", "nation"), table("tpch", "tiny", "region")]) == [0, 1]


def test_unknown_operation_and_bad_bodies(lakeward):
    assert lakeward.allow(SP1, "NoSuchOperation", catalog(CAT)) is False
    assert "unknown_operation" in lakeward.log_text()
    for body in ["{bad", "[1,2]", '{"input": 3}', '{"input": {"action": {}}}',
                 '{"input": {"action": {"operation": "X", "filterResources": {}}}}']:
        r = lakeward.post("/v1/data/trino/allow", body, raw=True)
        assert r.status_code == 400 and r.headers["Content-Type"].startswith("application/json")
        assert "message" in r.json()["error"]
    assert lakeward.post("/v1/data/trino/allow", "{}", raw=True).json()["result"] is False
    assert lakeward.post("/v1/data/trino/batch", "{}", raw=True).json()["result"] == []
    r = lakeward.session.get(lakeward.url + "/no/such/path", timeout=5)
    assert r.status_code == 404 and r.json()["error"]["code"] == 404


def sample_inputs():
    return sorted((SHARED / "reference/data/trino-inputs").glob("*.json"))


PETER = SUBJECTS["peter"]
# Decisions for the shared sample inputs (catalog `lakekeeper` -> warehouse demo), as sent
# (peter: analysts member, no grant in finance) and with the user replaced by airflow-sp-1
# (modify + create on the warehouse). Objects the seed lacks (trino_namespace,
# revenue_properties) are denied by Lakekeeper; catalog_trino_opa, tpcds, datalake are unmanaged.
SAMPLE_EXPECT = {
    "commit-set-table-properties.json": (False, False),
    "create-catalog.json": (False, True),
    "create-schema-nested.json": (False, True),
    "create-schema-with-properties.json": (False, True),
    "create-schema.json": (False, True),
    "create-table-with-properties.json": (False, True),
    "create-table.json": (False, False),
    "execute-query.json": (True, True),
    "filter-catalog.json": ([1], [1]),
    "filter-schema.json": ([], []),
    "rename-table.json": (False, False),
    "select-from-columns.json": (True, True),
    "table-optimize-manifest.json": (False, False),
    "table-optimize.json": (False, True),
    "table-select-from-columns.json": (False, False),
}


@pytest.mark.parametrize("path", sample_inputs(), ids=lambda p: p.name)
def test_shared_sample_inputs(lakeward, path):
    doc = json.loads(path.read_text())
    if "input" not in doc:
        doc = {"input": doc}    # filter-*.json are raw inputs (opa-bridge-spec.md case 48)
    endpoint = "batch" if "filterResources" in doc["input"]["action"] else "allow"
    as_sent, as_sp1 = SAMPLE_EXPECT[path.name]
    for expected, user in ((as_sent, None), (as_sp1, SP1)):
        if user and doc["input"]["context"]["identity"]["user"] == PETER:
            doc["input"]["context"]["identity"]["user"] = user
        r = lakeward.post(f"/v1/data/trino/{endpoint}", doc)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json")
        assert r.json()["result"] == expected, (path.name, user, lakeward.decisions()[-1])
        assert lakeward.decisions()[-1]["operation"] == doc["input"]["action"]["operation"]


def test_decision_cache_answers_repeats_without_lakekeeper(stack, lakeward_factory):
    lw = lakeward_factory(stack_env(stack, LAKEWARD_DECISION_CACHE_TTL_MS=60000))
    req = table(CAT, "finance", "product", ["id"])
    assert lw.allow(SP2, "SelectFromColumns", req) is True
    first = lw.decisions()[-1]
    assert first["lakekeeper_calls"] >= 1 and "decision_cache" not in first
    assert lw.allow(SP2, "SelectFromColumns", req) is True
    second = lw.decisions()[-1]
    assert second["decision_cache"] is True and second["lakekeeper_calls"] == 0
    assert second["decision_id"] != first["decision_id"] and second["user"] == SP2
    assert lw.metric("lakeward_decision_cache_total", result="hit") == 1
    # A different question (other user) is not answered from it.
    assert lw.allow(SP1, "SelectFromColumns", req) is True
    assert "decision_cache" not in lw.decisions()[-1]

"""Trino's real Iceberg connector on the stand-in's Iceberg REST catalog: the OPA requests only a
real Iceberg catalog causes (metadata tables, table procedures, SHOW CREATE TABLE, views over
managed tables, nested namespaces, time travel, table properties, comments, materialized views),
each decided by lakeward and compared, through its decision log (the result and the rule that
allowed), with what the bridge's rules say (opa-bridge-spec §4.2, cases of §7 cited).

Principals (tests/stack/seed.json): airflow-sp-1 may modify and create in warehouse demo;
airflow-sp-2 may only select finance.product (Lakekeeper's select: read_data and get_metadata);
finance.revenue is nobody's but its owner's. Objects Trino creates are learnt by the stand-in
itself (nothing registered by hand)."""
from __future__ import annotations

from typing import Any

import pytest

from e2e_support import CAT, SP1, SP2, unique_name
from trino_client import TrinoError


@pytest.fixture(autouse=True)
def _real_iceberg(trino_server):
    props = (trino_server.log_path.parent / "etc" / "catalog" / f"{CAT}.properties").read_text()
    if "connector.name=iceberg" not in props:
        pytest.fail("the managed catalog is not Trino's Iceberg connector (stand-in without iceberg-rest?)")


def run(lw, client, sql: str, user: str) -> tuple[Any, list[dict[str, Any]]]:
    """Runs sql as user; returns (rows or the TrinoError, lakeward's decisions for it)."""
    first = lw.marker()
    try:
        out: Any = client.execute(sql, user=user).rows
    except TrinoError as e:
        out = e
    last = lw.marker()
    return out, lw.between(first, last)


def decisions_of(recs: list[dict[str, Any]], op: str, name: str) -> list[dict[str, Any]]:
    """The single-`allow` decisions for op whose resources name `name`."""
    return [d for d in recs
            if d.get("operation") == op and d.get("endpoint", "allow") == "allow"
            and name in str(d.get("resources"))]


def verdicts(recs: list[dict[str, Any]], op: str, name: str) -> list[Any]:
    """Results of the single-`allow` decisions for op whose resources name `name`."""
    return [d["result"] for d in decisions_of(recs, op, name)]


def allowed_by(recs: list[dict[str, Any]], op: str, name: str, rule: str) -> bool:
    """Every decision for op on `name` allowed, each by the bridge rule `rule` (the label
    lakeward logs for the Lakekeeper check that allowed it, e.g. "table.commit")."""
    ds = decisions_of(recs, op, name)
    return bool(ds) and all(d["result"] is True and d.get("rules") == [rule] for d in ds)


def resource_table(recs: list[dict[str, Any]], op: str, name: str) -> dict[str, Any]:
    """The `table` resource Trino sent with the (first) decision for op on `name`."""
    return decisions_of(recs, op, name)[0]["resources"][0]["table"]


def all_true(v: list[Any]) -> bool:
    """Trino may ask the same question more than once in a query: every answer must agree."""
    return bool(v) and all(x is True for x in v)


def all_false(v: list[Any]) -> bool:
    return bool(v) and all(x is False for x in v)


def denied(out) -> bool:
    return isinstance(out, TrinoError) and out.access_denied


@pytest.mark.parametrize("suffix", ["snapshots", "files", "history"])
def test_metadata_tables_for_sp2(trino, lakeward_service, seed_mirror, suffix):
    """§4.2 SelectFromColumns (c), cases 47 and 76: a metadata table is read with table
    get_metadata on the base table (no read_data check); sp-2 has it on product, not revenue."""
    c = trino(SP2)
    out, recs = run(lakeward_service, c, f'SELECT * FROM {CAT}.finance."product${suffix}"', SP2)
    assert not isinstance(out, TrinoError), out
    assert all_true(verdicts(recs, "SelectFromColumns", f"product${suffix}")), recs
    out, recs = run(lakeward_service, c, f'SELECT * FROM {CAT}.finance."revenue${suffix}"', SP2)
    assert denied(out), out
    assert all_false(verdicts(recs, "SelectFromColumns", f"revenue${suffix}")), recs


@pytest.mark.parametrize("procedure", ["optimize", "expire_snapshots(retention_threshold => '7d')"])
def test_table_procedures(trino, lakeward_service, seed_mirror, procedure):
    """§4.2 ExecuteTableProcedure, cases 45 and 79: OPTIMIZE / EXPIRE_SNAPSHOTS need table
    write_data: sp-1 (modify on the warehouse) has it, sp-2 (select only) has not."""
    sql = f"ALTER TABLE {CAT}.finance.product EXECUTE {procedure}"
    out, recs = run(lakeward_service, trino(SP1), sql, SP1)
    assert not isinstance(out, TrinoError), out
    assert all_true(verdicts(recs, "ExecuteTableProcedure", "product")), recs
    out, recs = run(lakeward_service, trino(SP2), sql, SP2)
    assert denied(out), out
    assert all_false(verdicts(recs, "ExecuteTableProcedure", "product")), recs


def test_show_create_table(trino, lakeward_service, seed_mirror):
    """§4.2 ShowCreateTable (case 74): table get_metadata only."""
    c = trino(SP2)
    out, recs = run(lakeward_service, c, f"SHOW CREATE TABLE {CAT}.finance.product", SP2)
    assert not isinstance(out, TrinoError), out
    assert "CREATE TABLE" in out[0][0] and "format = 'PARQUET'" in out[0][0], out
    assert all_true(verdicts(recs, "ShowCreateTable", "product")), recs
    out, recs = run(lakeward_service, c, f"SHOW CREATE TABLE {CAT}.finance.revenue", SP2)
    assert denied(out), out
    assert all_false(verdicts(recs, "ShowCreateTable", "revenue")), recs


def test_view_over_allowed_and_denied_table(trino, lakeward_service, seed_mirror):
    """§4.2 CreateView (namespace create_view) and reads of the view's tables for sp-1; sp-2
    reads product but neither the view (view select, case 75) nor revenue (table read_data)."""
    c1, c2 = trino(SP1), trino(SP2)
    s = unique_name()
    c1.execute(f"CREATE SCHEMA {CAT}.{s}")
    try:
        sql = (f"CREATE VIEW {CAT}.{s}.v AS SELECT p.id, p.name, r.amount FROM {CAT}.finance.product p "
               f"JOIN {CAT}.finance.revenue r ON r.product_id = p.id")
        out, recs = run(lakeward_service, c1, sql, SP1)
        assert not isinstance(out, TrinoError), out
        assert all_true(verdicts(recs, "CreateView", f"{s}")), recs
        # Trino 476 checks the view's tables as plain reads of its creator (§4.2 SelectFromColumns
        # (a), table read_data; sp-1's modify on the warehouse includes it).
        assert all_true(verdicts(recs, "SelectFromColumns", "'revenue'")), recs
        assert all_true(verdicts(recs, "SelectFromColumns", "'product'")), recs
        out, recs = run(lakeward_service, c1, f"SELECT count(*) FROM {CAT}.{s}.v", SP1)
        assert out == [[2]], out
        out, recs = run(lakeward_service, c2, f"SELECT count(*) FROM {CAT}.{s}.v", SP2)
        assert denied(out), out
        assert all_false(verdicts(recs, "SelectFromColumns", f"{s}")), recs
        out, recs = run(lakeward_service, c2,
                        f"SELECT p.id, r.amount FROM {CAT}.finance.product p JOIN {CAT}.finance.revenue r "
                        f"ON r.product_id = p.id", SP2)
        assert denied(out), out
    finally:
        c1.execute(f"DROP VIEW IF EXISTS {CAT}.{s}.v")
        c1.execute(f"DROP SCHEMA IF EXISTS {CAT}.{s}")


def test_nested_namespace(trino, lakeward_service, seed_mirror):
    """§4.2 CreateSchema, nested: namespace create_namespace on the parent; the nested
    namespace's table is then created (namespace create_table) and used by its creator."""
    c = trino(SP1)
    top = unique_name()
    nested = f'"{top}.inner"'
    c.execute(f"CREATE SCHEMA {CAT}.{top}")
    try:
        out, recs = run(lakeward_service, c, f"CREATE SCHEMA {CAT}.{nested}", SP1)
        assert not isinstance(out, TrinoError), out
        assert all_true(verdicts(recs, "CreateSchema", "inner")), recs
        c.execute(f"CREATE TABLE {CAT}.{nested}.t (id bigint)")
        c.execute(f"INSERT INTO {CAT}.{nested}.t VALUES (7)")
        assert c.execute(f"SELECT id FROM {CAT}.{nested}.t").rows == [[7]]
        # sp-2 has nothing there.
        out, recs = run(lakeward_service, trino(SP2), f"SELECT id FROM {CAT}.{nested}.t", SP2)
        assert denied(out), out
    finally:
        c.execute(f"DROP TABLE IF EXISTS {CAT}.{nested}.t")
        c.execute(f"DROP SCHEMA IF EXISTS {CAT}.{nested}")
        c.execute(f"DROP SCHEMA IF EXISTS {CAT}.{top}")


def test_time_travel(trino, lakeward_service, seed_mirror):
    """FOR VERSION AS OF is a SelectFromColumns like any read (§4.2 (a), table read_data). The
    first snapshot is the empty table CREATE TABLE made, before the seed mirror's rows."""
    c1 = trino(SP1)
    snap = c1.execute(f'SELECT snapshot_id FROM {CAT}.finance."product$snapshots" '
                      f"ORDER BY committed_at LIMIT 1").rows[0][0]
    rev = c1.execute(f'SELECT snapshot_id FROM {CAT}.finance."revenue$snapshots" '
                     f"ORDER BY committed_at LIMIT 1").rows[0][0]
    out, recs = run(lakeward_service, trino(SP2),
                    f"SELECT count(*) FROM {CAT}.finance.product FOR VERSION AS OF {snap}", SP2)
    assert out == [[0]], out
    assert all_true(verdicts(recs, "SelectFromColumns", "product")), recs
    out, recs = run(lakeward_service, trino(SP2),
                    f"SELECT count(*) FROM {CAT}.finance.revenue FOR VERSION AS OF {rev}", SP2)
    assert denied(out), out
    assert all_false(verdicts(recs, "SelectFromColumns", "revenue")), recs


def test_create_table_with_properties(trino, lakeward_service, seed_mirror):
    """§4.2 CreateTable, cases 35 and 36: namespace create_table on the table's namespace, with
    the table properties as Trino sends them (raw JSON values: an array, a number) forwarded in
    the check. sp-1 (create on the warehouse) creates a partitioned PARQUET table in finance;
    sp-2 (select on finance.product only) is denied the same statement."""
    c1 = trino(SP1)
    t = unique_name("props")
    sql = (f"CREATE TABLE {CAT}.finance.{t} (id bigint, d date, name varchar) "
           f"WITH (format = 'PARQUET', partitioning = ARRAY['month(d)'], format_version = 2)")
    try:
        out, recs = run(lakeward_service, c1, sql, SP1)
        assert not isinstance(out, TrinoError), out
        assert allowed_by(recs, "CreateTable", t, "namespace.create_table"), recs
        assert resource_table(recs, "CreateTable", t)["properties"] == {
            "format": "PARQUET", "partitioning": ["month(d)"], "format_version": 2}, recs
        ddl = c1.execute(f"SHOW CREATE TABLE {CAT}.finance.{t}").rows[0][0]
        assert "partitioning = ARRAY['month(d)']" in ddl and "format = 'PARQUET'" in ddl, ddl
        out, recs = run(lakeward_service, trino(SP2), sql.replace(t, t + "_sp2"), SP2)
        assert denied(out), out
        assert all_false(verdicts(recs, "CreateTable", t + "_sp2")), recs
        # extra_properties (case 36 flattens them into the check's properties): the decision is
        # made and allowed, then the connector refuses keys its catalog does not allow
        # (iceberg.allowed-extra-properties is empty), so nothing is created.
        t2 = t + "_extra"
        out, recs = run(lakeward_service, c1,
                        f"CREATE TABLE {CAT}.finance.{t2} (id bigint) WITH (format = 'PARQUET', "
                        f"extra_properties = MAP(ARRAY['k1'], ARRAY['v1']))", SP1)
        assert isinstance(out, TrinoError) and out.error_name == "INVALID_TABLE_PROPERTY", out
        assert allowed_by(recs, "CreateTable", t2, "namespace.create_table"), recs
        assert resource_table(recs, "CreateTable", t2)["properties"] == {
            "format": "PARQUET", "extra_properties": {"k1": "v1"}}, recs
        assert t2 not in str(c1.execute(f"SHOW TABLES FROM {CAT}.finance").rows)
    finally:
        c1.execute(f"DROP TABLE IF EXISTS {CAT}.finance.{t}")


def test_set_table_properties(trino, lakeward_service, seed_mirror):
    """§4.2 SetTableProperties, cases 37 and 69: table commit with the new properties as
    updated_properties. sp-1 (modify on the warehouse) changes a table's format and
    partitioning; sp-2 may select finance.product but not commit to it."""
    c1 = trino(SP1)
    t = unique_name("setprops")
    c1.execute(f"CREATE TABLE {CAT}.finance.{t} (id bigint, d date) WITH (format = 'PARQUET')")
    try:
        sql = (f"ALTER TABLE {CAT}.finance.{t} SET PROPERTIES format = 'ORC', "
               f"partitioning = ARRAY['day(d)']")
        out, recs = run(lakeward_service, c1, sql, SP1)
        assert not isinstance(out, TrinoError), out
        assert allowed_by(recs, "SetTableProperties", t, "table.commit"), recs
        assert resource_table(recs, "SetTableProperties", t)["properties"] == {
            "format": "ORC", "partitioning": ["day(d)"]}, recs
        ddl = c1.execute(f"SHOW CREATE TABLE {CAT}.finance.{t}").rows[0][0]
        assert "format = 'ORC'" in ddl and "partitioning = ARRAY['day(d)']" in ddl, ddl
        out, recs = run(lakeward_service, trino(SP2),
                        f"ALTER TABLE {CAT}.finance.product SET PROPERTIES format = 'ORC'", SP2)
        assert denied(out), out
        assert all_false(verdicts(recs, "SetTableProperties", "product")), recs
    finally:
        c1.execute(f"DROP TABLE IF EXISTS {CAT}.finance.{t}")


@pytest.mark.parametrize("target, op", [("TABLE {t}", "SetTableComment"),
                                        ("COLUMN {t}.name", "SetColumnComment")])
def test_table_and_column_comments(trino, lakeward_service, seed_mirror, target, op):
    """§4.2 SetTableComment / SetColumnComment, case 67: table write_data. sp-1 (modify on the
    warehouse) comments its table and the comment is stored; sp-2 may select finance.product
    but not write to it."""
    c1 = trino(SP1)
    t = unique_name("comments")
    c1.execute(f"CREATE TABLE {CAT}.finance.{t} (id bigint, name varchar)")
    try:
        what = target.format(t=f"{CAT}.finance.{t}")
        out, recs = run(lakeward_service, c1, f"COMMENT ON {what} IS 'lw-{op}'", SP1)
        assert not isinstance(out, TrinoError), out
        assert allowed_by(recs, op, t, "table.write_data"), recs
        assert f"'lw-{op}'" in c1.execute(f"SHOW CREATE TABLE {CAT}.finance.{t}").rows[0][0]
        what = target.format(t=f"{CAT}.finance.product")
        out, recs = run(lakeward_service, trino(SP2), f"COMMENT ON {what} IS 'no'", SP2)
        assert denied(out), out
        assert all_false(verdicts(recs, op, "product")), recs
    finally:
        c1.execute(f"DROP TABLE IF EXISTS {CAT}.finance.{t}")


def test_view_comment(trino, lakeward_service, seed_mirror):
    """§4.2 SetViewComment, case 73: the bridge asks view write_data, an action Lakekeeper
    rejects, so against a real Lakekeeper it never allows; lakeward asks view commit
    (docs/authz.md, deviation 3): sp-1 (modify on the warehouse) comments a view, sp-2 (nothing
    on it) is denied."""
    c1 = trino(SP1)
    s = unique_name()
    c1.execute(f"CREATE SCHEMA {CAT}.{s}")
    try:
        c1.execute(f"CREATE VIEW {CAT}.{s}.v AS SELECT id FROM {CAT}.finance.product")
        out, recs = run(lakeward_service, c1, f"COMMENT ON VIEW {CAT}.{s}.v IS 'lw-view'", SP1)
        assert not isinstance(out, TrinoError), out
        assert allowed_by(recs, "SetViewComment", s, "view.commit"), recs
        out, recs = run(lakeward_service, trino(SP2), f"COMMENT ON VIEW {CAT}.{s}.v IS 'no'", SP2)
        assert denied(out), out
        assert all_false(verdicts(recs, "SetViewComment", s)), recs
    finally:
        c1.execute(f"DROP VIEW IF EXISTS {CAT}.{s}.v")
        c1.execute(f"DROP SCHEMA IF EXISTS {CAT}.{s}")


MV_UNSUPPORTED = "createMaterializedView is not supported for Iceberg REST catalog"


def test_materialized_view_is_refused_by_the_rest_catalog(trino, lakeward_service, seed_mirror):
    """Trino 476's Iceberg connector has no materialized views on a REST catalog: CREATE
    MATERIALIZED VIEW is refused (NOT_SUPPORTED) only after the access checks, which follow
    §4.2: SelectFromColumns on the query's table (table read_data, case 75) and
    CreateMaterializedView (namespace create_view, case 71). sp-1 (create on the warehouse)
    passes both and then meets the refusal; nothing is created (no view, no storage table).
    sp-2 reads finance.product but may not create in finance: PERMISSION_DENIED."""
    c1 = trino(SP1)
    s = unique_name()
    c1.execute(f"CREATE SCHEMA {CAT}.{s}")
    try:
        sql = f"CREATE MATERIALIZED VIEW {CAT}.{s}.mv AS SELECT id, name FROM {CAT}.finance.product"
        out, recs = run(lakeward_service, c1, sql, SP1)
        assert isinstance(out, TrinoError) and out.error_name == "NOT_SUPPORTED", out
        assert MV_UNSUPPORTED in out.message, out
        assert allowed_by(recs, "SelectFromColumns", "product", "table.read_data"), recs
        assert allowed_by(recs, "CreateMaterializedView", s, "namespace.create_view"), recs
        assert c1.execute(f"SHOW TABLES FROM {CAT}.{s}").rows == []
        out, recs = run(lakeward_service, trino(SP2),
                        f"CREATE MATERIALIZED VIEW {CAT}.finance.mv_{s} AS "
                        f"SELECT id FROM {CAT}.finance.product", SP2)
        assert denied(out), out
        assert all_true(verdicts(recs, "SelectFromColumns", "product")), recs
        assert all_false(verdicts(recs, "CreateMaterializedView", f"mv_{s}")), recs
    finally:
        c1.execute(f"DROP SCHEMA IF EXISTS {CAT}.{s}")


@pytest.mark.parametrize("sql, error", [
    ("REFRESH MATERIALIZED VIEW {cat}.finance.product", "TABLE_NOT_FOUND"),
    ("DROP MATERIALIZED VIEW {cat}.finance.product", "GENERIC_USER_ERROR"),
    ("ALTER MATERIALIZED VIEW {cat}.finance.product SET PROPERTIES format = 'ORC'", "TABLE_NOT_FOUND"),
    ('SELECT count(*) FROM {cat}.finance."product$materialized_view_storage"', "NOT_FOUND"),
])
def test_materialized_view_operations_never_reach_lakeward(trino, lakeward_service, seed_mirror,
                                                           sql, error):
    """With no materialized view possible, REFRESH / DROP / ALTER MATERIALIZED VIEW and the
    storage table (`$materialized_view_storage`) fail in Trino's analysis, before any access
    check: lakeward sees only ExecuteQuery, so RefreshMaterializedView, DropMaterializedView and
    SetMaterializedViewProperties (always false in the bridge, case 82, and in lakeward) are
    never sent by this Trino."""
    out, recs = run(lakeward_service, trino(SP1), sql.format(cat=CAT), SP1)
    assert isinstance(out, TrinoError) and out.error_name == error, out
    assert [d.get("operation") for d in recs] == ["ExecuteQuery"], recs


ROW_CHANGES = [
    ("UPDATE {t} SET name = 'b' WHERE id = 1", ["UpdateTableColumns"], [(1, "b"), (2, "x")]),
    ("DELETE FROM {t} WHERE id = 1", ["DeleteFromTable"], [(2, "x")]),
    ("MERGE INTO {t} USING (VALUES (1, 'm'), (3, 'n')) AS s (id, name) ON {t}.id = s.id "
     "WHEN MATCHED THEN UPDATE SET name = s.name WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.name)",
     ["UpdateTableColumns", "InsertIntoTable"], [(1, "m"), (2, "x"), (3, "n")]),
]


@pytest.mark.parametrize("sql, ops, after", ROW_CHANGES, ids=["update", "delete", "merge"])
def test_row_changes(trino, lakeward_service, seed_mirror, sql, ops, after):
    """§4.2 UpdateTableColumns / DeleteFromTable / InsertIntoTable, case 67: table write_data
    for each change a statement makes (MERGE asks once per kind of clause). sp-1 (modify on the
    warehouse) changes its table's rows; sp-2 may select finance.product but not change it."""
    c1, c2 = trino(SP1), trino(SP2)
    t = unique_name("rows")
    name = f"{CAT}.finance.{t}"
    c1.execute(f"CREATE TABLE {name} (id bigint, name varchar)")
    try:
        c1.execute(f"INSERT INTO {name} VALUES (1, 'a'), (2, 'x')")
        out, recs = run(lakeward_service, c1, sql.format(t=name), SP1)
        assert not isinstance(out, TrinoError), out
        for op in ops:
            assert allowed_by(recs, op, t, "table.write_data"), (op, recs)
        assert sorted(map(tuple, c1.execute(f"SELECT id, name FROM {name}").rows)) == after
        product = f"{CAT}.finance.product"
        before = sorted(map(tuple, c2.execute(f"SELECT * FROM {product}").rows))
        out, recs = run(lakeward_service, c2, sql.format(t=product), SP2)  # same columns
        assert denied(out), out
        assert any(all_false(verdicts(recs, op, "product")) for op in ops), recs
        assert sorted(map(tuple, c2.execute(f"SELECT * FROM {product}").rows)) == before
    finally:
        c1.execute(f"DROP TABLE IF EXISTS {name}")

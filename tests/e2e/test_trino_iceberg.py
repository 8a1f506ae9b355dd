"""Trino's real Iceberg connector on the stand-in's Iceberg REST catalog: the OPA requests only a
real Iceberg catalog causes (metadata tables, table procedures, SHOW CREATE TABLE, views over
managed tables, nested namespaces, time travel), each decided by lakeward and compared, through
its decision log, with what the bridge's rules say (opa-bridge-spec §4.2, cases of §7 cited).

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


def verdicts(recs: list[dict[str, Any]], op: str, name: str) -> list[Any]:
    """Results of the single-`allow` decisions for op whose resources name `name`."""
    return [d["result"] for d in recs
            if d.get("operation") == op and d.get("endpoint", "allow") == "allow"
            and name in str(d.get("resources"))]


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

"""The managed catalog through a real Trino: Trino's own OPA plugin asks lakeward, lakeward asks
the Lakekeeper stand-in (real OpenFGA, seed scenario). Catalog `lakekeeper` is Trino's Iceberg
connector on the stand-in's Iceberg REST catalog of warehouse `demo`, which learns everything
Trino creates there as Lakekeeper does (nothing is registered by hand)."""
import pytest

from e2e_support import CAT, NOBODY, SP1, SP2, unique_name
from trino_client import TrinoError


def denied(client, sql, user):
    """Runs sql as user and returns Trino's error, which must be an access denial."""
    with pytest.raises(TrinoError) as info:
        client.execute(sql, user=user)
    assert info.value.access_denied, f"{sql}: {info.value} (want PERMISSION_DENIED)"
    return info.value


def column(result, i=0):
    return [row[i] for row in result.rows]


def test_sp1_creates_writes_reads_renames_and_drops(trino, standin, seed_mirror):
    c = trino(SP1)
    s = unique_name()
    c.execute(f"CREATE SCHEMA {CAT}.{s}")
    assert s in column(c.execute(f"SHOW SCHEMAS FROM {CAT}"))

    c.execute(f"CREATE TABLE {CAT}.{s}.orders (id bigint, name varchar)")
    r = c.execute(f"INSERT INTO {CAT}.{s}.orders VALUES (1, 'one'), (2, 'two')")
    assert r.update_type == "INSERT"
    assert sorted(c.execute(f"SELECT id, name FROM {CAT}.{s}.orders").rows) == [[1, "one"], [2, "two"]]
    assert column(c.execute(f"SHOW TABLES FROM {CAT}.{s}")) == ["orders"]

    c.execute(f"ALTER TABLE {CAT}.{s}.orders RENAME TO {CAT}.{s}.orders_v2")
    assert sorted(c.execute(f"SELECT id FROM {CAT}.{s}.orders_v2").rows) == [[1], [2]]
    with pytest.raises(TrinoError) as gone:
        c.execute(f"SELECT id FROM {CAT}.{s}.orders")
    assert gone.value.error_name == "TABLE_NOT_FOUND"

    c.execute(f"DROP TABLE {CAT}.{s}.orders_v2")
    c.execute(f"DROP SCHEMA {CAT}.{s}")
    assert s not in column(c.execute(f"SHOW SCHEMAS FROM {CAT}"))


def test_sp1_views(trino, standin, seed_mirror):
    c = trino(SP1)
    s = unique_name()
    c.execute(f"CREATE SCHEMA {CAT}.{s}")
    c.execute(f"CREATE TABLE {CAT}.{s}.t AS SELECT 1 AS id")
    c.execute(f"CREATE VIEW {CAT}.{s}.v AS SELECT id FROM {CAT}.{s}.t")
    assert c.execute(f"SELECT * FROM {CAT}.{s}.v").rows == [[1]]
    denied(c, f"SELECT * FROM {CAT}.{s}.v", SP2)
    # SetViewComment asks view commit (docs/authz.md, deviation 3: the bridge's write_data
    # could never be allowed).
    c.execute(f"COMMENT ON VIEW {CAT}.{s}.v IS 'orders'")
    # As in the bridge (opa-bridge-spec.md, known issue 2): ShowCreateTable checks the table
    # only, so SHOW CREATE VIEW on a Lakekeeper view is denied even to its owner.
    denied(c, f"SHOW CREATE VIEW {CAT}.{s}.v", SP1)
    c.execute(f"ALTER VIEW {CAT}.{s}.v RENAME TO {CAT}.{s}.v2")
    assert c.execute(f"SELECT * FROM {CAT}.{s}.v2").rows == [[1]]
    c.execute(f"DROP VIEW {CAT}.{s}.v2")
    c.execute(f"DROP TABLE {CAT}.{s}.t")
    c.execute(f"DROP SCHEMA {CAT}.{s}")


def test_sp1_create_table_as_select_in_a_seed_schema(trino, standin, seed_mirror):
    c = trino(SP1)
    t = unique_name("copy")
    c.execute(f"CREATE TABLE {CAT}.finance.{t} AS SELECT id, name FROM {CAT}.finance.product")
    assert sorted(c.execute(f"SELECT id FROM {CAT}.finance.{t}").rows) == [[1], [2]]
    # airflow-sp-2 may read finance.product, but not a new table nobody granted it.
    denied(c, f"SELECT * FROM {CAT}.finance.{t}", SP2)
    c.execute(f"DROP TABLE {CAT}.finance.{t}")


@pytest.mark.lakeward(env={"LAKEWARD_DECISION_CACHE_TTL_MS": 0})
def test_objects_trino_creates_are_known_to_lakekeeper_at_once(trino, standin, seed_mirror):
    """Through the Iceberg REST catalog Lakekeeper learns each object as Trino creates it (the
    creator, here the technical client, owns it): the next statement on it is decided on it
    right away, with nothing registered by hand; once dropped it is gone from Lakekeeper too."""
    c = trino(SP1)
    s = unique_name()
    c.execute(f"CREATE SCHEMA {CAT}.{s}")
    c.execute(f"CREATE TABLE {CAT}.{s}.t (id bigint)")
    c.execute(f"INSERT INTO {CAT}.{s}.t VALUES (1)")
    # sp-2 has no grant on the new objects.
    denied(c, f"SELECT id FROM {CAT}.{s}.t", SP2)
    c.execute(f"DROP TABLE {CAT}.{s}.t")
    c.execute(f"DROP SCHEMA {CAT}.{s}")
    assert s not in column(c.execute(f"SHOW SCHEMAS FROM {CAT}"))


def test_sp2_reads_product_but_not_revenue(trino, seed_mirror):
    c = trino(SP2)
    assert sorted(c.execute(f"SELECT id, name FROM {CAT}.finance.product").rows) == \
        [[1, "widget"], [2, "gadget"]]
    e = denied(c, f"SELECT * FROM {CAT}.finance.revenue", SP2)
    assert "revenue" in e.message
    denied(c, f"SELECT count(*) FROM {CAT}.finance.revenue", SP2)
    denied(c, f"SELECT p.name FROM {CAT}.finance.product p JOIN {CAT}.finance.revenue r "
              f"ON p.id = r.product_id", SP2)
    denied(c, f"SELECT * FROM {CAT}.marketing.campaigns", SP2)
    # select is not write: no insert, create or drop.
    denied(c, f"INSERT INTO {CAT}.finance.product VALUES (3, 'x')", SP2)
    denied(c, f"CREATE TABLE {CAT}.finance.{unique_name()} (id bigint)", SP2)
    denied(c, f"DROP TABLE {CAT}.finance.product", SP2)
    denied(c, f"CREATE SCHEMA {CAT}.{unique_name()}", SP2)


def test_sp2_lists_only_what_it_may_see(trino, seed_mirror):
    c = trino(SP2)
    # `system` is the Iceberg connector's own schema, a Lakekeeper system schema to the bridge
    # (§4.3: warehouse get_config).
    assert sorted(column(c.execute(f"SHOW SCHEMAS FROM {CAT}"))) == ["finance", "information_schema", "system"]
    assert column(c.execute(f"SHOW TABLES FROM {CAT}.finance")) == ["product"]
    denied(c, f"SHOW TABLES FROM {CAT}.marketing", SP2)
    assert column(c.execute(f"SHOW COLUMNS FROM {CAT}.finance.product")) == ["id", "name"]
    denied(c, f"SHOW COLUMNS FROM {CAT}.finance.revenue", SP2)
    assert "CREATE TABLE" in c.execute(f"SHOW CREATE TABLE {CAT}.finance.product").rows[0][0]
    denied(c, f"SHOW CREATE TABLE {CAT}.finance.revenue", SP2)
    # airflow-sp-1 (modify on the warehouse, hence list_everything) sees all of it.
    schemas = set(column(c.execute(f"SHOW SCHEMAS FROM {CAT}", user=SP1)))
    assert {"finance", "marketing", "information_schema", "system"} <= schemas
    assert {"product", "revenue"} <= set(column(c.execute(f"SHOW TABLES FROM {CAT}.finance", user=SP1)))


def test_sp2_information_schema_shows_only_visible_tables_and_columns(trino, seed_mirror):
    c = trino(SP2)
    # The Iceberg connector's system.iceberg_tables is allowed with warehouse get_config
    # (§4.3, case 77).
    tables = c.execute(f"SELECT table_schema, table_name FROM {CAT}.information_schema.tables "
                       "WHERE table_schema <> 'information_schema' ORDER BY 1, 2")
    assert tables.rows == [["finance", "product"], ["system", "iceberg_tables"]]
    cols = c.execute(f"SELECT table_schema, table_name, column_name "
                     f"FROM {CAT}.information_schema.columns "
                     "WHERE table_schema NOT IN ('information_schema', 'system') ORDER BY column_name")
    assert cols.rows == [["finance", "product", "id"], ["finance", "product", "name"]]
    assert column(c.execute(f"SELECT schema_name FROM {CAT}.information_schema.schemata "
                            "ORDER BY schema_name")) == ["finance", "information_schema", "system"]
    sp1 = c.execute(f"SELECT table_schema, table_name FROM {CAT}.information_schema.tables "
                    "WHERE table_schema IN ('finance', 'marketing') ORDER BY 1, 2", user=SP1)
    assert {("finance", "product"), ("finance", "revenue"), ("marketing", "campaigns")} <= \
        {tuple(r) for r in sp1.rows}


def test_user_without_grants_cannot_use_the_catalog(trino, seed_mirror):
    c = trino(NOBODY)
    e = denied(c, f"SELECT * FROM {CAT}.finance.product", NOBODY)
    assert "Cannot access catalog" in e.message
    assert column(c.execute("SHOW CATALOGS")) == ["system"]
    assert c.execute("SELECT 1").rows == [[1]]

"""A catalog lakeward does not map to a warehouse (`tpch`): denied by default, allowed for
everyone with TRINO_ALLOW_UNMANAGED_CATALOGS=true, and allowed per user by an extension rule."""
import pytest

from e2e_support import CAT, SP1, SP2
from trino_client import TrinoError

NATION = "SELECT * FROM tpch.tiny.nation"
RULES = 'rules = ( { catalog = "tpch"; user = "%s"; allow = true; } );\n' % SP1


def catalogs(client, user):
    return [r[0] for r in client.execute("SHOW CATALOGS", user=user).rows]


def assert_denied(client, sql, user):
    with pytest.raises(TrinoError) as e:
        client.execute(sql, user=user)
    assert e.value.access_denied, e.value


def test_unmanaged_catalog_denied_by_default(trino):
    c = trino(SP1)
    assert_denied(c, NATION, SP1)
    assert_denied(c, "SHOW SCHEMAS FROM tpch", SP1)
    assert "tpch" not in catalogs(c, SP1)


@pytest.mark.lakeward(env={"TRINO_ALLOW_UNMANAGED_CATALOGS": "true"})
def test_unmanaged_catalogs_flag(trino, seed_mirror):
    c = trino(SP1)
    for user in (SP1, SP2):
        assert len(c.execute(NATION, user=user).rows) == 25
        assert "tpch" in catalogs(c, user)
    # The flag never reaches the managed catalog.
    assert_denied(c, f"SELECT * FROM {CAT}.finance.revenue", SP2)


@pytest.mark.lakeward(config=RULES)
def test_extension_rule(trino):
    c = trino(SP1)
    assert len(c.execute(NATION, user=SP1).rows) == 25
    assert c.execute("SELECT count(*) FROM tpch.tiny.region", user=SP1).rows == [[5]]
    assert "tpch" in catalogs(c, SP1)
    assert_denied(c, NATION, SP2)
    assert "tpch" not in catalogs(c, SP2)

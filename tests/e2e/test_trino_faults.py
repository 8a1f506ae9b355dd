"""Lakekeeper failing under a real Trino: queries on the managed catalog fail with Access Denied
(lakeward answers a well-formed deny, never something Trino turns into GENERIC_INTERNAL_ERROR),
queries that need no Lakekeeper keep working, and all is well again once the fault clears.
Decision cache off, upstream timeout 3 s (so a 6 s delay is a timeout): not shorter, because on
the loaded 2-core test machine a healthy batch-check of a FilterTables (stand-in, OpenFGA) was
seen to take over 1 s, which an earlier 1 s bound turned into a spurious denial of the baseline."""
import pytest

from e2e_support import CAT, SP1, SP2
from trino_client import TrinoError

PRODUCT = f"SELECT id, name FROM {CAT}.finance.product"


def assert_denied(client, sql, user):
    with pytest.raises(TrinoError) as e:
        client.execute(sql, user=user)
    assert e.value.access_denied, f"{sql}: {e.value} (want PERMISSION_DENIED)"


def healthy(c):
    assert len(c.execute(PRODUCT, user=SP2).rows) == 2
    assert [r[0] for r in c.execute(f"SHOW TABLES FROM {CAT}.finance", user=SP2).rows] == ["product"]
    assert "lakekeeper" in [r[0] for r in c.execute("SHOW CATALOGS", user=SP1).rows]


@pytest.mark.lakeward(env={"LAKEWARD_DECISION_CACHE_TTL_MS": 0, "LAKEWARD_UPSTREAM_TIMEOUT_MS": 3000})
@pytest.mark.parametrize("spec", [
    {"mode": "status", "status": 500},
    {"mode": "garbage"},
    {"mode": "drop"},
    {"mode": "delay", "ms": 6000},
], ids=lambda s: f"{s['mode']}-{s.get('status', s.get('ms', ''))}".rstrip("-"))
def test_lakekeeper_fault_denies_then_recovers(trino, standin, seed_mirror, lakeward_service, spec):
    c = trino(SP2)
    healthy(c)
    # Lakekeeper's permission API fails; its Iceberg REST catalog, which Trino itself loads
    # tables from (a failure there is Trino's catalog error, not a decision), keeps working.
    with standin.fault(paths="batch-check", **spec):
        assert_denied(c, PRODUCT, SP2)
        assert_denied(c, f"SHOW TABLES FROM {CAT}.finance", SP2)
        assert_denied(c, f"INSERT INTO {CAT}.finance.revenue VALUES (9, 9, 9.0)", SP1)
        # Nothing here needs Lakekeeper.
        assert c.execute("SELECT 1", user=SP2).rows == [[1]]
        assert c.execute("SELECT count(*) FROM system.runtime.queries", user=SP2).rows[0][0] >= 1
        assert [r[0] for r in c.execute("SHOW CATALOGS", user=SP1).rows] == ["system"]
    healthy(c)
    degraded = [d for d in lakeward_service.decisions() if d.get("error")]
    assert degraded, "the denied decisions must carry their reason in the decision log"

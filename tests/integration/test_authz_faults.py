"""Fail-closed behaviour: when Lakekeeper or the IdP misbehave, lakeward answers Trino with a
well-formed deny (never allow, never a non-JSON body or a non-200), logs the reason, and
serves correctly again once the fault clears. Faults are injected into the real stand-in."""
import contextlib

import pytest
import requests

from conftest import SUBJECTS
from lakeward_proc import catalog, free_port, schema, stack_env, table

SP1 = SUBJECTS["airflow-sp-1"]
SP2 = SUBJECTS["airflow-sp-2"]
CAT = "lakekeeper"


def set_fault(stack, **fault):
    r = requests.post(stack["LK_URL"] + "/_control/fault", json=fault, timeout=10,
                      headers={"Authorization": "Bearer " + stack["LK_CONTROL_TOKEN"]})
    assert r.status_code in (200, 204), r.text


@contextlib.contextmanager
def fault(stack, **spec):
    set_fault(stack, **spec)
    try:
        yield
    finally:
        set_fault(stack, mode="none")


@pytest.fixture
def fast_lakeward(stack, lakeward_factory):
    # Short upstream timeout so a "slow" fault is a timeout; no decision cache, so every
    # decision really goes upstream.
    return lakeward_factory(stack_env(stack, LAKEWARD_DECISION_CACHE_TTL_MS=0,
                                      LAKEWARD_UPSTREAM_TIMEOUT_MS=1000))


def decide_all(lw, query_id):
    """The decisions a fault must turn into denies, plus one that needs no Lakekeeper.
    Broad-access probes are cached per query id (as in the bridge), so each phase of a test
    uses its own query id."""
    return {
        "select": lw.allow(SP2, "SelectFromColumns", table(CAT, "finance", "product", ["id"])),
        "access": lw.allow(SP1, "AccessCatalog", catalog(CAT)),
        "tables": lw.batch(SP1, "FilterTables", [table(CAT, "finance", "product"),
                                                 table("system", "jdbc", "types")], query_id=query_id),
        "schemas": lw.batch(SP1, "FilterSchemas", [schema(CAT, "finance")], query_id=query_id),
        "query": lw.allow(SP1, "ExecuteQuery"),
    }


HEALTHY = {"select": True, "access": True, "tables": [0, 1], "schemas": [0], "query": True}
DENIED = {"select": False, "access": False, "tables": [1], "schemas": [], "query": True}


@pytest.mark.parametrize("spec", [
    {"mode": "status", "status": 500, "paths": "batch-check"},
    {"mode": "status", "status": 401, "paths": "batch-check"},
    {"mode": "status", "status": 404, "paths": "batch-check"},
    {"mode": "garbage", "paths": "batch-check"},
    {"mode": "drop", "paths": "batch-check"},
    {"mode": "delay", "ms": 2500, "paths": "batch-check"},
], ids=lambda s: f"{s['mode']}-{s.get('status', s.get('ms', ''))}")
def test_batch_check_faults_deny_then_recover(stack, fast_lakeward, spec):
    lw = fast_lakeward
    assert decide_all(lw, "before") == HEALTHY
    with fault(stack, **spec):
        assert decide_all(lw, "during") == DENIED
    assert decide_all(lw, "after") == HEALTHY
    log = lw.log_text()
    assert "batch_check_failed" in log or "decision_degraded" in log
    errors = [d for d in lw.decisions(200) if d.get("error")]
    assert errors, "a degraded decision must carry its reason in the decision log"


def test_warehouse_lookup_fault(stack, lakeward_factory):
    lw = lakeward_factory(stack_env(stack, LAKEWARD_DECISION_CACHE_TTL_MS=0))
    with fault(stack, mode="status", status=500, paths="config"):
        assert lw.allow(SP1, "AccessCatalog", catalog(CAT)) is False
        assert lw.allow(SP1, "ExecuteQuery") is True
    assert lw.allow(SP1, "AccessCatalog", catalog(CAT)) is True
    assert "warehouse_lookup_failed" in lw.log_text()


def test_idp_unreachable(stack, lakeward_factory):
    dead = f"http://127.0.0.1:{free_port()}/token"
    lw = lakeward_factory(stack_env(stack, LAKEKEEPER_TOKEN_ENDPOINT=dead))
    assert lw.allow(SP1, "AccessCatalog", catalog(CAT)) is False
    assert lw.allow(SP1, "ExecuteQuery") is True
    assert lw.batch(SP1, "FilterCatalogs", [catalog("system"), catalog(CAT)]) == [0]
    assert "token_failed" in lw.log_text()


def test_idp_refuses_credentials(stack, lakeward_factory):
    lw = lakeward_factory(stack_env(stack, LAKEKEEPER_CLIENT_SECRET="wrong-secret"))
    assert lw.allow(SP1, "AccessCatalog", catalog(CAT)) is False
    text = lw.log_text()
    assert "token_failed" in text
    assert "wrong-secret" not in text and "lakeward-secret" not in text   # secrets never logged


def test_lakekeeper_down(stack, lakeward_factory):
    lw = lakeward_factory(stack_env(stack, LAKEKEEPER_URL=f"http://127.0.0.1:{free_port()}"))
    assert lw.allow(SP1, "AccessCatalog", catalog(CAT)) is False
    assert lw.batch(SP1, "FilterTables", [table(CAT, "finance", "product")]) == []
    health = lw.session.get(lw.url + "/health", timeout=10)
    assert health.status_code == 200
    assert health.json()["lakekeeper"][0]["reachable"] is False

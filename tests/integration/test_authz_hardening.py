"""Issue 11's decision-engine findings against the real stand-in: the decision cache stays
under its byte bound with large cacheable bodies (finding 2), a stalled Lakekeeper costs a
decision its deadline and a deny, not several upstream timeouts one after another (finding 4),
and an operation lakeward does not know is allowed on an unmanaged catalog with
TRINO_ALLOW_UNMANAGED_CATALOGS=true, as the bridge does, but still denied on a managed one
(finding 5)."""
import contextlib
import time

import requests

from conftest import SUBJECTS
from lakeward_proc import catalog, stack_env, table, trino_input

SP1 = SUBJECTS["airflow-sp-1"]
CAT = "lakekeeper"      # managed (stack_env maps it to the stand-in's "demo" warehouse)


@contextlib.contextmanager
def fault(stack, **spec):
    def post(body):
        r = requests.post(stack["LK_URL"] + "/_control/fault", json=body, timeout=10,
                          headers={"Authorization": "Bearer " + stack["LK_CONTROL_TOKEN"]})
        assert r.status_code in (200, 204), r.text
    post(spec)
    try:
        yield
    finally:
        post({"mode": "none"})


def test_decision_cache_stays_under_its_byte_bound(stack, lakeward_factory):
    bound = 2 << 20
    lw = lakeward_factory(stack_env(stack, LAKEWARD_DECISION_CACHE_MAX_BYTES=bound,
                                    LAKEWARD_DECISION_CACHE_TTL_MS=600000))
    pad = "x" * 60000
    peak = 0
    for i in range(200):            # 200 distinct cacheable 60 KB bodies: 12 MB offered
        body = trino_input(SP1, "ExecuteQuery")
        body["input"]["context"]["properties"] = {"n": i, "pad": pad}
        r = lw.post("/v1/data/trino/allow", body)
        assert r.status_code == 200 and r.json()["result"] is True
        if i % 20 == 19:
            held = lw.metric("lakeward_cache_bytes", cache="decision")
            assert held <= bound, f"decision cache holds {held} bytes, bound {bound}"
            peak = max(peak, held)
    assert peak > bound / 2, "the cache should have filled up to its bound"
    assert lw.metric("lakeward_decision_cache_total", result="miss") == 200
    # The check cache reports its size too.
    assert "lakeward_cache_bytes{cache=\"check\"}" in lw.metrics()


def test_decision_deadline_with_stalled_lakekeeper(stack, lakeward_factory):
    # One decision may take 1.5 s; each Lakekeeper request alone may take 5 s. Lakekeeper's
    # batch-check stalls for 8 s: without the deadline allow would take 5 s and the batch
    # (probe, namespace probe, slow path in turn) 15 s.
    lw = lakeward_factory(stack_env(stack, LAKEWARD_DECISION_DEADLINE_MS=1500,
                                    LAKEWARD_UPSTREAM_TIMEOUT_MS=5000,
                                    LAKEWARD_DECISION_CACHE_TTL_MS=0))
    assert lw.allow(SP1, "AccessCatalog", catalog(CAT)) is True     # warm: token, warehouse id
    with fault(stack, mode="delay", ms=8000, paths="batch-check"):
        t0 = time.monotonic()
        assert lw.allow(SP1, "AccessCatalog", catalog(CAT)) is False
        allow_s = time.monotonic() - t0
        t0 = time.monotonic()
        got = lw.batch(SP1, "FilterTables", [table(CAT, "finance", "product"),
                                             table(CAT, "finance", "customer"),
                                             table("system", "jdbc", "types")], query_id="stalled")
        batch_s = time.monotonic() - t0
    assert got == [2]               # only what needs no Lakekeeper
    # Hang bounds, not speed: each is below one upstream timeout.
    assert allow_s < 4.5, f"allow took {allow_s:.1f} s"
    assert batch_s < 4.5, f"batch took {batch_s:.1f} s"
    records = [d for d in lw.decisions(50) if d.get("error") == "decision deadline passed"]
    assert {d["endpoint"] for d in records} == {"allow", "batch"}
    assert lw.metric("lakeward_decision_deadline_total") >= 2
    assert "decision_deadline" in lw.log_text()
    # Lakekeeper answers again: so does lakeward.
    assert lw.allow(SP1, "AccessCatalog", catalog(CAT)) is True


def test_unknown_operation_on_unmanaged_catalog_with_flag(stack, lakeward_factory):
    lw = lakeward_factory(stack_env(stack, TRINO_ALLOW_UNMANAGED_CATALOGS="true"))
    calls = lw.metric("lakeward_lakekeeper_requests_total", endpoint="batch-check")
    assert lw.allow(SP1, "SomeFutureOperation", table("pg", "public", "t")) is True
    assert lw.allow(SP1, "SomeFutureOperation", catalog("pg")) is True
    assert lw.allow(SP1, "SomeFutureOperation", table(CAT, "finance", "product")) is False
    assert lw.batch(SP1, "SomeFutureOperation", [table(CAT, "finance", "product"),
                                                 table("pg", "public", "t")]) == [1]
    # Decided by rules alone: Lakekeeper was not asked.
    assert lw.metric("lakeward_lakekeeper_requests_total", endpoint="batch-check") == calls
    # Without the flag: denied everywhere, as before.
    lw2 = lakeward_factory(stack_env(stack))
    assert lw2.allow(SP1, "SomeFutureOperation", table("pg", "public", "t")) is False
    assert lw2.batch(SP1, "SomeFutureOperation", [table("pg", "public", "t")]) == []

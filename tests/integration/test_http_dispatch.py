"""The HTTP layer's two ways of answering (docs/http.md): decision-cache hits, /health and
/metrics on the event loop, everything that waits on Lakekeeper on the bounded worker pool.
With the only worker stuck on a stalled Lakekeeper, cached answers must still come back, and a
full worker queue must give a fail-closed 200 deny at once (a 503 on other routes), not a hang. The stall is injected into the real
stand-in."""
import json
import threading

import requests

from conftest import SUBJECTS
from lakeward_proc import stack_env, table, trino_input
from test_authz_faults import fault

SP2 = SUBJECTS["airflow-sp-2"]
CAT = "lakekeeper"
STALL_MS = 4000


def post(lw, body):
    return requests.post(lw.url + "/v1/data/trino/allow", data=json.dumps(body), timeout=30,
                         headers={"Content-Type": "application/json"})


def cold_in_background(lw, name, results):
    """A decision no cache holds (its own query id and table), run in a thread."""
    body = trino_input(SP2, "SelectFromColumns", resource=table(CAT, "finance", name, ["id"]),
                       query_id=f"cold-{name}")

    def run():
        results[name] = post(lw, body)
    t = threading.Thread(target=run)
    t.start()
    return t


def test_cache_hits_and_health_answer_while_workers_are_stuck(stack, lakeward_factory):
    lw = lakeward_factory(stack_env(stack, LAKEWARD_HTTP_WORKERS="1",
                                    LAKEWARD_DECISION_CACHE_TTL_MS="600000"))
    warm = trino_input(SP2, "SelectFromColumns",
                       resource=table(CAT, "finance", "product", ["id"]), query_id="warm")
    first = post(lw, warm)
    assert first.status_code == 200 and first.json()["result"] is True
    assert lw.session.get(lw.url + "/health", timeout=10).status_code == 200
    results = {}
    with fault(stack, mode="delay", ms=STALL_MS, paths="batch-check"):
        stuck = cold_in_background(lw, "revenue", results)
        try:
            stuck.join(0.5)
            assert stuck.is_alive()             # the only worker waits on Lakekeeper
            for _ in range(5):
                hit = post(lw, warm)
                assert hit.status_code == 200 and hit.json()["result"] is True
                assert hit.json()["decision_id"] != first.json()["decision_id"]
            health = lw.session.get(lw.url + "/health", timeout=10)
            assert health.status_code == 200 and health.json()["status"] == "ok"
            assert "lakeward_decisions_total" in lw.metrics()
            # All of that was answered while the worker was still busy.
            assert stuck.is_alive()
        finally:
            stuck.join(30)
    assert results["revenue"].status_code == 200
    assert isinstance(results["revenue"].json()["result"], bool)


def test_full_worker_queue_denies_at_once(stack, lakeward_factory):
    lw = lakeward_factory(stack_env(stack, LAKEWARD_HTTP_WORKERS="1", LAKEWARD_HTTP_QUEUE="1",
                                    LAKEWARD_DECISION_CACHE_TTL_MS="0"))
    assert lw.allow(SP2, "ExecuteQuery") is True
    results = {}
    with fault(stack, mode="delay", ms=STALL_MS, paths="batch-check"):
        running = cold_in_background(lw, "revenue", results)
        running.join(0.5)
        queued = cold_in_background(lw, "product", results)
        queued.join(0.5)
        assert running.is_alive() and queued.is_alive()
        refused = post(lw, trino_input(SP2, "SelectFromColumns",
                                       resource=table(CAT, "finance", "product_summary", ["id"]),
                                       query_id="third"))
        # A well-formed decision request always gets a 200 JSON decision: here a deny.
        assert refused.status_code == 200
        assert refused.json()["result"] is False and refused.json()["decision_id"]
        shed_batch = requests.post(lw.url + "/v1/data/trino/batch", timeout=30,
                                   data=json.dumps(trino_input(SP2, "FilterCatalogs", filter_resources=[{"catalog": {"name": CAT}}])),
                                   headers={"Content-Type": "application/json"})
        assert shed_batch.status_code == 200 and shed_batch.json()["result"] == []
        assert running.is_alive()               # refused at once, not after the stall
        running.join(30)
        queued.join(30)
    # The queued request was run, not dropped.
    assert results["revenue"].status_code == 200 and results["product"].status_code == 200
    assert lw.metric("lakeward_http_refused_total", reason="queue_full") >= 2
    assert lw.metric("lakeward_decisions_shed_total") >= 2
    assert "event=overloaded" in lw.log_text()
    assert lw.allow(SP2, "ExecuteQuery") is True

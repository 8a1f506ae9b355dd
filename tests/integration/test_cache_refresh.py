"""Refresh-ahead of the decision and check caches (docs/authz.md, caches), against the real
stand-in: a hot request keeps being answered from the cache across many TTLs while the
refreshes ask Lakekeeper in the background; a revoked grant stops being allowed within the
TTL (the refresh brings the new answer); a Lakekeeper that fails during the refresh extends
nothing, so the entry expires and the request is denied.

Every phase is bounded by the TTL, the revocation bound the caches promise; the margins are
hang bounds, not speed assertions. The refresh window (1.5 s) is wider than the upstream
timeout (1 s) so that a refresh queued at the window's start either lands or fails before the
entry expires, and wider than the stalls a loaded CI machine gives the test's own loop: with a
1 s TTL and a 500 ms window, CI saw a hot key miss twice (a refresh or the next request came
late), which says nothing about the cache."""
import time

import pytest
import requests

from conftest import SUBJECTS, WAREHOUSE_DEMO, client_token
from lakeward_proc import stack_env, table

TTL_MS = 3000
PCT = 50                 # refresh window: the last 1.5 s of each TTL
CAT = "lakekeeper"
SP2 = SUBJECTS["airflow-sp-2"]            # the seed grants it select on demo.finance.product
ANNA = SUBJECTS["anna"]
REVENUE_ID = "00000000-0000-4000-8000-00000000f102"
PRODUCT = table(CAT, "finance", "product", ["id"])
REVENUE = table(CAT, "finance", "revenue", ["id"])


@pytest.fixture
def refreshing(stack, lakeward_factory):
    return lakeward_factory(stack_env(stack, LAKEWARD_DECISION_CACHE_TTL_MS=TTL_MS,
                                      LAKEWARD_CACHE_REFRESH_AHEAD_PCT=PCT,
                                      LAKEWARD_UPSTREAM_TIMEOUT_MS=1000))


def set_fault(stack, **spec):
    r = requests.post(stack["LK_URL"] + "/_control/fault", json=spec, timeout=10,
                      headers={"Authorization": "Bearer " + stack["LK_CONTROL_TOKEN"]})
    assert r.status_code in (200, 204), r.text


def assign(stack, token, verb, user, relation):
    """Writes or deletes a grant on demo.finance.revenue as lakeward's technical user (token:
    fetched beforehand, so the call leaves no gap in the traffic that keeps an entry hot)."""
    path = (f"/management/v1/permissions/warehouse/{WAREHOUSE_DEMO}/table/{REVENUE_ID}"
            "/assignments")
    r = requests.post(stack["LK_URL"] + path, timeout=10,
                      json={verb: [{"type": relation, "user": "oidc~" + user}]},
                      headers={"Authorization": "Bearer " + token})
    assert r.status_code == 204, r.text


def hammer(lw, user, resource, seconds, interval=0.02):
    """Asks the same allow question for `seconds`; returns [(monotonic time sent, answer)]."""
    out = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        t = time.monotonic()
        out.append((t, lw.allow(user, "SelectFromColumns", resource)))
        time.sleep(interval)
    return out


def max_gap(answers):
    """The longest time between two consecutive requests: a miss is only promised away when
    the traffic reaches every refresh window."""
    times = [t for t, _ in answers]
    return max((b - a for a, b in zip(times, times[1:])), default=0.0)


def counters(lw):
    return {
        "miss": lw.metric("lakeward_decision_cache_total", result="miss"),
        "hit": lw.metric("lakeward_decision_cache_total", result="hit"),
        "ok": lw.metric("lakeward_cache_refreshes_total", result="ok"),
        "failed": lw.metric("lakeward_cache_refreshes_total", result="failed"),
        "upstream": lw.metric("lakeward_lakekeeper_requests_total", endpoint="batch-check"),
    }


def test_hot_key_never_misses_across_ttls(refreshing):
    lw = refreshing
    answers = hammer(lw, SP2, PRODUCT, seconds=3 * TTL_MS / 1000)
    c = counters(lw)
    assert all(a for _, a in answers)
    c["max_gap_s"] = max_gap(answers)
    assert c["miss"] == 1, c                  # decided once; every other answer was a hit
    assert c["hit"] == len(answers) - 1, c
    assert c["ok"] >= 2, c                    # about one refresh per window
    # Lakekeeper was asked once per refresh (plus the first decision), not per request.
    assert c["upstream"] <= 1 + c["ok"] + c["failed"], c


def test_revoke_is_seen_within_the_ttl(stack, refreshing):
    lw = refreshing
    token = client_token(stack, "lakeward")
    assign(stack, token, "writes", ANNA, "select")
    try:
        before = hammer(lw, ANNA, REVENUE, seconds=1.5)
        assert all(a for _, a in before)
        assign(stack, token, "deletes", ANNA, "select")
        revoked = time.monotonic()
        after = hammer(lw, ANNA, REVENUE, seconds=2.5 * TTL_MS / 1000)
    finally:
        assign(stack, token, "deletes", ANNA, "select")
    # Every answer cached before the revoke expires within a TTL of it; from then on: deny.
    late = [a for t, a in after if t >= revoked + TTL_MS / 1000]
    assert late and not any(late), after
    c = counters(lw)
    c["max_gap_s"] = max_gap(before + after)
    assert c["miss"] == 1, c                  # the deny came from a refresh, not an expiry


def test_failing_refresh_lets_the_entry_expire(stack, refreshing):
    lw = refreshing
    assert all(a for _, a in hammer(lw, SP2, PRODUCT, seconds=1.5))
    set_fault(stack, mode="status", status=500, paths="batch-check")
    try:
        failing = time.monotonic()
        during = hammer(lw, SP2, PRODUCT, seconds=2.5 * TTL_MS / 1000)
    finally:
        set_fault(stack, mode="none")
    late = [a for t, a in during if t >= failing + TTL_MS / 1000]
    assert late and not any(late), during     # expired, decided again, Lakekeeper failed: deny
    c = counters(lw)
    assert c["failed"] >= 1, c
    assert "refresh_failed" in lw.log_text()
    # Lakekeeper back: allowed again (a failure is never cached).
    assert lw.allow(SP2, "SelectFromColumns", PRODUCT) is True

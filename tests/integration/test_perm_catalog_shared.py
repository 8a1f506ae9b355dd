"""The shared Lakekeeper catalog (server/pg_catalog_cache.h, catalog/cat_snapshot.h): one
catalog process loads every instance's catalog and publishes it; every SQL session reads that
snapshot. Against the stand-in, whose request counters (/_control/stats) say what lakeward
asked: a second session's first catalog query makes no listing call; a table created in the
stand-in appears in another session after lakeward.catalog_refresh() (and not before); a
Lakekeeper outage keeps the rows readable with the error and a growing age in
lakeward.lakeward_state and /metrics; a catalog over catalog_max_objects is refused with a
clear error, never cut; before the first load, a query waits at most its statement_timeout;
the first load waits for the OpenFGA mirror's first load (or first failure)."""
import re
import socket
import time
import uuid

import psycopg
import pytest
import requests

from lakeward_proc import stack_env

ADMIN = "k9admin"
SLOW_OK = "60000"
HOUR = 3600 * 1000
LISTINGS = ("namespaces", "tables", "views")


def control(stack, method, what, body=None):
    r = requests.request(method, f"{stack['LK_URL']}/_control/{what}", json=body, timeout=30,
                         headers={"Authorization": f"Bearer {stack['LK_CONTROL_TOKEN']}"})
    assert r.ok, r.text
    return r.json() if r.content else None


def start(stack, lakeward_factory, config=""):
    return lakeward_factory(stack_env(stack, LAKEWARD_PG_ADMINS=ADMIN,
                                      LAKEWARD_UPSTREAM_TIMEOUT_MS=SLOW_OK), config=config)


def connect(lw):
    return psycopg.connect(host="127.0.0.1", port=lw.pg_port, user=ADMIN, dbname="lakeward",
                           connect_timeout=10, autocommit=True)


def state(conn):
    return dict(conn.execute("SELECT name, value FROM lakeward.lakeward_state "
                             "WHERE component = 'catalog_cache'").fetchall())


def wait_for(conn, pred, timeout=120):
    """The catalog state once pred(state) holds (the first load can take a while on a
    loaded test machine)."""
    end = time.monotonic() + timeout
    while True:
        st = state(conn)
        if pred(st):
            return st
        assert time.monotonic() < end, st
        time.sleep(0.2)


def listings(stack):
    req = control(stack, "GET", "stats")["requests"]
    return {k: req.get(k, 0) for k in LISTINGS}


def test_second_session_makes_no_listing_call(stack, lakeward_factory):
    lw = start(stack, lakeward_factory, f"catalog_cache_ttl_ms = {HOUR};\n")
    with connect(lw) as first:
        st = wait_for(first, lambda s: s["loaded"] == "true")
        assert int(st["objects"]) >= 10 and int(st["snapshot_bytes"]) > 0
        assert st["last_error"] is None and int(st["first_load_ms"]) > 0
        n = first.execute("SELECT count(*) FROM lakeward.tables").fetchone()[0]
        assert n >= 4
    control(stack, "POST", "stats/reset")
    with connect(lw) as second:
        # a new session's first catalog queries, names of grants included: no listing at all
        assert second.execute("SELECT count(*) FROM lakeward.tables").fetchone()[0] == n
        second.execute("SELECT * FROM lakeward.namespaces").fetchall()
        second.execute("SELECT * FROM lakeward.views").fetchall()
        assert listings(stack) == {k: 0 for k in LISTINGS}
        assert control(stack, "GET", "stats")["total"] == 0
        # one load was made for everyone
        assert state(second)["loads_ok"] == "1"


def test_new_table_appears_after_refresh_in_another_session(stack, lakeward_factory):
    lw = start(stack, lakeward_factory, f"catalog_cache_ttl_ms = {HOUR};\n")
    name = f"c9_{uuid.uuid4().hex[:8]}"
    q = "SELECT full_name FROM lakeward.tables WHERE table_name = %s"
    with connect(lw) as reader:
        wait_for(reader, lambda s: s["loaded"] == "true")
        assert reader.execute(q, (name,)).fetchall() == []
        reg = control(stack, "POST", "register",
                      {"warehouse": "demo", "namespace": ["marketing"], "table": name})
        try:
            # the shared catalog is fresh for an hour: nobody sees it yet
            assert reader.execute(q, (name,)).fetchall() == []
            with connect(lw) as other:
                assert other.execute(q, (name,)).fetchall() == []
                # another session asks for a reload and gets it before the call returns
                control(stack, "POST", "stats/reset")
                other.execute("SELECT lakeward.catalog_refresh()")
                assert listings(stack)["tables"] >= 1
            # ... and this session sees it with its next query, without a call of its own
            control(stack, "POST", "stats/reset")
            got = reader.execute("SELECT full_name, table_id::text FROM lakeward.tables "
                                 "WHERE table_name = %s", (name,)).fetchall()
            assert got == [(f"demo.marketing.{name}", reg["id"])]
            assert listings(stack) == {k: 0 for k in LISTINGS}
        finally:
            control(stack, "POST", "unregister",
                    {"warehouse": "demo", "namespace": ["marketing"], "table": name})
        reader.execute("SELECT lakeward.catalog_refresh()")
        assert reader.execute(q, (name,)).fetchall() == []


def test_outage_keeps_rows_with_error_and_age(stack, lakeward_factory):
    lw = start(stack, lakeward_factory, "catalog_cache_ttl_ms = 1000;\n")
    with connect(lw) as conn:
        wait_for(conn, lambda s: s["loaded"] == "true")
        before = sorted(conn.execute("SELECT full_name FROM lakeward.tables").fetchall())
        control(stack, "POST", "fault", {"mode": "status", "status": 503})
        try:
            st = wait_for(conn, lambda s: s["last_error"] is not None, timeout=60)
            assert "503" in st["last_error"], st
            assert st["loaded"] == "true"
            # the last catalog is still served, and says how old it is
            assert sorted(conn.execute("SELECT full_name FROM lakeward.tables")
                          .fetchall()) == before
            age = int(st["age_ms"])
            time.sleep(1.2)
            assert int(state(conn)["age_ms"]) > age
            assert lw.metric("lakeward_catalog_load_failures") >= 1
            assert lw.metric("lakeward_catalog_objects") == int(st["objects"])
            # asking for a reload during the outage says it failed, and why
            with pytest.raises(psycopg.Error) as e:
                conn.execute("SELECT lakeward.catalog_refresh()")
            assert "503" in str(e.value)
        finally:
            control(stack, "POST", "fault", {"mode": "none"})
        st = wait_for(conn, lambda s: s["last_error"] is None, timeout=60)
        assert int(st["age_ms"]) < 60000
        last = lw.metric("lakeward_catalog_last_load_timestamp_seconds")
        assert abs(last - time.time()) < 120


def test_catalog_over_the_bound_is_refused(stack, lakeward_factory):
    lw = start(stack, lakeward_factory, "catalog_max_objects = 3;\n")
    with connect(lw) as conn:
        st = wait_for(conn, lambda s: s["last_error"] is not None)
        assert "more than 3" in st["last_error"] and st["loaded"] == "false", st
        with pytest.raises(psycopg.Error) as e:
            conn.execute("SELECT count(*) FROM lakeward.tables").fetchall()
        assert e.value.sqlstate == "54000", e.value
        assert "more than 3" in str(e.value)


def test_cold_start_bounded_by_statement_timeout(stack, lakeward_factory):
    # every Lakekeeper listing slow: the first load takes longer than the statement may
    control(stack, "POST", "fault", {"mode": "delay", "ms": 2000})
    try:
        lw = start(stack, lakeward_factory, f"catalog_cache_ttl_ms = {HOUR};\n")
        with connect(lw) as conn:
            conn.execute("SET statement_timeout = '1s'")
            t0 = time.monotonic()
            with pytest.raises(psycopg.Error) as e:
                conn.execute("SELECT count(*) FROM lakeward.tables").fetchall()
            assert time.monotonic() - t0 < 30     # a hang bound, not a speed claim
            assert "still being loaded" in str(e.value) or "timeout" in str(e.value).lower()
    finally:
        control(stack, "POST", "fault", {"mode": "none"})
    with connect(lw) as conn:
        wait_for(conn, lambda s: s["loaded"] == "true")
        assert conn.execute("SELECT count(*) FROM lakeward.tables").fetchone()[0] >= 4


def first_load_after_mirror(lw, timeout=120):
    """(mirror_loaded, waited_ms) of the catalog process's log line before its first load."""
    end = time.monotonic() + timeout
    while True:
        m = re.search(r"event=first_load_after_mirror mirror_loaded=(\d) waited_ms=(\d+)",
                      lw.log_text())
        if m:
            return int(m.group(1)), int(m.group(2))
        assert time.monotonic() < end, lw.log_text()[-2000:]
        time.sleep(0.2)


def test_first_load_waits_for_the_mirror(stack, lakeward_factory):
    fga = dict(LAKEWARD_OPENFGA_STORE_ID=stack["OPENFGA_STORE_ID"],
               LAKEWARD_OPENFGA_MODEL_ID=stack["OPENFGA_MODEL_ID"], LAKEWARD_PG_ADMINS=ADMIN)
    # A healthy OpenFGA: the catalog starts once the mirror has loaded.
    lw = lakeward_factory(stack_env(stack, LAKEWARD_OPENFGA_URL=stack["OPENFGA_URL"], **fga))
    assert first_load_after_mirror(lw)[0] == 1
    with connect(lw) as conn:
        wait_for(conn, lambda s: s["loaded"] == "true")
    # An OpenFGA that accepts connections and never answers: the catalog waits for the
    # mirror's first failure (its 3 s request timeout), then loads all the same.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        url = "http://127.0.0.1:%d" % silent.getsockname()[1]
        lw = lakeward_factory(stack_env(stack, LAKEWARD_OPENFGA_URL=url,
                                        LAKEWARD_UPSTREAM_TIMEOUT_MS=3000, **fga))
        loaded, waited = first_load_after_mirror(lw)
        assert loaded == 0 and waited >= 2500, (loaded, waited)
        with connect(lw) as conn:
            wait_for(conn, lambda s: s["loaded"] == "true")

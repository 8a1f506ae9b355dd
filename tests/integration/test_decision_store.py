"""The decision store (authz/decision_store.c, authz/authz_decision_store_sql.c): two lakeward
processes sharing the test stack's PostgreSQL see each other's decisions through SQL, with the
filters pushed into the query PostgreSQL runs; the schema is created on start; and a store that
is stopped (or frozen) under load and then comes back loses only what the queue bound says,
counts it, logs one line per burst, resumes by itself and never delays a decision."""
import json
import os
import pathlib
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid

import psycopg
import pytest
import requests

from lakeward_proc import catalog, free_port, stack_env, trino_input

PG_BIN = pathlib.Path("/usr/lib/postgresql/15/bin")
DECIDE_BOUND_S = 4.0     # a hang bound, not a speed claim: a decision waiting on the store
                         # would wait for the store's timeouts (5 s and more)


def admin_dsn(stack, db="postgres"):
    return f"postgresql://{stack['PG_USER']}@{stack['PG_HOST']}:{stack['PG_PORT']}/{db}"


@pytest.fixture
def store_db(stack):
    """A fresh database on the stack's PostgreSQL for one test's decision store."""
    name = "lw_store_" + uuid.uuid4().hex[:12]
    with psycopg.connect(admin_dsn(stack), autocommit=True) as c:
        c.execute(f"CREATE DATABASE {name}")
    yield admin_dsn(stack, name)
    with psycopg.connect(admin_dsn(stack), autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def start(lakeward_factory, stack, dsn, **extra):
    env = stack_env(stack, LAKEWARD_DECISION_STORE_DSN=dsn, LAKEWARD_DECISION_CACHE_TTL_MS=0,
                    **extra)
    return lakeward_factory(env)


def sql(lw, query, params=None):
    with psycopg.connect(host="127.0.0.1", port=lw.pg_port, user="lakeward", dbname="lakeward",
                         autocommit=True) as c:
        return c.execute(query, params).fetchall()


def wait_metric(lw, name, want, timeout=20):
    deadline = time.time() + timeout
    while lw.metric(name) < want:
        assert time.time() < deadline, f"{name} stayed at {lw.metric(name)} < {want}"
        time.sleep(0.05)


def test_schema_created_and_decisions_of_a_visible_on_b(stack, store_db, lakeward_factory):
    a = start(lakeward_factory, stack, store_db)
    b = start(lakeward_factory, stack, store_db)
    tag = uuid.uuid4().hex[:8]
    ua, ub = f"alice-{tag}", f"bob-{tag}"
    for i in range(5):
        assert a.allow(ua, "ExecuteQuery", query_id=f"qa{i}") is True
    # Denied without asking Lakekeeper: a catalog that is not mapped (unmanaged ones denied).
    assert a.allow(ua, "AccessCatalog", resource=catalog("unmapped")) is False
    assert b.allow(ub, "ExecuteQuery", query_id="qb") is True
    wait_metric(a, "lakeward_decision_store_written_total", 6)
    wait_metric(b, "lakeward_decision_store_written_total", 1)

    with psycopg.connect(store_db) as c:
        tables = {r[0] for r in c.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        assert {"lakeward_decisions", "lakeward_decisions_schema"} <= tables
        assert c.execute("SELECT version FROM lakeward_decisions_schema").fetchall() == [(1,)]

    # A's decisions through B's SQL face, and B's through A's: the table is the store's.
    rows = sql(b, "SELECT user_name, operation, allowed, query_id, endpoint FROM decisions "
                  "WHERE user_name = %s ORDER BY time", (ua,))
    assert rows == [(ua, "ExecuteQuery", True, f"qa{i}", "allow") for i in range(5)] + [
        (ua, "AccessCatalog", False, None, "allow")]
    assert sql(a, "SELECT user_name, query_id FROM decisions WHERE user_name = %s", (ub,)) == [(ub, "qb")]
    # Filters PostgreSQL applies: operation, IN lists, allowed, the time range (Grafana's
    # $__timeFilter form), and none matching.
    assert sql(b, "SELECT count(*) FROM decisions WHERE user_name = %s AND operation = 'AccessCatalog'",
               (ua,)) == [(1,)]
    assert sql(b, "SELECT count(*) FROM decisions WHERE user_name IN (%s, %s)", (ua, ub)) == [(7,)]
    assert sql(a, "SELECT count(*) FROM decisions WHERE user_name IN (%s, %s) AND NOT allowed",
               (ua, ub)) == [(1,)]
    now = time.time()
    fmt = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
    assert sql(b, f"SELECT count(*) FROM decisions WHERE time BETWEEN '{fmt(now - 600)}' AND "
                  f"'{fmt(now + 600)}' AND user_name = %s", (ua,)) == [(6,)]
    assert sql(b, f"SELECT count(*) FROM decisions WHERE time BETWEEN '{fmt(now - 7200)}' AND "
                  f"'{fmt(now - 3600)}' AND user_name = %s", (ua,)) == [(0,)]
    # Bounds computed from no row (now() - interval ...) go to PostgreSQL as values too.
    assert sql(b, "SELECT count(*) FROM decisions WHERE time > now() - interval '10 minutes' "
                  "AND user_name = lower(%s)", (ua.upper(),)) == [(6,)]
    assert sql(b, "SELECT count(*) FROM decisions WHERE time < now() - interval '1 hour' "
                  "AND user_name = %s", (ua,)) == [(0,)]
    # Columns the query does not read are not fetched; those it reads still arrive whole.
    assert sql(a, "SELECT operation, endpoint FROM decisions WHERE user_name = %s AND NOT allowed",
               (ua,)) == [("AccessCatalog", "allow")]
    # The record column is the decision's JSON line.
    (rec,) = sql(a, "SELECT record FROM decisions WHERE user_name = %s AND query_id = 'qb'", (ub,))[0]
    rec = rec if isinstance(rec, dict) else json.loads(rec)
    assert rec["decision_id"]
    # ORDER BY time DESC comes back in that order.
    times = [r[0] for r in sql(a, "SELECT time FROM decisions WHERE user_name IN (%s, %s) "
                                  "ORDER BY time DESC", (ua, ub))]
    assert times == sorted(times, reverse=True) and len(times) == 7


def test_store_unavailable_at_start_is_not_fatal(stack, lakeward_factory):
    port = free_port()      # nothing listens here
    lw = start(lakeward_factory, stack, f"postgresql://postgres@127.0.0.1:{port}/x",
               LAKEWARD_DECISION_STORE_QUEUE=3)
    t0 = time.time()
    for _ in range(5):
        assert lw.allow("carol", "ExecuteQuery") is True
    assert time.time() - t0 < 5 * DECIDE_BOUND_S
    wait_metric(lw, "lakeward_decision_store_dropped_total", 2)
    assert lw.metric("lakeward_decision_store_up") == 0
    assert lw.log_text().count("event=dropping") == 1
    # The SQL face says the store is unavailable rather than showing an empty table.
    with pytest.raises(psycopg.Error) as e:
        sql(lw, "SELECT count(*) FROM decisions")
    assert "decision store unavailable" in str(e.value)


class PrivatePostgres:
    """A PostgreSQL instance of the test's own, so it can be stopped and frozen without
    touching the stack's."""

    def __init__(self):
        # Not under pytest's tmp_path: the postgres user cannot enter root's 0700 directory.
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="lw-store-pg-"))
        self.port = free_port()
        self.as_pg = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            self.as_pg = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"]
        subprocess.run(self.as_pg + [str(PG_BIN / "initdb"), "-D", str(self.dir / "data"), "-U",
                                     "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"],
                       check=True, capture_output=True, timeout=120, cwd="/")
        self.dsn = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def ctl(self, *args):
        subprocess.run(self.as_pg + [str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-w",
                                     "-l", str(self.dir / "log"), *args],
                       check=True, capture_output=True, timeout=120, cwd="/")

    def start(self):
        self.ctl("start", "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off "
                 f"-k {self.dir}")

    def stop(self):
        self.ctl("stop", "-m", "fast")

    def remove(self):
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)

    def pids(self):
        """The postmaster and its children (backends, background processes)."""
        main = int((self.dir / "data" / "postmaster.pid").read_text().split()[0])
        kids = subprocess.run(["pgrep", "-P", str(main)], capture_output=True, text=True).stdout.split()
        return [main] + [int(k) for k in kids]

    def count(self):
        with psycopg.connect(self.dsn) as c:
            return c.execute("SELECT count(*) FROM lakeward_decisions").fetchone()[0]


class Load:
    """Threads posting decisions at about `rate` per second in all, recording each one's answer
    time. Paced, so that the writer (small batches here) keeps up whatever else the machine
    runs: drops must come from the outage, not from a writer starved of CPU before it."""

    def __init__(self, lw, threads=3, rate=400):
        self.lw, self.times, self.failures = lw, [], []
        self.interval = threads / rate
        self.mu = threading.Lock()
        self.stop_ev = threading.Event()
        self.body = json.dumps(trino_input("dave", "ExecuteQuery", query_id="load"))
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(threads)]
        for t in self.threads:
            t.start()

    def run(self):
        s = requests.Session()
        next_at = time.monotonic()
        while not self.stop_ev.is_set():
            next_at += self.interval
            pause = next_at - time.monotonic()
            if pause > 0:
                self.stop_ev.wait(pause)
            t0 = time.monotonic()
            try:
                r = s.post(self.lw.url + "/v1/data/trino/allow", data=self.body, timeout=30,
                           headers={"Content-Type": "application/json"})
                ok = r.status_code == 200 and r.json()["result"] is True
            except (requests.RequestException, ValueError) as e:
                ok = False
                r = e
            with self.mu:
                (self.times if ok else self.failures).append(
                    time.monotonic() - t0 if ok else repr(r))

    def made(self):
        with self.mu:
            return len(self.times)

    def finish(self):
        self.stop_ev.set()
        for t in self.threads:
            t.join(timeout=60)
        assert self.failures == [], self.failures[:3]
        return len(self.times), max(self.times)


def stop_and_restart(pg):
    pg.stop()
    return pg.start


def freeze(pg):
    pids = pg.pids()
    for p in pids:
        os.kill(p, signal.SIGSTOP)

    def thaw():
        for p in pids:
            os.kill(p, signal.SIGCONT)
    return thaw


@pytest.mark.parametrize("outage", [stop_and_restart, freeze], ids=["stopped", "frozen"])
def test_outage_under_load_loses_only_the_bound(stack, lakeward_factory, outage):
    queue, batch = 300, 50
    pg = PrivatePostgres()
    pg.start()
    try:
        lw = start(lakeward_factory, stack, pg.dsn, LAKEWARD_DECISION_STORE_QUEUE=queue,
                   LAKEWARD_DECISION_STORE_BATCH=batch)
        wait_metric(lw, "lakeward_decision_store_up", 1)
        load = Load(lw)
        time.sleep(0.5)
        during_from = load.made()
        back = outage(pg)
        # Outage until the queue is full and a good number were dropped.
        deadline = time.time() + 60
        while lw.metric("lakeward_decision_store_dropped_total") < 3 * queue:
            assert time.time() < deadline, "the queue never filled during the outage"
            time.sleep(0.05)
        # The load stops before the store comes back: on a busy machine a writer just thawed
        # can drain its small batches more slowly than three clients add records, and a second,
        # legitimate burst of drops would blur what this test is about (one outage).
        total, slowest = load.finish()
        during = total - during_from           # decisions made while records could be dropped
        back()
        deadline = time.time() + 30
        while "event=resumed" not in lw.log_text():
            assert time.time() < deadline, "writing never resumed after the outage"
            time.sleep(0.02)
        # Everything made is either in the store or counted as dropped.
        deadline = time.time() + 30
        while (lw.metric("lakeward_decision_store_written_total") +
               lw.metric("lakeward_decision_store_dropped_total") < total):
            assert time.time() < deadline, "the queue never drained"
            time.sleep(0.05)
        dropped = lw.metric("lakeward_decision_store_dropped_total")
        written = lw.metric("lakeward_decision_store_written_total")
        assert lw.metric("lakeward_decision_store_queue") == 0
        assert written + dropped == total
        assert pg.count() == written
        # Only what arrived beyond the bound was lost: of the records made during the outage,
        # the queue kept `queue` minus what it already held when the store went away (less
        # than a batch: the writer takes a batch as soon as one is queued).
        assert 0 < dropped <= during - queue + 2 * batch, (dropped, during)
        log = lw.log_text()
        assert log.count("event=dropping") == 1 and log.count("event=resumed") == 1, log[-3000:]
        assert f"event=resumed dropped={int(dropped)}" in log
        # No decision waited for the store.
        assert slowest < DECIDE_BOUND_S, slowest
    finally:
        pg.remove()


def test_scans_longer_than_a_batch(stack, store_db, lakeward_factory):
    """Rows come through a cursor in batches of 1,000: counts and sums across batch edges
    (exactly 2,000 rows, then 2,345) are PostgreSQL's, in time order, and the connection serves
    the next statement after a scan that ended and after one stopped early (LIMIT)."""
    a = start(lakeward_factory, stack, store_db)
    wait_metric(a, "lakeward_decision_store_up", 1)
    with psycopg.connect(store_db, autocommit=True) as c:
        c.execute("INSERT INTO lakeward_decisions (time, replica, decision_id, user_name, endpoint, "
                  "allowed, latency_ms) SELECT now() - i * interval '1 second', 'batch', 'b' || i, "
                  "'batch-' || (i / 2000), 'allow', true, i FROM generate_series(0, 2344) i")
    with psycopg.connect(host="127.0.0.1", port=a.pg_port, user="lakeward", dbname="lakeward",
                         autocommit=True) as c:     # one backend, one store connection
        q = lambda query: c.execute(query).fetchall()
        assert q("SELECT count(*), sum(latency_ms) FROM decisions WHERE user_name = 'batch-0'") \
            == [(2000, sum(range(2000)))]
        assert q("SELECT count(*), min(latency_ms), max(latency_ms) FROM decisions "
                 "WHERE user_name IN ('batch-0', 'batch-1')") == [(2345, 0, 2344)]
        lat = [r[0] for r in q("SELECT latency_ms FROM decisions WHERE replica = 'batch' "
                               "ORDER BY time DESC")]
        assert lat == list(range(2345))
        assert q("SELECT latency_ms FROM decisions WHERE replica = 'batch' ORDER BY time "
                 "LIMIT 2") == [(2344,), (2343,)]
        assert q("SELECT count(*) FROM decisions WHERE replica = 'batch'") == [(2345,)]


def test_retention_deletes_old_records_on_start(stack, store_db, lakeward_factory):
    a = start(lakeward_factory, stack, store_db)      # creates the schema
    wait_metric(a, "lakeward_decision_store_up", 1)
    with psycopg.connect(store_db, autocommit=True) as c:
        for age in ("3 days", "36 hours", "1 hour"):
            c.execute("INSERT INTO lakeward_decisions (time, replica, decision_id, endpoint, allowed) "
                      "VALUES (now() - %s::interval, 'old', %s, 'allow', true)", (age, age))
    # A replica starting with a one-day retention deletes what is older, at once, then hourly.
    b = start(lakeward_factory, stack, store_db, LAKEWARD_DECISION_STORE_RETENTION_DAYS=1)
    wait_metric(b, "lakeward_decision_store_up", 1)
    deadline = time.time() + 20
    while True:
        with psycopg.connect(store_db) as c:
            left = sorted(r[0] for r in c.execute(
                "SELECT decision_id FROM lakeward_decisions WHERE replica = 'old'"))
        if left == ["1 hour"]:
            break
        assert time.time() < deadline, left
        time.sleep(0.1)
    # Migrations ran once: both replicas found the schema at its version.
    assert a.log_text().count("event=migrated") == 1 and "event=migrated" not in b.log_text()


def test_sql_on_a_stuck_store_fails_within_its_bound(stack, lakeward_factory):
    pg = PrivatePostgres()
    pg.start()
    try:
        lw = start(lakeward_factory, stack, pg.dsn, LAKEWARD_DECISION_STORE_TIMEOUT_MS=1000)
        assert lw.allow("erin", "ExecuteQuery") is True
        wait_metric(lw, "lakeward_decision_store_written_total", 1)
        with psycopg.connect(host="127.0.0.1", port=lw.pg_port, user="lakeward", dbname="lakeward",
                             autocommit=True) as c:
            assert c.execute("SELECT count(*) FROM decisions WHERE user_name = 'erin'").fetchone() == (1,)
            thaw = freeze(pg)
            try:
                t0 = time.monotonic()
                with pytest.raises(psycopg.Error) as e:
                    c.execute("SELECT count(*) FROM decisions WHERE user_name = 'erin'")
                assert "decision store did not answer within 1000 ms" in str(e.value)
                assert e.value.sqlstate == "58000"
                assert time.monotonic() - t0 < 1 + DECIDE_BOUND_S
                assert lw.allow("erin", "ExecuteQuery") is True     # decisions go on meanwhile
            finally:
                thaw()
            # The session survives, and the next scan reconnects.
            deadline = time.time() + 20
            while c.execute("SELECT count(*) FROM decisions WHERE user_name = 'erin'").fetchone() != (2,):
                assert time.time() < deadline, "the second decision never showed up"
                time.sleep(0.1)
    finally:
        pg.remove()


def test_statement_timeout_ends_a_scan_waiting_on_a_stuck_store(stack, lakeward_factory):
    """The session's statement_timeout reaches the table as its deadline: a scan waiting on a
    frozen store ends at the timeout (57014), long before the store's own silence bound."""
    pg = PrivatePostgres()
    pg.start()
    try:
        lw = start(lakeward_factory, stack, pg.dsn, LAKEWARD_DECISION_STORE_TIMEOUT_MS=30000)
        assert lw.allow("erin", "ExecuteQuery") is True
        wait_metric(lw, "lakeward_decision_store_written_total", 1)
        with psycopg.connect(host="127.0.0.1", port=lw.pg_port, user="lakeward", dbname="lakeward",
                             autocommit=True) as c:
            c.execute("SET statement_timeout = '1s'")
            thaw = freeze(pg)
            try:
                t0 = time.monotonic()
                with pytest.raises(psycopg.Error) as e:
                    c.execute("SELECT count(*) FROM decisions WHERE user_name = 'erin'")
                assert e.value.sqlstate == "57014", str(e.value)
                assert time.monotonic() - t0 < 1 + DECIDE_BOUND_S
            finally:
                thaw()
    finally:
        pg.remove()

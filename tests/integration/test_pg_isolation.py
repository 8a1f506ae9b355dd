"""Fault isolation of the Postgres-wire face (issue 8): nothing arriving on the Postgres port
may stop or stall Trino's decisions. The SQL face is a supervised process tree (one backend
process per connection under a single-threaded postmaster that main restarts;
docs/architecture-process.md). While threads post Trino decisions continuously, these tests
crash a backend mid-query (debug builds with LAKEWARD_DEBUG_CRASH=1: lakeward.debug_crash), send the known crash inputs,
and kill -9 the SQL process; every decision must succeed, the SQL face must answer again
within a second and other sessions must go on. Then each connection bound: startup timeout,
idle timeout, per-address limit and the memory budget."""
import json
import os
import signal
import socket
import threading
import time

import psycopg
import pytest
import requests

from lakeward_proc import catalog, trino_input
from test_pg_wire import Raw, error_fields, psql, startup_packet

BACK_WITHIN_S = 1.0


class DecisionLoad:
    """Threads posting allow and batch decisions to lakeward's HTTP face until stopped;
    any answer that is not a 200 with a valid result counts as a failed decision."""

    def __init__(self, lw, threads=3):
        self.lw, self.ok, self.failures = lw, 0, []
        self.stop_ev = threading.Event()
        self.mu = threading.Lock()
        self.allow = json.dumps(trino_input("alice", "ExecuteQuery", query_id="load"))
        self.batch = json.dumps(trino_input("bob", "FilterCatalogs",
                                            filter_resources=[catalog("system"),
                                                              catalog("other")]))
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(threads)]
        for t in self.threads:
            t.start()

    def run(self):
        s = requests.Session()
        headers = {"Content-Type": "application/json"}
        n = 0
        while not self.stop_ev.is_set():
            path, body = (("/v1/data/trino/allow", self.allow) if n % 2 == 0
                          else ("/v1/data/trino/batch", self.batch))
            n += 1
            try:
                r = s.post(self.lw.url + path, data=body, headers=headers, timeout=10)
                good = r.status_code == 200 and "result" in r.json()
                why = f"{path}: {r.status_code} {r.text[:200]}"
            except (requests.RequestException, ValueError) as e:
                good, why = False, f"{path}: {e!r}"
            with self.mu:
                if good:
                    self.ok += 1
                else:
                    self.failures.append(why)

    def count(self):
        with self.mu:
            return self.ok

    def wait_for_progress(self, n=20, timeout=10):
        start, deadline = self.count(), time.time() + timeout
        while self.count() < start + n:
            assert time.time() < deadline, "the decision load made no progress"
            time.sleep(0.01)

    def finish(self):
        self.stop_ev.set()
        for t in self.threads:
            t.join(timeout=30)
        assert self.failures == [], self.failures[:5]
        assert self.ok > 0


def sql_process_pid(lw):
    """The SQL process: main's child started with the internal --pg-sql-process option."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read()
        except OSError:
            continue
        if ppid == lw.proc.pid and b"--pg-sql-process=" in cmd:
            return int(pid)
    return None


def answers_again(lw, timeout=10):
    """Seconds until a new session answers `select 1` (polling), or fails the test."""
    t0, deadline = time.time(), time.time() + timeout
    while True:
        try:
            raw = Raw(lw, timeout=2)
            raw.login()
            assert [t for t, _ in raw.query("select 1")] == [b"T", b"D", b"C", b"Z"]
            raw.close()
            return time.time() - t0
        except (OSError, AssertionError):
            assert time.time() < deadline, "the SQL face did not come back"
            time.sleep(0.005)


def metric_eventually(lw, name, want, timeout=10):
    deadline = time.time() + timeout
    while lw.metric(name) < want:
        assert time.time() < deadline, f"{name} stayed below {want}"
        time.sleep(0.02)


def is_debug_build(lw):
    """Whether lakeward.debug_crash exists (only with -DLW_DEBUG_BUILD), asked through the
    catalog so that the probe itself does not crash anything."""
    raw = Raw(lw)
    raw.login()
    msgs = raw.query("select count(*) from pg_catalog.pg_class where relname = 'debug_crash'")
    raw.close()
    assert [t for t, _ in msgs] == [b"T", b"D", b"C", b"Z"], msgs
    return msgs[1][1].endswith(b"1")


@pytest.fixture
def lw(lakeward_factory):
    return lakeward_factory({"LAKEWARD_DEBUG_CRASH": "1"})


def test_backend_crash_mid_query_costs_only_its_connection(lw):
    if not is_debug_build(lw):
        pytest.skip("release build: lakeward.debug_crash exists only with -DLW_DEBUG_BUILD "
                    "(the sanitizer build); run the ASan pass to cover this case")
    load = DecisionLoad(lw)
    other = Raw(lw)
    other.login()
    load.wait_for_progress()
    for _ in range(3):
        victim = Raw(lw)
        victim.login()
        victim.send(b"Q" + (len(b"select * from lakeward.debug_crash") + 5).to_bytes(4, "big")
                    + b"select * from lakeward.debug_crash\0")
        assert victim.closed()          # no ReadyForQuery: the backend died mid-query
        victim.close()
        assert answers_again(lw) < BACK_WITHIN_S
        # the session that was open all along goes on, and sees decisions made meanwhile
        msgs = other.query("select count(*) from lakeward.decisions where query_id = 'load'")
        assert [t for t, _ in msgs] == [b"T", b"D", b"C", b"Z"]
        load.wait_for_progress()
    metric_eventually(lw, "lakeward_pg_backend_crashes_total", 3)
    assert lw.metric("lakeward_pg_sql_process_restarts_total") == 0
    other.close()
    load.finish()
    assert "backend_crashed" in lw.log_text()


@pytest.mark.parametrize("sql", [
    "SELECT " + "+".join(["1"] * 70000),
    "SELECT 1::text",
], ids=["70000-term sum", "cast to text"])
def test_known_crash_inputs_under_load(lw, sql):
    load = DecisionLoad(lw)
    other = Raw(lw)
    other.login()
    load.wait_for_progress()
    raw = Raw(lw, timeout=60)
    raw.login()
    raw.send(b"Q" + (len(sql) + 5).to_bytes(4, "big") + sql.encode() + b"\0")
    # Either an answer (rows or an error, then ReadyForQuery) or, if the engine still
    # crashes on it, only this connection is lost.
    msgs = []
    while True:
        m = raw.read_msg()
        if m is None or m[0] == b"Z":
            break
        msgs.append(m)
    raw.close()
    assert answers_again(lw) < BACK_WITHIN_S
    assert [t for t, _ in other.query("select 1")] == [b"T", b"D", b"C", b"Z"]
    other.close()
    load.wait_for_progress()
    load.finish()
    assert lw.metric("lakeward_pg_sql_process_restarts_total") == 0


def test_kill_sql_process_under_load(lw):
    load = DecisionLoad(lw)
    load.wait_for_progress()
    before = Raw(lw)
    before.login()
    for round_ in range(3):
        pid = sql_process_pid(lw)
        assert pid, "no SQL process under main"
        os.kill(pid, signal.SIGKILL)
        took = answers_again(lw)
        assert took < BACK_WITHIN_S, f"SQL face back after {took:.3f}s"
        assert sql_process_pid(lw) not in (None, pid)
        load.wait_for_progress()
        if round_ == 0:
            # Sessions belong to the SQL process: they end with it (as under a postmaster).
            assert before.closed()
    metric_eventually(lw, "lakeward_pg_sql_process_restarts_total", 3)
    # The ring is main's: decisions made before and during the restarts are all visible.
    marker = "20260101_000000_00000_isolation"
    assert lw.allow("carol", "ExecuteQuery", query_id=marker) is True
    assert psql(lw, f"select user_name from lakeward.decisions where query_id = '{marker}'") \
        == ["carol"]
    n = int(psql(lw, "select count(*) from lakeward.decisions where query_id = 'load'")[0])
    assert n > 0
    load.finish()


def test_sql_process_exits_with_main(lakeward_factory):
    lw = lakeward_factory({})
    pid = sql_process_pid(lw)
    assert pid
    lw.proc.send_signal(signal.SIGKILL)
    lw.proc.wait()
    deadline = time.time() + 10
    while os.path.exists(f"/proc/{pid}"):
        with open(f"/proc/{pid}/stat") as f:
            if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                break           # exited; only waiting for a reaper
        assert time.time() < deadline, "the SQL process outlived main"
        time.sleep(0.02)
    lw.proc.returncode = 0      # killed on purpose: not a failure of the run


def nice_of(pid):
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[16])     # field 19: nice


def test_sql_side_runs_below_the_authorizer(lakeward_factory):
    """CPU a statement burns is taken at a lower priority than Trino's decisions: the SQL
    process and the backends it forks run at nice 10, main stays at its own."""
    lw = lakeward_factory({})
    pid = sql_process_pid(lw)
    assert pid
    main_nice = nice_of(lw.proc.pid)
    assert nice_of(pid) >= 10 and nice_of(pid) >= main_nice
    with psycopg.connect(host="127.0.0.1", port=lw.pg_port, user="alice", dbname="lakeward",
                         autocommit=True, prepare_threshold=None) as conn:
        backend = conn.execute("select pg_backend_pid()").fetchone()[0]
        assert backend not in (lw.proc.pid, pid)
        assert nice_of(backend) == nice_of(pid)
    assert nice_of(lw.proc.pid) == main_nice


# --- bounds ------------------------------------------------------------------------------

def test_startup_timeout_closes_silent_connection(lakeward_factory):
    lw = lakeward_factory({"LAKEWARD_PG_STARTUP_TIMEOUT_MS": "500"})
    s = socket.create_connection(("127.0.0.1", lw.pg_port), timeout=15)
    t0 = time.time()
    assert s.recv(100) == b""           # closed by the server, nothing sent
    assert time.time() - t0 >= 0.4
    s.close()
    assert "startup_timeout" in lw.log_text()
    assert psql(lw, "select 1") == ["1"]


def test_idle_timeout_ends_session_with_fatal(lakeward_factory):
    lw = lakeward_factory({}, config="pg_idle_timeout_ms = 1000;\n")
    raw = Raw(lw, timeout=15)
    raw.login()
    assert [t for t, _ in raw.query("select 1")] == [b"T", b"D", b"C", b"Z"]
    m = raw.read_msg()
    assert m[0] == b"E"
    f = error_fields(m[1])
    assert f["S"] == "FATAL" and f["C"] == "57P05", f
    assert raw.closed()


def test_per_address_limit_fatal_53300(lakeward_factory):
    lw = lakeward_factory({"LAKEWARD_PG_MAX_CONNECTIONS_PER_IP": "2"})
    a, b = Raw(lw), Raw(lw)
    a.login()
    b.login()
    c = Raw(lw)
    c.send(startup_packet())
    m = c.read_msg()
    f = error_fields(m[1])
    assert m[0] == b"E" and f["S"] == "FATAL" and f["C"] == "53300", f
    assert c.closed()
    r = psql(lw, "select 1", check=False)
    assert r.returncode != 0 and "too many clients" in r.stderr
    assert "too_many_connections_from_address" in lw.log_text()
    a.close()
    deadline = time.time() + 10
    while psql(lw, "select 1", check=False).returncode != 0:
        assert time.time() < deadline, "a freed slot was not reused"
        time.sleep(0.05)
    b.close()
    assert lw.metric("lakeward_pg_connections_refused_total") >= 2


def test_memory_budget_caps_backends(lakeward_factory):
    mib = 1 << 20
    lw = lakeward_factory({}, config=f"pg_backend_max_memory = {64 * mib};\n"
                                     f"pg_memory_budget = {128 * mib};\n")
    a, b = Raw(lw), Raw(lw)
    a.login()
    b.login()
    c = Raw(lw)
    c.send(startup_packet())
    m = c.read_msg()
    f = error_fields(m[1])
    assert m[0] == b"E" and f["S"] == "FATAL" and f["C"] == "53300", f
    assert c.closed()
    assert "reason=memory_budget" in lw.log_text()
    # The sessions inside the budget still work.
    assert [t for t, _ in a.query("select count(*) from lakeward.decisions")] == \
        [b"T", b"D", b"C", b"Z"]
    a.close()
    b.close()


def test_backend_memory_cap_fails_only_the_statement(lakeward_factory):
    """A statement needing ~100 MB under a 64 MiB per-backend cap (below the statement arena's
    own 256 MiB bound): in a release build the kernel cap refuses the memory and the engine
    answers an error; the session, other sessions and the decisions go on."""
    lw = lakeward_factory({"LAKEWARD_PG_BACKEND_MAX_MEMORY": str(64 << 20),
                           "LAKEWARD_DEBUG_CRASH": "1"})
    load = DecisionLoad(lw)
    other = Raw(lw)
    other.login()
    raw = Raw(lw, timeout=60)
    raw.login()
    msgs = raw.query("select count(*) from (select repeat('x', 1000) || g::text as s "
                     "from generate_series(1, 100000) g order by s) t")
    errors = [body for t, body in msgs if t == b"E"]
    assert len(errors) == 1 and msgs[-1] == (b"Z", b"I"), msgs
    f = error_fields(errors[0])
    if not is_debug_build(lw):      # sanitizer builds do not apply RLIMIT_DATA
        assert f["M"] == "out of memory", f
    assert [t for t, _ in raw.query("select 1")] == [b"T", b"D", b"C", b"Z"]
    assert [t for t, _ in other.query("select 1")] == [b"T", b"D", b"C", b"Z"]
    raw.close()
    other.close()
    load.wait_for_progress()
    load.finish()


def test_settings_are_validated(lakeward_factory, tmp_path):
    import subprocess
    from lakeward_proc import BUILD
    cfg = tmp_path / "bad.cfg"
    cfg.write_text("pg_startup_timeout_ms = 5;\n")
    r = subprocess.run([str(BUILD / "lakeward"), "--check-config", "--config", str(cfg)],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "pg_startup_timeout_ms" in r.stderr
    r = subprocess.run([str(BUILD / "lakeward"), "--pg-sql-process=1,2,3,x"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "internal" in r.stderr

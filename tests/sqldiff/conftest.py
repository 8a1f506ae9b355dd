"""Fixtures of the differential suite: the test stack's real PostgreSQL 15 (only the postgres
service is needed; an already running stack is reused) with a scratch database set up like
lakeward's session, and a fresh lakeward whose Postgres port is compared against it."""
import os
import pathlib
import subprocess
import sys
import time

import pytest
from psycopg import pq

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
REPO = pathlib.Path(__file__).resolve().parents[2]
STACK_DIR = pathlib.Path(os.environ.get("LW_TEST_STACK_DIR", REPO / "build" / "test-stack"))

SCRATCH_DB = "sqldiff"

# The scratch database mirrors what lakeward shows a session: a `lakeward` schema first on
# the search path, holding an (empty) decisions table with lakeward.decisions' columns, so
# current_schema() and the captured Grafana queries (run over lakeward.decisions) mean the
# same thing on both servers.
SCRATCH_SETUP = """
CREATE SCHEMA IF NOT EXISTS lakeward;
CREATE TABLE IF NOT EXISTS lakeward.decisions (
    "time" timestamptz, decision_id text, query_id text, user_name text, operation text,
    endpoint text, allowed boolean, items int4, allowed_items int4, lakekeeper_calls int4,
    cache_hits int4, latency_ms float8, record json);
"""
# Session settings of lakeward's Postgres face (server/pg_session.c ParameterStatus).
PG_OPTIONS = ("-c TimeZone=UTC -c DateStyle=ISO,MDY -c IntervalStyle=postgres "
              "-c extra_float_digits=1 -c search_path=lakeward -c statement_timeout=20s")


def _exec(conninfo, sql):
    conn = pq.PGconn.connect(conninfo.encode())
    try:
        if conn.status != pq.ConnStatus.OK:
            raise ConnectionError(str(conn.get_error_message()))
        res = conn.exec_(sql.encode())
        if res.status not in (pq.ExecStatus.COMMAND_OK, pq.ExecStatus.TUPLES_OK):
            raise RuntimeError(str(res.error_message))
        return [res.get_value(r, 0) for r in range(res.ntuples)] if res.nfields else []
    finally:
        conn.finish()


@pytest.fixture(scope="session")
def pg_conninfo():
    """libpq conninfo of the scratch database on the stack's PostgreSQL 15."""
    env = dict(os.environ, LW_STACK_DIR=str(STACK_DIR))
    subprocess.run([str(REPO / "tests/stack/start.sh"), "postgres"], check=True, env=env,
                   timeout=300)
    info = dict(l.split("=", 1) for l in (STACK_DIR / "stack.env").read_text().splitlines()
                if "=" in l and not l.startswith("#"))
    base = f"host={info['PG_HOST']} port={info['PG_PORT']} user={info['PG_USER']}"
    if not _exec(base + " dbname=postgres",
                 f"SELECT 1 FROM pg_database WHERE datname = '{SCRATCH_DB}'"):
        _exec(base + " dbname=postgres", f"CREATE DATABASE {SCRATCH_DB}")
    conninfo = f"{base} dbname={SCRATCH_DB} options='{PG_OPTIONS}'"
    _exec(conninfo, SCRATCH_SETUP)
    version = _exec(conninfo, "SHOW server_version_num")[0].decode()
    assert version.startswith("15"), f"the differential reference must be PostgreSQL 15, not {version}"
    yield conninfo
    if not os.environ.get("LW_TEST_STACK_KEEP"):
        subprocess.run([str(REPO / "tests/stack/stop.sh")], env=env, timeout=120)


def make_decisions(lw):
    """Four Trino decisions that need no Lakekeeper (default-access rules answer them), a
    few milliseconds apart so that ORDER BY time has no ties."""
    from lakeward_proc import catalog
    assert lw.allow("alice", "ExecuteQuery", query_id="20260101_104200_00001_abcde") is True
    time.sleep(0.01)
    assert lw.batch("bob", "FilterCatalogs", [catalog("system"), catalog("other")]) == [0]
    time.sleep(0.01)
    assert lw.batch("carol", "FilterCatalogs", [catalog("other")]) == []
    time.sleep(0.01)
    assert lw.allow("alice", "ExecuteQuery") is True


def mirror_decisions(lw_conninfo, pg_conninfo):
    """Copies lakeward.decisions, as lakeward's text output, into the scratch database's
    table, so queries over it compare real rows."""
    src = pq.PGconn.connect(lw_conninfo.encode())
    dst = pq.PGconn.connect(pg_conninfo.encode())
    try:
        res = src.exec_(b"SELECT * FROM lakeward.decisions")
        assert res.status == pq.ExecStatus.TUPLES_OK, str(res.error_message)
        assert res.nfields == 13, f"lakeward.decisions has {res.nfields} columns, not 13"
        assert dst.exec_(b"TRUNCATE lakeward.decisions").status == pq.ExecStatus.COMMAND_OK
        insert = ("INSERT INTO lakeward.decisions VALUES ("
                  + ", ".join(f"${i + 1}" for i in range(res.nfields)) + ")").encode()
        for r in range(res.ntuples):
            values = [res.get_value(r, i) for i in range(res.nfields)]
            ins = dst.exec_params(insert, values)
            assert ins.status == pq.ExecStatus.COMMAND_OK, str(ins.error_message)
        return res.ntuples
    finally:
        src.finish()
        dst.finish()


LAKEWARD_COLUMNS = (b"SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) "
                    b"FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                    b"ON n.oid = c.relnamespace JOIN pg_catalog.pg_attribute a "
                    b"ON a.attrelid = c.oid WHERE n.nspname = 'lakeward' AND a.attnum > 0 "
                    b"ORDER BY c.relname, a.attnum")


def mirror_tables(lw_conninfo, pg_conninfo):
    """Creates, empty, every other table lakeward shows in its `lakeward` schema in the scratch
    database, with the same columns and types as lakeward's own catalog describes them, so
    catalog queries (pg_class, \\dt, Grafana's table picker) list the same tables on both
    servers however many tables lakeward registers."""
    src = pq.PGconn.connect(lw_conninfo.encode())
    try:
        res = src.exec_(LAKEWARD_COLUMNS)
        assert res.status == pq.ExecStatus.TUPLES_OK, str(res.error_message)
        tables = {}
        for r in range(res.ntuples):
            rel, col, typ = (res.get_value(r, i).decode() for i in range(3))
            tables.setdefault(rel, []).append(f'"{col}" {typ}')
    finally:
        src.finish()
    tables.pop("decisions", None)          # created by SCRATCH_SETUP, holds the mirrored rows
    wanted = "".join(f'DROP TABLE IF EXISTS lakeward."{t}"; CREATE TABLE lakeward."{t}" '
                     f'({", ".join(cols)});' for t, cols in sorted(tables.items()))
    existing = _exec(pg_conninfo, "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class "
                                  "WHERE relnamespace = 'lakeward'::regnamespace AND relkind = 'r' "
                                  "AND relname <> 'decisions'")
    stale = [t for t in (existing[0] or b"").decode().split(",") if t and t not in tables]
    _exec(pg_conninfo, "".join(f'DROP TABLE lakeward."{t}";' for t in stale) + wanted + "SELECT 1")
    return sorted(tables)


class LakewardUnderTest:
    """The lakeward a differential run talks to: .lw (the process), .conninfo, and restart(),
    which starts a fresh one with the same decisions mirrored, so that one statement that
    kills the server shows up as one CRASH instead of taking every later statement with it
    (the dead process still fails the test when the fixture checks it)."""

    def __init__(self, factory, pg_conninfo):
        self.factory, self.pg_conninfo = factory, pg_conninfo
        self.restarts = 0
        self.started = []
        self.restart()

    def restart(self):
        self.lw = self.factory({})
        self.started.append(self.lw)
        make_decisions(self.lw)
        self.conninfo = (f"host=127.0.0.1 port={self.lw.pg_port} user=alice dbname=lakeward "
                         "connect_timeout=10")
        assert mirror_decisions(self.conninfo, self.pg_conninfo) == 4
        mirror_tables(self.conninfo, self.pg_conninfo)
        return self.conninfo

    def crashed(self):
        """After a lost connection or a hang: waits for a dying lakeward to exit (a
        sanitizer report takes a moment), stops one that still runs, starts a fresh one;
        returns the conninfo to use."""
        try:
            self.lw.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self.lw.stop()
        self.restarts += 1
        return self.restart()


@pytest.fixture
def lakeward_target(lakeward_factory, pg_conninfo):
    """A fresh lakeward (no Lakekeeper needed for SQL) holding a few decisions, the same rows
    copied into PostgreSQL's lakeward.decisions (a LakewardUnderTest)."""
    target = LakewardUnderTest(lakeward_factory, pg_conninfo)
    yield target
    # Stop every one started here first: the factory's check stops at the first lakeward
    # that died, and would leave the ones started after it running.
    for lw in target.started:
        lw.stop()

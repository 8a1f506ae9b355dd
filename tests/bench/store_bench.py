#!/usr/bin/env python3
"""tests/bench/store_bench.py -- the decision store part of `make bench` (issue 10); rewrites
the section "## Decision store (make bench)" of docs/benchmarks.md.

  1. Sustained rate: wrk posts one cached allow decision (no Lakekeeper call: ExecuteQuery)
     over 20 keep-alive connections for LW_BENCH_DURATION seconds to lakeward without a store,
     then to lakeward with a store on the test stack's PostgreSQL (a fresh database), rounds
     alternating. With the store every decision is also queued and written by COPY; the section
     gives decisions/s and latency of both, and the rate the store wrote (written_total over the
     run, and whether anything was dropped).
  2. Grafana's panels over LW_BENCH_STORE_ROWS stored decisions (default 1,000,000) spread over
     24 hours, for the dashboard's one-hour window ending now: each panel's SQL with Grafana's
     macros expanded (as tests/helm/test_dashboard.py does), sent by one psycopg client with the
     simple protocol to lakeward's Postgres face; median of LW_BENCH_STORE_RUNS runs. The time
     filter is pushed into the query PostgreSQL runs (an index range scan), so lakeward's engine
     only sees the window's rows.

Never asserts on speed; fails only when something does not work. Usage:
  store_bench.py --build DIR --stack-dir DIR
Knobs: LW_BENCH_DURATION (s per wrk run, default 8), LW_BENCH_ROUNDS (default 2),
LW_BENCH_STORE_ROWS, LW_BENCH_STORE_RUNS (default 5), LW_BENCH_NO_DOC=1.
"""
import argparse
import datetime
import json
import os
import pathlib
import platform
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid

import psycopg

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "helm"))
sys.path.insert(0, str(REPO / "tests"))
from test_dashboard import expand, panels  # noqa: E402  (the tested macro expansion)

import bench_doc

SECTION = "## Decision store (make bench)"


def log(msg):
    print(f"store_bench: {msg}", file=sys.stderr, flush=True)


def die(msg):
    log(msg)
    sys.exit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_env(path):
    env = {}
    for line in pathlib.Path(path).read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            k, v = line.split("=", 1)
            env[k.strip()] = v.strip()
    return env


class Lakeward:
    def __init__(self, build, workdir, extra):
        self.port, self.pg_port = free_port(), free_port()
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("LAKEKEEPER_", "TRINO_", "LAKEWARD_"))}
        # bench reads every user's decisions: non-admins see only their own Trino user's
        env.update({"LAKEWARD_LOG_LEVEL": "warn", "LAKEWARD_PG_ADMINS": "bench", **extra})
        self.log = open(workdir / f"lakeward-{self.port}.log", "wb")
        self.proc = subprocess.Popen([str(build / "lakeward"), "--http-listen", f"127.0.0.1:{self.port}",
                                      "--pg-listen", f"127.0.0.1:{self.pg_port}"], env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                if self.proc.poll() is not None or time.time() > deadline:
                    die(f"lakeward did not start (see {self.log.name})")
                time.sleep(0.05)

    def metric(self, name):
        text = urllib.request.urlopen(f"http://127.0.0.1:{self.port}/metrics", timeout=10).read().decode()
        m = re.search(rf"^{name} (\S+)$", text, re.M)
        return float(m[1]) if m else 0.0

    def stop(self):
        self.proc.terminate()
        if self.proc.wait(timeout=30) != 0:
            die(f"lakeward exited {self.proc.returncode} (see {self.log.name})")
        self.log.close()


def wrk(lw, body_file, duration):
    r = subprocess.run(["wrk", "-t2", "-c20", f"-d{duration}s", "--latency", "-s",
                        str(REPO / "tests/bench/post.lua"), f"http://127.0.0.1:{lw.port}/v1/data/trino/allow"],
                       env=dict(os.environ, LW_BENCH_BODY=str(body_file)), capture_output=True,
                       text=True, timeout=duration + 60)
    m = re.search(r"LWBENCH (.*)", r.stdout)
    if r.returncode != 0 or not m:
        die(f"wrk failed: {r.stdout[-500:]} {r.stderr[-500:]}")
    res = dict(kv.split("=") for kv in m[1].split())
    if int(res["non200"]) or int(res["sock_errors"]):
        die(f"wrk saw errors: {res}")
    return {k: float(v) for k, v in res.items()}


def sustained(build, work, dsn, duration, rounds):
    body = work / "allow.json"
    body.write_text(json.dumps({"input": {"context": {"identity": {"user": "bench", "groups": []},
                                                      "softwareStack": {"trinoVersion": "455"}},
                                          "action": {"operation": "ExecuteQuery"}}}))
    plain = Lakeward(build, work, {})
    store = Lakeward(build, work, {"LAKEWARD_DECISION_STORE_DSN": dsn})
    res = {"plain": [], "store": []}
    written0 = store.metric("lakeward_decision_store_written_total")
    try:
        wrk(plain, body, 2)
        wrk(store, body, 2)      # warm-up (and the store's schema)
        for _ in range(rounds):
            res["plain"].append(wrk(plain, body, duration))
            w0, t0 = store.metric("lakeward_decision_store_written_total"), time.time()
            r = wrk(store, body, duration)
            # What the store wrote during the run, and until the queue drained after it.
            deadline = time.time() + 120
            while store.metric("lakeward_decision_store_queue") > 0 and time.time() < deadline:
                time.sleep(0.1)
            r["drain_s"] = time.time() - t0 - duration
            r["written"] = store.metric("lakeward_decision_store_written_total") - w0
            res["store"].append(r)
        dropped = store.metric("lakeward_decision_store_dropped_total")
        total_written = store.metric("lakeward_decision_store_written_total") - written0
    finally:
        plain.stop()
        store.stop()
    return res, dropped, total_written


def fill(dsn, rows):
    """rows decisions over the last 24 hours, shaped like real ones (users, operations,
    denials, latencies, a resource in the record), then ANALYZE."""
    with psycopg.connect(dsn, autocommit=True) as c:
        c.execute("""
            INSERT INTO lakeward_decisions (time, replica, decision_id, query_id, user_name,
                operation, endpoint, allowed, items, allowed_items, lakekeeper_calls, cache_hits,
                latency_ms, record)
            SELECT now() - (i::float8 / %(n)s) * interval '24 hours', 'bench-' || (i %% 2),
                md5(i::text), 'q' || (i / 7), 'user' || (i %% 50),
                (ARRAY['SelectFromColumns','ExecuteQuery','AccessCatalog','FilterTables'])[1 + i %% 4],
                CASE WHEN i %% 4 = 3 THEN 'batch' ELSE 'allow' END, i %% 9 <> 0, 1 + i %% 3,
                i %% 3, i %% 2, (i + 1) %% 2, 0.05 + (i %% 1000) / 100.0,
                json_build_object('resources', json_build_array(json_build_object('table',
                    json_build_object('catalogName', 'lakekeeper', 'schemaName', 'finance',
                                      'tableName', 't' || (i %% 20), 'columns', json_build_array('a')))))
            FROM generate_series(0, %(n)s - 1) i""", {"n": rows})
        c.execute("ANALYZE lakeward_decisions")
        in_hour = c.execute("SELECT count(*) FROM lakeward_decisions WHERE time > now() - interval '1 hour'").fetchone()[0]
    return in_hour


def panels_timing(build, work, dsn, runs):
    lw = Lakeward(build, work, {"LAKEWARD_DECISION_STORE_DSN": dsn})
    out = []
    try:
        with psycopg.connect(host="127.0.0.1", port=lw.pg_port, user="bench", dbname="lakeward",
                             autocommit=True) as c:
            for title, _, sql in panels():
                times, nrows = [], 0
                for k in range(runs + 1):
                    now = datetime.datetime.now(datetime.timezone.utc)
                    q = expand(sql, now - datetime.timedelta(hours=1), now)
                    t0 = time.perf_counter()
                    nrows = len(c.execute(q.encode()).fetchall())   # simple protocol (bytes, no params)
                    if k:
                        times.append(time.perf_counter() - t0)
                out.append((title, statistics.median(times) * 1000, min(times) * 1000, nrows))
                log(f"{title}: median {out[-1][1]:.0f} ms, {nrows} rows")
    finally:
        lw.stop()
    return out


def write_section(text_):
    bench_doc.write_section(SECTION, text_, log)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--stack-dir", required=True)
    a = ap.parse_args()
    build = (REPO / a.build).resolve()
    stack = read_env(pathlib.Path(a.stack_dir) / "stack.env")
    work = build / "bench" / "store"
    work.mkdir(parents=True, exist_ok=True)
    duration = int(os.environ.get("LW_BENCH_DURATION", "8"))
    rounds = int(os.environ.get("LW_BENCH_ROUNDS", "2"))
    rows = int(os.environ.get("LW_BENCH_STORE_ROWS", "1000000"))
    load_before = os.getloadavg()
    runs = int(os.environ.get("LW_BENCH_STORE_RUNS", "5"))
    base = f"postgresql://{stack['PG_USER']}@{stack['PG_HOST']}:{stack['PG_PORT']}"
    dbs = []

    def new_db():
        name = "lw_bench_" + uuid.uuid4().hex[:10]
        with psycopg.connect(base + "/postgres", autocommit=True) as c:
            c.execute(f"CREATE DATABASE {name}")
        dbs.append(name)
        return f"{base}/{name}"
    try:
        log(f"sustained rate: {rounds} rounds of {duration} s, without and with the store")
        res, dropped, written = sustained(build, work, new_db(), duration, rounds)
        dsn = new_db()
        # The schema comes from lakeward itself (a short start), then the rows.
        probe = Lakeward(build, work, {"LAKEWARD_DECISION_STORE_DSN": dsn})
        deadline = time.time() + 30
        while probe.metric("lakeward_decision_store_up") < 1:
            if time.time() > deadline:
                die("the store never came up")
            time.sleep(0.1)
        probe.stop()
        log(f"filling {rows} decisions over 24 h")
        t0 = time.time()
        in_hour = fill(dsn, rows)
        fill_s = time.time() - t0
        timings = panels_timing(build, work, dsn, runs)
    finally:
        with psycopg.connect(base + "/postgres", autocommit=True) as c:
            for name in dbs:
                c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    load_after = os.getloadavg()

    def med(rs, k):
        return statistics.median(r[k] for r in rs)
    p, s = res["plain"], res["store"]
    store_rate = statistics.median(r["written"] / (duration + r["drain_s"]) for r in s)
    date = datetime.date.today().isoformat()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                            text=True).stdout.strip()
    lines = [SECTION, "",
             f"Measured {date} on {commit}, {os.cpu_count()} CPUs ({platform.machine()}), other "
             "sessions sharing the machine (load average "
             f"{' '.join(f'{x:.2f}' for x in load_before)} before, "
             f"{' '.join(f'{x:.2f}' for x in load_after)} after); `tests/bench/run.sh store` "
             "(tests/bench/store_bench.py) reproduces it. Aims (issue 10): the store sustains at "
             "least 20,000 decisions/s while decisions keep their latency; Grafana's heaviest "
             "panel over one million stored "
             "decisions, one-hour window, under 200 ms.", "",
             "### Sustained decision rate with the store", "",
             f"wrk, 20 connections, one cached `ExecuteQuery` allow, {rounds} alternating rounds of "
             f"{duration} s; lakeward and PostgreSQL 15 (the test stack's, fsync off) on the same "
             "machine. Medians of the rounds.", "",
             "| | decisions/s | p50 ms | p99 ms |", "|---|---|---|---|",
             f"| without a store | {med(p, 'rps'):,.0f} | {med(p, 'p50_us') / 1000:.2f} | {med(p, 'p99_us') / 1000:.2f} |",
             f"| with the store | {med(s, 'rps'):,.0f} | {med(s, 'p50_us') / 1000:.2f} | {med(s, 'p99_us') / 1000:.2f} |",
             "",
             f"The store wrote {store_rate:,.0f} records/s (written over run + drain; the queue "
             f"drained {med(s, 'drain_s'):.1f} s after the load stopped); {written:,.0f} records "
             f"written in all, {dropped:,.0f} dropped (queue bound 100,000)." +
             (" The writer fell behind the offered rate: the queue filled and the excess was "
              "dropped and counted, as designed (a decision never waits for the store)."
              if dropped else ""), "",
             f"### Grafana's panels over {rows:,} stored decisions", "",
             f"{rows:,} decisions spread over 24 h ({in_hour:,} in the last hour; filled in "
             f"{fill_s:.0f} s), each panel's SQL with Grafana's macros for the last hour, simple "
             f"protocol, median (min) of {runs} runs, through lakeward's Postgres face with the "
             "time filter pushed down to PostgreSQL.", "",
             "| panel | median ms | min ms | rows |", "|---|---|---|---|"]
    lines += [f"| {t} | {m:.0f} | {mn:.0f} | {n} |" for t, m, mn, n in timings]
    lines += ["", "With the store each decision also costs a queue copy here and a COPY row in "
              "PostgreSQL, both on the same two cores as lakeward and the load generator (p99 "
              f"{med(p, 'p99_us') / 1000:.2f} ms without the store, "
              f"{med(s, 'p99_us') / 1000:.2f} ms with it, in this run)."]
    slow = [(t, m) for t, m, _, _ in timings if m > 200]
    if slow:
        lines += ["", "Over the 200 ms aim: " + ", ".join(f"{t} ({m:.0f} ms)" for t, m in slow) +
                  ". The rows reach lakeward already cut to the hour by PostgreSQL (the pushed-down "
                  "time range), with only the columns the panel reads; what remains is lakeward's "
                  "engine grouping and aggregating them (the percentile panel sorts each minute's "
                  "latencies once per percentile)."]
    text_ = "\n".join(lines) + "\n"
    print(text_)
    if not os.environ.get("LW_BENCH_NO_DOC"):
        write_section(text_)


if __name__ == "__main__":
    main()

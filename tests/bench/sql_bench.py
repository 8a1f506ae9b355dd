#!/usr/bin/env python3
"""tests/bench/sql_bench.py -- the SQL engine benchmark of `make bench` (issue 7): scan, filter,
group, sort and joins over lakeward.decisions holding LW_BENCH_SQL_ROWS real decisions, in the
same run as the test stack's PostgreSQL 15 answering the same statements over a real table
holding the same rows; rewrites the section "## SQL engine (make bench)" of
docs/benchmarks.md.

  1. lakeward (the build's binary) with its decision ring sized for the rows through the
     documented settings (`decision_log_ring` in a config file, LAKEWARD_DECISION_LOG_MAX_BYTES);
  2. the ring filled by posting real Trino requests to /v1/data/trino/allow and /batch, of
     kinds that need no Lakekeeper (unmanaged catalogs with TRINO_ALLOW_UNMANAGED_CATALOGS,
     the system catalog, ExecuteQuery), over varied users and operations;
  3. the rows copied as lakeward's text output into PostgreSQL (SELECT over lakeward's
     Postgres face, COPY into a table created by the differential suite's own definition of
     lakeward.decisions, tests/sqldiff/conftest.py), then VACUUM ANALYZE;
  4. each statement sent with the simple protocol by one libpq client (psycopg's pq layer) to
     lakeward, to PostgreSQL and to PostgreSQL without parallel workers, rotating, after a
     warm-up; median wall time of LW_BENCH_SQL_RUNS runs, from sending the query to the last
     row received; lakeward's and PostgreSQL's answers compared.

Like tests/bench/run.sh it never asserts on speed: it fails only when something does not work
(lakeward or PostgreSQL down, the ring not filled, the copy incomplete). A statement lakeward
rejects is reported with its SQLSTATE in the table, not hidden.

Usage: sql_bench.py --build DIR --stack-dir DIR [--own-stack]. --own-stack starts the stack's
postgres service when it is not running and stops it at the end (tests/bench/run.sh sql);
without it the caller's running stack is used (the full `make bench`).
Knobs (environment): LW_BENCH_SQL_ROWS (default 100000), LW_BENCH_SQL_RUNS (default 9),
LW_BENCH_NO_DOC=1 (print the section, leave docs/benchmarks.md alone).
"""
import argparse
import datetime
import http.client
import importlib.util
import json
import os
import pathlib
import platform
import random
import statistics
import subprocess
import sys
import threading
import time

import bench_doc

REPO = pathlib.Path(__file__).resolve().parents[2]
SECTION = "## SQL engine (make bench)"
TABLE = "lakeward.decisions"          # the same name on both servers: identical statement text
POST_THREADS = 4                      # concurrent keep-alive connections filling the ring
USERS = 40
WAREHOUSE_CATALOGS = ("hive", "postgresql", "kafka")   # unmanaged: answered without Lakekeeper

QUERY_ID = "20261128_000000_{:06d}_bench"      # the i-th posted request's query id
FIRST_1000 = QUERY_ID.format(1000)              # query_id < this: the first 1,000 requests
COPY_SLICE = 20000                              # requests per SELECT of the copy

# The statements: (name, what it exercises, SQL). Same text on both servers.
QUERIES = [
    ("count", "count(*) full scan",
     f"SELECT count(*) FROM {TABLE}"),
    ("filter", "selective filter (one user, one operation)",
     f"SELECT decision_id, latency_ms FROM {TABLE} "
     "WHERE user_name = 'user-07' AND operation = 'FilterCatalogs'"),
    ("group", "GROUP BY user, operation with count/avg",
     f"SELECT user_name, operation, count(*), avg(latency_ms) FROM {TABLE} "
     "GROUP BY user_name, operation ORDER BY user_name, operation"),
    ("top10", "ORDER BY a column LIMIT 10",
     f"SELECT decision_id, query_id FROM {TABLE} ORDER BY query_id DESC LIMIT 10"),
    ("sort", "full sort, every row returned",
     f"SELECT decision_id, user_name, query_id FROM {TABLE} ORDER BY user_name, query_id"),
    ("join_values", "join with a VALUES list, grouped",
     f"SELECT v.team, count(*) FROM {TABLE} d JOIN (VALUES "
     + ", ".join(f"('user-{u:02d}', 'team-{u % 4}')" for u in range(0, USERS, 3))
     + ") AS v(u, team) ON d.user_name = v.u GROUP BY v.team ORDER BY v.team"),
    ("self_join", "second scan of itself joined on a key",
     f"SELECT count(*) FROM {TABLE} a JOIN {TABLE} b ON a.query_id = b.query_id "
     "WHERE a.operation = 'ExecuteQuery'"),
    # The same key join written the other common way, over the first 1,000 decisions a side
    # (query ids are numbered in posting order; each side filtered in its own subquery, since
    # a filter over the whole comma join is applied after the cross product today): whether a
    # WHERE equality between two FROM items is planned like an ON one.
    ("comma_join", "comma join, key equality in WHERE, 1,000 rows a side",
     f"SELECT count(*) FROM (SELECT query_id FROM {TABLE} WHERE query_id < '{FIRST_1000}') a, "
     f"(SELECT query_id FROM {TABLE} WHERE query_id < '{FIRST_1000}') b "
     "WHERE a.query_id = b.query_id"),
]


def log(msg):
    print(time.strftime("%H:%M:%S") + " [sql-bench] " + msg, file=sys.stderr, flush=True)


def die(msg):
    log("ERROR: " + msg)
    sys.exit(1)


def load_module(name, path):
    """Imports a helper of another test directory by path (so tests/conftest.py and
    tests/sqldiff/conftest.py cannot shadow each other)."""
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# ---- stack ------------------------------------------------------------------------------
def stack_info(stack_dir):
    env_file = stack_dir / "stack.env"
    if not env_file.is_file():
        return {}
    return dict(l.split("=", 1) for l in env_file.read_text().splitlines()
                if "=" in l and not l.startswith("#"))


def postgres_running(stack_dir):
    pid_file = stack_dir / "postgres" / "pid"
    try:
        os.kill(int(pid_file.read_text()), 0)
        return True
    except (OSError, ValueError):
        return False


def stack_cmd(stack_dir, script, *args):
    env = dict(os.environ, LW_STACK_DIR=str(stack_dir))
    subprocess.run([str(REPO / "tests" / "stack" / script), *args], check=True, env=env,
                   timeout=300, stdout=sys.stderr)


# ---- filling the ring -----------------------------------------------------------------
def request_bodies(n, lp):
    """n Trino requests, deterministic: (path, JSON body). Kinds that lakeward answers by
    its rules alone; each has its own query id so no two bodies are equal."""
    rng = random.Random(7)
    kinds = [
        ("allow", "ExecuteQuery", lambda r: {}),
        ("allow", "AccessCatalog", lambda r: {"resource": lp.catalog(r.choice(WAREHOUSE_CATALOGS + ("system",)))}),
        ("allow", "ShowSchemas", lambda r: {"resource": lp.catalog(r.choice(WAREHOUSE_CATALOGS))}),
        ("allow", "SelectFromColumns",
         lambda r: {"resource": lp.table(r.choice(WAREHOUSE_CATALOGS), f"s{r.randrange(10)}",
                                         f"t{r.randrange(100)}", columns=["a", "b"])}),
        ("allow", "SelectFromColumns",
         lambda r: {"resource": lp.table("system", "runtime", "nodes", columns=["node_id"])}),
        ("batch", "FilterCatalogs",
         lambda r: {"filter_resources": [lp.catalog(c) for c in ("system",) + WAREHOUSE_CATALOGS]}),
        ("batch", "FilterTables",
         lambda r: {"filter_resources": [lp.table(r.choice(WAREHOUSE_CATALOGS), "s1", f"t{k}")
                                         for k in range(r.randrange(1, 8))]}),
    ]
    out = []
    for i in range(n):
        endpoint, op, extra = kinds[rng.randrange(len(kinds))]
        user = f"user-{rng.randrange(USERS):02d}"
        body = lp.trino_input(user, op, query_id=QUERY_ID.format(i), **extra(rng))
        out.append((f"/v1/data/trino/{endpoint}", json.dumps(body).encode()))
    return out


def post_all(port, bodies):
    """Posts every body over POST_THREADS keep-alive connections; each answer must be a
    200 JSON decision."""
    errors = []

    def worker(part):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            for path, body in part:
                conn.request("POST", path, body, {"Content-Type": "application/json"})
                r = conn.getresponse()
                data = r.read()
                if r.status != 200 or b'"result"' not in data:
                    errors.append(f"{path}: {r.status} {data[:200]!r}")
                    return
        except OSError as e:
            errors.append(str(e))
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(bodies[k::POST_THREADS],))
               for k in range(POST_THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        die("posting decisions failed: " + errors[0])


# ---- SQL ------------------------------------------------------------------------------
def connect(pq, conninfo):
    conn = pq.PGconn.connect(conninfo.encode())
    if conn.status != pq.ConnStatus.OK:
        die(f"cannot connect ({conninfo}): {conn.get_error_message()!r}")
    return conn


def text(v):
    return v.decode(errors="replace") if isinstance(v, bytes) else v


def run_sql(pq, conn, sql):
    """One simple-protocol Query. Returns (seconds, result): the time from sending it to the
    whole result being received (libpq reads every row before exec_ returns)."""
    t0 = time.perf_counter()
    res = conn.exec_(sql.encode())
    return time.perf_counter() - t0, res


def rows_of(res):
    return [tuple(text(res.get_value(r, c)) for c in range(res.nfields))
            for r in range(res.ntuples)]


def scalar(pq, conn, sql):
    _, res = run_sql(pq, conn, sql)
    if res.status != pq.ExecStatus.TUPLES_OK:
        die(f"{sql}: {text(res.error_message)}")
    return text(res.get_value(0, 0))


def copy_rows(pq, src, dst, n_posted):
    """SELECT * from lakeward's table, COPY into PostgreSQL's: lakeward's text output of
    each value becomes PostgreSQL's input, as in the differential suite's mirror. Read in
    slices of COPY_SLICE requests by query id (plus the rows without one, none expected), so
    no single result approaches lakeward's per-backend memory bound."""
    esc = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
    _, r = run_sql(pq, dst, f"TRUNCATE {TABLE}")
    if r.status != pq.ExecStatus.COMMAND_OK:
        die("TRUNCATE: " + text(r.error_message))
    _, r = run_sql(pq, dst, f"COPY {TABLE} FROM STDIN")
    if r.status != pq.ExecStatus.COPY_IN:
        die("COPY: " + text(r.error_message))
    slices = [f"query_id >= '{QUERY_ID.format(lo)}' AND query_id < '{QUERY_ID.format(lo + COPY_SLICE)}'"
              for lo in range(0, n_posted, COPY_SLICE)]
    total = 0
    for where in slices + ["query_id IS NULL"]:
        _, res = run_sql(pq, src, f"SELECT * FROM {TABLE} WHERE {where}")
        if res.status != pq.ExecStatus.TUPLES_OK:
            die("SELECT * from lakeward: " + text(res.error_message))
        lines = ["\t".join("\\N" if v is None else text(v).translate(esc)
                           for v in (res.get_value(row, c) for c in range(res.nfields)))
                 for row in range(res.ntuples)]
        if lines:
            dst.put_copy_data(("\n".join(lines) + "\n").encode())
        total += res.ntuples
    dst.put_copy_end()
    r = dst.get_result()
    if r.status != pq.ExecStatus.COMMAND_OK:
        die("COPY: " + text(r.error_message))
    while dst.get_result() is not None:
        pass
    return total


def same_cell(x, y):
    """Equal text, or two floats equal to 1e-9 relative (avg() of floats may differ in the
    last digit with the summation order)."""
    if x == y:
        return True
    try:
        fx, fy = float(x), float(y)
    except (TypeError, ValueError):
        return False
    return abs(fx - fy) <= 1e-9 * max(1.0, abs(fy))


def same_answer(a, b, ordered):
    if a is None or b is None or len(a) != len(b):
        return False
    if not ordered:
        a, b = sorted(a, key=repr), sorted(b, key=repr)
    return all(len(x) == len(y) and all(map(same_cell, x, y)) for x, y in zip(a, b))


def measure(pq, targets, runs):
    """Per statement: one warm-up on each target, then `runs` runs rotating which target goes
    first; per target the median, the fastest run and the last answer (or the error)."""
    names = list(targets)
    results = []
    for name, what, sql in QUERIES:
        times = {who: [] for who in names}
        answers = {}
        for k in range(runs + 1):
            for j in range(len(names)):
                who = names[(k + j) % len(names)]
                sec, res = run_sql(pq, targets[who], sql)
                if k:
                    times[who].append(sec)
                if k == runs:
                    answers[who] = res
        entry = {"name": name, "what": what, "sql": sql}
        for who in names:
            res = answers[who]
            if res.status == pq.ExecStatus.TUPLES_OK:
                entry[who] = {"median_ms": statistics.median(times[who]) * 1000,
                              "min_ms": min(times[who]) * 1000, "rows": res.ntuples,
                              "answer": rows_of(res)}
            else:
                entry[who] = {"error": f"{text(res.error_field(pq.DiagnosticField.SQLSTATE))} "
                                       f"{text(res.error_message).strip()}"}
        entry["same"] = same_answer(entry["lw"].get("answer"), entry["pg"].get("answer"),
                                    "ORDER BY" in sql)
        _, plan = run_sql(pq, targets["pg"], "EXPLAIN (COSTS OFF) " + sql)
        entry["pg_plan"] = [r[0] for r in rows_of(plan)] if plan.status == pq.ExecStatus.TUPLES_OK else []
        results.append(entry)
        log(f"  {name:12s} " + "  ".join(
            f"{who} {fmt_ms(entry[who]['median_ms']) if 'median_ms' in entry[who] else entry[who]['error']}"
            for who in names) + f"  same answer: {entry['same']}")
    return results


# ---- report ------------------------------------------------------------------------------
def fmt_ms(v):
    return f"{v:.1f}" if v >= 10 else f"{v:.2f}"


def cell_ms(m):
    return f"{fmt_ms(m['median_ms'])} ms" if "median_ms" in m else f"error {m['error'][:5]}"


def cell_ratio(a, b):
    return f"{a['median_ms'] / b['median_ms']:.2f}x" if "median_ms" in a and "median_ms" in b else "–"


def md_code(s):
    return "`" + s.replace("|", "\\|") + "`"


def section_text(ctx, results):
    lines = [
        SECTION, "",
        f"Measured on {ctx['date']} by `tests/bench/run.sh sql` (`make bench` runs it too; "
        "tests/bench/sql_bench.py, which rewrites this section). "
        f"lakeward {ctx['rev']}, PostgreSQL {ctx['pg_version']}; {ctx['ncpu']} CPUs "
        f"({ctx['cpu']}), shared by both servers and the client, none pinned. Load average "
        f"{ctx['load_start']} before the measurements, {ctx['load_end']} after (other work "
        "on the machine makes single runs noisy; the median of alternating runs is the "
        "steadier number).", "",
        f"The table: `lakeward.decisions` holding **{ctx['rows']:,} rows**, the whole ring "
        f"(`decision_log_ring = {ctx['ring']}` in a config file, "
        f"`LAKEWARD_DECISION_LOG_MAX_BYTES={ctx['log_bytes']}`), filled by posting "
        f"{ctx['posted']:,} real Trino requests to `/v1/data/trino/allow` and `/batch` "
        f"({POST_THREADS} keep-alive connections, {ctx['post_s']:.1f} s) of kinds lakeward "
        "answers by its rules alone (ExecuteQuery, AccessCatalog, ShowSchemas, "
        "SelectFromColumns and FilterCatalogs/FilterTables over the system catalog and "
        "unmanaged catalogs with `TRINO_ALLOW_UNMANAGED_CATALOGS=true`), "
        f"{ctx['users']} users, {ctx['ops']} operations, a distinct query id each. "
        f"The same rows were copied into PostgreSQL ({ctx['copy_s']:.1f} s: `SELECT *` over "
        "lakeward's Postgres face, `COPY ... FROM STDIN` into a plain heap table with "
        "lakeward.decisions' columns and no index, then `VACUUM ANALYZE`; "
        f"{ctx['pg_size']} on disk). "
        f"PostgreSQL's settings: the test stack's (shared_buffers {ctx['pg_sb']}, "
        f"work_mem {ctx['pg_wm']}, max_parallel_workers_per_gather {ctx['pg_par']}).", "",
        f"Each statement went to both servers with the simple protocol from one libpq client "
        f"(psycopg's pq layer, text results), one warm-up each and then {ctx['runs']} runs "
        "rotating which of the three sessions goes first; time is from sending the query to the last row "
        "received, so both include encoding and sending every result row. Ratio: lakeward's "
        "median over PostgreSQL's (below 1: lakeward faster; the aim of issue 7 is at most 1). "
        "\"same answer\": both returned the same rows (in order where ORDER BY fixes it). "
        "\"parallel plan\": PostgreSQL's plan had a Gather (parallel workers); the next column "
        "is a second session with `max_parallel_workers_per_gather = 0`, measured in the same "
        "rotation. PostgreSQL's table (well under its shared_buffers) and lakeward's ring are "
        "both in memory after the warm-up; neither has an index.", "",
        "| query | lakeward median | PostgreSQL median | ratio | PostgreSQL, no parallel workers | "
        "ratio to it | rows | same answer |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for e in results:
        lw, pg, pg1 = e["lw"], e["pg"], e["pg1"]
        rows = pg.get("rows", lw.get("rows"))
        rows_s = "–" if rows is None else f"{rows:,}"
        par = " (parallel plan)" if any("Gather" in l for l in e["pg_plan"]) else ""
        lines.append(f"| {e['what']} | {cell_ms(lw)} | {cell_ms(pg)}{par} | "
                     f"**{cell_ratio(lw, pg)}** | {cell_ms(pg1)} | {cell_ratio(lw, pg1)} | "
                     f"{rows_s} | {'yes' if e['same'] else 'NO'} |")
    lines += ["", "The statements (identical text on both servers):", ""]
    for e in results:
        sql = e["sql"]
        if "(VALUES " in sql and len(sql) > 220:     # the VALUES list, shortened
            sql = sql[:200] + " ... " + sql[sql.index(") AS v"):]
        lines.append(f"- {e['what']}: {md_code(sql)}")
    errs = [e for e in results if "error" in e["lw"] or "error" in e["pg"]]
    for e in errs:
        for who, label in (("lw", "lakeward"), ("pg", "PostgreSQL")):
            if "error" in e[who]:
                lines.append(f"- {label} answered {e['name']} with: {md_code(e[who]['error'][:200])}")
    lines += ["", ctx["summary"]]
    return "\n".join(lines) + "\n"


def verdict(results):
    both = [e for e in results if "median_ms" in e["lw"] and "median_ms" in e["pg"]]
    slower = [e["name"] for e in both if e["lw"]["median_ms"] > e["pg"]["median_ms"]]
    failed = [e["name"] for e in results if e not in both]
    if not slower and not failed:
        return "Against the aim: lakeward was no slower than PostgreSQL on every statement."
    parts = []
    if slower:
        parts.append("lakeward was slower than PostgreSQL on " + ", ".join(slower)
                     + " (ratios above); the aim of issue 7 is not met there")
    if failed:
        parts.append("not measured on both: " + ", ".join(failed))
    return "Against the aim: " + "; ".join(parts) + "."


def write_section(text_):
    bench_doc.write_section(SECTION, text_, log)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--stack-dir", default=None)
    ap.add_argument("--own-stack", action="store_true")
    args = ap.parse_args()
    build = (REPO / args.build).resolve()
    stack_dir = (REPO / (args.stack_dir or f"{args.build}/bench-stack")).resolve()
    n_rows = int(os.environ.get("LW_BENCH_SQL_ROWS", "100000"))
    runs = int(os.environ.get("LW_BENCH_SQL_RUNS", "9"))
    if not 1000 <= n_rows <= 999999 or runs < 1:     # query ids have six digits
        die("LW_BENCH_SQL_ROWS must be 1000 to 999999 and LW_BENCH_SQL_RUNS >= 1")
    out = build / "bench" / "sql"
    out.mkdir(parents=True, exist_ok=True)

    os.environ["LW_BUILD"] = str(build)
    sys.path.insert(0, str(REPO / "tests"))
    lp = load_module("lakeward_proc", REPO / "tests" / "lakeward_proc.py")
    sqldiff = load_module("sqldiff_conftest", REPO / "tests" / "sqldiff" / "conftest.py")
    from psycopg import pq

    log(f"building lakeward in {args.build}")
    subprocess.run(["make", "-s", "-j2", f"BUILD={args.build}", f"{args.build}/lakeward"],
                   cwd=REPO, check=True, stdout=sys.stderr)

    started = False
    if not postgres_running(stack_dir):
        if not args.own_stack:
            die(f"no postgres running in {stack_dir} (use --own-stack)")
        log(f"starting the stack's postgres in {stack_dir}")
        stack_cmd(stack_dir, "start.sh", "postgres")
        started = True
    lw = None
    try:
        info = stack_info(stack_dir)
        base = f"host={info['PG_HOST']} port={info['PG_PORT']} user={info['PG_USER']}"
        admin = connect(pq, base + " dbname=postgres")
        if scalar(pq, admin, "SELECT count(*) FROM pg_database WHERE datname = 'sqlbench'") == "0":
            run_sql(pq, admin, "CREATE DATABASE sqlbench")
        admin.finish()
        pg = connect(pq, f"{base} dbname=sqlbench options='{sqldiff.PG_OPTIONS}'")
        _, r = run_sql(pq, pg, sqldiff.SCRATCH_SETUP)
        if r.status != pq.ExecStatus.COMMAND_OK:
            die("creating the table: " + text(r.error_message))
        pg_version = scalar(pq, pg, "SHOW server_version")
        if not pg_version.startswith("15"):
            die(f"the reference must be PostgreSQL 15, not {pg_version}")

        ring = n_rows
        # The byte bound, with room: these records' JSON is 350-900 bytes (the default 64 MiB
        # would hold about 100,000 of them, too close to the count).
        log_bytes = max(64 << 20, n_rows * 2048)
        log(f"starting lakeward (decision_log_ring {ring}, decision_log_max_bytes {log_bytes})")
        lw = lp.Lakeward(out, {"TRINO_ALLOW_UNMANAGED_CATALOGS": "true",
                               "LAKEWARD_DECISION_LOG_MAX_BYTES": str(log_bytes)},
                         config_text=f"decision_log_ring = {ring};\n",
                         args=("--log-level", "warn"))
        bodies = request_bodies(n_rows, lp)
        log(f"posting {n_rows} decisions")
        t0 = time.monotonic()
        post_all(lw.port, bodies)
        post_s = time.monotonic() - t0
        lwc = connect(pq, f"host=127.0.0.1 port={lw.pg_port} user=bench dbname=lakeward "
                          "connect_timeout=10")
        held = int(scalar(pq, lwc, f"SELECT count(*) FROM {TABLE}"))
        log(f"lakeward.decisions holds {held} rows ({post_s:.1f} s to post)")
        if held < n_rows:
            log(f"WARNING: the ring holds {held} of {n_rows} decisions under its bounds; "
                "measuring those")
        if held < 1000:
            die(f"lakeward.decisions holds only {held} rows")

        log("copying the rows into PostgreSQL")
        t0 = time.monotonic()
        copied = copy_rows(pq, lwc, pg, n_rows)
        run_sql(pq, pg, f"VACUUM ANALYZE {TABLE}")
        copy_s = time.monotonic() - t0
        pg_rows = int(scalar(pq, pg, f"SELECT count(*) FROM {TABLE}"))
        if copied != held or pg_rows != held:
            die(f"copy incomplete: lakeward {held}, copied {copied}, PostgreSQL {pg_rows}")

        load_start = " ".join(pathlib.Path("/proc/loadavg").read_text().split()[:3])
        log(f"measuring {len(QUERIES)} statements, {runs} runs each (load {load_start})")
        # PostgreSQL a second time without parallel workers: on a small, shared machine the
        # workers compete with everything else, so both of its plans are shown.
        pg_serial = connect(pq, f"{base} dbname=sqlbench options='{sqldiff.PG_OPTIONS} "
                                "-c max_parallel_workers_per_gather=0'")
        results = measure(pq, {"lw": lwc, "pg": pg, "pg1": pg_serial}, runs)
        load_end = " ".join(pathlib.Path("/proc/loadavg").read_text().split()[:3])

        cpu = "?"
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                             capture_output=True, text=True).stdout.strip() or "?"
        if subprocess.run(["git", "status", "--porcelain", "--", "server", "authz", "catalog",
                           "sql"], cwd=REPO, capture_output=True, text=True).stdout.strip():
            rev += " plus uncommitted changes of the work tree"
        ctx = {
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
            "rev": rev, "pg_version": pg_version, "ncpu": os.cpu_count(), "cpu": cpu,
            "load_start": load_start, "load_end": load_end, "rows": held, "ring": ring,
            "log_bytes": log_bytes, "posted": n_rows, "post_s": post_s, "copy_s": copy_s,
            "runs": runs,
            "pg_size": scalar(pq, pg, f"SELECT pg_size_pretty(pg_table_size('{TABLE}'))"),
            "pg_sb": scalar(pq, pg, "SHOW shared_buffers"),
            "pg_wm": scalar(pq, pg, "SHOW work_mem"),
            "pg_par": scalar(pq, pg, "SHOW max_parallel_workers_per_gather"),
            "users": scalar(pq, pg, f"SELECT count(DISTINCT user_name) FROM {TABLE}"),
            "ops": scalar(pq, pg, f"SELECT count(DISTINCT operation) FROM {TABLE}"),
        }
        ctx["summary"] = verdict(results)
        lwc.finish()
        pg.finish()
        pg_serial.finish()
        (out / "results.json").write_text(json.dumps(
            {"ctx": ctx, "platform": platform.platform(),
             "results": [{k: ({kk: vv for kk, vv in v.items() if kk != "answer"}
                              if isinstance(v, dict) else v) for k, v in e.items()}
                         for e in results]}, indent=1))
        text_ = section_text(ctx, results)
        print(text_)
        if os.environ.get("LW_BENCH_NO_DOC") == "1":
            log("LW_BENCH_NO_DOC=1: docs/benchmarks.md left alone")
        else:
            write_section(text_)
        log(ctx["summary"])
    finally:
        if lw is not None:
            rc = lw.stop()
            if rc != 0:
                log(f"WARNING: lakeward exited {rc}; log: {lw.log_path}")
        if started:
            log("stopping the stack")
            stack_cmd(stack_dir, "stop.sh")


if __name__ == "__main__":
    main()

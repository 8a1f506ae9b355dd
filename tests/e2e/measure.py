#!/usr/bin/env python3
"""Measures what each end-to-end scenario query costs: how many requests the real Trino sent to
lakeward, how many Lakekeeper (and IdP) requests lakeward made for them, how many checks, how
long lakeward's decisions took in sum, and Trino's wall time. Rewrites the section
"## Trino end to end (issue 4)" of docs/benchmarks.md (everything else is left alone).

    tests/e2e/measure.py                  decision cache 5000 ms and off, writes the doc
    tests/e2e/measure.py --ttl 0 --no-doc print only

Uses the test stack (LW_TEST_STACK_DIR, default build/test-stack; started if it is not
running, and then stopped again at the end) and lakeward from LW_BUILD (default build/).
Trino 476 sends no queryId, so a query's decisions are the records between two marker
decisions posted just before and just after it (queries run one at a time); the row-filter
and column-mask requests are not decisions, so they are counted from Trino's own OPA request
log (opa.log-requests). Nothing here asserts on speed."""
from __future__ import annotations

import argparse
import datetime
import os
import pathlib
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Any, Optional

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from e2e_support import (CAT, REPO, SP1, SP2, STACK_DIR, LakewardService, Measured,  # noqa: E402
                         Standin, TrinoClient, TrinoLog, ensure_seed_mirror, measure, read_env,
                         start_trino, unique_name)
import lakeward_proc  # noqa: E402

SECTION = "## Trino end to end (issue 4)"
DOC = REPO / "docs" / "benchmarks.md"
SHORT = {SP1: "sp-1", SP2: "sp-2"}
RULES = 'rules = ( { catalog = "tpch"; user = "%s"; allow = true; } );\n' % SP1
DENIED = "PERMISSION_DENIED"


def stack_running() -> bool:
    env_file = STACK_DIR / "stack.env"
    if not env_file.exists():
        return False
    r = subprocess.run([str(REPO / "tests/stack/status.sh")], capture_output=True, text=True,
                       env=dict(os.environ, LW_STACK_DIR=str(STACK_DIR)))
    lines = [ln.split() for ln in r.stdout.splitlines()[1:] if ln and not ln.startswith("stack.env")]
    states = {ln[0]: ln[2] for ln in lines if len(ln) >= 3}
    return all(states.get(s) == "alive"
               for s in ("postgres", "openfga", "keycloak", "iceberg-rest", "standin"))


def start_stack() -> dict[str, str]:
    """The e2e stack: the stand-in with the Iceberg REST server behind its /catalog (restarted
    with it if it runs without), so Trino's managed catalog is its real Iceberg connector."""
    env = dict(os.environ, LW_STACK_DIR=str(STACK_DIR))
    start = [str(REPO / "tests/stack/start.sh")]
    subprocess.run(start + ["postgres", "openfga", "keycloak", "iceberg-rest"], check=True, env=env,
                   timeout=600)
    info = read_env(STACK_DIR / "stack.env")
    if info.get("LK_ICEBERG_BACKEND") != info["ICEBERG_REST_URL"]:
        subprocess.run([str(REPO / "tests/stack/stop.sh"), "standin"], check=True, env=env, timeout=120)
    subprocess.run(start + ["standin"], check=True, env=env, timeout=600)
    return read_env(STACK_DIR / "stack.env")


class Run:
    """One pass over the scenarios with one decision-cache TTL."""

    def __init__(self, lw: LakewardService, standin: Standin, client: TrinoClient,
                 tlog: TrinoLog, ttl_ms: int) -> None:
        self.lw, self.standin, self.client, self.tlog, self.ttl = lw, standin, client, tlog, ttl_ms
        self.rows: list[tuple[str, Measured]] = []   # (settings group, measurement)
        self.group = ""

    def settings(self, group: str, env: Optional[dict[str, Any]] = None,
                 config: Optional[str] = None) -> None:
        """Restarts lakeward with this pass's TTL plus env/config, warms what any running
        lakeward has warm (token, warehouse id) with one unmeasured query, then waits out the
        decision cache so the measured sequence starts with an empty one."""
        self.group = group
        self.lw.restart(dict(env or {}, LAKEWARD_DECISION_CACHE_TTL_MS=self.ttl), config)
        self.client.execute(f"SELECT count(*) FROM {CAT}.finance.product", user=SP1)
        time.sleep(self.ttl / 1000.0 + 0.5)

    def q(self, label: str, user: str, sql: str, expect: Optional[str] = None) -> Measured:
        m, _ = measure(self.lw, self.tlog, self.client, label, user, sql, expect_error=expect)
        self.rows.append((self.group, m))
        return m


def scenario(run: Run, faults: bool) -> None:
    st = run.standin
    run.settings("defaults")
    s = unique_name("m")
    run.q("CREATE SCHEMA", SP1, f"CREATE SCHEMA {CAT}.{s}")
    run.q("CREATE TABLE", SP1, f"CREATE TABLE {CAT}.{s}.orders (id bigint, name varchar)")
    run.q("INSERT (2 rows)", SP1, f"INSERT INTO {CAT}.{s}.orders VALUES (1, 'one'), (2, 'two')")
    run.q("SELECT *", SP1, f"SELECT * FROM {CAT}.{s}.orders")
    run.q("SELECT * (again)", SP1, f"SELECT * FROM {CAT}.{s}.orders")
    run.q("ALTER TABLE RENAME", SP1, f"ALTER TABLE {CAT}.{s}.orders RENAME TO {CAT}.{s}.orders_v2")
    run.q("SELECT * (renamed)", SP1, f"SELECT * FROM {CAT}.{s}.orders_v2")
    run.q("DROP TABLE", SP1, f"DROP TABLE {CAT}.{s}.orders_v2")
    run.q("DROP SCHEMA", SP1, f"DROP SCHEMA {CAT}.{s}")
    run.q("SELECT finance.product", SP2, f"SELECT * FROM {CAT}.finance.product")
    run.q("SELECT finance.product (again)", SP2, f"SELECT * FROM {CAT}.finance.product")
    run.q("SELECT finance.revenue", SP2, f"SELECT * FROM {CAT}.finance.revenue", DENIED)
    run.q('SELECT "product$snapshots"', SP2, f'SELECT * FROM {CAT}.finance."product$snapshots"')
    run.q('SELECT "revenue$snapshots"', SP2, f'SELECT * FROM {CAT}.finance."revenue$snapshots"', DENIED)
    run.q("SHOW CREATE TABLE finance.product", SP2, f"SHOW CREATE TABLE {CAT}.finance.product")
    run.q("ALTER TABLE product EXECUTE optimize", SP1,
          f"ALTER TABLE {CAT}.finance.product EXECUTE optimize")
    run.q("ALTER TABLE product EXECUTE optimize", SP2,
          f"ALTER TABLE {CAT}.finance.product EXECUTE optimize", DENIED)
    run.q("SHOW SCHEMAS", SP2, f"SHOW SCHEMAS FROM {CAT}")
    run.q("SHOW TABLES FROM finance", SP2, f"SHOW TABLES FROM {CAT}.finance")
    run.q("SHOW TABLES FROM finance", SP1, f"SHOW TABLES FROM {CAT}.finance")
    run.q("information_schema.tables", SP2,
          f"SELECT table_schema, table_name FROM {CAT}.information_schema.tables "
          "WHERE table_schema <> 'information_schema'")
    run.q("information_schema.columns", SP2,
          f"SELECT table_name, column_name FROM {CAT}.information_schema.columns "
          "WHERE table_schema <> 'information_schema'")
    run.q("information_schema.columns (again)", SP2,
          f"SELECT table_name, column_name FROM {CAT}.information_schema.columns "
          "WHERE table_schema <> 'information_schema'")
    run.q("system.runtime.queries", SP2, 'SELECT query_id, "user" FROM system.runtime.queries')
    run.q("tpch.tiny.nation", SP1, "SELECT * FROM tpch.tiny.nation", DENIED)
    run.q("SELECT 1", SP2, "SELECT 1")

    run.settings(f"TRINO_ADMIN_USERS={SHORT[SP2]}", {"TRINO_ADMIN_USERS": SP2})
    run.q("SELECT 1", SP1, "SELECT 1")
    run.q("system.runtime.queries (admin)", SP2, 'SELECT query_id, "user" FROM system.runtime.queries')

    run.settings("TRINO_ALLOW_UNMANAGED_CATALOGS=true", {"TRINO_ALLOW_UNMANAGED_CATALOGS": "true"})
    run.q("tpch.tiny.nation", SP1, "SELECT * FROM tpch.tiny.nation")

    run.settings("extension rule (tpch, sp-1)", config=RULES)
    run.q("tpch.tiny.nation", SP1, "SELECT * FROM tpch.tiny.nation")
    run.q("tpch.tiny.nation", SP2, "SELECT * FROM tpch.tiny.nation", DENIED)

    if not faults:
        return
    run.settings("upstream timeout 1000 ms, stand-in fault", {"LAKEWARD_UPSTREAM_TIMEOUT_MS": 1000})
    for name, spec in (("500", {"mode": "status", "status": 500}), ("garbage", {"mode": "garbage"}),
                       ("drop", {"mode": "drop"}), ("delay 2.5 s", {"mode": "delay", "ms": 2500})):
        with st.fault(paths="batch-check", **spec):
            run.q(f"SELECT finance.product [{name}]", SP2, f"SELECT * FROM {CAT}.finance.product", DENIED)
    with st.fault(paths="batch-check", mode="status", status=500):
        run.q("SELECT 1 [500]", SP2, "SELECT 1")
    run.q("SELECT finance.product [cleared]", SP2, f"SELECT * FROM {CAT}.finance.product")


def fmt_requests(m: Measured) -> str:
    r = m.trino_requests
    masks = r.get("rowFilters", 0) + r.get("batchColumnMasks", 0)
    return f"{m.total_requests} ({r.get('allow', 0)}/{r.get('batch', 0)}/{masks})"


def table(run: Run) -> list[str]:
    out = ["| # | settings | query | user | outcome | Trino requests (allow/batch/masks+filters) "
           "| Lakekeeper calls | checks | cache hits | Σ decision latency ms | Trino wall ms |",
           "|---:|---|---|---|---|---:|---:|---:|---:|---:|---:|"]
    tot = [0, 0, 0, 0, 0.0, 0.0]
    for i, (group, m) in enumerate(run.rows, 1):
        outcome = "denied" if m.outcome == DENIED else m.outcome
        out.append(f"| {i} | {group} | {m.label} | {SHORT.get(m.user, m.user)} | {outcome} | "
                   f"{fmt_requests(m)} | {m.lakekeeper_calls} | {m.checks_sent} | {m.cache_hits} | "
                   f"{m.decision_ms:.1f} | {m.wall_ms:.0f} |")
        for k, v in enumerate((m.total_requests, m.lakekeeper_calls, m.checks_sent, m.cache_hits,
                               m.decision_ms, m.wall_ms)):
            tot[k] += v
    out.append(f"| | | **total** | | | {tot[0]} | {tot[1]} | {tot[2]} | {tot[3]} | "
               f"{tot[4]:.1f} | {tot[5]:.0f} |")
    return out


def trino_java(version: str) -> str:
    """The JDK tests/stack/trino/install.sh picked (its install.env in the cache)."""
    cache = pathlib.Path(os.environ.get("LAKEWARD_CACHE") or pathlib.Path(
        os.environ.get("XDG_CACHE_HOME") or pathlib.Path.home() / ".cache") / "lakeward")
    try:
        home = read_env(cache / "trino" / version / "install.env").get("TRINO_JAVA_HOME", "")
    except OSError:
        return "JDK unknown"
    return f"JDK {pathlib.Path(home).name}" if home else "JDK unknown"


def build_dir() -> str:
    try:
        return str(pathlib.Path(lakeward_proc.BUILD).resolve().relative_to(REPO)) + "/"
    except ValueError:
        return str(lakeward_proc.BUILD)


def git_rev() -> str:
    try:
        rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        return rev + (", uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def render(runs: list[Run], trino_version: str, java: str, lw_version: str, elapsed: float,
           load: tuple[float, float]) -> str:
    today = datetime.date.today().isoformat()
    lines = [
        SECTION,
        "",
        f"Measured on {today} by `tests/e2e/measure.py` (which rewrites this section; "
        "`--no-doc` only prints; the e2e tests themselves never look at speed). "
        f"Trino {trino_version} ({java}), its own `opa` access control configured as in "
        f"docs/trino.md, its managed catalog `{CAT}` the real Iceberg connector on the stand-in's "
        "Iceberg REST catalog (Apache Iceberg's REST server behind it, data on the local file "
        f"system); {lw_version} ({git_rev()}), build `{build_dir()}`, log level info; "
        "the Lakekeeper stand-in over OpenFGA v1.14.1 and PostgreSQL, Keycloak as IdP, all on "
        f"one machine ({os.cpu_count()} CPUs, {platform.system()} {platform.release()}; load "
        f"average {load[0]:.1f} at the start, {load[1]:.1f} at the end, other engineers' builds "
        f"and tests sharing it). lakeward settings: defaults (upstream timeout 5000 ms, "
        "broad-access probe cache 30 s) except the decision cache TTL, which each table names, "
        f"and what the settings column says. The whole measurement took {elapsed:.0f} s.",
        "",
        "Each row is one statement, run alone, in this order. *Trino requests* are all the OPA "
        "requests Trino sent for it (from Trino's OPA request log): decisions on "
        "`/v1/data/trino/allow`, on `/v1/data/trino/batch`, and the row-filter / column-mask "
        "requests (answered without any rule). *Lakekeeper calls* are lakeward's HTTP requests "
        "to Lakekeeper and the IdP for those decisions (`lakekeeper_calls` in the decision "
        "records), *checks* the permission checks they carried, *cache hits* checks answered "
        "from lakeward's cache (decision cache, the per-query broad-access probe cache of 30 s, "
        "which without a queryId from Trino 476 spans queries), *Σ decision latency* the sum "
        "of the decisions' `latency_ms` (what lakeward added to the query; Trino sends some "
        "requests concurrently, so the query waited at most this long), *Trino wall ms* the "
        "client's time for the whole statement. Before each settings group lakeward is "
        "restarted with them, one unmeasured query warms the token and the warehouse id, and "
        "the decision cache is waited out; a row marked *(again)* repeats the previous "
        "statement right away. The tpch and system rows need no Lakekeeper call at all. "
        "Faults are injected on Lakekeeper's permission API only (batch-check): Trino's own "
        "catalog calls to the Iceberg REST API are not decisions. "
        "The counts are deterministic for a given Trino version and scenario; the latencies "
        "are not: they follow the machine's load (on the shared 2-core machine above, repeated "
        "runs of this script differed by up to about 2x).",
        "",
    ]
    for run in runs:
        title = (f"Decision cache TTL {run.ttl} ms (the default)" if run.ttl == 5000
                 else "Decision cache off (TTL 0)" if run.ttl == 0
                 else f"Decision cache TTL {run.ttl} ms")
        lines += [f"### {title}", ""]
        lines += table(run)
        lines.append("")
    if len(runs) >= 2:
        a, b = runs[0], runs[1]

        def tot(run: Run, attr: str) -> float:
            return sum(getattr(m, attr) for g, m in run.rows if not g.startswith("upstream"))
        lines += [
            f"Over the rows both passes share: {tot(a, 'lakekeeper_calls'):.0f} Lakekeeper calls "
            f"and {tot(a, 'decision_ms'):.0f} ms of decisions with TTL {a.ttl} ms, "
            f"{tot(b, 'lakekeeper_calls'):.0f} calls and {tot(b, 'decision_ms'):.0f} ms with "
            f"TTL {b.ttl}. The fault rows (TTL 0 only, upstream timeout 1000 ms) show what a "
            "failing Lakekeeper costs: each denied decision waits for its failed call, up to "
            "the timeout for a delay.",
            "",
        ]
    return "\n".join(lines)


def write_doc(section: str) -> None:
    if DOC.exists():
        text = DOC.read_text()
    else:
        text = ("# Benchmarks\n\nMeasured numbers. Benchmarks never assert on speed; each section "
                "says how it was measured and which command reproduces it.\n\n")
    lines = text.split("\n")
    start = next((i for i, ln in enumerate(lines) if ln.strip() == SECTION), None)
    if start is None:
        new = text.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        tail = "\n".join(lines[end:])
        new = "\n".join(lines[:start]) + "\n" + section.rstrip("\n") + "\n" + \
            ("\n" + tail if tail.strip() else "")
        new = new.rstrip("\n") + "\n"
    DOC.write_text(new)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ttl", type=int, action="append",
                    help="decision cache TTL in ms (repeatable; default 5000 and 0)")
    ap.add_argument("--no-doc", action="store_true", help="print, leave docs/benchmarks.md alone")
    args = ap.parse_args()
    ttls = args.ttl or [5000, 0]
    t_start = time.monotonic()
    load0 = os.getloadavg()[0]
    was_running = stack_running()
    stack = start_stack()
    trino_was = (STACK_DIR / "trino" / "pid").exists()
    runs: list[Run] = []
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="lw-measure-"))
    lw = LakewardService(stack, workdir, args=("--log-level", "info"))
    standin = Standin(stack)
    try:
        lw.restart()
        url = start_trino(lw.url)
        client = TrinoClient(url, user=SP1, catalog=CAT)
        info = client.http.get(f"{url}/v1/info", timeout=10).json()
        trino_version = info.get("nodeVersion", {}).get("version", "?")
        java = trino_java(trino_version)
        ensure_seed_mirror(client)
        tlog = TrinoLog(STACK_DIR / "trino" / "log")
        for ttl in ttls:
            run = Run(lw, standin, client, tlog, ttl)
            scenario(run, faults=(ttl == 0))
            runs.append(run)
            print(f"\n### decision cache TTL {ttl} ms")
            print("\n".join(table(run)))
        lw_version = subprocess.run([str(lakeward_proc.BUILD / "lakeward"), "--version"],
                                    capture_output=True, text=True).stdout.strip() or "lakeward"
    finally:
        standin.set_fault(mode="none")
        standin.cleanup()
        lw.stop()
        if not was_running:
            env = dict(os.environ, LW_STACK_DIR=str(STACK_DIR))
            subprocess.run([str(REPO / "tests/stack/stop.sh")], env=env, timeout=180)
        elif not trino_was:
            env = dict(os.environ, LW_STACK_DIR=str(STACK_DIR))
            subprocess.run([str(REPO / "tests/stack/trino/stop.sh")], env=env, timeout=120)
    shutil.rmtree(workdir, ignore_errors=True)   # lakeward's logs; kept when something failed
    section = render(runs, trino_version, java, lw_version, time.monotonic() - t_start,
                     (load0, os.getloadavg()[0]))
    if args.no_doc:
        print("\n" + section)
    else:
        write_doc(section)
        print(f"\nwrote section {SECTION!r} of {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

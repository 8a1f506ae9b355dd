"""pgwire_bench.py -- `tests/bench/run.sh pgwire`: `SELECT 1` per second through lakeward's
Postgres face and through the test stack's PostgreSQL 15, in the same run, with pgbench
(-n, a custom script of `SELECT 1;`) in each query mode (-M simple, extended, prepared) over
1 and 8 connections, alternating the two servers round by round; rewrites the section
"## Postgres wire: pgbench SELECT 1 (make bench)" of docs/benchmarks.md. Both servers are
loopback with trust authentication and no TLS. Never asserts on speed; fails only when a
run fails (then its numbers would mean nothing).

Where `perf` can count system calls, a second table gives what one transaction costs each
server's backends in -M prepared: system calls (by name) and CPU time, counted by
`perf stat` on the backend processes while pgbench runs. Both servers send one message
batch per transaction, so the send count is the transaction count. These do not depend
on how busy the machine is the way transactions per second do.

Knobs: LW_BENCH_PGWIRE_SECONDS (per pgbench run, default 5), LW_BENCH_PGWIRE_ROUNDS
(default 3)."""
import argparse
import datetime
import importlib.util
import os
import pathlib
import re
import statistics
import subprocess
import sys
import time

import bench_doc

REPO = pathlib.Path(__file__).resolve().parents[2]
SECTION = "## Postgres wire: pgbench SELECT 1 (make bench)"
MODES = ("simple", "extended", "prepared")
CLIENTS = (1, 8)


def log(msg):
    print(f"{time.strftime('%H:%M:%S')} [pgwire-bench] {msg}", file=sys.stderr, flush=True)


def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def pgbench(script, host, port, user, db, mode, clients, seconds):
    cmd = ["pgbench", "-n", "-h", host, "-p", str(port), "-U", user, "-M", mode, "-f", script,
           "-c", str(clients), "-j", str(min(clients, 2)), "-T", str(seconds), db]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60,
                       env=dict(os.environ, PGCONNECT_TIMEOUT="10"))
    m = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", r.stdout)
    failed = re.search(r"number of failed transactions: (\d+)", r.stdout)
    if r.returncode != 0 or not m or (failed and failed.group(1) != "0"):
        raise SystemExit(f"pgbench failed ({' '.join(cmd)}): {r.stdout[-800:]} {r.stderr[-800:]}")
    return float(m.group(1))


# The system calls a backend makes per transaction (recv, send, waits, timers).
SYSCALLS = ("recvfrom", "sendto", "poll", "epoll_wait", "timer_settime", "setitimer")


def perf_works():
    try:
        r = subprocess.run(["perf", "stat", "-x,", "-e", "syscalls:sys_enter_sendto", "true"],
                           capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0 and "sys_enter_sendto" in r.stderr


def lakeward_backends(root_pid, n):
    """The n newest processes under lakeward's main process: a run's backends are forked
    when pgbench connects, after every other process of the tree."""
    children, pids = {}, []
    for d in pathlib.Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(d.name))
    todo = [root_pid]
    while todo:
        for c in children.get(todo.pop(), []):
            pids.append(c)
            todo.append(c)
    return sorted(pids)[-n:]


def postgres_backends(user, db, n):
    """PostgreSQL's backends of this user and database (their process titles say so)."""
    pids = []
    for d in pathlib.Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                title = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if title.startswith(f"postgres: {user} {db} 127.0.0.1("):
                pids.append(int(d.name))
    return sorted(pids)[-n:]


def backend_cost(script, target, clients, seconds, find_backends):
    """(system calls by name, CPU µs) per transaction of the backends while pgbench
    -M prepared runs; None when they cannot be counted."""
    host, port, user, db = target
    cmd = ["pgbench", "-n", "-h", host, "-p", str(port), "-U", user, "-M", "prepared",
           "-f", script, "-c", str(clients), "-j", str(min(clients, 2)), "-T",
           str(seconds + 2), db]
    bench = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env=dict(os.environ, PGCONNECT_TIMEOUT="10"))
    try:
        time.sleep(1)
        pids = find_backends(clients)
        if len(pids) != clients:
            return None
        events = ["task-clock"] + [f"syscalls:sys_enter_{c}" for c in SYSCALLS]
        r = subprocess.run(["perf", "stat", "-x,", "-e", ",".join(events), "-p",
                            ",".join(map(str, pids)), "--", "sleep", str(seconds)],
                           capture_output=True, text=True, timeout=seconds + 30)
    finally:
        bench.wait(timeout=seconds + 60)
    counts = {}
    for line in r.stderr.splitlines():
        f = line.split(",")
        if len(f) > 2 and f[2] in events:
            try:
                counts[f[2]] = float(f[0])
            except ValueError:
                return None
    txns = counts.get("syscalls:sys_enter_sendto", 0)
    if r.returncode != 0 or txns <= 0:
        return None
    calls = {c: counts.get(f"syscalls:sys_enter_{c}", 0) / txns for c in SYSCALLS}
    return calls, counts["task-clock"] * 1000 / txns     # task-clock is in ms


def cost_rows(costs):
    rows = []
    for clients in CLIENTS:
        for name in ("lakeward", "postgres"):
            got = costs.get((name, clients))
            if not got:
                continue
            calls, us = sorted(got, key=lambda c: c[1])[len(got) // 2]    # median by CPU
            parts = ", ".join(f"{c} {v:.2f}" for c, v in calls.items() if v >= 0.005)
            rows.append(f"| {name} | {clients} | {sum(calls.values()):.2f} | {parts} | {us:.1f} |")
    return rows


def write_section(text_):
    bench_doc.write_section(SECTION, text_, log)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--stack-dir", default=None)
    ap.add_argument("--no-doc", action="store_true")
    args = ap.parse_args()
    seconds = int(os.environ.get("LW_BENCH_PGWIRE_SECONDS", "5"))
    rounds = int(os.environ.get("LW_BENCH_PGWIRE_ROUNDS", "3"))
    build = (REPO / args.build).resolve()
    stack_dir = (REPO / (args.stack_dir or f"{args.build}/bench-stack")).resolve()
    out = build / "bench" / "pgwire"
    out.mkdir(parents=True, exist_ok=True)
    script = out / "select1.sql"
    script.write_text("SELECT 1;\n")
    os.environ["LW_BUILD"] = str(build)
    sys.path.insert(0, str(REPO / "tests"))
    lp = load_module("lakeward_proc", REPO / "tests" / "lakeward_proc.py")
    sb = load_module("sql_bench", REPO / "tests" / "bench" / "sql_bench.py")

    subprocess.run(["make", "-s", "-j2", f"BUILD={args.build}", f"{args.build}/lakeward"],
                   cwd=REPO, check=True, stdout=sys.stderr)
    started = False
    if not sb.postgres_running(stack_dir):
        log(f"starting the stack's postgres in {stack_dir}")
        sb.stack_cmd(stack_dir, "start.sh", "postgres")
        started = True
    lw = None
    try:
        info = sb.stack_info(stack_dir)
        # In its own session like the stack's PostgreSQL (started with setsid): with the
        # kernel's autogroup scheduling a server in pgbench's session shares pgbench's CPU
        # share, so the two servers would not be scheduled alike.
        lw = lp.Lakeward(out, {}, args=("--log-level", "warn"), new_session=True)
        targets = {"lakeward": ("127.0.0.1", lw.pg_port, "bench", "lakeward"),
                   "postgres": (info["PG_HOST"], int(info["PG_PORT"]), info["PG_USER"],
                                "postgres")}
        load0 = " ".join(pathlib.Path("/proc/loadavg").read_text().split()[:3])
        tps = {}
        for rnd in range(rounds):
            # Each round starts with another mode, so no mode always runs last (as the
            # machine's load drifts over the run).
            for mode in MODES[rnd % len(MODES):] + MODES[:rnd % len(MODES)]:
                for clients in CLIENTS:
                    order = list(targets) if rnd % 2 == 0 else list(reversed(targets))
                    for name in order:
                        t = pgbench(str(script), *targets[name], mode, clients, seconds)
                        tps.setdefault((name, mode, clients), []).append(t)
                        log(f"round {rnd + 1} {name} -M {mode} -c {clients}: {t:,.0f} tps")
        costs = {}
        if perf_works():
            finders = {"lakeward": lambda n: lakeward_backends(lw.proc.pid, n),
                       "postgres": lambda n: postgres_backends(info["PG_USER"], "postgres", n)}
            for rnd in range(rounds):
                for clients in CLIENTS:
                    for name in (list(targets) if rnd % 2 == 0 else list(reversed(targets))):
                        got = backend_cost(str(script), targets[name], clients, seconds,
                                           finders[name])
                        if got:
                            costs.setdefault((name, clients), []).append(got)
                            log(f"round {rnd + 1} {name} -M prepared -c {clients}: "
                                f"{sum(got[0].values()):.2f} system calls, {got[1]:.1f} µs "
                                "CPU per transaction")
        else:
            log("perf cannot count system calls here: no cost table")
        load1 = " ".join(pathlib.Path("/proc/loadavg").read_text().split()[:3])
    finally:
        if lw:
            lw.stop()
        if started:
            sb.stack_cmd(stack_dir, "stop.sh")

    rows, ratios = [], []
    for mode in MODES:
        for clients in CLIENTS:
            a = statistics.median(tps[("lakeward", mode, clients)])
            b = statistics.median(tps[("postgres", mode, clients)])
            ratios.append(a / b)
            rows.append(f"| `-M {mode}` | {clients} | {a:,.0f} | {b:,.0f} | {a / b:.2f}x |")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                            capture_output=True, text=True).stdout.strip()
    text_ = "\n".join([
        SECTION,
        "",
        f"Measured {datetime.date.today().isoformat()} on {commit} by `tests/bench/run.sh "
        f"pgwire`: pgbench 15 `-n -f select1.sql` (`SELECT 1;`), {seconds} s per run, "
        f"{rounds} rounds alternating the two servers and rotating the modes' order, lakeward in "
        "its own session like PostgreSQL, median transactions per second "
        "(without connection time). Both on loopback, trust authentication, no TLS; "
        "PostgreSQL 15 is the test stack's (fsync off, which a SELECT does not touch). "
        f"Load average {load0} before, {load1} after, on a machine shared with other jobs "
        f"({os.cpu_count()} CPUs, pgbench and both servers unpinned).",
        "",
        "| mode | connections | lakeward tps | PostgreSQL 15 tps | lakeward / PostgreSQL |",
        "|---|---|---|---|---|",
        *rows,
        "",
        f"Aim (issue 8): at least PostgreSQL's rate. Met in {sum(r >= 1 for r in ratios)} of "
        f"{len(ratios)} cells (geometric mean {statistics.geometric_mean(ratios):.2f}x). "
        "`-M simple` parses each `SELECT 1` once per query in both servers; `extended` "
        "sends Parse/Bind/Describe/Execute/Sync with the unnamed statement every time; "
        "`prepared` parses once per connection and then only binds and executes. Each "
        "lakeward connection is a forked backend process (docs/sql.md), as in PostgreSQL.",
    ])
    rows = cost_rows(costs)
    if rows:
        text_ += "\n".join([
            "",
            "",
            "What one `-M prepared` transaction costs the backends (Bind, Execute, Sync of a "
            "parsed `SELECT 1`): system calls and CPU time counted by `perf stat` on the "
            f"backend processes for {seconds} s while pgbench runs, median of {rounds} runs "
            "by CPU time; transactions counted as sends (one per Sync in both servers). "
            "CPU time per transaction grows with the machine's load; the calls much less (only "
            "the waits: a backend that finds the next message already there does not poll).",
            "",
            "| server | connections | system calls / transaction | by name | backend CPU µs / transaction |",
            "|---|---|---|---|---|",
            *rows,
        ])
    print(text_)
    if not args.no_doc:
        write_section(text_ + "\n")


if __name__ == "__main__":
    main()

"""The soak's driver (tests/soak/run.sh starts the stack and lakeward, then this): for the whole
run it keeps Trino-shaped load on lakeward's HTTP face (tests/soak/loadgen.c at a fixed rate),
busy SQL sessions on its Postgres face, and injects Lakekeeper faults through the stand-in's
/_control/fault; it samples lakeward's memory every 10 s, judges the run and writes a report
(JSON and Markdown) and, unless told not to, the "Soak" section of docs/benchmarks.md.

Pass criteria (all must hold):
  * zero failed answers: every HTTP answer a 200 with a JSON "result" (denials during faults
    are expected; transport errors, non-200 answers and bodies without "result" are failures),
    and no request left unanswered at the end;
  * RSS flat after warm-up: the samples after the warm-up (the first sixth of the run, at
    least 60 s) are split into thirds; flat means max(last third) <= max(first third) * 1.1
    + 8 MiB (VmRSS of the lakeward process; its children are reported beside it);
  * SQL sessions never fail except on the statements meant to fail (one in 25 queries names a
    column that does not exist and must get SQLSTATE 42703, the session carrying on);
  * lakeward answers the reference request "allowed" before the load and again after the last
    fault has been cleared (it recovered).
The achieved request rate is reported; it is not a criterion (the machine may be shared).
"""
import argparse
import datetime
import json
import os
import pathlib
import random
import re
import subprocess
import sys
import threading
import time

import psycopg
import requests

REPO = pathlib.Path(__file__).resolve().parent.parent.parent
SHARED_INPUTS = REPO.parent / "shared" / "reference" / "data" / "trino-inputs"
CAPTURED = REPO / "tests" / "e2e" / "captured"
SECTION = "## Soak (make soak)"
QID_PLACEHOLDER = "soak_qqqqqqqqqqqq"      # loadgen.c replaces the q's for cache misses

# Trino users are Lakekeeper subjects (docs/development.md, the seed scenario), plus one the
# seed does not know.
USERS = {
    "peter": "cfb55bf6-fcbb-4a1e-bfec-30c6649b52f8",
    "anna": "d223d88c-85b6-4859-b5c5-27f3825e47f6",
    "airflow-sp-1": "a1f10000-0000-4000-8000-000000000001",
    "airflow-sp-2": "a1f10000-0000-4000-8000-000000000002",
    "unknown": "soak-nobody",
}
# The reference request: airflow-sp-2 may select from finance.product (seed scenario).
REFERENCE = {"input": {"context": {"identity": {"user": USERS["airflow-sp-2"], "groups": []},
                                   "softwareStack": {"trinoVersion": "479"}},
                       "action": {"operation": "SelectFromColumns",
                                  "resource": {"table": {"catalogName": "lakekeeper",
                                                         "schemaName": "finance",
                                                         "tableName": "product",
                                                         "columns": ["id"]}}}}}

# Fault cycle: mode, its parameters; each is applied for --fault-seconds, then cleared.
# The delay is what an open-loop load at 2,000/s can take: while it lasts, every decision whose
# checks must be refreshed (the check cache lives 5 s) waits for it, so about rate x delay x
# (delay / 5 s) x 2 decisions wait at once, which must stay below the connections; with 2 s
# nearly all do, the generator's connections fill and its requests time out in its own queue
# (seen at 64 connections). Trino, whose query threads wait for their answers, would slow down
# instead of piling up requests.
FAULTS = [
    ("delay", {"ms": 500}),
    ("status", {"status": 500}),
    ("garbage", {}),
    ("drop", {}),
]

# SQL sessions: the queries they loop over (lakeward.decisions, docs/sql.md); {user} and {since}
# are filled per query. BAD is the statement meant to fail.
QUERIES = [
    "SELECT time, user_name, operation, allowed FROM lakeward.decisions "
    "WHERE allowed = false ORDER BY time DESC LIMIT 20",
    "SELECT decision_id, latency_ms, record FROM lakeward.decisions WHERE time >= '{since}' "
    "ORDER BY time DESC LIMIT 50",
    "SELECT * FROM decisions WHERE user_name = '{user}' ORDER BY 1 DESC LIMIT 10",
    "SELECT operation, endpoint, items, allowed_items, cache_hits FROM lakeward.decisions "
    "WHERE lakekeeper_calls > 0 ORDER BY latency_ms DESC LIMIT 5",
    "SELECT version()",
]
BAD = "SELECT no_such_column FROM lakeward.decisions LIMIT 1"
BAD_EVERY = 25


def log(msg):
    print(f"{time.strftime('%H:%M:%S')} [soak] {msg}", file=sys.stderr, flush=True)


# ---- request templates ------------------------------------------------------------------
def templates():
    """(path, body) pairs: the captured Trino requests and the shared sample inputs, each for
    every user, with a query id loadgen.c can vary. The shared inputs name the catalog
    `datalake`: they are sent once as they are (a catalog lakeward does not manage) and once
    renamed to `lakekeeper` (managed)."""
    bases = []
    index = json.loads((CAPTURED / "index.json").read_text())
    for name, meta in sorted(index.items()):
        bases.append((meta["endpoint"], json.loads((CAPTURED / f"{name}.json").read_text())))
    if SHARED_INPUTS.is_dir():
        for f in sorted(SHARED_INPUTS.glob("*.json")):
            inp = json.loads(f.read_text())
            inp = inp.get("input", inp)       # some files hold the body, some only its input
            path = "/v1/data/trino/batch" if "filterResources" in inp.get("action", {}) \
                else "/v1/data/trino/allow"
            bases.append((path, {"input": inp}))
            managed = json.loads(json.dumps(inp).replace('"datalake"', '"lakekeeper"'))
            bases.append((path, {"input": managed}))
    else:
        log(f"WARNING: {SHARED_INPUTS} not found; captured requests only")
    out = []
    for path, body in bases:
        for user in USERS.values():
            b = json.loads(json.dumps(body))
            ctx = b["input"].setdefault("context", {})
            ctx.setdefault("identity", {})["user"] = user
            ctx["queryId"] = QID_PLACEHOLDER
            out.append((path, json.dumps(b, separators=(",", ":"))))
    random.Random(11).shuffle(out)          # interleave endpoints and users, the same every run
    return out


# ---- memory --------------------------------------------------------------------------------
def rss_kib(pid):
    """VmRSS of pid in KiB, or None once it is gone."""
    try:
        for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def children(pid):
    try:
        return [int(c) for c in pathlib.Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


class RssSampler(threading.Thread):
    def __init__(self, pid, every, t0):
        super().__init__(daemon=True)
        self.pid, self.every, self.t0 = pid, every, t0
        self.samples = []                   # (t, rss_kib, children_rss_kib)
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            own = rss_kib(self.pid)
            if own is None:
                break
            kids = sum(rss_kib(c) or 0 for c in children(self.pid))
            self.samples.append((round(time.monotonic() - self.t0, 1), own, kids))
            self.stop.wait(self.every)


def judge_rss(samples, seconds):
    """The flatness verdict (module docstring) and the figures behind it."""
    warmup = max(60.0, seconds / 6)
    after = [s[1] for s in samples if s[0] >= warmup]
    res = {"warmup_s": warmup, "samples": len(samples), "samples_after_warmup": len(after),
           "min_mib": round(min(s[1] for s in samples) / 1024, 1) if samples else None,
           "final_mib": round(samples[-1][1] / 1024, 1) if samples else None,
           "children_final_mib": round(samples[-1][2] / 1024, 1) if samples else None}
    if len(after) < 3:
        res.update(flat=False, reason="fewer than 3 samples after the warm-up")
        return res
    k = len(after) // 3
    first, last = after[:k], after[-k:]
    limit = max(first) * 1.1 + 8 * 1024
    res.update(first_third_max_mib=round(max(first) / 1024, 1),
               last_third_max_mib=round(max(last) / 1024, 1),
               limit_mib=round(limit / 1024, 1), flat=max(last) <= limit,
               reason="max(last third) <= max(first third) * 1.1 + 8 MiB")
    return res


# ---- SQL sessions -------------------------------------------------------------------------
class SqlSession(threading.Thread):
    def __init__(self, n, port, pause, stop):
        super().__init__(daemon=True)
        self.n, self.port, self.pause, self.stop = n, port, pause, stop
        self.queries = self.expected = self.rows = 0
        self.unexpected = []                # (t, statement, error)
        self.rng = random.Random(n)

    def connect(self):
        return psycopg.connect(host="127.0.0.1", port=self.port, user=f"soak{self.n}",
                               dbname="lakeward", autocommit=True, connect_timeout=10,
                               prepare_threshold=None)   # simple query protocol (docs/sql.md)

    def run(self):
        conn = None
        i = 0
        while not self.stop.is_set():
            i += 1
            bad = i % BAD_EVERY == 0
            since = (datetime.datetime.now(datetime.timezone.utc)
                     - datetime.timedelta(seconds=10)).strftime("%Y-%m-%d %H:%M:%S")
            sql = BAD if bad else self.rng.choice(QUERIES).format(
                user=self.rng.choice(list(USERS.values())), since=since)
            try:
                if conn is None:
                    conn = self.connect()
                with conn.cursor() as cur:
                    cur.execute(sql)
                    self.rows += len(cur.fetchall())
                self.queries += 1
                if bad:
                    self.unexpected.append((time.monotonic(), sql, "succeeded but must fail"))
            except psycopg.Error as e:
                self.queries += 1
                state = getattr(e, "sqlstate", None)
                if bad and state == "42703" and conn is not None and not conn.closed:
                    self.expected += 1
                else:
                    self.unexpected.append((time.monotonic(), sql, f"{state}: {e}".strip()))
                    if conn is not None and conn.closed:
                        conn = None
            self.stop.wait(self.pause)
        if conn is not None:
            conn.close()


# ---- faults ---------------------------------------------------------------------------------
class FaultInjector(threading.Thread):
    """Every `every` seconds (first one after `every`), the next fault of FAULTS for `length`
    seconds, then cleared; stops `length` + 30 s before the end so the run ends recovered."""

    def __init__(self, lk_url, token, every, length, seconds, t0, stop):
        super().__init__(daemon=True)
        self.url, self.token = lk_url.rstrip("/") + "/_control/fault", token
        self.every, self.length, self.seconds, self.t0, self.stop = every, length, seconds, t0, stop
        self.done = []                      # dicts: mode, params, start, end, ok
        self.errors = []

    def post(self, body):
        r = requests.post(self.url, json=body, timeout=10,
                          headers={"Authorization": f"Bearer {self.token}"})
        if r.status_code != 200:
            raise RuntimeError(f"/_control/fault {body}: HTTP {r.status_code} {r.text[:200]}")

    def run(self):
        k = 0
        while True:
            start = (k + 1) * self.every
            if start + self.length + 30 > self.seconds or self.stop.wait(
                    max(0.0, self.t0 + start - time.monotonic())):
                break
            mode, params = FAULTS[k % len(FAULTS)]
            rec = {"mode": mode, "params": params,
                   "start": round(time.monotonic() - self.t0, 1), "ok": False}
            try:
                self.post({"mode": mode, "paths": "all", **params})
                log(f"fault {mode} {params or ''} on for {self.length:.0f}s")
                self.stop.wait(self.length)
            except (requests.RequestException, RuntimeError) as e:
                self.errors.append(str(e))
            finally:
                try:
                    self.post({"mode": "none"})
                    rec["ok"] = not self.errors
                except (requests.RequestException, RuntimeError) as e:
                    self.errors.append(str(e))
                rec["end"] = round(time.monotonic() - self.t0, 1)
                self.done.append(rec)
            k += 1


# ---- load --------------------------------------------------------------------------------
def kv(line):
    return {k: (float(v) if re.fullmatch(r"-?[0-9.]+", v) else v)
            for k, v in (p.split("=", 1) for p in line.split()[1:])}


def run_loadgen(a, out, rate, seconds, intervals, rss=None):
    """Runs loadgen.c; returns its summary (dict) or None, appending its interval lines to
    intervals (when given) and logging every minute and every interval with failures."""
    gen = subprocess.Popen([a.loadgen, "-u", a.lw_url, "-f", str(out / "templates.tsv"),
                            "-r", str(rate), "-d", str(seconds), "-c", str(a.connections),
                            "-m", str(a.miss_pct), "-q", str(a.query_size), "-i", "10"],
                           stdout=subprocess.PIPE, text=True)
    final = None
    for line in gen.stdout:
        if line.startswith("INTERVAL") and intervals is not None:
            iv = kv(line)
            intervals.append(iv)
            if iv["failed"] or int(iv["t"]) % 60 == 0:
                log(f"t={iv['t']:.0f}s sent={iv['sent']:.0f} failed={iv['failed']:.0f} "
                    f"denied={iv['denied']:.0f} p99={iv['p99_us'] / 1000:.1f}ms "
                    f"rss={mib(rss.samples[-1][1]) if rss and rss.samples else '?'}MiB")
        elif line.startswith("LOADGEN"):
            final = kv(line)
    gen.wait()
    return final


def reference_allowed(lw_url, deadline_s):
    """True once lakeward answers REFERENCE with true (polls: caches may still hold a denial)."""
    end = time.monotonic() + deadline_s
    while True:
        try:
            r = requests.post(f"{lw_url}/v1/data/trino/allow", json=REFERENCE, timeout=10)
            if r.status_code == 200 and r.json().get("result") is True:
                return True
        except (requests.RequestException, ValueError):
            pass
        if time.monotonic() > end:
            return False
        time.sleep(1)


def mib(kib):
    return f"{kib / 1024:.1f}"


def markdown(rep):
    lg, rss, sql = rep["load"], rep["rss"], rep["sql"]
    ms = lambda us: f"{us / 1000:.2f}"       # noqa: E731
    series = rep["rss_series_mib"]
    faults = "\n".join(
        f"| {f['start']:.0f}–{f['end']:.0f} s | {f['mode']} {json.dumps(f['params']) if f['params'] else ''} "
        f"| {f['denied_nearby']:,} | {f['failed_nearby']} |" for f in rep["faults"]) or "| (none) | | | |"
    return f"""{SECTION}

Measured on {rep['date']} by `make soak` (tests/soak/run.sh; SOAK_SECONDS={rep['seconds']:.0f}), lakeward
{rep['commit']} built from the committed tree. **Verdict: {'PASS' if rep['pass'] else 'FAIL'}**
({'; '.join(rep['why_failed']) or 'every criterion held'}). Machine: {rep['machine']}; everything
(lakeward, the load generator, the SQL sessions, the stand-in, OpenFGA, Keycloak, PostgreSQL)
shared its cores, unpinned; load average {rep['load_before']} before, {rep['load_after']} after.

| | |
|---|---:|
| warm-up (not judged) | {rep['warmup_seconds']:.0f} s at {rep['warmup_rate']:.0f}/s: {int(rep['warmup']['ok']):,} ok, {int(rep['warmup']['failed'])} failed |
| duration | {lg['seconds']:.0f} s |
| Trino requests sent (target {rep['rate']:.0f}/s) | {int(lg['requests']):,} ({lg['rate']:.0f}/s achieved; schedule at most {lg['behind_max_ms']:.0f} ms behind) |
| answered 200 with a JSON result | {int(lg['ok']):,} |
| **failed answers** (transport / non-200 / no result) | **{int(lg['failed'])}** ({int(lg['fail_transport'])} / {int(lg['fail_status'])} / {int(lg['fail_body'])}); unanswered at the end: {int(lg['unanswered'])} |
| allowed / denied answers | {int(lg['allowed']):,} / {int(lg['denied']):,} |
| decision-cache misses forced (fresh query id) | {int(lg['misses']):,} ({rep['miss_pct']}% of requests) |
| latency p50 / p90 / p99 / p99.9 / max | {ms(lg['p50_us'])} / {ms(lg['p90_us'])} / {ms(lg['p99_us'])} / {ms(lg['p999_us'])} / {ms(lg['max_us'])} ms |
| SQL sessions / queries / rows read | {sql['sessions']} / {sql['queries']:,} / {sql['rows']:,} |
| SQL errors: expected (42703 by design) / **unexpected** | {sql['expected']:,} / **{sql['unexpected']}** |
| lakeward RSS: after warm-up ({rss['warmup_s']:.0f} s) first third max / last third max / limit | {rss.get('first_third_max_mib')} / {rss.get('last_third_max_mib')} / {rss.get('limit_mib')} MiB: **{'flat' if rss['flat'] else 'NOT flat'}** |
| lakeward RSS min / final; its child processes at the end | {rss['min_mib']} / {rss['final_mib']} MiB; {rss['children_final_mib']} MiB |
| reference decision allowed before / after the faults | {rep['reference_before']} / {rep['reference_after']} |

RSS of lakeward every minute (MiB, sampled every 10 s from /proc/PID/status VmRSS): {', '.join(series)}.

Faults injected through the stand-in's `/_control/fault` (all Lakekeeper paths), each cleared
with `{{"mode": "none"}}` after {rep['fault_seconds']:.0f} s; answers in the 10 s intervals overlapping each fault:

| when | fault | denied answers | failed answers |
|---|---|---:|---:|
{faults}

Method: tests/soak/loadgen.c (libcurl multi, one thread, open loop: latency counted from the
time each request was due, so a stall shows instead of lowering the rate; wrk cannot hold a
fixed rate and wrk2 is not in Debian) sends {rep['rate']:.0f} requests/s over {rep['connections']} kept-alive
connections (enough that decisions waiting on a faulty Lakekeeper do not hold up the cached
ones; Trino's HTTP client opens connections as it needs them), taking in turn {lg['templates']:.0f} bodies: the captured
Trino 476 requests (tests/e2e/captured, all four endpoints) and the shared sample inputs
(their `datalake` catalog once unmanaged, once renamed to the managed `lakekeeper`), each for
{len(USERS)} users (four seed subjects and one unknown), with a query id; {rep['miss_pct']}% of the requests get a
fresh query id (a decision-cache miss), {rep['query_size']} requests per query id as one Trino query
asks many questions (so the per-query broad-access probe is asked once per query), the rest
repeat a body (a hit once warm; the check cache's 5 s TTL still sends checks to Lakekeeper
regularly). lakeward runs with its default configuration; OpenFGA behind the stand-in runs
with its check caches on (60 s), as deployments run it, because uncached it answers only a few
batch-checks per second on this machine and the soak would measure OpenFGA. The run is
preceded by an unjudged warm-up. {sql['sessions']} SQL sessions (psycopg, one connection each, {rep['sql_pause'] * 1000:.0f} ms between
statements) query `lakeward.decisions` (recent denials, records of the last 10 s, a user's
decisions, the slowest Lakekeeper decisions, `version()`); one statement in {BAD_EVERY} is meant to fail
(an unknown column) and must get SQLSTATE 42703 with the session carrying on. Pass criteria:
no failed answer and none unanswered; RSS flat, i.e. after a warm-up of max(60 s, a sixth of
the run) the samples are split into thirds and the last third's maximum may exceed the first
third's by at most 10 % + 8 MiB; no unexpected SQL error; the reference decision allowed before
the load and after the last fault. The report with every sample is `build/soak/report.json`.
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lw-url", required=True)
    ap.add_argument("--pg-port", type=int, required=True)
    ap.add_argument("--lw-pid", type=int, required=True)
    ap.add_argument("--lk-url", required=True)
    ap.add_argument("--control-token", required=True)
    ap.add_argument("--loadgen", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seconds", type=float, default=1800)
    ap.add_argument("--rate", type=float, default=2000)
    ap.add_argument("--connections", type=int, default=128)
    ap.add_argument("--warmup-seconds", type=float, default=45)
    ap.add_argument("--warmup-rate", type=float, default=200)
    ap.add_argument("--miss-pct", type=int, default=20)
    ap.add_argument("--query-size", type=int, default=100)
    ap.add_argument("--sql-sessions", type=int, default=20)
    # 0.25 s: 20 sessions send about 80 statements/s. At 0.05 s (about 200/s, each copying the
    # decision ring) the SQL face took most of a core on this 2-core machine and decisions fell
    # from 2,000/s to about 900/s (measured while building the soak); that is a finding about
    # the SQL face, not a load a dashboard makes.
    ap.add_argument("--sql-pause", type=float, default=0.25)
    ap.add_argument("--fault-every", type=float, default=180)
    ap.add_argument("--fault-seconds", type=float, default=20)
    ap.add_argument("--commit", default="?")
    ap.add_argument("--doc", help="rewrite the Soak section of this file")
    a = ap.parse_args()
    out = pathlib.Path(a.out)
    out.mkdir(parents=True, exist_ok=True)

    tmpl = templates()
    (out / "templates.tsv").write_text("".join(f"{p}\t{b}\n" for p, b in tmpl))
    log(f"{len(tmpl)} request templates; reference decision before the load")
    ref_before = reference_allowed(a.lw_url, 30)
    load_before = " ".join(open("/proc/loadavg").read().split()[:3])

    # Warm-up, not judged: every template several times at a low rate, so that the measured run
    # starts with lakeward's and OpenFGA's caches as a running system has them (a cold start at
    # full rate would queue thousands of requests behind the first Lakekeeper answers).
    log(f"warm-up: {a.warmup_rate:.0f} req/s for {a.warmup_seconds:.0f} s (not judged)")
    warm = run_loadgen(a, out, a.warmup_rate, a.warmup_seconds, None)

    t0 = time.monotonic()
    stop = threading.Event()
    rss = RssSampler(a.lw_pid, 10, t0)
    rss.start()
    sessions = [SqlSession(n, a.pg_port, a.sql_pause, stop) for n in range(a.sql_sessions)]
    for s in sessions:
        s.start()
    faults = FaultInjector(a.lk_url, a.control_token, a.fault_every, a.fault_seconds, a.seconds, t0, stop)
    faults.start()
    log(f"load: {a.rate:.0f} req/s for {a.seconds:.0f} s, {a.sql_sessions} SQL sessions, "
        f"a fault every {a.fault_every:.0f} s for {a.fault_seconds:.0f} s")
    intervals = []
    final = run_loadgen(a, out, a.rate, a.seconds, intervals, rss)
    stop.set()
    faults.join(60)
    for s in sessions:
        s.join(30)
    rss.stop.set()
    rss.join(15)
    ref_after = reference_allowed(a.lw_url, 60)
    if final is None or warm is None:
        log("ERROR: the load generator printed no summary")
        return 2

    for f in faults.done:
        near = [iv for iv in intervals if iv["t"] > f["start"] and iv["t"] - 10 < f["end"]]
        f["denied_nearby"] = int(sum(iv["denied"] for iv in near))
        f["failed_nearby"] = int(sum(iv["failed"] for iv in near))
    rss_verdict = judge_rss(rss.samples, a.seconds)
    unexpected = [u for s in sessions for u in s.unexpected]
    sql = {"sessions": len(sessions), "queries": sum(s.queries for s in sessions),
           "rows": sum(s.rows for s in sessions), "expected": sum(s.expected for s in sessions),
           "unexpected": len(unexpected),
           "unexpected_first": [(round(t - t0, 1), q, e) for t, q, e in unexpected[:10]]}
    why = []
    if final["failed"] or final["unanswered"]:
        why.append(f"{final['failed']:.0f} failed answers, {final['unanswered']:.0f} unanswered")
    if not rss_verdict["flat"]:
        why.append("RSS not flat after warm-up")
    if sql["unexpected"]:
        why.append(f"{sql['unexpected']} unexpected SQL errors")
    if sql["expected"] == 0 and a.sql_sessions:
        why.append("no SQL statement meant to fail was answered with 42703")
    if faults.errors:
        why.append(f"fault injection failed: {faults.errors[0]}")
    if not (ref_before and ref_after):
        why.append("the reference decision was not allowed " + ("after the faults" if ref_before else "before the load"))
    rep = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": a.commit, "seconds": a.seconds, "rate": a.rate, "connections": a.connections,
        "warmup_seconds": a.warmup_seconds, "warmup_rate": a.warmup_rate,
        "miss_pct": a.miss_pct, "query_size": a.query_size, "sql_pause": a.sql_pause, "fault_seconds": a.fault_seconds,
        "machine": f"{os.cpu_count()} CPUs ({cpu_model()}), kernel {os.uname().release}",
        "load_before": load_before, "load_after": " ".join(open("/proc/loadavg").read().split()[:3]),
        "warmup": warm, "load": final, "rss": rss_verdict, "sql": sql, "faults": faults.done,
        "reference_before": ref_before, "reference_after": ref_after,
        "pass": not why, "why_failed": why,
        "rss_series_mib": [mib(s[1]) for s in rss.samples[::6]],
        "rss_samples": rss.samples, "intervals": intervals,
    }
    (out / "report.json").write_text(json.dumps(rep, indent=1))
    md = markdown(rep)
    (out / "report.md").write_text(md)
    print(md)
    if a.doc:
        sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "bench"))
        import bench_doc    # the benchmarks' one section writer
        bench_doc.write_section(SECTION, md, log, pathlib.Path(a.doc))
    log(("PASS" if rep["pass"] else "FAIL: " + "; ".join(why)) + f" (report: {out / 'report.json'})")
    return 0 if rep["pass"] else 1


def cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "?"


if __name__ == "__main__":
    sys.exit(main())

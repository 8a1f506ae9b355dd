"""The Grafana dashboard (helm/lakeward/dashboards): the committed JSON is the generator's
output (Grafana's foundation SDK), and every panel's SQL works as Grafana sends it -- macros
expanded the way Grafana's PostgreSQL data source expands them, run through pgx v5 (the simple
protocol Grafana's query path uses, and pgx's default cache-statement mode), after the health
ping `-- ping` -- with the result shaped as Grafana needs: a `time` column first and ascending
for time series, numeric value columns, text metric columns. Against lakeward serving
`decisions` from the in-memory ring and from the decision store."""
import datetime
import json
import os
import pathlib
import re
import shutil
import subprocess
import time
import uuid

import psycopg
import pytest
import requests

from conftest import client_token
from lakeward_proc import catalog, stack_env

REPO = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("LW_BUILD", REPO / "build"))
DASH = REPO / "helm" / "lakeward" / "dashboards"
CACHE = pathlib.Path(os.environ.get("LAKEWARD_CACHE") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "lakeward"))
GO = shutil.which("go") or "/usr/local/go/bin/go"
NUMERIC_OIDS = {20, 21, 23, 700, 701, 1700}     # int8 int2 int4 float4 float8 numeric
TEXT_OIDS = {25, 1043, 18, 1042, 705}           # text varchar char bpchar unknown
TIME_OIDS = {1184, 1114, 1082}


def go_env(mod, build):
    return dict(os.environ, GOMODCACHE=str(CACHE / "go" / mod), GOCACHE=str(CACHE / "go" / build),
                GOFLAGS="-mod=readonly", GOPROXY="off", GOTOOLCHAIN="local", GOSUMDB="off")


def test_committed_dashboard_is_the_generators_output():
    r = subprocess.run([GO, "run", "."], cwd=DASH / "gen", env=go_env("dash-mod", "dash-build"),
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:] + "\n(modules: tests/stack/install.sh helm)"
    assert json.loads(r.stdout) == json.loads((DASH / "lakeward.json").read_text()), \
        "helm/lakeward/dashboards/lakeward.json is stale: (cd helm/lakeward/dashboards/gen && go run . > ../lakeward.json)"


# --- Grafana's macros (pgwire-compat.md §4.4) ------------------------------------------------

MACRO = re.compile(r"\$([_a-zA-Z0-9]+)\(([^\)]*)\)")


def rfc3339(t):
    """Go's time.RFC3339Nano in UTC: fractional seconds without trailing zeros."""
    s = t.strftime("%Y-%m-%dT%H:%M:%S")
    if t.microsecond:
        s += ("." + f"{t.microsecond:06d}").rstrip("0")
    return s + "Z"


def interval_seconds(arg):
    m = re.fullmatch(r"'?(\d+(?:\.\d+)?)(ms|s|m|h|d)'?", arg.strip())
    assert m, arg
    n = float(m[1]) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}[m[2]]
    return f"{n:g}"     # Go's %v of a float: 60, 300, 0.5


def expand(sql, t_from, t_to, interval_s=60):
    """Grafana's sqleng.Interpolate and the PostgreSQL macro engine, for the macros lakeward's
    panels may use."""
    sql = sql.replace("$__interval_ms", str(interval_s * 1000))
    sql = sql.replace("$__interval", f"{interval_s}s" if interval_s < 60 else f"{interval_s // 60}m")
    sql = sql.replace("$__unixEpochFrom()", str(int(t_from.timestamp())))
    sql = sql.replace("$__unixEpochTo()", str(int(t_to.timestamp())))
    f, t = rfc3339(t_from), rfc3339(t_to)

    def one(m):
        name, args = m[1], [a.strip() for a in m[2].split(",")]
        after = m.string[m.end():m.end() + 1]
        if name == "__timeGroup" and after == ",":
            name = "__timeGroupAlias"       # pre-5.3 compatibility, as Grafana does
        if name == "__time":
            return f'{args[0]} AS "time"'
        if name == "__timeEpoch":
            return f'extract(epoch from {args[0]}) as "time"'
        if name == "__timeFilter":
            return f"{args[0]} BETWEEN '{f}' AND '{t}'"
        if name == "__timeFrom":
            return f"'{f}'"
        if name == "__timeTo":
            return f"'{t}'"
        if name in ("__timeGroup", "__timeGroupAlias"):
            s = interval_seconds(args[1])
            g = f"floor(extract(epoch from {args[0]})/{s})*{s}"
            return g + (' AS "time"' if name == "__timeGroupAlias" else "")
        if name == "__unixEpochFilter":
            return f"{args[0]} >= {int(t_from.timestamp())} AND {args[0]} <= {int(t_to.timestamp())}"
        if name in ("__unixEpochGroup", "__unixEpochGroupAlias"):
            s = interval_seconds(args[1])
            g = f"floor(({args[0]})/{s})*{s}"
            return g + (' AS "time"' if name == "__unixEpochGroupAlias" else "")
        raise AssertionError(f"macro ${name} is not one Grafana's PostgreSQL data source knows")
    return MACRO.sub(one, sql)


def test_macro_expansion_matches_grafanas():
    a = datetime.datetime(2018, 4, 12, 18, 0, 0, tzinfo=datetime.timezone.utc)
    b = datetime.datetime(2018, 4, 12, 18, 5, 0, 500000, tzinfo=datetime.timezone.utc)
    assert expand("WHERE $__timeFilter(ts)", a, b) == \
        "WHERE ts BETWEEN '2018-04-12T18:00:00Z' AND '2018-04-12T18:05:00.5Z'"
    assert expand("$__timeGroupAlias(ts,'5m')", a, b) == 'floor(extract(epoch from ts)/300)*300 AS "time"'
    assert expand("$__timeGroup(ts, '5m'), x", a, b) == 'floor(extract(epoch from ts)/300)*300 AS "time", x'
    assert expand("BY $__timeGroup(ts, '1m') ORDER", a, b) == "BY floor(extract(epoch from ts)/60)*60 ORDER"


# --- panels against a running lakeward --------------------------------------------------------

def panels():
    dash = json.loads((DASH / "lakeward.json").read_text())
    return [(p["title"], p["targets"][0]["format"], p["targets"][0]["rawSql"]) for p in dash["panels"]]


@pytest.fixture(scope="module")
def grafanacheck(tmp_path_factory):
    exe = tmp_path_factory.mktemp("drivers") / "grafanacheck"
    r = subprocess.run([GO, "build", "-o", str(exe), "./grafana"], cwd=REPO / "tests/drivers/pgx",
                       env=go_env("drivers-mod", "drivers-build"), capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr[-2000:] + "\n(modules: tests/stack/install.sh drivers)"
    return exe


@pytest.fixture
def store_db(stack):
    base = f"postgresql://{stack['PG_USER']}@{stack['PG_HOST']}:{stack['PG_PORT']}"
    name = "lw_dash_" + uuid.uuid4().hex[:12]
    with psycopg.connect(base + "/postgres", autocommit=True) as c:
        c.execute(f"CREATE DATABASE {name}")
    yield f"{base}/{name}"
    with psycopg.connect(base + "/postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def table(name):
    return {"table": {"catalogName": "lakekeeper", "schemaName": "finance", "tableName": name,
                      "columns": ["a"]}}


def make_decisions(lw):
    """Allowed and denied decisions of several users; returns how many were made."""
    n = 0
    for i in range(6):
        assert lw.allow("dash-alice", "ExecuteQuery") is True
        n += 1
    for user, t in [("dash-bob", "revenue"), ("dash-bob", "revenue"), ("dash-carol", "salaries")]:
        lw.allow(user, "SelectFromColumns", resource=table(t))
        n += 1
    assert lw.allow("dash-carol", "AccessCatalog", resource=catalog("unmapped")) is False
    return n + 1


# Panels that read the OpenFGA mirror's tables (grants, grant_history, lakeward_state): they
# need lakeward started with OpenFGA and Grafana's login an administrator (lakeward_state), so
# test_mirror_panels runs them; test_every_panel_as_grafana_runs_it runs all the others.
MIRROR_PANELS = {"Grant changes", "Grants now", "Mirror lag"}


def last_hour():
    now = datetime.datetime.now(datetime.timezone.utc)
    return now - datetime.timedelta(hours=1), now + datetime.timedelta(seconds=5)


def run_panels(grafanacheck, lw, titles, time_range=None):
    """The named panels' SQL, macros expanded for time_range (default: the last hour), through
    pgx as Grafana runs it; checks each result's shape and returns the reports by panel title."""
    t_from, t_to = time_range or last_hour()
    queries = [{"name": title, "sql": expand(sql, t_from, t_to)} for title, _, sql in panels()
               if title in titles]
    assert len(queries) == len(titles), titles
    dsn = f"postgres://grafana@127.0.0.1:{lw.pg_port}/lakeward?sslmode=disable"
    r = subprocess.run([str(grafanacheck), dsn], input=json.dumps(queries), capture_output=True,
                       text=True, timeout=300, env=dict(os.environ, TZ="UTC"))
    assert r.returncode == 0, r.stderr[-2000:]
    reports = {rep["name"]: rep for rep in map(json.loads, r.stdout.splitlines())}
    formats = {title: fmt for title, fmt, _ in panels()}
    assert set(reports) == set(titles)
    for title, rep in reports.items():
        where = f"panel {title!r}"
        assert rep["ping"] == "ok", where
        s, e = rep["simple"], rep["extended"]
        assert not s.get("error"), f"{where}: {s.get('error')}"
        assert not e.get("error"), f"{where}: {e.get('error')}"
        assert s["rows"], f"{where}: no rows"
        assert [c["name"] for c in s["columns"]] == [c["name"] for c in e["columns"]], where
        assert len(s["rows"]) == len(e["rows"]), where
        cols = s["columns"]
        if formats[title] == "time_series":
            assert cols[0]["name"] == "time", where
            assert cols[0]["oid"] in NUMERIC_OIDS | TIME_OIDS, where
            times = [time_value(row[0], cols[0]["oid"]) for row in s["rows"]]
            assert times == sorted(times), f"{where}: time not ascending"
            for c in cols[1:]:
                assert c["oid"] in NUMERIC_OIDS | TEXT_OIDS, f"{where}: column {c}"
            assert sum(c["oid"] in TEXT_OIDS for c in cols) <= 1, f"{where}: one metric column"
        else:
            assert cols, where
        for row in s["rows"]:
            for c, v in zip(cols, row):
                if c["oid"] in NUMERIC_OIDS and v != "\x00NULL":
                    float(v)        # Grafana converts every non-string column to float64
    return reports


@pytest.mark.parametrize("backend", ["ring", "store"])
def test_every_panel_as_grafana_runs_it(stack, lakeward_factory, grafanacheck, request, backend):
    extra = {}
    if backend == "store":
        extra["LAKEWARD_DECISION_STORE_DSN"] = request.getfixturevalue("store_db")
    lw = lakeward_factory(stack_env(stack, LAKEWARD_DECISION_CACHE_TTL_MS=0, **extra))
    made = make_decisions(lw)
    if backend == "store":
        # Older decisions straight into the store, so time series span several buckets.
        dsn = extra["LAKEWARD_DECISION_STORE_DSN"]
        deadline = time.time() + 20
        while lw.metric("lakeward_decision_store_written_total") < made:
            assert time.time() < deadline, "decisions never reached the store"
            time.sleep(0.05)
        with psycopg.connect(dsn) as c:
            for minutes in (3, 7, 7, 12):
                c.execute("INSERT INTO lakeward_decisions (time, replica, decision_id, user_name, "
                          "operation, endpoint, allowed, items, allowed_items, lakekeeper_calls, "
                          "cache_hits, latency_ms, record) VALUES (now() - %s * interval '1 minute', "
                          "'old', %s, 'dash-dave', 'SelectFromColumns', 'allow', false, 1, 0, 1, 0, "
                          "2.5, %s)", (minutes, str(uuid.uuid4()),
                                       json.dumps({"resources": [table("old")]})))
                made += 1
            # One minute holding only these five latencies: the percentile panel must give
            # PostgreSQL's percentile_cont of them (interpolated between neighbours).
            for latency in (4, 1, 10, 3, 2):
                c.execute("INSERT INTO lakeward_decisions (time, replica, decision_id, user_name, "
                          "operation, endpoint, allowed, items, allowed_items, lakekeeper_calls, "
                          "cache_hits, latency_ms, record) VALUES (now() - interval '20 minutes', "
                          "'old', %s, 'dash-erin', 'ExecuteQuery', 'allow', true, 1, 1, 0, 1, "
                          "%s, '{}')", (str(uuid.uuid4()), latency))
                made += 1
    reports = run_panels(grafanacheck, lw, [t for t, _, _ in panels() if t not in MIRROR_PANELS])
    check_answers(reports, made, backend)


def time_value(text, oid):
    """A time column's value (an epoch number or a timestamp, both of which Grafana takes) as
    epoch seconds."""
    if oid in NUMERIC_OIDS:
        return float(text)
    return datetime.datetime.fromisoformat(text).timestamp()


def values(rep, col):
    names = [c["name"] for c in rep["simple"]["columns"]]
    return [row[names.index(col)] for row in rep["simple"]["rows"]]


def check_answers(reports, made, backend):
    """What the panels say matches the decisions made."""
    rate = reports["Decisions per second by result"]
    total = sum(float(v) * 60 for v in values(rate, "value"))
    assert round(total) == made, (total, made)
    assert set(values(rate, "metric")) == {"allowed", "denied"}
    denials = reports["Denials by user"]
    users = set(values(denials, "metric"))
    assert {"dash-bob", "dash-carol"} <= users and "dash-alice" not in users
    by_table = reports["Denials by table"]
    assert "lakekeeper.finance.revenue" in values(by_table, "metric")
    top = reports["Top denied objects"]
    objs = dict(zip(values(top, "object"), map(int, values(top, "denials"))))
    assert objs["lakekeeper.finance.revenue"] == 2 and objs["unmapped"] == 1
    if backend == "store":
        assert objs["lakekeeper.finance.old"] == 4
        assert len(values(rate, "time")) >= 4         # several minutes, ascending (checked above)
    lat = reports["Decision latency percentiles"]
    pcts = [tuple(map(float, p)) for p in zip(values(lat, "p50"), values(lat, "p95"),
                                              values(lat, "p99"))]
    assert pcts and all(p50 <= p95 <= p99 for p50, p95, p99 in pcts)
    if backend == "store":      # 1 2 3 4 10: p50 3, p95 4 + 0.8 * 6, p99 4 + 0.96 * 6
        assert any(all(abs(a - b) < 1e-9 for a, b in zip(p, (3, 8.8, 9.76))) for p in pcts), pcts
    lk = reports["Lakekeeper calls and cache hit ratio"]
    assert all(0 <= float(v) <= 1 for v in values(lk, "cache_hit_ratio"))
    assert sum(float(v) for v in values(lk, "lakekeeper_calls")) >= 1
    # access_history: one row per denied (query, object); a user's requests without a query id
    # may fall in two minute windows, so counts are summed per (user, object)
    acc = reports["Denied accesses by query"]
    denied = {}
    for user, obj, cols, n in zip(values(acc, "user_name"), values(acc, "object_name"),
                                  values(acc, "columns_denied"), values(acc, "denied_requests")):
        key = (user, obj)
        denied[key] = (denied.get(key, (0, cols))[0] + int(n), cols)
    assert denied[("dash-bob", "lakekeeper.finance.revenue")] == (2, "a")
    assert denied[("dash-carol", "lakekeeper.finance.salaries")] == (1, "a")
    assert denied[("dash-carol", "unmapped")][0] == 1
    assert not [k for k in denied if k[0] == "dash-alice"]
    if backend == "store":
        assert denied[("dash-dave", "lakekeeper.finance.old")] == (4, "a")


# --- the OpenFGA mirror's panels ----------------------------------------------------------------

DEMO_WH = "00000000-0000-4000-8000-00000000d001"         # the seed's demo warehouse
DEMO_REVENUE = "00000000-0000-4000-8000-00000000f102"    # demo.finance.revenue


def assign(stack, verb, principal):
    """Writes ("writes") or deletes ("deletes") a select grant on demo.finance.revenue through
    the stand-in's assignments API, as Lakekeeper's UI would."""
    r = requests.post(f"{stack['LK_URL']}/management/v1/permissions/warehouse/{DEMO_WH}/table/"
                      f"{DEMO_REVENUE}/assignments", timeout=10,
                      json={verb: [{"type": "select", "user": principal}]},
                      headers={"Authorization": "Bearer " + client_token(stack, "lakeward")})
    assert r.status_code == 204, r.text


def test_mirror_panels(stack, lakeward_factory, grafanacheck):
    """Grants now, Grant changes and Mirror lag as Grafana runs them, against lakeward with the
    OpenFGA mirror: a grant and a revoke written through the stand-in move the panels' numbers
    by exactly one, and the lag is the mirror's own."""
    assert MIRROR_PANELS <= {t for t, _, _ in panels()}
    lw = lakeward_factory(stack_env(
        stack, LAKEWARD_OPENFGA_URL=stack["OPENFGA_URL"],
        LAKEWARD_OPENFGA_STORE_ID=stack["OPENFGA_STORE_ID"],
        LAKEWARD_OPENFGA_MODEL_ID=stack["OPENFGA_MODEL_ID"], LAKEWARD_PG_ADMINS="grafana",
        LAKEWARD_FGA_MIRROR_INTERVAL_MS=500, LAKEWARD_UPSTREAM_TIMEOUT_MS=30000))
    conn = psycopg.connect(host="127.0.0.1", port=lw.pg_port, user="grafana", dbname="lakeward",
                           connect_timeout=10, autocommit=True)

    def sql(q, *args):
        return conn.execute(q, args).fetchone()[0]

    def poll(fn, bound_s=60):       # a hang bound only: syncs stretch on a loaded machine
        end = time.monotonic() + bound_s
        while not fn():
            assert time.monotonic() < end, "never happened"
            time.sleep(0.05)

    with conn:
        poll(lambda: sql("SELECT value FROM lakeward_state WHERE component = 'fga_mirror' "
                         "AND name = 'loaded'") == "true")
        user = f"oidc~dash-{uuid.uuid4()}"
        before_grants = sql("SELECT count(*) FROM grants")
        assign(stack, "writes", user)
        poll(lambda: sql("SELECT count(*) FROM grants WHERE principal = %s", user) == 1)
        assign(stack, "deletes", user)
        poll(lambda: sql("SELECT count(*) FROM grant_history WHERE principal = %s", user) == 2)
        assign(stack, "writes", user)
        poll(lambda: sql("SELECT count(*) FROM grants WHERE principal = %s", user) == 1)
        # what the panels must say, from the tables themselves (the test's own count)
        want_total = sql("SELECT count(*) FROM grants")
        want_roles = sql("SELECT count(*) FROM grants WHERE principal_type = 'role'")
        # the panel's range, so a change near its start counts on both sides or on neither
        t_from, t_to = last_hour()
        ops = ("SELECT count(*) FROM grant_history WHERE operation = %s "
               "AND changed_at BETWEEN %s AND %s")
        want_g = sql(ops, "grant", t_from, t_to)
        want_r = sql(ops, "revoke", t_from, t_to)
        reports = run_panels(grafanacheck, lw, sorted(MIRROR_PANELS), (t_from, t_to))
        lag_ms = int(sql("SELECT value FROM lakeward_state WHERE component = 'fga_mirror' "
                         "AND name = 'lag_ms'"))
    assert want_total == before_grants + 1
    now = reports["Grants now"]
    assert [int(v) for v in values(now, "grants")] == [want_total]
    assert [int(v) for v in values(now, "role_grants")] == [want_roles]
    changes = reports["Grant changes"]
    grants = sum(int(v) for v in values(changes, "grants"))
    revokes = sum(int(v) for v in values(changes, "revokes"))
    assert grants >= 2 and revokes >= 1         # this test's own, at least
    assert (grants, revokes) == (want_g, want_r)
    lag = [float(v) for v in values(reports["Mirror lag"], "lag_seconds")]
    # the mirror syncs every 0.5 s; its lag read just after the panel is of the same order
    assert len(lag) == 1 and 0 <= lag[0] < 60 and lag_ms < 60000

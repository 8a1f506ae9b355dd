"""The SQL that real clients send (issue 7): all 84 psql, 19 Grafana and 5 pgJDBC statements
captured on the wire (the reference pgwire/*-queries.sql files) run on lakeward and on the
test stack's PostgreSQL 15. Rows differ (the catalogs hold different objects), so only the
result shape is compared: column names and type OIDs, or the kind of answer (empty query,
error SQLSTATE). AGREE / UNSUPPORTED (0A000) / DISAGREE as in test_sqldiff.py; a different
column set is a DISAGREE. Fails on any DISAGREE or crash and below the `captured` ratchet.

Grafana's panel and query-builder statements name a user table `metrics(ts, value, host)`;
here they run over lakeward's own decision log, with the same mapping on both servers:
metrics -> lakeward.decisions, ts -> "time", value -> latency_ms, host -> user_name
(literal table and schema names and the schemads parameters likewise)."""
import re

import pytest

import pgdiff
from corpus import CAPTURES, EXPECTED, read_captures


# Grafana's `metrics` table mapped onto lakeward.decisions (see the module comment).
GRAFANA_MAP = [
    (r'"public"\."metrics"', '"lakeward"."decisions"'),
    (r"'public\.metrics'", "'lakeward.decisions'"),
    (r"'metrics'", "'decisions'"),
    (r"'public'", "'lakeward'"),
    (r"\bFROM metrics\b", "FROM lakeward.decisions"),
    (r'(?<!["\w])ts\b', '"time"'),
    (r'(?<!["\w])value\b(?!")', "latency_ms"),
    (r'"host"', '"user_name"'),
    (r"(?<![\"'\w])host\b(?!['\"])", "user_name"),
]
GRAFANA_PARAMS = {"public": "lakeward", "metrics": "decisions"}


def to_decisions(sql, params):
    for pattern, repl in GRAFANA_MAP:
        sql = re.sub(pattern, repl, sql)
    if params:
        params = [GRAFANA_PARAMS.get(p, p) for p in params]
    return sql, params


def captured_queries():
    queries = []
    for name in EXPECTED:
        for n, (title, sql, params, types) in enumerate(read_captures(CAPTURES / name), 1):
            if name.startswith("grafana"):
                sql, params = to_decisions(sql, params)
            queries.append(pgdiff.Query(f"{name}#{n} {title[:60]}", sql, params, types))
    return queries


pytestmark = pytest.mark.skipif(not CAPTURES.is_dir(), reason=f"no captures in {CAPTURES}")


def test_captures_complete():
    for name, count in EXPECTED.items():
        assert len(read_captures(CAPTURES / name)) == count, name


def test_grafana_mapping():
    sql, params = to_decisions(
        "SELECT floor(extract(epoch from ts)/60)*60 AS \"time\", avg(value) AS \"value\", "
        "host AS metric FROM metrics WHERE ts BETWEEN 'a' AND 'b' GROUP BY 1, host",
        ["public", "metrics"])
    assert sql == ("SELECT floor(extract(epoch from \"time\")/60)*60 AS \"time\", "
                   "avg(latency_ms) AS \"value\", user_name AS metric FROM lakeward.decisions "
                   "WHERE \"time\" BETWEEN 'a' AND 'b' GROUP BY 1, user_name")
    assert params == ["lakeward", "decisions"]
    sql, _ = to_decisions("SELECT 'host' AS col_name, \"host\"::text AS val FROM (SELECT "
                          "DISTINCT \"host\" FROM \"public\".\"metrics\") sub_0", None)
    assert sql == ("SELECT 'host' AS col_name, \"user_name\"::text AS val FROM (SELECT "
                   "DISTINCT \"user_name\" FROM \"lakeward\".\"decisions\") sub_0")


def test_captured(pg_conninfo, lakeward_target):
    target = lakeward_target
    queries = captured_queries()
    results, notes = pgdiff.run_all(queries, pg_conninfo, target, rows_too=False,
                                    pg_must_succeed=True)
    counts, line = pgdiff.write_reports("captured", results, len(queries), notes)
    print(line, *notes, sep="\n")
    bad, text = pgdiff.failures(results)
    assert not bad, f"{len(bad)} DISAGREE/CRASH (all in sqldiff-captured-*.txt):\n{text}"
    assert target.restarts == 0 and target.lw.proc.poll() is None, "lakeward died during the run"
    floor = pgdiff.read_ratchet("captured")
    assert counts[pgdiff.AGREE] >= floor, \
        f"{counts[pgdiff.AGREE]} AGREE is below the ratchet {floor} (ratchet.txt)"

"""lakeward.access_history and lakeward.decisions for real Trino queries on the real Iceberg
connector (issue 9, acceptance): airflow-sp-2 reads finance.product (allowed: select on it)
and finance.revenue (denied: nobody's but its owner's); both queries appear in decisions with
the outcomes of lakeward's own decision log, and in access_history as two queries with the
right tables, columns and outcomes, computed here from the decision records independently.
airflow-sp-2's own session (principal oidc~<sub>) sees the same rows and nobody else's."""
from __future__ import annotations

import datetime
import time
from typing import Any

import psycopg

from e2e_support import CAT, SP1, SP2
from trino_client import TrinoError


def run(lw, client, sql: str, user: str) -> tuple[Any, list[dict[str, Any]]]:
    first = lw.marker()
    try:
        out: Any = client.execute(sql, user=user).rows
    except TrinoError as e:
        out = e
    last = lw.marker()
    return out, lw.between(first, last)


def sql(lw, user: str, query: str, params=None) -> list[tuple]:
    with psycopg.connect(host="127.0.0.1", port=lw.proc.pg_port, user=user, dbname="lakeward",
                         autocommit=True) as c:
        return c.execute(query, params).fetchall()


def table_reads(recs: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    """The /allow SelectFromColumns records of this run on table `name`."""
    return [d for d in recs if d.get("operation") == "SelectFromColumns"
            and d.get("endpoint") == "allow"
            and any((r.get("table") or {}).get("tableName") == name for r in d["resources"])]


def test_trino_queries_in_decisions_and_access_history(trino, lakeward_service, seed_mirror):
    lw = lakeward_service
    c = trino(SP2)
    since = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=1)
    ok, ok_recs = run(lw, c, f"SELECT id, name FROM {CAT}.finance.product ORDER BY id", SP2)
    assert not isinstance(ok, TrinoError), ok
    denied, denied_recs = run(lw, c, f"SELECT amount FROM {CAT}.finance.revenue", SP2)
    assert isinstance(denied, TrinoError) and denied.access_denied, denied

    # decisions: every record of the two runs, with the log's outcome
    want = {d["decision_id"]: d for d in ok_recs + denied_recs}
    got = {r[0]: r for r in sql(lw, "lakeward", "SELECT decision_id, user_name, operation, allowed "
                                              "FROM lakeward.decisions WHERE user_name = %s", (SP2,))}
    for did, d in want.items():
        assert did in got, d
        allowed = d["result"] is True or (isinstance(d["result"], list) and bool(d["result"]))
        assert got[did][1:] == (SP2, d["operation"], allowed), (got[did], d)

    # access_history: the two queries, from the records (what the test expects)
    prod_reads, rev_reads = table_reads(ok_recs, "product"), table_reads(denied_recs, "revenue")
    assert prod_reads and all(d["result"] is True for d in prod_reads), ok_recs
    assert rev_reads and all(d["result"] is False for d in rev_reads), denied_recs
    prod_cols = {col for d in prod_reads for r in d["resources"] for col in r["table"]["columns"]}
    rev_cols = {col for d in rev_reads for r in d["resources"] for col in r["table"]["columns"]}
    assert prod_cols == {"id", "name"} and rev_cols == {"amount"}

    q = ("SELECT query_key, object_name, columns, columns_allowed, columns_denied, allowed, "
         "operations FROM lakeward.access_history WHERE user_name = %s AND object_type = 'table' "
         "AND first_time >= %s AND object_name IN (%s, %s) ORDER BY first_time")
    args = (SP2, since, f"{CAT}.finance.product", f"{CAT}.finance.revenue")
    deadline = time.monotonic() + 10
    rows = sql(lw, "lakeward", q, args)
    while len(rows) < 2 and time.monotonic() < deadline:   # a hang bound only
        time.sleep(0.2)
        rows = sql(lw, "lakeward", q, args)
    by_name = {r[1]: r for r in rows}
    assert set(by_name) == {f"{CAT}.finance.product", f"{CAT}.finance.revenue"}, rows
    prod, rev = by_name[f"{CAT}.finance.product"], by_name[f"{CAT}.finance.revenue"]
    assert prod[0] != rev[0], rows          # two queries, not one
    assert set(prod[2]) >= prod_cols and set(prod[3]) >= prod_cols and prod[4] == [] and prod[5]
    assert "SelectFromColumns" in prod[6]
    assert set(rev[2]) >= rev_cols and set(rev[4]) >= rev_cols and rev[5] is False
    assert "SelectFromColumns" in rev[6]

    # airflow-sp-2's own session sees the same rows and no other user's
    mine = sql(lw, f"oidc~{SP2}", q, args)
    assert sorted(map(repr, mine)) == sorted(map(repr, rows))
    assert sql(lw, f"oidc~{SP2}", "SELECT DISTINCT user_name FROM lakeward.access_history") == [(SP2,)]
    assert sql(lw, f"oidc~{SP2}", "SELECT count(*) FROM lakeward.decisions WHERE user_name = %s",
               (SP1,)) == [(0,)]

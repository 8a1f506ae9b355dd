"""lakeward.access_history (authz/authz_access_sql.c) and who sees which decisions: Trino-shaped
requests posted to /v1/data/trino/allow and /batch, decided against the real stack, come back
grouped into queries and objects, with the columns asked and the outcomes the endpoints
answered; from the ring and from the decision store (with time ranges pushed to PostgreSQL and
the same answers as without); administrators see every row of decisions and access_history,
other principals only their own Trino user's (oidc~<sub> is Trino user <sub>), and a principal
that matches no Trino user sees nothing. The docs' cookbook queries run as written."""
import datetime
import json
import subprocess
import time
import uuid

import psycopg
import pytest

from conftest import REPO, SUBJECTS
from lakeward_proc import stack_env, table

SP1 = SUBJECTS["airflow-sp-1"]      # modify on warehouse demo
SP2 = SUBJECTS["airflow-sp-2"]      # select on finance.product only
CAT = "lakekeeper"
ADMIN = "a9admin"

COLS = ("query_key, query_id, user_name, first_time, last_time, object_type, object_name, "
        "catalog_name, schema_name, table_name, columns, columns_allowed, columns_denied, "
        "operations, allowed, requests, denied_requests, partial")


def connect(lw, user):
    return psycopg.connect(host="127.0.0.1", port=lw.pg_port, user=user, dbname="lakeward",
                           autocommit=True)


def rows(lw, user, where="", params=None):
    with connect(lw, user) as c:
        cur = c.execute(f"SELECT {COLS} FROM lakeward.access_history {where}", params)
        names = [d.name for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]


def psql(lw, user, command):
    r = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(lw.pg_port), "-U", user,
                        "-d", "lakeward", "-X", "-A", "-t", "-F", "|", "-v", "ON_ERROR_STOP=1",
                        "-c", command], capture_output=True, text=True, timeout=30,
                       env={"PATH": "/usr/bin:/bin", "PGCONNECT_TIMEOUT": "10"})
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()


def post_queries(lw, qid):
    """Three Trino queries: sp-2's with a query id (a read allowed, one denied, a FilterTables
    batch with one of each), sp-2's without one, sp-1's without one (allowed)."""
    prod = table(CAT, "finance", "product", ["id", "name"])
    rev = table(CAT, "finance", "revenue", ["amount"])
    assert lw.allow(SP2, "ExecuteQuery", query_id=qid) is True
    assert lw.allow(SP2, "SelectFromColumns", prod, query_id=qid) is True
    assert lw.allow(SP2, "SelectFromColumns", rev, query_id=qid) is False
    assert lw.batch(SP2, "FilterTables", [table(CAT, "finance", "product"),
                                          table(CAT, "finance", "revenue")], query_id=qid) == [0]
    time.sleep(0.01)
    assert lw.allow(SP2, "ExecuteQuery") is True
    assert lw.allow(SP2, "SelectFromColumns", table(CAT, "finance", "product", ["id"])) is True
    assert lw.allow(SP1, "ExecuteQuery") is True
    assert lw.allow(SP1, "SelectFromColumns", rev) is True


def by_object(rs):
    return {(r["query_key"], r["object_type"], r["object_name"]): r for r in rs}


def check_grouping(rs, qid):
    """What post_queries' requests must have become."""
    mine = [r for r in rs if r["query_id"] == qid]
    objs = {(r["object_type"], r["object_name"]): r for r in mine}
    assert set(objs) == {("query", None), ("table", f"{CAT}.finance.product"),
                         ("table", f"{CAT}.finance.revenue")}, mine
    prod, rev = objs[("table", f"{CAT}.finance.product")], objs[("table", f"{CAT}.finance.revenue")]
    assert (prod["catalog_name"], prod["schema_name"], prod["table_name"]) == (CAT, "finance", "product")
    assert prod["columns"] == ["id", "name"] and prod["columns_allowed"] == ["id", "name"]
    assert prod["columns_denied"] == [] and prod["allowed"] is True
    assert sorted(prod["operations"]) == ["FilterTables", "SelectFromColumns"]
    assert (prod["requests"], prod["denied_requests"]) == (2, 0)
    assert rev["columns"] == ["amount"] and rev["columns_denied"] == ["amount"]
    assert rev["columns_allowed"] == [] and rev["allowed"] is False
    assert (rev["requests"], rev["denied_requests"]) == (2, 2)
    assert objs[("query", None)]["operations"] == ["ExecuteQuery"]
    assert all(r["query_key"] == qid and r["user_name"] == SP2 and not r["partial"] for r in mine)
    assert len({(r["first_time"], r["last_time"]) for r in mine}) == 1
    assert mine[0]["first_time"] < mine[0]["last_time"]
    # without a query id: grouped from each user's ExecuteQuery
    sp2 = [r for r in rs if r["user_name"] == SP2 and r["query_id"] is None]
    assert {(r["object_type"], r["object_name"]) for r in sp2} == {("query", None),
                                                                    ("table", f"{CAT}.finance.product")}
    assert len({r["query_key"] for r in sp2}) == 1 and sp2[0]["query_key"] != qid
    sp1 = [r for r in rs if r["user_name"] == SP1]
    sp1_rev = [r for r in sp1 if r["object_name"] == f"{CAT}.finance.revenue"]
    assert len(sp1_rev) == 1 and sp1_rev[0]["allowed"] and sp1_rev[0]["columns_allowed"] == ["amount"]
    assert len({r["query_key"] for r in sp1}) == 1


def check_visibility(lw, qid):
    """Admins see all users; oidc~<sp-2> only sp-2's rows (decisions too); a plain `bob`
    nothing; asking for another user gives no rows."""
    every = rows(lw, ADMIN)
    assert {SP1, SP2} <= {r["user_name"] for r in every}
    own = rows(lw, f"oidc~{SP2}")
    assert own and {r["user_name"] for r in own} == {SP2}
    assert sorted(map(str, own), key=str) == sorted(
        (map(str, [r for r in every if r["user_name"] == SP2])), key=str)
    assert rows(lw, f"oidc~{SP2}", "WHERE user_name = %s", (SP1,)) == []
    assert rows(lw, "bob") == [] and rows(lw, "oidc~") == []
    with connect(lw, ADMIN) as c:
        all_users = {u for (u,) in c.execute("SELECT DISTINCT user_name FROM lakeward.decisions")}
    assert {SP1, SP2} <= all_users
    with connect(lw, f"oidc~{SP2}") as c:
        assert {u for (u,) in c.execute("SELECT DISTINCT user_name FROM lakeward.decisions")} == {SP2}
        assert c.execute("SELECT count(*) FROM lakeward.decisions WHERE user_name = %s",
                         (SP1,)).fetchone() == (0,)
    with connect(lw, "bob") as c:
        assert c.execute("SELECT count(*) FROM lakeward.decisions").fetchone() == (0,)
    # psql, as sp-2: its own query's denied table
    out = psql(lw, f"oidc~{SP2}", "SELECT object_name, columns_denied FROM lakeward.access_history "
                                  f"WHERE query_id = '{qid}' AND NOT allowed")
    assert out == [f"{CAT}.finance.revenue|{{amount}}"], out


@pytest.fixture
def ring_lw(stack, lakeward_factory):
    return lakeward_factory(stack_env(stack, LAKEWARD_DECISION_CACHE_TTL_MS=0,
                                      LAKEWARD_PG_ADMINS=ADMIN))


def test_ring_groups_queries_and_objects(ring_lw):
    qid = f"20261128_a9_{uuid.uuid4().hex[:8]}"
    post_queries(ring_lw, qid)
    check_grouping(rows(ring_lw, ADMIN), qid)
    check_visibility(ring_lw, qid)


# ---- the decision store ----

def admin_dsn(stack, db="postgres"):
    return f"postgresql://{stack['PG_USER']}@{stack['PG_HOST']}:{stack['PG_PORT']}/{db}"


@pytest.fixture
def store_db(stack):
    name = "lw_a9_" + uuid.uuid4().hex[:12]
    with psycopg.connect(admin_dsn(stack), autocommit=True) as c:
        c.execute(f"CREATE DATABASE {name}")
    yield admin_dsn(stack, name)
    with psycopg.connect(admin_dsn(stack), autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def wait_written(lw, want, timeout=20):
    deadline = time.time() + timeout
    while lw.metric("lakeward_decision_store_written_total") < want:
        assert time.time() < deadline, "the decision store did not take the decisions"
        time.sleep(0.05)


def store_row(db, when, user, op, qid=None, resource=None, allowed=True):
    """A decision written straight into the store, as lakeward's writer would."""
    rec = {"time_ms": int(when.timestamp() * 1000), "decision_id": str(uuid.uuid4()),
           "query_id": qid, "user": user, "operation": op, "endpoint": "allow",
           "resources": [resource] if resource else [], "resources_total": 1 if resource else 0,
           "result": allowed}
    with psycopg.connect(db, autocommit=True) as c:
        c.execute("INSERT INTO lakeward_decisions (time, replica, decision_id, query_id, user_name,"
                  " operation, endpoint, allowed, items, allowed_items, record) VALUES"
                  " (%s, 'a9', %s, %s, %s, %s, 'allow', %s, 1, %s, %s)",
                  (when, rec["decision_id"], qid, user, op, allowed, int(allowed), json.dumps(rec)))


def test_store_groups_and_pushes_time_exactly(stack, store_db, lakeward_factory):
    lw = lakeward_factory(stack_env(stack, LAKEWARD_DECISION_STORE_DSN=store_db,
                                    LAKEWARD_DECISION_CACHE_TTL_MS=0, LAKEWARD_PG_ADMINS=ADMIN))
    qid = f"20261128_a9_{uuid.uuid4().hex[:8]}"
    post_queries(lw, qid)
    wait_written(lw, 8)
    check_grouping(rows(lw, ADMIN), qid)
    check_visibility(lw, qid)

    # Queries that straddle a time bound: a query id whose decisions are two hours apart, and
    # a query without one whose ExecuteQuery came 50 s before its table request.
    now = datetime.datetime.now(datetime.timezone.utc)
    user = f"a9-{uuid.uuid4().hex[:6]}"
    long_q = f"long_{uuid.uuid4().hex[:8]}"
    rev = table(CAT, "finance", "revenue", ["amount"])
    store_row(store_db, now - datetime.timedelta(hours=2), user, "ExecuteQuery", long_q)
    store_row(store_db, now - datetime.timedelta(seconds=5), user, "SelectFromColumns", long_q, rev,
              allowed=False)
    store_row(store_db, now - datetime.timedelta(seconds=80), user, "ExecuteQuery")
    store_row(store_db, now - datetime.timedelta(seconds=30), user, "SelectFromColumns", None, rev)

    def keys(where):
        return sorted((r["query_id"] or "", r["object_type"], r["first_time"], r["last_time"])
                      for r in rows(lw, ADMIN, f"WHERE user_name = %s {where}", (user,)))
    whole = keys("")
    assert len(whole) == 4      # two queries, each a `query` row and a table row
    assert {r[0] for r in whole} == {long_q, ""}
    for where in ["AND first_time >= now() - interval '1 hour'",
                  "AND first_time >= now() - interval '1 minute'",
                  "AND last_time >= now() - interval '1 minute'",
                  "AND last_time >= now() - interval '40 seconds' AND last_time <= now()",
                  "AND first_time < now() - interval '1 hour'",
                  "AND first_time = (SELECT min(first_time) FROM lakeward.access_history)"]:
        got = keys(where)
        expect = sorted(k for k in whole if _matches(k, where, now))
        assert got == expect, (where, got, expect)
    # the long query is found by either end, whole
    assert [k for k in keys("AND last_time >= now() - interval '1 minute'") if k[0] == long_q][0][2] \
        < now - datetime.timedelta(minutes=119)
    assert not [k for k in keys("AND first_time >= now() - interval '1 hour'") if k[0] == long_q]


def _matches(k, where, now):
    """The test's own reading of the conditions above (now() is a little later in SQL, which
    the margins of the data leave room for)."""
    first, last = k[2], k[3]
    m = datetime.timedelta
    return {
        "AND first_time >= now() - interval '1 hour'": first >= now - m(hours=1),
        "AND first_time >= now() - interval '1 minute'": first >= now - m(minutes=1),
        "AND last_time >= now() - interval '1 minute'": last >= now - m(minutes=1),
        "AND last_time >= now() - interval '40 seconds' AND last_time <= now()":
            last >= now - m(seconds=40),
        "AND first_time < now() - interval '1 hour'": first < now - m(hours=1),
        "AND first_time = (SELECT min(first_time) FROM lakeward.access_history)":
            first < now - m(hours=1),
    }[where]


# ---- the cookbook ----

def cookbook():
    """The ```sql access_history blocks of docs/sql-tables.md, in order."""
    text = (REPO / "docs/sql-tables.md").read_text()
    return [b.split("```", 1)[0].strip() for b in text.split("```sql access_history\n")[1:]]


def test_cookbook_queries(ring_lw):
    qid = f"20261128_a9_{uuid.uuid4().hex[:8]}"
    post_queries(ring_lw, qid)
    queries = cookbook()
    assert len(queries) == 5
    with connect(ring_lw, ADMIN) as conn:
        def run(q):
            q = q.replace("<user>", SP2).replace("<catalog>", CAT)
            return conn.execute(q.rstrip(";")).fetchall()
        yesterday, last_hour, denied, per_query, who = (run(q) for q in queries)
    assert yesterday == []      # everything here happened today
    tables_q = [r for r in last_hour if r[1] == qid]
    assert [(r[2], r[3], r[4], r[5]) for r in tables_q] == [
        (f"{CAT}.finance.product", ["id", "name"], [], True),
        (f"{CAT}.finance.revenue", ["amount"], ["amount"], False)]
    assert {r[2] for r in last_hour if r[1] != qid} == {f"{CAT}.finance.product"}
    assert (SP2, "table", f"{CAT}.finance.revenue", ["amount"], ["SelectFromColumns", "FilterTables"],
            2) in denied
    assert all(r[0] == SP2 for r in denied)
    mine = [r for r in per_query if r[0] == qid]
    assert [(r[1], sorted(r[3]), r[4]) for r in mine] == [
        (SP2, [f"{CAT}.finance.product", f"{CAT}.finance.revenue"], False)]
    assert [r for r in per_query if r[1] == SP1][0][4] is True
    assert (SP2, qid, [], ["amount"]) in who and (SP1, who[-1][1], ["amount"], []) in who


def raw_row(db, when, user, op, record, qid=None):
    with psycopg.connect(db, autocommit=True) as c:
        c.execute("INSERT INTO lakeward_decisions (time, replica, decision_id, query_id, user_name,"
                  " operation, endpoint, allowed, record) VALUES"
                  " (%s, 'a9', %s, %s, %s, %s, 'batch', false, %s)",
                  (when, str(uuid.uuid4()), qid, user, op, record))


def test_store_odd_records_and_the_window_edge(stack, store_db, lakeward_factory):
    """Records a store may hold that lakeward did not write (no JSON, JSON of other shapes,
    huge names) give rows without failing; a request 61 s after its user's ExecuteQuery is
    not part of that query (the window is 60 s), one 59 s after is."""
    lw = lakeward_factory(stack_env(stack, LAKEWARD_DECISION_STORE_DSN=store_db,
                                    LAKEWARD_PG_ADMINS=ADMIN))
    assert lw.allow("someone", "ExecuteQuery") is True     # the store's schema exists once written
    wait_written(lw, 1)
    now = datetime.datetime.now(datetime.timezone.utc)
    user = f"a9-{uuid.uuid4().hex[:6]}"
    t = lambda s: now - datetime.timedelta(seconds=s)     # noqa: E731
    long_name = "n" * 5000
    for i, rec in enumerate([None, "[]", '{"resources": 5}', '{"resources": [1, null, {}]}',
                             '{"resources": [{"table": {"columns": [1, null, "x"]}}], "result": "zz"}',
                             json.dumps({"resources": [{"table": {"catalogName": long_name,
                                                                  "schemaName": "s",
                                                                  "tableName": "t"}}],
                                         "result": [0], "resources_total": 3})]):
        raw_row(store_db, t(600 - i), user, "FilterTables", rec)
    got = rows(lw, ADMIN, "WHERE user_name = %s AND last_time < now() - interval '5 minutes'", (user,))
    assert got and all(r["user_name"] == user for r in got)
    assert any(r["partial"] for r in got)
    longest = [r for r in got if r["object_name"] and r["object_name"].startswith("nnn")]
    assert longest and len(longest[0]["object_name"]) < 1024 and longest[0]["allowed"] is True
    # the window's edge
    store_row(store_db, t(200), user, "ExecuteQuery")
    store_row(store_db, t(141), user, "SelectFromColumns", None, table(CAT, "s", "inside", ["a"]))
    store_row(store_db, t(100), user, "ExecuteQuery")
    store_row(store_db, t(39), user, "SelectFromColumns", None, table(CAT, "s", "outside", ["a"]))
    got = rows(lw, ADMIN, "WHERE user_name = %s AND first_time >= now() - interval '4 minutes'",
               (user,))
    key = {r["object_name"]: r["query_key"] for r in got}
    queries = {}
    for r in got:
        queries.setdefault(r["query_key"], set()).add(r["object_name"])
    assert {None, f"{CAT}.s.inside"} in queries.values(), queries
    assert {None} in queries.values() and {f"{CAT}.s.outside"} in queries.values(), queries
    assert key[f"{CAT}.s.outside"] != key[f"{CAT}.s.inside"]

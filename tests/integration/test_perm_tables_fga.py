"""The raw OpenFGA tables (lakeward.fga_tuples, lakeward.fga_changes) against a real OpenFGA:
tuples written here through OpenFGA's own API appear in the tables exactly as a direct Read
and ReadChanges (made by the test, paginated by the test) return them; a delete shows as a
delete in the change log; `object = ...` is pushed to OpenFGA; the tables are admin-only
(42501 for others); psql's \\dt and \\d list and describe them."""
import os
import subprocess
import uuid

import psycopg
import pytest
import requests

from conftest import REPO, STACK_DIR, read_env

ADMIN = "p9admin"
OTHER = "oidc~a1f10000-0000-4000-8000-000000000002"   # airflow-sp-2's principal


@pytest.fixture(scope="module")
def fga():
    """Only PostgreSQL and OpenFGA are needed; start.sh skips what already runs."""
    env = dict(os.environ, LW_STACK_DIR=str(STACK_DIR))
    subprocess.run([str(REPO / "tests/stack/start.sh"), "postgres", "openfga"], check=True,
                   env=env, timeout=600)
    return read_env(STACK_DIR / "stack.env")


@pytest.fixture
def lw(fga, lakeward_factory):
    return lakeward_factory({"LAKEWARD_OPENFGA_URL": fga["OPENFGA_URL"],
                             "LAKEWARD_OPENFGA_STORE_ID": fga["OPENFGA_STORE_ID"],
                             "LAKEWARD_OPENFGA_MODEL_ID": fga["OPENFGA_MODEL_ID"],
                             "LAKEWARD_PG_ADMINS": ADMIN})


def fga_call(fga, method, path, body=None):
    url = f"{fga['OPENFGA_URL']}/stores/{fga['OPENFGA_STORE_ID']}{path}"
    r = requests.request(method, url, json=body, timeout=10)
    assert r.ok, r.text
    return r.json()


def direct_read(fga, tuple_key=None):
    """Every tuple (matching tuple_key), read page by page with OpenFGA's own API."""
    out, token = [], ""
    while True:
        body = {"page_size": 100, "continuation_token": token}
        if tuple_key:
            body["tuple_key"] = tuple_key
        page = fga_call(fga, "POST", "/read", body)
        out += [(t["key"]["user"], t["key"]["relation"], t["key"]["object"])
                for t in page["tuples"]]
        token = page["continuation_token"]
        if not token:
            return sorted(out)


def direct_changes(fga):
    out, token = [], ""
    while True:
        page = fga_call(fga, "GET", f"/changes?page_size=100&continuation_token={token}")
        if not page["changes"]:
            return out
        out += [(c["tuple_key"]["user"], c["tuple_key"]["relation"], c["tuple_key"]["object"],
                 "delete" if c["operation"] == "TUPLE_OPERATION_DELETE" else "write")
                for c in page["changes"]]
        token = page["continuation_token"]


def connect(lw, user):
    return psycopg.connect(host="127.0.0.1", port=lw.pg_port, user=user, dbname="lakeward",
                           connect_timeout=10, autocommit=True)


def write(fga, tuples, delete=False):
    keys = [{"user": u, "relation": r, "object": o} for u, r, o in tuples]
    fga_call(fga, "POST", "/write", {("deletes" if delete else "writes"): {"tuple_keys": keys}})


def test_tuples_match_direct_read(fga, lw):
    table = f"lakekeeper_table:{uuid.uuid4()}"
    mine = [(f"user:oidc~p9-{uuid.uuid4()}", "select", table),
            (f"user:oidc~p9-{uuid.uuid4()}", "describe", table),
            (f"role:{uuid.uuid4()}#assignee", "modify", table)]
    write(fga, mine)
    with connect(lw, ADMIN) as conn:
        # pushed down: OpenFGA's Read filter on the object
        rows = conn.execute("SELECT subject, relation, object, object_type, object_id "
                            "FROM lakeward.fga_tuples WHERE object = %s", (table,)).fetchall()
        assert sorted(r[:3] for r in rows) == sorted(mine) == direct_read(fga, {"object": table})
        assert {(r[3], r[4]) for r in rows} == {("lakekeeper_table", table.split(":", 1)[1])}
        # with relation as well
        rows = conn.execute("SELECT subject FROM lakeward.fga_tuples WHERE object = %s AND "
                            "relation = 'select'", (table,)).fetchall()
        assert rows == [(mine[0][0],)]
        # the whole store, as a direct Read of every page gives it
        rows = conn.execute("SELECT subject, relation, object FROM lakeward.fga_tuples"
                            ).fetchall()
        assert sorted(rows) == direct_read(fga)
        # a non-object filter is evaluated by the engine over the whole store
        rows = conn.execute("SELECT count(*) FROM lakeward.fga_tuples WHERE subject = %s",
                            (mine[1][0],)).fetchone()
        assert rows == (1,)
        # written_at is OpenFGA's timestamp: recent and not in the future
        age = conn.execute("SELECT min(now() - written_at) > interval '-1 minute' AND "
                           "max(now() - written_at) < interval '10 minutes' "
                           "FROM lakeward.fga_tuples WHERE object = %s", (table,)).fetchone()
        assert age == (True,)
        # an IN list: one Read per distinct object (a repeat, a NULL and a type-only value
        # add nothing)
        other = f"lakekeeper_table:{uuid.uuid4()}"
        write(fga, [(mine[0][0], "select", other)])
        rows = conn.execute("SELECT subject, relation, object FROM lakeward.fga_tuples WHERE "
                            "object IN (%s, %s, %s, NULL, 'lakekeeper_table:')",
                            (table, other, table)).fetchall()
        assert sorted(rows) == sorted(direct_read(fga, {"object": table}) +
                                      direct_read(fga, {"object": other}))
        assert len(rows) == 4
        # an object that is not type:id matches nothing (and is not sent as a type filter)
        assert conn.execute("SELECT count(*) FROM lakeward.fga_tuples WHERE object = "
                            "'lakekeeper_table:'").fetchone() == (0,)


def test_changes_show_write_then_delete(fga, lw):
    table = f"lakekeeper_table:{uuid.uuid4()}"
    t = (f"user:oidc~p9-{uuid.uuid4()}", "select", table)
    write(fga, [t])
    write(fga, [t], delete=True)
    with connect(lw, ADMIN) as conn:
        rows = conn.execute("SELECT subject, relation, object, operation FROM "
                            "lakeward.fga_changes WHERE object = %s", (table,)).fetchall()
        assert rows == [t + ("write",), t + ("delete",)]
        assert conn.execute("SELECT count(*) FROM lakeward.fga_tuples WHERE object = %s",
                            (table,)).fetchone() == (0,)
        everything = conn.execute("SELECT subject, relation, object, operation FROM "
                                  "lakeward.fga_changes").fetchall()
    # the log in its order, as OpenFGA's ReadChanges gives it (nothing else writes meanwhile
    # into this test's objects; other objects may gain changes, hence the prefix compare)
    direct = direct_changes(fga)
    assert everything == direct[:len(everything)]
    assert t + ("delete",) in everything


def test_admin_only(fga, lw):
    with connect(lw, OTHER) as conn:
        for table in ("fga_tuples", "fga_changes"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege) as e:
                conn.execute(f"SELECT * FROM lakeward.{table}").fetchall()
            assert "administrators only" in str(e.value)
        # the session goes on
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_unreachable_openfga_is_an_error(fga, lakeward_factory):
    lw = lakeward_factory({"LAKEWARD_OPENFGA_URL": "http://127.0.0.1:9",
                           "LAKEWARD_OPENFGA_STORE_ID": fga["OPENFGA_STORE_ID"],
                           "LAKEWARD_PG_ADMINS": ADMIN})
    with connect(lw, ADMIN) as conn:
        with pytest.raises(psycopg.Error) as e:
            conn.execute("SELECT * FROM lakeward.fga_tuples").fetchall()
        assert "openfga read" in str(e.value)


def psql(lw, command):
    r = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(lw.pg_port), "-U", ADMIN,
                        "-d", "lakeward", "-X", "-A", "-F", "|", "-P", "pager=off",
                        "-v", "ON_ERROR_STOP=1", "-c", command],
                       capture_output=True, text=True, timeout=30,
                       env={"PATH": "/usr/bin:/bin", "PGCONNECT_TIMEOUT": "10"})
    assert r.returncode == 0 and "ERROR" not in r.stderr, (command, r.stderr)
    return r.stdout.splitlines()


def test_psql_lists_and_describes(lw):
    out = psql(lw, "\\dt")
    assert "lakeward|fga_tuples|table|lakeward" in out
    assert "lakeward|fga_changes|table|lakeward" in out
    out = psql(lw, "\\d lakeward.fga_tuples")
    cols = [line.split("|")[:2] for line in out[2:] if "|" in line]
    assert cols == [["subject", "text"], ["relation", "text"], ["object", "text"],
                    ["object_type", "text"], ["object_id", "text"],
                    ["written_at", "timestamp with time zone"]]


def cookbook():
    """The ```sql blocks of docs/sql-tables.md's "## Cookbook" section, in order (other
    tables have their own cookbooks, exercised by their own tests)."""
    text = (REPO / "docs/sql-tables.md").read_text()
    section = text.split("\n## Cookbook\n", 1)[1].split("\n## ", 1)[0]
    return [b.split("```", 1)[0].strip() for b in section.split("```sql\n")[1:]]


def test_cookbook_queries(fga, lw):
    """Every query of the docs' cookbook runs as written (placeholders filled) and answers
    what OpenFGA holds."""
    wh_table = f"{uuid.uuid4()}/{uuid.uuid4()}"
    sub = f"p9-{uuid.uuid4()}"
    table = f"lakekeeper_table:{wh_table}"
    role = f"role:{uuid.uuid4()}#assignee"
    # separate writes: the order of tuples within one write is not the log's to promise
    write(fga, [(f"user:oidc~{sub}", "select", table)])
    write(fga, [(role, "describe", table)])
    write(fga, [(role, "describe", table)], delete=True)
    queries = cookbook()
    assert len(queries) == 7
    with connect(lw, ADMIN) as conn:
        def run(q):
            q = q.replace("<warehouse-id>/<table-id>", wh_table).replace("<sub>", sub)
            return conn.execute(q.rstrip(";")).fetchall()
        any_rel, select_only, by_subject, who, check, model, history = (run(q) for q in queries)
    assert len(model) == 1 and model[0][0] == "user, role#assignee"
    assert "ownership" in [(c.get("computedUserset") or {}).get("relation")
                           for c in model[0][1]["union"]["child"]]
    assert who == [(f"user:oidc~{sub}", "user")]
    assert sorted(check) == [("modify", table, False), ("select", table, True)]
    assert [r[:2] for r in any_rel] == [(f"user:oidc~{sub}", "select")]
    assert select_only == [(f"user:oidc~{sub}",)]
    assert by_subject == [("select", "lakekeeper_table", wh_table)]
    assert [r[1:] for r in history] == [("write", f"user:oidc~{sub}", "select"),
                                        ("write", role, "describe"),
                                        ("delete", role, "describe")]


def direct_list_users(fga, obj, relation):
    """OpenFGA's own ListUsers, for users and for roles' assignees, as subject strings."""
    otype, oid = obj.split(":", 1)
    out = []
    for flt, kind in (({"type": "user"}, "user"), ({"type": "role", "relation": "assignee"}, "role")):
        r = fga_call(fga, "POST", "/list-users", {"object": {"type": otype, "id": oid},
                                                  "relation": relation, "user_filters": [flt]})
        for u in r["users"]:
            if "object" in u:
                out.append((f"{u['object']['type']}:{u['object']['id']}", kind))
            elif "userset" in u:
                us = u["userset"]
                out.append((f"{us['type']}:{us['id']}#{us['relation']}", kind))
            else:
                out.append((f"{u['wildcard']['type']}:*", kind))
    return sorted(out)


def test_who_can_is_openfga_list_users(fga, lw):
    """who_can answers what OpenFGA's ListUsers answers, through the model: an owner and a
    modifier may select too, a role's grant shows as the role; IN lists ask every pair."""
    t1 = f"lakekeeper_table:{uuid.uuid4()}/{uuid.uuid4()}"
    t2 = f"lakekeeper_table:{uuid.uuid4()}/{uuid.uuid4()}"
    sel, owner = (f"user:oidc~p9-{uuid.uuid4()}" for _ in range(2))
    role = f"role:{uuid.uuid4()}"
    write(fga, [(sel, "select", t1), (owner, "ownership", t1), (f"{role}#assignee", "modify", t1),
                (sel, "describe", t2)])
    with connect(lw, ADMIN) as conn:
        rows = conn.execute("SELECT subject, subject_type FROM lakeward.who_can "
                            "WHERE object = %s AND relation = 'select'", (t1,)).fetchall()
        assert sorted(rows) == direct_list_users(fga, t1, "select")
        # the model, not the tuples: ownership and modify imply select
        assert {(sel, "user"), (owner, "user"), (f"{role}#assignee", "role")} <= set(rows)
        rows = conn.execute("SELECT object, relation, subject FROM lakeward.who_can "
                            "WHERE object IN (%s, %s) AND relation IN ('select', 'describe')",
                            (t1, t2)).fetchall()
        want = sorted((o, r, s) for o in (t1, t2) for r in ("select", "describe")
                      for s, _ in direct_list_users(fga, o, r))
        assert sorted(rows) == want and (t2, "describe", sel) in rows
        # both keys are required, with the engine's error
        with pytest.raises(psycopg.errors.InvalidColumnReference) as e:
            conn.execute("SELECT * FROM lakeward.who_can WHERE object = %s", (t1,)).fetchall()
        assert "relation" in str(e.value)
    with connect(lw, OTHER) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM lakeward.who_can WHERE object = %s AND "
                         "relation = 'select'", (t1,)).fetchall()


def direct_check(fga, user, relation, obj):
    return fga_call(fga, "POST", "/check", {"tuple_key": {"user": user, "relation": relation,
                                                          "object": obj}})["allowed"]


def test_fga_check_is_openfga_check(fga, lw):
    """fga_check answers every combination of its keys as OpenFGA's Check does, one row
    each, in more than one BatchCheck request (60 objects x 2 relations = 120 checks)."""
    wh = uuid.uuid4()
    objs = [f"lakekeeper_table:{wh}/{uuid.uuid4()}" for _ in range(60)]
    user = f"user:oidc~p9-{uuid.uuid4()}"
    # select on every third table, ownership (which implies select and modify) on every fifth
    write(fga, [(user, "select", o) for o in objs[::3]])
    write(fga, [(user, "ownership", o) for o in objs[::5]])
    with connect(lw, ADMIN) as conn:
        rows = conn.execute("SELECT relation, object, allowed FROM lakeward.fga_check "
                            "WHERE subject = %s AND relation IN ('select', 'modify') "
                            "AND object IN (" + ", ".join(["%s"] * len(objs)) + ")",
                            (user, *objs)).fetchall()
        assert len(rows) == 120
        want = sorted((r, o, direct_check(fga, user, r, o)) for r in ("select", "modify")
                      for o in objs)
        assert sorted(rows) == want
        got = {(r, o): a for r, o, a in rows}
        assert got[("select", objs[3])] and not got[("modify", objs[3])]
        assert got[("modify", objs[5])] and not got[("select", objs[1])]
        with pytest.raises(psycopg.errors.InvalidColumnReference):
            conn.execute("SELECT * FROM lakeward.fga_check WHERE subject = %s AND "
                         "relation = 'select'", (user,)).fetchall()
    with connect(lw, OTHER) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM lakeward.fga_check WHERE subject = %s AND "
                         "relation = 'select' AND object = %s", (user, objs[0])).fetchall()


def test_options_from_config_file_and_token_not_logged(fga, lakeward_factory):
    """The openfga_* options read from the config file work like the environment's, and the
    pre-shared key never reaches the log (OpenFGA here runs without authentication and
    ignores the header)."""
    token = f"p9-secret-{uuid.uuid4()}"
    cfg = (f'openfga_url = "{fga["OPENFGA_URL"]}";\n'
           f'openfga_store_id = "{fga["OPENFGA_STORE_ID"]}";\n'
           f'openfga_model_id = "{fga["OPENFGA_MODEL_ID"]}";\n'
           f'openfga_api_token = "{token}";\n'
           f'pg_admins = ["{ADMIN}"];\n')
    lw = lakeward_factory({}, config=cfg)
    table = f"lakekeeper_table:{uuid.uuid4()}"
    t = (f"user:oidc~p9-{uuid.uuid4()}", "select", table)
    write(fga, [t])
    with connect(lw, ADMIN) as conn:
        assert conn.execute("SELECT subject, relation, object FROM lakeward.fga_tuples "
                            "WHERE object = %s", (table,)).fetchall() == [t]
    assert token not in lw.log_text()


def test_fga_relations_is_the_model(fga, lw):
    """One row per (type, relation) of the model OpenFGA holds, with its directly related
    subject types and its rewrite as OpenFGA returns them."""
    model = fga_call(fga, "GET", f"/authorization-models/{fga['OPENFGA_MODEL_ID']}"
                     )["authorization_model"]
    want = []
    for td in model["type_definitions"]:
        meta = (td.get("metadata") or {}).get("relations") or {}
        for rel, definition in (td.get("relations") or {}).items():
            direct = [d["type"] + (f"#{d['relation']}" if d.get("relation") else "") +
                      (":*" if "wildcard" in d else "")
                      for d in (meta.get(rel) or {}).get("directly_related_user_types", [])]
            want.append((td["type"], rel, ", ".join(direct) or None, definition))
    with connect(lw, ADMIN) as conn:
        rows = conn.execute("SELECT object_type, relation, directly_related, definition "
                            "FROM lakeward.fga_relations").fetchall()
    assert len(rows) == len(want) > 50
    assert sorted(rows, key=lambda r: r[:2]) == sorted(want, key=lambda r: r[:2])
    assert ("lakekeeper_table", "select", "user, role#assignee") in [r[:3] for r in rows]
    with connect(lw, OTHER) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM lakeward.fga_relations").fetchall()

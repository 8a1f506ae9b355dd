"""Lakekeeper's catalog objects as SQL tables (lakeward.lakekeeper_server, projects,
warehouses, namespaces, tables, views) and lakeward.catalog_refresh() on the seed scenario: every table's
rows equal what the test reads itself from the stand-in's API (as lakeward's technical client,
walking nested namespaces and following pages itself); filters on warehouse and namespace
names and ids narrow the rows, read from the shared catalog without a Lakekeeper call (the
stand-in's request counters say so); an administrator sees every object, airflow-sp-2 only
what Lakekeeper's batch-check lets it get_metadata of; a namespace created after a query
appears for every session after lakeward.catalog_refresh() from any one of them; the catalog
process reloads on the TTL by itself; psql's \\dt lists the tables.
test_perm_catalog_shared.py tests the sharing itself."""
import datetime
import subprocess
import uuid

import psycopg
import pytest
import requests

from conftest import REPO, SUBJECTS, WAREHOUSE_DEMO, client_token
from lakeward_proc import stack_env

ADMIN = "k9admin"
OTHER = "oidc~" + SUBJECTS["airflow-sp-2"]


# The stand-in's listings ask OpenFGA about every item; on a loaded test machine one can take
# longer than the default 5 s per request.
SLOW_OK = "60000"


@pytest.fixture
def lw(stack, lakeward_factory):
    # An hour's TTL: the shared catalog changes only when a test asks for it.
    return lakeward_factory(stack_env(stack, LAKEWARD_PG_ADMINS=ADMIN,
                                      LAKEWARD_UPSTREAM_TIMEOUT_MS=SLOW_OK),
                            config=f"catalog_cache_ttl_ms = {3600 * 1000};\n")


def connect(lw, user):
    return psycopg.connect(host="127.0.0.1", port=lw.pg_port, user=user, dbname="lakeward",
                           connect_timeout=10, autocommit=True)


def rows(conn, q, args=None):
    return sorted(conn.execute(q, args).fetchall())


_tokens = {}


def tech(stack):
    """A token of lakeward's technical client (project_admin: it sees the whole project, as
    lakeward does; the seed's server admin does not see namespaces it was not given)."""
    if "lakeward" not in _tokens:
        _tokens["lakeward"] = client_token(stack, "lakeward")
    return _tokens["lakeward"]


def lk_get(stack, path, project=None, params=None):
    headers = {"Authorization": f"Bearer {tech(stack)}"}
    if project:
        headers["x-project-id"] = project
    r = requests.get(stack["LK_URL"] + path, headers=headers, params=params, timeout=30)
    assert r.ok, r.text
    return r.json()


def lk_pages(stack, path, params, key_sets):
    """Every page of a catalog listing (pageSize 2: several short pages), parallel arrays
    zipped."""
    out, token = [], ""
    while True:
        page = lk_get(stack, path, params=dict(params, pageToken=token, pageSize=2))
        out += list(zip(*(page.get(k) or [] for k in key_sets)))
        token = page.get("next-page-token")
        if not token:
            return out


def direct_catalog(stack):
    """(warehouses, namespaces, tables, views) as the test reads them from the stand-in."""
    whs, nss, tabs, views = [], [], [], []
    for p in lk_get(stack, "/management/v1/project-list")["projects"]:
        for w in lk_get(stack, "/management/v1/warehouse", p["project-id"],
                        {"warehouseStatus": ["active", "inactive"]})["warehouses"]:
            whs.append((w["id"], w["name"], p["project-id"], w["status"]))
            todo = [None]
            while todo:
                parent = todo.pop()
                params = {"returnUuids": "true"}
                if parent:
                    params["parent"] = "\x1f".join(parent)
                for path, nid in lk_pages(stack, f"/catalog/v1/{w['id']}/namespaces", params,
                                          ("namespaces", "namespace-uuids")):
                    nss.append((nid, ".".join(path), w["id"], w["name"]))
                    todo.append(path)
                    ns = "\x1f".join(path)
                    for kind, out in (("tables", tabs), ("views", views)):
                        for ident, tid in lk_pages(
                                stack, f"/catalog/v1/{w['id']}/namespaces/"
                                f"{requests.utils.quote(ns, safe='')}/{kind}",
                                {"returnUuids": "true"}, ("identifiers", "table-uuids")):
                            out.append((tid, ident["name"], nid, ".".join(path),
                                        f"{w['name']}.{'.'.join(path)}.{ident['name']}"))
    return sorted(whs), sorted(nss), sorted(tabs), sorted(views)


def batch_check(stack, principal, checks):
    """Lakekeeper's answer for principal's checks (asked as the technical client)."""
    body = {"checks": [{"identity": {"user": principal}, "operation": op} for op in checks]}
    r = requests.post(stack["LK_URL"] + "/management/v1/action/batch-check", json=body,
                      headers={"Authorization": f"Bearer {tech(stack)}"},
                      timeout=60)
    assert r.ok, r.text
    return [x["allowed"] for x in r.json()["results"]]


def control(stack, method, what, body=None):
    r = requests.request(method, f"{stack['LK_URL']}/_control/{what}", json=body, timeout=30,
                         headers={"Authorization": f"Bearer {stack['LK_CONTROL_TOKEN']}"})
    assert r.ok, r.text
    return r.json() if r.content else None


def test_rows_equal_lakekeeper(stack, lw):
    whs, nss, tabs, views = direct_catalog(stack)
    assert len(nss) >= 3 and len(tabs) >= 4 and len(views) >= 1
    info = lk_get(stack, "/management/v1/info")
    with connect(lw, ADMIN) as conn:
        assert rows(conn, "SELECT server_id::text, authz_backend, default_project_id, "
                          "instance FROM lakeward.lakekeeper_server") == [
            (info["server-id"], info["authz-backend"], info["default-project-id"], "default")]
        # when this session's cache was read: just now, as wall-clock time
        assert conn.execute("SELECT catalog_loaded_at <= now() AND now() - catalog_loaded_at < "
                            "interval '5 minutes' FROM lakeward.lakekeeper_server"
                            ).fetchone() == (True,)
        want_projects = sorted((p["project-id"], p["project-name"]) for p in lk_get(
            stack, "/management/v1/project-list")["projects"])
        assert rows(conn, "SELECT project_id, project_name FROM lakeward.projects") == \
            want_projects
        assert rows(conn, "SELECT warehouse_id::text, warehouse_name, project_id, status "
                          "FROM lakeward.warehouses") == whs
        assert rows(conn, "SELECT namespace_id::text, namespace_name, warehouse_id::text, "
                          "warehouse_name FROM lakeward.namespaces") == nss
        assert rows(conn, "SELECT table_id::text, table_name, namespace_id::text, "
                          "namespace_name, full_name FROM lakeward.tables") == tabs
        assert rows(conn, "SELECT view_id::text, view_name, namespace_id::text, namespace_name, "
                          "full_name FROM lakeward.views") == views
        # nesting: path, parent and depth agree with the names
        for name, path, parent, depth in conn.execute(
                "SELECT n.namespace_name, n.namespace_path, p.namespace_name, n.depth "
                "FROM lakeward.namespaces n LEFT JOIN lakeward.namespaces p "
                "ON p.namespace_id = n.parent_namespace_id"):
            assert ".".join(path) == name and depth == len(path)
            assert parent == (".".join(path[:-1]) if depth > 1 else None)
        # fga_object is the OpenFGA object Lakekeeper writes (lakekeeper-api.md 3.4)
        wid = whs[0][0]
        got = rows(conn, "SELECT fga_object FROM lakeward.tables WHERE full_name = "
                         "'demo.finance.revenue'")
        rev = [t for t in tabs if t[4] == "demo.finance.revenue"][0]
        assert got == [(f"lakekeeper_table:{wid}/{rev[0]}",)]


def test_keys_narrow_rows_without_listings(stack, lw):
    _, nss, tabs, _ = direct_catalog(stack)
    with connect(lw, ADMIN) as conn:
        rows(conn, "SELECT count(*) FROM lakeward.lakekeeper_server")   # the first load is in
        control(stack, "POST", "stats/reset")
        got = rows(conn, "SELECT table_name FROM lakeward.tables WHERE warehouse_name = 'demo' "
                         "AND namespace_name = 'marketing'")
        assert got == sorted((t[1],) for t in tabs if t[3] == "marketing")
        rows(conn, "SELECT view_name FROM lakeward.views WHERE namespace_name = 'marketing'")
        assert rows(conn, "SELECT table_name FROM lakeward.tables WHERE namespace_name IN "
                          "('marketing')") == got
        # by id and IN lists of ids
        fin = [n for n in nss if n[1] in ("finance", "finance.internal")]
        got = rows(conn, "SELECT full_name FROM lakeward.tables WHERE namespace_id IN (%s, %s)",
                   (fin[0][0], fin[1][0]))
        assert got == sorted((t[4],) for t in tabs if t[2] in (fin[0][0], fin[1][0]))
        # the engine re-checks: a key that matches nothing gives nothing
        assert rows(conn, "SELECT * FROM lakeward.tables WHERE warehouse_name = 'nope'") == []
        assert rows(conn, "SELECT * FROM lakeward.namespaces WHERE warehouse_id = %s",
                    (str(uuid.uuid4()),)) == []
        # every scan read the shared catalog: not one call to Lakekeeper
        assert control(stack, "GET", "stats")["total"] == 0


def test_admin_and_airflow_sp_2_see_what_lakekeeper_says(stack, lw):
    whs, nss, tabs, views = direct_catalog(stack)
    wid = whs[0][0]
    # lakeward first, Lakekeeper's own answers after: negative checks are the expensive ones
    # for OpenFGA, and the test should not make lakeward wait behind its own questions
    with connect(lw, ADMIN) as conn:
        assert len(rows(conn, "SELECT * FROM lakeward.tables")) == len(tabs)
    with connect(lw, OTHER) as conn:
        got_tabs = [r[0] for r in rows(conn, "SELECT full_name FROM lakeward.tables")]
        got_ns = [r[0] for r in rows(conn, "SELECT namespace_id::text FROM lakeward.namespaces")]
        got_views = [r[0] for r in rows(conn, "SELECT view_id::text FROM lakeward.views")]
        got_wh = [r[0] for r in rows(conn, "SELECT warehouse_id::text FROM lakeward.warehouses")]
        got_projects = rows(conn, "SELECT project_id FROM lakeward.projects")
        # the server row is for every authenticated reader, as /management/v1/info is
        assert len(rows(conn, "SELECT * FROM lakeward.lakekeeper_server")) == 1
    seen_tabs = batch_check(stack, OTHER, [
        {"table": {"action": {"action": "get_metadata"}, "warehouse-id": wid, "table-id": t[0]}}
        for t in tabs])
    want_tabs = sorted(t[4] for t, ok in zip(tabs, seen_tabs) if ok)
    # the seed's rule: airflow-sp-2 reads finance.product, not finance.revenue
    assert "demo.finance.product" in want_tabs and "demo.finance.revenue" not in want_tabs
    assert got_tabs == want_tabs
    seen_ns = batch_check(stack, OTHER, [
        {"namespace": {"action": {"action": "get_metadata"}, "warehouse-id": wid,
                       "namespace-id": n[0]}} for n in nss])
    assert got_ns == sorted(n[0] for n, ok in zip(nss, seen_ns) if ok)
    seen_views = batch_check(stack, OTHER, [
        {"view": {"action": {"action": "get_metadata"}, "warehouse-id": wid, "table-id": v[0]}}
        for v in views])
    assert got_views == sorted(v[0] for v, ok in zip(views, seen_views) if ok)
    seen_wh = batch_check(stack, OTHER, [
        {"warehouse": {"action": {"action": "get_metadata"}, "warehouse-id": w[0]}}
        for w in whs])
    assert got_wh == sorted(w[0] for w, ok in zip(whs, seen_wh) if ok)
    # projects: what the project's /actions says the principal may get_metadata of
    acts = lk_get(stack, "/management/v1/project/actions",
                  params={"principalUser": OTHER})["allowed-actions"]
    want = [("00000000-0000-0000-0000-000000000000",)] if {"action": "get_metadata"} in acts \
        else []
    assert got_projects == want


def test_non_admin_fails_closed_when_lakekeeper_cannot_answer(stack, lw):
    with connect(lw, OTHER) as conn:
        # the catalog is cached by the session; only the visibility questions remain to ask
        visible = rows(conn, "SELECT namespace_name FROM lakeward.tables")
        control(stack, "POST", "fault", {"mode": "status", "status": 503, "paths": "batch-check"})
        try:
            with pytest.raises(psycopg.Error) as e:
                conn.execute("SELECT * FROM lakeward.namespaces").fetchall()
            assert "no rows shown" in str(e.value)
        finally:
            control(stack, "POST", "fault", {"mode": "none"})
        assert rows(conn, "SELECT namespace_name FROM lakeward.tables") == visible
        rows(conn, "SELECT * FROM lakeward.namespaces")     # answers again once it can ask


def test_new_namespace_after_refresh(stack, lw):
    name = f"k9_{uuid.uuid4().hex[:8]}"
    with connect(lw, ADMIN) as conn:
        before = rows(conn, "SELECT namespace_name FROM lakeward.namespaces")
        reg = control(stack, "POST", "register", {"warehouse": "demo", "namespace": [name]})
        try:
            # the shared catalog is still fresh: no session sees the new namespace yet
            assert rows(conn, "SELECT namespace_name FROM lakeward.namespaces") == before
            with connect(lw, ADMIN) as fresh:
                assert rows(fresh, "SELECT namespace_name FROM lakeward.namespaces") == before
            # anyone may refresh, and it reloads the catalog every session reads
            with connect(lw, OTHER) as other:
                assert rows(other, "SELECT lakeward.catalog_refresh() IS NOT NULL") == [(True,)]
            after = rows(conn, "SELECT namespace_id::text, namespace_name "
                               "FROM lakeward.namespaces WHERE namespace_name = %s", (name,))
            assert after == [(reg["id"], name)]
            got = rows(conn, "SELECT now() - lakeward.catalog_refresh() < interval '1 minute'")
            assert got == [(True,)]
        finally:
            control(stack, "POST", "unregister", {"warehouse": "demo", "namespace": [name]})
        # alone in FROM too, as PostgreSQL allows any function there
        rows(conn, "SELECT * FROM lakeward.catalog_refresh()")
        assert rows(conn, "SELECT namespace_name FROM lakeward.namespaces") == before


def test_refresh_function_errors(stack, lw):
    with connect(lw, ADMIN) as conn:
        with pytest.raises(psycopg.errors.UndefinedFunction) as e:
            conn.execute("SELECT lakeward.catalog_refresh(1)")
        assert "takes 0 arguments" in str(e.value)
        with pytest.raises(psycopg.errors.WrongObjectType):
            conn.execute("SELECT count(*) OVER () FROM (SELECT lakeward.catalog_refresh() "
                         "OVER ()) x")
        # unqualified, it is found on the search path like the tables
        assert rows(conn, "SELECT catalog_refresh() IS NOT NULL") == [(True,)]


def test_ttl_expires(stack, lakeward_factory, tmp_path):
    """The catalog process reloads by itself when the TTL is up (at most once a second),
    with no query asking."""
    lw = lakeward_factory(stack_env(stack, LAKEWARD_PG_ADMINS=ADMIN,
                                    LAKEWARD_UPSTREAM_TIMEOUT_MS=SLOW_OK),
                          config="catalog_cache_ttl_ms = 300;\n")
    with connect(lw, ADMIN) as conn:
        rows(conn, "SELECT * FROM lakeward.namespaces")
        control(stack, "POST", "stats/reset")
        import time
        end = time.monotonic() + 60
        while control(stack, "GET", "stats")["requests"]["namespaces"] < 1:
            assert time.monotonic() < end
            time.sleep(0.2)
        gen = lambda: int(dict(conn.execute(
            "SELECT name, value FROM lakeward.lakeward_state WHERE component = "
            "'catalog_cache'").fetchall())["generation"])
        g = gen()
        while gen() <= g:
            assert time.monotonic() < end
            time.sleep(0.2)


def test_psql_dt_lists_the_tables(stack, lw):
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(lw.pg_port), "-U", ADMIN,
                          "-d", "lakeward", "-c", r"\dt lakeward.*"], capture_output=True,
                         text=True, timeout=60, check=True).stdout
    for t in ("lakekeeper_server", "projects", "warehouses", "namespaces", "tables", "views"):
        assert f" {t} " in out, out
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(lw.pg_port), "-U", ADMIN,
                          "-d", "lakeward", "-c", r"\d lakeward.tables"], capture_output=True,
                         text=True, timeout=60, check=True).stdout
    for col, typ in (("table_id", "uuid"), ("full_name", "text"), ("namespace_path", "text[]"),
                     ("protected", "boolean")):
        assert any(line.split("|")[0].strip() == col and line.split("|")[1].strip() == typ
                   for line in out.splitlines() if "|" in line), out


def cookbook():
    """The ```sql catalog blocks of docs/sql-tables.md, in order."""
    text = (REPO / "docs/sql-tables.md").read_text()
    return [b.split("```", 1)[0].strip() for b in text.split("```sql catalog\n")[1:]]


def test_cookbook_queries(stack, lw):
    _, nss, tabs, _ = direct_catalog(stack)
    queries = cookbook()
    assert len(queries) == 4
    with connect(lw, ADMIN) as conn:
        marketing, tree, refreshed, names = (conn.execute(q.rstrip(";")).fetchall()
                                             for q in queries)
    assert sorted(r[0] for r in marketing) == sorted(t[4] for t in tabs if t[3] == "marketing")
    assert all(r[2] == f"lakekeeper_table:{WAREHOUSE_DEMO}/{r[1]}" for r in marketing)
    assert [r[0] for r in tree] == sorted(n[1] for n in nss)
    assert [(r[0], r[2]) for r in tree if r[1] > 1] == [
        (n[1], n[1].rsplit(".", 1)[0]) for n in sorted(nss, key=lambda n: n[1]) if "." in n[1]]
    assert len(refreshed) == 1 and isinstance(refreshed[0][0], datetime.datetime)
    assert sorted(names) == sorted((n[1],) for n in nss)

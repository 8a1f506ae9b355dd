"""lakeward.grants, lakeward.grant_history and lakeward.lakeward_state, served from the OpenFGA
mirror process of the SQL side, against the real OpenFGA and the Lakekeeper stand-in on the
seed scenario (tests/stack/seed.json). Expected rows are computed here from OpenFGA's own API
(Read, ReadChanges, Check): grants equal a direct Read filtered by the grant rule of
lakekeeper-api.md §4.1; a grant written through the stand-in's assignments API shows in grants
and grant_history within one sync, and its revoke too; a non-admin sees only the grants of
objects OpenFGA says it may read the assignments of; a store over the configured bound is
refused with a clear error, never truncated; an OpenFGA that stops answering leaves the last
snapshot readable with the error and a growing lag; the state table shows no secret."""
import os
import signal
import time
import urllib.parse
import uuid

import psycopg
import pytest
import requests

from conftest import STACK_DIR, client_token
from lakeward_proc import stack_env

ADMIN = "g9admin"
SP2 = "oidc~a1f10000-0000-4000-8000-000000000002"           # airflow-sp-2
LAKEWARD_SA = "oidc~a1f10000-0000-4000-8000-000000000010"   # project_admin of the project
WH = "00000000-0000-4000-8000-00000000d001"
PRODUCT = "00000000-0000-4000-8000-00000000f101"
REVENUE = "00000000-0000-4000-8000-00000000f102"

# §2.1: relations that are structure, not grants; role assignee belongs to role_members.
NOT_GRANTS = {"server", "project", "warehouse", "namespace", "parent", "child",
              "managed_access", "managed_access_inheritance"}
TYPES = {"server": "server", "project": "project", "warehouse": "warehouse",
         "namespace": "namespace", "lakekeeper_table": "table", "lakekeeper_view": "view",
         "lakekeeper_generic_table": "generic_table", "role": "role",
         "lakekeeper_catalog_tag": "tag"}
SYNC_MS = 500


def env_for(stack, **extra):
    # the shared test machine can be very slow; OpenFGA's answers are not timed here
    extra.setdefault("LAKEWARD_UPSTREAM_TIMEOUT_MS", 30000)
    return stack_env(stack, LAKEWARD_OPENFGA_URL=stack["OPENFGA_URL"],
                     LAKEWARD_OPENFGA_STORE_ID=stack["OPENFGA_STORE_ID"],
                     LAKEWARD_OPENFGA_MODEL_ID=stack["OPENFGA_MODEL_ID"],
                     LAKEWARD_PG_ADMINS=ADMIN, LAKEWARD_FGA_MIRROR_INTERVAL_MS=SYNC_MS,
                     **extra)


@pytest.fixture
def lw(stack, lakeward_factory):
    lw = lakeward_factory(env_for(stack))
    wait_loaded(lw)
    return lw


def connect(lw, user):
    return psycopg.connect(host="127.0.0.1", port=lw.pg_port, user=user, dbname="lakeward",
                           connect_timeout=10, autocommit=True)


def state(lw, component="fga_mirror"):
    with connect(lw, ADMIN) as conn:
        return dict(conn.execute("SELECT name, value FROM lakeward.lakeward_state "
                                 "WHERE component = %s", (component,)).fetchall())


def wait_loaded(lw, bound_s=60):
    end = time.monotonic() + bound_s
    while time.monotonic() < end:
        if state(lw).get("loaded") == "true":
            return
        time.sleep(0.1)
    raise AssertionError(f"mirror never loaded: {state(lw)}")


def fga_call(stack, method, path, body=None):
    r = requests.request(method, f"{stack['OPENFGA_URL']}/stores/{stack['OPENFGA_STORE_ID']}"
                         f"{path}", json=body, timeout=10)
    assert r.ok, r.text
    return r.json()


def direct_read(stack):
    out, token = [], ""
    while True:
        page = fga_call(stack, "POST", "/read", {"page_size": 100, "continuation_token": token})
        out += [(t["key"]["user"], t["key"]["relation"], t["key"]["object"])
                for t in page["tuples"]]
        token = page["continuation_token"]
        if not token:
            return out


def is_grant(user, relation, obj):
    otype = obj.split(":", 1)[0]
    if otype not in TYPES or relation in NOT_GRANTS:
        return False
    if otype == "role" and relation == "assignee":
        return False
    if user.startswith("user:"):
        return user != "user:*" and "#" not in user
    return user.startswith("role:") and user.endswith("#assignee")


def expected_grants(stack):
    return sorted(t for t in direct_read(stack) if is_grant(*t))


def fga_check(stack, user, relation, obj):
    body = {"tuple_key": {"user": user, "relation": relation, "object": obj},
            "authorization_model_id": stack["OPENFGA_MODEL_ID"]}
    return fga_call(stack, "POST", "/check", body)["allowed"]


def assign(stack, verb, principal, relation, table=REVENUE):
    """Writes or deletes a grant on a demo table through the stand-in, as lakeward's technical
    account (project_admin), the way Lakekeeper's UI would."""
    path = f"/management/v1/permissions/warehouse/{WH}/table/{table}/assignments"
    r = requests.post(stack["LK_URL"] + path, timeout=10,
                      json={verb: [{"type": relation, "user": principal}]},
                      headers={"Authorization": "Bearer " + client_token(stack, "lakeward")})
    assert r.status_code == 204, r.text


def poll(fn, bound_s):
    """fn() until truthy; returns (value, seconds waited)."""
    t0 = time.monotonic()
    while True:
        v = fn()
        if v or time.monotonic() - t0 > bound_s:
            return v, time.monotonic() - t0
        time.sleep(0.05)


GRANT_COLS = ("fga_subject, privilege, fga_object")


def test_grants_equal_direct_read(stack, lw):
    with connect(lw, ADMIN) as conn:
        want = expected_grants(stack)
        rows = sorted(conn.execute(f"SELECT {GRANT_COLS} FROM lakeward.grants").fetchall())
        assert rows == want
        assert len(rows) >= 6      # the seed's grants at least
        # one seed grant in full: airflow-sp-2 may select demo.finance.product
        row = conn.execute(
            "SELECT object_type, object_id, warehouse_id, principal_type, principal, "
            "object_name, object_exists, granted_at IS NOT NULL FROM lakeward.grants "
            "WHERE principal = %s AND privilege = 'select'", (SP2,)).fetchall()
        assert row[0][:5] == ("table", PRODUCT, WH, "user", SP2)
        assert row[0][7] is True
        # a role's grant names the role id; role members are not grants
        roles = conn.execute("SELECT principal, privilege, object_type FROM lakeward.grants "
                             "WHERE principal_type = 'role'").fetchall()
        assert ("00000000-0000-4000-8000-0000000000a1", "select", "namespace") in roles
        assert conn.execute("SELECT count(*) FROM lakeward.grants WHERE privilege = 'assignee' "
                            "AND object_type = 'role'").fetchone() == (0,)
        # cookbook: everything one principal holds directly
        mine = conn.execute("SELECT object_type, privilege FROM lakeward.grants WHERE "
                            "principal = %s ORDER BY 1, 2",
                            ("oidc~a1f10000-0000-4000-8000-000000000001",)).fetchall()
        assert mine == [("warehouse", "create"), ("warehouse", "modify")]


def visible(action, seen, bound_s=60):
    """Runs action (a write through the stand-in), then polls seen() until it is true; returns
    the seconds it took (printed: the test stack's measure of the change-log lag). The bound
    is a hang bound only: the SQL side runs at nice 10, and on a loaded machine its syncs
    stretch with the load."""
    action()
    t0 = time.monotonic()
    while not seen():
        assert time.monotonic() - t0 < bound_s, "never visible"
        time.sleep(0.02)
    took = time.monotonic() - t0
    print(f"visible after {took:.3f} s")
    return took


def test_grant_and_revoke_show_within_one_sync(stack, lw):
    user = f"oidc~g9-{uuid.uuid4()}"
    subject = "user:" + urllib.parse.quote(user, safe="-_.~")
    q_grant = ("SELECT privilege, object_id, granted_at FROM lakeward.grants "
               "WHERE principal = %s")
    q_hist = ("SELECT operation, privilege, object_id, changed_at FROM lakeward.grant_history "
              "WHERE principal = %s ORDER BY changed_at, operation DESC")
    with connect(lw, ADMIN) as conn:
        visible(lambda: assign(stack, "writes", user, "select"),
                                lambda: conn.execute(q_grant, (user,)).fetchall())
        rows = conn.execute(q_grant, (user,)).fetchall()
        assert [r[:2] for r in rows] == [("select", REVENUE)]
        # granted_at is OpenFGA's write time (a second of clock slack either way)
        assert conn.execute("SELECT now() - %s < interval '1 minute'", (rows[0][2],)
                            ).fetchone() == (True,)
        hist = conn.execute(q_hist, (user,)).fetchall()
        assert [h[:3] for h in hist] == [("grant", "select", REVENUE)]
        # the mirror's copy equals OpenFGA's own log for this subject
        assert (subject, "select", f"lakekeeper_table:{WH}/{REVENUE}") in direct_read(stack)

        visible(lambda: assign(stack, "deletes", user, "select"),
                                lambda: not conn.execute(q_grant, (user,)).fetchall())
        hist = conn.execute(q_hist, (user,)).fetchall()
        assert [h[:3] for h in hist] == [("grant", "select", REVENUE),
                                         ("revoke", "select", REVENUE)]
        # cookbook: who lost access this week (revoked and not granted again since)
        lost = conn.execute(
            "SELECT h.principal, h.object_type, h.object_id, h.privilege, h.changed_at "
            "FROM lakeward.grant_history h WHERE h.operation = 'revoke' "
            "AND h.changed_at > now() - interval '7 days' AND NOT EXISTS ("
            "  SELECT 1 FROM lakeward.grants g WHERE g.fga_subject = h.fga_subject "
            "  AND g.fga_object = h.fga_object AND g.privilege = h.privilege)").fetchall()
        assert (user, "table", REVENUE, "select") in [r[:4] for r in lost]
        # cookbook: what changed in the permissions today
        today = conn.execute("SELECT count(*) FROM lakeward.grant_history WHERE "
                             "changed_at >= now() - interval '1 day' AND principal = %s",
                             (user,)).fetchone()
        assert today == (2,)


def test_admin_and_airflow_sp_2_see_what_openfga_lets_them(stack, lw):
    want = expected_grants(stack)
    objects = sorted({o for _, _, o in want})
    for principal in (SP2, LAKEWARD_SA):
        fga_user = "user:" + urllib.parse.quote(principal, safe="-_.~")
        readable = {o for o in objects if fga_check(stack, fga_user, "can_read_assignments", o)}
        with connect(lw, principal) as conn:
            rows = sorted(conn.execute(f"SELECT {GRANT_COLS} FROM lakeward.grants").fetchall())
            hist = conn.execute("SELECT DISTINCT fga_object FROM lakeward.grant_history"
                                ).fetchall()
        assert rows == sorted(t for t in want if t[2] in readable), principal
        assert {h[0] for h in hist} <= readable
        if principal == SP2:
            # airflow-sp-2 reads no catalog object's assignments; roles' (can_list_roles of
            # the project, which its table grant gives it) it may
            assert all(o.startswith("role:") for _, _, o in rows), rows
            assert len(rows) < len(want)
        else:
            assert len(rows) >= 4       # the project admin reads the project's
    with connect(lw, ADMIN) as conn:
        assert sorted(conn.execute(f"SELECT {GRANT_COLS} FROM lakeward.grants").fetchall()) \
            == want


def lk_get(stack, path, project=None):
    """A GET of the stand-in's management API as lakeward's technical client."""
    headers = {"Authorization": "Bearer " + client_token(stack, "lakeward")}
    if project:
        headers["x-project-id"] = project
    return requests.get(stack["LK_URL"] + path, headers=headers, timeout=30)


def direct_principal_names(stack, principals):
    """What Lakekeeper names each (principal_type, id), asked here: users one by one by id,
    roles from every project's listing; None where Lakekeeper does not know it."""
    roles = {}
    for p in lk_get(stack, "/management/v1/project-list").json()["projects"]:
        token = ""
        while True:
            page = lk_get(stack, f"/management/v1/role?pageSize=2&pageToken={token}",
                          p["project-id"]).json()
            roles.update({r["id"]: r["name"] for r in page["roles"]})
            token = page.get("next-page-token")
            if not token:
                break
    out = {}
    for ptype, pid in principals:
        if ptype == "role":
            out[(ptype, pid)] = roles.get(pid)
        else:
            r = lk_get(stack, "/management/v1/user/" + urllib.parse.quote(pid, safe=""))
            assert r.status_code in (200, 404), r.text
            out[(ptype, pid)] = r.json()["name"] if r.status_code == 200 else None
    return out


@pytest.fixture
def ghosts(stack):
    """A grant to a user and one to a role that only OpenFGA knows (as after Lakekeeper
    deleted them): their principal_name must be NULL."""
    user, role = f"oidc~{uuid.uuid4()}", str(uuid.uuid4())
    keys = [{"user": "user:" + urllib.parse.quote(user, safe="-_.~"), "relation": "select",
             "object": f"lakekeeper_table:{WH}/{REVENUE}"},
            {"user": f"role:{role}#assignee", "relation": "select",
             "object": f"lakekeeper_table:{WH}/{REVENUE}"}]
    body = {"authorization_model_id": stack["OPENFGA_MODEL_ID"]}
    fga_call(stack, "POST", "/write", dict(body, writes={"tuple_keys": keys}))
    yield user, role
    fga_call(stack, "POST", "/write", dict(body, deletes={"tuple_keys": keys}))


def test_principal_names_are_lakekeepers(stack, lw, ghosts):
    from test_perm_tables_catalog import control
    user, role = ghosts
    q = "SELECT DISTINCT principal_type, principal, principal_name FROM lakeward.grants"
    with connect(lw, ADMIN) as conn:
        # (generous: a cold catalog cache on the loaded test machine takes seconds)
        _, waited = poll(lambda: ("user", user, None) in conn.execute(q).fetchall(), 120)
        assert waited < 120
        rows = conn.execute(q).fetchall()
        want = direct_principal_names(stack, {(t, p) for t, p, _ in rows})
        assert {(t, p): n for t, p, n in rows} == want
        assert want[("user", user)] is None and want[("role", role)] is None
        assert want[("user", SP2)] == "service-account-airflow-sp-2"
        assert want[("role", "00000000-0000-4000-8000-0000000000a1")] == "analysts"
        hist = conn.execute("SELECT DISTINCT principal_type, principal, principal_name "
                            "FROM lakeward.grant_history").fetchall()
        assert ("user", user, None) in hist
        assert all(n == want[(t, p)] for t, p, n in hist if (t, p) in want)
        # dropping the cache in the same statement leaves the names read for it intact
        got = conn.execute("SELECT principal_name, lakeward.catalog_refresh() IS NOT NULL "
                           "FROM lakeward.grants WHERE principal = %s", (SP2,)).fetchall()
        assert got and all(g == ("service-account-airflow-sp-2", True) for g in got), got
        # names are read only by a query that reads principal_name, then from the cache
        conn.execute("SELECT lakeward.catalog_refresh()")
        control(stack, "POST", "stats/reset")
        conn.execute("SELECT count(*), max(principal) FROM lakeward.grants").fetchall()
        asked = control(stack, "GET", "stats")["requests"]
        assert not any(asked.get(k) for k in ("users", "user", "roles")), asked
        conn.execute("SELECT principal_name FROM lakeward.grants").fetchall()
        asked = control(stack, "GET", "stats")["requests"]
        assert asked.get("roles", 0) > 0 and asked.get("user", 0) > 0, asked
        conn.execute("SELECT principal_name FROM lakeward.grants").fetchall()
        again = control(stack, "GET", "stats")["requests"]
        assert [again.get(k) for k in ("users", "user", "roles")] == \
            [asked.get(k) for k in ("users", "user", "roles")]


def test_principal_names_a_non_admin_may_see(stack, lw):
    """airflow-sp-2 sees its own name, other users' only with can_list_users on the server,
    roles' only with can_read on the role (Lakekeeper's rules for users and roles)."""
    me = "user:" + urllib.parse.quote(SP2, safe="-_.~")
    sid = lk_get(stack, "/management/v1/info").json()["server-id"]
    list_users = fga_check(stack, me, "can_list_users", f"server:{sid}")
    with connect(lw, SP2) as conn:
        rows = conn.execute("SELECT DISTINCT principal_type, principal, principal_name "
                            "FROM lakeward.grants").fetchall()
    assert rows
    names = direct_principal_names(stack, {(t, p) for t, p, _ in rows})
    for t, p, n in rows:
        may = (p == SP2 or list_users) if t == "user" else \
            fga_check(stack, me, "can_read", f"role:{p}")
        assert n == (names[(t, p)] if may else None), (t, p, n)


def test_state_shows_mirror_and_config_without_secrets(stack, lw):
    with connect(lw, ADMIN) as conn:
        rows = conn.execute("SELECT component, name, value FROM lakeward.lakeward_state"
                            ).fetchall()
    values = {(c, n): v for c, n, v in rows}
    assert values[("fga_mirror", "loaded")] == "true"
    assert int(values[("fga_mirror", "tuples")]) == len(direct_read(stack))
    assert int(values[("fga_mirror", "lag_ms")]) >= 0
    assert values[("fga_mirror", "last_error")] is None
    assert int(values[("fga_mirror", "snapshot_bytes")]) > 0
    assert values[("upstream", "openfga")] == "ok"
    assert values[("config", "openfga_url")] == stack["OPENFGA_URL"]
    assert values[("config", "fga_mirror_interval_ms")] == str(SYNC_MS)
    assert values[("config", "lakekeeper[0].client_secret")] == "(set)"
    secrets = {"lakeward-secret"}
    for c, n, v in rows:
        assert not any(s in (v or "") for s in secrets), (c, n)
    # /metrics of the main process carries the mirror's gauges
    assert lw.metric("lakeward_fga_mirror_tuples") == int(values[("fga_mirror", "tuples")])
    assert lw.metric("lakeward_fga_mirror_last_sync_timestamp_seconds") > 0
    # not for non-admins
    with connect(lw, SP2) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT * FROM lakeward.lakeward_state").fetchall()


def test_store_over_the_bound_is_refused(stack, lakeward_factory):
    lw = lakeward_factory(env_for(stack, LAKEWARD_FGA_MIRROR_MAX_TUPLES=5))
    err, _ = poll(lambda: state(lw).get("last_error"), 60)
    assert err and "exceeds the bound of 5 tuples" in err, err
    assert state(lw)["loaded"] == "false"
    with connect(lw, ADMIN) as conn:
        for table in ("grants", "grant_history"):
            with pytest.raises(psycopg.Error) as e:
                conn.execute(f"SELECT * FROM lakeward.{table}").fetchall()
            assert "exceeds the bound of 5 tuples" in str(e.value)
            assert "never truncated" in str(e.value)
            assert e.value.sqlstate == "55000"


def test_openfga_not_answering_keeps_last_snapshot(stack, lakeward_factory):
    lw = lakeward_factory(env_for(stack, LAKEWARD_UPSTREAM_TIMEOUT_MS=1000))
    wait_loaded(lw)
    with connect(lw, ADMIN) as conn:
        before = sorted(conn.execute(f"SELECT {GRANT_COLS} FROM lakeward.grants").fetchall())
    pid = int((STACK_DIR / "openfga" / "pid").read_text().split()[0])
    os.kill(pid, signal.SIGSTOP)
    try:
        err, _ = poll(lambda: state(lw).get("last_error"), 30)
        assert err, "no error while OpenFGA does not answer"
        lag1 = int(state(lw)["lag_ms"])
        time.sleep(1.0)
        st = state(lw)
        assert int(st["lag_ms"]) >= lag1 + 900       # growing: no sync since
        assert st["loaded"] == "true"
        assert int(st["syncs_failed"]) >= 1
        assert state(lw, "upstream")["openfga"] == st["last_error"]
        with connect(lw, ADMIN) as conn:
            after = sorted(conn.execute(f"SELECT {GRANT_COLS} FROM lakeward.grants"
                                        ).fetchall())
        assert after == before          # the last snapshot, whole
    finally:
        os.kill(pid, signal.SIGCONT)
    ok, _ = poll(lambda: state(lw).get("last_error") is None, 60)
    assert ok, state(lw)
    assert int(state(lw)["lag_ms"]) < 60000


def test_catalog_read_only_for_catalog_columns(stack, lakeward_factory):
    """Loading the catalog costs a Lakekeeper listing per namespace (minutes for a
    10,000-table warehouse): the catalog process loads it once for every session, so no
    grants query lists anything itself, whether it reads a catalog column (object_name) or
    not (count(*), a dashboard's totals), in a new session too."""
    lw = lakeward_factory(env_for(stack), config=f"catalog_cache_ttl_ms = {3600 * 1000};\n")
    wait_loaded(lw)
    ctl = {"Authorization": f"Bearer {stack['LK_CONTROL_TOKEN']}"}

    def catalog_calls():
        calls = requests.get(stack["LK_URL"] + "/_control/stats", headers=ctl,
                             timeout=10).json()["requests"]
        return {k: v for k, v in calls.items() if v and k != "batch-check"}

    want = len(expected_grants(stack))
    with connect(lw, ADMIN) as conn:    # the shared catalog's first load is in
        ok, _ = poll(lambda: dict(conn.execute(
            "SELECT name, value FROM lakeward.lakeward_state WHERE component = "
            "'catalog_cache'").fetchall())["loaded"] == "true", 120)
        assert ok
    requests.post(stack["LK_URL"] + "/_control/stats/reset", headers=ctl, timeout=10)
    with connect(lw, ADMIN) as conn:
        assert conn.execute("SELECT count(*), count(principal) "
                            "FROM lakeward.grants").fetchone() == (want, want)
        # the dashboard's "Grants now" panel (helm/lakeward/dashboards/gen/main.go)
        assert conn.execute("SELECT count(*) AS grants,\n  sum(CASE WHEN principal_type = "
                            "'role' THEN 1 ELSE 0 END) AS role_grants\nFROM lakeward.grants"
                            ).fetchone()[0] == want
        assert conn.execute("SELECT count(*) FROM lakeward.grant_history "
                            "WHERE operation = 'grant'").fetchone()[0] > 0
    assert catalog_calls() == {}
    with connect(lw, ADMIN) as conn:
        named = conn.execute("SELECT count(object_name) FROM lakeward.grants "
                             "WHERE object_type = 'table'").fetchone()[0]
        assert named > 0
    assert catalog_calls() == {}


def test_cookbook_queries(stack, lw):
    """docs/sql-tables.md's grant cookbook, verbatim (the 'who lost access' query is run by
    test_grant_and_revoke_show_within_one_sync)."""
    with connect(lw, ADMIN) as conn:
        rows = conn.execute(
            "SELECT object_type, object_name, privilege FROM lakeward.grants\n"
            "WHERE principal = 'oidc~a1f10000-0000-4000-8000-000000000001' ORDER BY 1, 3;"
        ).fetchall()
        assert [(r[0], r[2]) for r in rows] == [("warehouse", "create"), ("warehouse", "modify")]
        assert all(r[1] in ("demo", None) for r in rows)
        rows = conn.execute(
            "SELECT changed_at, operation, principal, privilege, object_type, object_id\n"
            "FROM lakeward.grant_history WHERE changed_at >= now() - interval '1 day';"
        ).fetchall()
        assert all(r[1] in ("grant", "revoke") for r in rows)
        rows = dict(conn.execute(
            "SELECT name, value FROM lakeward.lakeward_state\n"
            "WHERE component = 'fga_mirror' AND name IN ('loaded', 'lag_ms', 'last_error', "
            "'tuples');").fetchall())
        assert rows["loaded"] == "true" and rows["last_error"] is None
        assert int(rows["tuples"]) == len(direct_read(stack))


def test_mirror_process_restarts_after_a_crash(stack, lw):
    """The postmaster starts a new mirror process when the running one dies; backends keep
    reading the last snapshot meanwhile and the new process loads the store again."""
    old = int(state(lw)["pid"])
    os.kill(old, signal.SIGKILL)
    with connect(lw, ADMIN) as conn:
        rows = sorted(conn.execute(f"SELECT {GRANT_COLS} FROM lakeward.grants").fetchall())
        assert rows == expected_grants(stack)
    new, _ = poll(lambda: int(state(lw)["pid"]) not in (0, old) and state(lw)["loaded"] == "true"
                  and int(state(lw)["pid"]), 60)
    assert new and new != old, state(lw)
    assert "event=process_died" in lw.log_text() and "backend_crashed" not in lw.log_text()
    with connect(lw, ADMIN) as conn:
        rows = sorted(conn.execute(f"SELECT {GRANT_COLS} FROM lakeward.grants").fetchall())
        assert rows == expected_grants(stack)

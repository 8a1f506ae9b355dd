"""Lakekeeper's principals as SQL tables (lakeward.users, roles, principals, role_members,
effective_role_members) on the seed scenario: every table's rows equal what the test reads
itself from the stand-in's API (as a server admin, paginated by the test) and from OpenFGA
(Read, ListUsers, ListObjects, Check); filters on ids and names reach Lakekeeper; a role
assigned to another role shows in effective_role_members exactly as OpenFGA's ListUsers
says; an administrator sees everything, a principal without rights only what OpenFGA lets
them see, and without OpenFGA to ask, a non-administrator gets an error, never rows."""
import subprocess
import time
import urllib.parse
import uuid

import psycopg
import pytest
import requests

from conftest import REPO, SUBJECTS, user_token
from lakeward_proc import stack_env

ADMIN = "u9admin"
OTHER = "oidc~" + SUBJECTS["airflow-sp-2"]
PETER = "oidc~" + SUBJECTS["peter"]          # the seed's server admin, not a pg admin
LAKEWARD_SP = "oidc~" + SUBJECTS["lakeward"]
ANALYSTS = "00000000-0000-4000-8000-0000000000a1"


def fga_call(stack, method, path, body=None):
    url = f"{stack['OPENFGA_URL']}/stores/{stack['OPENFGA_STORE_ID']}{path}"
    r = requests.request(method, url, json=body, timeout=30)
    assert r.ok, r.text
    return r.json()


def fga_write(stack, tuples, delete=False):
    keys = [{"user": u, "relation": r, "object": o} for u, r, o in tuples]
    fga_call(stack, "POST", "/write", {("deletes" if delete else "writes"): {"tuple_keys": keys},
                                       "authorization_model_id": stack["OPENFGA_MODEL_ID"]})


def fga_check(stack, user, relation, obj):
    return fga_call(stack, "POST", "/check", {
        "tuple_key": {"user": user, "relation": relation, "object": obj},
        "authorization_model_id": stack["OPENFGA_MODEL_ID"]})["allowed"]


def fga_subject(principal):
    """Lakekeeper's OpenFGA subject: users percent-encoded, roles as their assignees."""
    if "~" in principal:
        return "user:" + urllib.parse.quote(principal, safe="-_.~")
    return f"role:{principal}#assignee"


def server_id(stack):
    return lk_get(stack, "/management/v1/info")["server-id"]


_tokens = {}


def lk_get(stack, path, project=None, params=None):
    """A GET of the stand-in's API as Peter, the seed's server admin."""
    if "peter" not in _tokens:
        _tokens["peter"] = user_token(stack, "peter", client_id="trino")
    headers = {"Authorization": f"Bearer {_tokens['peter']}"}
    if project:
        headers["x-project-id"] = project
    r = requests.get(stack["LK_URL"] + path, headers=headers, params=params, timeout=30)
    assert r.ok, r.text
    return r.json()


def lk_list(stack, path, key, project=None, params=None):
    """Every item of a paginated Lakekeeper listing, following next-page-token."""
    out, token = [], ""
    while True:
        page = lk_get(stack, path, project, dict(params or {}, pageToken=token, pageSize=2))
        out += page[key]
        token = page.get("next-page-token")
        if not token:
            return out


def direct_users(stack):
    return sorted((u["id"], u["name"], u.get("email"), u["user-type"])
                  for u in lk_list(stack, "/management/v1/user", "users"))


def direct_roles(stack):
    out = []
    for p in lk_get(stack, "/management/v1/project-list")["projects"]:
        out += [(r["id"], r["name"], r.get("description"), p["project-id"])
                for r in lk_list(stack, "/management/v1/role", "roles", p["project-id"])]
    return sorted(out)


def direct_list_users(stack, role_id):
    """OpenFGA's ListUsers on role:<id>#assignee, users and role assignees, as subjects."""
    out = set()
    for flt in ({"type": "user"}, {"type": "role", "relation": "assignee"}):
        r = fga_call(stack, "POST", "/list-users", {
            "object": {"type": "role", "id": role_id}, "relation": "assignee",
            "user_filters": [flt], "authorization_model_id": stack["OPENFGA_MODEL_ID"]})
        for u in r["users"]:
            if "object" in u:
                out.add(f"{u['object']['type']}:{u['object']['id']}")
            elif "userset" in u:
                us = u["userset"]
                out.add(f"{us['type']}:{us['id']}#{us['relation']}")
    out.discard(f"role:{role_id}#assignee")
    return out


def direct_list_objects(stack, subject):
    r = fga_call(stack, "POST", "/list-objects", {
        "type": "role", "relation": "assignee", "user": subject,
        "authorization_model_id": stack["OPENFGA_MODEL_ID"]})
    return {o.split(":", 1)[1] for o in r["objects"]}


@pytest.fixture
def lw(stack, lakeward_factory):
    # The shared catalog is loaded by its own process, in the background: an hour's TTL and
    # waiting for its first load keep its Lakekeeper calls out of the faults tests inject.
    lw = lakeward_factory(stack_env(
        stack, LAKEWARD_OPENFGA_URL=stack["OPENFGA_URL"],
        LAKEWARD_OPENFGA_STORE_ID=stack["OPENFGA_STORE_ID"],
        LAKEWARD_OPENFGA_MODEL_ID=stack["OPENFGA_MODEL_ID"], LAKEWARD_PG_ADMINS=ADMIN),
        config=f"catalog_cache_ttl_ms = {3600 * 1000};\n")
    with connect(lw, ADMIN) as conn:
        end = time.monotonic() + 120
        while dict(conn.execute("SELECT name, value FROM lakeward.lakeward_state WHERE "
                                "component = 'catalog_cache'").fetchall())["loaded"] != "true":
            assert time.monotonic() < end, "the shared catalog never loaded"
            time.sleep(0.2)
    return lw


@pytest.fixture
def lakeward_lists_users(stack):
    """Listing users is for server admins (Lakekeeper's rule); the seed's technical client
    is project admin only, so the tests that list users make it server admin meanwhile."""
    t = [(fga_subject(LAKEWARD_SP), "admin", f"server:{server_id(stack)}")]
    fga_write(stack, t)
    yield
    fga_write(stack, t, delete=True)


@pytest.fixture
def nested_role(stack):
    """A role (known only to OpenFGA, as after a role removed from Lakekeeper's database)
    holding airflow-sp-1, assigned to analysts: its members hold analysts too."""
    inner = str(uuid.uuid4())
    sp1 = "oidc~" + SUBJECTS["airflow-sp-1"]
    t = [(fga_subject(sp1), "assignee", f"role:{inner}"),
         (f"role:{inner}#assignee", "assignee", f"role:{ANALYSTS}")]
    fga_write(stack, t)
    yield inner, sp1
    fga_write(stack, t, delete=True)


def connect(lw, user):
    return psycopg.connect(host="127.0.0.1", port=lw.pg_port, user=user, dbname="lakeward",
                           connect_timeout=10, autocommit=True)


def rows(conn, q, args=None):
    return sorted(conn.execute(q, args).fetchall())


def test_users_equal_lakekeeper(stack, lw, lakeward_lists_users):
    want = direct_users(stack)
    assert len(want) >= 7
    with connect(lw, ADMIN) as conn:
        t0 = time.monotonic()
        got = rows(conn, "SELECT user_id, user_name, email, user_type FROM lakeward.users")
        print(f"users scan: {(time.monotonic() - t0) * 1000:.1f} ms")
        assert got == want
        subjects = rows(conn, "SELECT user_id, fga_subject, created_at IS NOT NULL, "
                              "lakekeeper FROM lakeward.users")
        assert subjects == sorted((u[0], fga_subject(u[0]), True, "default") for u in want)
        # ids and names pushed down (one GET per id; a missing one is no row)
        ids = [PETER, OTHER, "oidc~nobody-here"]
        got = rows(conn, "SELECT user_id FROM lakeward.users WHERE user_id = ANY(%s)", (ids,))
        assert got == sorted([(PETER,), (OTHER,)])
        got = rows(conn, "SELECT user_id FROM lakeward.users WHERE user_name IN "
                         "('Anna Cold', 'service-account-airflow-sp-2')")
        assert got == sorted([("oidc~" + SUBJECTS["anna"],), (OTHER,)])


def test_users_need_a_technical_client_that_may_list_them(stack, lw):
    """Without server admin, Lakekeeper refuses the listing: an error that says so."""
    with connect(lw, ADMIN) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege) as e:
            conn.execute("SELECT * FROM lakeward.users").fetchall()
        assert "/management/v1/user" in str(e.value) and "server admin" in str(e.value)
        # by id needs no listing right
        assert rows(conn, "SELECT user_name FROM lakeward.users WHERE user_id = %s",
                    (PETER,)) == [("Peter Cold",)]
    # someone who may not list users is answered with their own row, fetched by id: the
    # listing the technical client may not make is never attempted for them
    with connect(lw, OTHER) as conn:
        assert rows(conn, "SELECT user_id, user_name FROM lakeward.users") == \
            [(OTHER, "service-account-airflow-sp-2")]
        assert rows(conn, "SELECT user_id FROM lakeward.users WHERE user_id = %s",
                    (PETER,)) == []


def test_roles_and_principals_equal_lakekeeper(stack, lw, lakeward_lists_users):
    want_roles = direct_roles(stack)
    assert [r[0] for r in want_roles] == [ANALYSTS]
    with connect(lw, ADMIN) as conn:
        t0 = time.monotonic()
        got = rows(conn, "SELECT role_id::text, role_name, description, project_id "
                         "FROM lakeward.roles")
        print(f"roles scan: {(time.monotonic() - t0) * 1000:.1f} ms")
        assert got == want_roles
        assert rows(conn, "SELECT role_name, fga_subject FROM lakeward.roles WHERE role_id = %s",
                    (ANALYSTS,)) == [("analysts", f"role:{ANALYSTS}#assignee")]
        assert rows(conn, "SELECT role_name FROM lakeward.roles WHERE role_id = %s",
                    (str(uuid.uuid4()),)) == []
        # principals: users and roles in one table
        want = sorted([("user", u[0], u[1], None) for u in direct_users(stack)] +
                      [("role", r[0], r[1], r[3]) for r in want_roles])
        assert rows(conn, "SELECT principal_type, principal, principal_name, project_id "
                          "FROM lakeward.principals") == want
        got = rows(conn, "SELECT principal_type, principal_name FROM lakeward.principals "
                         "WHERE principal IN (%s, %s, %s)", (ANALYSTS, PETER, f"role:{ANALYSTS}"))
        assert got == [("role", "analysts"), ("user", "Peter Cold")]
        got = rows(conn, "SELECT count(*) FROM lakeward.principals WHERE principal_type = 'role'")
        assert got == [(len(want_roles),)]


def test_role_members_equal_lakekeeper_and_openfga(stack, lw, nested_role):
    inner, _ = nested_role
    members = lk_list(stack, f"/management/v1/role/{ANALYSTS}/members", "members")
    want = sorted((m["type"], m["id"], m.get("name")) for m in members)
    # the same members as the assignee tuples OpenFGA holds, except the role Lakekeeper
    # does not know (its members endpoint leaves such dangling roles out)
    tuples = fga_call(stack, "POST", "/read", {"tuple_key": {"relation": "assignee",
                                                             "object": f"role:{ANALYSTS}"}})
    held = {t["key"]["user"] for t in tuples["tuples"]}
    assert held - {f"role:{inner}#assignee"} == {fga_subject(m[1]) for m in want}
    with connect(lw, ADMIN) as conn:
        got = rows(conn, "SELECT member_type, member, member_name FROM lakeward.role_members "
                         "WHERE role_id = %s", (ANALYSTS,))
        assert got == want and len(got) == 2
        assert rows(conn, "SELECT role_name, fga_subject FROM lakeward.role_members") == \
            sorted(("analysts", fga_subject(m[1])) for m in want)
        # member = X reads only the roles OpenFGA holds an assignee tuple of X on
        anna = "oidc~" + SUBJECTS["anna"]
        assert rows(conn, "SELECT role_id::text, member_name FROM lakeward.role_members "
                          "WHERE member = %s", (anna,)) == [(ANALYSTS, "Anna Cold")]
        ctl = {"Authorization": f"Bearer {stack['LK_CONTROL_TOKEN']}"}
        requests.post(stack["LK_URL"] + "/_control/stats/reset", headers=ctl, timeout=10)
        assert rows(conn, "SELECT * FROM lakeward.role_members WHERE member = %s",
                    (OTHER,)) == []
        calls = requests.get(stack["LK_URL"] + "/_control/stats", headers=ctl,
                             timeout=10).json()["requests"]
        assert calls["roles"] == calls["role-members"] == 0   # in no role: nothing listed


def test_effective_role_members_are_openfgas_answer(stack, lw, nested_role):
    inner, sp1 = nested_role
    want = direct_list_users(stack, ANALYSTS)
    assert {f"role:{inner}#assignee", fga_subject(sp1)} <= want
    with connect(lw, ADMIN) as conn:
        got = rows(conn, "SELECT fga_subject, principal_type, principal, role_name "
                         "FROM lakeward.effective_role_members WHERE role_id = %s", (ANALYSTS,))
        assert {g[0] for g in got} == want and len(got) == len(want)
        assert ("role:" + inner + "#assignee", "role", inner, "analysts") in got
        assert (fga_subject(sp1), "user", sp1, "analysts") in got
        names = dict(conn.execute("SELECT principal, principal_name FROM "
                                  "lakeward.effective_role_members WHERE role_id = %s",
                                  (ANALYSTS,)).fetchall())
        assert names[sp1] == "service-account-airflow-sp-1" and names[inner] is None
        # by principal: OpenFGA's ListObjects, nesting included
        got = rows(conn, "SELECT role_id::text FROM lakeward.effective_role_members "
                         "WHERE principal = %s", (sp1,))
        assert {g[0] for g in got} == direct_list_objects(stack, fga_subject(sp1)) == \
            {inner, ANALYSTS}
        # one of the two keys is required; the error names both
        with pytest.raises(psycopg.errors.InvalidColumnReference) as e:
            conn.execute("SELECT * FROM lakeward.effective_role_members").fetchall()
        assert "role_id" in str(e.value) and "principal" in str(e.value)


def test_visibility_admin_peter_airflow_sp_2_and_nobody(stack, lw, lakeward_lists_users):
    """pg admin: everything. Anyone else: what OpenFGA's answer for their own principal --
    checked directly by the test -- lets them see. Peter (server admin in Lakekeeper, not a
    pg admin) may see everything; airflow-sp-2 may read the roles of the default project but
    not list users (so sees its own user row only); a principal with no grants sees nothing."""
    sid = server_id(stack)
    nobody = f"oidc~u9-{uuid.uuid4()}"
    with connect(lw, ADMIN) as conn:
        all_users = rows(conn, "SELECT user_id FROM lakeward.users")
        all_members = rows(conn, "SELECT member FROM lakeward.role_members")
    seen = {}
    for who in (PETER, OTHER, nobody):
        s = fga_subject(who)
        lists = fga_check(stack, s, "can_list_users", f"server:{sid}")
        reads = fga_check(stack, s, "can_read", f"role:{ANALYSTS}")
        assignments = fga_check(stack, s, "can_read_assignments", f"role:{ANALYSTS}")
        seen[who] = (lists, reads, assignments)
        with connect(lw, who) as conn:
            users = rows(conn, "SELECT user_id FROM lakeward.users")
            assert users == (all_users if lists else [u for u in all_users if u[0] == who])
            assert rows(conn, "SELECT role_id::text FROM lakeward.roles") == \
                ([(ANALYSTS,)] if reads else [])
            assert rows(conn, "SELECT member FROM lakeward.role_members") == \
                (all_members if assignments else [])
            eff = rows(conn, "SELECT principal FROM lakeward.effective_role_members "
                             "WHERE role_id = %s", (ANALYSTS,))
            assert (len(eff) > 0) == assignments
            kinds = {r[0] for r in rows(conn, "SELECT principal_type FROM lakeward.principals")}
            assert kinds == {k for k, shown in (("user", lists or who != nobody),
                                                ("role", reads)) if shown}
    assert seen[PETER] == (True, True, True)
    assert seen[OTHER][0] is False
    assert seen[nobody] == (False, False, False)


def test_without_openfga_non_admins_get_an_error(stack, lakeward_factory):
    """Fail closed: who may see a role cannot be asked, so a non-admin gets 42501, not rows;
    effective_role_members (answered by OpenFGA) is not there at all."""
    lw = lakeward_factory(stack_env(stack, LAKEWARD_PG_ADMINS=ADMIN))
    with connect(lw, OTHER) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege) as e:
            conn.execute("SELECT * FROM lakeward.roles").fetchall()
        assert "OpenFGA" in str(e.value)
    with connect(lw, ADMIN) as conn:
        assert rows(conn, "SELECT role_name FROM lakeward.roles") == [("analysts",)]
        with pytest.raises(psycopg.errors.UndefinedTable):
            conn.execute("SELECT * FROM lakeward.effective_role_members "
                         "WHERE role_id = %s", (ANALYSTS,)).fetchall()


def test_lakekeeper_failing_is_an_error(stack, lw):
    """A failing Lakekeeper is an error naming the call, not an empty table."""
    ctl = {"Authorization": f"Bearer {stack['LK_CONTROL_TOKEN']}"}
    r = requests.post(stack["LK_URL"] + "/_control/fault", headers=ctl, timeout=10,
                      json={"mode": "status", "status": 503, "paths": "all", "count": 1})
    assert r.ok, r.text
    try:
        with connect(lw, ADMIN) as conn:
            with pytest.raises(psycopg.errors.SystemError) as e:
                conn.execute("SELECT * FROM lakeward.roles").fetchall()
            assert "/management/v1/project-list" in str(e.value)
            assert rows(conn, "SELECT role_name FROM lakeward.roles") == [("analysts",)]
    finally:
        requests.post(stack["LK_URL"] + "/_control/fault", headers=ctl, json={"mode": "none"},
                      timeout=10)


def cookbook():
    """The ```sql principals blocks of docs/sql-tables.md, in order."""
    text = (REPO / "docs/sql-tables.md").read_text()
    return [b.split("```", 1)[0].strip() for b in text.split("```sql principals\n")[1:]]


def test_cookbook_queries(stack, lw, nested_role, lakeward_lists_users):
    inner, sp1 = nested_role
    queries = cookbook()
    assert len(queries) == 4
    with connect(lw, ADMIN) as conn:
        def run(q):
            q = q.replace("<role-name>", "analysts").replace("<user-id>", sp1)
            q = q.replace("<role-id>", ANALYSTS)
            return rows(conn, q.rstrip(";"))
        in_role, direct, my_roles, unknown = (run(q) for q in queries)
    # who is in analysts, directly or through other roles?
    assert {r[1] for r in in_role} == {p.split(":", 1)[1].split("#")[0] for p in
                                       direct_list_users(stack, ANALYSTS)}
    assert (
        "user", sp1, "service-account-airflow-sp-1") in [r[:3] for r in in_role]
    # direct members only
    assert {r[1] for r in direct} == {"oidc~" + SUBJECTS["peter"], "oidc~" + SUBJECTS["anna"]}
    # the roles airflow-sp-1 holds, with names where Lakekeeper knows them
    assert my_roles == sorted([(ANALYSTS, "analysts"), (inner, None)], key=str)
    # members OpenFGA knows that Lakekeeper has no user or role for
    assert [r[0] for r in unknown] == [inner]


def test_psql_lists_and_describes(lw):
    """psql's \\dt lists the five tables and \\d describes them (the hidden lakekeeper column
    is left out, as `*` leaves it out)."""
    def psql(command):
        r = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(lw.pg_port), "-U", ADMIN,
                            "-d", "lakeward", "-X", "-A", "-F", "|", "-P", "pager=off",
                            "-v", "ON_ERROR_STOP=1", "-c", command],
                           capture_output=True, text=True, timeout=30,
                           env={"PATH": "/usr/bin:/bin", "PGCONNECT_TIMEOUT": "10"})
        assert r.returncode == 0 and "ERROR" not in r.stderr, (command, r.stderr)
        return r.stdout.splitlines()
    out = psql("\\dt lakeward.*")
    for t in ("users", "roles", "principals", "role_members", "effective_role_members"):
        assert f"lakeward|{t}|table|lakeward" in out
    out = psql("\\d lakeward.effective_role_members")
    cols = [line.split("|")[:2] for line in out[2:] if "|" in line]
    assert cols == [["role_id", "uuid"], ["role_name", "text"], ["project_id", "text"],
                    ["principal_type", "text"], ["principal", "text"],
                    ["principal_name", "text"], ["fga_subject", "text"]]
    with connect(lw, ADMIN) as conn:
        cur = conn.execute("SELECT * FROM lakeward.role_members WHERE role_id = %s", (ANALYSTS,))
        assert [d.name for d in cur.description] == [
            "role_id", "role_name", "project_id", "member_type", "member", "member_name",
            "fga_subject"]


def test_slow_lakekeeper_is_cut_by_the_statement_timeout(stack, lw):
    """A Lakekeeper that does not answer within the statement's time makes the query fail
    (57014) instead of hanging; the next query is answered."""
    ctl = {"Authorization": f"Bearer {stack['LK_CONTROL_TOKEN']}"}
    r = requests.post(stack["LK_URL"] + "/_control/fault", headers=ctl, timeout=10,
                      json={"mode": "delay", "ms": 20000, "paths": "all", "count": 1})
    assert r.ok, r.text
    try:
        with connect(lw, ADMIN) as conn:
            conn.execute("SET statement_timeout = '1s'")
            t0 = time.monotonic()
            with pytest.raises(psycopg.errors.QueryCanceled):
                conn.execute("SELECT * FROM lakeward.roles").fetchall()
            assert time.monotonic() - t0 < 15     # a hang bound, not a speed claim
            conn.execute("SET statement_timeout = '30s'")
            assert rows(conn, "SELECT role_name FROM lakeward.roles") == [("analysts",)]
    finally:
        requests.post(stack["LK_URL"] + "/_control/fault", headers=ctl, json={"mode": "none"},
                      timeout=10)

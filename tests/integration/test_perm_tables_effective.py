"""lakeward.allowed_actions, lakeward.effective_permissions and who_can's role expansion on
the seed scenario (tests/stack/seed.json), against the stand-in and a real OpenFGA: every
answer equals what the test itself gets from the stand-in's /actions and from OpenFGA's
ListObjects, Read, Check and ListUsers; an administrator may ask about anyone, airflow-sp-2
only about itself (42501 otherwise); IN lists ask every combination; a missing key is the
engine's 42P10 naming it; the docs' cookbook for these tables runs as written."""
import urllib.parse
import uuid

import psycopg
import pytest
import requests

from conftest import REPO, client_token
from lakeward_proc import stack_env
from test_perm_tables_catalog import control

ADMIN = "e9admin"
SP2 = "oidc~a1f10000-0000-4000-8000-000000000002"      # airflow-sp-2: select on finance.product
PETER = "oidc~cfb55bf6-fcbb-4a1e-bfec-30c6649b52f8"    # server admin, member of analysts
LAKEWARD_SA = "oidc~a1f10000-0000-4000-8000-000000000010"  # project_admin
ANALYSTS = "00000000-0000-4000-8000-0000000000a1"
WH = "00000000-0000-4000-8000-00000000d001"
PRODUCT = f"{WH}/00000000-0000-4000-8000-00000000f101"
CAMPAIGNS = f"{WH}/00000000-0000-4000-8000-00000000e101"

# (object_type, name, the management API path of its /actions, x-project-id)
OBJECTS = [
    ("table", "demo.finance.product", f"warehouse/{WH}/table/00000000-0000-4000-8000-00000000f101", None),
    ("table", "demo.marketing.campaigns", f"warehouse/{WH}/table/00000000-0000-4000-8000-00000000e101", None),
    ("view", "demo.finance.product_summary", f"warehouse/{WH}/view/00000000-0000-4000-8000-00000000f201", None),
    ("namespace", "demo.finance.internal", f"warehouse/{WH}/namespace/00000000-0000-4000-8000-00000000f002", None),
    ("warehouse", "demo", f"warehouse/{WH}", None),
    ("role", "analysts", f"role/{ANALYSTS}", None),
    ("project", "default", "project", "00000000-0000-0000-0000-000000000000"),
]


@pytest.fixture(scope="module")
def lw_env(stack):
    return stack_env(stack, LAKEWARD_OPENFGA_URL=stack["OPENFGA_URL"],
                     LAKEWARD_OPENFGA_STORE_ID=stack["OPENFGA_STORE_ID"],
                     LAKEWARD_OPENFGA_MODEL_ID=stack["OPENFGA_MODEL_ID"],
                     LAKEWARD_PG_ADMINS=ADMIN,
                     # the stand-in answers one request at a time, each a batch of OpenFGA
                     # checks: on a loaded machine a queue of them is slow, and the per-request
                     # bound is not under test here
                     LAKEWARD_UPSTREAM_TIMEOUT_MS=120000)


@pytest.fixture
def lw(lw_env, lakeward_factory):
    # An hour's TTL: the shared catalog changes only when a test refreshes it.
    return lakeward_factory(lw_env, config=f"catalog_cache_ttl_ms = {3600 * 1000};\n")


def connect(lw, user):
    return psycopg.connect(host="127.0.0.1", port=lw.pg_port, user=user, dbname="lakeward",
                           connect_timeout=10, autocommit=True)


def standin_actions(stack, path, principal, project=None):
    """The stand-in's own answer to GET .../actions for principal, asked with lakeward's
    technical client as lakeward asks; None for a 404 (hidden or missing)."""
    key = "principalUser" if "~" in principal else "principalRole"
    headers = {"Authorization": f"Bearer {client_token(stack, 'lakeward')}"}
    if project:
        headers["x-project-id"] = project
    r = requests.get(f"{stack['LK_URL']}/management/v1/{path}/actions?{key}="
                     f"{urllib.parse.quote(principal, safe='')}", headers=headers, timeout=30)
    if r.status_code == 404:
        return None
    assert r.ok, r.text
    return sorted(a["action"] for a in r.json()["allowed-actions"])


def fga_call(stack, path, body):
    r = requests.post(f"{stack['OPENFGA_URL']}/stores/{stack['OPENFGA_STORE_ID']}{path}",
                      json=body, timeout=30)
    assert r.ok, r.text
    return r.json()


def fga_list_objects(stack, otype, relation, user):
    return fga_call(stack, "/list-objects", {"type": otype, "relation": relation,
                                             "user": user})["objects"]


def fga_check(stack, user, relation, obj):
    return fga_call(stack, "/check", {"tuple_key": {"user": user, "relation": relation,
                                                    "object": obj}})["allowed"]


def fga_list_users(stack, obj, relation, flt):
    otype, oid = obj.split(":", 1)
    out = []
    for u in fga_call(stack, "/list-users", {"object": {"type": otype, "id": oid},
                                             "relation": relation,
                                             "user_filters": [flt]})["users"]:
        if "object" in u:
            out.append(f"{u['object']['type']}:{u['object']['id']}")
        elif "userset" in u:
            out.append(f"{u['userset']['type']}:{u['userset']['id']}#{u['userset']['relation']}")
        else:
            out.append(f"{u['wildcard']['type']}:*")
    return sorted(out)


def assignable_pairs(stack):
    """(OpenFGA type, relation) pairs grants can write, read from the model by the test: a
    directly related type is a user or a role's assignees."""
    r = requests.get(f"{stack['OPENFGA_URL']}/stores/{stack['OPENFGA_STORE_ID']}/"
                     f"authorization-models/{stack['OPENFGA_MODEL_ID']}", timeout=30)
    r.raise_for_status()
    pairs = []
    for td in r.json()["authorization_model"]["type_definitions"]:
        meta = (td.get("metadata") or {}).get("relations") or {}
        for rel in td.get("relations") or {}:
            direct = (meta.get(rel) or {}).get("directly_related_user_types") or []
            if any("wildcard" not in d and (d["type"] == "user" or
                                            (d["type"] == "role" and d.get("relation") == "assignee"))
                   for d in direct):
                pairs.append((td["type"], rel))
    return pairs


LK_TYPES = {"server": "server", "project": "project", "warehouse": "warehouse",
            "namespace": "namespace", "lakekeeper_table": "table", "lakekeeper_view": "view",
            "role": "role"}


def test_names_resolve_through_the_session_catalog_cache(stack, lw):
    """allowed_actions and who_can look names up in the shared catalog (the one the catalog
    tables use): asking again lists nothing, and a namespace created meanwhile is unknown
    until lakeward.catalog_refresh()."""
    name = f"r9_{uuid.uuid4().hex[:8]}"
    q = ("SELECT count(*) FROM lakeward.allowed_actions WHERE object_type = 'namespace' "
         "AND object = %s AND principal = %s")
    with connect(lw, ADMIN) as conn:
        assert conn.execute(q, ("demo.finance", LAKEWARD_SA)).fetchone()[0] > 0
        control(stack, "POST", "stats/reset")
        conn.execute("SELECT * FROM lakeward.who_can WHERE object = 'table:demo.finance.product' "
                     "AND relation = 'select'").fetchall()
        assert conn.execute(q, ("demo.finance", LAKEWARD_SA)).fetchone()[0] > 0
        requests_made = control(stack, "GET", "stats")["requests"]
        assert requests_made.get("namespaces", 0) == 0, requests_made
        reg = control(stack, "POST", "register", {"warehouse": "demo", "namespace": [name]})
        try:
            assert conn.execute(q, (f"demo.{name}", LAKEWARD_SA)).fetchone()[0] == 0
            conn.execute("SELECT lakeward.catalog_refresh()")
            got = conn.execute("SELECT object_id FROM lakeward.allowed_actions "
                               "WHERE object_type = 'namespace' AND object = %s "
                               "AND principal = %s LIMIT 1",
                               (f"DEMO.{name.upper()}", LAKEWARD_SA)).fetchall()
            assert got == [(reg["id"],)]
            # a namespace by its id too
            by_id = conn.execute(q, (reg["id"], LAKEWARD_SA)).fetchone()[0]
            assert by_id == conn.execute(q, (f"demo.{name}", LAKEWARD_SA)).fetchone()[0] > 0
        finally:
            control(stack, "POST", "unregister", {"warehouse": "demo", "namespace": [name]})


def test_allowed_actions_equal_standin(stack, lw):
    """Every object kind by name, for a user and a role: each (object, principal) equals the
    stand-in's /actions (a 404: no rows). One query per kind, its principals an IN list (the
    stand-in's OpenFGA on a shared test machine is the bottleneck, not lakeward), and one
    query whose objects and principals are both IN lists."""
    principals = [SP2, ANALYSTS]
    with connect(lw, ADMIN) as conn:
        def ask(types, names):
            rows = conn.execute(
                "SELECT object_type, object, principal, action FROM lakeward.allowed_actions "
                f"WHERE object_type IN ({', '.join(['%s'] * len(types))}) "
                f"AND object IN ({', '.join(['%s'] * len(names))}) AND principal IN (%s, %s)",
                (*types, *names, *principals)).fetchall()
            got = {}
            for otype, name, principal, action in rows:
                got.setdefault((otype, name, principal), []).append(action)
            return got
        for otype, name, path, project in OBJECTS:
            got = ask([otype], [name])
            for p in principals:
                want = standin_actions(stack, path, p, project)
                assert sorted(got.pop((otype, name, p), [])) == (want or []), (otype, name, p)
            assert got == {}
        # a name under the wrong type names nothing; both tables answer as when asked alone
        got = ask(["table", "namespace"], ["demo.finance.product", "demo.marketing.campaigns"])
        for otype, name, path, project in OBJECTS[:2]:
            for p in principals:
                want = standin_actions(stack, path, p, project)
                assert sorted(got.pop((otype, name, p), [])) == (want or []), (otype, name, p)
        assert got == {}
    # airflow-sp-2 may read product and nothing in marketing (404 there: no rows)
    assert "read_data" in standin_actions(stack, OBJECTS[0][2], SP2)
    assert standin_actions(stack, OBJECTS[1][2], SP2) is None


def test_allowed_actions_ids_and_own_principal(stack, lw):
    """Objects by id as well as by name; without principal, the session's own; a
    non-administrator asking about someone else gets 42501; required keys are named."""
    want = standin_actions(stack, OBJECTS[0][2], SP2)
    with connect(lw, SP2) as conn:
        for ref in ("demo.finance.product", PRODUCT):
            rows = conn.execute("SELECT principal, action, object_id, warehouse_id, fga_object "
                                "FROM lakeward.allowed_actions WHERE object_type = 'table' "
                                "AND object = %s", (ref,)).fetchall()
            assert sorted(r[1] for r in rows) == want
            assert {(r[0], r[2], r[3], r[4]) for r in rows} == {
                (SP2, PRODUCT.split("/")[1], WH, f"lakekeeper_table:{PRODUCT}")}
        rows = conn.execute("SELECT action FROM lakeward.allowed_actions WHERE object_type = "
                            "'warehouse' AND object = %s AND principal = %s", (WH, SP2)).fetchall()
        assert sorted(r[0] for r in rows) == standin_actions(stack, f"warehouse/{WH}", SP2)
        # an object that does not exist and one the principal cannot see: both no rows
        assert conn.execute("SELECT * FROM lakeward.allowed_actions WHERE object_type = "
                            "'table' AND object IN ('demo.finance.nope', "
                            "'demo.marketing.campaigns')").fetchall() == []
        for other in (PETER, ANALYSTS, f"user:{PETER}"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("SELECT * FROM lakeward.allowed_actions WHERE object_type = "
                             "'table' AND object = 'demo.finance.product' AND principal = %s",
                             (other,)).fetchall()
        with pytest.raises(psycopg.errors.InvalidColumnReference) as e:
            conn.execute("SELECT * FROM lakeward.allowed_actions WHERE object_type = 'table'"
                         ).fetchall()
        assert "object" in str(e.value)
    with connect(lw, ADMIN) as conn:
        # the OpenFGA subject form names the same principal
        rows = conn.execute("SELECT action FROM lakeward.allowed_actions WHERE object_type = "
                            "'table' AND object = %s AND principal = %s",
                            (PRODUCT, f"user:{SP2}")).fetchall()
        assert sorted(r[0] for r in rows) == want


def effective_want(stack, subject, pairs):
    return sorted((LK_TYPES[t], o, rel) for t, rel in pairs if t in LK_TYPES
                  for o in fga_list_objects(stack, t, rel, subject))


def test_effective_permissions_equal_openfga(stack, lw):
    """Rows equal OpenFGA's ListObjects over the model's assignable relations (asked by the
    test); each row's source agrees with the tuples and Check."""
    pairs = assignable_pairs(stack)
    with connect(lw, ADMIN) as conn:
        for principal, subject in ((SP2, f"user:{SP2}"), (PETER, f"user:{PETER}"),
                                   (ANALYSTS, f"role:{ANALYSTS}#assignee")):
            rows = conn.execute("SELECT object_type, fga_object, permission, source, via_role, "
                                "fga_subject FROM lakeward.effective_permissions "
                                "WHERE principal = %s", (principal,)).fetchall()
            assert sorted({r[:3] for r in rows}) == effective_want(stack, subject, pairs)
            assert {r[5] for r in rows} <= {subject}
            for otype, obj, perm, source, via, _ in rows:
                assert fga_check(stack, subject, perm, obj)
                if source == "direct":
                    assert fga_call(stack, "/read", {"tuple_key": {
                        "user": subject, "relation": perm, "object": obj}})["tuples"]
                elif source == "role":
                    assert fga_call(stack, "/read", {"tuple_key": {
                        "user": f"role:{via}#assignee", "relation": perm, "object": obj}})["tuples"]
        # the seed's grants, by kind: airflow-sp-2's own select, Peter's through analysts
        rows = conn.execute("SELECT object_id, warehouse_id, source, via_role FROM "
                            "lakeward.effective_permissions WHERE principal = %s AND "
                            "object_type = 'table' AND permission = 'select'", (SP2,)).fetchall()
        assert rows == [(PRODUCT.split("/")[1], WH, "direct", None)]
        rows = conn.execute("SELECT object_type, object_id, source, via_role FROM "
                            "lakeward.effective_permissions WHERE principal = %s AND "
                            "permission = 'select' AND object_type IN ('namespace', 'table')",
                            (PETER,)).fetchall()
        assert ("namespace", "00000000-0000-4000-8000-00000000e001", "role", ANALYSTS) in rows
        assert ("table", CAMPAIGNS.split("/")[1], "derived", None) in rows
        # any relation of the model may be named, e.g. an action
        rows = conn.execute("SELECT fga_object FROM lakeward.effective_permissions WHERE "
                            "principal = %s AND permission = 'can_read_data'", (SP2,)).fetchall()
        assert sorted(r[0] for r in rows) == sorted(
            fga_list_objects(stack, "lakekeeper_table", "can_read_data", f"user:{SP2}"))


def test_effective_permissions_visibility(stack, lw):
    with connect(lw, SP2) as conn:
        rows = conn.execute("SELECT object_type, fga_object, permission FROM "
                            "lakeward.effective_permissions WHERE principal = %s", (SP2,)).fetchall()
        assert sorted(rows) == effective_want(stack, f"user:{SP2}", assignable_pairs(stack))
        for other in (PETER, ANALYSTS):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("SELECT * FROM lakeward.effective_permissions WHERE principal = %s",
                             (other,)).fetchall()
        with pytest.raises(psycopg.errors.InvalidColumnReference) as e:
            conn.execute("SELECT * FROM lakeward.effective_permissions").fetchall()
        assert "principal" in str(e.value)


def test_who_can_expands_roles(stack, lw):
    """A role that holds the relation is expanded into its members (OpenFGA's ListUsers of
    the role's assignees), each row naming the role; catalog names resolve like ids."""
    obj = f"lakekeeper_table:{CAMPAIGNS}"
    members = fga_list_users(stack, f"role:{ANALYSTS}", "assignee", {"type": "user"})
    assert f"user:{PETER}" in members
    with connect(lw, ADMIN) as conn:
        for ref in (obj, "table:demo.marketing.campaigns"):
            rows = conn.execute("SELECT subject, subject_type, via_role, fga_object FROM "
                                "lakeward.who_can WHERE object = %s AND relation = 'select'",
                                (ref,)).fetchall()
            assert {r[3] for r in rows} == {obj}
            assert sorted(r[0] for r in rows if r[1] == "user") == \
                fga_list_users(stack, obj, "select", {"type": "user"})
            assert sorted(r[0] for r in rows if r[1] == "role") == \
                fga_list_users(stack, obj, "select", {"type": "role", "relation": "assignee"})
            assert sorted(r[0] for r in rows if r[1] == "role_member") == members
            assert {r[2] for r in rows if r[1] == "role_member"} == {ANALYSTS}
            assert {r[2] for r in rows if r[1] != "role_member"} == {None}
        assert conn.execute("SELECT * FROM lakeward.who_can WHERE object = "
                            "'table:demo.finance.nope' AND relation = 'select'").fetchall() == []
        # an IN list: the role's members under every object it holds (asked once per scan)
        rows = conn.execute("SELECT object, subject FROM lakeward.who_can WHERE object IN "
                            "('namespace:demo.marketing', 'table:demo.marketing.campaigns') "
                            "AND relation IN ('select', 'describe') AND subject_type = "
                            "'role_member'").fetchall()
        for ref in ("namespace:demo.marketing", "table:demo.marketing.campaigns"):
            assert sorted(r[1] for r in rows if r[0] == ref) == sorted(members * 2)


def test_who_can_non_admin_asks_lakekeeper(stack, lw):
    """A non-administrator sees who holds a relation only where OpenFGA lets them read the
    grants (can_read_assignments): lakeward's project_admin account may, airflow-sp-2 not."""
    obj = f"lakekeeper_table:{PRODUCT}"
    assert fga_check(stack, f"user:{LAKEWARD_SA}", "can_read_assignments", obj)
    assert not fga_check(stack, f"user:{SP2}", "can_read_assignments", obj)
    with connect(lw, ADMIN) as conn:
        want = conn.execute("SELECT subject, subject_type, via_role FROM lakeward.who_can "
                            "WHERE object = %s AND relation = 'select'", (obj,)).fetchall()
    with connect(lw, LAKEWARD_SA) as conn:
        rows = conn.execute("SELECT subject, subject_type, via_role FROM lakeward.who_can "
                            "WHERE object = %s AND relation = 'select'", (obj,)).fetchall()
        assert sorted(rows, key=str) == sorted(want, key=str) and (f"user:{SP2}", "user", None) in rows
    with connect(lw, SP2) as conn:
        # denied, and a name that resolves to nothing is denied alike (no existence oracle)
        for ref in (obj, "table:demo.finance.product", "table:demo.finance.nope"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("SELECT * FROM lakeward.who_can WHERE object = %s AND "
                             "relation = 'select'", (ref,)).fetchall()


def cookbook():
    """The ```sql blocks of docs/sql-tables.md's effective-permissions cookbook, in order."""
    text = (REPO / "docs/sql-tables.md").read_text()
    section = text.split("### Cookbook: effective permissions\n", 1)[1].split("\n## ", 1)[0]
    return [b.split("```", 1)[0].strip() for b in section.split("```sql\n")[1:]]


def test_cookbook_queries(stack, lw):
    """The two questions of the issue, as the docs write them, answer what the peers say."""
    queries = cookbook()
    assert len(queries) == 3
    with connect(lw, ADMIN) as conn:
        who, what, actions = (conn.execute(q.rstrip(";")).fetchall() for q in queries)
    revenue = f"lakekeeper_table:{WH}/00000000-0000-4000-8000-00000000f102"
    assert sorted(r[0] for r in who if r[1] == "user") == \
        fga_list_users(stack, revenue, "select", {"type": "user"})
    assert sorted({r[:3] for r in what}) == sorted(
        (t, o.split(":", 1)[1].split("/")[-1], rel)
        for t, o, rel in effective_want(stack, f"user:{SP2}", assignable_pairs(stack)))
    assert sorted(r[0] for r in actions) == standin_actions(stack, OBJECTS[0][2], SP2)

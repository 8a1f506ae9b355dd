"""The Lakekeeper stand-in (tests/lakekeeper-standin/) is faithful: its permission answers are
OpenFGA's answers for the tuples Lakekeeper would have written, its request validation and error
shapes are Lakekeeper's, and its test controls (faults, registration, stats) work.

Read-only tests run against the stack's stand-in (conftest.py) with real Keycloak tokens. Tests that
change things (faults, stats, registration, grants) or need tokens Keycloak would never issue use a
private stand-in: its own OpenFGA store loaded with Lakekeeper's model, and a local JWKS, so they
cannot disturb other tests sharing the stack."""
import base64
import concurrent.futures
import http.server
import json
import os
import pathlib
import socket
import subprocess
import threading
import time
import urllib.parse
import uuid

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from conftest import BUILD, REPO, SHARED, SUBJECTS, WAREHOUSE_DEMO, user_token

SERVER = "00000000-0000-4000-8000-00000000a000"
PROJECT = "00000000-0000-0000-0000-000000000000"
NS = {"finance": "00000000-0000-4000-8000-00000000f001",
      "finance.internal": "00000000-0000-4000-8000-00000000f002",
      "marketing": "00000000-0000-4000-8000-00000000e001"}
TABLES = {"finance.product": "00000000-0000-4000-8000-00000000f101",
          "finance.revenue": "00000000-0000-4000-8000-00000000f102",
          "finance.internal.ledger": "00000000-0000-4000-8000-00000000f103",
          "marketing.campaigns": "00000000-0000-4000-8000-00000000e101"}
VIEWS = {"finance.product_summary": "00000000-0000-4000-8000-00000000f201"}
ROLE_ANALYSTS = "00000000-0000-4000-8000-0000000000a1"
CREATOR = "oidc~9410d0bf-4487-4177-a34f-af364cac0a59"
USERS = {name: "oidc~" + sub for name, sub in SUBJECTS.items()}

# A sample of each object type's Lakekeeper actions (lakekeeper-api.md section 2.4).
ACTIONS = {
    "server": ["create_project", "list_users", "read_grants"],
    "project": ["create_warehouse", "get_metadata", "list_warehouses", "list_roles", "read_grants"],
    "warehouse": ["use", "get_config", "list_namespaces", "create_namespace", "list_everything", "delete",
                  "read_grants"],
    "namespace": ["list_tables", "list_views", "create_table", "get_metadata", "include_in_list",
                  "list_everything", "delete", "read_grants"],
    "table": ["read_data", "write_data", "get_metadata", "drop", "commit", "include_in_list", "read_grants"],
    "view": ["select", "get_metadata", "drop", "commit", "include_in_list"],
}


# --------------------------------------------------------------------------- helpers

def relation(action):
    return "can_read_assignments" if action == "read_grants" else "can_" + action


def split(dotted):
    parts = dotted.split(".")
    return parts[:-1], parts[-1]


def fga_user(principal):
    """OpenFGA subject of "oidc~..." or "role:<uuid>", encoded as Lakekeeper does."""
    if principal.startswith("role:"):
        return principal + "#assignee"
    return "user:" + urllib.parse.quote(principal, safe="-_.~")


def fga_check(fga, user, rel, obj):
    """OpenFGA's own answer; fga is a dict with OPENFGA_URL, OPENFGA_STORE_ID, OPENFGA_MODEL_ID."""
    r = requests.post(f"{fga['OPENFGA_URL']}/stores/{fga['OPENFGA_STORE_ID']}/check", timeout=10, json={
        "tuple_key": {"user": user, "relation": rel, "object": obj},
        "authorization_model_id": fga["OPENFGA_MODEL_ID"]})
    r.raise_for_status()
    return r.json()["allowed"]


def fga_read(fga, obj, rel=None, user=None):
    key = {"object": obj}
    if rel:
        key["relation"] = rel
    if user:
        key["user"] = user
    out, token = [], ""
    while True:
        body = {"tuple_key": key, "page_size": 100}
        if token:
            body["continuation_token"] = token
        r = requests.post(f"{fga['OPENFGA_URL']}/stores/{fga['OPENFGA_STORE_ID']}/read", json=body,
                          timeout=10)
        r.raise_for_status()
        j = r.json()
        out += [(t["key"]["user"], t["key"]["relation"], t["key"]["object"]) for t in j["tuples"]]
        token = j.get("continuation_token") or ""
        if not token:
            return out


class LK:
    """A small client for the stand-in."""

    def __init__(self, url, control_token):
        self.url = url
        self.control = control_token
        self.s = requests.Session()

    def get(self, path, token, **kw):
        h = {"Authorization": f"Bearer {token}"} if token else {}
        h.update(kw.pop("headers", {}))
        return self.s.get(self.url + path, headers=h, timeout=120, **kw)

    def post(self, path, token, body, **kw):
        h = {"Authorization": f"Bearer {token}"} if token else {}
        h.update(kw.pop("headers", {}))
        return self.s.post(self.url + path, headers=h, json=body, timeout=120, **kw)

    def batch(self, token, checks, error_on_not_found=None):
        body = {"checks": checks}
        if error_on_not_found is not None:
            body["error-on-not-found"] = error_on_not_found
        return self.post("/management/v1/action/batch-check", token, body)

    def ctl(self, what, body=None):
        h = {"Authorization": f"Bearer {self.control}"}
        if body is None:
            r = self.s.get(f"{self.url}/_control/{what}", headers=h, timeout=30)
        else:
            r = self.s.post(f"{self.url}/_control/{what}", headers=h, json=body, timeout=30)
        assert r.status_code == 200, r.text
        return r.json()


def op(kind, action, **ident):
    """A batch-check operation by name or id, e.g. op("table", "read_data", name="finance.product")."""
    body = {"action": {"action": action}}
    if kind in ("warehouse", "namespace", "table", "view"):
        body["warehouse-id"] = ident.pop("warehouse", WAREHOUSE_DEMO)
    name = ident.pop("name", None)
    if name is not None:
        if kind == "namespace":
            body["namespace"] = name.split(".")
        else:
            ns, t = split(name)
            body["namespace"] = ns
            body["table"] = t
    body.update(ident)
    return {kind: body}


def fga_object(kind, name=None):
    if kind == "server":
        return f"server:{SERVER}"
    if kind == "project":
        return f"project:{PROJECT}"
    if kind == "warehouse":
        return f"warehouse:{WAREHOUSE_DEMO}"
    if kind == "namespace":
        return f"namespace:{NS[name]}"
    if kind == "table":
        return f"lakekeeper_table:{WAREHOUSE_DEMO}/{TABLES[name]}"
    return f"lakekeeper_view:{WAREHOUSE_DEMO}/{VIEWS[name]}"


def error_of(r):
    e = r.json()["error"]
    assert set(e) >= {"code", "message", "type"} and e["code"] == r.status_code, e
    return e["type"]


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="session")
def lk(stack):
    return LK(stack["LK_URL"], stack["LK_CONTROL_TOKEN"])


@pytest.fixture(scope="session")
def peter(stack):
    # Lakekeeper's example realm allows the password grant only for the trino client.
    return user_token(stack, "peter", client_id="trino")


@pytest.fixture(scope="session")
def anna(stack):
    return user_token(stack, "anna", client_id="trino")


# --------------------------------------------------------------------------- basics and auth

def test_health_needs_no_token(lk):
    r = lk.get("/health", None)
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_missing_or_bad_token_is_401(lk, token_for):
    r = lk.get("/management/v1/info", None)
    assert r.status_code == 401 and error_of(r) == "MissingAuthorizationHeader"
    r = lk.post("/management/v1/action/batch-check", None, {"checks": []})
    assert r.status_code == 401
    for bad in ["garbage", "a.b.c", token_for("lakeward")[:-4] + "AAAA"]:
        r = lk.get("/management/v1/info", bad)
        assert r.status_code == 401 and error_of(r) == "AuthenticationFailed", bad
    # A valid token with its claims altered fails the signature.
    head, claims, sig = token_for("lakeward").split(".")
    c = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
    c["sub"] = SUBJECTS["peter"]
    forged = base64.urlsafe_b64encode(json.dumps(c).encode()).decode().rstrip("=")
    r = lk.get("/management/v1/whoami", f"{head}.{forged}.{sig}")
    assert r.status_code == 401
    r = lk.get("/management/v1/info", token_for("lakeward"), headers={"Authorization": "Basic eDp5"})
    assert r.status_code == 401


def test_info_and_whoami(lk, token_for):
    info = lk.get("/management/v1/info", token_for("lakeward")).json()
    assert info["server-id"] == SERVER and info["authz-backend"] == "openfga"
    assert info["default-project-id"] == PROJECT and info["bootstrapped"] is True
    me = lk.get("/management/v1/whoami", token_for("airflow-sp-2")).json()
    assert me["id"] == USERS["airflow-sp-2"] and me["user-type"] == "application"
    assert me["is-instance-admin"] is False


# --------------------------------------------------------------------------- the private stand-in

class _JWKS(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self):  # noqa: N802 (http.server API)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(type(self).body)

    def log_message(self, *a):
        pass


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Private:
    """A stand-in of its own: fresh OpenFGA store, local IdP. mint(name) gives a token for a
    principal of the scenario ("lakeward", "anna", ...); mint_raw builds any token."""

    def __init__(self, lk, fga, mint_raw):
        self.lk, self.fga, self.mint_raw = lk, fga, mint_raw

    def mint(self, name):
        return self.mint_raw({"sub": USERS[name].split("~", 1)[1]})


@pytest.fixture(scope="module")
def private(stack, tmp_path_factory):
    fga_url = stack["OPENFGA_URL"]
    store = requests.post(f"{fga_url}/stores", json={"name": f"standin-test-{uuid.uuid4().hex[:8]}"},
                          timeout=10).json()["id"]
    model_json = json.loads((SHARED / "reference/data/lakekeeper/openfga-model-v4.9.json").read_text())
    model = requests.post(f"{fga_url}/stores/{store}/authorization-models", json=model_json,
                          timeout=30).json()["authorization_model_id"]
    fga = {"OPENFGA_URL": fga_url, "OPENFGA_STORE_ID": store, "OPENFGA_MODEL_ID": model}

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": "test-kid", "use": "sig", "alg": "RS256"})
    enc = {"kty": "RSA", "use": "enc", "kid": "enc-key", "n": jwk["n"], "e": "AQAB"}
    _JWKS.body = json.dumps({"keys": [enc, jwk]}).encode()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _JWKS)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    port = _free_port()
    issuer = "http://issuer.test/realms/iceberg"
    log = tmp_path_factory.mktemp("standin") / "log"
    with open(log, "w") as logf:
        proc = subprocess.Popen(
            [str(BUILD / "lakekeeper-standin"), "--listen", f"127.0.0.1:{port}", "--seed",
             str(REPO / "tests/stack/seed.json"), "--openfga-url", fga_url, "--store-id", store, "--model-id", model,
             "--issuer", issuer, "--jwks-url", f"http://127.0.0.1:{httpd.server_address[1]}/certs",
             "--audience", "lakekeeper", "--control-token", "test-control-token"],
            stdout=logf, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if requests.get(url + "/health", timeout=1).ok:
                break
        except requests.ConnectionError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    else:
        proc.kill()
    if proc.poll() is not None:
        pytest.fail("private stand-in did not start: " + pathlib.Path(log).read_text())

    def mint_raw(claims=None, headers=None, alg="RS256", signer=None, drop=()):
        now = int(time.time())
        c = {"iss": issuer, "aud": "lakekeeper", "sub": SUBJECTS["lakeward"], "iat": now, "exp": now + 300,
             "preferred_username": "someone"}
        c.update(claims or {})
        for k in drop:
            c.pop(k, None)
        h = {"kid": "test-kid"}
        h.update(headers or {})
        return jwt.encode(c, signer or key, algorithm=alg, headers=h)

    yield Private(LK(url, "test-control-token"), fga, mint_raw)
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    httpd.shutdown()
    requests.delete(f"{fga_url}/stores/{store}", timeout=10)
    log_text = pathlib.Path(log).read_text()
    assert "AddressSanitizer" not in log_text and "runtime error" not in log_text, log_text[-4000:]


def test_jwt_claims_are_checked(private):
    lk2, mint = private.lk, private.mint_raw
    now = int(time.time())
    assert lk2.get("/management/v1/whoami", mint()).json()["id"] == USERS["lakeward"]
    assert lk2.get("/management/v1/info", mint({"aud": ["account", "lakekeeper"]})).status_code == 200
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    bad = {
        "expired": mint({"exp": now - 10}),
        "no exp": mint(drop=("exp",)),
        "wrong audience": mint({"aud": "account"}),
        "wrong issuer": mint({"iss": "http://evil.test/realms/iceberg"}),
        "no sub": mint(drop=("sub",)),
        "not yet valid": mint({"nbf": now + 3600}),
        "other key": mint(signer=other),
        "unknown kid": mint(headers={"kid": "nope"}),
        "HS256": mint(alg="HS256", signer="secret-secret-secret-secret-32b!"),
        "alg none": jwt.encode({"iss": "x", "aud": "lakekeeper", "sub": "x", "exp": now + 60}, None,
                               algorithm="none"),
    }
    for why, tok in bad.items():
        r = lk2.get("/management/v1/info", tok)
        assert r.status_code == 401, why
        assert error_of(r) == "AuthenticationFailed", why
    assert lk2.ctl("stats")["unauthorized"] >= len(bad)


# --------------------------------------------------------------------------- batch-check

def _principal_token(name, token_for, peter, anna):
    return {"peter": peter, "anna": anna}.get(name) or token_for(name)


def test_batch_check_equals_openfga(stack, lk, token_for):
    """Every (principal, object, action) answer is OpenFGA's Check of (principal, can_<action>, object)."""
    principals = [USERS[p] for p in ("airflow-sp-1", "airflow-sp-2", "lakeward", "peter", "anna")]
    principals.append("role:" + ROLE_ANALYSTS)
    # Deep negative checks cost OpenFGA thousands of reads each: a sample keeps this affordable.
    objects = [("project", None), ("warehouse", None), ("namespace", "finance"), ("namespace", "marketing"),
               ("table", "finance.product"), ("table", "finance.revenue"), ("table", "marketing.campaigns"),
               ("view", "finance.product_summary")]
    some_true = some_false = False
    for p in principals:
        identity = {"role": ROLE_ANALYSTS} if p.startswith("role:") else {"user": p}
        checks, keys = [], []
        for kind, name in objects:
            for a in ACTIONS[kind]:
                o = op(kind, a, name=name) if name else op(kind, a)
                checks.append({"id": f"{p}/{kind}/{name}/{a}", "identity": identity, "operation": o})
                keys.append((fga_user(p), relation(a), fga_object(kind, name)))
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            expected = list(pool.map(lambda k: fga_check(stack, *k), keys))
        # lakeward (project_admin) may read grants everywhere in the project, so it may ask for others.
        r = lk.batch(token_for("lakeward"), checks)
        assert r.status_code == 200, r.text
        results = r.json()["results"]
        assert [x["id"] for x in results] == [c["id"] for c in checks]
        got = [x["allowed"] for x in results]
        mismatches = [(checks[i]["id"], got[i], expected[i]) for i in range(len(checks)) if got[i] != expected[i]]
        assert not mismatches, mismatches[:5]
        some_true = some_true or any(got)
        some_false = some_false or not all(got)
    assert some_true and some_false


def test_server_checks_for_the_caller_equal_openfga(stack, lk, token_for, peter):
    for name, tok in [("airflow-sp-1", token_for("airflow-sp-1")), ("lakeward", token_for("lakeward")),
                      ("peter", peter)]:
        checks = [{"operation": op("server", a)} for a in ACTIONS["server"]]
        r = lk.batch(tok, checks)
        assert r.status_code == 200, r.text
        want = [fga_check(stack, fga_user(USERS[name]), relation(a), fga_object("server")) for a in ACTIONS["server"]]
        assert [x["allowed"] for x in r.json()["results"]] == want, name
        assert all("id" not in x for x in r.json()["results"])
    # peter is server admin: he may list users; the service accounts may not.
    assert lk.batch(peter, [{"operation": op("server", "list_users")}]).json()["results"][0]["allowed"]


def test_seed_scenario_decisions(lk, token_for, peter, anna):
    def allowed(tok, o, identity=None):
        c = {"operation": o}
        if identity:
            c["identity"] = identity
        r = lk.batch(tok, [c])
        assert r.status_code == 200, r.text
        return r.json()["results"][0]["allowed"]

    sp2 = token_for("airflow-sp-2")
    assert allowed(sp2, op("table", "read_data", name="finance.product"))
    assert not allowed(sp2, op("table", "read_data", name="finance.revenue"))
    assert not allowed(sp2, op("table", "write_data", name="finance.product"))
    sp1 = token_for("airflow-sp-1")
    for t in TABLES:
        assert allowed(sp1, op("table", "write_data", name=t)), t
    assert allowed(sp1, op("view", "commit", name="finance.product_summary"))
    assert allowed(anna, op("table", "read_data", name="marketing.campaigns"))
    assert not allowed(anna, op("table", "read_data", name="finance.product"))
    assert not allowed(peter, op("table", "read_data", name="finance.product"))
    lw = token_for("lakeward")
    assert allowed(lw, op("table", "read_data", name="finance.internal.ledger"))
    assert allowed(lw, op("table", "read_data", name="finance.product"), {"user": USERS["airflow-sp-2"]})
    assert not allowed(lw, op("table", "read_data", name="finance.revenue"), {"user": USERS["airflow-sp-2"]})
    assert allowed(lw, op("table", "read_data", name="marketing.campaigns"), {"role": ROLE_ANALYSTS})
    # Bottom-up visibility: select on a deep table lets sp-2 see the namespace and warehouse.
    assert allowed(sp2, op("namespace", "get_metadata", name="finance"))
    assert allowed(sp2, op("warehouse", "get_config"))
    assert not allowed(sp2, op("namespace", "get_metadata", name="marketing"))


def test_ids_names_and_aliases_agree(lk, token_for):
    tok = token_for("airflow-sp-2")
    product = TABLES["finance.product"]
    view = VIEWS["finance.product_summary"]
    checks = [
        {"operation": op("table", "read_data", name="finance.product")},
        {"operation": {"table": {"action": {"action": "read_data"}, "warehouse-id": WAREHOUSE_DEMO,
                                 "table-id": product}}},
        {"operation": {"table": {"action": {"action": "read_data"}, "warehouse-id": WAREHOUSE_DEMO.upper(),
                                 "namespace": ["FINANCE"], "table": "Product"}}},
        {"operation": {"namespace": {"action": {"action": "get_metadata"}, "warehouse-id": WAREHOUSE_DEMO,
                                     "namespace-id": NS["finance"]}}},
        {"operation": op("namespace", "get_metadata", name="finance")},
        {"operation": {"view": {"action": {"action": "select"}, "warehouse-id": WAREHOUSE_DEMO,
                                "namespace": ["finance"], "view": "product_summary"}}},
        {"operation": {"view": {"action": {"action": "select"}, "warehouse-id": WAREHOUSE_DEMO,
                                "view_id": view}}},
        # extra fields of an action are allowed
        {"operation": {"namespace": {"action": {"action": "create_table", "name": "t", "properties": {"a": 1}},
                                     "warehouse-id": WAREHOUSE_DEMO, "namespace": ["finance"]}}},
    ]
    got = [x["allowed"] for x in lk.batch(tok, checks).json()["results"]]
    assert got[0] and got[1] and got[2], "by name, by id and case-insensitive names agree"
    assert got[3] == got[4] is True
    assert got[5] == got[6]
    assert got[7] is False
    # Views' ids in the lakeward-facing form: lakeward sees them allowed.
    lw = lk.batch(token_for("lakeward"), checks[5:7]).json()["results"]
    assert [x["allowed"] for x in lw] == [True, True]


def test_other_identity_needs_read_assignments(lk, token_for):
    # airflow-sp-2 may not read grants of finance.revenue, so it may not ask about others there.
    r = lk.batch(token_for("airflow-sp-2"), [{"identity": {"user": USERS["lakeward"]},
                                              "operation": op("table", "read_data", name="finance.revenue")}])
    assert r.status_code == 403 and error_of(r) == "CannotInspectPermissions"
    # Server grants can be read only by admin/operator: lakeward (project_admin) cannot.
    r = lk.batch(token_for("lakeward"), [{"identity": {"user": USERS["peter"]},
                                          "operation": op("server", "list_users")}])
    assert r.status_code == 403 and error_of(r) == "CannotInspectPermissions"
    # Unknown role identity: 404 whatever error-on-not-found says.
    r = lk.batch(token_for("lakeward"), [{"identity": {"role": str(uuid.uuid4())},
                                          "operation": op("warehouse", "use")}])
    assert r.status_code == 404 and error_of(r) == "RoleIdNotFound"


def test_too_many_checks(lk, token_for):
    one = {"operation": op("warehouse", "use")}
    r = lk.batch(token_for("lakeward"), [one] * 1001)
    assert r.status_code == 400 and error_of(r) == "TooManyChecks"
    r = lk.batch(token_for("lakeward"), [one] * 1000)
    assert r.status_code == 200 and len(r.json()["results"]) == 1000
    assert all(x["allowed"] for x in r.json()["results"])


@pytest.mark.parametrize("body", [
    # Actions outside the object's Lakekeeper enum (opa-bridge-spec section 8 item 1).
    {"checks": [{"operation": op("view", "write_data", name="finance.product_summary")}]},
    {"checks": [{"operation": op("view", "read_data", name="finance.product_summary")}]},
    {"checks": [{"operation": op("table", "select", name="finance.product")}]},
    {"checks": [{"operation": op("warehouse", "read_data")}]},
    # Shapes serde rejects.
    {"checks": [{"operation": {"table": {"action": "read_data", "warehouse-id": WAREHOUSE_DEMO,
                                         "namespace": ["finance"], "table": "product"}}}]},
    {"checks": [{"operation": {"tabular": {"action": {"action": "read_data"}}}}]},
    {"checks": [{"operation": {**op("warehouse", "use"), **op("server", "list_users")}}]},
    {"checks": [{"operation": op("warehouse", "use", warehouse="not-a-uuid")}]},
    {"checks": [{"operation": {"namespace": {"action": {"action": "get_metadata"}, "warehouse-id": WAREHOUSE_DEMO}}}]},
    {"checks": [{"identity": {}, "operation": op("warehouse", "use")}]},
    {"checks": [{"identity": {"user": USERS["anna"], "role": ROLE_ANALYSTS}, "operation": op("warehouse", "use")}]},
    {"checks": [{"identity": {"user": "no-tilde"}, "operation": op("warehouse", "use")}]},
    {"checks": [{"identity": {"role": "analysts"}, "operation": op("warehouse", "use")}]},
    {"checks": [{"id": 7, "operation": op("warehouse", "use")}]},
    {"checks": [{"operation": op("warehouse", "use")}], "error-on-not-found": "yes"},
    {"checks": {}},
    {},
    [],
])
def test_invalid_requests_are_422(lk, token_for, body):
    r = lk.post("/management/v1/action/batch-check", token_for("lakeward"), body)
    assert r.status_code == 422, r.text
    assert "Failed to deserialize the JSON body" in r.text


def test_syntax_errors_and_content_type(lk, token_for):
    tok = token_for("lakeward")
    r = lk.s.post(lk.url + "/management/v1/action/batch-check", data="{not json",
                  headers={"Authorization": f"Bearer {tok}", "Content-Type": "application/json"}, timeout=10)
    assert r.status_code == 400
    r = lk.s.post(lk.url + "/management/v1/action/batch-check", data='{"checks": []}',
                  headers={"Authorization": f"Bearer {tok}"}, timeout=10)
    assert r.status_code == 415
    r = lk.batch(tok, [])
    assert r.status_code == 200 and r.json() == {"results": []}


def test_not_found_objects(lk, token_for):
    tok = token_for("lakeward")
    missing = {
        "NoSuchTableException": op("table", "read_data", name="finance.nope"),
        "NoSuchNamespaceException": op("table", "read_data", name="nowhere.t"),
        "NoSuchWarehouseException": op("table", "read_data", name="finance.product", warehouse=str(uuid.uuid4())),
        "NoSuchViewException": op("view", "select", name="finance.product"),
    }
    # A view named as a table (and vice versa) does not exist as that kind.
    also_missing = [op("table", "read_data", name="finance.product_summary"),
                    op("namespace", "get_metadata", name="finance.nope"),
                    op("warehouse", "use", warehouse=str(uuid.uuid4())),
                    {"table": {"action": {"action": "read_data"}, "warehouse-id": WAREHOUSE_DEMO,
                               "table-id": str(uuid.uuid4())}}]
    checks = [{"operation": o} for o in list(missing.values()) + also_missing]
    for flag in (None, False):
        r = lk.batch(tok, checks, error_on_not_found=flag)
        assert r.status_code == 200
        assert [x["allowed"] for x in r.json()["results"]] == [False] * len(checks)
    for typ, o in missing.items():
        r = lk.batch(tok, [{"operation": op("warehouse", "use")}, {"operation": o}], error_on_not_found=True)
        assert r.status_code == 404 and error_of(r) == typ, (typ, r.text)
    r = lk.batch(tok, [{"operation": op("table", "read_data", name="finance.product")}], error_on_not_found=True)
    assert r.status_code == 200 and r.json()["results"][0]["allowed"] is True


# --------------------------------------------------------------------------- catalog API

def test_config_endpoint(lk, token_for):
    tok = token_for("lakeward")
    for arg in ["demo", "DEMO", f"{PROJECT}/demo"]:
        r = lk.get("/catalog/v1/config", tok, params={"warehouse": arg})
        assert r.status_code == 200, r.text
        j = r.json()
        assert j["defaults"]["prefix"] == WAREHOUSE_DEMO and "overrides" in j and isinstance(j["endpoints"], list)
    r = lk.get("/catalog/v1/config", tok, params={"warehouse": "nope"})
    assert r.status_code == 404 and error_of(r) == "NoSuchWarehouseException"
    r = lk.get("/catalog/v1/config", tok)
    assert r.status_code == 400 and error_of(r) == "GetConfigNoWarehouseProvided"
    # The trino service account holds nothing: the warehouse is hidden, answered like a missing one.
    r = lk.get("/catalog/v1/config", token_for("trino"), params={"warehouse": "demo"})
    assert r.status_code == 404 and error_of(r) == "NoSuchWarehouseException"
    assert r.json()["error"]["message"] == "A warehouse 'demo' does not exist"


def _list(lk, tok, path, key, **params):
    """Follows next-page-token; returns the items and how many pages it took."""
    items, pages, token = [], 0, ""
    while True:
        r = lk.get(path, tok, params={**params, "pageToken": token})
        assert r.status_code == 200, r.text
        j = r.json()
        items += j[key]
        pages += 1
        token = j.get("next-page-token")
        if not token:
            return items, pages


def test_listings_are_filtered_and_paginated(lk, token_for, anna):
    base = f"/catalog/v1/{WAREHOUSE_DEMO}/namespaces"
    lw, sp2 = token_for("lakeward"), token_for("airflow-sp-2")
    r = lk.get(base, lw, params={"returnUuids": "true"})
    assert r.json()["namespaces"] == [["finance"], ["marketing"]]
    assert r.json()["namespace-uuids"] == [NS["finance"], NS["marketing"]]
    assert lk.get(base, sp2).json()["namespaces"] == [["finance"]]
    assert lk.get(base, anna).json()["namespaces"] == [["marketing"]]
    r = lk.get(base, lw, params={"parent": "finance", "returnUuids": "true"})
    assert r.json()["namespaces"] == [["finance", "internal"]] and r.json()["namespace-uuids"] == [NS["finance.internal"]]
    r = lk.get(f"{base}/finance\x1finternal", lw, params={"returnUuid": "true"})
    assert r.json()["namespace"] == ["finance", "internal"] and r.json()["namespace-uuid"] == NS["finance.internal"]

    r = lk.get(f"{base}/finance/tables", lw, params={"returnUuids": "true"})
    assert [t["name"] for t in r.json()["identifiers"]] == ["product", "revenue"]
    assert r.json()["table-uuids"] == [TABLES["finance.product"], TABLES["finance.revenue"]]
    assert [t["name"] for t in lk.get(f"{base}/finance/tables", sp2).json()["identifiers"]] == ["product"]
    assert lk.get(f"{base}/finance/views", sp2).json()["identifiers"] == []
    r = lk.get(f"{base}/finance/views", lw, params={"returnUuids": "true"})
    assert r.json()["identifiers"] == [{"namespace": ["finance"], "name": "product_summary"}]
    assert r.json()["table-uuids"] == [VIEWS["finance.product_summary"]]
    # What the caller cannot see does not exist.
    r = lk.get(f"{base}/marketing/tables", sp2)
    assert r.status_code == 404 and error_of(r) == "NoSuchNamespaceException"
    r = lk.get(f"/catalog/v1/{uuid.uuid4()}/namespaces", lw)
    assert r.status_code == 404 and error_of(r) == "NoSuchWarehouseException"

    # Pages of one: the union equals the full listing.
    items, pages = _list(lk, lw, base, "namespaces", pageSize=1)
    assert items == [["finance"], ["marketing"]] and pages >= 2
    # A page is filled past the items filtered out, as Lakekeeper's fetch_until_full_page does:
    # anna may not see finance, so her first page of one is marketing, not empty.
    r = lk.get(base, anna, params={"pageSize": 1, "pageToken": ""})
    assert r.json()["namespaces"] == [["marketing"]]
    r = lk.get(base, anna, params={"pageSize": 1, "pageToken": r.json()["next-page-token"]})
    assert r.json()["namespaces"] == [] and r.json()["next-page-token"] is None
    items, _ = _list(lk, sp2, f"{base}/finance/tables", "identifiers", pageSize=1)
    assert [t["name"] for t in items] == ["product"]
    r = lk.get(base, lw, params={"pageToken": "bogus"})
    assert r.status_code == 400


# --------------------------------------------------------------------------- management API

def test_management_listings(lk, token_for, peter):
    lw = token_for("lakeward")
    assert lk.get("/management/v1/project-list", lw).json() == {
        "projects": [{"project-id": PROJECT, "project-name": "default"}]}
    assert lk.get("/management/v1/project", lw, headers={"x-project-id": PROJECT}).json()["project-id"] == PROJECT
    whs = lk.get("/management/v1/warehouse", lw).json()["warehouses"]
    assert [w["name"] for w in whs] == ["demo"] and whs[0]["warehouse-id"] == whs[0]["id"] == WAREHOUSE_DEMO
    assert lk.get(f"/management/v1/warehouse/{WAREHOUSE_DEMO}", lw).json()["status"] == "active"
    assert lk.get("/management/v1/warehouse", lw, params={"warehouseStatus": "inactive"}).json()["warehouses"] == []

    roles = lk.get("/management/v1/role", lw).json()
    assert [r["name"] for r in roles["roles"]] == ["analysts"] and roles.get("next-page-token") is None
    assert lk.get("/management/v1/role", lw, params={"roleIds": str(uuid.uuid4())}).json()["roles"] == []
    role = lk.get(f"/management/v1/role/{ROLE_ANALYSTS}", lw).json()
    assert role["id"] == ROLE_ANALYSTS and role["project-id"] == PROJECT and role["ident"]
    members = lk.get(f"/management/v1/role/{ROLE_ANALYSTS}/members", lw).json()["members"]
    assert sorted(m["id"] for m in members) == sorted([USERS["peter"], USERS["anna"]])
    assert all(m["type"] == "user" for m in members)

    # Listing users needs server admin/operator.
    r = lk.get("/management/v1/user", lw)
    assert r.status_code == 403
    users = lk.get("/management/v1/user", peter).json()["users"]
    assert {USERS["airflow-sp-1"], USERS["peter"], USERS["lakeward"]} <= {u["id"] for u in users}
    one = lk.get("/management/v1/user", peter, params={"name": "Anna Cold"}).json()["users"]
    assert [u["id"] for u in one] == [USERS["anna"]]
    assert lk.get(f"/management/v1/user/{USERS['anna']}", lw).json()["email"] == "anna@example.com"
    r = lk.get("/management/v1/user/oidc~nobody", lw)
    assert r.status_code == 404


def test_actions_endpoints_equal_openfga(stack, lk, token_for):
    lw = token_for("lakeward")
    tid = TABLES["finance.product"]
    path = f"/management/v1/warehouse/{WAREHOUSE_DEMO}/table/{tid}/actions"
    for who in ("airflow-sp-1", "airflow-sp-2"):
        r = lk.get(path, lw, params={"principalUser": USERS[who]})
        assert r.status_code == 200, r.text
        got = {a["action"] for a in r.json()["allowed-actions"]}
        all_actions = ["drop", "write_data", "read_data", "get_metadata", "commit", "rename", "include_in_list",
                       "undrop", "get_tasks", "control_tasks", "set_protection", "manage_tags", "read_grants"]
        want = {a for a in all_actions
                if fga_check(stack, fga_user(USERS[who]), relation(a), fga_object("table", "finance.product"))}
        assert got == want, who
    # Without a principal: the caller's own actions.
    mine = lk.get(f"/management/v1/warehouse/{WAREHOUSE_DEMO}/actions", token_for("airflow-sp-2")).json()
    assert {"use", "get_config"} <= {a["action"] for a in mine["allowed-actions"]}
    assert "create_namespace" not in {a["action"] for a in mine["allowed-actions"]}
    # Asking about someone else needs read-grants on the object.
    r = lk.get(path, token_for("airflow-sp-2"), params={"principalUser": USERS["lakeward"]})
    assert r.status_code == 403
    r = lk.get(path, lw, params={"principalUser": USERS["anna"], "principalRole": ROLE_ANALYSTS})
    assert r.status_code == 400
    r = lk.get(f"/management/v1/role/{ROLE_ANALYSTS}/actions", lw)
    assert "read_metadata" in {a["action"] for a in r.json()["allowed-actions"]}


def test_permission_assignments(lk, token_for):
    lw = token_for("lakeward")
    tid = TABLES["finance.revenue"]
    path = f"/management/v1/permissions/warehouse/{WAREHOUSE_DEMO}/table/{tid}/assignments"
    assert {"type": "ownership", "user": CREATOR} in lk.get(path, lw).json()["assignments"]
    prod = lk.get(f"/management/v1/permissions/warehouse/{WAREHOUSE_DEMO}/table/{TABLES['finance.product']}"
                  "/assignments", lw, params={"relations": "select"}).json()["assignments"]
    assert prod == [{"type": "select", "user": USERS["airflow-sp-2"]}]
    ns = lk.get(f"/management/v1/permissions/namespace/{NS['marketing']}/assignments", lw).json()["assignments"]
    assert {"type": "select", "role": ROLE_ANALYSTS} in ns
    proj = lk.get("/management/v1/permissions/project/assignments", lw).json()
    assert proj["project-id"] == PROJECT and {"type": "project_admin", "user": USERS["lakeward"]} in proj["assignments"]
    role = lk.get(f"/management/v1/permissions/role/{ROLE_ANALYSTS}/assignments", lw).json()["assignments"]
    assert {"type": "assignee", "user": USERS["anna"]} in role
    r = lk.get(path, token_for("airflow-sp-2"))
    assert r.status_code == 403
    r = lk.get("/management/v1/permissions/server/assignments", token_for("lakeward"))
    assert r.status_code == 403


def test_permission_writes_roundtrip(private):
    plk, lw, anna = private.lk, private.mint("lakeward"), private.mint("anna")
    path = f"/management/v1/permissions/warehouse/{WAREHOUSE_DEMO}/table/{TABLES['finance.revenue']}/assignments"
    grant = {"type": "describe", "user": USERS["anna"]}
    probe = [{"operation": op("table", "get_metadata", name="finance.revenue")}]
    r = plk.post(path, private.mint("airflow-sp-2"), {"writes": [grant]})
    assert r.status_code == 403
    assert plk.batch(anna, probe).json()["results"][0]["allowed"] is False
    r = plk.post(path, lw, {"writes": [grant]})
    assert r.status_code == 204, r.text
    assert grant in plk.get(path, lw).json()["assignments"]
    assert fga_check(private.fga, fga_user(USERS["anna"]), "describe", fga_object("table", "finance.revenue"))
    assert plk.batch(anna, probe).json()["results"][0]["allowed"] is True
    assert plk.post(path, lw, {"deletes": [grant]}).status_code == 204
    assert grant not in plk.get(path, lw).json()["assignments"]
    assert plk.batch(anna, probe).json()["results"][0]["allowed"] is False
    r = plk.post(path, lw, {"writes": [{"type": "create", "user": USERS["anna"]}]})
    assert r.status_code == 422   # tables have no `create` assignment
    r = plk.post(path, lw, {"writes": [{"type": "select", "user": USERS["anna"], "role": ROLE_ANALYSTS}]})
    assert r.status_code == 422


# --------------------------------------------------------------------------- tuples as Lakekeeper writes them

def test_seed_tuples_have_lakekeepers_shape(stack):
    w, f, fi = WAREHOUSE_DEMO, NS["finance"], NS["finance.internal"]
    t = TABLES["finance.product"]
    want = [
        (f"server:{SERVER}", "server", f"project:{PROJECT}"),
        (f"project:{PROJECT}", "project", f"server:{SERVER}"),
        (f"project:{PROJECT}", "project", f"warehouse:{w}"),
        (f"warehouse:{w}", "warehouse", f"project:{PROJECT}"),
        (f"warehouse:{w}", "parent", f"namespace:{f}"),
        (f"namespace:{f}", "namespace", f"warehouse:{w}"),
        (f"namespace:{f}", "parent", f"namespace:{fi}"),
        (f"namespace:{fi}", "child", f"namespace:{f}"),
        (f"namespace:{f}", "parent", f"lakekeeper_table:{w}/{t}"),
        (f"lakekeeper_table:{w}/{t}", "child", f"namespace:{f}"),
        (fga_user(CREATOR), "ownership", f"lakekeeper_table:{w}/{t}"),
        (f"namespace:{f}", "parent", f"lakekeeper_view:{w}/{VIEWS['finance.product_summary']}"),
        (f"project:{PROJECT}", "project", f"role:{ROLE_ANALYSTS}"),
        (fga_user(USERS["peter"]), "assignee", f"role:{ROLE_ANALYSTS}"),
        (fga_user(USERS["peter"]), "admin", f"server:{SERVER}"),
        (fga_user(USERS["lakeward"]), "project_admin", f"project:{PROJECT}"),
        (fga_user(USERS["airflow-sp-1"]), "modify", f"warehouse:{w}"),
        (fga_user(USERS["airflow-sp-2"]), "select", f"lakekeeper_table:{w}/{t}"),
        (f"role:{ROLE_ANALYSTS}#assignee", "select", f"namespace:{NS['marketing']}"),
        (f"auth_model_id:{stack['OPENFGA_MODEL_ID']}", "openfga_id", "model_version:collaboration-4.9"),
    ]
    for user, rel, obj in want:
        assert (user, rel, obj) in fga_read(stack, obj, rel), (user, rel, obj)
    # The project was not created by anyone under test: nobody got project_admin by creation.
    assert {u for u, _, _ in fga_read(stack, f"project:{PROJECT}", "project_admin")} == {fga_user(USERS["lakeward"])}


def test_user_ids_are_percent_encoded(private):
    """OpenFGA subjects are "user:" + the id with every byte but A-Za-z0-9-_.~ as %XX (upper case)."""
    plk, lw = private.lk, private.mint("lakeward")
    path = f"/management/v1/permissions/warehouse/{WAREHOUSE_DEMO}/table/{TABLES['finance.revenue']}/assignments"
    odd = "kubernetes~system:serviceaccount:ns:sa@x y"
    assert plk.post(path, lw, {"writes": [{"type": "describe", "user": odd}]}).status_code == 204
    try:
        users = {u for u, _, _ in fga_read(private.fga, fga_object("table", "finance.revenue"), "describe")}
        assert "user:kubernetes~system%3Aserviceaccount%3Ans%3Asa%40x%20y" in users
        assert {"type": "describe", "user": odd} in plk.get(path, lw).json()["assignments"]
        r = plk.batch(lw, [{"identity": {"user": odd},
                            "operation": op("table", "get_metadata", name="finance.revenue")}])
        assert r.json()["results"][0]["allowed"] is True
    finally:
        plk.post(path, lw, {"deletes": [{"type": "describe", "user": odd}]})


# --------------------------------------------------------------------------- controls

def test_control_requires_its_token(lk, token_for):
    for tok in (None, "wrong-token", token_for("lakeward")):
        h = {"Authorization": f"Bearer {tok}"} if tok else {}
        r = lk.s.get(lk.url + "/_control/stats", headers=h, timeout=10)
        assert r.status_code == 401


def test_register_and_unregister(private):
    plk, sp2, fga = private.lk, private.mint("airflow-sp-2"), private.fga
    name = f"tmp_{uuid.uuid4().hex[:8]}"
    o = op("table", "read_data", name=f"finance.{name}")
    assert plk.batch(sp2, [{"operation": o}]).json()["results"][0]["allowed"] is False
    reg = plk.ctl("register", {"warehouse": "demo", "namespace": ["finance"], "table": name,
                               "owner": USERS["airflow-sp-2"]})
    obj = f"lakekeeper_table:{WAREHOUSE_DEMO}/{reg['id']}"
    assert plk.batch(sp2, [{"operation": o}]).json()["results"][0]["allowed"] is True
    assert (f"namespace:{NS['finance']}", "parent", obj) in fga_read(fga, obj)
    assert (fga_user(USERS["airflow-sp-2"]), "ownership", obj) in fga_read(fga, obj)
    assert (obj, "child", f"namespace:{NS['finance']}") in fga_read(fga, f"namespace:{NS['finance']}", "child")
    names = [t["name"] for t in plk.get(f"/catalog/v1/{WAREHOUSE_DEMO}/namespaces/finance/tables",
                                        sp2).json()["identifiers"]]
    assert names == ["product", name]
    r = plk.s.post(plk.url + "/_control/register", json={"warehouse": "demo", "namespace": ["finance"], "table": name},
                   headers={"Authorization": f"Bearer {plk.control}"}, timeout=10)
    assert r.status_code == 409
    # A nested namespace and a view in it.
    ns = plk.ctl("register", {"warehouse": "demo", "namespace": ["finance", "internal", "deep"]})
    assert (f"namespace:{NS['finance.internal']}", "parent", f"namespace:{ns['id']}") in \
        fga_read(fga, f"namespace:{ns['id']}")
    plk.ctl("register", {"warehouse": "demo", "namespace": ["finance", "internal", "deep"], "view": "v1"})
    r = plk.s.post(plk.url + "/_control/unregister", json={"warehouse": "demo", "namespace": ["finance", "internal",
                                                                                                "deep"]},
                   headers={"Authorization": f"Bearer {plk.control}"}, timeout=10)
    assert r.status_code == 409   # not empty
    plk.ctl("unregister", {"warehouse": "demo", "namespace": ["finance", "internal", "deep"], "view": "v1"})
    plk.ctl("unregister", {"warehouse": "demo", "namespace": ["finance", "internal", "deep"]})
    assert fga_read(fga, f"namespace:{ns['id']}") == []

    plk.ctl("unregister", {"warehouse": "demo", "namespace": ["finance"], "table": name})
    assert plk.batch(sp2, [{"operation": o}]).json()["results"][0]["allowed"] is False
    assert fga_read(fga, obj) == []
    assert (obj, "child", f"namespace:{NS['finance']}") not in fga_read(fga, f"namespace:{NS['finance']}", "child")


def test_registered_warehouse_is_hidden_from_others(private):
    plk = private.lk
    name = f"wh{uuid.uuid4().hex[:8]}"
    reg = plk.ctl("register", {"warehouse": name})
    try:
        r = plk.get("/catalog/v1/config", private.mint("lakeward"), params={"warehouse": name})
        assert r.status_code == 200 and r.json()["defaults"]["prefix"] == reg["id"]
        r = plk.get("/catalog/v1/config", private.mint("airflow-sp-2"), params={"warehouse": name})
        assert r.status_code == 404 and error_of(r) == "NoSuchWarehouseException"
        whs = plk.get("/management/v1/warehouse", private.mint("airflow-sp-2")).json()["warehouses"]
        assert [w["name"] for w in whs] == ["demo"]
    finally:
        plk.ctl("unregister", {"warehouse": name})
    r = plk.get("/catalog/v1/config", private.mint("lakeward"), params={"warehouse": name})
    assert r.status_code == 404


def test_stats_count_requests_and_checks(private):
    plk, tok = private.lk, private.mint("lakeward")
    plk.ctl("stats/reset", {})
    plk.batch(tok, [{"operation": op("warehouse", "use")}] * 3)
    plk.batch(tok, [{"operation": op("warehouse", "use")}] * 2)
    plk.get("/catalog/v1/config", tok, params={"warehouse": "demo"})
    plk.get("/management/v1/info", None)
    s = plk.ctl("stats")
    assert s["requests"]["batch-check"] == 2 and s["requests"]["config"] == 1 and s["requests"]["info"] == 1
    assert s["batch-check-checks"] == 5 and s["batch-check-max"] == 3
    assert s["total"] == 4 and s["unauthorized"] == 1


def test_listings_ask_openfga_what_lakekeeper_asks(private):
    """A tables or views listing asks only about its namespace (can_get_metadata, the list
    right, can_list_everything), nothing of the warehouse, whose can_use flows up from
    everything below it (README, "How listings are authorized"); a namespaces listing asks the
    warehouse's three and, under a parent, the parent's three. lakeward's client may list
    everything, so no item is checked."""
    plk, lw, sp2 = private.lk, private.mint("lakeward"), private.mint("airflow-sp-2")
    base = f"/catalog/v1/{WAREHOUSE_DEMO}/namespaces"

    def asked(tok, path, **params):
        plk.ctl("stats/reset", {})
        assert plk.get(path, tok, params=params).status_code == 200
        return {k: v for k, v in plk.ctl("stats")["openfga-checks"].items() if v}

    assert asked(lw, f"{base}/finance/tables") == {"namespace": 3}
    assert asked(lw, f"{base}/finance/views") == {"namespace": 3}
    assert asked(lw, base) == {"warehouse": 3}
    assert asked(lw, base, parent="finance") == {"warehouse": 3, "namespace": 3}
    # a principal that may not list everything gets its items checked, still no warehouse
    got = asked(sp2, f"{base}/finance/tables")
    assert got["namespace"] == 3 and "warehouse" not in got and got.get("lakekeeper_table", 0) >= 1


class _SlowFga(http.server.BaseHTTPRequestHandler):
    """A proxy to OpenFGA that holds every BatchCheck for 0.4 s, so concurrent requests of a
    stand-in behind it overlap for sure."""
    target = ""

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path.endswith("/batch-check"):
            time.sleep(0.4)
        r = requests.post(self.target + self.path, data=body, timeout=60,
                          headers={"Content-Type": "application/json"})
        self.send_response(r.status_code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(r.content)))
        self.end_headers()
        self.wfile.write(r.content)

    def log_message(self, *args):
        pass


def test_concurrent_listings_share_identical_checks(private, tmp_path):
    """Concurrent listings asking the same OpenFGA checks (every listing of a warehouse asks
    its warehouse's) send each once and share the answer (standin_flight.c); every answer
    equals the one the same listing gets alone."""
    _SlowFga.target = private.fga["OPENFGA_URL"]
    servers = [http.server.ThreadingHTTPServer(("127.0.0.1", 0), h) for h in (_SlowFga, _JWKS)]
    for srv in servers:
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    port = _free_port()
    with open(tmp_path / "log", "w") as logf:
        proc = subprocess.Popen(
            [str(BUILD / "lakekeeper-standin"), "--listen", f"127.0.0.1:{port}", "--seed",
             str(REPO / "tests/stack/seed.json"),
             "--openfga-url", f"http://127.0.0.1:{servers[0].server_address[1]}",
             "--store-id", private.fga["OPENFGA_STORE_ID"],
             "--model-id", private.fga["OPENFGA_MODEL_ID"],
             "--issuer", "http://issuer.test/realms/iceberg",
             "--jwks-url", f"http://127.0.0.1:{servers[1].server_address[1]}/certs",
             "--audience", "lakekeeper", "--control-token", "slow-control-token"],
            stdout=logf, stderr=subprocess.STDOUT)
    try:
        slk = LK(f"http://127.0.0.1:{port}", "slow-control-token")
        for _ in range(300):
            try:
                if slk.s.get(slk.url + "/health", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        path = f"/catalog/v1/{WAREHOUSE_DEMO}/namespaces/finance/tables"
        toks = [private.mint("lakeward"), private.mint("airflow-sp-2")]
        alone = [slk.get(path, t).json() for t in toks]
        assert alone[0] != alone[1]     # the two principals see different tables
        slk.ctl("stats/reset", {})
        start = threading.Barrier(8)

        def listing(i):
            start.wait()
            r = slk.get(path, toks[i % 2])
            return r.status_code, r.json()

        with concurrent.futures.ThreadPoolExecutor(8) as ex:
            got = list(ex.map(listing, range(8)))
        assert got == [(200, alone[i % 2]) for i in range(8)]
        s = slk.ctl("stats")
        # each principal's 3 namespace checks were asked by 4 listings at once: the 3 followers
        # of at least one principal joined the first one's checks
        assert s["openfga-checks-shared"] >= 9, s
    finally:
        proc.terminate()
        proc.wait(10)
        for srv in servers:
            srv.shutdown()
    log_text = (tmp_path / "log").read_text()
    assert "AddressSanitizer" not in log_text and "runtime error" not in log_text, log_text[-4000:]


def test_fault_injection(private):
    plk, tok = private.lk, private.mint("lakeward")
    check = [{"operation": op("warehouse", "use")}]
    try:
        plk.ctl("fault", {"mode": "status", "status": 503, "paths": "batch-check"})
        r = plk.batch(tok, check)
        assert r.status_code == 503 and error_of(r) == "InjectedFault"
        assert plk.get("/catalog/v1/config", tok, params={"warehouse": "demo"}).status_code == 200
        plk.ctl("fault", {"mode": "none"})
        assert plk.batch(tok, check).status_code == 200

        plk.ctl("fault", {"mode": "garbage", "paths": "batch-check"})
        r = plk.batch(tok, check)
        assert r.status_code == 200
        with pytest.raises(ValueError):
            json.loads(r.text)

        plk.ctl("fault", {"mode": "drop", "paths": "all"})
        with pytest.raises(requests.ConnectionError):
            requests.get(plk.url + "/catalog/v1/config", params={"warehouse": "demo"},
                         headers={"Authorization": f"Bearer {tok}"}, timeout=10)
        assert plk.get("/health", None).status_code == 200   # health and controls are never faulted

        plk.ctl("fault", {"mode": "delay", "ms": 700, "paths": "config"})
        t0 = time.monotonic()
        r = plk.get("/catalog/v1/config", tok, params={"warehouse": "demo"})
        assert r.status_code == 200 and time.monotonic() - t0 >= 0.7
        t0 = time.monotonic()
        assert plk.batch(tok, check).status_code == 200 and time.monotonic() - t0 < 0.7

        # count: the fault answers that many matching requests, then clears itself.
        plk.ctl("fault", {"mode": "status", "status": 500, "paths": "batch-check", "count": 2})
        assert [plk.batch(tok, check).status_code for _ in range(3)] == [500, 500, 200]
        assert plk.ctl("stats")["faulted"] >= 6
        for bad in ({"mode": "explode"}, {"mode": "delay"}, {"mode": "status", "status": 42},
                    {"mode": "drop", "paths": "everything"}):
            r = plk.s.post(plk.url + "/_control/fault", json=bad, timeout=10,
                           headers={"Authorization": f"Bearer {plk.control}"})
            assert r.status_code == 400, bad
    finally:
        plk.ctl("fault", {"mode": "none"})


def test_concurrent_batch_checks(lk, token_for):
    """Many connections at once (as lakeward's chunked, concurrent calls arrive)."""
    tok = token_for("airflow-sp-2")
    checks = [{"operation": op("table", "read_data", name=t)} for t in TABLES] * 10
    out = []

    def one():
        r = requests.post(lk.url + "/management/v1/action/batch-check", json={"checks": checks},
                          headers={"Authorization": f"Bearer {tok}"}, timeout=120)
        out.append((r.status_code, [x["allowed"] for x in r.json()["results"]]))

    threads = [threading.Thread(target=one) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    want = [t == "finance.product" for t in TABLES] * 10
    assert out == [(200, want)] * 8

"""The stand-in's Iceberg REST catalog (tests/lakekeeper-standin/standin_iceberg.c) over the real
Apache Iceberg REST server of the test stack (service iceberg-rest): each call is authorized as
Lakekeeper authorizes it (the caller's token, then the endpoint's OpenFGA relation), forwarded,
and every object created, renamed or dropped is learnt or forgotten the way Lakekeeper records
it: its id (a table's id is its table-uuid), the creator as owner, the hierarchy tuples.

Principals (tests/stack/seed.json): airflow-sp-1 may modify and create in warehouse demo;
airflow-sp-2 may only select finance.product."""
from __future__ import annotations

import pathlib
import sys
import urllib.parse
import uuid

import pytest
import requests

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from e2e_support import SP1, SP2  # noqa: E402

SCHEMA = {"type": "struct", "schema-id": 0,
          "fields": [{"id": 1, "name": "id", "required": False, "type": "long"},
                     {"id": 2, "name": "label", "required": False, "type": "string"}]}
SEP = "\x1f"


def token(stack, client):
    r = requests.post(stack["KEYCLOAK_TOKEN_ENDPOINT"], timeout=20, data={
        "grant_type": "client_credentials", "client_id": client,
        "client_secret": f"{client}-secret", "scope": "lakekeeper"})
    r.raise_for_status()
    return r.json()["access_token"]


class Catalog:
    """An Iceberg REST client of the stand-in for one principal (prefix from /config)."""

    def __init__(self, stack, client):
        self.base = stack["LK_URL"] + "/catalog/v1"
        self.h = {"Authorization": "Bearer " + token(stack, client)}
        r = requests.get(self.base + "/config", params={"warehouse": "demo"}, headers=self.h, timeout=20)
        r.raise_for_status()
        self.prefix = r.json()["defaults"]["prefix"]

    def call(self, method, path, body=None, **params):
        return requests.request(method, f"{self.base}/{self.prefix}/{path}", headers=self.h,
                                json=body, params=params or None, timeout=30)


def ns_param(*parts):
    return urllib.parse.quote(SEP.join(parts), safe="")


def fga_tuples(stack, obj):
    r = requests.post(f"{stack['OPENFGA_URL']}/stores/{stack['OPENFGA_STORE_ID']}/read", timeout=10,
                      json={"tuple_key": {"object": obj}})
    r.raise_for_status()
    return {(t["key"]["user"], t["key"]["relation"]) for t in r.json()["tuples"]}


def fga_owned_by(stack, subject_sub, obj_type):
    r = requests.post(f"{stack['OPENFGA_URL']}/stores/{stack['OPENFGA_STORE_ID']}/read", timeout=10,
                      json={"tuple_key": {"user": "user:oidc~" + subject_sub, "relation": "ownership",
                                          "object": obj_type + ":"}})
    r.raise_for_status()
    return {t["key"]["object"].split(":", 1)[1] for t in r.json()["tuples"]}


@pytest.fixture(scope="module")
def ice(stack):
    if stack.get("LK_ICEBERG_BACKEND", "none") == "none":
        pytest.fail("the stand-in runs without an Iceberg REST server (start iceberg-rest before standin)")
    return {"sp1": Catalog(stack, "airflow-sp-1"), "sp2": Catalog(stack, "airflow-sp-2")}


def test_namespace_and_table_lifecycle_registered_like_lakekeeper(stack, ice):
    sp1, sp2 = ice["sp1"], ice["sp2"]
    ns = "i12_" + uuid.uuid4().hex[:8]
    r = sp1.call("POST", "namespaces", {"namespace": [ns], "properties": {}})
    assert r.status_code == 200, r.text
    assert r.json()["namespace"] == [ns]
    # The stand-in learnt it: its own listing has it, and the creator owns it in OpenFGA.
    listed = sp1.call("GET", "namespaces").json()["namespaces"]
    assert [ns] in listed
    owned_ns_before = fga_owned_by(stack, SP1, "namespace")
    assert owned_ns_before, "airflow-sp-1 owns no namespace after creating one"

    r = sp1.call("POST", f"namespaces/{ns_param(ns)}/tables", {"name": "t1", "schema": SCHEMA})
    assert r.status_code == 200, r.text
    table_id = r.json()["metadata"]["table-uuid"]
    obj = f"{sp1.prefix}/{table_id}"   # Lakekeeper's table object: lakekeeper_table:<warehouse>/<id>
    assert obj in fga_owned_by(stack, SP1, "lakekeeper_table")
    links = fga_tuples(stack, f"lakekeeper_table:{obj}")
    assert any(u.startswith("namespace:") and rel == "parent" for u, rel in links), links
    idents = sp1.call("GET", f"namespaces/{ns_param(ns)}/tables").json()["identifiers"]
    assert {"namespace": [ns], "name": "t1"} in idents

    # Load and HEAD go through with can_get_metadata; the metadata is the real server's.
    r = sp1.call("GET", f"namespaces/{ns_param(ns)}/tables/t1")
    assert r.status_code == 200 and r.json()["metadata"]["table-uuid"] == table_id
    assert sp1.call("HEAD", f"namespaces/{ns_param(ns)}/tables/t1").status_code == 204

    # airflow-sp-2 has no right here: every call is refused before it reaches the server.
    assert sp2.call("GET", f"namespaces/{ns_param(ns)}/tables/t1").status_code == 403
    assert sp2.call("POST", f"namespaces/{ns_param(ns)}/tables",
                    {"name": "t2", "schema": SCHEMA}).status_code == 403
    commit = {"requirements": [], "updates": [{"action": "set-properties", "updates": {"k": "v"}}]}
    assert sp2.call("POST", f"namespaces/{ns_param(ns)}/tables/t1", commit).status_code == 403
    assert sp2.call("DELETE", f"namespaces/{ns_param(ns)}/tables/t1").status_code == 403
    assert sp1.call("GET", f"namespaces/{ns_param(ns)}/tables/t2").status_code == 404

    # A commit by the creator reaches the real server.
    r = sp1.call("POST", f"namespaces/{ns_param(ns)}/tables/t1", commit)
    assert r.status_code == 200, r.text
    assert r.json()["metadata"]["properties"]["k"] == "v"

    # Rename keeps the id (and so the grants).
    r = sp1.call("POST", "tables/rename", {"source": {"namespace": [ns], "name": "t1"},
                                           "destination": {"namespace": [ns], "name": "t9"}})
    assert r.status_code == 204, r.text
    idents = sp1.call("GET", f"namespaces/{ns_param(ns)}/tables").json()["identifiers"]
    assert idents == [{"namespace": [ns], "name": "t9"}]
    assert sp1.call("GET", f"namespaces/{ns_param(ns)}/tables/t9").json()["metadata"]["table-uuid"] == table_id

    # Drop forgets the table and its tuples; then the namespace goes.
    assert sp1.call("DELETE", f"namespaces/{ns_param(ns)}/tables/t9").status_code == 204
    assert sp1.call("GET", f"namespaces/{ns_param(ns)}/tables").json()["identifiers"] == []
    assert obj not in fga_owned_by(stack, SP1, "lakekeeper_table")
    assert fga_tuples(stack, f"lakekeeper_table:{obj}") == set()
    assert sp1.call("DELETE", f"namespaces/{ns_param(ns)}").status_code == 204
    assert [ns] not in sp1.call("GET", "namespaces").json()["namespaces"]


def test_nested_namespace_and_view(stack, ice):
    sp1 = ice["sp1"]
    top, sub = "i12n_" + uuid.uuid4().hex[:8], "inner"
    assert sp1.call("POST", "namespaces", {"namespace": [top]}).status_code == 200
    r = sp1.call("POST", "namespaces", {"namespace": [top, sub]})
    assert r.status_code == 200, r.text
    assert [top, sub] in sp1.call("GET", "namespaces", parent=top).json()["namespaces"]
    view = {"name": "v1", "schema": SCHEMA, "view-version": {
        "version-id": 1, "timestamp-ms": 1700000000000, "schema-id": 0, "summary": {},
        "default-namespace": [top, sub],
        "representations": [{"type": "sql", "sql": "SELECT 1 AS id, 'a' AS label", "dialect": "trino"}]},
        "properties": {}}
    r = sp1.call("POST", f"namespaces/{ns_param(top, sub)}/views", view)
    assert r.status_code == 200, r.text
    view_id = r.json()["metadata"]["view-uuid"]
    assert f"{sp1.prefix}/{view_id}" in fga_owned_by(stack, SP1, "lakekeeper_view")
    assert sp1.call("GET", f"namespaces/{ns_param(top, sub)}/views/v1").status_code == 200
    assert ice["sp2"].call("GET", f"namespaces/{ns_param(top, sub)}/views/v1").status_code == 403
    # A namespace with children is not dropped; emptied, it is.
    assert sp1.call("DELETE", f"namespaces/{ns_param(top, sub)}/views/v1").status_code == 204
    assert f"{sp1.prefix}/{view_id}" not in fga_owned_by(stack, SP1, "lakekeeper_view")
    assert sp1.call("DELETE", f"namespaces/{ns_param(top, sub)}").status_code == 204
    assert sp1.call("DELETE", f"namespaces/{ns_param(top)}").status_code == 204


def test_seeded_objects_keep_their_grants(stack, ice):
    """finance.product (select for airflow-sp-2) and finance.revenue (nothing) are the seed's:
    metadata loads are checked against their seeded grants, denial first (fail closed)."""
    sp2 = ice["sp2"]
    assert sp2.call("GET", f"namespaces/{ns_param('finance')}/tables/revenue").status_code == 403
    # Allowed: forwarded to the server, which holds the table only once it was created there.
    assert sp2.call("GET", f"namespaces/{ns_param('finance')}/tables/product").status_code in (200, 404)
    assert sp2.call("GET", f"namespaces/{ns_param('finance')}/tables/nope").status_code == 404


def test_tokens_checked(stack, ice):
    base = f"{stack['LK_URL']}/catalog/v1/{ice['sp1'].prefix}/namespaces"
    assert requests.post(base, json={"namespace": ["x"]}, timeout=10).status_code == 401
    assert requests.post(base, json={"namespace": ["x"]}, timeout=10,
                         headers={"Authorization": "Bearer not.a.token"}).status_code == 401
    assert ice["sp1"].call("POST", "namespaces", {"namespace": []}).status_code == 400

"""The `system` catalog through a real Trino: everyone sees their own queries, admins
(TRINO_ADMIN_USERS) see everyone's and the other system tables. No Lakekeeper call involved."""
import pytest
import requests

from e2e_support import SP1, SP2
from trino_client import TrinoError

QUERIES = 'SELECT query_id, "user" FROM system.runtime.queries'


def own_query(client, user):
    return client.execute("SELECT 1", user=user).query_id


def listed_queries(trino_server, user):
    """Trino's REST query list (GET /v1/query): filtered by FilterViewQueryOwnedBy."""
    r = requests.get(f"{trino_server.url}/v1/query", headers={"X-Trino-User": user}, timeout=30)
    r.raise_for_status()
    return {q["queryId"]: q["session"]["user"] for q in r.json()}


def test_runtime_queries_shows_only_own_queries(trino, trino_server):
    c = trino(SP2)
    other = own_query(c, SP1)
    mine = own_query(c, SP2)
    rows = c.execute(QUERIES).rows
    assert {u for _, u in rows} == {SP2}
    ids = {q for q, _ in rows}
    assert mine in ids and other not in ids
    listed = listed_queries(trino_server, SP2)
    assert mine in listed and other not in listed and set(listed.values()) == {SP2}
    with pytest.raises(TrinoError) as e:
        c.execute("SELECT node_id FROM system.runtime.nodes")
    assert e.value.access_denied
    assert [r[0] for r in c.execute("SHOW CATALOGS").rows if r[0] == "system"] == ["system"]


@pytest.mark.lakeward(env={"TRINO_ADMIN_USERS": SP2})
def test_admin_sees_other_users_queries(trino, trino_server):
    c = trino(SP2)
    other = own_query(c, SP1)
    rows = dict(c.execute(QUERIES).rows)
    assert rows.get(other) == SP1
    assert listed_queries(trino_server, SP2).get(other) == SP1
    assert c.execute("SELECT count(*) FROM system.runtime.nodes").rows == [[1]]
    # airflow-sp-1 is not an admin: still only its own.
    assert {u for _, u in c.execute(QUERIES, user=SP1).rows} == {SP1}

"""lakeward's HTTP listener under the load and abuse Trino or a broken client can bring:
keep-alive from 20 connections, bursts of queued requests, oversize and malformed input.
No Lakekeeper is needed: the decisions used are answered by default-access rules."""
import concurrent.futures
import http.client
import json
import socket

from lakeward_proc import table, trino_input

EXEC = json.dumps(trino_input("alice", "ExecuteQuery"))
SYSTEM_BATCH = json.dumps(trino_input("alice", "FilterTables", filter_resources=[
    table("system", "jdbc", "types"), table("system", "runtime", "nodes")]))


def test_help_and_bad_flags():
    import subprocess
    from lakeward_proc import BUILD
    out = subprocess.run([str(BUILD / "lakeward"), "--help"], capture_output=True, text=True, timeout=10)
    assert out.returncode == 0 and "--http-listen" in out.stdout and "--config" in out.stdout
    for args in (["--bogus"], ["--http-listen", "nonsense"], ["--config", "/nonexistent.cfg"]):
        r = subprocess.run([str(BUILD / "lakeward"), *args], capture_output=True, text=True, timeout=10)
        assert r.returncode != 0
        assert len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_invalid_config_names_file_and_line(tmp_path):
    import subprocess
    from lakeward_proc import BUILD
    cfg = tmp_path / "bad.cfg"
    cfg.write_text('http_listen = "127.0.0.1:1";\nrules = (\n  { operation = 7; allow = true; }\n);\n')
    r = subprocess.run([str(BUILD / "lakeward"), "--config", str(cfg), "--check-config"],
                       capture_output=True, text=True, timeout=10)
    assert r.returncode != 0 and f"{cfg}:3:" in r.stderr and "operation" in r.stderr
    cfg.write_text("catalogs = ( { name = \"a\"; warehouse = \"w\"; }, { name = \"a\"; warehouse = \"x\"; } );\n")
    r = subprocess.run([str(BUILD / "lakeward"), "--config", str(cfg), "--check-config"],
                       capture_output=True, text=True, timeout=10)
    assert r.returncode != 0 and "mapped twice" in r.stderr
    cfg.write_text("http_listen = ;\n")
    r = subprocess.run([str(BUILD / "lakeward"), "--config", str(cfg)], capture_output=True, text=True, timeout=10)
    assert r.returncode != 0 and f"{cfg}:1" in r.stderr


def test_keepalive_connections_and_burst(lakeward_factory):
    lw = lakeward_factory({})
    host, port = "127.0.0.1", lw.port

    def worker(n):
        conn = http.client.HTTPConnection(host, port, timeout=30)
        results = []
        for i in range(n):
            body = EXEC if i % 2 == 0 else SYSTEM_BATCH
            path = "/v1/data/trino/allow" if i % 2 == 0 else "/v1/data/trino/batch"
            conn.request("POST", path, body, {"Content-Type": "application/json"})
            resp = conn.getresponse()
            data = json.loads(resp.read())
            assert resp.status == 200 and resp.getheader("Content-Type").startswith("application/json")
            results.append(data["result"])
        conn.close()
        return results

    # 20 keep-alive connections (Trino's default pool) sending 1,500 requests in all.
    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        all_results = [r for rs in pool.map(worker, [75] * 20) for r in rs]
    assert len(all_results) == 1500
    assert all(r is True or r == [0] for r in all_results)
    assert lw.metric("lakeward_decisions_total") >= 1500


def test_oversize_and_malformed_requests_keep_server_alive(lakeward_factory):
    lw = lakeward_factory({"LAKEWARD_LOG_LEVEL": "info"}, config="max_body_bytes = 4096;\n")
    r = lw.post("/v1/data/trino/allow", "x" * 10000, raw=True)
    assert r.status_code == 413 and r.json()["error"]["code"] == 413
    # Raw garbage on the socket, a truncated request and a lying Content-Length.
    for junk in (b"\x00\x01\x02garbage\r\n\r\n", b"POST /v1/data/trino/allow HTTP/1.1\r\nHost: x\r\n",
                 b"POST /v1/data/trino/allow HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{}"):
        s = socket.create_connection(("127.0.0.1", lw.port), timeout=5)
        s.sendall(junk)
        s.shutdown(socket.SHUT_WR)
        try:
            s.recv(4096)
        except OSError:
            pass
        s.close()
    r = lw.session.get(lw.url + "/v1/data/trino/allow", timeout=5)
    assert r.status_code == 405 and "error" in r.json()
    assert lw.allow("alice", "ExecuteQuery") is True
    deep = "[" * 5000 + "]" * 5000
    r = lw.post("/v1/data/trino/allow", deep, raw=True)
    assert r.status_code in (400, 413)
    assert lw.allow("alice", "ExecuteQuery") is True


def test_filter_resources_bound(lakeward_factory):
    lw = lakeward_factory({}, config="max_filter_items = 10;\n")
    many = [table("system", "jdbc", f"t{i}") for i in range(11)]
    r = lw.post("/v1/data/trino/batch", trino_input("alice", "FilterTables", filter_resources=many))
    assert r.status_code == 400 and "limit" in r.json()["error"]["message"]
    assert lw.batch("alice", "FilterTables", many[:10]) == list(range(10))


def test_opa_compatible_extra_paths(lakeward_factory):
    lw = lakeward_factory({})
    body = trino_input("alice", "GetRowFilters", resource=table("tpch", "tiny", "nation"))
    assert lw.post("/v1/data/trino/rowFilters", body).json() == {"result": []}
    assert lw.post("/v1/data/trino/batchColumnMasks", body).json() == {"result": []}
    assert lw.post("/v1/data/trino/columnMask", body).json() == {}
    health = lw.session.get(lw.url + "/health", timeout=5)
    assert health.status_code == 200 and health.json()["status"] == "ok"
    lw.allow("alice", "ExecuteQuery")
    assert "lakeward_decision_seconds_bucket" in lw.metrics()


def test_decision_log_json_lines_file(lakeward_factory, tmp_path):
    path = tmp_path / "decisions.jsonl"
    lw = lakeward_factory({"LAKEWARD_DECISION_LOG": str(path),
                           "LAKEKEEPER_CLIENT_SECRET": "s3cr3t-never-logged"})
    assert lw.allow("alice", "ExecuteQuery") is True
    assert lw.batch("alice", "FilterTables", [table("system", "jdbc", "types"),
                                              table("system", "runtime", "nodes")]) == [0]
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert [r["operation"] for r in records] == ["ExecuteQuery", "FilterTables"]
    first, second = records
    assert first["result"] is True and first["rules"] == ["DA1 execute-query"]
    assert second["result"] == [0] and second["resources_total"] == 2
    for key in ("time_ms", "decision_id", "user", "groups", "endpoint", "lakekeeper_calls",
                "cache_hits", "latency_ms"):
        assert key in first
    assert "s3cr3t" not in path.read_text() and "s3cr3t" not in lw.log_text()


def test_items_without_schema_name_deny_and_keep_serving(lakeward_factory):
    # A managed catalog ("dev" by default) with items lacking schemaName, or with one of the
    # wrong JSON type: denied, never a crash (this once crashed the batch fast path).
    lw = lakeward_factory({})
    odd = [table("dev", "s", "t"), {"table": {"catalogName": "dev", "tableName": "x"}},
           {"table": {"catalogName": "dev", "schemaName": 7, "tableName": "y"}}]
    for op in ("FilterTables", "FilterColumns", "SelectFromColumns"):
        assert lw.batch("u", op, odd) == []
    assert lw.batch("u", "FilterSchemas", [{"schema": {"catalogName": "dev"}},
                                           {"schema": {"catalogName": "dev", "schemaName": None}}]) == []
    assert lw.allow("u", "ShowTables", {"schema": {"catalogName": "dev"}}) is False
    assert lw.allow("u", "ExecuteQuery") is True


def test_columns_bound(lakeward_factory):
    lw = lakeward_factory({}, config="max_filter_items = 100;\n")
    many = table("system", "jdbc", "types", [f"c{i}" for i in range(101)])
    r = lw.post("/v1/data/trino/batch", trino_input("u", "FilterColumns", filter_resources=[many]))
    assert r.status_code == 400 and "columns" in r.json()["error"]["message"]
    ok = table("system", "jdbc", "types", [f"c{i}" for i in range(100)])
    assert lw.batch("u", "FilterColumns", [ok]) == list(range(100))

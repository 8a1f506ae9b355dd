"""lakeward's HTTP layer under slow, many and malformed clients (issue 11, findings 1 and 3):
slowloris with more connections than the old thread count, deadlines a trickle cannot reset,
per-address and global connection limits, 10,000 idle keep-alive connections, ambiguous
framing (Content-Length with Transfer-Encoding), oversize declared lengths and chunks, and
error bodies that stay valid JSON and UTF-8. No Lakekeeper is needed: the decisions used are
answered by default-access rules."""
import json
import pathlib
import resource
import socket
import threading
import time

from lakeward_proc import table, trino_input

EXEC = json.dumps(trino_input("alice", "ExecuteQuery")).encode()
SYSTEM_BATCH = json.dumps(trino_input("alice", "FilterTables", filter_resources=[
    table("system", "jdbc", "types"), table("system", "runtime", "nodes")])).encode()
HANG = 20  # seconds: a generous bound that only a hang exceeds


def request(path, body=b"", method="POST", extra=b""):
    head = (f"{method} {path} HTTP/1.1\r\nHost: lakeward\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n").encode()
    return head + extra + b"\r\n" + body


def read_until_closed(sock, limit=1 << 20):
    """Everything the server sends until it closes the connection (reset counts as closed)."""
    data = b""
    sock.settimeout(HANG)
    while len(data) < limit:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    return data


def read_response(sock):
    """One HTTP/1.1 response with a Content-Length: (status, headers dict, body bytes)."""
    sock.settimeout(HANG)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"closed before a response head: {data!r}"
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (ln.split(":", 1) for ln in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        assert chunk, "closed inside a response body"
        rest += chunk
    return status, headers, rest[:length]


def status_of(data):
    assert data.startswith(b"HTTP/1."), data[:200]
    return int(data.split(b" ", 2)[1])


def body_of(data):
    return data.split(b"\r\n\r\n", 1)[1]


def strict_json(raw):
    """Parses raw as JSON after a strict UTF-8 decode: both must hold for an error body."""
    return json.loads(raw.decode("utf-8", errors="strict"))


def connect(lw):
    return socket.create_connection(("127.0.0.1", lw.port), timeout=HANG)


def ask(lw, path, body, method="POST"):
    with connect(lw) as s:
        s.sendall(request(path, body, method))
        return read_response(s)


def test_slowloris_does_not_starve_trino(lakeward_factory):
    # 400 connections trickling their heads (more than the 256 threads the old layer had),
    # with a head deadline long enough to keep them all open for the whole test.
    lw = lakeward_factory({"LAKEWARD_HTTP_HEAD_TIMEOUT_MS": "120000",
                           "LAKEWARD_HTTP_MAX_CONNECTIONS_PER_IP": "0"})
    slow = []
    for _ in range(400):
        s = connect(lw)
        s.sendall(b"POST /v1/data/trino/allow HTTP/1.1\r\nHost: x\r\n")
        slow.append(s)
    stop = threading.Event()

    def trickle():
        while not stop.is_set():
            for s in slow:
                try:
                    s.send(b"X")
                except OSError:
                    pass
            stop.wait(0.5)
    t = threading.Thread(target=trickle)
    t.start()
    try:
        answered = 0
        for i in range(30):
            path, body = (("/v1/data/trino/allow", EXEC) if i % 2 == 0
                          else ("/v1/data/trino/batch", SYSTEM_BATCH))
            status, headers, raw = ask(lw, path, body)
            assert status == 200 and headers["content-type"].startswith("application/json")
            result = json.loads(raw)["result"]
            assert result is True or result == [0]
            status, _, raw = ask(lw, "/health", b"", "GET")
            assert status == 200 and json.loads(raw)["status"] == "ok"
            answered += 1
        assert answered == 30
        # The tricklers are still connected: nothing closed them, nothing starved.
        alive = 0
        for s in slow:
            s.setblocking(False)
            try:
                alive += s.recv(1) != b""
            except BlockingIOError:
                alive += 1
            except OSError:
                pass
        assert alive == 400
    finally:
        stop.set()
        t.join()
        for s in slow:
            s.close()


def test_head_and_body_deadlines_close_tricklers(lakeward_factory):
    lw = lakeward_factory({"LAKEWARD_HTTP_HEAD_TIMEOUT_MS": "1000",
                           "LAKEWARD_HTTP_BODY_TIMEOUT_MS": "1000"})

    def trickled_until_closed(prefix, drip):
        s = connect(lw)
        s.sendall(prefix)
        s.settimeout(0.2)
        start = time.time()
        try:
            while time.time() - start < HANG:   # the idle timeout (120 s) never fires here
                try:
                    s.send(drip)
                    if s.recv(4096) == b"":
                        return time.time() - start
                except socket.timeout:
                    continue
                except OSError:
                    return time.time() - start
            return None
        finally:
            s.close()

    # A byte every 0.2 s resets any idle timer; the deadlines still close both.
    assert trickled_until_closed(b"GET /health HTTP/1.1\r\nHost: x\r\n", b"X") is not None
    assert trickled_until_closed(request("/v1/data/trino/allow", b"")
                                 .replace(b"Content-Length: 0", b"Content-Length: 100000"),
                                 b"{") is not None
    assert lw.metric("lakeward_http_deadline_closed_total", stage="head") >= 1
    assert lw.metric("lakeward_http_deadline_closed_total", stage="body") >= 1


def test_next_head_on_keepalive_cannot_trickle(lakeward_factory):
    # After an answer, the next head is due idle + head timeouts later, trickle or not.
    lw = lakeward_factory({"LAKEWARD_HTTP_HEAD_TIMEOUT_MS": "1000",
                           "LAKEWARD_HTTP_IDLE_TIMEOUT_MS": "1000"})
    s = connect(lw)
    s.sendall(request("/v1/data/trino/allow", EXEC))
    assert read_response(s)[0] == 200
    s.sendall(b"GET /health HTTP/1.1\r\n")
    s.settimeout(0.2)
    start, closed = time.time(), False
    while not closed and time.time() - start < HANG:
        try:
            s.send(b"X")
            closed = s.recv(4096) == b""
        except socket.timeout:
            continue
        except OSError:
            closed = True
    s.close()
    assert closed
    assert lw.metric("lakeward_http_deadline_closed_total", stage="idle") >= 1
    # A keep-alive connection that answers promptly is not touched by them.
    with connect(lw) as s:
        for _ in range(3):
            s.sendall(request("/v1/data/trino/allow", EXEC))
            assert read_response(s)[0] == 200
            time.sleep(0.6)


def test_per_address_connection_limit(lakeward_factory):
    lw = lakeward_factory({"LAKEWARD_HTTP_MAX_CONNECTIONS_PER_IP": "5"})
    time.sleep(0.5)   # the start-up probe's connection is gone
    held = [connect(lw) for _ in range(5)]
    try:
        for s in held:   # all five are real, answered keep-alive connections
            s.sendall(request("/health", b"", "GET"))
            assert read_response(s)[0] == 200
        extra = connect(lw)
        extra.sendall(request("/health", b"", "GET"))
        assert b"200 OK" not in read_until_closed(extra)
        extra.close()
        held.pop().close()
        time.sleep(0.3)
        status, _, raw = ask(lw, "/v1/data/trino/allow", EXEC)
        assert status == 200 and json.loads(raw)["result"] is True
    finally:
        for s in held:
            s.close()


def test_global_connection_limit_refuses_with_503(lakeward_factory):
    lw = lakeward_factory({"LAKEWARD_HTTP_MAX_CONNECTIONS": "20",
                           "LAKEWARD_HTTP_MAX_CONNECTIONS_PER_IP": "0"})
    time.sleep(0.5)
    held = [connect(lw) for _ in range(20)]
    try:
        for s in held:
            s.sendall(request("/health", b"", "GET"))
            assert read_response(s)[0] == 200
        extra = connect(lw)
        data = read_until_closed(extra)
        extra.close()
        assert status_of(data) == 503
        assert strict_json(body_of(data))["error"]["code"] == 503
    finally:
        for s in held:
            s.close()
    time.sleep(0.3)
    assert ask(lw, "/v1/data/trino/allow", EXEC)[0] == 200
    assert lw.metric("lakeward_http_refused_total", reason="connections") >= 1


def test_ten_thousand_idle_keepalive_connections(lakeward_factory):
    n = 10000
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n + 200:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, n + 1000), hard))
    lw = lakeward_factory({"LAKEWARD_HTTP_MAX_CONNECTIONS": str(n + 100),
                           "LAKEWARD_HTTP_MAX_CONNECTIONS_PER_IP": "0",
                           "LAKEWARD_HTTP_HEAD_TIMEOUT_MS": "120000",
                           "LAKEWARD_LOG_LEVEL": "info"})
    conns = []
    try:
        # Each connection asks once (so it is a real keep-alive connection), then idles.
        for _ in range(n):
            s = connect(lw)
            s.sendall(request("/health", b"", "GET"))
            conns.append(s)
        for s in conns:
            assert read_response(s)[0] == 200
        fds = len(list(pathlib.Path(f"/proc/{lw.proc.pid}/fd").iterdir()))
        assert fds >= n
        # With all of them open, new connections and old ones are still answered.
        status, _, raw = ask(lw, "/v1/data/trino/allow", EXEC)
        assert status == 200 and json.loads(raw)["result"] is True
        for s in conns[::500]:
            s.sendall(request("/v1/data/trino/batch", SYSTEM_BATCH))
            status, _, raw = read_response(s)
            assert status == 200 and json.loads(raw)["result"] == [0]
    finally:
        for s in conns:
            s.close()


def test_content_length_with_transfer_encoding_is_refused(lakeward_factory):
    lw = lakeward_factory({})
    smuggled = request("/health", b"", "GET")
    body = b"5\r\n{}{}{\r\n0\r\n\r\n"
    s = connect(lw)
    s.sendall(b"POST /v1/data/trino/allow HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
              b"Transfer-Encoding: chunked\r\n\r\n" + body + smuggled)
    data = read_until_closed(s)
    s.close()
    assert status_of(data) == 400
    assert data.count(b"HTTP/1.1 ") == 1, data     # nothing pipelined behind it answered
    assert b"Transfer-Encoding" in strict_json(body_of(data))["error"]["message"].encode()
    # Repeated Content-Length headers are just as ambiguous.
    s = connect(lw)
    s.sendall(b"POST /v1/data/trino/allow HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
              b"Content-Length: 40\r\n\r\n{}" + smuggled)
    data = read_until_closed(s)
    s.close()
    assert status_of(data) == 400 and data.count(b"HTTP/1.1 ") == 1
    assert lw.allow("alice", "ExecuteQuery") is True


def test_oversize_content_length_is_refused_at_once(lakeward_factory):
    lw = lakeward_factory({}, config="max_body_bytes = 4096;\n")
    for value in (b"4097", b"9223372036854775808", b"18446744073709551615"):
        s = connect(lw)
        s.sendall(b"POST /v1/data/trino/allow HTTP/1.1\r\nHost: x\r\nContent-Length: "
                  + value + b"\r\n\r\n")
        data = read_until_closed(s)           # no body sent: the answer cannot wait for it
        s.close()
        assert status_of(data) == 413, value
        assert strict_json(body_of(data))["error"]["code"] == 413
    # Past 2^64 - 1 libmicrohttpd refuses the head itself (413, its own HTML body), closed.
    s = connect(lw)
    s.sendall(b"POST /v1/data/trino/allow HTTP/1.1\r\nHost: x\r\nContent-Length: "
              + b"9" * 40 + b"\r\n\r\n")
    data = read_until_closed(s)
    s.close()
    assert status_of(data) == 413
    assert lw.allow("alice", "ExecuteQuery") is True


def test_oversize_chunks_are_cut_off(lakeward_factory):
    lw = lakeward_factory({"LAKEWARD_HTTP_BODY_TIMEOUT_MS": "1500"},
                          config="max_body_bytes = 4096;\n")
    head = b"POST /v1/data/trino/allow HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    # A huge declared chunk that keeps coming: closed once the bound is passed.
    s = connect(lw)
    s.sendall(head + b"FFFFFFFFFFFFFFF\r\n" + b"x" * 8192)
    assert b"200 OK" not in read_until_closed(s)
    s.close()
    # A huge declared chunk that then stalls: the body deadline closes it.
    s = connect(lw)
    s.sendall(head + b"FFFFFFFFFFFFFFF\r\n" + b"x" * 100)
    assert b"200 OK" not in read_until_closed(s)
    s.close()
    # A chunk size past 64 bits: libmicrohttpd refuses the body as malformed and closes.
    s = connect(lw)
    s.sendall(head + b"F" * 40 + b"\r\n" + b"x" * 100)
    assert b"200 OK" not in read_until_closed(s)
    s.close()
    assert lw.allow("alice", "ExecuteQuery") is True


def test_error_bodies_are_valid_json_and_utf8(lakeward_factory):
    lw = lakeward_factory({})
    # The body: a backslash before a two-byte character.
    status, _, raw = ask(lw, "/v1/data/trino/allow", '{"input":{"x":"\\é"}}'.encode())
    assert status == 400 and strict_json(raw)["error"]["code"] == 400
    for bad in (b'{"input":{"x":"\xc3', b'{"input":\xff\xfe}', b'\xe2\x82' * 300,
                b'{"input":{"context":{"identity":{"user":"\xed\xa0\x80"}}}}'):
        status, _, raw = ask(lw, "/v1/data/trino/allow", bad)
        assert status == 400
        strict_json(raw)
    # Quoted by the HTTP layer itself: an unknown coding and an unknown path.
    s = connect(lw)
    s.sendall(b"POST /v1/data/trino/allow HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gz\xc3\r\n\r\n")
    data = read_until_closed(s)
    s.close()
    assert status_of(data) == 501 and strict_json(body_of(data))["error"]["code"] == 501
    with connect(lw) as s:
        s.sendall(b"GET /v1/\xc3\xa9x\xc3 HTTP/1.1\r\nHost: x\r\n\r\n")
        status, _, raw = read_response(s)
    assert status == 404 and strict_json(raw)["error"]["code"] == 404

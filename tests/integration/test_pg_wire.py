"""lakeward's Postgres-wire face, first slice: real psql and psycopg 3 against a fresh lakeward
(no Lakekeeper needed: the decisions are made over HTTP and answered by default-access rules),
the SQLSTATEs of the errors clients must be able to tell apart, the startup rules, and
malformed bytes on a raw socket, after which the server must still serve psql."""
import json
import socket
import struct
import subprocess
import time
from datetime import datetime, timedelta, timezone

import psycopg
import pytest

from lakeward_proc import catalog, free_port, trino_input

PSQL_TIMEOUT = 30


# --- helpers -----------------------------------------------------------------------------

def psql(lw, sql, *extra, user="alice", database="lakeward", check=True):
    """Runs psql -At -c SQL; returns stdout lines (or the CompletedProcess with check=False)."""
    cmd = ["psql", "-h", "127.0.0.1", "-p", str(lw.pg_port), "-U", user, "-d", database,
           "-X", "-At", "-v", "ON_ERROR_STOP=1", *extra, "-c", sql]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=PSQL_TIMEOUT,
                       env={"PATH": "/usr/bin:/bin", "PGCONNECT_TIMEOUT": "10"})
    if not check:
        return r
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()


def connect(lw, **kw):
    kw.setdefault("autocommit", True)
    return psycopg.connect(host="127.0.0.1", port=lw.pg_port, user="alice", dbname="lakeward",
                           prepare_threshold=None, connect_timeout=10, **kw)


def make_decisions(lw):
    """Three decisions, a few milliseconds apart so ORDER BY time is unambiguous:
    alice ExecuteQuery (allowed, with a query id), bob FilterCatalogs over system + other
    (batch, 1 of 2 allowed), carol FilterCatalogs over other only (batch, none allowed)."""
    assert lw.allow("alice", "ExecuteQuery", query_id="20260101_104200_00001_abcde") is True
    time.sleep(0.01)
    assert lw.batch("bob", "FilterCatalogs", [catalog("system"), catalog("other")]) == [0]
    time.sleep(0.01)
    assert lw.batch("carol", "FilterCatalogs", [catalog("other")]) == []
    return lw.decisions()


def startup_packet(user="alice", database="lakeward", extra=(), version=(3, 0)):
    body = struct.pack("!HH", *version)
    for k, v in (("user", user), ("database", database), *extra):
        if v is not None:
            body += k.encode() + b"\0" + v.encode() + b"\0"
    body += b"\0"
    return struct.pack("!I", len(body) + 4) + body


def message(mtype, body=b""):
    return mtype + struct.pack("!I", len(body) + 4) + body


class Raw:
    """A hand-driven Postgres-wire client on a plain socket."""

    def __init__(self, lw, timeout=10):
        self.s = socket.create_connection(("127.0.0.1", lw.pg_port), timeout=timeout)
        self.buf = b""

    def send(self, data):
        self.s.sendall(data)

    def _fill(self, n):
        while len(self.buf) < n:
            try:
                chunk = self.s.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                return False
            self.buf += chunk
        return True

    def read_byte(self):
        if not self._fill(1):
            return None
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def read_msg(self):
        """(type, body), or None when the server closed the connection."""
        if not self._fill(5):
            return None
        mtype, length = self.buf[:1], struct.unpack("!I", self.buf[1:5])[0]
        if not self._fill(1 + length):
            return None
        body, self.buf = self.buf[5:1 + length], self.buf[1 + length:]
        return mtype, body

    def until_ready(self):
        msgs = []
        while True:
            m = self.read_msg()
            assert m is not None, f"connection closed after {msgs}"
            msgs.append(m)
            if m[0] == b"Z":
                return msgs

    def login(self, **kw):
        self.send(startup_packet(**kw))
        msgs = self.until_ready()
        assert msgs[0] == (b"R", struct.pack("!I", 0)), msgs
        return msgs

    def query(self, sql):
        self.send(message(b"Q", sql.encode() + b"\0"))
        return self.until_ready()

    def closed(self):
        """True when the server closes the connection (after whatever it still sends)."""
        while True:
            m = self.read_msg()
            if m is None:
                return True

    def close(self):
        self.s.close()


def error_fields(body):
    fields = {}
    for part in body.split(b"\0"):
        if part:
            fields[part[:1].decode()] = part[1:].decode()
    return fields


def fatal_then_close(raw):
    """Reads one FATAL ErrorResponse and the close that must follow; returns its fields."""
    m = raw.read_msg()
    assert m is not None and m[0] == b"E", m
    f = error_fields(m[1])
    assert f["S"] == "FATAL", f
    assert raw.closed()
    return f


# --- queries -----------------------------------------------------------------------------

def test_psql_reads_decisions(lakeward_factory):
    lw = lakeward_factory({})
    logged = make_decisions(lw)
    ids = [d["decision_id"] for d in logged]

    assert psql(lw, "SELECT 1") == ["1"]
    assert psql(lw, "select version()")[0].startswith("PostgreSQL 15.0 (lakeward ")
    rows = psql(lw, "SELECT decision_id, query_id, user_name, operation, endpoint, allowed, "
                    "items, allowed_items, lakekeeper_calls, cache_hits "
                    "FROM lakeward.decisions ORDER BY time ASC")
    assert rows == [
        f"{ids[0]}|20260101_104200_00001_abcde|alice|ExecuteQuery|allow|t|1|1|0|0",
        f"{ids[1]}||bob|FilterCatalogs|batch|t|2|1|0|0",
        f"{ids[2]}||carol|FilterCatalogs|batch|f|1|0|0|0",
    ]
    # WHERE col = 'literal' AND ..., ORDER BY time DESC, LIMIT
    assert psql(lw, "SELECT user_name FROM lakeward.decisions WHERE endpoint = 'batch' "
                    "AND operation = 'FilterCatalogs' ORDER BY time DESC LIMIT 1") == ["carol"]
    assert psql(lw, "SELECT user_name FROM lakeward.decisions ORDER BY time DESC") == \
        ["carol", "bob", "alice"]
    assert psql(lw, "select user_name from lakeward.decisions where allowed = false") == ["carol"]
    assert psql(lw, "select user_name from lakeward.decisions where allowed and items >= 2") == ["bob"]
    assert psql(lw, "select user_name from lakeward.decisions where query_id is not null") == ["alice"]
    assert psql(lw, "select user_name from lakeward.decisions where decision_id = '%s'"
                % ids[1]) == ["bob"]
    assert psql(lw, "select user_name from lakeward.decisions where user_name = 'nobody'") == []
    # the JSON record is the decision log line, the time column is now-ish and in UTC
    rec, ts = psql(lw, "SELECT record, time FROM lakeward.decisions WHERE user_name = 'bob'")[0] \
        .split("|")
    assert json.loads(rec) == logged[1]
    when = datetime.fromisoformat(ts.replace("+00", "+00:00"))
    assert abs(datetime.now(timezone.utc) - when) < timedelta(minutes=5)
    assert psql(lw, "select user_name from lakeward.decisions where time > '2000-01-01T00:00:00Z' "
                    "and time < '2100-01-01' order by user_name") == ["alice", "bob", "carol"]
    # unqualified name, aliases, ORDER BY an output name or position, OFFSET, SELECT *
    assert psql(lw, "select d.user_name as who from decisions d order by who desc offset 1") == \
        ["bob", "alice"]
    assert psql(lw, "select operation, user_name from decisions order by 2 limit 2") == \
        ["ExecuteQuery|alice", "FilterCatalogs|bob"]
    star = psql(lw, "select * from lakeward.decisions where user_name = 'alice'", "-F", "\t")
    assert len(star) == 1 and len(star[0].split("\t")) == 13
    # the empty query (Grafana's "-- ping") answers EmptyQueryResponse, not an error
    assert psql(lw, "-- ping") == []


def test_psql_column_names_and_types(lakeward_factory):
    lw = lakeward_factory({})
    make_decisions(lw)
    with connect(lw) as conn:
        cur = conn.execute("select * from lakeward.decisions limit 0")
        got = [(d.name, d.type_code) for d in cur.description]
    assert got == [("time", 1184), ("decision_id", 25), ("query_id", 25), ("user_name", 25),
                   ("operation", 25), ("endpoint", 25), ("allowed", 16), ("items", 23),
                   ("allowed_items", 23), ("lakekeeper_calls", 23), ("cache_hits", 23),
                   ("latency_ms", 701), ("record", 114)]
    out = psql(lw, "select 1 as one, 'x', true, null, -5, 0, 99999999999, 1.5", "-F", ",")
    assert out == ["1,x,t,,-5,0,99999999999,1.5"]


def test_psycopg_simple_protocol(lakeward_factory):
    lw = lakeward_factory({})
    logged = make_decisions(lw)
    with connect(lw) as conn:
        assert conn.info.server_version == 150000
        assert conn.info.parameter_status("server_encoding") == "UTF8"
        assert conn.info.parameter_status("session_authorization") == "alice"
        rows = conn.execute("SELECT time, decision_id, query_id, user_name, allowed, items, "
                            "latency_ms, record FROM lakeward.decisions "
                            "WHERE endpoint = 'batch' ORDER BY time").fetchall()
        assert [r[3] for r in rows] == ["bob", "carol"]
        t, did, qid, user, allowed, items, latency, record = rows[0]
        assert isinstance(t, datetime) and t.utcoffset() == timedelta(0)
        assert did == logged[1]["decision_id"] and qid is None and user == "bob"
        assert allowed is True and items == 2
        assert isinstance(latency, float) and latency >= 0
        assert record == logged[1]     # json column, decoded by psycopg
        # client-side parameter binding is simple protocol too
        cur = psycopg.ClientCursor(conn)
        cur.execute("select user_name from lakeward.decisions where user_name = %s and items = %s",
                    ("carol", 1))
        assert cur.fetchall() == [("carol",)]
        # several statements in one Query
        cur.execute("select 1; select 'two' as b")
        assert cur.fetchall() == [(1,)]
        assert cur.nextset() and cur.fetchall() == [("two",)]
        # server-side parameters go over the extended protocol (test_pg_extended.py)
        assert conn.execute("select user_name from lakeward.decisions where user_name = %s",
                            ("bob",)).fetchall() == [("bob",)]
        assert conn.execute("select 42").fetchone() == (42,)


def test_psycopg_transactions(lakeward_factory):
    """psycopg's default (autocommit off) sends BEGIN first; a failed statement fails the
    transaction until ROLLBACK, as in Postgres."""
    lw = lakeward_factory({})
    make_decisions(lw)
    conn = connect(lw, autocommit=False)
    try:
        assert conn.execute("select user_name from lakeward.decisions limit 1").fetchone() == \
            ("alice",)
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
        conn.commit()
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        with pytest.raises(psycopg.errors.UndefinedColumn):
            conn.execute("select nope from lakeward.decisions")
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.INERROR
        with pytest.raises(psycopg.errors.InFailedSqlTransaction):
            conn.execute("select 1")
        conn.rollback()
        assert conn.execute("select 1").fetchone() == (1,)
        conn.rollback()
    finally:
        conn.close()


ERRORS = [
    ("select * from lakeward.nope", "42P01", "relation \"lakeward.nope\" does not exist"),
    ("select * from nope", "42P01", "relation \"nope\" does not exist"),
    ("select nope from lakeward.decisions", "42703", "column \"nope\" does not exist"),
    ("select user_name from lakeward.decisions where nope = 'x'", "42703", "nope"),
    ("select user_name from lakeward.decisions order by nope", "42703", "nope"),
    ("select x.user_name from lakeward.decisions", "42P01", "missing FROM-clause entry"),
    ("SELEC 1", "42601", "syntax error at or near \"SELEC\""),
    ("select * from lakeward.decisions where", "42601", "syntax error at end of input"),
    ("insert into lakeward.decisions (user_name) values ('x')", "25006", "lakeward is read-only"),
    ("update lakeward.decisions set allowed = true", "25006", "lakeward is read-only"),
    ("delete from lakeward.decisions", "25006", "lakeward is read-only"),
    ("create table t (a int)", "25006", "lakeward is read-only"),
    ("drop table lakeward.decisions", "25006", "lakeward is read-only"),
    ("grant select on lakeward.decisions to bob", "25006", "lakeward is read-only"),
    ("select 1 into t", "25006", "lakeward is read-only"),
    ("select items from lakeward.decisions where items = 'x'", "22P02",
     "invalid input syntax for type integer: \"x\""),
    ("select 1 from lakeward.decisions where time = 'yesterday-ish'", "22007",
     "timestamp with time zone"),
    ("select 1 from lakeward.decisions where user_name = 1", "42883",
     "operator does not exist: text = integer"),
    ("select 1 from lakeward.decisions where record = '{}'", "42883", "json"),
    ("select 1 from lakeward.decisions limit -1", "2201W", "LIMIT must not be negative"),
    ("select 1 from lakeward.decisions order by 5", "42P10", "not in select list"),
    ("set TimeZone = 'Europe/Paris'", "22023", "invalid value for parameter"),
    ("set no_such_setting = 1", "42704", "unrecognized configuration parameter"),
    ("select user_name, count(*) from lakeward.decisions", "42803",
     "must appear in the GROUP BY clause"),
    ("select 1/0", "22012", "division by zero"),
    ("select x from (values (1), (2)) v(x) where x = (select 1 union select 2)", "21000",
     "more than one row"),
]


@pytest.mark.parametrize("sql,state,text", ERRORS, ids=[e[0][:40] for e in ERRORS])
def test_error_sqlstates(lakeward_factory, sql, state, text):
    lw = lakeward_factory({})
    with connect(lw) as conn:
        with pytest.raises(psycopg.Error) as ei:
            conn.execute(sql)
        assert ei.value.sqlstate == state, (ei.value.sqlstate, str(ei.value))
        assert text in str(ei.value)
        assert conn.execute("select 1").fetchone() == (1,)     # the session goes on


def test_psql_shows_sqlstate_and_position(lakeward_factory):
    lw = lakeward_factory({})
    r = psql(lw, "select user_name, nope from lakeward.decisions", "-v", "VERBOSITY=verbose",
             check=False)
    assert r.returncode == 1
    assert "ERROR:  42703: column \"nope\" does not exist" in r.stderr
    assert "LINE 1: select user_name, nope from" in r.stderr
    # the caret sits under the column (position 19, counted in characters)
    caret = r.stderr.splitlines()[2]
    assert caret.index("^") == len("LINE 1: ") + 18, r.stderr
    r = psql(lw, "select 'é', nope", "-v", "VERBOSITY=verbose", check=False)
    assert "42703" in r.stderr and r.stderr.splitlines()[2].index("^") == len("LINE 1: ") + 12
    r = psql(lw, "insert into x values (1)", "-v", "VERBOSITY=verbose", check=False)
    assert "ERROR:  25006: lakeward is read-only" in r.stderr


# --- startup -----------------------------------------------------------------------------

def test_ssl_and_gssenc_requests_answered_n(lakeward_factory):
    lw = lakeward_factory({})
    raw = Raw(lw)
    raw.send(struct.pack("!II", 8, 80877104))       # GSSENCRequest
    assert raw.read_byte() == b"N"
    raw.send(struct.pack("!II", 8, 80877103))       # SSLRequest
    assert raw.read_byte() == b"N"
    msgs = raw.login()
    params = dict(tuple(p.decode().split("\0")[:2]) for t, p in msgs if t == b"S")
    assert params["server_version"] == "15.0 (lakeward 0.1.0)"
    assert params["client_encoding"] == params["server_encoding"] == "UTF8"
    assert params["DateStyle"] == "ISO, MDY" and params["TimeZone"] == "UTC"
    assert params["integer_datetimes"] == params["standard_conforming_strings"] == "on"
    assert params["is_superuser"] == "off" and params["session_authorization"] == "alice"
    assert params["application_name"] == ""
    assert [t for t, _ in msgs][-2:] == [b"K", b"Z"] and msgs[-1][1] == b"I"
    raw.send(message(b"X"))
    assert raw.closed()
    # bytes sent before the answer to an SSLRequest: refused
    raw = Raw(lw)
    raw.send(struct.pack("!II", 8, 80877103) + startup_packet())
    f = fatal_then_close(raw)
    assert f["C"] == "08P01" and "unencrypted data after SSL request" in f["M"]
    # psql insisting on TLS gets a clear client-side refusal
    r = subprocess.run(
        ["psql", f"host=127.0.0.1 port={lw.pg_port} user=alice dbname=lakeward sslmode=require",
         "-Atc", "select 1"], capture_output=True, text=True, timeout=PSQL_TIMEOUT)
    assert r.returncode != 0 and "SSL" in r.stderr


def test_startup_refusals(lakeward_factory):
    lw = lakeward_factory({})
    cases = [
        (startup_packet(version=(2, 0)), "0A000", "unsupported frontend protocol 2.0"),
        (startup_packet(version=(4, 0)), "0A000", "unsupported frontend protocol 4.0"),
        (startup_packet(database="postgres"), "3D000", "database \"postgres\" does not exist"),
        (startup_packet(user=None), "28000", "no PostgreSQL user name"),
        (startup_packet(extra=(("replication", "true"),)), "0A000", "replication"),
        (startup_packet()[:-1] + b"x", "08P01", "invalid startup packet layout"),
    ]
    for packet, state, text in cases:
        raw = Raw(lw)
        raw.send(packet)
        f = fatal_then_close(raw)
        assert f["C"] == state and text in f["M"], f
    # A newer minor version is negotiated down to 3.0, unknown _pq_ options listed.
    raw = Raw(lw)
    raw.send(startup_packet(version=(3, 2), extra=(("_pq_.frob", "1"),)))
    msgs = raw.until_ready()
    assert msgs[0][0] == b"v" and msgs[0][1] == struct.pack("!II", 0, 1) + b"_pq_.frob\0"
    assert msgs[1] == (b"R", struct.pack("!I", 0))
    raw.close()
    # Parameters clients send (JDBC's, libpq's) are accepted; application_name is echoed.
    raw = Raw(lw)
    msgs = raw.login(extra=(("application_name", "grafana"), ("client_encoding", "UTF8"),
                            ("DateStyle", "ISO"), ("extra_float_digits", "2"),
                            ("TimeZone", "Etc/UTC"), ("options", "-c search_path=x")))
    assert (b"S", b"application_name\0grafana\0") in msgs
    raw.close()
    # CancelRequest: nothing to cancel, no answer, connection closed.
    raw = Raw(lw)
    raw.send(struct.pack("!IIII", 16, 80877102, 1, 2))
    assert raw.closed() and raw.buf == b""
    # the database defaults to the user name, which is not lakeward
    r = psql(lw, "select 1", database="alice", check=False)
    assert r.returncode != 0 and "database \"alice\" does not exist" in r.stderr
    assert psql(lw, "select current_user, current_database()", user="bob") == ["bob|lakeward"]


def local_non_loopback_address():
    """An address of this machine that is not loopback (None when it has none)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))     # no packet is sent: this only picks a route
            a = s.getsockname()[0]
        except OSError:
            return None
    return None if a.startswith("127.") else a


def test_non_loopback_peer_refuses_login(lakeward_factory):
    """Trust is for loopback peers only: with the default login rules a client coming from
    another address matches no rule and gets 28000, while loopback is still trusted."""
    addr = local_non_loopback_address()
    if addr is None:
        pytest.skip("this machine has no non-loopback IPv4 address")
    port = free_port()
    lw = lakeward_factory({}, args=("--pg-listen", f"0.0.0.0:{port}"))
    lw.pg_port = port
    raw = Raw(lw)
    raw.s.close()
    raw.s = socket.create_connection((addr, port), timeout=10)
    raw.send(startup_packet())
    f = fatal_then_close(raw)
    assert f["C"] == "28000" and f["M"].startswith(f'no pg_hba entry for host "{addr}"'), f
    assert "login_refused" in lw.log_text()
    assert psql(lw, "select current_user") == ["alice"]


def test_pg_listener_disabled(lakeward_factory):
    lw = lakeward_factory({}, args=("--pg-listen", ""))
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", lw.pg_port), timeout=2).close()


# --- protocol --------------------------------------------------------------------------------

def test_simple_protocol_messages(lakeward_factory):
    lw = lakeward_factory({})
    raw = Raw(lw)
    raw.login()
    for empty in ("", ";", "-- ping", "  "):
        assert [t for t, _ in raw.query(empty)] == [b"I", b"Z"]
    msgs = raw.query("select 1 as a, null as b")
    assert [t for t, _ in msgs] == [b"T", b"D", b"C", b"Z"]
    assert msgs[1][1] == struct.pack("!hi", 2, 1) + b"1" + struct.pack("!i", -1)
    assert msgs[2][1] == b"SELECT 1\0"
    # BEGIN/COMMIT only track the status byte of ReadyForQuery
    assert raw.query("begin")[-1] == (b"Z", b"T")
    msgs = raw.query("select nope")
    assert msgs[0][0] == b"E" and msgs[-1] == (b"Z", b"E")
    assert error_fields(raw.query("select 1")[0][1])["C"] == "25P02"
    msgs = raw.query("commit")
    assert msgs[0] == (b"C", b"ROLLBACK\0") and msgs[-1] == (b"Z", b"I")
    # invalid UTF-8 in a query is an error, not the end of the session
    raw.send(message(b"Q", b"select '\xff'\0"))
    msgs = raw.until_ready()
    assert error_fields(msgs[0][1])["C"] == "22021"
    # a select list past PostgreSQL's bound is refused as PostgreSQL does, the session goes on
    msgs = raw.query("select " + ",".join(["1"] * 200000))
    assert error_fields(msgs[0][1])["C"] == "54011" and msgs[-1] == (b"Z", b"I")
    # extended protocol (more in test_pg_extended.py): Parse, Bind, Describe, Execute, Sync
    raw.send(message(b"P", b"\0select 1\0\0\0") + message(b"B", b"\0\0\0\0\0\0\0\0")
             + message(b"D", b"P\0") + message(b"E", b"\0\0\0\0\0") + message(b"S"))
    msgs = raw.until_ready()
    assert [t for t, _ in msgs] == [b"1", b"2", b"T", b"D", b"C", b"Z"]
    assert msgs[-1] == (b"Z", b"I")
    assert [t for t, _ in raw.query("select 1")] == [b"T", b"D", b"C", b"Z"]
    # Flush and copy messages outside COPY are harmless
    raw.send(message(b"H") + message(b"d", b"junk") + message(b"c"))
    assert [t for t, _ in raw.query("select 2")] == [b"T", b"D", b"C", b"Z"]
    raw.send(message(b"X"))
    assert raw.closed()


def test_malformed_bytes_close_connection_and_server_keeps_serving(lakeward_factory):
    lw = lakeward_factory({})
    make_decisions(lw)

    # A client stalled in the middle of a message keeps its thread, not the server's.
    stalled = Raw(lw)
    stalled.login()
    stalled.send(message(b"Q", b"select 1\0")[:7])

    # startup phase: garbage, a tiny length, a huge length, a truncated packet
    for junk in (b"\x00\x00\x00\x03garbage", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
                 b"\x7f\xff\xff\xff", b"\x00\x00\x00\x07abc"):
        raw = Raw(lw)
        raw.send(junk)
        f = fatal_then_close(raw)
        assert f["C"] == "08P01" and "startup packet" in f["M"], (junk, f)
    raw = Raw(lw)
    raw.send(startup_packet()[:12])
    raw.s.shutdown(socket.SHUT_WR)
    assert raw.closed()

    # after login: huge length, length below 4, unknown type, Query without its NUL,
    # a password message nobody asked for
    for junk, text in ((b"Q\x7f\xff\xff\xff", "invalid message length"),
                       (b"Q\x00\x00\x00\x02", "invalid message length"),
                       (message(b"z", b"hello"), "invalid frontend message type 122"),
                       (message(b"Q", b"select 1"), "invalid message format"),
                       (message(b"Q", b"select 1\0extra\0"), "invalid message format"),
                       (message(b"p", b"secret\0"), "invalid frontend message type 112")):
        raw = Raw(lw)
        raw.login()
        raw.send(junk)
        f = fatal_then_close(raw)
        assert f["C"] == "08P01" and text in f["M"], (junk, f)

    # a truncated message followed by the client going away
    raw = Raw(lw)
    raw.login()
    raw.send(message(b"Q", b"select 1 from lakeward.decisions\0")[:20])
    raw.s.shutdown(socket.SHUT_WR)
    assert raw.closed()

    # random bytes after login
    raw = Raw(lw)
    raw.login()
    raw.send(bytes(range(256)) * 4)
    assert raw.closed()

    # the server still serves, and the stalled client can finish its query
    assert psql(lw, "select user_name from lakeward.decisions order by time") == \
        ["alice", "bob", "carol"]
    stalled.send(message(b"Q", b"select 1\0")[7:])
    assert [t for t, _ in stalled.until_ready()] == [b"T", b"D", b"C", b"Z"]
    stalled.close()
    assert lw.metric("lakeward_pg_protocol_errors_total") >= 10
    assert lw.metric("lakeward_pg_queries_total", result="ok") >= 2


def test_connection_bound(lakeward_factory):
    lw = lakeward_factory({}, config="max_connections = 2;\n")
    a, b = Raw(lw), Raw(lw)
    a.login()
    b.login()
    r = psql(lw, "select 1", check=False)
    assert r.returncode != 0 and "too many clients" in r.stderr
    raw = Raw(lw)
    raw.send(startup_packet())
    f = fatal_then_close(raw)
    assert f["C"] == "53300" and f["M"] == "sorry, too many clients already"
    a.send(message(b"X"))
    assert a.closed()
    deadline = time.time() + 10
    while True:
        r = psql(lw, "select 1", check=False)
        if r.returncode == 0 or time.time() > deadline:
            break
        time.sleep(0.1)
    assert r.stdout.strip() == "1", r.stderr
    b.close()


def test_many_rows_and_concurrent_clients(lakeward_factory):
    """A result bigger than one flush chunk streams correctly, and several clients query
    at once while Trino keeps deciding."""
    import concurrent.futures
    lw = lakeward_factory({})
    body = json.dumps(trino_input("alice", "ExecuteQuery"))
    for _ in range(300):
        assert lw.post("/v1/data/trino/allow", body, raw=True).status_code == 200

    def reader(_):
        with connect(lw) as conn:
            rows = conn.execute("select decision_id, record from lakeward.decisions "
                                "order by time desc").fetchall()
            return len(rows)

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        counts = list(pool.map(reader, range(16)))
    assert all(c >= 300 for c in counts)
    assert psql(lw, "select user_name from lakeward.decisions limit 3") == ["alice"] * 3


def test_crash_shapes_answered_and_server_survives(lakeward_factory):
    """Two inputs that once took the whole process down: 1::text read a dead stack slot, and
    a 70,000-term sum (140 KB) overflowed the session thread's stack inside the parser.
    PostgreSQL answers both; so does lakeward (the second with 54001), and keeps serving."""
    lw = lakeward_factory({})
    with connect(lw) as conn:
        assert conn.execute("select 1::text").fetchone() == ("1",)
        for sql in ("select 1" + "+1" * 70000, "select " + "(" * 500000 + "1",
                    "select " + "- " * 400000 + "1"):
            with pytest.raises(psycopg.Error) as ei:
                conn.execute(sql)
            assert ei.value.sqlstate == "54001", (ei.value.sqlstate, str(ei.value))
            assert "stack depth limit exceeded" in str(ei.value)
        # just under the bound: parsed and run on the session thread
        assert conn.execute("select " + "(" * 998 + "7" + ")" * 998).fetchone() == (7,)
    assert psql(lw, "select 2") == ["2"]


def test_joins_aggregates_settings_through_the_wire(lakeward_factory):
    """What the second engine runs over the decision log (answers as PostgreSQL gives them
    for the same rows): aggregates, joins, OR, subqueries, SET/SHOW."""
    lw = lakeward_factory({})
    make_decisions(lw)
    with connect(lw) as conn:
        assert conn.execute("select count(*) from lakeward.decisions").fetchone() == (3,)
        rows = conn.execute("select user_name, count(*), bool_or(allowed) from "
                            "lakeward.decisions group by user_name order by 1").fetchall()
        assert rows == [("alice", 1, True), ("bob", 1, True), ("carol", 1, False)]
        assert conn.execute("select count(*) from lakeward.decisions a, lakeward.decisions b "
                            "where a.user_name < b.user_name").fetchone() == (3,)
        assert conn.execute("select user_name from lakeward.decisions where allowed or "
                            "items > 1 order by time").fetchall() == [("alice",), ("bob",)]
        assert conn.execute("select user_name from lakeward.decisions where user_name in "
                            "(select user_name from lakeward.decisions where not allowed)"
                            ).fetchall() == [("carol",)]
        assert conn.execute("select date_trunc('day', time) = date_trunc('day', now()) from "
                            "lakeward.decisions limit 1").fetchone() == (True,)
        conn.execute("set application_name = 'grafana'")
        assert conn.execute("show application_name").fetchone() == ("grafana",)
        conn.execute("set search_path = lakeward")
        assert conn.execute("show TimeZone").fetchone() == ("UTC",)
        # numeric stays exact (never computed in floating point), as Grafana's macros need
        assert str(conn.execute("select 1 + 2.5, 10 / 3.0").fetchone()) == \
            "(Decimal('3.5'), Decimal('3.3333333333333333'))"
        assert conn.execute("select count(*) from lakeward.decisions where "
                            "floor(extract(epoch from time) / 300) * 300 <= "
                            "extract(epoch from now())").fetchone() == (3,)

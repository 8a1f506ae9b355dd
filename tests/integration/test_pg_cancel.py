"""Stopping a running statement on lakeward's Postgres face: a CancelRequest (on a new
connection, as libpq, psycopg and pgx send it) cancels the statement of the backend whose pid
AND secret key it names, and nothing else; statement_timeout, set by the session or by the
pg_statement_timeout_ms default. Both end the statement with 57014 and leave the session
usable."""
import socket
import struct
import threading
import time

import psycopg
import pytest

from test_pg_wire import Raw, error_fields, message

# Runs for minutes unless stopped (tests never wait for it to finish); a join over two small
# materialised sides, so it holds little memory and reaches no row bound while it runs.
ENDLESS = "select count(*) from generate_series(1, 100000) a, generate_series(1, 100000) b"


def connect(lw, **kw):
    return psycopg.connect(host="127.0.0.1", port=lw.pg_port, user="alice", dbname="lakeward",
                           autocommit=True, connect_timeout=10, **kw)


def send_cancel(lw, pid, key):
    with socket.create_connection(("127.0.0.1", lw.pg_port), timeout=10) as s:
        s.sendall(struct.pack("!IIii", 16, 80877102, pid, key))
        assert s.recv(1) == b""         # no reply, the server closes


def error_of(msgs):
    """The fields of the one ErrorResponse among msgs (RowDescription comes before it)."""
    errors = [body for t, body in msgs if t == b"E"]
    assert len(errors) == 1, msgs
    return error_fields(errors[0])


def backend_key(msgs):
    body = dict(msgs)[b"K"]
    return struct.unpack("!ii", body)


@pytest.fixture
def lw(lakeward_factory):
    return lakeward_factory({})


def test_cancel_request_stops_the_statement(lw):
    with connect(lw) as conn:
        threading.Timer(0.5, conn.cancel).start()
        t0 = time.monotonic()
        with pytest.raises(psycopg.errors.QueryCanceled) as ei:
            conn.execute(ENDLESS)
        assert str(ei.value) == "canceling statement due to user request"
        assert time.monotonic() - t0 < 30
        assert conn.execute("select 1").fetchone() == (1,)
    assert "event=cancel_request" in lw.log_text() and "matched=yes" in lw.log_text()


def test_cancel_needs_pid_and_key(lw):
    victim, other = Raw(lw), Raw(lw)
    pid, key = backend_key(victim.login())
    opid, okey = backend_key(other.login())
    assert pid != opid
    # bounded by a statement timeout, so the outcome tells who stopped it
    victim.query("set statement_timeout = '2s'")
    victim.send(message(b"Q", ENDLESS.encode() + b"\0"))
    time.sleep(0.3)
    send_cancel(lw, pid, key ^ 1)       # right pid, wrong key
    send_cancel(lw, opid, okey)         # another backend's pid and key (it is idle)
    send_cancel(lw, 0, key)
    msgs = victim.until_ready()
    f = error_of(msgs)
    assert (f["C"], f["M"]) == ("57014", "canceling statement due to statement timeout")
    # the idle backend was not harmed, and a cancel between statements is dropped
    assert [t for t, _ in other.query("select 1")] == [b"T", b"D", b"C", b"Z"]
    # the right pair stops it
    victim.query("reset statement_timeout")
    victim.send(message(b"Q", ENDLESS.encode() + b"\0"))
    time.sleep(0.3)
    send_cancel(lw, pid, key)
    msgs = victim.until_ready()
    assert error_of(msgs)["M"] == "canceling statement due to user request"
    assert msgs[-1] == (b"Z", b"I")


def test_statement_timeout_set_by_session(lw):
    with connect(lw) as conn:
        conn.execute("set statement_timeout = 200")
        with pytest.raises(psycopg.errors.QueryCanceled) as ei:
            conn.execute(ENDLESS)
        assert str(ei.value) == "canceling statement due to statement timeout"
        # the extended protocol too, and a transaction block fails as in PostgreSQL
        conn.autocommit = False
        with pytest.raises(psycopg.errors.QueryCanceled):
            conn.execute("select count(*) from generate_series(1, %s::int8) a, "
                         "generate_series(1, 100000) b", (100000,))
        conn.rollback()
        conn.autocommit = True
        conn.execute("set statement_timeout = 0")
        assert conn.execute("select count(*) from generate_series(1, 1000)").fetchone() == (1000,)


def test_statement_timeout_default_from_config(lakeward_factory):
    lw = lakeward_factory({"LAKEWARD_PG_STATEMENT_TIMEOUT_MS": "300"})
    with connect(lw) as conn:
        with pytest.raises(psycopg.errors.QueryCanceled):
            conn.execute(ENDLESS)
        # a session's own setting wins over the default
        conn.execute("set statement_timeout = '1min'")
        threading.Timer(1.0, conn.cancel).start()
        with pytest.raises(psycopg.errors.QueryCanceled) as ei:
            conn.execute(ENDLESS)
        assert "user request" in str(ei.value)


def test_statement_timeout_shorter_than_the_one_before(lw):
    """The timer is left running between statements and moved only when it would fire too
    late: a short timeout after a long one must still stop the statement in time."""
    with connect(lw) as conn:
        conn.execute("set statement_timeout = '10min'")
        assert conn.execute("select 1").fetchone() == (1,)     # timer armed 10 min out
        conn.execute("set statement_timeout = 300")
        t0 = time.monotonic()
        with pytest.raises(psycopg.errors.QueryCanceled) as ei:
            conn.execute(ENDLESS)
        assert str(ei.value) == "canceling statement due to statement timeout"
        assert time.monotonic() - t0 < 60          # 10 min if the timer had not moved


def test_earlier_statements_timer_does_not_stop_a_later_one(lw):
    """A timer set for an earlier statement's deadline fires during a later statement with a
    longer timeout (or none): that statement goes on, and only its own deadline or a cancel
    stops it."""
    with connect(lw) as conn:
        for later in ("'1min'", "0"):
            conn.execute("set statement_timeout = 200")
            assert conn.execute("select 1").fetchone() == (1,)  # timer armed 200 ms out
            conn.execute(f"set statement_timeout = {later}")
            threading.Timer(1.5, conn.cancel).start()
            with pytest.raises(psycopg.errors.QueryCanceled) as ei:
                conn.execute(ENDLESS)
            assert str(ei.value) == "canceling statement due to user request", later
            assert conn.execute("select 1").fetchone() == (1,)


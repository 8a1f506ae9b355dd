"""The extended query protocol on lakeward's Postgres face: the message rules of PostgreSQL 15
(pgwire-compat.md section 5) driven by hand on a raw socket, the binary format compared
byte for byte with the test stack's real PostgreSQL 15, and psycopg 3 in its default modes
(parameters, binary results, prepared statements, pipelines)."""
import datetime
import decimal
import struct
import types
import uuid

import psycopg
import pytest

from test_pg_wire import Raw, error_fields, message


# --- message builders --------------------------------------------------------------------

def cstr(s):
    return s.encode() + b"\0"


def parse(sql, name="", oids=()):
    return message(b"P", cstr(name) + cstr(sql) + struct.pack("!h", len(oids))
                   + b"".join(struct.pack("!I", o) for o in oids))


def bind(params=(), portal="", stmt="", pfmts=(), rfmts=()):
    body = cstr(portal) + cstr(stmt) + struct.pack("!h", len(pfmts))
    body += b"".join(struct.pack("!h", f) for f in pfmts)
    body += struct.pack("!h", len(params))
    for p in params:
        body += struct.pack("!i", -1) if p is None else struct.pack("!i", len(p)) + p
    body += struct.pack("!h", len(rfmts)) + b"".join(struct.pack("!h", f) for f in rfmts)
    return message(b"B", body)


def describe(kind, name=""):
    return message(b"D", kind + cstr(name))


def execute(portal="", max_rows=0):
    return message(b"E", cstr(portal) + struct.pack("!i", max_rows))


def close(kind, name=""):
    return message(b"C", kind + cstr(name))


SYNC = message(b"S")
FLUSH = message(b"H")


def kinds(msgs):
    return b"".join(t for t, _ in msgs)


def datarow(body):
    """The column values of a DataRow body (None for NULL)."""
    n = struct.unpack("!h", body[:2])[0]
    pos, vals = 2, []
    for _ in range(n):
        ln = struct.unpack("!i", body[pos:pos + 4])[0]
        pos += 4
        if ln < 0:
            vals.append(None)
        else:
            vals.append(body[pos:pos + ln])
            pos += ln
    return vals


def rowdesc(body):
    """[(name, type oid, format)] of a RowDescription body."""
    n = struct.unpack("!h", body[:2])[0]
    pos, cols = 2, []
    for _ in range(n):
        end = body.index(b"\0", pos)
        name = body[pos:end].decode()
        _, _, oid, _, _, fmt = struct.unpack("!IhIhih", body[end + 1:end + 19])
        cols.append((name, oid, fmt))
        pos = end + 19
    return cols


@pytest.fixture
def lw(lakeward_factory):
    return lakeward_factory({})


@pytest.fixture
def raw(lw):
    r = Raw(lw)
    r.login()
    yield r
    r.close()


# --- message rules -----------------------------------------------------------------------

def test_parse_describe_bind_execute(raw):
    # untyped $n inferred: ParameterDescription then RowDescription with text formats
    raw.send(parse("select $1::int8 + 1 as n, $2 || 'x' as s", "q1") + describe(b"S", "q1") + SYNC)
    msgs = raw.until_ready()
    assert kinds(msgs) == b"1tTZ"
    assert msgs[1][1] == struct.pack("!hII", 2, 20, 25)
    assert rowdesc(msgs[2][1]) == [("n", 20, 0), ("s", 25, 0)]
    # Bind with one format for all parameters and results per column; Describe P shows them
    raw.send(bind([b"41", b"a"], "", "q1", [0], [1, 0]) + describe(b"P") + execute() + SYNC)
    msgs = raw.until_ready()
    assert kinds(msgs) == b"2TDCZ"
    assert rowdesc(msgs[1][1]) == [("n", 20, 1), ("s", 25, 0)]
    assert datarow(msgs[2][1]) == [struct.pack("!q", 42), b"ax"]
    assert msgs[3][1] == b"SELECT 1\0" and msgs[4] == (b"Z", b"I")
    # the statement is reused without Describe; a NULL parameter
    raw.send(bind([None, b"b"], "", "q1") + execute() + SYNC)
    msgs = raw.until_ready()
    assert kinds(msgs) == b"2DCZ" and datarow(msgs[1][1]) == [None, b"bx"]


def test_nodata_empty_and_flush(raw):
    raw.send(parse("set application_name = 'ext'") + bind() + describe(b"P") + execute() + SYNC)
    msgs = raw.until_ready()
    # SET reports the new value (ParameterStatus) before ReadyForQuery
    assert kinds(msgs) == b"12nCSZ"
    assert msgs[3][1] == b"SET\0" and msgs[4][1] == b"application_name\0ext\0"
    raw.send(parse("") + bind() + describe(b"P") + execute() + SYNC)
    assert kinds(raw.until_ready()) == b"12nIZ"
    # Flush sends what is pending without ReadyForQuery
    raw.send(parse("select 1") + FLUSH)
    assert raw.read_msg() == (b"1", b"")
    raw.send(SYNC)
    assert kinds(raw.until_ready()) == b"Z"


def test_portal_suspended_and_resumed(raw):
    assert kinds(raw.query("begin"))[-1:] == b"Z"
    raw.send(parse("select g from generate_series(1, 5) g", "s") + bind([], "c1", "s")
             + execute("c1", 2) + SYNC)
    msgs = raw.until_ready()
    assert kinds(msgs) == b"12DDsZ" and msgs[-1] == (b"Z", b"T")
    raw.send(execute("c1", 2) + SYNC)
    assert kinds(raw.until_ready()) == b"DDsZ"
    raw.send(execute("c1", 2) + SYNC)
    msgs = raw.until_ready()
    # the last Execute counts only its own rows, as PostgreSQL does
    assert kinds(msgs) == b"DCZ" and msgs[1][1] == b"SELECT 1\0"
    raw.send(execute("c1", 2) + close(b"P", "c1") + SYNC)
    msgs = raw.until_ready()
    assert kinds(msgs) == b"C3Z" and msgs[0][1] == b"SELECT 0\0"
    assert kinds(raw.query("commit"))[-1:] == b"Z"


def test_portals_end_with_their_transaction(raw):
    raw.send(parse("select 1", "s") + bind([], "p", "s") + SYNC)
    assert kinds(raw.until_ready()) == b"12Z"
    raw.send(execute("p") + SYNC)
    msgs = raw.until_ready()
    assert kinds(msgs) == b"EZ" and error_fields(msgs[0][1])["C"] == "34000"
    # the named statement stays
    raw.send(bind([], "", "s") + execute() + SYNC)
    assert kinds(raw.until_ready()) == b"2DCZ"


def test_unnamed_statement_replaced_and_names_checked(raw):
    raw.send(parse("select 1") + SYNC)
    raw.until_ready()
    raw.query("select 2")           # a simple Query ends the unnamed statement
    raw.send(bind() + SYNC)
    msgs = raw.until_ready()
    assert kinds(msgs) == b"EZ" and error_fields(msgs[0][1])["C"] == "26000"
    raw.send(parse("select 1", "dup") + parse("select 2", "dup") + SYNC)
    msgs = raw.until_ready()
    assert kinds(msgs) == b"1EZ" and error_fields(msgs[1][1])["C"] == "42P05"
    # Close of what does not exist is fine; then the name is free again
    raw.send(close(b"S", "nope") + close(b"P", "nope") + close(b"S", "dup")
             + parse("select 3", "dup") + SYNC)
    assert kinds(raw.until_ready()) == b"3331Z"


def test_error_skips_until_sync(raw):
    raw.send(parse("selec 1") + describe(b"S") + bind() + execute() + SYNC)
    msgs = raw.until_ready()
    assert kinds(msgs) == b"EZ" and error_fields(msgs[0][1])["C"] == "42601"
    assert msgs[-1] == (b"Z", b"I")
    # inside a transaction block the transaction fails
    raw.query("begin")
    raw.send(parse("select 1/0") + bind() + execute() + parse("select 1") + SYNC)
    msgs = raw.until_ready()
    assert kinds(msgs) == b"12EZ" and error_fields(msgs[2][1])["C"] == "22012"
    assert msgs[-1] == (b"Z", b"E")
    raw.send(parse("select 1") + bind() + execute() + SYNC)
    msgs = raw.until_ready()
    assert error_fields(msgs[-2][1])["C"] == "25P02"
    assert raw.query("rollback")[-1] == (b"Z", b"I")


@pytest.mark.parametrize("msg,state", [
    (bind([b"1"], pfmts=[0, 0]), "08P01"),               # formats vs parameters
    (bind([b"1", b"2"]), "08P01"),                       # count vs the statement's
    (bind([b"1"], rfmts=[2]), "22023"),                  # format code 2
    (bind([b"\xff"]), "22021"),                          # text parameter not UTF-8
    (bind([b"1"], pfmts=[1]), "22P03"),                  # binary int4 of one byte
    (message(b"B", b"\0\0\0"), "08P01"),                 # truncated
    (describe(b"X"), "08P01"),
    (execute("nope"), "34000"),
])
def test_bad_bind_is_an_error_not_a_disconnect(raw, msg, state):
    raw.send(parse("select $1::int4", oids=[0]) + SYNC)
    raw.until_ready()
    raw.send(msg + execute() + SYNC)
    msgs = raw.until_ready()
    assert kinds(msgs) == b"EZ", msgs
    assert error_fields(msgs[0][1])["C"] == state
    raw.send(bind([b"7"]) + execute() + SYNC)
    msgs = raw.until_ready()
    assert kinds(msgs) == b"2DCZ" and datarow(msgs[1][1]) == [b"7"]


def test_long_names(raw):
    name = "stmtcache_" + "f" * 200        # longer than NAMEDATALEN, as PostgreSQL allows
    raw.send(parse("select 1", name) + bind([], name, name) + execute(name) + SYNC)
    assert kinds(raw.until_ready()) == b"12DCZ"
    raw.send(parse("select 1", "x" * 2000) + SYNC)
    msgs = raw.until_ready()
    assert kinds(msgs) == b"EZ" and error_fields(msgs[0][1])["C"] == "54000"


def test_statement_bound_and_deallocate(raw):
    batch = b"".join(parse("select 1", f"s{i}") for i in range(1000))
    raw.send(batch + SYNC)
    assert kinds(raw.until_ready()) == b"1" * 1000 + b"Z"
    raw.send(parse("select 1", "one_too_many") + SYNC)
    msgs = raw.until_ready()
    assert kinds(msgs) == b"EZ" and error_fields(msgs[0][1])["C"] == "54000"
    msgs = raw.query("deallocate s7")
    assert msgs[0] == (b"C", b"DEALLOCATE\0")
    assert error_fields(raw.query("deallocate s7")[0][1])["C"] == "26000"
    assert raw.query("deallocate all")[0] == (b"C", b"DEALLOCATE ALL\0")
    raw.send(bind([], "", "s1") + SYNC)
    assert error_fields(raw.until_ready()[0][1])["C"] == "26000"
    raw.send(parse("select 1", "s1") + SYNC)
    assert kinds(raw.until_ready()) == b"1Z"
    assert raw.query("discard all")[0] == (b"C", b"DISCARD ALL\0")
    raw.send(bind([], "", "s1") + SYNC)
    assert error_fields(raw.until_ready()[0][1])["C"] == "26000"


def test_unnamed_statement_reuse_follows_types_and_queries(raw):
    """An identical unnamed Parse reuses the previous statement (no second parse), never
    one with other parameter types, and a simple Query still ends the unnamed statement."""
    q = "select time from decisions limit 0"
    for _ in range(2):
        raw.send(parse(q) + describe(b"S") + SYNC)
        msgs = raw.until_ready()
        assert kinds(msgs) == b"1tTZ" and rowdesc(msgs[2][1])[0][0] == "time"
    raw.query("set application_name = 'other'")     # bound again after a SET
    raw.send(parse(q) + describe(b"S") + bind() + execute() + SYNC)
    assert kinds(raw.until_ready()) == b"1tT2CZ"
    for oid in (23, 25, 23):
        raw.send(parse("select $1", oids=[oid]) + describe(b"S") + SYNC)
        msgs = raw.until_ready()
        assert kinds(msgs) == b"1tTZ" and msgs[1][1] == struct.pack("!hI", 1, oid)
    # a simple Query ends the unnamed statement even when the next Parse could reuse it
    raw.query("select 1")
    raw.send(bind() + SYNC)
    assert error_fields(raw.until_ready()[0][1])["C"] == "26000"
    raw.send(parse("select $1", oids=[23]) + bind([b"5"]) + execute() + SYNC)
    msgs = raw.until_ready()
    assert kinds(msgs) == b"12DCZ" and datarow(msgs[2][1]) == [b"5"]


def test_repeated_simple_query_runs_afresh(raw):
    """The simple protocol reuses the parse tree of a repeated query string; binding and
    running still happen each time (settings, errors, several statements)."""
    q = "select current_setting('application_name'); show application_name"
    for name in ("a", "b"):
        raw.query(f"set application_name = '{name}'")
        msgs = raw.query(q)
        rows = [datarow(b) for t, b in msgs if t == b"D"]
        assert rows == [[name.encode()], [name.encode()]]
    for _ in range(2):
        msgs = raw.query("select nosuch")
        assert error_fields(msgs[0][1])["C"] == "42703"


# --- binary format, against PostgreSQL 15 -----------------------------------------------

BINARY_EXPRS = [
    "1::int2", "-2::int4", "3000000000::int8", "1.5::float4", "-2.25::float8", "'NaN'::float8",
    "true", "false", "'abc'::text", "'äbc'::varchar", "'ab'::bpchar", "'nm'::name",
    "relkind", "'\\x0102ff'::bytea", "26::oid", "'int4'::regtype",
    "'2024-02-29'::date", "'1999-12-31'::date", "'12:34:56.789'::time",
    "'2024-02-29 12:34:56.5'::timestamp", "'1970-01-01 00:00:00.000001+00'::timestamptz",
    "'1 year 2 mons -3 days 04:05:06.7'::interval",
    "'123.4500'::numeric", "'-0.000120'::numeric", "'NaN'::numeric", "0::numeric",
    "'12345678901234567890.123456789'::numeric", "'10000'::numeric", "'0.0001'::numeric",
    "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid", "'{\"a\": [1, 2]}'::json",
    "array[1, 2, null]::int4[]", "array['a', 'b']::text[]", "array[]::int8[]",
    "array[1.5, 2.5]::numeric[]", "array['2024-01-01'::date]", "array[true, false]",
    "null::int4",
]


@pytest.fixture
def pg_raw(stack):
    r = Raw(types.SimpleNamespace(pg_port=int(stack["PG_PORT"])))
    r.login(user=stack.get("PG_USER", "postgres"), database="postgres")
    yield r
    r.close()


def run_binary(r, expr, params=(), pfmts=(), oids=()):
    # relkind: a "char" column (pg_class.relkind of pg_class itself)
    r.send(parse(f"select {expr} from pg_catalog.pg_class where relname = 'pg_class'",
                 oids=oids) + bind(params, pfmts=pfmts, rfmts=[1])
           + describe(b"P") + execute() + SYNC)
    msgs = r.until_ready()
    assert kinds(msgs) == b"12TDCZ", (expr, msgs)
    return rowdesc(msgs[2][1])[0][1:], datarow(msgs[3][1])


@pytest.mark.parametrize("expr", BINARY_EXPRS)
def test_binary_results_equal_postgresql(raw, pg_raw, expr):
    assert run_binary(raw, expr) == run_binary(pg_raw, expr)


@pytest.mark.parametrize("oid,value", [
    (21, struct.pack("!h", -7)), (23, struct.pack("!i", 1 << 30)), (20, struct.pack("!q", -1)),
    (701, struct.pack("!d", 0.1)), (700, struct.pack("!f", 1.5)), (16, b"\x01"),
    (25, "héllo".encode()), (17, b"\x00\xff"), (1082, struct.pack("!i", -1)),
    (1114, struct.pack("!q", 1)), (1184, struct.pack("!q", 86400 * 10**6 + 5)),
    (1186, struct.pack("!qii", 5, -3, 14)), (1083, struct.pack("!q", 3723000004)),
    (2950, bytes(range(16))), (26, struct.pack("!I", 4000000000)),
    (1700, struct.pack("!hhHhhh", 2, 0, 0x4000, 3, 12, 3400)),        # -12.340
    (1700, struct.pack("!hhhhh", 1, -1, 0, 6, 1200)),                  # 0.120000
    (1700, struct.pack("!hhHh", 0, 0, 0xC000, 0)),                     # NaN
    (1007, struct.pack("!iiiiiiii", 1, 1, 23, 2, 1, -1, 4, 9)),        # {NULL,9}
    (1009, struct.pack("!iiiii", 1, 0, 25, 1, 1) + struct.pack("!i", 2) + b"ab"),
])
def test_binary_parameters_equal_postgresql(raw, pg_raw, oid, value):
    assert run_binary(raw, "$1", [value], [1], [oid]) == \
        run_binary(pg_raw, "$1", [value], [1], [oid])


@pytest.mark.parametrize("oid,value,state", [
    (1700, struct.pack("!hhHh", 1, 0, 0x1234, 0) + b"\0\1", "22P03"),  # bad sign
    (1007, struct.pack("!iiiii", 1, 0, 25, 1, 1), "42804"),            # wrong element type
    (1007, struct.pack("!iii", 1, 0, 23), "22P03"),                    # truncated
    (1114, b"\0", "22P03"),
])
def test_malformed_binary_parameters(raw, oid, value, state):
    raw.send(parse("select $1", oids=[oid]) + bind([value], pfmts=[1]) + execute() + SYNC)
    msgs = raw.until_ready()
    assert kinds(msgs) == b"1EZ" and error_fields(msgs[1][1])["C"] == state


def describe_show(r, setting):
    r.send(parse(f"show {setting}") + describe(b"S") + bind() + describe(b"P") + execute()
           + SYNC)
    msgs = r.until_ready()
    return kinds(msgs), [rowdesc(b) for t, b in msgs if t == b"T"], \
        [datarow(b) for t, b in msgs if t == b"D"]


@pytest.mark.parametrize("setting", ["application_name", "TimeZone", "timezone",
                                     "search_path", "client_encoding"])
def test_prepared_show_describes_its_column_as_postgresql(raw, pg_raw, setting):
    """Describe of a prepared SHOW (statement and portal) answers one text column named
    after the setting, as PostgreSQL does (not NoData)."""
    got, want = describe_show(raw, setting), describe_show(pg_raw, setting)
    assert got[0] == want[0] == b"1tT2TDCZ"
    assert got[1] == want[1]
    # the values of search_path and TimeZone depend on the server's configuration
    if setting in ("application_name", "client_encoding"):
        assert got[2] == want[2]


@pytest.mark.parametrize("ms,shown", [(300000, "5min"), (1500, "1500ms"), (7200000, "2h"),
                                      (0, "0"), (3000, "3s")])
def test_show_statement_timeout_is_the_configured_default(lakeward_factory, ms, shown):
    """SHOW statement_timeout answers the default in force (pg_statement_timeout_ms), printed
    in PostgreSQL's units; RESET and DISCARD ALL return to it."""
    lw = lakeward_factory({"LAKEWARD_PG_STATEMENT_TIMEOUT_MS": str(ms)})
    with connect(lw, autocommit=True) as conn:
        show = "show statement_timeout"
        assert conn.execute(show).fetchone() == (shown,)
        assert conn.execute("select current_setting('statement_timeout')").fetchone() == \
            (shown,)
        conn.execute("set statement_timeout = '10s'")
        assert conn.execute(show).fetchone() == ("10s",)
        conn.execute("reset statement_timeout")
        assert conn.execute(show).fetchone() == (shown,)
        conn.execute("set statement_timeout = 0")
        conn.execute("discard all")
        assert conn.execute(show).fetchone() == (shown,)


# --- psycopg 3 ---------------------------------------------------------------------------

def connect(lw, **kw):
    return psycopg.connect(host="127.0.0.1", port=lw.pg_port, user="alice", dbname="lakeward",
                           connect_timeout=10, **kw)


PARAMS = [1, 2**40, 1.5, True, "héllo", b"\x00\x01", decimal.Decimal("-12.340"),
          datetime.date(2024, 2, 29), datetime.datetime(2024, 2, 29, 1, 2, 3, 456000),
          datetime.datetime(2024, 2, 29, 1, 2, 3, tzinfo=datetime.timezone.utc),
          datetime.timedelta(days=3, seconds=5, microseconds=7),
          uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), [1, 2, None], ["a", None],
          datetime.time(1, 2, 3, 4), None]


def test_psycopg_parameters_text_and_binary(lw):
    with connect(lw, autocommit=True) as conn:
        # text and NULL need a type, in PostgreSQL too (42P18 otherwise)
        q = "select " + ", ".join("%s::text" if p is None or isinstance(p, str) else
                                  "%s::text[]" if p == ["a", None] else "%s" for p in PARAMS)
        for binary in (False, True):
            row = conn.cursor(binary=binary).execute(q, PARAMS).fetchone()
            assert list(row) == PARAMS
        # an int parameter arrives as int2 and compares with int8 columns
        n = conn.execute("select count(*) from generate_series(1, 10) g where g > %s",
                         (7,)).fetchone()[0]
        assert n == 3


def test_psycopg_prepared_and_pipeline(lw):
    with connect(lw, autocommit=True) as conn:
        for i in range(7):      # prepare_threshold 5: from then on a named statement
            assert conn.execute("select %s::int * 2", (i,)).fetchone() == (i * 2,)
        assert conn.execute("select %s::text", ("p",), prepare=True).fetchone() == ("p",)
        with conn.cursor() as cur:
            cur.executemany("select %s::int", [(1,), (2,), (3,)], returning=True)
            got = []
            while True:
                got += cur.fetchall()
                if not cur.nextset():
                    break
            assert got == [(1,), (2,), (3,)]
        with conn.pipeline():
            c1 = conn.execute("select 1")
            c2 = conn.execute("select %s::text", ("two",))
        assert c1.fetchone() == (1,) and c2.fetchone() == ("two",)


def test_psycopg_error_rollback_deallocate(lw):
    with connect(lw) as conn:
        for i in range(6):
            conn.execute("select %s::int", (i,))
        with pytest.raises(psycopg.errors.DivisionByZero):
            conn.execute("select 1 / %s::int", (0,))
        conn.rollback()
        assert conn.execute("select %s::int + 1", (1,)).fetchone() == (2,)
        conn.commit()

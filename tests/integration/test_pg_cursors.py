"""SQL cursors on lakeward's Postgres face (DECLARE / FETCH / MOVE / CLOSE), compared with
the test stack's PostgreSQL 15: plain SQL sequences through both protocols, psycopg 3's
server-side cursors (itersize, fetchmany, scroll, WITH HOLD, parameters, binary) and psql's
FETCH_COUNT. lakeward's cursors move forward only: where PostgreSQL would scroll back,
lakeward answers 0A000 at DECLARE ... SCROLL, or 55000 as PostgreSQL does for a NO SCROLL
cursor."""
import subprocess

import psycopg
import pytest

PSQL_TIMEOUT = 30


@pytest.fixture
def lw(lakeward_factory):
    return lakeward_factory({})


def lw_conn(lw, **kw):
    return psycopg.connect(host="127.0.0.1", port=lw.pg_port, user="alice", dbname="lakeward",
                           connect_timeout=10, **kw)


def pg_conn(stack, **kw):
    return psycopg.connect(host="127.0.0.1", port=int(stack["PG_PORT"]),
                           user=stack.get("PG_USER", "postgres"), dbname="postgres",
                           connect_timeout=10, **kw)


def outcome(conn, stmt, binary):
    """What one statement answers: its tag, column names and rows, or its SQLSTATE."""
    try:
        cur = conn.cursor(binary=binary)
        cur.execute(stmt)
        cols = [d.name for d in cur.description] if cur.description else None
        return ("ok", cur.statusmessage, cols, cur.fetchall() if cols is not None else None)
    except psycopg.Error as e:
        return ("error", e.sqlstate)


SERIES = "select g, g * 2 as d from generate_series(1, 10) g"

CASES = {
    "forward": ["begin", f"declare c cursor for {SERIES}", "fetch 3 from c",
                "fetch forward 2 from c", "fetch next from c", "fetch from c", "move 2 from c",
                "fetch all from c", "fetch 1 from c", "move all in c", "close c", "commit"],
    "positions": ["begin", f"declare c no scroll cursor for {SERIES}", "move 0 from c",
                  "fetch 0 from c", "fetch relative 3 from c", "fetch absolute 6 from c",
                  "move absolute 8 from c", "move 0 from c", "fetch next from c",
                  "fetch relative 5 from c", "move 0 from c", "fetch 0 from c", "commit"],
    "backward": ["begin", f"declare c no scroll cursor for {SERIES}", "fetch 2 from c",
                 "fetch prior from c", "rollback"],
    "move_back": ["begin", f"declare c no scroll cursor for {SERIES}", "fetch 2 from c",
                  "move -1 from c", "rollback"],
    "absolute_back": ["begin", f"declare c no scroll cursor for {SERIES}", "fetch 4 from c",
                      "fetch absolute 2 from c", "rollback"],
    "refetch": ["begin", f"declare c no scroll cursor for {SERIES}", "fetch 2 from c",
                "fetch 0 from c", "rollback"],
    "outside_block": [f"declare c cursor for {SERIES}", "fetch 1 from c"],
    "unknown": ["fetch 1 from nosuch", "move 1 from nosuch", "close nosuch",
                "begin", "fetch 1 in nosuch", "rollback"],
    "duplicate": ["begin", "declare c cursor for select 1", "declare c cursor for select 2",
                  "rollback"],
    "end_of_tx": ["begin", "declare c cursor for select 1 as one", "commit", "fetch 1 from c"],
    "with_hold": ["begin", f"declare h cursor with hold for {SERIES}", "fetch 2 from h",
                  "commit", "fetch 2 from h", "move all in h", "fetch 1 from h",
                  "close h", "fetch 1 from h"],
    "hold_rolled_back": ["begin", "declare h cursor with hold for select 1", "rollback",
                         "fetch 1 from h"],
    "hold_survives_later_rollback": ["begin", "declare h cursor with hold for select 7 as x",
                                     "commit", "begin", "rollback", "fetch 1 from h",
                                     "close h"],
    "close_all": ["begin", "declare a cursor for select 1", "declare b cursor for select 2",
                  "close all", "fetch 1 from a", "rollback"],
    "error_mid_way": ["begin",
                      "declare c cursor for select 10 / (g - 3) as q "
                      "from generate_series(1, 5) g",
                      "fetch 2 from c", "fetch 2 from c", "fetch 1 from c", "rollback"],
    "types_and_names": ["begin",
                        "declare \"Mixed Case\" cursor for select 'a'::text as t, 1.5::numeric,"
                        " true as b, null::int4 as n",
                        "fetch all from \"Mixed Case\"", "close \"Mixed Case\"", "commit"],
}


@pytest.mark.parametrize("binary", [False, True], ids=["simple", "extended"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_cursor_sql_as_postgresql(lw, stack, case, binary):
    with lw_conn(lw, autocommit=True) as a, pg_conn(stack, autocommit=True) as b:
        for stmt in CASES[case]:
            got, want = outcome(a, stmt, binary), outcome(b, stmt, binary)
            assert got == want, (stmt, got, want)


def test_scroll_refused_clearly(lw):
    with lw_conn(lw, autocommit=True) as conn:
        conn.execute("begin")
        with pytest.raises(psycopg.errors.FeatureNotSupported):
            conn.execute("declare c scroll cursor for select 1")
        conn.execute("rollback")
        conn.execute("begin")
        with pytest.raises(psycopg.errors.FeatureNotSupported):
            conn.execute("declare c binary cursor for select 1")
        conn.execute("rollback")


# --- psycopg 3 server-side cursors -------------------------------------------------------

QUERY = "select g, 'n' || g as s, g * 0.5 as h from generate_series(1, %s) g where g > %s"


def server_cursor_run(conn, binary, **kw):
    with conn.cursor("sc", binary=binary, **kw) as cur:
        cur.itersize = 3
        cur.execute(QUERY, (20, 2))
        desc = [(d.name, d.type_code) for d in cur.description]
        first = cur.fetchone()
        some = cur.fetchmany(4)
        pos = cur.rownumber
        it = [row for _, row in zip(range(5), cur)]
        rest = cur.fetchall()
        return desc, first, some, pos, it, rest, cur.fetchone()


@pytest.mark.parametrize("binary", [False, True])
def test_psycopg_server_cursor_as_postgresql(lw, stack, binary):
    with lw_conn(lw) as a, pg_conn(stack) as b:
        assert server_cursor_run(a, binary) == server_cursor_run(b, binary)
        a.commit()
        b.commit()
    # WITH HOLD outside a transaction block (autocommit)
    with lw_conn(lw, autocommit=True) as a, pg_conn(stack, autocommit=True) as b:
        assert server_cursor_run(a, binary, withhold=True) == \
            server_cursor_run(b, binary, withhold=True)


def test_psycopg_server_cursor_scroll(lw, stack):
    for conn in (lw_conn(lw), pg_conn(stack)):
        with conn:
            with conn.cursor("sc", scrollable=False) as cur:
                cur.execute(QUERY, (10, 0))
                cur.scroll(3)
                assert cur.fetchone()[0] == 4
                cur.scroll(6, mode="absolute")
                assert cur.fetchone()[0] == 7
                with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState):
                    cur.scroll(-2)
            conn.rollback()
    with lw_conn(lw) as conn:
        with pytest.raises(psycopg.errors.FeatureNotSupported):
            with conn.cursor("sc", scrollable=True) as cur:
                cur.execute(QUERY, (10, 0))


def test_psycopg_server_cursor_iterates_a_large_result(lw):
    with lw_conn(lw) as conn:
        with conn.cursor("big") as cur:
            cur.itersize = 1000
            cur.execute("select g from generate_series(1, 100000) g")
            total = n = 0
            for (g,) in cur:
                total += g
                n += 1
        assert (n, total) == (100000, 100000 * 100001 // 2)
        conn.commit()


def test_cursor_count_bound(lw):
    with lw_conn(lw, autocommit=True) as conn:
        conn.execute("begin")
        for i in range(100):
            conn.execute(f"declare c{i} cursor for select {i}")
        with pytest.raises(psycopg.errors.ProgramLimitExceeded):
            conn.execute("declare c100 cursor for select 1")
        conn.execute("rollback")
        conn.execute("begin")   # the rollback closed them all
        conn.execute("declare c0 cursor for select 1")
        conn.execute("commit")


# --- psql FETCH_COUNT ----------------------------------------------------------------------

def psql(port, user, database, sql, *extra):
    cmd = ["psql", "-h", "127.0.0.1", "-p", str(port), "-U", user, "-d", database, "-X",
           "-A", *extra, "-c", sql]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=PSQL_TIMEOUT,
                       env={"PATH": "/usr/bin:/bin", "PGCONNECT_TIMEOUT": "10"})
    return r.returncode, r.stdout, r.stderr.replace("psql:", "").strip()


@pytest.mark.parametrize("sql", [
    "select g, 'x' || g as s from generate_series(1, 10) g",
    "select g from generate_series(1, 3) g",
    "select g from generate_series(1, 0) g",
    "select 10 / (g - 4) as q from generate_series(1, 7) g",
])
def test_psql_fetch_count_as_postgresql(lw, stack, sql):
    got = psql(lw.pg_port, "alice", "lakeward", sql, "-v", "FETCH_COUNT=3")
    want = psql(int(stack["PG_PORT"]), stack.get("PG_USER", "postgres"), "postgres", sql,
                "-v", "FETCH_COUNT=3")
    assert got[:2] == want[:2]
    assert ("ERROR" in got[2]) == ("ERROR" in want[2])

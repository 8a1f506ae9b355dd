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
    same_as_postgresql(lw, stack, CASES[case], binary)


def same_as_postgresql(lw, stack, stmts, binary):
    """Each statement in turn on lakeward and on PostgreSQL: the same rows, types or error."""
    with lw_conn(lw, autocommit=True) as a, pg_conn(stack, autocommit=True) as b:
        for stmt in stmts:
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


# --- pg_catalog.pg_cursors ------------------------------------------------------------------

# Every column but creation_time, whose value is the DECLARE's statement_timestamp(): checked
# to lie within its transaction instead. Cursors declared here are ones PostgreSQL too
# reports as not scrollable (NO SCROLL, or a plan that cannot run backward), as lakeward's
# cursors only move forward. Through the extended protocol PostgreSQL also lists its
# protocol portals (the unnamed one running the query is ''); lakeward lists DECLAREd
# cursors only, so those are left out.
PG_CURSORS = ("select name, statement, is_holdable, is_binary, is_scrollable, "
              "creation_time >= now() as after_tx_start, "
              "creation_time - now() < interval '10 minutes' as recent "
              "from pg_catalog.pg_cursors where name <> '' order by name")

PG_CURSORS_CASES = {
    "none": [PG_CURSORS, "begin", PG_CURSORS, "commit"],
    "declare_close": ["begin", PG_CURSORS, "declare c cursor for select 1 as one", PG_CURSORS,
                      f"declare \"Big One\" no scroll cursor for {SERIES}", PG_CURSORS,
                      "fetch 2 from \"Big One\"", PG_CURSORS, "close c", PG_CURSORS,
                      "close \"Big One\"", PG_CURSORS, "commit", PG_CURSORS],
    "hold": ["begin", "declare h no scroll cursor with hold for select 2 as two",
             "declare t cursor without hold for select 3 as three", PG_CURSORS, "commit",
             PG_CURSORS, "begin", PG_CURSORS, "rollback", PG_CURSORS, "close h", PG_CURSORS],
    "rollback_and_close_all": ["begin", "declare a cursor for select 1",
                               "declare b no scroll cursor for select 2", PG_CURSORS,
                               "rollback", PG_CURSORS, "begin", "declare a cursor for select 1",
                               "declare b cursor for select 2", "close all", PG_CURSORS,
                               "rollback"],
    # the statement text is the whole query string the DECLARE came in
    "multi_statement": ["begin; declare m cursor for select 1; declare n cursor for select 2",
                        PG_CURSORS, "rollback"],
    "filtered": ["begin", "declare x cursor for select 1", "declare y cursor for select 2",
                 "select name from pg_cursors where name = 'y'",
                 "select count(*) from pg_cursors where is_holdable", "rollback"],
    # a cursor over pg_cursors itself outlives a cursor it lists
    "cursor_over_pg_cursors": ["begin", "declare a cursor for select 1",
                               "declare b no scroll cursor for select name, statement "
                               "from pg_cursors where name <> '' order by name",
                               "fetch 1 from b", "close a", "fetch all from b", "rollback"],
}


def description(conn, stmt, binary):
    cur = conn.cursor(binary=binary)
    cur.execute(stmt)
    return [(d.name, d.type_code) for d in cur.description]


@pytest.mark.parametrize("binary", [False, True], ids=["simple", "extended"])
def test_pg_cursors_columns_as_postgresql(lw, stack, binary):
    stmt = "select * from pg_catalog.pg_cursors"
    with lw_conn(lw, autocommit=True) as a, pg_conn(stack, autocommit=True) as b:
        got, want = description(a, stmt, binary), description(b, stmt, binary)
        assert got == want
        assert [n for n, _ in got] == ["name", "statement", "is_holdable", "is_binary",
                                       "is_scrollable", "creation_time"]
        rel = ("select c.relname, c.relkind, n.nspname from pg_catalog.pg_class c "
               "join pg_catalog.pg_namespace n on n.oid = c.relnamespace "
               "where c.relname = 'pg_cursors'")
        assert outcome(a, rel, binary) == outcome(b, rel, binary)


@pytest.mark.parametrize("binary", [False, True], ids=["simple", "extended"])
@pytest.mark.parametrize("case", sorted(PG_CURSORS_CASES))
def test_pg_cursors_as_postgresql(lw, stack, case, binary):
    same_as_postgresql(lw, stack, PG_CURSORS_CASES[case], binary)


def test_pg_cursors_only_the_sessions_own(lw):
    with lw_conn(lw, autocommit=True) as a, lw_conn(lw, autocommit=True) as b:
        a.execute("begin")
        a.execute("declare mine cursor for select 1")
        b.execute("begin")
        b.execute("declare theirs cursor with hold for select 2")
        assert a.execute("select name from pg_cursors").fetchall() == [("mine",)]
        assert b.execute("select name, is_holdable from pg_cursors").fetchall() == \
            [("theirs", True)]
        a.execute("rollback")
        b.execute("rollback")


def psycopg_close_unexecuted(conn, declare_by_sql):
    """psycopg closes a named cursor it never executed, inside a transaction, by asking
    pg_cursors whether one of that name exists (and closing it if so)."""
    conn.execute("select 1")            # a transaction is open
    if declare_by_sql:
        conn.execute("declare pc cursor for select 1 as one")
    before = conn.execute("select name from pg_cursors").fetchall()
    cur = conn.cursor("pc")
    cur.close()
    after = conn.execute("select name from pg_cursors").fetchall()
    conn.rollback()
    return before, after


@pytest.mark.parametrize("declare_by_sql", [False, True])
def test_psycopg_close_unexecuted_cursor_as_postgresql(lw, stack, declare_by_sql):
    with lw_conn(lw) as a, pg_conn(stack) as b:
        got = psycopg_close_unexecuted(a, declare_by_sql)
        want = psycopg_close_unexecuted(b, declare_by_sql)
        assert got == want
        assert got == (([("pc",)], []) if declare_by_sql else ([], []))

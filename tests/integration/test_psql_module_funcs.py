"""Module functions (lakeward.catalog_refresh()) in pg_proc, checked with the real psql: \\df,
\\df lakeward.*, \\df catalog_refresh and the first columns of \\df+ print on lakeward exactly
what PostgreSQL 15 (the stack's) prints for the same function made with CREATE FUNCTION's
defaults; pg_get_function_result/arguments, regproc and the JDBC-style pg_proc listing
agree; the OID is the same in a second lakeward (a replica)."""
import subprocess

import psycopg
import pytest

from lakeward_proc import stack_env

PSQL_TIMEOUT = 30
SCRATCH_DB = "psql_module_funcs"
# the equivalent function in PostgreSQL: same schema, name, result and arguments; volatile,
# not strict, parallel unsafe (CREATE FUNCTION's defaults)
EQUIVALENT = ("CREATE OR REPLACE FUNCTION lakeward.catalog_refresh() RETURNS timestamptz "
              "LANGUAGE sql AS 'SELECT now()'")


def psql(host, port, user, db, command):
    cmd = ["psql", "-h", host, "-p", str(port), "-U", user, "-d", db, "-X", "-A", "-F", "|",
           "-P", "pager=off", "-v", "ON_ERROR_STOP=1", "-c", command]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=PSQL_TIMEOUT,
                       env={"PATH": "/usr/bin:/bin", "PGCONNECT_TIMEOUT": "10"})
    assert r.returncode == 0 and "ERROR" not in r.stderr, (command, r.stderr)
    return r.stdout.splitlines()


@pytest.fixture(scope="module")
def postgres(stack):
    """A scratch database in the stack's PostgreSQL holding the equivalent function."""
    base = dict(host=stack["PG_HOST"], port=stack["PG_PORT"], user=stack["PG_USER"],
                connect_timeout=10, autocommit=True)
    with psycopg.connect(dbname="postgres", **base) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                            (SCRATCH_DB,)).fetchone():
            conn.execute(f"CREATE DATABASE {SCRATCH_DB}")
    with psycopg.connect(dbname=SCRATCH_DB, **base) as conn:
        conn.execute("CREATE SCHEMA IF NOT EXISTS lakeward")
        # lakeward's search path (pg_catalog, then lakeward), for what is "visible"
        conn.execute(f"ALTER DATABASE {SCRATCH_DB} SET search_path = lakeward")
        conn.execute(EQUIVALENT)
    return lambda command: psql(stack["PG_HOST"], stack["PG_PORT"], stack["PG_USER"],
                                SCRATCH_DB, command)


@pytest.fixture
def lw(stack, lakeward_factory):
    return lakeward_factory(stack_env(stack, LAKEWARD_PG_ADMINS="k9admin"))


def lakeward(lw, command):
    return psql("127.0.0.1", lw.pg_port, "k9admin", "lakeward", command)


def test_df_as_postgresql_prints_it(lw, postgres):
    want = ["List of functions", "Schema|Name|Result data type|Argument data types|Type",
            "lakeward|catalog_refresh|timestamp with time zone||func", "(1 row)"]
    for command in ("\\df", "\\df lakeward.*", "\\df catalog_refresh", "\\df lakeward.catalog_*"):
        assert postgres(command) == want, command     # the reference says what psql shows
        assert lakeward(lw, command) == want, command
    # \df+: the same up to the owner (lakeward's catalogs are owned by "lakeward") and the
    # language (every lakeward function is "internal")
    pg, got = postgres("\\df+ lakeward.*"), lakeward(lw, "\\df+ lakeward.*")
    assert got[1] == pg[1] and len(got) == len(pg) == 4
    assert got[2].split("|")[:7] == pg[2].split("|")[:7] == [
        "lakeward", "catalog_refresh", "timestamp with time zone", "", "func", "volatile",
        "unsafe"]
    assert got[2].split("|")[7:11] == ["lakeward", "invoker", "", "internal"]


def test_catalog_functions_and_regproc(lw, lakeward_factory, stack):
    def connect(server):
        return psycopg.connect(host="127.0.0.1", port=server.pg_port, user="k9admin",
                               dbname="lakeward", connect_timeout=10, autocommit=True)
    with connect(lw) as conn:
        oid, = conn.execute("SELECT 'lakeward.catalog_refresh'::regproc::oid").fetchone()
        assert oid >= 16384     # a user OID: never one of PostgreSQL's built-ins
        assert conn.execute(
            "SELECT p.proname, n.nspname, pg_get_function_result(p.oid), "
            "pg_get_function_arguments(p.oid), p.provolatile, p.prokind, p.prorettype::regtype, "
            "p.oid::regproc::text, p.oid::regprocedure::text, pg_function_is_visible(p.oid) "
            "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'lakeward'").fetchall() == [
            ("catalog_refresh", "lakeward", "timestamp with time zone", "", "v", "f",
             "timestamp with time zone", "catalog_refresh", "catalog_refresh()", True)]
        # pgJDBC's getFunctions reads pg_proc joined to pg_namespace, as here
        assert conn.execute(
            "SELECT NULL AS function_cat, n.nspname AS function_schem, p.proname AS "
            "function_name FROM pg_catalog.pg_proc p, pg_catalog.pg_namespace n "
            "WHERE p.pronamespace = n.oid AND n.nspname LIKE 'lakeward' "
            "AND p.proname LIKE 'catalog%'").fetchall() == [(None, "lakeward",
                                                              "catalog_refresh")]
        assert conn.execute("SELECT routine_name FROM information_schema.routines "
                            "WHERE routine_schema = 'lakeward'").fetchall() == [
            ("catalog_refresh",)]
        # the function is still callable after being listed
        assert conn.execute("SELECT lakeward.catalog_refresh() IS NOT NULL").fetchone() == (True,)
    # a replica derives the same OID
    other = lakeward_factory(stack_env(stack, LAKEWARD_PG_ADMINS="k9admin"))
    with connect(other) as conn:
        assert conn.execute("SELECT oid FROM pg_proc WHERE proname = 'catalog_refresh'"
                            ).fetchone() == (oid,)

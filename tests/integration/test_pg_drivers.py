"""The driver matrix: each real client in its default mode runs the same program against
lakeward and against the test stack's PostgreSQL 15, and the two outputs must be equal --
libpq (PQexecParams text and binary, PQprepare, single-row mode), pgx v5 (Grafana's driver:
QueryExecModeCacheStatement, the other modes, batches, a context-deadline cancel), pgJDBC
42.5 (prepareThreshold's switch to a named statement with binary results, setFetchSize
portals), and pgbench -M simple|extended|prepared. The drivers are installed by
tests/stack/install.sh drivers (Debian packages, pinned Go modules)."""
import os
import pathlib
import shutil
import subprocess
import time

import pytest

from conftest import BUILD, REPO

DRIVERS = REPO / "tests" / "drivers"
CACHE = pathlib.Path(os.environ.get("LW_CACHE_DIR", pathlib.Path.home() / ".cache" / "lakeward"))
PGJDBC_JAR = pathlib.Path("/usr/share/java/postgresql.jar")
RUN_TIMEOUT = 120


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=RUN_TIMEOUT, **kw)
    assert r.returncode == 0, f"{cmd}: {r.stdout[-2000:]}\n{r.stderr[-2000:]}"
    return r.stdout


@pytest.fixture(scope="module")
def bin_dir():
    d = BUILD / "drivers"
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.fixture
def lw(lakeward_factory):
    return lakeward_factory({})


@pytest.fixture
def pg(stack):
    return {"host": "127.0.0.1", "port": int(stack["PG_PORT"]),
            "user": stack.get("PG_USER", "postgres"), "db": "postgres"}


def lw_target(lw):
    return {"host": "127.0.0.1", "port": lw.pg_port, "user": "alice", "db": "lakeward"}


def both(lw, pg, fn):
    """fn(target) for lakeward and PostgreSQL; asserts the outputs are equal, returns it."""
    mine, theirs = fn(lw_target(lw)), fn(pg)
    assert mine.splitlines() == theirs.splitlines()
    return mine


# --- libpq -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def libpq_check(bin_dir):
    exe = bin_dir / "libpq_check"
    run(["cc", "-std=c17", "-Wall", "-Wextra", "-Werror", "-I/usr/include/postgresql", "-o",
         str(exe), str(DRIVERS / "libpq" / "libpq_check.c"), "-lpq"])
    return exe


def test_libpq(lw, pg, libpq_check):
    out = both(lw, pg, lambda t: run(
        [str(libpq_check), f"host={t['host']} port={t['port']} user={t['user']} dbname={t['db']}"]))
    assert "params_binary\tPGRES_TUPLES_OK\t23/1:0000002a" in out
    assert out.count("exec_prepared\tPGRES_TUPLES_OK") == 3


# --- pgx v5 ------------------------------------------------------------------------------

def go_env():
    return dict(os.environ, GOMODCACHE=str(CACHE / "go" / "drivers-mod"),
                GOCACHE=str(CACHE / "go" / "drivers-build"), GOFLAGS="-mod=readonly",
                GOPROXY="off", GOTOOLCHAIN="local", GOSUMDB="off")


@pytest.fixture(scope="module")
def pgxcheck(bin_dir):
    go = shutil.which("go") or "/usr/local/go/bin/go"
    exe = bin_dir / "pgxcheck"
    # modules come from the cache tests/stack/install.sh drivers filled (GOPROXY=off)
    run([go, "build", "-o", str(exe), "."], cwd=DRIVERS / "pgx", env=go_env())
    return exe


def pgx_dsn(t):
    return f"postgres://{t['user']}@{t['host']}:{t['port']}/{t['db']}?sslmode=disable"


def test_pgx_default_mode_and_others(lw, pg, pgxcheck):
    out = both(lw, pg, lambda t: run([str(pgxcheck), pgx_dsn(t)], env={"TZ": "UTC"}))
    assert '"check":"types_binary","value":[["int16:1"' in out
    assert '{"check":"batch_error","error":"division by zero","sqlstate":"22012"}' in out


def test_pgx_context_deadline_cancels(lw, pgxcheck):
    # pgx sends a CancelRequest when the context expires, then the statement must stop
    out = run([str(pgxcheck), pgx_dsn(lw_target(lw)), "cancel"])
    assert '{"check":"cancel","value":true,"error":"timeout: context deadline exceeded"}' in out
    assert '{"check":"after_cancel"}' in out
    # pgx sends the CancelRequest on its own connection while it gives up on the query, so the
    # program may be done before lakeward has logged it (seen under ASan): wait for the line.
    deadline = time.monotonic() + 10
    while not ("event=cancel_request" in lw.log_text() and "matched=yes" in lw.log_text()):
        assert time.monotonic() < deadline, lw.log_text()[-2000:]
        time.sleep(0.05)


# --- pgJDBC ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def jdbc_classes(bin_dir):
    d = bin_dir / "jdbc"
    d.mkdir(exist_ok=True)
    run(["javac", "-d", str(d), str(DRIVERS / "jdbc" / "JdbcCheck.java")])
    return d


def test_pgjdbc(lw, pg, jdbc_classes):
    def jdbc(t):
        return run(["java", "-cp", f"{PGJDBC_JAR}:{jdbc_classes}", "JdbcCheck",
                    f"jdbc:postgresql://{t['host']}:{t['port']}/{t['db']}", t["user"]],
                   env=dict(os.environ, TZ="UTC"))
    out = both(lw, pg, jdbc)
    assert "prepared_7\t[Long:8|String:s7|Double:7.5|" in out
    assert "fetch_size\t[Integer:1, Integer:2, Integer:3, Integer:4, Integer:5, Integer:6, " \
           "Integer:7]" in out


# --- pgbench -----------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["simple", "extended", "prepared"])
def test_pgbench_modes(lw, tmp_path, mode):
    script = tmp_path / "select1.sql"
    script.write_text("SELECT 1;\n")
    out = run(["pgbench", "-n", "-h", "127.0.0.1", "-p", str(lw.pg_port), "-U", "alice",
               "-M", mode, "-f", str(script), "-c", "2", "-t", "100", "lakeward"],
              env=dict(os.environ, PGCONNECT_TIMEOUT="10"))
    assert "number of transactions actually processed: 200/200" in out
    assert "number of failed transactions: 0 " in out

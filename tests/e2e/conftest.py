"""End-to-end fixtures for the real Trino coordinator (tests/stack/trino/). Trino's OPA access
control points at `lakeward_url`: the session's lakeward (build dir LW_BUILD, default build/),
started once on a fixed port against the test stack and restarted on that same port whenever a
test asks for other settings with `@pytest.mark.lakeward(env={...}, config="...")`. A lakeward
that exits abnormally (sanitizer report, crash, leak) fails the test during which it stopped or
died. Override `lakeward_url` to point Trino at any other OPA-compatible server."""
from __future__ import annotations

import os
import pathlib
import subprocess
import sys
from dataclasses import dataclass
from typing import Callable, Iterator, Optional

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from trino_client import TrinoClient, TrinoError, wait_ready, wait_schedulable  # noqa: E402
from e2e_support import SP1, LakewardService, Standin, ensure_seed_mirror  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parents[2]
TRINO_SCRIPTS = REPO / "tests" / "stack" / "trino"
STACK_DIR = pathlib.Path(os.environ.get("LW_TEST_STACK_DIR", REPO / "build" / "test-stack"))

__all__ = ["TrinoClient", "TrinoError", "TrinoServer"]


@dataclass
class TrinoServer:
    url: str
    managed_catalog: str   # the Lakekeeper-managed catalog (Iceberg connector on the stand-in)
    lakeward_url: str      # where Trino sends its OPA requests
    log_path: pathlib.Path  # Trino's server log (OPA requests/responses logged at DEBUG)

    def client(self, user: str, catalog: Optional[str] = None, schema: Optional[str] = None,
               timeout: float = 120.0) -> TrinoClient:
        return TrinoClient(self.url, user=user, catalog=catalog, schema=schema, timeout=timeout)


def _read_env(path: pathlib.Path) -> dict[str, str]:
    env: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            k, v = line.split("=", 1)
            env[k.strip()] = v.strip()
    return env


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "lakeward(env=None, config=None): settings of the session's lakeward for "
        "this test (environment overrides, libconfig text); it is restarted on the same port "
        "when they differ from the running ones")


@pytest.fixture(scope="session")
def stack() -> Iterator[dict[str, str]]:
    """The test stack of the end-to-end tier: the run-wide services plus Apache Iceberg's REST
    catalog server (service iceberg-rest) behind the stand-in's /catalog/v1. A stand-in already
    running without that backend (started by an earlier tier) is restarted with it."""
    env = dict(os.environ, LW_STACK_DIR=str(STACK_DIR))
    start = [str(REPO / "tests/stack/start.sh")]
    subprocess.run(start + ["postgres", "openfga", "keycloak", "iceberg-rest"], check=True, env=env,
                   timeout=600)
    info = _read_env(STACK_DIR / "stack.env")
    if info.get("LK_ICEBERG_BACKEND") != info["ICEBERG_REST_URL"]:
        subprocess.run([str(REPO / "tests/stack/stop.sh"), "standin"], check=True, env=env, timeout=120)
    subprocess.run(start + ["standin"], check=True, env=env, timeout=600)
    info = _read_env(STACK_DIR / "stack.env")
    yield info
    if not os.environ.get("LW_TEST_STACK_KEEP"):
        subprocess.run([str(REPO / "tests/stack/stop.sh")], env=env, timeout=120)


@pytest.fixture(scope="session")
def lakeward_service(stack: dict[str, str],
                     tmp_path_factory: pytest.TempPathFactory) -> Iterator[LakewardService]:
    """The session's lakeward (see the module doc); .restart(env_overrides, config_text)."""
    Standin(stack).set_fault(mode="none")   # whatever an aborted earlier run left behind
    svc = LakewardService(stack, tmp_path_factory.mktemp("lakeward"))
    svc.restart()
    yield svc
    svc.stop()      # raises on an abnormal exit: an error of the run


@pytest.fixture(scope="session")
def lakeward_url(lakeward_service: LakewardService) -> str:
    return lakeward_service.url


@pytest.fixture(autouse=True)
def _lakeward_settings(request: pytest.FixtureRequest) -> Iterator[None]:
    """Gives every Trino test the lakeward settings it is marked with (defaults otherwise) and
    fails it if lakeward died meanwhile."""
    if "trino_server" not in request.fixturenames:
        yield
        return
    if os.environ.get("LW_SKIP_TRINO"):
        pytest.skip("LW_SKIP_TRINO is set")
    svc: LakewardService = request.getfixturevalue("lakeward_service")
    mark = request.node.get_closest_marker("lakeward")
    kw = mark.kwargs if mark else {}
    svc.ensure(kw.get("env"), kw.get("config"))
    yield
    svc.check_alive()


@pytest.fixture
def standin(stack: dict[str, str]) -> Iterator[Standin]:
    """The stand-in's test controls; what a test registers is unregistered after it, and any
    fault it set is cleared."""
    s = Standin(stack)
    yield s
    s.set_fault(mode="none")
    s.cleanup()


@pytest.fixture(scope="session")
def seed_mirror(trino_server: "TrinoServer") -> None:
    """The seed's finance.product, finance.revenue and marketing.campaigns, created as Iceberg
    tables by airflow-sp-1 (the stand-in adopts them with their seeded ids and grants)."""
    ensure_seed_mirror(trino_server.client(SP1, catalog=trino_server.managed_catalog))


@pytest.fixture(scope="session")
def trino_managed_catalog() -> str:
    """Name of the catalog lakeward treats as Lakekeeper-managed; override this fixture or set
    TRINO_MANAGED_CATALOG to change it."""
    return os.environ.get("TRINO_MANAGED_CATALOG", "lakekeeper")


@pytest.fixture(scope="session")
def trino_server(lakeward_url: str, trino_managed_catalog: str) -> Iterator[TrinoServer]:
    """A running Trino coordinator (started once per run, stopped at the end unless
    LW_TEST_STACK_KEEP is set; set LW_SKIP_TRINO=1 to skip the tests that need it)."""
    if os.environ.get("LW_SKIP_TRINO"):
        pytest.skip("LW_SKIP_TRINO is set")
    env = dict(os.environ, LW_STACK_DIR=str(STACK_DIR), LAKEWARD_URL=lakeward_url,
               TRINO_MANAGED_CATALOG=trino_managed_catalog)
    # A fresh machine downloads ~820 MB here; later runs take well under a second.
    subprocess.run([str(TRINO_SCRIPTS / "install.sh")], check=True, env=env, timeout=1800,
                   stdout=subprocess.DEVNULL)
    subprocess.run([str(TRINO_SCRIPTS / "start.sh")], check=True, env=env, timeout=400)
    url = _read_env(STACK_DIR / "stack.env")["TRINO_URL"]
    wait_ready(url, timeout=30)
    wait_schedulable(TrinoClient(url, user=SP1), SP1)
    yield TrinoServer(url, trino_managed_catalog, lakeward_url, STACK_DIR / "trino" / "log")
    if not os.environ.get("LW_TEST_STACK_KEEP"):
        subprocess.run([str(TRINO_SCRIPTS / "stop.sh")], env=env, timeout=120)


@pytest.fixture
def trino(trino_server: TrinoServer) -> Callable[..., TrinoClient]:
    """trino("anna") -> a client running SQL as user anna (default catalog: the managed one)."""
    def make(user: str, schema: Optional[str] = None) -> TrinoClient:
        return trino_server.client(user, catalog=trino_server.managed_catalog, schema=schema)
    return make

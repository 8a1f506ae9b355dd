"""Run-wide pytest fixtures: the real test stack (PostgreSQL, OpenFGA, Keycloak, the
Lakekeeper stand-in) is started once per run into build/test-stack and described by its
stack.env; helpers here get tokens and talk to it. Per-test lakeward processes are in
tests/lakeward_proc.py."""
import os
import pathlib
import subprocess

import pytest
import requests

REPO = pathlib.Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
BUILD = pathlib.Path(os.environ.get("LW_BUILD", REPO / "build"))
STACK_DIR = pathlib.Path(os.environ.get("LW_TEST_STACK_DIR", REPO / "build" / "test-stack"))

# Test fixture credentials of the seed scenario (docs/development.md); loopback only.
CLIENT_SECRETS = {
    "airflow-sp-1": "airflow-sp-1-secret",
    "airflow-sp-2": "airflow-sp-2-secret",
    "lakeward": "lakeward-secret",
    "spark": "2OR3eRvYfSZzzZ16MlPd95jhLnOaLM52",
    "trino": "AK48QgaKsqdEpP9PomRJw7l2T7qWGHdZ",
}
SUBJECTS = {
    "airflow-sp-1": "a1f10000-0000-4000-8000-000000000001",
    "airflow-sp-2": "a1f10000-0000-4000-8000-000000000002",
    "lakeward": "a1f10000-0000-4000-8000-000000000010",
    "peter": "cfb55bf6-fcbb-4a1e-bfec-30c6649b52f8",
    "anna": "d223d88c-85b6-4859-b5c5-27f3825e47f6",
}
WAREHOUSE_DEMO = "00000000-0000-4000-8000-00000000d001"


def read_env(path):
    env = {}
    for line in pathlib.Path(path).read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            k, v = line.split("=", 1)
            env[k.strip()] = v.strip()
    return env


@pytest.fixture(scope="session")
def stack():
    """Starts (or reuses, if LW_TEST_STACK_KEEP is set and it runs) the real stack."""
    env = dict(os.environ, LW_STACK_DIR=str(STACK_DIR))
    subprocess.run([str(REPO / "tests/stack/start.sh"), "postgres", "openfga", "keycloak", "standin"],
                   check=True, env=env, timeout=600)
    info = read_env(STACK_DIR / "stack.env")
    yield info
    if not os.environ.get("LW_TEST_STACK_KEEP"):
        subprocess.run([str(REPO / "tests/stack/stop.sh")], env=env, timeout=120)


def client_token(stack, client_id, scope="lakekeeper"):
    r = requests.post(stack["KEYCLOAK_TOKEN_ENDPOINT"], timeout=10, data={
        "grant_type": "client_credentials", "client_id": client_id,
        "client_secret": CLIENT_SECRETS[client_id], "scope": scope})
    r.raise_for_status()
    return r.json()["access_token"]


def user_token(stack, username, password="iceberg", client_id="spark", scope="lakekeeper"):
    r = requests.post(stack["KEYCLOAK_TOKEN_ENDPOINT"], timeout=10, data={
        "grant_type": "password", "client_id": client_id, "username": username,
        "password": password, "client_secret": CLIENT_SECRETS[client_id], "scope": scope})
    r.raise_for_status()
    return r.json()["access_token"]


@pytest.fixture(scope="session")
def token_for(stack):
    """token_for("airflow-sp-2") -> bearer token (cached per run)."""
    cache = {}

    def get(client_id):
        if client_id not in cache:
            cache[client_id] = client_token(stack, client_id)
        return cache[client_id]
    return get


@pytest.fixture
def lakeward_factory(tmp_path):
    """lakeward_factory(env=..., config=...) starts a fresh lakeward; all are stopped after
    the test, which fails if one exited abnormally (e.g. a sanitizer report)."""
    from lakeward_proc import Lakeward
    procs = []

    def start(env, config=None, args=()):
        d = tmp_path / f"lw{len(procs)}"
        d.mkdir()
        lw = Lakeward(d, env, config, args)
        procs.append(lw)
        return lw
    yield start
    for lw in procs:
        rc = lw.stop()
        text = lw.log_text()
        assert "ERROR: AddressSanitizer" not in text and "runtime error:" not in text, text[-4000:]
        assert rc == 0, f"lakeward exited {rc}: {text[-4000:]}"


@pytest.fixture
def lakeward(stack, lakeward_factory):
    """lakeward against the test stack with the bridge's defaults and no decision cache."""
    from lakeward_proc import stack_env
    return lakeward_factory(stack_env(stack, LAKEWARD_DECISION_CACHE_TTL_MS=0))

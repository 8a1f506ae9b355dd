"""Shared pieces of the Trino end-to-end tests and of measure.py: the session's lakeward
(restartable on one fixed port, so Trino's OPA URL never changes), the Lakekeeper stand-in's
test controls (register what Trino creates, inject faults), the principals, and the per-query
measurement from lakeward's decision log."""
from __future__ import annotations

import contextlib
import json
import os
import pathlib
import re
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterator, Optional

import requests

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(HERE))
from lakeward_proc import Lakeward, free_port, stack_env  # noqa: E402
from trino_client import QueryResult, TrinoClient, TrinoError  # noqa: E402

STACK_DIR = pathlib.Path(os.environ.get("LW_TEST_STACK_DIR", REPO / "build" / "test-stack"))

# Trino users are Lakekeeper subjects (docs/development.md, seed scenario).
SP1 = "a1f10000-0000-4000-8000-000000000001"   # modify + create on warehouse demo
SP2 = "a1f10000-0000-4000-8000-000000000002"   # select on finance.product only
NOBODY = "00000000-0000-4000-8000-00000000beef"  # no grant at all
CAT = "lakekeeper"                              # Trino's managed catalog -> warehouse demo
WAREHOUSE = "demo"

# What every e2e lakeward gets on top of the stack: the managed catalog `lakekeeper` is the
# warehouse `demo` (the default mapping would look for a warehouse named `lakekeeper`).
BASE_ENV = {"TRINO_LAKEKEEPER_CATALOG_NAME": CAT, "LAKEKEEPER_LAKEKEEPER_WAREHOUSE": WAREHOUSE}


def read_env(path: pathlib.Path) -> dict[str, str]:
    env: dict[str, str] = {}
    for line in pathlib.Path(path).read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            k, v = line.split("=", 1)
            env[k.strip()] = v.strip()
    return env


def _port_is_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def pick_lakeward_port(stack_dir: pathlib.Path = STACK_DIR) -> int:
    """The port the running Trino of this stack already sends its OPA requests to, when that
    port is free now (then tests/stack/trino/start.sh reuses the server instead of spending
    20-40 s on a restart); otherwise a fresh free port."""
    props = stack_dir / "trino" / "etc" / "access-control.properties"
    try:
        m = re.search(r"^opa\.policy\.uri=http://127\.0\.0\.1:(\d+)/", props.read_text(), re.M)
    except OSError:
        m = None
    if m and _port_is_free(int(m.group(1))):
        return int(m.group(1))
    return free_port()


def abnormal_exit(rc: Optional[int], log: str) -> Optional[str]:
    """Why a stopped lakeward counts as a failure (sanitizer report, crash, leak), or None."""
    if "ERROR: AddressSanitizer" in log or "ERROR: LeakSanitizer" in log:
        return "AddressSanitizer/LeakSanitizer report"
    if "runtime error:" in log:
        return "UndefinedBehaviorSanitizer report"
    if rc != 0:
        return f"exit status {rc}"
    return None


class LakewardService:
    """One lakeward for a whole session on a fixed port. restart() stops it and starts it
    again on the same port with other settings; Trino's keep-alive pool simply reconnects.
    Every stop is checked: an abnormal exit is raised at once (and remembered in .failures)."""

    def __init__(self, stack: dict[str, str], workdir: pathlib.Path, port: Optional[int] = None,
                 args: tuple[str, ...] = ()) -> None:
        self.stack = stack
        self.workdir = pathlib.Path(workdir)
        self.port = port or pick_lakeward_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.args = tuple(args)
        self.proc: Optional[Lakeward] = None
        self.settings: tuple = ()
        self.failures: list[str] = []
        self.starts = 0
        self.http = requests.Session()

    # --- lifecycle -------------------------------------------------------------------------
    @staticmethod
    def _key(env_overrides: Optional[dict[str, Any]], config_text: Optional[str]) -> tuple:
        env = {k: str(v) for k, v in (env_overrides or {}).items()}
        return (tuple(sorted(env.items())), config_text)

    def restart(self, env_overrides: Optional[dict[str, Any]] = None,
                config_text: Optional[str] = None) -> Lakeward:
        """Stops the running lakeward (failing on an abnormal exit) and starts a new one on the
        same port with the stack's environment, BASE_ENV and env_overrides (values None drop a
        variable) and, if given, config_text as its --config file."""
        self.stop()
        env = stack_env(self.stack, **BASE_ENV)
        for k, v in (env_overrides or {}).items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = str(v)
        d = self.workdir / f"lw{self.starts}"
        d.mkdir(parents=True, exist_ok=True)
        self.starts += 1
        deadline = time.monotonic() + 20
        while True:
            try:
                self.proc = self._start_one(d, env, config_text)
                break
            except RuntimeError as e:
                if "address in use" not in str(e).lower():
                    raise
                if self.starts == 1:
                    # Nobody points at this port yet (Trino's start.sh restarts a Trino that
                    # points elsewhere): take another one.
                    self.port = free_port()
                    self.url = f"http://127.0.0.1:{self.port}"
                elif time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        self.settings = self._key(env_overrides, config_text)
        return self.proc

    def _start_one(self, d: pathlib.Path, env: dict[str, str],
                   config_text: Optional[str]) -> Lakeward:
        """Starts lakeward and waits for its own `event=started` line, so a port some other
        process answers on is never taken for ours."""
        lw = Lakeward(d, env, config_text, self.args, port=self.port)
        deadline = time.monotonic() + 15
        while "event=started" not in lw.log_text():
            if lw.proc.poll() is not None or time.monotonic() > deadline:
                rc = lw.stop()
                raise RuntimeError(f"lakeward did not start (exit {rc}): {lw.log_text()[-3000:]}")
            time.sleep(0.02)
        return lw

    def ensure(self, env_overrides: Optional[dict[str, Any]] = None,
               config_text: Optional[str] = None) -> Lakeward:
        """Restarts only when the wanted settings differ from the running ones (or it died)."""
        alive = self.proc is not None and self.proc.proc.poll() is None
        if not alive or self.settings != self._key(env_overrides, config_text):
            return self.restart(env_overrides, config_text)
        assert self.proc is not None
        return self.proc

    def check_alive(self) -> None:
        """Raises (and records) if the running lakeward has exited."""
        if self.proc is not None and self.proc.proc.poll() is not None:
            self.stop()

    def stop(self) -> None:
        if self.proc is None:
            return
        lw, self.proc = self.proc, None
        rc = lw.stop()
        log = lw.log_path.read_text(errors="replace")
        why = abnormal_exit(rc, log)
        if why:
            msg = f"lakeward ({lw.log_path}) ended abnormally: {why}\n{log[-4000:]}"
            self.failures.append(msg)
            raise AssertionError(msg)

    @property
    def log_path(self) -> Optional[pathlib.Path]:
        return self.proc.log_path if self.proc else None

    # --- decision log ----------------------------------------------------------------------
    def decisions(self, limit: int = 10000) -> list[dict[str, Any]]:
        r = self.http.get(f"{self.url}/v1/decisions?limit={limit}", timeout=10)
        r.raise_for_status()
        return [json.loads(line) for line in r.text.splitlines() if line.strip()]

    def marker(self) -> str:
        """Adds a decision record no Trino query produces (user __lw_marker__) and returns its
        decision id: the records between two markers belong to what ran between them."""
        body = {"input": {"context": {"identity": {"user": "__lw_marker__", "groups": []},
                                      "softwareStack": {"trinoVersion": "marker"}},
                          "action": {"operation": "ExecuteQuery"}}}
        r = self.http.post(f"{self.url}/v1/data/trino/allow", data=json.dumps(body), timeout=10,
                           headers={"Content-Type": "application/json"})
        r.raise_for_status()
        return r.json()["decision_id"]

    def between(self, first: str, last: str) -> list[dict[str, Any]]:
        recs = self.decisions()
        ids = [d["decision_id"] for d in recs]
        if first not in ids or last not in ids:
            raise RuntimeError("marker fell out of the decision ring (decision_log_ring too small)")
        return recs[ids.index(first) + 1:ids.index(last)]


class Standin:
    """The Lakekeeper stand-in's /_control API. register() mirrors what a real Lakekeeper
    learns when Trino creates an object through its Iceberg REST catalog: the object and its
    OpenFGA tuples, owned by the creator. Everything registered is unregistered by cleanup()
    (newest first), so the shared stack keeps exactly the seed scenario."""

    def __init__(self, stack: dict[str, str], warehouse: str = WAREHOUSE) -> None:
        self.url = stack["LK_URL"]
        self.warehouse = warehouse
        self.http = requests.Session()
        self.http.headers["Authorization"] = "Bearer " + stack["LK_CONTROL_TOKEN"]
        self.registered: list[dict[str, Any]] = []

    def _post(self, what: str, body: dict[str, Any]) -> requests.Response:
        return self.http.post(f"{self.url}/_control/{what}", json=body, timeout=30)

    @staticmethod
    def _spec(namespace: str, table: Optional[str], view: Optional[str]) -> dict[str, Any]:
        spec: dict[str, Any] = {"namespace": namespace.split(".")}
        if table:
            spec["table"] = table
        if view:
            spec["view"] = view
        return spec

    def register(self, namespace: str, table: Optional[str] = None, view: Optional[str] = None,
                 owner: Optional[str] = SP1) -> None:
        """namespace 'a' or 'a.b' (Trino's schema name); owner a Trino user (the creator)."""
        spec = self._spec(namespace, table, view)
        body = dict(spec, warehouse=self.warehouse)
        if owner:
            body["owner"] = "oidc~" + owner
        r = self._post("register", body)
        # 409: already there (left over by an aborted earlier run): ours all the same.
        if r.status_code not in (200, 201, 409):
            raise RuntimeError(f"register {body}: HTTP {r.status_code} {r.text}")
        self.registered.append(spec)

    def unregister(self, namespace: str, table: Optional[str] = None,
                   view: Optional[str] = None) -> None:
        spec = self._spec(namespace, table, view)
        r = self._post("unregister", dict(spec, warehouse=self.warehouse))
        if r.status_code not in (200, 204, 404):
            raise RuntimeError(f"unregister {spec}: HTTP {r.status_code} {r.text}")
        if spec in self.registered:
            self.registered.remove(spec)

    def cleanup(self) -> None:
        while self.registered:
            spec = self.registered[-1]
            self.unregister(".".join(spec["namespace"]), spec.get("table"), spec.get("view"))

    def set_fault(self, **spec: Any) -> None:
        r = self._post("fault", spec)
        if r.status_code not in (200, 204):
            raise RuntimeError(f"fault {spec}: HTTP {r.status_code} {r.text}")

    @contextlib.contextmanager
    def fault(self, **spec: Any) -> Iterator[None]:
        self.set_fault(**spec)
        try:
            yield
        finally:
            self.set_fault(mode="none")

    def stats(self) -> dict[str, Any]:
        r = self.http.get(f"{self.url}/_control/stats", timeout=10)
        r.raise_for_status()
        doc: dict[str, Any] = r.json()
        return doc


def unique_name(prefix: str = "e2e") -> str:
    """A schema/table name no earlier run used (the managed catalog's objects outlive a session
    when the stack is kept)."""
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def ensure_seed_mirror(client: TrinoClient) -> None:
    """Creates, as airflow-sp-1, the managed-catalog tables of the seed's warehouse `demo`
    (finance.product, finance.revenue, marketing.campaigns) with a few rows. The seed already
    declared them, so the stand-in adopts them when Trino creates them. Idempotent."""
    for stmt in (
        f"CREATE SCHEMA IF NOT EXISTS {CAT}.finance",
        f"CREATE SCHEMA IF NOT EXISTS {CAT}.marketing",
        f"CREATE TABLE IF NOT EXISTS {CAT}.finance.product (id bigint, name varchar)",
        f"CREATE TABLE IF NOT EXISTS {CAT}.finance.revenue (id bigint, product_id bigint, amount double)",
        f"CREATE TABLE IF NOT EXISTS {CAT}.marketing.campaigns (id bigint, title varchar)",
    ):
        client.execute(stmt, user=SP1)
    rows = {
        "finance.product": "(1, 'widget'), (2, 'gadget')",
        "finance.revenue": "(1, 1, 100.0), (2, 2, 250.5)",
        "marketing.campaigns": "(1, 'spring')",
    }
    for tbl, values in rows.items():
        if client.execute(f"SELECT count(*) FROM {CAT}.{tbl}", user=SP1).rows[0][0] == 0:
            client.execute(f"INSERT INTO {CAT}.{tbl} VALUES {values}", user=SP1)


def start_trino(lakeward_url: str, stack_dir: pathlib.Path = STACK_DIR,
                managed_catalog: str = CAT) -> str:
    """tests/stack/trino/{install,start}.sh into stack_dir (reused when already running with
    the same settings); returns TRINO_URL."""
    scripts = REPO / "tests" / "stack" / "trino"
    env = dict(os.environ, LW_STACK_DIR=str(stack_dir), LAKEWARD_URL=lakeward_url,
               TRINO_MANAGED_CATALOG=managed_catalog)
    subprocess.run([str(scripts / "install.sh")], check=True, env=env, timeout=1800,
                   stdout=subprocess.DEVNULL)
    subprocess.run([str(scripts / "start.sh")], check=True, env=env, timeout=400)
    return read_env(stack_dir / "stack.env")["TRINO_URL"]


# --- measurement -----------------------------------------------------------------------------

OPA_LINE = re.compile(r'Sending OPA request to URI "[^"]*/v1/data/trino/([A-Za-z]+)"')


class TrinoLog:
    """Counts the OPA requests Trino logged (opa.log-requests, DEBUG) since a byte offset:
    the row-filter and column-mask requests are not decisions, so only Trino's log has them."""

    def __init__(self, path: pathlib.Path) -> None:
        self.path = path

    def offset(self) -> int:
        try:
            return self.path.stat().st_size
        except OSError:
            return 0

    def requests_since(self, offset: int, settle_s: float = 0.3) -> dict[str, int]:
        """Per endpoint (allow, batch, rowFilters, batchColumnMasks), once the log has stopped
        growing for settle_s."""
        last, stable_since = -1, time.monotonic()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            size = self.offset()
            if size != last:
                last, stable_since = size, time.monotonic()
            elif time.monotonic() - stable_since >= settle_s:
                break
            time.sleep(0.05)
        with open(self.path, "rb") as f:
            f.seek(offset)
            text = f.read().decode(errors="replace")
        counts: dict[str, int] = {}
        for m in OPA_LINE.finditer(text):
            counts[m.group(1)] = counts.get(m.group(1), 0) + 1
        return counts


@dataclass
class Measured:
    label: str
    user: str
    sql: str
    outcome: str                  # "ok (N rows)" or Trino's errorName
    trino_requests: dict[str, int]  # from Trino's log, per endpoint
    decisions: int                # decision records (allow + batch)
    lakekeeper_calls: int
    checks_sent: int
    cache_hits: int
    decision_ms: float            # lakeward's decision latency, summed
    wall_ms: float                # client-side wall time of the statement
    operations: list[str] = field(default_factory=list)
    errors: int = 0               # decisions that carry an `error` (degraded)

    @property
    def total_requests(self) -> int:
        return sum(self.trino_requests.values())


def measure(lw: LakewardService, tlog: TrinoLog, client: TrinoClient, label: str, user: str,
            sql: str, expect_error: Optional[str] = None) -> tuple[Measured, Optional[QueryResult]]:
    """Runs sql as user between two decision-log markers and returns what it cost."""
    off = tlog.offset()
    first = lw.marker()
    t0 = time.monotonic()
    result: Optional[QueryResult] = None
    try:
        result = client.execute(sql, user=user)
        n = len(result.rows)
        outcome = f"ok ({n} row{'s' if n != 1 else ''})" if result.update_type is None else "ok"
    except TrinoError as e:
        outcome = e.error_name
    wall = (time.monotonic() - t0) * 1000.0
    reqs = tlog.requests_since(off)
    last = lw.marker()
    recs = lw.between(first, last)
    if expect_error is not None and outcome != expect_error:
        raise AssertionError(f"{label}: expected {expect_error}, got {outcome}")
    if expect_error is None and not outcome.startswith("ok"):
        raise AssertionError(f"{label}: expected success, got {outcome}")
    return Measured(
        label=label, user=user, sql=sql, outcome=outcome, trino_requests=reqs,
        decisions=len(recs),
        lakekeeper_calls=sum(d.get("lakekeeper_calls", 0) for d in recs),
        checks_sent=sum(d.get("checks_sent", 0) for d in recs),
        cache_hits=sum(d.get("cache_hits", 0) for d in recs),
        decision_ms=sum(float(d.get("latency_ms", 0.0)) for d in recs),
        wall_ms=wall,
        operations=[d.get("operation", "") for d in recs],
        errors=sum(1 for d in recs if d.get("error")),
    ), result

"""A small client for Trino's HTTP statement protocol (POST /v1/statement, then follow nextUri),
enough for the end-to-end tests to run SQL as a given user and tell an access denial from other
failures. No authentication: the test coordinator trusts X-Trino-User."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Optional

import requests


@dataclass
class QueryResult:
    query_id: str
    columns: list[str]
    types: list[str]
    rows: list[list[Any]]
    update_type: Optional[str] = None  # e.g. "CREATE TABLE", "INSERT"; None for SELECT


@dataclass(eq=False)
class TrinoError(Exception):
    """A query that Trino failed. error_name is Trino's name, e.g. PERMISSION_DENIED,
    TABLE_NOT_FOUND, GENERIC_INTERNAL_ERROR (the latter is what an unusable OPA answer gives)."""
    error_name: str
    message: str
    error_type: str = ""
    error_code: int = -1
    query_id: str = ""
    sql: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        super().__init__(f"{self.error_name}: {self.message}")

    @property
    def access_denied(self) -> bool:
        return self.error_name == "PERMISSION_DENIED"

    # Spellings matching Trino's JSON, for tests that read them that way.
    @property
    def errorName(self) -> str:  # noqa: N802
        return self.error_name


class TrinoClient:
    def __init__(self, url: str, user: str = "admin", catalog: Optional[str] = None,
                 schema: Optional[str] = None, timeout: float = 120.0,
                 source: str = "lakeward-e2e") -> None:
        self.url = url.rstrip("/")
        self.user, self.catalog, self.schema = user, catalog, schema
        self.timeout, self.source = timeout, source
        self.http = requests.Session()

    def execute(self, sql: str, user: Optional[str] = None, catalog: Optional[str] = None,
                schema: Optional[str] = None, timeout: Optional[float] = None,
                headers: Optional[dict[str, str]] = None) -> QueryResult:
        """Runs one statement to completion. Raises TrinoError if Trino fails the query and
        TimeoutError (after cancelling it) if it takes longer than the timeout. `headers` adds
        protocol headers, e.g. {"X-Trino-Original-User": "anna"} to make anna impersonate
        `user` (Trino then sends ImpersonateUser)."""
        catalog, schema = catalog or self.catalog, schema or self.schema
        hdrs = {"X-Trino-User": user or self.user, "X-Trino-Source": self.source,
                "Content-Type": "text/plain; charset=utf-8"}
        if catalog:
            hdrs["X-Trino-Catalog"] = catalog
        if schema:
            hdrs["X-Trino-Schema"] = schema
        hdrs.update(headers or {})
        deadline = time.monotonic() + (timeout or self.timeout)
        doc = self._call("POST", f"{self.url}/v1/statement", deadline, hdrs, sql.encode())
        columns: list[str] = []
        types: list[str] = []
        rows: list[list[Any]] = []
        while True:
            if doc.get("columns") and not columns:
                columns = [c["name"] for c in doc["columns"]]
                types = [c["type"] for c in doc["columns"]]
            rows.extend(doc.get("data") or [])
            if "error" in doc:
                e = doc["error"]
                raise TrinoError(error_name=e.get("errorName", ""), message=e.get("message", ""),
                                 error_type=e.get("errorType", ""),
                                 error_code=e.get("errorCode", -1),
                                 query_id=doc.get("id", ""), sql=sql, raw=e)
            next_uri = doc.get("nextUri")
            if not next_uri:
                return QueryResult(doc.get("id", ""), columns, types, rows, doc.get("updateType"))
            if time.monotonic() > deadline:
                self._cancel(next_uri, hdrs)
                raise TimeoutError(f"query {doc.get('id')} did not finish in time: {sql[:200]}")
            doc = self._call("GET", next_uri, deadline, hdrs)

    def _call(self, method: str, url: str, deadline: float, headers: dict[str, str],
              body: Optional[bytes] = None) -> dict[str, Any]:
        # Trino answers 429/502/503/504 for transient conditions; the protocol says retry.
        # One poll returns within about a second (Trino's own wait), so a fixed per-request
        # bound is enough; the overall deadline is checked between polls.
        while True:
            r = self.http.request(method, url, headers=headers, data=body, timeout=(5, 30))
            if r.status_code in (429, 502, 503, 504) and time.monotonic() < deadline:
                time.sleep(0.2)
                continue
            if r.status_code != 200:
                raise TrinoError(error_name=f"HTTP_{r.status_code}", message=r.text[:500])
            doc: dict[str, Any] = r.json()
            return doc

    def _cancel(self, next_uri: str, headers: dict[str, str]) -> None:
        try:
            self.http.delete(next_uri, headers=headers, timeout=5)
        except requests.RequestException:
            pass


def wait_ready(url: str, timeout: float = 180.0) -> None:
    """Waits until GET /v1/info says the coordinator is no longer starting."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url.rstrip('/')}/v1/info", timeout=5).json().get("starting") is False:
                return
        except (requests.RequestException, ValueError):
            pass
        time.sleep(0.5)
    raise TimeoutError(f"Trino at {url} not ready after {timeout}s")


def wait_schedulable(client: "TrinoClient", user: str, timeout: float = 60.0) -> None:
    """Waits until Trino can run a query: right after start the coordinator may not have
    announced itself as a worker yet (NO_NODES_AVAILABLE), longer when catalogs load slowly."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            client.execute("SELECT 1", user=user)
            return
        except TrinoError as e:
            if e.error_name != "NO_NODES_AVAILABLE" or time.monotonic() >= deadline:
                raise
        time.sleep(0.5)

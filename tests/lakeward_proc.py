"""A lakeward process for one test: own port, own log file, environment built from the
stack and the test's overrides; helpers to send Trino-shaped requests."""
import json
import os
import pathlib
import socket
import subprocess
import time

import requests

REPO = pathlib.Path(__file__).resolve().parent.parent
BUILD = pathlib.Path(os.environ.get("LW_BUILD", REPO / "build"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stack_env(stack, **overrides):
    """The bridge's environment variables pointing at the test stack, lakeward's own client."""
    env = {
        "LAKEKEEPER_URL": stack["LK_URL"],
        "LAKEKEEPER_TOKEN_ENDPOINT": stack["KEYCLOAK_TOKEN_ENDPOINT"],
        "LAKEKEEPER_CLIENT_ID": "lakeward",
        "LAKEKEEPER_CLIENT_SECRET": "lakeward-secret",
        "LAKEKEEPER_SCOPE": "lakekeeper",
        "TRINO_LAKEKEEPER_CATALOG_NAME": "lakekeeper",
        "LAKEKEEPER_LAKEKEEPER_WAREHOUSE": "demo",
    }
    env.update({k: str(v) for k, v in overrides.items() if v is not None})
    return env


class Lakeward:
    def __init__(self, workdir, env, config_text=None, args=(), port=None, new_session=False):
        # port: a fixed HTTP port (e.g. to restart on the same one); default a free one.
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.pg_port = free_port()
        self.log_path = pathlib.Path(workdir) / "lakeward.log"
        cmd = [str(BUILD / "lakeward"), "--http-listen", f"127.0.0.1:{self.port}",
               "--pg-listen", f"127.0.0.1:{self.pg_port}", "--log-level", "debug", *args]
        if config_text is not None:
            cfg = pathlib.Path(workdir) / "lakeward.cfg"
            cfg.write_text(config_text)
            cmd += ["--config", str(cfg)]
        full_env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("LAKEKEEPER_", "TRINO_", "LAKEWARD_"))}
        full_env.update(env)
        full_env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1")
        # lakeward.decisions shows a non-admin only its own Trino user's rows: the loopback
        # trust users the suites read it as are admins unless a test names its admins.
        if "LAKEWARD_PG_ADMINS" not in env and "pg_admins" not in (config_text or ""):
            full_env["LAKEWARD_PG_ADMINS"] = "lakeward,alice,bob,bench,grafana"
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=full_env,
                                     start_new_session=new_session)
        self.session = requests.Session()
        deadline = time.time() + 15
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"lakeward exited {self.proc.returncode}: {self.log_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError("lakeward did not start listening: " + self.log_text())
                time.sleep(0.02)

    def log_text(self):
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode

    # --- Trino-shaped requests ---------------------------------------------------------
    def post(self, path, body, raw=False):
        data = body if raw else json.dumps(body)
        r = self.session.post(self.url + path, data=data, timeout=30,
                              headers={"Content-Type": "application/json; charset=utf-8"})
        return r

    def allow(self, user, operation, resource=None, target=None, query_id=None, groups=()):
        r = self.post("/v1/data/trino/allow", trino_input(user, operation, resource=resource,
                                                          target=target, query_id=query_id,
                                                          groups=groups))
        assert r.status_code == 200, r.text
        assert r.headers["Content-Type"].startswith("application/json")
        body = r.json()
        assert isinstance(body["result"], bool) and body["decision_id"]
        return body["result"]

    def batch(self, user, operation, resources, query_id=None, groups=()):
        r = self.post("/v1/data/trino/batch", trino_input(user, operation, filter_resources=resources,
                                                          query_id=query_id, groups=groups))
        assert r.status_code == 200, r.text
        assert r.headers["Content-Type"].startswith("application/json")
        return r.json()["result"]

    def decisions(self, limit=100):
        r = self.session.get(self.url + f"/v1/decisions?limit={limit}", timeout=10)
        return [json.loads(line) for line in r.text.splitlines() if line.strip()]

    def metrics(self):
        return self.session.get(self.url + "/metrics", timeout=10).text

    def metric(self, name, **labels):
        """Sum of the samples of metric `name` whose labels include `labels`."""
        total = 0.0
        for line in self.metrics().splitlines():
            if line.startswith("#") or not line.startswith(name):
                continue
            series, value = line.rsplit(" ", 1)
            if series.split("{")[0] != name:
                continue
            if all(f'{k}="{v}"' in series for k, v in labels.items()):
                total += float(value)
        return total


def trino_input(user, operation, resource=None, filter_resources=None, target=None,
                query_id=None, groups=()):
    ctx = {"identity": {"user": user, "groups": list(groups)},
           "softwareStack": {"trinoVersion": "479"}}
    if query_id:
        ctx["queryId"] = query_id
    action = {"operation": operation}
    if resource is not None:
        action["resource"] = resource
    if filter_resources is not None:
        action["filterResources"] = filter_resources
    if target is not None:
        action["targetResource"] = target
    return {"input": {"context": ctx, "action": action}}


def table(cat, schema, name, columns=None, properties=None):
    t = {"catalogName": cat, "schemaName": schema, "tableName": name}
    if columns is not None:
        t["columns"] = columns
    if properties is not None:
        t["properties"] = properties
    return {"table": t}


def schema(cat, name, properties=None):
    s = {"catalogName": cat, "schemaName": name}
    if properties is not None:
        s["properties"] = properties
    return {"schema": s}


def catalog(name):
    return {"catalog": {"name": name}}

"""The Helm chart (helm/lakeward): `helm lint` and `helm template` for the default values and the
workshop values file, and the proof that chart and binary agree -- the rendered Deployment's
arguments, environment and ConfigMap start build/lakeward, which must accept every variable the
chart sets and answer /health. Helm is the pinned build from tests/stack/install.sh (helm)."""
import json
import os
import pathlib
import re
import shutil
import subprocess
import time

import pytest
import requests
import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
CHART = REPO / "helm" / "lakeward"
WORKSHOP = REPO / "helm" / "workshop-values.yaml"
BUILD = pathlib.Path(os.environ.get("LW_BUILD", REPO / "build"))
SECRET = "chart-test-secret"        # the test's own value for every Secret the chart refers to


def helm_bin():
    version = re.search(r"^HELM_VERSION=(\S+)", (REPO / "tests/stack/install.sh").read_text(), re.M)[1]
    cache = os.environ.get("LAKEWARD_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "lakeward")
    path = pathlib.Path(cache) / "helm" / version / "bin" / "helm"
    assert path.is_file(), f"{path} missing: run tests/stack/install.sh helm"
    return str(path)


def helm(*args, chart=CHART):
    r = subprocess.run([helm_bin(), *args[:1], *args[1:2], str(chart), *args[2:]],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def render(*values_args, chart=CHART, namespace="lakekeeper"):
    out = helm("template", "lakeward", "-n", namespace, *values_args, chart=chart)
    return {(d["kind"], d["metadata"]["name"]): d for d in yaml.safe_load_all(out) if d}


DEFAULT = ("--set", f"lakekeeper.clientSecret={SECRET}")
WORKSHOP_ARGS = ("-f", str(WORKSHOP))


@pytest.mark.parametrize("values", [DEFAULT, WORKSHOP_ARGS], ids=["default", "workshop"])
def test_lint_strict(values):
    out = helm("lint", "--strict", *values)
    assert "0 chart(s) failed" in out


def test_default_values_need_a_client_secret():
    r = subprocess.run([helm_bin(), "template", "x", str(CHART)], capture_output=True, text=True)
    assert r.returncode != 0 and "lakekeeper.clientSecret or lakekeeper.existingSecret" in r.stderr


def test_default_render():
    docs = render(*DEFAULT)
    kinds = sorted(k for k, _ in docs)     # no data source ConfigMap unless enabled
    assert kinds == ["ConfigMap", "ConfigMap", "Deployment", "PodDisruptionBudget", "Secret", "Service"]
    dep = docs[("Deployment", "lakeward")]
    c = dep["spec"]["template"]["spec"]["containers"][0]
    for probe in ("livenessProbe", "readinessProbe"):
        assert c[probe]["httpGet"] == {"path": "/health", "port": "http", "scheme": "HTTP"}
    assert c["resources"]["limits"]["memory"] == "256Mi"
    assert docs[("Secret", "lakeward")]["stringData"]["client-secret"] == SECRET
    dash = docs[("ConfigMap", "lakeward-dashboard")]
    assert dash["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert yaml.safe_load(dash["data"]["lakeward.json"])["panels"]
    assert docs[("PodDisruptionBudget", "lakeward")]["spec"]["minAvailable"] == 1


def test_workshop_render():
    docs = render(*WORKSHOP_ARGS)
    assert ("Secret", "lakeward") not in docs          # the client secret comes from an existing one
    dep = docs[("Deployment", "lakeward")]
    env = {e["name"]: e for e in dep["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["LAKEKEEPER_CLIENT_SECRET"]["valueFrom"]["secretKeyRef"] == {
        "name": "lakeward-keycloak", "key": "client-secret"}
    assert "keycloak.keycloak.svc" in env["LAKEKEEPER_TOKEN_ENDPOINT"]["value"]
    cfg = docs[("ConfigMap", "lakeward")]["data"]["lakeward.cfg"]
    assert 'name = "prod"; lakekeeper_id = "default"; warehouse = "production";' in cfg
    assert 'admin_users = ["admin", "trino"]' in cfg or 'admin_users = ["trino", "admin"]' in cfg
    sm = docs[("ServiceMonitor", "lakeward")]
    assert sm["spec"]["endpoints"][0]["path"] == "/metrics"
    assert sm["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    assert docs[("ConfigMap", "lakeward-dashboard")]["metadata"]["namespace"] == "monitoring"
    dsm = docs[("ConfigMap", "lakeward-datasource")]
    assert dsm["metadata"]["labels"]["grafana_datasource"] == "1"
    (ds,) = yaml.safe_load(dsm["data"]["lakeward-datasource.yaml"])["datasources"]
    assert ds["type"] == "grafana-postgresql-datasource" and ds["uid"] == "lakeward"
    assert ds["url"] == "lakeward.lakekeeper.svc:5433" and ds["user"] == "grafana"
    assert ds["jsonData"]["sslmode"] == "verify-full" and ds["jsonData"]["database"] == "lakeward"
    assert ds["secureJsonData"]["password"] == "$LAKEWARD_GRAFANA_PASSWORD"
    # The dashboard's panels use the data source through the ${datasource} variable, typed so.
    dash = json.loads(docs[("ConfigMap", "lakeward-dashboard")]["data"]["lakeward.json"])
    (var,) = dash["templating"]["list"]
    assert var["type"] == "datasource" and var["query"] == ds["type"]
    assert {t["datasource"]["type"] for p in dash["panels"] for t in p["targets"]} == {ds["type"]}


def test_notes_print_trino_properties_and_psql(tmp_path):
    # NOTES.txt is only rendered by install/upgrade, which need a cluster: render it through a
    # copy of the chart with one extra template that includes it.
    chart = tmp_path / "lakeward"
    shutil.copytree(CHART, chart)
    (chart / "templates" / "zz-notes.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: notes}\n"
        'data:\n  notes: {{ include "lakeward/templates/NOTES.txt" . | quote }}\n')
    notes = render(*WORKSHOP_ARGS, "--set", "tls.existingSecret=t", chart=chart)[
        ("ConfigMap", "notes")]["data"]["notes"]
    assert "access-control.name=opa" in notes
    assert "opa.policy.uri=https://lakeward.lakekeeper.svc:8181/v1/data/trino/allow" in notes
    assert "opa.policy.batched-uri=https://lakeward.lakekeeper.svc:8181/v1/data/trino/batch" in notes
    assert 'psql "host=lakeward.lakekeeper.svc port=5433 dbname=lakeward' in notes


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def self_signed(tmp_path, name):
    crt, key = tmp_path / f"{name}.crt", tmp_path / f"{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(crt)], check=True, capture_output=True)
    return {"tls.crt": crt.read_text(), "tls.key": key.read_text()}


def run_rendered(docs, tmp_path, secrets):
    """Starts build/lakeward as the rendered Deployment would run it: the container's args
    (listen addresses moved to free loopback ports), its env with each secretKeyRef taken from
    `secrets` ({secret name: {key: value}}, the test's own), and the ConfigMap and Secret
    volumes as files at the paths the mounts name, moved to a temporary directory (paths
    inside the config file too)."""
    dep = next(d for (k, _), d in docs.items() if k == "Deployment")
    pod = dep["spec"]["template"]["spec"]
    c = pod["containers"][0]
    volumes = {v["name"]: v for v in pod["volumes"]}
    paths, configmaps = {}, []
    for m in c["volumeMounts"]:
        v = volumes[m["name"]]
        if "configMap" in v:
            configmaps.append((m, docs[("ConfigMap", v["configMap"]["name"])]["data"]))
            continue
        data = secrets[v["secret"]["secretName"]]
        for name, text in data.items():
            local = tmp_path / f"{m['name']}-{name}"
            local.write_text(text)
            paths[f"{m['mountPath']}/{name}"] = str(local)
    for m, data in configmaps:          # after the Secrets: the config file names their paths
        for name, text in data.items():
            for inside, local in paths.items():
                text = text.replace(inside, local)
            local = tmp_path / f"cm-{name}"
            local.write_text(text)
            paths[f"{m['mountPath']}/{name}"] = str(local)
    args = []
    http_port, pg_port = free_port(), free_port()
    for a in c["args"]:
        a = paths.get(a, a)
        a = {"0.0.0.0:8181": f"127.0.0.1:{http_port}", "0.0.0.0:5433": f"127.0.0.1:{pg_port}"}.get(a, a)
        args.append(a)
    assert f"127.0.0.1:{http_port}" in args and f"127.0.0.1:{pg_port}" in args
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LAKEKEEPER_", "TRINO_", "LAKEWARD_"))}
    binary = (BUILD / "lakeward").read_bytes()
    for e in c["env"]:
        # Proof the binary reads every variable the chart sets (names appear in its text).
        assert e["name"].encode() in binary, f"the chart sets {e['name']}, which lakeward does not read"
        if "valueFrom" in e:
            ref = e["valueFrom"]["secretKeyRef"]
            env[e["name"]] = secrets[ref["name"]][ref["key"]]
        else:
            env[e["name"]] = paths.get(e["value"], e["value"])
    check = subprocess.run([str(BUILD / "lakeward"), *args, "--check-config"], env=env,
                           capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stdout + check.stderr
    log = open(tmp_path / "lakeward.log", "wb")
    proc = subprocess.Popen([str(BUILD / "lakeward"), *args], env=env, stdout=log, stderr=subprocess.STDOUT)
    return proc, http_port, pg_port


def probe(c, port):
    p = c["readinessProbe"]["httpGet"]
    return f"{p['scheme'].lower()}://127.0.0.1:{port}{p['path']}"


def scram_users_cfg(password):
    verifier = subprocess.run([str(BUILD / "lakeward"), "--scram-verifier"], input=password + "\n",
                              capture_output=True, text=True, check=True).stdout.strip()
    return f'pg_users = [ "grafana {verifier} svc-grafana" ];\n'


@pytest.fixture
def store_dsn(request):
    """A fresh database on the test stack's PostgreSQL for the workshop values' decision store."""
    import psycopg
    st = request.getfixturevalue("stack")
    base = f"postgresql://{st['PG_USER']}@{st['PG_HOST']}:{st['PG_PORT']}"
    name = "lw_chart_" + os.urandom(6).hex()
    with psycopg.connect(base + "/postgres", autocommit=True) as c:
        c.execute(f"CREATE DATABASE {name}")
    yield f"{base}/{name}"
    with psycopg.connect(base + "/postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def wait_health(proc, url, verify, log_path):
    deadline = time.time() + 20
    while True:
        assert proc.poll() is None, log_path.read_text()
        try:
            return requests.get(url, timeout=2, verify=verify)
        except requests.ConnectionError:
            assert time.time() < deadline, "lakeward never answered /health"
            time.sleep(0.1)


def test_default_values_run_the_binary(tmp_path):
    docs = render(*DEFAULT)
    proc, port, _ = run_rendered(docs, tmp_path, {"lakeward": {"client-secret": SECRET}})
    try:
        c = docs[("Deployment", "lakeward")]["spec"]["template"]["spec"]["containers"][0]
        url = probe(c, port)
        assert url.startswith("http://")
        r = wait_health(proc, url, True, tmp_path / "lakeward.log")
        assert r.status_code == 200 and r.json()["status"] == "ok"
        assert requests.get(url.replace("/health", "/metrics"), timeout=5).status_code == 200
        log = (tmp_path / "lakeward.log").read_text()
        env = {e["name"]: e.get("value") for e in c["env"]}
        assert f"event=lakekeeper_instance id=default url={env['LAKEKEEPER_URL']} " in log
        assert "tls=off" in log
    finally:
        proc.terminate()
        assert proc.wait(timeout=20) == 0, (tmp_path / "lakeward.log").read_text()


def test_workshop_values_run_the_binary(tmp_path, store_dsn):
    """Everything the workshop values turn on, with the test's own Secrets: HTTPS, Postgres TLS,
    the SCRAM user Grafana logs in with (hostssl scram-sha-256 rule), its admin principal, and
    the decision store shared through PostgreSQL."""
    import psycopg
    docs = render(*WORKSHOP_ARGS, "--set", "tls.existingSecret=lakeward-tls")
    secrets = {
        "lakeward-keycloak": {"client-secret": SECRET},
        "lakeward-tls": self_signed(tmp_path, "http"),
        "lakeward-pg-tls": self_signed(tmp_path, "pg"),
        "lakeward-pg-users": {"pg-users.cfg": scram_users_cfg("grafana-pw")},
        "lakeward-decision-store": {"dsn": store_dsn},
    }
    ca = tmp_path / "http.crt"
    ca.write_text(secrets["lakeward-tls"]["tls.crt"])
    proc, port, pg_port = run_rendered(docs, tmp_path, secrets)
    try:
        c = docs[("Deployment", "lakeward")]["spec"]["template"]["spec"]["containers"][0]
        url = probe(c, port)
        assert url.startswith("https://")
        r = wait_health(proc, url, str(ca), tmp_path / "lakeward.log")
        assert r.status_code == 200 and r.json()["status"] == "ok"
        body = {"input": {"context": {"identity": {"user": "chart-test", "groups": []},
                                      "softwareStack": {"trinoVersion": "455"}},
                          "action": {"operation": "ExecuteQuery"}}}
        d = requests.post(url.replace("/health", "/v1/data/trino/allow"), json=body, timeout=10,
                          verify=str(ca))
        assert d.status_code == 200 and d.json()["result"] is True
        conn = dict(host="127.0.0.1", port=pg_port, dbname="lakeward", user="grafana",
                    password="grafana-pw")
        with pytest.raises(psycopg.OperationalError):      # hostssl rules only
            psycopg.connect(**conn, sslmode="disable").close()
        deadline = time.time() + 20
        with psycopg.connect(**conn, sslmode="require") as pg:
            assert pg.info.pgconn.ssl_in_use
            assert pg.execute("SELECT current_user").fetchone() == ("svc-grafana",)
            while True:     # the decision, through the store (the ring has no replica column)
                rows = pg.execute("SELECT user_name, replica IS NOT NULL FROM decisions "
                                  "WHERE user_name = 'chart-test'").fetchall()
                if rows:
                    break
                assert time.time() < deadline, "the decision never reached the store"
                time.sleep(0.1)
            assert rows == [("chart-test", True)]
        log = (tmp_path / "lakeward.log").read_text()
        assert "tls=on" in log and "event=connected" in log and "mod=decision_store" in log
    finally:
        proc.terminate()
        assert proc.wait(timeout=20) == 0, (tmp_path / "lakeward.log").read_text()

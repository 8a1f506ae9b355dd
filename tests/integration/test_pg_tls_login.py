"""TLS and logins on lakeward's Postgres face (docs/sql-clients.md, "TLS" and "Logins"):
real psql (libpq) and psycopg 3 with sslmode=disable/require/verify-full against a CA and
server certificate this test makes, \\conninfo; pg_hba rules (first match, no rule, reject,
hostssl); SCRAM-SHA-256 with verifiers from `lakeward --scram-verifier` and from the stack's
PostgreSQL; the `client` method against the stack's Keycloak; cleartext refused without
TLS; current_user is the principal and pg_admins makes it admin; malformed SASL messages
close the connection without harming the server."""
import datetime
import ipaddress
import socket
import ssl
import struct
import subprocess

import psycopg
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from conftest import CLIENT_SECRETS, SUBJECTS
from lakeward_proc import BUILD

PSQL_TIMEOUT = 30


# --- helpers -------------------------------------------------------------------------------

def _name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_ca_and_server(d, ca_name="lakeward test CA"):
    """A CA and a server certificate for localhost/127.0.0.1 under directory d; returns
    (ca_path, cert_path, key_path)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(_name(ca_name))
          .issuer_name(_name(ca_name)).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now)
          .not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(_name("localhost")).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .sign(ca_key, hashes.SHA256()))
    paths = (d / "ca.pem", d / "server.pem", d / "server.key")
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    paths[2].chmod(0o600)
    return tuple(str(p) for p in paths)


def scram_verifier(password):
    r = subprocess.run([str(BUILD / "lakeward"), "--scram-verifier"], input=password + "\n",
                       capture_output=True, text=True, timeout=30, check=True)
    return r.stdout.strip()


def cfg_text(tls=None, hba=(), users=(), admins=(), extra=""):
    def arr(xs):
        return "[" + ", ".join(f'"{x}"' for x in xs) + "]"
    t = extra
    if tls:
        t += f'pg_tls_cert = "{tls[1]}";\npg_tls_key = "{tls[2]}";\n'
    if hba:
        t += f"pg_hba = {arr(hba)};\n"
    if users:
        t += f"pg_users = {arr(users)};\n"
    if admins:
        t += f"pg_admins = {arr(admins)};\n"
    return t


def psql(lw, sql, conninfo="", user="alice", password=None, host="127.0.0.1"):
    """psql -At -c SQL with a conninfo string; returns the CompletedProcess."""
    env = {"PATH": "/usr/bin:/bin", "PGCONNECT_TIMEOUT": "10"}
    if password is not None:
        env["PGPASSWORD"] = password
    cmd = ["psql", f"host={host} port={lw.pg_port} user={user} dbname=lakeward {conninfo}",
           "-X", "-At", "-w", "-v", "ON_ERROR_STOP=1", "-c", sql]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=PSQL_TIMEOUT, env=env)


def ok(r):
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()


def connect(lw, user, password=None, **kw):
    return psycopg.connect(host="127.0.0.1", port=lw.pg_port, user=user, dbname="lakeward",
                           password=password, connect_timeout=10, autocommit=True, **kw)


@pytest.fixture
def tls_files(tmp_path):
    d = tmp_path / "tls"
    d.mkdir()
    return make_ca_and_server(d)


def start(lakeward_factory, config, env=None):
    lw = lakeward_factory(env or {}, config)
    lw.pg_auth_refused = lambda: lw.metric("lakeward_pg_auth_refused_total")
    return lw


# --- TLS -----------------------------------------------------------------------------------

def test_tls_modes_with_psql(lakeward_factory, tls_files):
    lw = start(lakeward_factory, cfg_text(tls=tls_files))
    # Without TLS, and with sslmode=require / verify-full against the test's own CA.
    assert ok(psql(lw, "select current_user", "sslmode=disable")) == ["alice"]
    assert ok(psql(lw, "select current_user", "sslmode=require")) == ["alice"]
    r = ok(psql(lw, "\\conninfo", f"sslmode=verify-full sslrootcert={tls_files[0]}",
                host="localhost"))
    assert any("SSL connection (protocol: TLSv1.3" in line for line in r), r
    ok(psql(lw, "select 1", f"sslmode=verify-full sslrootcert={tls_files[0]}"))
    # psycopg: TLS and a query over it.
    with connect(lw, "alice", sslmode="require") as c:
        assert c.info.pgconn.ssl_in_use
        assert c.execute("select 40 + 2").fetchone() == (42,)


def test_tls_refused_without_cert_config(lakeward_factory):
    lw = start(lakeward_factory, cfg_text())
    r = psql(lw, "select 1", "sslmode=require")
    assert r.returncode != 0 and "does not support SSL" in r.stderr, r.stderr
    assert ok(psql(lw, "select 1", "sslmode=prefer")) == ["1"]


def test_verify_full_with_wrong_ca_fails(lakeward_factory, tls_files, tmp_path):
    lw = start(lakeward_factory, cfg_text(tls=tls_files))
    d = tmp_path / "other"
    d.mkdir()
    other_ca = make_ca_and_server(d, "some other CA")[0]
    r = psql(lw, "select 1", f"sslmode=verify-full sslrootcert={other_ca}")
    assert r.returncode != 0 and "certificate verify failed" in r.stderr, r.stderr
    assert ok(psql(lw, "select 1", "sslmode=require")) == ["1"]   # the server is fine


def test_tls_1_1_refused(lakeward_factory, tls_files):
    lw = start(lakeward_factory, cfg_text(tls=tls_files))
    s = socket.create_connection(("127.0.0.1", lw.pg_port), timeout=10)
    s.sendall(struct.pack("!II", 8, 80877103))
    assert s.recv(1) == b"S"
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = ssl.TLSVersion.TLSv1
    ctx.maximum_version = ssl.TLSVersion.TLSv1_1
    try:
        ctx.set_ciphers("ALL:@SECLEVEL=0")
    except ssl.SSLError:
        pass
    with pytest.raises((ssl.SSLError, ConnectionError, OSError)):
        ctx.wrap_socket(s).do_handshake()
    s.close()
    assert ok(psql(lw, "select 1", "sslmode=require")) == ["1"]


def test_garbage_instead_of_tls_handshake(lakeward_factory, tls_files):
    lw = start(lakeward_factory, cfg_text(tls=tls_files))
    s = socket.create_connection(("127.0.0.1", lw.pg_port), timeout=10)
    s.sendall(struct.pack("!II", 8, 80877103))
    assert s.recv(1) == b"S"
    s.sendall(b"\x16\x03\x01\x00\x05hello" + b"\0" * 100)
    s.settimeout(10)
    try:
        while s.recv(4096):
            pass
    except ConnectionError:
        pass
    s.close()
    assert "tls_failed" in lw.log_text()
    assert ok(psql(lw, "select 1", "sslmode=require")) == ["1"]


# --- SCRAM ---------------------------------------------------------------------------------

SCRAM_HBA = ["host grafana,bob 127.0.0.1/32 scram-sha-256", "host all 127.0.0.1/32 trust"]


def test_scram_psql_and_psycopg(lakeward_factory, tls_files):
    users = [f"grafana {scram_verifier('graf pw 1')} svc-grafana",
             f"bob {scram_verifier('bobs-pw')}"]
    lw = start(lakeward_factory, cfg_text(tls=tls_files, hba=SCRAM_HBA, users=users,
                                          admins=["svc-grafana"]))
    assert ok(psql(lw, "select current_user, session_user", user="grafana",
                   password="graf pw 1")) == ["svc-grafana|svc-grafana"]
    assert ok(psql(lw, "select current_user", "sslmode=require", user="bob",
                   password="bobs-pw")) == ["bob"]
    # Over TLS SCRAM-SHA-256-PLUS binds the exchange to the certificate (libpq and psycopg).
    assert ok(psql(lw, "select current_user", "sslmode=require channel_binding=require",
                   user="bob", password="bobs-pw")) == ["bob"]
    with connect(lw, "bob", "bobs-pw", sslmode="require", channel_binding="require") as c:
        assert c.execute("select current_user").fetchone() == ("bob",)
    r = psql(lw, "select 1", "sslmode=disable channel_binding=require", user="bob",
             password="bobs-pw")
    assert r.returncode != 0 and "channel binding" in r.stderr, r.stderr
    with connect(lw, "grafana", "graf pw 1") as c:
        assert c.execute("select current_user").fetchone() == ("svc-grafana",)
    with connect(lw, "bob", "bobs-pw", sslmode="require") as c:
        assert c.execute("select current_user").fetchone() == ("bob",)
    # sslmode is explicit where refusals are counted: libpq's default (prefer) tries again
    # without TLS after a refusal over TLS, which counts twice.
    before = lw.pg_auth_refused()
    r = psql(lw, "select 1", "sslmode=require", user="grafana", password="graf pw 2")
    assert r.returncode != 0
    assert 'password authentication failed for user "grafana"' in r.stderr, r.stderr
    with pytest.raises(psycopg.OperationalError) as e:
        connect(lw, "bob", "wrong", sslmode="disable")
    assert "password authentication failed" in str(e.value)
    assert lw.pg_auth_refused() == before + 2
    log = lw.log_text()
    assert "graf pw 2" not in log and "wrong password" in log
    # pg_admins names principals: grafana's sessions are admin, bob's are not.
    assert 'principal="svc-grafana" admin=yes' in log and 'principal="bob" admin=no' in log
    # Other users still match the trust rule after the SCRAM rule.
    assert ok(psql(lw, "select current_user", user="alice")) == ["alice"]


def test_scram_unknown_user_refused_like_wrong_password(lakeward_factory):
    lw = start(lakeward_factory, cfg_text(hba=["host all 127.0.0.1/32 scram-sha-256"],
                                          users=[f"bob {scram_verifier('x')}"]))
    r = psql(lw, "select 1", user="mallory", password="x")
    assert r.returncode != 0
    assert 'password authentication failed for user "mallory"' in r.stderr, r.stderr


def test_scram_verifier_from_postgresql(lakeward_factory, stack):
    """A verifier PostgreSQL itself made (pg_authid.rolpassword) works unchanged."""
    dsn = stack.get("PG_DSN") or stack.get("POSTGRES_DSN")
    if not dsn:
        pytest.skip("the stack describes no PostgreSQL DSN")
    with psycopg.connect(dsn, autocommit=True) as c:
        c.execute("set password_encryption = 'scram-sha-256'")
        c.execute("drop role if exists lw_scram_probe")
        c.execute("create role lw_scram_probe login password 'from postgres'")
        try:
            v = c.execute("select rolpassword from pg_authid where rolname = 'lw_scram_probe'"
                          ).fetchone()[0]
        finally:
            c.execute("drop role lw_scram_probe")
    assert v.startswith("SCRAM-SHA-256$")
    lw = start(lakeward_factory, cfg_text(hba=["host all 127.0.0.1/32 scram-sha-256"],
                                          users=[f"probe {v}"]))
    assert ok(psql(lw, "select current_user", user="probe", password="from postgres")) == ["probe"]
    assert psql(lw, "select 1", user="probe", password="from postgreS").returncode != 0


# --- pg_hba --------------------------------------------------------------------------------

def test_hba_no_rule_reject_and_hostssl(lakeward_factory, tls_files):
    lw = start(lakeward_factory, cfg_text(tls=tls_files, hba=[
        "host mallory 127.0.0.1/32 reject",
        "hostssl secure 127.0.0.1/32 trust",
        "host alice 127.0.0.1/32 trust"]))
    before = lw.pg_auth_refused()
    r = psql(lw, "select 1", "sslmode=disable", user="mallory")
    assert r.returncode != 0 and 'no pg_hba entry for host "127.0.0.1", user "mallory"' in r.stderr
    r = psql(lw, "select 1", "sslmode=disable", user="secure")
    assert r.returncode != 0 and "no encryption" in r.stderr, r.stderr
    assert ok(psql(lw, "select current_user", "sslmode=require", user="secure")) == ["secure"]
    r = psql(lw, "select 1", "sslmode=disable", user="nobody")
    assert r.returncode != 0 and "no pg_hba entry" in r.stderr
    assert lw.pg_auth_refused() == before + 3


def test_config_refuses_trust_beyond_loopback(tmp_path):
    cfg = tmp_path / "c.cfg"
    cfg.write_text(cfg_text(hba=["host all 0.0.0.0/0 trust"]))
    r = subprocess.run([str(BUILD / "lakeward"), "--config", str(cfg), "--check-config"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "trust is allowed only for loopback" in r.stderr, r.stderr
    cfg.write_text(cfg_text(users=["bob plainpassword"]))
    r = subprocess.run([str(BUILD / "lakeward"), "--config", str(cfg), "--check-config"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "verifier" in r.stderr and "plainpassword" not in r.stderr


# --- client (Keycloak) ---------------------------------------------------------------------

def client_cfg(stack, tls_files, extra_hba=()):
    return cfg_text(tls=tls_files, hba=[*extra_hba, "host all 127.0.0.1/32 client"],
                    admins=[f"oidc~{SUBJECTS['airflow-sp-2']}"],
                    extra=f'pg_token_endpoint = "{stack["KEYCLOAK_TOKEN_ENDPOINT"]}";\n')


def test_client_login_against_keycloak(lakeward_factory, stack, tls_files):
    lw = start(lakeward_factory, client_cfg(stack, tls_files))
    sid, secret = "airflow-sp-1", CLIENT_SECRETS["airflow-sp-1"]
    assert ok(psql(lw, "select current_user", "sslmode=require", user=sid,
                   password=secret)) == [f"oidc~{SUBJECTS['airflow-sp-1']}"]
    with connect(lw, "airflow-sp-2", CLIENT_SECRETS["airflow-sp-2"], sslmode="require") as c:
        assert c.execute("select current_user").fetchone() == (f"oidc~{SUBJECTS['airflow-sp-2']}",)
    before = lw.pg_auth_refused()
    r = psql(lw, "select 1", "sslmode=require", user=sid, password="not-the-secret")
    assert r.returncode != 0 and "password authentication failed" in r.stderr, r.stderr
    # Cleartext over plain TCP is refused before the password is even asked for.
    r = psql(lw, "select 1", "sslmode=disable", user=sid, password=secret)
    assert r.returncode != 0 and "needs an SSL connection" in r.stderr, r.stderr
    assert lw.pg_auth_refused() == before + 2
    log = lw.log_text()
    assert secret not in log and "not-the-secret" not in log
    assert "cleartext password without TLS" in log


def test_client_success_cached_failure_not(lakeward_factory, stack, tls_files):
    lw = start(lakeward_factory, client_cfg(stack, tls_files))
    sid, secret = "airflow-sp-1", CLIENT_SECRETS["airflow-sp-1"]
    for _ in range(3):
        assert ok(psql(lw, "select current_user", "sslmode=require", user=sid,
                       password=secret)) == [f"oidc~{SUBJECTS['airflow-sp-1']}"]
    assert lw.log_text().count("client_login_cached") == 2
    # A wrong secret for the same client is asked at the IdP each time and refused.
    for _ in range(2):
        r = psql(lw, "select 1", "sslmode=require", user=sid, password=secret + "x")
        assert r.returncode != 0 and "password authentication failed" in r.stderr
    assert lw.log_text().count("client_login_cached") == 2
    assert lw.log_text().count("client credentials refused") == 2


def test_client_loopback_cleartext(lakeward_factory, stack, tls_files):
    lw = start(lakeward_factory, client_cfg(stack, tls_files, extra_hba=[
        "hostnossl airflow-sp-1 127.0.0.1/32 client loopback-cleartext"]))
    assert ok(psql(lw, "select current_user", "sslmode=disable", user="airflow-sp-1",
                   password=CLIENT_SECRETS["airflow-sp-1"])) == [f"oidc~{SUBJECTS['airflow-sp-1']}"]


# --- robustness of the SASL exchange -------------------------------------------------------

def _startup(user):
    body = struct.pack("!HH", 3, 0) + b"user\0" + user.encode() + b"\0database\0lakeward\0\0"
    return struct.pack("!I", len(body) + 4) + body


def _read_msg(s):
    hdr = b""
    while len(hdr) < 5:
        chunk = s.recv(5 - len(hdr))
        if not chunk:
            return None
        hdr += chunk
    n = struct.unpack("!I", hdr[1:])[0] - 4
    body = b""
    while len(body) < n:
        chunk = s.recv(n - len(body))
        if not chunk:
            return None
        body += chunk
    return hdr[:1], body


BAD_SASL = [
    b"",                                                   # nothing at all
    b"SCRAM-SHA-256",                                      # no NUL, no length
    b"SCRAM-SHA-256\0" + struct.pack("!i", 100) + b"n,,",  # length beyond the message
    b"SCRAM-SHA-256\0" + struct.pack("!i", -1),            # no initial response
    b"SCRAM-SHA-1\0" + struct.pack("!i", 3) + b"n,,",      # mechanism not offered
    b"SCRAM-SHA-256\0" + struct.pack("!i", 20) + b"p=tls-unique,,n=,r=",
    b"SCRAM-SHA-256\0" + struct.pack("!i", 8) + b"n,,n=,r=",
    b"SCRAM-SHA-256\0" + struct.pack("!i", 6) + b"\xff\xfe\0\0\0\0",
]


@pytest.mark.parametrize("payload", BAD_SASL)
def test_malformed_sasl_initial_response(lakeward_factory, payload):
    lw = start(lakeward_factory, cfg_text(hba=["host all 127.0.0.1/32 scram-sha-256"],
                                          users=[f"bob {scram_verifier('pw')}"]))
    s = socket.create_connection(("127.0.0.1", lw.pg_port), timeout=10)
    s.sendall(_startup("bob"))
    t, body = _read_msg(s)
    assert t == b"R" and body[:4] == struct.pack("!i", 10) and b"SCRAM-SHA-256" in body
    s.sendall(b"p" + struct.pack("!I", len(payload) + 4) + payload)
    m = _read_msg(s)
    assert m is not None and m[0] == b"E", m
    assert b"C08P01" in m[1]
    assert _read_msg(s) is None
    s.close()
    assert ok(psql(lw, "select current_user", user="bob", password="pw")) == ["bob"]


def test_malformed_sasl_final(lakeward_factory):
    lw = start(lakeward_factory, cfg_text(hba=["host all 127.0.0.1/32 scram-sha-256"],
                                          users=[f"bob {scram_verifier('pw')}"]))
    for final in (b"", b"c=biws", b"c=biws,r=x,p=AAAA", b"garbage\0more", b"c=" + b"A" * 9000):
        s = socket.create_connection(("127.0.0.1", lw.pg_port), timeout=10)
        s.sendall(_startup("bob"))
        assert _read_msg(s)[0] == b"R"
        first = b"n,,n=,r=abcdefghijkl"
        p = b"SCRAM-SHA-256\0" + struct.pack("!i", len(first)) + first
        s.sendall(b"p" + struct.pack("!I", len(p) + 4) + p)
        t, body = _read_msg(s)
        assert t == b"R" and body[:4] == struct.pack("!i", 11) and body[4:].startswith(b"r=abcdefghijkl")
        s.sendall(b"p" + struct.pack("!I", len(final) + 4) + final)
        m = _read_msg(s)
        assert m is not None and m[0] == b"E", m
        assert _read_msg(s) is None
        s.close()
    assert ok(psql(lw, "select 1", user="bob", password="pw")) == ["1"]


def test_auth_phase_bounded_by_startup_timeout(lakeward_factory):
    lw = start(lakeward_factory, cfg_text(hba=["host all 127.0.0.1/32 scram-sha-256"],
                                          users=[f"bob {scram_verifier('pw')}"],
                                          extra="pg_startup_timeout_ms = 1000;\n"))
    s = socket.create_connection(("127.0.0.1", lw.pg_port), timeout=30)
    s.sendall(_startup("bob"))
    assert _read_msg(s)[0] == b"R"
    # Say nothing: the server must close within the startup timeout (generous bound).
    s.settimeout(20)
    assert _read_msg(s) is None
    s.close()

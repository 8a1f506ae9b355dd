"""`oidc` logins on lakeward's Postgres face (docs/sql-clients.md, "Logins"): the password is
an access token. A small IdP served by this test (discovery document and JWKS with keys of
its own) lets it forge every kind of bad token -- expired, not yet valid, wrong issuer, wrong
audience, bad signature, alg none, HS256 keyed with the public key, unknown key id -- and
rotate keys; the stack's Keycloak issues real tokens that must be accepted."""
import base64
import hashlib
import hmac
import http.server
import json
import threading
import time

import jwt
import psycopg
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from conftest import SUBJECTS, client_token
from test_pg_tls_login import cfg_text, make_ca_and_server, ok, psql

AUD = "lakeward-sql"


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def b64u_int(n):
    return b64u(n.to_bytes((n.bit_length() + 7) // 8, "big"))


def jwk_of(kid, key):
    pub = key.public_key()
    if isinstance(key, rsa.RSAPrivateKey):
        nums = pub.public_numbers()
        return {"kty": "RSA", "kid": kid, "use": "sig", "n": b64u_int(nums.n), "e": b64u_int(nums.e)}
    if isinstance(key, ec.EllipticCurvePrivateKey):
        nums = pub.public_numbers()
        size = (key.curve.key_size + 7) // 8
        return {"kty": "EC", "kid": kid, "use": "sig",
                "crv": {256: "P-256", 384: "P-384"}[key.curve.key_size],
                "x": b64u(nums.x.to_bytes(size, "big")), "y": b64u(nums.y.to_bytes(size, "big"))}
    raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "kid": kid, "use": "sig", "crv": "Ed25519", "x": b64u(raw)}


class FakeIdP:
    """Discovery + JWKS on a local port; `keys` can change while it runs (rotation)."""

    def __init__(self):
        self.keys = {}
        self.certs_hits = 0
        idp = self

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                if self.path == "/realm/.well-known/openid-configuration":
                    body = {"issuer": idp.issuer, "jwks_uri": idp.issuer + "/certs"}
                elif self.path == "/realm/certs":
                    idp.certs_hits += 1
                    body = {"keys": [jwk_of(k, v) for k, v in idp.keys.items()]}
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.issuer = f"http://127.0.0.1:{self.srv.server_address[1]}/realm"
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()

    def close(self):
        self.srv.shutdown()
        self.srv.server_close()


KEYS = {
    "rsa1": lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
    "ec256": lambda: ec.generate_private_key(ec.SECP256R1()),
    "ec384": lambda: ec.generate_private_key(ec.SECP384R1()),
    "ed1": lambda: ed25519.Ed25519PrivateKey.generate(),
}


@pytest.fixture
def idp():
    i = FakeIdP()
    i.keys = {k: f() for k, f in KEYS.items()}
    yield i
    i.close()


@pytest.fixture
def tls_files(tmp_path):
    d = tmp_path / "tls"
    d.mkdir()
    return make_ca_and_server(d)


def claims(idp, **over):
    now = int(time.time())
    c = {"iss": idp.issuer, "aud": ["account", AUD], "sub": "u-123", "exp": now + 300,
         "iat": now, "nbf": now - 5}
    c.update(over)
    return {k: v for k, v in c.items() if v is not None}


def sign(idp, alg, kid, c, key=None):
    return jwt.encode(c, key or idp.keys[kid], algorithm=alg, headers={"kid": kid})


def unsigned(header, c, sig=b""):
    return f"{b64u(json.dumps(header).encode())}.{b64u(json.dumps(c).encode())}.{b64u(sig)}"


def start_lw(lakeward_factory, issuer, tls_files, audience=AUD, hba=("host all 127.0.0.1/32 oidc",)):
    return lakeward_factory({}, cfg_text(tls=tls_files, hba=list(hba), admins=["oidc~u-admin"],
                                         extra=f'pg_oidc_issuer = "{issuer}";\n'
                                               f'pg_oidc_audience = "{audience}";\n'))


def login(lw, token, sql="select current_user"):
    return psql(lw, sql, "sslmode=require", user="token", password=token)


def test_good_tokens_every_allowed_algorithm(lakeward_factory, idp, tls_files):
    lw = start_lw(lakeward_factory, idp.issuer, tls_files)
    for alg, kid in (("RS256", "rsa1"), ("RS384", "rsa1"), ("RS512", "rsa1"), ("PS256", "rsa1"),
                     ("ES256", "ec256"), ("ES384", "ec384"), ("EdDSA", "ed1")):
        r = login(lw, sign(idp, alg, kid, claims(idp, sub=f"sub-{alg}")))
        assert ok(r) == [f"oidc~sub-{alg}"], alg
    # A string aud, no nbf; psycopg too.
    tok = sign(idp, "RS256", "rsa1", claims(idp, aud=AUD, nbf=None))
    with psycopg.connect(host="127.0.0.1", port=lw.pg_port, user="x", dbname="lakeward",
                         password=tok, sslmode="require", autocommit=True) as c:
        assert c.execute("select current_user").fetchone() == ("oidc~u-123",)
    assert idp.certs_hits == 1        # one fetch served every backend


def test_bad_tokens_refused(lakeward_factory, idp, tls_files):
    lw = start_lw(lakeward_factory, idp.issuer, tls_files)
    now = int(time.time())
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pub_pem = idp.keys["rsa1"].public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    c = claims(idp)
    hs_input = f"{b64u(json.dumps({'alg': 'HS256', 'kid': 'rsa1'}).encode())}.{b64u(json.dumps(c).encode())}"
    cases = {
        "token expired": sign(idp, "RS256", "rsa1", claims(idp, exp=now - 120)),
        "token not valid yet": sign(idp, "RS256", "rsa1", claims(idp, nbf=now + 600)),
        "wrong issuer": sign(idp, "RS256", "rsa1", claims(idp, iss="https://evil.example/realm")),
        "wrong audience": sign(idp, "RS256", "rsa1", claims(idp, aud=["account"])),
        "no exp claim": sign(idp, "RS256", "rsa1", claims(idp, exp=None)),
        "no subject": sign(idp, "RS256", "rsa1", claims(idp, sub=None)),
        "bad signature": sign(idp, "RS256", "rsa1", c, key=other),
        "algorithm not allowed": unsigned({"alg": "none", "kid": "rsa1"}, c),
        "HS256": hs_input + "." + b64u(hmac.new(pub_pem, hs_input.encode(), hashlib.sha256).digest()),
        "ES256 signed with the RSA kid": sign(idp, "ES256", "rsa1", c, key=idp.keys["ec256"]),
        "malformed": "not.a.token",
        "garbage": "x" * 3000,
    }
    before = lw.metric("lakeward_pg_auth_refused_total")
    for name, tok in cases.items():
        r = login(lw, tok)
        assert r.returncode != 0, name
        assert 'password authentication failed for user "token"' in r.stderr, (name, r.stderr)
    assert lw.metric("lakeward_pg_auth_refused_total") == before + len(cases)
    log = lw.log_text()
    for tok in cases.values():
        assert tok not in log
    for why in ("token expired", "not valid yet", "wrong issuer", "wrong audience",
                "bad signature", "signature algorithm not allowed"):
        assert why in log, why
    # The server is fine afterwards.
    assert ok(login(lw, sign(idp, "RS256", "rsa1", c))) == ["oidc~u-123"]


def test_cleartext_token_needs_tls(lakeward_factory, idp, tls_files):
    lw = start_lw(lakeward_factory, idp.issuer, tls_files)
    r = psql(lw, "select 1", "sslmode=disable", user="t",
             password=sign(idp, "RS256", "rsa1", claims(idp)))
    assert r.returncode != 0 and "needs an SSL connection" in r.stderr, r.stderr


def test_key_rotation_and_refresh_rate_limit(lakeward_factory, idp, tls_files):
    lw = start_lw(lakeward_factory, idp.issuer, tls_files)
    assert ok(login(lw, sign(idp, "RS256", "rsa1", claims(idp)))) == ["oidc~u-123"]
    assert idp.certs_hits == 1
    # Unknown key ids right after a fetch: refused without hammering the IdP.
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    for i in range(3):
        r = login(lw, sign(idp, "RS256", f"nope{i}", claims(idp), key=stranger))
        assert r.returncode != 0
    assert idp.certs_hits == 1
    # The IdP rotates to a new key; after the rate-limit window the new kid makes lakeward
    # fetch the keys again and the token is accepted.
    idp.keys["rsa2"] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    time.sleep(10.5)
    assert ok(login(lw, sign(idp, "RS256", "rsa2", claims(idp, sub="rotated")))) == ["oidc~rotated"]
    assert idp.certs_hits == 2
    assert "unknown key id" in lw.log_text()


def test_idp_down_refuses(lakeward_factory, tls_files):
    dead = FakeIdP()
    issuer = dead.issuer
    dead.close()
    lw = start_lw(lakeward_factory, issuer, tls_files)
    r = login(lw, "a.b.c")
    assert r.returncode != 0 and "password authentication failed" in r.stderr
    assert "jwks_fetch_failed" in lw.log_text()


def test_config_needs_issuer_and_audience(tmp_path):
    import subprocess
    from lakeward_proc import BUILD
    cfg = tmp_path / "c.cfg"
    cfg.write_text(cfg_text(hba=["host all 127.0.0.1/32 oidc"]))
    r = subprocess.run([str(BUILD / "lakeward"), "--config", str(cfg), "--check-config"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "pg_oidc_issuer" in r.stderr, r.stderr


def test_keycloak_tokens(lakeward_factory, stack, tls_files):
    lw = start_lw(lakeward_factory, stack["KEYCLOAK_ISSUER"], tls_files, audience="lakekeeper")
    tok = client_token(stack, "airflow-sp-1")
    assert ok(login(lw, tok, "select current_user")) == [f"oidc~{SUBJECTS['airflow-sp-1']}"]
    tok = client_token(stack, "airflow-sp-2")
    assert ok(login(lw, tok)) == [f"oidc~{SUBJECTS['airflow-sp-2']}"]
    # A Keycloak token with one character of its signature changed.
    head, body, sig = tok.split(".")
    bad = f"{head}.{body}.{sig[:-6]}{'A' if sig[-6] != 'A' else 'B'}{sig[-5:]}"
    r = login(lw, bad)
    assert r.returncode != 0 and "password authentication failed" in r.stderr
    # The wrong audience configured: Keycloak's own tokens are refused.
    lw2 = start_lw(lakeward_factory, stack["KEYCLOAK_ISSUER"], tls_files, audience="someone-else")
    assert login(lw2, tok).returncode != 0

"""`make image` (helm/image/build.sh): the OCI layout it writes is valid for umoci, its config
runs lakeward as the unprivileged user the chart expects, and its root filesystem alone runs the
binary -- unpacked and started through chroot, it answers /health. No container runtime needed."""
import json
import os
import pathlib
import shutil
import subprocess
import time

import pytest
import requests

REPO = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("LW_BUILD", REPO / "build"))


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def image(tmp_path_factory):
    if b"libasan" in subprocess.run(["ldd", str(BUILD / "lakeward")], capture_output=True).stdout:
        pytest.skip("a sanitizer build is never packed into an image (build.sh refuses it)")
    assert shutil.which("umoci"), "umoci missing: run tests/stack/install.sh image"
    out = tmp_path_factory.mktemp("image")
    # -o: take the binary under test as it is (never rebuild it from the working tree).
    r = subprocess.run(["make", "-s", f"BUILD={BUILD}", "-o", f"{BUILD}/lakeward", "image",
                        "IMAGE_TAG=9.9.9-test"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    bundle = out / "bundle"
    subprocess.run(["umoci", "unpack", "--rootless", "--image", f"{BUILD}/image/oci:9.9.9-test",
                    str(bundle)], check=True, capture_output=True, timeout=120)
    return BUILD / "image", bundle


def test_layout_and_archive(image):
    img, _ = image
    index = json.loads((img / "oci" / "index.json").read_text())
    (m,) = index["manifests"]
    assert m["annotations"]["org.opencontainers.image.ref.name"] == "9.9.9-test"
    listed = subprocess.run(["tar", "-tf", str(img / "lakeward-9.9.9-test.oci.tar")],
                            capture_output=True, text=True, check=True).stdout.split()
    assert "./index.json" in listed and "./oci-layout" in listed


def test_config_runs_lakeward_unprivileged(image):
    _, bundle = image
    cfg = json.loads((bundle / "config.json").read_text())
    assert cfg["process"]["args"] == ["/usr/bin/lakeward"]
    # The chart's pod securityContext says runAsNonRoot with uid 65532.
    assert cfg["process"]["user"] == {"uid": 65532, "gid": 65532}


def test_rootfs_alone_runs_the_binary(image, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("chroot needs root")
    _, bundle = image
    root = bundle / "rootfs"
    v = subprocess.run(["chroot", str(root), "/usr/bin/lakeward", "--version"],
                       capture_output=True, text=True, timeout=30)
    assert v.returncode == 0 and v.stdout.startswith("lakeward "), v.stdout + v.stderr
    port = free_port()
    env = {"LAKEKEEPER_TOKEN_ENDPOINT": "http://127.0.0.1:1/token", "LAKEKEEPER_CLIENT_ID": "x",
           "LAKEKEEPER_CLIENT_SECRET": "y", "PATH": "/usr/bin"}
    log = open(tmp_path / "lakeward.log", "wb")
    proc = subprocess.Popen([shutil.which("chroot"), "--userspec=65532:65532", str(root), "/usr/bin/lakeward",
                             "--http-listen", f"127.0.0.1:{port}", "--pg-listen", ""],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 20
        while True:
            assert proc.poll() is None, (tmp_path / "lakeward.log").read_text()
            try:
                r = requests.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except requests.ConnectionError:
                assert time.time() < deadline, "lakeward in the image's rootfs never answered"
                time.sleep(0.1)
        assert r.status_code == 200 and r.json()["status"] == "ok"
    finally:
        proc.terminate()
        assert proc.wait(timeout=20) == 0, (tmp_path / "lakeward.log").read_text()

"""The installers survive a fresh machine (issue 11, finding 7): apt calls wait, bounded, for the
package locks that unattended-upgrades holds at boot instead of failing at once, and the
Makefile parses quietly before the libraries are installed.

The lock tests hold dpkg's real frontend lock for a few seconds, once with flock(2) (what
flock(1) takes) and once with fcntl(2) (what apt and dpkg take; the two kinds do not conflict on
Linux, so apt's own DPkg::Lock::Timeout only sees the second), and run a real no-op apt-get
install through tests/stack/lib.sh's apt_get. They need root and apt, as installing does."""
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from conftest import REPO

FRONTEND_LOCK = "/var/lib/dpkg/lock-frontend"
# Already installed (tests/stack/install.sh), so installing it again changes nothing.
NOOP_PACKAGE = "jq"

# Holds FRONTEND_LOCK in the given way until killed or HOLD seconds pass; says "held" once it does.
HOLDER = r"""
import fcntl, os, sys, time
kind, path, hold = sys.argv[1], sys.argv[2], float(sys.argv[3])
fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o640)
if kind == "flock":
    fcntl.flock(fd, fcntl.LOCK_EX)
else:
    fcntl.lockf(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(hold)
"""

needs_apt = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("apt-get") is None or not os.path.exists(FRONTEND_LOCK),
    reason="needs root and apt (as tests/stack/install.sh apt does)")


def hold_lock(kind, seconds):
    p = subprocess.Popen([sys.executable, "-c", HOLDER, kind, FRONTEND_LOCK, str(seconds)],
                         stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "held"
    return p


def apt_get_noop(env_extra=None, timeout=300):
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run(
        ["bash", "-c", '. tests/stack/lib.sh && apt_get 120 install -y -q --no-upgrade '
         '--no-install-recommends "$1"', "apt_get", NOOP_PACKAGE],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)


@needs_apt
@pytest.mark.parametrize("kind", ["flock", "fcntl"])
def test_apt_get_waits_for_a_held_dpkg_lock(kind):
    holder = hold_lock(kind, 4)
    try:
        r = apt_get_noop()
        # It returned only after the holder let go, and succeeded.
        released = holder.poll() is not None
    finally:
        holder.kill()
        holder.wait()
    assert r.returncode == 0, r.stdout + r.stderr
    assert released, "apt_get finished while the lock was still held"
    assert "waiting up to" in r.stderr and f"pid {holder.pid}" in r.stderr, r.stderr


@needs_apt
def test_apt_get_gives_up_after_its_bound_with_a_clear_message():
    holder = hold_lock("fcntl", 120)
    try:
        r = apt_get_noop({"LW_APT_LOCK_TIMEOUT": "2"}, timeout=60)
        still_held = holder.poll() is None
    finally:
        holder.kill()
        holder.wait()
    assert still_held
    assert r.returncode != 0
    assert (f"{FRONTEND_LOCK} (pid {holder.pid}, python" in r.stderr
            and "still holds the package lock after waiting 2s" in r.stderr
            and "LW_APT_LOCK_TIMEOUT" in r.stderr), r.stderr


def test_apt_lock_holder_sees_no_lock_when_none_is_held(tmp_path):
    # The same probe on a private lock file: nothing held, then held, then released.
    lock = tmp_path / "lock"
    lock.touch()
    probe = ["bash", "-c", '. tests/stack/lib.sh && APT_LOCK_FILES=("$1") && apt_lock_holder',
             "probe", str(lock)]
    assert subprocess.run(probe, cwd=REPO, capture_output=True).returncode == 1
    p = subprocess.Popen([sys.executable, "-c", HOLDER, "fcntl", str(lock), "60"],
                         stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "held"
        r = subprocess.run(probe, cwd=REPO, capture_output=True, text=True)
        assert r.returncode == 0 and f"{lock} (pid {p.pid}," in r.stdout, r.stdout + r.stderr
    finally:
        p.kill()
        p.wait()
    assert subprocess.run(probe, cwd=REPO, capture_output=True).returncode == 1


def no_libraries_env(tmp_path):
    # pkg-config finds nothing at all, as on a machine where nothing is installed yet.
    empty = tmp_path / "pkgconfig"
    empty.mkdir()
    return dict(os.environ, PKG_CONFIG_LIBDIR=str(empty), PKG_CONFIG_PATH=str(empty))


def test_make_parses_quietly_before_the_libraries_are_installed(tmp_path):
    env = no_libraries_env(tmp_path)
    for goal in ("test", "deps", "demo", "bench", "soak"):
        r = subprocess.run(["make", "-n", goal], cwd=REPO, env=env, capture_output=True, text=True,
                           timeout=60)
        assert r.returncode == 0 and r.stderr == "", (goal, r.stderr)


def test_make_without_the_libraries_says_what_to_do_in_one_line(tmp_path):
    env = no_libraries_env(tmp_path)
    build = tmp_path / "build"
    r = subprocess.run(["make", f"BUILD={build}", "all"], cwd=REPO, env=env, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode != 0
    lines = [l for l in r.stderr.splitlines() if not l.startswith("make")]
    assert lines == [lines[0]] and "make deps" in lines[0], r.stderr
    assert "pkg-config" not in r.stderr.replace("per pkg-config", ""), r.stderr
    assert not pathlib.Path(build, "obj").exists()

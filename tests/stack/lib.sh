# Shared bash helpers for the test-stack scripts (sourced, never run): paths, ports, daemons, stack.env.
# shellcheck shell=bash disable=SC2034  # the variables here are used by the scripts that source it

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SHARED="$(cd "$REPO/.." && pwd)/shared"

# Pinned versions of the stack's servers (why: docs/development.md, "The test stack scripts").
OPENFGA_VERSION=v1.14.1     # Lakekeeper tests against OpenFGA 1.14
KEYCLOAK_VERSION=26.0.7     # the version Lakekeeper's realm export and examples use; runs on JDK 17
PG_BIN=/usr/lib/postgresql/15/bin

log()  { printf '%s [%s] %s\n' "$(date +%H:%M:%S)" "${LW_LOG_TAG:-stack}" "$*" >&2; }
warn() { log "WARNING: $*"; }
die()  { log "ERROR: $*"; exit 1; }

# Download/build cache shared by all stacks (see docs/development.md).
cache_dir() { echo "${LAKEWARD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lakeward}"; }

# Run directory of this stack, absolute (relative paths are taken from the repo root).
stack_dir() {
    local d="${LW_STACK_DIR:-build/stack}"
    case "$d" in /*) ;; *) d="$REPO/$d" ;; esac
    echo "$d"
}

# A TCP port on 127.0.0.1 that the kernel says is free right now.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_http URL TIMEOUT_SECONDS [NAME]: poll until URL answers 2xx; fail after the timeout,
# or at once if daemon NAME (when given) has died.
wait_http() {
    local url="$1" timeout="$2" name="${3:-}" deadline=$((SECONDS + $2))
    while ((SECONDS < deadline)); do
        if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then return 0; fi
        if [[ -n "$name" ]] && ! daemon_pid "$name" >/dev/null; then
            log "$name exited while waiting for $url; last lines of $(stack_dir)/$name/log:"
            tail -n 25 "$(stack_dir)/$name/log" >&2 || true
            return 1
        fi
        sleep 0.3
    done
    log "timed out after ${timeout}s waiting for $url"
    return 1
}

# proc_start PID: start time of a live (not zombie) process, in clock ticks since boot
# (field 22 of /proc/PID/stat); fails if there is no such process.
proc_start() {
    local s f; s="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
    read -ra f <<<"${s##*) }"
    [[ "${f[0]}" != Z ]] || return 1
    echo "${f[19]}"
}

# The pid recorded for service NAME if that very process is alive, else nothing (status 1).
# pid.start guards against a recycled pid (e.g. after a reboot) being taken for ours.
daemon_pid() {
    local f pid start; f="$(stack_dir)/$1/pid"
    [[ -s "$f" ]] || return 1
    pid="$(cat "$f")"
    [[ "$pid" =~ ^[0-9]+$ ]] && start="$(proc_start "$pid")" || return 1
    if [[ -s "$f.start" && "$(cat "$f.start")" != "$start" ]]; then return 1; fi
    echo "$pid"
}

# start_daemon NAME CMD...: run CMD in its own session, output to $STACK/NAME/log, pid to $STACK/NAME/pid.
start_daemon() {
    local name="$1"; shift
    local dir; dir="$(stack_dir)/$name"
    mkdir -p "$dir"
    echo "=== $(date '+%F %T') starting $name" >>"$dir/log"
    # Without job control the child is no group leader, so setsid execs in place (no fork)
    # and $! is the daemon itself.
    (set +m; setsid "$@" >>"$dir/log" 2>&1 </dev/null & echo $! >"$dir/pid")
    proc_start "$(cat "$dir/pid")" >"$dir/pid.start" || true
    log "$name started pid=$(cat "$dir/pid") log=$dir/log"
}

# stop_daemon NAME [TIMEOUT]: TERM the recorded pid (and its process group), KILL after the bound.
stop_daemon() {
    local name="$1" timeout="${2:-20}" pid target deadline
    local f; f="$(stack_dir)/$name/pid"
    if ! pid="$(daemon_pid "$name")"; then rm -f "$f" "$f.start"; return 0; fi
    log "stopping $name pid=$pid"
    # start_daemon used setsid, so the pid leads its own process group: signal that group
    # (helpers the daemon forked), but only if it really is the leader.
    target="$pid"
    [[ "$(ps -o pgid= -p "$pid" | tr -d ' ')" == "$pid" ]] && target="-$pid"
    kill -TERM -- "$target" 2>/dev/null || true
    deadline=$((SECONDS + timeout))
    while daemon_pid "$name" >/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if daemon_pid "$name" >/dev/null; then
        warn "$name pid=$pid still alive after ${timeout}s, sending KILL"
        kill -KILL -- "$target" 2>/dev/null || true
    fi
    rm -f "$f" "$f.start"
}

# env_set KEY VALUE: upsert KEY=VALUE (no quoting) in $STACK/stack.env.
env_set() {
    local f; f="$(stack_dir)/stack.env"
    mkdir -p "$(dirname "$f")"; touch "$f"
    grep -v "^$1=" "$f" >"$f.tmp" || true
    printf '%s=%s\n' "$1" "$2" >>"$f.tmp"
    mv "$f.tmp" "$f"
}

# env_get KEY: value of KEY in $STACK/stack.env (empty if absent).
env_get() {
    local f; f="$(stack_dir)/stack.env"
    if [[ -f "$f" ]]; then sed -n "s/^$1=//p" "$f" | tail -n1; fi
}

# jwt_claims TOKEN: the payload of a JWT as JSON (no signature check; for self-checks).
jwt_claims() {
    python3 -c 'import base64, sys; p = sys.argv[1].split(".")[1]; print(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)).decode())' "$1"
}

# ---- apt and dpkg: wait for the package locks, bounded ------------------------------------
# A fresh machine runs unattended-upgrades at boot and holds dpkg's locks for minutes; apt-get
# fails at once on a held lock unless told to wait. apt-get waits for the dpkg locks itself
# with DPkg::Lock::Timeout, but `apt-get update` does not wait for the lists lock (apt 2.6),
# so apt_get first waits for all of them here. Holders are read from /proc/locks, which shows
# fcntl and flock locks alike without taking them (probing by taking a lock could make an apt
# that starts at that instant fail).
APT_LOCK_TIMEOUT="${LW_APT_LOCK_TIMEOUT:-600}"     # seconds, per apt_get call
APT_LOCK_FILES=(/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock
                /var/cache/apt/archives/lock)

# apt_lock_holder: "FILE (pid PID, COMM)" for the first package lock someone holds; status 1
# when none is held.
apt_lock_holder() {
    local f st dev id pid
    for f in "${APT_LOCK_FILES[@]}"; do
        st="$(stat -c '%D %i' "$f" 2>/dev/null)" || continue
        dev=$((16#${st% *}))
        # /proc/locks names a file MAJOR:MINOR:INODE (hex, hex, decimal).
        printf -v id '%02x:%02x:%s' $(((dev >> 8 & 0xfff) | (dev >> 32 & ~0xfff))) \
            $(((dev & 0xff) | (dev >> 12 & ~0xff))) "${st#* }"
        # Holders only: lines of blocked waiters carry "->" in the second field.
        pid="$(awk -v id="$id" '$2 != "->" && $6 == id { print $5; exit }' /proc/locks)"
        if [[ -n "$pid" ]]; then
            echo "$f (pid $pid, $(cat "/proc/$pid/comm" 2>/dev/null || echo '?'))"
            return 0
        fi
    done
    return 1
}

# apt_locks_wait SECONDS: return once no package lock is held; fail with a message naming the
# holder when that takes longer than SECONDS.
apt_locks_wait() {
    local deadline=$((SECONDS + $1)) holder said=0
    while holder="$(apt_lock_holder)"; do
        if ((SECONDS >= deadline)); then
            log "ERROR: apt: $holder still holds the package lock after waiting ${1}s; let it finish (unattended-upgrades at boot can take a while) or wait longer with LW_APT_LOCK_TIMEOUT=SECONDS"
            return 1
        fi
        ((said)) || log "apt: waiting up to ${1}s for the package lock held by $holder"
        said=1
        sleep 1
    done
}

# apt_get RUN_SECONDS ARGS...: apt-get ARGS that waits up to $APT_LOCK_TIMEOUT s for the package
# locks instead of failing on them, and is then given RUN_SECONDS to do its work.
apt_get() {
    local run="$1" deadline=$((SECONDS + APT_LOCK_TIMEOUT)) left rc; shift
    while :; do
        left=$((deadline - SECONDS)); ((left > 0)) || left=0
        apt_locks_wait "$left" || return 1
        left=$((deadline - SECONDS)); ((left > 0)) || left=0
        DEBIAN_FRONTEND=noninteractive timeout $((run + left)) \
            apt-get -o DPkg::Lock::Timeout="$left" "$@" && return 0
        rc=$?
        # Someone took a lock between our wait and apt-get's own attempt (apt-get update does
        # not wait): wait again while the bound lasts.
        if ((SECONDS < deadline)) && apt_lock_holder >/dev/null; then continue; fi
        return "$rc"
    done
}

# apt_ensure PKG...: install those of the Debian packages that are missing (needs root);
# refreshes the package lists first, as a fresh machine's may be stale or empty.
apt_ensure() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    if ((EUID != 0)); then log "ERROR: apt: missing ${missing[*]}; run as root or install them"; return 1; fi
    log "apt: installing ${missing[*]}"
    apt_get 600 update -q && apt_get 1800 install -y -q --no-install-recommends "${missing[@]}"
}

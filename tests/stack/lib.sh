# Shared bash helpers for the test-stack scripts (sourced, never run): paths, ports, daemons, stack.env.
# shellcheck shell=bash

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SHARED="$(cd "$REPO/.." && pwd)/shared"

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

# wait_http URL TIMEOUT_SECONDS: poll until URL answers 2xx; fail after the timeout.
wait_http() {
    local url="$1" timeout="$2" deadline=$((SECONDS + $2))
    while ((SECONDS < deadline)); do
        if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then return 0; fi
        sleep 0.3
    done
    log "timed out after ${timeout}s waiting for $url"
    return 1
}

# The pid recorded for service NAME if that process is alive, else nothing (status 1).
daemon_pid() {
    local f; f="$(stack_dir)/$1/pid"
    [[ -s "$f" ]] || return 1
    local pid; pid="$(cat "$f")"
    [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# start_daemon NAME CMD...: run CMD in its own session, output to $STACK/NAME/log, pid to $STACK/NAME/pid.
start_daemon() {
    local name="$1"; shift
    local dir; dir="$(stack_dir)/$name"
    mkdir -p "$dir"
    setsid "$@" >>"$dir/log" 2>&1 </dev/null &
    echo $! >"$dir/pid"
    log "$name started pid=$! log=$dir/log"
}

# stop_daemon NAME [TIMEOUT]: TERM the recorded pid (and its session), KILL after the bound.
stop_daemon() {
    local name="$1" timeout="${2:-20}" pid deadline
    local f; f="$(stack_dir)/$name/pid"
    if ! pid="$(daemon_pid "$name")"; then rm -f "$f"; return 0; fi
    log "stopping $name pid=$pid"
    # start_daemon used setsid, so the pid leads its own process group: signal that group
    # (children such as postgres backends), but only if it really is the leader.
    local target="$pid"
    [[ "$(ps -o pgid= -p "$pid" | tr -d ' ')" == "$pid" ]] && target="-$pid"
    kill -TERM -- "$target" 2>/dev/null || true
    deadline=$((SECONDS + timeout))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
        warn "$name pid=$pid still alive after ${timeout}s, sending KILL"
        kill -KILL -- "$target" 2>/dev/null || true
    fi
    rm -f "$f"
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
    [[ -f "$f" ]] && sed -n "s/^$1=//p" "$f" | tail -n1 || true
}

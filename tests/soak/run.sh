#!/usr/bin/env bash
# tests/soak/run.sh -- `make soak`: lakeward under steady Trino load, busy SQL sessions and
# injected Lakekeeper faults for SOAK_SECONDS; judged and reported by tests/soak/soak.py
# (its docstring has the pass criteria), which also rewrites the "Soak" section of
# docs/benchmarks.md. Exit status 0 only when the run passed.
#
# What is measured is lakeward as committed: HEAD is exported (git archive) into
# $SOAK_BUILD/src and built there, so edits in the working tree do not leak into the numbers
# (SOAK_FROM=worktree builds the working tree instead, for trying changes; the report says so).
# The stack (PostgreSQL, OpenFGA, Keycloak, the stand-in) comes from the same tree, runs in its
# own run directory $SOAK_BUILD-stack and is stopped at the end.
#
# Knobs (environment): SOAK_SECONDS (default 1800), SOAK_RATE (requests/s, 2000),
# SOAK_CONNECTIONS (128), SOAK_MISS_PCT (20), SOAK_QUERY_SIZE (requests per query id, 100), SOAK_SQL_SESSIONS (20), SOAK_SQL_PAUSE (s between
# a session's statements, 0.25), SOAK_FAULT_EVERY (s, default 180, or a quarter of a run shorter
# than 12 minutes), SOAK_FAULT_SECONDS (20), SOAK_BUILD (build/soak), SOAK_FROM (HEAD|worktree),
# SOAK_OPENFGA_CACHE (1: OpenFGA's check caches on, see below), LW_SOAK_NO_DOC=1 (leave
# docs/benchmarks.md alone).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
# shellcheck source=../stack/lib.sh
. tests/stack/lib.sh
LW_LOG_TAG=soak
# lakeward reads these; only what this script sets may reach it.
while read -r v; do unset "$v"; done < <(compgen -e | grep -E '^(LAKEKEEPER_|TRINO_|LAKEWARD_)' | grep -vx LAKEWARD_CACHE || true)

SECONDS_RUN="${SOAK_SECONDS:-1800}"
[[ "$SECONDS_RUN" =~ ^[0-9]+$ ]] && ((SECONDS_RUN >= 60)) || die "SOAK_SECONDS must be a whole number >= 60"
FAULT_EVERY="${SOAK_FAULT_EVERY:-$((SECONDS_RUN < 720 ? SECONDS_RUN / 4 : 180))}"
BUILD_DIR="${SOAK_BUILD:-build/soak}"
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$REPO/$BUILD_DIR" ;; esac
FROM="${SOAK_FROM:-HEAD}"
export LW_STACK_DIR="$BUILD_DIR-stack"
PY="$(cache_dir)/venv/bin/python"

LW_PID=
SRC="$REPO"
STACK_STARTED=0
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n "$LW_PID" ]] && kill -0 "$LW_PID" 2>/dev/null; then
        kill -TERM "$LW_PID" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$LW_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$LW_PID" 2>/dev/null || true
    fi
    if ((STACK_STARTED)); then
        log "stopping the soak stack ($LW_STACK_DIR)"
        "$SRC/tests/stack/stop.sh" >&2 || warn "stop.sh failed"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$BUILD_DIR"
log "installing the stack's dependencies (idempotent; log $BUILD_DIR/install.log)"
tests/stack/install.sh all >"$BUILD_DIR/install.log" 2>&1 || { tail -20 "$BUILD_DIR/install.log" >&2; die "install.sh all failed"; }

# ---- build: lakeward as committed (or the working tree), and the load generator ---------
if [[ "$FROM" == HEAD ]]; then
    COMMIT="$(git rev-parse --short HEAD)"
    log "building lakeward $COMMIT (HEAD, exported) in $BUILD_DIR/src"
    rm -rf "$BUILD_DIR/src"; mkdir -p "$BUILD_DIR/src"
    git archive HEAD | tar -x -C "$BUILD_DIR/src"
    # The stack scripts find the shared reference data beside the repository.
    ln -sfn "$SHARED" "$BUILD_DIR/shared"
    SRC="$BUILD_DIR/src"
elif [[ "$FROM" == worktree ]]; then
    COMMIT="$(git rev-parse --short HEAD) + working tree"
    SRC="$REPO"
else
    die "SOAK_FROM must be HEAD or worktree"
fi
make -C "$SRC" -s -j2 BUILD="$BUILD_DIR/obj-tree" "$BUILD_DIR/obj-tree/lakeward" >"$BUILD_DIR/build.log" 2>&1 ||
    { tail -30 "$BUILD_DIR/build.log" >&2; die "building lakeward failed"; }
LAKEWARD="$BUILD_DIR/obj-tree/lakeward"
# shellcheck disable=SC2046
cc -std=c17 -Wall -Wextra -Werror -g -O2 -D_GNU_SOURCE -o "$BUILD_DIR/loadgen" tests/soak/loadgen.c \
    $(pkg-config --cflags --libs libcurl jansson) || die "building tests/soak/loadgen.c failed"

# ---- the stack and lakeward -------------------------------------------------------------
# OpenFGA with its check caches on, as a Lakekeeper deployment runs it: the model's checks
# cost OpenFGA hundreds of datastore queries each, and on a small machine shared with the load
# generator an uncached OpenFGA answers a few batch-checks per second, seconds each. The soak
# would then measure OpenFGA; lakeward's own caches stay at their defaults.
# SOAK_OPENFGA_CACHE=0 turns this off. start.sh passes the environment on to OpenFGA.
if [[ "${SOAK_OPENFGA_CACHE:-1}" == 1 ]]; then
    export OPENFGA_CHECK_QUERY_CACHE_ENABLED=true OPENFGA_CHECK_ITERATOR_CACHE_ENABLED=true \
        OPENFGA_CHECK_QUERY_CACHE_TTL=60s OPENFGA_CHECK_ITERATOR_CACHE_TTL=60s OPENFGA_CHECK_CACHE_LIMIT=100000
fi
log "starting the stack in $LW_STACK_DIR (postgres openfga keycloak standin)"
STACK_STARTED=1
"$SRC/tests/stack/start.sh" postgres openfga keycloak standin >"$BUILD_DIR/stack.log" 2>&1 ||
    { tail -30 "$BUILD_DIR/stack.log" >&2; die "tests/stack/start.sh failed (log: $BUILD_DIR/stack.log)"; }
LK_URL="$(env_get LK_URL)"; TOKEN_ENDPOINT="$(env_get KEYCLOAK_TOKEN_ENDPOINT)"
CONTROL_TOKEN="$(env_get LK_CONTROL_TOKEN)"
[[ -n "$LK_URL" && -n "$TOKEN_ENDPOINT" && -n "$CONTROL_TOKEN" ]] ||
    die "stack.env lacks LK_URL / KEYCLOAK_TOKEN_ENDPOINT / LK_CONTROL_TOKEN"

HTTP_PORT="$(free_port)"; PG_PORT="$(free_port)"
LAKEKEEPER_URL="$LK_URL" LAKEKEEPER_TOKEN_ENDPOINT="$TOKEN_ENDPOINT" LAKEKEEPER_CLIENT_ID=lakeward \
    LAKEKEEPER_CLIENT_SECRET=lakeward-secret LAKEKEEPER_SCOPE=lakekeeper \
    TRINO_LAKEKEEPER_CATALOG_NAME=lakekeeper LAKEKEEPER_LAKEKEEPER_WAREHOUSE=demo \
    LAKEWARD_PG_ADMINS="$(seq -s, -f 'soak%g' 0 $(( ${SOAK_SQL_SESSIONS:-20} - 1 )))" \
    "$LAKEWARD" --http-listen "127.0.0.1:$HTTP_PORT" --pg-listen "127.0.0.1:$PG_PORT" --log-level warn \
    >"$BUILD_DIR/lakeward.log" 2>&1 </dev/null &
LW_PID=$!
wait_http "http://127.0.0.1:$HTTP_PORT/health" 60 || { tail -20 "$BUILD_DIR/lakeward.log" >&2; die "lakeward did not start"; }
log "lakeward $COMMIT pid $LW_PID: http 127.0.0.1:$HTTP_PORT, pg 127.0.0.1:$PG_PORT"

doc=(--doc "$REPO/docs/benchmarks.md")
[[ "${LW_SOAK_NO_DOC:-}" == 1 ]] && doc=()
rc=0
"$PY" tests/soak/soak.py --lw-url "http://127.0.0.1:$HTTP_PORT" --pg-port "$PG_PORT" --lw-pid "$LW_PID" \
    --lk-url "$LK_URL" --control-token "$CONTROL_TOKEN" --loadgen "$BUILD_DIR/loadgen" --out "$BUILD_DIR" \
    --seconds "$SECONDS_RUN" --rate "${SOAK_RATE:-2000}" --connections "${SOAK_CONNECTIONS:-128}" \
    --miss-pct "${SOAK_MISS_PCT:-20}" --query-size "${SOAK_QUERY_SIZE:-100}" --sql-sessions "${SOAK_SQL_SESSIONS:-20}" \
    --sql-pause "${SOAK_SQL_PAUSE:-0.25}" --fault-every "$FAULT_EVERY" \
    --fault-seconds "${SOAK_FAULT_SECONDS:-20}" --commit "$COMMIT" "${doc[@]}" || rc=$?
kill -0 "$LW_PID" 2>/dev/null || { warn "lakeward exited during the soak; last lines of its log:"; tail -20 "$BUILD_DIR/lakeward.log" >&2; rc=1; }
exit "$rc"

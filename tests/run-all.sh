#!/usr/bin/env bash
# The whole test suite (`make test`; .ci/run calls exactly that): installs what is missing,
# builds, runs the cmocka unit tests, the pytest integration and end-to-end tests against the
# real stack (PostgreSQL, OpenFGA, Keycloak, the Lakekeeper stand-in, Trino), then the unit and
# integration and end-to-end tests again with lakeward built under ASan+UBSan. Ends with one
# summary line.
#   tests/run-all.sh               everything
#   tests/run-all.sh --asan-only   only the sanitizer pass (make test-asan)
#   tests/run-all.sh --no-asan     skip the sanitizer pass (quicker local runs)
set -uo pipefail
cd "$(dirname "$0")/.."
. tests/stack/lib.sh
LW_LOG_TAG=test

mode=${1:-all}
reports=build/reports
rm -rf "$reports" && mkdir -p "$reports"
: >"$reports/stages-failed"
py="$(cache_dir)/venv/bin/python"
started=$SECONDS

# stage NAME CMD...: runs one stage, remembering failures without stopping the suite.
stage() {
    local name="$1"; shift
    log "=== $name"
    if ! "$@"; then
        echo "$name" >>"$reports/stages-failed"
        log "=== $name FAILED"
        return 1
    fi
}

stage install tests/stack/install.sh all || { tests/summary.py "$reports"; exit 1; }

export LW_TEST_STACK_DIR="$REPO/build/test-stack" LW_TEST_STACK_KEEP=1
stop_stack() { LW_STACK_DIR="$LW_TEST_STACK_DIR" tests/stack/stop.sh >/dev/null 2>&1 || true; }
trap stop_stack EXIT

pytest_run() {     # pytest_run REPORT-NAME BUILD-DIR PATHS...
    local name="$1" build="$2"; shift 2
    LW_BUILD="$REPO/$build" "$py" -m pytest -q -p no:cacheprovider --timeout=600 \
        --junitxml="$reports/$name.xml" -o junit_suite_name="$name" "$@"
}

unit_run() {       # unit_run BUILD-DIR REPORT-PREFIX
    CMOCKA_MESSAGE_OUTPUT=xml CMOCKA_XML_FILE="$REPO/$reports/$2-%g.xml" tests/run-unit.sh "$1"
}

if [[ "$mode" != --asan-only ]]; then
    stage build make -j2 all unit
    stage unit unit_run build unit
    stage stack env LW_STACK_DIR="$LW_TEST_STACK_DIR" tests/stack/start.sh postgres openfga keycloak standin
    stage integration pytest_run integration build tests/integration
    stage helm pytest_run helm build tests/helm          # chart lint/template + chart-vs-binary
    stage sqldiff pytest_run sqldiff build tests/sqldiff
    stage e2e pytest_run e2e build tests/e2e
    # A short libFuzzer run of every tests/fuzz target (make fuzz runs them for minutes).
    stage fuzz-smoke env REPORT_DIR="$reports" make -j2 fuzz FUZZ_SECONDS=20
fi
if [[ "$mode" != --no-asan ]]; then
    san=(BUILD=build/asan SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=undefined" OPT=-O1)
    stage asan-build make -j2 "${san[@]}" all unit
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    stage asan-unit unit_run build/asan asan-unit
    stage asan-stack env LW_STACK_DIR="$LW_TEST_STACK_DIR" tests/stack/start.sh postgres openfga keycloak standin
    stage asan-integration pytest_run asan-integration build/asan tests/integration
    stage asan-sqldiff pytest_run asan-sqldiff build/asan tests/sqldiff
    stage asan-e2e pytest_run asan-e2e build/asan tests/e2e
fi
log "suite took $((SECONDS - started)) s"
tests/summary.py "$reports"

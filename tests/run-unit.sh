#!/usr/bin/env bash
# Runs every cmocka unit-test binary in BUILD/unit and prints one summary line.
set -uo pipefail
build=${1:-build}
pass=0; fail=0; failed=()
for t in "$build"/unit/test_*; do
    [ -x "$t" ] || continue
    if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed+=("$(basename "$t")"); fi
done
echo "unit test binaries: $pass passed, $fail failed${failed:+ (${failed[*]})}"
[ "$fail" -eq 0 ]

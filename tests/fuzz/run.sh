#!/usr/bin/env bash
# Runs every libFuzzer binary BUILD/fuzz/fuzz_* for SECONDS each (make fuzz; the suite's smoke
# stage runs it briefly). Each target keeps its corpus in BUILD/fuzz/corpus/<target>, seeded
# the first time from the captured Trino requests (tests/e2e/captured) and the reference
# Trino inputs (../shared/reference/data/trino-inputs next to the repository, wrapped in
# {"input": ...}) when present. Crashes land in BUILD/fuzz/findings/<target>/. Inputs that once
# crashed a target are kept in tests/fuzz/regress/<target>/ and replayed before every run, so
# a fixed crash cannot come back unseen (a random smoke may not find it again).
# With REPORT_DIR set, writes REPORT_DIR/fuzz.xml (JUnit: one test case per target).
#   tests/fuzz/run.sh BUILD SECONDS
set -uo pipefail
cd "$(dirname "$0")/../.."
build=${1:?usage: tests/fuzz/run.sh BUILD SECONDS}
seconds=${2:-300}
report=${REPORT_DIR:-}
shared_inputs="$PWD/../shared/reference/data/trino-inputs"
cases=()
nfail=0

seed() {    # seed CORPUS-DIR: the Trino-shaped starting points
    local dir="$1" f
    mkdir -p "$dir"
    [[ -n "$(ls -A "$dir")" ]] && return 0
    # A target with its own seeder (tests/fuzz/<target>.seed DIR) is seeded by it alone.
    local own; own="tests/fuzz/$(basename "$dir").seed"
    if [[ -x "$own" ]]; then "$own" "$dir"; return; fi
    for f in tests/e2e/captured/*.json; do
        [[ -f "$f" ]] && cp "$f" "$dir/captured-$(basename "$f")"
    done
    if [[ -d "$shared_inputs" ]]; then
        for f in "$shared_inputs"/*.json; do
            { printf '{"input":'; cat "$f"; printf '}'; } >"$dir/reference-$(basename "$f")"
        done
    fi
}

xml_escape() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g'; }

for bin in "$build"/fuzz/fuzz_*; do
    [[ -x "$bin" && -f "$bin" ]] || continue
    name=$(basename "$bin")
    corpus="$build/fuzz/corpus/$name" findings="$build/fuzz/findings/$name"
    log="$build/fuzz/$name.log"
    seed "$corpus"
    mkdir -p "$findings"
    regress="tests/fuzz/regress/$name"
    if [[ -d "$regress" && -n "$(ls -A "$regress")" ]]; then
        if ! "$bin" -timeout=10 -rss_limit_mb=2048 "$regress"/* >"$log" 2>&1; then
            echo "fuzz: $name regression input crashed again"
            nfail=$((nfail + 1))
            tail -n 40 "$log"
            cases+=("<testcase classname=\"fuzz\" name=\"$name-regress\"><failure message=\"regression\">$(tail -n 40 "$log" | xml_escape)</failure></testcase>")
            continue
        fi
        echo "fuzz: $name replayed $(ls "$regress" | wc -l) regression inputs"
    fi
    echo "fuzz: $name for ${seconds}s (corpus $(ls "$corpus" | wc -l) files)"
    "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$findings/" "$corpus" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    echo "fuzz: $name exit $rc, ${runs:-?} runs, ${rate:-?} execs/s, corpus $(ls "$corpus" | wc -l) files"
    if ((rc != 0)); then
        nfail=$((nfail + 1))
        tail -n 40 "$log"
        cases+=("<testcase classname=\"fuzz\" name=\"$name\" time=\"$seconds\"><failure message=\"exit $rc\">$(tail -n 40 "$log" | xml_escape)</failure></testcase>")
    else
        cases+=("<testcase classname=\"fuzz\" name=\"$name\" time=\"$seconds\"/>")
    fi
done

if ((${#cases[@]} == 0)); then
    echo "fuzz: no targets in $build/fuzz" >&2
    exit 1
fi
if [[ -n "$report" ]]; then
    mkdir -p "$report"
    {
        echo '<?xml version="1.0" encoding="UTF-8"?>'
        echo "<testsuite name=\"fuzz\" tests=\"${#cases[@]}\" failures=\"$nfail\" errors=\"0\" skipped=\"0\">"
        printf '%s\n' "${cases[@]}"
        echo '</testsuite>'
    } >"$report/fuzz.xml"
fi
((nfail == 0))

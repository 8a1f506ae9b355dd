#!/usr/bin/env bash
# tests/bench/run.sh -- `make bench`: measures lakeward's Trino authorization endpoint and
# rewrites the section "## Trino authorization endpoint (make bench)" of docs/benchmarks.md.
#
#   1. warm-cache throughput and latency of /v1/data/trino/allow and /v1/data/trino/batch
#      (wrk, 20 keep-alive connections), in the same run as a static responder built on
#      lakeward's own HTTP listener (tests/bench/static_responder.c);
#   2. cold-path overhead: lakeward with the decision cache off versus the same batch-check
#      sent straight to the Lakekeeper stand-in (tests/bench/lw_sample.c, alternating);
#   3. one FilterTables of 10,000 tables, slow path (warehouse probe false) and fast path;
#   4. instructions per request of the warm path under callgrind (noise-free on a busy machine).
#
#   tests/bench/run.sh http   only the HTTP-face comparison (part 1 with nginx, the static
#                             responder and the cached allow; no batch, cold path, 10k or
#                             callgrind), rewriting only the section "## HTTP face vs nginx".
#   tests/bench/run.sh sql    only the SQL engine against PostgreSQL 15 (tests/bench/sql_bench.py,
#                             on the stack's postgres alone), rewriting only the section
#                             "## SQL engine (make bench)"; every full run ends with it too.
#   tests/bench/run.sh pgwire pgbench SELECT 1 over 1 and 8 connections in -M simple, extended
#                             and prepared, lakeward vs the stack's PostgreSQL in the same run
#                             (tests/bench/pgwire_bench.py), rewriting only "## Postgres wire:
#                             pgbench SELECT 1 (make bench)"; where perf can count system
#                             calls, also the calls and backend CPU per -M prepared transaction.
#   tests/bench/run.sh store  only the decision store (tests/bench/store_bench.py: sustained
#                             decision rate with the store, Grafana's panels over 1M stored
#                             decisions), rewriting only "## Decision store (make bench)";
#                             every full run ends with it too.
#   tests/bench/run.sh perm   only the permission tables over a generated catalog of 10,000
#                             tables (a Lakekeeper stand-in of its own) and 100,000 grant
#                             tuples in the real OpenFGA (tests/bench/perm_bench.py), rewriting
#                             only "## OpenFGA mirror and grants (make bench)".
#   Every full run also measures nginx (Debian package, unprivileged, one process on the
#   server CPU, config under build/bench/nginx) returning a fixed JSON answer, in the same
#   rounds as lakeward: the aim (issue 11) is a cached allow at >= 0.7x nginx's requests/s and
#   a p99 at most 2x nginx's.
#
# Benchmarks never assert on speed. The script fails only when something does not work
# (stack, build, wrong answers), because numbers of a broken path would be meaningless.
# All load goes to 127.0.0.1, bounded in time (wrk -d) and count (lw_sample -n).
#
# Knobs (environment): LW_BENCH_DURATION (s per wrk run, default 8), LW_BENCH_ROUNDS (rounds
# of the three wrk runs, default 3), LW_BENCH_SAMPLES (cold-path samples, default 500),
# LW_BENCH_NO_DOC=1 (print the summary, leave docs/benchmarks.md alone), LW_BENCH_BUILD (the
# build directory, default build).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
MODE="${1:-all}"
case "$MODE" in all|http|sql|store|pgwire|perm) ;; *) echo "usage: tests/bench/run.sh [all|http|sql|store|pgwire|perm]" >&2; exit 2 ;; esac
# lakeward reads these; only what this script sets may reach it (LAKEWARD_CACHE is the
# installers' download cache, not lakeward's).
while read -r v; do unset "$v"; done < <(compgen -e | grep -E '^(LAKEKEEPER_|TRINO_|LAKEWARD_)' | grep -vx LAKEWARD_CACHE || true)
BUILD="${LW_BENCH_BUILD:-build}"      # where lakeward is built (make BUILD=...)
OUT="$REPO/$BUILD/bench"
export LW_STACK_DIR="$BUILD/bench-stack"
STACK_ENV="$REPO/$LW_STACK_DIR/stack.env"
DOC="$REPO/docs/benchmarks.md"
SECTION="## Trino authorization endpoint (make bench)"
NGINX_SECTION="## HTTP face vs nginx (make bench)"
# The SQL benchmark is a Python program (psycopg) in the suite's venv; it builds lakeward itself.
SQL_BENCH=("$(. tests/stack/lib.sh && cache_dir)/venv/bin/python" tests/bench/sql_bench.py --build "$BUILD")
# The decision store benchmark (psycopg, wrk) on the stack's postgres.
STORE_BENCH=("${SQL_BENCH[0]}" tests/bench/store_bench.py --build "$BUILD" --stack-dir "$LW_STACK_DIR")
if [[ "$MODE" == store ]]; then
    tests/stack/install.sh all >&2 || { echo "tests/bench/run.sh: install.sh all failed" >&2; exit 1; }
    (. tests/stack/lib.sh && apt_ensure wrk) >&2 || { echo "tests/bench/run.sh: cannot install wrk" >&2; exit 1; }
    make -s BUILD="$BUILD" -j2 all >&2
    tests/stack/start.sh postgres >&2
    rc=0; "${STORE_BENCH[@]}" || rc=$?
    tests/stack/stop.sh >&2 || true
    exit "$rc"
fi
if [[ "$MODE" == perm ]]; then
    # The permission tables over a generated 10,000-table catalog (served by a stand-in the
    # bench starts itself, with Keycloak's keys) and 100,000 grant tuples in a fresh store of
    # the stack's real OpenFGA (tests/bench/perm_bench.py), rewriting only "## OpenFGA mirror
    # and grants (make bench)".
    tests/stack/install.sh all >&2 || { echo "tests/bench/run.sh: install.sh all failed" >&2; exit 1; }
    make -s BUILD="$BUILD" -j2 all >&2
    tests/stack/start.sh postgres openfga keycloak >&2
    rc=0; "${SQL_BENCH[0]}" tests/bench/perm_bench.py --build "$BUILD" --stack-dir "$LW_STACK_DIR" || rc=$?
    tests/stack/stop.sh >&2 || true
    exit "$rc"
fi
if [[ "$MODE" == pgwire ]]; then
    tests/stack/install.sh apt python >&2 || { echo "tests/bench/run.sh: install.sh failed" >&2; exit 1; }
    exec "${SQL_BENCH[0]}" tests/bench/pgwire_bench.py --build "$BUILD" --stack-dir "$LW_STACK_DIR"
fi
if [[ "$MODE" == sql ]]; then
    tests/stack/install.sh all >&2 || { echo "tests/bench/run.sh: install.sh all failed" >&2; exit 1; }
    exec "${SQL_BENCH[@]}" --stack-dir "$LW_STACK_DIR" --own-stack
fi

DURATION="${LW_BENCH_DURATION:-8}"
ROUNDS="${LW_BENCH_ROUNDS:-3}"
SAMPLES="${LW_BENCH_SAMPLES:-500}"
CONNS=20
BIG_N=10000
BIG_REPS=3

# Seed identifiers (docs/development.md, "The seed scenario").
USER_SP1=a1f10000-0000-4000-8000-000000000001     # modify + create on warehouse demo
USER_SP2=a1f10000-0000-4000-8000-000000000002     # select on finance.product only
WAREHOUSE_ID=00000000-0000-4000-8000-00000000d001

log() { printf '%s [bench] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---- cleanup: everything this script started, by pid, even on failure -------------------
PIDS=()
STACK_STARTED=0
cleanup() {
    local rc=$? p
    trap - EXIT INT TERM
    for p in "${PIDS[@]}"; do
        if kill -0 "$p" 2>/dev/null; then
            kill -TERM "$p" 2>/dev/null || true
            for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
            kill -KILL "$p" 2>/dev/null || true
        fi
    done
    if ((STACK_STARTED)); then
        log "stopping the bench stack ($LW_STACK_DIR)"
        tests/stack/stop.sh >&2 || log "WARNING: stop.sh failed"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'log "ERROR: line $LINENO: \"$BASH_COMMAND\" failed"' ERR
trap 'exit 130' INT TERM

# ---- tools ---------------------------------------------------------------------------
# Debian packages of the bench alone; apt_ensure (tests/stack/lib.sh) waits for the package locks.
# shellcheck source=../stack/lib.sh
(. tests/stack/lib.sh && apt_ensure wrk valgrind nginx) >&2 || die "cannot install wrk, valgrind, nginx"
for t in jq curl taskset python3; do command -v "$t" >/dev/null || die "$t missing"; done

rm -rf "$OUT/raw"; mkdir -p "$OUT/bodies" "$OUT/raw"
log "installing the stack's dependencies (idempotent)"
tests/stack/install.sh all >"$OUT/install.log" 2>&1 || { tail -20 "$OUT/install.log" >&2; die "install.sh all failed"; }

log "building lakeward and the bench tools"
make -s -j2 BUILD="$BUILD" "$BUILD/lakeward" "$BUILD/liblakeward.a" >&2
PKGS="libmicrohttpd jansson libcurl libconfig openssl libpq"
# The Makefile's flags (CFLAGS / LDLIBS), so the static responder is built like lakeward.
# shellcheck disable=SC2046
CFLAGS=(-std=c17 -Wall -Wextra -Werror -g -O2 -D_GNU_SOURCE -pthread -fno-omit-frame-pointer
        $(pkg-config --cflags $PKGS))
# shellcheck disable=SC2046
LDLIBS=($(pkg-config --libs $PKGS) -lpg_query -pthread)
cc "${CFLAGS[@]}" -Iserver -o "$OUT/static_responder" tests/bench/static_responder.c \
    "$BUILD/liblakeward.a" "${LDLIBS[@]}"
cc "${CFLAGS[@]}" -o "$OUT/lw_sample" tests/bench/lw_sample.c "${LDLIBS[@]}"

# ---- CPU split: server(s) on the first half of the cores, wrk on the rest --------------
NCPU="$(nproc)"
if ((NCPU >= 2)); then
    SRV_CPUS="0"; ((NCPU / 2 - 1 == 0)) || SRV_CPUS="0-$((NCPU / 2 - 1))"
    GEN_CPUS="$((NCPU / 2))"; ((NCPU / 2 == NCPU - 1)) || GEN_CPUS="$((NCPU / 2))-$((NCPU - 1))"
    GEN_THREADS=$((NCPU - NCPU / 2))
    SRV_PIN=(taskset -c "$SRV_CPUS")
    GEN_PIN=(taskset -c "$GEN_CPUS")
else
    SRV_CPUS=all; GEN_CPUS=all; GEN_THREADS=1; SRV_PIN=(); GEN_PIN=()
fi

# ---- the stack --------------------------------------------------------------------------
log "starting the stack in $LW_STACK_DIR (postgres openfga keycloak standin)"
STACK_STARTED=1
tests/stack/start.sh postgres openfga keycloak standin >"$OUT/stack.log" 2>&1 ||
    { tail -30 "$OUT/stack.log" >&2; die "tests/stack/start.sh failed (log: $OUT/stack.log)"; }
[[ -s "$STACK_ENV" ]] || die "$STACK_ENV missing"
# shellcheck disable=SC1090
. "$STACK_ENV"
[[ -n "${LK_URL:-}" && -n "${KEYCLOAK_TOKEN_ENDPOINT:-}" ]] || die "stack.env lacks LK_URL / KEYCLOAK_TOKEN_ENDPOINT"

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
wait_port() {   # wait_port PORT PID
    local i
    for i in $(seq 150); do
        kill -0 "$2" 2>/dev/null || return 1
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# start_lakeward NAME [VAR=value...]: a lakeward on the server CPUs; sets LW_URL_<NAME>, LW_PID_<NAME>.
start_lakeward() {
    local name="$1" port pgport pid; shift
    port="$(free_port)"; pgport="$(free_port)"
    env LAKEKEEPER_URL="$LK_URL" LAKEKEEPER_TOKEN_ENDPOINT="$KEYCLOAK_TOKEN_ENDPOINT" \
        LAKEKEEPER_CLIENT_ID=lakeward LAKEKEEPER_CLIENT_SECRET=lakeward-secret \
        TRINO_LAKEKEEPER_CATALOG_NAME=lakekeeper LAKEKEEPER_LAKEKEEPER_WAREHOUSE=demo "$@" \
        "${SRV_PIN[@]}" "$BUILD/lakeward" --http-listen "127.0.0.1:$port" --pg-listen "127.0.0.1:$pgport" \
        --log-level warn >"$OUT/lakeward-$name.log" 2>&1 </dev/null &
    pid=$!
    PIDS+=("$pid")
    wait_port "$port" "$pid" || { cat "$OUT/lakeward-$name.log" >&2; die "lakeward ($name) did not start"; }
    printf -v "LW_URL_$name" '%s' "http://127.0.0.1:$port"
    printf -v "LW_PID_$name" '%s' "$pid"
}

log "starting lakeward (decision cache on, default TTL), the static responder and nginx on CPUs $SRV_CPUS"
start_lakeward warm
# The same allow with a decision TTL longer than the whole bench: no refresh-ahead during the
# timed runs. A refresh is one batch-check whose cost is Lakekeeper's and OpenFGA's CPU, and
# here they run on this machine and land on the server CPU (the kernel wakes them beside
# lakeward), stalling lakeward's event loop for the 20-30 ms OpenFGA computes: a production
# Lakekeeper runs on other hosts. Both rows are reported.
start_lakeward held LAKEWARD_DECISION_CACHE_TTL_MS=86400000
[[ "$MODE" == http ]] || start_lakeward cold LAKEWARD_DECISION_CACHE_TTL_MS=0
"${SRV_PIN[@]}" "$OUT/static_responder" 127.0.0.1:0 >"$OUT/static.port" 2>"$OUT/static.log" </dev/null &
STATIC_PID=$!
PIDS+=("$STATIC_PID")
for _ in $(seq 100); do grep -q '^port=' "$OUT/static.port" 2>/dev/null && break; sleep 0.05; done
STATIC_URL="http://127.0.0.1:$(sed -n 's/^port=//p' "$OUT/static.port")"
wait_port "${STATIC_URL##*:}" "$STATIC_PID" || die "static responder did not start"

# nginx answering every request with the fixed allow answer: one process (master_process off,
# like lakeward and the static responder), access log off, keep-alive unbounded, as an
# unprivileged user when run as root, on a loopback port; everything it writes stays in $NGX.
NGX="$OUT/nginx"
rm -rf "$NGX"; mkdir -p "$NGX/tmp"
NGINX_PORT="$(free_port)"
cat >"$NGX/nginx.conf" <<NGINX_CONF
daemon off;
master_process off;
worker_processes 1;
pid $NGX/nginx.pid;
error_log $NGX/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    keepalive_requests 100000000;
    keepalive_timeout 120s;
    client_body_temp_path $NGX/tmp/body;
    proxy_temp_path $NGX/tmp/proxy;
    fastcgi_temp_path $NGX/tmp/fastcgi;
    uwsgi_temp_path $NGX/tmp/uwsgi;
    scgi_temp_path $NGX/tmp/scgi;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / {
            default_type application/json;
            return 200 '{"result":true}';
        }
    }
}
NGINX_CONF
NGX_USER=()
if ((EUID == 0)); then
    chown -R nobody:nogroup "$NGX"
    NGX_USER=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi
"${SRV_PIN[@]}" "${NGX_USER[@]}" nginx -p "$NGX" -e "$NGX/error.log" -c "$NGX/nginx.conf" \
    >"$NGX/stdout.log" 2>&1 </dev/null &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
NGINX_URL="http://127.0.0.1:$NGINX_PORT"
wait_port "$NGINX_PORT" "$NGINX_PID" || { cat "$NGX/error.log" >&2; die "nginx did not start"; }

# ---- request bodies (Trino's shapes, tests/lakeward_proc.py: trino_input, table) --------
B="$OUT/bodies"
trino_input() {   # trino_input USER QUERY_ID OPERATION ACTION_JSON_FRAGMENT
    jq -nc --arg u "$1" --arg q "$2" --arg op "$3" --argjson extra "$4" \
        '{input: {context: {identity: {user: $u, groups: []}, softwareStack: {trinoVersion: "479"},
                            queryId: $q},
                  action: ({operation: $op} + $extra)}}'
}
trino_input "$USER_SP2" bench_allow SelectFromColumns \
    '{"resource":{"table":{"catalogName":"lakekeeper","schemaName":"finance","tableName":"product","columns":["id","name","price"]}}}' \
    >"$B/allow.json"
# Ten tables as Trino's SHOW TABLES / information_schema filtering sends them: four that exist
# (one of them a view), six that do not.
ten="$(jq -nc '[["finance","product"],["finance","revenue"],["finance","product_summary"],
                ["marketing","campaigns"]] + [range(6) | ["finance", "staging_\(.)"]]
               | map({table: {catalogName: "lakekeeper", schemaName: .[0], tableName: .[1]}})')"
trino_input "$USER_SP2" bench_batch FilterTables "{\"filterResources\":$ten}" >"$B/batch10.json"
# 10,000 tables over 10 schemas (the seed's tables first); a fresh query id per request so no
# probe answer is reused, fresh table names per repetition so no check answer is either.
big_body() {   # big_body USER QUERY_ID REP
    jq -nc --arg u "$1" --arg q "$2" --argjson n "$BIG_N" --arg r "$3" '
        ([["finance","product"],["finance","revenue"],["finance","product_summary"],["marketing","campaigns"]]
         + [range($n - 4) | ["schema_\(. % 10)", "t\($r)_\(.)"]])
        | map({table: {catalogName: "lakekeeper", schemaName: .[0], tableName: .[1]}}) as $res
        | {input: {context: {identity: {user: $u, groups: []}, softwareStack: {trinoVersion: "479"},
                             queryId: $q},
                   action: {operation: "FilterTables", filterResources: $res}}}'
}
# The batch-check lakeward sends for the allow request (catalog/lk_check.c: a SelectFromColumns
# on a name that may be a table or a view asks table read_data and view select).
jq -nc --arg w "$WAREHOUSE_ID" --arg u "oidc~$USER_SP2" '
    {"error-on-not-found": false,
     checks: [{operation: {table: {action: {action: "read_data"}, "warehouse-id": $w,
                                   namespace: ["finance"], table: "product"}}, identity: {user: $u}},
              {operation: {view: {action: {action: "select"}, "warehouse-id": $w,
                                  namespace: ["finance"], table: "product"}}, identity: {user: $u}}]}' \
    >"$B/direct-check.json"

TOKEN="$(curl -fsS --max-time 20 -d grant_type=client_credentials -d client_id=lakeward \
    -d client_secret=lakeward-secret -d scope=lakekeeper "$KEYCLOAK_TOKEN_ENDPOINT" | jq -r .access_token)"
[[ -n "$TOKEN" && "$TOKEN" != null ]] || die "no token for client lakeward"

post() { curl -fsS --max-time 120 -H 'Content-Type: application/json' --data-binary "@$2" "$1"; }
last_decision() { curl -fsS --max-time 10 "$1/v1/decisions?limit=1"; }

# ---- sanity: the measured requests give the expected answers ----------------------------
log "checking the answers of the measured requests"
got="$(post "$LW_URL_warm/v1/data/trino/allow" "$B/allow.json" | jq -c .result)"
[[ "$got" == true ]] || die "allow answered $got, expected true (decision: $(last_decision "$LW_URL_warm"))"
got="$(post "$LW_URL_warm/v1/data/trino/batch" "$B/batch10.json" | jq -c .result)"
[[ "$got" == "[0]" ]] || die "batch answered $got, expected [0] (decision: $(last_decision "$LW_URL_warm"))"
got="$(post "$NGINX_URL/v1/data/trino/allow" "$B/allow.json" | jq -c .result)"
[[ "$got" == true ]] || die "nginx answered $got, expected true"
if [[ "$MODE" == all ]]; then
# Twice: the first cold decision also fetches the token and the warehouse id.
post "$LW_URL_cold/v1/data/trino/allow" "$B/allow.json" >/dev/null
got="$(post "$LW_URL_cold/v1/data/trino/allow" "$B/allow.json" | jq -c .result)"
[[ "$got" == true ]] || die "cold allow answered $got, expected true"
got="$(curl -fsS --max-time 20 -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    --data-binary "@$B/direct-check.json" "$LK_URL/management/v1/action/batch-check" | jq -c '[.results[].allowed]')"
[[ "$got" == "[true,false]" ]] || die "direct batch-check answered $got, expected [true,false]"
cold_rec="$(last_decision "$LW_URL_cold")"
[[ "$(jq -c '[.lakekeeper_calls, .checks_sent]' <<<"$cold_rec")" == "[1,2]" ]] ||
    log "WARNING: the cold decision made $(jq -c '{lakekeeper_calls, checks_sent}' <<<"$cold_rec"), expected 1 call with 2 checks"
fi

# ---- 1. warm path: wrk against static, allow, batch, interleaved -------------------------
cpu_ticks() { local s; s="$(cat "/proc/$1/stat")"; s="${s##*) }"; read -ra f <<<"$s"; echo $((f[11] + f[12])); }
CLK_TCK="$(getconf CLK_TCK)"

# busy_other "CPU0-LINE" "CPU1-LINE" SERVER_TICKS GEN_USER_S GEN_SYS_S: percent of the whole
# machine used by everything but the measured server and wrk during a run (from /proc/stat):
# other work on the machine, which makes the numbers noisy.
busy_other() {
    awk -v a="$1" -v b="$2" -v srv="$3" -v gu="$4" -v gs="$5" -v hz="$CLK_TCK" 'BEGIN {
        n = split(a, x, " "); split(b, y, " "); tot = 0
        for (i = 2; i <= 9 && i <= n; i++) tot += y[i] - x[i]   # guest time is inside user
        idle = (y[5] - x[5]) + (y[6] - x[6])
        other = (tot - idle) - srv - (gu + gs) * hz
        if (other < 0) other = 0
        printf "%.0f", (tot > 0 ? other * 100 / tot : 0) }'
}

# Decisions lakeward's warm instance computed and cached so far (decision-cache misses).
decision_misses() {
    curl -fsS "$LW_URL_warm/metrics" | awk '/^lakeward_decision_cache_total\{result="miss"\}/ { print $NF }'
}

# run_wrk NAME URL BODY SECONDS: one wrk run; appends "NAME rps p50 p99 cpu_us_per_req gen_cpu% other_cpu%" to $OUT/raw/wrk.tsv
run_wrk() {
    local name="$1" url="$2" body="$3" secs="$4" pid t0 t1 line out
    case "$name" in static) pid=$STATIC_PID ;; nginx) pid=$NGINX_PID ;; held) pid=$LW_PID_held ;; *) pid=$LW_PID_warm ;; esac
    out="$OUT/raw/wrk-$name-$(date +%s%N).txt"
    local -a st0 st1
    local dm0=""
    [[ "$pid" != "${LW_PID_warm:-}" ]] || dm0="$(decision_misses)"
    read -ra st0 < <(head -1 /proc/stat)
    t0="$(cpu_ticks "$pid")"
    { TIMEFORMAT='GENCPU %U %S'; time LW_BENCH_BODY="$body" "${GEN_PIN[@]}" \
        wrk -t"$GEN_THREADS" -c"$CONNS" -d"${secs}s" --timeout 10s --latency -s tests/bench/post.lua "$url" ; } \
        >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed ($name)"; }
    t1="$(cpu_ticks "$pid")"
    read -ra st1 < <(head -1 /proc/stat)
    [[ -z "$dm0" ]] || printf '%s\t%s\n' "$name" $(($(decision_misses) - dm0)) >>"$OUT/raw/misses.tsv"
    line="$(grep '^LWBENCH' "$out")" || { cat "$out" >&2; die "wrk printed no summary ($name)"; }
    local req rps p50 p99 non200 serr gu gs
    req="$(sed 's/.* requests=\([0-9]*\).*/\1/' <<<"$line")"
    rps="$(sed 's/.* rps=\([0-9.]*\).*/\1/' <<<"$line")"
    p50="$(sed 's/.* p50_us=\([0-9]*\).*/\1/' <<<"$line")"
    p99="$(sed 's/.* p99_us=\([0-9]*\).*/\1/' <<<"$line")"
    non200="$(sed 's/.* non200=\([0-9]*\).*/\1/' <<<"$line")"
    serr="$(sed 's/.* sock_errors=\([0-9]*\).*/\1/' <<<"$line")"
    read -r _ gu gs < <(grep '^GENCPU' "$out")
    ((non200 == 0 && serr == 0)) || die "wrk ($name): $non200 non-200 answers, $serr socket errors; see $out"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$rps" "$p50" "$p99" \
        "$(awk -v d=$((t1 - t0)) -v r="$req" -v hz="$CLK_TCK" 'BEGIN { printf "%.1f", d * 1e6 / hz / r }')" \
        "$(awk -v u="$gu" -v s="$gs" -v t="$secs" -v n="$GEN_THREADS" 'BEGIN { printf "%.0f", (u + s) * 100 / t / n }')" \
        "$(busy_other "${st0[*]}" "${st1[*]}" $((t1 - t0)) "$gu" "$gs")" \
        >>"$OUT/raw/wrk.tsv"
    log "  $name: $rps req/s, p50 ${p50} us, p99 ${p99} us"
}

: >"$OUT/raw/wrk.tsv"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
log "warm path: wrk -t$GEN_THREADS -c$CONNS, ${DURATION}s per run, $ROUNDS rounds (server CPUs $SRV_CPUS, wrk CPUs $GEN_CPUS)"
# The measured targets, "NAME URL BODY", in the order of each round.
TARGETS=("static $STATIC_URL/v1/data/trino/allow $B/allow.json"
         "nginx $NGINX_URL/v1/data/trino/allow $B/allow.json"
         "allow $LW_URL_warm/v1/data/trino/allow $B/allow.json"
         "held $LW_URL_held/v1/data/trino/allow $B/allow.json")
[[ "$MODE" == http ]] || TARGETS+=("batch $LW_URL_warm/v1/data/trino/batch $B/batch10.json")
# warm_up NAME URL BODY SECONDS: an untimed wrk run of a target (connections, thread stacks, caches).
warm_up() {
    LW_BENCH_BODY="$3" "${GEN_PIN[@]}" wrk -t"$GEN_THREADS" -c"$CONNS" -d"$4"s -s tests/bench/post.lua "$2" >/dev/null 2>&1 ||
        die "wrk warm-up failed ($1)"
}
for t in "${TARGETS[@]}"; do
    read -r n u b <<<"$t"
    warm_up "$n" "$u" "$b" 2
done
: >"$OUT/raw/misses.tsv"
m0="$(curl -fsS "$LW_URL_warm/metrics")"
for r in $(seq "$ROUNDS"); do
    for t in "${TARGETS[@]}"; do
        read -r n u b <<<"$t"
        # Warm again right before the timed run: the other targets' runs outlast lakeward's
        # decision cache TTL, so without this every allow run began with its connections all
        # missing the expired answer (one Lakekeeper round trip, tens of ms): the cold path,
        # which wrk's coordinated-omission correction spread over about 1% of its samples.
        warm_up "$n" "$u" "$b" 1
        run_wrk "$n" "$u" "$b" "$DURATION"
    done
done
m1="$(curl -fsS "$LW_URL_warm/metrics")"
metric_sum() { grep -E "^$1(\{| )" <<<"$2" | grep -F "${3:-}" | awk '{ s += $NF } END { printf "%.0f", s }'; }
cache_hits=$(( $(metric_sum lakeward_check_cache_total "$m1" 'result="hit"') - $(metric_sum lakeward_check_cache_total "$m0" 'result="hit"') ))
cache_miss=$(( $(metric_sum lakeward_check_cache_total "$m1" 'result="miss"') - $(metric_sum lakeward_check_cache_total "$m0" 'result="miss"') ))
lk_calls=$(( $(metric_sum lakeward_lakekeeper_requests_total "$m1") - $(metric_sum lakeward_lakekeeper_requests_total "$m0") ))

# Median run (by req/s) of each target.
median_row() { awk -F'\t' -v n="$1" '$1 == n' "$OUT/raw/wrk.tsv" | sort -t$'\t' -k2,2g | awk -v k="$ROUNDS" 'NR == int((k + 1) / 2)'; }
read -r _ S_RPS S_P50 S_P99 S_CPU S_GEN S_OTH < <(median_row static)
read -r _ N_RPS N_P50 N_P99 N_CPU N_GEN N_OTH < <(median_row nginx)
read -r _ A_RPS A_P50 A_P99 A_CPU A_GEN A_OTH < <(median_row allow)
read -r _ H_RPS H_P50 H_P99 H_CPU H_GEN H_OTH < <(median_row held)
# A tail percentile is the noisiest number of a run, so the nginx comparison takes each
# target's p99 as the median of its rounds' p99s (not the p99 of the median round by
# requests/s), and lists each round's own ratio: the targets of a round ran in the same minute.
median_p99() { awk -F'\t' -v n="$1" '$1 == n { print $4 }' "$OUT/raw/wrk.tsv" | sort -g | awk -v k="$ROUNDS" 'NR == int((k + 1) / 2)'; }
round_p99_ratios() {
    awk -F'\t' -v a="$1" -v b="$2" '$1 == a { x[++i] = $4 } $1 == b { y[++j] = $4 }
        END { for (r = 1; r <= i && r <= j; r++) printf "%s%.2f", (r > 1 ? " / " : ""), x[r] / y[r] }' "$OUT/raw/wrk.tsv"
}
N_P99M="$(median_p99 nginx)"; S_P99M="$(median_p99 static)"; H_P99M="$(median_p99 held)"; A_P99M="$(median_p99 allow)"
[[ "$MODE" == http ]] || read -r _ T_RPS T_P50 T_P99 T_CPU T_GEN T_OTH < <(median_row batch)
OTHER_MAX="$(awk -F'\t' '$7 > m { m = $7 } END { print m + 0 }' "$OUT/raw/wrk.tsv")"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
ms() { awk -v u="$1" 'BEGIN { printf "%.3f", u / 1000 }'; }
thousands() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }
int() { awk -v x="$1" 'BEGIN { printf "%.0f", x }'; }
pkgver() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo '?'; }
CPU_MODEL="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
LW_REV="$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- . 2>/dev/null || echo ', uncommitted changes')"

# write_section HEADER TEXT: replace the section HEADER of docs/benchmarks.md (to the next
# "## " header or the end) with TEXT, or append it; nothing with LW_BENCH_NO_DOC=1.
write_section() {
    if [[ "${LW_BENCH_NO_DOC:-}" == 1 ]]; then
        log "LW_BENCH_NO_DOC=1: docs/benchmarks.md left alone ($1)"
        return 0
    fi
    if [[ ! -f "$DOC" ]]; then
        printf '# Benchmarks\n\nMeasured numbers. Benchmarks never assert on speed; each section says how it was measured and\nwhich command reproduces it.\n\n' >"$DOC"
    fi
    local sect_file="$OUT/section.md"
    printf '%s\n' "$2" >"$sect_file"
    awk -v hdr="$1" -v sf="$sect_file" '
        function emit(   l) { while ((getline l < sf) > 0) print l; close(sf); done = 1 }
        $0 == hdr { emit(); skip = 1; next }
        skip && /^## / { skip = 0; print "" }
        !skip { print }
        END { if (!done) { print ""; emit() } }' "$DOC" >"$DOC.tmp"
    mv "$DOC.tmp" "$DOC"
    log "wrote \"$1\" in $DOC"
}

# The nginx comparison: its own section, written by every run (`run.sh http` writes only it).
write_nginx_section() {
    local aim_rps aim_p99
    aim_rps="$(awk -v a="$H_RPS" -v n="$N_RPS" 'BEGIN { print (a >= 0.7 * n ? "met" : "not met") }')"
    aim_p99="$(awk -v a="$H_P99M" -v n="$N_P99M" 'BEGIN { print (a <= 2 * n ? "met" : "not met") }')"
    write_section "$NGINX_SECTION" "$(cat <<EOF
$NGINX_SECTION

Measured on $(date -u +%F) by \`tests/bench/run.sh${1:+ $1}\` (\`make bench\` measures this too). lakeward $LW_REV,
nginx $(pkgver nginx), libmicrohttpd $(pkgver libmicrohttpd12), wrk $(pkgver wrk); $NCPU CPUs ($CPU_MODEL).

| server, same request (POST of the Trino allow body) | requests/s | p50 | p99 (median of rounds) | server CPU per request |
|---|---:|---:|---:|---:|
| nginx, fixed answer \`{"result":true}\` | $(int "$N_RPS") | $(ms "$N_P50") ms | $(ms "$N_P99M") ms | $N_CPU µs |
| lakeward's HTTP layer, fixed answer (static responder) | $(int "$S_RPS") | $(ms "$S_P50") ms | $(ms "$S_P99M") ms | $S_CPU µs |
| lakeward \`/v1/data/trino/allow\`, cached decision (no refresh during the run) | $(int "$H_RPS") | $(ms "$H_P50") ms | $(ms "$H_P99M") ms | $H_CPU µs |
| the same, default 5 s TTL (refresh-ahead renews it during the run) | $(int "$A_RPS") | $(ms "$A_P50") ms | $(ms "$A_P99M") ms | $A_CPU µs |

lakeward's cached allow against nginx: throughput **$(ratio "$H_RPS" "$N_RPS")x** nginx's (aim >= 0.7x: $aim_rps), p99
**$(ratio "$H_P99M" "$N_P99M")x** nginx's (aim <= 2x: $aim_p99; round by round $(round_p99_ratios held nginx)), p50 $(ratio "$H_P50" "$N_P50")x.
The static responder (lakeward's HTTP layer without a decision) does $(ratio "$S_RPS" "$N_RPS")x nginx's throughput,
p99 $(ratio "$S_P99M" "$N_P99M")x (round by round $(round_p99_ratios static nginx)). With the default TTL: throughput
$(ratio "$A_RPS" "$N_RPS")x, p99 $(ratio "$A_P99M" "$N_P99M")x (round by round $(round_p99_ratios allow nginx)).

**Why two allow rows.** With the default TTL (5 s, refresh-ahead at 20 %) each timed run renews
the answer about twice: one batch-check to the stand-in, which asks this machine's OpenFGA and
PostgreSQL. They spend 20-30 ms of CPU per batch-check, and the kernel runs them on the server
CPU (beside lakeward, which woke them), so lakeward's event loop waits that long and wrk's
coordinated-omission correction turns the few slow responses into its p99. Traced with
\`perf sched\` (2026-11-28): the loop thread never slept on a lock in an allow run; every loop
stall over 3 ms began with a refresh's batch-check, and the allow without refreshes had
nginx's p99 in the same minutes. A production Lakekeeper and OpenFGA run on other hosts, so
the first row is lakeward's own cost; the second is what the bench machine adds.

Method: the same wrk runs as the warm path above ($CONNS keep-alive connections, $GEN_THREADS wrk thread(s) on CPU(s) $GEN_CPUS,
${DURATION} s per run, $ROUNDS rounds with the targets interleaved; requests/s, p50 and CPU from the median round by
requests/s, p99 the median of the rounds' p99s), every
server pinned to CPU(s) $SRV_CPUS. nginx runs as one process (\`master_process off\`: no separate
worker, as lakeward is one process), access log off, unbounded keep-alive, \`return 200\` of the
fixed body, started unprivileged with a configuration under build/bench/nginx. wrk used about
${N_GEN}% / ${A_GEN}% of its CPU(s) in the nginx / allow runs (near 100% means wrk was the limit, which
understates the faster server). Other processes used up to ${OTHER_MAX}% of the machine during these runs.

Each timed run follows 1 s of untimed wrk on the same target, so the allow runs measure cached
decisions: lakeward's decision cache missed $(awk -F'\t' '$1 == "allow" { s += $2 } END { print s + 0 }' "$OUT/raw/misses.tsv")
times in all the timed allow runs (refresh-ahead renews the answer before it expires). Without
that warm-up the other targets' runs outlast the 5 s TTL and each allow run began with all $CONNS
connections missing at once (one Lakekeeper round trip, tens of ms). wrk's percentiles include
its coordinated-omission correction (a response slower than twice the mean time between a
connection's requests adds one more sample at each such interval below its latency), so those
$CONNS slow responses alone came to about 1% of the samples: the p99 gap of earlier runs.
EOF
)"
}

if [[ "$MODE" == http ]]; then
    log "summary (http)"
    cat >&2 <<EOF

  nginx        : $N_RPS req/s  p50 $(ms "$N_P50") ms  p99 $(ms "$N_P99") ms  (CPU $N_CPU us/req, wrk CPU ${N_GEN}%)
  static       : $S_RPS req/s  p50 $(ms "$S_P50") ms  p99 $(ms "$S_P99") ms  (CPU $S_CPU us/req)
  cached allow : $A_RPS req/s  p50 $(ms "$A_P50") ms  p99 $(ms "$A_P99") ms  (CPU $A_CPU us/req, wrk CPU ${A_GEN}%)
  held allow   : $H_RPS req/s  p50 $(ms "$H_P50") ms  p99 $(ms "$H_P99") ms  (no refresh during the runs)
  allow/nginx  : throughput $(ratio "$H_RPS" "$N_RPS")x (aim >= 0.7), p99 $(ratio "$H_P99M" "$N_P99M")x (aim <= 2; rounds $(round_p99_ratios held nginx)); default TTL $(ratio "$A_RPS" "$N_RPS")x / $(ratio "$A_P99" "$N_P99")x
  raw results  : $OUT/raw/

EOF
    write_nginx_section http
    exit 0
fi

# ---- 2. cold path: lakeward (cache off) vs the same batch-check straight to the stand-in --
log "cold path: $SAMPLES samples each, lakeward (decision cache off) alternating with a direct batch-check"
mc0="$(curl -fsS "$LW_URL_cold/metrics")"
"${GEN_PIN[@]}" "$OUT/lw_sample" -n "$SAMPLES" -w 20 \
    -t lakeward "$LW_URL_cold/v1/data/trino/allow" "$B/allow.json" \
    -t direct "$LK_URL/management/v1/action/batch-check" "$B/direct-check.json" \
    -H "Authorization: Bearer $TOKEN" >"$OUT/raw/cold.txt" || die "lw_sample failed"
mc1="$(curl -fsS "$LW_URL_cold/metrics")"
cat "$OUT/raw/cold.txt" >&2
field() { sed -n "s/^$1 .* $2=\(-\{0,1\}[0-9]*\).*/\1/p" "$OUT/raw/cold.txt"; }
# hist_mean_us NAME LABEL-FILTER: mean of a histogram's observations between mc0 and mc1, in µs.
hist_mean_us() {
    local s0 s1 c0 c1
    s0="$(grep -F "$2" <<<"$mc0" | grep "^$1_sum" | awk '{ print $NF }')"
    s1="$(grep -F "$2" <<<"$mc1" | grep "^$1_sum" | awk '{ print $NF }')"
    c0="$(grep -F "$2" <<<"$mc0" | grep "^$1_count" | awk '{ print $NF }')"
    c1="$(grep -F "$2" <<<"$mc1" | grep "^$1_count" | awk '{ print $NF }')"
    awk -v s0="${s0:-0}" -v s1="${s1:-0}" -v c0="${c0:-0}" -v c1="${c1:-0}" \
        'BEGIN { printf "%.0f", (c1 > c0 ? (s1 - s0) * 1e6 / (c1 - c0) : -1) }'
}
C_DEC_MEAN="$(hist_mean_us lakeward_decision_seconds 'endpoint="allow"')"
C_LK_MEAN="$(hist_mean_us lakeward_lakekeeper_request_seconds 'endpoint="batch-check"')"
C_DIFF_P50=$(field diff p50_us); C_DIFF_P10=$(field diff p10_us); C_DIFF_P90=$(field diff p90_us)
C_LW_MIN=$(field lakeward min_us); C_DI_MIN=$(field direct min_us)
C_LW_P50=$(field lakeward p50_us); C_LW_P99=$(field lakeward p99_us)
C_DI_P50=$(field direct p50_us); C_DI_P99=$(field direct p99_us)
[[ "$(field lakeward ok)" == "$SAMPLES" && "$(field direct ok)" == "$SAMPLES" ]] || die "cold path: some requests failed: $(cat "$OUT/raw/cold.txt")"
cold_rec="$(last_decision "$LW_URL_cold")"
C_CALLS="$(jq -r .lakekeeper_calls <<<"$cold_rec")"; C_CHECKS="$(jq -r .checks_sent <<<"$cold_rec")"
C_SRV_MS="$(jq -r '.latency_ms * 1000 | round / 1000' <<<"$cold_rec")"

# ---- 3. FilterTables of 10,000 tables --------------------------------------------------
: >"$OUT/raw/big.tsv"
big_run() {   # big_run LABEL USER REP
    local label="$1" user="$2" rep="$3" body="$B/big-$1-$3.json" rec wall
    big_body "$user" "bench_big_${label}_${rep}_$$" "$rep" >"$body"
    local c0 s0 f0 c1 s1 f1
    c0="$(cpu_ticks "$LW_PID_warm")"; s0="$(cpu_ticks "$STANDIN_PID")"; f0="$(cpu_ticks "$OPENFGA_PID")"
    "${GEN_PIN[@]}" "$OUT/lw_sample" -n 1 -w 0 -b "$OUT/raw/big-$label-$rep.resp" \
        -t "$label" "$LW_URL_warm/v1/data/trino/batch" "$body" >"$OUT/raw/big-$label-$rep.txt" || die "lw_sample (big) failed"
    c1="$(cpu_ticks "$LW_PID_warm")"; s1="$(cpu_ticks "$STANDIN_PID")"; f1="$(cpu_ticks "$OPENFGA_PID")"
    wall="$(sed -n 's/.* p50_us=\([0-9]*\).*/\1/p' "$OUT/raw/big-$label-$rep.txt")"
    rec="$(last_decision "$LW_URL_warm")"
    [[ -z "$(jq -r '.error // empty' <<<"$rec")" ]] || die "10k FilterTables ($label) degraded: $(jq -r .error <<<"$rec")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$wall" "$(jq -r .latency_ms <<<"$rec")" \
        "$(jq -r .lakekeeper_calls <<<"$rec")" "$(jq -r .checks_sent <<<"$rec")" \
        "$(jq -r .allowed_total <<<"$rec")" "$(jq -r '.cache_hits' <<<"$rec")" \
        $(((c1 - c0) * 1000 / CLK_TCK)) $(((s1 - s0) * 1000 / CLK_TCK)) $(((f1 - f0) * 1000 / CLK_TCK)) >>"$OUT/raw/big.tsv"
    log "  $label rep $rep: ${wall} us wall, $(jq -c '{latency_ms, lakekeeper_calls, checks_sent, allowed_total, cache_hits}' <<<"$rec"), CPU ms lakeward $(((c1 - c0) * 1000 / CLK_TCK)) stand-in $(((s1 - s0) * 1000 / CLK_TCK)) openfga $(((f1 - f0) * 1000 / CLK_TCK))"
}
STANDIN_PID="$(cat "$REPO/$LW_STACK_DIR/standin/pid")"
OPENFGA_PID="$(cat "$REPO/$LW_STACK_DIR/openfga/pid")"
log "FilterTables of $BIG_N tables, $BIG_REPS repetitions each"
for rep in $(seq "$BIG_REPS"); do
    big_run slow "$USER_SP2" "$rep"
    big_run fast "$USER_SP1" "$rep"
done
big_median() { awk -F'\t' -v n="$1" '$1 == n' "$OUT/raw/big.tsv" | sort -t$'\t' -k2,2n | awk -v k="$BIG_REPS" 'NR == int((k + 1) / 2)'; }
read -r _ BS_WALL BS_SRV BS_CALLS BS_CHECKS BS_ALLOWED BS_HITS BS_CPU_LW BS_CPU_SI BS_CPU_FGA < <(big_median slow)
read -r _ BF_WALL BF_SRV BF_CALLS BF_CHECKS BF_ALLOWED BF_HITS BF_CPU_LW BF_CPU_SI BF_CPU_FGA < <(big_median fast)
BS_MIN="$(awk -F'\t' '$1 == "slow" { print $2 }' "$OUT/raw/big.tsv" | sort -n | head -1)"
BS_MAX="$(awk -F'\t' '$1 == "slow" { print $2 }' "$OUT/raw/big.tsv" | sort -n | tail -1)"
BF_MIN="$(awk -F'\t' '$1 == "fast" { print $2 }' "$OUT/raw/big.tsv" | sort -n | head -1)"
BF_MAX="$(awk -F'\t' '$1 == "fast" { print $2 }' "$OUT/raw/big.tsv" | sort -n | tail -1)"
BIG_BYTES="$(stat -c %s "$B/big-slow-1.json")"

# ---- 4. instructions per request (callgrind): a noise-free view of the warm path -------------
# Wall-clock numbers on a small shared machine move with whatever else runs; instruction
# counts do not. Each server runs under callgrind with instrumentation off until warmed up;
# then N requests are counted (the whole process: libmicrohttpd, handler, libc).
log "instructions per request (callgrind): static, allow, batch"
IR_N_ALLOW=1000; IR_N_BATCH=300
# cg_start NAME [VAR=value...] CMD...: runs CMD under callgrind (environment given to valgrind,
# which passes it on); sets CG_PID
cg_start() {
    local name="$1"; shift
    local -a vars=()
    while [[ "${1:-}" == *=* ]]; do vars+=("$1"); shift; done
    env "${vars[@]}" valgrind --tool=callgrind --instr-atstart=no \
        --callgrind-out-file="$OUT/raw/callgrind.$name.%p" \
        "$@" >"$OUT/raw/callgrind.$name.log" 2>&1 </dev/null &
    CG_PID=$!
    PIDS+=("$CG_PID")
}
# cg_count PID N URL BODY: Ir per request of N sequential requests (after 20 uncounted ones)
cg_count() {
    local pid="$1" n="$2" url="$3" body="$4" before after f
    "$OUT/lw_sample" -n 20 -w 0 -t warm "$url" "$body" >/dev/null || die "callgrind warm-up failed ($url)"
    before="$(find "$OUT/raw" -name "callgrind.*.$pid.*" | wc -l)"
    callgrind_control -i on "$pid" >/dev/null 2>&1 || die "callgrind_control failed"
    "$OUT/lw_sample" -n "$n" -w 0 -t count "$url" "$body" >/dev/null || die "callgrind run failed ($url)"
    callgrind_control -i off "$pid" >/dev/null 2>&1
    callgrind_control -d "$pid" >/dev/null 2>&1
    for _ in $(seq 50); do
        after="$(find "$OUT/raw" -name "callgrind.*.$pid.*" | wc -l)"
        ((after > before)) && break
        sleep 0.1
    done
    f="$(ls -t "$OUT"/raw/callgrind.*."$pid".* 2>/dev/null | head -1)"
    [[ -n "$f" ]] || die "callgrind wrote no dump for pid $pid"
    # "TOTAL MEMSET": Ir per request, and the part of it in libc's memset (libmicrohttpd zeroes
    # its per-connection memory pool on every request with rep stosb, which callgrind counts
    # as one instruction per byte although the hardware does it in about a microsecond).
    printf '%s %s\n' "$(awk -v n="$n" '/^totals:/ { printf "%.0f", $2 / n }' "$f")" \
        "$(callgrind_annotate "$f" 2>/dev/null | awk -v n="$n" '/:__memset/ { gsub(",", "", $1); m += $1 } END { printf "%.0f", m / n }')"
}
cg_start static "$OUT/static_responder" 127.0.0.1:0
for _ in $(seq 100); do grep -q '^port=' "$OUT/raw/callgrind.static.log" 2>/dev/null && break; sleep 0.1; done
CG_STATIC_URL="http://127.0.0.1:$(sed -n 's/^port=//p' "$OUT/raw/callgrind.static.log")"
read -r IR_STATIC MS_STATIC < <(cg_count "$CG_PID" "$IR_N_ALLOW" "$CG_STATIC_URL/v1/data/trino/allow" "$B/allow.json")
kill -TERM "$CG_PID" 2>/dev/null || true
cg_port="$(free_port)"
cg_start lakeward LAKEWARD_DECISION_CACHE_TTL_MS=600000 \
    LAKEKEEPER_URL="$LK_URL" LAKEKEEPER_TOKEN_ENDPOINT="$KEYCLOAK_TOKEN_ENDPOINT" \
    LAKEKEEPER_CLIENT_ID=lakeward LAKEKEEPER_CLIENT_SECRET=lakeward-secret \
    TRINO_LAKEKEEPER_CATALOG_NAME=lakekeeper LAKEKEEPER_LAKEKEEPER_WAREHOUSE=demo \
    "$BUILD/lakeward" --http-listen "127.0.0.1:$cg_port" --pg-listen "127.0.0.1:$(free_port)" --log-level warn
for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$cg_port") 2>/dev/null && break; sleep 0.1; done
read -r IR_ALLOW MS_ALLOW < <(cg_count "$CG_PID" "$IR_N_ALLOW" "http://127.0.0.1:$cg_port/v1/data/trino/allow" "$B/allow.json")
read -r IR_BATCH MS_BATCH < <(cg_count "$CG_PID" "$IR_N_BATCH" "http://127.0.0.1:$cg_port/v1/data/trino/batch" "$B/batch10.json")
kill -TERM "$CG_PID" 2>/dev/null || true
[[ -n "$IR_STATIC" && -n "$IR_ALLOW" && -n "$IR_BATCH" && -n "$MS_BATCH" ]] || die "callgrind counts missing"
XS_STATIC=$((IR_STATIC - MS_STATIC)); XS_ALLOW=$((IR_ALLOW - MS_ALLOW)); XS_BATCH=$((IR_BATCH - MS_BATCH))
log "  Ir/request: static $IR_STATIC, allow $IR_ALLOW, batch $IR_BATCH (without memset: $XS_STATIC, $XS_ALLOW, $XS_BATCH)"
# Where the instructions go (inclusive, per function) for the record: raw/callgrind.*.txt
for f in "$OUT"/raw/callgrind.lakeward.*.[0-9]*; do
    [[ "$f" == *.txt ]] || callgrind_annotate --inclusive=yes "$f" >"$f.txt" 2>/dev/null || true
done

# ---- report -------------------------------------------------------------------------------
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
VERSIONS="lakeward $("$BUILD/lakeward" --version | awk '{ print $2 }') ($LW_REV), libmicrohttpd $(pkgver libmicrohttpd12), jansson $(pkgver libjansson4), libcurl $(pkgver libcurl4), gcc $(cc -dumpfullversion), wrk $(pkgver wrk), kernel $(uname -r)"
TODAY="$(date -u +%F)"

section="$(cat <<EOF
$SECTION

Measured on $TODAY by \`make bench\` (tests/bench/run.sh, which rewrites this section).
Machine: $NCPU CPUs ($CPU_MODEL), Debian $(cat /etc/debian_version 2>/dev/null || echo '?'). Versions: $VERSIONS.
The Lakekeeper side is the test stand-in (tests/lakekeeper-standin) over OpenFGA $(sed -n 's/^OPENFGA_VERSION=\([^ ]*\).*/\1/p' tests/stack/lib.sh) and
PostgreSQL, Keycloak as IdP, all on the same machine.

### Warm path: lakeward vs a static responder (same run)

| endpoint | requests/s | p50 | p99 | server CPU per request |
|---|---:|---:|---:|---:|
| static responder (\`{"result":true}\`) | $(int "$S_RPS") | $(ms "$S_P50") ms | $(ms "$S_P99") ms | $S_CPU µs |
| \`/v1/data/trino/allow\` SelectFromColumns | $(int "$A_RPS") | $(ms "$A_P50") ms | $(ms "$A_P99") ms | $A_CPU µs |
| \`/v1/data/trino/batch\` FilterTables, 10 tables | $(int "$T_RPS") | $(ms "$T_P50") ms | $(ms "$T_P99") ms | $T_CPU µs |

Compared with the static responder (aim: within 2x), as static requests/s over lakeward's,
lakeward's p50 over static's, and lakeward's server CPU per request over static's:

| | throughput | p50 | CPU per request |
|---|---:|---:|---:|
| allow | **$(ratio "$S_RPS" "$A_RPS")x** | $(ratio "$A_P50" "$S_P50")x | $(ratio "$A_CPU" "$S_CPU")x |
| batch of 10 | **$(ratio "$S_RPS" "$T_RPS")x** | $(ratio "$T_P50" "$S_P50")x | $(ratio "$T_CPU" "$S_CPU")x |

During the lakeward runs the check cache answered $(thousands "$cache_hits") checks and missed $cache_miss (the
default 5 s TTL expiring mid-run); lakeward made $lk_calls Lakekeeper/IdP requests in all.

Instructions per request in user space (valgrind callgrind, whole server process, counted
after a warm-up; independent of the machine's load; lakeward with a 600 s decision cache TTL
here so that no refresh falls inside the count):

| | instructions | of which memset | without memset |
|---|---:|---:|---:|
| static responder | $(thousands "$IR_STATIC") | $(thousands "$MS_STATIC") | $(thousands "$XS_STATIC") |
| allow | $(thousands "$IR_ALLOW") | $(thousands "$MS_ALLOW") | $(thousands "$XS_ALLOW") ($(ratio "$XS_ALLOW" "$XS_STATIC")x) |
| batch of 10 | $(thousands "$IR_BATCH") | $(thousands "$MS_BATCH") | $(thousands "$XS_BATCH") ($(ratio "$XS_BATCH" "$XS_STATIC")x) |

The memset is libmicrohttpd clearing its per-connection memory pool for each request; it
uses \`rep stosb\`, which callgrind counts one instruction per byte although the hardware
clears those tens of KiB in about a microsecond, so "without memset" is the fairer comparison of the code each server
runs. Kernel time (scheduling, loopback TCP) is not in these counts
but dominates the static responder's CPU time, which is why the CPU-per-request ratio is far
smaller than the instruction ratio.

Method: wrk (Lua script tests/bench/post.lua: POST of a fixed Trino-shaped body),
$CONNS keep-alive connections (like Trino's pool), $GEN_THREADS wrk thread(s), ${DURATION} s per run,
$ROUNDS rounds of static / allow / batch interleaved after a 2 s warm-up of each (and 1 s of untimed wrk
right before each timed run); the table shows
the median round by requests/s. The static responder (tests/bench/static_responder.c) is
lakeward's own \`server/http_server.c\` (libmicrohttpd, event loop) with one inline
handler, built with the Makefile's flags. allow: user \`$USER_SP2\` (airflow-sp-2),
SelectFromColumns on \`lakekeeper.finance.product\` (allowed); batch: the same user,
FilterTables of 10 tables (4 exist, 1 allowed), fixed query id. **The machine has $NCPU cores**: the
servers were pinned to CPU(s) $SRV_CPUS and wrk to CPU(s) $GEN_CPUS (taskset) so the load generator
and the server do not starve each other; the numbers are therefore per server core.
wrk used about ${S_GEN}% / ${A_GEN}% / ${T_GEN}% of its CPU(s) in the static / allow / batch runs
(near 100% means the load generator, not the server, was the limit). Server CPU per request
is the server process's user+system time over the run divided by the requests served.
Other processes used up to ${OTHER_MAX}% of the machine during the wrk runs (load average
$LOAD_START before the measurements, $LOAD_END after); anything well above 0 makes the
numbers of this run noisier than those of a quiet machine, the p99 above all (a server thread
waiting for the core), and the CPU per request and instruction counts the steadier ratios.

### Cold path: overhead above the Lakekeeper round trip

| | p50 | p99 |
|---|---:|---:|
| lakeward \`/allow\`, decision cache off | $(ms "$C_LW_P50") ms | $(ms "$C_LW_P99") ms |
| the same batch-check straight to the stand-in | $(ms "$C_DI_P50") ms | $(ms "$C_DI_P99") ms |
| difference of the two | $(ms $((C_LW_P50 - C_DI_P50))) ms | $(ms $((C_LW_P99 - C_DI_P99))) ms |

Overhead estimates, from the same samples: median of the paired differences (lakeward's
request minus the direct request sent right after it) **$(ms "$C_DIFF_P50") ms** (10th–90th
percentile $(ms "$C_DIFF_P10") to $(ms "$C_DIFF_P90") ms); difference of the fastest samples
$(ms $((C_LW_MIN - C_DI_MIN))) ms ($(ms "$C_LW_MIN") vs $(ms "$C_DI_MIN") ms); and inside lakeward (its
Prometheus histograms over the run), mean decision time $(ms "$C_DEC_MEAN") ms of which the
batch-check exchange took $(ms "$C_LK_MEAN") ms: **$(ms $((C_DEC_MEAN - C_LK_MEAN))) ms** of in-process work per
cold decision (the extra loopback hop from the client to lakeward is not in this one).

lakeward with \`LAKEWARD_DECISION_CACHE_TTL_MS=0\`; each decision made $C_CALLS Lakekeeper request(s)
with $C_CHECKS checks (table \`read_data\` and view \`select\`, as the name may be either), the
warehouse id and the token being cached. The direct request is that batch-check body,
sent with a token of the same client (\`lakeward\`, scope \`lakekeeper\`). $SAMPLES samples each after
20 warm-up requests, one kept-alive connection per target, the two targets alternating request
by request (tests/bench/lw_sample.c, libcurl); lw_sample on CPU(s) $GEN_CPUS, lakeward on $SRV_CPUS, the
stand-in, OpenFGA and PostgreSQL unpinned. What lakeward adds on a cold decision: parsing,
rules, rendering the checks, the outbound exchange (libcurl multi), the decision record, and
the extra loopback hop. The three estimates from the client's side carry the noise of the
round trip itself (see the spread of the paired differences): when that varies by
milliseconds, as on a busy machine, they cannot resolve a fraction of a millisecond. The
in-process mean does not depend on the round trip.

### One FilterTables of $(thousands "$BIG_N") tables

| user | warehouse probe | wall time (median of $BIG_REPS) | range | lakeward's latency_ms | Lakekeeper calls | checks sent (cache hits) | allowed | CPU ms: lakeward / stand-in / OpenFGA |
|---|---|---:|---:|---:|---:|---:|---:|---:|
| airflow-sp-2 | false: slow path | $(ms "$BS_WALL") ms | $(ms "$BS_MIN")–$(ms "$BS_MAX") ms | $BS_SRV | $BS_CALLS | $BS_CHECKS ($BS_HITS) | $BS_ALLOWED | $BS_CPU_LW / $BS_CPU_SI / $BS_CPU_FGA |
| airflow-sp-1 | true: fast path | $(ms "$BF_WALL") ms | $(ms "$BF_MIN")–$(ms "$BF_MAX") ms | $BF_SRV | $BF_CALLS | $BF_CHECKS ($BF_HITS) | $BF_ALLOWED | $BF_CPU_LW / $BF_CPU_SI / $BF_CPU_FGA |

One request of $(awk -v b="$BIG_BYTES" 'BEGIN { printf "%.2f", b / 1048576 }') MiB (10 schemas; the seed's four tables and $((BIG_N - 4)) that do not
exist), a fresh query id and fresh table names per repetition (no probe answer reused; only
the seed's four tables can hit the check cache, when the previous repetition was less than
the 5 s TTL ago), decision cache on (default configuration); wall time measured by the client, Lakekeeper calls and checks from the
decision record (\`GET /v1/decisions?limit=1\`: \`lakekeeper_calls\` counts requests to
Lakekeeper and the IdP). Slow path: the warehouse probe and the namespace probes of the 10
schemas are false, so each table costs a table and a view \`get_metadata\` check, sent in
chunks of 1000 in parallel. The stand-in answers "not found" (false) for a table it does
not know without asking OpenFGA, so for the slow path this measures lakeward and the
stand-in's request handling more than OpenFGA. CPU ms are each process's user+system time
during the request (10 ms resolution); on $NCPU cores, lakeward and the stand-in share them.
EOF
)"

log "summary"
cat >&2 <<EOF

  nginx        : $N_RPS req/s  p50 $(ms "$N_P50") ms  p99 $(ms "$N_P99") ms; cached allow (no refresh) / nginx: throughput $(ratio "$H_RPS" "$N_RPS")x, p99 $(ratio "$H_P99" "$N_P99")x
  warm allow   : $A_RPS req/s  p50 $(ms "$A_P50") ms  p99 $(ms "$A_P99") ms  (static $S_RPS req/s, p50 $(ms "$S_P50") ms; ratio $(ratio "$S_RPS" "$A_RPS")x)
  warm batch10 : $T_RPS req/s  p50 $(ms "$T_P50") ms  p99 $(ms "$T_P99") ms  (ratio $(ratio "$S_RPS" "$T_RPS")x)
  server CPU/req: static $S_CPU us, allow $A_CPU us, batch10 $T_CPU us; wrk CPU ${S_GEN}/${A_GEN}/${T_GEN}%
  machine noise: other processes up to ${OTHER_MAX}% of the machine during wrk runs; load average $LOAD_START -> $LOAD_END
  Ir/request   : static $IR_STATIC, allow $IR_ALLOW, batch10 $IR_BATCH; without memset $XS_STATIC / $XS_ALLOW ($(ratio "$XS_ALLOW" "$XS_STATIC")x) / $XS_BATCH ($(ratio "$XS_BATCH" "$XS_STATIC")x)
  cold allow   : lakeward p50 $(ms "$C_LW_P50") ms p99 $(ms "$C_LW_P99") ms; direct p50 $(ms "$C_DI_P50") ms p99 $(ms "$C_DI_P99") ms
  cold overhead: paired median $(ms "$C_DIFF_P50") ms, difference of medians $(ms $((C_LW_P50 - C_DI_P50))) ms, in-process mean $(ms $((C_DEC_MEAN - C_LK_MEAN))) ms
  10k slow     : $(ms "$BS_WALL") ms, $BS_CALLS calls, $BS_CHECKS checks, $BS_ALLOWED allowed; CPU ms lakeward $BS_CPU_LW stand-in $BS_CPU_SI openfga $BS_CPU_FGA
  10k fast     : $(ms "$BF_WALL") ms, $BF_CALLS calls, $BF_CHECKS checks, $BF_ALLOWED allowed; CPU ms lakeward $BF_CPU_LW stand-in $BF_CPU_SI openfga $BF_CPU_FGA
  raw results  : $OUT/raw/

EOF

write_section "$SECTION" "$section"
write_nginx_section

# The SQL engine against PostgreSQL, on this run's stack (its own section of the doc).
[[ "$MODE" == http ]] || "${SQL_BENCH[@]}" --stack-dir "$LW_STACK_DIR" || die "tests/bench/sql_bench.py failed"
# The decision store on the same stack (its own section of the doc).
[[ "$MODE" == http ]] || "${STORE_BENCH[@]}" || die "tests/bench/store_bench.py failed"

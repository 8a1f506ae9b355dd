#!/usr/bin/env bash
# Starts a single-node Trino coordinator whose access control is the OPA plugin pointed at an
# OPA-compatible server (lakeward, or a stand-in), and records TRINO_URL in $LW_STACK_DIR/stack.env.
#
# Usage: tests/stack/trino/start.sh [LAKEWARD_URL]     (or LAKEWARD_URL in the environment)
# Env:   TRINO_MANAGED_CATALOG  name of the Lakekeeper-managed catalog (default lakekeeper):
#                               Trino's Iceberg connector on the stand-in's Iceberg REST catalog
#                               (/catalog, warehouse demo, OAUTH2 with the lakeward technical
#                               client, data in the stack's iceberg-rest warehouse dir through
#                               Trino's native local file system); the stack's stand-in needs its
#                               Iceberg REST backend (start.sh iceberg-rest standin). `tpch` is
#                               unmanaged.
#        TRINO_HEAP             JVM -Xmx (default 2G)
#        TRINO_START_TIMEOUT    seconds to wait for "starting":false (default 180)
#        TRINO_ACCESS_CONTROL_EXTRA  extra lines for access-control.properties
#                               (e.g. "opa.http-client.request-timeout=10s")
# Layout: $LW_STACK_DIR/trino/{etc/,data/,log,pid}. A Trino already running from this run
# directory with the same settings is reused; with different settings it is restarted.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib.sh
source "$HERE/../lib.sh"
LW_LOG_TAG=trino

LAKEWARD_URL="${1:-${LAKEWARD_URL:-}}"
[[ -n "$LAKEWARD_URL" ]] || die "usage: $0 LAKEWARD_URL (the OPA-compatible server Trino asks)"
LAKEWARD_URL="${LAKEWARD_URL%/}"
MANAGED="${TRINO_MANAGED_CATALOG:-lakekeeper}"
[[ "$MANAGED" =~ ^[a-z][a-z0-9_]*$ ]] || die "TRINO_MANAGED_CATALOG must match [a-z][a-z0-9_]*: $MANAGED"
[[ "$MANAGED" != tpch && "$MANAGED" != system ]] || die "TRINO_MANAGED_CATALOG cannot be $MANAGED"
HEAP="${TRINO_HEAP:-2G}"
# The managed catalog is always the real Iceberg connector (the memory connector that once
# stood in for it is gone: it bought no speed the suite needs, docs/trino.md).
backend="$(env_get LK_ICEBERG_BACKEND)"
[[ -n "$backend" && "$backend" != none ]] ||
    die "the managed catalog is Trino's Iceberg connector: start the stand-in with its Iceberg REST backend first (tests/stack/start.sh iceberg-rest standin)"
for k in LK_URL KEYCLOAK_TOKEN_ENDPOINT ICEBERG_WAREHOUSE_DIR; do
    [[ -n "$(env_get "$k")" ]] || die "iceberg catalog: $k not in stack.env (tests/stack/start.sh iceberg-rest standin)"
done
TIMEOUT="${TRINO_START_TIMEOUT:-180}"

install_env="$("$HERE/install.sh")" || die "tests/stack/trino/install.sh failed"
while IFS='=' read -r k v; do
    case "$k" in TRINO_*) printf -v "$k" '%s' "$v" ;; esac
done <<<"$install_env"
DIR="$(stack_dir)/trino"
mkdir -p "$DIR"

# The workshop's catalog: Lakekeeper's Iceberg REST API (here the stand-in) with the
# technical client's token, vended credentials off. Table locations are the Iceberg REST
# server's file:// URIs; Trino's local file system serves the file scheme too, rooted at /.
# (Test fixture credentials of the seed realm, loopback only.)
CATALOG_PROPS="connector.name=iceberg
iceberg.catalog.type=rest
iceberg.rest-catalog.uri=$(env_get LK_URL)/catalog
iceberg.rest-catalog.warehouse=demo
iceberg.rest-catalog.security=OAUTH2
iceberg.rest-catalog.oauth2.credential=lakeward:lakeward-secret
iceberg.rest-catalog.oauth2.scope=lakekeeper
iceberg.rest-catalog.oauth2.server-uri=$(env_get KEYCLOAK_TOKEN_ENDPOINT)
iceberg.rest-catalog.vended-credentials-enabled=false
iceberg.rest-catalog.nested-namespace-enabled=true
iceberg.unique-table-location=true
fs.native-local.enabled=true
local.location=/"
# Fingerprint of everything that shapes the running server, to decide reuse versus restart.
want="$(printf '%s\n' "$TRINO_VERSION" "$TRINO_JAVA_HOME" "$LAKEWARD_URL" "$MANAGED" "$HEAP" \
    "$CATALOG_PROPS" \
    "${TRINO_ACCESS_CONTROL_EXTRA:-}" | sha1sum | cut -c1-40)"

# is_ready URL ENV: the Trino at URL runs in node environment ENV and has finished starting.
is_ready() {
    local info
    info="$(curl -fsS --max-time 5 "$1/v1/info" 2>/dev/null)" || return 1
    [[ -n "$2" && "$info" == *"\"environment\":\"$2\""* && "$info" == *'"starting":false'* ]]
}

if pid="$(daemon_pid trino)"; then
    port="$(sed -n 's/^http-server.http.port=//p' "$DIR/etc/config.properties" 2>/dev/null || true)"
    env_name="$(sed -n 's/^node.environment=//p' "$DIR/etc/node.properties" 2>/dev/null || true)"
    if [[ "$(cat "$DIR/fingerprint" 2>/dev/null)" == "$want" && -n "$port" ]] &&
        is_ready "http://127.0.0.1:$port" "$env_name"; then
        env_set TRINO_URL "http://127.0.0.1:$port"
        log "reusing running trino pid=$pid at http://127.0.0.1:$port"
        exit 0
    fi
    log "trino pid=$pid runs with other settings; restarting it"
    stop_daemon trino 60
fi

# A per-start environment name: /v1/info reports it, so readiness checks can tell this server
# from any other Trino that happens to answer on the port.
NODE_ENV="lw_$(od -An -N4 -tx1 /dev/urandom | tr -d " \n")"
rm -rf "${DIR:?}/etc" "${DIR:?}/data"
mkdir -p "$DIR/etc/catalog" "$DIR/data"
: >"$DIR/log"

cat >"$DIR/etc/node.properties" <<EOF
node.environment=$NODE_ENV
node.id=lakeward-trino-1
node.data-dir=$DIR/data
node.bind-ip=127.0.0.1
node.internal-address=127.0.0.1
EOF

{
    echo "-server"
    echo "-Xmx$HEAP"
    echo "-XX:+UseG1GC"
    echo "-XX:+ExplicitGCInvokesConcurrent"
    echo "-XX:+ExitOnOutOfMemoryError"
    echo "-XX:-OmitStackTraceInFastThrow"
    echo "-XX:ReservedCodeCacheSize=256M"
    echo "-Djdk.attach.allowAttachSelf=true"
    echo "-Dfile.encoding=UTF-8"
    echo "-XX:+EnableDynamicAgentLoading"
    # Java 24+ warns about these at startup (JNA, jol); allow them quietly.
    if ((TRINO_JAVA_MAJOR >= 24)); then
        echo "--enable-native-access=ALL-UNNAMED"
        echo "--sun-misc-unsafe-memory-access=allow"
    fi
    # 479+ needs the Vector API module (release notes); harmless to omit before that.
    if ((TRINO_VERSION >= 479)); then echo "--add-modules=jdk.incubator.vector"; fi
} >"$DIR/etc/jvm.config"

cat >"$DIR/etc/log.properties" <<EOF
io.trino.plugin.opa.OpaHttpClient=DEBUG
EOF

printf '%s\n' "$CATALOG_PROPS" >"$DIR/etc/catalog/$MANAGED.properties"
printf 'connector.name=tpch\n' >"$DIR/etc/catalog/tpch.properties"

{
    echo "access-control.name=opa"
    echo "opa.policy.uri=$LAKEWARD_URL/v1/data/trino/allow"
    echo "opa.policy.batched-uri=$LAKEWARD_URL/v1/data/trino/batch"
    echo "opa.policy.row-filters-uri=$LAKEWARD_URL/v1/data/trino/rowFilters"
    echo "opa.policy.batch-column-masking-uri=$LAKEWARD_URL/v1/data/trino/batchColumnMasks"
    echo "opa.log-requests=true"
    echo "opa.log-responses=true"
    echo "opa.allow-permission-management-operations=true"
    if [[ -n "${TRINO_ACCESS_CONTROL_EXTRA:-}" ]]; then printf '%s\n' "$TRINO_ACCESS_CONTROL_EXTRA"; fi
} >"$DIR/etc/access-control.properties"

echo "$want" >"$DIR/fingerprint"

write_config() {
    cat >"$DIR/etc/config.properties" <<EOF
coordinator=true
node-scheduler.include-coordinator=true
http-server.http.port=$1
discovery.uri=http://127.0.0.1:$1
query.max-memory=1GB
query.max-memory-per-node=512MB
EOF
}

# launch: start the server on a fresh free port and wait (bounded) until it is ready; sets URL.
# Returns 0 when ready, 2 if another process took the port first (the caller retries); dies on
# any other failure, after stopping what it started.
launch() {
    local port pid deadline
    port="$(free_port)"
    write_config "$port"
    JAVA_HOME="$TRINO_JAVA_HOME" PATH="$TRINO_JAVA_HOME/bin:$PATH" \
        start_daemon trino "$TRINO_HOME/bin/launcher" run \
        --etc-dir "$DIR/etc" --data-dir "$DIR/data" --jvm-dir "$TRINO_JAVA_HOME"
    pid="$(cat "$DIR/pid")"
    URL="http://127.0.0.1:$port"
    deadline=$((SECONDS + TIMEOUT))
    until is_ready "$URL" "$NODE_ENV"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$DIR/pid"
            if grep -q 'Address already in use' "$DIR/log"; then
                warn "port $port was taken before trino bound it; retrying on another"
                return 2
            fi
            tail -n 40 "$DIR/log" >&2 || true
            die "trino exited during startup; log: $DIR/log"
        fi
        if ((SECONDS >= deadline)); then
            tail -n 40 "$DIR/log" >&2 || true
            stop_daemon trino 30
            die "trino not ready after ${TIMEOUT}s; log: $DIR/log"
        fi
        sleep 1
    done
}

t0=$SECONDS
for attempt in 1 2 3; do
    rc=0
    launch || rc=$?
    ((rc == 0)) && break
    ((attempt < 3)) || die "trino could not bind a free port in 3 attempts"
    : >"$DIR/log"
done
env_set TRINO_URL "$URL"
log "trino $TRINO_VERSION ready at $URL in $((SECONDS - t0))s (java $TRINO_JAVA_MAJOR, catalogs: $MANAGED (iceberg) tpch, opa -> $LAKEWARD_URL)"

#!/usr/bin/env bash
# `make demo`: installs what is missing, builds, starts the local stack (PostgreSQL, OpenFGA,
# Keycloak, the Lakekeeper stand-in with the seed scenario) and lakeward pointed at it, then
# prints how to talk to lakeward. Ctrl-C or `make demo-stop` stops everything it started.
#   tests/demo.sh            start (foreground; Ctrl-C stops)
#   tests/demo.sh --stop     stop a running demo
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/stack/lib.sh
LW_LOG_TAG=demo
export LW_STACK_DIR="$REPO/build/demo"

stop_all() {
    stop_daemon lakeward || true
    tests/stack/stop.sh || true
}

if [[ "${1:-}" == --stop ]]; then
    stop_all
    exit 0
fi

tests/stack/install.sh apt python openfga keycloak
make -j2 all
tests/stack/start.sh postgres openfga keycloak standin
# shellcheck disable=SC1091
. "$LW_STACK_DIR/stack.env"

# A demo CA and a server certificate for localhost/127.0.0.1 (kept between runs), so that
# psql can connect with sslmode=verify-full. Demo only: the CA key sits next to it.
make_demo_tls() {
    local d="$LW_STACK_DIR/tls"
    [[ -s "$d/server.pem" && -s "$d/ca.pem" ]] && return 0
    mkdir -p "$d"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
        -subj "/CN=lakeward demo CA" -keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
        -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null
    openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
        -days 30 -extfile <(printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n') \
        -out "$d/server.pem" 2>/dev/null
    chmod 600 "$d/server.key" "$d/ca.key"
}
make_demo_tls

http_port=$(free_port)
pg_port=$(free_port)
if ! daemon_pid lakeward >/dev/null; then
    mkdir -p "$LW_STACK_DIR/lakeward"
    start_daemon lakeward env LAKEKEEPER_URL="$LK_URL" LAKEKEEPER_TOKEN_ENDPOINT="$KEYCLOAK_TOKEN_ENDPOINT" \
        LAKEKEEPER_CLIENT_ID=lakeward LAKEKEEPER_CLIENT_SECRET=lakeward-secret \
        TRINO_LAKEKEEPER_CATALOG_NAME=lakekeeper LAKEKEEPER_LAKEKEEPER_WAREHOUSE=demo \
        LAKEWARD_DECISION_LOG="$LW_STACK_DIR/lakeward/decisions.jsonl" \
        LAKEWARD_PG_TLS_CERT="$LW_STACK_DIR/tls/server.pem" LAKEWARD_PG_TLS_KEY="$LW_STACK_DIR/tls/server.key" \
        LAKEWARD_PG_HBA="hostssl airflow-sp-1,airflow-sp-2 all client; host all 127.0.0.1/32 trust; host all ::1/128 trust" \
        "$REPO/build/lakeward" --http-listen "127.0.0.1:$http_port" --pg-listen "127.0.0.1:$pg_port"
    env_set LAKEWARD_HTTP_URL "http://127.0.0.1:$http_port"
    env_set LAKEWARD_PG_PORT "$pg_port"
fi
. "$LW_STACK_DIR/stack.env"
wait_http "$LAKEWARD_HTTP_URL/health" 30 || die "lakeward did not become healthy; see $LW_STACK_DIR/lakeward/log"
curl -fsS "$LAKEWARD_HTTP_URL/health"; echo

cat <<MSG

lakeward is running (logs and pids under $LW_STACK_DIR).

Ask it what Trino would ask -- may airflow-sp-2 read lakekeeper.finance.product? (true)
  curl -s -H 'Content-Type: application/json' $LAKEWARD_HTTP_URL/v1/data/trino/allow -d '{"input":{"context":{"identity":{"user":"a1f10000-0000-4000-8000-000000000002","groups":[]}},"action":{"operation":"SelectFromColumns","resource":{"table":{"catalogName":"lakekeeper","schemaName":"finance","tableName":"product","columns":["id"]}}}}}'
... and finance.revenue? (false)
  curl -s -H 'Content-Type: application/json' $LAKEWARD_HTTP_URL/v1/data/trino/allow -d '{"input":{"context":{"identity":{"user":"a1f10000-0000-4000-8000-000000000002","groups":[]}},"action":{"operation":"SelectFromColumns","resource":{"table":{"catalogName":"lakekeeper","schemaName":"finance","tableName":"revenue","columns":["id"]}}}}}'

See the decisions it made, with SQL over the Postgres protocol:
  psql -h 127.0.0.1 -p $LAKEWARD_PG_PORT -U admin -d lakeward -c 'select time, user_name, operation, allowed, lakekeeper_calls from lakeward.decisions'
... over TLS, checking the server's certificate against the demo CA:
  psql "host=localhost port=$LAKEWARD_PG_PORT user=admin dbname=lakeward sslmode=verify-full sslrootcert=$LW_STACK_DIR/tls/ca.pem" -c '\conninfo'
... and log in as a Keycloak client (password = its client secret; current_user is oidc~<its sub>):
  PGPASSWORD=airflow-sp-2-secret psql "host=localhost port=$LAKEWARD_PG_PORT user=airflow-sp-2 dbname=lakeward sslmode=verify-full sslrootcert=$LW_STACK_DIR/tls/ca.pem" -c 'select current_user'
Metrics: curl -s $LAKEWARD_HTTP_URL/metrics

Point a Trino coordinator at it with docs/trino.md. Stop everything with Ctrl-C or: make demo-stop
MSG

trap 'echo; stop_all; exit 0' INT TERM
# Stay in the foreground so Ctrl-C stops the demo; end when lakeward is gone (make demo-stop,
# or a crash: then its log says why).
while daemon_pid lakeward >/dev/null; do sleep 2; done
log "lakeward is no longer running (make demo-stop, or see $LW_STACK_DIR/lakeward/log)"
stop_all

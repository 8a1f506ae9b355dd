#!/usr/bin/env bash
# Starts the test stack (postgres openfga keycloak standin by default) into $LW_STACK_DIR and writes stack.env.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
LW_LOG_TAG=start

CACHE="$(cache_dir)"
STACK="$(stack_dir)"
LK_DATA="$SHARED/reference/data/lakekeeper"
MODEL_VERSION=collaboration-4.9          # Lakekeeper's name for the v4.9 model in its bookkeeping tuples
mkdir -p "$STACK"

# Prefix that runs a command as the postgres OS user when we are root (initdb and postgres refuse root).
AS_PG=()
((EUID != 0)) || AS_PG=(setpriv --reuid=postgres --regid=postgres --init-groups --)

start_postgres() {
    local dir="$STACK/postgres" data port
    mkdir -p "$dir"
    data="$dir/data"
    if ((EUID == 0)); then
        id postgres >/dev/null 2>&1 || die "postgres: OS user 'postgres' missing (install.sh apt)"
        chown postgres:postgres "$dir"
        if ! "${AS_PG[@]}" test -w "$dir"; then
            # The postgres user cannot reach the run dir (e.g. a repo under /root): keep the data in /tmp.
            local alt; alt="/tmp/lakeward-pg-$(echo "$STACK" | sha1sum | cut -c1-12)"
            mkdir -p "$alt"; chown postgres:postgres "$alt"; chmod 700 "$alt"
            ln -sfn "$alt/data" "$data"
            warn "postgres: $dir is not reachable by user postgres, data and socket live in $alt"
        fi
    fi
    local sock; sock="$(dirname "$(readlink -f "$data")")"
    if [[ ! -s "$data/PG_VERSION" ]]; then
        log "postgres: initdb $data"
        (cd / && "${AS_PG[@]}" timeout 120 "$PG_BIN/initdb" -D "$(readlink -f "$data")" -U postgres \
            --auth=trust -E UTF8 --locale=C >>"$dir/log" 2>&1) || die "postgres: initdb failed, see $dir/log"
    fi
    port="$(free_port)"
    # Test data only: durability settings off for speed.
    (cd / && start_daemon postgres "${AS_PG[@]}" "$PG_BIN/postgres" -D "$(readlink -f "$data")" -p "$port" -k "$sock" \
        -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off \
        -c synchronous_commit=off -c full_page_writes=off)
    local deadline=$((SECONDS + 60))
    until "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -t 2; do
        daemon_pid postgres >/dev/null || { tail -n 20 "$dir/log" >&2; die "postgres exited, see $dir/log"; }
        ((SECONDS < deadline)) || die "postgres: not ready after 60s, see $dir/log"
        sleep 0.3
    done
    local db
    export PGCONNECT_TIMEOUT=10
    for db in openfga lakeward; do
        if [[ -z "$("$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
            "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]]; then
            "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres "$db"
        fi
    done
    env_set PG_HOST 127.0.0.1
    env_set PG_PORT "$port"
    env_set PG_USER postgres
    env_set PG_DSN "postgresql://postgres@127.0.0.1:$port/lakeward"
}

# fga METHOD PATH [JSON]: call the OpenFGA HTTP API, print the response body, fail on non-2xx.
fga() {
    curl -fsS --max-time 30 -X "$1" -H 'Content-Type: application/json' "$OPENFGA_URL$2" ${3:+--data-binary "$3"}
}

start_openfga() {
    local dir="$STACK/openfga" bin="$CACHE/openfga/$OPENFGA_VERSION/bin/openfga" pg uri http grpc
    [[ -x "$bin" ]] || die "openfga: $bin missing, run tests/stack/install.sh openfga"
    daemon_pid postgres >/dev/null || die "openfga: needs postgres running (start.sh postgres openfga)"
    pg="$(env_get PG_PORT)"
    uri="postgres://postgres@127.0.0.1:$pg/openfga?sslmode=disable"
    mkdir -p "$dir"
    timeout 180 "$bin" migrate --datastore-engine postgres --datastore-uri "$uri" >>"$dir/log" 2>&1 ||
        die "openfga: migrate failed, see $dir/log"
    http="$(free_port)"; grpc="$(free_port)"
    start_daemon openfga "$bin" run --datastore-engine postgres --datastore-uri "$uri" \
        --http-addr "127.0.0.1:$http" --grpc-addr "127.0.0.1:$grpc" \
        --playground-enabled=false --metrics-enabled=false --log-format json \
        --request-timeout 30s
    OPENFGA_URL="http://127.0.0.1:$http"
    wait_http "$OPENFGA_URL/healthz" 60 openfga || die "openfga: not healthy, see $dir/log"

    # Store 'lakekeeper' (reused if it exists), Lakekeeper's model v4.9 and its bookkeeping tuples.
    local model_file="$LK_DATA/openfga-model-v4.9.json" store model want old
    [[ -f "$model_file" ]] || die "openfga: model $model_file missing (shared/ must sit beside the repo)"
    store="$(fga GET '/stores?name=lakekeeper' | jq -r '.stores | sort_by(.created_at) | last | .id // empty')"
    [[ -n "$store" ]] || store="$(fga POST /stores '{"name":"lakekeeper"}' | jq -r .id)"
    want="$(sha256sum "$model_file" | cut -d' ' -f1)"
    old="$(fga POST "/stores/$store/read" "{\"tuple_key\":{\"relation\":\"openfga_id\",\"object\":\"model_version:$MODEL_VERSION\"}}" |
        jq -r '.tuples[0].key.user // empty')"
    model="${old#auth_model_id:}"
    if [[ -z "$model" || "$(cat "$dir/model.sha256" 2>/dev/null)" != "$want" ]]; then
        model="$(fga POST "/stores/$store/authorization-models" "$(jq -c . "$model_file")" |
            jq -r .authorization_model_id)"
        [[ -z "$old" ]] || fga POST "/stores/$store/write" "{\"deletes\":{\"tuple_keys\":[{\"user\":\"$old\",\"relation\":\"openfga_id\",\"object\":\"model_version:$MODEL_VERSION\"}],\"on_missing\":\"ignore\"}}" >/dev/null
        fga POST "/stores/$store/write" "$(jq -nc --arg m "$model" --arg v "model_version:$MODEL_VERSION" \
            '{writes: {tuple_keys: [{user: ("auth_model_id:" + $m), relation: "openfga_id", object: $v},
                                   {user: "auth_model_id:*", relation: "exists", object: $v}],
                       on_duplicate: "ignore"}, authorization_model_id: $m}')" >/dev/null
        echo "$want" >"$dir/model.sha256"
        log "openfga: wrote model $model into store $store"
    fi
    env_set OPENFGA_URL "$OPENFGA_URL"
    env_set OPENFGA_STORE_ID "$store"
    env_set OPENFGA_MODEL_ID "$model"
}

# A JDK for Keycloak 26.0: 17 (Debian 12's JDK) or 21; override with LW_KEYCLOAK_JAVA_HOME.
keycloak_java() {
    local arch j; arch="$(dpkg --print-architecture)"
    for j in "${LW_KEYCLOAK_JAVA_HOME:-}" "/usr/lib/jvm/java-17-openjdk-$arch" "/usr/lib/jvm/java-21-openjdk-$arch"; do
        [[ -n "$j" && -x "$j/bin/java" ]] && { echo "$j"; return; }
    done
    die "keycloak: no JDK 17 or 21 found (install.sh apt installs openjdk-17-jre-headless)"
}

start_keycloak() {
    local dir="$STACK/keycloak" dist="$CACHE/keycloak/$KEYCLOAK_VERSION" java port url realm t0=$SECONDS
    local home="$dir/home" augmented="$CACHE/keycloak/$KEYCLOAK_VERSION-dev-augmented"
    [[ -x "$dist/bin/kc.sh" ]] || die "keycloak: $dist missing, run tests/stack/install.sh keycloak"
    java="$(keycloak_java)"
    # A per-stack Keycloak home: the big read-only parts link to the cached distribution; the
    # parts Keycloak writes (lib/quarkus on re-augmentation, data/) are this stack's own.
    # (Rebuilt, data included, when the Keycloak version or the cache location changed.)
    if [[ ! -x "$home/bin/kc.sh" || "$(readlink "$home/lib/app")" != "$dist/lib/app" ]]; then
        rm -rf "$home"; mkdir -p "$home/bin" "$home/lib" "$home/data/import"
        cp "$dist/bin/kc.sh" "$home/bin/"; cp -r "$dist/conf" "$home/"
        ln -s "$dist/lib/app" "$dist/lib/lib" "$home/lib/"; ln -s "$dist/themes" "$dist/providers" "$home/"
        cp "$dist/lib/quarkus-run.jar" "$home/lib/"
        if [[ -d "$augmented" ]]; then cp -r "$augmented" "$home/lib/quarkus"; else cp -r "$dist/lib/quarkus" "$home/lib/"; fi
    fi
    # The realm: Lakekeeper's example realm plus our clients and service accounts.
    realm="$home/data/import/iceberg-realm.json"
    jq -s '.[1] as $x | ($x.clients | map(.clientId)) as $c | ($x.users | map(.username)) as $u | .[0]
        | .clients = ([.clients[] | select(.clientId as $i | $c | index($i) | not)] + $x.clients)
        | .users = ([.users[] | select(.username as $i | $u | index($i) | not)] + $x.users)' \
        "$LK_DATA/keycloak-realm-iceberg.json" "$REPO/tests/stack/keycloak/realm-extra.json" >"$realm.tmp"
    mv "$realm.tmp" "$realm"
    # Keycloak imports only into an empty database: start from a fresh one unless the last
    # successful start imported this very realm (realm.sha256 is written after the checks below).
    if [[ "$(sha256sum <"$realm")" != "$(cat "$home/data/realm.sha256" 2>/dev/null)" ]]; then
        rm -rf "$home/data/h2" "$home/data/realm.sha256"
    fi
    port="$(free_port)"
    url="http://127.0.0.1:$port"
    JAVA_HOME="$java" JAVA_OPTS_KC_HEAP="-Xms64m -Xmx768m" \
        KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin \
        start_daemon keycloak "$home/bin/kc.sh" start-dev --http-host 127.0.0.1 --http-port "$port" --import-realm
    wait_http "$url/realms/iceberg/.well-known/openid-configuration" "${LW_KEYCLOAK_TIMEOUT:-300}" keycloak ||
        die "keycloak: not ready, see $dir/log"
    log "keycloak: ready in $((SECONDS - t0))s (JDK $("$java/bin/java" -version 2>&1 | head -1))"
    # Keep the dev-mode augmentation so the next fresh stack skips it.
    if [[ ! -d "$augmented" ]]; then
        if ! { cp -r "$home/lib/quarkus" "$augmented.$$" && mv -T "$augmented.$$" "$augmented" 2>/dev/null; }; then
            rm -rf "$augmented.$$"
        fi
    fi
    # Each service client must get its fixed subject and the lakekeeper audience.
    local c sub token claims
    for c in airflow-sp-1:a1f10000-0000-4000-8000-000000000001 airflow-sp-2:a1f10000-0000-4000-8000-000000000002 \
        lakeward:a1f10000-0000-4000-8000-000000000010; do
        sub="${c#*:}"; c="${c%%:*}"
        token="$(curl -fsS --max-time 20 -d grant_type=client_credentials -d "client_id=$c" \
            -d "client_secret=$c-secret" -d scope=lakekeeper \
            "$url/realms/iceberg/protocol/openid-connect/token" | jq -r .access_token)" ||
            die "keycloak: no token for client $c"
        claims="$(jwt_claims "$token")"
        jq -e --arg s "$sub" '.sub == $s and ([.aud] | flatten | index("lakekeeper") != null)' <<<"$claims" >/dev/null ||
            die "keycloak: token of $c has unexpected claims: $claims"
    done
    sha256sum <"$realm" >"$home/data/realm.sha256"
    env_set KEYCLOAK_URL "$url"
    env_set KEYCLOAK_ISSUER "$url/realms/iceberg"
    env_set KEYCLOAK_TOKEN_ENDPOINT "$url/realms/iceberg/protocol/openid-connect/token"
    env_set KEYCLOAK_JWKS_URL "$url/realms/iceberg/protocol/openid-connect/certs"
}

start_standin() {
    local dir="$STACK/standin" bin="$REPO/build/lakekeeper-standin" port token k
    if [[ -f "$REPO/Makefile" ]] && make -C "$REPO" -n standin >/dev/null 2>&1; then
        timeout 600 make -C "$REPO" -s standin >&2 || die "standin: make standin failed"
    fi
    [[ -x "$bin" ]] || die "standin: $bin does not exist yet (make standin); start the rest with: start.sh postgres openfga keycloak"
    for k in OPENFGA_URL OPENFGA_STORE_ID OPENFGA_MODEL_ID KEYCLOAK_ISSUER KEYCLOAK_JWKS_URL; do
        [[ -n "$(env_get "$k")" ]] || die "standin: $k not in stack.env (start openfga and keycloak first)"
    done
    # With the iceberg-rest service up (start it first), /catalog/v1 is backed by it.
    local ice; ice="$(env_get ICEBERG_REST_URL)"
    if [[ -n "$ice" ]] && ! daemon_pid iceberg-rest >/dev/null; then ice=""; fi
    port="$(free_port)"
    token="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
    start_daemon standin "$bin" --listen "127.0.0.1:$port" --seed "$REPO/tests/stack/seed.json" \
        --openfga-url "$(env_get OPENFGA_URL)" --store-id "$(env_get OPENFGA_STORE_ID)" \
        --model-id "$(env_get OPENFGA_MODEL_ID)" --issuer "$(env_get KEYCLOAK_ISSUER)" \
        --jwks-url "$(env_get KEYCLOAK_JWKS_URL)" --audience lakekeeper --control-token "$token" \
        ${ice:+--iceberg-rest-url "$ice"}
    wait_http "http://127.0.0.1:$port/health" 60 standin || die "standin: not healthy, see $dir/log"
    env_set LK_URL "http://127.0.0.1:$port"
    env_set LK_CONTROL_TOKEN "$token"
    env_set LK_ICEBERG_BACKEND "${ice:-none}"
}

# Apache Iceberg's REST catalog server (install.sh iceberg-rest) with a file:// warehouse and its
# SQLite catalog under the stack dir: the real Iceberg REST implementation behind the stand-in's
# /catalog/v1 (end-to-end tier only). It listens on every interface (it has no bind option);
# only loopback clients use it.
start_iceberg_rest() {
    local dir="$STACK/iceberg-rest" cp port want
    want="$(sha256sum <"$REPO/tests/stack/iceberg-rest/pom.xml" | cut -c1-16)"
    cp="$(cat "$CACHE/iceberg-rest/$want/classpath" 2>/dev/null)" ||
        die "iceberg-rest: not installed, run tests/stack/install.sh iceberg-rest"
    mkdir -p "$dir/warehouse"
    port="$(free_port)"
    # The server reads CATALOG_* as catalog properties (CATALOG_A_B__C -> a.b-c); schema V1 of
    # the JDBC catalog is the one with views.
    CATALOG_WAREHOUSE="file://$dir/warehouse" CATALOG_URI="jdbc:sqlite:file:$dir/catalog.db" \
        CATALOG_JDBC_SCHEMA__VERSION=V1 CATALOG_REST_PORT="$port" \
        start_daemon iceberg-rest "$(keycloak_java)/bin/java" -Xmx384m -XX:+UseSerialGC -cp "$cp" \
        org.apache.iceberg.rest.RESTCatalogServer
    wait_http "http://127.0.0.1:$port/v1/config" 90 iceberg-rest || die "iceberg-rest: not ready, see $dir/log"
    env_set ICEBERG_REST_URL "http://127.0.0.1:$port"
    env_set ICEBERG_WAREHOUSE_DIR "$dir/warehouse"
}

services=("$@")
((${#services[@]})) || services=(postgres openfga keycloak standin)
# A service that fails half-way is stopped again, so a later start.sh does not take it for running.
current=""
trap 'rc=$?; if ((rc != 0)) && [[ -n "$current" ]]; then stop_daemon "$current" 30 || true; fi' EXIT
t_all=$SECONDS
for s in "${services[@]}"; do
    case "$s" in postgres|openfga|keycloak|standin|iceberg-rest) ;;
        *) die "unknown service '$s' (postgres openfga keycloak standin iceberg-rest)" ;; esac
    if pid="$(daemon_pid "$s")"; then log "$s already running (pid $pid), skipped"; continue; fi
    t0=$SECONDS
    current="$s"
    "start_${s//-/_}"
    current=""
    log "$s up in $((SECONDS - t0))s"
done
log "stack ready in $((SECONDS - t_all))s: $STACK/stack.env"

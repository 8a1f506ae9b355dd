#!/usr/bin/env bash
# Hand-run smoke test of the stack scripts: start a throwaway stack, check tokens and OpenFGA, stop it.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
LW_LOG_TAG=selfcheck
export LW_STACK_DIR="${LW_STACK_DIR:-build/stack-selfcheck}"
services=("$@")
((${#services[@]})) || services=(postgres openfga keycloak)
trap '"$REPO/tests/stack/stop.sh" >/dev/null 2>&1 || true' EXIT

t0=$SECONDS
"$REPO/tests/stack/install.sh" all >/dev/null 2>&1 || die "install.sh all failed"
log "install.sh all: $((SECONDS - t0))s"
t0=$SECONDS
"$REPO/tests/stack/start.sh" "${services[@]}"
log "start.sh ${services[*]}: $((SECONDS - t0))s"
set -a
# shellcheck disable=SC1091
. "$(stack_dir)/stack.env"
set +a

for c in airflow-sp-1 airflow-sp-2 lakeward; do
    tok="$(curl -fsS --max-time 20 -d grant_type=client_credentials -d "client_id=$c" -d "client_secret=$c-secret" \
        -d scope=lakekeeper "$KEYCLOAK_TOKEN_ENDPOINT" | jq -r .access_token)"
    log "token $c: $(jwt_claims "$tok" | jq -c '{sub, aud, iss}')"
done
psql -X -q "$PG_DSN" -tAc 'SELECT 1' | grep -qx 1 || die "postgres query failed"
log "postgres: SELECT 1 on $PG_DSN ok"

fga() { curl -fsS --max-time 20 -H 'Content-Type: application/json' "$OPENFGA_URL/stores/$OPENFGA_STORE_ID/$1" -d "$2"; }
key='{"user":"user:oidc~selfcheck","relation":"ownership","object":"warehouse:selfcheck"}'
fga write "{\"writes\":{\"tuple_keys\":[$key],\"on_duplicate\":\"ignore\"},\"authorization_model_id\":\"$OPENFGA_MODEL_ID\"}" >/dev/null
allowed="$(fga check "{\"tuple_key\":{\"user\":\"user:oidc~selfcheck\",\"relation\":\"modify\",\"object\":\"warehouse:selfcheck\"},\"authorization_model_id\":\"$OPENFGA_MODEL_ID\"}" | jq -r .allowed)"
fga write "{\"deletes\":{\"tuple_keys\":[$key]}}" >/dev/null
[[ "$allowed" == true ]] || die "openfga: owner of a warehouse cannot modify it"
log "openfga: check(owner -> modify warehouse) = $allowed"
if [[ -n "${LK_URL:-}" ]]; then curl -fsS --max-time 10 "$LK_URL/health" >/dev/null && log "standin: /health ok"; fi

"$REPO/tests/stack/status.sh"
t0=$SECONDS
"$REPO/tests/stack/stop.sh"
log "stop.sh: $((SECONDS - t0))s"
trap - EXIT
log "self-check passed"

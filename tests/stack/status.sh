#!/usr/bin/env bash
# Prints each test-stack service of $LW_STACK_DIR with its pid, address and whether it is alive.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STACK="$(stack_dir)"
printf '%-9s %-8s %-6s %-28s %s\n' SERVICE PID STATE ADDRESS LOG
for s in postgres openfga keycloak iceberg-rest standin trino; do
    [[ -d "$STACK/$s" ]] || continue
    case "$s" in
        postgres) addr="$(env_get PG_PORT)"; addr="${addr:+127.0.0.1:$addr}" ;;
        openfga) addr="$(env_get OPENFGA_URL)" ;;
        keycloak) addr="$(env_get KEYCLOAK_URL)" ;;
        iceberg-rest) addr="$(env_get ICEBERG_REST_URL)" ;;
        standin) addr="$(env_get LK_URL)" ;;
        trino) addr="$(env_get TRINO_URL)" ;;
    esac
    pid="$(cat "$STACK/$s/pid" 2>/dev/null || true)"
    if daemon_pid "$s" >/dev/null; then state=alive; else state=dead; fi
    printf '%-9s %-8s %-6s %-28s %s\n' "$s" "${pid:--}" "$state" "$(a="${addr#http://}"; echo "${a:--}")" "$STACK/$s/log"
done
echo "stack.env: $STACK/stack.env$([[ -f "$STACK/stack.env" ]] || echo ' (absent)')"

#!/usr/bin/env bash
# Stops the test-stack services named by pid files in $LW_STACK_DIR (all, or those given), in reverse start order.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
LW_LOG_TAG=stop

STACK="$(stack_dir)"
ORDER=(trino standin iceberg-rest keycloak openfga postgres)
services=("$@")
((${#services[@]})) || services=("${ORDER[@]}")
stopped=()

for s in "${ORDER[@]}"; do
    [[ " ${services[*]} " == *" $s "* ]] || continue
    [[ -f "$STACK/$s/pid" ]] || continue
    daemon_pid "$s" >/dev/null && stopped+=("$s")
    case "$s" in
        trino) bash "$REPO/tests/stack/trino/stop.sh" ;;
        postgres)
            # Fast shutdown (ends client sessions) through pg_ctl on our own data dir, then the generic stop.
            if daemon_pid postgres >/dev/null; then
                as_pg=(); ((EUID != 0)) || as_pg=(setpriv --reuid=postgres --regid=postgres --init-groups --)
                (cd / && "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$(readlink -f "$STACK/postgres/data")" stop -m fast -t 30 >&2) ||
                    warn "pg_ctl stop failed"
            fi
            stop_daemon postgres 30 ;;
        keycloak) stop_daemon keycloak 40 ;;
        *) stop_daemon "$s" 20 ;;
    esac
done

# Nothing of this stack left running (any $STACK/*/pid): stack.env would only describe dead services.
alive=0
for f in "$STACK"/*/pid; do
    [[ -e "$f" ]] || continue
    s="$(basename "$(dirname "$f")")"
    if daemon_pid "$s" >/dev/null; then alive=1; fi
done
if ((alive == 0)); then rm -f "$STACK/stack.env"; fi
log "stopped: ${stopped[*]:-nothing was running}"

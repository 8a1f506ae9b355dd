#!/usr/bin/env bash
# Stops the Trino coordinator started by start.sh in this run directory (only the recorded pid and
# its own session) and drops TRINO_URL from stack.env.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib.sh
source "$HERE/../lib.sh"
LW_LOG_TAG=trino

stop_daemon trino "${TRINO_STOP_TIMEOUT:-60}"
env_file="$(stack_dir)/stack.env"
if [[ -f "$env_file" ]]; then
    grep -v '^TRINO_URL=' "$env_file" >"$env_file.tmp" || true
    mv "$env_file.tmp" "$env_file"
fi

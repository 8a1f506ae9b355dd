#!/usr/bin/env bash
# `make lint`: the mechanical style rules of shared/style.md that a grep can check: banned
# functions, raw allocation outside the allocator, a header comment atop every C file.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
files=$(git ls-files 'server/*.c' 'server/*.h' 'authz/*.[ch]' 'catalog/*.[ch]' 'sql/*.[ch]')
banned='\b(sprintf|vsprintf|strcpy|strcat|strncpy|strncat|strtok|gets|atoi|atol)\s*\('
if grep -nE "$banned" $files; then
    echo "lint: banned function (use snprintf, lw_buf, lw_parse_i64)"; status=1
fi
raw=$(grep -nE '(^|[^_a-z])(malloc|calloc|realloc|free|strdup)\s*\(' $files | grep -v '^server/core/lw.c:')
if [ -n "$raw" ]; then
    echo "$raw"; echo "lint: raw allocation outside server/core/lw.c (use lw_malloc/lw_free)"; status=1
fi
for f in $files; do
    head -1 "$f" | grep -q '^/\*' || { echo "lint: $f does not start with a comment saying what it is for"; status=1; }
done
[ $status -eq 0 ] && echo "lint: ok"
exit $status

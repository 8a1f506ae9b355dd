#!/usr/bin/env bash
# Idempotent installers for the test stack: apt packages, Python venv, OpenFGA, Keycloak (pinned, cached).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
LW_LOG_TAG=install

# Pinned versions (OPENFGA_VERSION, KEYCLOAK_VERSION) live in lib.sh; see docs/development.md.
# Go checksum of the OpenFGA module zip, pinned here because the checksum database is not
# reachable; its dependencies are verified by OpenFGA's own go.sum.
OPENFGA_SUM="h1:z43+jLcv8FjaKKRf4WlMYZsfSXLvetcxkO8D4vApEQY="
# Helm (chart lint/template tests, tests/helm/) from its Go module, pinned by version and zip checksum.
HELM_VERSION=v3.21.4
HELM_SUM="h1:T/GcIEXU/gNjJnkITlIZ3e9xqkZjhFTmISuStTZ6+Qg="
GO_FALLBACK=go1.26.8                    # Go toolchain fetched only when no go >= 1.25 is installed
# shellcheck disable=SC2034  # read as ${!want} below
GO_FALLBACK_SHA256_amd64=30c2b1bf7dcc88d3eb0a1364e47ddd9128edb3110a30e8a0ef61cd5856b31de7
GO_MIN_MINOR=25                         # OpenFGA v1.14.1 declares go 1.25.0
MAVEN_REPO="${MAVEN_REPO:-https://repo1.maven.org/maven2}"   # same variable as trino/install.sh
GO_PROXY_URL="${LW_GO_PROXY_URL:-https://proxy.golang.org}"
APT_PACKAGES=(build-essential pkg-config libpq-dev libpg-query-dev libcurl4-openssl-dev
    libjansson-dev libssl-dev libmicrohttpd-dev libconfig-dev libcmocka-dev libprotobuf-c-dev
    postgresql-15 postgresql-client-15 curl jq unzip python3 python3-venv openjdk-17-jre-headless
    clang-14 libclang-rt-14-dev)   # the last two: libFuzzer targets (make fuzz)

CACHE="$(cache_dir)"
DL="$CACHE/downloads"
mkdir -p "$DL"
# One installer at a time per cache (a demo and a test run may start together).
exec 9>"$CACHE/.install.lock"
flock -w 3600 9 || die "another install.sh held $CACHE/.install.lock for an hour"

# download URL DEST: fetch to DEST atomically, bounded in time, reusing DEST if present.
download() {
    [[ -s "$2" ]] && return 0
    log "downloading $1"
    curl -fsSL --retry 3 --connect-timeout 20 --max-time 900 -o "$2.part" "$1"
    mv "$2.part" "$2"
}

install_apt() {
    apt_ensure "${APT_PACKAGES[@]}" || die "apt: installing the packages failed"
    log "apt: all ${#APT_PACKAGES[@]} packages present"
}

install_python() {
    local req="$REPO/tests/requirements.txt" venv="$CACHE/venv" want
    want="$( (cat "$req"; python3 -c 'import sys; print(sys.version)') | sha256sum | cut -d' ' -f1)"
    if [[ -x "$venv/bin/python" && "$(cat "$venv/.lw-stamp" 2>/dev/null)" == "$want" ]]; then
        log "python: venv up to date ($venv)"; return 0
    fi
    log "python: (re)building $venv from tests/requirements.txt"
    rm -rf "$venv"
    python3 -m venv "$venv"
    timeout 900 "$venv/bin/pip" install -q --disable-pip-version-check -r "$req"
    echo "$want" >"$venv/.lw-stamp"
}

# Print the path of a go binary >= 1.$GO_MIN_MINOR, fetching the pinned toolchain module if needed.
go_bin() {
    local g="${LW_GO:-$(command -v go || true)}" v
    if [[ -n "$g" ]]; then
        v="$("$g" env GOVERSION 2>/dev/null || true)"            # e.g. go1.26.8
        if [[ "$v" =~ ^go1\.([0-9]+) ]] && ((BASH_REMATCH[1] >= GO_MIN_MINOR)); then echo "$g"; return; fi
    fi
    local arch; arch="$(dpkg --print-architecture)"
    local dir="$CACHE/go/toolchain/$GO_FALLBACK" mod="v0.0.1-$GO_FALLBACK.linux-$arch"
    if [[ ! -x "$dir/bin/go" ]]; then
        log "go: no go >= 1.$GO_MIN_MINOR found, fetching toolchain $GO_FALLBACK"
        download "$GO_PROXY_URL/golang.org/toolchain/@v/$mod.zip" "$DL/go-$mod.zip"
        local want="GO_FALLBACK_SHA256_$arch"
        if [[ -z "${!want:-}" ]]; then
            warn "go: no pinned checksum for $arch, toolchain zip not verified"
        elif ! echo "${!want}  $DL/go-$mod.zip" | sha256sum -c --quiet -; then
            rm -f "$DL/go-$mod.zip"; die "go: toolchain checksum mismatch, download removed"
        fi
        rm -rf "$dir.tmp"; mkdir -p "$dir.tmp"
        unzip -q "$DL/go-$mod.zip" -d "$dir.tmp"
        # Module zips carry no file modes: make the tools executable again.
        chmod -R a+x "$dir.tmp/golang.org/toolchain@$mod/bin" "$dir.tmp/golang.org/toolchain@$mod/pkg/tool"
        rm -rf "$dir"; mv "$dir.tmp/golang.org/toolchain@$mod" "$dir"; rm -rf "$dir.tmp"
    fi
    echo "$dir/bin/go"
}

install_openfga() {
    local bin="$CACHE/openfga/$OPENFGA_VERSION/bin/openfga" mod="github.com/openfga/openfga" go sum t0=$SECONDS
    [[ -x "$bin" ]] && { log "openfga: $OPENFGA_VERSION present"; return 0; }
    go="$(go_bin)"
    export GOMODCACHE="$CACHE/go/mod" GOCACHE="$CACHE/go/build" GOFLAGS="-modcacherw -buildvcs=false" \
        GOTOOLCHAIN=local CGO_ENABLED=0 GONOSUMDB="$mod"
    sum="$(timeout 900 "$go" mod download -json "$mod@$OPENFGA_VERSION" | jq -r .Sum)"
    [[ "$sum" == "$OPENFGA_SUM" ]] || die "openfga: module checksum $sum, expected $OPENFGA_SUM"
    log "openfga: building $OPENFGA_VERSION with $("$go" env GOVERSION) (takes minutes)"
    GOBIN="$(dirname "$bin")" timeout 3600 "$go" install "$mod/cmd/openfga@$OPENFGA_VERSION"
    rm -rf "$GOMODCACHE" "$GOCACHE"        # about 2 GB that only a rebuild would use
    log "openfga: built in $((SECONDS - t0))s"
}

install_keycloak() {
    local dir="$CACHE/keycloak/$KEYCLOAK_VERSION" name="keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip"
    [[ -x "$dir/bin/kc.sh" ]] && { log "keycloak: $KEYCLOAK_VERSION present"; return 0; }
    local url="$MAVEN_REPO/org/keycloak/keycloak-quarkus-dist/$KEYCLOAK_VERSION/$name"
    download "$url.sha1" "$DL/$name.sha1"
    download "$url" "$DL/$name"
    if ! echo "$(head -c 40 "$DL/$name.sha1")  $DL/$name" | sha1sum -c --quiet -; then
        rm -f "$DL/$name" "$DL/$name.sha1"; die "keycloak: sha1 mismatch, download removed"
    fi
    rm -rf "$dir.tmp"; mkdir -p "$dir.tmp"
    unzip -q "$DL/$name" -d "$dir.tmp"
    rm -rf "$dir"; mv "$dir.tmp/keycloak-$KEYCLOAK_VERSION" "$dir"; rm -rf "$dir.tmp"
    log "keycloak: unpacked into $dir"
}

# The Postgres-wire driver matrix (tests/integration/test_pg_drivers.py): pgJDBC and a JDK
# from Debian, pgx v5 from the Go module proxy, verified against tests/drivers/pgx/go.sum
# (pinned there), in a module cache of its own (install_openfga empties its own).
install_drivers() {
    apt_ensure libpostgresql-jdbc-java openjdk-17-jdk-headless || die "drivers: apt install failed"
    local go; go="$(go_bin)"
    (cd "$REPO/tests/drivers/pgx" && GOMODCACHE="$CACHE/go/drivers-mod" GOCACHE="$CACHE/go/drivers-build" \
        GOFLAGS=-modcacherw GOSUMDB=off GOTOOLCHAIN=local GOPROXY="$GO_PROXY_URL" \
        timeout 900 "$go" mod download) || die "drivers: go mod download failed"
    log "drivers: pgJDBC, JDK and the pgx modules present"
}

# Helm built from helm.sh/helm/v3 (its dependencies verified by Helm's own go.sum) into
# $CACHE/helm/<version>/bin/helm; the module and build caches are removed afterwards.
install_helm() {
    local bin="$CACHE/helm/$HELM_VERSION/bin/helm" mod="helm.sh/helm/v3" go sum t0=$SECONDS
    [[ -x "$bin" ]] && { log "helm: $HELM_VERSION present"; return 0; }
    go="$(go_bin)"
    export GOMODCACHE="$CACHE/go/helm-mod" GOCACHE="$CACHE/go/helm-build" GOFLAGS="-modcacherw -buildvcs=false" \
        GOTOOLCHAIN=local CGO_ENABLED=0 GONOSUMDB="$mod" GOPROXY="$GO_PROXY_URL"
    sum="$(timeout 900 "$go" mod download -json "$mod@$HELM_VERSION" | jq -r .Sum)"
    [[ "$sum" == "$HELM_SUM" ]] || die "helm: module checksum $sum, expected $HELM_SUM"
    log "helm: building $HELM_VERSION with $("$go" env GOVERSION) (takes minutes)"
    GOBIN="$(dirname "$bin")" timeout 3600 nice "$go" install -p 2 "$mod/cmd/helm@$HELM_VERSION"
    rm -rf "$GOMODCACHE" "$GOCACHE"
    log "helm: built in $((SECONDS - t0))s"
}

# The Grafana foundation SDK for the dashboard generator (helm/lakeward/dashboards/gen), pinned
# by its go.sum, in a module cache of its own that stays (tests/helm/test_dashboard.py builds it).
install_dashboard_sdk() {
    local go; go="$(go_bin)"
    (cd "$REPO/helm/lakeward/dashboards/gen" && GOMODCACHE="$CACHE/go/dash-mod" GOCACHE="$CACHE/go/dash-build" \
        GOFLAGS=-modcacherw GOSUMDB=off GOTOOLCHAIN=local GOPROXY="$GO_PROXY_URL" \
        timeout 900 "$go" mod download) || die "helm: go mod download of the dashboard generator failed"
    log "helm: dashboard generator modules present"
}

# `make image` assembles the OCI image with umoci (Debian), no registry needed.
install_image() {
    apt_ensure umoci || die "image: apt install umoci failed"
    log "image: umoci present"
}

# Apache Iceberg's REST catalog server (tests/stack/iceberg-rest/pom.xml, pinned) resolved with
# Debian's Maven from Maven Central into $CACHE/iceberg-rest/<pom hash>/lib (a local Maven repo of
# its own beside it), for the end-to-end tier: start.sh iceberg-rest runs it.
install_iceberg_rest() {
    local pom="$REPO/tests/stack/iceberg-rest/pom.xml" want dir
    want="$(sha256sum <"$pom" | cut -c1-16)"
    dir="$CACHE/iceberg-rest/$want"
    [[ -s "$dir/classpath" ]] && { log "iceberg-rest: present ($dir)"; return 0; }
    apt_ensure maven || die "iceberg-rest: apt install maven failed"
    rm -rf "$dir.tmp"; mkdir -p "$dir.tmp"
    timeout 1200 mvn -q -B -f "$pom" -Dmaven.repo.local="$CACHE/iceberg-rest/m2" \
        dependency:copy-dependencies \
        -DoutputDirectory="$dir.tmp/lib" >&2 || die "iceberg-rest: Maven could not resolve $pom"
    ls "$dir.tmp/lib"/iceberg-open-api-*-test-fixtures.jar >/dev/null || die "iceberg-rest: no test-fixtures jar"
    echo "$dir/lib/*" >"$dir.tmp/classpath"
    rm -rf "$dir"; mv "$dir.tmp" "$dir"
    log "iceberg-rest: $(ls "$dir/lib" | wc -l) jars in $dir/lib"
}

install_trino() {
    local t="$REPO/tests/stack/trino/install.sh"
    if [[ -f "$t" ]]; then bash "$t"; else log "trino: $t not present, skipped"; fi
}

targets=("$@")
((${#targets[@]})) || targets=(all)
t0=$SECONDS
for what in "${targets[@]}"; do
    case "$what" in
        all) install_apt; install_python; install_openfga; install_keycloak; install_trino; install_iceberg_rest; install_drivers; install_helm; install_dashboard_sdk; install_image ;;
        helm) install_helm; install_dashboard_sdk ;;
        apt|python|openfga|keycloak|trino|drivers|image) "install_$what" ;;
        iceberg-rest) install_iceberg_rest ;;
        *) die "usage: install.sh [all|apt|python|openfga|keycloak|trino|iceberg-rest|drivers|helm|image]..." ;;
    esac
done
log "install ${targets[*]} done in $((SECONDS - t0))s (cache $CACHE)"

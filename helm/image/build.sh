#!/usr/bin/env bash
# `make image`: an OCI image of lakeward built from scratch, without pulling anything from a
# registry -- the binary, the shared libraries ldd says it loads, CA certificates, a passwd
# entry for the unprivileged user and nsswitch.conf -- assembled with umoci (Debian package).
# Output: $BUILD/image/oci (an OCI image layout, tag $TAG) and $BUILD/image/lakeward-$TAG.oci.tar
# (the same layout as one archive: `podman load -i`, `skopeo copy oci-archive:...`).
#   helm/image/build.sh BUILD-DIR [TAG]
set -euo pipefail
build="${1:?usage: build.sh BUILD-DIR [TAG]}"
tag="${2:-0.1.0}"
bin="$build/lakeward"
out="$build/image"
command -v umoci >/dev/null || { echo "image: umoci missing (apt-get install umoci, or tests/stack/install.sh image)" >&2; exit 1; }
[[ -x "$bin" ]] || { echo "image: $bin missing (make BUILD=$build all)" >&2; exit 1; }
if ldd "$bin" | grep -q 'libasan\|libubsan'; then
    echo "image: $bin is a sanitizer build; build the image from a release build" >&2; exit 1
fi

rm -rf "$out"
root="$out/rootfs"
mkdir -p "$root/usr/bin" "$root/etc/ssl/certs" "$root/tmp" "$root/etc/lakeward"
chmod 1777 "$root/tmp"
install -m 0755 "$bin" "$root/usr/bin/lakeward"
# The shared libraries at the paths the dynamic loader looks them up (the loader itself
# included: ldd prints it as an absolute path without "=>").
ldd "$bin" | awk '/=> \//{print $3} /^[ \t]*\/[^ ]+ \(/{print $1}' | while read -r lib; do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
done
# libcurl resolves names through glibc's NSS (files + dns are built into glibc 2.36).
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
printf 'root:x:0:0:root:/:/nonexistent\nlakeward:x:65532:65532:lakeward:/:/nonexistent\n' >"$root/etc/passwd"
printf 'root:x:0:\nlakeward:x:65532:\n' >"$root/etc/group"
cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"

layout="$out/oci"
umoci init --layout "$layout"
umoci new --image "$layout:$tag"
# --rootless: files owned by root in the image whoever runs the build (no user namespace needed).
umoci insert --rootless --image "$layout:$tag" "$root" /
umoci config --image "$layout:$tag" \
    --config.entrypoint /usr/bin/lakeward \
    --config.user 65532:65532 \
    --config.workingdir / \
    --config.exposedports 8181/tcp --config.exposedports 5433/tcp \
    --config.env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    --author lakeward --os linux --architecture "$(dpkg --print-architecture)" \
    --config.label org.opencontainers.image.title=lakeward \
    --config.label org.opencontainers.image.version="$tag"
umoci gc --layout "$layout"
tar -C "$layout" -cf "$out/lakeward-$tag.oci.tar" .
echo "image: $layout:$tag and $out/lakeward-$tag.oci.tar ($(du -sh "$out/lakeward-$tag.oci.tar" | cut -f1))"

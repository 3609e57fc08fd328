#!/usr/bin/env bash
# Build deploy/Dockerfile with podman where there is no Docker engine and no registry:
# the base image (python:3.11-slim) is made here with debootstrap (Debian bookworm has
# Python 3.11), imported and tagged under the Dockerfile's base name, and cached.
#
#   scripts/build_image.sh [TAG]       # TAG defaults to planops:0.1.0
#
# Environment: PLANOPS_IMAGE_CACHE (default /var/cache/planops-image) keeps the base's
# tarball; DEBIAN_MIRROR (default: the first bookworm URI in /etc/apt/sources.list*);
# REBUILD_BASE=1 makes the base again. Needs root, podman and debootstrap
# (apt-get install -y podman debootstrap). Runs no container: building uses
# --isolation=chroot, which needs no runtime.
set -euo pipefail

TAG=${1:-planops:0.1.0}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${PLANOPS_IMAGE_CACHE:-/var/cache/planops-image}
BASE_TAG=docker.io/library/$(sed -n 's/^FROM \([^ ]*\).*/\1/p' "$ROOT/deploy/Dockerfile" | head -1)
BASE_TAR=$CACHE/python-3.11-bookworm.tar
PODMAN=(podman --cgroup-manager=cgroupfs)

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

debian_mirror() {
    if [[ -n ${DEBIAN_MIRROR:-} ]]; then
        echo "$DEBIAN_MIRROR"
        return
    fi
    # deb822 (URIs: ...) or one-line (deb URI bookworm ...) sources, whichever names bookworm.
    local uri
    uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null \
        | awk '/^URIs:/ && $2 ~ /debian\/?$/ {print $2; exit} /^deb / && $3 == "bookworm" {print $2; exit}')
    echo "${uri:-http://deb.debian.org/debian}"
}

make_base_tarball() {
    local rootfs=$CACHE/rootfs
    rm -rf "$rootfs"
    mkdir -p "$rootfs"
    log "debootstrap bookworm from $(debian_mirror) (a few minutes)"
    debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
        bookworm "$rootfs" "$(debian_mirror)" >"$CACHE/debootstrap.log" 2>&1 \
        || { tail -20 "$CACHE/debootstrap.log" >&2; exit 1; }
    # python:3.11-slim has `python` on PATH; the Dockerfile calls it by that name.
    ln -sf /usr/bin/python3 "$rootfs/usr/local/bin/python"
    # What python:3.11-slim leaves out: apt's lists and caches, documentation, man pages,
    # locales. The standard library's bytecode stays, as it does there.
    chroot "$rootfs" apt-get clean
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/var/log/* \
        "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
        "$rootfs"/usr/share/locale/* "$rootfs"/usr/share/lintian
    tar -C "$rootfs" --numeric-owner -cf "$BASE_TAR.tmp" .
    mv "$BASE_TAR.tmp" "$BASE_TAR"
    rm -rf "$rootfs"
}

mkdir -p "$CACHE"
if [[ ${REBUILD_BASE:-0} == 1 || ! -s $BASE_TAR ]]; then
    make_base_tarball
fi
if [[ ${REBUILD_BASE:-0} == 1 ]] || ! "${PODMAN[@]}" image exists "$BASE_TAG"; then
    log "import $BASE_TAR as $BASE_TAG"
    "${PODMAN[@]}" import \
        --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        --change 'CMD ["python3"]' \
        "$BASE_TAR" "$BASE_TAG" >/dev/null
fi

# pip inside the build reads this machine's pip configuration (its index and mirrors) and
# trusts its CA bundle; both are mounted for the RUN steps only, not copied into a layer.
VOLUMES=()
for file in /etc/pip.conf /etc/ssl/certs/ca-certificates.crt; do
    [[ -f $file ]] && VOLUMES+=(--volume "$file:$file:ro")
done
log "build $TAG from deploy/Dockerfile"
start=$(date +%s)
"${PODMAN[@]}" build --isolation=chroot --network host --pull=never \
    "${VOLUMES[@]}" \
    -f "$ROOT/deploy/Dockerfile" -t "$TAG" "$ROOT"
log "built in $(($(date +%s) - start)) s"
"${PODMAN[@]}" image inspect --format '{{.Size}}' "$TAG" \
    | awk -v tag="$TAG" '{printf "%s: %d bytes (%.0f MB)\n", tag, $1, $1 / 1e6}'

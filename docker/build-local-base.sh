#!/usr/bin/env bash
# Builds the local base image the Dockerfiles can start from on machines that cannot pull from a
# registry: a Debian bookworm (minbase) root file system with a Java 17 runtime, made from Debian
# packages by debootstrap and imported into the local Docker engine.
#   docker/build-local-base.sh [IMAGE] [MIRROR]
#     IMAGE   default local/debian-jre17:bookworm
#     MIRROR  default the first Debian mirror apt uses here (else http://deb.debian.org/debian)
# Then: docker build --build-arg BASE_IMAGE=local/debian-jre17:bookworm -f docker/cpu/Dockerfile -t animegan-spark:cpu .
# Needs root (debootstrap), debootstrap and a running Docker engine. About 35 s and 250 MB.
set -euo pipefail
image="${1:-local/debian-jre17:bookworm}"
mirror="${2:-}"
if [ -z "$mirror" ]; then
  mirror="$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -1 || true)"
  [ -n "$mirror" ] || mirror="$(grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2}' | head -1 || true)"
  [ -n "$mirror" ] || mirror=http://deb.debian.org/debian
fi
command -v debootstrap >/dev/null || { echo "build-local-base: needs debootstrap (apt-get install debootstrap)" >&2; exit 2; }
command -v docker >/dev/null || { echo "build-local-base: needs docker (apt-get install docker.io)" >&2; exit 2; }
root="$(mktemp -d /tmp/animegan-base.XXXXXX)"
trap 'rm -rf "$root"' EXIT
echo "build-local-base: debootstrap bookworm from $mirror into $root ..." >&2
debootstrap --variant=minbase --include=openjdk-17-jre-headless,procps bookworm "$root" "$mirror" >&2
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb
echo "build-local-base: importing as $image ..." >&2
tar -C "$root" -c . | docker import \
  -c 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' \
  -c 'ENV PATH=/usr/lib/jvm/java-17-openjdk-amd64/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  - "$image" >/dev/null
echo "$image"

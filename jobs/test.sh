#!/usr/bin/env bash
# The project's test command (README "Quick start"; .ci/run runs exactly this).
# When run as root with apt-get, first installs the Debian packages the Docker test tier needs
# (docker.io, docker-compose, debootstrap) if they are missing; without them that tier is skipped
# with a message. ANIMEGAN_TEST_INSTALL=0 skips the installation. Then: mvn -B -ntp verify [args].
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && [ "${ANIMEGAN_TEST_INSTALL:-1}" = 1 ]; then
  missing=()
  for pkg in docker.io docker-compose debootstrap; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "animegan test: installing ${missing[*]} (Docker test tier) ..." >&2
    if ! { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2; }; then
      echo "animegan test: could not install ${missing[*]}; the Docker tier will be skipped" >&2
    fi
  fi
fi
exec mvn -B -ntp verify "$@"

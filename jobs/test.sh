#!/usr/bin/env bash
# The project's test command (README "Quick start"; .ci/run runs exactly this).
# When run as root with apt-get, first installs the Debian packages the test tiers need if they are
# missing: python3-torch and python3-numpy (the PyTorch-side checks of the .pt export, run with
# /usr/bin/python3), docker.io, docker-compose and debootstrap (the Docker tier; without them that
# tier is skipped with a message). ANIMEGAN_TEST_INSTALL=0 skips the installation. With PyTorch
# installed, ANIMEGAN_REQUIRE_TORCH=1 is set, so the PyTorch checks fail rather than skip.
# Then: mvn -B -ntp verify [args].
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && [ "${ANIMEGAN_TEST_INSTALL:-1}" = 1 ]; then
  missing=()
  for pkg in python3-torch python3-numpy docker.io docker-compose debootstrap; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "animegan test: installing ${missing[*]} (Docker test tier) ..." >&2
    if ! { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2; }; then
      echo "animegan test: could not install ${missing[*]}; the tiers that need them will be skipped" >&2
    fi
  fi
fi
if /usr/bin/python3 -c 'import torch, numpy' >/dev/null 2>&1; then
  export ANIMEGAN_REQUIRE_TORCH="${ANIMEGAN_REQUIRE_TORCH:-1}"
fi
exec mvn -B -ntp verify "$@"

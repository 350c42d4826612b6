#!/usr/bin/env bash
# Executes every notebook headless against a demo output (default ./demo-output), into
# notebooks/executed/; fails if any cell fails. Needs notebooks/install.sh first.
# Usage: notebooks/run.sh [OUTPUT_DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/../demo-output}"
[ -d "$out" ] || { echo "notebooks: no demo output at $out (run jobs/demo.sh first)" >&2; exit 2; }
[ -f "$here/.jupyter/kernels/animegan-java/kernel.json" ] || "$here/install.sh"
export ANIMEGAN_DEMO_OUTPUT="$(cd "$out" && pwd)"
export JUPYTER_PATH="$here/.jupyter"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
mkdir -p "$here/executed"
status=0
for nb in "$here"/*.ipynb; do
  echo "notebooks: executing $(basename "$nb")" >&2
  ok=false
  # Three attempts, 3 minutes each for the kernel's startup handshake: on a busy machine the Java
  # kernel has taken more than 60 s to answer it (seen with a 2-core machine fully loaded).
  for attempt in 1 2 3; do
    if jupyter nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=animegan-java \
        --ExecutePreprocessor.startup_timeout=180 --ExecutePreprocessor.timeout=600 \
        --output-dir "$here/executed" "$nb" >&2; then
      ok=true
      break
    fi
    echo "notebooks: $(basename "$nb") attempt $attempt failed" >&2
    sleep 2
  done
  # Let the kernel JVM exit before the next one starts.
  for i in $(seq 1 50); do pgrep -f "rapaio-jupyter-kernel-.*{connection_file}|rapaio-jupyter-kernel-.*kernel-.*json" >/dev/null 2>&1 || break; sleep 0.2; done
  if ! $ok; then
    echo "notebooks: $(basename "$nb") FAILED" >&2
    status=1
  fi
done
exit $status

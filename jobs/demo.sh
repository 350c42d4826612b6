#!/usr/bin/env bash
# End-to-end run on the bundled sample data (data/sample) in Spark local mode.
# Today the pipeline is the ingest job; training and inference join it as they land.
# Usage: jobs/demo.sh [OUTPUT_DIR] [extra ingest options]   (default OUTPUT_DIR: ./demo-output)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/demo-output}"
[ $# -gt 0 ] && shift
mkdir -p "$out"
out="$(cd "$out" && pwd)"
echo "animegan demo: ingesting data/sample into $out/ingest (Spark local mode)" >&2
"$root/jobs/ingest.sh" --master "${ANIMEGAN_DEMO_MASTER:-local[2]}" --config "$root/conf/demo.conf" \
  --photos "$root/data/sample/photos" \
  --anime "supertux=$root/data/sample/anime/supertux" --anime "ukui=$root/data/sample/anime/ukui" \
  --out "$out/ingest" --mode overwrite "$@"
echo "animegan demo: tiles in $out/ingest/tiles, rejected files in $out/ingest/quarantine" >&2
echo "$out/ingest/_job_result.json"

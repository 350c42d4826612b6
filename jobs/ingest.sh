#!/usr/bin/env bash
# The ingest job: image folders in, Parquet training tiles out. Run with --help for its options.
# Example (local mode, bundled sample data):
#   jobs/ingest.sh --photos data/sample/photos --anime supertux=data/sample/anime/supertux --out /tmp/tiles
set -euo pipefail
# shellcheck source=jobs/_common.sh
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
animegan_submit dev.animegan.spark.ingest.IngestJob animegan-ingest "$@"

#!/usr/bin/env bash
# Benchmarks, printing JSON on stdout (logs go to stderr).
#   jobs/bench.sh ingest [--data DIR] [--work DIR] [spark options]
#       ingest throughput on DIR/photos + DIR/cartoon (default ../shared/data) on local[2]
#       (or --master ...), and the raw JPEG decode rate of the same files for comparison.
set -euo pipefail
# shellcheck source=jobs/_common.sh
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
what="${1:-}"
[ $# -gt 0 ] && shift
case "$what" in
  ingest)
    has_master=false
    for a in "$@"; do case "$a" in --master|--master=*) has_master=true ;; esac; done
    data_default=()
    for a in "$@"; do [ "$a" = --data ] && data_default=(); done
    if ! printf '%s\n' "$@" | grep -qx -- --data; then data_default=(--data "$ANIMEGAN_ROOT/../shared/data"); fi
    if $has_master; then
      animegan_submit dev.animegan.spark.bench.IngestBench animegan-bench-ingest "${data_default[@]}" "$@"
    else
      animegan_submit dev.animegan.spark.bench.IngestBench animegan-bench-ingest --master 'local[2]' "${data_default[@]}" "$@"
    fi
    ;;
  ""|-h|--help)
    sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
    ;;
  *)
    echo "animegan bench: unknown benchmark '$what' (known: ingest)" >&2
    exit 2
    ;;
esac

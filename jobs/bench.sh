#!/usr/bin/env bash
# Benchmarks, printing JSON on stdout (logs go to stderr).
#   jobs/bench.sh ingest [--data DIR] [--work DIR] [--generate N [--from DIR]] [--rerun] [spark options]
#       ingest throughput on DIR/photos + DIR/cartoon (default ../shared/data) on local[2]
#       (or --master ...); with --generate N on N generated photos (derived from DIR/photos, or
#       --from DIR, by crops, scales and colour jitter; kept in --work for reruns) plus DIR/cartoon.
#       Also one timed pass of the raw JPEG decode of the same photos and, when Debian's python3-pil
#       is installed, the PIL (libjpeg-turbo) reference pipeline on the same files with the same
#       number of processes (peers/pil_ingest.py: DCT-scaled and full decode), with the ratios.
#       --rerun runs the ingest a second time in the same JVM (ingest_rerun: the rate once the JVM
#       and Spark are warm, i.e. the marginal cost per image of a long run).
#   jobs/bench.sh train [--data DIR] [--tile N] [--base N] [--rounds N] [spark options]
#       adversarial training with dl4j-spark parameter averaging, 1 vs 2 workers on local[2]:
#       images/s, per-round compute vs other time, scaling efficiency.
#   jobs/bench.sh infer [--small N] [--large N] [spark options]
#       the inference job on local[2]: 256² (resize mode) and 1024² (tile mode) images/s and MP/s,
#       against the single-JVM Stylizer on the same images.
#   jobs/bench.sh video [--seconds S] [--smoothing] [spark options]
#       the video job on local[2] with the full-size generator on a 1280x720 25 fps pan clip made
#       from a bundled photo: frames/s and video seconds per second at long sides 256 and 512.
#   jobs/bench.sh all [--out FILE] [--quick]
#       every benchmark above in turn (each in its own JVM), one JSON report with the machine's
#       cores and sgemm rate (default FILE: bench-report.json; also printed).
#   jobs/bench.sh model [--quick] [--steps K] [--profile] [--peer] [--inference-memory-only]
#       generator forward (256², 512², batch 1 and 4; one 1024² call's engine working set),
#       pretraining and adversarial steps (batch 4,
#       256², full-size networks) through the trainer the jobs use: medians of K >= 3 runs after a
#       warm-up; sgemm GFLOP/s, peak RSS. --profile adds per-layer timings. --peer also runs the same
#       work in PyTorch (pytorch/bench_model.py, Debian's python3-torch, same thread count) in this
#       invocation and adds its figures and the speed ratios (PyTorch time / ours).
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
    master=()
    $has_master || master=(--master 'local[2]')
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    (animegan_submit dev.animegan.spark.bench.IngestBench animegan-bench-ingest "${master[@]}" "${data_default[@]}" "$@") \
      > "$tmp/ours.json" || exit 1
    if /usr/bin/python3 -c 'import PIL' 2>/dev/null; then
      echo "animegan bench: ingest, PIL reference pipelines ($(nproc) processes) ..." >&2
      /usr/bin/python3 "$ANIMEGAN_ROOT/peers/pil_ingest.py" --processes "$(nproc)" --with "$tmp/ours.json"
    else
      echo "animegan bench: no PIL reference (install it with: sudo apt-get install python3-pil)" >&2
      cat "$tmp/ours.json"
    fi
    ;;
  train)
    has_master=false
    for a in "$@"; do case "$a" in --master|--master=*) has_master=true ;; esac; done
    data_default=()
    if ! printf '%s\n' "$@" | grep -qx -- --data; then data_default=(--data "$ANIMEGAN_ROOT/../shared/data"); fi
    master=()
    $has_master || master=(--master 'local[2]')
    ANIMEGAN_DRIVER_MAXPHYSICALBYTES="${ANIMEGAN_BENCH_MAXPHYSICALBYTES:-16G}" \
      animegan_submit_nd4j dev.animegan.spark.bench.TrainBench animegan-bench-train "${master[@]}" "${data_default[@]}" "$@"
    ;;
  infer)
    has_master=false
    for a in "$@"; do case "$a" in --master|--master=*) has_master=true ;; esac; done
    master=()
    $has_master || master=(--master 'local[2]')
    animegan_submit_nd4j dev.animegan.spark.bench.InferBench animegan-bench-infer "${master[@]}" --driver-memory 4g "$@"
    ;;
  video)
    has_master=false
    for a in "$@"; do case "$a" in --master|--master=*) has_master=true ;; esac; done
    master=()
    $has_master || master=(--master 'local[2]')
    (cd "$ANIMEGAN_ROOT" && animegan_submit_nd4j dev.animegan.spark.bench.VideoBench animegan-bench-video "${master[@]}" \
      --driver-memory 4g "$@")
    ;;
  model)
    animegan_check_java
    cp_file="$ANIMEGAN_ROOT/modules/model/target/runtime-classpath.txt"
    if [ ! -f "$cp_file" ] || [ ! -d "$ANIMEGAN_ROOT/modules/model/target/classes" ]; then
      echo "animegan: building the model module ..." >&2
      (cd "$ANIMEGAN_ROOT" && mvn -B -q -DskipTests package -pl modules/model -am) >&2 || exit 1
    fi
    java_bin=java
    [ -n "${JAVA_HOME:-}" ] && java_bin="$JAVA_HOME/bin/java"
    peer=false
    java_args=()
    for a in "$@"; do
      if [ "$a" = --peer ]; then peer=true; else java_args+=("$a"); fi
    done
    # glibc: keep freed ND4J buffers for reuse instead of unmapping and faulting them in again
    # (measured: fewer system-time seconds and steadier per-image times).
    export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-33554432}"
    export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-4294967296}"
    export MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-536870912}"
    run_java() {
      "$java_bin" -Xmx1g -Dorg.bytedeco.javacpp.maxphysicalbytes="${ANIMEGAN_BENCH_MAXPHYSICALBYTES:-18G}" \
        -cp "$ANIMEGAN_ROOT/modules/model/target/classes:$(cat "$cp_file")" dev.animegan.model.bench.ModelBench \
        ${java_args[@]+"${java_args[@]}"}
    }
    if ! $peer; then
      run_java
      exit $?
    fi
    if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
      echo "animegan bench: --peer needs Debian's PyTorch for /usr/bin/python3: sudo apt-get install python3-torch libopenblas0-pthread python3-numpy" >&2
      exit 2
    fi
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    threads="$(nproc)"
    echo "animegan bench: model, animegan-spark side ..." >&2
    run_java > "$tmp/java.json" || exit 1
    echo "animegan bench: model, PyTorch side ($threads threads) ..." >&2
    peer_args=(--threads "$threads")
    for a in ${java_args[@]+"${java_args[@]}"}; do
      case "$a" in --quick) peer_args+=(--quick) ;; esac
    done
    steps="$(printf '%s\n' ${java_args[@]+"${java_args[@]}"} | sed -n '/^--steps$/{n;p}')"
    [ -n "$steps" ] && peer_args+=(--steps "$steps")
    /usr/bin/python3 "$ANIMEGAN_ROOT/pytorch/bench_model.py" "${peer_args[@]}" > "$tmp/peer.json" || exit 1
    /usr/bin/python3 "$ANIMEGAN_ROOT/pytorch/bench_model.py" --merge "$tmp/java.json" "$tmp/peer.json"
    ;;
  all)
    report="bench-report.json"
    quick=()
    while [ $# -gt 0 ]; do
      case "$1" in
        --out) report="$2"; shift 2 ;;
        --quick) quick=(--quick); shift ;;
        *) animegan_die "bench all: unknown option $1" ;;
      esac
    done
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    for b in model ingest train infer; do
      echo "animegan bench: running $b ..." >&2
      args=()
      [ "$b" = model ] && args=("${quick[@]}")
      [ "$b" = infer ] && [ ${#quick[@]} -gt 0 ] && args=(--small 4 --large 1)
      "$0" "$b" "${args[@]}" > "$tmp/$b.json" || animegan_die "bench all: $b failed"
    done
    sgemm="$(sed -n 's/.*"sgemm_gflops" *: *\([0-9.eE+-]*\).*/\1/p' "$tmp/model.json" | head -n 1)"
    {
      echo "{"
      echo "  \"benchmark\" : \"all\","
      echo "  \"date\" : \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\","
      echo "  \"cores\" : $(nproc),"
      echo "  \"sgemm_gflops\" : ${sgemm:-null},"
      echo "  \"git_commit\" : \"$(cd "$ANIMEGAN_ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)\","
      first=true
      for b in model ingest train infer; do
        $first || echo ","
        first=false
        printf '  "%s" : ' "$b"
        sed '2,$s/^/  /' "$tmp/$b.json"
      done
      echo "}"
    } > "$report"
    cat "$report"
    echo "animegan bench: report in $report" >&2
    ;;
  ""|-h|--help)
    sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
    ;;
  *)
    echo "animegan bench: unknown benchmark '$what' (known: ingest, train, infer, model, all)" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# The training job: ingest tiles in; pretraining and adversarial training with dl4j-spark parameter
# averaging; checkpoints, losses, sample grids and generator.zip out. Run with --help for its options.
# Example (local mode, the demo's tiny CPU budget):
#   jobs/ingest.sh --config conf/demo.conf --photos data/sample/photos --anime supertux=data/sample/anime/supertux --out /tmp/tiles
#   jobs/train.sh --master 'local[2]' --config conf/demo.conf --data /tmp/tiles --out /tmp/run
#
# Memory: every executor (and the driver in local mode) holds one model copy per task slot, off the
# Java heap. Unless you pass your own spark.executor.extraJavaOptions / --driver-java-options, this
# script caps JavaCPP's physical memory per JVM (ANIMEGAN_EXECUTOR_MAXPHYSICALBYTES, default 8G;
# ANIMEGAN_DRIVER_MAXPHYSICALBYTES, default 8G) and sets glibc malloc settings that keep ND4J's
# buffers mapped between steps. Give executors matching spark.executor.memoryOverhead on YARN/K8s.
set -euo pipefail
# shellcheck source=jobs/_common.sh
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
args=("$@")
has_exec_opts=false
has_driver_opts=false
for a in "$@"; do
  case "$a" in
    spark.executor.extraJavaOptions=*|--conf=spark.executor.extraJavaOptions=*) has_exec_opts=true ;;
    --driver-java-options|--driver-java-options=*|spark.driver.extraJavaOptions=*) has_driver_opts=true ;;
  esac
done
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-33554432}"
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-4294967296}"
export MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-536870912}"
extra=(--conf "spark.executorEnv.MALLOC_MMAP_THRESHOLD_=$MALLOC_MMAP_THRESHOLD_"
  --conf "spark.executorEnv.MALLOC_TRIM_THRESHOLD_=$MALLOC_TRIM_THRESHOLD_"
  --conf "spark.executorEnv.MALLOC_TOP_PAD_=$MALLOC_TOP_PAD_")
$has_exec_opts || extra+=(--conf "spark.executor.extraJavaOptions=-Dorg.bytedeco.javacpp.maxphysicalbytes=${ANIMEGAN_EXECUTOR_MAXPHYSICALBYTES:-8G}")
$has_driver_opts || extra+=(--driver-java-options "-Dorg.bytedeco.javacpp.maxphysicalbytes=${ANIMEGAN_DRIVER_MAXPHYSICALBYTES:-8G}")
animegan_submit dev.animegan.spark.train.TrainJob animegan-train "${extra[@]}" "${args[@]}"

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
animegan_submit_nd4j dev.animegan.spark.train.TrainJob animegan-train "$@"

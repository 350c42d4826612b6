#!/usr/bin/env bash
# The batch inference job: a trained (or imported) generator over photo archives. Run with --help.
# Example (local mode, bundled photos, the model a jobs/train.sh run exported):
#   jobs/infer.sh --master 'local[2]' --model /tmp/run/generator.zip --input data/sample/photos --out /tmp/styled
# Memory: each task slot holds one generator; tile mode bounds the network's memory by tile.size.
# JavaCPP's physical-memory cap per JVM: ANIMEGAN_EXECUTOR_MAXPHYSICALBYTES / ANIMEGAN_DRIVER_MAXPHYSICALBYTES
# (default 8G each) unless you pass spark.executor.extraJavaOptions / --driver-java-options yourself.
set -euo pipefail
# shellcheck source=jobs/_common.sh
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
animegan_submit_nd4j dev.animegan.spark.infer.InferJob animegan-infer "$@"

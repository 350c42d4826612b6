#!/usr/bin/env bash
# The video job: a trained (or imported) generator over video files, with their audio. Run with --help.
# Example (local mode, the clip jobs/demo.sh makes):
#   jobs/video.sh --master 'local[2]' --model /tmp/run/generator.zip --input /tmp/demo/clips --out /tmp/styled-video
# Each segment task holds one generator; memory per task as for jobs/infer.sh (animegan.video.memory-budget).
# JavaCPP's physical-memory cap per JVM: ANIMEGAN_EXECUTOR_MAXPHYSICALBYTES / ANIMEGAN_DRIVER_MAXPHYSICALBYTES
# (default 8G each) unless you pass spark.executor.extraJavaOptions / --driver-java-options yourself.
set -euo pipefail
# shellcheck source=jobs/_common.sh
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
animegan_submit_nd4j dev.animegan.spark.video.VideoJob animegan-video "$@"

#!/usr/bin/env bash
# The model export: a generator (trainer checkpoint folder, generator.zip or PyTorch .pt; any Hadoop FS)
# to a PyTorch state dict that animegan2-pytorch's Generator loads with strict=True (FILE.pt), or to an
# ONNX model with dynamic height and width (FILE.onnx). Runs on the driver only. Run with --help.
# Examples:
#   jobs/export.sh --model /tmp/run/checkpoints/ckpt-000010 --out /tmp/generator.pt --discriminator-out /tmp/d.pt
#   jobs/export.sh --model /tmp/run/generator.zip --out /tmp/generator.onnx
set -euo pipefail
# shellcheck source=jobs/_common.sh
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
animegan_submit_nd4j dev.animegan.spark.export.ExportJob animegan-export "$@"

#!/usr/bin/env bash
# The whole pipeline on the bundled sample data (data/sample), in Spark local mode:
#   ingest -> pretrain -> adversarial train -> batch inference -> video -> an HTML page
# with a tiny, clearly labelled CPU budget (conf/demo.conf). Prints the page's absolute path last.
# Usage: jobs/demo.sh [OUTPUT_DIR] [--set KEY=VALUE ...]   (default OUTPUT_DIR: ./demo-output)
#   --set options apply to every stage, e.g. --set train.adversarial.epochs=1
# ANIMEGAN_DEMO_MASTER overrides the Spark master (default local[2]).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/demo-output}"
[ $# -gt 0 ] && shift
mkdir -p "$out"
out="$(cd "$out" && pwd)"
master="${ANIMEGAN_DEMO_MASTER:-local[2]}"
start=$(date +%s)
say() { echo "animegan demo [$(( $(date +%s) - start ))s]: $*" >&2; }

say "NOTE: a tiny CPU budget (64x64 tiles, narrow networks, a few rounds, random perceptual network)."
say "      It shows every stage working; it does not make a usable model (see the end of this run)."
say "1/3 ingest: data/sample -> $out/ingest"
"$root/jobs/ingest.sh" --master "$master" --config "$root/conf/demo.conf" \
  --photos "$root/data/sample/photos" \
  --anime "supertux=$root/data/sample/anime/supertux" --anime "ukui=$root/data/sample/anime/ukui" \
  --out "$out/ingest" --mode overwrite "$@"

say "2/3 train: pretraining, then adversarial training -> $out/run"
rm -rf "$out/run"
"$root/jobs/train.sh" --master "$master" --config "$root/conf/demo.conf" \
  --data "$out/ingest" --out "$out/run" "$@"

say "3/3 infer: data/sample/photos -> $out/styled"
rm -rf "$out/styled"
"$root/jobs/infer.sh" --master "$master" --config "$root/conf/demo.conf" \
  --model "$out/run/generator.zip" --input "$root/data/sample/photos" --out "$out/styled" "$@"

say "video: a 2-second pan over a sample photo -> $out/video"
rm -rf "$out/video" "$out/clips"
java_bin=java
[ -n "${JAVA_HOME:-}" ] && java_bin="$JAVA_HOME/bin/java"
"$java_bin" -cp "${ANIMEGAN_JOB_JAR:-$root/modules/dist/target/animegan-spark-job.jar}" dev.animegan.core.video.PanClip \
  "$root/data/sample/photos/mate-backgrounds/$(ls "$root/data/sample/photos/mate-backgrounds" | grep -i '\.jpg$' | head -n 1)" \
  "$out/clips/pan.mp4" 2 320 180 2>/dev/null
"$root/jobs/video.sh" --master "$master" --config "$root/conf/demo.conf" \
  --model "$out/run/generator.zip" --input "$out/clips" --out "$out/video" --temporal-smoothing 0.5 "$@"

page="$out/index.html"
{
  cat <<'HTML'
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>animegan-spark demo</title>
<style>body{font-family:sans-serif;margin:2em;max-width:1100px}img{max-width:100%}
figure{display:inline-block;margin:0 1em 1em 0}figure img{max-width:256px;max-height:256px;margin-right:4px}
.note{background:#fff4d6;border:1px solid #e0c060;padding:0.8em}</style></head><body>
<h1>animegan-spark demo</h1>
<p class="note"><b>Tiny CPU budget.</b> This run trained narrow networks on 64&times;64 tiles for a few
averaging rounds with a <i>random</i> perceptual network, so the outputs are noise-like: the point is that
every stage (ingest, pretraining, adversarial training with parameter averaging, batch inference) ran.
A real model needs full-size networks, 256&times;256 tiles, thousands of photos and anime frames, GPU
workers (build with <code>-Pcuda</code>), and VGG19 weights: set <code>animegan.model.vgg19.weights</code>
to Keras' <code>vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5</code> and leave
<code>animegan.model.vgg19.allow-random-init = false</code>. To stylise with published AnimeGANv2 weights,
pass the PyTorch <code>.pt</code> file to <code>jobs/infer.sh --model</code>.</p>
<h2>Inputs and outputs</h2>
HTML
  for f in "$out"/styled/gallery/*-in.jpg; do
    [ -e "$f" ] || continue
    n="$(basename "$f" -in.jpg)"
    echo "<figure><img src=\"styled/gallery/$n-in.jpg\" alt=\"input\"><img src=\"styled/gallery/$n-out.jpg\" alt=\"output\"></figure>"
  done
  echo "<h2>Video: a 2-second pan over a sample photo, and its stylised version (with audio)</h2>"
  echo "<video controls width=\"320\" src=\"clips/pan.mp4\"></video> <video controls width=\"320\" src=\"video/videos/pan.mp4\"></video>"
  echo "<h2>Training losses per averaging round</h2><img src=\"run/loss-plot.png\" alt=\"loss plot\">"
  echo "<h2>Sample grids (validation photos, generator outputs) after each epoch</h2>"
  for f in "$out"/run/samples/*.png; do
    [ -e "$f" ] || continue
    echo "<figure><img src=\"run/samples/$(basename "$f")\" alt=\"$(basename "$f")\"><figcaption>$(basename "$f" .png)</figcaption></figure>"
  done
  echo "<h2>Results</h2><ul>"
  for j in ingest/_job_result.json run/_job_result.json styled/_job_result.json video/_job_result.json; do
    echo "<li><a href=\"$j\">$j</a></li>"
  done
  echo "</ul></body></html>"
} > "$page.tmp"
mv "$page.tmp" "$page"
say "done. Tiles: $out/ingest/tiles; checkpoints: $out/run/checkpoints; stylised photos: $out/styled/images"
say "A real model needs GPU workers and VGG19 weights (animegan.model.vgg19.weights); see README.md."
echo "$page"

#!/usr/bin/env python3
"""The PIL (libjpeg-turbo) reference pipeline for `jobs/bench.sh ingest`.

For every image file under the given folders: decode (with --dct, JPEGs are first scaled in the
DCT domain by PIL's draft() to the smallest size at or above the resize target), Lanczos-resize to
a short side of 256, take the centre 256x256 crop and encode it as PNG at compress_level 1 (in
memory). Runs on --processes worker processes; prints one JSON object.
"""
import argparse
import io
import json
import multiprocessing
import os
import sys
import time

from PIL import Image

SHORT = 256
CROP = 256
EXTS = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp")


def work(args):
    path, dct = args
    try:
        im = Image.open(path)
        w, h = im.size
        s = SHORT / min(w, h)
        tw, th = max(SHORT, round(w * s)), max(SHORT, round(h * s))
        if dct and im.format == "JPEG":
            im.draft("RGB", (tw, th))
        im = im.convert("RGB").resize((tw, th), Image.LANCZOS)
        x, y = (tw - CROP) // 2, (th - CROP) // 2
        tile = im.crop((x, y, x + CROP, y + CROP))
        out = io.BytesIO()
        tile.save(out, "PNG", compress_level=1)
        return w * h
    except Exception:  # not an image, truncated, ...: skipped, as the job quarantines them
        return -1


def run(dirs, processes, dct):
    files = []
    for d in dirs:
        for root, _, names in os.walk(d):
            files.extend(os.path.join(root, n) for n in names if n.lower().endswith(EXTS))
    files.sort()
    t0 = time.time()
    with multiprocessing.Pool(processes) as pool:
        results = list(pool.imap_unordered(work, [(f, dct) for f in files], chunksize=16))
    seconds = time.time() - t0
    ok = [r for r in results if r >= 0]
    return {
        "pipeline": "pil-" + ("dct-scaled" if dct else "full-decode") + "-lanczos-crop-png1",
        "pil_version": Image.__version__,
        "processes": processes,
        "files": len(files),
        "images": len(ok),
        "seconds": round(seconds, 3),
        "images_per_s": round(len(ok) / seconds, 3),
        "megapixels_per_s": round(sum(ok) / 1e6 / seconds, 3),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--processes", type=int, default=os.cpu_count())
    ap.add_argument("--dct", action="store_true")
    ap.add_argument("--with", dest="ours", help="the animegan-spark bench JSON: run both PIL pipelines on its "
                    "inputs and print it with their figures and the ratios added")
    ap.add_argument("dirs", nargs="*")
    a = ap.parse_args()
    if a.ours is None:
        print(json.dumps(run(a.dirs, a.processes, a.dct)))
        return 0
    with open(a.ours) as f:
        ours = json.load(f)
    dirs = ours["inputs"]
    dct = run(dirs, a.processes, True)
    full = run(dirs, a.processes, False)
    mine = ours["ingest"]["images_per_s"]
    ours["pil_dct_scaled"] = dct
    ours["pil_full_decode"] = full
    ours["ratio_vs_pil_dct_scaled"] = round(mine / dct["images_per_s"], 3)
    ours["ratio_vs_pil_full_decode"] = round(mine / full["images_per_s"], 3)
    if "ingest_rerun" in ours:
        ours["rerun_ratio_vs_pil_dct_scaled"] = round(ours["ingest_rerun"]["images_per_s"] / dct["images_per_s"], 3)
    print(json.dumps(ours, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

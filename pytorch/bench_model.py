#!/usr/bin/python3
"""The PyTorch side of `jobs/bench.sh model --peer`: the same work as ModelBench, in PyTorch.

Prints one JSON object with the same keys as the Java side. Usage:
    /usr/bin/python3 pytorch/bench_model.py [--threads N] [--quick] [--steps K]
    /usr/bin/python3 pytorch/bench_model.py --merge JAVA.json PEER.json   (the combined report with ratios)

The work: generator forward passes in inference mode (torch.no_grad), a pretraining step and an
adversarial step (batch 4, 256x256, full-size networks, random VGG19) as animegan_ref.Steps defines
them: VGG19 frozen (requires_grad False, photo and gray features under no_grad), the D step on a
fake made under no_grad, D's parameters frozen during the G step. Each figure is the median of
--steps timed runs after one warm-up.
"""
import argparse
import json
import os
import resource
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import animegan_ref as ref  # noqa: E402


def median_time(fn, reps, warmup=1):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


TIMED = ["generator_forward_256_b1", "generator_forward_256_b4", "generator_forward_512_b1", "generator_forward_512_b4",
         "pretrain_step_b4_256_seconds", "adversarial_step_b4_256_seconds",
         "pretrain_step_b4_128_seconds", "adversarial_step_b4_128_seconds"]


def seconds(report, key):
    v = report.get(key)
    if isinstance(v, dict):
        v = v.get("seconds_per_batch")
    return v


def merge(java_file, peer_file):
    """The Java report with the peer's figures beside it and speed ratios (peer time / our time: > 1 means faster)."""
    with open(java_file) as f:
        ours = json.load(f)
    with open(peer_file) as f:
        peer = json.load(f)
    ratios = {}
    for key in TIMED:
        a, b = seconds(ours, key), seconds(peer, key)
        if a and b:
            ratios[key.replace("_seconds", "")] = round(b / a, 3)
    if ours.get("peak_rss_mb") and peer.get("peak_rss_mb"):
        ratios["peak_rss_peer_over_ours"] = round(peer["peak_rss_mb"] / ours["peak_rss_mb"], 3)
    ours["peer"] = peer
    ours["speed_ratio_vs_peer"] = ratios
    return ours


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--merge":
        print(json.dumps(merge(sys.argv[2], sys.argv[3]), indent=2))
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--only", default="all", help="all | forward | train")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    report = {"benchmark": "model", "side": "pytorch", "torch": torch.__version__, "threads": torch.get_num_threads()}
    if a.only in ("all", "forward"):
        g = ref.Generator().eval()
        sizes = [256] if a.quick else [256, 512]
        for size in sizes:
            for batch in (1, 4):
                x = torch.rand(batch, 3, size, size) * 2 - 1
                reps = 1 if a.quick else (6 if size == 256 else 3)
                with torch.no_grad():
                    sec, _ = median_time(lambda: g(x), reps)
                report["generator_forward_%d_b%d" % (size, batch)] = {
                    "seconds_per_batch": round(sec, 3), "images_per_s": round(batch / sec, 3)}
        del g
    if a.only in ("all", "train"):
        tile = 128 if a.quick else 256
        g, d, vgg = ref.Generator(), ref.Discriminator(), ref.Vgg19Features()
        steps = ref.Steps(g, d, vgg, ref.LossWeights())
        photo = torch.rand(4, 3, tile, tile) * 2 - 1
        anime = torch.rand(4, 3, tile, tile) * 2 - 1
        gray, smooth = anime.clone(), anime * 0.9
        sec, times = median_time(lambda: steps.pretrain(photo), a.steps)
        report["pretrain_step_b4_%d_seconds" % tile] = round(sec, 3)
        report["pretrain_step_b4_%d_all" % tile] = [round(t, 3) for t in times]
        dsec, _ = median_time(lambda: steps.discriminator(photo, anime, gray, smooth), a.steps)
        gsec, _ = median_time(lambda: steps.generator(photo, gray), a.steps)
        sec, times = median_time(lambda: steps.adversarial(photo, anime, gray, smooth), a.steps)
        report["adversarial_step_b4_%d_seconds" % tile] = round(sec, 3)
        report["adversarial_step_b4_%d_all" % tile] = [round(t, 3) for t in times]
        report["discriminator_step_b4_%d_seconds" % tile] = round(dsec, 3)
        report["generator_step_b4_%d_seconds" % tile] = round(gsec, 3)
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

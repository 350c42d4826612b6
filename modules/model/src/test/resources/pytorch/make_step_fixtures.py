#!/usr/bin/python3
"""Regenerates the fixtures of PyTorchStepEquivalenceTest: K = 3 pretraining steps, then K = 3
adversarial steps (D step, then G step) of pytorch/animegan_ref.py's Steps on one worker.

    cd modules/model/src/test/resources/pytorch && /usr/bin/python3 make_step_fixtures.py

Writes steps/: g0.pt and d0.pt (the initial generator, base 4, and discriminator, ch 8, 1 stage,
every tensor seeded random), photo_k/anime_k/gray_k/smooth_k.npy (the six minibatches, 2 x 3 x 16
x 16 in [-1, 1]), g1.pt and d1.pt (after the six steps), losses.json (every step's terms); and for
two workers averaging every minibatch: w1_photo_k/... (worker 1's minibatches; worker 0 has the
ones above), g2.pt and d2.pt: two replicas that start each step from the average of both (G, D and
every Adam moment averaged, as dl4j-spark's parameter averaging with saveUpdater does). The
VGG19 (full width, to block4_conv4) is not stored: both sides compute the same weights from a
portable generator (splitmix64 of (layer << 33 | part << 32 | index), He-uniform kernels in Keras'
[3, 3, in, out] order, biases uniform in +-0.01); the Java test writes them to a Keras-layout .h5.
Needs Debian's python3-torch and python3-numpy.
"""
import copy
import json
import math
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "..", "..", "..", "pytorch"))
import animegan_ref as ref  # noqa: E402

OUT = os.path.join(HERE, "steps")
K = 3


def splitmix64(x):
    z = x + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def portable_uniform(layer, part, n):
    """n values in [-1, 1): 2 * u - 1 with u the top 24 bits of splitmix64 (exact in float64)."""
    idx = (np.uint64(layer) << np.uint64(33)) | (np.uint64(part) << np.uint64(32)) | np.arange(n, dtype=np.uint64)
    u = (splitmix64(idx) >> np.uint64(40)).astype(np.float64) / float(1 << 24)
    return 2.0 * u - 1.0


def portable_vgg():
    vgg = ref.Vgg19Features()
    with torch.no_grad():
        for i, (name, cin, cout, _) in enumerate(ref.VGG_CONVS):
            k = (portable_uniform(i, 0, 9 * cin * cout) * math.sqrt(6.0 / (9 * cin))).astype(np.float32)
            b = (portable_uniform(i, 1, cout) * 0.01).astype(np.float32)
            vgg.convs[name].weight.copy_(torch.from_numpy(k.reshape(3, 3, cin, cout).transpose(3, 2, 0, 1).copy()))
            vgg.convs[name].bias.copy_(torch.from_numpy(b))
    return vgg


def randomise(module, scale):
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape) * scale)
        for name, p in module.named_parameters():
            if name.endswith("2.weight") or name.endswith("layers.3.weight") or "norm" in name and name.endswith("weight"):
                p.add_(1.0)  # norm scales near 1


def main():
    torch.manual_seed(1234)
    os.makedirs(OUT, exist_ok=True)
    g = ref.Generator(base=4)
    d = ref.Discriminator(ch=8, stages=1)
    randomise(g, 0.2)
    randomise(d, 0.2)
    torch.save(g.state_dict(), os.path.join(OUT, "g0.pt"))
    torch.save(d.state_dict(), os.path.join(OUT, "d0.pt"))
    g0 = copy.deepcopy(g)
    d0 = copy.deepcopy(d)
    batches = make_batches("")
    vgg = portable_vgg()
    steps = ref.Steps(g, d, vgg, ref.LossWeights())
    losses = []
    for k in range(K):
        losses.append({"step": "pretrain", **steps.pretrain(batches[k]["photo"])})
    for k in range(K, 2 * K):
        b = batches[k]
        losses.append({"step": "train", **steps.adversarial(b["photo"], b["anime"], b["gray"], b["smooth"])})
    torch.save(g.state_dict(), os.path.join(OUT, "g1.pt"))
    torch.save(d.state_dict(), os.path.join(OUT, "d1.pt"))
    with open(os.path.join(OUT, "losses.json"), "w") as f:
        json.dump(losses, f, indent=1)
    for l in losses:
        print(l)
    two_workers(g0, d0, vgg, batches, make_batches("w1_"))


def make_batches(prefix):
    batches = []
    for k in range(2 * K):
        b = {n: (torch.rand(2, 3, 16, 16) * 2 - 1) for n in ("photo", "anime")}
        b["gray"] = b["anime"].mean(dim=1, keepdim=True).repeat(1, 3, 1, 1)
        b["smooth"] = torch.nn.functional.avg_pool2d(torch.nn.functional.pad(b["anime"], (1, 1, 1, 1), mode="reflect"), 3, 1)
        for n, t in b.items():
            np.save(os.path.join(OUT, "%s%s_%d.npy" % (prefix, n, k)), t.numpy().astype(np.float32))
        batches.append(b)
    return batches


def average(a, b):
    """Replica b takes the mean of both replicas' networks and Adam moments; a gets the same."""
    with torch.no_grad():
        for net_a, net_b in ((a.g, b.g), (a.d, b.d)):
            for pa, pb in zip(net_a.parameters(), net_b.parameters()):
                m = (pa + pb) / 2
                pa.copy_(m)
                pb.copy_(m)
        for oa, ob in ((a.opt_pre, b.opt_pre), (a.opt_g, b.opt_g), (a.opt_d, b.opt_d)):
            for xa, xb in zip(oa.m + oa.v, ob.m + ob.v):
                m = (xa + xb) / 2
                xa.copy_(m)
                xb.copy_(m)


def two_workers(g0, d0, vgg, w0, w1):
    reps = [ref.Steps(copy.deepcopy(g0), copy.deepcopy(d0), vgg, ref.LossWeights()) for _ in range(2)]
    for k in range(K):
        for r, batches in zip(reps, (w0, w1)):
            r.pretrain(batches[k]["photo"])
        average(*reps)
    for k in range(K, 2 * K):
        for r, batches in zip(reps, (w0, w1)):
            b = batches[k]
            r.adversarial(b["photo"], b["anime"], b["gray"], b["smooth"])
        average(*reps)
    torch.save(reps[0].g.state_dict(), os.path.join(OUT, "g2.pt"))
    torch.save(reps[0].d.state_dict(), os.path.join(OUT, "d2.pt"))


if __name__ == "__main__":
    main()

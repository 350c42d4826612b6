#!/usr/bin/python3
"""PyTorch-side check of animegan-spark's exported state dicts (run by the model module's tests).

    /usr/bin/python3 pytorch/check_export.py generator FILE.pt INPUT.npy OUTPUT.npy
    /usr/bin/python3 pytorch/check_export.py discriminator FILE.pt INPUT.npy OUTPUT.npy

Loads FILE.pt with torch.load, builds the module of animegan_ref.py with the shape the file implies
(Generator(base) has animegan2-pytorch's keys; Discriminator(ch, stages) the project's documented
layout), loads the state dict with load_state_dict(strict=True) (which fails on any missing,
unexpected or wrongly shaped key), requires every tensor to be float32, runs the module on the NCHW
float32 INPUT.npy and saves its output to OUTPUT.npy. Prints one JSON line: keys, parameters and the
module's constructor arguments. Needs Debian's python3-torch and python3-numpy.
"""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from animegan_ref import Discriminator, Generator  # noqa: E402


def main(kind, pt, inp, out):
    state = torch.load(pt, map_location="cpu")
    bad = [k for k, v in state.items() if v.dtype != torch.float32]
    if bad:
        raise SystemExit("not float32: %s" % bad)
    if kind == "generator":
        args = {"base": int(state["block_a.0.1.weight"].shape[0])}
        module = Generator(**args)
    elif kind == "discriminator":
        stages = 0
        while "conv_s2_%d.weight" % (stages + 1) in state:
            stages += 1
        args = {"ch": int(state["conv_0.weight"].shape[0]) * 2, "stages": stages}
        module = Discriminator(**args)
    else:
        raise SystemExit("unknown kind " + kind)
    module.load_state_dict(state, strict=True)
    module.eval()
    with torch.no_grad():
        y = module(torch.from_numpy(np.load(inp)))
    np.save(out, y.numpy().astype(np.float32))
    print(json.dumps({"keys": len(state), "parameters": int(sum(v.numel() for v in state.values())), "args": args}))


if __name__ == "__main__":
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])

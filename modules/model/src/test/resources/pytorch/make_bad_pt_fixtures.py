#!/usr/bin/python3
"""Regenerates the small wrong .pt files of the driver-side model checks (ModelFilesTest).

Needs Debian's python3-torch (1.13):
    cd modules/model/src/test/resources/pytorch && /usr/bin/python3 make_bad_pt_fixtures.py

* other_architecture.pt: the state dict of a small convolutional classifier (not AnimeGANv2);
* animegan_incomplete.pt: the first block of an AnimeGANv2 generator only, with one weight of the
  wrong shape (a state dict saved from an edited or half-converted model).
"""
import torch
import torch.nn as nn

from make_pt_fixture import Generator

torch.manual_seed(3)
other = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), nn.Conv2d(8, 16, 3), nn.ReLU(), nn.Flatten(), nn.Linear(16, 10))
torch.save(other.state_dict(), "other_architecture.pt")

g = Generator().state_dict()
part = {k: v for k, v in g.items() if k.startswith("block_a.")}
part["block_a.1.1.weight"] = torch.zeros(64, 32, 5, 5)
torch.save(part, "animegan_incomplete.pt")

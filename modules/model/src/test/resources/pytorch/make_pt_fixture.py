#!/usr/bin/python3
"""Regenerates the PyTorch golden fixture of animegan-model's weight-import test.

Needs Debian's python3-torch (1.13) and python3-numpy:
    apt-get install python3-torch python3-numpy
    cd modules/model/src/test/resources/pytorch && /usr/bin/python3 make_pt_fixture.py

It defines the public AnimeGANv2 generator architecture (as in animegan2-pytorch's model.py), fills
it with seeded random weights (GroupNorm affine parameters too, so they matter), saves the state
dict the way those published .pt files are saved (torch.save, zip format), and records the output
for a fixed input. The Java import must reproduce that output to 1e-4.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class ConvNormLReLU(nn.Sequential):
    def __init__(self, in_ch, out_ch, kernel_size=3, stride=1, padding=1, groups=1, bias=False):
        super().__init__(
            nn.ReflectionPad2d(padding),
            nn.Conv2d(in_ch, out_ch, kernel_size=kernel_size, stride=stride, padding=0, groups=groups, bias=bias),
            nn.GroupNorm(num_groups=1, num_channels=out_ch, affine=True),
            nn.LeakyReLU(0.2, inplace=True),
        )


class InvertedResBlock(nn.Module):
    def __init__(self, in_ch, out_ch, expansion_ratio=2):
        super().__init__()
        self.use_res_connect = in_ch == out_ch
        bottleneck = int(round(in_ch * expansion_ratio))
        self.layers = nn.Sequential(
            ConvNormLReLU(in_ch, bottleneck, kernel_size=1, padding=0),
            ConvNormLReLU(bottleneck, bottleneck, groups=bottleneck, bias=True),
            nn.Conv2d(bottleneck, out_ch, kernel_size=1, padding=0, bias=False),
            nn.GroupNorm(num_groups=1, num_channels=out_ch, affine=True),
        )

    def forward(self, x):
        out = self.layers(x)
        return x + out if self.use_res_connect else out


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.block_a = nn.Sequential(
            ConvNormLReLU(3, 32, kernel_size=7, padding=3),
            ConvNormLReLU(32, 64, stride=2, padding=(0, 1, 0, 1)),
            ConvNormLReLU(64, 64))
        self.block_b = nn.Sequential(
            ConvNormLReLU(64, 128, stride=2, padding=(0, 1, 0, 1)),
            ConvNormLReLU(128, 128))
        self.block_c = nn.Sequential(
            ConvNormLReLU(128, 128),
            InvertedResBlock(128, 256, 2),
            InvertedResBlock(256, 256, 2),
            InvertedResBlock(256, 256, 2),
            InvertedResBlock(256, 256, 2),
            ConvNormLReLU(256, 128))
        self.block_d = nn.Sequential(ConvNormLReLU(128, 128), ConvNormLReLU(128, 128))
        self.block_e = nn.Sequential(
            ConvNormLReLU(128, 64),
            ConvNormLReLU(64, 64),
            ConvNormLReLU(64, 32, kernel_size=7, padding=3))
        self.out_layer = nn.Sequential(nn.Conv2d(32, 3, kernel_size=1, stride=1, padding=0, bias=False), nn.Tanh())

    def forward(self, x):
        out = self.block_a(x)
        half_size = out.size()[-2:]
        out = self.block_b(out)
        out = self.block_c(out)
        out = F.interpolate(out, half_size, mode="bilinear", align_corners=True)
        out = self.block_d(out)
        out = F.interpolate(out, x.size()[-2:], mode="bilinear", align_corners=True)
        out = self.block_e(out)
        return self.out_layer(out)


def main():
    torch.manual_seed(2024)
    g = Generator().eval()
    with torch.no_grad():
        for m in g.modules():
            if isinstance(m, nn.GroupNorm):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
            if isinstance(m, nn.Conv2d) and m.bias is not None:
                m.bias.uniform_(-0.1, 0.1)
    print("parameters:", sum(p.numel() for p in g.parameters()))
    torch.save(g.state_dict(), "animeganv2_seeded.pt")

    x = torch.rand(2, 3, 30, 44, generator=torch.Generator().manual_seed(7)) * 2 - 1
    with torch.no_grad():
        y = g(x)
    np.save("input.npy", x.numpy().astype(np.float32))
    np.save("output.npy", y.numpy().astype(np.float32))
    print("output", tuple(y.shape), float(y.abs().mean()))


if __name__ == "__main__":
    main()

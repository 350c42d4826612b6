"""A PyTorch reference implementation of animegan-spark's networks, losses and training steps.

Written for this project (not copied from any AnimeGAN code base) so that the Java/DL4J side can be
compared against PyTorch number for number and second for second:

* ``Generator``: the public AnimeGANv2 generator (animegan2-pytorch's architecture and state-dict keys);
* ``Discriminator``: the project's PatchDiscriminator (AnimeGAN's D_net, layer norm = GroupNorm(1),
  no biases, stride-2 convolutions padded on the top and left only);
* ``Vgg19Features``: VGG19 up to block4_conv4 before its ReLU, Caffe preprocessing, Keras layer names;
* the loss terms exactly as ``TrainingGraphs`` defines them, and DL4J's Adam update rule;
* ``Steps``: a pretraining step and an adversarial step (D step on a fake made without gradients,
  then a G step), with PyTorch practice for frozen networks.

Needs Debian's python3-torch (1.13) and python3-numpy; run with /usr/bin/python3.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

# ---------------------------------------------------------------- generator (AnimeGANv2)


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
    """AnimeGANv2's generator; ``base`` 32 is the published width (2,143,552 parameters)."""

    def __init__(self, base=32):
        super().__init__()
        c1, c2, c4, c8 = base, 2 * base, 4 * base, 8 * base
        self.block_a = nn.Sequential(
            ConvNormLReLU(3, c1, kernel_size=7, padding=3),
            ConvNormLReLU(c1, c2, stride=2, padding=(0, 1, 0, 1)),
            ConvNormLReLU(c2, c2))
        self.block_b = nn.Sequential(
            ConvNormLReLU(c2, c4, stride=2, padding=(0, 1, 0, 1)),
            ConvNormLReLU(c4, c4))
        self.block_c = nn.Sequential(
            ConvNormLReLU(c4, c4),
            InvertedResBlock(c4, c8, 2),
            InvertedResBlock(c8, c8, 2),
            InvertedResBlock(c8, c8, 2),
            InvertedResBlock(c8, c8, 2),
            ConvNormLReLU(c8, c4))
        self.block_d = nn.Sequential(ConvNormLReLU(c4, c4), ConvNormLReLU(c4, c4))
        self.block_e = nn.Sequential(
            ConvNormLReLU(c4, c2),
            ConvNormLReLU(c2, c2),
            ConvNormLReLU(c2, c1, kernel_size=7, padding=3))
        self.out_layer = nn.Sequential(nn.Conv2d(c1, 3, kernel_size=1, stride=1, padding=0, bias=False), nn.Tanh())

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


# ---------------------------------------------------------------- discriminator


class Discriminator(nn.Module):
    """The project's PatchDiscriminator(ch, stages); state-dict keys are the DL4J layer names with
    '.' for the parameter: ``conv_0.weight``, ``conv_s2_1.weight``, ``norm_1.weight``/``bias``, ...,
    ``last_conv.weight``, ``last_norm.weight``/``bias``, ``D_logit.weight``."""

    def __init__(self, ch=64, stages=2):
        super().__init__()
        self.stages = stages
        channel = ch // 2
        self.conv_0 = nn.Conv2d(3, channel, 3, bias=False)
        in_ch = channel
        for i in range(1, stages + 1):
            setattr(self, "conv_s2_%d" % i, nn.Conv2d(in_ch, channel * 2, 3, stride=2, bias=False))
            setattr(self, "conv_s1_%d" % i, nn.Conv2d(channel * 2, channel * 4, 3, bias=False))
            setattr(self, "norm_%d" % i, nn.GroupNorm(1, channel * 4, affine=True))
            in_ch = channel * 4
            channel *= 2
        self.last_conv = nn.Conv2d(in_ch, channel * 2, 3, bias=False)
        self.last_norm = nn.GroupNorm(1, channel * 2, affine=True)
        self.D_logit = nn.Conv2d(channel * 2, 1, 3, bias=False)

    def forward(self, x):
        x = F.leaky_relu(self.conv_0(F.pad(x, (1, 1, 1, 1))), 0.2)
        for i in range(1, self.stages + 1):
            x = F.leaky_relu(getattr(self, "conv_s2_%d" % i)(F.pad(x, (1, 0, 1, 0))), 0.2)
            x = getattr(self, "conv_s1_%d" % i)(F.pad(x, (1, 1, 1, 1)))
            x = F.leaky_relu(getattr(self, "norm_%d" % i)(x), 0.2)
        x = F.leaky_relu(self.last_norm(self.last_conv(F.pad(x, (1, 1, 1, 1)))), 0.2)
        return self.D_logit(F.pad(x, (1, 1, 1, 1)))


# ---------------------------------------------------------------- VGG19 features

VGG_CONVS = [("block1_conv1", 3, 64, False), ("block1_conv2", 64, 64, True),
             ("block2_conv1", 64, 128, False), ("block2_conv2", 128, 128, True),
             ("block3_conv1", 128, 256, False), ("block3_conv2", 256, 256, False),
             ("block3_conv3", 256, 256, False), ("block3_conv4", 256, 256, True),
             ("block4_conv1", 256, 512, False), ("block4_conv2", 512, 512, False),
             ("block4_conv3", 512, 512, False), ("block4_conv4", 512, 512, False)]
BGR_MEAN = (103.939, 116.779, 123.68)


class Vgg19Features(nn.Module):
    """VGG19 to block4_conv4 before its ReLU; input [-1, 1] RGB, Caffe preprocessing inside."""

    def __init__(self, width_divisor=1):
        super().__init__()
        self.convs = nn.ModuleDict()
        self.pool_after = {}
        for name, cin, cout, pool in VGG_CONVS:
            nin = 3 if cin == 3 else max(1, cin // width_divisor)
            self.convs[name] = nn.Conv2d(nin, max(1, cout // width_divisor), 3, padding=1)
            self.pool_after[name] = pool
        self.register_buffer("mean", torch.tensor(BGR_MEAN).view(1, 3, 1, 1), persistent=False)

    def forward(self, x):
        x = (x.flip(1) + 1.0) * 127.5 - self.mean
        last = VGG_CONVS[-1][0]
        for name, _, _, _ in VGG_CONVS:
            x = self.convs[name](x)
            if name != last:
                x = F.relu(x)
            if self.pool_after[name]:
                x = F.max_pool2d(x, 2, 2)
        return x


# ---------------------------------------------------------------- losses (as TrainingGraphs defines them)

YUV = torch.tensor([[0.299, 0.587, 0.114],
                    [-0.14714119, -0.28886916, 0.43601035],
                    [0.61497538, -0.51496512, -0.10001026]])


def gram(f):
    n, c, h, w = f.shape
    f = f.reshape(n, c, h * w)
    return torch.bmm(f, f.transpose(1, 2)) / (c * h * w)


def rgb_to_yuv(x):
    return torch.einsum("ck,nkhw->nchw", YUV.to(x.dtype), (x + 1.0) / 2.0)


def huber(r, delta=1.0):
    a = r.abs()
    return torch.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta))


def total_variation(x):
    dh = x[:, :, :-1, :] - x[:, :, 1:, :]
    dw = x[:, :, :, :-1] - x[:, :, :, 1:]
    return 0.5 * (dh * dh).mean() + 0.5 * (dw * dw).mean()


def color_loss(photo, fake):
    p, f = rgb_to_yuv(photo), rgb_to_yuv(fake)
    return (p[:, 0] - f[:, 0]).abs().mean() + huber(p[:, 1] - f[:, 1]).mean() + huber(p[:, 2] - f[:, 2]).mean()


class LossWeights:
    def __init__(self, adv=300.0, con=1.5, gra=3.0, col=10.0, tv=0.0, real=1.2, fake=1.2, gray=1.2, smooth=0.8):
        self.adv, self.con, self.gra, self.col, self.tv = adv, con, gra, col, tv
        self.real, self.fake, self.gray, self.smooth = real, fake, gray, smooth


# ---------------------------------------------------------------- DL4J's Adam


class Dl4jAdam:
    """DL4J's Adam (AdamUpdater): m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
    p -= lr * sqrt(1-b2^t) / (1-b1^t) * m / (sqrt(v) + eps)."""

    def __init__(self, params, lr, beta1, beta2, eps=1e-8):
        self.params = [p for p in params]
        self.lr, self.b1, self.b2, self.eps = lr, beta1, beta2, eps
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        self.t = 0

    @torch.no_grad()
    def step(self):
        self.t += 1
        alpha = self.lr * (1 - self.b2 ** self.t) ** 0.5 / (1 - self.b1 ** self.t)
        for p, m, v in zip(self.params, self.m, self.v):
            g = p.grad
            m.mul_(self.b1).add_(g, alpha=1 - self.b1)
            v.mul_(self.b2).addcmul_(g, g, value=1 - self.b2)
            p.sub_(alpha * m / (v.sqrt() + self.eps))

    def zero_grad(self):
        for p in self.params:
            p.grad = None


# ---------------------------------------------------------------- training steps


class Steps:
    """The project's pretraining and adversarial steps over (G, D, VGG)."""

    def __init__(self, g, d, vgg, weights, pretrain_lr=1e-4, g_lr=8e-5, d_lr=1.6e-4, beta1=0.5, beta2=0.999):
        self.g, self.d, self.vgg, self.w = g, d, vgg, weights
        for p in vgg.parameters():
            p.requires_grad_(False)
        self.opt_pre = Dl4jAdam(g.parameters(), pretrain_lr, beta1, beta2)
        self.opt_g = Dl4jAdam(g.parameters(), g_lr, beta1, beta2)
        self.opt_d = Dl4jAdam(d.parameters(), d_lr, beta1, beta2)

    def pretrain(self, photo):
        self.opt_pre.zero_grad()
        with torch.no_grad():
            target = self.vgg(photo)
        fake = self.g(photo)
        con = (self.vgg(fake) - target).abs().mean()
        loss = self.w.con * con
        loss.backward()
        self.opt_pre.step()
        return {"g.con": con.item(), "g.total": loss.item()}

    def discriminator(self, photo, anime, gray, smooth):
        with torch.no_grad():
            fake = self.g(photo)
        for p in self.d.parameters():
            p.requires_grad_(True)
        self.opt_d.zero_grad()
        w = self.w
        real = ((self.d(anime) - 1.0) ** 2).mean()
        fk = (self.d(fake) ** 2).mean()
        gr = (self.d(gray) ** 2).mean()
        sm = (self.d(smooth) ** 2).mean()
        loss = w.adv * (w.real * real + w.fake * fk + w.gray * gr + w.smooth * sm)
        loss.backward()
        self.opt_d.step()
        return {"d.real": real.item(), "d.fake": fk.item(), "d.gray": gr.item(), "d.smooth": sm.item(),
                "d.total": loss.item()}

    def generator(self, photo, gray):
        for p in self.d.parameters():
            p.requires_grad_(False)
        self.opt_g.zero_grad()
        w = self.w
        with torch.no_grad():
            photo_feat = self.vgg(photo)
            gray_gram = gram(self.vgg(gray))
        fake = self.g(photo)
        adv = ((self.d(fake) - 1.0) ** 2).mean()
        fake_feat = self.vgg(fake)
        con = (fake_feat - photo_feat).abs().mean()
        gra = (gram(fake_feat) - gray_gram).abs().mean()
        col = color_loss(photo, fake)
        tv = total_variation(fake)
        loss = w.adv * adv + w.con * con + w.gra * gra + w.col * col + w.tv * tv
        loss.backward()
        self.opt_g.step()
        return {"g.adv": adv.item(), "g.con": con.item(), "g.gra": gra.item(), "g.col": col.item(), "g.tv": tv.item(),
                "g.total": loss.item()}

    def adversarial(self, photo, anime, gray, smooth):
        out = self.discriminator(photo, anime, gray, smooth)
        out.update(self.generator(photo, gray))
        return out

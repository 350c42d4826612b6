package dev.animegan.model.engine;

import java.util.LinkedHashMap;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * AnimeGAN's patch discriminator on the engine: a 3x3 conv to ch/2 channels and LeakyReLU(0.2);
 * per stage a stride-2 3x3 conv (zero padding on the top and left only, as AnimeGAN pads stride-2
 * kernels), LeakyReLU, a 3x3 conv, layer normalisation (GroupNorm(1) with a per-channel affine),
 * LeakyReLU; then a 3x3 conv, layer normalisation, LeakyReLU and a 3x3 conv to one channel of raw
 * patch scores. No biases. Parameters: {@code conv_0.weight}, {@code conv_s2_1.weight},
 * {@code conv_s1_1.weight}, {@code norm_1.weight}/{@code .bias}, ..., {@code last_conv.weight},
 * {@code last_norm.weight}/{@code .bias}, {@code D_logit.weight}.
 *
 * @param ch width (64 = AnimeGAN)
 * @param stages stride-2 stages (2 = AnimeGAN: patch map = input / 4)
 */
public final class DiscriminatorNet extends Net {
  private final int ch;
  private final int stages;
  private final LinkedHashMap<String, long[]> shapes = new LinkedHashMap<>();

  public DiscriminatorNet(int ch, int stages) {
    super("D");
    if (ch < 2 || ch % 2 != 0) {
      throw new IllegalArgumentException("discriminator width must be an even number >= 2, got " + ch);
    }
    if (stages < 0 || stages > 6) {
      throw new IllegalArgumentException("discriminator stages must be from 0 to 6, got " + stages);
    }
    this.ch = ch;
    this.stages = stages;
    int channel = ch / 2;
    shapes.put("conv_0.weight", new long[] {channel, 3, 3, 3});
    int in = channel;
    for (int i = 1; i <= stages; i++) {
      shapes.put("conv_s2_" + i + ".weight", new long[] {channel * 2, in, 3, 3});
      shapes.put("conv_s1_" + i + ".weight", new long[] {channel * 4, channel * 2, 3, 3});
      shapes.put("norm_" + i + ".weight", new long[] {channel * 4});
      shapes.put("norm_" + i + ".bias", new long[] {channel * 4});
      in = channel * 4;
      channel *= 2;
    }
    shapes.put("last_conv.weight", new long[] {channel * 2, in, 3, 3});
    shapes.put("last_norm.weight", new long[] {channel * 2});
    shapes.put("last_norm.bias", new long[] {channel * 2});
    shapes.put("D_logit.weight", new long[] {1, channel * 2, 3, 3});
  }

  public static DiscriminatorNet standard() {
    return new DiscriminatorNet(64, 2);
  }

  public int width() {
    return ch;
  }

  public int stages() {
    return stages;
  }

  @Override
  public LinkedHashMap<String, long[]> paramShapes() {
    return shapes;
  }

  @Override
  protected boolean isNormScale(String key) {
    return key.startsWith("norm_") && key.endsWith(".weight") || key.equals("last_norm.weight");
  }

  @Override
  protected INDArray run(Pass p, INDArray x) {
    int channel = ch / 2;
    INDArray h = p.conv("conv_0", x, channel, 3, 1, 1, 1, 1, 1, false, false, Kernels.Act.LRELU);
    for (int i = 1; i <= stages; i++) {
      h = p.conv("conv_s2_" + i, h, channel * 2L, 3, 2, 1, 1, 0, 0, false, false, Kernels.Act.LRELU);
      h = p.conv("conv_s1_" + i, h, channel * 4L, 3, 1, 1, 1, 1, 1, false, false, Kernels.Act.NONE);
      h = p.groupNorm("norm_" + i, h, true);
      channel *= 2;
    }
    h = p.conv("last_conv", h, channel * 2L, 3, 1, 1, 1, 1, 1, false, false, Kernels.Act.NONE);
    h = p.groupNorm("last_norm", h, true);
    return p.conv("D_logit", h, 1, 3, 1, 1, 1, 1, 1, false, false, Kernels.Act.NONE);
  }
}

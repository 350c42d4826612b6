package dev.animegan.model.engine;

import java.util.LinkedHashMap;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The perceptual network of AnimeGAN's losses on the engine: VGG19 up to {@code block4_conv4} before
 * its ReLU, fed [-1, 1] RGB through Caffe preprocessing (BGR, 0..255, ImageNet mean subtracted),
 * as Keras' VGG19 weights expect. 3x3 convolutions with zero padding 1 and a fused ReLU, 2x2 max
 * pooling after blocks 1 to 3. Parameters: {@code block1_conv1.weight} [64, 3, 3, 3],
 * {@code block1_conv1.bias} [64], ... (Keras' layer names, PyTorch's layout). Always frozen: it
 * computes input gradients only.
 *
 * @param widthDivisor 1 for VGG19 (needed to load its weights); larger values give narrow random stand-ins
 */
public final class VggNet extends Net {
  /** One convolution: Keras name, full-width input and output channels, pooling after it. */
  public record Conv(String name, int in, int out, boolean poolAfter) {}

  public static final List<Conv> CONVS = List.of(
      new Conv("block1_conv1", 3, 64, false), new Conv("block1_conv2", 64, 64, true),
      new Conv("block2_conv1", 64, 128, false), new Conv("block2_conv2", 128, 128, true),
      new Conv("block3_conv1", 128, 256, false), new Conv("block3_conv2", 256, 256, false),
      new Conv("block3_conv3", 256, 256, false), new Conv("block3_conv4", 256, 256, true),
      new Conv("block4_conv1", 256, 512, false), new Conv("block4_conv2", 512, 512, false),
      new Conv("block4_conv3", 512, 512, false), new Conv("block4_conv4", 512, 512, false));
  /** ImageNet mean in B, G, R order (Caffe / Keras VGG preprocessing). */
  public static final double[] BGR_MEAN = {103.939, 116.779, 123.68};

  private final int divisor;
  private final LinkedHashMap<String, long[]> shapes = new LinkedHashMap<>();

  public VggNet(int widthDivisor) {
    super("VGG");
    if (widthDivisor < 1) {
      throw new IllegalArgumentException("VGG width divisor must be >= 1, got " + widthDivisor);
    }
    this.divisor = widthDivisor;
    for (Conv c : CONVS) {
      shapes.put(c.name() + ".weight", new long[] {channels(c.out()), c.in() == 3 ? 3 : channels(c.in()), 3, 3});
      shapes.put(c.name() + ".bias", new long[] {channels(c.out())});
    }
  }

  public int widthDivisor() {
    return divisor;
  }

  private int channels(int full) {
    return Math.max(1, full / divisor);
  }

  /** Channels of the output features. */
  public int outputChannels() {
    return channels(512);
  }

  @Override
  public LinkedHashMap<String, long[]> paramShapes() {
    return shapes;
  }

  @Override
  protected boolean isNormScale(String key) {
    return false;
  }

  @Override
  protected INDArray run(Pass p, INDArray x) {
    // out_c = 127.5 * x_(2-c) + 127.5 - mean_c: RGB in [-1, 1] to Caffe's BGR in 0..255 minus the mean.
    double[][] m = {{0, 0, 127.5}, {0, 127.5, 0}, {127.5, 0, 0}};
    double[] offset = {127.5 - BGR_MEAN[0], 127.5 - BGR_MEAN[1], 127.5 - BGR_MEAN[2]};
    INDArray h = p.pixelLinear("preprocess", x, m, offset);
    for (int i = 0; i < CONVS.size(); i++) {
      Conv c = CONVS.get(i);
      boolean last = i == CONVS.size() - 1;
      h = p.conv(c.name(), h, channels(c.out()), 3, 1, 1, 1, 1, 1, false, true, last ? Kernels.Act.NONE : Kernels.Act.RELU);
      if (c.poolAfter()) {
        h = p.maxPool2(c.name().substring(0, 6) + "_pool", h);
      }
    }
    return h;
  }
}

package dev.animegan.model.engine;

import java.util.LinkedHashMap;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The AnimeGANv2 generator (the public animegan2-pytorch architecture) on the engine. Parameters
 * have exactly the PyTorch state dict's names and shapes ({@code block_a.0.1.weight} [32, 3, 7, 7],
 * {@code block_c.1.layers.1.1.weight} [256, 1, 3, 3], ...), 2,143,552 of them at {@code base = 32}.
 * Any height and width of at least 8: the stride-2 stages reflect-pad right and bottom by one pixel
 * (PyTorch's floor rule drops what the windows do not reach), and two align-corners bilinear
 * resizes bring the maps back to block_a's and the input's size. Input and output in [-1, 1].
 *
 * @param base channels of the first stage (32 = AnimeGANv2; smaller for tiny tests)
 */
public final class GeneratorNet extends Net {
  public static final int PARAMS_AT_BASE_32 = 2_143_552;
  private final int base;
  private final LinkedHashMap<String, long[]> shapes = new LinkedHashMap<>();

  public GeneratorNet(int base) {
    super("G");
    if (base < 1) {
      throw new IllegalArgumentException("generator base width must be >= 1, got " + base);
    }
    this.base = base;
    int c1 = base;
    int c2 = 2 * base;
    int c4 = 4 * base;
    int c8 = 8 * base;
    cnlShapes("block_a.0", 3, c1, 7, false, false);
    cnlShapes("block_a.1", c1, c2, 3, false, false);
    cnlShapes("block_a.2", c2, c2, 3, false, false);
    cnlShapes("block_b.0", c2, c4, 3, false, false);
    cnlShapes("block_b.1", c4, c4, 3, false, false);
    cnlShapes("block_c.0", c4, c4, 3, false, false);
    irbShapes("block_c.1", c4, c8);
    irbShapes("block_c.2", c8, c8);
    irbShapes("block_c.3", c8, c8);
    irbShapes("block_c.4", c8, c8);
    cnlShapes("block_c.5", c8, c4, 3, false, false);
    cnlShapes("block_d.0", c4, c4, 3, false, false);
    cnlShapes("block_d.1", c4, c4, 3, false, false);
    cnlShapes("block_e.0", c4, c2, 3, false, false);
    cnlShapes("block_e.1", c2, c2, 3, false, false);
    cnlShapes("block_e.2", c2, c1, 7, false, false);
    shapes.put("out_layer.0.weight", new long[] {3, c1, 1, 1});
  }

  public static GeneratorNet standard() {
    return new GeneratorNet(32);
  }

  public int base() {
    return base;
  }

  private void cnlShapes(String prefix, int in, int out, int k, boolean depthwise, boolean bias) {
    shapes.put(prefix + ".1.weight", new long[] {out, depthwise ? 1 : in, k, k});
    if (bias) {
      shapes.put(prefix + ".1.bias", new long[] {out});
    }
    shapes.put(prefix + ".2.weight", new long[] {out});
    shapes.put(prefix + ".2.bias", new long[] {out});
  }

  private void irbShapes(String prefix, int in, int out) {
    int b = 2 * in;
    cnlShapes(prefix + ".layers.0", in, b, 1, false, false);
    cnlShapes(prefix + ".layers.1", b, b, 3, true, true);
    shapes.put(prefix + ".layers.2.weight", new long[] {out, b, 1, 1});
    shapes.put(prefix + ".layers.3.weight", new long[] {out});
    shapes.put(prefix + ".layers.3.bias", new long[] {out});
  }

  @Override
  public LinkedHashMap<String, long[]> paramShapes() {
    return shapes;
  }

  @Override
  protected boolean isDepthwise(String key) {
    return key.endsWith("layers.1.1.weight");
  }

  @Override
  protected boolean isNormScale(String key) {
    return key.endsWith(".2.weight") || key.endsWith(".layers.3.weight");
  }

  /** ConvNormLReLU: reflection pad (top, bottom, left, right), conv, GroupNorm(1), LeakyReLU(0.2). */
  private static INDArray cnl(Pass p, String prefix, INDArray x, long out, int k, int stride, int[] pad, boolean depthwise,
      boolean bias) {
    INDArray h = x;
    if (pad[0] + pad[1] + pad[2] + pad[3] > 0) {
      h = p.reflectPad(prefix + ".0", h, pad[0], pad[1], pad[2], pad[3]);
    }
    h = p.conv(prefix + ".1", h, out, k, stride, 0, 0, 0, 0, depthwise, bias, Kernels.Act.NONE);
    return p.groupNorm(prefix + ".2", h, true);
  }

  private static final int[] P1 = {1, 1, 1, 1};
  private static final int[] P3 = {3, 3, 3, 3};
  private static final int[] DOWN = {0, 1, 0, 1};
  private static final int[] NONE = {0, 0, 0, 0};

  private static INDArray irb(Pass p, String prefix, INDArray x, long in, long out) {
    Pass.Residual r = in == out ? p.residualStart(x) : null;
    INDArray h = cnl(p, prefix + ".layers.0", x, 2 * in, 1, 1, NONE, false, false);
    h = cnl(p, prefix + ".layers.1", h, 2 * in, 3, 1, P1, true, true);
    h = p.conv(prefix + ".layers.2", h, out, 1, 1, 0, 0, 0, 0, false, false, Kernels.Act.NONE);
    h = p.groupNorm(prefix + ".layers.3", h, false);
    return r == null ? h : p.residualEnd(prefix + ".add", r, h);
  }

  @Override
  protected INDArray run(Pass p, INDArray x) {
    long c1 = base;
    long c2 = 2L * base;
    long c4 = 4L * base;
    long c8 = 8L * base;
    long h0 = x.size(1);
    long w0 = x.size(2);
    if (h0 < 8 || w0 < 8 || x.size(3) != 3) {
      throw new IllegalArgumentException("the generator takes NHWC RGB images of at least 8x8, got "
          + java.util.Arrays.toString(x.shape()));
    }
    INDArray h = cnl(p, "block_a.0", x, c1, 7, 1, P3, false, false);
    h = cnl(p, "block_a.1", h, c2, 3, 2, DOWN, false, false);
    h = cnl(p, "block_a.2", h, c2, 3, 1, P1, false, false);
    long ha = h.size(1);
    long wa = h.size(2);
    h = cnl(p, "block_b.0", h, c4, 3, 2, DOWN, false, false);
    h = cnl(p, "block_b.1", h, c4, 3, 1, P1, false, false);
    h = cnl(p, "block_c.0", h, c4, 3, 1, P1, false, false);
    h = irb(p, "block_c.1", h, c4, c8);
    h = irb(p, "block_c.2", h, c8, c8);
    h = irb(p, "block_c.3", h, c8, c8);
    h = irb(p, "block_c.4", h, c8, c8);
    h = cnl(p, "block_c.5", h, c4, 3, 1, P1, false, false);
    h = p.resize("resize_to_block_a", h, ha, wa);
    h = cnl(p, "block_d.0", h, c4, 3, 1, P1, false, false);
    h = cnl(p, "block_d.1", h, c4, 3, 1, P1, false, false);
    h = p.resize("resize_to_input", h, h0, w0);
    h = cnl(p, "block_e.0", h, c2, 3, 1, P1, false, false);
    h = cnl(p, "block_e.1", h, c2, 3, 1, P1, false, false);
    h = cnl(p, "block_e.2", h, c1, 7, 1, P3, false, false);
    h = p.conv("out_layer.0", h, 3, 1, 1, 0, 0, 0, 0, false, false, Kernels.Act.NONE);
    return p.tanh("out_layer.1", h);
  }
}

package dev.animegan.model.layers;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.util.Locale;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One-input transforms of NCHW activations that AnimeGAN's losses need:
 * <ul>
 *   <li>{@code GRAM}: the Gram matrix F F^T / (C H W) of each example's features F [C, HW],
 *       output [N, C*C] (AnimeGAN's {@code gram});
 *   <li>{@code RGB_TO_YUV}: (x + 1) / 2 from [-1, 1] RGB to YUV with TensorFlow's
 *       {@code rgb_to_yuv} matrix (AnimeGAN's {@code rgb2yuv});
 *   <li>{@code VGG_PREPROCESS}: [-1, 1] RGB to the Caffe-style input of Keras' VGG19 weights:
 *       BGR in 0..255 minus the ImageNet mean (103.939, 116.779, 123.68).
 * </ul>
 */
public class TransformVertex extends FunctionVertex {
  private static final long serialVersionUID = 1L;

  /** The transforms. */
  public enum Kind { GRAM, RGB_TO_YUV, VGG_PREPROCESS }

  /** TensorFlow's rgb_to_yuv: rows Y, U, V over columns R, G, B. */
  static final double[][] YUV = {
      {0.299, 0.587, 0.114},
      {-0.14714119, -0.28886916, 0.43601035},
      {0.61497538, -0.51496512, -0.10001026}};
  /** ImageNet mean in B, G, R order (Caffe / Keras VGG preprocessing). */
  static final double[] BGR_MEAN = {103.939, 116.779, 123.68};

  private Kind kind = Kind.GRAM;

  /** For JSON. */
  public TransformVertex() {}

  public TransformVertex(Kind kind) {
    this.kind = kind;
  }

  public Kind getKind() {
    return kind;
  }

  public void setKind(Kind kind) {
    this.kind = kind;
  }

  @Override
  public TransformVertex clone() {
    return new TransformVertex(kind);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TransformVertex v && v.kind == kind;
  }

  @Override
  public int hashCode() {
    return kind.hashCode();
  }

  @Override
  public int minVertexInputs() {
    return 1;
  }

  @Override
  public int maxVertexInputs() {
    return 1;
  }

  @Override
  VertexFunction function() {
    return switch (kind) {
      case GRAM -> new Gram();
      case RGB_TO_YUV -> new PerPixelLinear(YUV, new double[] {0.5, 0.5, 0.5}, 0.5);
      case VGG_PREPROCESS -> new PerPixelLinear(
          new double[][] {{0, 0, 1}, {0, 1, 0}, {1, 0, 0}},
          new double[] {127.5 - BGR_MEAN[0], 127.5 - BGR_MEAN[1], 127.5 - BGR_MEAN[2]}, 127.5);
    };
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
    if (vertexInputs.length != 1 || !(vertexInputs[0] instanceof InputType.InputTypeConvolutional c)) {
      throw new InvalidInputTypeException(this + " takes one convolutional input");
    }
    if (kind != Kind.GRAM && c.getChannels() != 3) {
      throw new InvalidInputTypeException(this + " needs 3 channels (RGB), got " + c.getChannels());
    }
    return kind == Kind.GRAM ? InputType.feedForward(c.getChannels() * c.getChannels()) : c;
  }

  @Override
  public String toString() {
    return "TransformVertex(" + kind.name().toLowerCase(Locale.ROOT) + ")";
  }

  /** G = F F^T / (C H W) per example; dF = (dG + dG^T) F / (C H W). */
  private static final class Gram implements VertexFunction {
    @Override
    public INDArray forward(INDArray[] in) {
      INDArray x = in[0];
      long n = x.size(0);
      long c = x.size(1);
      long hw = x.size(2) * x.size(3);
      INDArray f = x.dup('c').reshape('c', n, c, hw);
      INDArray out = Nd4j.create(x.dataType(), n, c * c);
      for (long i = 0; i < n; i++) {
        INDArray fi = f.get(point(i), all(), all());
        out.get(point(i), all()).assign(fi.mmul(fi.transpose()).divi((double) c * hw).reshape(c * c));
      }
      return out;
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray eps) {
      INDArray x = in[0];
      long n = x.size(0);
      long c = x.size(1);
      long hw = x.size(2) * x.size(3);
      INDArray f = x.dup('c').reshape('c', n, c, hw);
      INDArray dx = Nd4j.create(x.dataType(), n, c, hw);
      for (long i = 0; i < n; i++) {
        INDArray dg = eps.get(point(i), all()).dup().reshape('c', c, c);
        INDArray sym = dg.add(dg.transpose());
        dx.get(point(i), all(), all()).assign(sym.mmul(f.get(point(i), all(), all())).divi((double) c * hw));
      }
      return new INDArray[] {dx.reshape('c', x.shape())};
    }
  }

  /** out_c = scale * sum_k m[c][k] * x_k + offset_c, per pixel, for 3 channels. */
  private static final class PerPixelLinear implements VertexFunction {
    private final double[][] m;
    private final double[] offset;
    private final double scale;

    PerPixelLinear(double[][] m, double[] offset, double scale) {
      this.m = m;
      this.offset = offset;
      this.scale = scale;
    }

    /** For YUV: out = M ((x + 1) / 2) = 0.5 M x + 0.5 M 1, so the offset is 0.5 * row sums. */
    private double offset(int c) {
      if (m == YUV) {
        return 0.5 * (m[c][0] + m[c][1] + m[c][2]);
      }
      return offset[c];
    }

    @Override
    public INDArray forward(INDArray[] in) {
      INDArray x = in[0];
      INDArray out = Nd4j.create(x.dataType(), x.shape());
      for (int c = 0; c < 3; c++) {
        INDArray o = out.get(all(), point(c), all(), all());
        o.assign(offset(c));
        for (int k = 0; k < 3; k++) {
          if (m[c][k] != 0) {
            o.addi(x.get(all(), point(k), all(), all()).mul(scale * m[c][k]));
          }
        }
      }
      return out;
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray eps) {
      INDArray dx = Nd4j.zeros(in[0].dataType(), in[0].shape());
      for (int k = 0; k < 3; k++) {
        INDArray d = dx.get(all(), point(k), all(), all());
        for (int c = 0; c < 3; c++) {
          if (m[c][k] != 0) {
            d.addi(eps.get(all(), point(c), all(), all()).mul(scale * m[c][k]));
          }
        }
      }
      return new INDArray[] {dx};
    }
  }
}

package dev.animegan.model.layers;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.util.Locale;
import java.util.Objects;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A per-example loss term, output [N, 1]: the mean over each example's elements of
 * <ul>
 *   <li>{@code L1}: |a - b| (two inputs);
 *   <li>{@code HUBER}: Huber(a - b) with threshold {@code delta} (two inputs; TensorFlow's huber_loss);
 *   <li>{@code SQUARED_TO_TARGET}: (a - target)^2 (one input; LSGAN terms);
 *   <li>{@code TOTAL_VARIATION}: AnimeGANv2's TV, 0.5 sum(dh^2)/|dh| + 0.5 sum(dw^2)/|dw| (one input, NCHW).
 * </ul>
 * With {@code channel >= 0} only that channel of NCHW inputs counts (the colour loss takes L1 of Y and
 * Huber of U and V). The batch mean of the output is the loss as AnimeGAN computes it.
 */
public class ScalarLossVertex extends FunctionVertex {
  private static final long serialVersionUID = 1L;

  /** The loss kinds. */
  public enum Kind { L1, HUBER, SQUARED_TO_TARGET, TOTAL_VARIATION }

  private Kind kind = Kind.L1;
  private double target;
  private double delta = 1.0;
  private int channel = -1;

  /** For JSON. */
  public ScalarLossVertex() {}

  private ScalarLossVertex(Kind kind, double target, double delta, int channel) {
    this.kind = kind;
    this.target = target;
    this.delta = delta;
    this.channel = channel;
  }

  public static ScalarLossVertex l1() {
    return new ScalarLossVertex(Kind.L1, 0, 1, -1);
  }

  public static ScalarLossVertex l1(int channel) {
    return new ScalarLossVertex(Kind.L1, 0, 1, channel);
  }

  public static ScalarLossVertex huber(int channel, double delta) {
    return new ScalarLossVertex(Kind.HUBER, 0, delta, channel);
  }

  public static ScalarLossVertex squaredTo(double target) {
    return new ScalarLossVertex(Kind.SQUARED_TO_TARGET, target, 1, -1);
  }

  public static ScalarLossVertex totalVariation() {
    return new ScalarLossVertex(Kind.TOTAL_VARIATION, 0, 1, -1);
  }

  public Kind getKind() {
    return kind;
  }

  public void setKind(Kind kind) {
    this.kind = kind;
  }

  public double getTarget() {
    return target;
  }

  public void setTarget(double target) {
    this.target = target;
  }

  public double getDelta() {
    return delta;
  }

  public void setDelta(double delta) {
    this.delta = delta;
  }

  public int getChannel() {
    return channel;
  }

  public void setChannel(int channel) {
    this.channel = channel;
  }

  private boolean twoInputs() {
    return kind == Kind.L1 || kind == Kind.HUBER;
  }

  @Override
  public ScalarLossVertex clone() {
    return new ScalarLossVertex(kind, target, delta, channel);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScalarLossVertex v && v.kind == kind && Double.compare(v.target, target) == 0
        && Double.compare(v.delta, delta) == 0 && v.channel == channel;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, target, delta, channel);
  }

  @Override
  public int minVertexInputs() {
    return twoInputs() ? 2 : 1;
  }

  @Override
  public int maxVertexInputs() {
    return twoInputs() ? 2 : 1;
  }

  @Override
  VertexFunction function() {
    return new Fn(kind, target, delta, channel);
  }

  @Override
  long workingMemoryPerExample(InputType output) {
    return 0;
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
    if (vertexInputs.length != minVertexInputs()) {
      throw new InvalidInputTypeException(this + " takes " + minVertexInputs() + " input(s), got " + vertexInputs.length);
    }
    return InputType.feedForward(1);
  }

  @Override
  public String toString() {
    return "ScalarLossVertex(" + kind.name().toLowerCase(Locale.ROOT)
        + (kind == Kind.SQUARED_TO_TARGET ? ", target=" + target : "")
        + (kind == Kind.HUBER ? ", delta=" + delta : "")
        + (channel >= 0 ? ", channel=" + channel : "") + ")";
  }

  /** The computation. */
  private record Fn(Kind kind, double target, double delta, int channel) implements VertexFunction {

    private INDArray select(INDArray x) {
      if (channel < 0) {
        return x;
      }
      INDArrayIndex[] idx = new INDArrayIndex[x.rank()];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = all();
      }
      idx[1] = interval(channel, channel + 1);
      return x.get(idx);
    }

    /** Places a gradient of the selected channel into a zero array of the input's shape. */
    private INDArray expand(INDArray g, INDArray like) {
      if (channel < 0) {
        return g;
      }
      INDArray full = Nd4j.zeros(like.dataType(), like.shape());
      INDArrayIndex[] idx = new INDArrayIndex[like.rank()];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = all();
      }
      idx[1] = interval(channel, channel + 1);
      full.put(idx, g);
      return full;
    }

    private static INDArray perExampleMean(INDArray x) {
      long n = x.size(0);
      return x.reshape('c', n, x.length() / n).mean(true, 1);
    }

    private static INDArray broadcastRows(INDArray eps, INDArray like) {
      long n = like.size(0);
      INDArray flat = Nd4j.zeros(like.dataType(), n, like.length() / n).addiColumnVector(eps.reshape(n, 1));
      return flat.reshape('c', like.shape());
    }

    @Override
    public INDArray forward(INDArray[] in) {
      switch (kind) {
        case L1:
          return perExampleMean(Transforms.abs(select(in[0]).sub(select(in[1]))));
        case HUBER: {
          INDArray r = select(in[0]).sub(select(in[1]));
          INDArray abs = Transforms.abs(r);
          INDArray quad = r.mul(r).muli(0.5);
          INDArray lin = abs.sub(0.5 * delta).muli(delta);
          INDArray small = abs.lte(delta).castTo(r.dataType());
          return perExampleMean(quad.mul(small).addi(lin.mul(small.rsub(1.0))));
        }
        case SQUARED_TO_TARGET: {
          INDArray d = in[0].sub(target);
          return perExampleMean(d.mul(d));
        }
        case TOTAL_VARIATION: {
          INDArray x = in[0];
          long h = x.size(2);
          long w = x.size(3);
          INDArray dh = x.get(all(), all(), interval(0, h - 1), all()).sub(x.get(all(), all(), interval(1, h), all()));
          INDArray dw = x.get(all(), all(), all(), interval(0, w - 1)).sub(x.get(all(), all(), all(), interval(1, w)));
          return perExampleMean(dh.mul(dh)).muli(0.5).addi(perExampleMean(dw.mul(dw)).muli(0.5));
        }
        default:
          throw new IllegalStateException("unknown loss " + kind);
      }
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray eps) {
      switch (kind) {
        case L1: {
          INDArray a = select(in[0]);
          INDArray r = a.sub(select(in[1]));
          double m = (double) a.length() / a.size(0);
          INDArray g = Transforms.sign(r).muli(broadcastRows(eps, r)).divi(m);
          return new INDArray[] {expand(g, in[0]), expand(g.neg(), in[1])};
        }
        case HUBER: {
          INDArray a = select(in[0]);
          INDArray r = a.sub(select(in[1]));
          double m = (double) a.length() / a.size(0);
          INDArray clipped = Transforms.max(Transforms.min(r, delta), -delta);
          INDArray g = clipped.muli(broadcastRows(eps, r)).divi(m);
          return new INDArray[] {expand(g, in[0]), expand(g.neg(), in[1])};
        }
        case SQUARED_TO_TARGET: {
          INDArray x = in[0];
          double m = (double) x.length() / x.size(0);
          return new INDArray[] {x.sub(target).muli(2.0 / m).muli(broadcastRows(eps, x))};
        }
        case TOTAL_VARIATION: {
          INDArray x = in[0];
          long n = x.size(0);
          long c = x.size(1);
          long h = x.size(2);
          long w = x.size(3);
          INDArray e = eps.reshape(n, 1, 1, 1);
          INDArray dx = Nd4j.zeros(x.dataType(), x.shape());
          INDArray dh = x.get(all(), all(), interval(0, h - 1), all()).sub(x.get(all(), all(), interval(1, h), all()));
          INDArray gh = dh.divi((double) c * (h - 1) * w).muli(e.broadcast(n, c, h - 1, w));
          dx.get(all(), all(), interval(0, h - 1), all()).addi(gh);
          dx.get(all(), all(), interval(1, h), all()).subi(gh);
          INDArray dw = x.get(all(), all(), all(), interval(0, w - 1)).sub(x.get(all(), all(), all(), interval(1, w)));
          INDArray gw = dw.divi((double) c * h * (w - 1)).muli(e.broadcast(n, c, h, w - 1));
          dx.get(all(), all(), all(), interval(0, w - 1)).addi(gw);
          dx.get(all(), all(), all(), interval(1, w)).subi(gw);
          return new INDArray[] {dx};
        }
        default:
          throw new IllegalStateException("unknown loss " + kind);
      }
    }
  }
}

package dev.animegan.model.layers;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Forward: rows are mirrored first, then columns (so corners mirror both ways). Backward is the
 * exact adjoint: gradients of the padded columns are added onto the columns they copy, then
 * those of the padded rows onto their rows, and the centre is the input gradient.
 */
public class ReflectionPadding2DLayer extends AbstractLayer<ReflectionPadding2D> {

  public ReflectionPadding2DLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  private int[] pads(long h, long w) {
    int[] p = layerConf().getPadding();
    if (p[0] >= h || p[1] >= h || p[2] >= w || p[3] >= w) {
      throw new IllegalArgumentException("ReflectionPadding2D " + java.util.Arrays.toString(p)
          + " (top, bottom, left, right) needs every pad smaller than the input's height " + h + " and width " + w);
    }
    return p;
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(false);
    if (input.rank() != 4) {
      throw new IllegalArgumentException("ReflectionPadding2D expects NCHW input, got shape "
          + java.util.Arrays.toString(input.shape()));
    }
    long n = input.size(0);
    long c = input.size(1);
    long h = input.size(2);
    long w = input.size(3);
    int[] p = pads(h, w);
    int top = p[0];
    int left = p[2];
    INDArray out = workspaceMgr.create(ArrayType.ACTIVATIONS, input.dataType(),
        new long[] {n, c, h + p[0] + p[1], w + p[2] + p[3]}, 'c');
    out.get(all(), all(), interval(top, top + h), interval(left, left + w)).assign(input);
    for (int k = 1; k <= p[0]; k++) {
      out.get(all(), all(), point(top - k), interval(left, left + w)).assign(input.get(all(), all(), point(k), all()));
    }
    for (int k = 1; k <= p[1]; k++) {
      out.get(all(), all(), point(top + h - 1 + k), interval(left, left + w))
          .assign(input.get(all(), all(), point(h - 1 - k), all()));
    }
    for (int k = 1; k <= p[2]; k++) {
      out.get(all(), all(), all(), point(left - k)).assign(out.get(all(), all(), all(), point(left + k)));
    }
    for (int k = 1; k <= p[3]; k++) {
      out.get(all(), all(), all(), point(left + w - 1 + k)).assign(out.get(all(), all(), all(), point(left + w - 1 - k)));
    }
    return out;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(true);
    long h = input.size(2);
    long w = input.size(3);
    int[] p = pads(h, w);
    int top = p[0];
    int left = p[2];
    INDArray g = epsilon.dup('c');
    for (int k = 1; k <= p[2]; k++) {
      g.get(all(), all(), all(), point(left + k)).addi(g.get(all(), all(), all(), point(left - k)));
    }
    for (int k = 1; k <= p[3]; k++) {
      g.get(all(), all(), all(), point(left + w - 1 - k)).addi(g.get(all(), all(), all(), point(left + w - 1 + k)));
    }
    for (int k = 1; k <= p[0]; k++) {
      g.get(all(), all(), point(top + k), all()).addi(g.get(all(), all(), point(top - k), all()));
    }
    for (int k = 1; k <= p[1]; k++) {
      g.get(all(), all(), point(top + h - 1 - k), all()).addi(g.get(all(), all(), point(top + h - 1 + k), all()));
    }
    INDArray dx = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
    dx.assign(g.get(all(), all(), interval(top, top + h), interval(left, left + w)));
    return new Pair<>(new DefaultGradient(), dx);
  }

  @Override
  public boolean isPretrainLayer() {
    return false;
  }

  @Override
  public void clearNoiseWeightParams() {
    // no parameters
  }

  @Override
  public Type type() {
    return Type.CONVOLUTIONAL;
  }
}

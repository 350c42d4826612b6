package dev.animegan.model.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The computation of {@link BilinearResizeVertex}. Resizing is linear and separable:
 * {@code out = Rh · x · Rw^T} per sample and channel, with interpolation matrices Rh [Ho, Hi] and
 * Rw [Wo, Wi]; so the backward pass is {@code dx = Rh^T · dout · Rw}. Both run as two matrix
 * products. The size reference (input 1) gets a zero gradient.
 */
final class BilinearResizeVertexImpl implements VertexFunction {

  /** The align_corners=True interpolation matrix from {@code in} to {@code out} samples, [out, in]. */
  static INDArray interpolation(int out, int in, DataType type) {
    double[][] m = new double[out][in];
    for (int o = 0; o < out; o++) {
      double src = out == 1 ? 0.0 : (double) o * (in - 1) / (out - 1);
      int i0 = Math.min((int) Math.floor(src), in - 1);
      int i1 = Math.min(i0 + 1, in - 1);
      double w = src - i0;
      m[o][i0] += 1.0 - w;
      m[o][i1] += w;
    }
    return Nd4j.createFromArray(m).castTo(type);
  }

  /** {@code a · x · b^T} over the last two dimensions of x [N, C, H, W], with a [Ho, H] and b [Wo, W]. */
  private static INDArray apply(INDArray x, INDArray a, INDArray b) {
    long n = x.size(0);
    long c = x.size(1);
    long h = x.size(2);
    long w = x.size(3);
    long ho = a.size(0);
    long wo = b.size(0);
    INDArray rows = x.dup('c').reshape('c', n * c * h, w).mmul(b.transpose()); // [NCH, Wo]
    INDArray hFirst = rows.reshape('c', n * c, h, wo).permute(1, 0, 2).dup('c').reshape('c', h, n * c * wo);
    INDArray both = a.mmul(hFirst); // [Ho, NC*Wo]
    return both.reshape('c', ho, n * c, wo).permute(1, 0, 2).dup('c').reshape('c', n, c, ho, wo);
  }

  private static void check(INDArray[] inputs) {
    if (inputs.length != 2 || inputs[0] == null || inputs[1] == null || inputs[0].rank() != 4 || inputs[1].rank() != 4) {
      throw new IllegalStateException("BilinearResizeVertex needs two NCHW inputs");
    }
  }

  @Override
  public INDArray forward(INDArray[] inputs) {
    check(inputs);
    INDArray x = inputs[0];
    int hi = (int) x.size(2);
    int wi = (int) x.size(3);
    int ho = (int) inputs[1].size(2);
    int wo = (int) inputs[1].size(3);
    return hi == ho && wi == wo ? x : apply(x, interpolation(ho, hi, x.dataType()), interpolation(wo, wi, x.dataType()));
  }

  @Override
  public INDArray[] backward(INDArray[] inputs, INDArray epsilon) {
    check(inputs);
    INDArray x = inputs[0];
    int hi = (int) x.size(2);
    int wi = (int) x.size(3);
    int ho = (int) epsilon.size(2);
    int wo = (int) epsilon.size(3);
    INDArray dx = hi == ho && wi == wo
        ? epsilon
        : apply(epsilon, interpolation(ho, hi, x.dataType()).transpose(), interpolation(wo, wi, x.dataType()).transpose());
    return new INDArray[] {dx, Nd4j.zeros(inputs[1].dataType(), inputs[1].shape())};
  }
}

package dev.animegan.model.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The oneDNN kernels agree with ND4J's on every operation the networks use, including odd sizes and strided views. */
class KernelsTest {
  private final Engine onednn = Engine.oneDnn();
  private final Kernels dnn = onednn.kernels();
  private final Kernels ref = new Nd4jKernels(DataType.FLOAT);

  private static INDArray rand(long seed, long... shape) {
    Nd4j.getRandom().setSeed(seed);
    return Nd4j.rand(DataType.FLOAT, shape).subi(0.5).muli(2);
  }

  private static void close(INDArray expected, INDArray actual, double tol, String what) {
    assertArrayEquals(expected.shape(), actual.shape(), what);
    double scale = Math.max(1.0, expected.amaxNumber().doubleValue());
    double diff = expected.sub(actual).amaxNumber().doubleValue();
    assertTrue(diff <= tol * scale, what + ": max abs diff " + diff + " (scale " + scale + ")");
  }

  static List<ConvSpec> specs() {
    return List.of(
        new ConvSpec(2, 9, 11, 5, 7, 3, 1, 1, 1, 1, 1, 1, false),
        new ConvSpec(2, 9, 11, 5, 7, 3, 1, 0, 0, 0, 0, 1, true),
        new ConvSpec(1, 10, 8, 4, 6, 3, 2, 1, 1, 0, 0, 1, false),   // D's stride 2: top/left padding only
        new ConvSpec(1, 11, 9, 4, 6, 3, 2, 0, 0, 0, 0, 1, false),   // G's stride 2 on an odd, reflect-padded input
        new ConvSpec(2, 12, 12, 3, 8, 7, 1, 0, 0, 0, 0, 1, false),  // 7x7 from RGB
        new ConvSpec(2, 8, 6, 16, 8, 1, 1, 0, 0, 0, 0, 1, false),   // 1x1
        new ConvSpec(2, 10, 10, 6, 6, 3, 1, 0, 0, 0, 0, 6, true));  // depthwise with bias
  }

  @Test
  void convolutionsForwardAndBackward() {
    int seed = 1;
    for (ConvSpec s : specs()) {
      for (Kernels.Act act : Kernels.Act.values()) {
        INDArray x = rand(seed++, s.n(), s.h(), s.w(), s.in());
        INDArray w = rand(seed++, s.out(), s.in() / s.groups(), s.k(), s.k());
        INDArray b = s.bias() ? rand(seed++, s.out()) : null;
        INDArray y1 = Nd4j.create(DataType.FLOAT, s.n(), s.oh(), s.ow(), s.out());
        INDArray y2 = y1.ulike();
        ref.conv(s, x, w, b, y1, act);
        dnn.conv(s, x, w, b, y2, act);
        close(y1, y2, 1e-5, s + " " + act + " forward");
      }
      INDArray x = rand(seed++, s.n(), s.h(), s.w(), s.in());
      INDArray w = rand(seed++, s.out(), s.in() / s.groups(), s.k(), s.k());
      INDArray dy = rand(seed++, s.n(), s.oh(), s.ow(), s.out());
      INDArray dx1 = x.ulike();
      INDArray dx2 = x.ulike().assign(7);
      INDArray dw1 = w.ulike();
      INDArray dw2 = w.ulike();
      INDArray db1 = s.bias() ? Nd4j.create(DataType.FLOAT, s.out()) : null;
      INDArray db2 = s.bias() ? Nd4j.create(DataType.FLOAT, s.out()) : null;
      ref.convBackward(s, x, w, dy, dx1, dw1, db1);
      dnn.convBackward(s, x, w, dy, dx2, dw2, db2);
      close(dx1, dx2, 1e-5, s + " dx");
      close(dw1, dw2, 1e-4, s + " dw");
      if (s.bias()) {
        close(db1, db2, 1e-4, s + " dbias");
      }
      // input gradient alone (frozen layers keep no input)
      INDArray dx3 = x.ulike();
      dnn.convBackward(s, null, w, dy, dx3, null, null);
      close(dx1, dx3, 1e-5, s + " dx alone");
    }
  }

  @Test
  void weightsAsViewsOfAFlatParameterVector() {
    ConvSpec s = specs().get(0);
    INDArray flat = rand(3, 1000);
    long len = s.out() * s.in() * 9;
    INDArray w = flat.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(17, 17 + len)).reshape('c', s.out(), s.in(), 3, 3);
    INDArray x = rand(4, s.n(), s.h(), s.w(), s.in());
    INDArray y1 = Nd4j.create(DataType.FLOAT, s.n(), s.oh(), s.ow(), s.out());
    INDArray y2 = y1.ulike();
    ref.conv(s, x, w.dup(), null, y1, Kernels.Act.NONE);
    dnn.conv(s, x, w, null, y2, Kernels.Act.NONE);
    close(y1, y2, 1e-5, "view weights");
    INDArray gflat = Nd4j.zeros(DataType.FLOAT, 1000);
    INDArray dw = gflat.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(17, 17 + len)).reshape('c', s.out(), s.in(), 3, 3);
    INDArray dy = rand(5, s.n(), s.oh(), s.ow(), s.out());
    INDArray dw1 = w.ulike();
    ref.convBackward(s, x, w.dup(), dy, null, dw1, null);
    dnn.convBackward(s, x, w, dy, null, dw, null);
    close(dw1, dw, 1e-4, "view gradient");
    assertEquals(0.0, gflat.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 17)).amaxNumber().doubleValue());
    assertEquals(0.0, gflat.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(17 + len, 1000)).amaxNumber().doubleValue());
  }

  @Test
  void activationsPoolingAndAffineMaps() {
    INDArray y = rand(10, 2, 5, 7, 3);
    INDArray dy = rand(11, 2, 5, 7, 3);
    for (double alpha : new double[] {0.0, 0.2}) {
      INDArray a = y.ulike();
      INDArray b = y.ulike();
      ref.reluBackwardFromOutput(dy, y, alpha, a);
      dnn.reluBackwardFromOutput(dy, y, alpha, b);
      close(a, b, 1e-6, "relu backward " + alpha);
      ref.leakyReluBackward(dy, y, alpha, a);
      dnn.leakyReluBackward(dy, y, alpha, b);
      close(a, b, 1e-6, "lrelu backward " + alpha);
    }
    for (long[] shape : new long[][] {{2, 8, 6, 5}, {1, 7, 9, 4}}) {
      INDArray x = rand(12, shape);
      INDArray p1 = Nd4j.create(DataType.FLOAT, shape[0], shape[1] / 2, shape[2] / 2, shape[3]);
      INDArray p2 = p1.ulike();
      Kernels.PoolState s1 = ref.maxPool2(x, p1, true);
      Kernels.PoolState s2 = dnn.maxPool2(x, p2, true);
      close(p1, p2, 0, "max pool");
      INDArray g = rand(13, p1.shape());
      INDArray d1 = x.ulike();
      INDArray d2 = x.ulike().assign(3);
      ref.maxPool2Backward(s1, g, d1);
      dnn.maxPool2Backward(s2, g, d2);
      close(d1, d2, 0, "max pool backward");
      s2.close();
    }
    INDArray x = rand(14, 3, 6, 5, 4).addi(0.3);
    double[] s1 = new double[3];
    double[] q1 = new double[3];
    double[] s2 = new double[3];
    double[] q2 = new double[3];
    ref.sampleMoments(x, s1, q1);
    dnn.sampleMoments(x, s2, q2);
    assertArrayEquals(s1, s2, 1e-4);
    assertArrayEquals(q1, q2, 1e-4);
    INDArray other = rand(15, 3, 6, 5, 4);
    INDArray c1 = Nd4j.create(DataType.FLOAT, 3, 4);
    INDArray c2 = c1.ulike();
    ref.channelSums(x, null, c1);
    dnn.channelSums(x, null, c2);
    close(c1, c2, 1e-5, "channel sums");
    ref.channelSums(x, other, c1);
    dnn.channelSums(x, other, c2);
    close(c1, c2, 1e-5, "channel dot sums");
    INDArray scale = rand(16, 3, 4);
    INDArray shift = rand(17, 3, 4);
    for (double alpha : new double[] {Double.NaN, 0.2}) {
      INDArray a = x.ulike();
      INDArray b = x.ulike();
      ref.affine(x, scale, shift, alpha, a);
      dnn.affine(x, scale, shift, alpha, b);
      close(a, b, 1e-6, "affine " + alpha);
    }
    INDArray inPlace = x.dup();
    dnn.affine(inPlace, scale, shift, 0.2, inPlace);
    INDArray expected = x.ulike();
    ref.affine(x, scale, shift, 0.2, expected);
    close(expected, inPlace, 1e-6, "affine in place");
    double[] k2 = {0.5, -1.5, 2};
    double[] k3 = {0.1, 0.2, -0.3};
    INDArray a = x.ulike();
    INDArray b = x.ulike();
    ref.affine2(x, scale, other, k2, k3, a);
    dnn.affine2(x, scale, other, k2, k3, b);
    close(a, b, 1e-6, "affine2");
    INDArray alias = x.dup();
    dnn.affine2(alias, scale, other, k2, k3, alias);
    close(a, alias, 1e-6, "affine2 into its first input");
  }

  @Test
  void separableResize() {
    INDArray x = rand(20, 2, 5, 7, 3);
    INDArray rows = rand(21, 9, 5);
    INDArray cols = rand(22, 4, 7);
    INDArray a = Nd4j.create(DataType.FLOAT, 2, 9, 4, 3);
    INDArray b = a.ulike();
    ref.linearResize(x, rows, cols, a);
    dnn.linearResize(x, rows, cols, b);
    close(a, b, 1e-5, "resize");
    // against the definition, one output value
    double v = 0;
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 7; j++) {
        v += rows.getDouble(8, i) * x.getDouble(1, i, j, 2) * cols.getDouble(3, j);
      }
    }
    assertEquals(v, a.getDouble(1, 8, 3, 2), 1e-5);
  }

  @Test
  void reflectionPaddingAndItsAdjoint() {
    for (int[] pad : new int[][] {{1, 1, 1, 1}, {3, 3, 3, 3}, {0, 1, 0, 1}}) {
      INDArray x = rand(30, 2, 7, 9, 5);
      long[] ps = {2, 7 + pad[0] + pad[1], 9 + pad[2] + pad[3], 5};
      INDArray a = Nd4j.create(DataType.FLOAT, ps);
      INDArray b = a.ulike();
      ref.reflectPad(x, a, pad[0], pad[1], pad[2], pad[3]);
      dnn.reflectPad(x, b, pad[0], pad[1], pad[2], pad[3]);
      close(a, b, 0, "reflect pad " + java.util.Arrays.toString(pad));
      if (pad[0] > 0) {
        assertEquals(x.getDouble(1, 1, 4, 3), a.getDouble(1, pad[0] - 1, pad[2] + 4, 3), 0, "the row above mirrors row 1");
      }
      assertEquals(x.getDouble(1, 5, 7, 2), a.getDouble(1, pad[0] + 5, pad[2] + 7, 2), 0, "interior");
      INDArray dy = rand(31, ps);
      INDArray d1 = x.ulike();
      INDArray d2 = x.ulike();
      ref.reflectPadBackward(dy.dup(), d1, pad[0], pad[1], pad[2], pad[3]);
      dnn.reflectPadBackward(dy.dup(), d2, pad[0], pad[1], pad[2], pad[3]);
      close(d1, d2, 1e-6, "reflect pad backward " + java.util.Arrays.toString(pad));
      // adjoint: <pad(x), dy> = <x, pad^T(dy)>
      assertEquals(a.mul(dy).sumNumber().doubleValue(), x.mul(d1).sumNumber().doubleValue(), 1e-3, "adjoint");
    }
  }
}

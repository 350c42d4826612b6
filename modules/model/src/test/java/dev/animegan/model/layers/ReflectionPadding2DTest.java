package dev.animegan.model.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ReflectionPadding2DTest {
  /** numpy/PyTorch reflect index: mirror without repeating the edge. */
  private static int reflect(int i, int n) {
    int period = 2 * (n - 1);
    int m = Math.floorMod(i, period);
    return m < n ? m : period - m;
  }

  private static INDArray pad(INDArray x, int top, int bottom, int left, int right) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).list()
        .layer(new ReflectionPadding2D(top, bottom, left, right))
        .setInputType(InputType.convolutional(x.size(2), x.size(3), x.size(1)))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net.output(x);
  }

  @Test
  void forwardMatchesPyTorchReflectionPad() {
    INDArray x = Nd4j.linspace(DataType.DOUBLE, 1, 2 * 3 * 4 * 5, 1).reshape(2, 3, 4, 5);
    for (int[] p : new int[][] {{1, 1, 1, 1}, {3, 3, 3, 3}, {0, 1, 0, 1}, {2, 0, 1, 3}}) {
      INDArray out = pad(x, p[0], p[1], p[2], p[3]);
      assertEquals(4 + p[0] + p[1], out.size(2));
      assertEquals(5 + p[2] + p[3], out.size(3));
      for (int n = 0; n < 2; n++) {
        for (int c = 0; c < 3; c++) {
          for (int i = 0; i < out.size(2); i++) {
            for (int j = 0; j < out.size(3); j++) {
              double expected = x.getDouble(n, c, reflect(i - p[0], 4), reflect(j - p[2], 5));
              assertEquals(expected, out.getDouble(n, c, i, j), 0.0, "pad " + java.util.Arrays.toString(p) + " at " + i + "," + j);
            }
          }
        }
      }
    }
  }

  @Test
  void gradientCheckSymmetricAndAsymmetric() {
    GradientChecks.check(GradientChecks.network(new ReflectionPadding2D(2), 2, 5, 4), 2, 2, 5, 4, new long[] {2, 2, 9, 8});
    GradientChecks.check(GradientChecks.network(new ReflectionPadding2D(0, 1, 0, 1), 3, 4, 4), 2, 3, 4, 4,
        new long[] {2, 3, 5, 5});
    GradientChecks.check(GradientChecks.network(new ReflectionPadding2D(3, 1, 2, 0), 1, 5, 6), 1, 1, 5, 6,
        new long[] {1, 1, 9, 8});
  }

  @Test
  void jsonRoundTrip() {
    MultiLayerConfiguration conf = GradientChecks.network(new ReflectionPadding2D(0, 1, 2, 3), 2, 8, 8);
    MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
    assertEquals(conf, back);
    assertEquals(List.of(0, 1, 2, 3),
        Arrays.stream(((ReflectionPadding2D) back.getConf(1).getLayer()).getPadding()).boxed().toList());
  }

  @Test
  void padsMustBeSmallerThanTheInput() {
    INDArray x = Nd4j.zeros(DataType.DOUBLE, 1, 1, 3, 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pad(x, 3, 3, 3, 3));
    assertEquals("ReflectionPadding2D [3, 3, 3, 3] (top, bottom, left, right) needs every pad smaller than the input's "
        + "height 3 and width 3", e.getMessage());
  }
}

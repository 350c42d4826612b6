package dev.animegan.model.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class BilinearResizeVertexTest {
  /** PyTorch's bilinear align_corners=True, written out per output pixel. */
  private static double reference(INDArray x, int n, int c, int o, int p, int ho, int wo) {
    int hi = (int) x.size(2);
    int wi = (int) x.size(3);
    double sy = ho == 1 ? 0 : (double) o * (hi - 1) / (ho - 1);
    double sx = wo == 1 ? 0 : (double) p * (wi - 1) / (wo - 1);
    int y0 = (int) Math.floor(sy);
    int x0 = (int) Math.floor(sx);
    int y1 = Math.min(y0 + 1, hi - 1);
    int x1 = Math.min(x0 + 1, wi - 1);
    double dy = sy - y0;
    double dx = sx - x0;
    return (1 - dy) * ((1 - dx) * x.getDouble(n, c, y0, x0) + dx * x.getDouble(n, c, y0, x1))
        + dy * ((1 - dx) * x.getDouble(n, c, y1, x0) + dx * x.getDouble(n, c, y1, x1));
  }

  private static ComputationGraph resizeGraph(int c, int hi, int wi, int ho, int wo) {
    ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
        .graphBuilder()
        .addInputs("x", "ref")
        .addVertex("resize", new BilinearResizeVertex(), "x", "ref")
        .setOutputs("resize")
        .setInputTypes(InputType.convolutional(hi, wi, c), InputType.convolutional(ho, wo, 1))
        .build();
    ComputationGraph g = new ComputationGraph(conf);
    g.init();
    return g;
  }

  @Test
  void forwardMatchesAlignCornersBilinear() {
    Nd4j.getRandom().setSeed(3);
    for (int[] s : new int[][] {{3, 4, 7, 9}, {6, 6, 4, 5}, {5, 5, 5, 5}, {2, 3, 1, 1}}) {
      INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 3, s[0], s[1]);
      INDArray out = resizeGraph(3, s[0], s[1], s[2], s[3]).output(x, Nd4j.zeros(DataType.DOUBLE, 2, 1, s[2], s[3]))[0];
      assertEquals(s[2], out.size(2));
      assertEquals(s[3], out.size(3));
      for (int n = 0; n < 2; n++) {
        for (int c = 0; c < 3; c++) {
          for (int o = 0; o < s[2]; o++) {
            for (int p = 0; p < s[3]; p++) {
              assertEquals(reference(x, n, c, o, p, s[2], s[3]), out.getDouble(n, c, o, p), 1e-12);
            }
          }
        }
      }
      // Corners are kept exactly (align_corners).
      assertEquals(x.getDouble(1, 2, s[0] - 1, s[1] - 1), out.getDouble(1, 2, s[2] - 1, s[3] - 1), s[2] == 1 ? 10 : 1e-12);
    }
  }

  @Test
  void gradientCheckThroughDownsampleAndUpsample() {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    // conv (params) -> 2x2 average pool -> resize back to the input's size -> MSE.
    ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
        .dataType(DataType.DOUBLE).seed(7).updater(new NoOp()).weightInit(WeightInit.XAVIER)
        .graphBuilder()
        .addInputs("in")
        .addLayer("conv", new ConvolutionLayer.Builder(1, 1).nIn(2).nOut(3).activation(Activation.TANH).build(), "in")
        .addLayer("pool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.AVG).kernelSize(2, 2).stride(2, 2)
            .build(), "conv")
        .addVertex("resize", new BilinearResizeVertex(), "pool", "in")
        .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(),
            "resize")
        .setOutputs("loss")
        .setInputTypes(InputType.convolutional(6, 7, 2))
        .build();
    ComputationGraph g = new ComputationGraph(conf);
    g.init();
    Nd4j.getRandom().setSeed(11);
    INDArray in = Nd4j.rand(DataType.DOUBLE, 2, 2, 6, 7).subi(0.5);
    INDArray labels = Nd4j.rand(DataType.DOUBLE, 2, 3, 6, 7);
    boolean ok = GradientChecks.graphPasses(g, new INDArray[] {in}, new INDArray[] {labels});
    assertTrue(ok);
  }

  @Test
  void jsonRoundTrip() {
    ComputationGraphConfiguration conf = resizeGraph(3, 4, 4, 8, 8).getConfiguration();
    ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
    assertEquals(conf, back);
    assertTrue(back.getVertices().get("resize") instanceof BilinearResizeVertex);
  }
}

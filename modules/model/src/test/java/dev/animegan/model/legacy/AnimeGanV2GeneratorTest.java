package dev.animegan.model.legacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.animegan.model.layers.GradientChecks;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class AnimeGanV2GeneratorTest {
  @Test
  void standardGeneratorHasAnimeGanV2sParameterCount() {
    ComputationGraph g = new ComputationGraph(AnimeGanV2Generator.standard().graph(64, 64, DataType.FLOAT, 1));
    g.init();
    assertEquals(AnimeGanV2Generator.PARAMS_AT_BASE_32, g.numParams());
    // Shapes of a few PyTorch state-dict tensors, by the vertex names that hold them.
    assertArrayEquals(new long[] {32, 3, 7, 7}, g.getLayer("block_a.0.1").getParam("W").shape());
    assertArrayEquals(new long[] {1, 32}, g.getLayer("block_a.0.2").getParam("gamma").shape());
    assertEquals(512 * 9, g.getLayer("block_c.2.layers.1.1").getParam("W").length(), "depthwise 3x3 over 512 channels");
    assertEquals(512, g.getLayer("block_c.2.layers.1.1").getParam("b").length(), "the depthwise conv has a bias");
    assertArrayEquals(new long[] {3, 32, 1, 1}, g.getLayer(AnimeGanV2Generator.OUTPUT).getParam("W").shape());
  }

  @Test
  void anyInputSizeGivesAnOutputOfTheSameSizeInMinusOneToOne() {
    ComputationGraph g = new ComputationGraph(new AnimeGanV2Generator(4).graph(32, 32, DataType.FLOAT, 1));
    g.init();
    for (int[] hw : new int[][] {{32, 32}, {37, 50}, {64, 24}, {17, 17}}) {
      INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, hw[0], hw[1]).muli(2).subi(1);
      INDArray y = g.outputSingle(x);
      assertArrayEquals(new long[] {2, 3, hw[0], hw[1]}, y.shape());
      assertTrue(y.maxNumber().doubleValue() <= 1.0 && y.minNumber().doubleValue() >= -1.0);
    }
  }

  @Test
  void jsonRoundTrip() {
    ComputationGraphConfiguration conf = AnimeGanV2Generator.standard().graph(256, 256, DataType.FLOAT, 7);
    ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
    assertEquals(conf, back);
    ComputationGraph a = new ComputationGraph(conf);
    a.init();
    ComputationGraph b = new ComputationGraph(back);
    b.init(a.params().dup(), true);
    INDArray x = Nd4j.rand(DataType.FLOAT, 1, 3, 20, 28);
    assertEquals(a.outputSingle(x), b.outputSingle(x));
  }

  @Test
  void gradientCheckOfANarrowGenerator() {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    ComputationGraphConfiguration.GraphBuilder gb = new NeuralNetConfiguration.Builder()
        .dataType(DataType.DOUBLE).seed(3).updater(new NoOp()).weightInit(WeightInit.XAVIER)
        .graphBuilder().addInputs("in");
    String out = new AnimeGanV2Generator(1).addTo(gb, "in");
    gb.addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(), out)
        .setOutputs("loss").setInputTypes(InputType.convolutional(8, 9, 3));
    ComputationGraph g = new ComputationGraph(gb.build());
    g.init();
    Nd4j.getRandom().setSeed(5);
    // 8x9 is about the smallest input: block_c's reflection padding needs maps of at least 2x2.
    INDArray in = Nd4j.rand(DataType.DOUBLE, 1, 3, 8, 9).muli(2).subi(1);
    INDArray labels = Nd4j.rand(DataType.DOUBLE, 1, 3, 8, 9).muli(2).subi(1);
    // Some true gradients are exactly zero: at width 1, block_a.0's single-channel GroupNorm scale is
    // undone by block_a.1's GroupNorm (conv and LeakyReLU are positively homogeneous), so the
    // analytic value is float noise near 1e-8; minAbsoluteError 1e-7 accepts those and nothing else.
    boolean ok = GradientChecks.graphPasses(g, new INDArray[] {in}, new INDArray[] {labels}, 1e-4, 1e-7, 4);
    assertTrue(ok);
  }
}

package dev.animegan.model.legacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

class PatchDiscriminatorTest {
  @Test
  void standardDiscriminatorShapeAndParameters() {
    ComputationGraph d = new ComputationGraph(PatchDiscriminator.standard().graph(64, 64, DataType.FLOAT, 1));
    d.init();
    // conv_0 3->32 (864) + stage 1: 32->64 (18432), 64->128 (73728), LN 256 + stage 2: 128->128 (147456),
    // 128->256 (294912), LN 512 + last_conv 256->256 (589824), LN 512 + D_logit 256->1 (2304).
    assertEquals(1_128_800, d.numParams());
    INDArray out = d.outputSingle(Nd4j.rand(DataType.FLOAT, 2, 3, 64, 64));
    assertArrayEquals(new long[] {2, 1, 16, 16}, out.shape(), "two stride-2 stages: a 16x16 patch map");
    INDArray odd = d.outputSingle(Nd4j.rand(DataType.FLOAT, 1, 3, 30, 45));
    // As AnimeGAN's stride-2 convs (1 pixel of top/left zero padding, VALID): 30 -> 15 -> 7, 45 -> 22 -> 11.
    assertArrayEquals(new long[] {1, 1, 7, 11}, odd.shape());
  }

  @Test
  void widthAndDepthAreConfigurable() {
    ComputationGraph d = new ComputationGraph(new PatchDiscriminator(8, 1).graph(32, 32, DataType.FLOAT, 1));
    d.init();
    assertArrayEquals(new long[] {1, 1, 16, 16}, d.outputSingle(Nd4j.rand(DataType.FLOAT, 1, 3, 32, 32)).shape());
    assertEquals("discriminator width must be an even number >= 2, got 3",
        assertThrows(IllegalArgumentException.class, () -> new PatchDiscriminator(3, 2)).getMessage());
  }

  @Test
  void jsonRoundTrip() {
    ComputationGraphConfiguration conf = PatchDiscriminator.standard().graph(256, 256, DataType.FLOAT, 2);
    assertEquals(conf, ComputationGraphConfiguration.fromJson(conf.toJson()));
  }

  @Test
  void gradientCheckOfANarrowDiscriminator() {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    ComputationGraphConfiguration.GraphBuilder gb = new NeuralNetConfiguration.Builder()
        .dataType(DataType.DOUBLE).seed(4).updater(new NoOp()).weightInit(WeightInit.XAVIER)
        .graphBuilder().addInputs("in");
    String out = new PatchDiscriminator(2, 2).addTo(gb, "in", "d.");
    gb.addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(), out)
        .setOutputs("loss").setInputTypes(InputType.convolutional(8, 8, 3));
    ComputationGraph g = new ComputationGraph(gb.build());
    g.init();
    Nd4j.getRandom().setSeed(9);
    INDArray in = Nd4j.rand(DataType.DOUBLE, 2, 3, 8, 8).muli(2).subi(1);
    INDArray labels = Nd4j.rand(DataType.DOUBLE, 2, 1, 2, 2);
    boolean ok = GradientChecks.graphPasses(g, new INDArray[] {in}, new INDArray[] {labels});
    assertTrue(ok);
  }
}

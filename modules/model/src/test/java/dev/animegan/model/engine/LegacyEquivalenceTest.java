package dev.animegan.model.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.animegan.model.legacy.OneDnn;
import dev.animegan.model.legacy.AnimeGanV2Generator;
import dev.animegan.model.legacy.PatchDiscriminator;
import dev.animegan.model.legacy.Vgg19Features;
import dev.animegan.model.weights.LegacyGraphs;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The engine's networks compute what the per-layer DL4J graphs of release 0.1 computed, on the same
 * parameters (read through {@link LegacyGraphs}): the generator, the discriminator and VGG, on odd
 * sizes, with both kernel implementations.
 */
class LegacyEquivalenceTest {
  private static ComputationGraph init(ComputationGraphConfiguration conf, long seed) {
    OneDnn.enable();
    ComputationGraph g = new ComputationGraph(conf);
    g.init();
    Nd4j.getRandom().setSeed(seed);
    g.params().addi(Nd4j.rand(DataType.FLOAT, g.params().shape()).subi(0.5).muli(0.1));
    return g;
  }

  private static void check(Net net, ComputationGraph legacy, String prefix, INDArray xNchw, INDArray expectedNchw) {
    ParamSet p = new ParamSet(LegacyGraphs.params(legacy, prefix));
    assertEquals(net.paramShapes().keySet(), p.keys(), "same parameter names");
    net.paramShapes().forEach((k, s) -> assertEquals(java.util.Arrays.toString(s), java.util.Arrays.toString(p.get(k).shape()), k));
    for (Engine e : new Engine[] {Engine.oneDnn(), Engine.nd4j(DataType.FLOAT)}) {
      INDArray x = EngineNets.nhwc(xNchw);
      INDArray y = net.forward(e, p, null, x, null, false);
      double d = EngineNets.maxRelDiff(expectedNchw, EngineNets.nchw(y));
      assertTrue(d < 2e-5, net.name() + " on " + e.kernels().name() + ": max relative difference " + d);
      e.pool().release(y);
      assertEquals(0, e.pool().liveBytes(), "every intermediate released: " + e.pool().describeLive());
    }
  }

  @Test
  void generatorMatchesTheDl4jGraph() {
    ComputationGraph legacy = init(new AnimeGanV2Generator(4).graph(32, 32, DataType.FLOAT, 1), 3);
    for (int[] hw : new int[][] {{32, 32}, {37, 50}, {17, 24}}) {
      Nd4j.getRandom().setSeed(hw[0]);
      INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, hw[0], hw[1]).muli(2).subi(1);
      check(new GeneratorNet(4), legacy, "", x, legacy.outputSingle(false, x));
    }
  }

  @Test
  void discriminatorMatchesTheDl4jGraph() {
    ComputationGraph legacy = init(new PatchDiscriminator(8, 2).graph(32, 32, DataType.FLOAT, 1), 4);
    Nd4j.getRandom().setSeed(5);
    INDArray x = Nd4j.rand(DataType.FLOAT, 3, 3, 32, 40).muli(2).subi(1);
    check(new DiscriminatorNet(8, 2), legacy, "", x, legacy.outputSingle(false, x));
  }

  @Test
  void vggMatchesTheDl4jGraph() {
    ComputationGraphConfiguration.GraphBuilder gb = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).seed(1)
        .weightInit(WeightInit.XAVIER).graphBuilder().addInputs("in");
    String out = Vgg19Features.addTo(gb, "in", "vgg.", 16, true);
    ComputationGraph legacy = init(gb.setOutputs(out).setInputTypes(InputType.convolutional(32, 32, 3)).build(), 6);
    Nd4j.getRandom().setSeed(7);
    INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 32, 48).muli(2).subi(1);
    check(new VggNet(16), legacy, "vgg.", x, legacy.outputSingle(false, x));
  }
}

package dev.animegan.model.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

class BatchVertexTest {
  /** Two inputs through their own convs, one shared conv on the concatenated batch, then per-part losses. */
  private static ComputationGraphConfiguration graph() {
    return new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).seed(1).updater(new NoOp())
        .weightInit(WeightInit.XAVIER).graphBuilder()
        .addInputs("a", "b")
        .addLayer("ca", new ConvolutionLayer.Builder(1, 1).nIn(2).nOut(2).activation(Activation.TANH).build(), "a")
        .addLayer("cb", new ConvolutionLayer.Builder(1, 1).nIn(2).nOut(2).activation(Activation.TANH).build(), "b")
        .addVertex("cat", BatchVertex.concat(), "ca", "cb")
        .addLayer("shared", new ConvolutionLayer.Builder(1, 1).nIn(2).nOut(2).activation(Activation.TANH).build(), "cat")
        .addVertex("p0", BatchVertex.slice(0, 2), "shared")
        .addVertex("p1", BatchVertex.slice(1, 2), "shared")
        .addVertex("l0", ScalarLossVertex.squaredTo(1.0), "p0")
        .addVertex("l1", ScalarLossVertex.squaredTo(0.0), "p1")
        .addVertex("sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), "l0", "l1")
        .addLayer("loss", new LossLayer.Builder().lossFunction(new MeanOfInputLoss()).activation(Activation.IDENTITY).build(),
            "sum")
        .setOutputs("loss")
        .setInputTypes(InputType.convolutional(3, 3, 2), InputType.convolutional(3, 3, 2))
        .build();
  }

  @Test
  void sliceUndoesConcat() {
    ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).graphBuilder()
        .addInputs("a", "b", "c")
        .addVertex("cat", BatchVertex.concat(), "a", "b", "c")
        .addVertex("s1", BatchVertex.slice(1, 3), "cat")
        .setOutputs("cat", "s1")
        .setInputTypes(InputType.convolutional(2, 2, 1), InputType.convolutional(2, 2, 1), InputType.convolutional(2, 2, 1))
        .build());
    g.init();
    INDArray a = Nd4j.rand(DataType.DOUBLE, 2, 1, 2, 2);
    INDArray b = Nd4j.rand(DataType.DOUBLE, 2, 1, 2, 2);
    INDArray c = Nd4j.rand(DataType.DOUBLE, 2, 1, 2, 2);
    INDArray[] out = g.output(a, b, c);
    assertEquals(6, out[0].size(0));
    assertEquals(b, out[1]);
  }

  @Test
  void gradientCheck() {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    ComputationGraph g = new ComputationGraph(graph());
    g.init();
    Nd4j.getRandom().setSeed(4);
    boolean ok = GradientChecks.graphPasses(g, new INDArray[] {Nd4j.rand(DataType.DOUBLE, 2, 2, 3, 3), Nd4j.rand(DataType.DOUBLE, 2, 2, 3, 3)}, new INDArray[] {Nd4j.zeros(DataType.DOUBLE, 2, 1)});
    assertTrue(ok);
  }

  @Test
  void jsonRoundTrip() {
    ComputationGraphConfiguration conf = graph();
    assertEquals(conf, ComputationGraphConfiguration.fromJson(conf.toJson()));
  }
}

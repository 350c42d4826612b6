package dev.animegan.model.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
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
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Exact values and gradient checks of every loss vertex, and JSON round trips. */
class LossVerticesTest {
  private static INDArray eval(GraphVertex v, InputType[] types, INDArray... inputs) {
    ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
        .graphBuilder();
    String[] names = new String[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      names[i] = "in" + i;
    }
    g.addInputs(names).addVertex("v", v, names).setOutputs("v").setInputTypes(types);
    ComputationGraph net = new ComputationGraph(g.build());
    net.init();
    return net.output(inputs)[0];
  }

  private static InputType cnn(INDArray x) {
    return InputType.convolutional(x.size(2), x.size(3), x.size(1));
  }

  @Test
  void scalarLossValues() {
    INDArray a = Nd4j.valueArrayOf(new long[] {2, 3, 2, 2}, 0.5, DataType.DOUBLE);
    INDArray b = Nd4j.zeros(DataType.DOUBLE, 2, 3, 2, 2);
    assertEquals(0.5, eval(ScalarLossVertex.l1(), new InputType[] {cnn(a), cnn(b)}, a, b).getDouble(1, 0), 1e-12);
    assertEquals(0.125, eval(ScalarLossVertex.huber(-1, 1.0), new InputType[] {cnn(a), cnn(b)}, a, b).getDouble(0, 0), 1e-12);
    INDArray three = Nd4j.valueArrayOf(new long[] {1, 3, 2, 2}, 3.0, DataType.DOUBLE);
    INDArray zero = Nd4j.zeros(DataType.DOUBLE, 1, 3, 2, 2);
    assertEquals(2.5, eval(ScalarLossVertex.huber(-1, 1.0), new InputType[] {cnn(three), cnn(zero)}, three, zero)
        .getDouble(0, 0), 1e-12, "linear branch: delta * (|r| - delta / 2)");
    assertEquals(1.0, eval(ScalarLossVertex.squaredTo(1.0), new InputType[] {cnn(zero)}, zero).getDouble(0, 0), 1e-12);
    // Only channel 1 differs: the channel-0 loss is 0, the channel-1 loss is |2|.
    INDArray c1 = Nd4j.zeros(DataType.DOUBLE, 1, 3, 2, 2);
    c1.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(1)).assign(2.0);
    assertEquals(0.0, eval(ScalarLossVertex.l1(0), new InputType[] {cnn(c1), cnn(zero)}, c1, zero).getDouble(0, 0), 1e-12);
    assertEquals(2.0, eval(ScalarLossVertex.l1(1), new InputType[] {cnn(c1), cnn(zero)}, c1, zero).getDouble(0, 0), 1e-12);
    // TV of [[0, 1], [2, 3]]: 0.5 * (4 + 4) / 2 + 0.5 * (1 + 1) / 2 = 2.5
    INDArray tv = Nd4j.createFromArray(new double[] {0, 1, 2, 3}).reshape(1, 1, 2, 2);
    assertEquals(2.5, eval(ScalarLossVertex.totalVariation(), new InputType[] {cnn(tv)}, tv).getDouble(0, 0), 1e-12);
  }

  @Test
  void transformValues() {
    INDArray x = Nd4j.createFromArray(new double[] {1, 2, 3, 4}).reshape(1, 2, 1, 2);
    INDArray gram = eval(new TransformVertex(TransformVertex.Kind.GRAM), new InputType[] {cnn(x)}, x);
    assertArrayEquals(new double[] {1.25, 2.75, 2.75, 6.25}, gram.reshape(-1).toDoubleVector(), 1e-12);

    INDArray white = Nd4j.ones(DataType.DOUBLE, 1, 3, 1, 1);
    INDArray yuv = eval(new TransformVertex(TransformVertex.Kind.RGB_TO_YUV), new InputType[] {cnn(white)}, white);
    assertArrayEquals(new double[] {1.0, 0.0, 0.0}, yuv.reshape(-1).toDoubleVector(), 1e-7);
    INDArray red = Nd4j.createFromArray(new double[] {1, -1, -1}).reshape(1, 3, 1, 1);
    assertArrayEquals(new double[] {0.299, -0.14714119, 0.61497538},
        eval(new TransformVertex(TransformVertex.Kind.RGB_TO_YUV), new InputType[] {cnn(red)}, red).reshape(-1).toDoubleVector(), 1e-12);

    INDArray vgg = eval(new TransformVertex(TransformVertex.Kind.VGG_PREPROCESS), new InputType[] {cnn(red)}, red);
    assertArrayEquals(new double[] {-103.939, -116.779, 255 - 123.68}, vgg.reshape(-1).toDoubleVector(), 1e-9, "BGR minus mean");
  }

  /** in -> two 1x1 convs (parameters) -> vertex -> MeanOfInputLoss. */
  private static void checkScalar(GraphVertex v, boolean twoInputs, int c, int h, int w) {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
        .seed(1).updater(new NoOp()).weightInit(WeightInit.XAVIER).graphBuilder().addInputs("in")
        .addLayer("a", new ConvolutionLayer.Builder(1, 1).nIn(c).nOut(c).activation(Activation.TANH).build(), "in");
    if (twoInputs) {
      g.addLayer("b", new ConvolutionLayer.Builder(1, 1).nIn(c).nOut(c).activation(Activation.TANH).build(), "in");
      g.addVertex("v", v, "a", "b");
    } else {
      g.addVertex("v", v, "a");
    }
    g.addLayer("loss", new LossLayer.Builder().lossFunction(new MeanOfInputLoss()).activation(Activation.IDENTITY).build(), "v")
        .setOutputs("loss").setInputTypes(InputType.convolutional(h, w, c));
    ComputationGraph net = new ComputationGraph(g.build());
    net.init();
    Nd4j.getRandom().setSeed(2);
    INDArray in = Nd4j.rand(DataType.DOUBLE, 3, c, h, w).muli(4).subi(2);
    boolean ok = GradientChecks.graphPasses(net, new INDArray[] {in}, new INDArray[] {Nd4j.zeros(DataType.DOUBLE, 3, 1)});
    assertTrue(ok, v.toString());
  }

  @Test
  void scalarLossGradients() {
    checkScalar(ScalarLossVertex.l1(), true, 3, 4, 5);
    checkScalar(ScalarLossVertex.l1(0), true, 3, 4, 5);
    checkScalar(ScalarLossVertex.huber(-1, 0.3), true, 3, 4, 5);
    checkScalar(ScalarLossVertex.huber(2, 0.3), true, 3, 4, 5);
    checkScalar(ScalarLossVertex.squaredTo(1.0), false, 2, 3, 4);
    checkScalar(ScalarLossVertex.totalVariation(), false, 2, 4, 5);
  }

  @Test
  void transformGradients() {
    for (TransformVertex.Kind kind : TransformVertex.Kind.values()) {
      Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
      ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
          .seed(1).updater(new NoOp()).weightInit(WeightInit.XAVIER).graphBuilder().addInputs("in")
          .addLayer("a", new ConvolutionLayer.Builder(1, 1).nIn(3).nOut(3).activation(Activation.TANH).build(), "in")
          .addVertex("t", new TransformVertex(kind), "a");
      if (kind == TransformVertex.Kind.GRAM) {
        g.addLayer("loss", new LossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(), "t");
      } else {
        g.addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(), "t");
      }
      g.setOutputs("loss").setInputTypes(InputType.convolutional(3, 4, 3));
      ComputationGraph net = new ComputationGraph(g.build());
      net.init();
      Nd4j.getRandom().setSeed(3);
      INDArray in = Nd4j.rand(DataType.DOUBLE, 2, 3, 3, 4).muli(2).subi(1);
      INDArray labels = kind == TransformVertex.Kind.GRAM
          ? Nd4j.rand(DataType.DOUBLE, 2, 9) : Nd4j.rand(DataType.DOUBLE, 2, 3, 3, 4);
      boolean ok = GradientChecks.graphPasses(net, new INDArray[] {in}, new INDArray[] {labels});
      assertTrue(ok, kind.toString());
    }
  }

  @Test
  void jsonRoundTrip() {
    ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("x", "y")
        .addVertex("g", new TransformVertex(TransformVertex.Kind.GRAM), "x")
        .addVertex("yuv", new TransformVertex(TransformVertex.Kind.RGB_TO_YUV), "y")
        .addVertex("hub", ScalarLossVertex.huber(1, 0.5), "yuv", "y")
        .addVertex("adv", ScalarLossVertex.squaredTo(1.0), "x")
        .addVertex("tv", ScalarLossVertex.totalVariation(), "x")
        .addLayer("loss", new LossLayer.Builder().lossFunction(new MeanOfInputLoss()).activation(Activation.IDENTITY).build(), "hub")
        .setOutputs("loss", "g", "adv", "tv")
        .setInputTypes(InputType.convolutional(4, 4, 3), InputType.convolutional(4, 4, 3))
        .build();
    ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
    assertEquals(conf, back);
    assertEquals(ScalarLossVertex.huber(1, 0.5), back.getVertices().get("hub"));
  }
}

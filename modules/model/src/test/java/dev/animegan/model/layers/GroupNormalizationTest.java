package dev.animegan.model.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class GroupNormalizationTest {
  @Test
  void forwardNormalisesEachSampleOverAllChannelsAndPixels() {
    Nd4j.getRandom().setSeed(1);
    INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 3, 4, 5).muli(10).addi(3);
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).list()
        .layer(new GroupNormalization())
        .setInputType(InputType.convolutional(4, 5, 3))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    assertEquals(6, net.numParams(), "gamma and beta per channel");
    net.getLayer(0).setParam("gamma", Nd4j.createFromArray(new double[][] {{1.0, 2.0, -0.5}}));
    net.getLayer(0).setParam("beta", Nd4j.createFromArray(new double[][] {{0.0, 1.0, 0.25}}));
    INDArray y = net.output(x);
    for (int n = 0; n < 2; n++) {
      INDArray sample = x.get(org.nd4j.linalg.indexing.NDArrayIndex.point(n));
      double mean = sample.meanNumber().doubleValue();
      double var = sample.sub(mean).muli(sample.sub(mean)).meanNumber().doubleValue();
      double[] gamma = {1.0, 2.0, -0.5};
      double[] beta = {0.0, 1.0, 0.25};
      for (int c = 0; c < 3; c++) {
        for (int i = 0; i < 4; i++) {
          for (int j = 0; j < 5; j++) {
            double expected = gamma[c] * (x.getDouble(n, c, i, j) - mean) / Math.sqrt(var + 1e-5) + beta[c];
            assertEquals(expected, y.getDouble(n, c, i, j), 1e-10);
          }
        }
      }
    }
  }

  @Test
  void gradientCheck() {
    GradientChecks.check(GradientChecks.network(new GroupNormalization(), 3, 4, 5), 2, 3, 4, 5, new long[] {2, 3, 4, 5});
    GradientChecks.check(GradientChecks.network(new GroupNormalization(), 1, 3, 3), 3, 1, 3, 3, new long[] {3, 1, 3, 3});
    GradientChecks.check(GradientChecks.network(
        new GroupNormalization().activation(new org.nd4j.linalg.activations.impl.ActivationLReLU(0.2)), 3, 4, 5),
        2, 3, 4, 5, new long[] {2, 3, 4, 5});
  }

  @Test
  void fusedLeakyReluEqualsASeparateActivation() {
    INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 3, 4, 5).subi(0.5);
    MultiLayerConfiguration fused = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).list()
        .layer(new GroupNormalization().activation(new org.nd4j.linalg.activations.impl.ActivationLReLU(0.2)))
        .setInputType(InputType.convolutional(4, 5, 3)).build();
    MultiLayerConfiguration separate = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).list()
        .layer(new GroupNormalization())
        .layer(new org.deeplearning4j.nn.conf.layers.ActivationLayer.Builder()
            .activation(new org.nd4j.linalg.activations.impl.ActivationLReLU(0.2)).build())
        .setInputType(InputType.convolutional(4, 5, 3)).build();
    MultiLayerNetwork a = new MultiLayerNetwork(fused);
    a.init();
    MultiLayerNetwork b = new MultiLayerNetwork(separate);
    b.init();
    assertEquals(b.output(x), a.output(x));
  }

  @Test
  void jsonRoundTrip() {
    GroupNormalization gn = new GroupNormalization();
    gn.setEps(1e-3);
    MultiLayerConfiguration conf = GradientChecks.network(gn, 4, 6, 6);
    MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
    assertEquals(conf, back);
    assertEquals(1e-3, ((GroupNormalization) back.getConf(1).getLayer()).getEps());
    assertEquals(4, ((GroupNormalization) back.getConf(1).getLayer()).getNOut());
  }
}

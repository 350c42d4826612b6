package dev.animegan.model.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Gradient checks of a custom layer in double precision: a 1x1 convolution (so the check sees the
 * custom layer's input gradient through the convolution's parameters), the layer, and an MSE loss.
 */
public final class GradientChecks {
  private GradientChecks() {}

  /**
   * DL4J's finite-difference check of every parameter of a graph in double precision (epsilon 1e-6),
   * printing failures; true when all pass.
   *
   * @param maxPerParam 0 checks every value; otherwise a subset per parameter array
   */
  public static boolean graphPasses(ComputationGraph net, INDArray[] inputs, INDArray[] labels, double maxRelError,
      double minAbsoluteError, int maxPerParam) {
    GradientCheckUtil.GraphConfig c = new GradientCheckUtil.GraphConfig().net(net)
        .inputs(inputs).labels(labels)
        .epsilon(1e-6).maxRelError(maxRelError).minAbsoluteError(minAbsoluteError)
        .print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(false);
    if (maxPerParam > 0) {
      c.subset(true).maxPerParam(maxPerParam);
    }
    return GradientCheckUtil.checkGradients(c);
  }

  /** {@link #graphPasses} with the tolerances of the layer checks: relative 1e-5, absolute 1e-9, every value. */
  public static boolean graphPasses(ComputationGraph net, INDArray[] inputs, INDArray[] labels) {
    return graphPasses(net, inputs, labels, 1e-5, 1e-9, 0);
  }

  static MultiLayerConfiguration network(Layer layer, int channels, int h, int w) {
    return new NeuralNetConfiguration.Builder()
        .dataType(DataType.DOUBLE)
        .seed(12345)
        .updater(new NoOp())
        .weightInit(WeightInit.XAVIER)
        .list()
        .layer(new ConvolutionLayer.Builder(1, 1).nIn(channels).nOut(channels).activation(Activation.TANH).build())
        .layer(layer)
        .layer(new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build())
        .setInputType(InputType.convolutional(h, w, channels))
        .build();
  }

  /** Runs DL4J's finite-difference check of every parameter; fails the test when any gradient is off. */
  static void check(MultiLayerConfiguration conf, int batch, int channels, int h, int w, long[] outShape) {
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    Nd4j.getRandom().setSeed(42);
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    INDArray input = Nd4j.rand(DataType.DOUBLE, batch, channels, h, w).subi(0.5);
    INDArray labels = Nd4j.rand(DataType.DOUBLE, outShape);
    boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
        .net(net).input(input).labels(labels)
        .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9)
        .print(GradientCheckUtil.PrintMode.FAILURES_ONLY)
        .exitOnFirstError(false));
    assertTrue(ok, "gradient check failed for " + conf.getConf(1).getLayer());
  }
}

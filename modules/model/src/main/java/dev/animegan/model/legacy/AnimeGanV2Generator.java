package dev.animegan.model.legacy;

import dev.animegan.model.layers.BilinearResizeVertex;
import dev.animegan.model.layers.GroupNormalization;
import dev.animegan.model.layers.ReflectionPadding2D;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The AnimeGANv2 generator (the public PyTorch "animegan2-pytorch" model) as a DL4J
 * ComputationGraph: same layers, shapes and, at {@code base = 32}, the same 2,143,552 parameters.
 * NCHW in [-1, 1] in and out, any height and width (stride-2 stages pad right/bottom by one pixel,
 * and two align-corners bilinear resizes bring the maps back to block_a's and the input's size).
 *
 * <p>Vertex names follow the PyTorch module paths, so a state dict maps onto them: convolution
 * {@code block_a.0.1} holds {@code block_a.0.1.weight}, its GroupNorm {@code block_a.0.2} holds
 * {@code block_a.0.2.weight/bias}, and so on. Extra vertices (padding, activation, residual add,
 * resize) carry suffixes that no state dict key has.
 *
 * @param base channels of the first stage: 32 reproduces AnimeGANv2; smaller values give narrow
 *     networks for tests and tiny CPU budgets (channels base, 2 base, 4 base, 8 base)
 */
public record AnimeGanV2Generator(int base) {
  public static final String INPUT = "input";
  public static final String OUTPUT = "out_layer.0";
  public static final int PARAMS_AT_BASE_32 = 2_143_552;

  public AnimeGanV2Generator {
    if (base < 1) {
      throw new IllegalArgumentException("generator base width must be >= 1, got " + base);
    }
  }

  public static AnimeGanV2Generator standard() {
    return new AnimeGanV2Generator(32);
  }

  /**
   * Adds the generator's vertices to {@code g}, reading from vertex {@code input}; returns the name
   * of its output vertex ({@link #OUTPUT}, tanh applied).
   */
  public String addTo(ComputationGraphConfiguration.GraphBuilder g, String input) {
    int c1 = base;
    int c2 = 2 * base;
    int c4 = 4 * base;
    int c8 = 8 * base;
    String x = cnl(g, "block_a.0", input, 3, c1, 7, 1, new int[] {3, 3, 3, 3}, 1, false);
    x = cnl(g, "block_a.1", x, c1, c2, 3, 2, new int[] {0, 1, 0, 1}, 1, false);
    String blockA = cnl(g, "block_a.2", x, c2, c2, 3, 1, new int[] {1, 1, 1, 1}, 1, false);
    x = cnl(g, "block_b.0", blockA, c2, c4, 3, 2, new int[] {0, 1, 0, 1}, 1, false);
    x = cnl(g, "block_b.1", x, c4, c4, 3, 1, new int[] {1, 1, 1, 1}, 1, false);
    x = cnl(g, "block_c.0", x, c4, c4, 3, 1, new int[] {1, 1, 1, 1}, 1, false);
    x = invertedResidual(g, "block_c.1", x, c4, c8);
    x = invertedResidual(g, "block_c.2", x, c8, c8);
    x = invertedResidual(g, "block_c.3", x, c8, c8);
    x = invertedResidual(g, "block_c.4", x, c8, c8);
    x = cnl(g, "block_c.5", x, c8, c4, 3, 1, new int[] {1, 1, 1, 1}, 1, false);
    g.addVertex("resize_to_block_a", new BilinearResizeVertex(), x, blockA);
    x = cnl(g, "block_d.0", "resize_to_block_a", c4, c4, 3, 1, new int[] {1, 1, 1, 1}, 1, false);
    x = cnl(g, "block_d.1", x, c4, c4, 3, 1, new int[] {1, 1, 1, 1}, 1, false);
    g.addVertex("resize_to_input", new BilinearResizeVertex(), x, input);
    x = cnl(g, "block_e.0", "resize_to_input", c4, c2, 3, 1, new int[] {1, 1, 1, 1}, 1, false);
    x = cnl(g, "block_e.1", x, c2, c2, 3, 1, new int[] {1, 1, 1, 1}, 1, false);
    x = cnl(g, "block_e.2", x, c2, c1, 7, 1, new int[] {3, 3, 3, 3}, 1, false);
    g.addLayer(OUTPUT, new ConvolutionLayer.Builder(1, 1).nIn(c1).nOut(3).hasBias(false)
        .convolutionMode(ConvolutionMode.Truncate).activation(Activation.TANH).build(), x);
    return OUTPUT;
  }

  /**
   * A standalone generator graph (input {@link #INPUT}, output {@link #OUTPUT}) for inference and
   * weight import; {@code height} and {@code width} only seed shape inference: any size runs.
   */
  public ComputationGraphConfiguration graph(int height, int width, DataType dataType, long seed) {
    ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
        .dataType(dataType)
        .seed(seed)
        .weightInit(WeightInit.XAVIER)
        .graphBuilder()
        .addInputs(INPUT);
    addTo(g, INPUT);
    return g.setOutputs(OUTPUT).setInputTypes(InputType.convolutional(height, width, 3)).build();
  }

  /**
   * ConvNormLReLU: reflection pad, conv (bias only when asked), GroupNorm(1), LeakyReLU(0.2). The
   * convolution is named {@code prefix.1} and the norm {@code prefix.2}, as in the PyTorch module.
   *
   * @param pad top, bottom, left, right
   * @param groups 1 for a plain convolution, {@code in} for a depthwise one
   */
  private static String cnl(ComputationGraphConfiguration.GraphBuilder g, String prefix, String in, int nIn, int nOut,
      int k, int stride, int[] pad, int groups, boolean bias) {
    String x = in;
    if (pad[0] + pad[1] + pad[2] + pad[3] > 0) {
      g.addLayer(prefix + ".pad", new ReflectionPadding2D(pad[0], pad[1], pad[2], pad[3]), x);
      x = prefix + ".pad";
    }
    if (groups == 1) {
      g.addLayer(prefix + ".1", new ConvolutionLayer.Builder(k, k).stride(stride, stride).nIn(nIn).nOut(nOut)
          .hasBias(bias).convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY).build(), x);
    } else {
      g.addLayer(prefix + ".1", new DepthwiseConvolution2D.Builder(k, k).stride(stride, stride).nIn(nIn)
          .depthMultiplier(1).nOut(nOut).hasBias(bias).convolutionMode(ConvolutionMode.Truncate)
          .activation(Activation.IDENTITY).build(), x);
    }
    // GroupNorm with the LeakyReLU fused into it (one pass less than a separate activation layer).
    g.addLayer(prefix + ".2", new GroupNormalization(nOut).activation(new ActivationLReLU(0.2)), prefix + ".1");
    return prefix + ".2";
  }

  /**
   * InvertedResBlock(in, out, expansion 2): 1x1 ConvNormLReLU to 2*in ({@code .layers.0}),
   * depthwise 3x3 ConvNormLReLU with bias ({@code .layers.1}), 1x1 conv to out ({@code .layers.2})
   * and GroupNorm ({@code .layers.3}); the input is added when in == out.
   */
  private static String invertedResidual(ComputationGraphConfiguration.GraphBuilder g, String prefix, String in,
      int nIn, int nOut) {
    int bottleneck = 2 * nIn;
    String x = cnl(g, prefix + ".layers.0", in, nIn, bottleneck, 1, 1, new int[] {0, 0, 0, 0}, 1, false);
    x = cnl(g, prefix + ".layers.1", x, bottleneck, bottleneck, 3, 1, new int[] {1, 1, 1, 1}, bottleneck, true);
    g.addLayer(prefix + ".layers.2", new ConvolutionLayer.Builder(1, 1).nIn(bottleneck).nOut(nOut).hasBias(false)
        .convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY).build(), x);
    g.addLayer(prefix + ".layers.3", new GroupNormalization(nOut), prefix + ".layers.2");
    if (nIn == nOut) {
      g.addVertex(prefix + ".add", new ElementWiseVertex(ElementWiseVertex.Op.Add), in, prefix + ".layers.3");
      return prefix + ".add";
    }
    return prefix + ".layers.3";
  }
}

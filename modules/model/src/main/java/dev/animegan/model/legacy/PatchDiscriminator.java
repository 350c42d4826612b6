package dev.animegan.model.legacy;

import dev.animegan.model.layers.GroupNormalization;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * AnimeGAN's patch discriminator (its {@code D_net}): a 3x3 conv to ch/2 channels and LeakyReLU(0.2);
 * then per stage a stride-2 3x3 conv (zero padding top/left only, as AnimeGAN's {@code conv} pads
 * stride-2 kernels), LeakyReLU, a 3x3 conv, layer normalisation, LeakyReLU; then a 3x3 conv, layer
 * normalisation, LeakyReLU and a final 3x3 conv to a one-channel map of patch scores (no
 * activation: the LSGAN losses use raw scores). Layer normalisation over [C, H, W] with a
 * per-channel affine is exactly {@link GroupNormalization}. No convolution has a bias. (AnimeGAN's
 * optional spectral normalisation is not included.)
 *
 * @param ch width: the first conv has ch/2 channels, each stage doubles it; 64 is AnimeGAN's
 * @param stages stride-2 stages, AnimeGAN's {@code n_dis - 1}; 2 is AnimeGAN's (patch map = input / 4)
 */
public record PatchDiscriminator(int ch, int stages) {
  public static final String OUTPUT = "D_logit";

  public PatchDiscriminator {
    if (ch < 2 || ch % 2 != 0) {
      throw new IllegalArgumentException("discriminator width must be an even number >= 2, got " + ch);
    }
    if (stages < 0 || stages > 6) {
      throw new IllegalArgumentException("discriminator stages must be from 0 to 6, got " + stages);
    }
  }

  public static PatchDiscriminator standard() {
    return new PatchDiscriminator(64, 2);
  }

  /** Adds the discriminator to {@code g} reading from {@code input}, names prefixed with {@code prefix}; returns its output vertex. */
  public String addTo(ComputationGraphConfiguration.GraphBuilder g, String input, String prefix) {
    return addTo(g, input, prefix, false);
  }

  /**
   * As {@link #addTo(ComputationGraphConfiguration.GraphBuilder, String, String)}; with {@code frozen}
   * the layers pass gradients through but never change (the generator's training graph holds such a
   * copy, refreshed from the discriminator's own graph after each of its steps).
   */
  public String addTo(ComputationGraphConfiguration.GraphBuilder g, String input, String prefix, boolean frozen) {
    int channel = ch / 2;
    String x = conv(g, prefix + "conv_0", input, 3, channel, 1, frozen);
    x = lrelu(g, prefix + "conv_0.act", x);
    int inCh = channel;
    for (int i = 1; i <= stages; i++) {
      x = conv(g, prefix + "conv_s2_" + i, x, inCh, channel * 2, 2, frozen);
      x = lrelu(g, prefix + "conv_s2_" + i + ".act", x);
      x = conv(g, prefix + "conv_s1_" + i, x, channel * 2, channel * 4, 1, frozen);
      g.addLayer(prefix + "norm_" + i, maybeFrozen(new GroupNormalization(channel * 4), frozen), x);
      x = lrelu(g, prefix + "norm_" + i + ".act", prefix + "norm_" + i);
      inCh = channel * 4;
      channel *= 2;
    }
    x = conv(g, prefix + "last_conv", x, inCh, channel * 2, 1, frozen);
    g.addLayer(prefix + "last_norm", maybeFrozen(new GroupNormalization(channel * 2), frozen), x);
    x = lrelu(g, prefix + "last_norm.act", prefix + "last_norm");
    return conv(g, prefix + OUTPUT, x, channel * 2, 1, 1, frozen);
  }

  private static Layer maybeFrozen(Layer layer, boolean frozen) {
    return frozen ? new FrozenLayerWithBackprop(layer) : layer;
  }

  /** A standalone discriminator graph (input "input", output {@link #OUTPUT}). */
  public ComputationGraphConfiguration graph(int height, int width, DataType dataType, long seed) {
    ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
        .dataType(dataType).seed(seed).weightInit(WeightInit.XAVIER)
        .graphBuilder().addInputs("input");
    String out = addTo(g, "input", "");
    return g.setOutputs(out).setInputTypes(InputType.convolutional(height, width, 3)).build();
  }

  private static String conv(ComputationGraphConfiguration.GraphBuilder g, String name, String in, int nIn, int nOut,
      int stride, boolean frozen) {
    // stride 1: pad 1 all round; stride 2: AnimeGAN pads (k - s) = 1 pixel, on the top and left.
    int[] pad = stride == 1 ? new int[] {1, 1, 1, 1} : new int[] {1, 0, 1, 0};
    g.addLayer(name + ".pad", new ZeroPaddingLayer.Builder(pad[0], pad[1], pad[2], pad[3]).build(), in);
    g.addLayer(name, maybeFrozen(new ConvolutionLayer.Builder(3, 3).stride(stride, stride).nIn(nIn).nOut(nOut)
        .hasBias(false).convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY).build(), frozen),
        name + ".pad");
    return name;
  }

  private static String lrelu(ComputationGraphConfiguration.GraphBuilder g, String name, String in) {
    g.addLayer(name, new ActivationLayer.Builder().activation(new ActivationLReLU(0.2)).build(), in);
    return name;
  }
}

package dev.animegan.model.legacy;

import dev.animegan.model.layers.TransformVertex;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.nd4j.linalg.activations.Activation;

/**
 * The perceptual network of AnimeGAN's losses: VGG19 from its input up to {@code block4_conv4}
 * before its ReLU ("conv4_4_no_activation"), with Keras' layer names, fed [-1, 1] RGB through
 * Caffe-style preprocessing (BGR, 0..255, ImageNet mean subtracted), which is what Keras' VGG19
 * weights expect. 3x3 convolutions with "same" padding, 2x2 max pooling after blocks 1 to 3.
 * Frozen layers pass gradients through but never change ({@code FrozenLayerWithBackprop}).
 */
public final class Vgg19Features {
  /** One convolution of the network: Keras name, input and output channels at full width. */
  public record Conv(String name, int in, int out, boolean poolAfter) {}

  public static final List<Conv> CONVS = List.of(
      new Conv("block1_conv1", 3, 64, false), new Conv("block1_conv2", 64, 64, true),
      new Conv("block2_conv1", 64, 128, false), new Conv("block2_conv2", 128, 128, true),
      new Conv("block3_conv1", 128, 256, false), new Conv("block3_conv2", 256, 256, false),
      new Conv("block3_conv3", 256, 256, false), new Conv("block3_conv4", 256, 256, true),
      new Conv("block4_conv1", 256, 512, false), new Conv("block4_conv2", 512, 512, false),
      new Conv("block4_conv3", 512, 512, false), new Conv("block4_conv4", 512, 512, false));

  private Vgg19Features() {}

  /**
   * Adds the network to {@code g} reading [-1, 1] RGB from {@code input}; vertex names are
   * {@code prefix + Keras name}. Returns the output vertex ({@code prefix + "block4_conv4"}).
   *
   * @param widthDivisor 1 for VGG19 (needed to load its weights); larger values give narrow,
   *     randomly initialised stand-ins for tests and demos
   */
  public static String addTo(ComputationGraphConfiguration.GraphBuilder g, String input, String prefix, int widthDivisor,
      boolean frozen) {
    if (widthDivisor < 1) {
      throw new IllegalArgumentException("VGG width divisor must be >= 1, got " + widthDivisor);
    }
    g.addVertex(prefix + "preprocess", new TransformVertex(TransformVertex.Kind.VGG_PREPROCESS), input);
    String x = prefix + "preprocess";
    for (int i = 0; i < CONVS.size(); i++) {
      Conv c = CONVS.get(i);
      boolean last = i == CONVS.size() - 1;
      int nIn = c.in() == 3 ? 3 : Math.max(1, c.in() / widthDivisor);
      int nOut = Math.max(1, c.out() / widthDivisor);
      Layer conv = new ConvolutionLayer.Builder(3, 3).nIn(nIn).nOut(nOut).convolutionMode(ConvolutionMode.Same)
          .activation(last ? Activation.IDENTITY : Activation.RELU).build();
      g.addLayer(prefix + c.name(), frozen ? new FrozenLayerWithBackprop(conv) : conv, x);
      x = prefix + c.name();
      if (c.poolAfter()) {
        String pool = prefix + c.name().substring(0, 6) + "_pool";
        g.addLayer(pool, new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
            .convolutionMode(ConvolutionMode.Truncate).build(), x);
        x = pool;
      }
    }
    return x;
  }
}

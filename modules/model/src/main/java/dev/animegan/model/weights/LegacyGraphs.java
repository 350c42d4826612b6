package dev.animegan.model.weights;

import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reads the parameters of the per-layer DL4J graphs that animegan-spark 0.1 saved (one DL4J layer
 * per convolution and norm: {@code generator.zip}, a checkpoint's {@code pretrain.zip},
 * {@code generator-training.zip} and {@code discriminator-training.zip}) in the engine's names and
 * layouts, so those files keep loading: layer {@code block_a.0.1} param {@code W} becomes
 * {@code block_a.0.1.weight}, {@code b} {@code .bias}, GroupNorm's {@code gamma}/{@code beta}
 * {@code .weight}/{@code .bias}; depthwise weights go from DL4J's [k, k, C, 1] to PyTorch's
 * [C, 1, k, k].
 */
public final class LegacyGraphs {
  private LegacyGraphs() {}

  /** Whether {@code g} is a per-layer graph of that format (it has a layer named {@code probe}). */
  public static boolean hasLayer(ComputationGraph g, String probe) {
    try {
      return g.getLayer(probe) != null;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The parameters of the layers named {@code prefix + ...}, keyed without the prefix, as copies. */
  public static Map<String, INDArray> params(ComputationGraph g, String prefix) {
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (Layer layer : g.getLayers()) {
      if (layer.numParams() == 0) {
        continue;
      }
      String name = layer.conf().getLayer().getLayerName();
      if (!name.startsWith(prefix)) {
        continue;
      }
      org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
      if (conf instanceof org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop f) {
        conf = f.getUnderlying();
      }
      boolean depthwise = conf instanceof DepthwiseConvolution2D;
      String key = name.substring(prefix.length());
      for (Map.Entry<String, INDArray> p : layer.paramTable().entrySet()) {
        INDArray v = p.getValue();
        switch (p.getKey()) {
          case "W" -> out.put(key + ".weight", depthwise ? v.permute(2, 3, 0, 1).dup('c') : v.dup('c'));
          case "b", "beta" -> out.put(key + (p.getKey().equals("b") ? ".bias" : ".bias"), v.reshape(v.length()).dup());
          case "gamma" -> out.put(key + ".weight", v.reshape(v.length()).dup());
          default -> throw new IllegalArgumentException("unexpected parameter " + p.getKey() + " of layer " + name);
        }
      }
    }
    return out;
  }
}

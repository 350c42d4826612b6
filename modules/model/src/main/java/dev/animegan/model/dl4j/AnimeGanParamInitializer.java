package dev.animegan.model.dl4j;

import dev.animegan.model.engine.ParamSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Splits an {@link AnimeGanLayer}'s flat parameter (and gradient) vector into named views of the
 * shapes {@link AnimeGanLayer#paramShapes()} lists, and initialises them (seeded by ND4J's RNG,
 * which DL4J seeds from the network configuration).
 */
public final class AnimeGanParamInitializer implements ParamInitializer {
  public static final AnimeGanParamInitializer INSTANCE = new AnimeGanParamInitializer();

  private AnimeGanParamInitializer() {}

  private static AnimeGanLayer conf(Layer layer) {
    return (AnimeGanLayer) layer;
  }

  @Override
  public long numParams(NeuralNetConfiguration conf) {
    return numParams(conf.getLayer());
  }

  @Override
  public long numParams(Layer layer) {
    long n = 0;
    for (long[] s : conf(layer).paramShapes().values()) {
      long k = 1;
      for (long d : s) {
        k *= d;
      }
      n += k;
    }
    return n;
  }

  @Override
  public List<String> paramKeys(Layer layer) {
    return conf(layer).paramShapes().keySet().stream().map(AnimeGanLayer::key).collect(java.util.stream.Collectors.toList());
  }

  @Override
  public List<String> weightKeys(Layer layer) {
    List<String> out = new ArrayList<>();
    conf(layer).paramShapes().forEach((k, s) -> {
      if (s.length == 4) {
        out.add(AnimeGanLayer.key(k));
      }
    });
    return out;
  }

  @Override
  public List<String> biasKeys(Layer layer) {
    List<String> out = new ArrayList<>();
    conf(layer).paramShapes().forEach((k, s) -> {
      if (s.length != 4) {
        out.add(AnimeGanLayer.key(k));
      }
    });
    return out;
  }

  @Override
  public boolean isWeightParam(Layer layer, String key) {
    long[] s = conf(layer).paramShapes().get(AnimeGanLayer.name(key));
    return s != null && s.length == 4;
  }

  @Override
  public boolean isBiasParam(Layer layer, String key) {
    long[] s = conf(layer).paramShapes().get(AnimeGanLayer.name(key));
    return s != null && s.length != 4;
  }

  /** 'c'-order views of {@code flat} (any shape holding the layer's parameter count) by network name. */
  public static Map<String, INDArray> named(AnimeGanLayer layer, INDArray flat) {
    INDArray f = flat.reshape(flat.length());
    Map<String, INDArray> out = new LinkedHashMap<>();
    long offset = 0;
    for (Map.Entry<String, long[]> e : layer.paramShapes().entrySet()) {
      long n = 1;
      for (long d : e.getValue()) {
        n *= d;
      }
      out.put(e.getKey(), f.get(NDArrayIndex.interval(offset, offset + n)).reshape('c', e.getValue()));
      offset += n;
    }
    if (offset != f.length()) {
      throw new IllegalStateException("AnimeGanLayer expects " + offset + " parameters, got " + f.length());
    }
    return out;
  }

  /** As {@link #named}, keyed by DL4J key. */
  static Map<String, INDArray> views(AnimeGanLayer layer, INDArray flat) {
    Map<String, INDArray> out = new LinkedHashMap<>();
    named(layer, flat).forEach((k, v) -> out.put(AnimeGanLayer.key(k), v));
    return out;
  }

  /** The [from, to) range of the flat vector holding the parameters whose names start with {@code prefix} (contiguous by construction). */
  public static long[] range(AnimeGanLayer layer, java.util.function.Predicate<String> member) {
    long offset = 0;
    long from = -1;
    long to = -1;
    for (Map.Entry<String, long[]> e : layer.paramShapes().entrySet()) {
      long n = 1;
      for (long d : e.getValue()) {
        n *= d;
      }
      if (member.test(e.getKey())) {
        if (from < 0) {
          from = offset;
        } else if (to != offset) {
          throw new IllegalStateException("parameters are not contiguous at " + e.getKey());
        }
        to = offset + n;
      }
      offset += n;
    }
    return new long[] {from, to};
  }

  @Override
  public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
    AnimeGanLayer layer = conf(conf.getLayer());
    Map<String, INDArray> views = views(layer, paramsView);
    if (initializeParams) {
      ParamSet all = new ParamSet(named(layer, paramsView));
      layer.generatorNet().init(all);
      if (layer.getRole() != AnimeGanLayer.Role.GENERATOR) {
        layer.vggNet().init(all.sub(AnimeGanLayer.VGG));
      }
      if (layer.getRole() == AnimeGanLayer.Role.ADVERSARIAL) {
        layer.discriminatorNet().init(all.sub(AnimeGanLayer.D));
        views.get(AnimeGanLayer.D_ADAM_M).assign(0);
        views.get(AnimeGanLayer.D_ADAM_V).assign(0);
        views.get(AnimeGanLayer.D_ADAM_T).assign(0);
      }
    }
    return views;
  }

  @Override
  public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
    return views(conf(conf.getLayer()), gradientView);
  }
}

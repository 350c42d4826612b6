package dev.animegan.model.layers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Parameters of {@link GroupNormalization}: per-channel scale {@code gamma} (init 1) then shift {@code beta} (init 0). */
public final class GroupNormParamInitializer implements ParamInitializer {
  public static final String GAMMA = "gamma";
  public static final String BETA = "beta";
  private static final GroupNormParamInitializer INSTANCE = new GroupNormParamInitializer();

  public static GroupNormParamInitializer getInstance() {
    return INSTANCE;
  }

  private static long channels(Layer layer) {
    return ((GroupNormalization) layer).getNOut();
  }

  @Override
  public long numParams(NeuralNetConfiguration conf) {
    return numParams(conf.getLayer());
  }

  @Override
  public long numParams(Layer layer) {
    return 2 * channels(layer);
  }

  @Override
  public List<String> paramKeys(Layer layer) {
    return List.of(GAMMA, BETA);
  }

  @Override
  public List<String> weightKeys(Layer layer) {
    return List.of(GAMMA);
  }

  @Override
  public List<String> biasKeys(Layer layer) {
    return List.of(BETA);
  }

  @Override
  public boolean isWeightParam(Layer layer, String key) {
    return GAMMA.equals(key);
  }

  @Override
  public boolean isBiasParam(Layer layer, String key) {
    return BETA.equals(key);
  }

  @Override
  public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
    Map<String, INDArray> views = split(conf, paramsView);
    if (initializeParams) {
      views.get(GAMMA).assign(1.0);
      views.get(BETA).assign(0.0);
    }
    return views;
  }

  @Override
  public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
    return split(conf, gradientView);
  }

  private static Map<String, INDArray> split(NeuralNetConfiguration conf, INDArray flat) {
    long c = channels(conf.getLayer());
    INDArray row = flat.reshape(flat.length());
    Map<String, INDArray> m = new LinkedHashMap<>();
    m.put(GAMMA, row.get(NDArrayIndex.interval(0, c)).reshape(1, c));
    m.put(BETA, row.get(NDArrayIndex.interval(c, 2 * c)).reshape(1, c));
    return m;
  }
}

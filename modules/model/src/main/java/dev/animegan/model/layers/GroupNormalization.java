package dev.animegan.model.layers;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.InputTypeUtil;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * PyTorch's {@code nn.GroupNorm(num_groups=1, num_channels=C, affine=True)} for NCHW activations:
 * each sample is normalised over all its channels and pixels together, then scaled and shifted
 * per channel. This is what AnimeGANv2 uses after every convolution. Configuration only;
 * {@link GroupNormalizationLayer} computes.
 */
public class GroupNormalization extends FeedForwardLayer {
  private static final long serialVersionUID = 1L;

  private double eps = 1e-5;

  /** For JSON. */
  public GroupNormalization() {
    this.activationFn = new ActivationIdentity();
  }

  /** A layer for {@code channels} channels (0: taken from the input type), no activation. */
  public GroupNormalization(long channels) {
    this();
    this.nIn = channels;
    this.nOut = channels;
  }

  /**
   * Applies {@code activation} to the normalised output in place (saves the separate activation
   * layer's copy of the whole map); the backward pass goes through it first.
   */
  public GroupNormalization activation(IActivation activation) {
    this.activationFn = activation;
    return this;
  }

  public double getEps() {
    return eps;
  }

  public void setEps(double eps) {
    this.eps = eps;
  }

  @Override
  public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
      INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
    GroupNormalizationLayer layer = new GroupNormalizationLayer(conf, networkDataType);
    layer.setListeners(listeners);
    layer.setIndex(layerIndex);
    layer.setParamsViewArray(layerParamsView);
    Map<String, INDArray> params = initializer().init(conf, layerParamsView, initializeParams);
    layer.setParamTable(params);
    layer.setConf(conf);
    return layer;
  }

  @Override
  public ParamInitializer initializer() {
    return GroupNormParamInitializer.getInstance();
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    if (!(inputType instanceof InputType.InputTypeConvolutional)) {
      throw new IllegalStateException("GroupNormalization (layer " + getLayerName() + ") needs convolutional input, got "
          + inputType);
    }
    return inputType;
  }

  @Override
  public void setNIn(InputType inputType, boolean override) {
    if (inputType instanceof InputType.InputTypeConvolutional c && (nIn <= 0 || override)) {
      nIn = c.getChannels();
      nOut = nIn;
    }
  }

  @Override
  public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
    return InputTypeUtil.getPreProcessorForInputTypeCnnLayers(inputType, getLayerName());
  }

  @Override
  public List<Regularization> getRegularizationByParam(String paramName) {
    return List.of(); // like PyTorch's optimisers over norm layers here: no weight decay on gamma/beta
  }

  @Override
  public boolean isPretrainParam(String paramName) {
    return false;
  }

  @Override
  public LayerMemoryReport getMemoryReport(InputType inputType) {
    long perExample = inputType.arrayElementsPerExample();
    return new LayerMemoryReport.Builder(layerName, GroupNormalization.class, inputType, inputType)
        .standardMemory(2 * nOut, 2 * nOut)
        .workingMemory(0, perExample, 0, 2 * perExample)
        .cacheMemory(0, 0)
        .build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GroupNormalization other && super.equals(o) && Double.compare(eps, other.eps) == 0;
  }

  @Override
  public int hashCode() {
    return 31 * super.hashCode() + Double.hashCode(eps);
  }

  @Override
  public String toString() {
    return "GroupNormalization(" + getLayerName() + ", groups=1, channels=" + nOut + ", eps=" + eps + ", activation="
        + activationFn + ")";
  }
}

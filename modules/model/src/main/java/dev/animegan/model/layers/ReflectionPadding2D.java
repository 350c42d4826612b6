package dev.animegan.model.layers;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.InputTypeUtil;
import org.deeplearning4j.nn.conf.layers.NoParamLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reflection padding of NCHW activations, as PyTorch's {@code nn.ReflectionPad2d((left, right, top, bottom))}:
 * the border is mirrored without repeating the edge pixel. Pads may differ per side (AnimeGANv2
 * pads stride-2 convolutions on the right and bottom only). Each pad must be smaller than the
 * dimension it pads. Configuration only; {@link ReflectionPadding2DLayer} computes.
 */
public class ReflectionPadding2D extends NoParamLayer {
  private static final long serialVersionUID = 1L;

  /** top, bottom, left, right. */
  private int[] padding = {1, 1, 1, 1};

  /** For JSON. */
  public ReflectionPadding2D() {}

  public ReflectionPadding2D(int top, int bottom, int left, int right) {
    if (top < 0 || bottom < 0 || left < 0 || right < 0) {
      throw new IllegalArgumentException("padding must be >= 0, got " + top + "," + bottom + "," + left + "," + right);
    }
    this.padding = new int[] {top, bottom, left, right};
  }

  /** The same pad on every side. */
  public ReflectionPadding2D(int pad) {
    this(pad, pad, pad, pad);
  }

  public int[] getPadding() {
    return padding.clone();
  }

  public void setPadding(int[] padding) {
    if (padding == null || padding.length != 4) {
      throw new IllegalArgumentException("padding is {top, bottom, left, right}");
    }
    this.padding = padding.clone();
  }

  @Override
  public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
      INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
    ReflectionPadding2DLayer layer = new ReflectionPadding2DLayer(conf, networkDataType);
    layer.setListeners(listeners);
    layer.setIndex(layerIndex);
    Map<String, INDArray> params = initializer().init(conf, layerParamsView, initializeParams);
    layer.setParamTable(params);
    layer.setConf(conf);
    return layer;
  }

  @Override
  public ParamInitializer initializer() {
    return org.deeplearning4j.nn.params.EmptyParamInitializer.getInstance();
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    if (!(inputType instanceof InputType.InputTypeConvolutional c)) {
      throw new IllegalStateException("ReflectionPadding2D (layer " + getLayerName() + ") needs convolutional input, got "
          + inputType);
    }
    return InputType.convolutional(c.getHeight() + padding[0] + padding[1], c.getWidth() + padding[2] + padding[3],
        c.getChannels(), c.getFormat());
  }

  @Override
  public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
    return InputTypeUtil.getPreProcessorForInputTypeCnnLayers(inputType, getLayerName());
  }

  @Override
  public LayerMemoryReport getMemoryReport(InputType inputType) {
    InputType out = getOutputType(-1, inputType);
    return new LayerMemoryReport.Builder(layerName, ReflectionPadding2D.class, inputType, out)
        .standardMemory(0, 0)
        .workingMemory(0, 0, 0, out.arrayElementsPerExample())
        .cacheMemory(0, 0)
        .build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReflectionPadding2D other && super.equals(o) && Arrays.equals(padding, other.padding);
  }

  @Override
  public int hashCode() {
    return 31 * super.hashCode() + Arrays.hashCode(padding);
  }

  @Override
  public String toString() {
    return "ReflectionPadding2D(" + getLayerName() + ", top/bottom/left/right=" + Arrays.toString(padding) + ")";
  }
}

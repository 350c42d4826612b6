package dev.animegan.model.layers;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Bilinear resize with {@code align_corners=True} (PyTorch's
 * {@code F.interpolate(x, size=ref.shape[2:], mode="bilinear", align_corners=True)}): input 0 is
 * resized to the height and width of input 1, whose values are not used (its gradient is zero).
 * AnimeGANv2 uses it to upsample back to block_a's size and to the input size, so a fully
 * convolutional generator works at any H and W.
 */
public class BilinearResizeVertex extends GraphVertex {
  private static final long serialVersionUID = 1L;

  @Override
  public BilinearResizeVertex clone() {
    return new BilinearResizeVertex();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BilinearResizeVertex;
  }

  @Override
  public int hashCode() {
    return BilinearResizeVertex.class.getName().hashCode();
  }

  @Override
  public long numParams(boolean backprop) {
    return 0;
  }

  @Override
  public int minVertexInputs() {
    return 2;
  }

  @Override
  public int maxVertexInputs() {
    return 2;
  }

  @Override
  public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
      INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
    return new FunctionVertexImpl(graph, name, idx, networkDatatype, new BilinearResizeVertexImpl(), toString());
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
    if (vertexInputs.length != 2
        || !(vertexInputs[0] instanceof InputType.InputTypeConvolutional x)
        || !(vertexInputs[1] instanceof InputType.InputTypeConvolutional ref)) {
      throw new InvalidInputTypeException("BilinearResizeVertex needs two convolutional inputs (tensor, size reference)");
    }
    return InputType.convolutional(ref.getHeight(), ref.getWidth(), x.getChannels(), x.getFormat());
  }

  @Override
  public MemoryReport getMemoryReport(InputType... vertexInputs) {
    InputType out = getOutputType(-1, vertexInputs);
    return new LayerMemoryReport.Builder(null, BilinearResizeVertex.class, vertexInputs[0], out)
        .standardMemory(0, 0)
        .workingMemory(0, 0, 0, out.arrayElementsPerExample())
        .cacheMemory(0, 0)
        .build();
  }

  @Override
  public String toString() {
    return "BilinearResizeVertex(align_corners=true)";
  }
}

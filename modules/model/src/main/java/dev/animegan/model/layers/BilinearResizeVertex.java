package dev.animegan.model.layers;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Bilinear resize with {@code align_corners=True} (PyTorch's
 * {@code F.interpolate(x, size=ref.shape[2:], mode="bilinear", align_corners=True)}): input 0 is
 * resized to the height and width of input 1, whose values are not used (its gradient is zero).
 * AnimeGANv2 uses it to upsample back to block_a's size and to the input size, so a fully
 * convolutional generator works at any H and W.
 */
public class BilinearResizeVertex extends FunctionVertex {
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
  public int minVertexInputs() {
    return 2;
  }

  @Override
  public int maxVertexInputs() {
    return 2;
  }

  @Override
  VertexFunction function() {
    return new BilinearResizeVertexImpl();
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
  public String toString() {
    return "BilinearResizeVertex(align_corners=true)";
  }
}

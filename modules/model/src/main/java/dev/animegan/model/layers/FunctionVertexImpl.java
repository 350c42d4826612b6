package dev.animegan.model.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A graph vertex computing a {@link VertexFunction}: no parameters, no masks; the results are
 * placed in the workspaces DL4J expects (activations forward, activation gradients backward).
 */
final class FunctionVertexImpl extends BaseGraphVertex {
  private final VertexFunction function;
  private final String description;

  FunctionVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType, VertexFunction function,
      String description) {
    super(graph, name, vertexIndex, null, null, dataType);
    this.function = function;
    this.description = description;
  }

  @Override
  public boolean hasLayer() {
    return false;
  }

  @Override
  public Layer getLayer() {
    return null;
  }

  @Override
  public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
    if (!canDoForward()) {
      throw new IllegalStateException(description + " " + vertexName + ": inputs not set");
    }
    INDArray result = function.forward(inputs);
    INDArray out = workspaceMgr.create(ArrayType.ACTIVATIONS, result.dataType(), result.shape(), 'c');
    out.assign(result);
    return out;
  }

  @Override
  public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
    INDArray[] grads = function.backward(inputs, epsilon);
    INDArray[] out = new INDArray[grads.length];
    for (int i = 0; i < grads.length; i++) {
      out[i] = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, inputs[i].dataType(), inputs[i].shape(), 'c');
      out[i].assign(grads[i].reshape(inputs[i].shape()));
    }
    return new Pair<>(null, out);
  }

  @Override
  public void setBackpropGradientsViewArray(INDArray view) {
    if (view != null) {
      throw new IllegalStateException(description + " has no parameters");
    }
  }

  @Override
  public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
      int minibatchSize) {
    return new Pair<>(null, currentMaskState);
  }

  @Override
  public String toString() {
    return description + "(" + vertexName + ")";
  }
}

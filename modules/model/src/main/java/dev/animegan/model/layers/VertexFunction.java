package dev.animegan.model.layers;

import org.nd4j.linalg.api.ndarray.INDArray;

/** A parameter-free, differentiable function of a vertex's inputs, with its hand-written backward pass. */
interface VertexFunction {
  /** The output for {@code inputs}. Must not modify them. */
  INDArray forward(INDArray[] inputs);

  /** The gradient with respect to each input, given the gradient {@code epsilon} of the output. */
  INDArray[] backward(INDArray[] inputs, INDArray epsilon);
}

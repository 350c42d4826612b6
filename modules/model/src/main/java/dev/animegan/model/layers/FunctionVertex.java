package dev.animegan.model.layers;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of a parameter-free vertex whose computation is a {@link VertexFunction}: the
 * plumbing every such vertex shares (no parameters, instantiation through
 * {@link FunctionVertexImpl}, a memory report from the output type).
 */
public abstract class FunctionVertex extends GraphVertex {
  private static final long serialVersionUID = 1L;

  /** The computation of this vertex. */
  abstract VertexFunction function();

  /** Working memory per example for the memory report; the output size unless a vertex says otherwise. */
  long workingMemoryPerExample(InputType output) {
    return output.arrayElementsPerExample();
  }

  @Override
  public long numParams(boolean backprop) {
    return 0;
  }

  @Override
  public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
      INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
    return new FunctionVertexImpl(graph, name, idx, networkDatatype, function(), toString());
  }

  @Override
  public MemoryReport getMemoryReport(InputType... vertexInputs) {
    InputType out = getOutputType(-1, vertexInputs);
    return new LayerMemoryReport.Builder(null, getClass(), vertexInputs[0], out)
        .standardMemory(0, 0)
        .workingMemory(0, 0, 0, workingMemoryPerExample(out))
        .cacheMemory(0, 0)
        .build();
  }
}

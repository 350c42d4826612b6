package dev.animegan.model.layers;

import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.util.Objects;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Batch-dimension plumbing, so one shared network (VGG, the discriminator) processes several image
 * sets in one pass: {@code CONCAT} stacks its inputs along dimension 0 (all the same minibatch size);
 * {@code SLICE} takes part {@code part} of {@code parts} equal parts of its input along dimension 0.
 */
public class BatchVertex extends FunctionVertex {
  private static final long serialVersionUID = 1L;

  /** The operations. */
  public enum Op { CONCAT, SLICE }

  private Op op = Op.CONCAT;
  private int part;
  private int parts = 1;

  /** For JSON. */
  public BatchVertex() {}

  private BatchVertex(Op op, int part, int parts) {
    this.op = op;
    this.part = part;
    this.parts = parts;
  }

  public static BatchVertex concat() {
    return new BatchVertex(Op.CONCAT, 0, 1);
  }

  public static BatchVertex slice(int part, int parts) {
    if (parts < 1 || part < 0 || part >= parts) {
      throw new IllegalArgumentException("slice part " + part + " of " + parts);
    }
    return new BatchVertex(Op.SLICE, part, parts);
  }

  public Op getOp() {
    return op;
  }

  public void setOp(Op op) {
    this.op = op;
  }

  public int getPart() {
    return part;
  }

  public void setPart(int part) {
    this.part = part;
  }

  public int getParts() {
    return parts;
  }

  public void setParts(int parts) {
    this.parts = parts;
  }

  @Override
  public BatchVertex clone() {
    return new BatchVertex(op, part, parts);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BatchVertex v && v.op == op && v.part == part && v.parts == parts;
  }

  @Override
  public int hashCode() {
    return Objects.hash(op, part, parts);
  }

  @Override
  public int minVertexInputs() {
    return 1;
  }

  @Override
  public int maxVertexInputs() {
    return op == Op.CONCAT ? Integer.MAX_VALUE : 1;
  }

  @Override
  VertexFunction function() {
    return op == Op.CONCAT ? new Concat() : new Slice(part, parts);
  }

  @Override
  long workingMemoryPerExample(InputType output) {
    return 0;
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
    for (InputType t : vertexInputs) {
      if (!t.equals(vertexInputs[0])) {
        throw new InvalidInputTypeException(this + " needs inputs of one type, got " + java.util.Arrays.toString(vertexInputs));
      }
    }
    return vertexInputs[0];
  }

  @Override
  public String toString() {
    return op == Op.CONCAT ? "BatchVertex(concat)" : "BatchVertex(slice " + part + " of " + parts + ")";
  }

  private static INDArrayIndex[] rows(long from, long to, int rank) {
    INDArrayIndex[] idx = new INDArrayIndex[rank];
    idx[0] = interval(from, to);
    for (int i = 1; i < rank; i++) {
      idx[i] = NDArrayIndex.all();
    }
    return idx;
  }

  private static final class Concat implements VertexFunction {
    @Override
    public INDArray forward(INDArray[] in) {
      return in.length == 1 ? in[0].dup() : Nd4j.concat(0, in);
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray eps) {
      INDArray[] out = new INDArray[in.length];
      long row = 0;
      for (int i = 0; i < in.length; i++) {
        long n = in[i].size(0);
        out[i] = eps.get(rows(row, row + n, eps.rank())).dup();
        row += n;
      }
      return out;
    }
  }

  private record Slice(int part, int parts) implements VertexFunction {
    @Override
    public INDArray forward(INDArray[] in) {
      long n = in[0].size(0);
      if (n % parts != 0) {
        throw new IllegalStateException("minibatch " + n + " does not split into " + parts + " equal parts");
      }
      long size = n / parts;
      return in[0].get(rows(part * size, (part + 1) * size, in[0].rank())).dup();
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray eps) {
      long size = in[0].size(0) / parts;
      INDArray dx = Nd4j.zeros(in[0].dataType(), in[0].shape());
      dx.get(rows(part * size, (part + 1) * size, in[0].rank())).assign(eps);
      return new INDArray[] {dx};
    }
  }
}

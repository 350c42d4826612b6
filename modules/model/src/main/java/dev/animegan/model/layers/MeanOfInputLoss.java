package dev.animegan.model.layers;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * A "loss" whose value is its input: each example's score is the sum of its (activated) input
 * row, and labels are ignored. It lets a graph whose vertices already compute the weighted loss
 * terms end in an ordinary DL4J output layer ({@code LossLayer}), so {@code fit} and the updaters
 * work unchanged.
 */
public class MeanOfInputLoss implements ILossFunction {
  private static final long serialVersionUID = 1L;

  @Override
  public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
    INDArray out = activationFn.getActivation(preOutput.dup(), true);
    if (mask != null) {
      out.muliColumnVector(mask);
    }
    return out.sum(true, 1);
  }

  @Override
  public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
      boolean average) {
    double sum = computeScoreArray(labels, preOutput, activationFn, mask).sumNumber().doubleValue();
    return average ? sum / preOutput.size(0) : sum;
  }

  @Override
  public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
    INDArray ones = preOutput.ulike().assign(1.0);
    if (mask != null) {
      ones.muliColumnVector(mask);
    }
    return activationFn.backprop(preOutput.dup(), ones).getFirst();
  }

  @Override
  public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
      INDArray mask, boolean average) {
    return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
        computeGradient(labels, preOutput, activationFn, mask));
  }

  @Override
  public String name() {
    return "MeanOfInput";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MeanOfInputLoss;
  }

  @Override
  public int hashCode() {
    return MeanOfInputLoss.class.hashCode();
  }

  @Override
  public String toString() {
    return "MeanOfInputLoss()";
  }
}

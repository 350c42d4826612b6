package dev.animegan.model.engine;

import java.util.ArrayDeque;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What a forward pass records for its backward pass: one closure per operation, run in reverse
 * order. Each closure owns the tensors it saved and releases them when it runs (or when the tape is
 * discarded), so memory falls as the backward pass proceeds.
 */
public final class Tape {
  /** One operation's backward pass. */
  public interface Step {
    /** Takes ownership of {@code dy} and returns the input gradient (owned by the caller), or null when none is needed. */
    INDArray backward(INDArray dy);

    /** Releases what the step saved, without running it. */
    void discard();
  }

  private final ArrayDeque<Step> steps = new ArrayDeque<>();

  public void push(Step s) {
    steps.push(s);
  }

  public boolean isEmpty() {
    return steps.isEmpty();
  }

  /** Runs every step from the last one recorded; returns the gradient of the first step's input (or null). */
  public INDArray backward(INDArray dy) {
    try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      INDArray g = dy;
      while (!steps.isEmpty()) {
        Step s = steps.pop();
        if (g == null) {
          s.discard();
        } else {
          g = s.backward(g);
        }
      }
      return g;
    }
  }

  /** Forgets the recorded steps without running or releasing them (their tensors were freed wholesale). */
  void clearWithoutReleasing() {
    steps.clear();
  }

  /** Releases everything recorded (an abandoned step, e.g. after an error). */
  public void discard() {
    while (!steps.isEmpty()) {
      steps.pop().discard();
    }
  }
}

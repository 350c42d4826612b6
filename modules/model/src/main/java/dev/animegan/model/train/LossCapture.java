package dev.animegan.model.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Records the batch mean of each {@code loss.NAME} vertex during the forward pass of {@code fit}. */
public final class LossCapture extends BaseTrainingListener {
  private final List<String> terms;
  private final Map<String, Double> last = new LinkedHashMap<>();

  public LossCapture(List<String> terms) {
    this.terms = terms;
  }

  @Override
  public void onForwardPass(Model model, Map<String, INDArray> activations) {
    last.clear();
    for (String t : terms) {
      INDArray a = activations.get("loss." + t);
      last.put(t, a == null ? Double.NaN : a.meanNumber().doubleValue());
    }
  }

  public Map<String, Double> last() {
    return new LinkedHashMap<>(last);
  }
}

package dev.animegan.spark.train;

import dev.animegan.model.train.AnimeGanGraphs;
import dev.animegan.model.train.LossTerm;
import dev.animegan.model.dl4j.AnimeGanLayerImpl;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Runs on the workers around every {@code graph.fit(minibatch)} of dl4j-spark's
 * {@code ParameterAveragingTrainingWorker}:
 *
 * <ul>
 *   <li>pretraining: feeds the graph the photo only;
 *   <li>adversarial: first the discriminator step on the graph's own AnimeGAN layer, which updates D
 *       and D's Adam state in place in the graph's parameter vector (so parameter averaging
 *       averages D and D's Adam moments as well as G), then feeds the graph photo and gray anime
 *       for the generator step;
 *   <li>after the step: adds each loss term, the images and the compute time to Spark
 *       accumulators, which the driver averages per round.
 * </ul>
 */
final class GanTrainingHook implements TrainingHook {
  private static final long serialVersionUID = 1L;

  /** The two graphs the hook can drive. */
  enum Mode { PRETRAIN, ADVERSARIAL }

  private final Mode mode;
  private final RoundAccumulators acc;
  private transient Map<String, Double> dTerms;
  private transient long started;

  GanTrainingHook(Mode mode, RoundAccumulators acc) {
    this.mode = mode;
    this.acc = acc;
  }

  @Override
  public void preUpdate(DataSet minibatch, Model model) {
    throw new UnsupportedOperationException("the AnimeGAN trainer feeds MultiDataSets");
  }

  @Override
  public void postUpdate(DataSet minibatch, Model model) {
    throw new UnsupportedOperationException("the AnimeGAN trainer feeds MultiDataSets");
  }

  @Override
  public void preUpdate(MultiDataSet minibatch, Model model) {
    started = System.nanoTime();
    INDArray[] f = minibatch.getFeatures();
    if (f.length != 4) {
      throw new IllegalStateException("expected an exported minibatch of 4 tensors (photo, gray, anime, smooth), got " + f.length);
    }
    if (mode == Mode.PRETRAIN) {
      dTerms = Map.of();
      minibatch.setFeatures(new INDArray[] {f[MinibatchExport.PHOTO]});
    } else {
      AnimeGanLayerImpl layer = AnimeGanGraphs.layer((ComputationGraph) model);
      dTerms = layer.discriminatorStep(f[MinibatchExport.PHOTO], f[MinibatchExport.ANIME], f[MinibatchExport.GRAY],
          f[MinibatchExport.SMOOTH]);
      minibatch.setFeatures(new INDArray[] {f[MinibatchExport.PHOTO], f[MinibatchExport.GRAY]});
    }
  }

  @Override
  public void postUpdate(MultiDataSet minibatch, Model model) {
    AnimeGanLayerImpl layer = AnimeGanGraphs.layer((ComputationGraph) model);
    Map<String, Double> terms = new LinkedHashMap<>();
    layer.lastTerms().forEach((k, v) -> terms.put("g." + k, v));
    dTerms.forEach((k, v) -> terms.put("d." + k, v));
    acc.add(terms, minibatch.getFeatures(0).size(0), System.nanoTime() - started);
  }

  /** The loss terms a phase reports, in column order. */
  static List<String> terms(Mode mode) {
    return LossTerm.keys(mode == Mode.PRETRAIN);
  }

  /** Driver-registered accumulators: per-term sums and counts, images, compute nanoseconds. */
  static final class RoundAccumulators implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final Map<String, DoubleAccumulator> terms = new LinkedHashMap<>();
    final LongAccumulator images;
    final LongAccumulator computeNanos;
    final LongAccumulator minibatches;

    RoundAccumulators(org.apache.spark.SparkContext sc, String prefix) {
      for (LossTerm t : LossTerm.values()) {
        terms.put(t.key(), sc.doubleAccumulator(prefix + t.key()));
      }
      images = sc.longAccumulator(prefix + "images");
      computeNanos = sc.longAccumulator(prefix + "compute-ns");
      minibatches = sc.longAccumulator(prefix + "minibatches");
    }

    void add(Map<String, Double> values, long nImages, long nanos) {
      values.forEach((k, v) -> {
        DoubleAccumulator a = terms.get(k);
        if (a != null) {
          a.add(v);
        }
      });
      images.add(nImages);
      computeNanos.add(nanos);
      minibatches.add(1);
    }

    void reset() {
      terms.values().forEach(DoubleAccumulator::reset);
      images.reset();
      computeNanos.reset();
      minibatches.reset();
    }

    /** Each term's mean over the round's worker minibatches (NaN when a term saw no value). */
    Map<String, Double> means(Mode mode) {
      Map<String, Double> out = new LinkedHashMap<>();
      for (String t : terms(mode)) {
        DoubleAccumulator a = terms.get(t);
        out.put(t, a.count() == 0 ? Double.NaN : a.sum() / a.count());
      }
      return out;
    }
  }
}

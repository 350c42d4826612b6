package dev.animegan.spark.train;

import dev.animegan.model.OneDnn;
import dev.animegan.model.train.DiscriminatorStep;
import dev.animegan.model.train.LossCapture;
import dev.animegan.model.train.TrainerSettings;
import dev.animegan.model.train.TrainingGraphs;
import dev.animegan.spark.common.ExecutorPool;
import java.io.IOException;
import java.io.ObjectInputStream;
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
 *   <li>adversarial: first a discriminator step ({@link DiscriminatorStep}) whose new D parameters
 *       land in the graph's frozen D layers (so parameter averaging averages D as well as G), then
 *       feeds the graph photo and gray anime for the generator step;
 *   <li>after the step: adds each loss term, the images and the compute time to Spark
 *       accumulators, which the driver averages per round.
 * </ul>
 */
final class GanTrainingHook implements TrainingHook {
  private static final long serialVersionUID = 1L;

  /** The two graphs the hook can drive. */
  enum Mode { PRETRAIN, ADVERSARIAL }

  /**
   * One {@link DiscriminatorStep} per executor task slot for the life of the JVM: networks are built
   * once, and each slot's D Adam moments carry over between minibatches and rounds. (D's parameters
   * are averaged across workers every round like G's; its Adam moments stay per slot and start
   * fresh when a run resumes from a checkpoint.)
   */
  private static final ExecutorPool<TrainerSettings, DiscriminatorStep> D_STEPS = new ExecutorPool<>();

  private final Mode mode;
  private final TrainerSettings settings;
  private final RoundAccumulators acc;
  private transient ComputationGraph bound;
  private transient LossCapture gLosses;
  private transient Map<String, Double> dTerms;
  private transient long started;

  GanTrainingHook(Mode mode, TrainerSettings settings, RoundAccumulators acc) {
    this.mode = mode;
    this.settings = settings;
    this.acc = acc;
  }

  /** Turns on ND4J's oneDNN helpers before the worker builds its network (tasks deserialise this first). */
  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    OneDnn.enable();
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
    ComputationGraph graph = (ComputationGraph) model;
    if (graph != bound) {
      bound = graph;
      gLosses = new LossCapture(mode == Mode.PRETRAIN ? TrainingGraphs.PRETRAIN_TERMS : TrainingGraphs.G_TERMS);
      graph.addListeners(gLosses);
    }
    INDArray[] f = minibatch.getFeatures();
    if (f.length != 4) {
      throw new IllegalStateException("expected an exported minibatch of 4 tensors (photo, gray, anime, smooth), got " + f.length);
    }
    if (mode == Mode.PRETRAIN) {
      dTerms = Map.of();
      minibatch.setFeatures(new INDArray[] {f[MinibatchExport.PHOTO]});
    } else {
      DiscriminatorStep d = D_STEPS.borrow(settings, DiscriminatorStep::create);
      try {
        dTerms = d.step(graph, f[MinibatchExport.PHOTO], f[MinibatchExport.ANIME], f[MinibatchExport.GRAY],
            f[MinibatchExport.SMOOTH]);
      } finally {
        D_STEPS.giveBack(settings, d);
      }
      minibatch.setFeatures(new INDArray[] {f[MinibatchExport.PHOTO], f[MinibatchExport.GRAY]});
    }
  }

  @Override
  public void postUpdate(MultiDataSet minibatch, Model model) {
    Map<String, Double> terms = new LinkedHashMap<>();
    gLosses.last().forEach((k, v) -> terms.put("g." + k, v));
    terms.put("g.total", model.score());
    terms.putAll(dTerms);
    acc.add(terms, minibatch.getFeatures(0).size(0), System.nanoTime() - started);
  }

  /** The loss terms a phase reports, in column order. */
  static List<String> terms(Mode mode) {
    return mode == Mode.PRETRAIN ? List.of("g.con", "g.total")
        : List.of("g.adv", "g.con", "g.gra", "g.col", "g.tv", "g.total", "d.real", "d.fake", "d.gray", "d.smooth", "d.total");
  }

  /** Driver-registered accumulators: per-term sums and counts, images, compute nanoseconds. */
  static final class RoundAccumulators implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final Map<String, DoubleAccumulator> terms = new LinkedHashMap<>();
    final LongAccumulator images;
    final LongAccumulator computeNanos;
    final LongAccumulator minibatches;

    RoundAccumulators(org.apache.spark.SparkContext sc, String prefix) {
      for (Mode m : Mode.values()) {
        for (String t : GanTrainingHook.terms(m)) {
          terms.computeIfAbsent(t, k -> sc.doubleAccumulator(prefix + k));
        }
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

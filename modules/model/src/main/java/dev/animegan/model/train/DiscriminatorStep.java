package dev.animegan.model.train;

import dev.animegan.model.OneDnn;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The discriminator half of an adversarial step, run against a generator-training graph that is
 * trained elsewhere (by dl4j-spark's worker, in the distributed trainer): reads G and the frozen
 * D copy from that graph, makes fakes, trains D one step on real/fake/gray/smooth, and writes the
 * new D parameters back into the graph's parameter tensors (views of its flat parameter vector,
 * which parameter averaging averages).
 *
 * <p>D's Adam moments live in this object, not in the graph: keep one per worker slot and reuse
 * it across minibatches and rounds. Not thread-safe.
 */
public final class DiscriminatorStep {
  private final ComputationGraph generator;
  private final ComputationGraph dTrain;
  private final LossCapture losses = new LossCapture(TrainingGraphs.D_TERMS);
  private final Set<String> generatorLayers;
  private final Set<String> discriminatorLayers;
  private long steps;

  /** Over existing graphs: the single-JVM {@link Trainer} passes its own (their D Adam state is its checkpoint's). */
  DiscriminatorStep(ComputationGraph generator, ComputationGraph dTrain) {
    this.generator = generator;
    this.dTrain = dTrain;
    dTrain.addListeners(losses);
    generatorLayers = Trainer.layerNames(generator, "");
    discriminatorLayers = Trainer.layerNames(dTrain, TrainingGraphs.D);
  }

  /** A generator and a discriminator-training graph for {@code s} (parameters are overwritten before every step). */
  public static DiscriminatorStep create(TrainerSettings s) {
    OneDnn.enable();
    ComputationGraph generator = new ComputationGraph(TrainingGraphs.generatorOnly(s));
    generator.init();
    ComputationGraph dTrain = new ComputationGraph(TrainingGraphs.discriminatorTraining(s));
    dTrain.init();
    return new DiscriminatorStep(generator, dTrain);
  }

  /**
   * One D step. {@code gTrain} is a {@link TrainingGraphs#generatorTraining} graph; its D layers
   * hold the updated discriminator afterwards. Returns the unweighted D terms ({@code d.real}, ...)
   * and {@code d.total}.
   */
  public Map<String, Double> step(ComputationGraph gTrain, INDArray photo, INDArray anime, INDArray gray, INDArray smooth) {
    Trainer.copy(gTrain, generator, generatorLayers);
    Trainer.copy(gTrain, dTrain, discriminatorLayers);
    INDArray fake = generator.outputSingle(false, photo);
    dTrain.fit(new MultiDataSet(new INDArray[] {anime, fake, gray, smooth},
        new INDArray[] {Nd4j.zeros(DataType.FLOAT, anime.size(0), 1)}));
    Trainer.copy(dTrain, gTrain, discriminatorLayers);
    steps++;
    Map<String, Double> terms = new LinkedHashMap<>();
    losses.last().forEach((k, v) -> terms.put("d." + k, v));
    terms.put("d.total", dTrain.score());
    return terms;
  }

  public long steps() {
    return steps;
  }
}

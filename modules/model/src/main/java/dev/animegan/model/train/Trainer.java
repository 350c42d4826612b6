package dev.animegan.model.train;

import dev.animegan.model.GeneratorGraphs;
import dev.animegan.model.dl4j.AnimeGanLayerImpl;
import dev.animegan.model.engine.Engine;
import dev.animegan.model.engine.ParamSet;
import dev.animegan.model.weights.KerasVgg19Weights;
import dev.animegan.model.weights.LegacyGraphs;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AnimeGAN training on one JVM: pretraining (content loss only) and adversarial training (one
 * discriminator step, then one generator step, per minibatch), with per-term losses, checkpoints
 * and exact resume. The Spark trainer drives the same graphs and the same D step.
 *
 * <p>The networks live in a {@link GraphSet}: the pretraining graph and the adversarial graph each
 * hold the generator (the adversarial one also D and D's Adam state); the set knows which holds the
 * newest generator and copies it across before the other is used. Checkpoint files are the
 * {@link Checkpoints} class's business.
 */
public final class Trainer {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

  /** One minibatch, NCHW in [-1, 1]: photos, anime tiles, their gray and edge-smoothed versions (unpaired with photos). */
  public record Batch(INDArray photo, INDArray anime, INDArray gray, INDArray smooth) {}

  /** Losses of one step: unweighted per-term batch means ({@code g.adv}, {@code d.real}, ...) and the weighted totals. */
  public record StepLosses(String phase, long step, Map<String, Double> terms) {
    public boolean allFinite() {
      return terms.values().stream().allMatch(Double::isFinite);
    }
  }

  private final TrainerSettings settings;
  private final GraphSet graphs;
  private long pretrainSteps;
  private long adversarialSteps;

  Trainer(TrainerSettings settings, GraphSet graphs, long pretrainSteps, long adversarialSteps) {
    this.settings = settings;
    this.graphs = graphs;
    this.pretrainSteps = pretrainSteps;
    this.adversarialSteps = adversarialSteps;
  }

  /** New networks: seeded init, VGG19 weights loaded (or a random stand-in when allowed). */
  public static Trainer create(TrainerSettings s) {
    Nd4j.getRandom().setSeed(s.seed());
    ComputationGraph pretrain = new ComputationGraph(AnimeGanGraphs.pretrain(s));
    pretrain.init();
    Nd4j.getRandom().setSeed(s.seed());
    ComputationGraph adversarial = new ComputationGraph(AnimeGanGraphs.adversarial(s));
    adversarial.init();
    GraphSet graphs = new GraphSet(pretrain, adversarial, GraphSet.Phase.ADVERSARIAL);
    if (s.vggWeights() != null && !s.vggWeights().isBlank()) {
      KerasVgg19Weights.load(AnimeGanGraphs.layer(adversarial).vggParams(), s.vggWeights());
    } else if (s.allowRandomVgg()) {
      LOG.warn("No VGG19 weights ({} is empty): the perceptual network is RANDOM because {} = true. "
          + "Content and style losses are meaningless; use this for demos and tests only.",
          KerasVgg19Weights.WEIGHTS_KEY, KerasVgg19Weights.ALLOW_RANDOM_KEY);
    } else {
      throw new IllegalArgumentException("No VGG19 weights: set " + KerasVgg19Weights.WEIGHTS_KEY + " to Keras' "
          + KerasVgg19Weights.EXPECTED_FILE + ", or set " + KerasVgg19Weights.ALLOW_RANDOM_KEY
          + " = true to train with a random perceptual network (demos and tests only)");
    }
    graphs.copyVgg();
    graphs.syncGenerator();
    return new Trainer(s, graphs, 0, 0);
  }

  public TrainerSettings settings() {
    return settings;
  }

  GraphSet graphs() {
    return graphs;
  }

  /** The generator alone as an inference graph (input {@code input}), current after every step. */
  public ComputationGraph generator() {
    return graphs.generator();
  }

  /** The graph DL4J (or dl4j-spark's workers) fits in pretraining; bring it up to date with {@link #prepare}. */
  public ComputationGraph pretrainGraph() {
    return graphs.graph(GraphSet.Phase.PRETRAIN);
  }

  /** The graph fitted in adversarial training (G step); it also holds D and D's Adam state. */
  public ComputationGraph adversarialGraph() {
    return graphs.graph(GraphSet.Phase.ADVERSARIAL);
  }

  /** The discriminator's parameters (views of the adversarial graph's parameter vector). */
  public ParamSet discriminatorParams() {
    return AnimeGanGraphs.layer(adversarialGraph()).discriminatorParams();
  }

  public long pretrainSteps() {
    return pretrainSteps;
  }

  public long adversarialSteps() {
    return adversarialSteps;
  }

  /** Copies the newest generator into the graph of {@code pretrain}'s phase, before it is fitted elsewhere. */
  public ComputationGraph prepare(boolean pretrain) {
    return graphs.use(pretrain ? GraphSet.Phase.PRETRAIN : GraphSet.Phase.ADVERSARIAL);
  }

  private static INDArray dummyLabels(INDArray x) {
    return Nd4j.zeros(DataType.FLOAT, x.size(0), 1);
  }

  private static Map<String, Double> prefixed(String p, Map<String, Double> terms) {
    Map<String, Double> out = new LinkedHashMap<>();
    terms.forEach((k, v) -> out.put(p + k, v));
    return out;
  }

  /** One pretraining step on photos: content loss only. */
  public StepLosses pretrainStep(INDArray photo) {
    ComputationGraph g = graphs.use(GraphSet.Phase.PRETRAIN);
    g.fit(new MultiDataSet(new INDArray[] {photo}, new INDArray[] {dummyLabels(photo)}));
    graphs.advanced(GraphSet.Phase.PRETRAIN);
    pretrainSteps++;
    return logged(new StepLosses("pretrain", pretrainSteps, prefixed("g.", AnimeGanGraphs.layer(g).lastTerms())));
  }

  /** One adversarial step: a discriminator step on this batch's fakes, then a generator step. */
  public StepLosses adversarialStep(Batch b) {
    ComputationGraph g = graphs.use(GraphSet.Phase.ADVERSARIAL);
    AnimeGanLayerImpl layer = AnimeGanGraphs.layer(g);
    Map<String, Double> d = layer.discriminatorStep(b.photo(), b.anime(), b.gray(), b.smooth());
    g.fit(new MultiDataSet(new INDArray[] {b.photo(), b.gray()}, new INDArray[] {dummyLabels(b.photo())}));
    graphs.advanced(GraphSet.Phase.ADVERSARIAL);
    adversarialSteps++;
    Map<String, Double> terms = prefixed("g.", layer.lastTerms());
    terms.putAll(prefixed("d.", d));
    return logged(new StepLosses("train", adversarialSteps, terms));
  }

  /** The pretraining graph's parameters were changed in place by {@code steps} steps run elsewhere (dl4j-spark). */
  public void pretrainGraphAdvanced(long steps) {
    graphs.advanced(GraphSet.Phase.PRETRAIN);
    pretrainSteps += steps;
  }

  /** The adversarial graph's parameters (G, D, D's Adam state) were changed in place by {@code steps} steps run elsewhere. */
  public void adversarialGraphAdvanced(long steps) {
    graphs.advanced(GraphSet.Phase.ADVERSARIAL);
    adversarialSteps += steps;
  }

  /** Progress: every step at DEBUG, the first and every tenth at INFO. */
  private static StepLosses logged(StepLosses l) {
    if (l.step() == 1 || l.step() % 10 == 0) {
      LOG.info("{} step {}: {}", l.phase(), l.step(), format(l.terms()));
    } else if (LOG.isDebugEnabled()) {
      LOG.debug("{} step {}: {}", l.phase(), l.step(), format(l.terms()));
    }
    return l;
  }

  private static String format(Map<String, Double> terms) {
    StringBuilder sb = new StringBuilder();
    terms.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append('=')
        .append(String.format(Locale.ROOT, "%.4g", v)));
    return sb.toString();
  }

  /** Frees the engine's cached buffers of this thread (between phases; the next step reallocates what it needs). */
  public static void releaseCaches() {
    Engine.current().pool().trim();
  }

  // ---- checkpoints (see Checkpoints)

  /** Writes a complete checkpoint to {@code dir} through a temporary sibling folder and a rename. */
  public void save(Path dir) {
    save(dir, Map.of());
  }

  /** As {@link #save(Path)}, with extra entries (e.g. the data position of a distributed run) in its state file. */
  public void save(Path dir, Map<String, String> extra) {
    Checkpoints.write(this, dir, extra);
  }

  /** The settings a checkpoint was written with (its resolved configuration). */
  public static TrainerSettings savedSettings(Path dir) {
    return Checkpoints.settings(dir);
  }

  /** Everything a checkpoint's state file holds: settings, step counters and the extra entries given to {@link #save}. */
  public static java.util.Properties checkpointState(Path dir) {
    return Checkpoints.state(dir);
  }

  /** A checkpoint's settings, step counters and the caller's entries, typed (see {@link Checkpoints.Info}). */
  public static Checkpoints.Info checkpointInfo(Path dir) {
    return Checkpoints.info(dir);
  }

  /** What is wrong with the checkpoint in {@code dir} (missing, truncated or changed files), one line each; empty when it verifies. */
  public static List<String> checkpointProblems(Path dir) {
    return Checkpoints.problems(dir);
  }

  /** Restores a checkpoint with the settings it was saved with; training continues exactly. */
  public static Trainer restore(Path dir) {
    return restore(dir, savedSettings(dir));
  }

  /** Restores a checkpoint with {@code settings}, which must describe the same networks as the saved ones. */
  public static Trainer restore(Path dir, TrainerSettings settings) {
    return Checkpoints.restore(dir, settings);
  }

  /**
   * A new run that starts from a checkpoint's generator and discriminator (fine-tuning, e.g. on a
   * new anime style): the networks must match {@code settings}; learning rates, loss weights and
   * the perceptual network come from {@code settings}; Adam state (G's and D's) and step counters
   * start fresh. Checkpoints of release 0.1 (per-layer graphs) are read too.
   */
  public static Trainer initFrom(Path dir, TrainerSettings settings) {
    Checkpoints.Networks source = Checkpoints.networks(dir, settings);
    Trainer t = create(settings);
    t.graphs.setGenerator(source.generator());
    ParamSet d = t.discriminatorParams();
    for (String k : d.keys()) {
      d.get(k).assign(source.discriminator().get(k));
    }
    return t;
  }

  /**
   * A new run whose generator is {@code generator} (PyTorch names; e.g. a published AnimeGANv2
   * state dict) and whose discriminator, Adam states and step counters start fresh. The generator
   * must have {@code settings}' width.
   */
  public static Trainer fromGenerator(Map<String, INDArray> generator, TrainerSettings settings) {
    return fromNetworks(generator, null, settings);
  }

  /**
   * As {@link #fromGenerator}, with the discriminator's parameters too ({@code discriminator}: the
   * layout of {@code StateDicts}; null = fresh). Adam states and step counters start fresh.
   */
  public static Trainer fromNetworks(Map<String, INDArray> generator, Map<String, INDArray> discriminator,
      TrainerSettings settings) {
    List<String> problems = GeneratorGraphs.problems(generator, settings.generatorBase());
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("the generator does not fit a generator of base " + settings.generatorBase() + ": "
          + String.join("; ", problems));
    }
    Trainer t = create(settings);
    t.graphs.setGenerator(generator);
    if (discriminator != null) {
      ParamSet d = t.discriminatorParams();
      for (String k : d.keys()) {
        INDArray v = discriminator.get(k);
        if (v == null || !java.util.Arrays.equals(v.shape(), d.get(k).shape())) {
          throw new IllegalArgumentException("the discriminator does not fit: " + k + " is "
              + (v == null ? "missing" : java.util.Arrays.toString(v.shape())) + ", expected "
              + java.util.Arrays.toString(d.get(k).shape()));
        }
        d.get(k).assign(v);
      }
    }
    return t;
  }

  /** The generator alone as a DL4J model file (for {@code Stylizer} and the inference job). */
  public void exportGenerator(File file) {
    try {
      ModelSerializer.writeModel(generator(), file, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** A copy of the current generator's parameters (PyTorch names). */
  public Map<String, INDArray> generatorParams() {
    Map<String, INDArray> m = new LinkedHashMap<>();
    AnimeGanGraphs.layer(generator()).generatorParams().asMap().forEach((k, v) -> m.put(k, v.dup()));
    return m;
  }

  static ComputationGraph readGraph(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("missing " + file.getFileName());
    }
    return ModelSerializer.restoreComputationGraph(file.toFile(), true);
  }

  static Map<String, INDArray> legacyParams(ComputationGraph g, String prefix) {
    return LegacyGraphs.params(g, prefix);
  }

  static ComputationGraph engineGenerator(ComputationGraph g) {
    return GeneratorGraphs.toEngine(g);
  }
}

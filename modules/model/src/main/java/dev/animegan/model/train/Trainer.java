package dev.animegan.model.train;

import dev.animegan.model.OneDnn;
import dev.animegan.model.weights.KerasVgg19Weights;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Layer;
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
 * and exact resume. The Spark trainer drives the same graphs.
 *
 * <p>Four graphs share parameters by copying after each step: the generator alone (makes the fakes
 * the discriminator step sees), pretraining, generator training (with frozen copies of D and VGG),
 * discriminator training. See {@link TrainingGraphs}.
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
  private final ComputationGraph generator;
  private final ComputationGraph pretrain;
  private final ComputationGraph gTrain;
  private final ComputationGraph dTrain;
  private final LossCapture pretrainLosses = new LossCapture(TrainingGraphs.PRETRAIN_TERMS);
  private final LossCapture gLosses = new LossCapture(TrainingGraphs.G_TERMS);
  private final Set<String> generatorLayers;
  private final Set<String> discriminatorLayers;
  /** The D half of each adversarial step, over this trainer's generator and D-training graphs. */
  private final DiscriminatorStep dStep;
  private long pretrainSteps;
  private long adversarialSteps;
  /** Pretraining changed G since the other graphs last got it. */
  private boolean pretrainAhead;

  private Trainer(TrainerSettings settings, ComputationGraph generator, ComputationGraph pretrain,
      ComputationGraph gTrain, ComputationGraph dTrain) {
    this.settings = settings;
    this.generator = generator;
    this.pretrain = pretrain;
    this.gTrain = gTrain;
    this.dTrain = dTrain;
    pretrain.addListeners(pretrainLosses);
    gTrain.addListeners(gLosses);
    generatorLayers = layerNames(generator, "");
    discriminatorLayers = layerNames(dTrain, TrainingGraphs.D);
    dStep = new DiscriminatorStep(generator, dTrain);
  }

  /** New networks: seeded init, VGG19 weights loaded (or a random stand-in when allowed). */
  public static Trainer create(TrainerSettings s) {
    OneDnn.enable();
    Nd4j.getRandom().setSeed(s.seed());
    ComputationGraph generator = new ComputationGraph(TrainingGraphs.generatorOnly(s));
    generator.init();
    ComputationGraph pretrain = new ComputationGraph(TrainingGraphs.pretrain(s));
    pretrain.init();
    ComputationGraph gTrain = new ComputationGraph(TrainingGraphs.generatorTraining(s));
    gTrain.init();
    ComputationGraph dTrain = new ComputationGraph(TrainingGraphs.discriminatorTraining(s));
    dTrain.init();
    if (s.vggWeights() != null && !s.vggWeights().isBlank()) {
      KerasVgg19Weights.load(gTrain, TrainingGraphs.VGG, s.vggWeights());
    } else if (s.allowRandomVgg()) {
      LOG.warn("No VGG19 weights ({} is empty): the perceptual network is RANDOM because {} = true. "
          + "Content and style losses are meaningless; use this for demos and tests only.",
          KerasVgg19Weights.WEIGHTS_KEY, KerasVgg19Weights.ALLOW_RANDOM_KEY);
    } else {
      throw new IllegalArgumentException("No VGG19 weights: set " + KerasVgg19Weights.WEIGHTS_KEY + " to Keras' "
          + KerasVgg19Weights.EXPECTED_FILE + ", or set " + KerasVgg19Weights.ALLOW_RANDOM_KEY
          + " = true to train with a random perceptual network (demos and tests only)");
    }
    Trainer t = new Trainer(s, generator, pretrain, gTrain, dTrain);
    copy(gTrain, pretrain, layerNames(gTrain, TrainingGraphs.VGG));
    copy(generator, pretrain, t.generatorLayers);
    copy(generator, gTrain, t.generatorLayers);
    copy(dTrain, gTrain, t.discriminatorLayers);
    return t;
  }

  public TrainerSettings settings() {
    return settings;
  }

  /** The generator alone (input {@code input}, output {@code out_layer.0}), current after every step. */
  public ComputationGraph generator() {
    syncPretrained();
    return generator;
  }

  public ComputationGraph generatorTrainingGraph() {
    return gTrain;
  }

  public ComputationGraph discriminatorTrainingGraph() {
    return dTrain;
  }

  public ComputationGraph pretrainGraph() {
    return pretrain;
  }

  public long pretrainSteps() {
    return pretrainSteps;
  }

  public long adversarialSteps() {
    return adversarialSteps;
  }

  private static INDArray dummyLabels(INDArray x) {
    return Nd4j.zeros(DataType.FLOAT, x.size(0), 1);
  }

  /** One pretraining step on photos: content loss only. */
  public StepLosses pretrainStep(INDArray photo) {
    pretrain.fit(new MultiDataSet(new INDArray[] {photo}, new INDArray[] {dummyLabels(photo)}));
    pretrainSteps++;
    pretrainAhead = true;
    Map<String, Double> terms = new LinkedHashMap<>();
    pretrainLosses.last().forEach((k, v) -> terms.put("g." + k, v));
    terms.put("g.total", pretrain.score());
    return logged(new StepLosses("pretrain", pretrainSteps, terms));
  }

  /** Brings every graph up to date with the one trained last (needed before reading a graph other than the one trained). */
  public void sync() {
    syncPretrained();
  }

  /**
   * The pretraining graph's parameters were changed in place by {@code steps} minibatch steps run
   * elsewhere (the distributed trainer averages workers' parameters into it).
   */
  public void pretrainGraphAdvanced(long steps) {
    pretrainSteps += steps;
    pretrainAhead = true;
  }

  /**
   * The generator-training graph's parameters (G and its frozen copy of D) were changed in place by
   * {@code steps} adversarial steps run elsewhere: copies them into the other graphs.
   */
  public void generatorTrainingGraphAdvanced(long steps) {
    syncPretrained();
    copy(gTrain, generator, generatorLayers);
    copy(gTrain, pretrain, generatorLayers);
    copy(gTrain, dTrain, discriminatorLayers);
    adversarialSteps += steps;
  }

  private void syncPretrained() {
    if (pretrainAhead) {
      copy(pretrain, generator, generatorLayers);
      copy(pretrain, gTrain, generatorLayers);
      pretrainAhead = false;
    }
  }

  /** One adversarial step: a discriminator step on this batch's fakes, then a generator step. */
  public StepLosses adversarialStep(Batch b) {
    syncPretrained();
    Map<String, Double> dTerms = dStep.step(gTrain, b.photo(), b.anime(), b.gray(), b.smooth());
    gTrain.fit(new MultiDataSet(new INDArray[] {b.photo(), b.gray()}, new INDArray[] {dummyLabels(b.photo())}));
    double gTotal = gTrain.score();
    copy(gTrain, generator, generatorLayers);
    adversarialSteps++;
    Map<String, Double> terms = new LinkedHashMap<>();
    gLosses.last().forEach((k, v) -> terms.put("g." + k, v));
    terms.put("g.total", gTotal);
    terms.putAll(dTerms);
    return logged(new StepLosses("train", adversarialSteps, terms));
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
        .append(String.format(java.util.Locale.ROOT, "%.4g", v)));
    return sb.toString();
  }

  /** Layer names with parameters, starting with {@code prefix}. */
  static Set<String> layerNames(ComputationGraph g, String prefix) {
    return Stream.of(g.getLayers())
        .filter(l -> l.numParams() > 0)
        .map(l -> l.conf().getLayer().getLayerName())
        .filter(n -> n.startsWith(prefix))
        .collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  /** Copies the named layers' parameters, tensor by tensor. */
  static void copy(ComputationGraph from, ComputationGraph to, Set<String> names) {
    for (String name : names) {
      Layer src = from.getLayer(name);
      Layer dst = to.getLayer(name);
      if (src == null || dst == null) {
        throw new IllegalStateException("layer " + name + " missing in " + (src == null ? "source" : "target") + " graph");
      }
      for (Map.Entry<String, INDArray> p : src.paramTable().entrySet()) {
        dst.getParam(p.getKey()).assign(p.getValue());
      }
    }
  }

  // ---- checkpoints ----

  private static final String STATE = "state.properties";

  /**
   * Writes a complete checkpoint to {@code dir} (every graph with its Adam state, and the step
   * counters) through a temporary sibling folder and a rename, so a crash leaves either the old
   * checkpoint or the new one.
   */
  public void save(Path dir) {
    save(dir, Map.of());
  }

  /** As {@link #save(Path)}, with extra entries (e.g. the data position of a distributed run) in its state file. */
  public void save(Path dir, Map<String, String> extra) {
    syncPretrained();
    try {
      Path parent = dir.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path tmp = Files.createTempDirectory(parent, "." + dir.getFileName() + ".tmp");
      ModelSerializer.writeModel(pretrain, tmp.resolve("pretrain.zip").toFile(), true);
      ModelSerializer.writeModel(gTrain, tmp.resolve("generator-training.zip").toFile(), true);
      ModelSerializer.writeModel(dTrain, tmp.resolve("discriminator-training.zip").toFile(), true);
      ModelSerializer.writeModel(generator, tmp.resolve("generator.zip").toFile(), false);
      Properties p = settings.toProperties();
      p.setProperty("pretrainSteps", Long.toString(pretrainSteps));
      p.setProperty("adversarialSteps", Long.toString(adversarialSteps));
      extra.forEach(p::setProperty);
      try (OutputStream out = Files.newOutputStream(tmp.resolve(STATE))) {
        p.store(out, "animegan trainer checkpoint");
      }
      if (Files.exists(dir)) {
        Path old = Files.createTempDirectory(parent, "." + dir.getFileName() + ".old");
        Files.move(dir, old.resolve("c"), StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
      } else {
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + dir, e);
    }
  }

  /** The settings a checkpoint was written with (its resolved configuration). */
  public static TrainerSettings savedSettings(Path dir) {
    return TrainerSettings.fromProperties(readState(dir));
  }

  /** Everything a checkpoint's state file holds: settings, step counters and the extra entries given to {@link #save}. */
  public static Properties checkpointState(Path dir) {
    return readState(dir);
  }

  private static Properties readState(Path dir) {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(dir.resolve(STATE))) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("not a trainer checkpoint (no readable " + STATE + "): " + dir, e);
    }
    return p;
  }

  /** Restores a checkpoint written by {@link #save} with the settings it was saved with; training continues exactly. */
  public static Trainer restore(Path dir) {
    return restore(dir, savedSettings(dir));
  }

  /**
   * Restores a checkpoint with {@code settings}, which must describe the same networks as the saved
   * ones (learning rates and loss weights of the saved graphs are those they were built with).
   */
  public static Trainer restore(Path dir, TrainerSettings settings) {
    OneDnn.enable();
    TrainerSettings saved = savedSettings(dir);
    if (saved.generatorBase() != settings.generatorBase() || saved.discriminatorWidth() != settings.discriminatorWidth()
        || saved.discriminatorStages() != settings.discriminatorStages()
        || saved.vggWidthDivisor() != settings.vggWidthDivisor()) {
      throw new IllegalArgumentException("checkpoint " + dir + " holds networks of generator base " + saved.generatorBase()
          + ", discriminator " + saved.discriminatorWidth() + "/" + saved.discriminatorStages() + ", VGG divisor "
          + saved.vggWidthDivisor() + "; the configuration asks for " + settings.generatorBase() + ", "
          + settings.discriminatorWidth() + "/" + settings.discriminatorStages() + ", " + settings.vggWidthDivisor());
    }
    try {
      Properties p = readState(dir);
      ComputationGraph pretrain = ModelSerializer.restoreComputationGraph(dir.resolve("pretrain.zip").toFile(), true);
      ComputationGraph gTrain = ModelSerializer.restoreComputationGraph(dir.resolve("generator-training.zip").toFile(), true);
      ComputationGraph dTrain = ModelSerializer.restoreComputationGraph(dir.resolve("discriminator-training.zip").toFile(), true);
      ComputationGraph generator = new ComputationGraph(TrainingGraphs.generatorOnly(settings));
      generator.init();
      Trainer t = new Trainer(settings, generator, pretrain, gTrain, dTrain);
      copy(gTrain, generator, t.generatorLayers);
      t.pretrainSteps = Long.parseLong(p.getProperty("pretrainSteps"));
      t.adversarialSteps = Long.parseLong(p.getProperty("adversarialSteps"));
      return t;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read checkpoint " + dir, e);
    }
  }

  /**
   * A new run that starts from a checkpoint's generator and discriminator (fine-tuning, e.g. on a
   * new anime style): the networks must match {@code settings}; learning rates, loss weights and
   * the perceptual network come from {@code settings}; Adam state and step counters start fresh.
   */
  public static Trainer initFrom(Path dir, TrainerSettings settings) {
    Trainer source = restore(dir, settings);
    Trainer t = create(settings);
    ComputationGraph g = source.generator();
    copy(g, t.generator, t.generatorLayers);
    copy(g, t.pretrain, t.generatorLayers);
    copy(g, t.gTrain, t.generatorLayers);
    copy(source.dTrain, t.dTrain, t.discriminatorLayers);
    copy(source.dTrain, t.gTrain, t.discriminatorLayers);
    return t;
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(f);
      }
    }
  }

  /** The generator alone as a DL4J model file (for {@code Stylizer} and the inference job). */
  public void exportGenerator(File file) {
    try {
      ModelSerializer.writeModel(generator(), file, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}

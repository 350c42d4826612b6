package dev.animegan.model.train;

import dev.animegan.model.dl4j.AnimeGanLayerImpl;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The trainer's checkpoint folders, written and read only here.
 *
 * <p>Format 2 (this release): {@code pretrain.zip} and {@code adversarial.zip} (the graphs with their
 * Adam state; the adversarial graph also holds D and D's Adam state), {@code generator.zip} (the
 * inference graph), and {@code manifest.properties}, written last: every file's size and SHA-256,
 * the resolved settings, the step counters and the caller's entries. The manifest is the commit
 * marker: a folder whose manifest is missing or does not verify is not a checkpoint.
 *
 * <p>Format 1 (release 0.1): per-layer graphs ({@code generator-training.zip},
 * {@code discriminator-training.zip}, ...) and {@code state.properties}. Their generator and
 * discriminator can start a new run ({@link #networks}); resuming them is refused.
 */
public final class Checkpoints {
  public static final String MANIFEST = "manifest.properties";
  public static final String PRETRAIN = "pretrain.zip";
  public static final String ADVERSARIAL = "adversarial.zip";
  public static final String GENERATOR = "generator.zip";
  static final String LEGACY_STATE = "state.properties";
  static final String FORMAT = "2";
  private static final List<String> FILES = List.of(PRETRAIN, ADVERSARIAL, GENERATOR);

  private Checkpoints() {}

  /**
   * What a checkpoint's manifest says besides its files: the settings it was written with, its
   * step counters, and the caller's own entries (given to {@link Trainer#save(Path, Map)}), which
   * only the caller interprets.
   */
  public record Info(TrainerSettings settings, long pretrainSteps, long adversarialSteps, Map<String, String> entries) {}

  /** The networks a checkpoint (either format) holds, in the engine's names. */
  public record Networks(Map<String, INDArray> generator, Map<String, INDArray> discriminator) {}

  static void write(Trainer t, Path dir, Map<String, String> extra) {
    try {
      Path parent = dir.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path tmp = Files.createTempDirectory(parent, "." + dir.getFileName() + ".tmp");
      ModelSerializer.writeModel(t.graphs().use(GraphSet.Phase.PRETRAIN), tmp.resolve(PRETRAIN).toFile(), true);
      ModelSerializer.writeModel(t.graphs().use(GraphSet.Phase.ADVERSARIAL), tmp.resolve(ADVERSARIAL).toFile(), true);
      ModelSerializer.writeModel(t.generator(), tmp.resolve(GENERATOR).toFile(), false);
      Properties m = t.settings().toProperties();
      m.setProperty("format", FORMAT);
      m.setProperty("pretrainSteps", Long.toString(t.pretrainSteps()));
      m.setProperty("adversarialSteps", Long.toString(t.adversarialSteps()));
      for (String f : FILES) {
        Path p = tmp.resolve(f);
        m.setProperty("file." + f + ".bytes", Long.toString(Files.size(p)));
        m.setProperty("file." + f + ".sha256", sha256(p));
      }
      extra.forEach(m::setProperty);
      try (OutputStream out = Files.newOutputStream(tmp.resolve(MANIFEST))) {
        m.store(out, "animegan trainer checkpoint (written last: the commit marker)");
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

  /** The SHA-256 of a file, in lower-case hex. */
  public static String sha256(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code dir} holds a release-0.1 checkpoint. */
  public static boolean isLegacy(Path dir) {
    return !Files.exists(dir.resolve(MANIFEST)) && Files.exists(dir.resolve(LEGACY_STATE))
        && Files.exists(dir.resolve("generator-training.zip"));
  }

  /**
   * What is wrong with the checkpoint in {@code dir}, one line per problem naming the file; empty
   * when its manifest lists exactly the files it holds, with their sizes and checksums.
   */
  public static List<String> problems(Path dir) {
    List<String> out = new ArrayList<>();
    Path mf = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(mf)) {
      out.add(isLegacy(dir) ? "written by release 0.1 (no " + MANIFEST + "); it can start a new run (init-from) but not be resumed"
          : "no " + MANIFEST + " (an incomplete checkpoint)");
      return out;
    }
    Properties m;
    try {
      m = load(mf);
    } catch (IOException | IllegalArgumentException e) {
      out.add(MANIFEST + " is unreadable: " + e.getMessage());
      return out;
    }
    if (!FORMAT.equals(m.getProperty("format"))) {
      out.add(MANIFEST + " has format " + m.getProperty("format") + ", expected " + FORMAT);
      return out;
    }
    for (String f : FILES) {
      Path p = dir.resolve(f);
      String bytes = m.getProperty("file." + f + ".bytes");
      String sha = m.getProperty("file." + f + ".sha256");
      if (bytes == null || sha == null) {
        out.add(MANIFEST + " does not list " + f);
      } else if (!Files.isRegularFile(p)) {
        out.add(f + " is missing");
      } else {
        try {
          long size = Files.size(p);
          if (size != Long.parseLong(bytes)) {
            out.add(f + " has " + size + " bytes, the manifest says " + bytes);
          } else if (!sha256(p).equals(sha)) {
            out.add(f + " does not match its SHA-256 in the manifest");
          }
        } catch (IOException e) {
          out.add(f + " cannot be read: " + e.getMessage());
        }
      }
    }
    return out;
  }

  private static Properties load(Path p) throws IOException {
    Properties m = new Properties();
    try (InputStream in = Files.newInputStream(p)) {
      m.load(in);
    }
    return m;
  }

  /** The manifest's entries (settings, counters, the caller's entries); release 0.1's state file for its checkpoints. */
  static Properties state(Path dir) {
    Path p = Files.exists(dir.resolve(MANIFEST)) ? dir.resolve(MANIFEST) : dir.resolve(LEGACY_STATE);
    try {
      return load(p);
    } catch (IOException e) {
      throw new UncheckedIOException("not a trainer checkpoint (no readable " + MANIFEST + "): " + dir, e);
    }
  }

  static TrainerSettings settings(Path dir) {
    return TrainerSettings.fromProperties(state(dir));
  }

  /** Keys of the manifest this class owns; every other entry is the caller's. */
  private static boolean ownKey(String k) {
    return k.equals("format") || k.equals("pretrainSteps") || k.equals("adversarialSteps") || k.startsWith("file.")
        || TrainerSettings.ownsProperty(k);
  }

  static Info info(Path dir) {
    Properties m = state(dir);
    Map<String, String> entries = new java.util.TreeMap<>();
    for (String k : m.stringPropertyNames()) {
      if (!ownKey(k)) {
        entries.put(k, m.getProperty(k));
      }
    }
    return new Info(TrainerSettings.fromProperties(m), Long.parseLong(m.getProperty("pretrainSteps", "0")),
        Long.parseLong(m.getProperty("adversarialSteps", "0")), java.util.Collections.unmodifiableMap(entries));
  }

  private static void requireSameNetworks(Path dir, TrainerSettings saved, TrainerSettings settings) {
    if (saved.generatorBase() != settings.generatorBase() || saved.discriminatorWidth() != settings.discriminatorWidth()
        || saved.discriminatorStages() != settings.discriminatorStages()
        || saved.vggWidthDivisor() != settings.vggWidthDivisor()) {
      throw new IllegalArgumentException("checkpoint " + dir + " holds networks of generator base " + saved.generatorBase()
          + ", discriminator " + saved.discriminatorWidth() + "/" + saved.discriminatorStages() + ", VGG divisor "
          + saved.vggWidthDivisor() + "; the configuration asks for " + settings.generatorBase() + ", "
          + settings.discriminatorWidth() + "/" + settings.discriminatorStages() + ", " + settings.vggWidthDivisor());
    }
  }

  static Trainer restore(Path dir, TrainerSettings settings) {
    List<String> problems = problems(dir);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("cannot resume from checkpoint " + dir + ": " + String.join("; ", problems));
    }
    TrainerSettings saved = settings(dir);
    requireSameNetworks(dir, saved, settings);
    try {
      Properties m = state(dir);
      ComputationGraph pretrain = ModelSerializer.restoreComputationGraph(dir.resolve(PRETRAIN).toFile(), true);
      ComputationGraph adversarial = ModelSerializer.restoreComputationGraph(dir.resolve(ADVERSARIAL).toFile(), true);
      GraphSet graphs = new GraphSet(pretrain, adversarial, GraphSet.Phase.ADVERSARIAL);
      return new Trainer(settings, graphs, Long.parseLong(m.getProperty("pretrainSteps")),
          Long.parseLong(m.getProperty("adversarialSteps")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read checkpoint " + dir, e);
    }
  }

  /** The generator and discriminator of a checkpoint of either format, with the networks it was written with. */
  public static Networks networks(Path dir) {
    return networks(dir, settings(dir));
  }

  /** The generator and discriminator of a checkpoint of either format, checked against {@code settings}. */
  static Networks networks(Path dir, TrainerSettings settings) {
    TrainerSettings saved = settings(dir);
    requireSameNetworks(dir, saved, settings);
    try {
      if (isLegacy(dir)) {
        ComputationGraph g = Trainer.readGraph(dir.resolve(GENERATOR));
        ComputationGraph d = Trainer.readGraph(dir.resolve("discriminator-training.zip"));
        return new Networks(Trainer.legacyParams(g, ""), Trainer.legacyParams(d, "D."));
      }
      List<String> problems = problems(dir);
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException("checkpoint " + dir + " is incomplete: " + String.join("; ", problems));
      }
      AnimeGanLayerImpl layer = AnimeGanGraphs.layer(Trainer.readGraph(dir.resolve(ADVERSARIAL)));
      Map<String, INDArray> g = new LinkedHashMap<>();
      layer.generatorParams().asMap().forEach((k, v) -> g.put(k, v.dup()));
      Map<String, INDArray> d = new LinkedHashMap<>();
      layer.discriminatorParams().asMap().forEach((k, v) -> d.put(k, v.dup()));
      return new Networks(g, d);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read checkpoint " + dir, e);
    }
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(f);
      }
    }
  }
}

package dev.animegan.model.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.animegan.model.train.LossWeights;
import dev.animegan.model.train.Trainer;
import dev.animegan.model.train.TrainerSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The step-equivalence fixtures of {@code src/test/resources/pytorch/steps} (written by
 * make_step_fixtures.py), for the one-worker test here and the two-worker test of the Spark jobs
 * (through this module's test jar): copied out of the class path, the networks they start from,
 * and the comparison against PyTorch's results.
 */
public final class StepFixtures {
  /** The limit of {@link #worstRelativeDifference}. */
  public static final double LIMIT = 1e-3;
  private final Path dir;

  /** Fixtures copied into {@code dir} on first use. */
  public StepFixtures(Path dir) {
    this.dir = dir;
  }

  public Path file(String name) throws IOException {
    Path p = dir.resolve("fixtures").resolve(name);
    if (!Files.exists(p)) {
      Files.createDirectories(p.getParent());
      try (InputStream in = StepFixtures.class.getResourceAsStream("/pytorch/steps/" + name)) {
        if (in == null) {
          throw new IOException("no fixture /pytorch/steps/" + name + " on the class path");
        }
        Files.copy(in, p);
      }
    }
    return p;
  }

  public INDArray npy(String name) throws IOException {
    return Nd4j.createFromNpyFile(file(name).toFile());
  }

  public Map<String, INDArray> stateDict(String name) throws IOException {
    return PyTorchGeneratorImport.readStateDict(file(name));
  }

  /**
   * The fixtures' networks: G base 4 and D ch 8 with 1 stage from g0.pt and d0.pt, the full-width
   * VGG19 of {@link KerasH5Writer#portableWeights} (as the script computes it) from a Keras .h5,
   * 16x16 tiles, AnimeGAN's loss weights, learning rates and Adam.
   */
  public Trainer initialTrainer() throws IOException {
    Path h5 = dir.resolve("vgg19.h5");
    KerasH5Writer.write(h5, KerasH5Writer.portableWeights(), true, Map.of());
    TrainerSettings s = new TrainerSettings(4, 8, 1, 1, h5.toString(), false, 16, LossWeights.animeGanV1(), 1e-4, 8e-5,
        1.6e-4, 0.5, 0.999, 42);
    return Trainer.fromNetworks(stateDict("g0.pt"), StateDicts.readDiscriminator(file("d0.pt")), s);
  }

  /**
   * The largest per-tensor {@code max |ours - theirs| / max |theirs|}; fails (naming the tensor and
   * listing all) when it exceeds {@link #LIMIT} or the keys differ.
   */
  public static double worstRelativeDifference(String net, Map<String, INDArray> ours, Map<String, INDArray> theirs) {
    assertEquals(theirs.keySet(), ours.keySet(), net);
    double worst = 0;
    String worstKey = "";
    List<String> all = new ArrayList<>();
    for (String k : theirs.keySet()) {
      double rel = ours.get(k).sub(theirs.get(k)).amaxNumber().doubleValue()
          / Math.max(1e-12, theirs.get(k).amaxNumber().doubleValue());
      all.add(k + "=" + String.format(Locale.ROOT, "%.2g", rel));
      if (rel > worst) {
        worst = rel;
        worstKey = k;
      }
    }
    assertTrue(worst <= LIMIT, net + " " + worstKey + ": relative difference " + worst + " > " + LIMIT + "; all: " + all);
    return worst;
  }
}

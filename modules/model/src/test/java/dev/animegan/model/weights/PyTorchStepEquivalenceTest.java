package dev.animegan.model.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.animegan.model.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training-step equivalence with a PyTorch reference (pytorch/animegan_ref.py's Steps, fixtures by
 * src/test/resources/pytorch/make_step_fixtures.py): from identical G and D, an identical VGG19 and
 * identical minibatches, K = 3 pretraining and K = 3 adversarial steps on one worker give G and D
 * parameters equal to PyTorch's. Measure: per tensor, max |ours - theirs| / max |theirs| <= 1e-3.
 */
class PyTorchStepEquivalenceTest {
  private static final Logger LOG = LoggerFactory.getLogger(PyTorchStepEquivalenceTest.class);
  @TempDir
  Path dir;

  @Test
  void threePretrainingAndThreeAdversarialStepsEqualPyTorchs() throws Exception {
    StepFixtures f = new StepFixtures(dir);
    Trainer t = f.initialTrainer();
    List<Trainer.StepLosses> losses = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      losses.add(t.pretrainStep(f.npy("photo_" + k + ".npy")));
    }
    for (int k = 3; k < 6; k++) {
      losses.add(t.adversarialStep(new Trainer.Batch(f.npy("photo_" + k + ".npy"), f.npy("anime_" + k + ".npy"),
          f.npy("gray_" + k + ".npy"), f.npy("smooth_" + k + ".npy"))));
    }
    losses.forEach(l -> LOG.info("{} {}: {}", l.phase(), l.step(), l.terms()));
    // every step's loss terms equal PyTorch's (relative 1e-4)
    org.nd4j.shade.jackson.databind.JsonNode ref = new org.nd4j.shade.jackson.databind.ObjectMapper()
        .readTree(f.file("losses.json").toFile());
    assertEquals(6, ref.size());
    for (int k = 0; k < 6; k++) {
      Map<String, Double> ours = losses.get(k).terms();
      var it = ref.get(k).fields();
      int n = 0;
      while (it.hasNext()) {
        var e = it.next();
        if (e.getKey().equals("step")) {
          assertEquals(e.getValue().asText(), losses.get(k).phase());
          continue;
        }
        double theirs = e.getValue().asDouble();
        double mine = ours.get(e.getKey());
        assertTrue(Math.abs(mine - theirs) <= 1e-4 * Math.max(1e-3, Math.abs(theirs)),
            "step " + (k + 1) + " " + e.getKey() + ": ours " + mine + ", PyTorch " + theirs);
        n++;
      }
      assertEquals(k < 3 ? 2 : 11, n, "terms compared at step " + (k + 1));
    }
    double g = StepFixtures.worstRelativeDifference("G", t.generatorParams(), f.stateDict("g1.pt"));
    double d = StepFixtures.worstRelativeDifference("D", t.discriminatorParams().asMap(), f.stateDict("d1.pt"));
    LOG.info("one worker vs PyTorch after 3 + 3 steps, worst per-tensor relative difference: G {}, D {}", g, d);
  }
}

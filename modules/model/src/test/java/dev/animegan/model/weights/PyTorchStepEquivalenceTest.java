package dev.animegan.model.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.animegan.model.train.LossWeights;
import dev.animegan.model.train.Trainer;
import dev.animegan.model.train.TrainerSettings;
import java.nio.file.Path;
import java.nio.file.Paths;
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

  private static Path fixture(String name) throws Exception {
    return Paths.get(PyTorchStepEquivalenceTest.class.getResource("/pytorch/steps/" + name).toURI());
  }

  private static INDArray npy(String name) throws Exception {
    return Nd4j.createFromNpyFile(fixture(name).toFile());
  }

  @Test
  void threePretrainingAndThreeAdversarialStepsEqualPyTorchs() throws Exception {
    Path h5 = dir.resolve("vgg19.h5");
    KerasH5Writer.write(h5, KerasH5Writer.portableWeights(), true, Map.of());
    TrainerSettings s = new TrainerSettings(4, 8, 1, 1, h5.toString(), false, 16, LossWeights.animeGanV1(), 1e-4, 8e-5,
        1.6e-4, 0.5, 0.999, 42);
    Trainer t = Trainer.fromNetworks(PyTorchGeneratorImport.readStateDict(fixture("g0.pt")),
        StateDicts.readDiscriminator(fixture("d0.pt")), s);
    List<Trainer.StepLosses> losses = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      losses.add(t.pretrainStep(npy("photo_" + k + ".npy")));
    }
    for (int k = 3; k < 6; k++) {
      losses.add(t.adversarialStep(new Trainer.Batch(npy("photo_" + k + ".npy"), npy("anime_" + k + ".npy"),
          npy("gray_" + k + ".npy"), npy("smooth_" + k + ".npy"))));
    }
    losses.forEach(l -> LOG.info("{} {}: {}", l.phase(), l.step(), l.terms()));
    // every step's loss terms equal PyTorch's (relative 1e-4)
    org.nd4j.shade.jackson.databind.JsonNode ref = new org.nd4j.shade.jackson.databind.ObjectMapper()
        .readTree(fixture("losses.json").toFile());
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
    double worst = compare("G", t.generatorParams(), PyTorchGeneratorImport.readStateDict(fixture("g1.pt")));
    worst = Math.max(worst, compare("D", t.discriminatorParams().asMap(), PyTorchGeneratorImport.readStateDict(fixture("d1.pt"))));
    LOG.info("worst per-tensor relative difference vs PyTorch after 3 + 3 steps: {}", worst);
  }

  private static double compare(String net, Map<String, INDArray> ours, Map<String, INDArray> theirs) {
    assertEquals(theirs.keySet(), ours.keySet(), net);
    double worst = 0;
    String worstKey = "";
    for (String k : theirs.keySet()) {
      INDArray a = ours.get(k);
      INDArray b = theirs.get(k);
      double rel = a.sub(b).amaxNumber().doubleValue() / Math.max(1e-12, b.amaxNumber().doubleValue());
      if (rel > worst) {
        worst = rel;
        worstKey = k;
      }
    }
    LOG.info("{}: worst tensor {} relative difference {}", net, worstKey, worst);
    assertTrue(worst <= 1e-3, net + " " + worstKey + ": relative difference " + worst + " > 1e-3");
    return worst;
  }
}

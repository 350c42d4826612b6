package dev.animegan.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.animegan.model.dl4j.AnimeGanLayer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A few real training steps on tiny images with narrow networks (the CPU smoke test). */
class TrainerTest {
  @TempDir
  Path dir;

  static TrainerSettings tiny() {
    return new TrainerSettings(2, 4, 2, 16, null, true, 16, LossWeights.preset("hayao"), 2e-3, 2e-3, 2e-3, 0.5, 0.999, 42);
  }

  /** Smooth, seeded images in [-1, 1]. */
  static INDArray images(long seed, int n, int size) {
    Nd4j.getRandom().setSeed(seed);
    INDArray x = Nd4j.rand(DataType.FLOAT, n, 3, size, size).muli(2).subi(1);
    return x;
  }

  static Trainer.Batch batch(long seed) {
    INDArray anime = images(seed + 1, 2, 16);
    return new Trainer.Batch(images(seed, 2, 16), anime, anime.dup(), anime.mul(0.9));
  }

  static INDArray flatD(Trainer t) {
    return Nd4j.toFlattened(t.discriminatorParams().asMap().values());
  }

  @Test
  void pretrainingLowersTheContentLoss() {
    Trainer t = Trainer.create(tiny());
    INDArray photo = images(1, 2, 16);
    List<Double> con = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      Trainer.StepLosses l = t.pretrainStep(photo);
      assertTrue(l.allFinite(), l.toString());
      con.add(l.terms().get("g.con"));
    }
    assertEquals(25, t.pretrainSteps());
    // single steps are noisy (batch of 2, Adam): compare the mean of the last five with the first five
    double first = con.subList(0, 5).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double last = con.subList(20, 25).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    assertTrue(last < 0.8 * first, "content loss should fall: " + con);
  }

  @Test
  void adversarialStepsTrainBothNetworksWithFiniteLosses() {
    Trainer t = Trainer.create(tiny());
    t.pretrainStep(images(3, 2, 16));
    INDArray g0 = t.generator().params().dup();
    INDArray d0 = flatD(t).dup();
    for (int i = 0; i < 3; i++) {
      Trainer.StepLosses l = t.adversarialStep(batch(10 + i));
      assertTrue(l.allFinite(), l.toString());
      assertEquals(Set.of("g.adv", "g.con", "g.gra", "g.col", "g.tv", "g.total", "d.real", "d.fake", "d.gray", "d.smooth",
          "d.total"), l.terms().keySet());
      assertEquals(Set.copyOf(LossTerm.keys(false)), l.terms().keySet(), "the terms LossTerm defines");
    }
    assertNotEquals(g0, t.generator().params(), "generator trained");
    assertNotEquals(d0, flatD(t), "discriminator trained");
    // D lives once, in the adversarial graph's parameter vector, with its Adam state next to it.
    INDArray steps = AnimeGanGraphs.layer(t.adversarialGraph()).getParam(AnimeGanLayer.D_ADAM_T);
    assertEquals(3.0, steps.getDouble(0), "D's Adam step counter");
    assertTrue(AnimeGanGraphs.layer(t.adversarialGraph()).getParam(AnimeGanLayer.D_ADAM_V).amaxNumber().doubleValue() > 0,
        "D's second moments are kept");
  }

  @Test
  void resumeFromACheckpointIsExact() {
    Trainer a = Trainer.create(tiny());
    a.pretrainStep(images(5, 2, 16));
    a.adversarialStep(batch(20));
    a.save(dir.resolve("ckpt"));
    a.adversarialStep(batch(21));
    a.adversarialStep(batch(22));

    assertEquals(tiny(), Trainer.savedSettings(dir.resolve("ckpt")), "the checkpoint holds the resolved settings");
    assertEquals(List.of(), Checkpoints.problems(dir.resolve("ckpt")), "the manifest verifies");
    Trainer b = Trainer.restore(dir.resolve("ckpt"));
    assertEquals(1, b.pretrainSteps());
    assertEquals(1, b.adversarialSteps());
    b.adversarialStep(batch(21));
    b.adversarialStep(batch(22));
    assertEquals(3, b.adversarialSteps());
    assertEquals(a.generator().params(), b.generator().params());
    assertEquals(flatD(a), flatD(b), "D");
    assertEquals(a.adversarialGraph().params(), b.adversarialGraph().params(), "G, D and D's Adam state (m, v, t)");
    assertEquals(a.adversarialGraph().getUpdater().getStateViewArray(),
        b.adversarialGraph().getUpdater().getStateViewArray(), "G's Adam state");

    // Saving again over the same folder replaces it completely.
    b.save(dir.resolve("ckpt"));
    assertEquals(3, Trainer.restore(dir.resolve("ckpt"), tiny()).adversarialSteps());
    TrainerSettings wider = new TrainerSettings(4, 4, 2, 16, null, true, 16, LossWeights.animeGanV1(), 1e-3, 1e-3, 1e-3,
        0.5, 0.999, 42);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Trainer.restore(dir.resolve("ckpt"), wider));
    assertEquals("checkpoint " + dir.resolve("ckpt") + " holds networks of generator base 2, discriminator 4/2, VGG divisor 16;"
        + " the configuration asks for 4, 4/2, 16", e.getMessage());
  }

  @Test
  void sameSeedSameTraining() {
    Trainer a = Trainer.create(tiny());
    Trainer b = Trainer.create(tiny());
    assertEquals(a.generator().params(), b.generator().params(), "seeded initialisation");
    Trainer.StepLosses la = a.adversarialStep(batch(30));
    Trainer.StepLosses lb = b.adversarialStep(batch(30));
    assertEquals(la.terms(), lb.terms());
    assertEquals(a.generator().params(), b.generator().params());
  }

  @Test
  void exportedGeneratorMapsAnySize() throws Exception {
    Trainer t = Trainer.create(tiny());
    t.pretrainStep(images(6, 2, 16));
    java.io.File f = dir.resolve("generator.zip").toFile();
    t.exportGenerator(f);
    ComputationGraph g = org.deeplearning4j.util.ModelSerializer.restoreComputationGraph(f, false);
    INDArray x = images(7, 1, 24);
    assertEquals(t.generator().outputSingle(x), g.outputSingle(x));
  }

  @Test
  void missingVggWeightsNameTheConfigKey() {
    TrainerSettings s = tiny();
    TrainerSettings strict = new TrainerSettings(s.generatorBase(), s.discriminatorWidth(), s.discriminatorStages(),
        s.vggWidthDivisor(), null, false, s.tileSize(), s.weights(), 1e-4, 1e-4, 1e-4, 0.5, 0.999, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.create(strict));
    assertEquals("No VGG19 weights: set animegan.model.vgg19.weights to Keras' vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5, "
        + "or set animegan.model.vgg19.allow-random-init = true to train with a random perceptual network (demos and tests only)",
        e.getMessage());
  }

  @Test
  void lossPresets() {
    assertEquals(new LossWeights(300, 1.2, 2.0, 10, 1, 1.2, 1.2, 1.2, 0.8), LossWeights.preset("shinkai"));
    assertEquals("unknown loss preset 'ghibli'. Allowed values: v1, hayao, paprika, shinkai",
        assertThrows(IllegalArgumentException.class, () -> LossWeights.preset("ghibli")).getMessage());
  }
}

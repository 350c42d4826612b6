package dev.animegan.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/** The distributed trainer's split step (D step on the side, G step by the graph's own fit) equals the single-JVM step. */
class DiscriminatorStepTest {
  @TempDir
  Path dir;

  @Test
  void dStepOnTheSideThenGraphFitEqualsTrainerAdversarialStep() {
    Trainer reference = Trainer.create(TrainerTest.tiny());
    Trainer split = Trainer.create(TrainerTest.tiny());
    assertEquals(reference.generatorTrainingGraph().params(), split.generatorTrainingGraph().params());
    DiscriminatorStep dStep = DiscriminatorStep.create(TrainerTest.tiny());
    ComputationGraph gTrain = split.generatorTrainingGraph();
    INDArray before = gTrain.params().dup();
    for (int i = 0; i < 2; i++) {
      Trainer.Batch b = TrainerTest.batch(30 + i);
      Trainer.StepLosses ref = reference.adversarialStep(b);
      Map<String, Double> d = dStep.step(gTrain, b.photo(), b.anime(), b.gray(), b.smooth());
      gTrain.fit(new MultiDataSet(new INDArray[] {b.photo(), b.gray()},
          new INDArray[] {Nd4j.zeros(DataType.FLOAT, b.photo().size(0), 1)}));
      for (String term : d.keySet()) {
        assertEquals(ref.terms().get(term), d.get(term), 1e-6, term);
      }
      assertTrue(d.values().stream().allMatch(Double::isFinite), d.toString());
    }
    assertEquals(2, dStep.steps());
    assertNotEquals(before, gTrain.params(), "both networks changed");
    INDArray expected = reference.generatorTrainingGraph().params();
    INDArray actual = gTrain.params();
    assertEquals(0.0, expected.sub(actual).amaxNumber().doubleValue(), 1e-5, "G and D parameters");
  }

  @Test
  void initFromCopiesGeneratorAndDiscriminatorButStartsAFreshRun() {
    Trainer a = Trainer.create(TrainerTest.tiny());
    a.pretrainStep(TrainerTest.images(5, 2, 16));
    a.adversarialStep(TrainerTest.batch(20));
    a.save(dir.resolve("ckpt"), Map.of("job.round", "7"));
    assertEquals("7", Trainer.checkpointState(dir.resolve("ckpt")).getProperty("job.round"));
    TrainerSettings other = new TrainerSettings(2, 4, 2, 16, null, true, 16, LossWeights.preset("paprika"), 1e-3, 1e-3,
        1e-3, 0.5, 0.999, 7);
    Trainer b = Trainer.initFrom(dir.resolve("ckpt"), other);
    assertEquals(0, b.adversarialSteps());
    assertEquals(0, b.pretrainSteps());
    assertEquals(a.generator().params(), b.generator().params());
    assertEquals(a.discriminatorTrainingGraph().params(), b.discriminatorTrainingGraph().params());
    assertEquals(other, b.settings());
  }
}

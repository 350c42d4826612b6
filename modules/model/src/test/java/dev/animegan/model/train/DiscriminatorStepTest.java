package dev.animegan.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The distributed trainer's split step equals the single-JVM step: a worker rebuilds the
 * adversarial graph from its JSON and the broadcast parameters and updater state (as dl4j-spark
 * does), runs the D step on its layer (as the training hook does) and then the graph's own fit.
 */
class DiscriminatorStepTest {
  @TempDir
  Path dir;

  @Test
  void dStepOnTheSideThenGraphFitEqualsTrainerAdversarialStep() {
    Trainer reference = Trainer.create(TrainerTest.tiny());
    Trainer driver = Trainer.create(TrainerTest.tiny());
    ComputationGraph master = driver.prepare(false);
    ComputationGraph worker = new ComputationGraph(ComputationGraphConfiguration.fromJson(master.getConfiguration().toJson()));
    worker.init(master.params().dup(), false);
    worker.getUpdater().getStateViewArray().assign(master.getUpdater().getStateViewArray());
    INDArray before = worker.params().dup();
    for (int i = 0; i < 2; i++) {
      Trainer.Batch b = TrainerTest.batch(30 + i);
      Trainer.StepLosses ref = reference.adversarialStep(b);
      Map<String, Double> d = AnimeGanGraphs.layer(worker).discriminatorStep(b.photo(), b.anime(), b.gray(), b.smooth());
      worker.fit(new MultiDataSet(new INDArray[] {b.photo(), b.gray()},
          new INDArray[] {Nd4j.zeros(DataType.FLOAT, b.photo().size(0), 1)}));
      for (String term : d.keySet()) {
        assertEquals(ref.terms().get("d." + term), d.get(term), 1e-6, term);
      }
      assertTrue(d.values().stream().allMatch(Double::isFinite), d.toString());
    }
    assertNotEquals(before, worker.params(), "both networks changed");
    INDArray expected = reference.adversarialGraph().params();
    assertEquals(0.0, expected.sub(worker.params()).amaxNumber().doubleValue(), 1e-6, "G, D and D's Adam state");
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
    assertEquals(TrainerTest.flatD(a), TrainerTest.flatD(b));
    assertEquals(0.0, AnimeGanGraphs.layer(b.adversarialGraph()).getParam("D.adam.t").getDouble(0), "D's Adam starts fresh");
    assertEquals(other, b.settings());
  }
}

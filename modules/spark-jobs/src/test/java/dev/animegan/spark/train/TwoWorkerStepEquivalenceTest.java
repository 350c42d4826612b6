package dev.animegan.spark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.animegan.model.train.LossWeights;
import dev.animegan.model.train.Trainer;
import dev.animegan.model.train.TrainerSettings;
import dev.animegan.model.weights.KerasH5Writer;
import dev.animegan.model.weights.PyTorchGeneratorImport;
import dev.animegan.model.weights.StateDicts;
import dev.animegan.spark.testing.SparkTestSession;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two workers averaging every minibatch (dl4j-spark parameter averaging on local[2], the job's
 * training master and worker hook) equal the average of two PyTorch replicas, each fed its worker's
 * minibatches: K = 3 pretraining and K = 3 adversarial rounds from identical G, D and VGG19
 * (fixtures by animegan-model's src/test/resources/pytorch/make_step_fixtures.py). Measure: per
 * tensor, max |ours - theirs| / max |theirs| <= 1e-3.
 */
class TwoWorkerStepEquivalenceTest {
  private static final Logger LOG = LoggerFactory.getLogger(TwoWorkerStepEquivalenceTest.class);
  @TempDir
  Path dir;

  private Path fixture(String name) throws Exception {
    Path p = dir.resolve("fixtures").resolve(name);
    if (!Files.exists(p)) {
      Files.createDirectories(p.getParent());
      try (InputStream in = TwoWorkerStepEquivalenceTest.class.getResourceAsStream("/pytorch/steps/" + name)) {
        Files.copy(in, p);
      }
    }
    return p;
  }

  private String minibatch(String prefix, int k) throws Exception {
    INDArray[] f = new INDArray[4];
    f[MinibatchExport.PHOTO] = Nd4j.createFromNpyFile(fixture(prefix + "photo_" + k + ".npy").toFile());
    f[MinibatchExport.GRAY] = Nd4j.createFromNpyFile(fixture(prefix + "gray_" + k + ".npy").toFile());
    f[MinibatchExport.ANIME] = Nd4j.createFromNpyFile(fixture(prefix + "anime_" + k + ".npy").toFile());
    f[MinibatchExport.SMOOTH] = Nd4j.createFromNpyFile(fixture(prefix + "smooth_" + k + ".npy").toFile());
    Path p = dir.resolve("batches").resolve(prefix + "batch-" + k + ".mds");
    Files.createDirectories(p.getParent());
    new MultiDataSet(f, new INDArray[] {Nd4j.zeros(DataType.FLOAT, 2, 1)}).save(p.toFile());
    return p.toUri().toString();
  }

  @Test
  void twoAveragedWorkersEqualTheAverageOfTwoPyTorchReplicas() throws Exception {
    SparkSession spark = SparkTestSession.get();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Path h5 = dir.resolve("vgg19.h5");
    KerasH5Writer.write(h5, KerasH5Writer.portableWeights(), true, Map.of());
    TrainerSettings s = new TrainerSettings(4, 8, 1, 1, h5.toString(), false, 16, LossWeights.animeGanV1(), 1e-4, 8e-5,
        1.6e-4, 0.5, 0.999, 42);
    Trainer t = Trainer.fromNetworks(PyTorchGeneratorImport.readStateDict(fixture("g0.pt")),
        StateDicts.readDiscriminator(fixture("d0.pt")), s);
    GanTrainingHook.RoundAccumulators acc = new GanTrainingHook.RoundAccumulators(spark.sparkContext(), "equivalence.");
    for (GanTrainingHook.Mode mode : GanTrainingHook.Mode.values()) {
      boolean pre = mode == GanTrainingHook.Mode.PRETRAIN;
      SparkComputationGraph net = new SparkComputationGraph(jsc, t.prepare(pre), TrainRun.trainingMaster(2, 2, 1, 0,
          dir.resolve("export-" + mode).toUri().toString(), s.seed(), List.of(new GanTrainingHook(mode, acc))));
      for (int k = pre ? 0 : 3; k < (pre ? 3 : 6); k++) {
        acc.reset();
        net.fitPathsMultiDataSet(jsc.parallelize(List.of(minibatch("", k), minibatch("w1_", k)), 2));
        assertEquals(2, acc.minibatches.value(), "one minibatch per worker in round " + k);
        if (pre) {
          t.pretrainGraphAdvanced(2);
        } else {
          t.adversarialGraphAdvanced(2);
        }
      }
    }
    double g = compare("G", t.generatorParams(), PyTorchGeneratorImport.readStateDict(fixture("g2.pt")));
    double d = compare("D", t.discriminatorParams().asMap(), PyTorchGeneratorImport.readStateDict(fixture("d2.pt")));
    LOG.info("two workers vs two averaged PyTorch replicas after 3 + 3 rounds: G {}, D {}", g, d);
  }

  private static double compare(String net, Map<String, INDArray> ours, Map<String, INDArray> theirs) {
    assertEquals(theirs.keySet(), ours.keySet(), net);
    double worst = 0;
    String worstKey = "";
    List<String> all = new ArrayList<>();
    for (String k : theirs.keySet()) {
      double rel = ours.get(k).sub(theirs.get(k)).amaxNumber().doubleValue()
          / Math.max(1e-12, theirs.get(k).amaxNumber().doubleValue());
      all.add(k + "=" + String.format(java.util.Locale.ROOT, "%.2g", rel));
      if (rel > worst) {
        worst = rel;
        worstKey = k;
      }
    }
    assertTrue(worst <= 1e-3, net + " " + worstKey + ": relative difference " + worst + " > 1e-3; all: " + all);
    return worst;
  }
}

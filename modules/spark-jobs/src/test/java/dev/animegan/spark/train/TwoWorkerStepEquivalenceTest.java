package dev.animegan.spark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.animegan.model.train.Trainer;
import dev.animegan.model.weights.StepFixtures;
import dev.animegan.spark.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

  private String minibatch(StepFixtures fx, String prefix, int k) throws Exception {
    INDArray[] f = new INDArray[4];
    f[MinibatchExport.PHOTO] = fx.npy(prefix + "photo_" + k + ".npy");
    f[MinibatchExport.GRAY] = fx.npy(prefix + "gray_" + k + ".npy");
    f[MinibatchExport.ANIME] = fx.npy(prefix + "anime_" + k + ".npy");
    f[MinibatchExport.SMOOTH] = fx.npy(prefix + "smooth_" + k + ".npy");
    Path p = dir.resolve("batches").resolve(prefix + "batch-" + k + ".mds");
    Files.createDirectories(p.getParent());
    new MultiDataSet(f, new INDArray[] {Nd4j.zeros(DataType.FLOAT, 2, 1)}).save(p.toFile());
    return p.toUri().toString();
  }

  @Test
  void twoAveragedWorkersEqualTheAverageOfTwoPyTorchReplicas() throws Exception {
    SparkSession spark = SparkTestSession.get();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    StepFixtures fx = new StepFixtures(dir);
    Trainer t = fx.initialTrainer();
    long seed = t.settings().seed();
    GanTrainingHook.RoundAccumulators acc = new GanTrainingHook.RoundAccumulators(spark.sparkContext(), "equivalence.");
    for (GanTrainingHook.Mode mode : GanTrainingHook.Mode.values()) {
      boolean pre = mode == GanTrainingHook.Mode.PRETRAIN;
      SparkComputationGraph net = new SparkComputationGraph(jsc, t.prepare(pre), TrainRun.trainingMaster(2, 2, 1, 0,
          dir.resolve("export-" + mode).toUri().toString(), seed, List.of(new GanTrainingHook(mode, acc))));
      for (int k = pre ? 0 : 3; k < (pre ? 3 : 6); k++) {
        acc.reset();
        net.fitPathsMultiDataSet(jsc.parallelize(List.of(minibatch(fx, "", k), minibatch(fx, "w1_", k)), 2));
        assertEquals(2, acc.minibatches.value(), "one minibatch per worker in round " + k);
        if (pre) {
          t.pretrainGraphAdvanced(2);
        } else {
          t.adversarialGraphAdvanced(2);
        }
      }
    }
    double g = StepFixtures.worstRelativeDifference("G", t.generatorParams(), fx.stateDict("g2.pt"));
    double d = StepFixtures.worstRelativeDifference("D", t.discriminatorParams().asMap(), fx.stateDict("d2.pt"));
    LOG.info("two workers vs two averaged PyTorch replicas after 3 + 3 rounds: G {}, D {}", g, d);
  }
}

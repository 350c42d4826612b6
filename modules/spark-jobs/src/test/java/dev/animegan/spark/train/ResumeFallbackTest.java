package dev.animegan.spark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.animegan.core.config.InputError;
import dev.animegan.model.dl4j.AnimeGanLayer;
import dev.animegan.model.train.AnimeGanGraphs;
import dev.animegan.model.train.Trainer;
import dev.animegan.spark.testing.SparkTestSession;
import dev.animegan.spark.testing.TrainFixtures;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Resume across crashes: D's optimiser state survives (the resumed run ends where an uninterrupted
 * one does), a truncated newest checkpoint is skipped for the previous one, and a run whose
 * checkpoints all fail verification is refused with every problem named.
 */
class ResumeFallbackTest {
  @TempDir
  static Path dir;
  static SparkSession spark;
  static String data;

  /** Pretraining and adversarial training one epoch of 3 rounds each, a checkpoint after every round. */
  static final String SHAPE = "animegan.train { pretrain.epochs = 1, adversarial.epochs = 1 }\n"
      + "animegan.train-job { max-rounds-per-epoch = 3, keep-checkpoints = 10, sample-count = 0 }";

  @BeforeAll
  static void ingest() throws IOException {
    spark = SparkTestSession.get();
    data = TrainFixtures.ingestSample(spark, dir.resolve("tiles"));
  }

  static TrainJob.Extensions crashAfter(long round) {
    return new TrainJob.Extensions(List.of(), (row, graph) -> {
      if (row.globalRound() == round) {
        throw new IllegalStateException("simulated driver crash");
      }
    });
  }

  static Trainer restore(String checkpoint) {
    return Trainer.restore(Path.of(java.net.URI.create(checkpoint)));
  }

  static INDArray param(Trainer t, String key) {
    return AnimeGanGraphs.layer(t.adversarialGraph()).getParam(key);
  }

  @Test
  void aResumedRunEndsWhereAnUninterruptedOneDoesDsAdamStateIncluded() throws Exception {
    String whole = dir.resolve("whole").toString();
    TrainJobResult a = TrainJob.run(spark, TrainFixtures.config(TrainFixtures.tinyTrainHocon(data, whole), SHAPE));
    String broken = dir.resolve("broken").toString();
    String hocon = TrainFixtures.tinyTrainHocon(data, broken);
    // rounds 1-3 pretraining, 4-6 adversarial; the crash after round 5 comes before its checkpoint
    assertThrows(IllegalStateException.class, () -> TrainJob.run(spark, TrainFixtures.config(hocon, SHAPE), crashAfter(5)));
    List<String> written = new RunCheckpoints(broken, spark.sparkContext().hadoopConfiguration(), 10).list();
    assertEquals(4, written.size());
    Trainer atCrash = restore(written.get(3));
    assertTrue(param(atCrash, AnimeGanLayer.D_ADAM_V).amaxNumber().doubleValue() > 0,
        "the checkpoint resumed from holds D's Adam moments");
    TrainJobResult b = TrainJob.run(spark, TrainFixtures.config(hocon, SHAPE, "animegan.train-job.resume = true"));
    assertEquals(a.adversarialSteps(), b.adversarialSteps());
    assertEquals(a.pretrainSteps(), b.pretrainSteps());
    Trainer ta = restore(a.checkpoint());
    Trainer tb = restore(b.checkpoint());
    // Parameter averaging sums worker results in no fixed order: equal up to float rounding.
    for (String key : List.of(AnimeGanLayer.D_ADAM_M, AnimeGanLayer.D_ADAM_V, AnimeGanLayer.D_ADAM_T)) {
      assertEquals(0.0, param(ta, key).sub(param(tb, key)).amaxNumber().doubleValue(),
          1e-5 * Math.max(1, param(ta, key).amaxNumber().doubleValue()), key);
    }
    assertEquals(0.0, ta.adversarialGraph().params().sub(tb.adversarialGraph().params()).amaxNumber().doubleValue(), 1e-4,
        "G, D and D's Adam state");
    assertEquals(0.0, ta.adversarialGraph().getUpdater().getStateViewArray()
        .sub(tb.adversarialGraph().getUpdater().getStateViewArray()).amaxNumber().doubleValue(), 1e-4, "G's Adam state");
  }

  @Test
  void aTruncatedNewestCheckpointIsSkippedForThePreviousOne() throws Exception {
    String out = dir.resolve("truncated").toString();
    String hocon = TrainFixtures.tinyTrainHocon(data, out);
    assertThrows(IllegalStateException.class, () -> TrainJob.run(spark, TrainFixtures.config(hocon, SHAPE), crashAfter(5)));
    Path newest = Path.of(out, "checkpoints", "round-00000004");
    truncate(newest.resolve("adversarial.zip"));
    TrainJobResult r = TrainJob.run(spark, TrainFixtures.config(hocon, SHAPE, "animegan.train-job.resume = true"));
    assertTrue(r.lineage().source().endsWith("round-00000003"), r.lineage().source());
    assertEquals(6, r.pretrainSteps(), "3 pretraining rounds x 2 workers");
    assertEquals(6, r.adversarialSteps(), "the same step count as an uninterrupted run: 3 rounds x 2 workers");
    assertEquals(3, r.roundsRun(), "rounds 4 to 6 again");
  }

  @Test
  void whenNoCheckpointVerifiesTheErrorNamesTheRunFolderAndEveryProblem() throws Exception {
    String out = dir.resolve("hopeless").toString();
    String hocon = TrainFixtures.tinyTrainHocon(data, out);
    assertThrows(IllegalStateException.class, () -> TrainJob.run(spark, TrainFixtures.config(hocon, SHAPE), crashAfter(3)));
    Path ckpts = Path.of(out, "checkpoints");
    Files.delete(ckpts.resolve("round-00000001/manifest.properties"));
    long size = Files.size(ckpts.resolve("round-00000002/generator.zip"));
    truncate(ckpts.resolve("round-00000002/generator.zip"));
    InputError e = assertThrows(InputError.class,
        () -> TrainJob.run(spark, TrainFixtures.config(hocon, SHAPE, "animegan.train-job.resume = true")));
    assertEquals("No checkpoint of the run in file:" + ckpts + " verifies, so it cannot be resumed: "
        + "round-00000002: generator.zip has " + size / 2 + " bytes, the manifest says " + size + "; "
        + "round-00000001: no manifest.properties (an incomplete checkpoint)", e.getMessage());
    // init-from verifies the same way
    InputError init = assertThrows(InputError.class, () -> TrainJob.run(spark, TrainFixtures.config(
        TrainFixtures.tinyTrainHocon(data, dir.resolve("from-bad").toString()), SHAPE,
        "animegan.train-job.init-from = \"" + ckpts.resolve("round-00000002") + "\"")));
    assertEquals("Checkpoint " + ckpts.resolve("round-00000002") + " cannot be used (animegan.train-job.init-from): "
        + "generator.zip has " + size / 2 + " bytes, the manifest says " + size, init.getMessage());
  }

  static void truncate(Path p) throws IOException {
    long size = Files.size(p);
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      ch.truncate(size / 2);
    }
  }
}

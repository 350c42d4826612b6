package dev.animegan.spark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.animegan.core.config.InputError;
import dev.animegan.model.engine.GeneratorNet;
import dev.animegan.model.train.Checkpoints;
import dev.animegan.model.train.LossWeights;
import dev.animegan.model.train.Trainer;
import dev.animegan.model.train.TrainerSettings;
import dev.animegan.model.weights.TorchSave;
import dev.animegan.spark.testing.SparkTestSession;
import dev.animegan.spark.testing.TrainFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** --init-from a PyTorch AnimeGANv2 state dict: width from the file, pretraining skipped, D fresh, lineage with SHA-256. */
class InitFromPyTorchTest {
  @TempDir
  static Path dir;
  static SparkSession spark;
  static String data;
  static Path pt;
  static Map<String, INDArray> published;

  @BeforeAll
  static void setUp() throws Exception {
    spark = SparkTestSession.get();
    data = TrainFixtures.ingestSample(spark, dir.resolve("tiles"));
    Nd4j.getRandom().setSeed(21);
    published = new LinkedHashMap<>();
    new GeneratorNet(2).paramShapes().forEach((k, s) -> published.put(k, Nd4j.randn(DataType.FLOAT, s).muli(0.2)));
    pt = dir.resolve("published weights/face_paint_512_v2.pt");
    TorchSave.write(pt, published);
  }

  /** The tiny run's HOCON without its generator.base, so that the width comes from the file. */
  private static String hocon(String out) {
    String h = TrainFixtures.tinyTrainHocon(data, out);
    assertTrue(h.contains("generator.base = 2, "));
    return h.replace("generator.base = 2, ", "");
  }

  @Test
  void theTrainerStartsFromTheFilesGeneratorAndAFreshDiscriminator() {
    TrainerSettings s = new TrainerSettings(2, 4, 2, 16, null, true, 32, LossWeights.animeGanV1(), 1e-4, 8e-5, 1.6e-4, 0.5,
        0.999, 42);
    Trainer t = Trainer.fromGenerator(published, s);
    t.generatorParams().forEach((k, v) -> assertEquals(published.get(k), v, k));
    Trainer fresh = Trainer.create(s);
    assertEquals(fresh.discriminatorParams().asMap(), t.discriminatorParams().asMap(), "D is the seeded fresh one");
  }

  @Test
  void aRunFromAPtSkipsPretrainingAndRecordsTheFileAndItsSha256() throws Exception {
    String out = dir.resolve("run-pt").toString();
    TrainJobResult r = TrainJob.run(spark, TrainFixtures.config(hocon(out), "animegan.train-job.init-from = \"" + pt + "\""));
    assertEquals("train", r.phase());
    assertEquals(0, r.pretrainRounds());
    assertEquals(2, r.adversarialRounds());
    assertEquals(0, r.pretrainSteps());
    assertEquals(4, r.adversarialSteps());
    String sha = Checkpoints.sha256(pt);
    assertEquals(new TrainJobResult.Lineage("init-from", "file:" + pt, "", 0, 0, List.of(), sha), r.lineage());
    Properties m = new Properties();
    Path newest = Path.of(java.net.URI.create(r.checkpoint()));
    try (var in = Files.newInputStream(newest.resolve(Checkpoints.MANIFEST))) {
      m.load(in);
    }
    assertEquals("file:" + pt, m.getProperty("job.initFrom"));
    assertEquals(sha, m.getProperty("job.initFromSha256"));
    assertEquals("2", m.getProperty("settings.generatorBase"), "the width came from the file");
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Path.of(out, "_job_result.json").toFile());
    assertEquals(sha, json.path("lineage").path("sourceSha256").asText(), json.toString());

    // --phase given explicitly is honoured
    String out2 = dir.resolve("run-pt-all").toString();
    TrainJobResult all = TrainJob.run(spark, TrainFixtures.config(hocon(out2), "animegan.train-job.init-from = \"" + pt + "\"",
        "animegan.train-job.phase = all"));
    assertEquals(2, all.pretrainRounds());
    assertEquals(2, all.adversarialRounds());
  }

  @Test
  void aConfigWithAnotherGeneratorWidthIsAnErrorNamingTheKey() {
    String out = dir.resolve("run-mismatch").toString();
    InputError e = assertThrows(InputError.class, () -> TrainJob.run(spark, TrainFixtures.config(hocon(out),
        "animegan.model.generator.base = 8", "animegan.train-job.init-from = \"" + pt + "\"")));
    assertEquals("Generator file " + pt + " holds a generator of base 2 (block_a.0.1.weight [2, 3, 7, 7]) but "
        + "animegan.model.generator.base = 8: remove animegan.model.generator.base (the width then comes from the file) or "
        + "set it to 2 (animegan.train-job.init-from)", e.getMessage());
  }

  @Test
  void aMissingInitFromIsAnInputErrorNamingTheKey() {
    Path missing = dir.resolve("no such.pt");
    InputError e = assertThrows(InputError.class, () -> TrainJob.run(spark, TrainFixtures.config(
        hocon(dir.resolve("run-missing").toString()), "animegan.train-job.init-from = \"" + missing + "\"")));
    assertEquals("No checkpoint folder or generator file at " + missing + " (animegan.train-job.init-from)", e.getMessage());
  }

  @Test
  void aBrokenPtIsAnInputErrorNamingTheFile() throws Exception {
    Path bad = dir.resolve("truncated.pt");
    byte[] b = Files.readAllBytes(pt);
    Files.write(bad, java.util.Arrays.copyOf(b, b.length / 2));
    InputError e = assertThrows(InputError.class, () -> TrainJob.run(spark, TrainFixtures.config(
        hocon(dir.resolve("run-bad").toString()), "animegan.train-job.init-from = \"" + bad + "\"")));
    assertTrue(e.getMessage().startsWith("Generator file " + bad + " is truncated or corrupt"), e.getMessage());
    assertTrue(e.getMessage().endsWith("(animegan.train-job.init-from)"), e.getMessage());
  }
}

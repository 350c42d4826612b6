package dev.animegan.spark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.animegan.core.config.ConfigError;
import dev.animegan.core.image.PngCodec;
import dev.animegan.model.Stylizer;
import dev.animegan.model.train.Trainer;
import dev.animegan.spark.testing.SparkTestSession;
import dev.animegan.spark.testing.TrainFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingHook;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/** The training job on the shared local[2] session with tiny networks and 32x32 tiles. */
class TrainJobTest {
  @TempDir
  static Path dir;
  static SparkSession spark;
  static String data;

  @BeforeAll
  static void ingest() throws IOException {
    spark = SparkTestSession.get();
    data = TrainFixtures.ingestSample(spark, dir.resolve("tiles"));
  }

  /** Records each worker's parameters after every minibatch (local mode: same JVM as the test). */
  static final class RecordParams implements TrainingHook {
    static final ConcurrentLinkedQueue<INDArray> SEEN = new ConcurrentLinkedQueue<>();

    @Override
    public void preUpdate(DataSet minibatch, Model model) {}

    @Override
    public void postUpdate(DataSet minibatch, Model model) {}

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {}

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {
      SEEN.add(model.params().dup());
    }
  }

  /** The parameters (of the graph's AnimeGAN layer) whose names start with {@code prefix}, flattened. */
  static INDArray layerParams(ComputationGraph g, String prefix) {
    List<INDArray> parts = new ArrayList<>();
    dev.animegan.model.train.AnimeGanGraphs.layer(g).paramTable().forEach((key, v) -> {
      if (dev.animegan.model.dl4j.AnimeGanLayer.name(key).startsWith(prefix)) {
        parts.add(v.reshape(-1).dup());
      }
    });
    return org.nd4j.linalg.factory.Nd4j.concat(0, parts.toArray(new INDArray[0]));
  }

  @Test
  void pretrainThenAdversarialAveragesWorkersAndTrainsBothNetworks() throws Exception {
    String out = dir.resolve("run-a").toString();
    List<String> checked = new ArrayList<>();
    Map<String, INDArray[]> firstLast = new java.util.HashMap<>();
    RecordParams.SEEN.clear();
    TrainJob.Extensions ext = new TrainJob.Extensions(List.of(new RecordParams()), (row, graph) -> {
      List<INDArray> workers = new ArrayList<>(RecordParams.SEEN);
      RecordParams.SEEN.clear();
      assertEquals(2, workers.size(), "two workers, one minibatch each");
      assertNotEquals(workers.get(0), workers.get(1), "workers trained on different minibatches");
      INDArray mean = workers.get(0).add(workers.get(1)).divi(2);
      assertEquals(0.0, mean.sub(graph.params()).amaxNumber().doubleValue(), 1e-6, "driver = mean of workers");
      checked.add(row.phase() + row.globalRound());
      if (row.phase().equals("train")) {
        INDArray[] fl = firstLast.computeIfAbsent("G", k -> new INDArray[2]);
        INDArray g = layerParams(graph, "out_layer");
        INDArray d = layerParams(graph, "D.");
        if (fl[0] == null) {
          fl[0] = g;
          firstLast.put("D", new INDArray[] {d, null});
        }
        fl[1] = g;
        firstLast.get("D")[1] = d;
      }
    });
    // D before adversarial training: the pretrain checkpoint's D.
    TrainJobResult r = TrainJob.run(spark, TrainFixtures.config(TrainFixtures.tinyTrainHocon(data, out)), ext);
    assertEquals(List.of("pretrain1", "pretrain2", "train3", "train4"), checked);
    assertEquals(2, r.pretrainRounds());
    assertEquals(2, r.adversarialRounds());
    assertEquals(4, r.pretrainSteps(), "2 rounds x 2 workers x 1 minibatch");
    assertEquals(4, r.adversarialSteps());
    assertEquals(16, r.imagesTrained());
    assertTrue(r.allLossesFinite(), r.lastLosses().toString());
    assertEquals(List.of("g.adv", "g.con", "g.gra", "g.col", "g.tv", "g.total", "d.real", "d.fake", "d.gray", "d.smooth",
        "d.total"), List.copyOf(r.lastLosses().get("train").keySet()));
    r.lastLosses().values().forEach(m -> m.values().forEach(v -> assertTrue(Double.isFinite(v), m.toString())));
    assertNotEquals(firstLast.get("G")[0], firstLast.get("G")[1], "generator changed between rounds");
    assertNotEquals(firstLast.get("D")[0], firstLast.get("D")[1], "discriminator changed between rounds");

    // Artifacts.
    Path o = Path.of(out);
    List<String> csv = Files.readAllLines(o.resolve("losses.csv"));
    assertEquals(5, csv.size(), String.join("\n", csv));
    assertTrue(csv.get(0).startsWith("phase,epoch,round,global_round,steps,images,seconds,compute_seconds,images_per_second,"));
    assertEquals(4, Files.readAllLines(o.resolve("losses.jsonl")).size());
    assertEquals(2, r.samples().size());
    for (String s : r.samples()) {
      var grid = PngCodec.decode(Files.readAllBytes(Path.of(java.net.URI.create(qualify(s)))));
      assertEquals(2 * 32 + 3 * 4, grid.width());
      assertEquals(2 * 32 + 3 * 4, grid.height());
    }
    assertTrue(PngCodec.decode(Files.readAllBytes(o.resolve("loss-plot.png"))).width() > 100);
    JsonNode json = new ObjectMapper().readTree(o.resolve("_job_result.json").toFile());
    assertEquals(4, json.get("adversarialSteps").asLong());
    assertEquals("fresh", json.get("lineage").get("kind").asText());
    assertEquals(3, r.checkpoints().size(), "keep-checkpoints = 3");
    assertTrue(r.checkpoint().endsWith("round-00000004"), r.checkpoint());
    // The exported generator loads in the single-JVM stylizer.
    Stylizer st = Stylizer.load(o.resolve("generator.zip"));
    assertEquals(0.0, st.generator().params().sub(
        Trainer.restore(Path.of(java.net.URI.create(r.checkpoint()))).generator().params()).amaxNumber().doubleValue());
    assertFalse(Files.exists(o.resolve("export/pretrain-epoch-0000")), "export cleaned");
  }

  static String qualify(String p) {
    return p.startsWith("file:") ? p : "file:" + p;
  }

  @Test
  void anInterruptedRunResumesToTheSameStepCount() throws Exception {
    String out = dir.resolve("run-resume").toString();
    String hocon = TrainFixtures.tinyTrainHocon(data, out);
    TrainJob.Extensions crashAfter3 = new TrainJob.Extensions(List.of(), (row, graph) -> {
      if (row.globalRound() == 3) {
        throw new IllegalStateException("simulated driver crash");
      }
    });
    Exception e = assertThrows(IllegalStateException.class,
        () -> TrainJob.run(spark, TrainFixtures.config(hocon), crashAfter3));
    assertEquals("simulated driver crash", e.getMessage());
    // Rerunning without --resume refuses to mix runs.
    ConfigError err = assertThrows(ConfigError.class, () -> TrainJob.run(spark, TrainFixtures.config(hocon)));
    assertEquals(List.of("Output " + out + " already holds checkpoints of a run: use --resume to continue it, or a new --out"),
        err.problems());
    TrainJobResult r = TrainJob.run(spark, TrainFixtures.config(hocon, "animegan.train-job.resume = true"));
    assertEquals("resumed", r.lineage().kind());
    assertTrue(r.lineage().source().endsWith("round-00000002"), r.lineage().source());
    assertEquals(2, r.roundsRun(), "rounds 3 and 4 (round 3's crash came before its checkpoint)");
    assertEquals(4, r.pretrainSteps());
    assertEquals(4, r.adversarialSteps());
    List<String> jsonl = Files.readAllLines(Path.of(out, "losses.jsonl"));
    assertEquals(4, jsonl.size());
    for (int i = 0; i < 4; i++) {
      assertTrue(jsonl.get(i).contains("\"globalRound\":" + (i + 1) + ","), jsonl.get(i));
    }
    Trainer t = Trainer.restore(Path.of(java.net.URI.create(r.checkpoint())));
    assertEquals(4, t.adversarialSteps());
  }

  @Test
  void resumingMidEpochWithAnotherRoundSizeIsRefused() throws Exception {
    String out = dir.resolve("run-mid-epoch").toString();
    String hocon = TrainFixtures.tinyTrainHocon(data, out);
    TrainJob.Extensions crashAfter2 = new TrainJob.Extensions(List.of(), (row, graph) -> {
      if (row.globalRound() == 2) {
        throw new IllegalStateException("simulated driver crash");
      }
    });
    assertThrows(IllegalStateException.class, () -> TrainJob.run(spark, TrainFixtures.config(hocon,
        "animegan.train-job { phase = pretrain, max-rounds-per-epoch = 3 }"), crashAfter2));
    // Round 1's checkpoint is mid-epoch (1 of 3 rounds); 2 minibatches per worker make 2 rounds per epoch.
    ConfigError e = assertThrows(ConfigError.class, () -> TrainJob.run(spark, TrainFixtures.config(hocon,
        "animegan.train-job { phase = pretrain, max-rounds-per-epoch = 3, resume = true, averaging-frequency = 2 }")));
    assertEquals(1, e.problems().size());
    assertTrue(e.problems().get(0).startsWith("Checkpoint file:" + out + "/checkpoints/round-00000001 stopped in the middle "
        + "of an epoch of 3 rounds; this run would make 2 rounds per epoch: resume with the same "
        + "animegan.train-job.workers, averaging-frequency and max-rounds-per-epoch"), e.problems().get(0));
    TrainJobResult r = TrainJob.run(spark, TrainFixtures.config(hocon,
        "animegan.train-job { phase = pretrain, max-rounds-per-epoch = 3, resume = true }"));
    assertEquals(6, r.pretrainSteps(), "3 rounds x 2 workers");
  }

  @Test
  void initFromRetrainsOnANewStyleAndRecordsLineage() throws Exception {
    String first = dir.resolve("run-supertux").toString();
    TrainJobResult a = TrainJob.run(spark, TrainFixtures.config(TrainFixtures.tinyTrainHocon(data, first),
        "animegan.train-job.phase = train", "animegan.train-job.max-rounds-per-epoch = 1"));
    String second = dir.resolve("run-ukui").toString();
    TrainJobResult b = TrainJob.run(spark, TrainFixtures.config(TrainFixtures.tinyTrainHocon(data, second),
        "animegan.train-job.phase = train", "animegan.train-job.style = ukui", "animegan.train-job.max-rounds-per-epoch = 1",
        "animegan.train-job.init-from = \"" + a.checkpoint() + "\""));
    assertEquals("ukui", b.style());
    assertEquals("init-from", b.lineage().kind());
    assertEquals(a.checkpoint(), b.lineage().source());
    assertEquals("supertux", b.lineage().sourceStyle());
    assertEquals(2, b.lineage().sourceAdversarialSteps());
    assertEquals(2, b.adversarialSteps(), "a new run counts its own steps");
    JsonNode json = new ObjectMapper().readTree(Path.of(second, "_job_result.json").toFile());
    assertEquals("supertux", json.get("lineage").get("sourceStyle").asText());
  }

  @Test
  void dataProblemsAreReportedWithTheirKeys() {
    String out = dir.resolve("run-bad").toString();
    ConfigError e = assertThrows(ConfigError.class, () -> TrainJob.run(spark,
        TrainFixtures.config(TrainFixtures.tinyTrainHocon(data, out), "animegan.train-job.style = hayao")));
    assertEquals(List.of("Invalid value for animegan.train-job.style: 'hayao'. Allowed values: supertux, ukui (the styles in "
        + data + "/tiles)"), e.problems());
    e = assertThrows(ConfigError.class, () -> TrainJob.run(spark,
        TrainFixtures.config(TrainFixtures.tinyTrainHocon(data, out), "animegan.train-job.style = \"\"")));
    assertEquals(List.of("Missing value for animegan.train-job.style: " + data + "/tiles holds several anime styles "
        + "(supertux, ukui); choose one with --style"), e.problems());
    e = assertThrows(ConfigError.class, () -> TrainJob.run(spark,
        TrainFixtures.config(TrainFixtures.tinyTrainHocon(dir.resolve("nothing").toString(), out))));
    assertEquals(List.of("No tiles table at " + dir.resolve("nothing") + "/tiles (animegan.train-job.data): run the ingest job first"),
        e.problems());
    e = assertThrows(ConfigError.class, () -> TrainJob.run(spark,
        TrainFixtures.config(TrainFixtures.tinyTrainHocon(data, out), "animegan.train.tile-size = 64")));
    assertEquals(List.of("Invalid value for animegan.train.tile-size: 64. Allowed values: at most the smallest ingest tile in "
        + data + "/tiles (32); ingest with a larger crop.size"), e.problems());
  }

  @Test
  void configErrorsNameTheirKeys() {
    ConfigError e = assertThrows(ConfigError.class, () -> TrainFixtures.config("animegan.train-job { resume = true, "
        + "init-from = \"/x\", workers = -1, phase = both, bogus = 1 }"));
    assertEquals(List.of(
        "Unknown config key animegan.train-job.bogus (String: 1). Known keys in animegan.train-job: averaging-frequency, "
            + "checkpoint-every, clean-export, data, export-dir, init-from, keep-checkpoints, max-rounds-per-epoch, out, phase, "
            + "prefetch, resume, sample-count, style, workers",
        "Missing value for animegan.train-job.data: the ingest job's output folder (flag --data)",
        "Missing value for animegan.train-job.out: the run folder (flag --out)",
        "Invalid value for animegan.train-job.phase: 'both'. Allowed values: all, pretrain, train",
        "Invalid combination: animegan.train-job.resume continues this run's own checkpoints and animegan.train-job.init-from"
            + " starts a new run from another one; set only one",
        "Invalid value for animegan.train-job.workers: -1. Allowed values: an integer from 0 to 100000"), e.problems());
  }
}

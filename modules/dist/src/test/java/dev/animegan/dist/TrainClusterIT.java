package dev.animegan.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jobs/train.sh on a real standalone cluster (Master + 2 Workers from the assembled Spark home):
 * one Worker is killed by PID mid-training and the job still completes (Spark retries the lost
 * worker's tasks on the other one); then --resume on a finished run does nothing twice.
 */
@Tag("cluster")
class TrainClusterIT {
  @TempDir
  Path dir;

  static String tinyConfig() {
    return "animegan {\n"
        + "  model { generator.base = 2, discriminator { width = 4, stages = 2 }, vgg19 { allow-random-init = true, width-divisor = 16 } }\n"
        + "  train { tile-size = 32, batch-size = 2, pretrain.epochs = 1, adversarial.epochs = 3 }\n"
        + "  train-job { style = supertux, workers = 2, averaging-frequency = 1, prefetch = 0, checkpoint-every = 2 }\n"
        + "}\n";
  }

  /** 32x32 training tiles of data/sample (20 photo tiles, supertux anime) ingested on local[2] into {@code tiles}. */
  static void ingestSampleTiles(Path logDir, Path tiles) throws Exception {
    Path root = JobScripts.repoRoot();
    JobScripts.Result ingest = JobScripts.run(logDir, "ingest.sh", "--master", "local[2]",
        "--photos", root.resolve("data/sample/photos").toString(),
        "--anime", "supertux=" + root.resolve("data/sample/anime/supertux"), "--out", tiles.toString(),
        "--set", "ingest.resize.short-side=64", "--set", "ingest.crop.size=32", "--set", "ingest.crop.mode=grid",
        "--set", "ingest.crop.max-per-image=4", "--set", "ingest.split.test-fraction=0");
    assertEquals(0, ingest.code(), ingest.stderr());
  }

  @Test
  void trainingSurvivesAKilledWorkerThenResumeAndInferenceRunOnTheCluster() throws Exception {
    Path root = JobScripts.repoRoot();
    Path tiles = dir.resolve("tiles");
    ingestSampleTiles(dir, tiles);
    Path conf = dir.resolve("tiny.conf");
    Files.writeString(conf, tinyConfig());
    Path out = dir.resolve("run");
    List<ProcessHandle> started;
    try (StandaloneCluster cluster = new StandaloneCluster(
        Paths.get(System.getProperty("animegan.sparkHome", "target/spark-home")), dir.resolve("cluster"), 2, 1, "1g")) {
      started = cluster.processes().stream().map(Process::toHandle).toList();
      JobScripts.Running job = JobScripts.start(dir, "train.sh", "--master", cluster.masterUrl(),
          "--conf", "spark.executor.memory=768m", "--conf", "spark.cores.max=2",
          "--conf", "spark.executor.extraJavaOptions=-Dorg.bytedeco.javacpp.maxphysicalbytes=3G",
          "--config", conf.toString(), "--data", tiles.toString(), "--out", out.toString());
      Path losses = out.resolve("losses.jsonl");
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (System.nanoTime() < deadline && job.process().isAlive()
          && (!Files.exists(losses) || Files.readAllLines(losses).size() < 3)) {
        Thread.sleep(200);
      }
      assertTrue(job.process().isAlive(), "the job was still training when the worker was killed");
      Process worker1 = cluster.processes().get(2);
      StandaloneCluster.kill(worker1);
      assertFalse(worker1.isAlive());
      JobScripts.Result r = job.await();
      assertEquals(0, r.code(), () -> r.stderr() + "\nmaster log:\n"
          + StandaloneCluster.tail(dir.resolve("cluster/master.log").toFile(), 3000));
      assertTrue(r.stderr().matches("(?s).*(Lost executor|Executor app-\\S+ removed).*"),
          "the driver saw the executor go: " + r.stderr().lines().filter(l -> l.contains("xecutor")).toList());
      JsonNode json = new ObjectMapper().readTree(out.resolve("_job_result.json").toFile());
      // 20 photo tiles / batch 2 = 10 minibatches = 5 rounds of 2 workers per epoch; 1 + 3 epochs.
      assertEquals(5, json.get("pretrainRounds").asLong());
      assertEquals(15, json.get("adversarialRounds").asLong());
      assertEquals(10, json.get("pretrainSteps").asLong());
      assertEquals(30, json.get("adversarialSteps").asLong());
      assertTrue(json.get("allLossesFinite").asBoolean());
      assertEquals(20, Files.readAllLines(losses).size());
      assertEquals(1, cluster.aliveWorkers());

      // Resuming a finished run trains nothing more and keeps the step counts.
      JobScripts.Result again = JobScripts.run(dir, "train.sh", "--master", cluster.masterUrl(),
          "--conf", "spark.executor.memory=768m", "--conf", "spark.cores.max=2",
          "--config", conf.toString(), "--data", tiles.toString(), "--out", out.toString(), "--resume");
      assertEquals(0, again.code(), again.stderr());
      JsonNode json2 = new ObjectMapper().readTree(out.resolve("_job_result.json").toFile());
      assertEquals(0, json2.get("roundsRun").asLong());
      assertEquals(30, json2.get("adversarialSteps").asLong());
      assertEquals("resumed", json2.get("lineage").get("kind").asText());

      // The batch inference job on the same cluster (one worker left), from the final checkpoint folder.
      Path styled = dir.resolve("styled");
      JobScripts.Result infer = JobScripts.run(dir, "infer.sh", "--master", cluster.masterUrl(),
          "--conf", "spark.executor.memory=768m", "--conf", "spark.cores.max=2",
          "--model", json.get("checkpoint").asText(), "--input", root.resolve("data/sample/photos").toString(),
          "--out", styled.toString(), "--mode", "tile", "--set", "infer.tile.size=64", "--set", "infer.tile.overlap=16",
          "--set", "infer.limits.max-pixels=1100000");
      assertEquals(0, infer.code(), infer.stderr());
      JsonNode inferred = new ObjectMapper().readTree(styled.resolve("_job_result.json").toFile());
      assertEquals(8, inferred.get("seen").asLong(), "5 photos and 3 copyright texts");
      assertEquals(4, inferred.get("written").asLong());
      assertEquals(4, inferred.get("rejected").asLong());
      assertEquals(3, inferred.get("rejectedByReason").get("not_an_image").asLong());
      assertEquals(1, inferred.get("rejectedByReason").get("too_large").asLong(), "kcas1.jpg is over 1.1 MP");
      assertTrue(Files.isRegularFile(styled.resolve("images/python3-skimage/rocket.jpg")));
      assertTrue(Files.isRegularFile(styled.resolve("index.html")));
    }
    for (ProcessHandle h : started) {
      assertFalse(h.isAlive(), "process " + h.pid() + " was stopped");
    }
  }

  @Test
  void helpAndConfigErrors() throws Exception {
    JobScripts.Result help = JobScripts.run(dir, "train.sh", "--help");
    assertEquals(0, help.code(), help.stderr());
    assertTrue(help.stdout().startsWith("Usage: jobs/train.sh --data PATH --out PATH"), help.stdout());
    JobScripts.Result bad = JobScripts.run(dir, "train.sh", "--master", "local[1]", "--data", dir.toString(),
        "--out", dir.resolve("o").toString(), "--phase", "both");
    assertEquals(2, bad.code(), bad.stderr());
    assertTrue(bad.stderr().contains("animegan train: config error: Invalid value for animegan.train-job.phase: 'both'. "
        + "Allowed values: all, pretrain, train\n"), bad.stderr());
    JobScripts.Result noData = JobScripts.run(dir, "train.sh", "--master", "local[1]", "--data", dir.resolve("none").toString(),
        "--out", dir.resolve("o").toString(), "--set", "model.vgg19.allow-random-init=true");
    assertEquals(2, noData.code(), noData.stderr());
    assertTrue(noData.stderr().contains("animegan train: config error: No tiles table at " + dir.resolve("none")
        + "/tiles (animegan.train-job.data): run the ingest job first\n"), noData.stderr());
    assertFalse(noData.stderr().contains("\tat "), "no stack trace without --verbose");
  }
}

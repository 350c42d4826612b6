package dev.animegan.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.animegan.core.testing.TestClips;
import dev.animegan.core.video.VideoInfo;
import dev.animegan.core.video.VideoProbe;
import dev.animegan.model.GeneratorGraphs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jobs/video.sh: its command-line contract, and a run on a real standalone cluster (Master + 2
 * Workers, separate JVMs) whose segment tasks spread over both workers.
 */
@Tag("cluster")
class VideoClusterIT {
  @TempDir
  Path dir;

  private static Path sparkHome() {
    return Paths.get(System.getProperty("animegan.sparkHome", "target/spark-home"));
  }

  @Test
  void helpAndUsageErrors() throws Exception {
    JobScripts.Result help = JobScripts.run(dir, "video.sh", "--help");
    assertEquals(0, help.code(), help.stderr());
    assertTrue(help.stdout().startsWith("Usage: jobs/video.sh --model MODEL --input PATH[,PATH] --out PATH "
        + "[--max-long-side N] [--temporal-smoothing 0..1] [--preserve-color]"), help.stdout());
    assertTrue(help.stdout().contains("  --preserve-color             keep each frame's colour statistics "
        + "(animegan.video.preserve-color)\n"), help.stdout());

    JobScripts.Result bad = JobScripts.run(dir, "video.sh", "--model", "m.zip", "--input", dir.toString(), "--out",
        dir.resolve("o").toString(), "--temporal-smoothing", "2");
    assertEquals(2, bad.code(), bad.stderr());
    assertTrue(bad.stderr().contains("animegan video: config error: Invalid value for animegan.video.temporal-smoothing: "
        + "'2'. Allowed values: a number from 0.0 to 1.0\n"), bad.stderr());
    assertFalse(bad.stderr().contains("\tat "), "no stack trace without --verbose");

    Path model = dir.resolve("generator.zip");
    ModelSerializer.writeModel(GeneratorGraphs.random(4, 11), model.toFile(), false);
    JobScripts.Result missing = JobScripts.run(dir, "video.sh", "--master", "local[1]", "--model", model.toString(),
        "--input", dir.resolve("nope").toString(), "--out", dir.resolve("o").toString());
    assertEquals(2, missing.code(), missing.stderr());
    assertTrue(missing.stderr().contains("animegan video: config error: No such input path: " + dir.resolve("nope")
        + " (animegan.video.input)\n"), missing.stderr());
  }

  @Test
  void videoOnAStandaloneClusterWithTwoWorkers() throws Exception {
    Path in = dir.resolve("in");
    TestClips.write(in.resolve("day one/clip a.mp4"), TestClips.mp4(96, 64, 2.4));
    TestClips.write(in.resolve("clip b.mkv"), new TestClips.Spec("mkv", 80, 64, 30000, 1001, 2.0, 15, true));
    Files.write(in.resolve("broken.webm"), "not a video".getBytes());
    Path model = dir.resolve("generator.zip");
    ModelSerializer.writeModel(GeneratorGraphs.random(4, 11), model.toFile(), false);
    Path out = dir.resolve("out");
    try (StandaloneCluster cluster = new StandaloneCluster(sparkHome(), dir.resolve("cluster"), 2, 1, "1g")) {
      JobScripts.Result r = JobScripts.run(dir, "video.sh", "--master", cluster.masterUrl(),
          "--conf", "spark.executor.memory=768m", "--conf", "spark.cores.max=2",
          "--model", model.toString(), "--input", in.toString(), "--out", out.toString(),
          "--max-long-side", "64", "--temporal-smoothing", "0.5",
          "--set", "video.segment-seconds=0.9", "--set", "video.encoder.preset=ultrafast");
      assertEquals(0, r.code(), () -> r.stderr() + "\nmaster log:\n"
          + StandaloneCluster.tail(dir.resolve("cluster/master.log").toFile(), 3000));
      JsonNode json = JobScripts.jobResult(out);
      assertEquals(3, json.get("videos").asLong());
      assertEquals(2, json.get("written").asLong());
      assertEquals(1, json.get("rejectedByReason").get("corrupt").asLong());
      assertEquals(5, json.get("segments").asLong());
      assertEquals(120, json.get("frames").asLong());
      assertTrue(json.get("flicker").get("flicker").asDouble() < json.get("flicker").get("flickerWithoutSmoothing")
          .asDouble(), json.get("flicker").toString());
      VideoInfo a = VideoProbe.probe(out.resolve("videos/day one/clip a.mp4"), 1_000_000);
      assertEquals(60, a.frames());
      assertEquals(1, a.audioStreams());
      VideoInfo b = VideoProbe.probe(out.resolve("videos/clip b.mp4"), 1_000_000);
      assertEquals(60, b.frames());
      assertEquals(30000, b.fpsNum());
      assertEquals(1001, b.fpsDen());
      assertEquals(1, cluster.completedApps(), "the job ran as an application of this cluster");
      assertEquals(2, cluster.aliveWorkers());
      List<String> workerLogs = List.of("worker-0", "worker-1");
      for (String w : workerLogs) {
        assertTrue(StandaloneCluster.executorLogsMention(dir.resolve("cluster"), w, ": segment "),
            w + " ran segment tasks");
      }
    }
  }
}

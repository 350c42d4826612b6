package dev.animegan.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.animegan.spark.testing.IngestFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jobs/ingest.sh against a real standalone cluster (Master + 2 Workers, separate JVMs on
 * 127.0.0.1) started from the assembled Spark home, and its command-line contract.
 */
@Tag("cluster")
class IngestClusterIT {
  @TempDir
  Path dir;

  private static Path sparkHome() {
    return Paths.get(System.getProperty("animegan.sparkHome", "target/spark-home"));
  }

  @Test
  void helpAndUsageErrors() throws Exception {
    JobScripts.Result help = JobScripts.run(dir, "ingest.sh", "--help");
    assertEquals(0, help.code(), help.stderr());
    assertTrue(help.stdout().startsWith("Usage: jobs/ingest.sh --photos PATH[,PATH]"), help.stdout());

    JobScripts.Result noOut = JobScripts.run(dir, "ingest.sh", "--photos", dir.toString());
    assertEquals(2, noOut.code());
    assertTrue(noOut.stderr().contains("animegan ingest: config error: Missing value for animegan.ingest.output: "
        + "set it in the config or with --out PATH\n"), noOut.stderr());
    assertFalse(noOut.stderr().contains("\tat "), "no stack trace without --verbose");

    JobScripts.Result badFlag = JobScripts.run(dir, "ingest.sh", "--photoz", "x");
    assertEquals(2, badFlag.code());
    assertTrue(badFlag.stderr().contains("animegan ingest: error: unknown option --photoz\n"), badFlag.stderr());

    JobScripts.Result missingInput = JobScripts.run(dir, "ingest.sh", "--master", "local[1]",
        "--photos", dir.resolve("nope").toString(), "--out", dir.resolve("o").toString());
    assertEquals(2, missingInput.code(), missingInput.stderr());
    assertTrue(missingInput.stderr().contains("animegan ingest: config error: No such input path: "
        + dir.resolve("nope") + " (animegan.ingest.photos)\n"), missingInput.stderr());
  }

  @Test
  void ingestOnAStandaloneClusterWithTwoWorkers() throws Exception {
    Path in = dir.resolve("in");
    IngestFixtures.write(in);
    Path out = dir.resolve("out");
    List<ProcessHandle> started;
    try (StandaloneCluster cluster = new StandaloneCluster(sparkHome(), dir.resolve("cluster"), 2, 1, "1g")) {
      started = cluster.processes().stream().map(Process::toHandle).toList();
      JobScripts.Result r = JobScripts.run(dir, "ingest.sh", "--master", cluster.masterUrl(),
          "--conf", "spark.executor.memory=768m", "--conf", "spark.cores.max=2",
          "--photos", in.resolve("photos").toString(),
          "--anime", "supertux=" + in.resolve("anime/supertux"), "--anime", "ukui=" + in.resolve("anime/ukui"),
          "--out", out.toString(),
          "--set", "ingest.resize.short-side=64", "--set", "ingest.crop.size=64",
          "--set", "ingest.crop.mode=random", "--set", "ingest.crop.count=2",
          "--set", "ingest.limits.max-file-bytes=2MiB");
      assertEquals(0, r.code(), () -> r.stderr() + "\nmaster log:\n"
          + StandaloneCluster.tail(dir.resolve("cluster/master.log").toFile(), 3000));
      JsonNode json = new ObjectMapper().readTree(Files.readString(out.resolve("_job_result.json")));
      long read = IngestFixtures.PHOTO_READ + IngestFixtures.SUPERTUX_READ + IngestFixtures.UKUI_READ;
      assertEquals(read, json.get("read").asLong());
      assertEquals(IngestFixtures.PHOTO_ACCEPTED + IngestFixtures.ANIME_ACCEPTED, json.get("accepted").asLong());
      assertEquals(IngestFixtures.PHOTO_DUPLICATES, json.get("duplicates").asLong());
      assertEquals(read, json.get("accepted").asLong() + json.get("rejected").asLong() + json.get("duplicates").asLong());
      IngestFixtures.expectedRejectedByReason().forEach(
          (reason, n) -> assertEquals(n.longValue(), json.get("rejectedByReason").get(reason).asLong(), reason));
      assertEquals(2 * json.get("accepted").asLong(), json.get("tiles").asLong());
      assertTrue(Files.exists(out.resolve("tiles/_SUCCESS")));
      assertTrue(Files.exists(out.resolve("quarantine/_SUCCESS")));
      assertEquals(1, cluster.completedApps(), "the job ran as an application of this cluster");
      assertEquals(2, cluster.aliveWorkers());
    }
    for (ProcessHandle h : started) {
      assertFalse(h.isAlive(), "process " + h.pid() + " was stopped");
    }
  }
}

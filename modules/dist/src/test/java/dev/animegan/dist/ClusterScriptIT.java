package dev.animegan.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jobs/cluster.sh start|status|stop: a real Master and Workers, stopped by their pid files only. */
@Tag("cluster")
class ClusterScriptIT {
  @TempDir
  Path dir;

  private JobScripts.Result cluster(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(JobScripts.repoRoot().resolve("jobs/cluster.sh").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("SPARK_HOME");
    pb.environment().put("ANIMEGAN_CLUSTER_DIR", dir.resolve("state").toString());
    String jar = System.getProperty("animegan.jobJar");
    if (jar != null) {
      pb.environment().put("ANIMEGAN_JOB_JAR", jar);
    }
    Path out = Files.createTempFile(dir, "cluster", ".out");
    Path err = Files.createTempFile(dir, "cluster", ".err");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(p.waitFor(3, TimeUnit.MINUTES), "cluster.sh " + String.join(" ", args) + " finished");
    return new JobScripts.Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  @Test
  void startStatusStopAndOnlyItsOwnProcesses() throws Exception {
    int port = StandaloneCluster.freePort();
    JobScripts.Result start = cluster("start", "--workers", "2", "--memory", "512m", "--port", String.valueOf(port),
        "--webui-port", String.valueOf(StandaloneCluster.freePort()));
    assertEquals(0, start.code(), start.stderr());
    assertEquals("spark://127.0.0.1:" + port + "\n", start.stdout());
    Path state = dir.resolve("state");
    List<Long> pids = new ArrayList<>();
    for (String n : List.of("master", "worker-0", "worker-1")) {
      pids.add(Long.parseLong(Files.readString(state.resolve(n + ".pid")).trim()));
    }
    JobScripts.Result status = cluster("status");
    assertEquals(0, status.code(), status.stderr());
    assertTrue(status.stdout().contains("master: running"), status.stdout());
    assertTrue(status.stdout().contains("worker-1: running"), status.stdout());
    JobScripts.Result again = cluster("start", "--port", String.valueOf(port));
    assertEquals(1, again.code());
    assertTrue(again.stderr().contains("already running"), again.stderr());

    // A pid file that points at someone else's process is not ours to kill.
    Process bystander = new ProcessBuilder("sleep", "60").start();
    Files.writeString(state.resolve("worker-9.pid"), bystander.pid() + "\n");
    JobScripts.Result stop = cluster("stop");
    assertEquals(0, stop.code(), stop.stderr());
    for (long pid : pids) {
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " stopped");
    }
    assertTrue(bystander.isAlive(), "the unrelated process survives");
    bystander.destroy();
    JobScripts.Result after = cluster("status");
    assertEquals(3, after.code());
  }
}

package dev.animegan.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.animegan.spark.testing.IngestFixtures;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Docker tier: the CPU image built from a local Debian base (docker/build-local-base.sh, no
 * registry needed), the compose cluster (master and two workers on the host network, 127.0.0.1,
 * distinct worker ports) and ingest, train and infer submitted through the {@code submit} service,
 * with the results checked on a bind-mounted folder. Starts the Docker engine when none runs (and
 * stops it again by PID); skipped with a message when there is no engine and none can be started.
 * Everything it starts, builds or creates is removed afterwards.
 */
@Tag("docker")
class DockerIT {
  private static final Logger LOG = LoggerFactory.getLogger(DockerIT.class);
  static final String BASE = "local/debian-jre17:bookworm";
  static final String IMAGE = "animegan-spark:cpu";
  static final String PROJECT = "animegan-it";

  @TempDir
  Path dir;

  record Out(int code, String text) {}

  static Out sh(Path log, Duration timeout, Map<String, String> env, String... cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(JobScripts.repoRoot().toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Path out = Files.createTempFile(log, "cmd", ".log");
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      return new Out(-1, String.join(" ", cmd) + " timed out:\n" + Files.readString(out));
    }
    return new Out(p.exitValue(), Files.readString(out));
  }

  static Out sh(Path log, String... cmd) throws IOException, InterruptedException {
    return sh(log, Duration.ofMinutes(5), Map.of(), cmd);
  }

  static boolean engineUp(Path log) throws IOException, InterruptedException {
    return sh(log, Duration.ofSeconds(20), Map.of(), "docker", "info").code() == 0;
  }

  @Test
  void theImagesBuildAndTheComposeClusterRunsThePipeline() throws Exception {
    Path log = Files.createDirectories(dir.resolve("log"));
    assumeTrue(onPath("docker") && onPath("docker-compose"),
        "Docker tier skipped: no docker/docker-compose on the PATH (apt-get install docker.io docker-compose)");
    Process dockerd = null;
    if (!engineUp(log)) {
      assumeTrue(onPath("dockerd"), "Docker tier skipped: no Docker engine runs and there is no dockerd to start");
      LOG.info("starting dockerd");
      dockerd = new ProcessBuilder("dockerd").redirectErrorStream(true).redirectOutput(dir.resolve("dockerd.log").toFile())
          .start();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline && dockerd.isAlive() && !engineUp(log)) {
        Thread.sleep(500);
      }
      if (!engineUp(log)) {
        dockerd.destroy();
        dockerd.waitFor(20, TimeUnit.SECONDS);
        String why = Files.readString(dir.resolve("dockerd.log"));
        assumeTrue(false, "Docker tier skipped: dockerd could not be started: "
            + why.substring(Math.max(0, why.length() - 600)));
      }
    }
    boolean baseBuilt = false;
    Path data = Files.createDirectories(dir.resolve("data"));
    Map<String, String> env = Map.of("ANIMEGAN_DATA", data.toString());
    String[] compose = {"docker-compose", "-p", PROJECT, "-f", "docker/compose.host.yaml"};
    try {
      if (sh(log, "docker", "image", "inspect", BASE).code() != 0) {
        Out base = sh(log, Duration.ofMinutes(5), Map.of(), "docker/build-local-base.sh", BASE);
        // debootstrap needs root and a reachable Debian mirror: without them this machine cannot make images
        assumeTrue(base.code() == 0, () -> "Docker tier skipped: the local base image could not be built "
            + "(docker/build-local-base.sh needs root and a Debian mirror): "
            + base.text().substring(Math.max(0, base.text().length() - 800)));
        baseBuilt = true;
      }
      Out smoke = sh(log, Duration.ofMinutes(1), Map.of(), "docker", "run", "--rm", "--network", "host", BASE, "java", "-version");
      assumeTrue(smoke.code() == 0, "Docker tier skipped: the engine runs but cannot run a container here: " + smoke.text());
      Out build = sh(log, Duration.ofMinutes(5), Map.of(), "docker", "build", "--build-arg", "BASE_IMAGE=" + BASE,
          "-f", "docker/cpu/Dockerfile", "-t", IMAGE, ".");
      assertEquals(0, build.code(), build.text());

      // Inputs and a tiny training budget on the bind-mounted folder, writable by the image's user.
      Path root = JobScripts.repoRoot();
      IngestFixtures.copyTree(root.resolve("data/sample"), data.resolve("sample"));
      Files.writeString(data.resolve("tiny.conf"), TrainClusterIT.tinyConfig().replace("adversarial.epochs = 3", "adversarial.epochs = 1"));
      openUp(data);

      Out up = sh(log, Duration.ofMinutes(3), env, concat(compose, "up", "-d", "master", "worker-1", "worker-2"));
      assertEquals(0, up.code(), up.text());
      awaitWorkers(2, log, compose, env);
      awaitHealthy(log, "master", "worker-1", "worker-2");

      String[] submit = concat(compose, "run", "--rm", "submit");
      String[] cluster = {"--master", "spark://127.0.0.1:7077", "--conf", "spark.executor.memory=1g",
          "--conf", "spark.cores.max=2", "--conf", "spark.driver.host=127.0.0.1",
          // both workers are "127.0.0.1" but keep their shuffle files in their own containers
          "--conf", "spark.shuffle.readHostLocalDisk=false"};
      Out ingest = sh(log, Duration.ofMinutes(4), env, concat(concat(submit, "ingest"), concat(cluster,
          "--photos", "/data/sample/photos", "--anime", "supertux=/data/sample/anime/supertux", "--out", "/data/tiles",
          "--set", "ingest.resize.short-side=64", "--set", "ingest.crop.size=32", "--set", "ingest.crop.mode=grid",
          "--set", "ingest.crop.max-per-image=4", "--set", "ingest.split.test-fraction=0")));
      assertEquals(0, ingest.code(), ingest.text());
      JsonNode in = JobScripts.jobResult(data.resolve("tiles"));
      assertEquals(13, in.get("read").asLong(), "5 photos, 4 supertux images and 4 copyright files");
      assertEquals(9, in.get("accepted").asLong());
      assertEquals(4, in.get("rejectedByReason").get("not_an_image").asLong());
      assertTrue(Files.exists(data.resolve("tiles/tiles/_SUCCESS")));

      Out train = sh(log, Duration.ofMinutes(5), env, concat(concat(submit, "train"), concat(cluster,
          "--config", "/data/tiny.conf", "--data", "/data/tiles", "--out", "/data/run")));
      assertEquals(0, train.code(), train.text());
      JsonNode tr = JobScripts.jobResult(data.resolve("run"));
      // 20 photo tiles / batch 2 = 10 minibatches = 5 rounds of 2 workers, 1 pretraining + 1 adversarial epoch
      assertEquals(10, tr.get("pretrainSteps").asLong());
      assertEquals(10, tr.get("adversarialSteps").asLong());
      assertTrue(tr.get("allLossesFinite").asBoolean());
      String checkpoint = tr.get("checkpoint").asText().replaceFirst("^file:", "");
      assertTrue(checkpoint.startsWith("/data/run/"), checkpoint);
      assertTrue(Files.exists(data.resolve(Path.of("/data").relativize(Path.of(checkpoint)).toString())
          .resolve("manifest.properties")), "the final checkpoint is complete: " + checkpoint);

      Out infer = sh(log, Duration.ofMinutes(4), env, concat(concat(submit, "infer"), concat(cluster,
          "--model", checkpoint, "--input", "/data/sample/photos", "--out", "/data/styled",
          "--mode", "tile", "--set", "infer.tile.size=64", "--set", "infer.tile.overlap=16",
          "--set", "infer.limits.max-pixels=1100000")));
      assertEquals(0, infer.code(), infer.text());
      JsonNode inf = JobScripts.jobResult(data.resolve("styled"));
      assertEquals(8, inf.get("seen").asLong());
      assertEquals(4, inf.get("written").asLong());
      assertEquals(1, inf.get("rejectedByReason").get("too_large").asLong());
      assertTrue(Files.size(data.resolve("styled/images/python3-skimage/rocket.jpg")) > 0);
    } finally {
      Out logs = sh(log, Duration.ofMinutes(1), env, concat(compose, "logs", "--tail", "40"));
      LOG.info("compose logs (tail):\n{}", logs.text());
      sh(log, Duration.ofMinutes(2), env, concat(compose, "down", "-v", "--remove-orphans"));
      sh(log, "docker", "rmi", "-f", IMAGE);
      if (baseBuilt) {
        sh(log, "docker", "rmi", "-f", BASE);
      }
      sh(log, "docker", "image", "prune", "-f");
      if (dockerd != null) {
        LOG.info("stopping the dockerd this test started (pid {})", dockerd.pid());
        dockerd.destroy();
        if (!dockerd.waitFor(30, TimeUnit.SECONDS)) {
          dockerd.destroyForcibly();
        }
      }
    }
  }

  private static void awaitWorkers(int n, Path log, String[] compose, Map<String, String> env) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        last = new String(URI.create("http://127.0.0.1:8080/json/").toURL().openStream().readAllBytes());
        if (new ObjectMapper().readTree(last).get("aliveworkers").asInt() >= n) {
          return;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the workers did not register: " + last + "\n" + sh(log, Duration.ofMinutes(1), env,
        concat(compose, "logs", "--tail", "60")).text());
  }

  private static void awaitHealthy(Path log, String... services) throws Exception {
    for (String s : services) {
      String name = PROJECT + "_" + s + "_1";
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      String status = "";
      while (System.nanoTime() < deadline) {
        status = sh(log, "docker", "inspect", "-f", "{{.State.Health.Status}}", name).text().trim();
        if (status.equals("healthy")) {
          break;
        }
        Thread.sleep(1000);
      }
      assertEquals("healthy", status, name + "'s HEALTHCHECK");
    }
  }

  static boolean onPath(String cmd) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(d -> Files.isExecutable(Path.of(d, cmd)));
  }

  static String[] concat(String[] a, String... b) {
    List<String> l = new ArrayList<>(Arrays.asList(a));
    l.addAll(Arrays.asList(b));
    return l.toArray(String[]::new);
  }

  /** The image runs as uid 1001: let it read and write the bind-mounted folder. */
  static void openUp(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxrwxrwx" : "rw-rw-rw-"));
      }
    }
    for (Path p = root; p != null && !p.equals(Path.of("/tmp")) && !p.equals(Path.of("/")); p = p.getParent()) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
    }
  }
}

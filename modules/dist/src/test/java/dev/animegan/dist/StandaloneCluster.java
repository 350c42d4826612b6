package dev.animegan.dist;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Spark standalone cluster on 127.0.0.1: one Master and N Workers started as separate JVMs
 * from the assembled Spark home's bin/spark-class, stopped by PID (with every process they forked).
 */
public final class StandaloneCluster implements AutoCloseable {
  private final Path sparkHome;
  private final Path workDir;
  private final List<Process> processes = new ArrayList<>();
  private int masterPort;
  private int masterUiPort;
  /** Master starts tried with fresh ports: a port found free can be taken before the master binds it. */
  private static final int MASTER_ATTEMPTS = 3;

  public StandaloneCluster(Path sparkHome, Path workDir, int workers, int coresPerWorker, String memoryPerWorker)
      throws IOException, InterruptedException {
    this.sparkHome = sparkHome;
    this.workDir = workDir;
    Files.createDirectories(workDir);
    startMaster();
    for (int i = 0; i < workers; i++) {
      Path dir = Files.createDirectories(workDir.resolve("worker-" + i));
      start("worker-" + i, List.of("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores",
          String.valueOf(coresPerWorker), "--memory", memoryPerWorker, "--webui-port", String.valueOf(freePort()),
          "--work-dir", dir.toString(), masterUrl()));
    }
    waitFor(() -> aliveWorkers() == workers, workers + " workers to register", "worker-0");
  }

  /**
   * The master on two distinct free ports, without Spark's retry on the next port (the workers
   * and the status page must find it where it was told to listen): a master that cannot bind
   * exits, and is started again on other ports.
   */
  private void startMaster() throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      masterPort = freePort();
      do {
        masterUiPort = freePort();
      } while (masterUiPort == masterPort);
      String name = attempt == 1 ? "master" : "master-" + attempt;
      Process master = start(name, List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
          String.valueOf(masterPort), "--webui-port", String.valueOf(masterUiPort)));
      try {
        waitFor(() -> json().contains("\"status\" : \"ALIVE\""), "master to come up", name);
        return;
      } catch (IllegalStateException e) {
        kill(master);
        processes.remove(master);
        if (attempt == MASTER_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  public String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  public List<Process> processes() {
    return processes;
  }

  private Process start(String name, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(sparkHome.resolve("bin/spark-class").toString());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(workDir.resolve(name + ".log").toFile());
    Map<String, String> env = pb.environment();
    env.remove("SPARK_HOME");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("SPARK_DAEMON_MEMORY", "512m");
    env.put("SPARK_MASTER_OPTS", "-Dspark.port.maxRetries=0");
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  /** The master's JSON status page. */
  public String json() {
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + masterUiPort + "/json/"))
          .timeout(Duration.ofSeconds(5)).build();
      return client.send(req, HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  public int aliveWorkers() {
    Matcher m = Pattern.compile("\"aliveworkers\" : (\\d+)").matcher(json());
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  public int completedApps() {
    String j = json();
    int i = j.indexOf("\"completedapps\" : [");
    if (i < 0) {
      return 0;
    }
    Matcher m = Pattern.compile("\"id\" : \"app-").matcher(j.substring(i));
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  /** Waits up to 90 s for {@code check}; the failure carries the end of {@code log}'s output. */
  private void waitFor(Check check, String what, String log) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (check.ok()) {
          return;
        }
      } catch (Exception e) {
        // not yet
      }
      for (Process p : processes) {
        if (!p.isAlive()) {
          throw new IllegalStateException("a cluster process died while waiting for " + what + "; logs in " + workDir
              + "; " + log + ".log ends:\n" + tail(workDir.resolve(log + ".log").toFile(), 3000));
        }
      }
      Thread.sleep(300);
    }
    throw new IllegalStateException("timed out waiting for " + what + "; logs in " + workDir + "; " + log
        + ".log ends:\n" + tail(workDir.resolve(log + ".log").toFile(), 3000));
  }

  /** Kills one process started here (and its children, e.g. a worker's executors). */
  public static void kill(Process p) throws InterruptedException {
    p.descendants().forEach(ProcessHandle::destroy);
    p.destroy();
    if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (int i = processes.size() - 1; i >= 0; i--) {
      kill(processes.get(i));
    }
  }

  /** Whether any executor's stderr under {@code clusterDir/worker} (each app folder's N/stderr) contains {@code text}. */
  static boolean executorLogsMention(Path clusterDir, String worker, String text) throws IOException {
    Path root = clusterDir.resolve(worker);
    if (!Files.isDirectory(root)) {
      return false;
    }
    try (java.util.stream.Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
        if (Files.readString(p).contains(text)) {
          return true;
        }
      }
    }
    return false;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static String tail(File f, int chars) {
    try {
      String s = Files.readString(f.toPath());
      return s.substring(Math.max(0, s.length() - chars));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}

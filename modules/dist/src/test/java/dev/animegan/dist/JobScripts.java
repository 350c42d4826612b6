package dev.animegan.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the jobs/ scripts as a user would, with the assembled Spark home (SPARK_HOME unset). */
final class JobScripts {
  private JobScripts() {}

  record Result(int code, String stdout, String stderr) {}

  static Path repoRoot() {
    Path p = Paths.get("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("jobs"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("no jobs/ folder above " + Paths.get("").toAbsolutePath());
    }
    return p;
  }

  /** A script started in the background; {@link #await} waits for it. */
  record Running(Process process, Path out, Path err, String script) {
    Result await() throws IOException, InterruptedException {
      if (!process.waitFor(8, TimeUnit.MINUTES)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new IllegalStateException(script + " timed out; output in " + out + " and " + err);
      }
      return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }
  }

  /** A job's {@code <out>/_job_result.json}. */
  static com.fasterxml.jackson.databind.JsonNode jobResult(Path out) throws IOException {
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolve("_job_result.json").toFile());
  }

  static Result run(Path logDir, String script, String... args) throws IOException, InterruptedException {
    return start(logDir, script, args).await();
  }

  static Running start(Path logDir, String script, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(repoRoot().resolve("jobs").resolve(script).toString());
    cmd.addAll(Arrays.asList(args));
    Files.createDirectories(logDir);
    Path out = Files.createTempFile(logDir, script, ".out");
    Path err = Files.createTempFile(logDir, script, ".err");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().remove("SPARK_HOME");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("ANIMEGAN_DRIVER_MEMORY", "1g");
    String jar = System.getProperty("animegan.jobJar");
    if (jar != null) {
      pb.environment().put("ANIMEGAN_JOB_JAR", jar);
    }
    return new Running(pb.start(), out, err, script);
  }
}

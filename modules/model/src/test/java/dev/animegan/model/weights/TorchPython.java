package dev.animegan.model.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the committed PyTorch-side scripts of {@code pytorch/} with Debian's {@code /usr/bin/python3}
 * and python3-torch. Without them the calling test is skipped with the reason, unless
 * {@code ANIMEGAN_REQUIRE_TORCH=1} (set by jobs/test.sh, so CI fails instead of skipping).
 */
final class TorchPython {
  static final String PYTHON = "/usr/bin/python3";

  private TorchPython() {}

  /** The repository's {@code pytorch/} folder, found upwards from the working directory. */
  static Path scripts() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("pytorch/animegan_ref.py"))) {
        return p.resolve("pytorch");
      }
    }
    throw new IllegalStateException("no pytorch/animegan_ref.py above " + Path.of("").toAbsolutePath());
  }

  /** Skips (or, with ANIMEGAN_REQUIRE_TORCH=1, fails) unless python3 can import torch and numpy. */
  static void require() throws Exception {
    boolean ok;
    String why;
    if (!Files.isExecutable(Path.of(PYTHON))) {
      ok = false;
      why = PYTHON + " is missing";
    } else {
      Result r = run(List.of(PYTHON, "-c", "import torch, numpy"));
      ok = r.code == 0;
      why = "python3 cannot import torch and numpy (apt-get install python3-torch python3-numpy): " + r.output.strip();
    }
    if (!ok && "1".equals(System.getenv("ANIMEGAN_REQUIRE_TORCH"))) {
      throw new AssertionError("ANIMEGAN_REQUIRE_TORCH=1 but " + why);
    }
    assumeTrue(ok, why);
  }

  record Result(int code, String output) {}

  static Result run(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("OMP_NUM_THREADS", "1");
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + command);
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /** Runs {@code pytorch/SCRIPT args...}; fails the test with the script's output unless it exits 0. Returns its last line. */
  static String script(String script, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(PYTHON, scripts().resolve(script).toString()));
    cmd.addAll(List.of(args));
    Result r = run(cmd);
    assertEquals(0, r.code, () -> script + " failed:\n" + r.output);
    List<String> lines = r.output.strip().lines().toList();
    return lines.get(lines.size() - 1);
  }
}

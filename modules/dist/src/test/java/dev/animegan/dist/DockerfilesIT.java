package dev.animegan.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every file a Dockerfile copies exists after the build (no Docker engine here to build the images). */
class DockerfilesIT {
  static List<String> copySources(Path dockerfile) throws Exception {
    List<String> sources = new ArrayList<>();
    for (String line : Files.readAllLines(dockerfile)) {
      String l = line.trim();
      if (l.startsWith("COPY ") && !l.contains("--from=")) {
        String[] parts = l.substring(5).trim().split("\\s+");
        for (int i = 0; i < parts.length - 1; i++) {
          if (!parts[i].startsWith("--")) {
            sources.add(parts[i]);
          }
        }
      }
    }
    return sources;
  }

  @Test
  void everyCopiedPathExists() throws Exception {
    Path root = JobScripts.repoRoot();
    for (String image : List.of("cpu", "gpu")) {
      Path dockerfile = root.resolve("docker").resolve(image).resolve("Dockerfile");
      List<String> sources = copySources(dockerfile);
      assertEquals(List.of("modules/dist/target/spark-home", "modules/dist/target/animegan-spark-job.jar", "jobs", "conf",
          "docker/entrypoint.sh"), sources, image);
      for (String s : sources) {
        assertTrue(Files.exists(root.resolve(s)), image + ": " + s + " exists after the build");
      }
      assertTrue(Files.isExecutable(root.resolve("modules/dist/target/spark-home/bin/spark-class")));
    }
    assertTrue(Files.isRegularFile(root.resolve("docker/compose.yaml")));
    String compose = Files.readString(root.resolve("docker/compose.yaml"));
    for (String service : List.of("master:", "worker-1:", "worker-2:", "gpu-worker:", "namenode:", "datanode:")) {
      assertTrue(compose.contains("\n  " + service), service);
    }
  }
}

package dev.animegan.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.animegan.core.ingest.CropMode;
import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every example in conf/ must load and validate: they are documentation users copy. */
class ExampleConfigsTest {
  static Path confDir() {
    Path p = Paths.get("").toAbsolutePath();
    while (p != null && !p.resolve("conf/demo.conf").toFile().isFile()) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("no conf/ folder above the working directory");
    }
    return p.resolve("conf");
  }

  @Test
  void everyExampleValidates() {
    File[] files = confDir().toFile().listFiles((d, n) -> n.endsWith(".conf"));
    List<String> names = Arrays.stream(files).map(File::getName).sorted().toList();
    assertEquals(List.of("demo.conf", "hdfs.conf", "local.conf", "standalone.conf", "yarn.conf"), names);
    for (File f : files) {
      // demo.conf gets its inputs and output from jobs/demo.sh's flags.
      var flags = f.getName().equals("demo.conf")
          ? ConfigFactory.parseString("animegan.ingest { photos = [\"/p\"], output = \"/o\" }")
          : ConfigFactory.empty();
      IngestConfig c = IngestConfig.from(ConfigLoader.load(f.getPath(), flags));
      assertFalse(c.output().isBlank(), f.getName());
      var trainFlags = f.getName().equals("demo.conf")
          ? ConfigFactory.parseString("animegan.train-job { data = \"/d\", out = \"/o\" }")
          : ConfigFactory.empty();
      TrainJobConfig t = TrainJobConfig.from(ConfigLoader.load(f.getPath(), trainFlags));
      assertFalse(t.out().isBlank(), f.getName());
      var inferFlags = ConfigFactory.parseString("animegan.infer { model = \"/m.pt\", input = [\"/in\"], output = \"/o\" }");
      InferConfig i = InferConfig.from(ConfigLoader.load(f.getPath(), f.getName().equals("yarn.conf") ? ConfigFactory.empty()
          : inferFlags));
      assertFalse(i.output().isBlank(), f.getName());
    }
  }

  @Test
  void standaloneExampleSaysWhatItShows() {
    IngestConfig c = IngestConfig.from(ConfigLoader.load(confDir().resolve("standalone.conf").toString(),
        ConfigFactory.empty()));
    assertEquals(WriteMode.ERROR, c.mode());
    assertEquals(CropMode.GRID, c.tiles().cropMode());
    assertEquals(60_000_000L, c.tiles().maxPixels());
    assertEquals(List.of("hayao", "shinkai"), List.copyOf(c.anime().keySet()));
    TrainJobConfig t = TrainJobConfig.from(ConfigLoader.load(confDir().resolve("standalone.conf").toString(),
        ConfigFactory.empty()));
    assertEquals("hayao", t.style());
    assertEquals(8, t.workers());
    assertEquals("/shared/animegan/export", t.exportRoot());
  }

  @Test
  void demoBudgetIsTinyAndSaysSo() {
    TrainJobConfig t = TrainJobConfig.from(ConfigLoader.load(confDir().resolve("demo.conf").toString(),
        ConfigFactory.parseString("animegan.train-job { data = \"/d\", out = \"/o\" }")));
    assertEquals(64, t.train().tileSize());
    assertEquals(8, t.train().generatorBase());
    assertTrue(t.train().vggAllowRandomInit());
    assertEquals(4, t.maxRoundsPerEpoch());
  }
}

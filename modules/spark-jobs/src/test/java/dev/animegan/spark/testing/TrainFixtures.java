package dev.animegan.spark.testing;

import com.typesafe.config.ConfigFactory;
import dev.animegan.core.config.ConfigLoader;
import dev.animegan.core.config.IngestConfig;
import dev.animegan.core.config.TrainJobConfig;
import dev.animegan.spark.ingest.IngestJob;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** Tiny training data (bundled sample images as 32x32 tiles) and tiny training configs. */
public final class TrainFixtures {
  private TrainFixtures() {}

  /** Ingests data/sample into {@code out}: 32x32 grid tiles, styles supertux and ukui, no test split. */
  public static String ingestSample(SparkSession spark, Path out) throws IOException {
    Path root = SparkTestSession.repoRoot().resolve("data/sample");
    String hocon = "animegan.ingest {\n"
        + "  photos = [\"" + root.resolve("photos") + "\"]\n"
        + "  anime { supertux = [\"" + root.resolve("anime/supertux") + "\"], ukui = [\"" + root.resolve("anime/ukui")
        + "\"] }\n"
        + "  output = \"" + out + "\"\n"
        + "  mode = overwrite\n"
        + "  resize.short-side = 64\n"
        + "  crop { size = 32, mode = grid, max-per-image = 4 }\n"
        + "  split.test-fraction = 0\n"
        + "}\n";
    IngestJob.run(spark, IngestConfig.from(ConfigLoader.load(null, ConfigFactory.parseString(hocon))));
    return out.toString();
  }

  /** The HOCON of a tiny run: narrow networks, 32x32 tiles, random perceptual network, 2 workers. */
  public static String tinyTrainHocon(String data, String out) {
    return "animegan {\n"
        + "  model { generator.base = 2, discriminator { width = 4, stages = 2 }, vgg19 { allow-random-init = true, width-divisor = 16 } }\n"
        + "  train { tile-size = 32, batch-size = 2, pretrain { epochs = 1, lr = 2e-3 }, adversarial { epochs = 1, generator-lr = 2e-3, discriminator-lr = 2e-3 } }\n"
        + "  train-job {\n"
        + "    data = \"" + data + "\"\n"
        + "    out = \"" + out + "\"\n"
        + "    style = supertux\n"
        + "    workers = 2\n"
        + "    averaging-frequency = 1\n"
        + "    prefetch = 0\n"
        + "    max-rounds-per-epoch = 2\n"
        + "    checkpoint-every = 1\n"
        + "    sample-count = 2\n"
        + "  }\n"
        + "}\n";
  }

  public static TrainJobConfig config(String hocon, String... overrides) {
    com.typesafe.config.Config c = ConfigFactory.parseString(hocon);
    for (String o : overrides) {
      c = ConfigFactory.parseString(o).withFallback(c);
    }
    return TrainJobConfig.from(ConfigLoader.load(null, c));
  }
}

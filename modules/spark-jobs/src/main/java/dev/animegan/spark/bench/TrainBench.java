package dev.animegan.spark.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.animegan.core.config.ConfigLoader;
import dev.animegan.core.config.IngestConfig;
import dev.animegan.core.config.TrainJobConfig;
import dev.animegan.spark.common.SparkSessions;
import dev.animegan.spark.ingest.IngestJob;
import dev.animegan.spark.train.RunLog;
import dev.animegan.spark.train.TrainJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * {@code jobs/bench.sh train}: parameter-averaging throughput of adversarial training at a fixed
 * tile size with 1 and then 2 workers in the session spark-submit gives (local[2] by default):
 * images/s overall and per worker, each round's time split into worker compute (D step + G step,
 * mean over workers) and everything else (Spark scheduling, broadcast of parameters, loading the
 * minibatches, aggregation), and the scaling efficiency. The first round of each run is warm-up
 * and left out. Prints JSON on stdout.
 */
public final class TrainBench {
  private TrainBench() {}

  public static void main(String[] args) throws Exception {
    String data = null;
    int tile = 64;
    int base = 8;
    int batch = 2;
    int rounds = 4;
    int freq = 2;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--data" -> data = args[++i];
        case "--tile" -> tile = Integer.parseInt(args[++i]);
        case "--base" -> base = Integer.parseInt(args[++i]);
        case "--batch" -> batch = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--averaging-frequency" -> freq = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("usage: TrainBench [--data DIR] [--tile N] [--base N] [--batch N] [--rounds N] "
              + "[--averaging-frequency N]");
          System.exit(2);
        }
      }
    }
    Path dataDir = Paths.get(data != null ? data : "../shared/data").toAbsolutePath().normalize();
    if (!Files.isDirectory(dataDir.resolve("photos")) || !Files.isDirectory(dataDir.resolve("cartoon"))) {
      System.err.println("animegan bench: " + dataDir + " must hold photos/ and cartoon/ folders (--data DIR)");
      System.exit(2);
    }
    Path work = Files.createTempDirectory("animegan-bench-train");
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    SparkSession spark = SparkSessions.getOrCreate("animegan-bench-train", TrainJob.SPARK_DEFAULTS);
    ObjectNode report = json.createObjectNode();
    report.put("benchmark", "train");
    ObjectNode machine = report.putObject("machine");
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("spark_master", spark.sparkContext().master());
    ObjectNode setup = report.putObject("setup");
    setup.put("tile_size", tile);
    setup.put("generator_base", base);
    setup.put("batch_size_per_worker", batch);
    setup.put("averaging_frequency", freq);
    setup.put("rounds_measured", rounds - 1);
    try {
      IngestJob.run(spark, IngestConfig.from(ConfigLoader.load(null, ConfigFactory.parseString(
          "animegan.ingest { photos = [\"" + dataDir.resolve("photos") + "\"], anime.cartoon = [\""
              + dataDir.resolve("cartoon") + "\"], output = \"" + work.resolve("ingest") + "\", mode = overwrite,"
              + " resize.short-side = " + Math.max(tile, 64) + ", crop { size = " + tile + ", mode = grid, max-per-image = 4 } }"))));
      ArrayNode runs = report.putArray("runs");
      double[] ips = new double[3];
      for (int workers = 1; workers <= 2; workers++) {
        List<RunLog.Row> rows = new ArrayList<>();
        String hocon = "animegan {\n"
            + "  model { generator.base = " + base + ", discriminator { width = " + Math.max(4, 2 * base) + ", stages = 2 },"
            + " vgg19 { allow-random-init = true, width-divisor = 4 } }\n"
            + "  train { tile-size = " + tile + ", batch-size = " + batch + ", adversarial.epochs = 2 }\n"
            + "  train-job { data = \"" + work.resolve("ingest") + "\", out = \"" + work.resolve("run-" + workers) + "\","
            + " phase = train, style = cartoon, workers = " + workers + ", averaging-frequency = " + freq + ","
            + " max-rounds-per-epoch = " + rounds + ", checkpoint-every = 1000000, sample-count = 0 }\n"
            + "}\n";
        TrainJob.run(spark, TrainJobConfig.from(ConfigLoader.load(null, ConfigFactory.parseString(hocon))),
            new TrainJob.Extensions(List.of(), (row, graph) -> rows.add(row)));
        List<RunLog.Row> measured = rows.subList(1, rows.size());
        double seconds = measured.stream().mapToDouble(RunLog.Row::seconds).sum();
        double compute = measured.stream().mapToDouble(RunLog.Row::computeSeconds).sum();
        long images = measured.stream().mapToLong(RunLog.Row::images).sum();
        ObjectNode run = runs.addObject();
        run.put("workers", workers);
        run.put("rounds", measured.size());
        run.put("images", images);
        run.put("images_per_second", images / seconds);
        run.put("images_per_second_per_worker", images / seconds / workers);
        run.put("seconds_per_round", seconds / measured.size());
        run.put("compute_seconds_per_round", compute / measured.size());
        run.put("other_seconds_per_round", (seconds - compute) / measured.size());
        run.put("compute_fraction", compute / seconds);
        ips[workers] = images / seconds;
      }
      report.put("speedup_2_vs_1", ips[2] / ips[1]);
      report.put("scaling_efficiency", ips[2] / ips[1] / 2);
      report.put("note", "compute = mean over workers of the time inside their minibatch steps; other = scheduling, "
          + "parameter broadcast, minibatch loading and aggregation. Both workers share this machine's cores.");
    } finally {
      spark.stop();
    }
    System.out.println(json.writeValueAsString(report));
  }
}

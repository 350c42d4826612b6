package dev.animegan.spark.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.animegan.core.config.ConfigLoader;
import dev.animegan.core.config.IngestConfig;
import dev.animegan.core.image.ImageDecoder;
import dev.animegan.core.image.RgbImage;
import dev.animegan.spark.common.SparkSessions;
import dev.animegan.spark.ingest.IngestJob;
import dev.animegan.spark.ingest.IngestResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;

/**
 * {@code jobs/bench.sh ingest}: the ingest job's throughput on a folder of photos and cartoons
 * (default ../shared/data) in the session spark-submit gives (local[2] by default), and for
 * comparison the raw JPEG decode rate of the same JPEG files on this machine. Prints JSON on stdout.
 */
public final class IngestBench {
  private IngestBench() {}

  public static void main(String[] args) throws Exception {
    String data = null;
    String work = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--data" -> data = args[++i];
        case "--work" -> work = args[++i];
        default -> {
          System.err.println("usage: IngestBench [--data DIR] [--work DIR]");
          System.exit(2);
        }
      }
    }
    Path dataDir = Paths.get(data != null ? data : "../shared/data").toAbsolutePath().normalize();
    if (!Files.isDirectory(dataDir.resolve("photos")) || !Files.isDirectory(dataDir.resolve("cartoon"))) {
      System.err.println("animegan bench: " + dataDir + " must hold photos/ and cartoon/ folders (--data DIR)");
      System.exit(2);
    }
    Path workDir = work != null ? Paths.get(work) : Files.createTempDirectory("animegan-bench");
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    // Raw decoding first, in a JVM not yet busy with Spark.
    ObjectNode decode = jpegDecode(json, dataDir);
    SparkSession spark = SparkSessions.getOrCreate("animegan-bench-ingest");
    ObjectNode report = json.createObjectNode();
    report.put("benchmark", "ingest");
    ObjectNode machine = report.putObject("machine");
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("java", System.getProperty("java.version"));
    machine.put("spark_master", spark.sparkContext().master());
    machine.put("spark_default_parallelism", spark.sparkContext().defaultParallelism());
    report.put("data", dataDir.toString());
    try {
      IngestConfig cfg = IngestConfig.from(ConfigLoader.load(null, ConfigFactory.parseString(
          "animegan.ingest { photos = [\"" + dataDir.resolve("photos") + "\"], anime.cartoon = [\""
              + dataDir.resolve("cartoon") + "\"], output = \"" + workDir.resolve("ingest") + "\", mode = overwrite }")));
      report.set("ingest_cold", ingestRun(json, IngestJob.run(spark, cfg)));
      report.set("ingest_warm", ingestRun(json, IngestJob.run(spark, cfg)));
    } finally {
      spark.stop();
    }
    report.set("jpeg_decode", decode);
    PrintStream out = System.out;
    out.println(json.writeValueAsString(report));
  }

  private static ObjectNode ingestRun(ObjectMapper json, IngestResult r) {
    ObjectNode n = json.createObjectNode();
    n.put("files_read", r.read());
    n.put("accepted", r.accepted());
    n.put("rejected", r.rejected());
    n.put("tiles", r.tiles());
    n.put("source_megapixels", r.sourceMegapixels());
    n.put("seconds", r.elapsedSeconds());
    n.put("images_per_s", r.imagesPerSecond());
    n.put("accepted_images_per_s", round(r.accepted() / r.elapsedSeconds()));
    n.put("megapixels_per_s", r.megapixelsPerSecond());
    return n;
  }

  private static ObjectNode jpegDecode(ObjectMapper json, Path dataDir) throws Exception {
    List<byte[]> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dataDir)) {
      for (Path p : (Iterable<Path>) s.filter(p -> p.toString().toLowerCase(Locale.ROOT).endsWith(".jpg"))::iterator) {
        files.add(Files.readAllBytes(p));
      }
    }
    ImageDecoder decoder = new ImageDecoder(ImageDecoder.Options.defaults());
    long pixels = 0;
    for (byte[] f : files) { // warm-up, and the pixel count
      RgbImage img = ((ImageDecoder.Decoded) decoder.decode(f)).image();
      pixels += (long) img.width() * img.height();
    }
    ObjectNode n = json.createObjectNode();
    n.put("files", files.size());
    n.put("megapixels", round(pixels / 1e6));
    int rounds = 3;
    // Our decoder (TwelveMonkeys JPEG reader + conversion to RGB + EXIF) on 1 and on 2 threads
    // (the cores local[2] uses), and plain JDK ImageIO.read for reference; best of 3 timings each.
    Task ours = f -> new ImageDecoder(ImageDecoder.Options.defaults()).decode(f);
    Task jdk = f -> ImageIO.read(new ByteArrayInputStream(f));
    n.set("decoder_1_thread", rate(json, rounds * files.size(), rounds * pixels, best(files, rounds, 1, ours)));
    n.set("decoder_2_threads", rate(json, rounds * files.size(), rounds * pixels, best(files, rounds, 2, ours)));
    n.set("jdk_imageio_1_thread", rate(json, rounds * files.size(), rounds * pixels, best(files, rounds, 1, jdk)));
    n.set("jdk_imageio_2_threads", rate(json, rounds * files.size(), rounds * pixels, best(files, rounds, 2, jdk)));
    return n;
  }

  private interface Task {
    void run(byte[] file) throws Exception;
  }

  /** The fastest of 3 timed passes (each {@code rounds} times over all files) on {@code threads} threads. */
  private static long best(List<byte[]> files, int rounds, int threads, Task task) throws Exception {
    long best = Long.MAX_VALUE;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int attempt = 0; attempt < 3; attempt++) {
        long t0 = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
          for (byte[] f : files) {
            futures.add(pool.submit(() -> {
              task.run(f);
              return null;
            }));
          }
        }
        for (Future<?> f : futures) {
          f.get();
        }
        best = Math.min(best, System.nanoTime() - t0);
      }
    } finally {
      pool.shutdown();
    }
    return best;
  }

  private static ObjectNode rate(ObjectMapper json, long images, long pixels, long nanos) {
    double s = nanos / 1e9;
    ObjectNode n = json.createObjectNode();
    n.put("seconds", round(s));
    n.put("images_per_s", round(images / s));
    n.put("megapixels_per_s", round(pixels / 1e6 / s));
    return n;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

}

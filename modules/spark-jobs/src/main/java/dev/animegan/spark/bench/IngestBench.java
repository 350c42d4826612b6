package dev.animegan.spark.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.animegan.core.config.ConfigLoader;
import dev.animegan.core.config.IngestConfig;
import dev.animegan.core.image.ImageDecoder;
import dev.animegan.spark.common.SparkSessions;
import dev.animegan.spark.ingest.IngestJob;
import dev.animegan.spark.ingest.IngestResult;
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
import org.apache.spark.sql.SparkSession;

/**
 * {@code jobs/bench.sh ingest}: the ingest job's throughput in the session spark-submit gives
 * (local[2] by default) on DIR/photos + DIR/cartoon (default ../shared/data), or with
 * {@code --generate N} on N generated photos ({@link GeneratePhotos}, derived from DIR/photos or
 * {@code --from}) plus DIR/cartoon. Before it, one timed pass of the raw full-size JPEG decode over
 * the same photos on as many threads as the session has cores, for comparison. Prints JSON on
 * stdout, with the peak RSS of this JVM (in local mode, the driver and the executors).
 */
public final class IngestBench {
  private IngestBench() {}

  public static void main(String[] args) throws Exception {
    String data = null;
    String work = null;
    String from = null;
    int generate = 0;
    String dct = "quality";
    boolean rerun = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--data" -> data = args[++i];
        case "--work" -> work = args[++i];
        case "--from" -> from = args[++i];
        case "--generate" -> generate = Integer.parseInt(args[++i]);
        case "--dct-scaling" -> dct = args[++i];
        case "--rerun" -> rerun = true;
        default -> {
          System.err.println("usage: IngestBench [--data DIR] [--work DIR] [--generate N [--from DIR]] "
              + "[--dct-scaling quality|fastest|off] [--rerun]");
          System.exit(2);
        }
      }
    }
    Path dataDir = Paths.get(data != null ? data : "../shared/data").toAbsolutePath().normalize();
    if (!Files.isDirectory(dataDir.resolve("cartoon")) || (generate == 0 && !Files.isDirectory(dataDir.resolve("photos")))) {
      System.err.println("animegan bench: " + dataDir + " must hold photos/ and cartoon/ folders (--data DIR)");
      System.exit(2);
    }
    Path workDir = work != null ? Paths.get(work) : Files.createTempDirectory("animegan-bench");
    Path photos = dataDir.resolve("photos");
    if (generate > 0) {
      photos = workDir.resolve("generated-" + generate + "/photos");
      Path done = photos.resolveSibling("_DONE");
      if (!Files.exists(done)) {
        Path sources = from != null ? Paths.get(from) : dataDir.resolve("photos");
        long t0 = System.nanoTime();
        GeneratePhotos.generate(sources, photos, generate, 1, Runtime.getRuntime().availableProcessors());
        Files.writeString(done, generate + "\n");
        System.err.printf(Locale.ROOT, "animegan bench: generated %d photos in %.1f s under %s%n", generate,
            (System.nanoTime() - t0) / 1e9, photos);
      } else {
        System.err.println("animegan bench: reusing the " + generate + " generated photos under " + photos);
      }
    }
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    SparkSession spark = SparkSessions.getOrCreate("animegan-bench-ingest");
    ObjectNode report = json.createObjectNode();
    report.put("benchmark", "ingest");
    ObjectNode machine = report.putObject("machine");
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("java", System.getProperty("java.version"));
    machine.put("spark_master", spark.sparkContext().master());
    machine.put("spark_default_parallelism", spark.sparkContext().defaultParallelism());
    report.put("dct_scaling", dct);
    report.putArray("inputs").add(photos.toString()).add(dataDir.resolve("cartoon").toString());
    try {
      // Raw decoding first (one timed pass, in this JVM before the job).
      report.set("jpeg_decode", jpegDecode(json, photos, spark.sparkContext().defaultParallelism()));
      IngestConfig cfg = IngestConfig.from(ConfigLoader.load(null, ConfigFactory.parseString(
          "animegan.ingest { photos = [\"" + photos + "\"], anime.cartoon = [\"" + dataDir.resolve("cartoon")
              + "\"], output = \"" + workDir.resolve("ingest") + "\", mode = overwrite, decode.dct-scaling = " + dct + " }")));
      report.set("ingest", ingestRun(json, IngestJob.run(spark, cfg)));
      if (rerun) {
        // The same job again in this JVM, its code now compiled: the marginal cost per image of a
        // long run, without the JVM's and Spark's warm-up.
        report.set("ingest_rerun", ingestRun(json, IngestJob.run(spark, cfg)));
      }
    } finally {
      spark.stop();
    }
    report.put("peak_rss_mb", peakRssMb());
    PrintStream out = System.out;
    out.println(json.writeValueAsString(report));
  }

  private static double peakRssMb() throws IOException {
    for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return round(Long.parseLong(line.replaceAll("\\D", "")) / 1024.0);
      }
    }
    return -1;
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

  /** One timed pass of the full-size decode (our decoder) over every JPEG under {@code dir}, on {@code threads} threads. */
  private static ObjectNode jpegDecode(ObjectMapper json, Path dir, int threads) throws Exception {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      s.filter(p -> p.toString().toLowerCase(Locale.ROOT).endsWith(".jpg")).forEach(files::add);
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    java.util.concurrent.atomic.AtomicLong pixels = new java.util.concurrent.atomic.AtomicLong();
    long t0 = System.nanoTime();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Path f : files) {
        futures.add(pool.submit(() -> {
          ImageDecoder.Result r = new ImageDecoder(ImageDecoder.Options.defaults()).decode(Files.readAllBytes(f));
          if (r instanceof ImageDecoder.Decoded d) {
            pixels.addAndGet((long) d.image().width() * d.image().height());
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    ObjectNode n = rate(json, files.size(), pixels.get(), System.nanoTime() - t0);
    n.put("files", files.size());
    n.put("threads", threads);
    return n;
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

package dev.animegan.spark.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.animegan.core.config.ConfigLoader;
import dev.animegan.core.config.InferConfig;
import dev.animegan.core.image.RgbImage;
import dev.animegan.core.infer.TiledStylizer;
import dev.animegan.model.GeneratorTileModel;
import dev.animegan.model.Stylizer;
import dev.animegan.model.GeneratorGraphs;
import dev.animegan.spark.common.SparkSessions;
import dev.animegan.spark.infer.InferJob;
import dev.animegan.spark.infer.InferResult;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code jobs/bench.sh infer}: the inference job with the full-size AnimeGANv2 generator (random
 * weights: speed does not depend on them) on synthetic photos, 256x256 in resize mode and
 * 1024x1024 in tile mode (512 tiles, 64 overlap), against the single-JVM {@link Stylizer} (whole
 * image) and {@link TiledStylizer} on the same images in the driver JVM. Prints JSON on stdout.
 */
public final class InferBench {
  private InferBench() {}

  public static void main(String[] args) throws Exception {
    int small = 16;
    int large = 3;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--small" -> small = Integer.parseInt(args[++i]);
        case "--large" -> large = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("usage: InferBench [--small N] [--large N]");
          System.exit(2);
        }
      }
    }
    Path work = Files.createTempDirectory("animegan-bench-infer");
    Nd4j.getRandom().setSeed(1);
    ComputationGraph g = GeneratorGraphs.random(32, 1);
    Path model = work.resolve("generator.zip");
    ModelSerializer.writeModel(g, model.toFile(), false);
    Path in256 = Files.createDirectories(work.resolve("in-256"));
    Path in1024 = Files.createDirectories(work.resolve("in-1024"));
    Random rnd = new Random(3);
    for (int i = 0; i < small; i++) {
      ImageIO.write(photo(256, 256, rnd), "jpg", in256.resolve("p" + i + ".jpg").toFile());
    }
    for (int i = 0; i < large; i++) {
      ImageIO.write(photo(1024, 1024, rnd), "jpg", in1024.resolve("p" + i + ".jpg").toFile());
    }
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode report = json.createObjectNode();
    report.put("benchmark", "infer");
    report.put("cores", Runtime.getRuntime().availableProcessors());
    report.put("generator_parameters", g.numParams());

    // Single JVM first (no Spark threads around).
    Stylizer st = Stylizer.load(model);
    st.stylize(photo(256, 256, rnd)); // warm-up
    long t0 = System.nanoTime();
    for (int i = 0; i < small; i++) {
      st.stylize(ImageIO.read(in256.resolve("p" + i + ".jpg").toFile()));
    }
    double s256 = (System.nanoTime() - t0) / 1e9;
    TiledStylizer tiled = new TiledStylizer(new GeneratorTileModel(st.generator()), 512, 64, 1);
    t0 = System.nanoTime();
    for (int i = 0; i < large; i++) {
      BufferedImage b = ImageIO.read(in1024.resolve("p" + i + ".jpg").toFile());
      tiled.stylize(rgb(b));
    }
    double s1024 = (System.nanoTime() - t0) / 1e9;
    ObjectNode single = report.putObject("single_jvm");
    put(single.putObject("256_resize"), small, small * 256 * 256 / 1e6, s256);
    put(single.putObject("1024_tile"), large, large * 1024 * 1024 / 1e6, s1024);

    SparkSession spark = SparkSessions.getOrCreate("animegan-bench-infer");
    report.put("spark_master", spark.sparkContext().master());
    try {
      ObjectNode sp = report.putObject("spark");
      // Warm-up run: loads the generators on the executors.
      run(spark, model, in256, work.resolve("warm"), "resize", 256);
      InferResult r256 = run(spark, model, in256, work.resolve("out-256"), "resize", 256);
      put(sp.putObject("256_resize"), r256.written(), r256.megapixels(), r256.elapsedSeconds());
      InferResult r1024 = run(spark, model, in1024, work.resolve("out-1024"), "tile", 1024);
      put(sp.putObject("1024_tile"), r1024.written(), r1024.megapixels(), r1024.elapsedSeconds());
      report.put("speedup_256", (r256.written() / r256.elapsedSeconds()) / (small / s256));
      report.put("speedup_1024", (r1024.written() / r1024.elapsedSeconds()) / (large / s1024));
    } finally {
      spark.stop();
    }
    report.put("note", "spark times are whole jobs (listing, decoding, encoding JPEG, writing, reporting); single_jvm "
        + "times are the network plus tiling only, images already decoded");
    System.out.println(json.writeValueAsString(report));
  }

  private static InferResult run(SparkSession spark, Path model, Path in, Path out, String mode, int longSide)
      throws Exception {
    String hocon = "animegan.infer { model = \"" + model + "\", input = [\"" + in + "\"], output = \"" + out + "\", mode = "
        + mode + ", resize.max-long-side = " + longSide + ", tile { size = 512, overlap = 64 }, batch-size = 1,"
        + " gallery-size = 0, files-per-task = 1 }";
    return InferJob.run(spark, InferConfig.from(ConfigLoader.load(null, ConfigFactory.parseString(hocon))));
  }

  private static void put(ObjectNode n, long images, double mp, double seconds) {
    n.put("images", images);
    n.put("seconds", seconds);
    n.put("images_per_second", images / seconds);
    n.put("megapixels_per_second", mp / seconds);
  }

  /** A smooth random photo-like image (gradients plus noise), so JPEG sizes are realistic. */
  static BufferedImage photo(int w, int h, Random rnd) {
    BufferedImage b = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    int r0 = rnd.nextInt(256);
    int g0 = rnd.nextInt(256);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int r = (r0 + x * 255 / w + rnd.nextInt(16)) & 0xFF;
        int g = (g0 + y * 255 / h + rnd.nextInt(16)) & 0xFF;
        int bl = ((x + y) * 255 / (w + h) + rnd.nextInt(16)) & 0xFF;
        b.setRGB(x, y, r << 16 | g << 8 | bl);
      }
    }
    return b;
  }

  static RgbImage rgb(BufferedImage b) {
    int w = b.getWidth();
    int h = b.getHeight();
    byte[] d = new byte[w * h * 3];
    int[] px = b.getRGB(0, 0, w, h, null, 0, w);
    for (int i = 0; i < px.length; i++) {
      d[3 * i] = (byte) (px[i] >> 16);
      d[3 * i + 1] = (byte) (px[i] >> 8);
      d[3 * i + 2] = (byte) px[i];
    }
    return new RgbImage(w, h, d);
  }
}

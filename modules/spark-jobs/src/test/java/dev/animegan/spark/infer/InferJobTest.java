package dev.animegan.spark.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.animegan.core.config.ConfigError;
import dev.animegan.core.config.ConfigLoader;
import dev.animegan.core.config.InferConfig;
import dev.animegan.core.image.ImageDecoder;
import dev.animegan.core.image.PngCodec;
import dev.animegan.core.image.RgbImage;
import dev.animegan.core.infer.ResizePlan;
import dev.animegan.model.Stylizer;
import dev.animegan.model.GeneratorGraphs;
import dev.animegan.spark.testing.IngestFixtures;
import dev.animegan.spark.testing.SparkTestSession;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/** The inference job on the shared local[2] session with a narrow seeded generator. */
class InferJobTest {
  @TempDir
  static Path dir;
  static SparkSession spark;
  static Path model;
  static Path photos;

  @BeforeAll
  static void setUp() throws IOException {
    spark = SparkTestSession.get();
    IngestFixtures.write(dir.resolve("in"));
    photos = dir.resolve("in/photos");
    Nd4j.getRandom().setSeed(7);
    ComputationGraph g = GeneratorGraphs.random(4, 7);
    model = dir.resolve("generator.zip");
    ModelSerializer.writeModel(g, model.toFile(), false);
  }

  static InferConfig config(String out, String... extra) {
    StringBuilder hocon = new StringBuilder("animegan.infer {\n")
        .append("  model = \"").append(model).append("\"\n")
        .append("  input = [\"").append(photos).append("\"]\n")
        .append("  output = \"").append(out).append("\"\n")
        .append("  resize.max-long-side = 96\n")
        .append("  gallery-size = 3\n")
        .append("  limits.max-file-bytes = 2 MiB\n");
    for (String e : extra) {
      hocon.append("  ").append(e).append('\n');
    }
    hocon.append("}\n");
    return InferConfig.from(ConfigLoader.load(null, ConfigFactory.parseString(hocon.toString())));
  }

  static Map<String, Long> expectedRejected() {
    Map<String, Long> m = new TreeMap<>();
    m.put("empty", 1L);
    m.put("not_an_image", 4L); // notes.txt + 3 copyright texts
    m.put("too_large", 2L); // bomb.png (pixels) + big.bin (bytes)
    m.put("truncated", 1L);
    m.put("unsupported_format", 1L);
    return m;
  }

  static RgbImage decode(Path p) throws IOException {
    return ((ImageDecoder.Decoded) new ImageDecoder(ImageDecoder.Options.defaults()).decode(Files.readAllBytes(p))).image();
  }

  @Test
  void resizeModeWritesEveryGoodImageInTheInputLayoutAndQuarantinesTheRest() throws Exception {
    Path out = dir.resolve("out-resize");
    InferResult r = InferJob.run(spark, config(out.toString()));
    assertEquals(16, r.seen());
    assertEquals(7, r.written(), "5 sample photos + small.png + the duplicate rocket (inference does not deduplicate)");
    assertEquals(0, r.skipped());
    assertEquals(9, r.rejected());
    assertEquals(expectedRejected(), r.rejectedByReason());
    Path images = out.resolve("images");
    RgbImage rocketIn = decode(photos.resolve("python3-skimage/rocket.jpg"));
    RgbImage rocketOut = decode(images.resolve("python3-skimage/rocket.jpg"));
    int[] size = ResizePlan.size(rocketIn.width(), rocketIn.height(), 96, 4);
    assertEquals(size[0], rocketOut.width());
    assertEquals(size[1], rocketOut.height());
    assertTrue(Files.isRegularFile(images.resolve("python3-skimage/chelsea.png.jpg")), "png input gets .jpg appended");
    assertTrue(Files.isRegularFile(images.resolve("bad/small.png.jpg")));
    assertTrue(Files.isRegularFile(images.resolve("dup/rocket-copy.jpg")));
    assertFalse(Files.exists(images.resolve("bad/empty.jpg")));
    try (Stream<Path> s = Files.walk(images)) {
      assertEquals(7, s.filter(Files::isRegularFile).count());
    }
    List<Row> q = spark.read().parquet(r.quarantinePath()).collectAsList();
    assertEquals(9, q.size());
    assertTrue(q.stream().anyMatch(row -> row.getString(1).endsWith("bad/empty.jpg") && row.getString(3).equals("empty")));
    String html = Files.readString(out.resolve("index.html"));
    assertEquals(3, html.split("<figure>", -1).length - 1, html);
    try (Stream<Path> s = Files.list(out.resolve("gallery"))) {
      List<Path> thumbs = s.toList();
      assertEquals(6, thumbs.size());
      for (Path t : thumbs) {
        assertTrue(decode(t).width() <= 256);
      }
    }
    String json = Files.readString(out.resolve("_job_result.json"));
    assertTrue(json.contains("\"seen\" : 16"), json);
    assertTrue(json.contains("\"written\" : 7"), json);
  }

  /** --preserve-color: the outputs' colour statistics move to the inputs' (the random generator's are far off). */
  @Test
  void preserveColorGivesOutputsTheInputsColourStatistics() throws Exception {
    Path plain = dir.resolve("out-colour-off");
    Path kept = dir.resolve("out-colour-on");
    InferJob.run(spark, config(plain.toString(), "gallery-size = 0", "format = png"));
    InferResult r = InferJob.run(spark, config(kept.toString(), "gallery-size = 0", "format = png", "preserve-color = true"));
    assertEquals(7, r.written());
    for (String name : List.of("python3-skimage/rocket.jpg", "python3-skimage/chelsea.png")) {
      RgbImage in = decode(photos.resolve(name));
      double[] want = dev.animegan.core.image.ColorPreservation.statistics(in);
      String outName = "images/" + InferPartitions.outputName(name, InferConfig.Format.PNG);
      double[] off = dev.animegan.core.image.ColorPreservation.statistics(decode(plain.resolve(outName)));
      double[] on = dev.animegan.core.image.ColorPreservation.statistics(decode(kept.resolve(outName)));
      assertEquals(want[0], on[0], 3.0, name + ": L* mean");
      for (int k : new int[] {2, 4}) {
        assertEquals(want[k], on[k], 3.0, name + ": chroma mean " + k + " (without: " + off[k] + ")");
      }
      for (int k : new int[] {3, 5}) {
        assertTrue(Math.abs(want[k] - on[k]) <= Math.max(3.0, 0.25 * Math.abs(want[k] - off[k])),
            name + ": chroma spread " + k + " " + on[k] + " vs input " + want[k] + " (without: " + off[k] + ")");
      }
    }
  }

  @Test
  void imagesThatFitNoMemoryBudgetAreQuarantinedAndTheJobGoesOn() throws Exception {
    Path out = dir.resolve("out-budget");
    InferResult r = InferJob.run(spark, config(out.toString(), "memory-budget = 1 KiB"));
    assertEquals(16, r.seen());
    assertEquals(0, r.written());
    assertEquals(16, r.rejected());
    Map<String, Long> expected = expectedRejected();
    expected.put("out_of_memory", 7L);
    assertEquals(expected, r.rejectedByReason());
    List<Row> q = spark.read().parquet(r.quarantinePath()).filter("reason = 'out_of_memory'").collectAsList();
    assertEquals(7, q.size());
    // base 4: 136 bytes per pixel + 32 MiB: 32x32 tiles need 32.1 MiB
    assertEquals("does not fit in memory: even 32x32 tiles need 32.1 MiB and animegan.infer.memory-budget allows 1.0 KiB "
        + "per task", q.get(0).getString(4));
  }

  @Test
  void aRerunSkipsCompleteOutputsAndRedoesMissingAndHalfWrittenOnes() throws Exception {
    Path out = dir.resolve("out-resume");
    int loadsBefore = Generators.LOADS.get(); // other tests in this JVM load their own models
    InferJob.run(spark, config(out.toString()));
    Path images = out.resolve("images");
    Path rocket = images.resolve("python3-skimage/rocket.jpg");
    byte[] before = Files.readAllBytes(images.resolve("mate-backgrounds/Aqua.jpg"));
    long aquaTime = Files.getLastModifiedTime(images.resolve("mate-backgrounds/Aqua.jpg")).toMillis();
    Files.delete(rocket);
    Files.delete(images.resolve("bad/small.png.jpg"));
    // A killed writer leaves its temporary file and no output.
    Path tmp = images.resolve("python3-skimage/.rocket.jpg" + InferPartitions.TMP_SUFFIX);
    Files.write(tmp, new byte[] {1, 2, 3});
    InferResult r = InferJob.run(spark, config(out.toString()));
    assertEquals(16, r.seen());
    assertEquals(2, r.written());
    assertEquals(5, r.skipped());
    assertEquals(9, r.rejected());
    assertFalse(Files.exists(tmp), "temporary file replaced and renamed");
    assertTrue(Generators.LOADS.get() - loadsBefore <= 2,
        "one generator per task slot of local[2], reused across partitions and runs: " + (Generators.LOADS.get() - loadsBefore));
    assertTrue(decode(rocket).width() > 0);
    assertEquals(aquaTime, Files.getLastModifiedTime(images.resolve("mate-backgrounds/Aqua.jpg")).toMillis(), "not rewritten");
    assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(images.resolve("mate-backgrounds/Aqua.jpg"))));
    try (Stream<Path> s = Files.walk(images)) {
      assertEquals(7, s.filter(Files::isRegularFile).count(), "no duplicates, no temporary files");
    }
  }

  @Test
  void resizeModeOutputEqualsTheSingleJvmStylizer() throws Exception {
    Path in = Files.createDirectories(dir.resolve("golden-in"));
    BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 64; x++) {
        img.setRGB(x, y, (x * 4) << 16 | (y * 5) << 8 | ((x + y) * 2));
      }
    }
    ImageIO.write(img, "png", in.resolve("ramp.png").toFile());
    Path out = dir.resolve("out-golden");
    InferConfig cfg = config(out.toString(), "input = [\"" + in + "\"]", "format = png", "gallery-size = 0");
    InferResult r = InferJob.run(spark, cfg);
    assertEquals(1, r.written());
    RgbImage job = PngCodec.decode(Files.readAllBytes(out.resolve("images/ramp.png")));
    BufferedImage single = Stylizer.load(model).stylize(ImageIO.read(in.resolve("ramp.png").toFile()));
    assertEquals(64, job.width());
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 64; x++) {
        assertEquals(single.getRGB(x, y) & 0xFFFFFF, job.rgbAt(x, y), "pixel " + x + "," + y);
      }
    }
  }

  @Test
  void tileModeKeepsTheSizeAndShowsNoSeamsOnAFlatImage() throws Exception {
    Path in = Files.createDirectories(dir.resolve("flat-in"));
    BufferedImage flat = new BufferedImage(200, 136, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 136; y++) {
      for (int x = 0; x < 200; x++) {
        flat.setRGB(x, y, 0x8C7A64);
      }
    }
    ImageIO.write(flat, "png", in.resolve("flat.png").toFile());
    Path out = dir.resolve("out-tile");
    InferResult r = InferJob.run(spark, config(out.toString(), "input = [\"" + in + "\"]", "format = png",
        "mode = tile", "tile { size = 64, overlap = 16 }", "gallery-size = 0"));
    assertEquals(1, r.written());
    RgbImage tiled = PngCodec.decode(Files.readAllBytes(out.resolve("images/flat.png")));
    assertEquals(200, tiled.width());
    assertEquals(136, tiled.height());
    // The same image in one piece: tile mode may differ only slightly anywhere, tile borders included.
    BufferedImage whole = Stylizer.load(model).stylize(flat);
    int maxDiff = 0;
    for (int y = 0; y < 136; y++) {
      for (int x = 0; x < 200; x++) {
        int a = whole.getRGB(x, y);
        for (int c = 0; c < 3; c++) {
          maxDiff = Math.max(maxDiff, Math.abs(((a >> (16 - 8 * c)) & 0xFF) - tiled.get(x, y, c)));
        }
      }
    }
    assertTrue(maxDiff <= 6, "tile mode vs whole image, max difference " + maxDiff);
    // Across each tile border (x = 48 + 16k ... where tiles meet), neighbours differ as little as elsewhere.
    int borderJump = 0;
    int innerJump = 0;
    int[] starts = dev.animegan.core.infer.TiledStylizer.starts(200, 64, 16);
    java.util.Set<Integer> borders = new java.util.HashSet<>();
    for (int s : starts) {
      for (int d = -2; d <= 2; d++) {
        borders.add(s + d);
        borders.add(s + 64 + d);
      }
    }
    for (int y = 16; y < 120; y++) {
      for (int x = 16; x < 183; x++) {
        int j = Math.abs(tiled.get(x, y, 1) - tiled.get(x + 1, y, 1));
        if (borders.contains(x)) {
          borderJump = Math.max(borderJump, j);
        } else {
          innerJump = Math.max(innerJump, j);
        }
      }
    }
    assertTrue(borderJump <= innerJump + 3, "jump at tile borders " + borderJump + " vs elsewhere " + innerJump);
  }

  @Test
  void parquetInAndOut() throws Exception {
    Path table = dir.resolve("table-in");
    spark.read().format("binaryFile").load(photos.resolve("python3-skimage").toString()).write().parquet(table.toString());
    Path out = dir.resolve("out-parquet");
    InferResult r = InferJob.run(spark, config(out.toString(), "input = [\"" + table + "\"]", "input-format = parquet",
        "output-kind = parquet", "gallery-size = 0"));
    assertEquals(3, r.seen());
    assertEquals(2, r.written());
    assertEquals(1, r.rejected(), "the copyright text");
    List<Row> rows = spark.read().parquet(r.imagesPath()).select("output_path", "image").orderBy("output_path").collectAsList();
    assertEquals(2, rows.size());
    assertTrue(rows.get(0).getString(0).endsWith("python3-skimage/chelsea.png.jpg"), rows.get(0).getString(0));
    assertTrue(decode(Files.write(dir.resolve("x.jpg"), (byte[]) rows.get(1).get(1))).width() > 0);
  }

  @Test
  void configAndInputProblemsNameTheirKeys() {
    ConfigError e = assertThrows(ConfigError.class, () -> InferJob.run(spark,
        InferConfig.from(ConfigLoader.load(null, ConfigFactory.parseString("animegan.infer { model = \"" + dir.resolve("none.zip")
            + "\", input = [\"" + dir.resolve("nowhere") + "\"], output = \"" + dir.resolve("o") + "\" }")))));
    assertEquals(List.of("No such model: " + dir.resolve("none.zip") + " (animegan.infer.model)",
        "No such input path: " + dir.resolve("nowhere") + " (animegan.infer.input)"), e.problems());
    ConfigError c = assertThrows(ConfigError.class, () -> InferConfig.from(ConfigLoader.load(null,
        ConfigFactory.parseString("animegan.infer { tile { size = 64, overlap = 40 }, jpeg-quality = 0, mode = fast }"))));
    assertEquals(List.of(
        "Missing value for animegan.infer.model: a trainer checkpoint, generator.zip or AnimeGANv2 .pt (flag --model)",
        "Missing value for animegan.infer.input: at least one folder, glob or table (flag --input)",
        "Missing value for animegan.infer.output: set it in the config or with --out PATH",
        "Invalid value for animegan.infer.tile.overlap: 40. Allowed values: 0 to half of tile.size (32)",
        "Invalid value for animegan.infer.mode: 'fast'. Allowed values: resize, tile",
        "Invalid value for animegan.infer.jpeg-quality: 0. Allowed values: an integer from 1 to 100"), c.problems());
  }
}

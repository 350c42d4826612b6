package dev.animegan.spark.ingest;

import static dev.animegan.spark.testing.IngestFixtures.ANIME_ACCEPTED;
import static dev.animegan.spark.testing.IngestFixtures.PHOTO_ACCEPTED;
import static dev.animegan.spark.testing.IngestFixtures.PHOTO_DUPLICATES;
import static dev.animegan.spark.testing.IngestFixtures.PHOTO_READ;
import static dev.animegan.spark.testing.IngestFixtures.SUPERTUX_READ;
import static dev.animegan.spark.testing.IngestFixtures.UKUI_READ;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.animegan.core.config.ConfigError;
import dev.animegan.core.config.ConfigLoader;
import dev.animegan.core.config.IngestConfig;
import dev.animegan.core.image.EdgeSmoothing;
import dev.animegan.core.image.PngCodec;
import dev.animegan.core.image.RgbImage;
import dev.animegan.core.ingest.ContentHash;
import dev.animegan.spark.testing.IngestFixtures;
import dev.animegan.spark.testing.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestJobTest {
  @TempDir
  static Path dir;
  static SparkSession spark;
  static IngestResult result;
  static String out;

  static IngestConfig config(String output, String mode, Path root) {
    String supertux = Files.isDirectory(root.resolve("anime/supertux"))
        ? "supertux = [\"" + root.resolve("anime/supertux") + "\"], " : "";
    String hocon = "animegan.ingest {\n"
        + "  photos = [\"" + root.resolve("photos") + "\"]\n"
        + "  anime { " + supertux + "ukui = [\"" + root.resolve("anime/ukui/*") + "\"] }\n"
        + "  output = \"" + output + "\"\n"
        + "  mode = " + mode + "\n"
        + "  resize.short-side = 64\n"
        + "  crop { size = 64, mode = random, count = 2 }\n"
        + "  limits.max-file-bytes = 2 MiB\n"
        + "}\n";
    return IngestConfig.from(ConfigLoader.load(null, ConfigFactory.parseString(hocon)));
  }

  @BeforeAll
  static void ingest() throws IOException {
    IngestFixtures.write(dir.resolve("in"));
    spark = SparkTestSession.get();
    out = dir.resolve("out").toString();
    result = IngestJob.run(spark, config(out, "error", dir.resolve("in")));
  }

  @Test
  void countsAreExact() {
    long read = PHOTO_READ + SUPERTUX_READ + UKUI_READ;
    assertEquals(read, result.read());
    assertEquals(PHOTO_ACCEPTED + ANIME_ACCEPTED, result.accepted());
    assertEquals(PHOTO_DUPLICATES, result.duplicates());
    assertEquals(IngestFixtures.expectedRejectedByReason(), result.rejectedByReason());
    assertEquals(result.read(), result.accepted() + result.rejected() + result.duplicates());
    assertEquals(2 * result.accepted(), result.tiles(), "random mode, 2 crops per image");
    Map<String, IngestResult.DatasetCounts> byStyle = result.datasets().stream()
        .collect(Collectors.toMap(IngestResult.DatasetCounts::style, d -> d));
    assertEquals(Set.of("photo", "supertux", "ukui"), byStyle.keySet());
    assertEquals(PHOTO_READ, byStyle.get("photo").read());
    assertEquals(SUPERTUX_READ, byStyle.get("supertux").read());
    assertEquals(UKUI_READ, byStyle.get("ukui").read());
    assertEquals(4, byStyle.get("supertux").accepted());
    IngestResult.DatasetCounts photo = byStyle.get("photo");
    assertEquals(photo.accepted(), photo.trainFiles() + photo.testFiles());
    assertEquals(2 * photo.accepted(), photo.trainTiles() + photo.testTiles());
    assertTrue(result.sourceMegapixels() > 5, "sum of accepted image sizes: " + result.sourceMegapixels());
  }

  @Test
  void tilesAreReadableParquetWithDecodableTiles() {
    Dataset<Row> tiles = spark.read().parquet(out + "/tiles");
    assertEquals(result.tiles(), tiles.count());
    List<Row> rows = tiles.collectAsList();
    for (Row r : rows) {
      RgbImage img = PngCodec.decode(r.getAs("image"));
      assertEquals(64, img.width());
      assertEquals(64, img.height());
      String hash = r.getAs("source_hash");
      assertEquals(ContentHash.split(hash, 0.2), r.getAs("split"));
      assertEquals(hash.substring(0, 16) + "-" + r.getAs("crop_index"), r.getAs("id"));
      assertEquals(result.runId(), r.getAs("run_id"));
      if ("anime".equals(r.getAs("domain"))) {
        assertEquals(EdgeSmoothing.grayTile(img), PngCodec.decode(r.getAs("gray")));
        assertEquals(EdgeSmoothing.smooth(img), PngCodec.decode(r.getAs("smooth")));
      } else {
        assertEquals("photo", r.getAs("style"));
        assertNull(r.getAs("gray"));
        assertNull(r.getAs("smooth"));
      }
    }
    assertEquals(2 * ANIME_ACCEPTED, tiles.filter(col("domain").equalTo("anime")).count());
    assertEquals(4, tiles.filter(col("style").equalTo("ukui")).count());
    Row chelsea = tiles.filter(col("source_path").endsWith("chelsea.png")).first();
    assertEquals(451, (int) chelsea.getAs("source_width"));
    assertEquals(300, (int) chelsea.getAs("source_height"));
    assertEquals(96, (int) chelsea.getAs("resized_width"));
    assertEquals(64, (int) chelsea.getAs("resized_height"));
    assertEquals("png", chelsea.getAs("source_format"));
  }

  /** PNG bytes never repeat, so the image columns are written without a dictionary; the small text columns keep one. */
  @Test
  void imageColumnsAreWrittenWithoutADictionary() throws IOException {
    List<Path> files;
    try (java.util.stream.Stream<Path> s = Files.walk(Path.of(out, "tiles", "domain=anime"))) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".parquet")).collect(Collectors.toList());
    }
    assertTrue(!files.isEmpty(), "anime tile files under " + out);
    for (Path f : files) {
      try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
          new org.apache.hadoop.fs.Path(f.toUri()), new Configuration()))) {
        Map<String, Boolean> dictionary = new HashMap<>();
        for (ColumnChunkMetaData c : reader.getFooter().getBlocks().get(0).getColumns()) {
          dictionary.put(c.getPath().toDotString(), c.getEncodings().stream().anyMatch(
              e -> e == Encoding.PLAIN_DICTIONARY || e == Encoding.RLE_DICTIONARY));
        }
        for (String column : List.of("image", "gray", "smooth")) {
          assertEquals(false, dictionary.get(column), column + " in " + f);
        }
        assertEquals(true, dictionary.get("split"), "split in " + f);
      }
    }
  }

  @Test
  void everyRejectedFileIsInTheQuarantineWithItsReason() {
    Dataset<Row> q = spark.read().parquet(out + "/quarantine");
    assertEquals(result.rejected(), q.count());
    Map<String, String> reasonByName = new HashMap<>();
    for (Row r : q.collectAsList()) {
      String path = r.getAs("path");
      reasonByName.put(path.substring(path.lastIndexOf('/') + 1) + (path.contains("/anime/") ? "@anime" : ""),
          r.getAs("reason"));
      assertNotNull(r.getAs("message"));
      assertTrue(path.startsWith("file:"), path);
    }
    assertEquals("empty", reasonByName.get("empty.jpg"));
    assertEquals("not_an_image", reasonByName.get("notes.txt"));
    assertEquals("truncated", reasonByName.get("truncated.jpg"));
    assertEquals("too_small", reasonByName.get("small.png"));
    assertEquals("too_large", reasonByName.get("bomb.png"));
    assertEquals("too_large", reasonByName.get("big.bin"));
    assertEquals("unsupported_format", reasonByName.get("IMG_0001.heic"));
    assertEquals("not_an_image", reasonByName.get("debian-copyright.txt@anime"));
    Row big = q.filter(col("path").endsWith("big.bin")).first();
    assertEquals("file is 3.0 MiB, over the limit of 2.0 MiB (animegan.ingest.limits.max-file-bytes)",
        big.getAs("message"));
  }

  @Test
  void duplicatesAreListedWithTheFileTheyRepeat() {
    List<Row> d = spark.read().parquet(out + "/duplicates").collectAsList();
    assertEquals(1, d.size());
    Set<String> pair = Set.of(d.get(0).<String>getAs("path"), d.get(0).<String>getAs("duplicate_of"));
    assertTrue(pair.stream().anyMatch(p -> p.endsWith("/dup/rocket-copy.jpg")), pair.toString());
    assertTrue(pair.stream().anyMatch(p -> p.endsWith("/python3-skimage/rocket.jpg")), pair.toString());
  }

  @Test
  void resultJsonIsWrittenNextToTheTables() throws IOException {
    JsonNode json = new ObjectMapper().readTree(Files.readString(Path.of(out, "_job_result.json")));
    assertEquals(result.read(), json.get("read").asLong());
    assertEquals(result.accepted(), json.get("accepted").asLong());
    assertEquals(result.rejected(), json.get("rejected").asLong());
    assertEquals(result.duplicates(), json.get("duplicates").asLong());
    assertEquals(1, json.get("rejectedByReason").get("truncated").asLong());
    assertTrue(json.get("imagesPerSecond").asDouble() > 0);
    assertEquals(result.elapsedSeconds(), json.get("elapsedSeconds").asDouble(), 1e-9);
  }

  @Test
  void errorModeRefusesAnExistingOutputBeforeAnySparkJob() {
    ConfigError e = assertThrows(ConfigError.class,
        () -> IngestJob.run(spark, config(out, "error", dir.resolve("in"))));
    assertEquals("Output " + out + "/tiles already exists and animegan.ingest.mode is error: "
        + "use --mode overwrite or --mode append", e.getMessage());
  }

  @Test
  void missingInputsAreNamedWithTheirKey() {
    IngestConfig cfg = IngestConfig.from(ConfigLoader.load(null, ConfigFactory.parseString(
        "animegan.ingest { photos = [\"/no/such/dir\"], anime.x = [\"/nope/*.png\"], output = \"" + dir.resolve("o2") + "\" }")));
    ConfigError e = assertThrows(ConfigError.class, () -> IngestJob.run(spark, cfg));
    assertEquals(List.of("No such input path: /no/such/dir (animegan.ingest.photos)",
        "No such input path: /nope/*.png (animegan.ingest.anime.x)"), e.problems());
  }

  @Test
  void rerunsAreDeterministicAndAppendIsIdempotent() throws IOException {
    Path small = dir.resolve("small");
    IngestFixtures.copyTree(SparkTestSession.repoRoot().resolve("data/sample/anime/ukui"), small.resolve("anime/ukui"));
    Files.createDirectories(small.resolve("photos"));
    IngestFixtures.copyTree(SparkTestSession.repoRoot().resolve("data/sample/photos/mate-backgrounds"),
        small.resolve("photos"));
    String o = dir.resolve("out-small").toString();
    IngestResult first = IngestJob.run(spark, config(o, "error", small));
    List<String> boxes1 = boxes(o);
    long quarantined = spark.read().parquet(o + "/quarantine").count();
    assertEquals(2, quarantined, "the Debian copyright texts of ukui and mate-backgrounds");
    IngestResult again = IngestJob.run(spark, config(o, "overwrite", small));
    assertEquals(boxes1, boxes(o), "same ids, crop boxes and splits on a rerun");
    assertEquals(first.tiles(), again.tiles());

    for (int i = 0; i < 2; i++) {
      IngestResult appended = IngestJob.run(spark, config(o, "append", small));
      assertEquals(first.read(), appended.read());
      assertEquals(first.read(), appended.alreadyPresent(), "every file's content is already in the output");
      assertEquals(0, appended.accepted() + appended.rejected() + appended.duplicates() + appended.tiles());
      assertEquals(boxes1, boxes(o), "appending the same inputs leaves the table as it was");
      assertEquals(quarantined, spark.read().parquet(o + "/quarantine").count(), "and the quarantine too");
    }

    // a new style appends exactly its own tiles
    IngestFixtures.copyTree(SparkTestSession.repoRoot().resolve("data/sample/anime/supertux"),
        small.resolve("anime/supertux"));
    IngestResult withStyle = IngestJob.run(spark, config(o, "append", small));
    assertEquals(first.read(), withStyle.alreadyPresent());
    assertEquals(SUPERTUX_READ, withStyle.read() - withStyle.alreadyPresent());
    assertEquals(4, withStyle.accepted(), "supertux's four images");
    assertEquals(withStyle.read(), withStyle.accepted() + withStyle.rejected() + withStyle.duplicates()
        + withStyle.alreadyPresent());
    Dataset<Row> tiles = spark.read().parquet(o + "/tiles");
    assertEquals(first.tiles() + withStyle.tiles(), tiles.count());
    assertEquals(withStyle.tiles(), tiles.filter(col("style").equalTo("supertux")).count());
    assertEquals(2, withStyle.tiles() / withStyle.accepted());
    assertEquals(quarantined + 1, spark.read().parquet(o + "/quarantine").count(), "supertux's copyright text");
  }

  private static List<String> boxes(String o) {
    return spark.read().parquet(o + "/tiles").collectAsList().stream()
        .map(r -> r.getAs("id") + "@" + r.getAs("crop_x") + "," + r.getAs("crop_y") + ":" + r.getAs("split"))
        .sorted().toList();
  }
}

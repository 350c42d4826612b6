package dev.animegan.spark.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.animegan.core.config.ConfigLoader;
import dev.animegan.core.config.InferConfig;
import dev.animegan.core.config.IngestConfig;
import dev.animegan.model.GeneratorGraphs;
import dev.animegan.spark.infer.InferJob;
import dev.animegan.spark.infer.InferResult;
import dev.animegan.spark.ingest.IngestJob;
import dev.animegan.spark.ingest.IngestResult;
import dev.animegan.spark.testing.OddNames;
import dev.animegan.spark.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/** File names with spaces, URI characters, other scripts and NFC/NFD forms through ingest and infer (local FS). */
class OddNamesTest {
  @TempDir
  static Path dir;
  static SparkSession spark;
  static String photos;
  static List<String> names = OddNames.local();

  @BeforeAll
  static void setUp() throws Exception {
    spark = SparkTestSession.get();
    Configuration hconf = spark.sparkContext().hadoopConfiguration();
    photos = dir.resolve("odd photos #1").toString();
    OddNames.write(photos, names, hconf);
  }

  @Test
  void listingFindsEveryFileUnderItsOwnName() throws Exception {
    Configuration hconf = spark.sparkContext().hadoopConfiguration();
    List<InputFiles.InputFile> files = InputFiles.list(hconf, List.of(photos));
    assertEquals(names.size(), files.size());
    Set<String> expected = names.stream().map(n -> OddNames.display("file:" + photos, n))
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(expected, files.stream().map(InputFiles.InputFile::display).collect(Collectors.toCollection(TreeSet::new)));
    for (InputFiles.InputFile f : files) {
      assertTrue(Files.isRegularFile(Path.of(FilePaths.path(f.uri()).toUri().getPath())), f.display());
    }
  }

  @Test
  void ingestReadsEveryNameAndRecordsItAsTheUserSpellsIt() throws Exception {
    String out = dir.resolve("ingest out").toString();
    IngestResult r = IngestJob.run(spark, IngestConfig.from(ConfigLoader.load(null, ConfigFactory.parseString(
        "animegan.ingest { photos = [\"" + photos.replace("\\", "\\\\") + "\"], output = \"" + out + "\", "
            + "resize.short-side = 48, crop.size = 48 }"))));
    assertEquals(names.size(), r.read());
    assertEquals(names.size(), r.accepted(), "nothing quarantined: " + r.rejectedByReason());
    assertEquals(0, r.rejected());
    Set<String> paths = spark.read().parquet(out + "/tiles").select("source_path").collectAsList().stream()
        .map(row -> row.getString(0)).collect(Collectors.toCollection(TreeSet::new));
    Set<String> expected = names.stream().map(n -> OddNames.display("file:" + photos, n))
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(expected, paths);
    assertEquals(0, spark.read().parquet(out + "/quarantine").count());
  }

  @Test
  void inferWritesEachOutputUnderTheInputsNameAndFolder() throws Exception {
    Nd4j.getRandom().setSeed(3);
    Path model = dir.resolve("generator.zip");
    ModelSerializer.writeModel(GeneratorGraphs.random(4, 3), model.toFile(), false);
    String out = dir.resolve("infer out").toString();
    InferResult r = InferJob.run(spark, InferConfig.from(ConfigLoader.load(null, ConfigFactory.parseString(
        "animegan.infer { model = \"" + model + "\", input = [\"" + photos.replace("\\", "\\\\") + "\"], output = \""
            + out + "\", resize.max-long-side = 64, gallery-size = 4 }"))));
    assertEquals(names.size(), r.seen());
    assertEquals(names.size(), r.written(), "nothing rejected: " + r.rejectedByReason());
    Path images = Path.of(out, "images");
    Set<String> want = names.stream()
        .map(n -> n.toLowerCase(java.util.Locale.ROOT).endsWith(".jpg") ? n : n + ".jpg")
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> have;
    try (Stream<Path> s = Files.walk(images)) {
      have = s.filter(Files::isRegularFile).map(p -> images.relativize(p).toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
    assertEquals(want, have);
    InferResult again = InferJob.run(spark, InferConfig.from(ConfigLoader.load(null, ConfigFactory.parseString(
        "animegan.infer { model = \"" + model + "\", input = [\"" + photos.replace("\\", "\\\\") + "\"], output = \""
            + out + "\", resize.max-long-side = 64, gallery-size = 4 }"))));
    assertEquals(names.size(), again.skipped(), "a rerun finds every output under its name");
    List<Row> q = spark.read().parquet(out + "/quarantine").collectAsList();
    assertEquals(0, q.size());
  }
}

package dev.animegan.spark.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.animegan.core.config.ConfigLoader;
import dev.animegan.core.config.IngestConfig;
import dev.animegan.core.image.PngCodec;
import dev.animegan.core.image.RgbImage;
import dev.animegan.core.config.InferConfig;
import dev.animegan.model.GeneratorGraphs;
import dev.animegan.spark.common.HadoopFiles;
import dev.animegan.spark.infer.InferJob;
import dev.animegan.spark.infer.InferResult;
import dev.animegan.spark.testing.OddNames;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.factory.Nd4j;
import dev.animegan.spark.testing.MiniHdfs;
import dev.animegan.spark.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Input from and output to a real HDFS (an in-process MiniDFSCluster: NameNode + DataNode). */
class IngestHdfsTest {
  @TempDir
  static Path dir;
  @org.junit.jupiter.api.extension.RegisterExtension
  static final MiniHdfs.PerClass HDFS = new MiniHdfs.PerClass();

  @Test
  void ingestReadsAndWritesHdfs() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Configuration hconf = spark.sparkContext().hadoopConfiguration();
    Path sample = SparkTestSession.repoRoot().resolve("data/sample");
    for (String f : List.of("python3-skimage/rocket.jpg", "python3-skimage/chelsea.png", "mate-backgrounds/Storm.jpg")) {
      HadoopFiles.write(HDFS.uri() + "/in/photos/" + f, Files.readAllBytes(sample.resolve("photos").resolve(f)), hconf);
    }
    HadoopFiles.write(HDFS.uri() + "/in/photos/broken/half.jpg",
        java.util.Arrays.copyOf(Files.readAllBytes(sample.resolve("photos/python3-skimage/rocket.jpg")), 4000), hconf);
    HadoopFiles.write(HDFS.uri() + "/in/anime/ukui/city.png",
        Files.readAllBytes(sample.resolve("anime/ukui/ukui-wallpapers/city.png")), hconf);

    IngestConfig cfg = IngestConfig.from(ConfigLoader.load(null, ConfigFactory.parseString(
        "animegan.ingest { photos = [\"" + HDFS.uri() + "/in/photos\"], anime.ukui = [\"" + HDFS.uri() + "/in/anime/ukui/*.png\"],"
            + " output = \"" + HDFS.uri() + "/out/run1\", resize.short-side = 48, crop.size = 48 }")));
    IngestResult r = IngestJob.run(spark, cfg);
    assertEquals(5, r.read());
    assertEquals(4, r.accepted());
    assertEquals(1, r.rejected());
    assertEquals(1L, r.rejectedByReason().get("truncated"));

    List<Row> tiles = spark.read().parquet(HDFS.uri() + "/out/run1/tiles").collectAsList();
    assertEquals(4, tiles.size());
    for (Row t : tiles) {
      RgbImage img = PngCodec.decode(t.getAs("image"));
      assertEquals(48, img.width());
      assertTrue(t.<String>getAs("source_path").startsWith(HDFS.uri() + "/in/"), t.getAs("source_path").toString());
    }
    List<Row> q = spark.read().parquet(HDFS.uri() + "/out/run1/quarantine").collectAsList();
    assertEquals(HDFS.uri() + "/in/photos/broken/half.jpg", q.get(0).getAs("path"));
    JsonNode json = new ObjectMapper().readTree(HadoopFiles.readString(HDFS.uri() + "/out/run1/_job_result.json", hconf));
    assertEquals(5, json.get("read").asLong());
    assertTrue(HDFS.fileSystem().exists(new org.apache.hadoop.fs.Path("/out/run1/tiles/_SUCCESS")));
  }

  @Test
  void oddNamesOnHdfsKeepTheirSpellingThroughIngestAndInfer() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Configuration hconf = spark.sparkContext().hadoopConfiguration();
    String root = HDFS.uri() + "/odd in/Fotos & more";
    OddNames.write(root, OddNames.PORTABLE, hconf);
    IngestResult r = IngestJob.run(spark, IngestConfig.from(ConfigLoader.load(null, ConfigFactory.parseString(
        "animegan.ingest { photos = [\"" + root + "\"], output = \"" + HDFS.uri() + "/odd out\", resize.short-side = 48, "
            + "crop.size = 48 }"))));
    assertEquals(OddNames.PORTABLE.size(), r.read());
    assertEquals(OddNames.PORTABLE.size(), r.accepted(), "nothing quarantined: " + r.rejectedByReason());
    java.util.Set<String> expected = new java.util.TreeSet<>();
    OddNames.PORTABLE.forEach(n -> expected.add(OddNames.display(root, n)));
    java.util.Set<String> paths = new java.util.TreeSet<>();
    spark.read().parquet(HDFS.uri() + "/odd out/tiles").select("source_path").collectAsList()
        .forEach(row -> paths.add(row.getString(0)));
    assertEquals(expected, paths);

    Nd4j.getRandom().setSeed(5);
    Path model = dir.resolve("generator.zip");
    ModelSerializer.writeModel(GeneratorGraphs.random(4, 5), model.toFile(), false);
    InferResult inf = InferJob.run(spark, InferConfig.from(ConfigLoader.load(null, ConfigFactory.parseString(
        "animegan.infer { model = \"" + model + "\", input = [\"" + root + "\"], output = \"" + HDFS.uri()
            + "/odd infer\", resize.max-long-side = 48, gallery-size = 2 }"))));
    assertEquals(OddNames.PORTABLE.size(), inf.written(), "nothing rejected: " + inf.rejectedByReason());
    org.apache.hadoop.fs.FileSystem fs = HDFS.fileSystem();
    for (String n : OddNames.PORTABLE) {
      String out = n.toLowerCase(java.util.Locale.ROOT).endsWith(".jpg") ? n : n + ".jpg";
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(null, null, "/odd infer/images/" + out);
      assertTrue(fs.exists(p) && fs.getFileStatus(p).getLen() > 0, "output of " + n);
    }
  }
}

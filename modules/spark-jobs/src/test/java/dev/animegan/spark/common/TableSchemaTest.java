package dev.animegan.spark.common;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.animegan.core.config.ConfigError;
import dev.animegan.core.config.InputError;
import dev.animegan.spark.ingest.IngestTables;
import dev.animegan.spark.testing.SparkTestSession;
import dev.animegan.spark.testing.TrainFixtures;
import dev.animegan.spark.train.TrainJob;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One definition per table: rows built by name, and wrong tables named with the column and both types. */
class TableSchemaTest {
  @TempDir
  static Path dir;

  @Test
  void rowsAreBuiltByNameAndRequiredColumnsAreEnforced() {
    Row r = IngestTables.DUPLICATES.row().set("run_id", "r").set("path", "p").set("domain", "photo").set("style", "photo")
        .set("hash", "h").set("duplicate_of", "q").build();
    assertEquals("q", IngestTables.DUPLICATES.get(r, "duplicate_of"));
    assertEquals("p", r.getAs("path"));
    assertEquals("table duplicates has no column bogus",
        assertThrows(IllegalArgumentException.class, () -> IngestTables.DUPLICATES.row().set("bogus", 1)).getMessage());
    assertEquals("table duplicates: required column duplicate_of not set", assertThrows(IllegalStateException.class,
        () -> IngestTables.DUPLICATES.row().set("run_id", "r").set("path", "p").set("domain", "d").set("style", "s")
            .set("hash", "h").build()).getMessage());
  }

  @Test
  void problemsNameTheTableTheColumnAndBothTypes() {
    StructType found = new StructType().add("run_id", DataTypes.StringType).add("path", DataTypes.StringType)
        .add("domain", DataTypes.StringType).add("style", DataTypes.StringType).add("length", DataTypes.IntegerType)
        .add("reason", DataTypes.StringType).add("message", DataTypes.StringType).add("extra", DataTypes.StringType);
    assertEquals(List.of(
        "table /data/q (quarantine): column length is int, expected bigint",
        "table /data/q (quarantine) has no column hash (string)"), IngestTables.QUARANTINE.problems(found, "/data/q"));
    assertEquals("table /data/q (quarantine): column length is int, expected bigint; "
        + "table /data/q (quarantine) has no column hash (string)",
        assertThrows(InputError.class, () -> IngestTables.QUARANTINE.check(found, "/data/q")).getMessage());
  }

  @Test
  void theTrainingJobRefusesATilesTableWithAWrongColumnOnTheDriver() throws Exception {
    SparkSession spark = SparkTestSession.get();
    String data = TrainFixtures.ingestSample(spark, dir.resolve("good"));
    // the same table with crop_size written as a string
    Path bad = dir.resolve("bad");
    Dataset<Row> tiles = spark.read().parquet(data + "/tiles");
    tiles.withColumn("crop_size", col("crop_size").cast("string")).write().partitionBy("domain", "style")
        .parquet(bad.resolve("tiles").toString());
    InputError e = assertThrows(InputError.class, () -> TrainJob.run(spark,
        TrainFixtures.config(TrainFixtures.tinyTrainHocon(bad.toString(), dir.resolve("run").toString()))));
    assertEquals("table " + bad + "/tiles (tiles): column crop_size is string, expected int", e.getMessage());
    // and one without the gray tiles
    Path worse = dir.resolve("worse");
    tiles.drop("gray").withColumn("x", lit(1)).write().partitionBy("domain", "style").parquet(worse.resolve("tiles").toString());
    e = assertThrows(InputError.class, () -> TrainJob.run(spark,
        TrainFixtures.config(TrainFixtures.tinyTrainHocon(worse.toString(), dir.resolve("run2").toString()))));
    assertEquals("table " + worse + "/tiles (tiles) has no column gray (binary)", e.getMessage());
  }

  @Test
  void inferRefusesAnInputTableWhoseImageColumnIsNotBinary() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path table = dir.resolve("strings");
    spark.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create("a.jpg", "not bytes")),
        new StructType().add("path", DataTypes.StringType).add("content", DataTypes.StringType))
        .write().parquet(table.toString());
    org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(1);
    Path model = dir.resolve("g.zip");
    org.deeplearning4j.util.ModelSerializer.writeModel(dev.animegan.model.GeneratorGraphs.random(2, 1), model.toFile(), false);
    InputError e = assertThrows(InputError.class, () -> dev.animegan.spark.infer.InferJob.run(spark,
        dev.animegan.core.config.InferConfig.from(dev.animegan.core.config.ConfigLoader.load(null,
            com.typesafe.config.ConfigFactory.parseString("animegan.infer { model = \"" + model + "\", input = [\"" + table
                + "\"], input-format = parquet, output = \"" + dir.resolve("o") + "\" }")))));
    assertEquals("Input table " + table + ": column 'content' is string, expected binary (encoded image bytes; "
        + "animegan.infer.parquet.image-column)", e.getMessage());
  }

  @Test
  void appendingToAQuarantineOfAnOlderLayoutIsRefusedNamingTheColumn() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path root = SparkTestSession.repoRoot().resolve("data/sample/photos/python3-skimage");
    Path out = dir.resolve("append-old");
    String hocon = "animegan.ingest { photos = [\"" + root + "\"], output = \"" + out + "\", mode = %s, "
        + "resize.short-side = 48, crop.size = 48 }";
    dev.animegan.spark.ingest.IngestJob.run(spark, dev.animegan.core.config.IngestConfig.from(
        dev.animegan.core.config.ConfigLoader.load(null, com.typesafe.config.ConfigFactory.parseString(
            String.format(hocon, "error")))));
    Dataset<Row> q = spark.read().parquet(out + "/quarantine").drop("hash");
    q.cache().count();
    q.write().mode("overwrite").parquet(out + "/quarantine-old");
    org.apache.commons.io.FileUtils.deleteDirectory(out.resolve("quarantine").toFile());
    java.nio.file.Files.move(out.resolve("quarantine-old"), out.resolve("quarantine"));
    InputError e = assertThrows(InputError.class, () -> dev.animegan.spark.ingest.IngestJob.run(spark,
        dev.animegan.core.config.IngestConfig.from(dev.animegan.core.config.ConfigLoader.load(null,
            com.typesafe.config.ConfigFactory.parseString(String.format(hocon, "append"))))));
    assertEquals("table " + out + "/quarantine (quarantine) has no column hash (string)", e.getMessage());
  }
}

package dev.animegan.spark.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.animegan.core.config.ConfigError;
import dev.animegan.core.config.IngestConfig;
import dev.animegan.core.config.WriteMode;
import dev.animegan.spark.cli.JobCli;
import dev.animegan.spark.common.HadoopFiles;
import dev.animegan.spark.common.InputFiles;
import dev.animegan.spark.common.JobResults;
import dev.animegan.spark.common.ProgressListener;
import dev.animegan.spark.common.SerializableHadoopConf;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest job: photo and anime folders in, Parquet tiles out.
 *
 * <ol>
 *   <li>list: Spark's binaryFile source lists every input (recursive, globs, any Hadoop FS) without
 *       reading content; the listing is hash-partitioned by path so work spreads evenly;
 *   <li>hash: executors read each file and hash it; files with equal content within a
 *       domain/style are duplicates, all but the first by path are skipped;
 *   <li>decode: executors decode, resize, crop and derive gray/smooth tiles ({@code TileMaker});
 *       every file yields exactly one status row (accepted, rejected or duplicate);
 *   <li>write: tiles/, quarantine/, duplicates/ and _job_result.json.
 * </ol>
 */
public final class IngestJob {
  private static final Logger LOG = LoggerFactory.getLogger(IngestJob.class);
  public static final String JOB_GROUP = "animegan-ingest";
  public static final String TILES = "tiles";
  public static final String QUARANTINE = "quarantine";
  public static final String DUPLICATES = "duplicates";
  public static final String RESULT_FILE = JobResults.FILE;

  static final JobCli.Spec SPEC = new JobCli.Spec("ingest", "jobs/ingest.sh",
      "--photos PATH[,PATH] [--anime STYLE=PATH[,PATH]]... --out PATH [options] [spark options]",
      "Reads photo and anime image folders (local, hdfs://, any Hadoop FS), decodes every image, crops training\n"
          + "tiles, derives gray and edge-smoothed anime tiles and writes Parquet. Bad files go to a quarantine\n"
          + "table with a reason; nothing is dropped silently.",
      List.of(
          new JobCli.Flag("--photos", "PATH[,PATH]", JobCli.Kind.LIST, "animegan.ingest.photos",
              "photo roots or globs, read recursively"),
          new JobCli.Flag("--anime", "STYLE=PATH[,PATH]", JobCli.Kind.NAMED_LIST, "animegan.ingest.anime",
              "an anime style and its roots; repeatable"),
          new JobCli.Flag("--out", "PATH", JobCli.Kind.VALUE, "animegan.ingest.output", "output root"),
          new JobCli.Flag("--mode", "MODE", JobCli.Kind.VALUE, "animegan.ingest.mode",
              "error | overwrite | append when the output exists")));

  private IngestJob() {}

  public static void main(String[] args) {
    int code = JobCli.execute(SPEC, args, IngestConfig::from, IngestJob::run, System.out, System.err);
    if (code != JobCli.OK) {
      System.exit(code);
    }
  }

  /** One input root list with its domain and style. */
  private record Input(String domain, String style, List<String> paths, String key) {}

  private static List<Input> inputs(IngestConfig cfg) {
    List<Input> inputs = new ArrayList<>();
    if (!cfg.photos().isEmpty()) {
      inputs.add(new Input("photo", IngestConfig.PHOTO_STYLE, cfg.photos(), IngestConfig.SECTION + ".photos"));
    }
    cfg.anime().forEach((style, paths) ->
        inputs.add(new Input("anime", style, paths, IngestConfig.SECTION + ".anime." + style)));
    return inputs;
  }

  /** Checks inputs and output on the driver, before any Spark job; throws {@link ConfigError}. */
  static void validateOnDriver(IngestConfig cfg, Configuration hconf) throws IOException {
    List<String> problems = new ArrayList<>();
    for (Input in : inputs(cfg)) {
      problems.addAll(InputFiles.problems(in.paths(), in.key(), hconf));
    }
    if (cfg.mode() == WriteMode.ERROR) {
      for (String part : List.of(TILES, QUARANTINE, RESULT_FILE)) {
        String path = cfg.output() + "/" + part;
        if (HadoopFiles.exists(path, hconf)) {
          problems.add("Output " + path + " already exists and animegan.ingest.mode is error: "
              + "use --mode overwrite or --mode append");
          break;
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigError(problems);
    }
  }

  public static IngestResult run(SparkSession spark, IngestConfig cfg) throws IOException {
    long start = System.nanoTime();
    SparkContext sc = spark.sparkContext();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    Configuration hconf = sc.hadoopConfiguration();
    validateOnDriver(cfg, hconf);
    String runId = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now())
        + "-" + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
    String out = cfg.output().replaceAll("/+$", "");
    ProgressListener progress = new ProgressListener(LOG, JOB_GROUP, 10_000);
    sc.addSparkListener(progress);
    List<Dataset<Row>> cached = new ArrayList<>();
    try {
      // 1. list. Spark's file index lists (in parallel for many folders) but its scans skip
      // zero-length files, so the job works from the index's file list, not from a scan.
      group(sc, progress, "list", "listing " + inputs(cfg).size() + " inputs");
      List<Row> listed = new ArrayList<>();
      for (Input in : inputs(cfg)) {
        for (String path : InputFiles.list(spark, in.paths())) {
          listed.add(RowFactory.create(path, in.domain(), in.style()));
        }
      }
      long found = listed.size();
      int partitions = InputFiles.tasks(found, sc.defaultParallelism(), cfg.filesPerTask());
      LOG.info("ingest {}: listed {} files in {} inputs; {} tasks", runId, found, inputs(cfg).size(), partitions);
      StructType listingSchema = new StructType().add("path", DataTypes.StringType, false)
          .add("domain", DataTypes.StringType, false).add("style", DataTypes.StringType, false);
      Dataset<Row> files = spark.createDataFrame(listed, listingSchema)
          .repartition(partitions, col("path")).persist(StorageLevel.MEMORY_AND_DISK());
      cached.add(files);
      listed = null; // let the driver copy go

      // 2. hash and find duplicates
      group(sc, progress, "hash", "hashing " + found + " files");
      Broadcast<SerializableHadoopConf> conf = jsc.broadcast(new SerializableHadoopConf(hconf));
      StructType hashSchema = new StructType()
          .add("domain", DataTypes.StringType, false).add("style", DataTypes.StringType, false)
          .add("path", DataTypes.StringType, false).add("hash", DataTypes.StringType, true);
      Dataset<Row> hashes = files.mapPartitions(new IngestPartitions.Hash(conf, cfg.maxFileBytes()), Encoders.row(hashSchema));
      WindowSpec sameContent = Window.partitionBy("domain", "style", "hash").orderBy("path");
      List<Row> dupes = hashes.filter(col("hash").isNotNull())
          .withColumn("rank", row_number().over(sameContent))
          .withColumn("duplicate_of", first("path").over(sameContent))
          .filter(col("rank").gt(1))
          .select("domain", "style", "path", "hash", "duplicate_of")
          .collectAsList();
      Set<String> dupeKeys = new HashSet<>();
      for (Row r : dupes) {
        dupeKeys.add(IngestPartitions.key(r.getString(0), r.getString(1), r.getString(2)));
      }
      LOG.info("ingest {}: hashed {} files, {} duplicates", runId, found, dupes.size());

      // 3. decode, resize, crop
      group(sc, progress, "decode", "decoding and cropping " + found + " files");
      Broadcast<Set<String>> dupeSet = jsc.broadcast(dupeKeys);
      Dataset<Row> outcomes = files.mapPartitions(
          new IngestPartitions.Process(conf, cfg.tiles(), cfg.maxFileBytes(), cfg.testFraction(), dupeSet),
          Encoders.row(IngestSchemas.OUTCOME)).persist(StorageLevel.MEMORY_AND_DISK());
      cached.add(outcomes);
      List<Row> counts = outcomes
          .groupBy("kind", "domain", "style", "split", "reason")
          .agg(count(lit(1)).as("n"),
              sum(when(col("kind").equalTo(IngestSchemas.ACCEPTED),
                  col("source_width").cast("long").multiply(col("source_height")))).as("pixels"))
          .collectAsList();
      Tally tally = new Tally();
      counts.forEach(tally::add);
      LOG.info("ingest {}: accepted {}, rejected {} {}, duplicates {}, tiles {}", runId, tally.accepted,
          tally.rejected, tally.byReason, tally.duplicates, tally.tiles);
      if (tally.read() != found) {
        LOG.warn("ingest {}: {} files listed but {} processed (files changed during the run?)", runId, found,
            tally.read());
      }

      // 4. write
      group(sc, progress, "write", "writing tiles to " + out);
      SaveMode saveMode = switch (cfg.mode()) {
        case ERROR -> SaveMode.ErrorIfExists;
        case OVERWRITE -> SaveMode.Overwrite;
        case APPEND -> SaveMode.Append;
      };
      String tilesPath = out + "/" + TILES;
      String quarantinePath = out + "/" + QUARANTINE;
      String duplicatesPath = out + "/" + DUPLICATES;
      outcomes.filter(col("kind").equalTo(IngestSchemas.TILE))
          .select(col("id"), lit(runId).as("run_id"), col("path").as("source_path"), col("hash").as("source_hash"),
              col("format").as("source_format"), col("source_width"), col("source_height"), col("resized_width"),
              col("resized_height"), col("crop_index"), col("crop_x"), col("crop_y"), col("crop_size"),
              col("split"), col("image"), col("gray"), col("smooth"), col("domain"), col("style"))
          .write().mode(saveMode).partitionBy("domain", "style").parquet(tilesPath);
      outcomes.filter(col("kind").equalTo(IngestSchemas.REJECTED))
          .select(lit(runId).as("run_id"), col("path"), col("domain"), col("style"), col("length"), col("reason"),
              col("message"))
          .coalesce((int) Math.max(1, Math.min(partitions, tally.rejected / 200_000 + 1)))
          .write().mode(saveMode).parquet(quarantinePath);
      List<Row> dupeRows = new ArrayList<>();
      for (Row r : dupes) {
        dupeRows.add(RowFactory.create(runId, r.getString(2), r.getString(0), r.getString(1), r.getString(3),
            r.getString(4)));
      }
      StructType dupeSchema = new StructType()
          .add("run_id", DataTypes.StringType, false).add("path", DataTypes.StringType, false)
          .add("domain", DataTypes.StringType, false).add("style", DataTypes.StringType, false)
          .add("hash", DataTypes.StringType, false).add("duplicate_of", DataTypes.StringType, false);
      spark.createDataFrame(dupeRows, dupeSchema).coalesce(1).write().mode(saveMode).parquet(duplicatesPath);

      double elapsed = (System.nanoTime() - start) / 1e9;
      double megapixels = tally.pixels / 1e6;
      IngestResult result = new IngestResult("ingest", runId, out, tilesPath, quarantinePath, duplicatesPath,
          tally.read(), tally.accepted, tally.rejected, tally.duplicates, tally.tiles, new TreeMap<>(tally.byReason),
          tally.datasets(), round(megapixels), round(elapsed), round(tally.read() / elapsed), round(megapixels / elapsed));
      JobResults.write(out, result, hconf);
      LOG.info("ingest {}: done in {} s: read {} = accepted {} + rejected {} + duplicates {}; {} tiles; result in {}",
          runId, String.format(Locale.ROOT, "%.1f", elapsed), result.read(), result.accepted(), result.rejected(),
          result.duplicates(), result.tiles(), out + "/" + RESULT_FILE);
      conf.destroy();
      dupeSet.destroy();
      return result;
    } finally {
      cached.forEach(Dataset::unpersist);
      sc.removeSparkListener(progress);
      sc.clearJobGroup();
    }
  }

  private static double round(double v) {
    return Double.isFinite(v) ? Math.round(v * 1000) / 1000.0 : 0.0;
  }

  private static void group(SparkContext sc, ProgressListener progress, String phase, String description) {
    progress.phase("ingest " + phase);
    sc.setJobGroup(JOB_GROUP + "-" + phase, "animegan ingest: " + description, false);
  }

  /** Adds up the per-kind counts on the driver. */
  private static final class Tally {
    long accepted;
    long rejected;
    long duplicates;
    long tiles;
    long pixels;
    final Map<String, Long> byReason = new TreeMap<>();
    final Map<String, long[]> perDataset = new TreeMap<>();

    long read() {
      return accepted + rejected + duplicates;
    }

    void add(Row r) {
      String kind = r.getString(0);
      String dataset = r.getString(1) + "/" + r.getString(2);
      String split = r.isNullAt(3) ? null : r.getString(3);
      long n = r.getLong(5);
      // read, accepted, rejected, duplicates, trainFiles, testFiles, trainTiles, testTiles
      long[] d = perDataset.computeIfAbsent(dataset, k -> new long[8]);
      switch (kind) {
        case IngestSchemas.ACCEPTED -> {
          accepted += n;
          pixels += r.isNullAt(6) ? 0 : r.getLong(6);
          d[0] += n;
          d[1] += n;
          d["test".equals(split) ? 5 : 4] += n;
        }
        case IngestSchemas.REJECTED -> {
          rejected += n;
          byReason.merge(r.getString(4), n, Long::sum);
          d[0] += n;
          d[2] += n;
        }
        case IngestSchemas.DUPLICATE -> {
          duplicates += n;
          d[0] += n;
          d[3] += n;
        }
        case IngestSchemas.TILE -> {
          tiles += n;
          d["test".equals(split) ? 7 : 6] += n;
        }
        default -> throw new IllegalStateException("unknown outcome kind " + kind);
      }
    }

    List<IngestResult.DatasetCounts> datasets() {
      List<IngestResult.DatasetCounts> out = new ArrayList<>();
      perDataset.forEach((k, d) -> {
        String[] ds = k.split("/", 2);
        out.add(new IngestResult.DatasetCounts(ds[0], ds[1], d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]));
      });
      return out;
    }
  }
}

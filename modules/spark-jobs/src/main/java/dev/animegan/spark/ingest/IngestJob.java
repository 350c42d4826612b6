package dev.animegan.spark.ingest;

import dev.animegan.core.config.ConfigError;
import dev.animegan.core.config.IngestConfig;
import dev.animegan.core.config.WriteMode;
import dev.animegan.spark.cli.JobCli;
import dev.animegan.spark.common.HadoopFiles;
import dev.animegan.spark.common.InputFiles;
import dev.animegan.spark.common.JobResults;
import dev.animegan.spark.common.JobRun;
import dev.animegan.spark.common.ReportAccumulator;
import dev.animegan.spark.common.SerializableHadoopConf;
import dev.animegan.spark.common.TableOutput;
import dev.animegan.spark.ingest.IngestPlan.FileTask;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest job: photo and anime folders in, Parquet tiles out.
 *
 * <ol>
 *   <li>list: the driver lists every input (recursive, globs, any Hadoop FS) with each file's length;
 *   <li>existing (append mode): the content hashes already in the output, so nothing is added twice;
 *   <li>tiles: one Spark job without a shuffle; the driver plans which task takes which files
 *       ({@link IngestPlan}: equal-length files of a dataset share a task, so each task finds its own
 *       duplicates), and each task reads each file once, hashes, decodes, crops and derives the
 *       gray/smooth tiles ({@code TileMaker}) and writes the tiles as they come ({@link TableOutput});
 *       every file's outcome (accepted, rejected, duplicate, already present) and the task's files
 *       reach the driver in an {@link IngestReport}, and the driver commits the files;
 *   <li>tables: quarantine/ and duplicates/ from the report, then _job_result.json.
 * </ol>
 */
public final class IngestJob {
  private static final Logger LOG = LoggerFactory.getLogger(IngestJob.class);
  public static final String JOB_GROUP = "animegan-ingest";
  public static final String TILES = IngestTables.TILES_DIR;
  public static final String QUARANTINE = IngestTables.QUARANTINE_DIR;
  public static final String DUPLICATES = IngestTables.DUPLICATES_DIR;
  public static final String RESULT_FILE = JobResults.FILE;

  public static final JobCli.Spec SPEC = new JobCli.Spec("ingest", "jobs/ingest.sh",
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
    Configuration hconf = spark.sparkContext().hadoopConfiguration();
    validateOnDriver(cfg, hconf);
    String out = cfg.output().replaceAll("/+$", "");
    try (JobRun run = JobRun.start(spark, "ingest", LOG)) {
      List<FileTask> files = run.step("list", "listing " + inputs(cfg).size() + " inputs", () -> list(cfg, hconf));
      IngestPartitions.Existing existing = run.step("existing", "reading the content already in " + out,
          () -> existing(spark, cfg, out, hconf));
      IngestReport report = run.step("tiles", "reading, decoding and cropping " + files.size() + " files",
          () -> writeTiles(spark, cfg, run.runId(), files, existing, out));
      run.step("tables", "writing quarantine and duplicates", () -> writeSmallTables(spark, cfg, run.runId(), report, out));
      IngestResult result = result(run, out, report, files.size());
      JobResults.write(out, result, hconf);
      LOG.info("ingest {}: done in {} s: read {} = accepted {} + rejected {} + duplicates {} + already present {}; "
              + "{} tiles; result in {}", run.runId(), String.format(Locale.ROOT, "%.1f", result.elapsedSeconds()),
          result.read(), result.accepted(), result.rejected(), result.duplicates(), result.alreadyPresent(),
          result.tiles(), out + "/" + RESULT_FILE);
      return result;
    }
  }

  /** Every input file with its domain and style. */
  private static List<FileTask> list(IngestConfig cfg, Configuration hconf) throws IOException {
    List<FileTask> files = new ArrayList<>();
    for (Input in : inputs(cfg)) {
      for (InputFiles.InputFile f : InputFiles.list(hconf, in.paths())) {
        files.add(IngestPlan.of(f, in.domain(), in.style()));
      }
    }
    LOG.info("ingest: listed {} files in {} inputs", files.size(), inputs(cfg).size());
    return files;
  }

  /**
   * In append mode, the content the output already holds, so a rerun adds nothing twice: the
   * hashes of the tiles' sources and of quarantined files, and the path and reason of quarantined
   * files that were never read. Both tables are checked against their definitions first.
   */
  static IngestPartitions.Existing existing(SparkSession spark, IngestConfig cfg, String out, Configuration hconf)
      throws IOException {
    Set<String> keys = new HashSet<>();
    if (cfg.mode() != WriteMode.APPEND) {
      return new IngestPartitions.Existing(keys);
    }
    if (HadoopFiles.exists(out + "/" + TILES, hconf)) {
      for (Row r : IngestTables.TILES.read(spark, out + "/" + TILES).select("domain", "style", "source_hash")
          .distinct().collectAsList()) {
        keys.add(IngestPartitions.tileKey(r.getString(0), r.getString(1), r.getString(2)));
      }
    }
    if (HadoopFiles.exists(out + "/" + QUARANTINE, hconf)) {
      for (Row r : IngestTables.QUARANTINE.read(spark, out + "/" + QUARANTINE)
          .select("domain", "style", "hash", "path", "reason").distinct().collectAsList()) {
        keys.add(r.isNullAt(2)
            ? IngestPartitions.unreadKey(r.getString(0), r.getString(1), r.getString(3), r.getString(4))
            : IngestPartitions.tileKey(r.getString(0), r.getString(1), r.getString(2)));
      }
    }
    LOG.info("ingest: the output already holds {} files", keys.size());
    return new IngestPartitions.Existing(keys);
  }

  /**
   * One Spark job, no shuffle: planned tasks read, decode and crop their files and write the tiles
   * as they come ({@link TableOutput}); the driver commits the files the successful tasks report.
   */
  private static IngestReport writeTiles(SparkSession spark, IngestConfig cfg, String runId, List<FileTask> files,
      IngestPartitions.Existing existing, String out) throws IOException {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int tasks = InputFiles.tasks(files.size(), jsc.defaultParallelism(), cfg.filesPerTask());
    List<List<FileTask>> plan = IngestPlan.tasks(files, tasks);
    LOG.info("ingest {}: {} files in {} tasks", runId, files.size(), plan.size());
    ReportAccumulator<IngestReport> ledger = new ReportAccumulator<>(IngestReport::new);
    spark.sparkContext().register(ledger, "animegan-ingest-report");
    Configuration hconf = jsc.hadoopConfiguration();
    Broadcast<SerializableHadoopConf> conf = jsc.broadcast(new SerializableHadoopConf(hconf));
    Broadcast<IngestPartitions.Existing> have = jsc.broadcast(existing);
    TableOutput tiles = TableOutput.of(IngestTables.TILES, out + "/" + TILES, runId, spark);
    try {
      jsc.parallelize(plan, Math.max(1, plan.size())).foreachPartition(new IngestPartitions.Process(
          conf, cfg.tiles(), cfg.maxFileBytes(), cfg.testFraction(), runId, have, tiles, ledger));
      IngestReport report = ledger.value();
      tiles.commit(hconf, cfg.mode() == WriteMode.OVERWRITE, report.tiles);
      return report;
    } catch (IOException | RuntimeException e) {
      tiles.abort(hconf);
      throw e;
    } finally {
      conf.destroy();
      have.destroy();
    }
  }

  /** The quarantine and duplicates rows of this run, sorted by path, written by the driver. */
  private static void writeSmallTables(SparkSession spark, IngestConfig cfg, String runId, IngestReport report,
      String out) throws IOException {
    List<Row> quarantine = new ArrayList<>();
    report.rejected.stream().sorted(Comparator.comparing(IngestReport.Rejected::path)
        .thenComparing(IngestReport.Rejected::style)).forEach(r -> quarantine.add(IngestTables.QUARANTINE.row()
            .set("run_id", runId).set("path", r.path()).set("domain", r.domain()).set("style", r.style())
            .set("length", r.length()).set("hash", r.hash()).set("reason", r.reason()).set("message", r.message())
            .build()));
    List<Row> duplicates = new ArrayList<>();
    report.duplicates.stream().sorted(Comparator.comparing(IngestReport.Duplicate::path)
        .thenComparing(IngestReport.Duplicate::style)).forEach(d -> duplicates.add(IngestTables.DUPLICATES.row()
            .set("run_id", runId).set("path", d.path()).set("domain", d.domain()).set("style", d.style())
            .set("hash", d.hash()).set("duplicate_of", d.duplicateOf()).build()));
    Configuration hconf = spark.sparkContext().hadoopConfiguration();
    boolean overwrite = cfg.mode() == WriteMode.OVERWRITE;
    write(TableOutput.of(IngestTables.QUARANTINE, out + "/" + QUARANTINE, runId, spark), quarantine, overwrite, hconf);
    write(TableOutput.of(IngestTables.DUPLICATES, out + "/" + DUPLICATES, runId, spark), duplicates, overwrite, hconf);
  }

  /** A small table's rows as one file (row groups bound its memory), committed like the tiles. */
  private static void write(TableOutput table, List<Row> rows, boolean overwrite, Configuration hconf)
      throws IOException {
    try (TableOutput.Writer w = table.open(hconf, 0, 0)) {
      for (Row r : rows) {
        w.write(r);
      }
      table.commit(hconf, overwrite, List.of(w.finish()));
    } catch (IOException | RuntimeException e) {
      table.abort(hconf);
      throw e;
    }
  }

  private static IngestResult result(JobRun run, String out, IngestReport report, long listed) {
    IngestReport.Counts t = report.total();
    if (t.read != listed) {
      LOG.warn("ingest {}: {} files listed but {} processed", run.runId(), listed, t.read);
    }
    List<IngestResult.DatasetCounts> datasets = new ArrayList<>();
    report.datasets.forEach((k, c) -> {
      String[] ds = k.split("/", 2);
      datasets.add(new IngestResult.DatasetCounts(ds[0], ds[1], c.read, c.accepted, c.rejected, c.duplicates,
          c.alreadyPresent, c.trainFiles, c.testFiles, c.trainTiles, c.testTiles));
    });
    double elapsed = run.elapsedSeconds();
    double megapixels = t.pixels / 1e6;
    return new IngestResult("ingest", run.runId(), out, out + "/" + TILES, out + "/" + QUARANTINE,
        out + "/" + DUPLICATES, t.read, t.accepted, t.rejected, t.duplicates, t.alreadyPresent,
        t.trainTiles + t.testTiles, new TreeMap<>(t.rejectedByReason), datasets, round(megapixels), round(elapsed),
        round(t.read / elapsed), round(megapixels / elapsed));
  }

  private static double round(double v) {
    return Double.isFinite(v) ? Math.round(v * 1000) / 1000.0 : 0.0;
  }
}

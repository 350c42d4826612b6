package dev.animegan.spark.infer;

import static org.apache.spark.sql.functions.col;

import dev.animegan.core.config.ConfigError;
import dev.animegan.core.config.InferConfig;
import dev.animegan.core.config.InputError;
import dev.animegan.spark.cli.JobCli;
import dev.animegan.spark.common.FilePaths;
import dev.animegan.spark.common.InputFiles;
import dev.animegan.spark.common.JobResults;
import dev.animegan.spark.common.JobRun;
import dev.animegan.spark.common.ModelCheck;
import dev.animegan.spark.common.ReportAccumulator;
import dev.animegan.spark.common.SerializableHadoopConf;
import dev.animegan.spark.common.SparkSessions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch inference job: a generator mapped over photo archives.
 *
 * <ol>
 *   <li>list: the inputs (folders, globs, any Hadoop FS; or Parquet tables) with each file's output
 *       path, relative to its input root;
 *   <li>stylize: executors skip inputs whose output is complete, decode the rest with the ingest
 *       job's decoder, run the generator (resize or tile mode) and write outputs atomically;
 *   <li>report: quarantine/ (rejected inputs with reasons), index.html gallery, _job_result.json.
 * </ol>
 */
public final class InferJob {
  private static final Logger LOG = LoggerFactory.getLogger(InferJob.class);
  public static final String IMAGES = "images";
  public static final String TABLE = "table";
  public static final String QUARANTINE = "quarantine";
  public static final String GALLERY = "gallery";
  public static final String RESULT_FILE = JobResults.FILE;

  public static final JobCli.Spec SPEC = new JobCli.Spec("infer", "jobs/infer.sh",
      "--model PATH --input PATH[,PATH] --out PATH [--mode resize|tile] [options] [spark options]",
      "Stylises photo archives of any size and layout with a trained (or imported) generator. Outputs keep the\n"
          + "inputs' relative folder layout; a rerun skips images already done; bad files go to a quarantine table.",
      List.of(
          new JobCli.Flag("--model", "PATH", JobCli.Kind.VALUE, "animegan.infer.model",
              "trainer checkpoint folder, generator.zip, or AnimeGANv2 .pt"),
          new JobCli.Flag("--input", "PATH[,PATH]", JobCli.Kind.LIST, "animegan.infer.input", "input folders, globs or tables"),
          new JobCli.Flag("--out", "PATH", JobCli.Kind.VALUE, "animegan.infer.output", "output root"),
          new JobCli.Flag("--mode", "MODE", JobCli.Kind.VALUE, "animegan.infer.mode", "resize | tile"),
          new JobCli.Flag("--format", "FORMAT", JobCli.Kind.VALUE, "animegan.infer.format", "jpeg | png"),
          new JobCli.Flag("--preserve-color", "", JobCli.Kind.SWITCH, "animegan.infer.preserve-color",
              "keep each input's colour statistics in its output")));

  private InferJob() {}

  public static void main(String[] args) {
    int code = JobCli.execute(SPEC, args, InferConfig::from, InferJob::run,
        () -> SparkSessions.getOrCreate("animegan-infer"), true, System.out, System.err);
    if (code != JobCli.OK) {
      System.exit(code);
    }
  }

  /**
   * Model and inputs must exist, and the model must be a complete generator: checked on the driver
   * before any Spark job ({@link ModelCheck}).
   */
  static void validateOnDriver(InferConfig cfg, Configuration hconf) {
    List<String> problems = new ArrayList<>();
    try {
      ModelCheck.check(cfg.model(), InferConfig.SECTION + ".model", hconf);
    } catch (ConfigError e) {
      problems.addAll(e.problems());
    }
    problems.addAll(InputFiles.problems(cfg.input(), InferConfig.SECTION + ".input", hconf));
    if (!problems.isEmpty()) {
      throw new ConfigError(problems);
    }
  }

  public static InferResult run(SparkSession spark, InferConfig cfg) throws IOException {
    Configuration hconf = spark.sparkContext().hadoopConfiguration();
    validateOnDriver(cfg, hconf);
    String out = cfg.output().replaceAll("/+$", "");
    try (JobRun run = JobRun.start(spark, "infer", LOG)) {
      Inputs inputs = run.step("list", "listing " + cfg.input().size() + " inputs", () -> inputs(spark, cfg, hconf));
      Stylized s = run.step("stylize", "stylising " + inputs.count() + " inputs",
          () -> stylize(spark, cfg, run.runId(), inputs, out));
      String quarantine = run.step("report", "writing the quarantine and the gallery",
          () -> writeQuarantine(spark, run.runId(), s.report(), out));
      String gallery = cfg.gallerySize() > 0 && cfg.inputFormat() == InferConfig.InputFormat.FILES
          && cfg.outputKind() == InferConfig.OutputKind.FILES
          ? run.step("gallery", "writing the gallery", () -> Gallery.write(JavaSparkContext.fromSparkContext(
              spark.sparkContext()), out, out + "/" + IMAGES, s.report().gallery, hconf))
          : null;
      InferResult result = result(run, cfg, out, inputs.count(), s, quarantine, gallery);
      JobResults.write(out, result, hconf);
      LOG.info("infer {}: done in {} s: seen {} = written {} + skipped {} + rejected {}; {} MP, {} images/s; result in {}",
          run.runId(), String.format(Locale.ROOT, "%.1f", result.elapsedSeconds()), result.seen(), result.written(),
          result.skipped(), result.rejected(), String.format(Locale.ROOT, "%.1f", result.megapixels()),
          String.format(Locale.ROOT, "%.2f", result.imagesPerSecond()), out + "/" + RESULT_FILE);
      return result;
    }
  }

  /** The inputs as rows of {@link InferPartitions#INPUT}, spread over tasks, and how many there are. */
  record Inputs(Dataset<Row> rows, long count) {}

  private static Inputs inputs(SparkSession spark, InferConfig cfg, Configuration hconf) throws IOException {
    int parallelism = spark.sparkContext().defaultParallelism();
    if (cfg.inputFormat() == InferConfig.InputFormat.FILES) {
      List<Row> listed = new ArrayList<>();
      boolean several = cfg.input().size() > 1;
      for (int i = 0; i < cfg.input().size(); i++) {
        String root = cfg.input().get(i);
        Path base = qualifiedBase(root, hconf);
        String prefix = several ? i + "-" + base.getName() + "/" : "";
        for (InputFiles.InputFile f : InputFiles.list(hconf, List.of(root))) {
          String rel = prefix + FilePaths.relative(base, FilePaths.path(f.uri()));
          listed.add(RowFactory.create(f.uri(), f.display(), rel, null));
        }
      }
      int partitions = InputFiles.tasks(listed.size(), parallelism, cfg.filesPerTask());
      LOG.info("infer: listed {} files in {} inputs; {} tasks; e.g. {} -> {}", listed.size(), cfg.input().size(),
          partitions, listed.isEmpty() ? "-" : listed.get(0).getString(1), listed.isEmpty() ? "-" : listed.get(0).getString(2));
      return new Inputs(spark.createDataFrame(listed, InferPartitions.INPUT).repartition(partitions, col("rel")),
          listed.size());
    }
    Dataset<Row> table = spark.read().parquet(cfg.input().toArray(String[]::new));
    checkInputTable(table.schema(), cfg);
    Column path = col(cfg.pathColumn()).cast("string");
    Dataset<Row> rows = table.select(path.as("path"), path.as("display"),
        org.apache.spark.sql.functions.regexp_replace(
            org.apache.spark.sql.functions.regexp_replace(path, "^[a-zA-Z][a-zA-Z0-9+.-]*:", ""), "^/+", "").as("rel"),
        col(cfg.imageColumn()).as("content"));
    long n = rows.count();
    int partitions = InputFiles.tasks(n, parallelism, cfg.filesPerTask());
    LOG.info("infer: {} rows in {} input tables; {} tasks", n, cfg.input().size(), partitions);
    return new Inputs(rows.repartition(partitions, col("rel")), n);
  }

  /** An input table needs the configured path column and a binary image column. */
  static void checkInputTable(StructType schema, InferConfig cfg) {
    List<String> columns = Arrays.asList(schema.fieldNames());
    for (String c : List.of(cfg.pathColumn(), cfg.imageColumn())) {
      if (!columns.contains(c)) {
        throw new ConfigError("Input table has no column '" + c + "' (animegan.infer.parquet."
            + (c.equals(cfg.pathColumn()) ? "path-column" : "image-column") + "); columns: " + String.join(", ", columns));
      }
    }
    org.apache.spark.sql.types.DataType image = schema.apply(cfg.imageColumn()).dataType();
    if (!image.sameType(org.apache.spark.sql.types.DataTypes.BinaryType)) {
      throw new InputError("Input table " + String.join(",", cfg.input()) + ": column '" + cfg.imageColumn() + "' is "
          + image.simpleString() + ", expected binary (encoded image bytes; animegan.infer.parquet.image-column)");
    }
  }

  /** What the stylize step did, and where images went. */
  record Stylized(InferReport report, long outOfMemoryRetries, String imagesPath) {}

  private static Stylized stylize(SparkSession spark, InferConfig cfg, String runId, Inputs inputs, String out) {
    SparkContext sc = spark.sparkContext();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    Broadcast<SerializableHadoopConf> conf = jsc.broadcast(new SerializableHadoopConf(sc.hadoopConfiguration()));
    try {
      String imagesRoot = out + "/" + IMAGES;
      LongAccumulator memoryRetries = sc.longAccumulator("animegan.infer.out-of-memory-retries");
      int gallerySize = cfg.gallerySize();
      ReportAccumulator<InferReport> ledger = new ReportAccumulator<>(() -> new InferReport(gallerySize));
      sc.register(ledger, "animegan-infer-report");
      Dataset<Row> outputs = inputs.rows().mapPartitions(
          new InferPartitions(cfg, conf, imagesRoot, runId, memoryRetries, ledger), Encoders.row(InferTables.OUTPUT.struct()));
      String imagesPath = imagesRoot;
      if (cfg.outputKind() == InferConfig.OutputKind.PARQUET) {
        imagesPath = out + "/" + TABLE;
        outputs.write().mode(SaveMode.Overwrite).parquet(imagesPath);
      } else {
        outputs.foreachPartition((org.apache.spark.api.java.function.ForeachPartitionFunction<Row>) it -> {
          while (it.hasNext()) {
            it.next();
          }
        });
      }
      InferReport r = ledger.value();
      LOG.info("infer {}: written {}, skipped {} (already complete), rejected {} {}; {} generator calls retried after "
          + "running out of memory", runId, r.written, r.skipped, r.rejected, r.rejectedByReason, memoryRetries.value());
      return new Stylized(r, memoryRetries.value(), imagesPath);
    } finally {
      conf.destroy();
    }
  }

  private static String writeQuarantine(SparkSession spark, String runId, InferReport report, String out) {
    List<Row> rows = new ArrayList<>();
    report.quarantine.stream().sorted(java.util.Comparator.comparing(InferReport.Rejected::path))
        .forEach(q -> rows.add(InferTables.QUARANTINE.row().set("run_id", runId).set("path", q.path())
            .set("length", q.length()).set("reason", q.reason()).set("message", q.message()).build()));
    String path = out + "/" + QUARANTINE;
    spark.createDataFrame(rows, InferTables.QUARANTINE.struct()).coalesce(1).write().mode(SaveMode.Overwrite).parquet(path);
    return path;
  }

  private static InferResult result(JobRun run, InferConfig cfg, String out, long seen, Stylized s, String quarantine,
      String gallery) {
    InferReport r = s.report();
    if (r.seen() != seen) {
      LOG.warn("infer {}: {} inputs listed but {} processed (files changed during the run?)", run.runId(), seen, r.seen());
    }
    double elapsed = run.elapsedSeconds();
    double mp = r.pixels / 1e6;
    return new InferResult("infer", run.runId(), cfg.model(), out, cfg.outputKind().name().toLowerCase(Locale.ROOT),
        cfg.mode().name().toLowerCase(Locale.ROOT), seen, r.written, r.skipped, r.rejected,
        new TreeMap<>(r.rejectedByReason), s.outOfMemoryRetries(), round(mp), round(elapsed), round(r.written / elapsed),
        round(mp / elapsed), s.imagesPath(), quarantine, gallery);
  }

  /** The fully qualified folder an input's relative paths start from: the input itself, or a glob's fixed prefix. */
  public static Path qualifiedBase(String input, Configuration hconf) throws IOException {
    String fixed = input;
    int glob = indexOfGlob(input);
    if (glob >= 0) {
      int slash = input.lastIndexOf('/', glob);
      fixed = slash <= 0 ? "/" : input.substring(0, slash);
    }
    Path p = new Path(fixed);
    FileSystem fs = p.getFileSystem(hconf);
    Path q = fs.makeQualified(p);
    if (glob < 0 && fs.exists(q) && fs.getFileStatus(q).isFile()) {
      q = q.getParent();
    }
    return q;
  }

  private static int indexOfGlob(String s) {
    for (int i = 0; i < s.length(); i++) {
      if ("*?[{".indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}

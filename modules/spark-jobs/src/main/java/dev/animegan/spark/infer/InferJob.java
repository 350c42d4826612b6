package dev.animegan.spark.infer;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.animegan.core.config.ConfigError;
import dev.animegan.core.config.InferConfig;
import dev.animegan.spark.cli.JobCli;
import dev.animegan.spark.common.InputFiles;
import dev.animegan.spark.common.JobResults;
import dev.animegan.spark.common.ProgressListener;
import dev.animegan.spark.common.SerializableHadoopConf;
import dev.animegan.spark.common.SparkSessions;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
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
  public static final String JOB_GROUP = "animegan-infer";
  public static final String IMAGES = "images";
  public static final String TABLE = "table";
  public static final String QUARANTINE = "quarantine";
  public static final String GALLERY = "gallery";
  public static final String RESULT_FILE = JobResults.FILE;

  static final JobCli.Spec SPEC = new JobCli.Spec("infer", "jobs/infer.sh",
      "--model PATH --input PATH[,PATH] --out PATH [--mode resize|tile] [options] [spark options]",
      "Stylises photo archives of any size and layout with a trained (or imported) generator. Outputs keep the\n"
          + "inputs' relative folder layout; a rerun skips images already done; bad files go to a quarantine table.",
      List.of(
          new JobCli.Flag("--model", "PATH", JobCli.Kind.VALUE, "animegan.infer.model",
              "trainer checkpoint folder, generator.zip, or AnimeGANv2 .pt"),
          new JobCli.Flag("--input", "PATH[,PATH]", JobCli.Kind.LIST, "animegan.infer.input", "input folders, globs or tables"),
          new JobCli.Flag("--out", "PATH", JobCli.Kind.VALUE, "animegan.infer.output", "output root"),
          new JobCli.Flag("--mode", "MODE", JobCli.Kind.VALUE, "animegan.infer.mode", "resize | tile"),
          new JobCli.Flag("--format", "FORMAT", JobCli.Kind.VALUE, "animegan.infer.format", "jpeg | png")));

  private InferJob() {}

  public static void main(String[] args) {
    int code = JobCli.execute(SPEC, args, InferConfig::from, InferJob::run,
        () -> SparkSessions.getOrCreate("animegan-infer"), true, System.out, System.err);
    if (code != JobCli.OK) {
      System.exit(code);
    }
  }

  /** Model and inputs must exist: checked on the driver before any Spark job. */
  static void validateOnDriver(InferConfig cfg, Configuration hconf) {
    List<String> problems = new ArrayList<>();
    try {
      Path m = new Path(cfg.model());
      FileSystem fs = m.getFileSystem(hconf);
      if (!fs.exists(m)) {
        problems.add("No such model: " + cfg.model() + " (animegan.infer.model)");
      } else if (fs.getFileStatus(m).isDirectory() && !fs.exists(new Path(m, "generator.zip"))) {
        problems.add("Model folder " + cfg.model() + " is not a trainer checkpoint: it has no generator.zip (animegan.infer.model)");
      }
    } catch (IOException | IllegalArgumentException e) {
      problems.add("Cannot read model " + cfg.model() + " (animegan.infer.model): " + e.getMessage());
    }
    problems.addAll(InputFiles.problems(cfg.input(), InferConfig.SECTION + ".input", hconf));
    if (!problems.isEmpty()) {
      throw new ConfigError(problems);
    }
  }

  public static InferResult run(SparkSession spark, InferConfig cfg) throws IOException {
    long start = System.nanoTime();
    SparkContext sc = spark.sparkContext();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    Configuration hconf = sc.hadoopConfiguration();
    validateOnDriver(cfg, hconf);
    String runId = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
    String out = cfg.output();
    ProgressListener progress = new ProgressListener(LOG, JOB_GROUP, 10_000);
    sc.addSparkListener(progress);
    Broadcast<SerializableHadoopConf> conf = jsc.broadcast(new SerializableHadoopConf(hconf));
    Dataset<Row> outcomes = null;
    try {
      // 1. list
      sc.setJobGroup(JOB_GROUP + "-list", "animegan infer: listing inputs", false);
      Dataset<Row> inputs;
      long seen;
      if (cfg.inputFormat() == InferConfig.InputFormat.FILES) {
        List<Row> listed = new ArrayList<>();
        boolean several = cfg.input().size() > 1;
        for (int i = 0; i < cfg.input().size(); i++) {
          String root = cfg.input().get(i);
          String base = new Path(qualifiedBase(root, hconf)).toUri().getPath().replaceAll("/+$", "");
          String prefix = several ? i + "-" + new Path(base).getName() + "/" : "";
          for (String f : InputFiles.list(spark, List.of(root))) {
            String fp = new Path(f).toUri().getPath();
            String rel = fp.startsWith(base + "/") ? fp.substring(base.length() + 1) : new Path(f).getName();
            listed.add(RowFactory.create(f, prefix + rel, null));
          }
        }
        seen = listed.size();
        int partitions = InputFiles.tasks(seen, sc.defaultParallelism(), cfg.filesPerTask());
        inputs = spark.createDataFrame(listed, InferPartitions.INPUT).repartition(partitions, col("rel"));
        LOG.info("infer {}: listed {} files in {} inputs; {} tasks; e.g. {} -> {}", runId, seen, cfg.input().size(), partitions,
            listed.isEmpty() ? "-" : listed.get(0).getString(0), listed.isEmpty() ? "-" : listed.get(0).getString(1));
      } else {
        Dataset<Row> table = spark.read().parquet(cfg.input().toArray(String[]::new));
        for (String c : List.of(cfg.pathColumn(), cfg.imageColumn())) {
          if (!Arrays.asList(table.columns()).contains(c)) {
            throw new ConfigError("Input table has no column '" + c + "' (animegan.infer.parquet."
                + (c.equals(cfg.pathColumn()) ? "path-column" : "image-column") + "); columns: "
                + String.join(", ", table.columns()));
          }
        }
        Dataset<Row> rows = table.select(col(cfg.pathColumn()).cast("string").as("path"),
            org.apache.spark.sql.functions.regexp_replace(
                org.apache.spark.sql.functions.regexp_replace(col(cfg.pathColumn()).cast("string"), "^[a-zA-Z][a-zA-Z0-9+.-]*:", ""),
                "^/+", "").as("rel"),
            col(cfg.imageColumn()).as("content"));
        seen = rows.count();
        int partitions = InputFiles.tasks(seen, sc.defaultParallelism(), cfg.filesPerTask());
        inputs = rows.repartition(partitions, col("rel"));
        LOG.info("infer {}: {} rows in {} input tables; {} tasks", runId, seen, cfg.input().size(), partitions);
      }

      // 2. stylize
      sc.setJobGroup(JOB_GROUP + "-stylize", "animegan infer: stylising " + seen + " inputs", false);
      progress.phase("stylize");
      String imagesRoot = out + "/" + IMAGES;
      org.apache.spark.util.LongAccumulator memoryRetries = sc.longAccumulator("animegan.infer.out-of-memory-retries");
      outcomes = inputs.mapPartitions(new InferPartitions(cfg, conf, imagesRoot, memoryRetries),
          Encoders.row(InferPartitions.OUTCOME)).persist(StorageLevel.MEMORY_AND_DISK());
      List<Row> counts = outcomes.groupBy("kind", "reason")
          .agg(count(lit(1)).as("n"),
              sum(when(col("kind").equalTo(InferPartitions.WRITTEN),
                  col("width").cast("long").multiply(col("height")))).as("pixels"))
          .collectAsList();
      long written = 0;
      long skipped = 0;
      long rejected = 0;
      long pixels = 0;
      Map<String, Long> byReason = new TreeMap<>();
      for (Row r : counts) {
        long n = r.getLong(2);
        switch (r.getString(0)) {
          case InferPartitions.WRITTEN -> {
            written += n;
            pixels += r.isNullAt(3) ? 0 : r.getLong(3);
          }
          case InferPartitions.SKIPPED -> skipped += n;
          default -> {
            rejected += n;
            byReason.merge(r.getString(1), n, Long::sum);
          }
        }
      }
      LOG.info("infer {}: written {}, skipped {} (already complete), rejected {} {}; {} generator calls retried after "
          + "running out of memory", runId, written, skipped, rejected, byReason, memoryRetries.value());

      // 3. report
      sc.setJobGroup(JOB_GROUP + "-report", "animegan infer: writing quarantine and report", false);
      String quarantinePath = out + "/" + QUARANTINE;
      outcomes.filter(col("kind").equalTo(InferPartitions.REJECTED))
          .select(lit(runId).as("run_id"), col("path"), col("length"), col("reason"), col("message"))
          .coalesce(1).write().mode(SaveMode.Overwrite).parquet(quarantinePath);
      String imagesPath = imagesRoot;
      if (cfg.outputKind() == InferConfig.OutputKind.PARQUET) {
        imagesPath = out + "/" + TABLE;
        outcomes.filter(col("kind").equalTo(InferPartitions.WRITTEN))
            .select(lit(runId).as("run_id"), col("path"), col("output_path"), lit(cfg.format().extension()).as("format"),
                col("width"), col("height"), col("output_width"), col("output_height"), col("image"))
            .write().mode(SaveMode.Overwrite).parquet(imagesPath);
      }
      String gallery = null;
      if (cfg.gallerySize() > 0 && cfg.inputFormat() == InferConfig.InputFormat.FILES
          && cfg.outputKind() == InferConfig.OutputKind.FILES) {
        List<Row> sample = outcomes.filter(col("kind").isin(InferPartitions.WRITTEN, InferPartitions.SKIPPED))
            .select("path", "output_path").orderBy("output_path").limit(cfg.gallerySize()).collectAsList();
        gallery = Gallery.write(jsc, out, imagesRoot, sample, conf);
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      double mp = pixels / 1e6;
      InferResult result = new InferResult("infer", runId, cfg.model(), out,
          cfg.outputKind().name().toLowerCase(Locale.ROOT), cfg.mode().name().toLowerCase(Locale.ROOT), seen, written,
          skipped, rejected, byReason, memoryRetries.value(), round(mp), round(elapsed), round(written / elapsed), round(mp / elapsed),
          imagesPath, quarantinePath, gallery);
      JobResults.write(out, result, hconf);
      if (written + skipped + rejected != seen) {
        LOG.warn("infer {}: {} inputs listed but {} processed (files changed during the run?)", runId, seen,
            written + skipped + rejected);
      }
      LOG.info("infer {}: done in {} s: seen {} = written {} + skipped {} + rejected {}; {} MP, {} images/s; result in {}",
          runId, String.format(Locale.ROOT, "%.1f", elapsed), seen, written, skipped, rejected,
          String.format(Locale.ROOT, "%.1f", mp), String.format(Locale.ROOT, "%.2f", written / elapsed),
          out + "/" + RESULT_FILE);
      return result;
    } finally {
      if (outcomes != null) {
        outcomes.unpersist();
      }
      conf.destroy();
      sc.removeSparkListener(progress);
    }
  }

  /** The fully qualified folder an input's relative paths start from: the input itself, or a glob's fixed prefix. */
  static String qualifiedBase(String input, Configuration hconf) throws IOException {
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
    return q.toString().replaceAll("/+$", "");
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

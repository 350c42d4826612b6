package dev.animegan.spark.common;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;

/**
 * One run of a job on the driver: its run id, its Spark job groups and its progress log.
 *
 * <p>Every Spark job a run starts belongs to a named step ({@link #step}); the step sets the job
 * group {@code animegan-<job>-<step>} with a description for the Spark UI, logs its start and its
 * end with the elapsed time, and clears the group afterwards, like Iceberg's
 * {@code withJobGroupInfo}. {@link #close} removes the progress listener and clears the group.
 */
public final class JobRun implements AutoCloseable {
  private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);

  private final SparkContext sc;
  private final String job;
  private final String runId;
  private final Logger log;
  private final ProgressListener progress;
  private final long started = System.nanoTime();

  private JobRun(SparkSession spark, String job, Logger log) {
    this.sc = spark.sparkContext();
    this.job = job;
    this.runId = newRunId(Instant.now());
    this.log = log;
    this.progress = new ProgressListener(log, groupPrefix(job), 10_000);
    sc.addSparkListener(progress);
  }

  /** Starts a run of {@code job} ("ingest", "train", "infer", "video"). */
  public static JobRun start(SparkSession spark, String job, Logger log) {
    return new JobRun(spark, job, log);
  }

  /** The one run-id format of every job: UTC time to the second and 4 random hex digits. */
  public static String newRunId(Instant at) {
    return RUN_ID.format(at) + "-" + String.format(Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(0x10000));
  }

  static String groupPrefix(String job) {
    return "animegan-" + job + "-";
  }

  public String runId() {
    return runId;
  }

  public String job() {
    return job;
  }

  /** Seconds since the run started. */
  public double elapsedSeconds() {
    return (System.nanoTime() - started) / 1e9;
  }

  /** A step's body. */
  @FunctionalInterface
  public interface Body<T> {
    T run() throws IOException;
  }

  /** A step's body without a result. */
  @FunctionalInterface
  public interface VoidBody {
    void run() throws IOException;
  }

  /** Runs {@code body} as step {@code name}: its Spark jobs in group {@code animegan-<job>-<name>}. */
  public <T> T step(String name, String description, Body<T> body) throws IOException {
    String group = groupPrefix(job) + name;
    progress.phase(job + " " + name);
    sc.setJobGroup(group, "animegan " + job + ": " + description, false);
    long t0 = System.nanoTime();
    log.info("{} {}: {} ...", job, runId, description);
    try {
      T result = body.run();
      log.info("{} {}: {} done in {} s", job, runId, name,
          String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9));
      return result;
    } finally {
      sc.clearJobGroup();
    }
  }

  public void step(String name, String description, VoidBody body) throws IOException {
    step(name, description, () -> {
      body.run();
      return null;
    });
  }

  @Override
  public void close() {
    sc.removeSparkListener(progress);
    sc.clearJobGroup();
  }
}

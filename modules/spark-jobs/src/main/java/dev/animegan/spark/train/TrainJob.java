package dev.animegan.spark.train;

import dev.animegan.core.config.ConfigError;
import dev.animegan.core.config.TrainJobConfig;
import dev.animegan.model.train.TrainerSettings;
import dev.animegan.spark.cli.JobCli;
import dev.animegan.spark.common.HadoopFiles;
import dev.animegan.spark.common.JobResults;
import dev.animegan.spark.common.JobRun;
import dev.animegan.spark.common.SparkSessions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The distributed training job: ingest tiles in; pretraining and adversarial training with
 * dl4j-spark parameter averaging; checkpoints, loss logs, sample grids and the exported generator
 * out.
 *
 * <p>One averaging round = every worker trains {@code averaging-frequency} minibatches from the
 * same starting parameters, then the driver averages G, D and G's Adam state. In the adversarial
 * phase each worker minibatch is one discriminator step then one generator step
 * ({@link GanTrainingHook}). The driver calls dl4j-spark once per round, so it can log, record
 * losses and checkpoint between rounds.
 */
public final class TrainJob {
  private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);
  public static final String RESULT_FILE = JobResults.FILE;
  public static final String GENERATOR_FILE = "generator.zip";

  public static final JobCli.Spec SPEC = new JobCli.Spec("train", "jobs/train.sh",
      "--data PATH --out PATH [--phase pretrain|train|all] [--resume | --init-from CHECKPOINT|FILE.pt] [options] [spark options]",
      "Trains the AnimeGAN generator and discriminator on the ingest job's tiles across Spark workers with\n"
          + "dl4j-spark parameter averaging: content-loss pretraining, then adversarial training. Writes checkpoints,\n"
          + "per-round losses (CSV, JSON lines, PNG plot), sample grids and the generator for the inference job.",
      List.of(
          new JobCli.Flag("--data", "PATH", JobCli.Kind.VALUE, "animegan.train-job.data", "output folder of the ingest job"),
          new JobCli.Flag("--out", "PATH", JobCli.Kind.VALUE, "animegan.train-job.out", "run folder"),
          new JobCli.Flag("--phase", "PHASE", JobCli.Kind.VALUE, "animegan.train-job.phase", "pretrain | train | all"),
          new JobCli.Flag("--resume", "true|false", JobCli.Kind.VALUE, "animegan.train-job.resume",
              "continue from the newest complete checkpoint in the run folder"),
          new JobCli.Flag("--init-from", "PATH", JobCli.Kind.VALUE, "animegan.train-job.init-from",
              "start from a checkpoint's networks (e.g. a new anime style), or from a generator file: a PyTorch\n"
              + "AnimeGANv2 .pt (published weights; skips pretraining unless --phase is given) or a generator.zip"),
          new JobCli.Flag("--style", "NAME", JobCli.Kind.VALUE, "animegan.train-job.style", "anime style to train on"),
          new JobCli.Flag("--workers", "N", JobCli.Kind.VALUE, "animegan.train-job.workers", "workers per round (0 = all cores)")));

  /** Spark settings the job needs unless spark-submit set them: Kryo with ND4J's registrator. */
  public static final Map<String, String> SPARK_DEFAULTS = Map.of(
      "spark.serializer", "org.apache.spark.serializer.KryoSerializer",
      "spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator");

  private TrainJob() {}

  public static void main(String[] args) {
    int code = JobCli.execute(SPEC, normaliseFlags(args), TrainJobConfig::from, TrainJob::run,
        () -> SparkSessions.getOrCreate("animegan-train", SPARK_DEFAULTS), true, System.out, System.err);
    if (code != JobCli.OK) {
      System.exit(code);
    }
  }

  /** {@code --resume} alone means {@code --resume true}. */
  static String[] normaliseFlags(String[] args) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      out.add(args[i]);
      if (args[i].equals("--resume") && (i + 1 >= args.length || args[i + 1].startsWith("--"))) {
        out.add("true");
      }
    }
    return out.toArray(new String[0]);
  }

  /** Test and benchmark extension points: extra worker hooks and a driver callback after each round. */
  public record Extensions(List<TrainingHook> workerHooks, RoundObserver observer) {
    public static Extensions none() {
      return new Extensions(List.of(), (row, graph) -> {});
    }
  }

  /** Called on the driver after every averaging round with the round's record and the averaged graph. */
  @FunctionalInterface
  public interface RoundObserver {
    void afterRound(RunLog.Row row, ComputationGraph averaged) throws Exception;
  }

  public static TrainJobResult run(SparkSession spark, TrainJobConfig cfg) throws Exception {
    return run(spark, cfg, Extensions.none());
  }

  /**
   * The run, step by step: where it starts ({@link ResumePoint}: fresh, resumed or init-from), the
   * data ({@link TrainData}), the rounds left ({@link TrainPlan}), each phase's rounds
   * ({@link TrainRun}), then the generator and the result.
   */
  public static TrainJobResult run(SparkSession spark, TrainJobConfig cfg, Extensions ext) throws Exception {
    Configuration hconf = spark.sparkContext().hadoopConfiguration();
    String style = TrainData.resolveStyle(cfg, hconf);
    RunCheckpoints store = new RunCheckpoints(cfg.out(), hconf, cfg.keepCheckpoints());
    if (!cfg.resume() && !store.list().isEmpty()) {
      throw new ConfigError("Output " + cfg.out() + " already holds checkpoints of a run: use --resume to continue it, "
          + "or a new --out");
    }
    try (JobRun run = JobRun.start(spark, "train", LOG)) {
      TrainerSettings settings = localVggWeights(TrainerSettings.from(cfg.train()), hconf);
      ResumePoint start = run.step("start", "choosing the starting networks",
          () -> ResumePoint.resolve(cfg, settings, store, cfg.out(), hconf));
      TrainData data = run.step("data", "reading the tiles", () -> TrainData.read(spark, cfg, style));
      int workers = cfg.workers() > 0 ? cfg.workers() : spark.sparkContext().defaultParallelism();
      TrainPlan plan = plan(cfg, data, workers, start);
      RunLog runLog = new RunLog(cfg.out(), hconf);
      if (start.resumed() != null) {
        runLog.loadUpTo(start.resumed().globalRound());
      }
      TrainRun training = new TrainRun(spark, cfg, run.runId(), start, data, plan, store, runLog, workers, ext);
      for (TrainPlan.PhasePlan phase : plan.phases()) {
        run.step(phase.phase().code(), phase.phase().code() + " epochs " + (phase.startEpoch() + 1) + ".." + phase.epochs(),
            () -> training.runPhase(phase));
      }
      String generator = run.step("export", "writing the generator", training::writeGenerator);
      TrainJobResult result = training.result(run.elapsedSeconds(), generator);
      JobResults.write(cfg.out(), result, hconf);
      LOG.info("train: {} rounds this run ({} pretraining, {} adversarial), {} images, {} s; steps: {} pretraining, {} "
          + "adversarial; generator {}; result {}", result.roundsRun(), result.pretrainRounds(), result.adversarialRounds(),
          result.imagesTrained(), String.format(Locale.ROOT, "%.1f", result.elapsedSeconds()), result.pretrainSteps(),
          result.adversarialSteps(), generator, cfg.out() + "/" + RESULT_FILE);
      return result;
    }
  }

  private static TrainPlan plan(TrainJobConfig cfg, TrainData data, int workers, ResumePoint start) {
    int batch = cfg.train().batchSize();
    int perRound = workers * cfg.averagingFrequency();
    int roundsPerEpoch = TrainPlan.roundsPerEpoch(data.nPhotos() / batch, perRound, cfg.maxRoundsPerEpoch());
    LOG.info("data: {} photo tiles, {} anime tiles of style '{}' (train split); {} workers x {} minibatches of {} per round;"
        + " {} rounds per epoch", data.nPhotos(), data.nAnime(), data.style(), workers, cfg.averagingFrequency(), batch,
        roundsPerEpoch);
    return TrainPlan.of(cfg.train().pretrainEpochs(), cfg.train().adversarialEpochs(), start.phase().pretrain(),
        start.phase().adversarial(), roundsPerEpoch, start.resumed(), start.source());
  }

  /**
   * The perceptual network is loaded on the driver only (workers get it with the broadcast
   * parameters): a VGG19 file on a cluster file system is copied to a local temporary file first.
   */
  static TrainerSettings localVggWeights(TrainerSettings s, Configuration hconf) throws IOException {
    if (s.vggWeights() == null) {
      return s;
    }
    Path p = new Path(s.vggWeights());
    FileSystem fs = p.getFileSystem(hconf);
    if (HadoopFiles.isLocal(fs)) {
      return s;
    }
    if (!fs.exists(p)) {
      throw new ConfigError("No such file: " + s.vggWeights() + " (animegan.model.vgg19.weights)");
    }
    java.nio.file.Path local = HadoopFiles.copyToLocalTemp(fs, p);
    LOG.info("copied VGG19 weights {} to {}", s.vggWeights(), local);
    return s.withVggWeights(local.toString());
  }

  static String duration(double seconds) {
    if (!Double.isFinite(seconds)) {
      return "unknown";
    }
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
        : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
  }
}

package dev.animegan.spark.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.min;

import dev.animegan.core.config.ConfigError;
import dev.animegan.core.config.TrainJobConfig;
import dev.animegan.core.image.PngCodec;
import dev.animegan.core.image.RgbImage;
import dev.animegan.core.report.ImageGrid;
import dev.animegan.core.infer.BudgetedStylizer;
import dev.animegan.model.GeneratorMemory;
import dev.animegan.model.GeneratorTileModel;
import dev.animegan.model.train.Trainer;
import dev.animegan.model.train.TrainerSettings;
import dev.animegan.spark.cli.JobCli;
import dev.animegan.spark.common.HadoopFiles;
import dev.animegan.spark.common.JobResults;
import dev.animegan.spark.common.SerializableHadoopConf;
import dev.animegan.spark.common.SparkSessions;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.RepartitionStrategy;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
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
  static final String PRETRAIN = "pretrain";
  static final String TRAIN = "train";

  static final JobCli.Spec SPEC = new JobCli.Spec("train", "jobs/train.sh",
      "--data PATH --out PATH [--phase pretrain|train|all] [--resume | --init-from CHECKPOINT] [options] [spark options]",
      "Trains the AnimeGAN generator and discriminator on the ingest job's tiles across Spark workers with\n"
          + "dl4j-spark parameter averaging: content-loss pretraining, then adversarial training. Writes checkpoints,\n"
          + "per-round losses (CSV, JSON lines, PNG plot), sample grids and the generator for the inference job.",
      List.of(
          new JobCli.Flag("--data", "PATH", JobCli.Kind.VALUE, "animegan.train-job.data", "output folder of the ingest job"),
          new JobCli.Flag("--out", "PATH", JobCli.Kind.VALUE, "animegan.train-job.out", "run folder"),
          new JobCli.Flag("--phase", "PHASE", JobCli.Kind.VALUE, "animegan.train-job.phase", "pretrain | train | all"),
          new JobCli.Flag("--resume", "true|false", JobCli.Kind.VALUE, "animegan.train-job.resume",
              "continue from the newest complete checkpoint in the run folder"),
          new JobCli.Flag("--init-from", "CHECKPOINT", JobCli.Kind.VALUE, "animegan.train-job.init-from",
              "start from this checkpoint's networks (e.g. a new anime style)"),
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

  public static TrainJobResult run(SparkSession spark, TrainJobConfig cfg, Extensions ext) throws Exception {
    long start = System.nanoTime();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Configuration hconf = spark.sparkContext().hadoopConfiguration();
    String runId = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
    String out = cfg.out();
    String tiles = cfg.data() + "/tiles";
    String style = resolveStyle(cfg, tiles, hconf);
    CheckpointStore store = new CheckpointStore(out, hconf, cfg.keepCheckpoints());
    if (!cfg.resume() && !store.list().isEmpty()) {
      throw new ConfigError("Output " + out + " already holds checkpoints of a run: use --resume to continue it, or a new --out");
    }
    spark.sparkContext().setJobGroup("animegan-train-prepare", "animegan train: read tiles", false);

    // Networks: fresh, resumed or initialised from another run.
    TrainerSettings settings = localVggWeights(TrainerSettings.from(cfg.train()), hconf);
    Trainer trainer;
    Properties resumeState = null;
    TrainJobResult.Lineage lineage;
    Optional<String> newest = cfg.resume() ? store.newest() : Optional.empty();
    if (cfg.resume() && newest.isEmpty()) {
      LOG.warn("--resume: no complete checkpoint under {}/checkpoints; starting a fresh run", out);
    }
    if (newest.isPresent()) {
      java.nio.file.Path local = CheckpointStore.download(newest.get(), hconf);
      try {
        trainer = Trainer.restore(local, compatible(Trainer.savedSettings(local), settings, newest.get()));
        resumeState = Trainer.checkpointState(local);
      } finally {
        CheckpointStore.deleteLocal(local.getParent());
      }
      lineage = new TrainJobResult.Lineage("resumed", newest.get(), resumeState.getProperty("job.style", ""),
          trainer.pretrainSteps(), trainer.adversarialSteps(), ancestors(resumeState));
      LOG.info("resuming from {} (phase {}, epoch {}, round {} of the epoch, {} pretraining and {} adversarial steps)",
          newest.get(), resumeState.getProperty("job.phase"), resumeState.getProperty("job.epoch"),
          resumeState.getProperty("job.roundInEpoch"), trainer.pretrainSteps(), trainer.adversarialSteps());
    } else if (!cfg.initFrom().isBlank()) {
      java.nio.file.Path local = CheckpointStore.download(cfg.initFrom(), hconf);
      Properties source;
      try {
        source = Trainer.checkpointState(local);
        trainer = Trainer.initFrom(local, settings);
      } finally {
        CheckpointStore.deleteLocal(local.getParent());
      }
      List<String> anc = new ArrayList<>(ancestors(source));
      String sourceInit = source.getProperty("job.initFrom", "");
      if (!sourceInit.isEmpty()) {
        anc.add(sourceInit);
      }
      lineage = new TrainJobResult.Lineage("init-from", cfg.initFrom(), source.getProperty("job.style", ""),
          Long.parseLong(source.getProperty("pretrainSteps", "0")), Long.parseLong(source.getProperty("adversarialSteps", "0")),
          anc);
      LOG.info("initialising generator and discriminator from {} (style '{}'); training style '{}'", cfg.initFrom(),
          lineage.sourceStyle(), style);
    } else {
      trainer = Trainer.create(settings);
      lineage = new TrainJobResult.Lineage("fresh", null, null, 0, 0, List.of());
    }
    TrainerSettings active = trainer.settings();

    // Data: unpaired photo and anime tiles of the train split.
    Dataset<Row> all = spark.read().parquet(tiles);
    Dataset<Row> photos = all.filter(col("domain").equalTo("photo").and(col("split").equalTo("train"))).select("id", "image");
    Dataset<Row> anime = all.filter(col("domain").equalTo("anime").and(col("style").equalTo(style))
        .and(col("split").equalTo("train"))).select("id", "image", "gray", "smooth");
    Row sizes = all.filter(col("domain").equalTo("photo").or(col("style").equalTo(style)))
        .agg(min("crop_size")).first();
    long nPhotos = photos.count();
    long nAnime = anime.count();
    int batch = cfg.train().batchSize();
    int tileSize = cfg.train().tileSize();
    if (!sizes.isNullAt(0) && sizes.getInt(0) < tileSize) {
      throw new ConfigError("Invalid value for animegan.train.tile-size: " + tileSize + ". Allowed values: at most the "
          + "smallest ingest tile in " + tiles + " (" + sizes.getInt(0) + "); ingest with a larger crop.size");
    }
    if (nAnime == 0) {
      throw new ConfigError("No anime tiles of style '" + style + "' in the train split of " + tiles
          + " (animegan.train-job.style)");
    }
    if (nPhotos < batch) {
      throw new ConfigError("Only " + nPhotos + " photo tiles in the train split of " + tiles + "; a minibatch needs "
          + batch + " (animegan.train.batch-size)");
    }
    int workers = cfg.workers() > 0 ? cfg.workers() : jsc.defaultParallelism();
    int perRound = workers * cfg.averagingFrequency();
    int roundsPerEpoch = roundsPerEpoch((int) (nPhotos / batch), perRound, cfg.maxRoundsPerEpoch());
    LOG.info("data: {} photo tiles, {} anime tiles of style '{}' (train split); {} workers x {} minibatches of {} per round;"
        + " {} rounds per epoch", nPhotos, nAnime, style, workers, cfg.averagingFrequency(), batch, roundsPerEpoch);
    List<RgbImage> samplePhotos = samplePhotos(all, cfg.sampleCount(), tileSize);

    RunLog runLog = new RunLog(out, hconf);
    long globalRound = 0;
    if (resumeState != null) {
      globalRound = Long.parseLong(resumeState.getProperty("job.globalRound"));
      runLog.loadUpTo(globalRound);
    }
    GanTrainingHook.RoundAccumulators acc = new GanTrainingHook.RoundAccumulators(spark.sparkContext(), "animegan.");
    SerializableHadoopConf shc = new SerializableHadoopConf(hconf);
    List<String> samples = new ArrayList<>();
    Map<String, Map<String, Double>> lastLosses = new LinkedHashMap<>();
    long roundsRun = 0;
    long imagesTrained = 0;
    long pretrainRounds = 0;
    long adversarialRounds = 0;
    boolean finite = true;
    String lastCheckpoint = newest.orElse(null);
    int totalRounds = roundsPerEpoch * ((cfg.phase().pretrain() ? cfg.train().pretrainEpochs() : 0)
        + (cfg.phase().adversarial() ? cfg.train().adversarialEpochs() : 0));
    long trainStart = System.nanoTime();
    int roundsAtStart = (int) Math.min(globalRound, totalRounds);

    List<String> phases = new ArrayList<>();
    if (cfg.phase().pretrain()) {
      phases.add(PRETRAIN);
    }
    if (cfg.phase().adversarial()) {
      phases.add(TRAIN);
    }
    for (String phase : phases) {
      boolean pre = phase.equals(PRETRAIN);
      int epochs = pre ? cfg.train().pretrainEpochs() : cfg.train().adversarialEpochs();
      int startEpoch = 0;
      int startRound = 0;
      if (resumeState != null) {
        String savedPhase = resumeState.getProperty("job.phase");
        if (savedPhase.equals(TRAIN) && pre) {
          LOG.info("pretraining: already done in the resumed run");
          continue;
        }
        if (savedPhase.equals(phase)) {
          startEpoch = Integer.parseInt(resumeState.getProperty("job.epoch"));
          startRound = Integer.parseInt(resumeState.getProperty("job.roundInEpoch"));
          int savedRounds = Integer.parseInt(resumeState.getProperty("job.roundsPerEpoch", Integer.toString(roundsPerEpoch)));
          if (startRound >= savedRounds) {
            startEpoch++;
            startRound = 0;
          } else if (savedRounds != roundsPerEpoch) {
            // Mid-epoch, the data position is a round index: another round size would skip or repeat minibatches.
            throw new ConfigError("Checkpoint " + newest.orElse("") + " stopped in the middle of an epoch of " + savedRounds
                + " rounds; this run would make " + roundsPerEpoch + " rounds per epoch: resume with the same "
                + "animegan.train-job.workers, averaging-frequency and max-rounds-per-epoch (they may change at an "
                + "epoch boundary)");
          }
        }
      }
      if (startEpoch >= epochs) {
        LOG.info("{}: all {} epochs already done", phase, epochs);
        continue;
      }
      spark.sparkContext().setJobGroup("animegan-train-" + phase, "animegan train: " + phase, false);
      GanTrainingHook.Mode mode = pre ? GanTrainingHook.Mode.PRETRAIN : GanTrainingHook.Mode.ADVERSARIAL;
      ComputationGraph graph = trainer.prepare(pre);
      List<TrainingHook> hooks = new ArrayList<>();
      hooks.add(new GanTrainingHook(mode, acc));
      hooks.addAll(ext.workerHooks());
      ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(workers, batch)
          .batchSizePerWorker(batch)
          .averagingFrequency(cfg.averagingFrequency())
          .workerPrefetchNumBatches(cfg.prefetch())
          .saveUpdater(true)
          .rddTrainingApproach(RDDTrainingApproach.Export)
          .exportDirectory(cfg.exportRoot())
          .repartionData(Repartition.Always)
          .repartitionStrategy(RepartitionStrategy.Balanced)
          .rngSeed(active.seed())
          .trainingHooks(hooks)
          .build();
      SparkComputationGraph sparkNet = new SparkComputationGraph(jsc, graph, master);
      LOG.info("{}: epochs {}..{} of {}, starting at round {} of the epoch", phase, startEpoch + 1, epochs, epochs,
          startRound + 1);
      for (int epoch = startEpoch; epoch < epochs; epoch++) {
        String dir = MinibatchExport.epochDir(cfg.exportRoot(), phase, epoch);
        List<String> paths = MinibatchExport.export(photos, nPhotos, anime, nAnime, batch, tileSize, active.seed(), epoch,
            dir, shc, Math.max(1, workers));
        for (int r = (epoch == startEpoch ? startRound : 0); r < roundsPerEpoch; r++) {
          List<String> roundPaths = paths.subList(r * perRound, Math.min(paths.size(), (r + 1) * perRound));
          acc.reset();
          long t0 = System.nanoTime();
          sparkNet.fitPathsMultiDataSet(jsc.parallelize(roundPaths, Math.min(workers, roundPaths.size())));
          double seconds = (System.nanoTime() - t0) / 1e9;
          if (pre) {
            trainer.pretrainGraphAdvanced(roundPaths.size());
            pretrainRounds++;
          } else {
            trainer.adversarialGraphAdvanced(roundPaths.size());
            adversarialRounds++;
          }
          globalRound++;
          roundsRun++;
          long images = acc.images.value();
          imagesTrained += images;
          Map<String, Double> losses = acc.means(mode);
          finite &= losses.values().stream().allMatch(Double::isFinite);
          lastLosses.put(phase, losses);
          double compute = acc.computeNanos.value() / 1e9 / Math.max(1, Math.min(workers, roundPaths.size()));
          RunLog.Row row = new RunLog.Row(phase, epoch + 1, r + 1, globalRound,
              pre ? trainer.pretrainSteps() : trainer.adversarialSteps(), images, seconds, compute, images / seconds, losses);
          runLog.add(row);
          progress(row, globalRound, totalRounds, roundsAtStart, trainStart);
          ext.observer().afterRound(row, graph);
          boolean epochEnd = r == roundsPerEpoch - 1;
          if (epochEnd || globalRound % cfg.checkpointEvery() == 0) {
            Map<String, String> state = new LinkedHashMap<>();
            state.put("job.phase", phase);
            state.put("job.epoch", Integer.toString(epoch));
            state.put("job.roundInEpoch", Integer.toString(r + 1));
            state.put("job.roundsPerEpoch", Integer.toString(roundsPerEpoch));
            state.put("job.globalRound", Long.toString(globalRound));
            state.put("job.style", style);
            state.put("job.data", cfg.data());
            state.put("job.runId", runId);
            state.put("job.initFrom", lineage.kind().equals("init-from") ? lineage.source()
                : resumeState == null ? "" : resumeState.getProperty("job.initFrom", ""));
            state.put("job.ancestors", String.join("\n", lineage.ancestors()));
            lastCheckpoint = store.write(trainer, globalRound, state);
            LOG.info("checkpoint {}", lastCheckpoint);
          }
        }
        if (cfg.sampleCount() > 0 && !samplePhotos.isEmpty()) {
          samples.add(writeSamples(trainer, samplePhotos, out, phase, epoch + 1, hconf));
        }
        runLog.writePlot();
        if (cfg.cleanExport()) {
          Path p = new Path(dir);
          p.getFileSystem(hconf).delete(p, true);
        }
      }
    }

    // The generator for the inference job.
    String generatorPath = out + "/" + GENERATOR_FILE;
    java.nio.file.Path tmp = Files.createTempFile("animegan-generator", ".zip");
    try {
      trainer.exportGenerator(tmp.toFile());
      HadoopFiles.write(generatorPath, Files.readAllBytes(tmp), hconf);
    } finally {
      Files.deleteIfExists(tmp);
    }
    if (roundsRun == 0) {
      LOG.warn("no training round ran (epochs set to 0, or everything already done)");
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    TrainJobResult result = new TrainJobResult("train", runId, cfg.data(), out, style,
        cfg.phase().name().toLowerCase(Locale.ROOT), workers, batch, cfg.averagingFrequency(), tileSize, roundsRun,
        pretrainRounds, adversarialRounds, trainer.pretrainSteps(), trainer.adversarialSteps(), imagesTrained, elapsed,
        imagesTrained / Math.max(1e-9, (System.nanoTime() - trainStart) / 1e9), lastLosses, finite, lastCheckpoint,
        store.list(), generatorPath, out + "/" + RunLog.CSV, out + "/" + RunLog.JSONL, out + "/" + RunLog.PLOT, samples,
        lineage);
    JobResults.write(out, result, hconf);
    LOG.info("train: {} rounds this run ({} pretraining, {} adversarial), {} images, {} s; steps: {} pretraining, {} "
        + "adversarial; generator {}; result {}", roundsRun, pretrainRounds, adversarialRounds, imagesTrained,
        String.format(Locale.ROOT, "%.1f", elapsed), trainer.pretrainSteps(), trainer.adversarialSteps(), generatorPath,
        out + "/" + RESULT_FILE);
    return result;
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

  /** Rounds per epoch: full rounds of {@code perRound} minibatches, at least one, at most {@code cap} (0 = no cap). */
  static int roundsPerEpoch(int minibatches, int perRound, int cap) {
    int rounds = Math.max(1, minibatches / perRound);
    return cap > 0 ? Math.min(cap, rounds) : rounds;
  }

  private static void progress(RunLog.Row row, long globalRound, int totalRounds, int roundsAtStart, long trainStart) {
    double elapsed = (System.nanoTime() - trainStart) / 1e9;
    long doneThisRun = globalRound - roundsAtStart;
    long left = Math.max(0, totalRounds - globalRound);
    double eta = doneThisRun > 0 ? elapsed / doneThisRun * left : Double.NaN;
    StringBuilder terms = new StringBuilder();
    row.losses().forEach((k, v) -> terms.append(terms.length() == 0 ? "" : ", ").append(k).append('=')
        .append(String.format(Locale.ROOT, "%.4g", v)));
    LOG.info("{} round {}/{} (epoch {}, round {} of the epoch): {} images in {} s ({} images/s, compute {} s per worker), "
        + "ETA {}; {}", row.phase(), globalRound, totalRounds, row.epoch(), row.round(), row.images(),
        String.format(Locale.ROOT, "%.1f", row.seconds()), String.format(Locale.ROOT, "%.2f", row.imagesPerSecond()),
        String.format(Locale.ROOT, "%.1f", row.computeSeconds()), duration(eta), terms);
  }

  static String duration(double seconds) {
    if (!Double.isFinite(seconds)) {
      return "unknown";
    }
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
        : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
  }

  /** The style to train: the configured one (must exist) or the only one in the data. */
  static String resolveStyle(TrainJobConfig cfg, String tiles, Configuration hconf) throws IOException {
    Path animeDir = new Path(tiles + "/domain=anime");
    FileSystem fs = animeDir.getFileSystem(hconf);
    if (!fs.exists(new Path(tiles))) {
      throw new ConfigError("No tiles table at " + tiles + " (animegan.train-job.data): run the ingest job first");
    }
    if (!fs.exists(new Path(tiles + "/domain=photo"))) {
      throw new ConfigError("No photo tiles in " + tiles + " (animegan.train-job.data): ingest photos with --photos");
    }
    List<String> styles = new ArrayList<>();
    if (fs.exists(animeDir)) {
      for (FileStatus s : fs.listStatus(animeDir)) {
        String n = s.getPath().getName();
        if (s.isDirectory() && n.startsWith("style=")) {
          styles.add(n.substring("style=".length()));
        }
      }
    }
    styles.sort(null);
    if (styles.isEmpty()) {
      throw new ConfigError("No anime tiles in " + tiles + " (animegan.train-job.data): ingest an anime style with --anime");
    }
    if (cfg.style().isEmpty()) {
      if (styles.size() > 1) {
        throw new ConfigError("Missing value for animegan.train-job.style: " + tiles + " holds several anime styles ("
            + String.join(", ", styles) + "); choose one with --style");
      }
      return styles.get(0);
    }
    if (!styles.contains(cfg.style())) {
      throw new ConfigError("Invalid value for animegan.train-job.style: '" + cfg.style() + "'. Allowed values: "
          + String.join(", ", styles) + " (the styles in " + tiles + ")");
    }
    return cfg.style();
  }

  /** A resumed run keeps the checkpoint's networks and hyperparameters; the config must describe the same networks. */
  private static TrainerSettings compatible(TrainerSettings saved, TrainerSettings configured, String checkpoint) {
    if (!saved.equals(configured)) {
      LOG.warn("resuming {} with the settings it was written with; the configuration differs ({} vs {})", checkpoint,
          saved, configured);
    }
    return saved;
  }

  private static List<String> ancestors(Properties p) {
    String a = p.getProperty("job.ancestors", "");
    return a.isBlank() ? List.of() : Arrays.asList(a.split("\n"));
  }

  /** Up to {@code n} photo tiles of the test split (the train split when the test split has none), by id. */
  private static List<RgbImage> samplePhotos(Dataset<Row> all, int n, int tileSize) {
    if (n == 0) {
      return List.of();
    }
    Dataset<Row> photos = all.filter(col("domain").equalTo("photo"));
    List<Row> rows = photos.filter(col("split").equalTo("test")).select("id", "image").orderBy("id").limit(n).collectAsList();
    if (rows.isEmpty()) {
      rows = photos.select("id", "image").orderBy("id").limit(n).collectAsList();
    }
    List<RgbImage> out = new ArrayList<>();
    for (Row r : rows) {
      out.add(MinibatchExport.tile((byte[]) r.getAs("image"), tileSize));
    }
    return out;
  }

  /**
   * Inputs on the first row, the generator's outputs below: {@code samples/<phase>-epoch-NNNN.png}.
   * The generator runs within the driver's memory budget (as the inference job does): batched while
   * it fits, tiled otherwise; a sample that fits nowhere is left gray and logged.
   */
  private static String writeSamples(Trainer trainer, List<RgbImage> photos, String out, String phase, int epoch,
      Configuration hconf) throws IOException {
    ComputationGraph g = trainer.generator();
    BudgetedStylizer runner = new BudgetedStylizer(new GeneratorTileModel(g),
        GeneratorMemory.budget(0, GeneratorMemory.base(g), 1), photos.size(), 512, 64, GeneratorMemory::recover,
        "the driver's memory (org.bytedeco.javacpp.maxphysicalbytes)");
    List<RgbImage> outputs = new ArrayList<>();
    for (BudgetedStylizer.Result r : runner.whole(photos)) {
      if (r instanceof BudgetedStylizer.Done d) {
        outputs.add(d.image());
      } else {
        LOG.warn("sample grid {} epoch {}: a sample is left gray: {}", phase, epoch, ((BudgetedStylizer.DoesNotFit) r).message());
        RgbImage gray = RgbImage.blank(photos.get(0).width(), photos.get(0).height());
        java.util.Arrays.fill(gray.data(), (byte) 128);
        outputs.add(gray);
      }
    }
    int cell = photos.get(0).width();
    RgbImage grid = ImageGrid.rows(List.of(photos, outputs), cell, 4);
    String path = out + "/samples/" + phase + String.format(Locale.ROOT, "-epoch-%04d.png", epoch);
    HadoopFiles.write(path, PngCodec.encode(grid, 6), hconf);
    return path;
  }
}

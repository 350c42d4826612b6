package dev.animegan.spark.train;

import dev.animegan.core.config.TrainJobConfig;
import dev.animegan.core.image.PngCodec;
import dev.animegan.core.image.RgbImage;
import dev.animegan.core.infer.BudgetedStylizer;
import dev.animegan.core.report.ImageGrid;
import dev.animegan.model.GeneratorMemory;
import dev.animegan.model.GeneratorTileModel;
import dev.animegan.model.train.Trainer;
import dev.animegan.spark.common.HadoopFiles;
import dev.animegan.spark.common.SerializableHadoopConf;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
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
 * One training run on the driver once its start, data and plan are known: runs each phase's
 * rounds through dl4j-spark, and after each round records losses, logs progress and checkpoints.
 */
final class TrainRun {
  private static final Logger LOG = LoggerFactory.getLogger(TrainRun.class);

  private final SparkSession spark;
  private final TrainJobConfig cfg;
  private final String runId;
  private final ResumePoint start;
  private final TrainData data;
  private final TrainPlan plan;
  private final RunCheckpoints store;
  private final RunLog runLog;
  private final TrainJob.Extensions ext;
  private final int workers;
  private final Configuration hconf;
  private final GanTrainingHook.RoundAccumulators acc;
  private final SerializableHadoopConf shc;
  private final Trainer trainer;

  // what this run has done so far
  private long globalRound;
  private long roundsRun;
  private long pretrainRounds;
  private long adversarialRounds;
  private long imagesTrained;
  private boolean finite = true;
  private final Map<String, Map<String, Double>> lastLosses = new LinkedHashMap<>();
  private final List<String> samples = new ArrayList<>();
  private String lastCheckpoint;
  private final long trainStart = System.nanoTime();

  TrainRun(SparkSession spark, TrainJobConfig cfg, String runId, ResumePoint start, TrainData data, TrainPlan plan,
      RunCheckpoints store, RunLog runLog, int workers, TrainJob.Extensions ext) {
    this.spark = spark;
    this.cfg = cfg;
    this.runId = runId;
    this.start = start;
    this.data = data;
    this.plan = plan;
    this.store = store;
    this.runLog = runLog;
    this.workers = workers;
    this.ext = ext;
    this.hconf = spark.sparkContext().hadoopConfiguration();
    this.acc = new GanTrainingHook.RoundAccumulators(spark.sparkContext(), "animegan.");
    this.shc = new SerializableHadoopConf(hconf);
    this.trainer = start.trainer();
    this.globalRound = plan.roundsDone();
    this.lastCheckpoint = start.lineage().kind().equals(ResumePoint.RESUMED) ? start.source() : null;
  }

  /** Runs one phase's epochs and rounds, from where the plan says it starts. */
  void runPhase(TrainPlan.PhasePlan p) throws IOException {
    boolean pre = p.phase().pretrain();
    int batch = cfg.train().batchSize();
    int perRound = workers * cfg.averagingFrequency();
    GanTrainingHook.Mode mode = pre ? GanTrainingHook.Mode.PRETRAIN : GanTrainingHook.Mode.ADVERSARIAL;
    ComputationGraph graph = trainer.prepare(pre);
    SparkComputationGraph sparkNet = new SparkComputationGraph(JavaSparkContext.fromSparkContext(spark.sparkContext()),
        graph, master(mode, batch));
    LOG.info("{}: epochs {}..{} of {}, starting at round {} of the epoch", p.phase().code(), p.startEpoch() + 1,
        p.epochs(), p.epochs(), p.startRound() + 1);
    for (int epoch = p.startEpoch(); epoch < p.epochs(); epoch++) {
      String dir = MinibatchExport.epochDir(cfg.exportRoot(), p.phase().code(), epoch);
      List<String> paths = MinibatchExport.export(data.photos(), data.nPhotos(), data.anime(), data.nAnime(), batch,
          cfg.train().tileSize(), trainer.settings().seed(), epoch, dir, shc, Math.max(1, workers));
      for (int r = p.firstRound(epoch); r < plan.roundsPerEpoch(); r++) {
        List<String> roundPaths = paths.subList(r * perRound, Math.min(paths.size(), (r + 1) * perRound));
        RunLog.Row row = round(sparkNet, p.phase(), mode, epoch, r, roundPaths);
        observe(row, graph);
        if (r == plan.roundsPerEpoch() - 1 || globalRound % cfg.checkpointEvery() == 0) {
          checkpoint(p.phase(), epoch, r + 1);
        }
      }
      if (cfg.sampleCount() > 0 && !data.samplePhotos().isEmpty()) {
        samples.add(writeSamples(p.phase().code(), epoch + 1));
      }
      runLog.writePlot();
      if (cfg.cleanExport()) {
        Path d = new Path(dir);
        d.getFileSystem(hconf).delete(d, true);
      }
    }
  }

  private void observe(RunLog.Row row, ComputationGraph graph) throws IOException {
    try {
      ext.observer().afterRound(row, graph);
    } catch (RuntimeException | IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("round observer failed after round " + row.globalRound(), e);
    }
  }

  private ParameterAveragingTrainingMaster master(GanTrainingHook.Mode mode, int batch) {
    List<TrainingHook> hooks = new ArrayList<>();
    hooks.add(new GanTrainingHook(mode, acc));
    hooks.addAll(ext.workerHooks());
    return trainingMaster(workers, batch, cfg.averagingFrequency(), cfg.prefetch(), cfg.exportRoot(),
        trainer.settings().seed(), hooks);
  }

  /** dl4j-spark's parameter averaging as the job configures it: G, D and every Adam moment averaged after each round. */
  static ParameterAveragingTrainingMaster trainingMaster(int workers, int batch, int averagingFrequency, int prefetch,
      String exportRoot, long seed, List<TrainingHook> hooks) {
    return new ParameterAveragingTrainingMaster.Builder(workers, batch)
        .batchSizePerWorker(batch)
        .averagingFrequency(averagingFrequency)
        .workerPrefetchNumBatches(prefetch)
        .saveUpdater(true)
        .rddTrainingApproach(RDDTrainingApproach.Export)
        .exportDirectory(exportRoot)
        .repartionData(Repartition.Always)
        .repartitionStrategy(RepartitionStrategy.Balanced)
        .rngSeed(seed)
        .trainingHooks(hooks)
        .build();
  }

  /** One averaging round: every worker trains its minibatches, the driver averages and records. */
  private RunLog.Row round(SparkComputationGraph sparkNet, TrainState.Phase phase, GanTrainingHook.Mode mode, int epoch,
      int r, List<String> roundPaths) throws IOException {
    acc.reset();
    long t0 = System.nanoTime();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    sparkNet.fitPathsMultiDataSet(jsc.parallelize(roundPaths, Math.min(workers, roundPaths.size())));
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (phase.pretrain()) {
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
    lastLosses.put(phase.code(), losses);
    double compute = acc.computeNanos.value() / 1e9 / Math.max(1, Math.min(workers, roundPaths.size()));
    RunLog.Row row = new RunLog.Row(phase.code(), epoch + 1, r + 1, globalRound,
        phase.pretrain() ? trainer.pretrainSteps() : trainer.adversarialSteps(), images, seconds, compute,
        images / seconds, losses);
    runLog.add(row);
    logProgress(row);
    return row;
  }

  private void checkpoint(TrainState.Phase phase, int epoch, int roundInEpoch) throws IOException {
    TrainState state = new TrainState(phase, epoch, roundInEpoch, plan.roundsPerEpoch(), globalRound, data.style(),
        cfg.data(), runId, start.initFromForCheckpoints(), start.lineage().ancestors(), start.initFromSha256ForCheckpoints());
    lastCheckpoint = store.write(trainer, state);
    LOG.info("checkpoint {}", lastCheckpoint);
  }

  private void logProgress(RunLog.Row row) {
    double elapsed = (System.nanoTime() - trainStart) / 1e9;
    long doneThisRun = globalRound - plan.roundsDone();
    long left = Math.max(0, plan.totalRounds() - globalRound);
    double eta = doneThisRun > 0 ? elapsed / doneThisRun * left : Double.NaN;
    StringBuilder terms = new StringBuilder();
    row.losses().forEach((k, v) -> terms.append(terms.length() == 0 ? "" : ", ").append(k).append('=')
        .append(String.format(Locale.ROOT, "%.4g", v)));
    LOG.info("{} round {}/{} (epoch {}, round {} of the epoch): {} images in {} s ({} images/s, compute {} s per worker), "
        + "ETA {}; {}", row.phase(), globalRound, plan.totalRounds(), row.epoch(), row.round(), row.images(),
        String.format(Locale.ROOT, "%.1f", row.seconds()), String.format(Locale.ROOT, "%.2f", row.imagesPerSecond()),
        String.format(Locale.ROOT, "%.1f", row.computeSeconds()), TrainJob.duration(eta), terms);
  }

  /**
   * Inputs on the first row, the generator's outputs below: {@code samples/<phase>-epoch-NNNN.png},
   * written atomically. The generator runs within the driver's memory budget (as the inference job
   * does): batched while it fits, tiled otherwise; a sample that fits nowhere is left gray and logged.
   */
  private String writeSamples(String phase, int epoch) throws IOException {
    List<RgbImage> photos = data.samplePhotos();
    ComputationGraph g = trainer.generator();
    BudgetedStylizer runner = new BudgetedStylizer(new GeneratorTileModel(g),
        GeneratorMemory.budget(0, GeneratorMemory.base(g), 1), photos.size(), 512, 64, GeneratorMemory::recover,
        "the driver's memory (org.bytedeco.javacpp.maxphysicalbytes)");
    List<RgbImage> outputs = new ArrayList<>();
    for (BudgetedStylizer.Result r : runner.whole(photos)) {
      if (r instanceof BudgetedStylizer.Done d) {
        outputs.add(d.image());
      } else {
        LOG.warn("sample grid {} epoch {}: a sample is left gray: {}", phase, epoch,
            ((BudgetedStylizer.DoesNotFit) r).message());
        RgbImage gray = RgbImage.blank(photos.get(0).width(), photos.get(0).height());
        java.util.Arrays.fill(gray.data(), (byte) 128);
        outputs.add(gray);
      }
    }
    RgbImage grid = ImageGrid.rows(List.of(photos, outputs), photos.get(0).width(), 4);
    String path = cfg.out() + "/samples/" + phase + String.format(Locale.ROOT, "-epoch-%04d.png", epoch);
    byte[] png = PngCodec.encode(grid, 6);
    HadoopFiles.writeAtomically(path, png, hconf);
    return path;
  }

  /** {@code <out>/generator.zip} for the inference job, written atomically. */
  String writeGenerator() throws IOException {
    String path = cfg.out() + "/" + TrainJob.GENERATOR_FILE;
    java.nio.file.Path tmp = Files.createTempFile("animegan-generator", ".zip");
    try {
      trainer.exportGenerator(tmp.toFile());
      HadoopFiles.writeAtomically(path, Files.readAllBytes(tmp), hconf);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return path;
  }

  TrainJobResult result(double elapsedSeconds, String generator) throws IOException {
    if (roundsRun == 0) {
      LOG.warn("no training round ran (epochs set to 0, or everything already done)");
    }
    String out = cfg.out();
    return new TrainJobResult("train", runId, cfg.data(), out, data.style(),
        start.phase().name().toLowerCase(Locale.ROOT), workers, cfg.train().batchSize(), cfg.averagingFrequency(),
        cfg.train().tileSize(), roundsRun, pretrainRounds, adversarialRounds, trainer.pretrainSteps(),
        trainer.adversarialSteps(), imagesTrained, elapsedSeconds,
        imagesTrained / Math.max(1e-9, (System.nanoTime() - trainStart) / 1e9), lastLosses, finite, lastCheckpoint,
        store.list(), generator, out + "/" + RunLog.CSV, out + "/" + RunLog.JSONL, out + "/" + RunLog.PLOT, samples,
        start.lineage());
  }
}

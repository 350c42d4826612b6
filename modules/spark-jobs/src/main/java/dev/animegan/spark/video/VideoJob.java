package dev.animegan.spark.video;

import dev.animegan.core.config.ConfigError;
import dev.animegan.core.config.VideoConfig;
import dev.animegan.core.infer.ResizePlan;
import dev.animegan.core.video.FlickerMeter;
import dev.animegan.core.video.SegmentEncoder;
import dev.animegan.core.video.SegmentPlan;
import dev.animegan.spark.cli.JobCli;
import dev.animegan.spark.common.FilePaths;
import dev.animegan.spark.common.HadoopFiles;
import dev.animegan.spark.common.InputFiles;
import dev.animegan.spark.common.JobResults;
import dev.animegan.spark.common.JobRun;
import dev.animegan.spark.common.ModelCheck;
import dev.animegan.spark.common.SerializableHadoopConf;
import dev.animegan.spark.common.SparkSessions;
import dev.animegan.spark.common.TableSchema;
import dev.animegan.spark.infer.InferJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The video job: a generator over video files, frame-exact, with their audio.
 *
 * <ol>
 *   <li>list: the video files under the inputs (by extension), each with its output name; videos
 *       whose output is complete are skipped;
 *   <li>probe: one task per video reads its frames' times and keyframes (no decoding);
 *       unreadable, audio-only or unsupported files go to the quarantine;
 *   <li>stylize: one task per segment (keyframe to keyframe, about segment-seconds long) decodes,
 *       stylises, smooths and encodes its frames and commits the segment; committed segments of an
 *       earlier run are reused;
 *   <li>join: one task per video joins its segments without re-encoding, copies the audio and
 *       renames the result into place;
 *   <li>report: quarantine/ and _job_result.json.
 * </ol>
 */
public final class VideoJob {
  private static final Logger LOG = LoggerFactory.getLogger(VideoJob.class);
  public static final String VIDEOS = "videos";
  public static final String SEGMENTS = "_segments";
  public static final String QUARANTINE = "quarantine";

  /** {@code <out>/quarantine}: one row per rejected video file. */
  public static final TableSchema QUARANTINE_TABLE = TableSchema.named("video quarantine")
      .required("run_id", DataTypes.StringType)
      .required("path", DataTypes.StringType)
      .optional("length", DataTypes.LongType)
      .required("reason", DataTypes.StringType)
      .required("message", DataTypes.StringType)
      .build();

  public static final JobCli.Spec SPEC = new JobCli.Spec("video", "jobs/video.sh",
      "--model MODEL --input PATH[,PATH] --out PATH [--max-long-side N] [--temporal-smoothing 0..1] [--preserve-color] "
          + "[options] [spark options]",
      "Stylises video files with their audio, frame-exact: each video is split at keyframes into segments that run\n"
          + "as Spark tasks; the segments are joined without re-encoding and the audio streams copied. Outputs are\n"
          + "<out>/videos/<relative path>.mp4 (H.264); a rerun redoes only missing segments; bad files are quarantined.",
      List.of(
          new JobCli.Flag("--model", "PATH", JobCli.Kind.VALUE, "animegan.video.model",
              "trainer checkpoint folder, generator.zip, or AnimeGANv2 .pt"),
          new JobCli.Flag("--input", "PATH[,PATH]", JobCli.Kind.LIST, "animegan.video.input",
              "video files, folders or globs"),
          new JobCli.Flag("--out", "PATH", JobCli.Kind.VALUE, "animegan.video.output", "output root"),
          new JobCli.Flag("--max-long-side", "N", JobCli.Kind.VALUE, "animegan.video.resize.max-long-side",
              "frames are scaled down to this long side"),
          new JobCli.Flag("--temporal-smoothing", "S", JobCli.Kind.VALUE, "animegan.video.temporal-smoothing",
              "0..1, 0 = off: optical-flow smoothing against flicker"),
          new JobCli.Flag("--preserve-color", "", JobCli.Kind.SWITCH, "animegan.video.preserve-color",
              "keep each frame's colour statistics")));

  private VideoJob() {}

  public static void main(String[] args) {
    int code = JobCli.execute(SPEC, args, VideoConfig::from, VideoJob::run,
        () -> SparkSessions.getOrCreate("animegan-video"), true, System.out, System.err);
    if (code != JobCli.OK) {
      System.exit(code);
    }
  }

  /** Model, inputs and the H.264 encoder must be there: checked on the driver before any Spark job. */
  static void validateOnDriver(VideoConfig cfg, Configuration hconf) {
    List<String> problems = new ArrayList<>();
    try {
      ModelCheck.check(cfg.model(), VideoConfig.SECTION + ".model", hconf);
    } catch (ConfigError e) {
      problems.addAll(e.problems());
    }
    problems.addAll(InputFiles.problems(cfg.input(), VideoConfig.SECTION + ".input", hconf));
    try {
      SegmentEncoder.requireEncoder();
    } catch (IllegalStateException e) {
      problems.add(e.getMessage());
    }
    if (!problems.isEmpty()) {
      throw new ConfigError(problems);
    }
  }

  public static VideoResult run(SparkSession spark, VideoConfig cfg) throws IOException {
    Configuration hconf = spark.sparkContext().hadoopConfiguration();
    validateOnDriver(cfg, hconf);
    String out = cfg.output();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<SerializableHadoopConf> conf = jsc.broadcast(new SerializableHadoopConf(hconf));
    try (JobRun run = JobRun.start(spark, "video", LOG)) {
      Listed listed = run.step("list", "listing " + cfg.input().size() + " inputs", () -> list(cfg, hconf, out));
      List<VideoWork.Probed> probed = run.step("probe", "probing " + listed.todo.size() + " videos",
          () -> probe(jsc, cfg, conf, listed.todo));
      Plan plan = run.step("plan", "planning segments", () -> plan(cfg, out, probed));
      List<VideoWork.SegmentDone> done = run.step("stylize", "stylising " + plan.segments.size() + " segments of "
          + plan.muxes.size() + " videos", () -> stylize(jsc, cfg, conf, plan.segments));
      List<VideoWork.Muxed> muxed = run.step("join", "joining " + plan.muxes.size() + " videos",
          () -> join(jsc, conf, plan.muxes, out + "/" + VIDEOS));
      String quarantine = run.step("report", "writing the quarantine",
          () -> writeQuarantine(spark, run.runId(), probed, out));
      VideoResult result = result(run, cfg, listed, probed, plan, done, muxed, quarantine);
      JobResults.write(out, result, hconf);
      LOG.info("video {}: done in {} s: videos {} = written {} + skipped {} + rejected {}; {} segments ({} reused), {} "
          + "frames, {} s of video, {} video-seconds/s; flicker {} (without smoothing {}); result in {}", run.runId(),
          fmt(result.elapsedSeconds()), result.videos(), result.written(), result.skipped(), result.rejected(),
          result.segments(), result.segmentsReused(), result.frames(), fmt(result.seconds()),
          String.format(Locale.ROOT, "%.3f", result.videoSecondsPerSecond()), fmt(result.flicker().flicker()),
          fmt(result.flicker().flickerWithoutSmoothing()), out + "/" + JobResults.FILE);
      return result;
    } finally {
      conf.destroy();
    }
  }

  // ------------------------------------------------------------------ list

  /** Videos to do, videos already complete, files that are not videos. */
  record Listed(List<VideoWork.Input> todo, long skipped, long ignored) {}

  static Listed list(VideoConfig cfg, Configuration hconf, String out) throws IOException {
    List<VideoWork.Input> all = new ArrayList<>();
    long ignored = 0;
    boolean several = cfg.input().size() > 1;
    for (int i = 0; i < cfg.input().size(); i++) {
      String root = cfg.input().get(i);
      Path base = InferJob.qualifiedBase(root, hconf);
      String prefix = several ? i + "-" + base.getName() + "/" : "";
      for (InputFiles.InputFile f : InputFiles.list(hconf, List.of(root))) {
        String rel = prefix + FilePaths.relative(base, FilePaths.path(f.uri()));
        if (!isVideo(rel, cfg.extensions())) {
          ignored++;
          continue;
        }
        all.add(new VideoWork.Input(f.uri(), f.display(), rel, f.length()));
      }
    }
    List<VideoWork.Input> named = outputNames(all);
    List<VideoWork.Input> todo = new ArrayList<>();
    long skipped = 0;
    Path videos = new Path(out + "/" + VIDEOS);
    for (VideoWork.Input in : named) {
      Path target = FilePaths.child(videos, in.outRel);
      FileSystem fs = HadoopFiles.dataFs(target, hconf);
      if (fs.exists(target) && fs.getFileStatus(target).getLen() > 0) {
        skipped++;
      } else {
        todo.add(in);
      }
    }
    LOG.info("video: listed {} video files ({} already written, {} other files ignored); e.g. {} -> {}", named.size(),
        skipped, ignored, named.isEmpty() ? "-" : named.get(0).display, named.isEmpty() ? "-" : named.get(0).outRel);
    return new Listed(todo, skipped, ignored);
  }

  static boolean isVideo(String name, List<String> extensions) {
    int dot = name.lastIndexOf('.');
    return dot >= 0 && name.indexOf('/', dot) < 0 && extensions.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  /**
   * Output names: the relative path with its extension replaced by .mp4 ({@code a/clip.mkv ->
   * a/clip.mp4}); inputs that would share a name keep their extension ({@code a/clip.mkv.mp4,
   * a/clip.mov.mp4}) so that no two inputs write the same output.
   */
  static List<VideoWork.Input> outputNames(List<VideoWork.Input> inputs) {
    Map<String, Integer> count = new HashMap<>();
    for (VideoWork.Input in : inputs) {
      count.merge(stem(in.outRel).toLowerCase(Locale.ROOT), 1, Integer::sum);
    }
    List<VideoWork.Input> out = new ArrayList<>();
    for (VideoWork.Input in : inputs) {
      String stem = stem(in.outRel);
      String name = count.get(stem.toLowerCase(Locale.ROOT)) > 1 ? in.outRel + ".mp4" : stem + ".mp4";
      out.add(new VideoWork.Input(in.uri, in.display, name, in.length));
    }
    return out;
  }

  private static String stem(String rel) {
    int dot = rel.lastIndexOf('.');
    return dot > rel.lastIndexOf('/') + 1 ? rel.substring(0, dot) : rel;
  }

  // ------------------------------------------------------------------ probe

  static List<VideoWork.Probed> probe(JavaSparkContext jsc, VideoConfig cfg, Broadcast<SerializableHadoopConf> conf,
      List<VideoWork.Input> todo) {
    if (todo.isEmpty()) {
      return List.of();
    }
    return jsc.parallelize(todo, todo.size()).map(in -> VideoTasks.probe(in, cfg, conf.value().get())).collect();
  }

  // ------------------------------------------------------------------ plan

  record Plan(List<VideoWork.Segment> segments, List<VideoWork.Mux> muxes, Map<String, Double> seconds) {}

  static Plan plan(VideoConfig cfg, String out, List<VideoWork.Probed> probed) {
    List<VideoWork.Segment> segments = new ArrayList<>();
    List<VideoWork.Mux> muxes = new ArrayList<>();
    Map<String, Double> seconds = new TreeMap<>();
    for (VideoWork.Probed p : probed) {
      if (!p.ok()) {
        continue;
      }
      int frames = p.pts.length;
      int overlap = cfg.temporalSmoothing() > 0 ? cfg.overlapFrames() : 0;
      List<SegmentPlan.Segment> plan = SegmentPlan.plan(p.keyframes, frames, p.fpsNum, p.fpsDen, cfg.segmentSeconds(),
          overlap);
      int[] size = ResizePlan.size(p.width, p.height, cfg.maxLongSide(), cfg.multiple());
      String folder = out + "/" + SEGMENTS + "/" + folderKey(p.input, cfg);
      for (SegmentPlan.Segment s : plan) {
        int first = Math.max(0, s.decodeFrom() - 1);
        long[] pts = Arrays.copyOfRange(p.pts, first, Math.min(frames, s.end() + 1));
        segments.add(new VideoWork.Segment(p.input, folder, s.index(), s.start(), s.end(), s.warmupFrom(), s.decodeFrom(),
            pts, first, p.fpsNum, p.fpsDen, size[0], size[1]));
      }
      muxes.add(new VideoWork.Mux(p.input, folder, plan.size(), frames, p.pts[0], p.fpsNum, p.fpsDen, p.audioStreams));
      seconds.put(p.input.outRel, frames * (double) p.fpsDen / p.fpsNum);
      LOG.info("video {}: {} frames at {}/{} fps -> {} segments at {}x{}", p.input.display, frames, p.fpsNum, p.fpsDen,
          plan.size(), size[0], size[1]);
    }
    return new Plan(segments, muxes, seconds);
  }

  /**
   * The segments' folder: a digest of the input (URI and length) and of every setting that changes
   * the frames, so that a rerun reuses only segments made the same way.
   */
  static String folderKey(VideoWork.Input in, VideoConfig cfg) {
    String id = String.join("\n", in.uri, Long.toString(in.length), cfg.model(), Integer.toString(cfg.maxLongSide()),
        Integer.toString(cfg.multiple()), Double.toString(cfg.segmentSeconds()), Integer.toString(cfg.overlapFrames()),
        Double.toString(cfg.temporalSmoothing()), Boolean.toString(cfg.preserveColor()), Integer.toString(cfg.crf()),
        cfg.preset());
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 12);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------ stylize, join

  static List<VideoWork.SegmentDone> stylize(JavaSparkContext jsc, VideoConfig cfg,
      Broadcast<SerializableHadoopConf> conf, List<VideoWork.Segment> segments) {
    if (segments.isEmpty()) {
      return List.of();
    }
    return jsc.parallelize(segments, segments.size()).map(s -> VideoTasks.segment(s, cfg, conf.value())).collect();
  }

  static List<VideoWork.Muxed> join(JavaSparkContext jsc, Broadcast<SerializableHadoopConf> conf,
      List<VideoWork.Mux> muxes, String videosRoot) {
    if (muxes.isEmpty()) {
      return List.of();
    }
    return jsc.parallelize(muxes, muxes.size()).map(m -> VideoTasks.mux(m, videosRoot, conf.value().get())).collect();
  }

  // ------------------------------------------------------------------ report

  private static String writeQuarantine(SparkSession spark, String runId, List<VideoWork.Probed> probed, String out) {
    List<Row> rows = new ArrayList<>();
    probed.stream().filter(p -> !p.ok()).sorted(java.util.Comparator.comparing(p -> p.input.display))
        .forEach(p -> rows.add(QUARANTINE_TABLE.row().set("run_id", runId).set("path", p.input.display)
            .set("length", p.input.length).set("reason", p.reason).set("message", p.message).build()));
    String path = out + "/" + QUARANTINE;
    spark.createDataFrame(rows, QUARANTINE_TABLE.struct()).coalesce(1).write().mode(SaveMode.Overwrite).parquet(path);
    return path;
  }

  private static VideoResult result(JobRun run, VideoConfig cfg, Listed listed, List<VideoWork.Probed> probed, Plan plan,
      List<VideoWork.SegmentDone> done, List<VideoWork.Muxed> muxed, String quarantine) {
    Map<String, Long> byReason = new TreeMap<>();
    long rejected = 0;
    for (VideoWork.Probed p : probed) {
      if (!p.ok()) {
        rejected++;
        byReason.merge(p.reason, 1L, Long::sum);
      }
    }
    FlickerMeter.Sums sums = FlickerMeter.Sums.ZERO;
    long reused = 0;
    double[] stages = new double[VideoTasks.Stages.NAMES.length];
    for (VideoWork.SegmentDone d : done) {
      sums = sums.plus(d.sums());
      reused += d.reused ? 1 : 0;
      for (int i = 0; d.stageSeconds != null && i < stages.length; i++) {
        stages[i] += d.stageSeconds[i];
      }
    }
    Map<String, Double> byStage = new java.util.LinkedHashMap<>();
    for (int i = 0; i < stages.length; i++) {
      byStage.put(VideoTasks.Stages.NAMES[i], round(stages[i]));
    }
    long frames = muxed.stream().mapToLong(m -> m.frames).sum();
    double seconds = muxed.stream().mapToDouble(m -> plan.seconds.getOrDefault(m.outRel, 0.0)).sum();
    double elapsed = run.elapsedSeconds();
    VideoResult.Flicker flicker = new VideoResult.Flicker(round(sums.inputMean()), round(sums.rawMean()),
        round(sums.outputMean()), round(sums.rawRatio()), round(sums.outputRatio()), round(sums.staticFraction()),
        sums.pairs());
    long videos = listed.todo.size() + listed.skipped;
    return new VideoResult("video", run.runId(), cfg.model(), cfg.output(), videos, muxed.size(), listed.skipped,
        rejected, byReason, listed.ignored, done.size(), reused, frames, round(seconds), round(elapsed),
        round(seconds / elapsed), round(frames / elapsed), cfg.temporalSmoothing(), cfg.preserveColor(), flicker,
        byStage, cfg.output() + "/" + VIDEOS, quarantine);
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static double round(double v) {
    return Math.round(v * 10000) / 10000.0;
  }
}

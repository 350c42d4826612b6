package dev.animegan.spark.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.animegan.core.config.ConfigLoader;
import dev.animegan.core.config.VideoConfig;
import dev.animegan.core.video.PanClip;
import dev.animegan.model.GeneratorGraphs;
import dev.animegan.spark.common.SparkSessions;
import dev.animegan.spark.video.VideoJob;
import dev.animegan.spark.video.VideoResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code jobs/bench.sh video}: the video job with the full-size AnimeGANv2 generator (random
 * weights: speed does not depend on them) on a 1280x720, 25 fps pan clip made from a bundled
 * photo, at long sides 256 and 512, segments of 1 s. Prints frames/s and video seconds per second
 * (whole jobs: probe, decode, resize, generator, encode, join) as JSON on stdout.
 */
public final class VideoBench {
  private VideoBench() {}

  public static void main(String[] args) throws Exception {
    double seconds = 4;
    boolean smoothing = false;
    Path photos = Path.of("data/sample/photos");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seconds" -> seconds = Double.parseDouble(args[++i]);
        case "--photos" -> photos = Path.of(args[++i]);
        case "--smoothing" -> smoothing = true;
        default -> {
          System.err.println("usage: VideoBench [--seconds S] [--photos DIR] [--smoothing]");
          System.exit(2);
        }
      }
    }
    Path work = Files.createTempDirectory("animegan-bench-video");
    Path photo;
    try (Stream<Path> s = Files.walk(photos)) {
      photo = s.filter(p -> p.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".jpg")).sorted().findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no .jpg under " + Path.of("").toAbsolutePath()));
    }
    Path clip = PanClip.write(photo, work.resolve("in/pan.mp4"), seconds, 1280, 720);
    Nd4j.getRandom().setSeed(1);
    ComputationGraph g = GeneratorGraphs.random(32, 1);
    Path model = work.resolve("generator.zip");
    ModelSerializer.writeModel(g, model.toFile(), false);
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode report = json.createObjectNode();
    report.put("benchmark", "video");
    report.put("cores", Runtime.getRuntime().availableProcessors());
    report.put("clip", "1280x720, 25 fps, " + seconds + " s, pan over " + photo.getFileName());
    report.put("generator_parameters", g.numParams());
    report.put("temporal_smoothing", smoothing ? 0.5 : 0);
    SparkSession spark = SparkSessions.getOrCreate("animegan-bench-video");
    report.put("spark_master", spark.sparkContext().master());
    try {
      for (int side : new int[] {256, 512}) {
        VideoResult r = run(spark, model, clip.getParent(), work.resolve("out-" + side), side, smoothing);
        ObjectNode n = report.putObject("long_side_" + side);
        n.put("frames", r.frames());
        n.put("segments", r.segments());
        n.put("seconds", r.elapsedSeconds());
        n.put("frames_per_second", r.framesPerSecond());
        n.put("video_seconds_per_second", r.videoSecondsPerSecond());
        n.put("flicker", r.flicker().flicker());
        n.put("flicker_without_smoothing", r.flicker().flickerWithoutSmoothing());
        ObjectNode st = n.putObject("task_seconds_by_stage");
        r.taskSecondsByStage().forEach(st::put);
      }
    } finally {
      spark.stop();
    }
    report.put("note", "whole jobs on the Spark master above: probe, decode, Lanczos resize, generator, x264 encode "
        + "(preset medium, CRF 18), join with audio copy");
    System.out.println(json.writeValueAsString(report));
  }

  private static VideoResult run(SparkSession spark, Path model, Path in, Path out, int side, boolean smoothing)
      throws Exception {
    String hocon = "animegan.video { model = \"" + model + "\", input = [\"" + in + "\"], output = \"" + out
        + "\", resize.max-long-side = " + side + ", segment-seconds = 1, batch-size = 2, temporal-smoothing = "
        + (smoothing ? 0.5 : 0) + " }";
    return VideoJob.run(spark, VideoConfig.from(ConfigLoader.load(null, ConfigFactory.parseString(hocon))));
  }
}

package dev.animegan.spark.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.animegan.core.config.ConfigLoader;
import dev.animegan.core.config.VideoConfig;
import dev.animegan.core.image.Resampler;
import dev.animegan.core.image.ResizeFilter;
import dev.animegan.core.image.RgbImage;
import dev.animegan.core.infer.ResizePlan;
import dev.animegan.core.testing.TestClips;
import dev.animegan.core.video.FrameReader;
import dev.animegan.core.video.VideoInfo;
import dev.animegan.core.video.VideoProbe;
import dev.animegan.model.GeneratorGraphs;
import dev.animegan.model.Stylizer;
import dev.animegan.spark.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/** The video job on the shared local[2] session, on generated FFmpeg test-pattern clips with a tone. */
class VideoJobTest {
  @TempDir
  static Path dir;
  static SparkSession spark;
  static Path model;
  static Path in;

  @BeforeAll
  static void setUp() throws Exception {
    spark = SparkTestSession.get();
    Nd4j.getRandom().setSeed(7);
    ComputationGraph g = GeneratorGraphs.random(4, 7);
    model = dir.resolve("generator.zip");
    ModelSerializer.writeModel(g, model.toFile(), false);
    in = dir.resolve("in");
    TestClips.write(in.resolve("trip 1/clip one.mp4"), TestClips.mp4(96, 64, 2.4));
    TestClips.write(in.resolve("b.mkv"), new TestClips.Spec("mkv", 80, 64, 30000, 1001, 2.0, 15, true));
    TestClips.audioOnly(in.resolve("only audio.mp4"), 1.0);
    Files.write(in.resolve("broken.mov"), "not a video at all".getBytes());
    Files.write(in.resolve("empty.avi"), new byte[0]);
    byte[] whole = Files.readAllBytes(in.resolve("trip 1/clip one.mp4"));
    Files.write(in.resolve("cut.mp4"), java.util.Arrays.copyOf(whole, whole.length / 3));
    Files.write(in.resolve("notes.txt"), "ignored".getBytes());
  }

  static VideoConfig config(Path out, String... extra) {
    StringBuilder hocon = new StringBuilder("animegan.video {\n")
        .append("  model = \"").append(model).append("\"\n")
        .append("  input = [\"").append(in).append("\"]\n")
        .append("  output = \"").append(out).append("\"\n")
        .append("  resize.max-long-side = 64\n")
        .append("  segment-seconds = 0.9\n")
        .append("  encoder.preset = ultrafast\n");
    for (String e : extra) {
      hocon.append("  ").append(e).append('\n');
    }
    hocon.append("}\n");
    return VideoConfig.from(ConfigLoader.load(null, ConfigFactory.parseString(hocon.toString())));
  }

  @Test
  void stylisesEveryVideoFrameExactWithItsAudioAndQuarantinesBadFiles() throws Exception {
    Path out = dir.resolve("out");
    VideoResult r = VideoJob.run(spark, config(out, "encoder.crf = 0"));
    assertEquals(6, r.videos());
    assertEquals(2, r.written());
    assertEquals(4, r.rejected());
    assertEquals(Map.of("corrupt", 1L, "empty", 1L, "no_video_stream", 1L, "truncated", 1L), r.rejectedByReason());
    assertEquals(1, r.ignoredFiles());
    // clip one: keyframes every 12 frames at 25 fps, segments of >= 0.9 s = 23 frames -> starts 0, 24, 48
    // b.mkv: keyframes every 15 frames at 29.97 fps, >= 27 frames -> starts 0, 30
    assertEquals(5, r.segments());
    assertEquals(0, r.segmentsReused());
    assertEquals(60 + 60, r.frames());
    assertEquals(2.4 + 60 * 1001 / 30000.0, r.seconds(), 1e-3);

    List<String> quarantined = spark.read().parquet(out.resolve("quarantine").toString())
        .select("path", "reason", "message").collectAsList().stream().map(Row::toString).sorted().toList();
    assertEquals(4, quarantined.size());
    assertEquals("[file:" + in.resolve("empty.avi") + ",empty,file is empty (0 bytes)]", quarantined.get(2));
    assertEquals("[file:" + in.resolve("only audio.mp4") + ",no_video_stream,no video stream (audio only: 1 audio stream)]",
        quarantined.get(3));
    assertTrue(quarantined.get(0).startsWith("[file:" + in.resolve("broken.mov") + ",corrupt,FFmpeg cannot read it: "),
        quarantined.get(0));
    assertTrue(quarantined.get(1).matches("\\[file:" + java.util.regex.Pattern.quote(in.resolve("cut.mp4").toString())
        + ",truncated,the file ends inside its 'mdat' box: \\d+ of \\d+ bytes present \\(cut short\\?\\)]"),
        quarantined.get(1));

    Path clip = in.resolve("trip 1/clip one.mp4");
    Path styled = out.resolve("videos/trip 1/clip one.mp4");
    VideoInfo src = VideoProbe.probe(clip, 1_000_000);
    VideoInfo o = VideoProbe.probe(styled, 1_000_000);
    assertEquals(src.frames(), o.frames());
    assertEquals(25, o.fpsNum());
    assertEquals(1, o.fpsDen());
    assertEquals(src.seconds(), o.seconds(), 0.1);
    assertEquals(1, o.audioStreams());
    assertEquals(64, o.width());
    assertEquals(44, o.height()); // 96x64 -> 64x42.7 -> multiples of 4
    VideoInfo mkv = VideoProbe.probe(out.resolve("videos/b.mp4"), 1_000_000);
    assertEquals(60, mkv.frames());
    assertEquals(30000, mkv.fpsNum());
    assertEquals(1001, mkv.fpsDen());
    assertEquals(1, mkv.audioStreams());

    // Each output frame is Stylizer on the decoded input frame (resized as the job does), within the
    // codec's tolerance: at CRF 0 only the RGB -> yuv420p -> RGB conversion differs.
    Stylizer stylizer = Stylizer.load(model);
    List<RgbImage> expected = new ArrayList<>();
    int[] size = ResizePlan.size(96, 64, 64, 4);
    FrameReader.read(clip, src.framePtsMicros(), 0, src.frames(), (i, f) -> expected.add(rgb(
        stylizer.stylize(Resampler.resize(f, size[0], size[1], ResizeFilter.LANCZOS).toBufferedImage()))));
    double[] worst = {99};
    FrameReader.read(styled, o.framePtsMicros(), 0, o.frames(), (i, f) -> worst[0] = Math.min(worst[0],
        psnr(expected.get(i), f)));
    assertTrue(worst[0] >= 30, "worst frame PSNR " + worst[0] + " dB");
    System.err.printf(java.util.Locale.ROOT, "VideoJobTest: worst frame PSNR against Stylizer at CRF 0: %.1f dB%n", worst[0]);
    assertFalse(Files.exists(out.resolve("_segments")) && listFiles(out.resolve("_segments")).stream()
        .anyMatch(p -> p.toString().endsWith(".mp4")), "segments are removed once a video is written");

    VideoResult again = VideoJob.run(spark, config(out, "encoder.crf = 0"));
    assertEquals(2, again.skipped());
    assertEquals(0, again.written());
    assertEquals(0, again.segments());
  }

  @Test
  void namesOfAnyShapeKeepTheirFoldersAndGetMp4Names() throws Exception {
    Path odd = dir.resolve("odd in");
    Path clip = TestClips.write(dir.resolve("short.mp4"), TestClips.mp4(64, 48, 1.0));
    List<String> names = List.of("12:30.mp4", "#1 50%25 a+b=c.MP4", "deep/er/ still/日本語 [1].mkv", "same.mkv", "same.mov",
        "emoji \uD83D\uDCF7 it's.webm");
    for (String n : names) {
      Path p = odd.resolve(n);
      Files.createDirectories(p.getParent());
      Files.copy(clip, p);
    }
    Path out = dir.resolve("odd out");
    String hocon = "animegan.video { model = \"" + model + "\", input = [\"" + odd + "\"], output = \"" + out
        + "\", resize.max-long-side = 64, encoder.preset = ultrafast }";
    VideoResult r = VideoJob.run(spark, VideoConfig.from(ConfigLoader.load(null, ConfigFactory.parseString(hocon))));
    assertEquals(names.size(), r.written(), () -> spark.read().parquet(out.resolve("quarantine").toString())
        .collectAsList().toString());
    assertEquals(names.size(), r.segments());
    List<String> expected = List.of("#1 50%25 a+b=c.mp4", "12:30.mp4", "deep/er/ still/日本語 [1].mp4",
        "emoji \uD83D\uDCF7 it's.mp4", "same.mkv.mp4", "same.mov.mp4");
    Path videos = out.resolve("videos");
    List<String> got = listFiles(videos).stream().map(p -> videos.relativize(p).toString()).sorted().toList();
    assertEquals(expected, got);
    for (String n : expected) {
      assertEquals(25, VideoProbe.probe(videos.resolve(n), 1000).frames(), n);
    }
  }

  static List<Path> listFiles(Path p) throws java.io.IOException {
    try (Stream<Path> s = Files.walk(p)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  static RgbImage rgb(java.awt.image.BufferedImage b) {
    RgbImage img = RgbImage.blank(b.getWidth(), b.getHeight());
    for (int y = 0; y < b.getHeight(); y++) {
      for (int x = 0; x < b.getWidth(); x++) {
        int p = b.getRGB(x, y);
        img.set(x, y, 0, (p >> 16) & 0xFF);
        img.set(x, y, 1, (p >> 8) & 0xFF);
        img.set(x, y, 2, p & 0xFF);
      }
    }
    return img;
  }

  static double psnr(RgbImage a, RgbImage b) {
    return dev.animegan.core.testing.TestImages.psnr(a, b);
  }

}

package dev.animegan.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jobs/demo.sh end to end with an even smaller budget: every artifact exists and decodes. */
@Tag("cluster")
class DemoIT {
  @TempDir
  Path dir;

  @Test
  void demoRunsTheWholePipelineAndItsPageShowsEveryArtifact() throws Exception {
    Path out = dir.resolve("demo");
    JobScripts.Result r = JobScripts.run(dir, "demo.sh", out.toString(), "--set", "train.pretrain.epochs=1",
        "--set", "train.adversarial.epochs=1", "--set", "train-job.max-rounds-per-epoch=1");
    assertEquals(0, r.code(), r.stderr());
    List<String> lines = r.stdout().lines().toList();
    Path page = Path.of(lines.get(lines.size() - 1));
    assertEquals(out.resolve("index.html"), page, "the page's absolute path is the last line");
    assertTrue(r.stderr().contains("Tiny CPU budget") || r.stderr().contains("tiny CPU budget"), r.stderr());
    assertTrue(r.stderr().contains("VGG19 weights (animegan.model.vgg19.weights)"));
    String html = Files.readString(page);
    Matcher m = Pattern.compile("src=\"([^\"]+)\"").matcher(html);
    List<String> images = new ArrayList<>();
    while (m.find()) {
      images.add(m.group(1));
    }
    assertTrue(images.contains("run/loss-plot.png"), html);
    assertTrue(images.stream().filter(s -> s.startsWith("styled/gallery/")).count() >= 8, html);
    assertTrue(images.stream().anyMatch(s -> s.startsWith("run/samples/")), html);
    assertEquals(List.of("clips/pan.mp4", "video/videos/pan.mp4"), images.stream().filter(s -> s.endsWith(".mp4")).toList(),
        "the pan clip and its stylised version");
    for (String src : images) {
      if (src.endsWith(".mp4")) {
        dev.animegan.core.video.VideoInfo v = dev.animegan.core.video.VideoProbe.probe(out.resolve(src), 1000);
        assertEquals(50, v.frames(), src);
        assertEquals(1, v.audioStreams(), src);
        continue;
      }
      BufferedImage img = ImageIO.read(out.resolve(src).toFile());
      assertNotNull(img, src + " decodes");
    }
    JsonNode video = new ObjectMapper().readTree(out.resolve("video/_job_result.json").toFile());
    assertEquals(1, video.get("written").asLong());
    assertEquals(2, video.get("segments").asLong());
    ObjectMapper json = new ObjectMapper();
    JsonNode ingest = json.readTree(out.resolve("ingest/_job_result.json").toFile());
    JsonNode train = json.readTree(out.resolve("run/_job_result.json").toFile());
    JsonNode infer = json.readTree(out.resolve("styled/_job_result.json").toFile());
    assertTrue(ingest.get("tiles").asLong() > 0);
    assertEquals(1, train.get("pretrainRounds").asLong());
    assertEquals(1, train.get("adversarialRounds").asLong());
    assertTrue(train.get("allLossesFinite").asBoolean());
    assertEquals(5, infer.get("written").asLong());
    assertEquals(3, infer.get("rejected").asLong(), "the copyright texts");
    try (Stream<Path> s = Files.walk(out.resolve("styled/images"))) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        assertNotNull(ImageIO.read(p.toFile()), p + " decodes");
      }
    }
    assertTrue(Files.isRegularFile(out.resolve("run/generator.zip")));

    // The notebooks execute headless against this output; a failing cell fails the run.
    List<String> cmd = List.of(JobScripts.repoRoot().resolve("notebooks/run.sh").toString(), out.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("notebooks.log").toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process p = pb.start();
    assertTrue(p.waitFor(15, java.util.concurrent.TimeUnit.MINUTES), "notebooks finished");
    String log = Files.readString(dir.resolve("notebooks.log"));
    assertEquals(0, p.exitValue(), log.substring(Math.max(0, log.length() - 4000)));
    for (String nb : List.of("dataset-explorer", "training-curves", "results-gallery")) {
      String executed = Files.readString(JobScripts.repoRoot().resolve("notebooks/executed/" + nb + ".ipynb"));
      assertTrue(executed.contains("image/png"), nb + " rendered its figure");
    }
  }
}

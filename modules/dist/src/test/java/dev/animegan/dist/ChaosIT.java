package dev.animegan.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.animegan.core.image.ImageDecoder;
import dev.animegan.core.image.RgbImage;
import dev.animegan.core.testing.TestImages;
import dev.animegan.model.GeneratorGraphs;
import dev.animegan.spark.testing.IngestFixtures;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chaos tests on real processes: each job is started with its script on {@code local[2]} and its
 * driver JVM is killed with {@code kill -9} by PID mid-run; the rerun (or resume) must end exactly
 * where an uninterrupted run ends, with nothing doubled, lost or left half-written.
 */
@Tag("chaos")
class ChaosIT {
  static final int PHOTOS = 240;

  @TempDir
  static Path dir;

  static Path photos;
  static SparkSession spark;

  @BeforeAll
  static void inputs() throws IOException {
    photos = dir.resolve("in");
    IngestFixtures.write(photos);
    // Distinct photos in nested folders with spaces, enough that the jobs run for several seconds.
    Random random = new Random(7);
    for (int i = 0; i < PHOTOS; i++) {
      RgbImage img = TestImages.pattern(480 + 16 * (i % 5), 360);
      byte[] px = img.data();
      for (int k = 0; k < 3000; k++) {
        px[random.nextInt(px.length)] = (byte) random.nextInt(256);
      }
      Path f = photos.resolve("photos/album " + (i / 60) + "/IMG " + String.format("%04d", i) + ".jpg");
      Files.createDirectories(f.getParent());
      Files.write(f, TestImages.jpeg(img));
    }
  }

  @BeforeAll
  static void session() {
    spark = SparkSession.builder().master("local[1]").appName("chaos-it-reader")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  // ---------------------------------------------------------------- ingest

  private static String[] ingestArgs(Path out, String... extra) {
    List<String> a = new java.util.ArrayList<>(List.of("--master", "local[2]",
        "--photos", photos.resolve("photos").toString(),
        "--anime", "supertux=" + photos.resolve("anime/supertux"), "--anime", "ukui=" + photos.resolve("anime/ukui"),
        "--out", out.toString(),
        "--set", "ingest.resize.short-side=128", "--set", "ingest.crop.size=64",
        "--set", "ingest.crop.mode=random", "--set", "ingest.crop.count=2",
        "--set", "ingest.limits.max-file-bytes=2MiB"));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  @Test
  void ingestKilledMidRunThenOverwrittenEqualsACleanRun() throws Exception {
    Path clean = dir.resolve("ingest-clean");
    JobScripts.Result c = JobScripts.run(dir, "ingest.sh", ingestArgs(clean));
    assertEquals(0, c.code(), c.stderr());

    Path out = dir.resolve("ingest-killed");
    JobScripts.Running job = JobScripts.start(dir, "ingest.sh", ingestArgs(out));
    killDriverWhen(job, () -> anyRegularFile(out.resolve("tiles/_temporary")), "a tile file being written");
    assertFalse(Files.exists(out.resolve("tiles/_SUCCESS")), "killed before the tiles were committed");

    JobScripts.Result again = JobScripts.run(dir, "ingest.sh", ingestArgs(out, "--mode", "overwrite"));
    assertEquals(0, again.code(), again.stderr());
    JsonNode a = JobScripts.jobResult(clean);
    JsonNode b = JobScripts.jobResult(out);
    for (String key : List.of("read", "accepted", "rejected", "duplicates", "tiles")) {
      assertEquals(a.get(key).asLong(), b.get(key).asLong(), key);
    }
    assertEquals(a.get("rejectedByReason"), b.get("rejectedByReason"));
    assertEquals(PHOTOS + IngestFixtures.PHOTO_ACCEPTED + IngestFixtures.ANIME_ACCEPTED, b.get("accepted").asLong());
    assertEquals(tileRows(clean), tileRows(out), "the same tiles: ids, sources, crops and pixels");
    assertEquals(otherRows(clean, "quarantine", "path", "reason", "message"),
        otherRows(out, "quarantine", "path", "reason", "message"));
    assertEquals(otherRows(clean, "duplicates", "path", "duplicate_of"), otherRows(out, "duplicates", "path", "duplicate_of"));
    assertEquals(List.of(), leftovers(out), "no temporary files in the output");
  }

  /** id -> source path, hash, crop and a digest of the tile's pixels, over the whole table. */
  private static Map<String, String> tileRows(Path out) throws Exception {
    Map<String, String> m = new TreeMap<>();
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (Row r : spark.read().parquet(out.resolve("tiles").toString())
        .select("id", "source_path", "source_hash", "crop_x", "crop_y", "split", "style", "image").collectAsList()) {
      String digest = HexFormat.of().formatHex(sha.digest((byte[]) r.get(7)));
      String prev = m.put(r.getString(0), r.getString(1) + "|" + r.getString(2) + "|" + r.getInt(3) + "," + r.getInt(4)
          + "|" + r.getString(5) + "|" + r.getString(6) + "|" + digest);
      assertEquals(null, prev, "tile id " + r.getString(0) + " written once");
    }
    return m;
  }

  private static List<String> otherRows(Path out, String table, String... cols) {
    return spark.read().parquet(out.resolve(table).toString()).selectExpr(cols).collectAsList().stream()
        .map(Row::toString).sorted().toList();
  }

  // ---------------------------------------------------------------- infer

  @Test
  void inferKilledMidRunThenRerunWritesEachOutputOnce() throws Exception {
    Path model = dir.resolve("generator.zip");
    ModelSerializer.writeModel(GeneratorGraphs.random(4, 11), model.toFile(), false);
    Path clean = dir.resolve("styled-clean");
    JobScripts.Result c = JobScripts.run(dir, "infer.sh", inferArgs(model, clean));
    assertEquals(0, c.code(), c.stderr());

    Path out = dir.resolve("styled");
    JobScripts.Running job = JobScripts.start(dir, "infer.sh", inferArgs(model, out));
    Path images = out.resolve("images");
    killDriverWhen(job, () -> countFiles(images, ".jpg") >= 20, "20 outputs written");

    // What the killed run finished: these must be skipped, not written again.
    Map<Path, String> before = new TreeMap<>();
    try (Stream<Path> s = Files.walk(images)) {
      for (Path p : s.filter(p -> p.toString().endsWith(".jpg")).toList()) {
        BasicFileAttributes at = Files.readAttributes(p, BasicFileAttributes.class);
        before.put(p, at.lastModifiedTime() + "/" + at.size() + "/" + at.fileKey());
      }
    }
    JobScripts.Result again = JobScripts.run(dir, "infer.sh", inferArgs(model, out));
    assertEquals(0, again.code(), again.stderr());
    JsonNode a = JobScripts.jobResult(clean);
    JsonNode r = JobScripts.jobResult(out);
    long seen = r.get("seen").asLong();
    long written = r.get("written").asLong();
    long skipped = r.get("skipped").asLong();
    long rejected = r.get("rejected").asLong();
    assertEquals(PHOTOS + IngestFixtures.PHOTO_READ, seen, "the generated photos and the fixture's photo files");
    assertEquals(seen, written + skipped + rejected);
    assertEquals(a.get("seen").asLong(), seen);
    assertEquals(a.get("written").asLong(), written + skipped, "as many outputs as a clean run");
    assertEquals(a.get("rejectedByReason"), r.get("rejectedByReason"));
    assertEquals(before.size(), skipped, "every output the killed run completed is skipped");
    for (Map.Entry<Path, String> e : before.entrySet()) {
      BasicFileAttributes at = Files.readAttributes(e.getKey(), BasicFileAttributes.class);
      assertEquals(e.getValue(), at.lastModifiedTime() + "/" + at.size() + "/" + at.fileKey(), e.getKey() + " not rewritten");
    }
    assertEquals(relativeFiles(clean.resolve("images")), relativeFiles(images), "the same output names as a clean run");
    ImageDecoder decoder = new ImageDecoder(ImageDecoder.Options.defaults());
    List<String> outputs = relativeFiles(images);
    assertEquals(written + skipped, outputs.size());
    for (String p : outputs) {
      assertTrue(decoder.decode(Files.readAllBytes(images.resolve(p))) instanceof ImageDecoder.Decoded, p + " decodes");
    }
    assertTrue(outputs.contains("album 3/IMG 0239.jpg"), "names with spaces keep their folders");
    assertEquals(List.of(), leftovers(out), "no temporary files in the output");
  }

  private static String[] inferArgs(Path model, Path out) {
    return new String[] {"--master", "local[2]", "--model", model.toString(),
        "--input", photos.resolve("photos").toString(), "--out", out.toString(),
        "--set", "infer.resize.max-long-side=256", "--set", "infer.gallery-size=0"};
  }

  static List<String> relativeFiles(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
    }
  }

  // ---------------------------------------------------------------- video

  private static String[] videoArgs(Path model, Path in, Path out) {
    return new String[] {"--master", "local[2]", "--model", model.toString(), "--input", in.toString(),
        "--out", out.toString(), "--max-long-side", "64", "--temporal-smoothing", "0.5",
        "--set", "video.segment-seconds=0.9", "--set", "video.encoder.preset=ultrafast"};
  }

  @Test
  void videoKilledMidRunThenRerunRedoesOnlyTheMissingSegments() throws Exception {
    Path model = dir.resolve("generator.zip");
    if (!Files.exists(model)) {
      ModelSerializer.writeModel(GeneratorGraphs.random(4, 11), model.toFile(), false);
    }
    Path in = dir.resolve("video-in");
    // 9.6 s at 25 fps, a keyframe every 12 frames: 10 segments of 24 frames (the last 0.96 s longer)
    dev.animegan.core.testing.TestClips.write(in.resolve("long clip.mp4"),
        new dev.animegan.core.testing.TestClips.Spec("mp4", 96, 64, 25, 1, 9.6, 12, true));
    Path clean = dir.resolve("video-clean");
    JobScripts.Result c = JobScripts.run(dir, "video.sh", videoArgs(model, in, clean));
    assertEquals(0, c.code(), c.stderr());
    assertEquals(10, JobScripts.jobResult(clean).get("segments").asLong());

    Path out = dir.resolve("video-killed");
    JobScripts.Running job = JobScripts.start(dir, "video.sh", videoArgs(model, in, out));
    killDriverWhen(job, () -> countFiles(out.resolve("_segments"), ".json") >= 3, "3 segments committed");
    Map<Path, String> committed = new TreeMap<>();
    try (Stream<Path> s = Files.walk(out.resolve("_segments"))) {
      for (Path p : s.filter(p -> p.toString().endsWith(".json")).toList()) {
        Path seg = Path.of(p.toString().replaceAll("\\.json$", ".mp4"));
        BasicFileAttributes at = Files.readAttributes(seg, BasicFileAttributes.class);
        committed.put(seg, at.lastModifiedTime() + "/" + at.size() + "/" + at.fileKey());
      }
    }
    assertFalse(Files.exists(out.resolve("videos/long clip.mp4")), "killed before the join");
    JobScripts.Result again = JobScripts.run(dir, "video.sh", videoArgs(model, in, out));
    assertEquals(0, again.code(), again.stderr());
    JsonNode r = JobScripts.jobResult(out);
    assertEquals(1, r.get("written").asLong());
    assertEquals(10, r.get("segments").asLong());
    assertEquals(committed.size(), r.get("segmentsReused").asLong(), "every committed segment reused, none redone");
    assertEquals(240, r.get("frames").asLong());
    assertTrue(again.stderr().contains("segment 0 (frames 0..23) already committed"), "logged as reused");
    // the same frames as the uninterrupted run, frame for frame
    dev.animegan.core.video.VideoInfo a = dev.animegan.core.video.VideoProbe.probe(clean.resolve("videos/long clip.mp4"), 1000);
    dev.animegan.core.video.VideoInfo b = dev.animegan.core.video.VideoProbe.probe(out.resolve("videos/long clip.mp4"), 1000);
    assertEquals(240, b.frames());
    List<RgbImage> framesA = new java.util.ArrayList<>();
    dev.animegan.core.video.FrameReader.read(clean.resolve("videos/long clip.mp4"), a.framePtsMicros(), 0, 240,
        (i, f) -> framesA.add(f));
    int[] same = {0};
    dev.animegan.core.video.FrameReader.read(out.resolve("videos/long clip.mp4"), b.framePtsMicros(), 0, 240,
        (i, f) -> same[0] += f.equals(framesA.get(i)) ? 1 : 0);
    assertEquals(240, same[0], "frames equal to the uninterrupted run's");
    assertFalse(Files.exists(out.resolve("_segments")) && countFiles(out.resolve("_segments"), ".mp4") > 0,
        "the segments are removed after the join");
    assertEquals(List.of(), leftovers(out), "no temporary files in the output");
  }

  // ---------------------------------------------------------------- train

  private static Path tiles;

  private static synchronized Path tiles() throws Exception {
    if (tiles == null) {
      Path t = dir.resolve("train-tiles");
      TrainClusterIT.ingestSampleTiles(dir, t);
      tiles = t;
    }
    return tiles;
  }

  private static String[] trainArgs(Path out, String... extra) throws Exception {
    Path conf = dir.resolve("chaos-train.conf");
    // 20 photo tiles / batch 2 = 10 minibatches = 5 rounds of 2 workers per epoch; a checkpoint every 2 rounds.
    Files.writeString(conf, TrainClusterIT.tinyConfig().replace("adversarial.epochs = 3", "adversarial.epochs = 4"));
    List<String> a = new java.util.ArrayList<>(List.of("--master", "local[2]", "--config", conf.toString(),
        "--data", tiles().toString(), "--out", out.toString()));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  @Test
  void trainKilledBetweenCheckpointsResumesToTheStepCountOfAnUninterruptedRun() throws Exception {
    Path out = dir.resolve("train-killed");
    JobScripts.Running job = JobScripts.start(dir, "train.sh", trainArgs(out));
    killDriverWhen(job, () -> verifiedCheckpoints(out) >= 2, "two checkpoints");
    JobScripts.Result resumed = JobScripts.run(dir, "train.sh", trainArgs(out, "--resume"));
    assertEquals(0, resumed.code(), resumed.stderr());
    JsonNode r = JobScripts.jobResult(out);
    assertEquals("resumed", r.get("lineage").get("kind").asText());
    assertUninterruptedCounts(r, round(r.get("lineage").get("source").asText()));
    assertEquals(List.of(), leftovers(out));
  }

  @Test
  void trainKilledThenNewestCheckpointTruncatedResumesFromThePreviousOne() throws Exception {
    Path out = dir.resolve("train-truncated");
    JobScripts.Running job = JobScripts.start(dir, "train.sh", trainArgs(out));
    killDriverWhen(job, () -> verifiedCheckpoints(out) >= 2, "two checkpoints");
    Path newest;
    try (Stream<Path> s = Files.list(out.resolve("checkpoints"))) {
      newest = s.filter(p -> Files.exists(p.resolve("manifest.properties"))).max(Path::compareTo).orElseThrow();
    }
    Path previous;
    try (Stream<Path> s = Files.list(out.resolve("checkpoints"))) {
      previous = s.filter(p -> Files.exists(p.resolve("manifest.properties")) && p.compareTo(newest) < 0)
          .max(Path::compareTo).orElseThrow();
    }
    Path zip = newest.resolve("generator.zip");
    long size = Files.size(zip);
    try (FileChannel ch = FileChannel.open(zip, StandardOpenOption.WRITE)) {
      ch.truncate(size / 2);
    }
    JobScripts.Result resumed = JobScripts.run(dir, "train.sh", trainArgs(out, "--resume"));
    assertEquals(0, resumed.code(), resumed.stderr());
    assertTrue(resumed.stderr().contains(newest.getFileName() + ": generator.zip has " + size / 2
        + " bytes, the manifest says " + size), resumed.stderr());
    JsonNode r = JobScripts.jobResult(out);
    assertUninterruptedCounts(r, round(previous.getFileName().toString()));
    assertTrue(r.get("lineage").get("source").asText().endsWith(previous.getFileName().toString()),
        r.get("lineage").toString());
  }

  private static void assertUninterruptedCounts(JsonNode r, long resumedFromRound) {
    // 1 pretraining epoch (5 rounds) and 4 adversarial epochs (20 rounds) of 2 workers: the steps
    // of the whole run, counted across the killed and the resumed invocation
    assertEquals(10, r.get("pretrainSteps").asLong());
    assertEquals(40, r.get("adversarialSteps").asLong());
    assertEquals(25 - resumedFromRound, r.get("roundsRun").asLong(), "the resumed run trained only what was left");
    assertTrue(r.get("allLossesFinite").asBoolean());
  }

  private static long round(String checkpoint) {
    return Long.parseLong(checkpoint.replaceAll(".*round-0*", ""));
  }

  private static long verifiedCheckpoints(Path out) throws IOException {
    Path c = out.resolve("checkpoints");
    if (!Files.isDirectory(c)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(c)) {
      return s.filter(p -> Files.exists(p.resolve("manifest.properties"))).count();
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Waits until {@code condition} holds while the job runs, then kills its driver JVM with kill -9. */
  static void killDriverWhen(JobScripts.Running job, Callable<Boolean> condition, String what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    while (System.nanoTime() < deadline && job.process().isAlive() && !condition.call()) {
      Thread.sleep(50);
    }
    assertTrue(job.process().isAlive(), "the job was still running at " + what + ": "
        + (job.process().isAlive() ? "" : Files.readString(job.err())));
    // The scripts exec spark-submit, which execs the driver JVM: usually the script's own PID.
    ProcessHandle self = job.process().toHandle();
    ProcessHandle driver = Stream.concat(Stream.of(self), self.descendants())
        .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false))
        .filter(h -> h.info().arguments().map(a -> java.util.Arrays.asList(a).contains("org.apache.spark.deploy.SparkSubmit"))
            .orElse(true))
        .findFirst().orElse(null);
    assertNotNull(driver, "the driver JVM under " + job.script());
    Process kill = new ProcessBuilder("kill", "-9", Long.toString(driver.pid())).inheritIO().start();
    assertEquals(0, kill.waitFor());
    job.process().waitFor();
    assertTrue(job.process().exitValue() != 0, job.script() + " failed after its driver was killed");
  }

  static boolean anyRegularFile(Path p) throws IOException {
    if (!Files.isDirectory(p)) {
      return false;
    }
    try (Stream<Path> s = Files.walk(p)) {
      return s.anyMatch(f -> Files.isRegularFile(f) && f.getFileName().toString().startsWith("part-"));
    } catch (java.io.UncheckedIOException e) {
      return false; // a folder went away while walking
    }
  }

  static long countFiles(Path p, String suffix) throws IOException {
    if (!Files.isDirectory(p)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(p)) {
      return s.filter(f -> f.toString().endsWith(suffix)).count();
    } catch (java.io.UncheckedIOException e) {
      return 0;
    }
  }

  /** Temporary files and folders anywhere under {@code out}: Spark's, Hadoop's and the jobs' own. */
  static List<String> leftovers(Path out) throws IOException {
    try (Stream<Path> s = Files.walk(out)) {
      return s.map(p -> out.relativize(p).toString())
          .filter(n -> n.contains("_temporary") || n.contains(".animegan-tmp") || n.contains(".tmp")
              || n.endsWith(".inprogress") || n.contains("animegan-ckpt-"))
          .toList();
    }
  }
}

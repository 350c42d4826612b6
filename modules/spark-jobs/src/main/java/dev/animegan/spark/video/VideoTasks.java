package dev.animegan.spark.video;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.animegan.core.config.VideoConfig;
import dev.animegan.core.image.ColorPreservation;
import dev.animegan.core.image.Resampler;
import dev.animegan.core.image.ResizeFilter;
import dev.animegan.core.image.RgbImage;
import dev.animegan.core.infer.BudgetedStylizer;
import dev.animegan.core.video.FlickerMeter;
import dev.animegan.core.video.FrameReader;
import dev.animegan.core.video.SegmentEncoder;
import dev.animegan.core.video.TemporalSmoother;
import dev.animegan.core.video.VideoInfo;
import dev.animegan.core.video.VideoMuxer;
import dev.animegan.core.video.VideoProbe;
import dev.animegan.core.video.VideoRejected;
import dev.animegan.spark.common.FilePaths;
import dev.animegan.spark.common.HadoopFiles;
import dev.animegan.spark.common.SerializableHadoopConf;
import dev.animegan.spark.infer.Generators;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The video job's executor side: probe a video, stylise a segment, join a video's segments. */
final class VideoTasks {
  private static final Logger LOG = LoggerFactory.getLogger(VideoTasks.class);
  static final String TMP_SUFFIX = ".animegan-tmp";
  private static final ObjectMapper JSON = new ObjectMapper();

  private VideoTasks() {}

  // ------------------------------------------------------------------ probe

  static VideoWork.Probed probe(VideoWork.Input in, VideoConfig cfg, Configuration conf) {
    if (in.length > cfg.maxFileBytes()) {
      return VideoWork.Probed.rejected(in, VideoRejected.Reason.TOO_LARGE.code(), String.format(Locale.ROOT,
          "file is %.1f MiB, over the limit of %.1f MiB (animegan.video.limits.max-file-bytes)", in.length / 1048576.0,
          cfg.maxFileBytes() / 1048576.0));
    }
    java.nio.file.Path local;
    try {
      local = LocalVideos.local(in.uri, conf);
    } catch (IOException | RuntimeException e) {
      return VideoWork.Probed.rejected(in, VideoRejected.Reason.READ_ERROR.code(), "cannot read file: " + e);
    }
    try {
      VideoInfo v = VideoProbe.probe(local, cfg.maxFrames());
      LOG.info("video {}: {}", in.display, v);
      return new VideoWork.Probed(in, null, null, v.width(), v.height(), v.fpsNum(), v.fpsDen(), v.framePtsMicros(),
          v.keyframes(), v.audioStreams(), v.codec());
    } catch (VideoRejected e) {
      LOG.warn("video {}: rejected ({}): {}", in.display, e.reason().code(), e.getMessage());
      return VideoWork.Probed.rejected(in, e.reason().code(), e.getMessage());
    }
  }

  // ------------------------------------------------------------------ segments

  /** Segment {@code index}'s video ({@code NNNNN.mp4}) in its folder. */
  static Path segmentFile(String folder, int index) {
    return FilePaths.child(new Path(folder), segmentName(index) + ".mp4");
  }

  /** Segment {@code index}'s stats ({@code NNNNN.json}), written after its video: its presence marks the segment done. */
  static Path statsFile(String folder, int index) {
    return FilePaths.child(new Path(folder), segmentName(index) + ".json");
  }

  private static String segmentName(int index) {
    return String.format(Locale.ROOT, "%05d", index);
  }

  /** What a committed segment's stats file holds (read by a rerun that reuses the segment). */
  record SegmentStats(int frames, FlickerMeter.Sums flicker) {}

  /** Stylises and encodes one segment unless it is already committed; its stats file is written last. */
  static VideoWork.SegmentDone segment(VideoWork.Segment s, VideoConfig cfg, SerializableHadoopConf conf)
      throws Exception {
    Configuration hconf = conf.get();
    Path stats = statsFile(s.folder, s.index);
    FileSystem fs = HadoopFiles.dataFs(stats, hconf);
    if (fs.exists(stats) && fs.exists(segmentFile(s.folder, s.index))) {
      try (InputStream in = fs.open(stats)) {
        SegmentStats done = JSON.readValue(in, SegmentStats.class);
        LOG.info("video {}: segment {} (frames {}..{}) already committed", s.input.display, s.index, s.start, s.end - 1);
        return new VideoWork.SegmentDone(s.folder, s.index, done.frames(), true, done.flicker(), null);
      }
    }
    long t0 = System.nanoTime();
    java.nio.file.Path video = LocalVideos.local(s.input.uri, hconf);
    java.nio.file.Path tmp = Files.createTempFile("animegan-segment-", ".mp4");
    ComputationGraph generator = Generators.borrow(cfg.model(), conf);
    FlickerMeter flicker = new FlickerMeter();
    Stages t = new Stages();
    int written;
    try (TemporalSmoother smoother = new TemporalSmoother(cfg.temporalSmoothing());
        SegmentEncoder encoder = new SegmentEncoder(tmp, s.outWidth, s.outHeight, s.fpsNum, s.fpsDen,
            new SegmentEncoder.Settings(cfg.crf(), cfg.preset()))) {
      BudgetedStylizer runner = Generators.runner(generator, cfg.memoryBudget(), cfg.batchSize(), cfg.tileSize(),
          cfg.tileOverlap(), VideoConfig.SECTION + ".memory-budget");
      List<Integer> indices = new ArrayList<>();
      List<RgbImage> batch = new ArrayList<>();
      FrameSink sink = (index, styled, input) -> {
        long a = System.nanoTime();
        RgbImage raw = cfg.preserveColor() ? ColorPreservation.apply(input, styled) : styled;
        RgbImage out = smoother.apply(input, raw);
        flicker.add(input, raw, out, index >= s.start);
        long b = System.nanoTime();
        t.ns[Stages.SMOOTH] += b - a;
        if (index >= s.start) {
          encoder.write(out);
          t.ns[Stages.ENCODE] += System.nanoTime() - b;
        }
      };
      long[] mark = {System.nanoTime()};
      int decoded = FrameReader.read(video, s.pts, s.ptsFirst, s.decodeFrom, s.end, (index, frame) -> {
        long a = System.nanoTime();
        t.ns[Stages.DECODE] += a - mark[0];
        if (index >= s.warmupFrom) { // earlier frames are decoded only to reach the segment's frames
          RgbImage input = frame.width() == s.outWidth && frame.height() == s.outHeight ? frame
              : Resampler.resize(frame, s.outWidth, s.outHeight, ResizeFilter.LANCZOS);
          t.ns[Stages.RESIZE] += System.nanoTime() - a;
          indices.add(index);
          batch.add(input);
          if (batch.size() >= cfg.batchSize()) {
            flush(runner, indices, batch, sink, s, t);
          }
        }
        mark[0] = System.nanoTime();
      });
      long a = System.nanoTime();
      t.ns[Stages.DECODE] += a - mark[0];
      flush(runner, indices, batch, sink, s, t);
      written = encoder.frames();
      if (decoded < s.end - s.decodeFrom || written != s.end - s.start) {
        throw new IOException("segment " + s.index + " of " + s.input.display + ": decoded " + decoded + " of "
            + (s.end - s.decodeFrom) + " frames, wrote " + written + " of " + (s.end - s.start));
      }
    } finally {
      Generators.giveBack(cfg.model(), generator);
    }
    long c = System.nanoTime();
    try {
      commit(tmp, segmentFile(s.folder, s.index), hconf);
    } finally {
      Files.deleteIfExists(tmp);
    }
    t.ns[Stages.COMMIT] += System.nanoTime() - c;
    FlickerMeter.Sums sums = flicker.sums();
    byte[] json = JSON.writeValueAsBytes(new SegmentStats(written, sums));
    HadoopFiles.writeAtomically(fs, stats, TMP_SUFFIX, o -> o.write(json));
    double secs = (System.nanoTime() - t0) / 1e9;
    LOG.info("video {}: segment {} done: frames {}..{} ({} written, {} warm-up) at {}x{} in {} s ({} frames/s; {})",
        s.input.display, s.index, s.start, s.end - 1, written, s.start - s.warmupFrom, s.outWidth, s.outHeight,
        String.format(Locale.ROOT, "%.1f", secs), String.format(Locale.ROOT, "%.2f", (s.end - s.warmupFrom) / secs),
        t.summary());
    return new VideoWork.SegmentDone(s.folder, s.index, written, false, sums, t.seconds());
  }

  /** Where a segment task's time goes: decode, resize, generator, colour/smoothing/flicker, encode, commit. */
  static final class Stages {
    static final String[] NAMES = {"decode", "resize", "generator", "smoothing", "encode", "commit"};
    static final int DECODE = 0;
    static final int RESIZE = 1;
    static final int GENERATOR = 2;
    static final int SMOOTH = 3;
    static final int ENCODE = 4;
    static final int COMMIT = 5;
    final long[] ns = new long[NAMES.length];

    double[] seconds() {
      double[] s = new double[ns.length];
      for (int i = 0; i < ns.length; i++) {
        s[i] = ns[i] / 1e9;
      }
      return s;
    }

    String summary() {
      long total = java.util.Arrays.stream(ns).sum();
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < ns.length; i++) {
        b.append(i == 0 ? "" : ", ").append(NAMES[i]).append(' ')
            .append(total == 0 ? 0 : Math.round(100.0 * ns[i] / total)).append('%');
      }
      return b.toString();
    }
  }

  @FunctionalInterface
  private interface FrameSink {
    void frame(int index, RgbImage styled, RgbImage input) throws Exception;
  }

  private static void flush(BudgetedStylizer runner, List<Integer> indices, List<RgbImage> batch, FrameSink sink,
      VideoWork.Segment s, Stages t) throws Exception {
    if (batch.isEmpty()) {
      return;
    }
    long a = System.nanoTime();
    List<BudgetedStylizer.Result> styled = runner.whole(batch);
    t.ns[Stages.GENERATOR] += System.nanoTime() - a;
    for (int i = 0; i < batch.size(); i++) {
      if (styled.get(i) instanceof BudgetedStylizer.DoesNotFit d) {
        throw new IOException("frame " + indices.get(i) + " of " + s.input.display + ": " + d.message());
      }
      sink.frame(indices.get(i), ((BudgetedStylizer.Done) styled.get(i)).image(), batch.get(i));
    }
    indices.clear();
    batch.clear();
  }

  /** Copies a local file to {@code target} through a temporary sibling and a rename. */
  static void commit(java.nio.file.Path local, Path target, Configuration hconf) throws IOException {
    FileSystem fs = HadoopFiles.dataFs(target, hconf);
    fs.mkdirs(target.getParent());
    HadoopFiles.writeAtomically(fs, target, TMP_SUFFIX, (OutputStream o) -> Files.copy(local, o));
  }

  // ------------------------------------------------------------------ mux

  /** Joins a video's committed segments with its audio into {@code videos/<rel>.mp4}, then removes the segments. */
  static VideoWork.Muxed mux(VideoWork.Mux m, String videosRoot, Configuration hconf) throws Exception {
    Path target = FilePaths.child(new Path(videosRoot), m.input.outRel);
    Path folder = new Path(m.folder);
    FileSystem fs = HadoopFiles.dataFs(folder, hconf);
    java.nio.file.Path work = Files.createTempDirectory("animegan-mux-");
    try {
      List<java.nio.file.Path> parts = new ArrayList<>();
      for (int i = 0; i < m.segments; i++) {
        Path p = segmentFile(m.folder, i);
        if (HadoopFiles.isLocal(fs)) {
          parts.add(HadoopFiles.localPath(fs, p));
        } else {
          java.nio.file.Path local = work.resolve(i + ".mp4");
          try (InputStream in = fs.open(p)) {
            Files.copy(in, local);
          }
          parts.add(local);
        }
      }
      java.nio.file.Path original = LocalVideos.local(m.input.uri, hconf); // audio and display rotation
      java.nio.file.Path out = work.resolve("out.mp4");
      VideoMuxer.Result r = VideoMuxer.mux(parts, original, m.startMicros, m.fpsNum, m.fpsDen, out);
      if (r.frames() != m.frames) {
        throw new IOException(m.input.display + ": joined " + r.frames() + " frames, expected " + m.frames);
      }
      if (!r.droppedAudio().isEmpty()) {
        LOG.warn("video {}: audio left out, its codec cannot go into MP4: {}", m.input.display, r.droppedAudio());
      }
      commit(out, target, hconf);
      fs.delete(folder, true);
      LOG.info("video {}: written {} ({} frames, {} audio stream(s))", m.input.display, target, r.frames(),
          r.audioStreams());
      return new VideoWork.Muxed(m.input.outRel, r.frames(), r.audioStreams(), String.join(", ", r.droppedAudio()));
    } finally {
      try (var files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}

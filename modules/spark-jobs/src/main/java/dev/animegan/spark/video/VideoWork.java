package dev.animegan.spark.video;

import dev.animegan.core.video.FlickerMeter;
import java.io.Serializable;

/**
 * The small objects the video job's tasks take and return. Plain classes, not records: Spark's
 * Kryo serializer (the bundled Spark home's default) cannot build records.
 */
final class VideoWork {
  private VideoWork() {}

  /** A listed video: its URI, the path as the user spells it, its output name (relative to videos/) and length. */
  static final class Input implements Serializable {
    final String uri;
    final String display;
    final String outRel;
    final long length;

    Input(String uri, String display, String outRel, long length) {
      this.uri = uri;
      this.display = display;
      this.outRel = outRel;
      this.length = length;
    }
  }

  /** What probing one video found: its structure, or why it is rejected ({@code reason} non-null). */
  static final class Probed implements Serializable {
    final Input input;
    final String reason;
    final String message;
    final int width;
    final int height;
    final int fpsNum;
    final int fpsDen;
    final long[] pts;
    final int[] keyframes;
    final int audioStreams;
    final String codec;

    Probed(Input input, String reason, String message, int width, int height, int fpsNum, int fpsDen, long[] pts,
        int[] keyframes, int audioStreams, String codec) {
      this.input = input;
      this.reason = reason;
      this.message = message;
      this.width = width;
      this.height = height;
      this.fpsNum = fpsNum;
      this.fpsDen = fpsDen;
      this.pts = pts;
      this.keyframes = keyframes;
      this.audioStreams = audioStreams;
      this.codec = codec;
    }

    static Probed rejected(Input input, String reason, String message) {
      return new Probed(input, reason, message, 0, 0, 0, 0, null, null, 0, null);
    }

    boolean ok() {
      return reason == null;
    }
  }

  /** One segment to stylise: frames [start, end) written, stylised from warmupFrom, decoded from decodeFrom. */
  static final class Segment implements Serializable {
    final Input input;
    final String folder;
    final int index;
    final int start;
    final int end;
    final int warmupFrom;
    final int decodeFrom;
    /** Presentation times of frames ptsFirst.. (from one frame before decodeFrom to one after end). */
    final long[] pts;
    final int ptsFirst;
    final int fpsNum;
    final int fpsDen;
    final int outWidth;
    final int outHeight;

    Segment(Input input, String folder, int index, int start, int end, int warmupFrom, int decodeFrom, long[] pts,
        int ptsFirst, int fpsNum, int fpsDen, int outWidth, int outHeight) {
      this.input = input;
      this.folder = folder;
      this.index = index;
      this.start = start;
      this.end = end;
      this.warmupFrom = warmupFrom;
      this.decodeFrom = decodeFrom;
      this.pts = pts;
      this.ptsFirst = ptsFirst;
      this.fpsNum = fpsNum;
      this.fpsDen = fpsDen;
      this.outWidth = outWidth;
      this.outHeight = outHeight;
    }
  }

  /** A finished segment: frames written, whether it was already committed, and its flicker sums. */
  static final class SegmentDone implements Serializable {
    final String folder;
    final int index;
    final int frames;
    final boolean reused;
    final long pairs;
    final long pixels;
    final long staticPixels;
    final double input;
    final double raw;
    final double output;
    /** Seconds per stage (VideoTasks.Stages.NAMES) of this run's work; null for a reused segment. */
    final double[] stageSeconds;

    SegmentDone(String folder, int index, int frames, boolean reused, FlickerMeter.Sums s, double[] stageSeconds) {
      this.folder = folder;
      this.index = index;
      this.frames = frames;
      this.reused = reused;
      this.pairs = s.pairs();
      this.pixels = s.pixels();
      this.staticPixels = s.staticPixels();
      this.input = s.input();
      this.raw = s.raw();
      this.output = s.output();
      this.stageSeconds = stageSeconds;
    }

    FlickerMeter.Sums sums() {
      return new FlickerMeter.Sums(pairs, pixels, staticPixels, input, raw, output);
    }
  }

  /** A video to join: its segments' folder and count, the audio source and the frame rate. */
  static final class Mux implements Serializable {
    final Input input;
    final String folder;
    final int segments;
    final int frames;
    final long startMicros;
    final int fpsNum;
    final int fpsDen;
    final int audioStreams;

    Mux(Input input, String folder, int segments, int frames, long startMicros, int fpsNum, int fpsDen, int audioStreams) {
      this.input = input;
      this.folder = folder;
      this.segments = segments;
      this.frames = frames;
      this.startMicros = startMicros;
      this.fpsNum = fpsNum;
      this.fpsDen = fpsDen;
      this.audioStreams = audioStreams;
    }
  }

  /** A joined video: frames and audio streams written, audio streams left out (codec not allowed in MP4). */
  static final class Muxed implements Serializable {
    final String outRel;
    final int frames;
    final int audioStreams;
    final String droppedAudio;

    Muxed(String outRel, int frames, int audioStreams, String droppedAudio) {
      this.outRel = outRel;
      this.frames = frames;
      this.audioStreams = audioStreams;
      this.droppedAudio = droppedAudio;
    }
  }
}

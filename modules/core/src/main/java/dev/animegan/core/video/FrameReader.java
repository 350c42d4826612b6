package dev.animegan.core.video;

import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;

import dev.animegan.core.image.RgbImage;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;

/**
 * Decodes frames {@code [from, to)} of a probed video, in order, as RGB. Frames are identified by
 * their presentation times (the probe's list), not by counting, so a seek that lands early or late
 * cannot shift them: a seek lands at or before {@code from} and the frames before it are dropped;
 * if it lands after {@code from}, decoding restarts from the beginning of the file.
 */
public final class FrameReader {
  /** Receives each decoded frame. */
  public interface Sink {
    void frame(int index, RgbImage image) throws Exception;
  }

  private FrameReader() {}

  /** Returns the number of frames delivered ({@code to - from} unless the file ends early). */
  public static int read(Path file, long[] framePts, int from, int to, Sink sink) throws Exception {
    return read(file, framePts, 0, from, to, sink);
  }

  /**
   * As above, with the presentation times of frames {@code first, first + 1, ...} only
   * ({@code framePts[0]} is frame {@code first}). With {@code first > 0} the list must start one
   * frame before {@code from}, so that the frames before the range are recognised as such.
   */
  public static int read(Path file, long[] framePts, int first, int from, int to, Sink sink) throws Exception {
    if (first > 0 && first >= from) {
      throw new IllegalArgumentException("the frame times must start before frame " + from + ", they start at " + first);
    }
    FfmpegLog.quiet();
    int delivered = readFrom(file, framePts, first, from, to, sink, from > 0);
    if (delivered < 0) {
      delivered = readFrom(file, framePts, first, from, to, sink, false);
    }
    return delivered;
  }

  /** -1 when the seek overshot {@code from} (nothing was delivered). */
  private static int readFrom(Path file, long[] framePts, int first, int from, int to, Sink sink, boolean seek)
      throws Exception {
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile())) {
      g.setPixelFormat(AV_PIX_FMT_RGB24);
      g.setVideoOption("threads", "1");
      g.setAudioStream(Integer.MAX_VALUE); // frames only: no audio decoder
      g.start();
      if (seek) {
        g.setVideoTimestamp(framePts[from - first] - streamStartMicros(g));
      }
      int next = from;
      Frame f;
      while (next < to && (f = g.grabImage()) != null) {
        int index = first + VideoInfo.nearestFrame(framePts, f.timestamp);
        if (index < next) {
          continue; // before the range, or a repeated time
        }
        if (index > next && next == from && seek) {
          return -1;
        }
        // a frame missing in the middle (a decode error) is filled with the next one, keeping the count
        RgbImage img = rgb(f);
        while (next <= index && next < to) {
          sink.frame(next++, img);
        }
      }
      return next - from;
    }
  }

  /** The time JavaCV's seek counts from: the video stream's start time, else the container's. */
  private static long streamStartMicros(FFmpegFrameGrabber g) {
    AVFormatContext oc = g.getFormatContext();
    long ts0 = oc.start_time() != AV_NOPTS_VALUE ? oc.start_time() : 0;
    for (int i = 0; i < oc.nb_streams(); i++) {
      AVStream st = oc.streams(i);
      if (st.codecpar().codec_type() == org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO) {
        if (st.start_time() != AV_NOPTS_VALUE) {
          AVRational tb = st.time_base();
          ts0 = 1_000_000L * st.start_time() * tb.num() / tb.den();
        }
        break;
      }
    }
    return ts0;
  }

  /** A copy of the grabber's RGB24 buffer (it is reused for the next frame). */
  static RgbImage rgb(Frame f) {
    int w = f.imageWidth;
    int h = f.imageHeight;
    ByteBuffer buf = (ByteBuffer) f.image[0];
    int stride = f.imageStride;
    byte[] out = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      buf.position(y * stride);
      buf.get(out, y * w * 3, w * 3);
    }
    buf.rewind();
    return new RgbImage(w, h, out);
  }
}

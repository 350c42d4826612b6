package dev.animegan.core.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;

/**
 * Reads a video file's structure without decoding it: every packet of the first video stream gives
 * one frame's presentation time and whether it is a keyframe. One decode of the first frame
 * proves that the stream decodes. Problems become a {@link VideoRejected} with a reason.
 */
public final class VideoProbe {
  private VideoProbe() {}

  public static VideoInfo probe(Path file, long maxFrames) throws VideoRejected {
    long size;
    try {
      size = Files.size(file);
    } catch (java.io.IOException e) {
      throw new VideoRejected(VideoRejected.Reason.READ_ERROR, "cannot read file: " + e);
    }
    if (size == 0) {
      throw new VideoRejected(VideoRejected.Reason.EMPTY, "file is empty (0 bytes)");
    }
    FfmpegLog.quiet();
    int audio = 0;
    int videoIndex = -1;
    int fpsNum;
    int fpsDen;
    int width;
    int height;
    String codec;
    long declaredFrames;
    List<long[]> packets = new ArrayList<>(); // {pts micros, key}
    try (FFmpegFrameGrabber g = openForProbe(file)) {
      AVFormatContext oc = g.getFormatContext();
      for (int i = 0; i < oc.nb_streams(); i++) {
        AVStream st = oc.streams(i);
        int type = st.codecpar().codec_type();
        if (type == AVMEDIA_TYPE_AUDIO) {
          audio++;
        } else if (type == AVMEDIA_TYPE_VIDEO && videoIndex < 0
            && (st.disposition() & avformat.AV_DISPOSITION_ATTACHED_PIC) == 0) {
          videoIndex = i;
        }
      }
      if (videoIndex < 0 || !g.hasVideo()) {
        throw new VideoRejected(VideoRejected.Reason.NO_VIDEO_STREAM, audio > 0
            ? "no video stream (audio only: " + audio + " audio stream" + (audio > 1 ? "s" : "") + ")"
            : "no video stream");
      }
      AVStream vs = oc.streams(videoIndex);
      AVRational rate = vs.avg_frame_rate().num() > 0 && vs.avg_frame_rate().den() > 0 ? vs.avg_frame_rate() : vs.r_frame_rate();
      if (rate.num() <= 0 || rate.den() <= 0) {
        throw new VideoRejected(VideoRejected.Reason.UNSUPPORTED_FORMAT, "the video stream has no frame rate");
      }
      fpsNum = rate.num();
      fpsDen = rate.den();
      width = g.getImageWidth();
      height = g.getImageHeight();
      codec = g.getVideoCodecName() == null ? "unknown" : g.getVideoCodecName();
      // MP4/MOV declare their sample count in the index; other containers' counts are estimates
      declaredFrames = oc.iformat() != null && oc.iformat().name().getString().startsWith("mov,") ? vs.nb_frames() : 0;
      AVRational tb = vs.time_base();
      long last = Long.MIN_VALUE;
      AVPacket pkt;
      while ((pkt = g.grabPacket()) != null) {
        if (pkt.stream_index() != videoIndex) {
          continue;
        }
        long ts = pkt.pts() != AV_NOPTS_VALUE ? pkt.pts() : pkt.dts();
        long micros = ts == AV_NOPTS_VALUE ? (last == Long.MIN_VALUE ? 0 : last + 1_000_000L * fpsDen / fpsNum)
            : 1_000_000L * ts * tb.num() / tb.den();
        last = micros;
        packets.add(new long[] {micros, (pkt.flags() & AV_PKT_FLAG_KEY) != 0 ? 1 : 0});
        if (packets.size() > maxFrames) {
          throw new VideoRejected(VideoRejected.Reason.TOO_LARGE, "more than " + maxFrames
              + " frames (animegan.video.limits.max-frames)");
        }
      }
    } catch (VideoRejected e) {
      throw e;
    } catch (Exception e) {
      String unsupported = unsupportedVideo(e, file);
      if (unsupported != null) {
        throw new VideoRejected(VideoRejected.Reason.UNSUPPORTED_FORMAT, unsupported);
      }
      String cut = IsoBoxes.truncation(file, size);
      if (cut != null) {
        throw new VideoRejected(VideoRejected.Reason.TRUNCATED, cut);
      }
      throw new VideoRejected(VideoRejected.Reason.CORRUPT, "FFmpeg cannot read it: " + message(e));
    }
    if (declaredFrames > 0 && packets.size() < declaredFrames) {
      throw new VideoRejected(VideoRejected.Reason.TRUNCATED, "the file ends after " + packets.size() + " of its "
          + declaredFrames + " video frames");
    }
    if (packets.isEmpty()) {
      throw new VideoRejected(VideoRejected.Reason.CORRUPT, "the video stream has no frames");
    }
    checkDecodes(file);
    packets.sort((a, b) -> Long.compare(a[0], b[0]));
    long[] pts = new long[packets.size()];
    List<Integer> keys = new ArrayList<>();
    for (int i = 0; i < pts.length; i++) {
      pts[i] = packets.get(i)[0];
      if (packets.get(i)[1] == 1) {
        keys.add(i);
      }
    }
    if (keys.isEmpty() || keys.get(0) != 0) {
      keys.add(0, 0); // decoding starts at the first frame in any case
    }
    return new VideoInfo(width, height, fpsNum, fpsDen, pts, keys.stream().mapToInt(Integer::intValue).toArray(),
        audio, codec);
  }

  /**
   * Opens for probing: with the first audio stream's decoder, as JavaCV does, unless FFmpeg has no
   * decoder for it (the audio is copied, never decoded, so it cannot make the video unusable).
   */
  private static FFmpegFrameGrabber openForProbe(Path file) throws FFmpegFrameGrabber.Exception {
    try {
      return open(file, true);
    } catch (FFmpegFrameGrabber.Exception e) {
      if (String.valueOf(e.getMessage()).contains("Unsupported audio format")) {
        return open(file, false);
      }
      throw e;
    }
  }

  /** A message naming the video codec when FFmpeg has no decoder for it; null for other errors. */
  static String unsupportedVideo(Exception e, Path file) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("Unsupported video format or codec not found: (-?\\d+)")
        .matcher(String.valueOf(e.getMessage()));
    if (!m.find()) {
      return null;
    }
    int id = Integer.parseInt(m.group(1));
    String name = id == 0 ? "unknown" : org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name(id).getString();
    String tag = fourcc(file);
    return "FFmpeg has no decoder for its video codec (" + name + (tag == null ? "" : ", tag '" + tag + "'") + ")";
  }

  /** The first video stream's codec tag as text (an AVI/MOV FourCC), or null. */
  private static String fourcc(Path file) {
    try {
      AVFormatContext ic = VideoMuxer.openInput(file);
      try {
        int tag = VideoMuxer.videoStream(ic, file).codecpar().codec_tag();
        if (tag == 0) {
          return null;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 4; i++) {
          int c = (tag >> (8 * i)) & 0xFF;
          b.append(c >= 32 && c < 127 ? (char) c : '?');
        }
        return b.toString();
      } finally {
        avformat.avformat_close_input(ic);
      }
    } catch (java.io.IOException e) {
      return null;
    }
  }

  /** The first frame must decode. */
  private static void checkDecodes(Path file) throws VideoRejected {
    try (FFmpegFrameGrabber g = open(file, false)) {
      Frame f = g.grabImage();
      if (f == null || f.image == null) {
        throw new VideoRejected(VideoRejected.Reason.CORRUPT, "no video frame decodes");
      }
    } catch (VideoRejected e) {
      throw e;
    } catch (Exception e) {
      throw new VideoRejected(VideoRejected.Reason.CORRUPT, "FFmpeg cannot decode it: " + message(e));
    }
  }

  /** A started grabber; {@code audio} false: no audio decoder is opened (JavaCV then selects no audio stream). */
  static FFmpegFrameGrabber open(Path file, boolean audio) throws FFmpegFrameGrabber.Exception {
    FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile());
    g.setVideoOption("threads", "1"); // one Spark task, one core
    if (!audio) {
      g.setAudioStream(Integer.MAX_VALUE);
    }
    try {
      g.start();
    } catch (FFmpegFrameGrabber.Exception | RuntimeException e) {
      try {
        g.close();
      } catch (Exception ignored) {
        // the open error is the one to report
      }
      throw e;
    }
    return g;
  }

  static String message(Throwable e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    // JavaCV's messages name the file and suggest setFormat(); keep FFmpeg's part.
    return m.replaceAll(" \\(Has setFormat\\(\\) been called\\?\\)", "").trim();
  }
}

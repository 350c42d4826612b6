package dev.animegan.core.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import dev.animegan.core.image.RgbImage;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Encodes one segment's frames as H.264 (libx264, yuv420p, High profile, no B-frames so that
 * segments concatenate with monotonic timestamps) into an MP4 file, at the input's frame rate;
 * frame i of the segment gets presentation time i / fps.
 */
public final class SegmentEncoder implements AutoCloseable {
  public static final String ENCODER = "libx264";

  /** Encoder settings: x264's constant rate factor (0 = lossless luma/chroma planes, 51 = worst) and preset. */
  public record Settings(int crf, String preset) implements java.io.Serializable {}

  private final FFmpegFrameRecorder recorder;
  private final int width;
  private final int height;
  private final ByteBuffer buffer;
  private int frames;

  public SegmentEncoder(Path out, int width, int height, int fpsNum, int fpsDen, Settings settings) throws Exception {
    if (width % 2 != 0 || height % 2 != 0) {
      throw new IllegalArgumentException("yuv420p needs even sides, got " + width + "x" + height);
    }
    requireEncoder();
    FfmpegLog.quiet();
    this.width = width;
    this.height = height;
    recorder = new FFmpegFrameRecorder(out.toFile(), width, height, 0);
    recorder.setFormat("mp4");
    recorder.setVideoCodec(AV_CODEC_ID_H264);
    recorder.setVideoCodecName(ENCODER);
    recorder.setPixelFormat(AV_PIX_FMT_YUV420P);
    recorder.setFrameRate(fpsNum / (double) fpsDen);
    recorder.setMaxBFrames(0);
    recorder.setVideoOption("crf", Integer.toString(settings.crf()));
    recorder.setVideoOption("preset", settings.preset());
    recorder.setVideoOption("profile", settings.crf() == 0 ? "high444" : "high");
    recorder.setVideoOption("threads", "1");
    recorder.start();
    buffer = ByteBuffer.allocateDirect(width * height * 3);
  }

  /** libx264 must be in the FFmpeg build on the class path (the {@code linux-x86_64-gpl} natives). */
  public static void requireEncoder() {
    org.bytedeco.ffmpeg.avcodec.AVCodec c = avcodec.avcodec_find_encoder_by_name(ENCODER);
    if (c == null || c.isNull()) {
      throw new IllegalStateException("FFmpeg has no " + ENCODER + " encoder: put org.bytedeco:ffmpeg:5.0-1.5.7:"
          + "linux-x86_64-gpl on the class path (the job jar includes it)");
    }
  }

  public void write(RgbImage frame) throws Exception {
    if (frame.width() != width || frame.height() != height) {
      throw new IllegalArgumentException("frame is " + frame.width() + "x" + frame.height() + ", the segment " + width + "x"
          + height);
    }
    buffer.clear();
    buffer.put(frame.data());
    buffer.flip();
    recorder.recordImage(width, height, Frame.DEPTH_UBYTE, 3, width * 3, AV_PIX_FMT_RGB24, buffer);
    frames++;
  }

  public int frames() {
    return frames;
  }

  @Override
  public void close() throws Exception {
    try {
      recorder.stop();
    } finally {
      recorder.release();
    }
  }
}

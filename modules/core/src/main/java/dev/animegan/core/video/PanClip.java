package dev.animegan.core.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import dev.animegan.core.image.ImageDecoder;
import dev.animegan.core.image.Resampler;
import dev.animegan.core.image.ResizeFilter;
import dev.animegan.core.image.RgbImage;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Makes a test clip from a still photo: a slow left-to-right pan of a {@code width x height}
 * window over the photo (scaled so that its height fills the window), at 25 fps, H.264 with a
 * quiet 440 Hz AAC tone. Used by {@code jobs/demo.sh} and {@code jobs/bench.sh video}.
 * Usage: {@code PanClip PHOTO OUT.mp4 SECONDS WIDTH HEIGHT}.
 */
public final class PanClip {
  public static final int FPS = 25;

  private PanClip() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      throw new IllegalArgumentException("usage: PanClip PHOTO OUT.mp4 SECONDS WIDTH HEIGHT");
    }
    write(Path.of(args[0]), Path.of(args[1]), Double.parseDouble(args[2]), Integer.parseInt(args[3]),
        Integer.parseInt(args[4]));
  }

  public static Path write(Path photo, Path out, double seconds, int width, int height) throws Exception {
    FfmpegLog.quiet();
    ImageDecoder.Result r = new ImageDecoder(ImageDecoder.Options.defaults()).decode(Files.readAllBytes(photo));
    if (!(r instanceof ImageDecoder.Decoded d)) {
      throw new IllegalArgumentException("cannot decode " + photo + ": " + r);
    }
    RgbImage img = d.image();
    double scale = Math.max(height / (double) img.height(), width * 1.25 / img.width());
    RgbImage big = Resampler.resize(img, (int) Math.round(img.width() * scale), (int) Math.round(img.height() * scale),
        ResizeFilter.LANCZOS);
    int frames = (int) Math.round(seconds * FPS);
    if (out.toAbsolutePath().getParent() != null) {
      Files.createDirectories(out.toAbsolutePath().getParent());
    }
    FFmpegFrameRecorder rec = new FFmpegFrameRecorder(out.toFile(), width, height, 1);
    try {
      rec.setFormat("mp4");
      rec.setVideoCodec(AV_CODEC_ID_H264);
      rec.setVideoCodecName(SegmentEncoder.ENCODER);
      rec.setVideoOption("preset", "veryfast");
      rec.setVideoOption("crf", "18");
      rec.setPixelFormat(AV_PIX_FMT_YUV420P);
      rec.setFrameRate(FPS);
      rec.setGopSize(FPS);
      rec.setAudioCodec(AV_CODEC_ID_AAC);
      rec.setSampleRate(44100);
      rec.setAudioBitrate(64000);
      rec.start();
      ByteBuffer buf = ByteBuffer.allocateDirect(width * height * 3);
      int travel = big.width() - width;
      int y0 = (big.height() - height) / 2;
      for (int f = 0; f < frames; f++) {
        int x0 = frames == 1 ? 0 : (int) Math.round(travel * f / (double) (frames - 1));
        RgbImage window = big.crop(x0, y0, width, height);
        buf.clear();
        buf.put(window.data());
        buf.flip();
        rec.recordImage(width, height, Frame.DEPTH_UBYTE, 3, width * 3, AV_PIX_FMT_RGB24, buf);
      }
      int samples = (int) Math.round(seconds * 44100);
      ShortBuffer tone = ShortBuffer.allocate(samples);
      for (int i = 0; i < samples; i++) {
        tone.put((short) (3000 * Math.sin(2 * Math.PI * 440 * i / 44100.0)));
      }
      tone.flip();
      rec.recordSamples(44100, 1, tone);
      rec.stop();
    } finally {
      rec.release();
    }
    return out;
  }
}

package dev.animegan.core.image;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MJPEG;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_QUIET;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GRAY8;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ422P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ444P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JPEG decoding with FFmpeg's JPEG decoder (JavaCPP's FFmpeg build, SIMD IDCT), which can scale
 * by 1/2, 1/4 or 1/8 in the DCT domain while decoding ({@code lowres}): the IDCT then computes
 * only the pixels of the smaller image. The colour conversion is libjpeg's: the JFIF YCbCr to RGB
 * transform with libjpeg's fixed-point tables, after libjpeg's "fancy" (triangle) chroma
 * upsampling, so full-size results match the JDK decoder's to within IDCT rounding.
 *
 * <p>Measured on 1.3 MP photos, one thread: full decode 3.3 ms in FFmpeg (ImageIO 8.2 ms,
 * JavaCPP OpenCV's libjpeg-turbo 14.6 ms, which is built without SIMD). Orientation is left to the
 * caller (EXIF is applied the same way as for full decodes). Only baseline/progressive 8-bit
 * YCbCr 4:2:0, 4:2:2, 4:4:4 and grayscale come back; anything else returns null so that the
 * caller's full decoder handles it and reports its problems.
 */
public final class ScaledJpegDecoder {
  private static final Logger LOG = LoggerFactory.getLogger(ScaledJpegDecoder.class);
  private static final AVCodec CODEC = load();

  // libjpeg's jdcolor.c tables: SCALEBITS 16, ONE_HALF rounding.
  private static final int[] CR_R = new int[256];
  private static final int[] CB_B = new int[256];
  private static final int[] CR_G = new int[256];
  private static final int[] CB_G = new int[256];

  /** v + 256 clamped to 0..255, for v in -256..511 (libjpeg's range_limit table). */
  private static final byte[] RANGE = new byte[768];

  static {
    for (int i = 0; i < RANGE.length; i++) {
      RANGE[i] = (byte) Math.max(0, Math.min(255, i - 256));
    }
    for (int i = 0; i < 256; i++) {
      int x = i - 128;
      CR_R[i] = (fix(1.40200) * x + (1 << 15)) >> 16;
      CB_B[i] = (fix(1.77200) * x + (1 << 15)) >> 16;
      CR_G[i] = -fix(0.71414) * x;
      CB_G[i] = -fix(0.34414) * x + (1 << 15);
    }
  }

  private ScaledJpegDecoder() {}

  private static int fix(double v) {
    return (int) (v * (1 << 16) + 0.5);
  }

  private static AVCodec load() {
    try {
      av_log_set_level(AV_LOG_QUIET); // failures are reported by the fallback decoder, per file
      AVCodec c = avcodec_find_decoder(AV_CODEC_ID_MJPEG);
      if (c == null || c.isNull()) {
        LOG.warn("FFmpeg has no JPEG decoder; JPEGs are decoded at full size by ImageIO");
        return null;
      }
      return c;
    } catch (Throwable e) {
      LOG.warn("FFmpeg (JavaCPP) is not available; JPEGs are decoded at full size by ImageIO: {}", e.toString());
      return null;
    }
  }

  public static boolean available() {
    return CODEC != null;
  }

  /**
   * The DCT scale denominator (1, 2, 4 or 8) for a JPEG of {@code width x height} whose short side
   * must stay at least {@code targetShortSide}: the scaled size is ceil(size / denominator).
   */
  public static int denominator(int width, int height, int targetShortSide) {
    int shortSide = Math.min(width, height);
    for (int d = 8; d >= 2; d /= 2) {
      if ((shortSide + d - 1) / d >= targetShortSide) {
        return d;
      }
    }
    return 1;
  }

  /**
   * The decoded planes of a JPEG, as stored: luma {@code width x height}; for colour images the two
   * chroma planes of {@code chromaWidth x chromaHeight}, subsampled by {@code hsub} across and
   * {@code vsub} down (JFIF's centred siting: chroma sample j covers luma pixels j*hsub to
   * (j+1)*hsub - 1); {@code cb} and {@code cr} are null for grayscale.
   */
  public record Planes(int width, int height, byte[] y, byte[] cb, byte[] cr, int chromaWidth, int chromaHeight,
      int hsub, int vsub) {
    public boolean gray() {
      return cb == null;
    }
  }

  /**
   * Decodes {@code jpeg} at 1/{@code denominator} of its size, in its stored orientation; null
   * when FFmpeg refuses it or reports any error in the data (the caller then uses the full
   * decoder, which says why).
   */
  public static RgbImage decode(byte[] jpeg, int denominator) {
    Planes planes = decodePlanes(jpeg, denominator);
    return planes == null ? null : toRgb(planes);
  }

  /** As {@link #decode}, but the YCbCr planes as decoded, before chroma upsampling and colour conversion. */
  public static Planes decodePlanes(byte[] jpeg, int denominator) {
    if (CODEC == null) {
      return null;
    }
    int lowres = switch (denominator) {
      case 1 -> 0;
      case 2 -> 1;
      case 4 -> 2;
      case 8 -> 3;
      default -> throw new IllegalArgumentException("DCT scale 1/" + denominator);
    };
    AVCodecContext ctx = avcodec_alloc_context3(CODEC);
    AVPacket pkt = av_packet_alloc();
    AVFrame frame = av_frame_alloc();
    try (BytePointer data = new BytePointer((long) jpeg.length + AV_INPUT_BUFFER_PADDING_SIZE)) {
      ctx.lowres(lowres);
      ctx.thread_count(1); // one decode per task thread; Spark runs the tasks in parallel
      ctx.err_recognition(1 << 3); // AV_EF_EXPLODE: fail on any error instead of concealing it
      if (avcodec_open2(ctx, CODEC, (PointerPointer<?>) null) < 0) {
        return null;
      }
      data.put(jpeg, 0, jpeg.length);
      data.position(jpeg.length).put(new byte[AV_INPUT_BUFFER_PADDING_SIZE]).position(0);
      pkt.data(data);
      pkt.size(jpeg.length);
      if (avcodec_send_packet(ctx, pkt) < 0 || avcodec_receive_frame(ctx, frame) < 0) {
        return null;
      }
      if (frame.decode_error_flags() != 0) {
        return null;
      }
      return planes(frame);
    } catch (RuntimeException e) {
      return null;
    } finally {
      pkt.data(null);
      pkt.size(0);
      av_packet_free(pkt);
      av_frame_free(frame);
      avcodec_free_context(ctx);
    }
  }

  private static Planes planes(AVFrame frame) {
    int w = frame.width();
    int h = frame.height();
    int fmt = frame.format();
    if (w <= 0 || h <= 0) {
      return null;
    }
    int hsub;
    int vsub;
    if (fmt == AV_PIX_FMT_YUVJ420P) {
      hsub = 2;
      vsub = 2;
    } else if (fmt == AV_PIX_FMT_YUVJ422P) {
      hsub = 2;
      vsub = 1;
    } else if (fmt == AV_PIX_FMT_YUVJ444P) {
      hsub = 1;
      vsub = 1;
    } else if (fmt == AV_PIX_FMT_GRAY8) {
      return new Planes(w, h, plane(frame, 0, w, h), null, null, 0, 0, 1, 1);
    } else {
      return null;
    }
    int cw = (w + hsub - 1) / hsub;
    int ch = (h + vsub - 1) / vsub;
    return new Planes(w, h, plane(frame, 0, w, h), plane(frame, 1, cw, ch), plane(frame, 2, cw, ch), cw, ch, hsub, vsub);
  }

  /** libjpeg's output: fancy chroma upsampling, then its fixed-point YCbCr to RGB tables. */
  static RgbImage toRgb(Planes p) {
    int w = p.width();
    int h = p.height();
    byte[] y = p.y();
    byte[] out = new byte[w * h * 3];
    if (p.gray()) {
      for (int i = 0, o = 0; i < y.length; i++, o += 3) {
        out[o] = y[i];
        out[o + 1] = y[i];
        out[o + 2] = y[i];
      }
      return new RgbImage(w, h, out);
    }
    int cw = p.chromaWidth();
    int ch = p.chromaHeight();
    byte[] cb = p.cb();
    byte[] cr = p.cr();
    byte[] cbRow = new byte[w];
    byte[] crRow = new byte[w];
    int[] colsum = new int[cw];
    for (int row = 0; row < h; row++) {
      if (p.vsub() == 2) {
        // libjpeg h2v2 fancy upsampling: the nearer chroma row weighs 3, the other 1, then the same across
        int c = row >> 1;
        int other = (row & 1) == 0 ? Math.max(0, c - 1) : Math.min(ch - 1, c + 1);
        upsampleH2V2(cb, cw, c, other, colsum, cbRow, w);
        upsampleH2V2(cr, cw, c, other, colsum, crRow, w);
      } else if (p.hsub() == 2) {
        upsampleH2V1(cb, cw, row, cbRow, w);
        upsampleH2V1(cr, cw, row, crRow, w);
      } else {
        System.arraycopy(cb, row * cw, cbRow, 0, w);
        System.arraycopy(cr, row * cw, crRow, 0, w);
      }
      int yo = row * w;
      int o = yo * 3;
      byte[] range = RANGE;
      int[] crR = CR_R;
      int[] cbB = CB_B;
      int[] crG = CR_G;
      int[] cbG = CB_G;
      // o as a linear function of x, so the JIT can drop the per-store range checks
      for (int x = 0; x < w; x++) {
        int luma = (y[yo + x] & 0xFF) + 256;
        int b = cbRow[x] & 0xFF;
        int r = crRow[x] & 0xFF;
        int q = o + 3 * x;
        out[q] = range[luma + crR[r]];
        out[q + 1] = range[luma + ((cbG[b] + crG[r]) >> 16)];
        out[q + 2] = range[luma + cbB[b]];
      }
    }
    return new RgbImage(w, h, out);
  }

  /** libjpeg's h2v2_fancy_upsample for one output row: rows {@code near} (x3) and {@code far} (x1). */
  private static void upsampleH2V2(byte[] plane, int cw, int near, int far, int[] colsum, byte[] out, int w) {
    int n = near * cw;
    int f = far * cw;
    for (int i = 0; i < cw; i++) {
      colsum[i] = (plane[n + i] & 0xFF) * 3 + (plane[f + i] & 0xFF);
    }
    if (cw == 1) {
      int v = (colsum[0] * 4 + 8) >> 4;
      for (int x = 0; x < w; x++) {
        out[x] = (byte) v;
      }
      return;
    }
    byte[] tmp = w == cw * 2 ? out : new byte[cw * 2];
    tmp[0] = (byte) ((colsum[0] * 4 + 8) >> 4);
    tmp[1] = (byte) ((colsum[0] * 3 + colsum[1] + 7) >> 4);
    for (int i = 1; i < cw - 1; i++) {
      int t = colsum[i] * 3;
      tmp[2 * i] = (byte) ((t + colsum[i - 1] + 8) >> 4);
      tmp[2 * i + 1] = (byte) ((t + colsum[i + 1] + 7) >> 4);
    }
    int last = cw - 1;
    tmp[2 * last] = (byte) ((colsum[last] * 3 + colsum[last - 1] + 8) >> 4);
    tmp[2 * last + 1] = (byte) ((colsum[last] * 4 + 7) >> 4);
    if (tmp != out) {
      System.arraycopy(tmp, 0, out, 0, w);
    }
  }

  /** libjpeg's h2v1_fancy_upsample for one row. */
  private static void upsampleH2V1(byte[] plane, int cw, int row, byte[] out, int w) {
    int o = row * cw;
    if (cw == 1) {
      for (int x = 0; x < w; x++) {
        out[x] = plane[o];
      }
      return;
    }
    byte[] tmp = w == cw * 2 ? out : new byte[cw * 2];
    tmp[0] = plane[o];
    tmp[1] = (byte) (((plane[o] & 0xFF) * 3 + (plane[o + 1] & 0xFF) + 2) >> 2);
    for (int i = 1; i < cw - 1; i++) {
      int t = (plane[o + i] & 0xFF) * 3;
      tmp[2 * i] = (byte) ((t + (plane[o + i - 1] & 0xFF) + 1) >> 2);
      tmp[2 * i + 1] = (byte) ((t + (plane[o + i + 1] & 0xFF) + 2) >> 2);
    }
    int last = cw - 1;
    tmp[2 * last] = (byte) (((plane[o + last] & 0xFF) * 3 + (plane[o + last - 1] & 0xFF) + 1) >> 2);
    tmp[2 * last + 1] = plane[o + last];
    if (tmp != out) {
      System.arraycopy(tmp, 0, out, 0, w);
    }
  }

  private static byte[] plane(AVFrame frame, int index, int w, int h) {
    BytePointer p = frame.data(index);
    int stride = frame.linesize(index);
    byte[] out = new byte[w * h];
    if (stride == w) {
      p.position(0).get(out, 0, w * h);
    } else {
      for (int r = 0; r < h; r++) {
        p.position((long) r * stride).get(out, r * w, w);
      }
    }
    p.position(0);
    return out;
  }

}

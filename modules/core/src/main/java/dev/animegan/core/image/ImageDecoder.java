package dev.animegan.core.image;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns the bytes of an image file into an {@link RgbImage}, or says why it cannot with a
 * {@link RejectReason}. It never throws for bad input. The header is read first, so images over
 * the pixel limit are refused without allocating their pixels.
 */
public final class ImageDecoder {

  /**
   * @param maxPixels refuse images with more pixels than this ({@link RejectReason#TOO_LARGE})
   * @param minShortSide refuse images whose short side is below this ({@link RejectReason#TOO_SMALL}); 0 accepts all
   * @param backgroundRgb 0xRRGGBB that transparent pixels are composited onto
   * @param applyExifOrientation rotate/flip JPEGs as their EXIF orientation tag says
   */
  public record Options(long maxPixels, int minShortSide, int backgroundRgb, boolean applyExifOrientation) {
    public static Options defaults() {
      return new Options(100_000_000L, 0, 0xFFFFFF, true);
    }
  }

  /** The outcome of decoding one file. */
  public sealed interface Result permits Pixels, Rejected {}

  /** An accepted file's pixels, in whichever form the decode gave them, with the file's full size. */
  public sealed interface Pixels extends Result permits Decoded, Planar {
    ImageFormat format();

    int sourceWidth();

    int sourceHeight();
  }

  /**
   * A decoded image; {@code image} has EXIF orientation applied, so its size may differ from the
   * stored one. {@code sourceWidth x sourceHeight} is the file's full size (oriented): the image's
   * own size, unless it was decoded scaled ({@link #decode(byte[], int)}).
   */
  public record Decoded(RgbImage image, ImageFormat format, int sourceWidth, int sourceHeight) implements Pixels {
    public Decoded(RgbImage image, ImageFormat format) {
      this(image, format, image.width(), image.height());
    }

    /** Whether the image is smaller than the file (a DCT-scaled decode). */
    public boolean scaled() {
      return image.width() != sourceWidth || image.height() != sourceHeight;
    }
  }

  /**
   * A JPEG decoded scaled in the DCT domain, as its YCbCr planes (stored orientation, which has no
   * EXIF rotation): {@code 1/denominator} of the file's {@code sourceWidth x sourceHeight}. Only
   * {@link #decodeForResize} returns these, for callers that resize the planes themselves
   * ({@link Resampler#resizeRegion(ScaledJpegDecoder.Planes, int, int, ResizeFilter, int, int, int, int, double, double)}).
   */
  public record Planar(ScaledJpegDecoder.Planes planes, int sourceWidth, int sourceHeight, int denominator)
      implements Pixels {
    @Override
    public ImageFormat format() {
      return ImageFormat.JPEG;
    }
  }

  /** A refused file with its reason and a message for people. */
  public record Rejected(RejectReason reason, String message) implements Result {}

  private final Options options;

  public ImageDecoder(Options options) {
    this.options = options;
  }

  /**
   * As {@link #decode(byte[])}, but an image only needed at a short side of {@code targetShortSide}
   * may come back smaller than the file: a plain sRGB JPEG is decoded scaled in the DCT domain
   * ({@link ScaledJpegDecoder}) to the smallest size whose short side is still at least the target,
   * or decoded in full by ImageIO when no smaller size covers it. Limits and rejections are those of a full decode (from the file's full size); other files and
   * JPEGs the scaled decoder does not take are decoded in full.
   */
  public Result decode(byte[] bytes, int targetShortSide) {
    return scaled(bytes, targetShortSide, false);
  }

  /**
   * As {@link #decode(byte[], int)}, but a DCT-scaled JPEG without EXIF rotation comes back as its
   * YCbCr planes ({@link Planar}) for the caller to resize; everything else as {@link Decoded} or
   * {@link Rejected}, exactly as there.
   */
  public Result decodeForResize(byte[] bytes, int targetShortSide) {
    return scaled(bytes, targetShortSide, true);
  }

  private Result scaled(byte[] bytes, int targetShortSide, boolean planar) {
    if (targetShortSide > 0 && bytes.length > 3 && ImageFormat.sniff(bytes).format() == ImageFormat.JPEG
        && ScaledJpegDecoder.available()) {
      JpegInfo info = JpegInfo.read(bytes);
      if (info != null && info.plainSrgb()) {
        int d = ScaledJpegDecoder.denominator(info.width(), info.height(), targetShortSide);
        Rejected limit = limits(ImageFormat.JPEG, info.width(), info.height());
        if (limit != null) {
          return limit;
        }
        // d = 1 goes to ImageIO: measured faster than FFmpeg's decode plus the colour conversion in Java
        if (d > 1) {
          ScaledJpegDecoder.Planes planes;
          try (DecodeGate.Permit permit = DecodeGate.enter((long) info.width() / d, (long) info.height() / d)) {
            planes = ScaledJpegDecoder.decodePlanes(bytes, d);
          }
          if (planes != null) {
            int orientation = options.applyExifOrientation() ? ExifOrientation.readJpeg(bytes) : 1;
            if (planar && orientation == 1) {
              return new Planar(planes, info.width(), info.height(), d);
            }
            boolean swap = orientation >= 5;
            return new Decoded(ExifOrientation.apply(ScaledJpegDecoder.toRgb(planes), orientation), ImageFormat.JPEG,
                swap ? info.height() : info.width(), swap ? info.width() : info.height());
          }
        }
      }
    }
    return decode(bytes);
  }

  /** The pixel-count and short-side rules, from the header's size; null when the image passes. */
  private Rejected limits(ImageFormat format, int w, int h) {
    long pixels = (long) w * h;
    if (pixels > options.maxPixels()) {
      return new Rejected(RejectReason.TOO_LARGE, String.format(Locale.ROOT,
          "image is %dx%d (%.1f MP), over the limit of %.1f MP (animegan.ingest.limits.max-pixels)",
          w, h, pixels / 1e6, options.maxPixels() / 1e6));
    }
    int shortSide = Math.min(w, h);
    if (shortSide < options.minShortSide()) {
      return new Rejected(RejectReason.TOO_SMALL, String.format(Locale.ROOT,
          "image is %dx%d, its short side %d is below the crop size %d "
              + "(set animegan.ingest.limits.allow-upscale = true to upscale it)",
          w, h, shortSide, options.minShortSide()));
    }
    return null;
  }

  public Result decode(byte[] bytes) {
    if (bytes.length == 0) {
      return new Rejected(RejectReason.EMPTY, "file is empty (0 bytes)");
    }
    ImageFormat.Sniff sniff = ImageFormat.sniff(bytes);
    if (sniff.truncatedSignature()) {
      return new Rejected(RejectReason.TRUNCATED, "file " + sniff.description());
    }
    if (sniff.unsupportedName() != null) {
      return new Rejected(RejectReason.UNSUPPORTED_FORMAT,
          sniff.unsupportedName() + " images are not supported (supported: jpeg, png, gif, bmp, tiff, webp)");
    }
    if (!sniff.supported()) {
      return new Rejected(RejectReason.NOT_AN_IMAGE, "not an image: " + sniff.description());
    }
    ImageFormat format = sniff.format();
    ImageReader reader = ImageReaders.create(format);
    if (reader == null) {
      return new Rejected(RejectReason.UNSUPPORTED_FORMAT, "no " + format.code() + " decoder on the classpath");
    }
    List<String> warnings = new ArrayList<>();
    try (ImageInputStream in = new ByteArrayImageInputStream(bytes)) {
      reader.setInput(in, true, true);
      reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
      int w = reader.getWidth(0);
      int h = reader.getHeight(0);
      if (w <= 0 || h <= 0) {
        return new Rejected(RejectReason.CORRUPT, format.code() + " header gives an invalid size " + w + "x" + h);
      }
      Rejected limit = limits(format, w, h);
      if (limit != null) {
        return limit;
      }
      RgbImage rgb;
      try (DecodeGate.Permit permit = DecodeGate.enter(w, h)) {
        BufferedImage img = reader.read(0);
        for (String warning : warnings) {
          if (mentionsEarlyEnd(warning)) {
            return new Rejected(RejectReason.TRUNCATED, "truncated " + format.code() + ": " + warning);
          }
        }
        rgb = toRgb(img, options.backgroundRgb());
      }
      if (format == ImageFormat.JPEG && options.applyExifOrientation()) {
        rgb = ExifOrientation.apply(rgb, ExifOrientation.readJpeg(bytes));
      }
      return new Decoded(rgb, format);
    } catch (IOException | RuntimeException e) {
      OutOfMemoryError oom = dev.animegan.core.memory.OutOfMemory.in(e);
      if (oom != null) {
        // ImageIO's PNG reader wraps an OutOfMemoryError into an IIOException: it is not corruption.
        throw oom;
      }
      String msg = describe(e);
      if (looksTruncated(e)) {
        return new Rejected(RejectReason.TRUNCATED, "truncated " + format.code() + ": " + msg);
      }
      return new Rejected(RejectReason.CORRUPT, "cannot decode " + format.code() + ": " + msg);
    } finally {
      reader.dispose();
    }
  }

  private static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = e; c != null && sb.length() < 400; c = c.getCause()) {
      if (sb.length() > 0) {
        sb.append(": ");
      }
      sb.append(c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName());
      if (c.getCause() == c) {
        break;
      }
    }
    return sb.toString();
  }

  private static boolean looksTruncated(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof EOFException) {
        return true;
      }
      if (c.getMessage() != null && mentionsEarlyEnd(c.getMessage())) {
        return true;
      }
    }
    return false;
  }

  private static boolean mentionsEarlyEnd(String message) {
    String m = message.toLowerCase(Locale.ROOT);
    return m.contains("premature end") || m.contains("unexpected end") || m.contains("end of stream")
        || m.contains("end of file") || m.contains("truncat") || m.contains("eof");
  }

  /**
   * Converts any decoded image to 8-bit sRGB, compositing alpha onto {@code backgroundRgb}.
   * Gray values are taken as display values (as viewers do), not as linear light.
   */
  static RgbImage toRgb(BufferedImage img, int backgroundRgb) {
    int w = img.getWidth();
    int h = img.getHeight();
    Raster raster = img.getRaster();
    byte[] out = new byte[w * h * 3];
    if (img.getType() == BufferedImage.TYPE_3BYTE_BGR
        && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0
        && ((DataBufferByte) raster.getDataBuffer()).getData().length == out.length) {
      byte[] bgr = ((DataBufferByte) raster.getDataBuffer()).getData();
      for (int i = 0; i < out.length; i += 3) {
        out[i] = bgr[i + 2];
        out[i + 1] = bgr[i + 1];
        out[i + 2] = bgr[i];
      }
      return new RgbImage(w, h, out);
    }
    int bgR = (backgroundRgb >> 16) & 0xFF;
    int bgG = (backgroundRgb >> 8) & 0xFF;
    int bgB = backgroundRgb & 0xFF;
    ColorModel cm = img.getColorModel();
    if (cm instanceof IndexColorModel icm) {
      int[] idx = new int[w];
      for (int y = 0; y < h; y++) {
        raster.getSamples(0, y, w, 1, 0, idx);
        for (int x = 0; x < w; x++) {
          int argb = icm.getRGB(idx[x]);
          put(out, (y * w + x) * 3, (argb >> 16) & 0xFF, (argb >> 8) & 0xFF, argb & 0xFF, argb >>> 24, bgR, bgG, bgB);
        }
      }
      return new RgbImage(w, h, out);
    }
    ColorSpace cs = cm.getColorSpace();
    boolean componentModel = cm instanceof ComponentColorModel || cm instanceof DirectColorModel;
    boolean gray = cs.getType() == ColorSpace.TYPE_GRAY;
    boolean srgb = cs.getType() == ColorSpace.TYPE_RGB && cs.isCS_sRGB();
    if (!componentModel || !(gray || srgb)) {
      // CMYK, Lab, linear or ICC-profiled RGB, ...: let Java2D's colour management convert it.
      BufferedImage argb = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
      new ColorConvertOp(null).filter(img, argb);
      return toRgb(argb, backgroundRgb);
    }
    if (cm.isAlphaPremultiplied()) {
      img.coerceData(false);
      raster = img.getRaster();
    }
    int bands = raster.getNumBands();
    boolean alpha = cm.hasAlpha();
    int[] max = new int[bands];
    for (int b = 0; b < bands; b++) {
      max[b] = (1 << cm.getComponentSize(b)) - 1;
    }
    int[] row = new int[w * bands];
    for (int y = 0; y < h; y++) {
      raster.getPixels(0, y, w, 1, row);
      for (int x = 0; x < w; x++) {
        int p = x * bands;
        int r;
        int g;
        int b;
        int a;
        if (gray) {
          r = g = b = norm(row[p], max[0]);
          a = alpha ? norm(row[p + 1], max[1]) : 255;
        } else {
          r = norm(row[p], max[0]);
          g = norm(row[p + 1], max[1]);
          b = norm(row[p + 2], max[2]);
          a = alpha ? norm(row[p + 3], max[3]) : 255;
        }
        put(out, (y * w + x) * 3, r, g, b, a, bgR, bgG, bgB);
      }
    }
    return new RgbImage(w, h, out);
  }

  private static int norm(int v, int max) {
    return max == 255 ? v : (int) (((long) v * 255 + max / 2) / max);
  }

  private static void put(byte[] out, int i, int r, int g, int b, int a, int bgR, int bgG, int bgB) {
    if (a != 255) {
      int ia = 255 - a;
      r = (r * a + bgR * ia + 127) / 255;
      g = (g * a + bgG * ia + 127) / 255;
      b = (b * a + bgB * ia + 127) / 255;
    }
    out[i] = (byte) r;
    out[i + 1] = (byte) g;
    out[i + 2] = (byte) b;
  }
}

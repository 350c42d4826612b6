package dev.animegan.core.testing;

import dev.animegan.core.image.RgbImage;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Generated test images in every format the JDK can write, and the bad files tests need. */
public final class TestImages {
  private TestImages() {}

  /** A smooth, colourful, deterministic pattern. */
  public static RgbImage pattern(int w, int h) {
    byte[] d = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = (y * w + x) * 3;
        d[i] = (byte) (x * 255 / Math.max(1, w - 1));
        d[i + 1] = (byte) (y * 255 / Math.max(1, h - 1));
        d[i + 2] = (byte) (128 + 100 * Math.sin((x + y) / 9.0));
      }
    }
    return new RgbImage(w, h, d);
  }

  public static BufferedImage toType(RgbImage img, int type) {
    BufferedImage out = new BufferedImage(img.width(), img.height(), type);
    for (int y = 0; y < img.height(); y++) {
      for (int x = 0; x < img.width(); x++) {
        out.setRGB(x, y, 0xFF000000 | img.rgbAt(x, y));
      }
    }
    return out;
  }

  public static byte[] write(BufferedImage img, String format) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (!ImageIO.write(img, format, out)) {
        throw new IllegalStateException("no writer for " + format + " / type " + img.getType());
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] jpeg(BufferedImage img, float quality, boolean progressive) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
        writer.setOutput(out);
        ImageWriteParam p = writer.getDefaultWriteParam();
        p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        p.setCompressionQuality(quality);
        if (progressive) {
          p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        }
        writer.write(null, new IIOImage(img, null, null), p);
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
  }

  public static byte[] jpeg(RgbImage img) {
    return jpeg(toType(img, BufferedImage.TYPE_3BYTE_BGR), 0.95f, false);
  }

  /** A 16-bit-per-channel RGB PNG whose samples are the 8-bit ones times 257. */
  public static byte[] png16(RgbImage img) {
    java.awt.color.ColorSpace cs = java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB);
    java.awt.image.ComponentColorModel cm = new java.awt.image.ComponentColorModel(cs, false, false,
        java.awt.Transparency.OPAQUE, java.awt.image.DataBuffer.TYPE_USHORT);
    WritableRaster r = cm.createCompatibleWritableRaster(img.width(), img.height());
    for (int y = 0; y < img.height(); y++) {
      for (int x = 0; x < img.width(); x++) {
        for (int c = 0; c < 3; c++) {
          r.setSample(x, y, c, img.get(x, y, c) * 257);
        }
      }
    }
    return write(new BufferedImage(cm, r, false, null), "png");
  }

  /** A 16-bit gray PNG with samples v * 257. */
  public static byte[] png16Gray(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.getRaster().setSample(x, y, 0, ((x + y) % 256) * 257);
      }
    }
    return write(img, "png");
  }

  /** A palette image with 4 colours laid out in quadrants. */
  public static BufferedImage palette(int w, int h, int[] argb) {
    byte[] r = new byte[argb.length];
    byte[] g = new byte[argb.length];
    byte[] b = new byte[argb.length];
    byte[] a = new byte[argb.length];
    for (int i = 0; i < argb.length; i++) {
      a[i] = (byte) (argb[i] >>> 24);
      r[i] = (byte) (argb[i] >> 16);
      g[i] = (byte) (argb[i] >> 8);
      b[i] = (byte) argb[i];
    }
    IndexColorModel icm = new IndexColorModel(8, argb.length, r, g, b, a);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, icm);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.getRaster().setSample(x, y, 0, (x < w / 2 ? 0 : 1) + (y < h / 2 ? 0 : 2));
      }
    }
    return img;
  }

  public static byte[] resource(String name) {
    try (InputStream in = TestImages.class.getResourceAsStream("/fixtures/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] truncate(byte[] bytes, int keep) {
    return Arrays.copyOf(bytes, keep);
  }

  /** A valid PNG whose IHDR claims {@code w} x {@code h}: a decompression bomb's header. */
  public static byte[] pngClaiming(int w, int h) {
    byte[] png = write(toType(pattern(8, 8), BufferedImage.TYPE_3BYTE_BGR), "png");
    ByteBuffer bb = ByteBuffer.wrap(png);
    // Signature (8) + length (4) + "IHDR" (4): width at 16, height at 20, CRC at 29 over bytes 12..28.
    bb.putInt(16, w);
    bb.putInt(20, h);
    CRC32 crc = new CRC32();
    crc.update(png, 12, 17);
    bb.putInt(29, (int) crc.getValue());
    return png;
  }

  /** A baseline JPEG whose SOF0 claims {@code w} x {@code h}. */
  public static byte[] jpegClaiming(int w, int h) {
    byte[] jpg = jpeg(pattern(16, 16));
    for (int i = 2; i + 9 < jpg.length; i++) {
      if ((jpg[i] & 0xFF) == 0xFF && (jpg[i + 1] & 0xFF) == 0xC0) {
        ByteBuffer bb = ByteBuffer.wrap(jpg);
        bb.putShort(i + 5, (short) h);
        bb.putShort(i + 7, (short) w);
        return jpg;
      }
    }
    throw new IllegalStateException("no SOF0");
  }

  /** Mean absolute difference per channel value. */
  public static double meanAbsDiff(RgbImage a, RgbImage b) {
    if (a.width() != b.width() || a.height() != b.height()) {
      throw new AssertionError("size " + a + " vs " + b);
    }
    long sum = 0;
    for (int i = 0; i < a.data().length; i++) {
      sum += Math.abs((a.data()[i] & 0xFF) - (b.data()[i] & 0xFF));
    }
    return (double) sum / a.data().length;
  }

  /** PSNR in dB between two images of the same size (99 when equal). */
  public static double psnr(RgbImage a, RgbImage b) {
    if (a.width() != b.width() || a.height() != b.height()) {
      throw new IllegalArgumentException(a.width() + "x" + a.height() + " vs " + b.width() + "x" + b.height());
    }
    double se = 0;
    byte[] x = a.data();
    byte[] y = b.data();
    for (int i = 0; i < x.length; i++) {
      int d = (x[i] & 0xFF) - (y[i] & 0xFF);
      se += (double) d * d;
    }
    double mse = se / x.length;
    return mse == 0 ? 99 : 10 * Math.log10(255.0 * 255.0 / mse);
  }
}

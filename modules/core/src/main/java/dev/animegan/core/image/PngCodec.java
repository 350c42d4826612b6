package dev.animegan.core.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Lossless PNG encoding of tiles, and decoding back. */
public final class PngCodec {
  private PngCodec() {}

  /**
   * PNG bytes of {@code img}.
   *
   * @param compression 0 (fastest, largest) to 9 (smallest, slowest) deflate effort
   */
  public static byte[] encode(RgbImage img, int compression) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(img.width() * img.height() * 2);
      try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
        writer.setOutput(out);
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        // The JDK PNG writer uses deflate level (int) (9 * (1 - quality)); aim at the middle of the step.
        int level = Math.max(0, Math.min(9, compression));
        param.setCompressionQuality(Math.max(0f, 1.0f - (level + 0.5f) / 9.0f));
        writer.write(null, new IIOImage(img.toBufferedImage(), null, null), param);
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("PNG encoding failed", e);
    } finally {
      writer.dispose();
    }
  }

  /** Decodes PNG bytes written by {@link #encode}. */
  public static RgbImage decode(byte[] png) {
    try {
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
      if (img == null) {
        throw new IllegalArgumentException("not a PNG");
      }
      return ImageDecoder.toRgb(img, 0xFFFFFF);
    } catch (IOException e) {
      throw new UncheckedIOException("PNG decoding failed", e);
    }
  }
}

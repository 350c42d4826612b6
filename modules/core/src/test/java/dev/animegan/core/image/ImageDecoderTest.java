package dev.animegan.core.image;

import static dev.animegan.core.testing.TestImages.meanAbsDiff;
import static dev.animegan.core.testing.TestImages.pattern;
import static dev.animegan.core.testing.TestImages.resource;
import static dev.animegan.core.testing.TestImages.toType;
import static dev.animegan.core.testing.TestImages.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.animegan.core.testing.TestImages;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {
  private final ImageDecoder decoder = new ImageDecoder(ImageDecoder.Options.defaults());
  private final RgbImage src = pattern(40, 30);

  private ImageDecoder.Decoded ok(byte[] bytes, ImageFormat format) {
    ImageDecoder.Result r = decoder.decode(bytes);
    ImageDecoder.Decoded d = assertInstanceOf(ImageDecoder.Decoded.class, r, () -> "got " + r);
    assertEquals(format, d.format());
    return d;
  }

  private ImageDecoder.Rejected rejected(ImageDecoder decoder, byte[] bytes, RejectReason reason) {
    ImageDecoder.Result r = decoder.decode(bytes);
    ImageDecoder.Rejected rej = assertInstanceOf(ImageDecoder.Rejected.class, r, () -> "got " + r);
    assertEquals(reason, rej.reason(), rej.message());
    return rej;
  }

  @Test
  void baselineAndProgressiveJpeg() {
    for (boolean progressive : new boolean[] {false, true}) {
      byte[] jpg = TestImages.jpeg(toType(src, BufferedImage.TYPE_3BYTE_BGR), 0.95f, progressive);
      RgbImage out = ok(jpg, ImageFormat.JPEG).image();
      assertTrue(meanAbsDiff(src, out) < 4, "progressive=" + progressive + " diff " + meanAbsDiff(src, out));
    }
  }

  @Test
  void grayscaleJpegBecomesThreeEqualChannels() {
    byte[] jpg = TestImages.jpeg(toType(src, BufferedImage.TYPE_BYTE_GRAY), 0.95f, false);
    RgbImage out = ok(jpg, ImageFormat.JPEG).image();
    for (int y = 0; y < out.height(); y++) {
      for (int x = 0; x < out.width(); x++) {
        assertEquals(out.get(x, y, 0), out.get(x, y, 1));
        assertEquals(out.get(x, y, 0), out.get(x, y, 2));
      }
    }
    // Gray is taken as display values, not linear light: mid-grey stays mid-grey.
    RgbImage expected = ok(write(toType(src, BufferedImage.TYPE_BYTE_GRAY), "png"), ImageFormat.PNG).image();
    assertTrue(meanAbsDiff(expected, out) < 3, "diff " + meanAbsDiff(expected, out));
  }

  @Test
  void cmykJpegIsConvertedToRgb() {
    RgbImage scene = ok(resource("scene.png"), ImageFormat.PNG).image();
    RgbImage out = ok(resource("cmyk.jpg"), ImageFormat.JPEG).image();
    assertEquals(48, out.width());
    assertEquals(40, out.height());
    assertTrue(meanAbsDiff(scene, out) < 16, "diff " + meanAbsDiff(scene, out));
  }

  @Test
  void exifOrientationIsApplied() {
    byte[] jpg = resource("orient6.jpg");
    assertEquals(6, ExifOrientation.readJpeg(jpg));
    RgbImage scene = ok(resource("scene.png"), ImageFormat.PNG).image();
    RgbImage out = ok(jpg, ImageFormat.JPEG).image();
    assertEquals(40, out.width(), "rotated 90 degrees: width and height swap");
    assertEquals(48, out.height());
    assertTrue(meanAbsDiff(ExifOrientation.apply(scene, 6), out) < 6);

    ImageDecoder raw = new ImageDecoder(new ImageDecoder.Options(100_000_000L, 0, 0xFFFFFF, false));
    RgbImage unrotated = ((ImageDecoder.Decoded) raw.decode(jpg)).image();
    assertEquals(48, unrotated.width());
  }

  @Test
  void pngVariantsDecodeExactly() {
    assertEquals(src, ok(write(toType(src, BufferedImage.TYPE_3BYTE_BGR), "png"), ImageFormat.PNG).image());
    assertEquals(src, ok(write(toType(src, BufferedImage.TYPE_INT_RGB), "png"), ImageFormat.PNG).image());
    assertEquals(src, ok(TestImages.png16(src), ImageFormat.PNG).image(), "16-bit RGB");
    RgbImage gray16 = ok(TestImages.png16Gray(20, 10), ImageFormat.PNG).image();
    assertEquals(13, gray16.get(6, 7, 0));
    assertEquals(13, gray16.get(6, 7, 2));
    BufferedImage gray8 = toType(src, BufferedImage.TYPE_BYTE_GRAY);
    RgbImage g = ok(write(gray8, "png"), ImageFormat.PNG).image();
    assertEquals(gray8.getRaster().getSample(5, 5, 0), g.get(5, 5, 1));
  }

  @Test
  void paletteWithTransparencyIsCompositedOntoBackground() {
    int[] colors = {0xFFFF0000, 0xFF00FF00, 0x000000FF, 0x800000FF};
    byte[] png = write(TestImages.palette(8, 8, colors), "png");
    RgbImage white = ok(png, ImageFormat.PNG).image();
    assertEquals(0xFF0000, white.rgbAt(0, 0));
    assertEquals(0x00FF00, white.rgbAt(7, 0));
    assertEquals(0xFFFFFF, white.rgbAt(0, 7), "fully transparent -> background");
    assertEquals(0x7F7FFF, white.rgbAt(7, 7), "half transparent blue over white");
    ImageDecoder black = new ImageDecoder(new ImageDecoder.Options(100_000_000L, 0, 0x000000, true));
    RgbImage onBlack = ((ImageDecoder.Decoded) black.decode(png)).image();
    assertEquals(0x000000, onBlack.rgbAt(0, 7));
    assertEquals(0x000080, onBlack.rgbAt(7, 7));
  }

  @Test
  void rgbaPngAlphaIsComposited() {
    RgbImage out = ok(resource("alpha.png"), ImageFormat.PNG).image();
    assertEquals(0xFFFFFF, out.rgbAt(3, 5), "left half is transparent");
    RgbImage scene = ok(resource("scene.png"), ImageFormat.PNG).image();
    assertEquals(scene.rgbAt(40, 5), out.rgbAt(40, 5), "right half is opaque");
  }

  @Test
  void bmpGifAndTiff() {
    assertEquals(src, ok(write(toType(src, BufferedImage.TYPE_3BYTE_BGR), "bmp"), ImageFormat.BMP).image());
    assertEquals(src, ok(write(toType(src, BufferedImage.TYPE_3BYTE_BGR), "tiff"), ImageFormat.TIFF).image());
    int[] colors = {0xFF102030, 0xFF405060, 0xFF708090, 0xFFA0B0C0};
    RgbImage gif = ok(write(TestImages.palette(10, 10, colors), "gif"), ImageFormat.GIF).image();
    assertEquals(0x102030, gif.rgbAt(0, 0));
    assertEquals(0xA0B0C0, gif.rgbAt(9, 9));
  }

  @Test
  void animatedGifGivesItsFirstFrame() throws Exception {
    javax.imageio.ImageWriter writer = javax.imageio.ImageIO.getImageWritersByFormatName("gif").next();
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (javax.imageio.stream.ImageOutputStream out = javax.imageio.ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.prepareWriteSequence(null);
      writer.writeToSequence(new javax.imageio.IIOImage(
          TestImages.palette(12, 10, new int[] {0xFF112233, 0xFF112233, 0xFF112233, 0xFF112233}), null, null), null);
      writer.writeToSequence(new javax.imageio.IIOImage(
          TestImages.palette(12, 10, new int[] {0xFFCC0000, 0xFFCC0000, 0xFFCC0000, 0xFFCC0000}), null, null), null);
      writer.endWriteSequence();
    } finally {
      writer.dispose();
    }
    RgbImage first = ok(bytes.toByteArray(), ImageFormat.GIF).image();
    assertEquals(12, first.width());
    assertEquals(0x112233, first.rgbAt(5, 5), "the first frame, not the last");
  }

  @Test
  void webpLossyAndLosslessWithAlpha() {
    RgbImage scene = ok(resource("scene.png"), ImageFormat.PNG).image();
    RgbImage lossy = ok(resource("lossy.webp"), ImageFormat.WEBP).image();
    assertTrue(meanAbsDiff(scene, lossy) < 10, "diff " + meanAbsDiff(scene, lossy));
    RgbImage alpha = ok(resource("alpha_lossless.webp"), ImageFormat.WEBP).image();
    assertEquals(0xFFFFFF, alpha.rgbAt(3, 5));
    assertEquals(scene.rgbAt(40, 5), alpha.rgbAt(40, 5));
  }

  @Test
  void emptyFile() {
    assertEquals("file is empty (0 bytes)", rejected(decoder, new byte[0], RejectReason.EMPTY).message());
  }

  @Test
  void textIsNotAnImage() {
    byte[] text = "hello world, this is a text file\n".getBytes(StandardCharsets.US_ASCII);
    assertEquals("not an image: unrecognised signature [68 65 6c 6c 6f 20 77 6f] (looks like text)",
        rejected(decoder, text, RejectReason.NOT_AN_IMAGE).message());
    rejected(decoder, new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, RejectReason.NOT_AN_IMAGE);
  }

  @Test
  void unsupportedFormats() {
    byte[] heic = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c', 0, 0, 0, 0};
    assertEquals("HEIF/HEIC images are not supported (supported: jpeg, png, gif, bmp, tiff, webp)",
        rejected(decoder, heic, RejectReason.UNSUPPORTED_FORMAT).message());
    byte[] svg = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes(StandardCharsets.UTF_8);
    rejected(decoder, svg, RejectReason.UNSUPPORTED_FORMAT);
    rejected(decoder, "%PDF-1.7 ...".getBytes(StandardCharsets.US_ASCII), RejectReason.UNSUPPORTED_FORMAT);
  }

  @Test
  void truncatedFiles() {
    byte[] jpg = TestImages.jpeg(pattern(64, 64));
    rejected(decoder, TestImages.truncate(jpg, jpg.length / 2), RejectReason.TRUNCATED);
    byte[] progressive = TestImages.jpeg(toType(pattern(64, 64), BufferedImage.TYPE_3BYTE_BGR), 0.9f, true);
    rejected(decoder, TestImages.truncate(progressive, progressive.length / 2), RejectReason.TRUNCATED);
    byte[] png = write(toType(pattern(64, 64), BufferedImage.TYPE_3BYTE_BGR), "png");
    rejected(decoder, TestImages.truncate(png, png.length / 2), RejectReason.TRUNCATED);
    rejected(decoder, TestImages.truncate(png, 30), RejectReason.TRUNCATED);
    assertEquals("file starts like a JPEG signature but has only 2 bytes",
        rejected(decoder, TestImages.truncate(jpg, 2), RejectReason.TRUNCATED).message());
  }

  @Test
  void corruptPngData() {
    byte[] png = write(toType(pattern(64, 64), BufferedImage.TYPE_3BYTE_BGR), "png");
    for (int i = 60; i < png.length - 20; i += 3) {
      png[i] = (byte) (png[i] ^ 0x5A);
    }
    ImageDecoder.Rejected r = rejected(decoder, png, RejectReason.CORRUPT);
    assertTrue(r.message().startsWith("cannot decode png: "), r.message());
  }

  @Test
  void decompressionBombsAreRefusedFromTheHeader() {
    assertEquals("image is 30000x30000 (900.0 MP), over the limit of 100.0 MP (animegan.ingest.limits.max-pixels)",
        rejected(decoder, TestImages.pngClaiming(30000, 30000), RejectReason.TOO_LARGE).message());
    assertEquals("image is 60000x50000 (3000.0 MP), over the limit of 100.0 MP (animegan.ingest.limits.max-pixels)",
        rejected(decoder, TestImages.jpegClaiming(60000, 50000), RejectReason.TOO_LARGE).message());
  }

  @Test
  void smallImagesAreRefusedUnlessUpscalingIsOn() {
    ImageDecoder strict = new ImageDecoder(new ImageDecoder.Options(100_000_000L, 256, 0xFFFFFF, true));
    byte[] png = write(toType(pattern(100, 80), BufferedImage.TYPE_3BYTE_BGR), "png");
    assertEquals("image is 100x80, its short side 80 is below the crop size 256 "
            + "(set animegan.ingest.limits.allow-upscale = true to upscale it)",
        rejected(strict, png, RejectReason.TOO_SMALL).message());
    assertEquals(100, ok(png, ImageFormat.PNG).image().width());
  }
}

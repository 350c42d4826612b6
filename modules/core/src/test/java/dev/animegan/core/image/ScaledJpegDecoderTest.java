package dev.animegan.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.animegan.core.ingest.CropMode;
import dev.animegan.core.ingest.DctScaling;
import dev.animegan.core.ingest.TileMaker;
import dev.animegan.core.ingest.TileSettings;
import dev.animegan.core.testing.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** DCT-scaled JPEG decoding: which files take it, the sizes it gives, and tile quality against a full decode. */
class ScaledJpegDecoderTest {
  private final ImageDecoder decoder = new ImageDecoder(ImageDecoder.Options.defaults());

  static Path repo() {
    Path p = Paths.get("").toAbsolutePath();
    while (!Files.isDirectory(p.resolve("data/sample"))) {
      p = p.getParent();
    }
    return p;
  }

  static List<Path> samplePhotos() throws IOException {
    try (Stream<Path> s = Files.walk(repo().resolve("data/sample/photos"))) {
      return s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
    }
  }

  @Test
  void theScaleIsTheSmallestThatStillCoversTheTarget() {
    assertEquals(4, ScaledJpegDecoder.denominator(1280, 1024, 256), "1024 / 4 = 256");
    assertEquals(2, ScaledJpegDecoder.denominator(1280, 800, 256), "800 / 4 = 200 < 256");
    assertEquals(8, ScaledJpegDecoder.denominator(4032, 3024, 256), "ceil(3024 / 8) = 378");
    assertEquals(1, ScaledJpegDecoder.denominator(640, 427, 256));
    assertEquals(2, ScaledJpegDecoder.denominator(513, 513, 256), "ceil(513 / 2) = 257");
  }

  @Test
  void aPhotoIsDecodedScaledWithItsFullSizeReported() throws IOException {
    byte[] kcas = Files.readAllBytes(repo().resolve("data/sample/photos/tuxtype-data/kcas1.jpg"));
    assertTrue(ScaledJpegDecoder.available(), "libjpeg-turbo through JavaCPP's OpenCV loads here");
    ImageDecoder.Decoded d = assertInstanceOf(ImageDecoder.Decoded.class, decoder.decode(kcas, 256));
    assertEquals(320, d.image().width());
    assertEquals(256, d.image().height());
    assertEquals(1280, d.sourceWidth());
    assertEquals(1024, d.sourceHeight());
    assertTrue(d.scaled());
    ImageDecoder.Decoded full = assertInstanceOf(ImageDecoder.Decoded.class, decoder.decode(kcas));
    assertFalse(full.scaled());
    assertEquals(1280, full.image().width());
  }

  @Test
  void unusualJpegsAreDecodedInFull() {
    // CMYK (Adobe), EXIF-rotated, truncated
    byte[] cmyk = TestImages.resource("cmyk.jpg");
    JpegInfo info = JpegInfo.read(cmyk);
    assertEquals(4, info.components());
    assertFalse(info.plainSrgb());
    ImageDecoder.Decoded c = assertInstanceOf(ImageDecoder.Decoded.class, decoder.decode(cmyk, 16));
    assertFalse(c.scaled());

    byte[] jpg = TestImages.jpeg(TestImages.pattern(256, 200));
    assertTrue(JpegInfo.read(jpg).plainSrgb());
    byte[] cut = TestImages.truncate(jpg, jpg.length / 2);
    assertFalse(JpegInfo.read(cut).complete());
    ImageDecoder.Rejected r = assertInstanceOf(ImageDecoder.Rejected.class, decoder.decode(cut, 50));
    assertEquals(RejectReason.TRUNCATED, r.reason(), "the full decoder's verdict");
  }

  @Test
  void exifOrientationIsAppliedToScaledImagesToo() {
    byte[] jpg = TestImages.resource("orient6.jpg"); // 48x40 stored, rotated 90 degrees
    ImageDecoder.Decoded d = assertInstanceOf(ImageDecoder.Decoded.class, decoder.decode(jpg, 20));
    assertTrue(d.scaled());
    assertEquals(20, d.image().width(), "40 / 2, rotated");
    assertEquals(24, d.image().height());
    assertEquals(40, d.sourceWidth());
    assertEquals(48, d.sourceHeight());
  }

  @Test
  void forResizingAPlainScaledJpegComesBackAsPlanesAndARotatedOneAsRgb() throws IOException {
    byte[] kcas = Files.readAllBytes(repo().resolve("data/sample/photos/tuxtype-data/kcas1.jpg"));
    ImageDecoder.Planar p = assertInstanceOf(ImageDecoder.Planar.class, decoder.decodeForResize(kcas, 256));
    assertEquals(4, p.denominator());
    assertEquals(1280, p.sourceWidth());
    assertEquals(1024, p.sourceHeight());
    assertEquals(320, p.planes().width());
    assertEquals(256, p.planes().height());
    assertEquals((320 + p.planes().hsub() - 1) / p.planes().hsub(), p.planes().chromaWidth());
    // the planes are what decode() converts: the same RGB as the scaled decode
    assertEquals(((ImageDecoder.Decoded) decoder.decode(kcas, 256)).image(), ScaledJpegDecoder.toRgb(p.planes()));

    byte[] rotated = TestImages.resource("orient6.jpg");
    ImageDecoder.Decoded d = assertInstanceOf(ImageDecoder.Decoded.class, decoder.decodeForResize(rotated, 20));
    assertEquals(20, d.image().width(), "oriented as decode() does");
    assertEquals(24, d.image().height());
    byte[] cmyk = TestImages.resource("cmyk.jpg");
    assertFalse(assertInstanceOf(ImageDecoder.Decoded.class, decoder.decodeForResize(cmyk, 16)).scaled());
  }

  /** Each region's filter taps are computed for its own outputs only: the same pixels as cropping the whole resize. */
  @Test
  void aPlanarRegionIsBitExactWithTheSameCropOfTheWholePlanarResize() {
    RgbImage pattern = TestImages.pattern(203, 151);
    for (String sampling : List.of("444", "420", "gray")) {
      ScaledJpegDecoder.Planes planes = syntheticPlanes(pattern, sampling);
      RgbImage whole = Resampler.resizeRegion(planes, 97, 72, ResizeFilter.LANCZOS, 0, 0, 97, 72, 202.5, 150.5);
      for (int[] box : new int[][] {{10, 5, 64, 64}, {0, 0, 20, 72}, {97 - 33, 72 - 21, 33, 21}}) {
        RgbImage region = Resampler.resizeRegion(planes, 97, 72, ResizeFilter.LANCZOS, box[0], box[1], box[2], box[3],
            202.5, 150.5);
        assertEquals(whole.crop(box[0], box[1], box[2], box[3]), region,
            sampling + " region " + java.util.Arrays.toString(box));
      }
    }
  }

  /**
   * The planes resized and converted at tile size against the converted image resized: within
   * rounding for 4:4:4 and grayscale (both steps are linear), and above 40 dB for 4:2:0, whose
   * chroma is resized from its own grid instead of libjpeg's upsampled one.
   */
  @Test
  void resizingThePlanesMatchesResizingTheConvertedImage() {
    RgbImage pattern = TestImages.pattern(203, 151);
    for (String sampling : List.of("444", "420", "gray")) {
      ScaledJpegDecoder.Planes planes = syntheticPlanes(pattern, sampling);
      RgbImage rgb = ScaledJpegDecoder.toRgb(planes);
      RgbImage expected = Resampler.resizeRegion(rgb, 97, 72, ResizeFilter.LANCZOS, 10, 5, 64, 64, 202.5, 150.5);
      RgbImage actual = Resampler.resizeRegion(planes, 97, 72, ResizeFilter.LANCZOS, 10, 5, 64, 64, 202.5, 150.5);
      int maxDiff = 0;
      for (int i = 0; i < expected.data().length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs((expected.data()[i] & 0xFF) - (actual.data()[i] & 0xFF)));
      }
      if (sampling.equals("gray")) {
        assertEquals(expected, actual, "grayscale: the same pixels");
      } else if (sampling.equals("444")) {
        assertTrue(maxDiff <= 2, "4:4:4 within rounding, max difference " + maxDiff);
      } else {
        double psnr = psnr(expected, actual);
        assertTrue(psnr >= 40, "4:2:0: " + psnr + " dB");
      }
    }
  }

  /** {@code img} as JFIF YCbCr planes, chroma averaged over 2x2 for 4:2:0. */
  private static ScaledJpegDecoder.Planes syntheticPlanes(RgbImage img, String sampling) {
    int w = img.width();
    int h = img.height();
    byte[] y = new byte[w * h];
    float[] cb = new float[w * h];
    float[] cr = new float[w * h];
    for (int j = 0; j < h; j++) {
      for (int i = 0; i < w; i++) {
        int r = img.get(i, j, 0);
        int g = img.get(i, j, 1);
        int b = img.get(i, j, 2);
        y[j * w + i] = (byte) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
        cb[j * w + i] = (float) (128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
        cr[j * w + i] = (float) (128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
      }
    }
    if (sampling.equals("gray")) {
      return new ScaledJpegDecoder.Planes(w, h, y, null, null, 0, 0, 1, 1);
    }
    int sub = sampling.equals("420") ? 2 : 1;
    int cw = (w + sub - 1) / sub;
    int ch = (h + sub - 1) / sub;
    byte[] pb = new byte[cw * ch];
    byte[] pr = new byte[cw * ch];
    for (int j = 0; j < ch; j++) {
      for (int i = 0; i < cw; i++) {
        double sb = 0;
        double sr = 0;
        int n = 0;
        for (int dj = 0; dj < sub && j * sub + dj < h; dj++) {
          for (int di = 0; di < sub && i * sub + di < w; di++) {
            int k = (j * sub + dj) * w + i * sub + di;
            sb += cb[k];
            sr += cr[k];
            n++;
          }
        }
        pb[j * cw + i] = (byte) Math.max(0, Math.min(255, Math.round(sb / n)));
        pr[j * cw + i] = (byte) Math.max(0, Math.min(255, Math.round(sr / n)));
      }
    }
    return new ScaledJpegDecoder.Planes(w, h, y, pb, pr, cw, ch, sub, sub);
  }

  /**
   * Tiles of the bundled photos, decoded scaled then Lanczos-resized, against full decodes: PSNR of
   * at least 40 dB (README states the figures).
   */
  @Test
  void tilesFromScaledDecodesMatchFullDecodesAbove40dB() throws IOException {
    TileSettings scaled = tiles(DctScaling.QUALITY);
    TileSettings full = tiles(DctScaling.OFF);
    List<String> report = new ArrayList<>();
    double worst = Double.POSITIVE_INFINITY;
    for (Path p : samplePhotos()) {
      byte[] bytes = Files.readAllBytes(p);
      TileMaker.Accepted a = (TileMaker.Accepted) new TileMaker(scaled).make(bytes, "0123456789abcdef0123", false);
      TileMaker.Accepted b = (TileMaker.Accepted) new TileMaker(full).make(bytes, "0123456789abcdef0123", false);
      assertEquals(b.sourceWidth(), a.sourceWidth());
      assertEquals(b.resizedWidth(), a.resizedWidth());
      double psnr = psnr(PngCodec.decode(a.tiles().get(0).imagePng()), PngCodec.decode(b.tiles().get(0).imagePng()));
      report.add(p.getFileName() + " " + String.format(java.util.Locale.ROOT, "%.1f dB", psnr));
      worst = Math.min(worst, psnr);
    }
    assertTrue(worst >= 40, "PSNR per photo: " + report);
  }

  /**
   * A JPEG of odd width and height decoded at 1/2 has ceil(W/2) x ceil(H/2) pixels that span only
   * W/2 x H/2 of the image: its tiles must not drift against the full decode's (they did by up to
   * half a pixel, 23.7 dB on odd-sized benchmark photos, before the resize used that extent).
   */
  @Test
  void oddSizedJpegsScaledInTheDctDomainDoNotDrift() throws IOException {
    TileSettings scaled = tiles(DctScaling.QUALITY);
    TileSettings full = tiles(DctScaling.OFF);
    List<String> report = new ArrayList<>();
    double worst = Double.POSITIVE_INFINITY;
    for (Path p : samplePhotos()) {
      RgbImage photo = ((ImageDecoder.Decoded) decoder.decode(Files.readAllBytes(p))).image();
      int w = photo.width() % 2 == 0 ? photo.width() - 1 : photo.width();
      int h = photo.height() % 2 == 0 ? photo.height() - 1 : photo.height();
      if (Math.min(w, h) < 2 * 256 * 5 / 4) {
        continue; // no DCT-scaled decode for this one
      }
      byte[] odd = TestImages.jpeg(photo.toBufferedImage().getSubimage(0, 0, w, h), 0.95f, false);
      ImageDecoder.Decoded d = (ImageDecoder.Decoded) decoder.decode(odd, scaled.dctScaling().minimumShortSide(256));
      assertTrue(d.scaled(), p + " decodes scaled");
      TileMaker.Accepted a = (TileMaker.Accepted) new TileMaker(scaled).make(odd, "0123456789abcdef0123", false);
      TileMaker.Accepted b = (TileMaker.Accepted) new TileMaker(full).make(odd, "0123456789abcdef0123", false);
      double psnr = psnr(PngCodec.decode(a.tiles().get(0).imagePng()), PngCodec.decode(b.tiles().get(0).imagePng()));
      report.add(p.getFileName() + " " + w + "x" + h + String.format(java.util.Locale.ROOT, " %.1f dB", psnr));
      worst = Math.min(worst, psnr);
    }
    assertTrue(report.size() >= 2, "at least two bundled photos are large enough: " + report);
    assertTrue(worst >= 40, "PSNR per photo: " + report);
  }

  @Test
  void aFullSizeDecodeMatchesImageIoWithinIdctRounding() {
    // libjpeg's colour conversion and fancy chroma upsampling: only the IDCTs differ (FFmpeg's vs libjpeg's)
    RgbImage img = TestImages.pattern(203, 151);
    byte[] colour = TestImages.jpeg(img);
    byte[] gray = TestImages.write(TestImages.toType(img, java.awt.image.BufferedImage.TYPE_BYTE_GRAY), "jpg");
    ImageDecoder imageIo = new ImageDecoder(ImageDecoder.Options.defaults());
    for (byte[] jpeg : List.of(colour, gray)) {
      RgbImage ours = ScaledJpegDecoder.decode(jpeg, 1);
      RgbImage ref = ((ImageDecoder.Decoded) imageIo.decode(jpeg)).image();
      assertEquals(ref.width(), ours.width());
      assertEquals(ref.height(), ours.height());
      double p = psnr(ref, ours);
      assertTrue(p > 45, "PSNR " + p);
    }
  }

  /** Centre 256-pixel tiles at short side 256, Lanczos, with the given DCT scaling. */
  private static TileSettings tiles(DctScaling dct) {
    return new TileSettings(100_000_000L, 0xFFFFFF, true, false, 256, ResizeFilter.LANCZOS, 256, CropMode.CENTER, 1, 16,
        42L, 1, dct);
  }

  static double psnr(RgbImage a, RgbImage b) {
    return dev.animegan.core.testing.TestImages.psnr(a, b);
  }

}

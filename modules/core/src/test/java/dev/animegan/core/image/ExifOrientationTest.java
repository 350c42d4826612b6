package dev.animegan.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ExifOrientationTest {
  /** A 3x2 image whose pixels are numbered 1..6 in row-major order (red channel). */
  private static RgbImage numbered() {
    RgbImage img = RgbImage.blank(3, 2);
    for (int i = 0; i < 6; i++) {
      img.set(i % 3, i / 3, 0, i + 1);
    }
    return img;
  }

  private static String rows(RgbImage img) {
    StringBuilder sb = new StringBuilder();
    for (int y = 0; y < img.height(); y++) {
      if (y > 0) {
        sb.append('/');
      }
      for (int x = 0; x < img.width(); x++) {
        sb.append(img.get(x, y, 0));
      }
    }
    return sb.toString();
  }

  @Test
  void allEightOrientations() {
    // 123
    // 456
    assertEquals("123/456", rows(ExifOrientation.apply(numbered(), 1)));
    assertEquals("321/654", rows(ExifOrientation.apply(numbered(), 2)));
    assertEquals("654/321", rows(ExifOrientation.apply(numbered(), 3)));
    assertEquals("456/123", rows(ExifOrientation.apply(numbered(), 4)));
    assertEquals("14/25/36", rows(ExifOrientation.apply(numbered(), 5)));
    assertEquals("41/52/63", rows(ExifOrientation.apply(numbered(), 6)), "90 degrees clockwise");
    assertEquals("63/52/41", rows(ExifOrientation.apply(numbered(), 7)));
    assertEquals("36/25/14", rows(ExifOrientation.apply(numbered(), 8)), "90 degrees counter-clockwise");
  }

  @Test
  void missingOrMalformedExifMeansNoRotation() {
    assertEquals(1, ExifOrientation.readJpeg(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE1, 0, 4, 1, 2}));
    assertEquals(1, ExifOrientation.readJpeg(new byte[] {(byte) 0xFF, (byte) 0xD8}));
  }
}

package dev.animegan.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.animegan.core.testing.TestImages;
import org.junit.jupiter.api.Test;

class ResamplerTest {
  @Test
  void constantImagesStayConstantWithEveryFilter() {
    RgbImage flat = RgbImage.blank(37, 23);
    for (int i = 0; i < flat.data().length; i += 3) {
      flat.data()[i] = 10;
      flat.data()[i + 1] = (byte) 200;
      flat.data()[i + 2] = (byte) 255;
    }
    for (ResizeFilter f : ResizeFilter.values()) {
      for (int[] size : new int[][] {{11, 7}, {80, 50}, {37, 9}}) {
        RgbImage out = Resampler.resize(flat, size[0], size[1], f);
        assertEquals(size[0], out.width());
        assertEquals(size[1], out.height());
        for (int i = 0; i < out.data().length; i += 3) {
          assertEquals(10, out.data()[i] & 0xFF, f + " " + size[0]);
          assertEquals(200, out.data()[i + 1] & 0xFF);
          assertEquals(255, out.data()[i + 2] & 0xFF);
        }
      }
    }
  }

  @Test
  void areaHalvingAveragesTwoByTwoBlocks() {
    RgbImage src = TestImages.pattern(16, 12);
    RgbImage out = Resampler.resize(src, 8, 6, ResizeFilter.AREA);
    for (int y = 0; y < 6; y++) {
      for (int x = 0; x < 8; x++) {
        for (int c = 0; c < 3; c++) {
          double avg = (src.get(2 * x, 2 * y, c) + src.get(2 * x + 1, 2 * y, c) + src.get(2 * x, 2 * y + 1, c)
              + src.get(2 * x + 1, 2 * y + 1, c)) / 4.0;
          assertEquals(avg, out.get(x, y, c), 0.51);
        }
      }
    }
  }

  @Test
  void lanczosDownscaleKeepsASmoothGradient() {
    RgbImage src = TestImages.pattern(200, 100);
    RgbImage out = Resampler.resize(src, 100, 50, ResizeFilter.LANCZOS);
    // Red ramps linearly with x; away from the borders the resampled ramp is the same line.
    for (int x = 5; x < 95; x++) {
      double expected = (src.get(2 * x, 25, 0) + src.get(2 * x + 1, 25, 0)) / 2.0;
      assertEquals(expected, out.get(x, 25, 0), 1.01, "x=" + x);
    }
  }

  @Test
  void nearestNeighbourWouldAliasButAreaDoesNot() {
    // A 1-pixel checkerboard shrunk 4x must come out uniform grey, not black or white.
    RgbImage checker = RgbImage.blank(64, 64);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        int v = (x + y) % 2 == 0 ? 255 : 0;
        for (int c = 0; c < 3; c++) {
          checker.set(x, y, c, v);
        }
      }
    }
    for (ResizeFilter f : ResizeFilter.values()) {
      RgbImage out = Resampler.resize(checker, 16, 16, f);
      for (int i = 0; i < out.data().length; i++) {
        int v = out.data()[i] & 0xFF;
        assertTrue(Math.abs(v - 128) <= 2, f + " gave " + v);
      }
    }
  }

  /** A 2x box-reduced image of odd width spans W/2 of its ceil(W/2) pixels: resizing over that extent tracks the original. */
  @Test
  void anExtentSmallerThanTheImageKeepsAScaledDecodeOnTheFullImagesGrid() {
    int w = 101;
    RgbImage full = RgbImage.blank(w, 8);
    for (int x = 0; x < w; x++) {
      for (int y = 0; y < 8; y++) {
        for (int c = 0; c < 3; c++) {
          full.set(x, y, c, (int) Math.round(127 + 120 * Math.sin(x / 3.0)));
        }
      }
    }
    RgbImage half = RgbImage.blank(51, 4);
    for (int x = 0; x < 51; x++) {
      for (int y = 0; y < 4; y++) {
        for (int c = 0; c < 3; c++) {
          int a = full.get(2 * x, 2 * y, c);
          int b = full.get(Math.min(w - 1, 2 * x + 1), 2 * y, c);
          half.set(x, y, c, (a + b + 1) / 2);
        }
      }
    }
    RgbImage ref = Resampler.resize(full, 40, 4, ResizeFilter.LANCZOS);
    RgbImage drift = Resampler.resizeRegion(half, 40, 4, ResizeFilter.LANCZOS, 0, 0, 40, 4, 51, 4);
    RgbImage exact = Resampler.resizeRegion(half, 40, 4, ResizeFilter.LANCZOS, 0, 0, 40, 4, 50.5, 4);
    assertTrue(meanError(ref, exact) < 0.6 * meanError(ref, drift),
        "with the extent " + meanError(ref, exact) + " vs without " + meanError(ref, drift));
    assertEquals(Resampler.resize(half, 40, 4, ResizeFilter.LANCZOS), drift, "the full extent is the default");
  }

  private static double meanError(RgbImage a, RgbImage b) {
    double e = 0;
    for (int i = 0; i < a.data().length; i++) {
      e += Math.abs((a.data()[i] & 0xFF) - (b.data()[i] & 0xFF));
    }
    return e / a.data().length;
  }
}

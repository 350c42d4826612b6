package dev.animegan.core.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.animegan.core.image.RgbImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FlickerAndSmoothingTest {
  static RgbImage flat(int w, int h, int v) {
    RgbImage img = RgbImage.blank(w, h);
    java.util.Arrays.fill(img.data(), (byte) v);
    return img;
  }

  @Test
  void flickerIsTheOutputChangeAtInputStaticPixelsOverTheInputChange() {
    FlickerMeter m = new FlickerMeter();
    RgbImage a = flat(4, 2, 100);
    RgbImage b = flat(4, 2, 102); // static: changes by 2 <= 3 levels
    b.set(0, 0, 0, 200); // one moving pixel: not counted
    m.add(a, flat(4, 2, 10), flat(4, 2, 10));
    m.add(b, flat(4, 2, 16), flat(4, 2, 13));
    FlickerMeter.Sums s = m.sums();
    assertEquals(1, s.pairs());
    assertEquals(8, s.pixels());
    assertEquals(7, s.staticPixels());
    assertEquals(2.0, s.inputMean(), 1e-9);
    assertEquals(6.0, s.rawMean(), 1e-9);
    assertEquals(3.0, s.outputMean(), 1e-9);
    assertEquals(3.0, s.rawRatio(), 1e-9);
    assertEquals(1.5, s.outputRatio(), 1e-9);
    m.add(b, flat(4, 2, 16), flat(4, 2, 13), false);
    assertEquals(1, m.sums().pairs(), "a warm-up frame is remembered, not counted");
  }

  /** A static scene: the "generator" adds independent noise to every frame, which is flicker. */
  @Test
  void smoothingCutsFlickerOnAStaticSceneAndZeroStrengthIsOff() {
    Random rnd = new Random(3);
    RgbImage scene = dev.animegan.core.testing.TestImages.pattern(64, 48);
    FlickerMeter meter = new FlickerMeter();
    try (TemporalSmoother off = new TemporalSmoother(0); TemporalSmoother on = new TemporalSmoother(0.8)) {
      for (int f = 0; f < 12; f++) {
        RgbImage styled = noisy(scene, rnd, 12);
        assertSame(styled, off.apply(scene, styled));
        meter.add(scene, styled, on.apply(scene, styled));
      }
    }
    FlickerMeter.Sums s = meter.sums();
    assertEquals(1.0, s.staticFraction(), 1e-9);
    assertTrue(s.outputMean() < 0.5 * s.rawMean(), "smoothed " + s.outputMean() + " vs raw " + s.rawMean());
  }

  /** A bright square moves 3 px per frame: the output must follow it, not keep a ghost at the old place. */
  @Test
  void smoothingFollowsMotionWithoutSmearing() {
    try (TemporalSmoother on = new TemporalSmoother(1.0)) {
      RgbImage last = null;
      int x0 = 0;
      for (int f = 0; f < 8; f++) {
        x0 = 10 + 3 * f;
        RgbImage frame = square(64, 48, x0, 16, 12);
        last = on.apply(frame, frame); // identity "generator": output should stay the frame
      }
      RgbImage expected = square(64, 48, x0, 16, 12);
      double err = 0;
      for (int i = 0; i < expected.data().length; i++) {
        err += Math.abs((expected.data()[i] & 0xFF) - (last.data()[i] & 0xFF));
      }
      err /= expected.data().length;
      assertTrue(err < 2.0, "mean error " + err + " levels against the current frame");
      // where the square was two steps ago there is no ghost
      assertTrue((last.get(x0 - 5, 20, 0)) < 60, "old position value " + last.get(x0 - 5, 20, 0));
    }
  }

  static RgbImage square(int w, int h, int x0, int y0, int side) {
    RgbImage img = flat(w, h, 40);
    for (int y = y0; y < y0 + side; y++) {
      for (int x = x0; x < x0 + side; x++) {
        for (int c = 0; c < 3; c++) {
          img.set(x, y, c, 220);
        }
      }
    }
    return img;
  }

  static RgbImage noisy(RgbImage img, Random rnd, int amp) {
    byte[] d = img.data().clone();
    for (int i = 0; i < d.length; i++) {
      d[i] = (byte) Math.max(0, Math.min(255, (d[i] & 0xFF) + rnd.nextInt(2 * amp + 1) - amp));
    }
    return new RgbImage(img.width(), img.height(), d);
  }
}

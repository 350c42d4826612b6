package dev.animegan.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.animegan.core.testing.TestImages;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ResizeRegionTest {
  @Test
  void aRegionIsBitExactWithTheSameCropOfTheWholeResize() {
    RgbImage src = TestImages.pattern(301, 203);
    byte[] px = src.data();
    Random r = new Random(3);
    for (int i = 0; i < px.length; i += 7) {
      px[i] = (byte) r.nextInt(256);
    }
    for (ResizeFilter f : ResizeFilter.values()) {
      for (int[] size : new int[][] {{97, 64}, {150, 101}, {400, 270}}) {
        RgbImage whole = Resampler.resize(src, size[0], size[1], f);
        for (int[] box : new int[][] {{0, 0, size[0], size[1]}, {10, 5, 40, 40}, {size[0] - 33, size[1] - 21, 33, 21},
            {(size[0] - 60) / 2, 0, 60, 60}}) {
          RgbImage region = Resampler.resizeRegion(src, size[0], size[1], f, box[0], box[1], box[2], box[3]);
          assertEquals(box[2], region.width());
          assertEquals(box[3], region.height());
          assertArrayEquals(whole.crop(box[0], box[1], box[2], box[3]).data(), region.data(),
              f + " " + size[0] + "x" + size[1] + " region " + java.util.Arrays.toString(box));
        }
      }
    }
  }

  @Test
  void aRegionOutsideTheOutputIsRefused() {
    RgbImage src = TestImages.pattern(40, 30);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Resampler.resizeRegion(src, 20, 15, ResizeFilter.LANCZOS, 10, 0, 11, 15));
    assertEquals("region 11x15 at 10,0 is outside 20x15", e.getMessage());
  }
}

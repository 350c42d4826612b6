package dev.animegan.core.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.animegan.core.image.RgbImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TiledStylizerTest {
  static RgbImage noise(int w, int h, long seed) {
    byte[] b = new byte[w * h * 3];
    new Random(seed).nextBytes(b);
    return new RgbImage(w, h, b);
  }

  @Test
  void tileStartsCoverTheAxisWithTheLastAlignedToTheEdge() {
    assertArrayEquals(new int[] {0}, TiledStylizer.starts(100, 128, 16));
    assertArrayEquals(new int[] {0}, TiledStylizer.starts(128, 128, 16));
    assertArrayEquals(new int[] {0, 72}, TiledStylizer.starts(200, 128, 16));
    assertArrayEquals(new int[] {0, 112, 224, 272}, TiledStylizer.starts(400, 128, 16));
  }

  @Test
  void weightsArePositiveAndOneAtTheImageBorder() {
    float[] w = TiledStylizer.ramp(0, 64, 200, 16);
    assertEquals(1f, w[0]);
    assertTrue(w[63] > 0 && w[63] < 0.01f, "ramps down towards the neighbour: " + w[63]);
    float[] mid = TiledStylizer.ramp(50, 64, 200, 16);
    for (float v : mid) {
      assertTrue(v > 0f && v <= 1f);
    }
  }

  @Test
  void aPerPixelModelGivesThePerPixelResultAtAnySize() {
    // Inversion is local, so blending overlapping tiles must reproduce it exactly (up to rounding).
    TileModel invert = (tiles, w, h) -> {
      List<float[]> out = new ArrayList<>();
      for (float[] t : tiles) {
        float[] o = new float[t.length];
        for (int i = 0; i < t.length; i++) {
          o[i] = -t[i];
        }
        out.add(o);
      }
      return out;
    };
    for (int[] size : new int[][] {{37, 23}, {128, 64}, {300, 170}, {64, 513}}) {
      RgbImage in = noise(size[0], size[1], size[0]);
      RgbImage out = new TiledStylizer(invert, 64, 16, 3).stylize(in);
      assertEquals(in.width(), out.width());
      assertEquals(in.height(), out.height());
      for (int i = 0; i < in.data().length; i++) {
        int expected = 255 - (in.data()[i] & 0xFF);
        assertTrue(Math.abs(expected - (out.data()[i] & 0xFF)) <= 1, "pixel byte " + i);
      }
    }
  }

  @Test
  void blendingHidesTileEdgeArtefactsOnAFlatImage() {
    // A model that darkens a 4-pixel frame at its tile border, as padding effects do in real generators.
    TileModel framed = (tiles, w, h) -> {
      List<float[]> out = new ArrayList<>();
      for (float[] t : tiles) {
        float[] o = t.clone();
        for (int c = 0; c < 3; c++) {
          for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
              if (x < 4 || y < 4 || x >= w - 4 || y >= h - 4) {
                o[c * w * h + y * w + x] -= 0.5f;
              }
            }
          }
        }
        out.add(o);
      }
      return out;
    };
    byte[] flat = new byte[256 * 256 * 3];
    java.util.Arrays.fill(flat, (byte) 128);
    RgbImage blended = new TiledStylizer(framed, 64, 24, 4).stylize(new RgbImage(256, 256, flat));
    RgbImage abutting = new TiledStylizer(framed, 64, 0, 4).stylize(new RgbImage(256, 256, flat));
    assertTrue(maxJump(abutting) >= 60, "without overlap the frames show: " + maxJump(abutting));
    assertTrue(maxJump(blended) <= 4, "seam jump " + maxJump(blended));
  }

  /** Largest difference between horizontally adjacent pixels away from the image's own border. */
  static int maxJump(RgbImage img) {
    int m = 0;
    for (int y = 8; y < img.height() - 8; y++) {
      for (int x = 8; x < img.width() - 9; x++) {
        m = Math.max(m, Math.abs(img.get(x, y, 0) - img.get(x + 1, y, 0)));
      }
    }
    return m;
  }

  @Test
  void resizePlanFitsTheLongSideAndTheMultiple() {
    assertArrayEquals(new int[] {1024, 768}, ResizePlan.size(4000, 3000, 1024, 4));
    assertArrayEquals(new int[] {600, 400}, ResizePlan.size(600, 401, 1024, 4));
    assertArrayEquals(new int[] {32, 992}, ResizePlan.size(30, 1000, 1024, 32));
    assertArrayEquals(new int[] {8, 8}, ResizePlan.size(5, 5, 1024, 8));
  }

  @Test
  void rejectsBadTileSettings() {
    assertThrows(IllegalArgumentException.class, () -> new TiledStylizer((t, w, h) -> t, 64, 40, 1));
  }
}

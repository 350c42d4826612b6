package dev.animegan.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.animegan.core.testing.TestImages;
import org.junit.jupiter.api.Test;

/**
 * The Java port against OpenCV: the golden files come from make_fixtures.py running AnimeGAN's
 * edge_smooth.py steps with cv2 on scene.png.
 */
class EdgeSmoothingTest {
  private static final ImageDecoder DECODER = new ImageDecoder(ImageDecoder.Options.defaults());

  private static RgbImage fixture(String name) {
    return ((ImageDecoder.Decoded) DECODER.decode(TestImages.resource(name))).image();
  }

  private static boolean[] mask(RgbImage gray) {
    boolean[] m = new boolean[gray.width() * gray.height()];
    for (int i = 0; i < m.length; i++) {
      m[i] = (gray.data()[3 * i] & 0xFF) != 0;
    }
    return m;
  }

  @Test
  void grayMatchesOpenCvCvtColor() {
    RgbImage scene = fixture("scene.png");
    int[] gray = EdgeSmoothing.gray(scene);
    RgbImage expected = fixture("scene_gray.png");
    for (int i = 0; i < gray.length; i++) {
      assertEquals(expected.data()[3 * i] & 0xFF, gray[i], "pixel " + i);
    }
  }

  @Test
  void cannyMatchesOpenCv() {
    RgbImage scene = fixture("scene.png");
    boolean[] edges = EdgeSmoothing.canny(EdgeSmoothing.gray(scene), scene.width(), scene.height(), 100, 200);
    boolean[] expected = mask(fixture("scene_canny.png"));
    assertArrayEquals(expected, edges);
  }

  @Test
  void dilationMatchesOpenCv() {
    RgbImage scene = fixture("scene.png");
    assertArrayEquals(mask(fixture("scene_dilated.png")), EdgeSmoothing.edgeMask(scene));
  }

  @Test
  void smoothedImageMatchesAnimeGanEdgeSmooth() {
    assertEquals(fixture("scene_smooth.png"), EdgeSmoothing.smooth(fixture("scene.png")));
  }

  @Test
  void cannyOnAVerticalStep() {
    int w = 10;
    int h = 6;
    int[] gray = new int[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 5; x < w; x++) {
        gray[y * w + x] = 200;
      }
    }
    boolean[] e = EdgeSmoothing.canny(gray, w, h, 100, 200);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        // Gradients at x=4 and x=5 are equal (800): NMS keeps the one whose left neighbour is smaller.
        assertEquals(x == 4, e[y * w + x], "x=" + x + " y=" + y);
      }
    }
    assertFalse(anyTrue(EdgeSmoothing.canny(new int[w * h], w, h, 100, 200)), "flat image has no edges");
  }

  @Test
  void dilationIsAFiveByFiveSquareClippedAtBorders() {
    int w = 8;
    int h = 7;
    boolean[] m = new boolean[w * h];
    m[1 * w + 1] = true;
    boolean[] d = EdgeSmoothing.dilate(m, w, h, 5);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        assertEquals(x <= 3 && y <= 3, d[y * w + x], "x=" + x + " y=" + y);
      }
    }
  }

  @Test
  void gaussianUsesOpenCvsFiveTapTableAndReflectPadding() {
    // A single bright pixel at the origin: reflect padding (no edge repeat) mirrors it at -1? no:
    // index -1 maps to 1 and -2 to 2, so the origin pixel is seen once with weight 6*6/256.
    RgbImage img = RgbImage.blank(6, 6);
    img.set(0, 0, 0, 256 - 1);
    assertEquals(255 * 36 / 256, EdgeSmoothing.gaussianAt(img, 0, 0, 0));
    img = RgbImage.blank(6, 6);
    img.set(1, 1, 0, 255);
    // At (0,0) the pixel (1,1) is seen at offsets (+1,+1) and, mirrored, (-1,-1), (+1,-1), (-1,+1): 4 * 4*4/256.
    assertEquals(255 * 64 / 256, EdgeSmoothing.gaussianAt(img, 0, 0, 0));
    assertEquals(1, EdgeSmoothing.reflect(-1, 6));
    assertEquals(2, EdgeSmoothing.reflect(-2, 6));
    assertEquals(4, EdgeSmoothing.reflect(6, 6));
    assertEquals(3, EdgeSmoothing.reflect(7, 6));
  }

  @Test
  void grayTileHasThreeEqualChannels() {
    RgbImage g = EdgeSmoothing.grayTile(TestImages.pattern(9, 9));
    for (int i = 0; i < g.data().length; i += 3) {
      assertEquals(g.data()[i], g.data()[i + 1]);
      assertEquals(g.data()[i], g.data()[i + 2]);
    }
    assertTrue(g.get(8, 8, 0) > 0);
  }

  private static boolean anyTrue(boolean[] a) {
    for (boolean b : a) {
      if (b) {
        return true;
      }
    }
    return false;
  }
}

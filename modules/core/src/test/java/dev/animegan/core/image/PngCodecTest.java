package dev.animegan.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.animegan.core.testing.TestImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The tile PNG encoder: lossless at every level, readable by ImageIO, smaller as the level rises. */
class PngCodecTest {
  @Test
  void everyLevelIsLosslessAndStandard() throws Exception {
    for (int[] size : new int[][] {{1, 1}, {3, 2}, {64, 48}, {257, 131}}) {
      RgbImage img = TestImages.pattern(size[0], size[1]);
      int last = Integer.MAX_VALUE;
      for (int level : new int[] {0, 1, 6, 9}) {
        byte[] png = PngCodec.encode(img, level);
        assertEquals(img, PngCodec.decode(png), "level " + level + " " + size[0] + "x" + size[1]);
        BufferedImage bi = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(size[0], bi.getWidth());
        if (size[0] >= 64 && level > 0) {
          assertTrue(png.length < img.data().length, "level " + level + " compresses");
        }
        if (level == 0) {
          last = png.length;
        }
      }
      assertTrue(PngCodec.encode(img, 9).length <= last);
    }
  }
}

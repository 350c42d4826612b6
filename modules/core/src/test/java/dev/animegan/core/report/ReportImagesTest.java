package dev.animegan.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.animegan.core.image.RgbImage;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportImagesTest {
  @Test
  void gridPlacesCellsWithGaps() {
    RgbImage red = RgbImage.blank(4, 4);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        red.set(x, y, 0, 255);
      }
    }
    RgbImage grid = ImageGrid.rows(List.of(List.of(red, red), List.of(red)), 4, 2);
    assertEquals(2 * 4 + 3 * 2, grid.width());
    assertEquals(2 * 4 + 3 * 2, grid.height());
    assertEquals(0xFFFFFF, grid.rgbAt(0, 0), "gap is white");
    assertEquals(0xFF0000, grid.rgbAt(2, 2), "first cell");
    assertEquals(0xFF0000, grid.rgbAt(2, 8), "second row, first cell");
    assertEquals(0xFFFFFF, grid.rgbAt(8, 8), "second row has one cell");
  }

  @Test
  void plotDrawsEachPhaseInItsOwnColourAndSkipsNonFinite() {
    Map<String, List<LossPlot.Point>> series = new LinkedHashMap<>();
    series.put("g.con", List.of(new LossPlot.Point(1, "pretrain", 1.0), new LossPlot.Point(2, "pretrain", 0.5),
        new LossPlot.Point(3, "train", Double.NaN), new LossPlot.Point(4, "train", 0.7)));
    series.put("d.real", List.of());
    BufferedImage img = LossPlot.render("losses", series);
    assertEquals(3 * 320, img.getWidth());
    assertEquals(30 + 170, img.getHeight());
    int blue = 0;
    int red = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < 320; x++) {
        int p = img.getRGB(x, y) & 0xFFFFFF;
        blue += p == 0x1f77b4 ? 1 : 0;
        red += p == 0xd62728 ? 1 : 0;
      }
    }
    assertNotEquals(0, blue, "pretraining drawn");
    assertNotEquals(0, red, "training drawn");
  }
}

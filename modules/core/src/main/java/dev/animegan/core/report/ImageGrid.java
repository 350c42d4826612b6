package dev.animegan.core.report;

import dev.animegan.core.image.RgbImage;
import java.util.List;

/** Lays images out in rows on a white canvas with a gap between cells (sample grids, galleries). */
public final class ImageGrid {
  private ImageGrid() {}

  /**
   * One row per list; every cell is {@code cell} pixels square, images are drawn top-left in their
   * cell at their own size, cropped to the cell if larger.
   */
  public static RgbImage rows(List<List<RgbImage>> rows, int cell, int gap) {
    int cols = rows.stream().mapToInt(List::size).max().orElse(0);
    int w = Math.max(1, cols * cell + (cols + 1) * gap);
    int h = Math.max(1, rows.size() * cell + (rows.size() + 1) * gap);
    RgbImage out = RgbImage.blank(w, h);
    byte[] dst = out.data();
    java.util.Arrays.fill(dst, (byte) 0xFF);
    for (int r = 0; r < rows.size(); r++) {
      for (int c = 0; c < rows.get(r).size(); c++) {
        RgbImage img = rows.get(r).get(c);
        int ox = gap + c * (cell + gap);
        int oy = gap + r * (cell + gap);
        int cw = Math.min(cell, img.width());
        int ch = Math.min(cell, img.height());
        for (int y = 0; y < ch; y++) {
          System.arraycopy(img.data(), y * img.width() * 3, dst, ((oy + y) * w + ox) * 3, cw * 3);
        }
      }
    }
    return out;
  }
}

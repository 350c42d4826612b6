package dev.animegan.core.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Where the tiles of one image go. Pure and deterministic: same inputs, same boxes. */
public final class CropPlanner {
  private CropPlanner() {}

  /** Target size after resizing so the short side is {@code shortSide} (never below {@code cropSize}). */
  public static int[] resizedSize(int width, int height, int shortSide, boolean allowUpscale) {
    int s = Math.min(width, height);
    if (s <= shortSide && !allowUpscale) {
      return new int[] {width, height};
    }
    double scale = (double) shortSide / s;
    int w = width <= height ? shortSide : (int) Math.round(width * scale);
    int h = width <= height ? (int) Math.round(height * scale) : shortSide;
    return new int[] {Math.max(w, 1), Math.max(h, 1)};
  }

  /**
   * The crop boxes in an image of {@code width} x {@code height}.
   *
   * @param seed for {@link CropMode#RANDOM}: combine the configured seed with the file's content
   *     hash so the boxes do not depend on task order
   */
  public static List<CropBox> plan(int width, int height, int size, CropMode mode, int count, int maxPerImage, long seed) {
    if (width < size || height < size) {
      throw new IllegalArgumentException("image " + width + "x" + height + " is smaller than the crop " + size);
    }
    List<CropBox> boxes = new ArrayList<>();
    switch (mode) {
      case CENTER -> boxes.add(new CropBox(0, (width - size) / 2, (height - size) / 2, size));
      case GRID -> {
        int cols = width / size;
        int rows = height / size;
        int x0 = (width - cols * size) / 2;
        int y0 = (height - rows * size) / 2;
        int n = cols * rows;
        int take = Math.min(n, maxPerImage);
        for (int k = 0; k < take; k++) {
          // Evenly spread picks when the grid has more cells than allowed.
          int cell = (int) ((long) k * n / take);
          boxes.add(new CropBox(k, x0 + (cell % cols) * size, y0 + (cell / cols) * size, size));
        }
      }
      case RANDOM -> {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int k = 0; k < count; k++) {
          int x = width == size ? 0 : rnd.nextInt(width - size + 1);
          int y = height == size ? 0 : rnd.nextInt(height - size + 1);
          boxes.add(new CropBox(k, x, y, size));
        }
      }
      default -> throw new IllegalArgumentException("unknown crop mode " + mode);
    }
    return boxes;
  }
}

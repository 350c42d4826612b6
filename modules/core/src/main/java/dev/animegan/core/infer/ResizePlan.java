package dev.animegan.core.infer;

/** Output size of resize mode: the long side at most {@code maxLongSide}, both sides multiples of {@code multiple}. */
public final class ResizePlan {
  private ResizePlan() {}

  /** {width, height}: scaled down (never up) to fit, then each side rounded to the nearest multiple (at least one). */
  public static int[] size(int width, int height, int maxLongSide, int multiple) {
    double scale = Math.min(1.0, maxLongSide / (double) Math.max(width, height));
    int w = roundTo(width * scale, multiple);
    int h = roundTo(height * scale, multiple);
    // Rounding up must not break the long-side limit.
    while (Math.max(w, h) > Math.max(maxLongSide, multiple)) {
      if (w >= h) {
        w -= multiple;
      } else {
        h -= multiple;
      }
    }
    return new int[] {Math.max(multiple, w), Math.max(multiple, h)};
  }

  private static int roundTo(double v, int m) {
    return (int) Math.max(m, Math.round(v / m) * m);
  }
}

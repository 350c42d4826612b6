package dev.animegan.core.image;

import java.util.Locale;

/**
 * Resampling filters. Each is stretched by the scale factor when shrinking, so every source pixel
 * contributes (no aliasing): {@link #AREA} then averages exactly the covered source area.
 */
public enum ResizeFilter {
  /** Box filter: area averaging when shrinking. */
  AREA(0.5) {
    @Override
    double weight(double x) {
      return x >= -0.5 && x < 0.5 ? 1.0 : 0.0;
    }
  },
  /** Triangle (linear) filter. */
  BILINEAR(1.0) {
    @Override
    double weight(double x) {
      double a = Math.abs(x);
      return a < 1.0 ? 1.0 - a : 0.0;
    }
  },
  /** Lanczos with 3 lobes: sharpest, the default. */
  LANCZOS(3.0) {
    @Override
    double weight(double x) {
      if (x == 0.0) {
        return 1.0;
      }
      if (x <= -3.0 || x >= 3.0) {
        return 0.0;
      }
      double px = Math.PI * x;
      return 3.0 * Math.sin(px) * Math.sin(px / 3.0) / (px * px);
    }
  };

  final double support;

  ResizeFilter(double support) {
    this.support = support;
  }

  abstract double weight(double x);

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}

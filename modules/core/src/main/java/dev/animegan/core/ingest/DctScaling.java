package dev.animegan.core.ingest;

import java.util.Locale;

/**
 * How far JPEGs are scaled in the DCT domain while decoding, before the resize filter (see
 * {@code animegan.ingest.decode.dct-scaling} and README's ingest figures).
 */
public enum DctScaling {
  /** Full-size decodes only. */
  OFF(0.0),
  /**
   * Down to the smallest size whose short side is at least 1.25 times the resize target, so the
   * antialiased filter still does the last 1.25x or more. Measured tile PSNR against full decodes
   * (README): at least 51.7 dB on the bundled photos, 41.6 dB on ../shared/data/photos and 43.3 dB
   * on the generated benchmark photos. Scaling further, to the target itself, leaves the filter
   * almost nothing to do and measured down to 29 dB.
   */
  QUALITY(1.25),
  /**
   * Down to the smallest size at or above the resize target (PIL's draft() rule; fastest, but
   * measured as low as 29 dB on the generated benchmark photos and ../shared/data/photos).
   */
  FASTEST(1.0);

  private final double margin;

  DctScaling(double margin) {
    this.margin = margin;
  }

  /** The short side a scaled decode must keep for a resize target of {@code shortSide}; 0 when off. */
  public int minimumShortSide(int shortSide) {
    return (int) Math.ceil(margin * shortSide);
  }

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}

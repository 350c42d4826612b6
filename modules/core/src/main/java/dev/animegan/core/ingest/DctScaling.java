package dev.animegan.core.ingest;

import java.util.Locale;

/**
 * How far JPEGs are scaled in the DCT domain while decoding, before the resize filter (see
 * {@code animegan.ingest.decode.dct-scaling} and README's ingest figures).
 */
public enum DctScaling {
  /** Full-size decodes only. */
  OFF(0),
  /**
   * Down to the smallest size whose short side is at least twice the resize target, so the
   * antialiased filter still does the last 2x or more. Measured tile PSNR against full decodes:
   * at least 53 dB on the bundled photos, 40.6 dB on ../shared/data/photos, but down to 32.5 dB on
   * the generated benchmark photos (README: 30 of the 118 scaled ones below 40 dB).
   */
  QUALITY(2),
  /**
   * Down to the smallest size at or above the resize target (PIL's draft() rule; fastest, but
   * measured as low as 23 dB on the generated benchmark photos, mean 40 dB).
   */
  FASTEST(1);

  private final int margin;

  DctScaling(int margin) {
    this.margin = margin;
  }

  /** The short side a scaled decode must keep for a resize target of {@code shortSide}; 0 when off. */
  public int minimumShortSide(int shortSide) {
    return margin * shortSide;
  }

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}

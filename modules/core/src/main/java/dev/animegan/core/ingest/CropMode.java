package dev.animegan.core.ingest;

import java.util.Locale;

/** How tiles are cut from a resized image. */
public enum CropMode {
  /** One tile from the centre. */
  CENTER,
  /** Non-overlapping tiles on a centred grid, at most {@code crop.max-per-image}. */
  GRID,
  /** {@code crop.count} tiles at positions drawn from a generator seeded by the seed and the file's content. */
  RANDOM;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}

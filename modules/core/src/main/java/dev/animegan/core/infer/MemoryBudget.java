package dev.animegan.core.infer;

import java.util.Locale;

/**
 * How much of an image the generator may process in one call: a byte budget per concurrently
 * running task, the generator's bytes per pixel ({@code 32 x base} for the AnimeGANv2 generator on
 * the engine, measured) and a fixed allowance. Pure arithmetic; the inference job uses it to size
 * batches and tiles before calling, and to pick the next size when a call runs out of memory.
 *
 * @param bytes the budget
 * @param bytesPerPixel the generator's working set per input pixel
 * @param fixedBytes what a call needs besides (inputs and outputs in float, bookkeeping)
 */
public record MemoryBudget(long bytes, long bytesPerPixel, long fixedBytes) {
  /** The smallest tile the tile path uses. */
  public static final int MIN_TILE = 32;

  public MemoryBudget {
    if (bytes <= 0 || bytesPerPixel <= 0 || fixedBytes < 0) {
      throw new IllegalArgumentException("memory budget " + bytes + " B, " + bytesPerPixel + " B/pixel, " + fixedBytes
          + " B fixed");
    }
  }

  /** Pixels one call may hold. */
  public long pixelsPerCall() {
    return Math.max(0, (bytes - fixedBytes) / bytesPerPixel);
  }

  /** Bytes a call over {@code pixels} needs. */
  public long bytesFor(long pixels) {
    return pixels * bytesPerPixel + fixedBytes;
  }

  /** How many images of {@code pixels} fit in one call, at most {@code cap}; 0 when not even one does. */
  public int batch(long pixels, int cap) {
    if (pixels <= 0) {
      return cap;
    }
    return (int) Math.min(cap, pixelsPerCall() / pixels);
  }

  /** The largest square tile side at most {@code limit} (a multiple of 16 when above 16) that fits one call; 0 when even {@link #MIN_TILE} does not. */
  public int largestTile(int limit) {
    long side = (long) Math.floor(Math.sqrt((double) pixelsPerCall()));
    side = Math.min(side, limit);
    if (side > 16) {
      side -= side % 16;
    }
    return side >= MIN_TILE ? (int) side : 0;
  }

  /** A byte count for messages: 1.0 KiB, 12.3 MiB, 1.1 GiB. */
  public static String human(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}

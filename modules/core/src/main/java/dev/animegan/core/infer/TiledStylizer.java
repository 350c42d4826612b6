package dev.animegan.core.infer;

import dev.animegan.core.image.PlanarPixels;
import dev.animegan.core.image.RgbImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Stylises an image of any size in overlapping square tiles and blends them with raised-cosine
 * weights, so no seams show where tiles meet. Works one row of tiles at a time: besides the 8-bit
 * input and output images, memory is one band of float accumulators ({@code 16 * width * tile}
 * bytes) and one batch of tiles, whatever the image's height.
 *
 * <p>Tile positions along an axis: 0, s, 2s, ... with stride {@code s = tile - overlap}, the last
 * one aligned with the far edge (so every tile is full size when the image is at least one tile
 * wide). Each tile's weight ramps from near 0 to 1 across {@code overlap} pixels on every side that
 * has a neighbour and is 1 at the image border; the output is the weighted mean.
 */
public final class TiledStylizer {
  private final TileModel model;
  private final int tile;
  private final int overlap;
  private final int batchSize;

  public TiledStylizer(TileModel model, int tile, int overlap, int batchSize) {
    if (tile < 8 || overlap < 0 || overlap * 2 > tile || batchSize < 1) {
      throw new IllegalArgumentException("tile " + tile + ", overlap " + overlap + ", batch " + batchSize
          + ": need tile >= 8, 0 <= overlap <= tile / 2, batch >= 1");
    }
    this.model = model;
    this.tile = tile;
    this.overlap = overlap;
    this.batchSize = batchSize;
  }

  /** Start positions of tiles of {@code size} along an axis of {@code length}, stride {@code size - overlap}. */
  public static int[] starts(int length, int size, int overlap) {
    if (length <= size) {
      return new int[] {0};
    }
    int stride = size - overlap;
    List<Integer> s = new ArrayList<>();
    for (int p = 0; p + size < length; p += stride) {
      s.add(p);
    }
    s.add(length - size);
    return s.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Weights along one axis for the tile at {@code start} of {@code size} in {@code length}: ramps where neighbours overlap. */
  static float[] ramp(int start, int size, int length, int overlap) {
    float[] w = new float[size];
    for (int i = 0; i < size; i++) {
      float v = 1f;
      if (overlap > 0 && start > 0 && i < overlap) {
        v = Math.min(v, cosine(i, overlap));
      }
      if (overlap > 0 && start + size < length && size - 1 - i < overlap) {
        v = Math.min(v, cosine(size - 1 - i, overlap));
      }
      w[i] = v;
    }
    return w;
  }

  private static float cosine(int i, int n) {
    return (float) (0.5 - 0.5 * Math.cos(Math.PI * (i + 0.5) / n));
  }

  public RgbImage stylize(RgbImage img) {
    int w = img.width();
    int h = img.height();
    int tw = Math.min(tile, w);
    int th = Math.min(tile, h);
    int[] xs = starts(w, tw, overlap);
    int[] ys = starts(h, th, overlap);
    float[][] wx = new float[xs.length][];
    for (int i = 0; i < xs.length; i++) {
      wx[i] = ramp(xs[i], tw, w, overlap);
    }
    RgbImage out = RgbImage.blank(w, h);
    byte[] dst = out.data();
    // Band accumulators for rows [lo, lo + th).
    float[] acc = new float[3 * w * th];
    float[] wsum = new float[w * th];
    int lo = 0;
    for (int k = 0; k < ys.length; k++) {
      int y0 = ys[k];
      float[] wy = ramp(y0, th, h, overlap);
      for (int b = 0; b < xs.length; b += batchSize) {
        int n = Math.min(batchSize, xs.length - b);
        List<float[]> tiles = new ArrayList<>(n);
        for (int t = 0; t < n; t++) {
          float[] tile = new float[3 * tw * th];
          PlanarPixels.toPlanar(img, xs[b + t], y0, tw, th, tile, 0);
          tiles.add(tile);
        }
        List<float[]> styled = model.apply(tiles, tw, th);
        for (int t = 0; t < n; t++) {
          add(styled.get(t), xs[b + t], y0 - lo, tw, th, w, wx[b + t], wy, acc, wsum);
        }
      }
      int done = k + 1 < ys.length ? ys[k + 1] : h;
      for (int y = lo; y < done; y++) {
        emit(acc, wsum, y - lo, w, dst, y);
      }
      int shift = done - lo;
      if (k + 1 < ys.length) {
        int keep = th - shift;
        System.arraycopy(wsum, shift * w, wsum, 0, keep * w);
        java.util.Arrays.fill(wsum, keep * w, th * w, 0f);
        System.arraycopy(acc, shift * w * 3, acc, 0, keep * w * 3);
        java.util.Arrays.fill(acc, keep * w * 3, th * w * 3, 0f);
      }
      lo = done;
    }
    return out;
  }

  private static void add(float[] t, int x0, int bandY, int tw, int th, int w, float[] wx, float[] wy, float[] acc,
      float[] wsum) {
    int plane = tw * th;
    for (int y = 0; y < th; y++) {
      int row = (bandY + y) * w + x0;
      for (int x = 0; x < tw; x++) {
        float wt = wx[x] * wy[y];
        int i = y * tw + x;
        int p = row + x;
        acc[3 * p] += wt * t[i];
        acc[3 * p + 1] += wt * t[plane + i];
        acc[3 * p + 2] += wt * t[2 * plane + i];
        wsum[p] += wt;
      }
    }
  }

  private static void emit(float[] acc, float[] wsum, int bandY, int w, byte[] dst, int y) {
    for (int x = 0; x < w; x++) {
      int p = bandY * w + x;
      float s = wsum[p];
      int d = (y * w + x) * 3;
      for (int c = 0; c < 3; c++) {
        dst[d + c] = (byte) PlanarPixels.to8(acc[3 * p + c] / s);
      }
    }
  }
}

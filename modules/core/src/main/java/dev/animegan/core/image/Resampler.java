package dev.animegan.core.image;

/** Separable image resampling with an antialiasing {@link ResizeFilter}. */
public final class Resampler {
  private Resampler() {}

  /** Taps for one axis: for output index i, weights over source indices [start[i], start[i] + count[i]). */
  private record Taps(int[] start, int[] count, float[] weights, int stride) {}

  private static Taps taps(int inSize, int outSize, ResizeFilter filter) {
    double scale = (double) inSize / outSize;
    double filterScale = Math.max(scale, 1.0);
    double support = filter.support * filterScale;
    int stride = (int) Math.ceil(support) * 2 + 1;
    int[] start = new int[outSize];
    int[] count = new int[outSize];
    float[] weights = new float[outSize * stride];
    double[] tmp = new double[stride];
    for (int i = 0; i < outSize; i++) {
      double center = (i + 0.5) * scale;
      int lo = Math.max(0, (int) Math.floor(center - support + 0.5));
      int hi = Math.min(inSize, (int) Math.floor(center + support + 0.5));
      int n = Math.min(hi - lo, stride);
      double sum = 0;
      for (int k = 0; k < n; k++) {
        double w = filter.weight((lo + k - center + 0.5) / filterScale);
        tmp[k] = w;
        sum += w;
      }
      if (sum == 0) { // cannot happen for sane sizes; fall back to nearest
        n = 1;
        lo = Math.min(inSize - 1, (int) center);
        tmp[0] = 1;
        sum = 1;
      }
      for (int k = 0; k < n; k++) {
        weights[i * stride + k] = (float) (tmp[k] / sum);
      }
      start[i] = lo;
      count[i] = n;
    }
    return new Taps(start, count, weights, stride);
  }

  /** {@code src} resized to {@code outW} x {@code outH} with {@code filter}. */
  public static RgbImage resize(RgbImage src, int outW, int outH, ResizeFilter filter) {
    if (outW <= 0 || outH <= 0) {
      throw new IllegalArgumentException("target size must be positive, got " + outW + "x" + outH);
    }
    int inW = src.width();
    int inH = src.height();
    if (inW == outW && inH == outH) {
      return new RgbImage(inW, inH, src.data().clone());
    }
    byte[] in = src.data();
    // Horizontal pass: inH rows x outW columns, float.
    Taps hx = taps(inW, outW, filter);
    float[] mid = new float[inH * outW * 3];
    for (int y = 0; y < inH; y++) {
      int rowIn = y * inW * 3;
      int rowMid = y * outW * 3;
      for (int x = 0; x < outW; x++) {
        int s = hx.start[x];
        int n = hx.count[x];
        int wo = x * hx.stride;
        float r = 0;
        float g = 0;
        float b = 0;
        for (int k = 0; k < n; k++) {
          float w = hx.weights[wo + k];
          int p = rowIn + (s + k) * 3;
          r += w * (in[p] & 0xFF);
          g += w * (in[p + 1] & 0xFF);
          b += w * (in[p + 2] & 0xFF);
        }
        int q = rowMid + x * 3;
        mid[q] = r;
        mid[q + 1] = g;
        mid[q + 2] = b;
      }
    }
    // Vertical pass.
    Taps vy = taps(inH, outH, filter);
    byte[] out = new byte[outW * outH * 3];
    float[] acc = new float[outW * 3];
    for (int y = 0; y < outH; y++) {
      java.util.Arrays.fill(acc, 0f);
      int s = vy.start[y];
      int n = vy.count[y];
      int wo = y * vy.stride;
      for (int k = 0; k < n; k++) {
        float w = vy.weights[wo + k];
        int rowMid = (s + k) * outW * 3;
        for (int i = 0; i < acc.length; i++) {
          acc[i] += w * mid[rowMid + i];
        }
      }
      int rowOut = y * outW * 3;
      for (int i = 0; i < acc.length; i++) {
        int v = Math.round(acc[i]);
        out[rowOut + i] = (byte) (v < 0 ? 0 : Math.min(v, 255));
      }
    }
    return new RgbImage(outW, outH, out);
  }
}

package dev.animegan.core.video;

import dev.animegan.core.image.RgbImage;
import java.io.Serializable;

/**
 * The flicker metric: over consecutive frame pairs, the mean absolute difference (8-bit levels,
 * averaged over R, G and B) between output frames at the pixels that are static in the input (no
 * channel changes by more than {@link #STATIC_LEVELS}), relative to the same mean on the input.
 * Measured on the stylised frames before smoothing ("raw") and after it ("output"), so one run
 * reports both. The ratio divides by the input's mean but at least 1 level, so that perfectly
 * still synthetic input gives a finite figure.
 */
public final class FlickerMeter {
  /** A pixel is static when no channel differs by more than this between two input frames. */
  public static final int STATIC_LEVELS = 3;

  private RgbImage prevIn;
  private RgbImage prevRaw;
  private RgbImage prevOut;
  private Sums sums = Sums.ZERO;

  /** Sums over frame pairs; they add across segments. */
  public record Sums(long pairs, long pixels, long staticPixels, double input, double raw, double output)
      implements Serializable {
    public static final Sums ZERO = new Sums(0, 0, 0, 0, 0, 0);

    public Sums plus(Sums o) {
      return new Sums(pairs + o.pairs, pixels + o.pixels, staticPixels + o.staticPixels, input + o.input, raw + o.raw,
          output + o.output);
    }

    public double inputMean() {
      return staticPixels == 0 ? 0 : input / staticPixels;
    }

    public double rawMean() {
      return staticPixels == 0 ? 0 : raw / staticPixels;
    }

    public double outputMean() {
      return staticPixels == 0 ? 0 : output / staticPixels;
    }

    /** The output's flicker relative to the input's (smoothing on: after smoothing). */
    public double outputRatio() {
      return outputMean() / Math.max(1.0, inputMean());
    }

    /** The stylised frames' flicker before smoothing, relative to the input's. */
    public double rawRatio() {
      return rawMean() / Math.max(1.0, inputMean());
    }

    public double staticFraction() {
      return pixels == 0 ? 0 : staticPixels / (double) pixels;
    }
  }

  /** One frame: the generator's input, its raw output, and the output after smoothing (all the same size). */
  public void add(RgbImage in, RgbImage raw, RgbImage out) {
    add(in, raw, out, true);
  }

  /**
   * As above; {@code count} false only remembers the frame (a segment's warm-up frames, whose
   * pairs belong to the previous segment, except the last one's pair with the first written frame).
   */
  public void add(RgbImage in, RgbImage raw, RgbImage out, boolean count) {
    if (count && prevIn != null && prevIn.width() == in.width() && prevIn.height() == in.height()) {
      byte[] a = prevIn.data();
      byte[] b = in.data();
      byte[] ra = prevRaw.data();
      byte[] rb = raw.data();
      byte[] oa = prevOut.data();
      byte[] ob = out.data();
      long stat = 0;
      double si = 0;
      double sr = 0;
      double so = 0;
      for (int i = 0; i < b.length; i += 3) {
        int d0 = Math.abs((a[i] & 0xFF) - (b[i] & 0xFF));
        int d1 = Math.abs((a[i + 1] & 0xFF) - (b[i + 1] & 0xFF));
        int d2 = Math.abs((a[i + 2] & 0xFF) - (b[i + 2] & 0xFF));
        if (d0 > STATIC_LEVELS || d1 > STATIC_LEVELS || d2 > STATIC_LEVELS) {
          continue;
        }
        stat++;
        si += (d0 + d1 + d2) / 3.0;
        sr += diff3(ra, rb, i);
        so += diff3(oa, ob, i);
      }
      sums = sums.plus(new Sums(1, b.length / 3, stat, si, sr, so));
    }
    prevIn = in;
    prevRaw = raw;
    prevOut = out;
  }

  private static double diff3(byte[] a, byte[] b, int i) {
    return (Math.abs((a[i] & 0xFF) - (b[i] & 0xFF)) + Math.abs((a[i + 1] & 0xFF) - (b[i + 1] & 0xFF))
        + Math.abs((a[i + 2] & 0xFF) - (b[i + 2] & 0xFF))) / 3.0;
  }

  public Sums sums() {
    return sums;
  }
}

package dev.animegan.core.image;

/**
 * Keeps an input's colour statistics in a stylised image: both are converted to CIE L*a*b* (sRGB,
 * D65), the output's a* and b* (chroma) are shifted and scaled so that their mean and standard
 * deviation equal the input's, and its L* (lightness) is shifted so that its mean equals the
 * input's (its contrast, part of the style, is kept). This undoes the darkening and colour casts
 * a generator adds while keeping its edges, flat regions and shading. The chroma scale is limited
 * to 1/4..4, so a near-grey output does not get its noise amplified.
 */
public final class ColorPreservation {
  private static final double MAX_SCALE = 4.0;
  private static final float[] LINEAR = new float[256];

  static {
    for (int i = 0; i < 256; i++) {
      double c = i / 255.0;
      LINEAR[i] = (float) (c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4));
    }
  }

  private ColorPreservation() {}

  /** {@code styled} with the colour statistics of {@code reference} (any size; statistics are per image). */
  public static RgbImage apply(RgbImage reference, RgbImage styled) {
    float[] ref = lab(reference);
    float[] out = lab(styled);
    double[] r = stats(ref);
    double[] o = stats(out);
    double sa = scale(r[3], o[3]);
    double sb = scale(r[5], o[5]);
    byte[] px = new byte[styled.data().length];
    for (int i = 0; i < out.length; i += 3) {
      double l = out[i] - o[0] + r[0];
      double a = (out[i + 1] - o[2]) * sa + r[2];
      double b = (out[i + 2] - o[4]) * sb + r[4];
      toRgb(l, a, b, px, i);
    }
    return new RgbImage(styled.width(), styled.height(), px);
  }

  /** {mean L*, std L*, mean a*, std a*, mean b*, std b*} of an image. */
  public static double[] statistics(RgbImage img) {
    return stats(lab(img));
  }

  private static double scale(double refStd, double outStd) {
    if (outStd < 1e-6) {
      return 1.0;
    }
    return Math.max(1 / MAX_SCALE, Math.min(MAX_SCALE, refStd / outStd));
  }

  /** {mean L, std L, mean a, std a, mean b, std b}. */
  static double[] stats(float[] lab) {
    double[] sum = new double[3];
    double[] sq = new double[3];
    int n = lab.length / 3;
    for (int i = 0; i < lab.length; i += 3) {
      for (int c = 0; c < 3; c++) {
        sum[c] += lab[i + c];
        sq[c] += (double) lab[i + c] * lab[i + c];
      }
    }
    double[] s = new double[6];
    for (int c = 0; c < 3; c++) {
      double mean = sum[c] / n;
      s[2 * c] = mean;
      s[2 * c + 1] = Math.sqrt(Math.max(0, sq[c] / n - mean * mean));
    }
    return s;
  }

  /** L*a*b* per pixel, interleaved. */
  static float[] lab(RgbImage img) {
    byte[] px = img.data();
    float[] lab = new float[px.length];
    for (int i = 0; i < px.length; i += 3) {
      float r = LINEAR[px[i] & 0xFF];
      float g = LINEAR[px[i + 1] & 0xFF];
      float b = LINEAR[px[i + 2] & 0xFF];
      double x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047;
      double y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b;
      double z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883;
      double fx = f(x);
      double fy = f(y);
      double fz = f(z);
      lab[i] = (float) (116 * fy - 16);
      lab[i + 1] = (float) (500 * (fx - fy));
      lab[i + 2] = (float) (200 * (fy - fz));
    }
    return lab;
  }

  private static double f(double t) {
    return t > 216.0 / 24389 ? Math.cbrt(t) : (24389.0 / 27 * t + 16) / 116;
  }

  private static double fInv(double t) {
    double t3 = t * t * t;
    return t3 > 216.0 / 24389 ? t3 : (116 * t - 16) * 27 / 24389.0;
  }

  static void toRgb(double l, double a, double b, byte[] out, int i) {
    double fy = (l + 16) / 116;
    double fx = fy + a / 500;
    double fz = fy - b / 200;
    double x = fInv(fx) * 0.95047;
    double y = fInv(fy);
    double z = fInv(fz) * 1.08883;
    double r = 3.2404542 * x - 1.5371385 * y - 0.4985314 * z;
    double g = -0.9692660 * x + 1.8760108 * y + 0.0415560 * z;
    double bl = 0.0556434 * x - 0.2040259 * y + 1.0572252 * z;
    out[i] = encode(r);
    out[i + 1] = encode(g);
    out[i + 2] = encode(bl);
  }

  private static byte encode(double c) {
    c = Math.max(0, Math.min(1, c));
    double v = c <= 0.0031308 ? 12.92 * c : 1.055 * Math.pow(c, 1 / 2.4) - 0.055;
    return (byte) Math.round(v * 255);
  }
}

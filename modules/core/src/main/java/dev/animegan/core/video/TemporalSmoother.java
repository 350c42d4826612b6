package dev.animegan.core.video;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;

import dev.animegan.core.image.RgbImage;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_video.DISOpticalFlow;

/**
 * Temporal smoothing of stylised frames. For each frame, dense optical flow (OpenCV's DIS, from
 * the current input frame to the previous one) says where each pixel was; the previous output is
 * warped along it (bilinear) and blended into the new stylised frame with weight
 * {@code strength * exp(-(e / 8)^2)}, where {@code e} is how far the warped previous input differs
 * from the current input at that pixel (mean over R, G, B, in 8-bit levels). Where the flow is
 * right (static or smoothly moving content) the output keeps its previous look, which removes
 * the generator's frame-to-frame flicker; where it is wrong (occlusions, cuts, new content) the
 * weight falls to 0 and the new stylised frame shows, so motion is not smeared. Strength 0 is off,
 * 1 reuses the warped output fully wherever the flow is exact.
 */
public final class TemporalSmoother implements AutoCloseable {
  /** Input error (levels) at which the blend weight falls to 1/e of the strength. */
  public static final double SIGMA = 8.0;

  private final double strength;
  private final float[] weightOfError = new float[256 * 3 + 1];
  private DISOpticalFlow flow;
  private RgbImage prevIn;
  private RgbImage prevOut;
  private Mat prevGray;

  public TemporalSmoother(double strength) {
    if (strength < 0 || strength > 1) {
      throw new IllegalArgumentException("strength must be 0..1, got " + strength);
    }
    this.strength = strength;
    for (int i = 0; i < weightOfError.length; i++) {
      double e = i / 3.0;
      weightOfError[i] = (float) (strength * Math.exp(-(e / SIGMA) * (e / SIGMA)));
    }
  }

  /** Forgets the previous frame (the next frame is taken as it is). */
  public void reset() {
    prevIn = null;
    prevOut = null;
    if (prevGray != null) {
      prevGray.close();
      prevGray = null;
    }
  }

  /** The smoothed output for this frame: {@code input} is the generator's input, {@code styled} its output (same size). */
  public RgbImage apply(RgbImage input, RgbImage styled) {
    if (strength == 0) {
      return styled;
    }
    Mat gray = gray(input);
    if (prevIn == null || prevIn.width() != input.width() || prevIn.height() != input.height()) {
      remember(input, styled, gray);
      return styled;
    }
    if (flow == null) {
      flow = DISOpticalFlow.create(DISOpticalFlow.PRESET_MEDIUM);
    }
    int w = input.width();
    int h = input.height();
    float[] f = new float[w * h * 2];
    try (Mat m = new Mat()) {
      flow.calc(gray, prevGray, m);
      new FloatPointer(m.data()).get(f);
    }
    byte[] warpedOut = new byte[w * h * 3];
    byte[] warpedIn = new byte[w * h * 3];
    boolean[] inside = new boolean[w * h];
    warp(prevOut.data(), prevIn.data(), w, h, f, warpedOut, warpedIn, inside);
    byte[] cur = input.data();
    byte[] sty = styled.data();
    byte[] out = new byte[sty.length];
    for (int p = 0, i = 0; p < w * h; p++, i += 3) {
      float a = 0;
      if (inside[p]) {
        int e = Math.abs((cur[i] & 0xFF) - (warpedIn[i] & 0xFF)) + Math.abs((cur[i + 1] & 0xFF) - (warpedIn[i + 1] & 0xFF))
            + Math.abs((cur[i + 2] & 0xFF) - (warpedIn[i + 2] & 0xFF));
        a = weightOfError[e];
      }
      for (int c = 0; c < 3; c++) {
        float v = a * (warpedOut[i + c] & 0xFF) + (1 - a) * (sty[i + c] & 0xFF);
        out[i + c] = (byte) Math.min(255, Math.max(0, Math.round(v)));
      }
    }
    RgbImage result = new RgbImage(w, h, out);
    remember(input, result, gray);
    return result;
  }

  private void remember(RgbImage input, RgbImage output, Mat gray) {
    if (prevGray != null) {
      prevGray.close();
    }
    prevIn = input;
    prevOut = output;
    prevGray = gray;
  }

  /** Bilinear samples of two images at (x + fx, y + fy); {@code inside} is false where that point leaves the image. */
  static void warp(byte[] a, byte[] b, int w, int h, float[] flow, byte[] outA, byte[] outB, boolean[] inside) {
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = y * w + x;
        float sx = x + flow[2 * p];
        float sy = y + flow[2 * p + 1];
        inside[p] = sx >= 0 && sy >= 0 && sx <= w - 1 && sy <= h - 1;
        float cx = Math.min(Math.max(sx, 0), w - 1);
        float cy = Math.min(Math.max(sy, 0), h - 1);
        int x0 = Math.min((int) cx, w - 1);
        int y0 = Math.min((int) cy, h - 1);
        int x1 = Math.min(x0 + 1, w - 1);
        int y1 = Math.min(y0 + 1, h - 1);
        float tx = cx - x0;
        float ty = cy - y0;
        int i00 = (y0 * w + x0) * 3;
        int i01 = (y0 * w + x1) * 3;
        int i10 = (y1 * w + x0) * 3;
        int i11 = (y1 * w + x1) * 3;
        for (int c = 0; c < 3; c++) {
          outA[3 * p + c] = lerp(a, i00 + c, i01 + c, i10 + c, i11 + c, tx, ty);
          outB[3 * p + c] = lerp(b, i00 + c, i01 + c, i10 + c, i11 + c, tx, ty);
        }
      }
    }
  }

  private static byte lerp(byte[] img, int i00, int i01, int i10, int i11, float tx, float ty) {
    float top = (img[i00] & 0xFF) * (1 - tx) + (img[i01] & 0xFF) * tx;
    float bottom = (img[i10] & 0xFF) * (1 - tx) + (img[i11] & 0xFF) * tx;
    return (byte) Math.round(top * (1 - ty) + bottom * ty);
  }

  private static Mat gray(RgbImage img) {
    int w = img.width();
    int h = img.height();
    byte[] rgb = img.data();
    byte[] g = new byte[w * h];
    for (int p = 0, i = 0; p < g.length; p++, i += 3) {
      g[p] = (byte) (((rgb[i] & 0xFF) * 77 + (rgb[i + 1] & 0xFF) * 150 + (rgb[i + 2] & 0xFF) * 29 + 128) >> 8);
    }
    Mat m = new Mat(h, w, CV_8UC1);
    m.data().put(g);
    return m;
  }

  @Override
  public void close() {
    reset();
    if (flow != null) {
      flow.close();
      flow = null;
    }
  }
}

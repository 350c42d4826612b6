package dev.animegan.core.image;

/**
 * 8-bit interleaved RGB to and from the networks' planar floats in [-1, 1] (channel-major:
 * all R, then all G, then all B; {@code v / 127.5 - 1}). The one conversion the model, the tiler and
 * the inference job share.
 */
public final class PlanarPixels {
  private PlanarPixels() {}

  /** The whole image as {@code 3 * w * h} planar floats. */
  public static float[] toPlanar(RgbImage img) {
    float[] t = new float[3 * img.width() * img.height()];
    toPlanar(img, 0, 0, img.width(), img.height(), t, 0);
    return t;
  }

  /** The {@code w x h} region at ({@code x0}, {@code y0}) as planar floats into {@code dst} from {@code offset}. */
  public static void toPlanar(RgbImage img, int x0, int y0, int w, int h, float[] dst, int offset) {
    byte[] src = img.data();
    int plane = w * h;
    for (int y = 0; y < h; y++) {
      int row = ((y0 + y) * img.width() + x0) * 3;
      for (int x = 0; x < w; x++) {
        int s = row + 3 * x;
        int i = offset + y * w + x;
        dst[i] = (src[s] & 0xFF) / 127.5f - 1f;
        dst[plane + i] = (src[s + 1] & 0xFF) / 127.5f - 1f;
        dst[2 * plane + i] = (src[s + 2] & 0xFF) / 127.5f - 1f;
      }
    }
  }

  /** A {@code w x h} image from the planar floats at {@code offset}. */
  public static RgbImage fromPlanar(float[] t, int offset, int w, int h) {
    int plane = w * h;
    byte[] rgb = new byte[3 * plane];
    for (int i = 0; i < plane; i++) {
      for (int c = 0; c < 3; c++) {
        rgb[3 * i + c] = (byte) to8(t[offset + c * plane + i]);
      }
    }
    return new RgbImage(w, h, rgb);
  }

  /** round((v + 1) * 127.5), clamped to 0..255. */
  public static int to8(float v) {
    int x = Math.round((v + 1f) * 127.5f);
    return x < 0 ? 0 : Math.min(x, 255);
  }
}

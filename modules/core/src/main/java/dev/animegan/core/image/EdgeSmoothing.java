package dev.animegan.core.image;

import java.util.Arrays;

/**
 * The edge-smoothed anime tiles AnimeGAN trains its discriminator on ("edge_smooth.py"): Canny
 * edges of the gray image (thresholds 100 and 200), dilated with a 5x5 kernel, and every masked
 * pixel replaced by a 5x5 Gaussian-weighted average over the reflect-padded colour image.
 *
 * <p>Every step reproduces OpenCV 4's integer arithmetic: {@code cvtColor(BGR2GRAY)} fixed point,
 * Canny with a 3x3 Sobel (replicated border), L1 magnitude and OpenCV's non-maximum suppression,
 * {@code dilate} ignoring out-of-image pixels, and {@code getGaussianKernel(5, 0)}, which for a
 * 5-tap kernel with sigma <= 0 is OpenCV's fixed table [1, 4, 6, 4, 1] / 16 (its approximation of
 * the sigma = 0.3 * ((5 - 1) * 0.5 - 1) + 0.8 = 1.1 rule). The weighted sum is truncated to
 * 8 bits as numpy's assignment into a uint8 array does.
 */
public final class EdgeSmoothing {
  public static final int CANNY_LOW = 100;
  public static final int CANNY_HIGH = 200;
  public static final int KERNEL_SIZE = 5;
  /** OpenCV's getGaussianKernel(5, 0) times 16. */
  private static final int[] GAUSS5 = {1, 4, 6, 4, 1};

  private EdgeSmoothing() {}

  /**
   * OpenCV's {@code cvtColor(..., COLOR_BGR2GRAY)} for 8-bit images, bit-exact with OpenCV 4.x:
   * (9798 R + 19235 G + 3735 B + 2^14) >> 15.
   */
  public static int[] gray(RgbImage img) {
    byte[] d = img.data();
    int[] g = new int[img.width() * img.height()];
    for (int i = 0, p = 0; i < g.length; i++, p += 3) {
      g[i] = ((d[p] & 0xFF) * 9798 + (d[p + 1] & 0xFF) * 19235 + (d[p + 2] & 0xFF) * 3735 + 16384) >> 15;
    }
    return g;
  }

  /** The gray tile AnimeGAN uses: the gray value in all three channels. */
  public static RgbImage grayTile(RgbImage img) {
    int[] g = gray(img);
    byte[] out = new byte[g.length * 3];
    for (int i = 0; i < g.length; i++) {
      byte v = (byte) g[i];
      out[3 * i] = v;
      out[3 * i + 1] = v;
      out[3 * i + 2] = v;
    }
    return new RgbImage(img.width(), img.height(), out);
  }

  /**
   * Canny edges as OpenCV computes them with aperture 3 and L1 gradient: true where an edge is.
   */
  public static boolean[] canny(int[] gray, int w, int h, int low, int high) {
    int[] dx = new int[w * h];
    int[] dy = new int[w * h];
    int[] mag = new int[w * h];
    for (int y = 0; y < h; y++) {
      int ym = Math.max(y - 1, 0);
      int yp = Math.min(y + 1, h - 1);
      for (int x = 0; x < w; x++) {
        int xm = Math.max(x - 1, 0);
        int xp = Math.min(x + 1, w - 1);
        int a = gray[ym * w + xm];
        int b = gray[ym * w + x];
        int c = gray[ym * w + xp];
        int d = gray[y * w + xm];
        int f = gray[y * w + xp];
        int g = gray[yp * w + xm];
        int hh = gray[yp * w + x];
        int k = gray[yp * w + xp];
        int gx = (c + 2 * f + k) - (a + 2 * d + g);
        int gy = (g + 2 * hh + k) - (a + 2 * b + c);
        int i = y * w + x;
        dx[i] = gx;
        dy[i] = gy;
        mag[i] = Math.abs(gx) + Math.abs(gy);
      }
    }
    final int shift = 15;
    final int tg22 = (int) (0.4142135623730950488016887242097 * (1 << shift) + 0.5);
    // 0: may be an edge, 1: cannot, 2: is an edge.
    byte[] map = new byte[w * h];
    int[] stack = new int[w * h];
    int top = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = y * w + x;
        int m = mag[i];
        boolean keep = false;
        if (m > low) {
          int xs = dx[i];
          int ys = dy[i];
          long ax = Math.abs(xs);
          long ay = (long) Math.abs(ys) << shift;
          long tg22x = ax * tg22;
          if (ay < tg22x) {
            keep = m > magAt(mag, w, h, x - 1, y) && m >= magAt(mag, w, h, x + 1, y);
          } else {
            long tg67x = tg22x + (ax << (shift + 1));
            if (ay > tg67x) {
              keep = m > magAt(mag, w, h, x, y - 1) && m >= magAt(mag, w, h, x, y + 1);
            } else {
              int s = (xs ^ ys) < 0 ? -1 : 1;
              keep = m > magAt(mag, w, h, x - s, y - 1) && m > magAt(mag, w, h, x + s, y + 1);
            }
          }
        }
        if (!keep) {
          map[i] = 1;
        } else if (m > high) {
          map[i] = 2;
          stack[top++] = i;
        }
      }
    }
    // Hysteresis: grow strong edges into 8-connected candidates.
    while (top > 0) {
      int i = stack[--top];
      int x = i % w;
      int y = i / w;
      for (int ny = Math.max(0, y - 1); ny <= Math.min(h - 1, y + 1); ny++) {
        for (int nx = Math.max(0, x - 1); nx <= Math.min(w - 1, x + 1); nx++) {
          int j = ny * w + nx;
          if (map[j] == 0) {
            map[j] = 2;
            stack[top++] = j;
          }
        }
      }
    }
    boolean[] edges = new boolean[w * h];
    for (int i = 0; i < edges.length; i++) {
      edges[i] = map[i] == 2;
    }
    return edges;
  }

  private static int magAt(int[] mag, int w, int h, int x, int y) {
    return x < 0 || y < 0 || x >= w || y >= h ? 0 : mag[y * w + x];
  }

  /** Dilation with a k x k square of ones; pixels outside the image do not count. */
  public static boolean[] dilate(boolean[] mask, int w, int h, int k) {
    int r = k / 2;
    // Separable: horizontal then vertical running "any".
    boolean[] tmp = new boolean[mask.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        boolean any = false;
        for (int xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r) && !any; xx++) {
          any = mask[y * w + xx];
        }
        tmp[y * w + x] = any;
      }
    }
    boolean[] out = new boolean[mask.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        boolean any = false;
        for (int yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r) && !any; yy++) {
          any = tmp[yy * w + x];
        }
        out[y * w + x] = any;
      }
    }
    return out;
  }

  /** numpy's {@code np.pad(mode='reflect')} index: mirror without repeating the edge pixel. */
  static int reflect(int i, int n) {
    if (n == 1) {
      return 0;
    }
    int period = 2 * (n - 1);
    int m = Math.floorMod(i, period);
    return m < n ? m : period - m;
  }

  /**
   * The 5x5 Gaussian-weighted average at (x, y) of channel c over the reflect-padded image,
   * truncated to an integer.
   */
  static int gaussianAt(RgbImage img, int x, int y, int c) {
    int w = img.width();
    int h = img.height();
    int sum = 0;
    for (int i = 0; i < KERNEL_SIZE; i++) {
      int sy = reflect(y + i - 2, h);
      int acc = 0;
      for (int j = 0; j < KERNEL_SIZE; j++) {
        acc += GAUSS5[j] * img.get(reflect(x + j - 2, w), sy, c);
      }
      sum += GAUSS5[i] * acc;
    }
    return sum >> 8;
  }

  /** The edge mask AnimeGAN smooths: dilated Canny edges of the gray image. */
  public static boolean[] edgeMask(RgbImage img) {
    boolean[] edges = canny(gray(img), img.width(), img.height(), CANNY_LOW, CANNY_HIGH);
    return dilate(edges, img.width(), img.height(), KERNEL_SIZE);
  }

  /** The edge-smoothed copy of {@code img}. */
  public static RgbImage smooth(RgbImage img) {
    int w = img.width();
    int h = img.height();
    boolean[] mask = edgeMask(img);
    byte[] out = Arrays.copyOf(img.data(), img.data().length);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if (mask[y * w + x]) {
          int p = (y * w + x) * 3;
          for (int c = 0; c < 3; c++) {
            out[p + c] = (byte) gaussianAt(img, x, y, c);
          }
        }
      }
    }
    return new RgbImage(w, h, out);
  }
}

package dev.animegan.core.image;

/**
 * Reads the EXIF orientation tag (0x0112) from a JPEG's APP1 segment and applies it, so that
 * pixels come out the way a viewer shows them.
 */
public final class ExifOrientation {
  private ExifOrientation() {}

  /** The orientation (1..8) stored in a JPEG's EXIF data, or 1 when there is none or it is unreadable. */
  public static int readJpeg(byte[] jpeg) {
    int pos = 2; // after SOI
    while (pos + 4 <= jpeg.length) {
      if ((jpeg[pos] & 0xFF) != 0xFF) {
        return 1;
      }
      int marker = jpeg[pos + 1] & 0xFF;
      if (marker == 0xFF) { // fill byte
        pos++;
        continue;
      }
      if (marker == 0xDA || marker == 0xD9) { // start of scan / end of image: no more metadata
        return 1;
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        pos += 2;
        continue;
      }
      int len = u16(jpeg, pos + 2, true);
      if (len < 2 || pos + 2 + len > jpeg.length) {
        return 1;
      }
      if (marker == 0xE1 && len >= 8 && isExifHeader(jpeg, pos + 4)) {
        int o = readTiff(jpeg, pos + 10, pos + 2 + len);
        if (o != 0) {
          return o;
        }
      }
      pos += 2 + len;
    }
    return 1;
  }

  private static boolean isExifHeader(byte[] b, int p) {
    return b[p] == 'E' && b[p + 1] == 'x' && b[p + 2] == 'i' && b[p + 3] == 'f' && b[p + 4] == 0 && b[p + 5] == 0;
  }

  /** Orientation from a TIFF structure spanning [start, end), or 0 when absent or malformed. */
  private static int readTiff(byte[] b, int start, int end) {
    if (start + 8 > end) {
      return 0;
    }
    boolean big;
    if (b[start] == 'M' && b[start + 1] == 'M') {
      big = true;
    } else if (b[start] == 'I' && b[start + 1] == 'I') {
      big = false;
    } else {
      return 0;
    }
    long ifd = u32(b, start + 4, big);
    if (ifd < 8 || start + ifd + 2 > end) {
      return 0;
    }
    int p = (int) (start + ifd);
    int count = u16(b, p, big);
    p += 2;
    for (int i = 0; i < count && p + 12 <= end; i++, p += 12) {
      int tag = u16(b, p, big);
      int type = u16(b, p + 2, big);
      if (tag == 0x0112 && type == 3) {
        int v = u16(b, p + 8, big);
        return v >= 1 && v <= 8 ? v : 0;
      }
    }
    return 0;
  }

  private static int u16(byte[] b, int p, boolean big) {
    int a = b[p] & 0xFF;
    int c = b[p + 1] & 0xFF;
    return big ? (a << 8) | c : (c << 8) | a;
  }

  private static long u32(byte[] b, int p, boolean big) {
    long v = 0;
    for (int i = 0; i < 4; i++) {
      int by = b[big ? p + i : p + 3 - i] & 0xFF;
      v = (v << 8) | by;
    }
    return v;
  }

  /** {@code img} transformed as EXIF orientation {@code orientation} (1..8) asks; 1 returns it unchanged. */
  public static RgbImage apply(RgbImage img, int orientation) {
    if (orientation <= 1 || orientation > 8) {
      return img;
    }
    int w = img.width();
    int h = img.height();
    boolean swap = orientation >= 5;
    int ow = swap ? h : w;
    int oh = swap ? w : h;
    byte[] src = img.data();
    byte[] dst = new byte[src.length];
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        int sx;
        int sy;
        switch (orientation) {
          case 2 -> { sx = w - 1 - x; sy = y; }
          case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
          case 4 -> { sx = x; sy = h - 1 - y; }
          case 5 -> { sx = y; sy = x; }
          case 6 -> { sx = y; sy = h - 1 - x; }
          case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
          default -> { sx = w - 1 - y; sy = x; } // 8
        }
        int si = (sy * w + sx) * 3;
        int di = (y * ow + x) * 3;
        dst[di] = src[si];
        dst[di + 1] = src[si + 1];
        dst[di + 2] = src[si + 2];
      }
    }
    return new RgbImage(ow, oh, dst);
  }
}

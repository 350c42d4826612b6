package dev.animegan.core.image;

import java.nio.charset.StandardCharsets;

/**
 * What a JPEG's markers say before any pixel is decoded: size, components, precision, whether the
 * file ends with an end-of-image marker, and whether its colours need more than a YCbCr-to-sRGB
 * conversion (Adobe YCCK/CMYK, or an embedded ICC profile other than sRGB). Used to decide whether
 * the fast DCT-scaled decoder may take the file; anything unusual goes to the full decoder.
 *
 * @param width stored width (before EXIF orientation)
 * @param height stored height
 * @param components 1 (gray), 3 (YCbCr or RGB) or 4 (CMYK/YCCK)
 * @param precision bits per sample (8 or 12)
 * @param adobeTransform the Adobe APP14 transform flag (-1 when absent)
 * @param iccProfile whether an ICC profile is embedded
 * @param iccSrgb whether that profile describes itself as sRGB
 * @param complete whether an end-of-image marker follows the last scan
 */
public record JpegInfo(int width, int height, int components, int precision, int adobeTransform, boolean iccProfile,
    boolean iccSrgb, boolean complete) {

  /** Plain 8-bit gray or YCbCr in sRGB, complete: the kind of file libjpeg's scaled decode reproduces faithfully. */
  public boolean plainSrgb() {
    return complete && precision == 8 && (components == 1 || components == 3) && adobeTransform != 0
        && adobeTransform != 2 && (!iccProfile || iccSrgb);
  }

  /** The markers of {@code jpeg}, or null when they cannot be read (not a JPEG, truncated header). */
  public static JpegInfo read(byte[] jpeg) {
    if (jpeg.length < 4 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8) {
      return null;
    }
    int pos = 2;
    int width = -1;
    int height = -1;
    int components = -1;
    int precision = -1;
    int adobe = -1;
    boolean icc = false;
    boolean srgb = false;
    while (pos + 4 <= jpeg.length) {
      if ((jpeg[pos] & 0xFF) != 0xFF) {
        return null;
      }
      int marker = jpeg[pos + 1] & 0xFF;
      if (marker == 0xFF) {
        pos++;
        continue;
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        pos += 2;
        continue;
      }
      int len = ((jpeg[pos + 2] & 0xFF) << 8) | (jpeg[pos + 3] & 0xFF);
      if (len < 2 || pos + 2 + len > jpeg.length) {
        return null;
      }
      int p = pos + 4;
      boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (sof && len >= 8) {
        precision = jpeg[p] & 0xFF;
        height = ((jpeg[p + 1] & 0xFF) << 8) | (jpeg[p + 2] & 0xFF);
        width = ((jpeg[p + 3] & 0xFF) << 8) | (jpeg[p + 4] & 0xFF);
        components = jpeg[p + 5] & 0xFF;
      } else if (marker == 0xEE && len >= 14 && startsWith(jpeg, p, "Adobe")) {
        adobe = jpeg[p + 11] & 0xFF;
      } else if (marker == 0xE2 && len >= 16 && startsWith(jpeg, p, "ICC_PROFILE")) {
        if (!icc) {
          srgb = describesSrgb(jpeg, p + 14, pos + 2 + len);
        }
        icc = true;
      } else if (marker == 0xDA) {
        break; // start of scan: the rest is entropy-coded data
      }
      pos += 2 + len;
    }
    if (width <= 0 || height <= 0 || components <= 0) {
      return null;
    }
    return new JpegInfo(width, height, components, precision, adobe, icc, srgb, endsWithEoi(jpeg));
  }

  /** An EOI marker (FF D9) within the file's last 64 KiB (some writers append data after it). */
  private static boolean endsWithEoi(byte[] b) {
    int stop = Math.max(1, b.length - 65536);
    for (int i = b.length - 2; i >= stop; i--) {
      if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0xD9) {
        return true;
      }
    }
    return false;
  }

  private static boolean startsWith(byte[] b, int p, String s) {
    byte[] t = s.getBytes(StandardCharsets.US_ASCII);
    if (p + t.length > b.length) {
      return false;
    }
    for (int i = 0; i < t.length; i++) {
      if (b[p + i] != t[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the first chunk of an ICC profile (which holds its header and, in practice, its tag
   * table and description) names sRGB: a profile of RGB data whose description mentions sRGB.
   */
  private static boolean describesSrgb(byte[] b, int start, int end) {
    if (end - start < 132) {
      return false;
    }
    if (!(b[start + 16] == 'R' && b[start + 17] == 'G' && b[start + 18] == 'B')) {
      return false;
    }
    String text = new String(b, start, end - start, StandardCharsets.ISO_8859_1);
    return text.contains("sRGB") || text.replace("\u0000", "").contains("sRGB");
  }
}

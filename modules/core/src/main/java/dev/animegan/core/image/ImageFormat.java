package dev.animegan.core.image;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;

/** The image formats the decoder reads, and recognition of a file's format by its signature. */
public enum ImageFormat {
  JPEG,
  PNG,
  GIF,
  BMP,
  TIFF,
  WEBP;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * What a file's first bytes say it is: one of the supported formats, a recognised but unsupported
   * format, a prefix of a supported signature cut short, or not an image.
   */
  public record Sniff(ImageFormat format, String unsupportedName, boolean truncatedSignature, String description) {
    public boolean supported() {
      return format != null;
    }
  }

  private static final byte[] PNG_SIG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  private static final byte[] JPEG_SIG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};

  /** Recognises the format of {@code bytes} (only the first 32 bytes are looked at). */
  public static Sniff sniff(byte[] bytes) {
    int n = bytes.length;
    if (startsWith(bytes, JPEG_SIG)) {
      return supported(JPEG);
    }
    if (startsWith(bytes, PNG_SIG)) {
      return supported(PNG);
    }
    if (startsWithAscii(bytes, "GIF87a") || startsWithAscii(bytes, "GIF89a")) {
      return supported(GIF);
    }
    if (n >= 12 && startsWithAscii(bytes, "RIFF") && ascii(bytes, 8, 4).equals("WEBP")) {
      return supported(WEBP);
    }
    if (startsWith(bytes, new byte[] {'I', 'I', 42, 0}) || startsWith(bytes, new byte[] {'M', 'M', 0, 42})) {
      return supported(TIFF);
    }
    if (n >= 14 && startsWithAscii(bytes, "BM")) {
      return supported(BMP);
    }
    // Recognised formats we do not decode.
    if (n >= 12 && ascii(bytes, 4, 4).equals("ftyp")) {
      String brand = ascii(bytes, 8, 4).trim();
      String name = switch (brand) {
        case "heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1" -> "HEIF/HEIC";
        case "avif", "avis" -> "AVIF";
        default -> "ISO media (" + brand + ")";
      };
      return unsupported(name);
    }
    if (startsWith(bytes, new byte[] {0, 0, 0, 12, 'j', 'P', ' ', ' '})
        || startsWith(bytes, new byte[] {(byte) 0xFF, 0x4F, (byte) 0xFF, 0x51})) {
      return unsupported("JPEG 2000");
    }
    if (startsWith(bytes, new byte[] {(byte) 0xFF, 0x0A})
        || startsWith(bytes, new byte[] {0, 0, 0, 12, 'J', 'X', 'L', ' '})) {
      return unsupported("JPEG XL");
    }
    if (startsWithAscii(bytes, "8BPS")) {
      return unsupported("Photoshop PSD");
    }
    if (startsWith(bytes, new byte[] {0, 0, 1, 0}) && n >= 6) {
      return unsupported("Windows ICO");
    }
    if (startsWithAscii(bytes, "%PDF")) {
      return unsupported("PDF");
    }
    String head = ascii(bytes, 0, Math.min(n, 256)).stripLeading().toLowerCase(Locale.ROOT);
    if (head.startsWith("<svg") || (head.startsWith("<?xml") && head.contains("<svg"))) {
      return unsupported("SVG");
    }
    // A file shorter than a full signature that starts like one is a truncated image.
    for (byte[] sig : new byte[][] {JPEG_SIG, PNG_SIG, "GIF8".getBytes(StandardCharsets.US_ASCII)}) {
      if (n < sig.length && n > 0 && startsWith(sig, java.util.Arrays.copyOf(bytes, n))) {
        return new Sniff(null, null, true, "starts like a " + (sig == JPEG_SIG ? "JPEG" : sig == PNG_SIG ? "PNG" : "GIF")
            + " signature but has only " + n + " bytes");
      }
    }
    return new Sniff(null, null, false, describeUnknown(bytes));
  }

  private static Sniff supported(ImageFormat f) {
    return new Sniff(f, null, false, f.code());
  }

  private static Sniff unsupported(String name) {
    return new Sniff(null, name, false, name);
  }

  private static String describeUnknown(byte[] bytes) {
    int k = Math.min(bytes.length, 8);
    String hex = HexFormat.ofDelimiter(" ").formatHex(bytes, 0, k);
    boolean text = true;
    for (int i = 0; i < Math.min(bytes.length, 512); i++) {
      int b = bytes[i] & 0xFF;
      if (b < 0x09 || (b > 0x0D && b < 0x20 && b != 0x1B)) {
        text = false;
        break;
      }
    }
    return "unrecognised signature [" + hex + "]" + (text ? " (looks like text)" : "");
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    if (bytes.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean startsWithAscii(byte[] bytes, String prefix) {
    return startsWith(bytes, prefix.getBytes(StandardCharsets.US_ASCII));
  }

  private static String ascii(byte[] bytes, int off, int len) {
    if (bytes.length < off + len) {
      return "";
    }
    return new String(bytes, off, len, StandardCharsets.ISO_8859_1);
  }
}

package dev.animegan.core.ingest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of a file's bytes as lower-case hex (what Spark's {@code sha2(col, 256)} gives), and what derives from it. */
public final class ContentHash {
  private ContentHash() {}

  public static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from this JVM", e);
    }
  }

  /** The first 64 bits of the hash as a long, for seeding and splitting. */
  public static long prefixLong(String hex) {
    return Long.parseUnsignedLong(hex.substring(0, 16), 16);
  }

  /** A number in [0, 1) fixed by the content: bits 64..127 of the hash. */
  public static double unitFraction(String hex) {
    long v = Long.parseUnsignedLong(hex.substring(16, 32), 16);
    return (v >>> 11) * 0x1.0p-53;
  }

  /** "train" or "test": the same file always lands in the same split for the same fraction. */
  public static String split(String hex, double testFraction) {
    return unitFraction(hex) < testFraction ? "test" : "train";
  }
}

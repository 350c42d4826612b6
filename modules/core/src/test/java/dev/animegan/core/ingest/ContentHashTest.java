package dev.animegan.core.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ContentHashTest {
  @Test
  void sha256Hex() {
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ContentHash.sha256Hex("abc".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void splitIsDeterministicAndHonoursTheFraction() {
    Random rnd = new Random(3);
    int test = 0;
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      byte[] b = new byte[16];
      rnd.nextBytes(b);
      String h = ContentHash.sha256Hex(b);
      String s = ContentHash.split(h, 0.2);
      assertEquals(s, ContentHash.split(h, 0.2));
      if (s.equals("test")) {
        test++;
      }
    }
    assertEquals(0.2, (double) test / n, 0.01);
    String h = ContentHash.sha256Hex(new byte[] {1});
    assertEquals("train", ContentHash.split(h, 0.0));
    assertEquals("test", ContentHash.split(h, 1.0));
  }
}

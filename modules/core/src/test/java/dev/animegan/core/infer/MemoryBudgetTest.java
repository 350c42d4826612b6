package dev.animegan.core.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MemoryBudgetTest {
  // base 32: 1024 bytes per pixel, 16 MiB fixed
  private static MemoryBudget gib(double g) {
    return new MemoryBudget((long) (g * (1L << 30)), 1024, 16L << 20);
  }

  @Test
  void batchesFitTheBudget() {
    MemoryBudget b = gib(2);
    assertEquals(2080768, b.pixelsPerCall(), "(2 GiB - 16 MiB) / 1024");
    assertEquals(1, b.batch(1024L * 1024, 4), "one 1024x1024 image per 2 GiB call");
    assertEquals(4, b.batch(256L * 256, 4), "256x256 images up to the cap");
    assertEquals(31, b.batch(256L * 256, 64));
    assertEquals(0, b.batch(2048L * 2048, 4), "a 4 MP image does not fit: tile path");
  }

  @Test
  void largestTileIsAMultipleOf16AndAtLeast32() {
    assertEquals(512, gib(2).largestTile(512), "the configured tile fits");
    assertEquals(1440, gib(2).largestTile(4096), "floor(sqrt(2080768)) = 1442, down to a multiple of 16");
    assertEquals(0, new MemoryBudget(1024, 1024, 0).largestTile(512), "not even 32x32 fits 1 KiB");
    assertEquals(32, new MemoryBudget(32 * 32 * 1024 + 5, 1024, 0).largestTile(512));
    assertEquals(1048576 + (16L << 20), gib(1).bytesFor(1024));
  }

  @Test
  void humanSizes() {
    assertEquals("512 B", MemoryBudget.human(512));
    assertEquals("1.0 KiB", MemoryBudget.human(1024));
    assertEquals("1.5 GiB", MemoryBudget.human(3L << 29));
  }
}

package dev.animegan.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DecodeGateTest {
  @Test
  void imagesNeedingOverAQuarterOfTheHeapDecodeAlone() {
    long heap = 512L << 20;
    // 1600x1200 needs 13.4 MB: shared. 12000x12000 needs 1 GB: alone. The edge is heap / 4 / 7 pixels.
    assertFalse(DecodeGate.exclusive(1600, 1200, heap));
    assertTrue(DecodeGate.exclusive(12000, 12000, heap));
    long edge = heap / 4 / DecodeGate.BYTES_PER_PIXEL;
    assertFalse(DecodeGate.exclusive(edge, 1, heap));
    assertTrue(DecodeGate.exclusive(edge + 1, 1, heap));
  }

  @Test
  void aLargeDecodeWaitsForSmallOnesAndHoldsThemOff() throws Exception {
    long huge = Runtime.getRuntime().maxMemory();
    AtomicInteger order = new AtomicInteger();
    int[] smallEntered = new int[1];
    CountDownLatch smallTrying = new CountDownLatch(1);
    Thread small;
    try (DecodeGate.Permit big = DecodeGate.enter(huge, 1)) {
      small = new Thread(() -> {
        smallTrying.countDown();
        try (DecodeGate.Permit p = DecodeGate.enter(10, 10)) {
          smallEntered[0] = order.incrementAndGet();
        }
      });
      small.start();
      assertTrue(smallTrying.await(10, TimeUnit.SECONDS));
      small.join(300);
      assertTrue(small.isAlive(), "an ordinary decode waits while a large one holds the gate");
      order.incrementAndGet();
    }
    small.join(10_000);
    assertEquals(2, smallEntered[0], "the ordinary decode went in after the large one left");
    // Ordinary decodes share the gate.
    try (DecodeGate.Permit a = DecodeGate.enter(10, 10)) {
      Thread other = new Thread(() -> {
        try (DecodeGate.Permit b = DecodeGate.enter(10, 10)) {
          order.incrementAndGet();
        }
      });
      other.start();
      other.join(10_000);
      assertFalse(other.isAlive());
    }
    assertEquals(3, order.get());
  }
}

package dev.animegan.core.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class OutOfMemoryTest {
  @Test
  void aWrappedOutOfMemoryErrorIsFound() {
    OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
    assertSame(oom, OutOfMemory.in(new IOException("Caught exception during read: ", new RuntimeException(oom))));
    assertSame(oom, OutOfMemory.in(oom));
    assertNull(OutOfMemory.in(new IOException("Premature end of file")));
  }

  @Test
  void workThatRunsOutOfMemoryRunsOnceMoreAfterFreeing() {
    int[] calls = {0};
    int[] freed = {0};
    String r = OutOfMemory.retryOnce(() -> {
      if (calls[0]++ == 0) {
        throw new OutOfMemoryError("first");
      }
      return "done";
    }, () -> freed[0]++);
    assertEquals("done", r);
    assertEquals(2, calls[0]);
    assertEquals(1, freed[0]);

    OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> OutOfMemory.retryOnce(() -> {
      calls[0]++;
      throw new OutOfMemoryError("again " + calls[0]);
    }, () -> freed[0]++));
    assertEquals("again 4", e.getMessage());
    assertEquals(3, freed[0]);
  }
}

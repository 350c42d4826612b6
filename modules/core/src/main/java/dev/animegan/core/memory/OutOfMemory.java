package dev.animegan.core.memory;

import java.util.function.Supplier;

/** Out-of-memory handling shared by the decoders, the generator calls and the jobs' executors. */
public final class OutOfMemory {
  private OutOfMemory() {}

  /**
   * The OutOfMemoryError in {@code t}'s cause chain, or null: libraries wrap it (ImageIO's PNG
   * reader in an IIOException, DL4J's output in a RuntimeException), and a wrapped one must still
   * be handled as running out of memory, not as a broken input.
   */
  public static OutOfMemoryError in(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof OutOfMemoryError o) {
        return o;
      }
    }
    return null;
  }

  /**
   * Runs {@code work}; if it runs out of memory, calls {@code free} and runs it once more, since the
   * memory may have been held by a concurrent task's work rather than by this one. A second
   * OutOfMemoryError is thrown after {@code free} ran again.
   */
  public static <T> T retryOnce(Supplier<T> work, Runnable free) {
    try {
      return work.get();
    } catch (OutOfMemoryError first) {
      free.run();
      try {
        return work.get();
      } catch (OutOfMemoryError second) {
        free.run();
        throw second;
      }
    }
  }
}

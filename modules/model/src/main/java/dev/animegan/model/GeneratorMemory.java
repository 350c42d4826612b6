package dev.animegan.model;

import dev.animegan.core.infer.MemoryBudget;
import dev.animegan.model.engine.Engine;
import org.bytedeco.javacpp.Pointer;

/**
 * The generator's memory needs on the engine, for sizing inference calls: its working set is
 * {@value #BYTES_PER_PIXEL_PER_BASE} x base bytes per input pixel (measured on the engine's tensor
 * pool: 1026 to 1056 bytes per pixel at base 32 from 64x64 to 1024x1024, 256 to 264 at base 8),
 * plus a fixed allowance for inputs, outputs and bookkeeping.
 */
public final class GeneratorMemory {
  /** Bytes per pixel per unit of generator width (32 x base measured, plus 6%). */
  public static final long BYTES_PER_PIXEL_PER_BASE = 34;
  /** Besides the per-pixel working set. */
  public static final long FIXED_BYTES = 32L << 20;
  /** The rest of the JVM that {@link #autoBudget} keeps out of the budget (besides the Java heap). */
  public static final long JVM_OTHER_BYTES = 512L << 20;

  private GeneratorMemory() {}

  public static long bytesPerPixel(int base) {
    return BYTES_PER_PIXEL_PER_BASE * base;
  }

  /**
   * The budget per concurrently running task when none is configured: the JavaCPP cap
   * ({@code org.bytedeco.javacpp.maxphysicalbytes}, or 3/4 of the machine's physical memory when
   * uncapped) minus the Java heap and {@link #JVM_OTHER_BYTES}, shared by {@code tasks} tasks; at
   * least 64 MiB.
   */
  public static long autoBudget(int tasks) {
    long cap = Pointer.maxPhysicalBytes();
    if (cap <= 0) {
      cap = Pointer.totalPhysicalBytes() / 4 * 3;
    }
    long free = cap - Runtime.getRuntime().maxMemory() - JVM_OTHER_BYTES;
    return Math.max(64L << 20, free / Math.max(1, tasks));
  }

  /** The budget for a generator of {@code base}: {@code configured} bytes, or {@link #autoBudget} when 0. */
  public static MemoryBudget budget(long configured, int base, int tasks) {
    return new MemoryBudget(configured > 0 ? configured : autoBudget(tasks), bytesPerPixel(base), FIXED_BYTES);
  }

  /** After an out-of-memory error: frees this thread's cached engine buffers and asks the JVM to collect garbage. */
  public static void recover() {
    Engine.current().pool().trim();
    System.gc();
  }

  /** The width of an inference graph's generator. */
  public static int base(org.deeplearning4j.nn.graph.ComputationGraph generator) {
    return dev.animegan.model.train.AnimeGanGraphs.layer(generator).layerConf().getGeneratorBase();
  }
}

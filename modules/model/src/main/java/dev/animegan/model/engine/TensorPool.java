package dev.animegan.model.engine;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The engine's memory: contiguous arrays outside every DL4J workspace, reference-counted and reused
 * by exact length. A training step allocates the same sizes every time, so after the first step no
 * buffer is allocated (and no page is faulted in) again; the high-water mark of live buffers is the
 * step's real working set, which {@link #peakBytes()} reports.
 *
 * <p>Free buffers are reused best-fit (a free buffer up to twice the request's size serves it),
 * and free plus live buffers never exceed 1.25 times the largest working set seen so far (at least
 * 256 MiB): when the training loop moves from one step type to another, buffers of sizes no longer
 * requested are freed, largest first, instead of piling up. Measured on the full-size networks: no
 * allocation at all in steady-state training, process peak RSS 2.9 GB.
 *
 * <p>{@link #alloc} hands out a buffer with one reference; {@link #retain} and {@link #release} count
 * the holders (the forward pass, each backward closure that saved it); the last release puts it back
 * on its free list. Arrays the pool did not allocate (parameters, inputs) are ignored by both. Not
 * thread-safe: one pool per engine, one engine per thread.
 */
public final class TensorPool {
  private final DataType type;
  private final TreeMap<Long, ArrayDeque<INDArray>> free = new TreeMap<>();
  private final Map<Long, Entry> live = new HashMap<>();
  private final int elementBytes;
  private long liveBytes;
  private long cachedBytes;
  private long peakBytes;
  private long allocations;

  private long sequence;

  private static final class Entry {
    final INDArray flat;
    final long seq;
    int refs;

    Entry(INDArray flat, long seq) {
      this.flat = flat;
      this.seq = seq;
      this.refs = 1;
    }
  }

  public TensorPool(DataType type) {
    this.type = type;
    this.elementBytes = type.width();
  }

  public DataType dataType() {
    return type;
  }

  /** A contiguous 'c'-order array of {@code shape} with one reference; its contents are undefined. */
  public INDArray alloc(long... shape) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    INDArray flat = takeFree(n);
    if (flat == null) {
      evictFor(n);
      try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
        flat = Nd4j.createUninitializedDetached(type, n);
      }
      allocations++;
    }
    long len = flat.length();
    live.put(key(flat), new Entry(flat, ++sequence));
    liveBytes += len * elementBytes;
    peakBytes = Math.max(peakBytes, liveBytes);
    // A view made straight from the buffer: ND4J's get(interval) + reshape costs 20-150 us a call
    // (measured), a few percent of a 256x256 forward pass at ~200 allocations.
    return Nd4j.create(flat.data(), shape.clone(), cStrides(shape), 0, 'c', type);
  }

  private static long[] cStrides(long[] shape) {
    long[] st = new long[shape.length];
    long s = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      st[i] = s;
      s *= shape[i];
    }
    return st;
  }

  /** The smallest free buffer of at least {@code n} and at most {@code 2n} elements, or null. */
  private INDArray takeFree(long n) {
    Map.Entry<Long, ArrayDeque<INDArray>> e = free.ceilingEntry(n);
    if (e == null || e.getKey() > (long) (n * SLACK)) {
      return null;
    }
    INDArray flat = e.getValue().poll();
    if (e.getValue().isEmpty()) {
      free.remove(e.getKey());
    }
    cachedBytes -= flat.length() * elementBytes;
    return flat;
  }

  /** Frees cached buffers, largest first, so that live + cached + {@code n} stays within the working-set bound. */
  private void evictFor(long n) {
    long limit = (long) (Math.max(peakBytes, MIN_CACHE_BYTES) * LIMIT);
    while (!free.isEmpty() && liveBytes + cachedBytes + n * elementBytes > limit) {
      Map.Entry<Long, ArrayDeque<INDArray>> e = free.lastEntry();
      INDArray flat = e.getValue().poll();
      if (e.getValue().isEmpty()) {
        free.remove(e.getKey());
      }
      cachedBytes -= flat.length() * elementBytes;
      flat.close();
    }
  }

  /** A free buffer up to this many times the request serves it. */
  private static final double SLACK = 2.0;
  /** Free plus live buffers stay within this many times the largest live set seen (or {@link #MIN_CACHE_BYTES}). */
  private static final double LIMIT = 1.25;

  /** Free buffers below this are never evicted for space (small steps keep their buffers). */
  private static final long MIN_CACHE_BYTES = 256L << 20;

  /** As {@link #alloc}, filled with zeros. */
  public INDArray zeros(long... shape) {
    INDArray a = alloc(shape);
    a.assign(0);
    return a;
  }

  /** A pooled copy of {@code src} (any layout) as a contiguous array. */
  public INDArray copyOf(INDArray src) {
    INDArray a = alloc(src.shape());
    a.assign(src);
    return a;
  }

  /** One more holder of {@code a}'s buffer (no effect on arrays this pool did not allocate). */
  public INDArray retain(INDArray a) {
    Entry e = a == null ? null : live.get(key(a));
    if (e != null) {
      e.refs++;
    }
    return a;
  }

  /** Buffers are identified by their memory address (ND4J's reshapes wrap the same memory in new buffer objects). */
  private static long key(INDArray a) {
    return a.data().address() + (long) a.data().getElementSize() * a.offset();
  }

  /** One holder fewer; the buffer is reused once nobody holds it. Null and foreign arrays are ignored. */
  public void release(INDArray a) {
    if (a == null) {
      return;
    }
    long key = key(a);
    Entry e = live.get(key);
    if (e == null) {
      return;
    }
    if (--e.refs > 0) {
      return;
    }
    live.remove(key);
    long n = e.flat.length();
    liveBytes -= n * elementBytes;
    cachedBytes += n * elementBytes;
    free.computeIfAbsent(n, k -> new ArrayDeque<>()).push(e.flat);
  }

  /** A point to roll back to: {@link #releaseSince} frees what was allocated after it. */
  public long mark() {
    return sequence;
  }

  /**
   * Frees every buffer allocated after {@code mark} that is still held, whoever holds it: the
   * cleanup after a pass that failed midway (e.g. out of memory), whose intermediate arrays and
   * saved tensors are unreachable. Returns the bytes freed.
   */
  public long releaseSince(long mark) {
    long freed = 0;
    java.util.Iterator<Map.Entry<Long, Entry>> it = live.entrySet().iterator();
    while (it.hasNext()) {
      Entry e = it.next().getValue();
      if (e.seq > mark) {
        it.remove();
        long n = e.flat.length();
        liveBytes -= n * elementBytes;
        freed += n * elementBytes;
        e.flat.close();
      }
    }
    return freed;
  }

  /** Whether this pool allocated {@code a}'s buffer and someone still holds it. */
  public boolean owns(INDArray a) {
    return a != null && live.containsKey(key(a));
  }

  /** Frees every buffer nobody holds (e.g. between training phases, or after an out-of-memory error). */
  public void trim() {
    for (ArrayDeque<INDArray> q : free.values()) {
      for (INDArray a : q) {
        a.close();
      }
    }
    free.clear();
    cachedBytes = 0;
  }

  /** Shapes and holder counts of the live buffers (diagnostics). */
  public String describeLive() {
    StringBuilder sb = new StringBuilder();
    live.values().forEach(e -> sb.append(e.flat.length()).append('x').append(e.refs).append(' '));
    return sb.toString().trim();
  }

  /** Bytes in buffers someone holds. */
  public long liveBytes() {
    return liveBytes;
  }

  /** Bytes in free buffers kept for reuse. */
  public long cachedBytes() {
    return cachedBytes;
  }

  /** The most bytes held at once since creation or {@link #resetPeak()}. */
  public long peakBytes() {
    return peakBytes;
  }

  public void resetPeak() {
    peakBytes = liveBytes;
  }

  /** Buffers allocated from the system (not reused) so far. */
  public long allocations() {
    return allocations;
  }
}

package dev.animegan.core.image;

import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Keeps one JVM's memory from being shared between a very large decode and any other memory-heavy
 * work. An executor runs several tasks at once; when one of them decodes an image whose raster
 * needs a large part of the heap, a concurrent decode of an ordinary photo, or a generator call
 * (whose native memory JavaCPP caps by the whole process's footprint), could be the one that runs
 * out of memory, and the ordinary photo would be quarantined for another file's size. A decode whose
 * estimated need is over a quarter of the maximum heap therefore runs alone: it waits for the work
 * in flight, and new work waits for it (the lock is fair, so a large decode is not starved). Other
 * heavy work enters with {@link #shared()}.
 */
public final class DecodeGate {
  /** Bytes per pixel while decoding: the decoder's raster (up to 4) plus the RGB copy (3). */
  public static final int BYTES_PER_PIXEL = 7;

  private static final ReentrantReadWriteLock LOCK = new ReentrantReadWriteLock(true);

  private DecodeGate() {}

  /** A held place in the gate; closing it lets others in. */
  public interface Permit extends AutoCloseable {
    @Override
    void close();
  }

  /** Whether a decode of {@code width x height} pixels runs alone under a heap of {@code maxHeap} bytes. */
  public static boolean exclusive(long width, long height, long maxHeap) {
    return width * height * BYTES_PER_PIXEL > maxHeap / 4;
  }

  /** Waits for a place for other memory-heavy work (a generator call), shared with ordinary decodes. */
  public static Permit shared() {
    Lock lock = LOCK.readLock();
    lock.lock();
    return lock::unlock;
  }

  /** Waits for a place for a decode of {@code width x height} pixels. */
  public static Permit enter(long width, long height) {
    Lock lock = exclusive(width, height, Runtime.getRuntime().maxMemory()) ? LOCK.writeLock() : LOCK.readLock();
    lock.lock();
    return lock::unlock;
  }
}

package dev.animegan.spark.common;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Function;

/**
 * Objects that live as long as the executor JVM, at most one per concurrently running task: a task
 * borrows one (built on first need), uses it alone, and gives it back for the next task or
 * partition. For networks that are costly to build and not thread-safe.
 */
public final class ExecutorPool<K, V> {
  private final Map<K, ConcurrentLinkedDeque<V>> idle = new ConcurrentHashMap<>();

  public V borrow(K key, Function<K, V> create) {
    V v = idle.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>()).pollFirst();
    return v != null ? v : create.apply(key);
  }

  public void giveBack(K key, V value) {
    idle.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>()).offerFirst(value);
  }
}

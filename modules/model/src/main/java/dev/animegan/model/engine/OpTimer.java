package dev.animegan.model.engine;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wall-clock seconds per operation, keyed by the network's layer name and the phase
 * ({@code forward}, {@code backward}): the per-layer breakdown of {@code jobs/bench.sh model --profile}.
 * Kernels run synchronously, so a call's wall time is its cost.
 */
public class OpTimer {
  /** Times nothing (the default). */
  public static final OpTimer OFF = new OpTimer() {
    @Override
    public long start() {
      return 0;
    }

    @Override
    public void stop(String net, String layer, String kind, String phase, long started, double flops) {
      // off
    }
  };

  /** One row of the breakdown. */
  public static final class Entry {
    public final String net;
    public final String layer;
    public final String kind;
    public final String phase;
    public double seconds;
    public double flops;
    public long calls;

    Entry(String net, String layer, String kind, String phase) {
      this.net = net;
      this.layer = layer;
      this.kind = kind;
      this.phase = phase;
    }
  }

  private final Map<String, Entry> entries = new LinkedHashMap<>();

  public long start() {
    return System.nanoTime();
  }

  public void stop(String net, String layer, String kind, String phase, long started, double flops) {
    long now = System.nanoTime();
    Entry e = entries.computeIfAbsent(net + "|" + layer + "|" + phase, k -> new Entry(net, layer, kind, phase));
    e.seconds += (now - started) / 1e9;
    e.flops += flops;
    e.calls++;
  }

  public Map<String, Entry> entries() {
    return entries;
  }

  public void clear() {
    entries.clear();
  }
}

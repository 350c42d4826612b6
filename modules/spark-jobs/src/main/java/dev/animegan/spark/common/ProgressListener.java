package dev.animegan.spark.common;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.slf4j.Logger;

/**
 * Logs "tasks done / total" for the stages of one job group at most every {@code intervalMs},
 * so a long stage shows progress in the driver log, not only in the Spark UI.
 */
public final class ProgressListener extends SparkListener {
  private final Logger log;
  private final String groupPrefix;
  private final long intervalMs;
  private final AtomicInteger total = new AtomicInteger();
  private final AtomicInteger done = new AtomicInteger();
  private final AtomicLong lastLog = new AtomicLong(System.currentTimeMillis());
  private volatile String phase = "";

  public ProgressListener(Logger log, String groupPrefix, long intervalMs) {
    this.log = log;
    this.groupPrefix = groupPrefix;
    this.intervalMs = intervalMs;
  }

  /** Starts counting a new phase (resets the task counts). */
  public void phase(String name) {
    phase = name;
    total.set(0);
    done.set(0);
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted event) {
    String group = event.properties() == null ? null : event.properties().getProperty("spark.jobGroup.id");
    if (group != null && group.startsWith(groupPrefix)) {
      total.addAndGet(event.stageInfo().numTasks());
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd event) {
    int d = done.incrementAndGet();
    long now = System.currentTimeMillis();
    long last = lastLog.get();
    if (now - last >= intervalMs && lastLog.compareAndSet(last, now)) {
      log.info("{}: {} of {} tasks done", phase, Math.min(d, Math.max(d, total.get())), total.get());
    }
  }
}

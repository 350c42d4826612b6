package dev.animegan.spark.common;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.slf4j.Logger;

/**
 * Logs "tasks done / total" for the stages of one run's job groups at most every {@code intervalMs},
 * so a long stage shows progress in the driver log, not only in the Spark UI. Only tasks of the
 * run's own stages are counted (other jobs on a shared session are not).
 */
public final class ProgressListener extends SparkListener {
  private final Logger log;
  private final String groupPrefix;
  private final long intervalMs;
  private final Set<Integer> stages = ConcurrentHashMap.newKeySet();
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
    stages.clear();
    total.set(0);
    done.set(0);
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted event) {
    String group = event.properties() == null ? null : event.properties().getProperty("spark.jobGroup.id");
    if (group != null && group.startsWith(groupPrefix) && stages.add(event.stageInfo().stageId())) {
      total.addAndGet(event.stageInfo().numTasks());
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd event) {
    if (!stages.contains(event.stageId())) {
      return;
    }
    int d = done.incrementAndGet();
    long now = System.currentTimeMillis();
    long last = lastLog.get();
    if (now - last >= intervalMs && lastLog.compareAndSet(last, now)) {
      log.info("{}: {} of {} tasks done", phase, d, total.get());
    }
  }

  /** Tasks of the current phase's stages finished so far (for tests). */
  public int tasksDone() {
    return done.get();
  }
}

package dev.animegan.spark.common;

import java.io.Serializable;
import java.util.function.Supplier;
import org.apache.spark.util.AccumulatorV2;

/**
 * Collects the tasks' outcome reports of a job on the driver: each task adds its report, Spark
 * merges them (the ingest and inference jobs' counts, rejects and gallery candidates travel this
 * way rather than through a second pass over the data).
 *
 * @param <R> a report that merges another into itself
 */
public final class ReportAccumulator<R extends ReportAccumulator.Report<R>> extends AccumulatorV2<R, R> {
  /** What a job's tasks report. */
  public interface Report<R> extends Serializable {
    /** Adds {@code other}'s outcomes to this report. */
    void merge(R other);

    /** Whether nothing has been reported. */
    boolean isEmpty();
  }

  /** Makes an empty report; serializable, as Spark ships the accumulator to executors. */
  public interface Empty<R> extends Supplier<R>, Serializable {}

  private final Empty<R> empty;
  private R report;

  public ReportAccumulator(Empty<R> empty) {
    this.empty = empty;
    this.report = empty.get();
  }

  @Override
  public boolean isZero() {
    return report.isEmpty();
  }

  @Override
  public ReportAccumulator<R> copy() {
    ReportAccumulator<R> a = new ReportAccumulator<>(empty);
    a.report.merge(report);
    return a;
  }

  @Override
  public void reset() {
    report = empty.get();
  }

  @Override
  public void add(R v) {
    report.merge(v);
  }

  @Override
  public void merge(AccumulatorV2<R, R> other) {
    report.merge(other.value());
  }

  @Override
  public R value() {
    return report;
  }
}

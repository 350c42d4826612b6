package dev.animegan.spark.infer;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.util.AccumulatorV2;

/**
 * What inference tasks report to the driver: counts, the quarantine rows and gallery candidates
 * (the first outputs by name). Added once per task; Spark applies a finished task's update once.
 */
final class InferReport implements Serializable {
  long written;
  long skipped;
  long rejected;
  long pixels;
  final Map<String, Long> rejectedByReason = new TreeMap<>();
  final List<Rejected> quarantine = new ArrayList<>();
  /** Output name (relative to images/) to input URI, at most {@link #gallerySize} of the smallest names. */
  final TreeMap<String, String> gallery = new TreeMap<>();
  final int gallerySize;

  InferReport(int gallerySize) {
    this.gallerySize = gallerySize;
  }

  record Rejected(String path, Long length, String reason, String message) implements Serializable {}

  void reject(String path, long length, String reason, String message) {
    rejected++;
    rejectedByReason.merge(reason, 1L, Long::sum);
    quarantine.add(new Rejected(path, length < 0 ? null : length, reason, message));
  }

  void galleryCandidate(String rel, String input) {
    if (gallerySize <= 0) {
      return;
    }
    gallery.put(rel, input);
    while (gallery.size() > gallerySize) {
      gallery.pollLastEntry();
    }
  }

  void merge(InferReport o) {
    written += o.written;
    skipped += o.skipped;
    rejected += o.rejected;
    pixels += o.pixels;
    o.rejectedByReason.forEach((k, v) -> rejectedByReason.merge(k, v, Long::sum));
    quarantine.addAll(o.quarantine);
    o.gallery.forEach(this::galleryCandidate);
  }

  long seen() {
    return written + skipped + rejected;
  }

  static final class Accumulator extends AccumulatorV2<InferReport, InferReport> {
    private final int gallerySize;
    private InferReport report;

    Accumulator(int gallerySize) {
      this.gallerySize = gallerySize;
      this.report = new InferReport(gallerySize);
    }

    @Override
    public boolean isZero() {
      return report.seen() == 0 && report.gallery.isEmpty();
    }

    @Override
    public Accumulator copy() {
      Accumulator a = new Accumulator(gallerySize);
      a.report.merge(report);
      return a;
    }

    @Override
    public void reset() {
      report = new InferReport(gallerySize);
    }

    @Override
    public void add(InferReport v) {
      report.merge(v);
    }

    @Override
    public void merge(AccumulatorV2<InferReport, InferReport> other) {
      report.merge(other.value());
    }

    @Override
    public InferReport value() {
      return report;
    }
  }
}

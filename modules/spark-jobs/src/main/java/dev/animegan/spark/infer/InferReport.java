package dev.animegan.spark.infer;

import dev.animegan.spark.common.ReportAccumulator;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What inference tasks report to the driver: counts, the quarantine rows and gallery candidates
 * (the first outputs by name). Added once per task; Spark applies a finished task's update once.
 */
final class InferReport implements ReportAccumulator.Report<InferReport> {
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

  @Override
  public void merge(InferReport o) {
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

  @Override
  public boolean isEmpty() {
    return seen() == 0 && gallery.isEmpty();
  }
}

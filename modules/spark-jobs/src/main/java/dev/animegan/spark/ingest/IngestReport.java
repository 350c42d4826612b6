package dev.animegan.spark.ingest;

import dev.animegan.spark.common.ReportAccumulator;
import dev.animegan.spark.common.TableOutput;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What ingest tasks report to the driver besides their tiles: counts per dataset, and the rows of
 * the quarantine and duplicates tables (small: one per bad or repeated file), and the tile files
 * each task wrote (for the commit). Each task adds its
 * report once, when it has processed its last file; Spark applies a finished task's update once,
 * so retried and speculative tasks do not count twice.
 */
final class IngestReport implements ReportAccumulator.Report<IngestReport> {
  /** Counts of one domain/style. {@code read = accepted + rejected + duplicates + alreadyPresent}. */
  static final class Counts implements Serializable {
    long read;
    long accepted;
    long rejected;
    long duplicates;
    long alreadyPresent;
    long trainFiles;
    long testFiles;
    long trainTiles;
    long testTiles;
    /** Source pixels of accepted files. */
    long pixels;
    final Map<String, Long> rejectedByReason = new TreeMap<>();

    void merge(Counts o) {
      read += o.read;
      accepted += o.accepted;
      rejected += o.rejected;
      duplicates += o.duplicates;
      alreadyPresent += o.alreadyPresent;
      trainFiles += o.trainFiles;
      testFiles += o.testFiles;
      trainTiles += o.trainTiles;
      testTiles += o.testTiles;
      pixels += o.pixels;
      o.rejectedByReason.forEach((k, v) -> rejectedByReason.merge(k, v, Long::sum));
    }
  }

  /** A quarantine row (path as the user spells it). */
  record Rejected(String path, String domain, String style, long length, String hash, String reason, String message)
      implements Serializable {}

  /** A duplicates row. */
  record Duplicate(String path, String domain, String style, String hash, String duplicateOf) implements Serializable {}

  final Map<String, Counts> datasets = new TreeMap<>();
  final List<Rejected> rejected = new ArrayList<>();
  final List<Duplicate> duplicates = new ArrayList<>();
  /** The tile files each task wrote, for the commit. */
  final List<TableOutput.Written> tiles = new ArrayList<>();

  Counts counts(String domain, String style) {
    return datasets.computeIfAbsent(domain + "/" + style, k -> new Counts());
  }

  Counts total() {
    Counts t = new Counts();
    datasets.values().forEach(t::merge);
    return t;
  }

  @Override
  public void merge(IngestReport o) {
    o.datasets.forEach((k, c) -> datasets.computeIfAbsent(k, x -> new Counts()).merge(c));
    rejected.addAll(o.rejected);
    duplicates.addAll(o.duplicates);
    tiles.addAll(o.tiles);
  }

  @Override
  public boolean isEmpty() {
    return datasets.isEmpty() && rejected.isEmpty() && duplicates.isEmpty() && tiles.isEmpty();
  }
}

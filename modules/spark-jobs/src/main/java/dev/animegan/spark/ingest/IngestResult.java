package dev.animegan.spark.ingest;

import java.util.List;
import java.util.Map;

/**
 * What an ingest run did; written as {@code <out>/_job_result.json}. Counts are for this run:
 * {@code read = accepted + rejected + duplicates + alreadyPresent}, where {@code read} counts every
 * file found and {@code alreadyPresent} the files whose content (or, for files that could not be
 * read, path and reason) the output already held (append mode).
 */
public record IngestResult(
    String job,
    String runId,
    String output,
    String tilesPath,
    String quarantinePath,
    String duplicatesPath,
    long read,
    long accepted,
    long rejected,
    long duplicates,
    long alreadyPresent,
    long tiles,
    Map<String, Long> rejectedByReason,
    List<DatasetCounts> datasets,
    double sourceMegapixels,
    double elapsedSeconds,
    double imagesPerSecond,
    double megapixelsPerSecond) {

  /** Counts for one domain/style. */
  public record DatasetCounts(
      String domain,
      String style,
      long read,
      long accepted,
      long rejected,
      long duplicates,
      long alreadyPresent,
      long trainFiles,
      long testFiles,
      long trainTiles,
      long testTiles) {}
}

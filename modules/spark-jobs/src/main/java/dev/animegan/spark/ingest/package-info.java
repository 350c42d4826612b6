/**
 * The ingest Spark job. {@link dev.animegan.spark.ingest.IngestJob#run} is the entry tests and
 * tools call, a short list of steps: list, existing (append mode), tiles, tables.
 * {@code IngestPlan} decides on the driver which task reads which files; {@code IngestPartitions}
 * holds the executor side (one read per file); {@code IngestReport} carries outcomes back; the
 * tables are defined once in {@link dev.animegan.spark.ingest.IngestTables} (and README.md).
 */
package dev.animegan.spark.ingest;

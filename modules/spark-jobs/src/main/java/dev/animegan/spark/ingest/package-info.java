/**
 * The ingest Spark job. {@link dev.animegan.spark.ingest.IngestJob#run} is the entry tests and
 * tools call; {@code IngestPartitions} holds the executor-side functions; the Parquet schemas are
 * in {@link dev.animegan.spark.ingest.IngestSchemas} and README.md.
 */
package dev.animegan.spark.ingest;

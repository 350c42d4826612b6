package dev.animegan.spark.ingest;

import static org.apache.spark.sql.types.DataTypes.BinaryType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import dev.animegan.spark.common.TableSchema;

/**
 * The tables the ingest job writes under its output root (documented in README.md), each defined
 * once: the writer builds its rows from these definitions and every reader checks them.
 */
public final class IngestTables {
  private IngestTables() {}

  public static final String TILES_DIR = "tiles";
  public static final String QUARANTINE_DIR = "quarantine";
  public static final String DUPLICATES_DIR = "duplicates";

  /** {@code <out>/tiles}: one row per tile, partitioned by domain and style. */
  public static final TableSchema TILES = TableSchema.named("tiles")
      .required("id", StringType) // first 16 hex digits of the source's SHA-256, "-", crop index
      .required("run_id", StringType)
      .required("source_path", StringType) // as hadoop fs -ls prints it
      .required("source_hash", StringType) // SHA-256 of the file's bytes, hex
      .required("source_format", StringType)
      .required("source_width", IntegerType)
      .required("source_height", IntegerType)
      .required("resized_width", IntegerType)
      .required("resized_height", IntegerType)
      .required("crop_index", IntegerType)
      .required("crop_x", IntegerType)
      .required("crop_y", IntegerType)
      .required("crop_size", IntegerType)
      .required("split", StringType) // train | test, from the content hash
      .required("image", BinaryType) // PNG, RGB
      .optional("gray", BinaryType) // anime only: PNG, gray as RGB
      .optional("smooth", BinaryType) // anime only: PNG, edge-smoothed
      .required("domain", StringType) // photo | anime
      .required("style", StringType) // "photo" for photos, the anime style otherwise
      .partitionedBy("domain", "style")
      .build();

  /** {@code <out>/quarantine}: one row per rejected file. */
  public static final TableSchema QUARANTINE = TableSchema.named("quarantine")
      .required("run_id", StringType)
      .required("path", StringType)
      .required("domain", StringType)
      .required("style", StringType)
      .required("length", LongType) // bytes, -1 when the file could not be read
      .optional("hash", StringType) // SHA-256 when the bytes were read
      .required("reason", StringType)
      .required("message", StringType)
      .build();

  /** {@code <out>/duplicates}: one row per file skipped because the same content was ingested from another file. */
  public static final TableSchema DUPLICATES = TableSchema.named("duplicates")
      .required("run_id", StringType)
      .required("path", StringType)
      .required("domain", StringType)
      .required("style", StringType)
      .required("hash", StringType)
      .required("duplicate_of", StringType)
      .build();
}

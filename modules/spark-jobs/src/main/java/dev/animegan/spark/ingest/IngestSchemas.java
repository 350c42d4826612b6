package dev.animegan.spark.ingest;

import static org.apache.spark.sql.types.DataTypes.BinaryType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The Parquet schemas the ingest job writes (documented in README.md) and its internal row type. */
public final class IngestSchemas {
  private IngestSchemas() {}

  /** Kinds of {@link #OUTCOME} rows: one status row per file found, plus one row per tile. */
  public static final String ACCEPTED = "accepted";
  public static final String REJECTED = "rejected";
  public static final String DUPLICATE = "duplicate";
  public static final String TILE = "tile";

  /** Internal: what processing one file yields. */
  public static final StructType OUTCOME = new StructType(new StructField[] {
      field("kind", StringType, false),
      field("domain", StringType, false),
      field("style", StringType, false),
      field("path", StringType, false),
      field("length", LongType, false),
      field("hash", StringType, true),
      field("split", StringType, true),
      field("format", StringType, true),
      field("source_width", IntegerType, true),
      field("source_height", IntegerType, true),
      field("resized_width", IntegerType, true),
      field("resized_height", IntegerType, true),
      field("reason", StringType, true),
      field("message", StringType, true),
      field("id", StringType, true),
      field("crop_index", IntegerType, true),
      field("crop_x", IntegerType, true),
      field("crop_y", IntegerType, true),
      field("crop_size", IntegerType, true),
      field("image", BinaryType, true),
      field("gray", BinaryType, true),
      field("smooth", BinaryType, true)});

  /** Columns of {@code <out>/tiles}, partitioned by domain and style (the last two). */
  public static final String[] TILE_COLUMNS = {
      "id", "run_id", "source_path", "source_hash", "source_format", "source_width", "source_height",
      "resized_width", "resized_height", "crop_index", "crop_x", "crop_y", "crop_size", "split",
      "image", "gray", "smooth", "domain", "style"};

  /** Columns of {@code <out>/quarantine}: one row per rejected file. */
  public static final String[] QUARANTINE_COLUMNS = {
      "run_id", "path", "domain", "style", "length", "reason", "message"};

  /** Columns of {@code <out>/duplicates}: one row per file skipped because its content was already seen. */
  public static final String[] DUPLICATE_COLUMNS = {"run_id", "path", "domain", "style", "hash", "duplicate_of"};

  private static StructField field(String name, org.apache.spark.sql.types.DataType type, boolean nullable) {
    return new StructField(name, type, nullable, org.apache.spark.sql.types.Metadata.empty());
  }
}

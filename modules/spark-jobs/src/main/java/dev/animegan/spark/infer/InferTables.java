package dev.animegan.spark.infer;

import static org.apache.spark.sql.types.DataTypes.BinaryType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import dev.animegan.spark.common.TableSchema;

/** The tables the inference job writes (documented in README.md), each defined once. */
public final class InferTables {
  private InferTables() {}

  /** {@code <out>/table} (output kind parquet): one row per stylised input. */
  public static final TableSchema OUTPUT = TableSchema.named("inference output")
      .required("run_id", StringType)
      .required("path", StringType) // the input, as the user spells it
      .required("output_path", StringType) // relative name, as the images/ layout would have it
      .required("format", StringType) // jpg | png
      .required("width", IntegerType) // input size
      .required("height", IntegerType)
      .required("output_width", IntegerType)
      .required("output_height", IntegerType)
      .required("image", BinaryType) // encoded output
      .build();

  /** {@code <out>/quarantine}: one row per rejected input. */
  public static final TableSchema QUARANTINE = TableSchema.named("inference quarantine")
      .required("run_id", StringType)
      .required("path", StringType)
      .optional("length", LongType)
      .required("reason", StringType)
      .required("message", StringType)
      .build();
}

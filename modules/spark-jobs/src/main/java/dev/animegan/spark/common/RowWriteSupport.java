package dev.animegan.spark.common;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Writes rows of a {@link TableSchema} (its data columns; partition columns are folders) as
 * Parquet records with the physical schema Spark's own writer gives those types (string: UTF-8
 * binary, int: INT32, long: INT64, ..., required when not nullable) and the footer key Spark
 * reads its schema back from, so Spark, PyArrow and DuckDB read the files as if Spark had written
 * them.
 */
final class RowWriteSupport extends WriteSupport<Row> {
  /** The footer key holding the Spark schema of the data columns (Spark's ParquetReadSupport reads it). */
  static final String SPARK_SCHEMA_KEY = "org.apache.spark.sql.parquet.row.metadata";
  /** The footer key of the writing Spark version (Spark's readers use it for date and timestamp rebasing). */
  static final String SPARK_VERSION_KEY = "org.apache.spark.version";

  private enum Kind { BOOLEAN, INT, LONG, FLOAT, DOUBLE, STRING, BINARY }

  private final String table;
  private final StructType data;
  private final int[] rowIndex;
  private final Kind[] kinds;
  private final MessageType schema;
  private final Map<String, String> footer;
  private RecordConsumer out;

  /** {@code rowIndex[i]}: the position in a row of table {@code table} of data column {@code i}. */
  RowWriteSupport(String table, StructType data, int[] rowIndex, String sparkVersion) {
    this.table = table;
    this.data = data;
    this.rowIndex = rowIndex.clone();
    this.kinds = new Kind[data.fields().length];
    List<Type> types = new ArrayList<>();
    for (int i = 0; i < kinds.length; i++) {
      StructField f = data.fields()[i];
      kinds[i] = kind(table, f);
      types.add(parquetType(f, kinds[i]));
    }
    this.schema = new MessageType("spark_schema", types);
    this.footer = Map.of(SPARK_SCHEMA_KEY, data.json(), SPARK_VERSION_KEY, sparkVersion);
  }

  private RowWriteSupport(RowWriteSupport o) {
    this.table = o.table;
    this.data = o.data;
    this.rowIndex = o.rowIndex;
    this.kinds = o.kinds;
    this.schema = o.schema;
    this.footer = o.footer;
  }

  /**
   * The same layout for another file: a write support holds its file's record consumer, so each
   * open file needs its own.
   */
  RowWriteSupport forAnotherFile() {
    return new RowWriteSupport(this);
  }

  MessageType schema() {
    return schema;
  }

  private static Kind kind(String table, StructField f) {
    DataType t = f.dataType();
    if (t instanceof BooleanType) {
      return Kind.BOOLEAN;
    } else if (t instanceof IntegerType) {
      return Kind.INT;
    } else if (t instanceof LongType) {
      return Kind.LONG;
    } else if (t instanceof FloatType) {
      return Kind.FLOAT;
    } else if (t instanceof DoubleType) {
      return Kind.DOUBLE;
    } else if (t instanceof StringType) {
      return Kind.STRING;
    } else if (t instanceof BinaryType) {
      return Kind.BINARY;
    }
    throw new IllegalArgumentException("table " + table + ": column " + f.name() + ": type " + t.simpleString()
        + " is not supported by the table writer (boolean, int, bigint, float, double, string, binary)");
  }

  private static Type parquetType(StructField f, Kind k) {
    Types.PrimitiveBuilder<org.apache.parquet.schema.PrimitiveType> b = f.nullable()
        ? Types.optional(physical(k)) : Types.required(physical(k));
    if (k == Kind.STRING) {
      b = b.as(LogicalTypeAnnotation.stringType());
    }
    return b.named(f.name());
  }

  private static PrimitiveTypeName physical(Kind k) {
    return switch (k) {
      case BOOLEAN -> PrimitiveTypeName.BOOLEAN;
      case INT -> PrimitiveTypeName.INT32;
      case LONG -> PrimitiveTypeName.INT64;
      case FLOAT -> PrimitiveTypeName.FLOAT;
      case DOUBLE -> PrimitiveTypeName.DOUBLE;
      case STRING, BINARY -> PrimitiveTypeName.BINARY;
    };
  }

  @Override
  public WriteContext init(Configuration configuration) {
    return new WriteContext(schema, footer);
  }

  @Override
  public void prepareForWrite(RecordConsumer recordConsumer) {
    this.out = recordConsumer;
  }

  @Override
  public void write(Row row) {
    for (int i = 0; i < kinds.length; i++) { // before the record starts, so that a refused row writes nothing
      if (!data.fields()[i].nullable() && row.isNullAt(rowIndex[i])) {
        throw new IllegalArgumentException("table " + table + ": required column " + data.fields()[i].name()
            + " is null");
      }
    }
    out.startMessage();
    for (int i = 0; i < kinds.length; i++) {
      int at = rowIndex[i];
      if (row.isNullAt(at)) {
        continue;
      }
      out.startField(data.fields()[i].name(), i);
      switch (kinds[i]) {
        case BOOLEAN -> out.addBoolean(row.getBoolean(at));
        case INT -> out.addInteger(row.getInt(at));
        case LONG -> out.addLong(row.getLong(at));
        case FLOAT -> out.addFloat(row.getFloat(at));
        case DOUBLE -> out.addDouble(row.getDouble(at));
        case STRING -> out.addBinary(Binary.fromString(row.getString(at)));
        case BINARY -> out.addBinary(Binary.fromConstantByteArray((byte[]) row.get(at)));
      }
      out.endField(data.fields()[i].name(), i);
    }
    out.endMessage();
  }
}

package dev.animegan.spark.common;

import dev.animegan.core.config.InputError;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The one definition of a table a job writes or reads: its columns and types, used to build rows
 * (by field name) and to write, and checked when a job reads the table, so that a wrong table fails
 * on the driver with the table, the column and the expected and found types named, not deep inside
 * a task. In the style of Spark ML's {@code SchemaUtils}.
 */
public final class TableSchema implements Serializable {
  private final String name;
  private final StructType struct;
  private final List<String> partitionColumns;
  private final Map<String, Integer> index = new HashMap<>();

  private TableSchema(String name, StructType struct, List<String> partitionColumns) {
    this.name = name;
    this.struct = struct;
    this.partitionColumns = List.copyOf(partitionColumns);
    StructField[] fs = struct.fields();
    for (int i = 0; i < fs.length; i++) {
      index.put(fs[i].name(), i);
    }
  }

  /** Starts a table definition; columns are declared in their written order. */
  public static Builder named(String name) {
    return new Builder(name);
  }

  public static final class Builder {
    private final String name;
    private final List<StructField> fields = new ArrayList<>();
    private final List<String> partitions = new ArrayList<>();

    private Builder(String name) {
      this.name = name;
    }

    public Builder required(String column, DataType type) {
      fields.add(new StructField(column, type, false, Metadata.empty()));
      return this;
    }

    public Builder optional(String column, DataType type) {
      fields.add(new StructField(column, type, true, Metadata.empty()));
      return this;
    }

    /** Partition columns (folders {@code column=value}), last in the schema, in this order. */
    public Builder partitionedBy(String... columns) {
      partitions.addAll(Arrays.asList(columns));
      return this;
    }

    public TableSchema build() {
      return new TableSchema(name, new StructType(fields.toArray(StructField[]::new)), partitions);
    }
  }

  public String name() {
    return name;
  }

  public StructType struct() {
    return struct;
  }

  public String[] columns() {
    return struct.fieldNames();
  }

  public String[] partitionColumns() {
    return partitionColumns.toArray(String[]::new);
  }

  /** A row of this table built by column name; columns left unset are null. */
  public RowBuilder row() {
    return new RowBuilder();
  }

  public final class RowBuilder {
    private final Object[] values = new Object[struct.fields().length];

    private RowBuilder() {}

    public RowBuilder set(String column, Object value) {
      Integer i = index.get(column);
      if (i == null) {
        throw new IllegalArgumentException("table " + name + " has no column " + column);
      }
      values[i] = value;
      return this;
    }

    public Row build() {
      StructField[] fs = struct.fields();
      for (int i = 0; i < fs.length; i++) {
        if (values[i] == null && !fs[i].nullable()) {
          throw new IllegalStateException("table " + name + ": required column " + fs[i].name() + " not set");
        }
      }
      return new GenericRowWithSchema(values.clone(), struct);
    }
  }

  /** The value of {@code column} in a row of this table (read by name, never by position). */
  @SuppressWarnings("unchecked")
  public <T> T get(Row row, String column) {
    return (T) row.get(row.fieldIndex(column));
  }

  /**
   * The problems of a table found at {@code path} with schema {@code found} against this
   * definition: each missing column and each column of another type, one line each. Extra columns
   * are allowed (a newer writer may add some); nullability is not compared (Parquet reads every
   * column as nullable).
   */
  public List<String> problems(StructType found, String path) {
    List<String> problems = new ArrayList<>();
    Map<String, StructField> have = new HashMap<>();
    for (StructField f : found.fields()) {
      have.put(f.name(), f);
    }
    for (StructField want : struct.fields()) {
      StructField f = have.get(want.name());
      if (f == null) {
        problems.add("table " + path + " (" + name + ") has no column " + want.name() + " ("
            + want.dataType().simpleString() + ")");
      } else if (!f.dataType().sameType(want.dataType())) {
        problems.add("table " + path + " (" + name + "): column " + want.name() + " is "
            + f.dataType().simpleString() + ", expected " + want.dataType().simpleString());
      }
    }
    return problems;
  }

  /** Throws {@link InputError} naming every problem of {@code found} (see {@link #problems}). */
  public void check(StructType found, String path) {
    List<String> problems = problems(found, path);
    if (!problems.isEmpty()) {
      throw new InputError(String.join("; ", problems));
    }
  }

  /** Reads the Parquet table at {@code path}, checked against this definition, with its columns in this order. */
  public Dataset<Row> read(SparkSession spark, String path) {
    Dataset<Row> df;
    try {
      df = spark.read().parquet(path);
    } catch (Exception e) { // AnalysisException (checked in Java's eyes, undeclared): path missing, no Parquet files
      String why = e instanceof org.apache.spark.sql.AnalysisException a ? a.getSimpleMessage() : e.toString();
      throw new InputError("cannot read table " + path + " (" + name + "): " + why, e);
    }
    check(df.schema(), path);
    return df.select(Arrays.stream(columns()).map(org.apache.spark.sql.functions::col)
        .toArray(org.apache.spark.sql.Column[]::new));
  }
}

package dev.animegan.spark.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.animegan.spark.testing.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.column.Encoding;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The table writer the ingest's tasks use: Spark reads its files as its own, partition values are
 * escaped as Spark escapes them, and only committed attempts' files ever become part of the table.
 */
class TableOutputTest {
  @TempDir
  Path dir;

  private static final TableSchema T = TableSchema.named("t")
      .required("id", DataTypes.LongType)
      .required("name", DataTypes.StringType)
      .optional("score", DataTypes.DoubleType)
      .optional("size", DataTypes.IntegerType)
      .optional("ok", DataTypes.BooleanType)
      .optional("weight", DataTypes.FloatType)
      .required("bytes", DataTypes.BinaryType)
      .required("part", DataTypes.StringType)
      .partitionedBy("part")
      .build();

  private static final TableSchema FLAT = TableSchema.named("flat")
      .required("id", DataTypes.LongType)
      .optional("note", DataTypes.StringType)
      .build();

  private static Row row(long id, String part) {
    return T.row().set("id", id).set("name", "n" + id).set("score", id % 2 == 0 ? null : id / 2.0)
        .set("size", (int) id * 3).set("ok", id % 3 == 0).set("weight", id / 4f)
        .set("bytes", new byte[] {(byte) id, 1, 2}).set("part", part).build();
  }

  private final SparkSession spark = SparkTestSession.get();
  private final Configuration conf = spark.sparkContext().hadoopConfiguration();

  private static TableOutput.Written writeAll(TableOutput out, Configuration conf, int task, int attempt,
      List<Row> rows) throws IOException {
    try (TableOutput.Writer w = out.open(conf, task, attempt)) {
      for (Row r : rows) {
        w.write(r);
      }
      return w.finish();
    }
  }

  /** id -> the row Spark reads back, as a string of its values by name. */
  private Map<Long, String> read(String table) {
    return expected(spark.read().parquet(table).collectAsList());
  }

  /** id -> the row, as a string of its values by name. */
  private static Map<Long, String> expected(List<Row> rows) {
    Map<Long, String> m = new TreeMap<>();
    for (Row r : rows) {
      byte[] b = r.getAs("bytes");
      m.put(r.getAs("id"), r.getAs("name") + "|" + r.getAs("score") + "|" + r.getAs("size") + "|" + r.getAs("ok")
          + "|" + r.getAs("weight") + "|" + b[0] + b[1] + b[2] + "|" + r.getAs("part"));
    }
    return m;
  }

  private static List<Path> parquetFiles(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().collect(Collectors.toList());
    }
  }

  private FileMetaData footer(Path file) throws IOException {
    try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(
        new org.apache.hadoop.fs.Path(file.toUri()), conf))) {
      return r.getFooter().getFileMetaData();
    }
  }

  @Test
  void sparkReadsTheCommittedTableAsIfItHadWrittenIt() throws Exception {
    String table = dir.resolve("t").toString();
    List<Row> rows = new ArrayList<>();
    String[] parts = {"a b", "x=y", "50%", "plain"};
    for (long i = 0; i < 40; i++) {
      rows.add(row(i, parts[(int) (i % parts.length)]));
    }
    TableOutput out = TableOutput.of(T, table, "run1", spark);
    List<TableOutput.Written> written = List.of(writeAll(out, conf, 0, 0, rows.subList(0, 25)),
        writeAll(out, conf, 1, 0, rows.subList(25, 40)));
    assertEquals(new TableOutput.Committed(8, 40), out.commit(conf, false, written));

    assertEquals(expected(rows), read(table));
    assertTrue(Files.isRegularFile(dir.resolve("t/_SUCCESS")));
    assertFalse(Files.exists(dir.resolve("t/_temporary")));
    // partition folders escaped as Spark escapes them, files named like Spark's
    try (Stream<Path> s = Files.list(dir.resolve("t"))) {
      assertEquals(List.of("_SUCCESS", "part=50%25", "part=a b", "part=plain", "part=x%3Dy"),
          s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList());
    }
    assertEquals(List.of("part-00000-run1.c000.snappy.parquet", "part-00001-run1.c000.snappy.parquet"),
        parquetFiles(dir.resolve("t/part=x%3Dy")).stream().map(p -> p.getFileName().toString()).toList());

    // the same physical schema and Spark schema footer as a file Spark writes from the same rows
    String bySpark = dir.resolve("spark").toString();
    spark.createDataFrame(rows, T.struct()).write().partitionBy("part").parquet(bySpark);
    FileMetaData ours = footer(parquetFiles(dir.resolve("t")).get(0));
    FileMetaData theirs = footer(parquetFiles(dir.resolve("spark")).get(0));
    assertEquals(theirs.getSchema(), ours.getSchema());
    assertEquals(theirs.getKeyValueMetaData().get(RowWriteSupport.SPARK_SCHEMA_KEY),
        ours.getKeyValueMetaData().get(RowWriteSupport.SPARK_SCHEMA_KEY));
    assertEquals(spark.version(), ours.getKeyValueMetaData().get(RowWriteSupport.SPARK_VERSION_KEY));
    assertEquals(spark.read().parquet(bySpark).schema(), spark.read().parquet(table).schema());
  }

  @Test
  void binaryColumnsHaveNoDictionaryAndOthersMay() throws Exception {
    String table = dir.resolve("t").toString();
    List<Row> rows = new ArrayList<>();
    for (long i = 0; i < 100; i++) {
      rows.add(row(i % 5, "p")); // five distinct values in each column
    }
    TableOutput out = TableOutput.of(T, table, "r", spark);
    out.commit(conf, false, List.of(writeAll(out, conf, 0, 0, rows)));
    Path file = parquetFiles(dir.resolve("t")).get(0);
    try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(
        new org.apache.hadoop.fs.Path(file.toUri()), conf))) {
      for (ColumnChunkMetaData c : r.getFooter().getBlocks().get(0).getColumns()) {
        boolean dictionary = c.getEncodings().contains(Encoding.PLAIN_DICTIONARY)
            || c.getEncodings().contains(Encoding.RLE_DICTIONARY);
        String column = c.getPath().toDotString();
        if (!column.equals("ok")) { // booleans have no dictionary encoding
          assertEquals(!column.equals("bytes"), dictionary, column);
        }
      }
    }
  }

  @Test
  void overwriteKeepsTheOldTableReadableUntilTheCommit() throws Exception {
    String table = dir.resolve("t").toString();
    List<Row> v1 = List.of(row(1, "a"), row(2, "b"));
    TableOutput first = TableOutput.of(T, table, "run1", spark);
    first.commit(conf, false, List.of(writeAll(first, conf, 0, 0, v1)));

    List<Row> v2 = List.of(row(10, "c"), row(11, "a"));
    TableOutput second = TableOutput.of(T, table, "run2", spark);
    TableOutput.Written w = writeAll(second, conf, 0, 0, v2);
    assertEquals(expected(v1), read(table)); // written, not committed: readers see the old table
    second.commit(conf, true, List.of(w));
    assertEquals(expected(v2), read(table));
    assertFalse(Files.exists(dir.resolve("t/part=b")));
    assertFalse(Files.exists(dir.resolve("t/_temporary")));
  }

  @Test
  void appendAddsARunsFilesBesideTheEarlierOnes() throws Exception {
    String table = dir.resolve("t").toString();
    TableOutput first = TableOutput.of(T, table, "run1", spark);
    first.commit(conf, false, List.of(writeAll(first, conf, 0, 0, List.of(row(1, "a")))));
    TableOutput second = TableOutput.of(T, table, "run2", spark);
    second.commit(conf, false, List.of(writeAll(second, conf, 0, 0, List.of(row(2, "a")))));
    assertEquals(expected(List.of(row(1, "a"), row(2, "a"))), read(table));
    assertEquals(2, parquetFiles(dir.resolve("t/part=a")).size());
  }

  @Test
  void onlyTheReportedAttemptsBecomePartOfTheTable() throws Exception {
    String table = dir.resolve("t").toString();
    TableOutput out = TableOutput.of(T, table, "run1", spark);
    // attempt 0 of task 0 finished its files but lost (e.g. a slower speculative copy): never reported
    writeAll(out, conf, 0, 0, List.of(row(1, "a"), row(99, "z")));
    assertTrue(Files.isDirectory(dir.resolve("t/_temporary/run1/task-00000-0/part=z")));
    // an attempt that failed midway removes its own folder
    TableOutput.Writer failed = out.open(conf, 1, 0);
    failed.write(row(5, "a"));
    failed.close();
    assertFalse(Files.exists(dir.resolve("t/_temporary/run1/task-00001-0")));
    // the attempts that won
    TableOutput.Written won0 = writeAll(out, conf, 0, 1, List.of(row(1, "a")));
    TableOutput.Written won1 = writeAll(out, conf, 1, 1, List.of(row(5, "a")));
    assertEquals(new TableOutput.Committed(2, 2), out.commit(conf, false, List.of(won0, won1)));
    assertEquals(expected(List.of(row(1, "a"), row(5, "a"))), read(table));
    assertFalse(Files.exists(dir.resolve("t/_temporary")));
    assertFalse(Files.exists(dir.resolve("t/part=z")));
  }

  @Test
  void abortRemovesTheRunsFilesAndACommitRemovesAKilledRunsLeftovers() throws Exception {
    String table = dir.resolve("t").toString();
    TableOutput killed = TableOutput.of(T, table, "killed", spark);
    writeAll(killed, conf, 0, 0, List.of(row(1, "a"))); // the process died here
    TableOutput failed = TableOutput.of(T, table, "failed", spark);
    writeAll(failed, conf, 0, 0, List.of(row(2, "a")));
    failed.abort(conf);
    assertFalse(Files.exists(dir.resolve("t/_temporary/failed")));
    assertTrue(Files.exists(dir.resolve("t/_temporary/killed/task-00000-0")));
    assertFalse(Files.exists(dir.resolve("t/_SUCCESS")));

    TableOutput next = TableOutput.of(T, table, "next", spark);
    next.commit(conf, false, List.of(writeAll(next, conf, 0, 0, List.of(row(3, "b")))));
    assertEquals(expected(List.of(row(3, "b"))), read(table));
    assertFalse(Files.exists(dir.resolve("t/_temporary")));
  }

  @Test
  void anEmptyUnpartitionedTableIsReadableWithItsSchema() throws Exception {
    String table = dir.resolve("flat").toString();
    TableOutput out = TableOutput.of(FLAT, table, "r", spark);
    assertEquals(new TableOutput.Committed(1, 0), out.commit(conf, false, List.of(writeAll(out, conf, 0, 0,
        List.of()))));
    assertEquals(0, spark.read().parquet(table).count());
    assertArrayEquals(new String[] {"id", "note"}, spark.read().parquet(table).schema().fieldNames());
    assertEquals(List.of(dir.resolve("flat/part-00000-r.c000.snappy.parquet")), parquetFiles(dir.resolve("flat")));
  }

  @Test
  void theCodecComesFromSparksKey() throws Exception {
    String table = dir.resolve("flat").toString();
    spark.conf().set("spark.sql.parquet.compression.codec", "zstd");
    try {
      TableOutput out = TableOutput.of(FLAT, table, "r", spark);
      out.commit(conf, false, List.of(writeAll(out, conf, 0, 0,
          List.of(FLAT.row().set("id", 7L).set("note", "seven").build()))));
    } finally {
      spark.conf().unset("spark.sql.parquet.compression.codec");
    }
    assertEquals(List.of(dir.resolve("flat/part-00000-r.c000.zstd.parquet")), parquetFiles(dir.resolve("flat")));
    assertEquals("seven", spark.read().parquet(table).first().getAs("note"));
    assertEquals("UNCOMPRESSED", TableOutput.codec("none"));
    assertEquals("spark.sql.parquet.compression.codec: unknown codec snapy "
        + "(none, uncompressed, snappy, gzip, lzo, brotli, lz4, zstd)",
        assertThrows(IllegalArgumentException.class, () -> TableOutput.codec("snapy")).getMessage());
  }

  @Test
  void badRowsAndTypesAreNamed() throws Exception {
    TableSchema dated = TableSchema.named("d").required("day", DataTypes.DateType).build();
    assertEquals("table d: column day: type date is not supported by the table writer "
        + "(boolean, int, bigint, float, double, string, binary)", assertThrows(IllegalArgumentException.class,
            () -> TableOutput.of(dated, dir.resolve("d").toString(), "r", spark).open(conf, 0, 0)).getMessage());

    TableOutput out = TableOutput.of(T, dir.resolve("t").toString(), "r", spark);
    Object[] values = new Object[T.struct().size()];
    values[T.struct().fieldIndex("part")] = "a";
    values[T.struct().fieldIndex("id")] = 1L;
    Row noName = new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(values, T.struct());
    try (TableOutput.Writer w = out.open(conf, 0, 0)) {
      assertEquals("table t: required column name is null",
          assertThrows(IllegalArgumentException.class, () -> w.write(noName)).getMessage());
    }
    Object[] noPart = new Object[T.struct().size()];
    Row r = new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(noPart, T.struct());
    try (TableOutput.Writer w = out.open(conf, 0, 1)) {
      assertEquals("table t: partition column part is null",
          assertThrows(IllegalArgumentException.class, () -> w.write(r)).getMessage());
    }
    assertFalse(Files.exists(dir.resolve("t/_temporary/r/task-00000-0")));
  }
}

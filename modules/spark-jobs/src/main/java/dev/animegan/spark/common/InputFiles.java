package dev.animegan.spark.common;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/** Listing the files a job reads, and sizing its tasks, the same way in every job. */
public final class InputFiles {
  private InputFiles() {}

  /**
   * Every file under the paths or globs (recursive, any Hadoop FS), from Spark's file index, which
   * lists many folders in parallel. The index's list is used rather than a scan because Spark's
   * scans skip zero-length files, and every file found must be accounted for.
   */
  public static SortedSet<String> list(SparkSession spark, List<String> paths) {
    String[] found = spark.read().format("binaryFile").option("recursiveFileLookup", "true")
        .load(paths.toArray(String[]::new)).inputFiles();
    return new TreeSet<>(Arrays.asList(found));
  }

  /** Tasks for {@code files} files: about {@code filesPerTask} each, at least two per core, never more than files. */
  public static int tasks(long files, int defaultParallelism, int filesPerTask) {
    return (int) Math.max(1, Math.min(Math.max(files, 1),
        Math.max(2L * defaultParallelism, (files + filesPerTask - 1) / filesPerTask)));
  }

  /** Config problems for input paths or globs that match nothing or cannot be read, each naming {@code key}. */
  public static List<String> problems(List<String> paths, String key, Configuration hconf) {
    List<String> problems = new ArrayList<>();
    for (String p : paths) {
      try {
        if (!HadoopFiles.matchesAnything(p, hconf)) {
          problems.add("No such input path: " + p + " (" + key + ")");
        }
      } catch (IOException | IllegalArgumentException e) {
        problems.add("Cannot read input path " + p + " (" + key + "): " + e.getMessage());
      }
    }
    return problems;
  }
}

package dev.animegan.spark.ingest;

import dev.animegan.spark.common.InputFiles.InputFile;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Which task ingests which files, decided on the driver (no shuffle).
 *
 * <p>Files of one domain/style with the same length go to the same task: only they can hold the
 * same content, so each task finds its duplicates itself, from the one read of each file that it
 * also decodes. Those groups are spread over the tasks by bytes, largest first onto the least
 * loaded task, so tasks take about the same time.
 */
final class IngestPlan {
  private IngestPlan() {}

  /** One file to ingest into a domain/style. (A class, not a record: Spark's Kryo cannot serialise records.) */
  static final class FileTask implements Serializable {
    private final String uri;
    private final long length;
    private final String domain;
    private final String style;

    FileTask(String uri, long length, String domain, String style) {
      this.uri = uri;
      this.length = length;
      this.domain = domain;
      this.style = style;
    }

    String uri() {
      return uri;
    }

    long length() {
      return length;
    }

    String domain() {
      return domain;
    }

    String style() {
      return style;
    }

    @Override
    public String toString() {
      return domain + "/" + style + ":" + uri;
    }
  }

  /** Bytes a file costs besides its length (open, decode set-up), for balancing. */
  static final long PER_FILE_BYTES = 64 << 10;

  static List<List<FileTask>> tasks(List<FileTask> files, int tasks) {
    Map<String, List<FileTask>> groups = new LinkedHashMap<>();
    for (FileTask f : files) {
      groups.computeIfAbsent(f.domain() + '\u0000' + f.style() + '\u0000' + f.length(), k -> new ArrayList<>()).add(f);
    }
    List<List<FileTask>> bySize = new ArrayList<>(groups.values());
    bySize.sort(Comparator.comparingLong(IngestPlan::weight).reversed()
        .thenComparing(g -> g.get(0).uri()));
    int n = Math.max(1, Math.min(tasks, bySize.size()));
    List<List<FileTask>> out = new ArrayList<>();
    PriorityQueue<long[]> load = new PriorityQueue<>(Comparator.<long[]>comparingLong(a -> a[0]).thenComparingLong(a -> a[1]));
    for (int i = 0; i < n; i++) {
      out.add(new ArrayList<>());
      load.add(new long[] {0, i});
    }
    for (List<FileTask> g : bySize) {
      long[] least = load.poll();
      out.get((int) least[1]).addAll(g);
      least[0] += weight(g);
      load.add(least);
    }
    Comparator<FileTask> order = Comparator.comparing(FileTask::domain).thenComparing(FileTask::style)
        .thenComparing(FileTask::uri);
    out.forEach(t -> t.sort(order));
    out.removeIf(List::isEmpty);
    return out;
  }

  private static long weight(List<FileTask> g) {
    return g.stream().mapToLong(f -> Math.max(0, f.length()) + PER_FILE_BYTES).sum();
  }

  static FileTask of(InputFile f, String domain, String style) {
    return new FileTask(f.uri(), f.length(), domain, style);
  }
}

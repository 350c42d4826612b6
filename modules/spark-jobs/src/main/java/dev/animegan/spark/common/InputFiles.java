package dev.animegan.spark.common;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/** Listing the files a job reads, and sizing its tasks, the same way in every job. */
public final class InputFiles {
  private InputFiles() {}

  /** One file found: its URI string (see {@link FilePaths}) and its length in bytes. */
  public record InputFile(String uri, long length) implements Serializable {
    public String display() {
      return FilePaths.display(uri);
    }
  }

  /** Roots listed at the same time on the driver. */
  private static final int LISTING_THREADS = 8;

  /**
   * Every file under the paths or globs, recursively, on any Hadoop FS, sorted by URI and without
   * repeats (a file under two roots is listed once). Hadoop's recursive listing is used (one flat
   * listing per root on object stores), several roots at a time. Unlike Spark's file index it
   * keeps zero-length files and names starting with {@code _} or {@code .} (cameras write
   * {@code _DSC0001.JPG}): every file found must be accounted for.
   */
  public static List<InputFile> list(Configuration hconf, List<String> pathsOrGlobs) throws IOException {
    List<Path> roots = new ArrayList<>();
    for (String p : pathsOrGlobs) {
      Path path = new Path(p);
      FileSystem fs = path.getFileSystem(hconf);
      FileStatus[] matches = fs.globStatus(path);
      if (matches == null || matches.length == 0) {
        throw new java.io.FileNotFoundException("No such input path: " + p);
      }
      for (FileStatus m : matches) {
        roots.add(m.getPath());
      }
    }
    Map<String, InputFile> found = new TreeMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(LISTING_THREADS, Math.max(1, roots.size())), r -> {
      Thread t = new Thread(r, "animegan-listing");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<List<InputFile>>> parts = new ArrayList<>();
      for (Path root : roots) {
        parts.add(pool.submit(() -> listOne(root, hconf)));
      }
      for (Future<List<InputFile>> f : parts) {
        for (InputFile file : f.get()) {
          found.putIfAbsent(file.uri(), file);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("listing interrupted", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      throw new IOException("cannot list inputs: " + c, c);
    } finally {
      pool.shutdownNow();
    }
    return new ArrayList<>(found.values());
  }

  private static List<InputFile> listOne(Path root, Configuration hconf) throws IOException {
    FileSystem fs = root.getFileSystem(hconf);
    List<InputFile> out = new ArrayList<>();
    if ("file".equals(fs.getUri().getScheme())) {
      listLocal(fs, root, out);
      return out;
    }
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
    while (it.hasNext()) {
      LocatedFileStatus s = it.next();
      if (s.isFile()) {
        out.add(new InputFile(FilePaths.uri(fs.makeQualified(s.getPath())), s.getLen()));
      }
    }
    return out;
  }

  /**
   * The local file system, folder by folder. Hadoop's {@code listFiles} builds a
   * {@code LocatedFileStatus} per file, whose constructor asks the local file system for the
   * file's permissions, which without Hadoop's native library forks a {@code stat} process per file
   * (measured: 17 s for 3,048 files); {@code listStatus} alone does not.
   */
  private static void listLocal(FileSystem fs, Path root, List<InputFile> out) throws IOException {
    java.util.ArrayDeque<Path> dirs = new java.util.ArrayDeque<>();
    FileStatus top = fs.getFileStatus(root);
    if (!top.isDirectory()) {
      out.add(new InputFile(FilePaths.uri(fs.makeQualified(top.getPath())), top.getLen()));
      return;
    }
    dirs.push(top.getPath());
    while (!dirs.isEmpty()) {
      for (FileStatus s : fs.listStatus(dirs.pop())) {
        if (s.isDirectory()) {
          dirs.push(s.getPath());
        } else if (s.isFile()) {
          out.add(new InputFile(FilePaths.uri(fs.makeQualified(s.getPath())), s.getLen()));
        }
      }
    }
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

package dev.animegan.spark.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Small file operations on any Hadoop file system. */
public final class HadoopFiles {
  private HadoopFiles() {}

  public static boolean exists(String path, Configuration conf) throws IOException {
    Path p = new Path(path);
    return p.getFileSystem(conf).exists(p);
  }

  /** True when the path or glob matches at least one file or folder. */
  public static boolean matchesAnything(String pathOrGlob, Configuration conf) throws IOException {
    Path p = new Path(pathOrGlob);
    FileStatus[] matches = p.getFileSystem(conf).globStatus(p);
    return matches != null && matches.length > 0;
  }

  public static long length(String path, Configuration conf) throws IOException {
    Path p = new Path(path);
    return p.getFileSystem(conf).getFileStatus(p).getLen();
  }

  /** The whole file; fails when it holds more than {@code maxBytes}. */
  public static byte[] readAll(String path, Configuration conf, long maxBytes) throws IOException {
    Path p = new Path(path);
    FileSystem fs = p.getFileSystem(conf);
    try (InputStream in = fs.open(p)) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      if (bytes.length > maxBytes) {
        throw new IOException("file grew past " + maxBytes + " bytes while being read");
      }
      return bytes;
    }
  }

  /** Writes {@code text} to {@code path} through a temporary file and a rename, so readers never see half of it. */
  public static void writeAtomically(String path, String text, Configuration conf) throws IOException {
    Path target = new Path(path);
    writeAtomically(target.getFileSystem(conf), target, ".tmp", out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Writes {@code bytes} to {@code path} through a temporary file and a rename, so readers never see half of it. */
  public static void writeAtomically(String path, byte[] bytes, Configuration conf) throws IOException {
    Path target = new Path(path);
    writeAtomically(dataFs(target, conf), target, ".tmp", out -> out.write(bytes));
  }

  /** Produces a file's content. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Writes {@code content} to the temporary sibling {@code "." + name + tmpSuffix} and renames it
   * onto {@code target} (replacing it), so readers never see half a file. A killed writer leaves
   * only the temporary file, which the next write to the same target reuses.
   */
  public static void writeAtomically(FileSystem fs, Path target, String tmpSuffix, Content content) throws IOException {
    Path tmp = FilePaths.child(target.getParent(), "." + target.getName() + tmpSuffix);
    try (OutputStream out = fs.create(tmp, true)) {
      content.writeTo(out);
    }
    if (fs.exists(target) && !fs.delete(target, false)) {
      throw new IOException("cannot replace " + target);
    }
    if (!fs.rename(tmp, target)) {
      throw new IOException("cannot rename " + tmp + " to " + target);
    }
  }

  public static String readString(String path, Configuration conf) throws IOException {
    Path p = new Path(path);
    try (InputStream in = p.getFileSystem(conf).open(p)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * The file system to read or write {@code p} with: on the local file system the raw one, without
   * Hadoop's {@code .crc} side files (whose names Hadoop cannot even build for names like
   * {@code 12:30.jpg}) and without checksumming every read.
   */
  public static FileSystem dataFs(Path p, Configuration conf) throws IOException {
    FileSystem fs = p.getFileSystem(conf);
    return fs instanceof org.apache.hadoop.fs.LocalFileSystem local ? local.getRaw() : fs;
  }

  /**
   * The java.nio path of a file on the local file system. ({@code Paths.get(URI)} rejects the
   * percent-encoded URIs Hadoop makes of names with non-ASCII characters; the decoded path is used.)
   */
  public static java.nio.file.Path localPath(FileSystem fs, Path p) {
    return java.nio.file.Path.of(fs.makeQualified(p).toUri().getPath());
  }

  /** True for the local file system (and paths without a scheme). */
  public static boolean isLocal(FileSystem fs) {
    String scheme = fs.getUri().getScheme();
    return scheme == null || scheme.equals("file");
  }

  /**
   * Copies a file to a new local temporary folder (deleted when the JVM exits), for readers that
   * need a local file (native HDF5, model loaders); returns the local copy.
   */
  public static java.nio.file.Path copyToLocalTemp(FileSystem fs, Path file) throws IOException {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("animegan-");
    java.nio.file.Path local = dir.resolve(file.getName());
    fs.copyToLocalFile(false, file, new Path(local.toUri()), true);
    local.toFile().deleteOnExit();
    dir.toFile().deleteOnExit();
    return local;
  }

  /** Copies a local stream to a Hadoop path (used by tests and tools). */
  public static void write(String path, byte[] bytes, Configuration conf) throws IOException {
    Path p = new Path(path);
    try (OutputStream out = p.getFileSystem(conf).create(p, true)) {
      out.write(bytes);
    }
  }
}

package dev.animegan.spark.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
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
    FileSystem fs = target.getFileSystem(conf);
    Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp");
    try (FSDataOutputStream out = fs.create(tmp, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
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

  /** Copies a local stream to a Hadoop path (used by tests and tools). */
  public static void write(String path, byte[] bytes, Configuration conf) throws IOException {
    Path p = new Path(path);
    try (OutputStream out = p.getFileSystem(conf).create(p, true)) {
      out.write(bytes);
    }
  }
}

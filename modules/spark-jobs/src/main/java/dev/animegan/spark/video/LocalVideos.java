package dev.animegan.spark.video;

import dev.animegan.spark.common.FilePaths;
import dev.animegan.spark.common.HadoopFiles;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * FFmpeg reads local files: a video on the local file system is read in place; one on another
 * Hadoop FS is copied to a local temporary file once per executor JVM and reused by the probe and
 * every segment task that runs there. The copies of the last 2 x cores + 2 videos are kept (least
 * recently used first out), and deleted when the JVM exits.
 */
final class LocalVideos {
  /** Copies kept: more than the tasks that can run at once, so no copy in use is deleted. */
  private static final int KEEP = 2 * Runtime.getRuntime().availableProcessors() + 2;
  private static final Map<String, java.nio.file.Path> COPIES = new LinkedHashMap<>(16, 0.75f, true);

  private LocalVideos() {}

  static java.nio.file.Path local(String uri, Configuration conf) throws IOException {
    Path p = FilePaths.path(uri);
    FileSystem fs = HadoopFiles.dataFs(p, conf);
    if (HadoopFiles.isLocal(fs)) {
      return HadoopFiles.localPath(fs, p);
    }
    synchronized (COPIES) {
      java.nio.file.Path have = COPIES.get(uri);
      if (have != null && java.nio.file.Files.exists(have)) {
        return have;
      }
      java.nio.file.Path copy = HadoopFiles.copyToLocalTemp(fs, p);
      COPIES.put(uri, copy);
      while (COPIES.size() > KEEP) {
        java.nio.file.Path old = COPIES.remove(COPIES.keySet().iterator().next());
        java.nio.file.Files.deleteIfExists(old);
      }
      return copy;
    }
  }
}

package dev.animegan.spark.testing;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/** An in-process HDFS (MiniDFSCluster: one NameNode, one DataNode) under a test folder; closing shuts it down. */
public final class MiniHdfs implements AutoCloseable {
  private final MiniDFSCluster cluster;

  private MiniHdfs(MiniDFSCluster cluster) {
    this.cluster = cluster;
  }

  /** Starts the cluster with its storage in {@code dir} and waits until it serves. */
  public static MiniHdfs start(Path dir) throws IOException {
    MiniDFSCluster c = new MiniDFSCluster.Builder(new Configuration(), dir.toFile()).numDataNodes(1).build();
    c.waitActive();
    return new MiniHdfs(c);
  }

  /** {@code hdfs://localhost:PORT}. */
  public String uri() {
    return "hdfs://localhost:" + cluster.getNameNodePort();
  }

  /** A client of the cluster's default file system. */
  public org.apache.hadoop.fs.FileSystem fileSystem() throws IOException {
    return cluster.getFileSystem();
  }

  @Override
  public void close() {
    cluster.shutdown();
  }

  /**
   * One cluster for a test class: {@code @RegisterExtension static final MiniHdfs.PerClass HDFS =
   * new MiniHdfs.PerClass();} starts it before the class's tests (storage in a temporary folder)
   * and shuts it down and removes the folder after them.
   */
  public static final class PerClass implements org.junit.jupiter.api.extension.BeforeAllCallback,
      org.junit.jupiter.api.extension.AfterAllCallback {
    private Path dir;
    private MiniHdfs hdfs;

    @Override
    public void beforeAll(org.junit.jupiter.api.extension.ExtensionContext context) throws IOException {
      dir = java.nio.file.Files.createTempDirectory("animegan-minihdfs-");
      hdfs = start(dir);
    }

    @Override
    public void afterAll(org.junit.jupiter.api.extension.ExtensionContext context) throws IOException {
      if (hdfs != null) {
        hdfs.close();
      }
      try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }

    /** {@code hdfs://localhost:PORT}. */
    public String uri() {
      return hdfs.uri();
    }

    public org.apache.hadoop.fs.FileSystem fileSystem() throws IOException {
      return hdfs.fileSystem();
    }
  }
}

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
}

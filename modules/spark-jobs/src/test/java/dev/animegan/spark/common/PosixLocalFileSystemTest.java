package dev.animegan.spark.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.animegan.spark.testing.SparkTestSession;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.io.nativeio.NativeIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PosixLocalFileSystemTest {
  @TempDir
  java.nio.file.Path dir;

  @Test
  void octalModesMapToTheirPermissionSets() {
    assertEquals(PosixFilePermissions.fromString("rw-r--r--"), PosixLocalFileSystem.posix(0644));
    assertEquals(PosixFilePermissions.fromString("rwxr-x---"), PosixLocalFileSystem.posix(0750));
    assertEquals(PosixFilePermissions.fromString("---------"), PosixLocalFileSystem.posix(0));
    assertEquals(PosixFilePermissions.fromString("rwxrwxrwx"), PosixLocalFileSystem.posix(0777));
    assertEquals(PosixFilePermissions.fromString("-w---x--x"), PosixLocalFileSystem.posix(0211));
  }

  private static FileSystem fs() throws IOException {
    Configuration conf = new Configuration(false);
    conf.set("fs.file.impl", PosixLocalFileSystem.class.getName());
    return FileSystem.newInstance(URI.create("file:///"), conf);
  }

  @Test
  void foldersAndFilesGetTheirPermissionsAndChecksums() throws IOException {
    assertFalse(NativeIO.isAvailable(), "this test is about the machine without Hadoop's native library");
    try (FileSystem fs = fs()) {
      assertInstanceOf(PosixLocalFileSystem.class, fs);
      Path folder = new Path(dir.toUri().toString(), "a/b");
      assertTrue(fs.mkdirs(folder, new FsPermission((short) 0750)));
      assertEquals(PosixFilePermissions.fromString("rwxr-x---"),
          Files.getPosixFilePermissions(dir.resolve("a/b")));
      Path file = new Path(folder, "part-0.parquet");
      try (FSDataOutputStream out = fs.create(file, new FsPermission((short) 0640), false, 4096, (short) 1, 1 << 20,
          null)) {
        out.write("tiles".getBytes(StandardCharsets.UTF_8));
      }
      assertEquals(PosixFilePermissions.fromString("rw-r-----"),
          Files.getPosixFilePermissions(dir.resolve("a/b/part-0.parquet")));
      assertTrue(Files.exists(dir.resolve("a/b/.part-0.parquet.crc")), "checksums are still written");
      fs.setPermission(file, new FsPermission((short) 0600));
      assertEquals(PosixFilePermissions.fromString("rw-------"),
          Files.getPosixFilePermissions(dir.resolve("a/b/part-0.parquet")));
      assertEquals(new FsPermission((short) 0600), fs.getFileStatus(file).getPermission());
      assertEquals("tiles", new String(fs.open(file).readAllBytes(), StandardCharsets.UTF_8));
      NoSuchFileException e = assertThrows(NoSuchFileException.class,
          () -> fs.setPermission(new Path(folder, "missing"), new FsPermission((short) 0644)));
      assertEquals(dir.resolve("a/b/missing").toString(), e.getMessage());
    }
  }

  @Test
  void jobSessionsUseItForLocalFiles() throws IOException {
    Configuration conf = SparkTestSession.get().sparkContext().hadoopConfiguration();
    assertEquals(PosixLocalFileSystem.class.getName(), conf.get("fs.file.impl"));
    try (FileSystem fs = FileSystem.newInstance(URI.create("file:///"), conf)) {
      assertInstanceOf(PosixLocalFileSystem.class, fs);
    }
  }
}

package dev.animegan.spark.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.io.nativeio.NativeIO;

/**
 * Hadoop's checksummed local file system ({@code file:}), with permissions set through
 * {@code java.nio} instead of a forked {@code chmod} process.
 *
 * <p>Without Hadoop's native library (the usual case for a Maven-assembled or pip-installed Spark),
 * {@link RawLocalFileSystem#setPermission} runs {@code chmod} in a child process for every file
 * and folder it creates: a Parquet write of 48 tasks forked about 400 of them, which compete with
 * the tasks for the cores. Everything else, including the {@code .crc} checksum files, is
 * Hadoop's own. With the native library loaded, or for a sticky bit (which {@code java.nio}
 * cannot set), Hadoop's implementation runs unchanged.
 *
 * <p>{@link SparkSessions} installs it as {@code spark.hadoop.fs.file.impl} unless that key is
 * set.
 */
public class PosixLocalFileSystem extends LocalFileSystem {
  public PosixLocalFileSystem() {
    super(new Raw());
  }

  /** The raw (unchecksummed) layer. */
  private static final class Raw extends RawLocalFileSystem {
    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      if (NativeIO.isAvailable() || permission.getStickyBit()) {
        super.setPermission(p, permission);
        return;
      }
      Files.setPosixFilePermissions(pathToFile(p).toPath(), posix(permission.toShort()));
    }
  }

  private static final PosixFilePermission[] BITS = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

  /** The permission set of an octal mode's low nine bits (0644 -> rw-r--r--). */
  static Set<PosixFilePermission> posix(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    for (int bit = 0; bit < BITS.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        set.add(BITS[bit]);
      }
    }
    return set;
  }
}

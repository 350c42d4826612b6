package dev.animegan.spark.train;

import dev.animegan.model.train.Checkpoints;
import dev.animegan.model.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trainer checkpoints on any Hadoop file system: {@code <out>/checkpoints/round-NNNNNNNN/}. Each is
 * written to a local folder first, uploaded under a hidden temporary name and renamed into place,
 * so a reader (or {@code --resume}) sees complete checkpoints only.
 */
final class CheckpointStore {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
  private static final String PREFIX = "round-";
  private final Path root;
  private final Configuration conf;
  private final int keep;

  CheckpointStore(String out, Configuration conf, int keep) {
    this.root = new Path(out, "checkpoints");
    this.conf = conf;
    this.keep = keep;
  }

  /** Writes a checkpoint for {@code globalRound}; returns its path. Deletes the oldest beyond {@code keep}. */
  String write(Trainer trainer, long globalRound, Map<String, String> state) throws IOException {
    java.nio.file.Path local = Files.createTempDirectory("animegan-ckpt");
    try {
      java.nio.file.Path dir = local.resolve("c");
      trainer.save(dir, state);
      FileSystem fs = root.getFileSystem(conf);
      String name = PREFIX + String.format(Locale.ROOT, "%08d", globalRound);
      Path target = new Path(root, name);
      Path tmp = new Path(root, "." + name + ".tmp");
      fs.delete(tmp, true);
      fs.mkdirs(tmp);
      try (Stream<java.nio.file.Path> files = Files.list(dir)) {
        for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files::iterator) {
          fs.copyFromLocalFile(false, true, new Path(f.toUri()), new Path(tmp, f.getFileName().toString()));
        }
      }
      if (fs.exists(target)) {
        fs.delete(target, true);
      }
      if (!fs.rename(tmp, target)) {
        throw new IOException("cannot rename " + tmp + " to " + target);
      }
      List<Path> all = complete(fs);
      for (int i = 0; i < all.size() - keep; i++) {
        fs.delete(all.get(i), true);
      }
      return fs.makeQualified(target).toString();
    } finally {
      deleteLocal(local);
    }
  }

  /** Complete checkpoints, oldest first. */
  private List<Path> complete(FileSystem fs) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!fs.exists(root)) {
      return out;
    }
    for (FileStatus s : fs.listStatus(root)) {
      String n = s.getPath().getName();
      if (s.isDirectory() && n.startsWith(PREFIX) && fs.exists(new Path(s.getPath(), Checkpoints.MANIFEST))) {
        out.add(s.getPath());
      }
    }
    out.sort(Comparator.comparing(Path::getName));
    return out;
  }

  List<String> list() throws IOException {
    FileSystem fs = root.getFileSystem(conf);
    return complete(fs).stream().map(p -> fs.makeQualified(p).toString()).toList();
  }

  Optional<String> newest() throws IOException {
    List<String> all = list();
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /** Copies a checkpoint folder (any Hadoop FS) to a new local temporary folder. */
  static java.nio.file.Path download(String checkpoint, Configuration conf) {
    try {
      Path src = new Path(checkpoint);
      FileSystem fs = src.getFileSystem(conf);
      if (!fs.exists(new Path(src, Checkpoints.MANIFEST)) && !fs.exists(new Path(src, "state.properties"))) {
        throw new IllegalArgumentException("not a trainer checkpoint (no " + Checkpoints.MANIFEST + "): " + checkpoint);
      }
      java.nio.file.Path local = Files.createTempDirectory("animegan-ckpt-in").resolve("c");
      Files.createDirectories(local);
      for (FileStatus s : fs.listStatus(src)) {
        fs.copyToLocalFile(false, s.getPath(), new Path(local.resolve(s.getPath().getName()).toUri()), true);
      }
      return local;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read checkpoint " + checkpoint, e);
    }
  }

  static void deleteLocal(java.nio.file.Path p) {
    try (Stream<java.nio.file.Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      LOG.warn("cannot delete temporary folder {}: {}", p, e.toString());
    }
  }
}

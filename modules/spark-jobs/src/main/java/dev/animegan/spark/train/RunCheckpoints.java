package dev.animegan.spark.train;

import dev.animegan.core.config.InputError;
import dev.animegan.model.train.Checkpoints;
import dev.animegan.model.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's checkpoints on any Hadoop file system: {@code <out>/checkpoints/round-NNNNNNNN/}, each the
 * trainer's checkpoint ({@link Checkpoints}: files plus a manifest of their sizes and SHA-256,
 * written last) with the run's {@link TrainState} in the manifest.
 *
 * <p>A checkpoint is written to a local folder, uploaded under a hidden temporary name and renamed
 * into place. On object stores a rename is a copy, so a crash can still leave a partial folder
 * under the final name: readers trust a checkpoint only when its manifest verifies, and resume
 * falls back to the newest one that does.
 */
public final class RunCheckpoints {
  private static final Logger LOG = LoggerFactory.getLogger(RunCheckpoints.class);
  private static final String PREFIX = "round-";
  private final Path root;
  private final Configuration conf;
  private final int keep;

  RunCheckpoints(String out, Configuration conf, int keep) {
    this.root = new Path(out, "checkpoints");
    this.conf = conf;
    this.keep = keep;
  }

  /** The run folder's checkpoints folder. */
  String root() throws IOException {
    return root.getFileSystem(conf).makeQualified(root).toString();
  }

  /** Writes a checkpoint for {@code state.globalRound()}; returns its path. Deletes the oldest beyond {@code keep}. */
  String write(Trainer trainer, TrainState state) throws IOException {
    java.nio.file.Path local = Files.createTempDirectory("animegan-ckpt");
    try {
      java.nio.file.Path dir = local.resolve("c");
      trainer.save(dir, state.toEntries());
      FileSystem fs = root.getFileSystem(conf);
      String name = PREFIX + String.format(Locale.ROOT, "%08d", state.globalRound());
      Path target = new Path(root, name);
      Path tmp = new Path(root, "." + name + ".tmp");
      fs.delete(tmp, true);
      fs.mkdirs(tmp);
      try (Stream<java.nio.file.Path> files = Files.list(dir)) {
        // the manifest last: a partial copy has none
        for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files.sorted(Comparator.comparing(
            (java.nio.file.Path p) -> p.getFileName().toString().equals(Checkpoints.MANIFEST)))::iterator) {
          fs.copyFromLocalFile(false, true, new Path(f.toUri()), new Path(tmp, f.getFileName().toString()));
        }
      }
      if (fs.exists(target)) {
        fs.delete(target, true);
      }
      if (!fs.rename(tmp, target)) {
        throw new IOException("cannot rename " + tmp + " to " + target);
      }
      List<Path> all = folders(fs);
      for (int i = 0; i < all.size() - keep; i++) {
        fs.delete(all.get(i), true);
      }
      return fs.makeQualified(target).toString();
    } finally {
      deleteLocal(local);
    }
  }

  /** Every checkpoint folder (verified or not), oldest first. */
  private List<Path> folders(FileSystem fs) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!fs.exists(root)) {
      return out;
    }
    for (FileStatus s : fs.listStatus(root)) {
      if (s.isDirectory() && s.getPath().getName().startsWith(PREFIX)) {
        out.add(s.getPath());
      }
    }
    out.sort(Comparator.comparing(Path::getName));
    return out;
  }

  /** Every checkpoint folder's path, oldest first (whether it verifies or not). */
  List<String> list() throws IOException {
    FileSystem fs = root.getFileSystem(conf);
    return folders(fs).stream().map(p -> fs.makeQualified(p).toString()).toList();
  }

  /** A checkpoint copied to a local folder and verified; closing deletes the copy. */
  public record Local(String checkpoint, java.nio.file.Path dir) implements AutoCloseable {
    Checkpoints.Info info() {
      return Trainer.checkpointInfo(dir);
    }

    TrainState state() {
      return TrainState.fromEntries(info().entries(), checkpoint);
    }

    @Override
    public void close() {
      deleteLocal(dir.getParent());
    }
  }

  /**
   * The newest checkpoint whose manifest verifies, copied locally. Each newer one that does not
   * is logged (WARN) with its problem and skipped. Empty when the run has no checkpoint folder;
   * when it has some but none verifies, the error names the run folder and every problem.
   */
  Optional<Local> newestVerified() throws IOException {
    List<String> all = list();
    List<String> problems = new ArrayList<>();
    for (int i = all.size() - 1; i >= 0; i--) {
      String c = all.get(i);
      Local local = download(c, conf);
      List<String> p = Trainer.checkpointProblems(local.dir());
      if (p.isEmpty()) {
        return Optional.of(local);
      }
      local.close();
      String why = String.join("; ", p);
      LOG.warn("resume: skipping checkpoint {}: {}", c, why);
      problems.add(new Path(c).getName() + ": " + why);
    }
    if (!problems.isEmpty()) {
      throw new InputError("No checkpoint of the run in " + root() + " verifies, so it cannot be resumed: "
          + String.join("; ", problems));
    }
    return Optional.empty();
  }

  /**
   * {@code checkpoint} (any run's, or a release-0.1 one) copied locally and verified, for
   * {@code --init-from}; the error names the checkpoint and each problem.
   */
  static Local verified(String checkpoint, Configuration conf) throws IOException {
    Local local = download(checkpoint, conf);
    List<String> p = Trainer.checkpointProblems(local.dir());
    if (!p.isEmpty() && !Checkpoints.isLegacy(local.dir())) {
      local.close();
      throw new InputError("Checkpoint " + checkpoint + " cannot be used (animegan.train-job.init-from): "
          + String.join("; ", p));
    }
    return local;
  }

  /** Copies a checkpoint folder (any Hadoop FS) to a new local temporary folder. */
  public static Local download(String checkpoint, Configuration conf) throws IOException {
    Path src = new Path(checkpoint);
    FileSystem fs = src.getFileSystem(conf);
    if (!fs.exists(src) || !fs.getFileStatus(src).isDirectory()) {
      throw new InputError("No checkpoint folder at " + checkpoint);
    }
    java.nio.file.Path local = Files.createTempDirectory("animegan-ckpt-in").resolve("c");
    Files.createDirectories(local);
    try {
      for (FileStatus s : fs.listStatus(src)) {
        if (s.isFile()) {
          fs.copyToLocalFile(false, s.getPath(), new Path(local.resolve(s.getPath().getName()).toUri()), true);
        }
      }
    } catch (IOException e) {
      deleteLocal(local.getParent());
      throw new IOException("cannot read checkpoint " + checkpoint + ": " + e.getMessage(), e);
    }
    return new Local(fs.makeQualified(src).toString(), local);
  }

  static void deleteLocal(java.nio.file.Path p) {
    try (Stream<java.nio.file.Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("cannot delete temporary folder {}: {}", p, e.toString());
    }
  }
}

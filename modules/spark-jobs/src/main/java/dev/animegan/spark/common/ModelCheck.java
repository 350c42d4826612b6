package dev.animegan.spark.common;

import dev.animegan.core.config.ConfigError;
import dev.animegan.core.config.InputError;
import dev.animegan.model.ModelFiles;
import dev.animegan.model.train.Checkpoints;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Driver-side checks of a model a job is pointed at (any Hadoop FS), before any Spark job: a
 * missing model is a {@link ConfigError} naming the key; an empty, truncated, corrupt or wrong
 * file, or a checkpoint whose generator does not match its manifest, an {@link InputError} with
 * a one-line message naming the file and the key. A model that passes is loaded as the jobs load
 * it and run once on a 16x16 image.
 */
public final class ModelCheck {
  private ModelCheck() {}

  /** The model file to load for {@code model} (a file, or a checkpoint folder's generator.zip), checked. */
  public static ModelFiles.Kind check(String model, String key, Configuration hconf) {
    Path p = new Path(model);
    try {
      FileSystem fs = p.getFileSystem(hconf);
      if (!fs.exists(p)) {
        throw new ConfigError("No such model: " + model + " (" + key + ")");
      }
      Path file = p;
      if (fs.getFileStatus(p).isDirectory()) {
        file = new Path(p, Checkpoints.GENERATOR);
        if (!fs.exists(file)) {
          throw new ConfigError("Model folder " + model + " is not a trainer checkpoint: it has no "
              + Checkpoints.GENERATOR + " (" + key + ")");
        }
        checkAgainstManifest(fs, p, file, model, key);
      }
      java.nio.file.Path local = HadoopFiles.isLocal(fs) ? java.nio.file.Path.of(fs.makeQualified(file).toUri().getPath())
          : HadoopFiles.copyToLocalTemp(fs, file);
      try {
        ModelFiles.Kind kind = ModelFiles.check(local);
        ModelFiles.tryForward(local);
        return kind;
      } catch (IllegalArgumentException e) {
        throw new InputError("Model " + file + " " + e.getMessage() + " (" + key + ")");
      } finally {
        if (!HadoopFiles.isLocal(fs)) {
          java.nio.file.Files.deleteIfExists(local);
        }
      }
    } catch (IOException e) {
      throw new InputError("Cannot read model " + model + " (" + key + "): " + e.getMessage(), e);
    }
  }

  /** A checkpoint folder's generator.zip must have the size its manifest records (when the folder has one). */
  private static void checkAgainstManifest(FileSystem fs, Path dir, Path generator, String model, String key)
      throws IOException {
    Path mf = new Path(dir, Checkpoints.MANIFEST);
    if (!fs.exists(mf)) {
      return; // an exported model folder, or a release-0.1 checkpoint
    }
    Properties m = new Properties();
    try (InputStream in = fs.open(mf)) {
      m.load(in);
    }
    String bytes = m.getProperty("file." + Checkpoints.GENERATOR + ".bytes");
    long size = fs.getFileStatus(generator).getLen();
    if (bytes != null && Long.parseLong(bytes) != size) {
      throw new InputError("Model " + model + ": " + Checkpoints.GENERATOR + " has " + size + " bytes, the checkpoint's "
          + "manifest says " + bytes + " (an interrupted copy?) (" + key + ")");
    }
  }
}

package dev.animegan.core.config;

import com.typesafe.config.Config;
import java.io.Serializable;
import java.util.List;
import java.util.Set;

/** The inference job's settings, read and validated from {@code animegan.infer}. Immutable. */
public record InferConfig(
    String model,
    List<String> input,
    InputFormat inputFormat,
    String pathColumn,
    String imageColumn,
    String output,
    OutputKind outputKind,
    Mode mode,
    int maxLongSide,
    int multiple,
    int tileSize,
    int tileOverlap,
    int batchSize,
    long memoryBudget,
    Format format,
    int jpegQuality,
    int gallerySize,
    int background,
    boolean applyExifOrientation,
    long maxPixels,
    long maxFileBytes,
    int filesPerTask,
    boolean preserveColor) implements Serializable {

  public static final String SECTION = "animegan.infer";

  public enum InputFormat { FILES, PARQUET }

  public enum OutputKind { FILES, PARQUET }

  public enum Mode { RESIZE, TILE }

  public enum Format {
    JPEG("jpg"), PNG("png");

    private final String extension;

    Format(String extension) {
      this.extension = extension;
    }

    public String extension() {
      return extension;
    }
  }

  /** {@code memory-budget}: "auto" (0 here) or a size of at least 1 KiB. */
  static long memoryBudget(ConfigReader r, Config config, String key) {
    if (config.hasPath(key) && config.getValue(key).valueType() == com.typesafe.config.ConfigValueType.STRING
        && config.getString(key).trim().equalsIgnoreCase("auto")) {
      return 0;
    }
    if (config.hasPath(key) && config.getValue(key).valueType() == com.typesafe.config.ConfigValueType.STRING) {
      try {
        config.getBytes(key);
      } catch (com.typesafe.config.ConfigException e) {
        r.problem("Invalid value for " + key + ": '" + config.getString(key) + "'. Allowed values: auto, or a size "
            + "from 1 KiB (e.g. 1500 MiB)");
        return 0;
      }
    }
    return r.bytesIn(key, 1024, Long.MAX_VALUE / 4);
  }

  /** Whether {@link #memoryBudget()} is derived from the executors' memory. */
  public boolean autoMemoryBudget() {
    return memoryBudget == 0;
  }

  /** {@code <section>.model}: required, as for every job that runs a generator (flag --model). */
  static String model(ConfigReader r, String s) {
    String model = r.string(s + "model");
    if (model.isBlank()) {
      r.problem("Missing value for " + s + "model: a trainer checkpoint, generator.zip or AnimeGANv2 .pt (flag --model)");
    }
    return model;
  }

  /** {@code <section>.input}: at least one path when set (flag --input). */
  static List<String> input(ConfigReader r, Config config, String s, String what) {
    List<String> input = r.stringList(s + "input");
    if (config.hasPath(s + "input") && input.isEmpty()) {
      r.problem("Missing value for " + s + "input: " + what + " (flag --input)");
    }
    return input;
  }

  /** {@code <section>.output}: required (flag --out). */
  static String output(ConfigReader r, String s) {
    String output = r.string(s + "output");
    if (output.isBlank()) {
      r.problem("Missing value for " + s + "output: set it in the config or with --out PATH");
    }
    return output;
  }

  /** {@code <section>.tile.overlap}: 0 to half of tile.size. */
  static int tileOverlap(ConfigReader r, String s, int tile) {
    int overlap = r.intIn(s + "tile.overlap", 0, 4096);
    if (overlap * 2 > tile) {
      r.problem("Invalid value for " + s + "tile.overlap: " + overlap + ". Allowed values: 0 to half of tile.size ("
          + tile / 2 + ")");
    }
    return overlap;
  }

  public static InferConfig from(Config config) {
    String s = SECTION + ".";
    ConfigReader r = new ConfigReader(config);
    r.problems().addAll(ConfigLoader.unknownKeys(config, SECTION, Set.of()));
    String model = model(r, s);
    List<String> input = input(r, config, s, "at least one folder, glob or table");
    String output = output(r, s);
    int tile = r.intIn(s + "tile.size", 16, 8192);
    int overlap = tileOverlap(r, s, tile);
    InferConfig c = new InferConfig(model, input, r.enumOf(s + "input-format", InputFormat.class),
        r.string(s + "parquet.path-column"), r.string(s + "parquet.image-column"), output.replaceAll("/+$", ""),
        r.enumOf(s + "output-kind", OutputKind.class), r.enumOf(s + "mode", Mode.class),
        r.intIn(s + "resize.max-long-side", 8, 65536), r.intIn(s + "resize.multiple", 1, 256), tile, overlap,
        r.intIn(s + "batch-size", 1, 1024), memoryBudget(r, config, s + "memory-budget"), r.enumOf(s + "format", Format.class), r.intIn(s + "jpeg-quality", 1, 100),
        r.intIn(s + "gallery-size", 0, 1000), r.color(s + "decode.background"), r.bool(s + "decode.apply-exif-orientation"),
        r.longIn(s + "limits.max-pixels", 64, 2_000_000_000L),
        r.bytesIn(s + "limits.max-file-bytes", 1, IngestConfig.MAX_FILE_BYTES_LIMIT), r.intIn(s + "files-per-task", 1, 1_000_000),
        r.bool(s + "preserve-color"));
    r.throwIfProblems();
    return c;
  }
}

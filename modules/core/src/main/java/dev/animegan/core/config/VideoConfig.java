package dev.animegan.core.config;

import com.typesafe.config.Config;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The video job's settings, read and validated from {@code animegan.video}. Immutable. */
public record VideoConfig(
    String model,
    List<String> input,
    String output,
    List<String> extensions,
    int maxLongSide,
    int multiple,
    double segmentSeconds,
    int overlapFrames,
    double temporalSmoothing,
    boolean preserveColor,
    int crf,
    String preset,
    int batchSize,
    long memoryBudget,
    int tileSize,
    int tileOverlap,
    long maxFileBytes,
    long maxFrames) implements Serializable {

  public static final String SECTION = "animegan.video";
  static final List<String> PRESETS = List.of("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow",
      "slower", "veryslow");

  /** Whether {@link #memoryBudget()} is derived from the executors' memory. */
  public boolean autoMemoryBudget() {
    return memoryBudget == 0;
  }

  public static VideoConfig from(Config config) {
    String s = SECTION + ".";
    ConfigReader r = new ConfigReader(config);
    r.problems().addAll(ConfigLoader.unknownKeys(config, SECTION, Set.of()));
    String model = InferConfig.model(r, s);
    List<String> input = InferConfig.input(r, config, s, "at least one video file, folder or glob");
    String output = InferConfig.output(r, s);
    List<String> extensions = r.stringList(s + "extensions").stream().map(e -> e.replaceFirst("^\\.", "")
        .toLowerCase(Locale.ROOT)).toList();
    if (config.hasPath(s + "extensions") && extensions.isEmpty()) {
      r.problem("Missing value for " + s + "extensions: at least one file extension, e.g. [mp4, mkv]");
    }
    int multiple = r.intIn(s + "resize.multiple", 2, 256);
    if (multiple % 2 != 0) {
      r.problem("Invalid value for " + s + "resize.multiple: " + multiple + ". Allowed values: even numbers from 2 to 256 "
          + "(H.264 in yuv420p needs even sides)");
    }
    String preset = r.string(s + "encoder.preset");
    if (!PRESETS.contains(preset)) {
      r.problem("Invalid value for " + s + "encoder.preset: '" + preset + "'. Allowed values: " + String.join(", ", PRESETS));
    }
    int tile = r.intIn(s + "tile.size", 16, 8192);
    int overlap = InferConfig.tileOverlap(r, s, tile);
    VideoConfig c = new VideoConfig(model, input, output.replaceAll("/+$", ""), extensions,
        r.intIn(s + "resize.max-long-side", 16, 16384), multiple, r.doubleIn(s + "segment-seconds", 0.1, 86400),
        r.intIn(s + "overlap-frames", 0, 1000), r.doubleIn(s + "temporal-smoothing", 0, 1), r.bool(s + "preserve-color"),
        r.intIn(s + "encoder.crf", 0, 51), preset, r.intIn(s + "batch-size", 1, 1024),
        InferConfig.memoryBudget(r, config, s + "memory-budget"), tile, overlap,
        r.bytesIn(s + "limits.max-file-bytes", 1, Long.MAX_VALUE / 4), r.longIn(s + "limits.max-frames", 1, 1_000_000_000L));
    r.throwIfProblems();
    return c;
  }
}

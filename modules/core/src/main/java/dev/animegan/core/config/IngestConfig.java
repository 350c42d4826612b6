package dev.animegan.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.animegan.core.image.ResizeFilter;
import dev.animegan.core.ingest.CropMode;
import dev.animegan.core.ingest.DctScaling;
import dev.animegan.core.ingest.TileSettings;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ingest job's settings, read and validated from {@code animegan.ingest}. Immutable.
 *
 * @param anime style name to input paths, sorted by style
 */
public record IngestConfig(
    List<String> photos,
    Map<String, List<String>> anime,
    String output,
    WriteMode mode,
    long maxFileBytes,
    int filesPerTask,
    double testFraction,
    TileSettings tiles) implements Serializable {

  public static final String SECTION = "animegan.ingest";
  /** The style name of photo inputs (the partition value {@code style=photo}). */
  public static final String PHOTO_STYLE = "photo";
  /** Spark's binaryFile source cannot hold more than a Java array: stay below 2 GiB. */
  public static final long MAX_FILE_BYTES_LIMIT = Integer.MAX_VALUE - 1024L;

  /** Reads and validates {@code animegan.ingest} of an effective config; throws {@link ConfigError} listing every problem. */
  public static IngestConfig from(Config config) {
    String s = SECTION + ".";
    ConfigReader r = new ConfigReader(config);
    r.problems().addAll(ConfigLoader.unknownKeys(config, SECTION, Set.of(s + "anime")));

    List<String> photos = r.stringList(s + "photos");
    Map<String, List<String>> anime = new TreeMap<>();
    if (config.hasPath(s + "anime")) {
      ConfigValue v = config.getValue(s + "anime");
      if (v.valueType() != ConfigValueType.OBJECT) {
        r.problem("Invalid value for " + s + "anime: expected an object of style = [paths], e.g. anime { hayao = [\"/data/hayao\"] }");
      } else {
        for (String style : config.getObject(s + "anime").keySet()) {
          String key = s + "anime.\"" + style + "\"";
          if (!style.matches("[a-z0-9][a-z0-9_-]*") || style.equals(PHOTO_STYLE)) {
            r.problem("Invalid anime style name '" + style + "' in " + s + "anime. Allowed values: lower case letters,"
                + " digits, '-' and '_', starting with a letter or digit; \"" + PHOTO_STYLE + "\" is reserved");
            continue;
          }
          List<String> paths = r.stringList(key);
          if (paths.isEmpty()) {
            r.problem("Anime style '" + style + "' in " + s + "anime has no paths");
          }
          anime.put(style, paths);
        }
      }
    }
    List<String> allPaths = new ArrayList<>(photos);
    anime.values().forEach(allPaths::addAll);
    for (String p : allPaths) {
      if (p.isBlank()) {
        r.problem("Empty input path in " + s + "photos or " + s + "anime");
      }
    }
    if (photos.isEmpty() && anime.isEmpty() && r.problems().isEmpty()) {
      r.problem("No input: set " + s + "photos (--photos PATH) and/or " + s + "anime (--anime STYLE=PATH)");
    }

    String output = r.string(s + "output");
    if (config.hasPath(s + "output") && output.isBlank()) {
      r.problem("Missing value for " + s + "output: set it in the config or with --out PATH");
    }
    WriteMode mode = r.enumOf(s + "mode", WriteMode.class);
    int background = r.color(s + "decode.background");
    boolean exif = r.bool(s + "decode.apply-exif-orientation");
    DctScaling dct = r.enumOf(s + "decode.dct-scaling", DctScaling.class);
    long maxPixels = r.longIn(s + "limits.max-pixels", 65_536L, 700_000_000L);
    long maxFileBytes = r.bytesIn(s + "limits.max-file-bytes", 1L, MAX_FILE_BYTES_LIMIT);
    boolean upscale = r.bool(s + "limits.allow-upscale");
    int shortSide = r.intIn(s + "resize.short-side", 16, 8192);
    ResizeFilter filter = r.enumOf(s + "resize.filter", ResizeFilter.class);
    int cropSize = r.intIn(s + "crop.size", 16, 4096);
    CropMode cropMode = r.enumOf(s + "crop.mode", CropMode.class);
    int count = r.intIn(s + "crop.count", 1, 1000);
    int maxPerImage = r.intIn(s + "crop.max-per-image", 1, 10_000);
    long seed = r.longIn(s + "crop.seed", Long.MIN_VALUE, Long.MAX_VALUE);
    double testFraction = r.doubleIn(s + "split.test-fraction", 0.0, 1.0);
    int png = r.intIn(s + "output-format.png-compression", 0, 9);
    int filesPerTask = r.intIn(s + "files-per-task", 1, 1_000_000);
    if (r.problems().stream().noneMatch(p -> p.contains("resize.short-side") || p.contains("crop.size"))
        && shortSide < cropSize) {
      r.problem("Invalid value for " + s + "resize.short-side: " + shortSide + ". Allowed values: an integer >= "
          + s + "crop.size (" + cropSize + ")");
    }
    r.throwIfProblems();

    Map<String, List<String>> animeCopy = new LinkedHashMap<>();
    anime.forEach((k, v) -> animeCopy.put(k, List.copyOf(v)));
    TileSettings tiles = new TileSettings(maxPixels, background, exif, upscale, shortSide, filter, cropSize, cropMode,
        count, maxPerImage, seed, png, dct);
    return new IngestConfig(List.copyOf(photos), Collections.unmodifiableMap(animeCopy), output, mode, maxFileBytes,
        filesPerTask, testFraction, tiles);
  }
}

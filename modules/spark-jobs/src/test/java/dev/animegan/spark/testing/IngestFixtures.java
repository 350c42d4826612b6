package dev.animegan.spark.testing;

import dev.animegan.core.testing.TestImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The bundled sample images (data/sample, with their Debian copyright files) plus generated bad
 * files, laid out as a user's input folders, with the counts an ingest of them must report.
 */
public final class IngestFixtures {
  private IngestFixtures() {}

  /** Bytes of the "big" file; tests set limits.max-file-bytes below it. */
  public static final int BIG_FILE_BYTES = 3 << 20;

  /** Photos: 5 images + 3 copyright texts from data/sample, 7 bad files, 1 duplicate. */
  public static final long PHOTO_READ = 16;
  public static final long PHOTO_ACCEPTED = 5;
  public static final long PHOTO_DUPLICATES = 1;
  /** Anime: supertux 4 images + 1 copyright text; ukui 2 images + 1 copyright text. */
  public static final long SUPERTUX_READ = 5;
  public static final long UKUI_READ = 3;
  public static final long ANIME_ACCEPTED = 6;

  public static Map<String, Long> expectedRejectedByReason() {
    Map<String, Long> m = new TreeMap<>();
    m.put("empty", 1L);
    m.put("not_an_image", 4L + 2L); // notes.txt + 3 photo copyright files + 2 anime copyright files
    m.put("too_large", 2L); // bomb.png (pixels) + big.bin (bytes)
    m.put("too_small", 1L);
    m.put("truncated", 1L);
    m.put("unsupported_format", 1L);
    return m;
  }

  /** Writes photos/ and anime/{supertux,ukui}/ under {@code dir}. */
  public static void write(Path dir) {
    try {
      Path sample = SparkTestSession.repoRoot().resolve("data/sample");
      copyTree(sample.resolve("photos"), dir.resolve("photos"));
      copyTree(sample.resolve("anime"), dir.resolve("anime"));
      Path bad = Files.createDirectories(dir.resolve("photos/bad"));
      Files.write(bad.resolve("empty.jpg"), new byte[0]);
      Files.writeString(bad.resolve("notes.txt"), "shopping list: rice, nori\n", StandardCharsets.UTF_8);
      byte[] rocket = Files.readAllBytes(sample.resolve("photos/python3-skimage/rocket.jpg"));
      Files.write(bad.resolve("truncated.jpg"), TestImages.truncate(rocket, rocket.length / 3));
      Files.write(bad.resolve("small.png"),
          TestImages.write(TestImages.toType(TestImages.pattern(50, 40), BufferedImage.TYPE_3BYTE_BGR), "png"));
      Files.write(bad.resolve("bomb.png"), TestImages.pngClaiming(30000, 30000));
      Files.write(bad.resolve("IMG_0001.heic"),
          new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c', 0, 0, 0, 0, 'm', 'i', 'f', '1'});
      byte[] big = new byte[BIG_FILE_BYTES];
      new Random(1).nextBytes(big);
      Files.write(bad.resolve("big.bin"), big);
      Path dup = Files.createDirectories(dir.resolve("photos/dup"));
      Files.write(dup.resolve("rocket-copy.jpg"), rocket);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.naturalOrder())::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}

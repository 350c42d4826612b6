package dev.animegan.model;

import dev.animegan.model.weights.PyTorchGeneratorImport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.CRC32;
import java.util.zip.ZipFile;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a model file is, checked before a job relies on it: a DL4J generator zip (the trainer's
 * {@code generator.zip}), a PyTorch AnimeGANv2 state dict ({@code .pt}, torch.save's zip format),
 * or neither. Every entry is read, so a truncated or corrupted file is caught here (by its
 * checksums), not in the middle of a job. Problems are one line each, for the user.
 */
public final class ModelFiles {
  private ModelFiles() {}

  public enum Kind {
    /** A DL4J model zip (configuration.json + coefficients.bin). */
    DL4J,
    /** A torch.save zip holding an AnimeGANv2 generator state dict. */
    PYTORCH
  }

  private static boolean startsLikeAZip(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] b = in.readNBytes(4);
      return b.length == 4 && b[0] == 'P' && b[1] == 'K';
    } catch (IOException e) {
      return false;
    }
  }

  /** A model file's kind; {@link IllegalArgumentException} with a one-line reason when it is not a usable generator. */
  public static Kind check(Path file) {
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot be read: " + e.getMessage());
    }
    if (size == 0) {
      throw new IllegalArgumentException("is empty (0 bytes)");
    }
    if (!startsLikeAZip(file)) {
      throw new IllegalArgumentException("is not a model: not a zip file (" + size + " bytes)");
    }
    Set<String> names = new HashSet<>();
    try (ZipFile zip = new ZipFile(file.toFile())) {
      byte[] buf = new byte[1 << 16];
      for (ZipEntry e : java.util.Collections.list(zip.entries())) {
        names.add(e.getName());
        CRC32 crc = new CRC32();
        try (InputStream in = zip.getInputStream(e)) {
          for (int n; (n = in.read(buf)) > 0; ) {
            crc.update(buf, 0, n);
          }
        }
        if (e.getCrc() != -1 && crc.getValue() != e.getCrc()) {
          throw new ZipException("entry " + e.getName() + " does not match its CRC");
        }
      }
    } catch (ZipException | java.io.EOFException e) {
      throw new IllegalArgumentException("is truncated or corrupt (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot be read: " + e.getMessage());
    }
    if (names.contains("configuration.json") && names.contains("coefficients.bin")) {
      return Kind.DL4J;
    }
    if (names.stream().anyMatch(n -> n.equals("data.pkl") || n.endsWith("/data.pkl"))) {
      Map<String, INDArray> state;
      try {
        state = PyTorchGeneratorImport.readStateDict(file);
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException("is not a readable torch.save state dict: "
            + e.getMessage().replace(file.toString(), "the file"));
      }
      int base;
      try {
        base = GeneratorGraphs.base(state);
      } catch (IllegalArgumentException e) {
        java.util.List<String> keys = new java.util.ArrayList<>(new java.util.TreeSet<>(state.keySet()));
        String some = String.join(", ", keys.subList(0, Math.min(4, keys.size()))) + (keys.size() > 4 ? ", ..." : "");
        throw new IllegalArgumentException("is not an AnimeGANv2 generator state dict: "
            + e.getMessage().replaceFirst("^not an AnimeGANv2 generator: ", "") + "; it holds " + keys.size()
            + " tensors (" + some + ")");
      }
      java.util.List<String> problems = GeneratorGraphs.problems(state, base);
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException("is not an AnimeGANv2 generator state dict: " + summary(problems));
      }
      return Kind.PYTORCH;
    }
    throw new IllegalArgumentException("is not a generator model: a zip with neither a DL4J model (configuration.json, "
        + "coefficients.bin) nor a torch.save state dict (data.pkl)");
  }

  /**
   * Loads the generator in {@code file} (already {@link #check checked}) as the jobs do and runs it
   * on one 16x16 image: {@link IllegalArgumentException} with a one-line reason when it does not
   * load, fails, or gives an image of another size or non-finite values.
   */
  public static void tryForward(Path file) {
    Stylizer s;
    try {
      s = Stylizer.load(file);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot be loaded as a generator: " + firstLine(e, file));
    }
    java.awt.image.BufferedImage in = new java.awt.image.BufferedImage(16, 16, java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        in.setRGB(x, y, (x * 16) << 16 | (y * 16) << 8 | 128);
      }
    }
    java.awt.image.BufferedImage out;
    try {
      out = s.stylize(in);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("loads but fails on a 16x16 test image: " + firstLine(e, file));
    } finally {
      s = null;
      GeneratorMemory.recover(); // the driver keeps nothing of the check (in local mode it is also the executor)
    }
    if (out == null || out.getWidth() != 16 || out.getHeight() != 16) {
      throw new IllegalArgumentException("loads but gives a " + (out == null ? "null" : out.getWidth() + "x" + out.getHeight())
          + " image for a 16x16 test image");
    }
  }

  private static String firstLine(Throwable e, Path file) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replace(file.toString(), "the file");
    return m.lines().findFirst().orElse(m);
  }

  /** Wrong shapes and unexpected keys named (up to 3), missing keys counted with the first one named. */
  static String summary(java.util.List<String> problems) {
    java.util.List<String> missing = problems.stream().filter(p -> p.startsWith("missing ")).toList();
    java.util.List<String> other = problems.stream().filter(p -> !p.startsWith("missing ")).toList();
    java.util.List<String> parts = new java.util.ArrayList<>(other.subList(0, Math.min(3, other.size())));
    if (other.size() > 3) {
      parts.add((other.size() - 3) + " more wrong");
    }
    if (missing.size() == 1) {
      parts.add(missing.get(0));
    } else if (missing.size() > 1) {
      parts.add(missing.size() + " tensors missing (first: " + missing.get(0).substring("missing ".length()) + ")");
    }
    return String.join("; ", parts);
  }
}

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
        throw new IllegalArgumentException("is not an AnimeGANv2 generator state dict: " + e.getMessage());
      }
      java.util.List<String> problems = GeneratorGraphs.problems(state, base);
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException("is not an AnimeGANv2 generator state dict: " + String.join("; ", problems));
      }
      return Kind.PYTORCH;
    }
    throw new IllegalArgumentException("is not a generator model: a zip with neither a DL4J model (configuration.json, "
        + "coefficients.bin) nor a torch.save state dict (data.pkl)");
  }
}

package dev.animegan.core.config;

import com.typesafe.config.Config;
import java.io.Serializable;
import java.util.Locale;
import java.util.Set;

/** The model export's settings ({@code animegan.export}), validated on the driver. */
public record ExportConfig(String model, String out, Format format, String discriminatorOut) implements Serializable {
  public static final String SECTION = "animegan.export";

  /** What {@code out} is written as, by its extension. */
  public enum Format { PT, ONNX }

  public static ExportConfig from(Config config) {
    ConfigReader r = new ConfigReader(config);
    r.problems().addAll(ConfigLoader.unknownKeys(config, SECTION, Set.of()));
    String s = SECTION + ".";
    String model = r.string(s + "model");
    if (model.isBlank()) {
      r.problem("Missing value for " + s + "model: a checkpoint folder, generator.zip or .pt (flag --model)");
    }
    String out = r.string(s + "out");
    Format format = null;
    String lower = out.toLowerCase(Locale.ROOT);
    if (out.isBlank()) {
      r.problem("Missing value for " + s + "out: the file to write, ending in .pt or .onnx (flag --out)");
    } else if (lower.endsWith(".pt")) {
      format = Format.PT;
    } else if (lower.endsWith(".onnx")) {
      format = Format.ONNX;
    } else {
      r.problem("Invalid value for " + s + "out: '" + out + "'. Allowed values: a path ending in .pt (PyTorch state dict) "
          + "or .onnx (ONNX model)");
    }
    String d = r.string(s + "discriminator-out");
    if (!d.isBlank() && !d.toLowerCase(Locale.ROOT).endsWith(".pt")) {
      r.problem("Invalid value for " + s + "discriminator-out: '" + d + "'. Allowed values: \"\" or a path ending in .pt");
    }
    r.throwIfProblems();
    return new ExportConfig(model, out, format, d);
  }
}

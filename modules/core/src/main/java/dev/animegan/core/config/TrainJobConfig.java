package dev.animegan.core.config;

import com.typesafe.config.Config;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The distributed training job's settings: {@code animegan.train-job} plus the model and training
 * hyperparameters ({@link TrainConfig}). Immutable, validated on the driver.
 */
public record TrainJobConfig(
    TrainConfig train,
    String data,
    String out,
    Phase phase,
    boolean resume,
    String initFrom,
    String style,
    int workers,
    int averagingFrequency,
    int prefetch,
    int maxRoundsPerEpoch,
    int checkpointEvery,
    int keepCheckpoints,
    int sampleCount,
    String exportDir,
    boolean cleanExport,
    boolean phaseSet,
    boolean generatorBaseSet) implements Serializable {

  public static final String SECTION = "animegan.train-job";

  /** Which training phases a run performs. */
  public enum Phase {
    ALL, PRETRAIN, TRAIN;

    public boolean pretrain() {
      return this != TRAIN;
    }

    public boolean adversarial() {
      return this != PRETRAIN;
    }
  }

  /** Reads and validates; throws {@link ConfigError} listing every problem (of this section and of model/train). */
  public static TrainJobConfig from(Config config) {
    List<String> problems = new ArrayList<>();
    TrainConfig train = null;
    try {
      train = TrainConfig.from(config);
    } catch (ConfigError e) {
      problems.addAll(e.problems());
    }
    String s = SECTION + ".";
    ConfigReader r = new ConfigReader(config);
    r.problems().addAll(ConfigLoader.unknownKeys(config, SECTION, Set.of()));
    String data = r.string(s + "data");
    if (data.isBlank()) {
      r.problem("Missing value for " + s + "data: the ingest job's output folder (flag --data)");
    }
    String out = r.string(s + "out");
    if (out.isBlank()) {
      r.problem("Missing value for " + s + "out: the run folder (flag --out)");
    }
    Phase phase = r.enumOf(s + "phase", Phase.class);
    boolean resume = r.bool(s + "resume");
    String initFrom = r.string(s + "init-from");
    if (resume && !initFrom.isBlank()) {
      r.problem("Invalid combination: " + s + "resume continues this run's own checkpoints and " + s
          + "init-from starts a new run from another one; set only one");
    }
    String style = r.string(s + "style");
    if (!style.isEmpty() && !style.matches("[a-z0-9][a-z0-9_-]*")) {
      r.problem("Invalid value for " + s + "style: '" + style + "'. Allowed values: an anime style name of the ingest job"
          + " (lower case letters, digits, '-' and '_')");
    }
    TrainJobConfig c = new TrainJobConfig(train, data, out, phase, resume, initFrom, style,
        r.intIn(s + "workers", 0, 100_000), r.intIn(s + "averaging-frequency", 1, 100_000), r.intIn(s + "prefetch", 0, 1000),
        r.intIn(s + "max-rounds-per-epoch", 0, Integer.MAX_VALUE), r.intIn(s + "checkpoint-every", 1, Integer.MAX_VALUE),
        r.intIn(s + "keep-checkpoints", 1, 1000), r.intIn(s + "sample-count", 0, 64), r.string(s + "export-dir"),
        r.bool(s + "clean-export"), !r.isDefault(s + "phase"), !r.isDefault(TrainConfig.MODEL + ".generator.base"));
    problems.addAll(r.problems());
    if (!problems.isEmpty()) {
      throw new ConfigError(problems);
    }
    return c;
  }

  /** The export folder: {@code export-dir}, or {@code <out>/export}. */
  public String exportRoot() {
    return exportDir.isBlank() ? out + "/export" : exportDir;
  }
}

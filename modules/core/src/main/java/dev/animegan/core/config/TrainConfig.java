package dev.animegan.core.config;

import com.typesafe.config.Config;
import java.io.Serializable;
import java.util.Set;

/**
 * The model and training settings, read and validated from {@code animegan.model} and
 * {@code animegan.train}. Immutable; no DL4J types (the model module maps it onto its trainer).
 */
public record TrainConfig(
    int generatorBase,
    int discriminatorWidth,
    int discriminatorStages,
    String vggWeights,
    boolean vggAllowRandomInit,
    int vggWidthDivisor,
    int tileSize,
    int batchSize,
    long seed,
    Losses losses,
    int pretrainEpochs,
    double pretrainLr,
    int adversarialEpochs,
    double generatorLr,
    double discriminatorLr,
    double beta1,
    double beta2,
    double adamEpsilon) implements Serializable {

  /** Loss weights (see {@code animegan.train.losses}). */
  public record Losses(double adv, double con, double gra, double col, double tv, double real, double fake, double gray,
      double smooth) implements Serializable {}

  public static final String MODEL = "animegan.model";
  public static final String TRAIN = "animegan.train";

  public static TrainConfig from(Config config) {
    ConfigReader r = new ConfigReader(config);
    r.problems().addAll(ConfigLoader.unknownKeys(config, MODEL, Set.of()));
    r.problems().addAll(ConfigLoader.unknownKeys(config, TRAIN, Set.of()));
    String m = MODEL + ".";
    String t = TRAIN + ".";
    int base = r.intIn(m + "generator.base", 1, 256);
    int dWidth = r.intIn(m + "discriminator.width", 2, 1024);
    if (dWidth % 2 != 0) {
      r.problem("Invalid value for " + m + "discriminator.width: " + dWidth + ". Allowed values: an even integer from 2 to 1024");
    }
    int dStages = r.intIn(m + "discriminator.stages", 0, 6);
    String vgg = r.string(m + "vgg19.weights");
    boolean allowRandom = r.bool(m + "vgg19.allow-random-init");
    int divisor = r.intIn(m + "vgg19.width-divisor", 1, 64);
    if (!vgg.isBlank() && divisor != 1) {
      r.problem("Invalid value for " + m + "vgg19.width-divisor: " + divisor + ". Allowed values: 1 when "
          + m + "vgg19.weights is set (the weights are for the full-width network)");
    }
    String l = t + "losses.";
    Losses losses = new Losses(
        r.doubleIn(l + "adv", 0, 1e6), r.doubleIn(l + "con", 0, 1e6), r.doubleIn(l + "gra", 0, 1e6),
        r.doubleIn(l + "col", 0, 1e6), r.doubleIn(l + "tv", 0, 1e6), r.doubleIn(l + "real", 0, 1e6),
        r.doubleIn(l + "fake", 0, 1e6), r.doubleIn(l + "gray", 0, 1e6), r.doubleIn(l + "smooth", 0, 1e6));
    TrainConfig c = new TrainConfig(base, dWidth, dStages, vgg, allowRandom, divisor,
        r.intIn(t + "tile-size", 8, 4096), r.intIn(t + "batch-size", 1, 4096), r.longIn(t + "seed", Long.MIN_VALUE, Long.MAX_VALUE),
        losses,
        r.intIn(t + "pretrain.epochs", 0, 100_000), r.doubleIn(t + "pretrain.lr", 0, 1),
        r.intIn(t + "adversarial.epochs", 0, 100_000), r.doubleIn(t + "adversarial.generator-lr", 0, 1),
        r.doubleIn(t + "adversarial.discriminator-lr", 0, 1), r.doubleIn(t + "adversarial.beta1", 0, 0.999999),
        r.doubleIn(t + "adversarial.beta2", 0, 0.999999), r.doubleIn(t + "adversarial.epsilon", 1e-12, 1));
    r.throwIfProblems();
    return c;
  }
}

package dev.animegan.model.train;

import java.io.Serializable;

/**
 * What the single-JVM {@link Trainer} builds and how it trains.
 *
 * @param generatorBase generator width (32 = AnimeGANv2)
 * @param discriminatorWidth discriminator width (64 = AnimeGAN)
 * @param discriminatorStages stride-2 stages of the discriminator (2 = AnimeGAN)
 * @param vggWidthDivisor 1 for VGG19 (required with weights); larger for narrow random stand-ins
 * @param vggWeights Keras VGG19 .h5, or null
 * @param allowRandomVgg train with a random perceptual network when {@code vggWeights} is null (tests, demos)
 * @param tileSize the training tile side (shape inference only; generator and discriminator take any size)
 * @param adamEpsilon Adam's epsilon for G and D (DL4J's form, as TensorFlow's: added to sqrt(v))
 */
public record TrainerSettings(
    int generatorBase,
    int discriminatorWidth,
    int discriminatorStages,
    int vggWidthDivisor,
    String vggWeights,
    boolean allowRandomVgg,
    int tileSize,
    LossWeights weights,
    double pretrainLr,
    double generatorLr,
    double discriminatorLr,
    double beta1,
    double beta2,
    long seed,
    double adamEpsilon) implements Serializable {

  /** Adam's default epsilon. */
  public static final double ADAM_EPSILON = 1e-8;

  /** The settings with Adam's default epsilon (1e-8). */
  public TrainerSettings(int generatorBase, int discriminatorWidth, int discriminatorStages, int vggWidthDivisor,
      String vggWeights, boolean allowRandomVgg, int tileSize, LossWeights weights, double pretrainLr, double generatorLr,
      double discriminatorLr, double beta1, double beta2, long seed) {
    this(generatorBase, discriminatorWidth, discriminatorStages, vggWidthDivisor, vggWeights, allowRandomVgg, tileSize,
        weights, pretrainLr, generatorLr, discriminatorLr, beta1, beta2, seed, ADAM_EPSILON);
  }

  /** AnimeGAN's training: full-size networks, v1 loss weights, pretrain lr 1e-4, G 8e-5, D 1.6e-4, Adam(0.5, 0.999). */
  public static TrainerSettings animeGan(String vggWeights) {
    return new TrainerSettings(32, 64, 2, 1, vggWeights, false, 256, LossWeights.animeGanV1(), 1e-4, 8e-5, 1.6e-4,
        0.5, 0.999, 42);
  }

  /** The trainer settings a validated config asks for. */
  public static TrainerSettings from(dev.animegan.core.config.TrainConfig c) {
    var l = c.losses();
    return new TrainerSettings(c.generatorBase(), c.discriminatorWidth(), c.discriminatorStages(), c.vggWidthDivisor(),
        c.vggWeights().isBlank() ? null : c.vggWeights(), c.vggAllowRandomInit(), c.tileSize(),
        new LossWeights(l.adv(), l.con(), l.gra(), l.col(), l.tv(), l.real(), l.fake(), l.gray(), l.smooth()),
        c.pretrainLr(), c.generatorLr(), c.discriminatorLr(), c.beta1(), c.beta2(), c.seed(), c.adamEpsilon());
  }

  /** The same settings with another VGG19 weights file (e.g. a local copy of a remote one). */
  public TrainerSettings withVggWeights(String file) {
    return new TrainerSettings(generatorBase, discriminatorWidth, discriminatorStages, vggWidthDivisor, file, allowRandomVgg,
        tileSize, weights, pretrainLr, generatorLr, discriminatorLr, beta1, beta2, seed, adamEpsilon);
  }

  /** The same settings with another generator width (a generator file's, for init-from). */
  public TrainerSettings withGeneratorBase(int base) {
    return new TrainerSettings(base, discriminatorWidth, discriminatorStages, vggWidthDivisor, vggWeights, allowRandomVgg,
        tileSize, weights, pretrainLr, generatorLr, discriminatorLr, beta1, beta2, seed, adamEpsilon);
  }

  /** The settings as properties {@code settings.NAME}, as a checkpoint stores them. */
  public java.util.Properties toProperties() {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("settings.generatorBase", Integer.toString(generatorBase));
    p.setProperty("settings.discriminatorWidth", Integer.toString(discriminatorWidth));
    p.setProperty("settings.discriminatorStages", Integer.toString(discriminatorStages));
    p.setProperty("settings.vggWidthDivisor", Integer.toString(vggWidthDivisor));
    p.setProperty("settings.vggWeights", vggWeights == null ? "" : vggWeights);
    p.setProperty("settings.allowRandomVgg", Boolean.toString(allowRandomVgg));
    p.setProperty("settings.tileSize", Integer.toString(tileSize));
    p.setProperty("settings.losses", weights.adv() + "," + weights.con() + "," + weights.gra() + "," + weights.col() + ","
        + weights.tv() + "," + weights.real() + "," + weights.fake() + "," + weights.gray() + "," + weights.smooth());
    p.setProperty("settings.pretrainLr", Double.toString(pretrainLr));
    p.setProperty("settings.generatorLr", Double.toString(generatorLr));
    p.setProperty("settings.discriminatorLr", Double.toString(discriminatorLr));
    p.setProperty("settings.beta1", Double.toString(beta1));
    p.setProperty("settings.beta2", Double.toString(beta2));
    p.setProperty("settings.seed", Long.toString(seed));
    p.setProperty("settings.adamEpsilon", Double.toString(adamEpsilon));
    return p;
  }

  /** Whether {@code key} is one of the entries {@link #toProperties} writes. */
  public static boolean ownsProperty(String key) {
    return key.startsWith("settings.");
  }

  /** The settings stored by {@link #toProperties}. */
  public static TrainerSettings fromProperties(java.util.Properties p) {
    double[] l = java.util.Arrays.stream(p.getProperty("settings.losses").split(",")).mapToDouble(Double::parseDouble).toArray();
    String vgg = p.getProperty("settings.vggWeights");
    return new TrainerSettings(
        Integer.parseInt(p.getProperty("settings.generatorBase")),
        Integer.parseInt(p.getProperty("settings.discriminatorWidth")),
        Integer.parseInt(p.getProperty("settings.discriminatorStages")),
        Integer.parseInt(p.getProperty("settings.vggWidthDivisor")),
        vgg.isEmpty() ? null : vgg,
        Boolean.parseBoolean(p.getProperty("settings.allowRandomVgg")),
        Integer.parseInt(p.getProperty("settings.tileSize")),
        new LossWeights(l[0], l[1], l[2], l[3], l[4], l[5], l[6], l[7], l[8]),
        Double.parseDouble(p.getProperty("settings.pretrainLr")),
        Double.parseDouble(p.getProperty("settings.generatorLr")),
        Double.parseDouble(p.getProperty("settings.discriminatorLr")),
        Double.parseDouble(p.getProperty("settings.beta1")),
        Double.parseDouble(p.getProperty("settings.beta2")),
        Long.parseLong(p.getProperty("settings.seed")),
        Double.parseDouble(p.getProperty("settings.adamEpsilon", Double.toString(ADAM_EPSILON))));
  }
}

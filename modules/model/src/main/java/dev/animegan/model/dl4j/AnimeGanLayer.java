package dev.animegan.model.dl4j;

import dev.animegan.model.engine.DiscriminatorNet;
import dev.animegan.model.engine.GeneratorNet;
import dev.animegan.model.engine.VggNet;
import dev.animegan.model.train.LossWeights;
import dev.animegan.model.train.TrainerSettings;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * The DL4J layer that holds AnimeGAN's networks and runs them on the engine
 * ({@code dev.animegan.model.engine}). DL4J keeps what it is good at: the flat parameter vector
 * (which dl4j-spark averages across workers), DL4J's Adam on the generator, serialisation; the
 * engine computes. One layer per graph, in one of three roles:
 * <ul>
 *   <li>{@link Role#GENERATOR}: NCHW images in [-1, 1] in, stylised images out (inference, exports);
 *   <li>{@link Role#PRETRAIN}: photos in, the content loss out, the generator's gradients back;
 *   <li>{@link Role#ADVERSARIAL}: photos and gray anime tiles (stacked along the batch) in, the
 *       generator loss out, the generator's gradients back. It also holds the discriminator and its
 *       Adam state, which {@link AnimeGanLayerImpl#discriminatorStep} updates in place before each
 *       generator step, so parameter averaging averages D and D's Adam moments with G.
 * </ul>
 * Parameter names: the generator's PyTorch state-dict keys ({@code block_a.0.1.weight}, ...), then
 * {@code vgg.block1_conv1.weight}, ..., {@code D.conv_0.weight}, ..., {@code D.adam.m},
 * {@code D.adam.v} (flat, in D's order) and {@code D.adam.t} (steps taken). Only the generator's
 * parameters have an updater; the others are DL4J-frozen (NoOp). DL4J splits gradient keys at
 * their last underscore, so inside DL4J each name's underscores are written as {@code ~}
 * ({@link #key}); everything outside this package sees PyTorch's names.
 */
public class AnimeGanLayer extends BaseLayer {
  private static final long serialVersionUID = 1L;

  /** What the layer computes. */
  public enum Role { GENERATOR, PRETRAIN, ADVERSARIAL }

  public static final String VGG = "vgg.";
  public static final String D = "D.";
  public static final String D_ADAM_M = "D.adam.m";
  public static final String D_ADAM_V = "D.adam.v";
  public static final String D_ADAM_T = "D.adam.t";

  private Role role = Role.GENERATOR;
  private int generatorBase = 32;
  private int discriminatorWidth = 64;
  private int discriminatorStages = 2;
  private int vggWidthDivisor = 1;
  private double[] lossWeights = {300, 1.5, 3.0, 10, 0, 1.2, 1.2, 1.2, 0.8};
  private double discriminatorLr = 1.6e-4;
  private double beta1 = 0.5;
  private double beta2 = 0.999;
  private double adamEpsilon = 1e-8;

  /** For JSON. */
  public AnimeGanLayer() {}

  /** A generator for inference. */
  public static AnimeGanLayer generator(int base) {
    AnimeGanLayer l = new AnimeGanLayer();
    l.role = Role.GENERATOR;
    l.generatorBase = base;
    return l;
  }

  /** The pretraining or adversarial layer the trainer settings describe. */
  public static AnimeGanLayer training(Role role, TrainerSettings s) {
    if (role == Role.GENERATOR) {
      throw new IllegalArgumentException("use generator(base) for the inference layer");
    }
    AnimeGanLayer l = new AnimeGanLayer();
    l.role = role;
    l.generatorBase = s.generatorBase();
    l.discriminatorWidth = s.discriminatorWidth();
    l.discriminatorStages = s.discriminatorStages();
    l.vggWidthDivisor = s.vggWidthDivisor();
    LossWeights w = s.weights();
    l.lossWeights = new double[] {w.adv(), w.con(), w.gra(), w.col(), w.tv(), w.real(), w.fake(), w.gray(), w.smooth()};
    l.discriminatorLr = s.discriminatorLr();
    l.beta1 = s.beta1();
    l.beta2 = s.beta2();
    l.adamEpsilon = s.adamEpsilon();
    return l;
  }

  public Role getRole() {
    return role;
  }

  public void setRole(Role role) {
    this.role = role;
  }

  public int getGeneratorBase() {
    return generatorBase;
  }

  public void setGeneratorBase(int generatorBase) {
    this.generatorBase = generatorBase;
  }

  public int getDiscriminatorWidth() {
    return discriminatorWidth;
  }

  public void setDiscriminatorWidth(int discriminatorWidth) {
    this.discriminatorWidth = discriminatorWidth;
  }

  public int getDiscriminatorStages() {
    return discriminatorStages;
  }

  public void setDiscriminatorStages(int discriminatorStages) {
    this.discriminatorStages = discriminatorStages;
  }

  public int getVggWidthDivisor() {
    return vggWidthDivisor;
  }

  public void setVggWidthDivisor(int vggWidthDivisor) {
    this.vggWidthDivisor = vggWidthDivisor;
  }

  public double[] getLossWeights() {
    return lossWeights.clone();
  }

  public void setLossWeights(double[] lossWeights) {
    this.lossWeights = lossWeights.clone();
  }

  public double getDiscriminatorLr() {
    return discriminatorLr;
  }

  public void setDiscriminatorLr(double discriminatorLr) {
    this.discriminatorLr = discriminatorLr;
  }

  public double getBeta1() {
    return beta1;
  }

  public void setBeta1(double beta1) {
    this.beta1 = beta1;
  }

  /** Adam's epsilon (DL4J's form: added to sqrt(v)); 1e-8 for layers saved before it was configurable. */
  public double getAdamEpsilon() {
    return adamEpsilon;
  }

  public void setAdamEpsilon(double adamEpsilon) {
    this.adamEpsilon = adamEpsilon;
  }

  public double getBeta2() {
    return beta2;
  }

  public void setBeta2(double beta2) {
    this.beta2 = beta2;
  }

  public LossWeights weights() {
    double[] w = lossWeights;
    return new LossWeights(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8]);
  }

  public GeneratorNet generatorNet() {
    return new GeneratorNet(generatorBase);
  }

  public DiscriminatorNet discriminatorNet() {
    return new DiscriminatorNet(discriminatorWidth, discriminatorStages);
  }

  public VggNet vggNet() {
    return new VggNet(vggWidthDivisor);
  }

  /** Every parameter's name and shape, in the order of the flat parameter vector. */
  public LinkedHashMap<String, long[]> paramShapes() {
    LinkedHashMap<String, long[]> m = new LinkedHashMap<>(generatorNet().paramShapes());
    if (role != Role.GENERATOR) {
      vggNet().paramShapes().forEach((k, v) -> m.put(VGG + k, v));
    }
    if (role == Role.ADVERSARIAL) {
      DiscriminatorNet d = discriminatorNet();
      d.paramShapes().forEach((k, v) -> m.put(D + k, v));
      m.put(D_ADAM_M, new long[] {d.numParams()});
      m.put(D_ADAM_V, new long[] {d.numParams()});
      m.put(D_ADAM_T, new long[] {1});
    }
    return m;
  }

  /** The DL4J parameter key of a network parameter name (no underscores: DL4J splits keys at the last one). */
  public static String key(String name) {
    return name.replace('_', '~');
  }

  /** The network parameter name of a DL4J parameter key. */
  public static String name(String key) {
    return key.replace('~', '_');
  }

  /** Whether DL4J's updater trains the parameter of DL4J key {@code key} (the generator's parameters only). */
  public boolean trainable(String key) {
    String param = name(key);
    return !param.startsWith(VGG) && !param.startsWith(D);
  }

  @Override
  public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
      INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
    AnimeGanLayerImpl layer = new AnimeGanLayerImpl(conf, networkDataType);
    layer.setListeners(listeners);
    layer.setIndex(layerIndex);
    layer.setParamsViewArray(layerParamsView);
    Map<String, INDArray> params = initializer().init(conf, layerParamsView, initializeParams);
    layer.setParamTable(params);
    layer.setConf(conf);
    return layer;
  }

  @Override
  public ParamInitializer initializer() {
    return AnimeGanParamInitializer.INSTANCE;
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    if (!(inputType instanceof InputType.InputTypeConvolutional)) {
      throw new IllegalStateException("AnimeGanLayer needs convolutional (image) input, got " + inputType);
    }
    return role == Role.GENERATOR ? inputType : InputType.feedForward(1);
  }

  @Override
  public void setNIn(InputType inputType, boolean override) {
    // the networks fix their own channels
  }

  @Override
  public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
    return null;
  }

  @Override
  public List<Regularization> getRegularizationByParam(String paramName) {
    return List.of();
  }

  @Override
  public boolean isPretrainParam(String paramName) {
    return false;
  }

  @Override
  public IUpdater getUpdaterByParam(String paramName) {
    return trainable(paramName) ? super.getUpdaterByParam(paramName) : new NoOp();
  }

  @Override
  public LayerMemoryReport getMemoryReport(InputType inputType) {
    long params = paramShapes().values().stream().mapToLong(s -> {
      long n = 1;
      for (long d : s) {
        n *= d;
      }
      return n;
    }).sum();
    return new LayerMemoryReport.Builder(layerName, AnimeGanLayer.class, inputType, getOutputType(0, inputType))
        .standardMemory(params, params).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AnimeGanLayer l && super.equals(o) && l.role == role && l.generatorBase == generatorBase
        && l.discriminatorWidth == discriminatorWidth && l.discriminatorStages == discriminatorStages
        && l.vggWidthDivisor == vggWidthDivisor && java.util.Arrays.equals(l.lossWeights, lossWeights)
        && l.discriminatorLr == discriminatorLr && l.beta1 == beta1 && l.beta2 == beta2 && l.adamEpsilon == adamEpsilon;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(super.hashCode(), role, generatorBase, discriminatorWidth, discriminatorStages,
        vggWidthDivisor, java.util.Arrays.hashCode(lossWeights));
  }

  @Override
  public String toString() {
    return "AnimeGanLayer(" + role + ", G base " + generatorBase + (role == Role.GENERATOR ? ""
        : ", VGG divisor " + vggWidthDivisor + (role == Role.ADVERSARIAL ? ", D " + discriminatorWidth + "/"
            + discriminatorStages : "")) + ")";
  }
}

package dev.animegan.model.dl4j;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import dev.animegan.model.engine.Engine;
import dev.animegan.model.engine.GanSteps;
import dev.animegan.model.engine.ParamSet;
import dev.animegan.model.engine.TensorPool;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Computes an {@link AnimeGanLayer} on the current thread's {@link Engine}. In a training role,
 * {@code activate(training = true)} runs the whole step (forward and backward) and keeps the
 * generator's gradients; {@code backpropGradient} hands them to DL4J scaled by the sum of the
 * incoming epsilon (DL4J divides by the minibatch size in its updater). The last step's loss terms
 * are in {@link #lastTerms()}.
 */
public class AnimeGanLayerImpl extends BaseLayer<AnimeGanLayer> {
  private transient GanSteps steps;
  private transient INDArray gradBuffer;
  private transient INDArray dGradBuffer;
  private transient boolean gradReady;
  private transient Map<String, Double> lastTerms = Map.of();
  private transient Map<String, Double> lastDiscriminatorTerms = Map.of();

  public AnimeGanLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  private GanSteps steps() {
    if (steps == null) {
      AnimeGanLayer c = layerConf();
      steps = new GanSteps(c.generatorNet(), c.discriminatorNet(), c.vggNet(), c.weights());
    }
    return steps;
  }

  /** The generator's parameters (views of this layer's parameter vector). */
  public ParamSet generatorParams() {
    Map<String, INDArray> m = new LinkedHashMap<>();
    for (String k : layerConf().generatorNet().paramShapes().keySet()) {
      m.put(k, getParam(AnimeGanLayer.key(k)));
    }
    return new ParamSet(m);
  }

  public ParamSet vggParams() {
    return prefixed(AnimeGanLayer.VGG);
  }

  public ParamSet discriminatorParams() {
    Map<String, INDArray> m = new LinkedHashMap<>();
    for (String k : layerConf().discriminatorNet().paramShapes().keySet()) {
      m.put(k, getParam(AnimeGanLayer.key(AnimeGanLayer.D + k)));
    }
    return new ParamSet(m);
  }

  private ParamSet prefixed(String prefix) {
    Map<String, INDArray> m = new LinkedHashMap<>();
    paramTable().forEach((key, v) -> {
      String k = AnimeGanLayer.name(key);
      if (k.startsWith(prefix)) {
        m.put(k.substring(prefix.length()), v);
      }
    });
    return new ParamSet(m);
  }

  /** The generator's part of the flat parameter vector (its parameters come first). */
  public INDArray generatorFlat() {
    long n = layerConf().generatorNet().numParams();
    return params().reshape(params().length()).get(interval(0, n));
  }

  /** The discriminator's part of the flat parameter vector (contiguous). */
  public INDArray discriminatorFlat() {
    long[] r = AnimeGanParamInitializer.range(layerConf(),
        k -> k.startsWith(AnimeGanLayer.D) && !k.startsWith("D.adam."));
    return params().reshape(params().length()).get(interval(r[0], r[1]));
  }

  public Map<String, Double> lastTerms() {
    return lastTerms;
  }

  public Map<String, Double> lastDiscriminatorTerms() {
    return lastDiscriminatorTerms;
  }

  /** NCHW (DL4J) to a pooled NHWC copy. */
  private static INDArray nhwc(TensorPool pool, INDArray nchw) {
    return pool.copyOf(nchw.permute(0, 2, 3, 1));
  }

  private ParamSet gradientSet(INDArray flat, Map<String, long[]> shapes) {
    Map<String, INDArray> m = new LinkedHashMap<>();
    long offset = 0;
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      long n = 1;
      for (long d : e.getValue()) {
        n *= d;
      }
      m.put(e.getKey(), flat.get(interval(offset, offset + n)).reshape('c', e.getValue()));
      offset += n;
    }
    return new ParamSet(m);
  }

  private INDArray detached(long n) {
    try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      return Nd4j.zeros(DataType.FLOAT, n);
    }
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(false);
    AnimeGanLayer c = layerConf();
    if (input.rank() != 4 || input.size(1) != 3) {
      throw new IllegalArgumentException("AnimeGanLayer takes NCHW RGB images, got shape " + java.util.Arrays.toString(input.shape()));
    }
    Engine e = Engine.current();
    TensorPool pool = e.pool();
    gradReady = false;
    if (c.getRole() == AnimeGanLayer.Role.GENERATOR) {
      INDArray y;
      try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
        INDArray x = nhwc(pool, input);
        try {
          y = c.generatorNet().forward(e, generatorParams(), null, x, null, false);
        } finally {
          pool.release(x);
        }
      }
      INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), input.shape(), 'c');
      out.assign(y.permute(0, 3, 1, 2));
      pool.release(y);
      return out;
    }
    Map<String, Double> terms;
    long n;
    try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      ParamSet grads = null;
      if (training) {
        if (gradBuffer == null) {
          gradBuffer = detached(c.generatorNet().numParams());
        }
        grads = gradientSet(gradBuffer, c.generatorNet().paramShapes());
      }
      if (c.getRole() == AnimeGanLayer.Role.PRETRAIN) {
        n = input.size(0);
        INDArray photo = nhwc(pool, input);
        try {
          terms = steps().pretrain(e, generatorParams(), grads, vggParams(), photo, 1.0);
        } finally {
          pool.release(photo);
        }
      } else {
        n = input.size(0) / 2;
        INDArray photo = nhwc(pool, input.get(interval(0, n), all(), all(), all()));
        INDArray gray = nhwc(pool, input.get(interval(n, 2 * n), all(), all(), all()));
        try {
          terms = steps().generator(e, generatorParams(), grads, discriminatorParams(), vggParams(), photo, gray, 1.0);
        } finally {
          pool.release(photo);
          pool.release(gray);
        }
      }
    }
    gradReady = training;
    lastTerms = terms;
    INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), new long[] {n, 1}, 'c');
    out.assign(terms.get("total"));
    return out;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(true);
    if (!gradReady) {
      throw new IllegalStateException("AnimeGanLayer: backprop without a training forward pass");
    }
    double scale = epsilon.sumNumber().doubleValue();
    AnimeGanLayer c = layerConf();
    long gn = c.generatorNet().numParams();
    INDArray flat = gradientsFlattened.reshape(gradientsFlattened.length());
    flat.get(interval(0, gn)).assign(gradBuffer).muli(scale);
    gradReady = false;
    Gradient g = new DefaultGradient();
    for (String k : c.paramShapes().keySet()) {
      g.gradientForVariable().put(AnimeGanLayer.key(k), gradientViews.get(AnimeGanLayer.key(k)));
    }
    INDArray eps = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
    return new Pair<>(g, eps);
  }

  /**
   * One discriminator step on this (adversarial) layer's parameters: fakes from the current G, D's
   * loss on [anime, fake, gray, smooth], its gradients and DL4J's Adam update (the same
   * {@code adam_updater} op DL4J applies to G) on D's parameters, with D's Adam state kept in this
   * layer's {@code D.adam.*} parameters. Arrays are NCHW in [-1, 1]. Returns the unweighted terms
   * and the weighted total.
   */
  public Map<String, Double> discriminatorStep(INDArray photo, INDArray anime, INDArray gray, INDArray smooth) {
    AnimeGanLayer c = layerConf();
    if (c.getRole() != AnimeGanLayer.Role.ADVERSARIAL) {
      throw new IllegalStateException("the discriminator step needs the adversarial layer, this is " + c.getRole());
    }
    Engine e = Engine.current();
    TensorPool pool = e.pool();
    Map<String, Double> terms;
    try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      long dn = c.discriminatorNet().numParams();
      if (dGradBuffer == null) {
        dGradBuffer = detached(dn);
      }
      ParamSet dGrads = gradientSet(dGradBuffer, c.discriminatorNet().paramShapes());
      INDArray p = nhwc(pool, photo);
      INDArray a = nhwc(pool, anime);
      INDArray g = nhwc(pool, gray);
      INDArray s = nhwc(pool, smooth);
      try {
        terms = steps().discriminator(e, generatorParams(), discriminatorParams(), dGrads, p, a, g, s);
      } finally {
        pool.release(p);
        pool.release(a);
        pool.release(g);
        pool.release(s);
      }
      INDArray t = getParam(AnimeGanLayer.D_ADAM_T);
      int iteration = (int) Math.round(t.getDouble(0));
      Nd4j.exec(new AdamUpdater(dGradBuffer, getParam(AnimeGanLayer.D_ADAM_V), getParam(AnimeGanLayer.D_ADAM_M),
          c.getDiscriminatorLr(), c.getBeta1(), c.getBeta2(), c.getAdamEpsilon(), iteration));
      discriminatorFlat().subi(dGradBuffer);
      t.putScalar(0, iteration + 1);
    }
    lastDiscriminatorTerms = terms;
    return terms;
  }

  @Override
  public boolean isPretrainLayer() {
    return false;
  }

  @Override
  public void clearNoiseWeightParams() {
    // no weight noise
  }

  @Override
  public boolean updaterDivideByMinibatch(String paramName) {
    return layerConf().trainable(paramName);
  }

  @Override
  public Type type() {
    return Type.CONVOLUTIONAL;
  }
}

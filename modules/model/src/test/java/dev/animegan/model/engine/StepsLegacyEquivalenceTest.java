package dev.animegan.model.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.animegan.model.legacy.OneDnn;
import dev.animegan.model.train.LossWeights;
import dev.animegan.model.train.TrainerSettings;
import dev.animegan.model.legacy.LegacyTrainingGraphs;
import dev.animegan.model.weights.LegacyGraphs;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The engine's three training steps compute the losses and gradients of release 0.1's DL4J training
 * graphs ({@link LegacyTrainingGraphs}): same parameters, same minibatch, every loss term and every
 * parameter gradient.
 */
class StepsLegacyEquivalenceTest {
  private static final TrainerSettings S = new TrainerSettings(2, 4, 2, 16, null, true, 16,
      new LossWeights(300, 1.5, 3.0, 10, 1.0, 1.2, 1.2, 1.2, 0.8), 1e-3, 1e-3, 1e-3, 0.5, 0.999, 42);

  private static ComputationGraph graph(org.deeplearning4j.nn.conf.ComputationGraphConfiguration c, long seed) {
    OneDnn.enable();
    ComputationGraph g = new ComputationGraph(c);
    g.init();
    Nd4j.getRandom().setSeed(seed);
    g.params().addi(Nd4j.rand(DataType.FLOAT, g.params().shape()).subi(0.5).muli(0.05));
    return g;
  }

  private static INDArray images(long seed) {
    Nd4j.getRandom().setSeed(seed);
    return Nd4j.rand(DataType.FLOAT, 2, 3, 16, 16).muli(2).subi(1);
  }

  /** The legacy graph's gradients of the layers under {@code prefix}, in engine names. */
  private static Map<String, INDArray> legacyGradients(ComputationGraph g, String prefix) {
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (Layer layer : g.getLayers()) {
      String name = layer.conf().getLayer().getLayerName();
      if (layer.numParams() == 0 || !name.startsWith(prefix)) {
        continue;
      }
      boolean depthwise = layer.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
      for (String p : layer.paramTable().keySet()) {
        INDArray v = g.gradient().getGradientFor(name + "_" + p);
        if (v == null) {
          continue; // frozen layer
        }
        String key = name.substring(prefix.length()) + (p.equals("W") || p.equals("gamma") ? ".weight" : ".bias");
        out.put(key, p.equals("W") ? (depthwise ? v.permute(2, 3, 0, 1).dup('c') : v) : v.reshape(v.length()));
      }
    }
    return out;
  }

  private static void sameGradients(Map<String, INDArray> legacy, ParamSet engine, String what) {
    assertEquals(legacy.keySet(), engine.keys(), what + " parameter names");
    for (String k : legacy.keySet()) {
      double d = EngineNets.maxRelDiff(legacy.get(k), engine.get(k));
      assertTrue(d < 2e-3, what + " gradient " + k + ": max relative difference " + d);
    }
  }

  private static GanSteps steps() {
    return new GanSteps(new GeneratorNet(S.generatorBase()), new DiscriminatorNet(S.discriminatorWidth(),
        S.discriminatorStages()), new VggNet(S.vggWidthDivisor()), S.weights());
  }

  @Test
  void pretrainingStep() {
    ComputationGraph legacy = graph(LegacyTrainingGraphs.pretrain(S), 1);
    INDArray photo = images(2);
    legacy.setInputs(photo);
    legacy.setLabels(Nd4j.zeros(DataType.FLOAT, 2, 1));
    legacy.computeGradientAndScore();
    Engine e = Engine.oneDnn();
    ParamSet gp = new ParamSet(LegacyGraphs.params(legacy, ""));
    ParamSet gOnly = new ParamSet(gp.asMap().entrySet().stream().filter(x -> !x.getKey().startsWith("vgg."))
        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new)));
    ParamSet grads = EngineNets.zerosLike(gOnly);
    Map<String, Double> t = steps().pretrain(e, gOnly, grads, gp.sub("vgg."), EngineNets.nhwc(photo), 2.0);
    assertEquals(legacy.score(), t.get("total"), 1e-5 * Math.abs(legacy.score()));
    sameGradients(legacyGradients(legacy, "").entrySet().stream().filter(x -> !x.getKey().startsWith("vgg."))
        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new)),
        grads, "pretrain");
    assertEquals(0, e.pool().liveBytes());
  }

  @Test
  void generatorStep() {
    ComputationGraph legacy = graph(LegacyTrainingGraphs.generatorTraining(S), 3);
    INDArray photo = images(4);
    INDArray gray = images(5);
    legacy.setInputs(photo, gray);
    legacy.setLabels(Nd4j.zeros(DataType.FLOAT, 2, 1));
    legacy.computeGradientAndScore();
    Engine e = Engine.oneDnn();
    Map<String, INDArray> all = LegacyGraphs.params(legacy, "");
    Map<String, INDArray> gOnly = new LinkedHashMap<>();
    all.forEach((k, v) -> {
      if (!k.startsWith("vgg.") && !k.startsWith("D.")) {
        gOnly.put(k, v);
      }
    });
    ParamSet gp = new ParamSet(gOnly);
    ParamSet grads = EngineNets.zerosLike(gp);
    ParamSet allSet = new ParamSet(all);
    Map<String, Double> t = steps().generator(e, gp, grads, allSet.sub("D."), allSet.sub("vgg."), EngineNets.nhwc(photo),
        EngineNets.nhwc(gray), 2.0);
    assertEquals(legacy.score(), t.get("total"), 1e-5 * Math.abs(legacy.score()));
    Map<String, INDArray> lg = new LinkedHashMap<>();
    legacyGradients(legacy, "").forEach((k, v) -> {
      if (!k.startsWith("vgg.") && !k.startsWith("D.")) {
        lg.put(k, v);
      }
    });
    sameGradients(lg, grads, "generator");
    assertEquals(0, e.pool().liveBytes());
  }

  @Test
  void discriminatorStep() {
    ComputationGraph dLegacy = graph(LegacyTrainingGraphs.discriminatorTraining(S), 6);
    ComputationGraph gLegacy = graph(LegacyTrainingGraphs.generatorOnly(S), 7);
    INDArray photo = images(8);
    INDArray anime = images(9);
    INDArray gray = images(10);
    INDArray smooth = images(11);
    INDArray fake = gLegacy.outputSingle(false, photo);
    dLegacy.setInputs(anime, fake, gray, smooth);
    dLegacy.setLabels(Nd4j.zeros(DataType.FLOAT, 2, 1));
    dLegacy.computeGradientAndScore();
    Engine e = Engine.oneDnn();
    ParamSet dp = new ParamSet(LegacyGraphs.params(dLegacy, "D."));
    ParamSet grads = EngineNets.zerosLike(dp);
    Map<String, Double> t = steps().discriminator(e, new ParamSet(LegacyGraphs.params(gLegacy, "")), dp, grads,
        EngineNets.nhwc(photo), EngineNets.nhwc(anime), EngineNets.nhwc(gray), EngineNets.nhwc(smooth));
    assertEquals(dLegacy.score(), t.get("total"), 1e-5 * Math.abs(dLegacy.score()));
    // the legacy gradient is of the batch sum (DL4J divides by the minibatch in its updater)
    Map<String, INDArray> lg = legacyGradients(dLegacy, "D.");
    lg.replaceAll((k, v) -> v.div(2.0));
    sameGradients(lg, grads, "discriminator");
    assertEquals(0, e.pool().liveBytes());
  }
}

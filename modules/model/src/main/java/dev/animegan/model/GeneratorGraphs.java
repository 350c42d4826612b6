package dev.animegan.model;

import dev.animegan.model.dl4j.AnimeGanLayerImpl;
import dev.animegan.model.engine.GeneratorNet;
import dev.animegan.model.engine.ParamSet;
import dev.animegan.model.train.AnimeGanGraphs;
import dev.animegan.model.weights.LegacyGraphs;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Generator graphs for inference ({@link AnimeGanGraphs#generator}: input {@code input}, NCHW in
 * [-1, 1], output the stylised image) from whatever holds a generator: release 0.1's per-layer
 * graphs are converted by parameter name, PyTorch state dicts copied key by key.
 */
public final class GeneratorGraphs {
  private GeneratorGraphs() {}

  /** The generator's width (the first convolution's output channels) from its parameters. */
  public static int base(Map<String, INDArray> params) {
    INDArray first = params.get("block_a.0.1.weight");
    if (first == null || first.rank() != 4) {
      throw new IllegalArgumentException("not an AnimeGANv2 generator: no block_a.0.1.weight [base, 3, 7, 7]");
    }
    return (int) first.size(0);
  }

  /**
   * Problems with {@code params} as the parameters of a generator of {@code base}: missing keys (with
   * the expected shape), wrong shapes, unexpected keys; empty when they fit exactly.
   */
  public static List<String> problems(Map<String, INDArray> params, int base) {
    return new GeneratorNet(base).stateDictProblems(params);
  }

  /** A new inference graph holding {@code params} (PyTorch names and shapes; they must fit, see {@link #problems}). */
  public static ComputationGraph fromParams(Map<String, INDArray> params) {
    int base = base(params);
    List<String> p = problems(params, base);
    if (!p.isEmpty()) {
      throw new IllegalArgumentException("not an AnimeGANv2 generator: " + String.join("; ", p));
    }
    ComputationGraph g = new ComputationGraph(AnimeGanGraphs.generator(base, 0));
    g.init();
    ParamSet target = AnimeGanGraphs.layer(g).generatorParams();
    for (String k : target.keys()) {
      target.get(k).assign(params.get(k));
    }
    return g;
  }

  /** A new inference graph with freshly initialised parameters (seeded): benchmarks, tests, untrained demos. */
  public static ComputationGraph random(int base, long seed) {
    org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(seed);
    ComputationGraph g = new ComputationGraph(AnimeGanGraphs.generator(base, seed));
    g.init();
    return g;
  }

  /** {@code g} itself when it is an engine graph, else its parameters in a new one (release 0.1's per-layer generator). */
  public static ComputationGraph toEngine(ComputationGraph g) {
    if (AnimeGanGraphs.isEngineGraph(g)) {
      AnimeGanLayerImpl layer = AnimeGanGraphs.layer(g);
      if (layer.layerConf().getRole() == dev.animegan.model.dl4j.AnimeGanLayer.Role.GENERATOR) {
        return g;
      }
      return fromParams(layer.generatorParams().asMap());
    }
    if (!LegacyGraphs.hasLayer(g, "block_a.0.1")) {
      throw new IllegalArgumentException("not a generator graph: it has neither an animegan layer nor AnimeGANv2's "
          + "block_a.0.1 convolution");
    }
    return fromParams(LegacyGraphs.params(g, ""));
  }
}

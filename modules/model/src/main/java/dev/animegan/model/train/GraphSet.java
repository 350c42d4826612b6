package dev.animegan.model.train;

import dev.animegan.model.GeneratorGraphs;
import dev.animegan.model.engine.ParamSet;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The trainer's graphs and which of them holds the newest generator. The pretraining and the
 * adversarial graph both hold G (first in their parameter vectors); only the one trained last is
 * current. {@link #use} copies G into a graph before it is trained or read, {@link #advanced} records
 * that a graph was trained (here or on workers), and {@link #generator} keeps an inference graph in
 * step. Nobody else copies parameters between graphs.
 */
final class GraphSet {
  /** The two training graphs. */
  enum Phase { PRETRAIN, ADVERSARIAL }

  private final ComputationGraph pretrain;
  private final ComputationGraph adversarial;
  private final ComputationGraph inference;
  private final long generatorParams;
  private Phase newest;
  private boolean inferenceCurrent;

  GraphSet(ComputationGraph pretrain, ComputationGraph adversarial, Phase newest) {
    this.pretrain = pretrain;
    this.adversarial = adversarial;
    this.newest = newest;
    this.inference = GeneratorGraphs.fromParams(AnimeGanGraphs.layer(graph(newest)).generatorParams().asMap());
    this.inferenceCurrent = true;
    this.generatorParams = AnimeGanGraphs.layer(pretrain).layerConf().generatorNet().numParams();
  }

  ComputationGraph graph(Phase p) {
    return p == Phase.PRETRAIN ? pretrain : adversarial;
  }

  Phase newest() {
    return newest;
  }

  private INDArray generatorFlat(ComputationGraph g) {
    INDArray params = AnimeGanGraphs.layer(g).params();
    return params.reshape(params.length()).get(NDArrayIndex.interval(0, generatorParams));
  }

  /** The graph of {@code p}, holding the newest generator. */
  ComputationGraph use(Phase p) {
    if (newest != p) {
      generatorFlat(graph(p)).assign(generatorFlat(graph(newest)));
      newest = p;
    }
    return graph(p);
  }

  /** {@code p}'s graph was trained: its generator is now the newest. */
  void advanced(Phase p) {
    newest = p;
    inferenceCurrent = false;
  }

  /** Both training graphs get the newest generator. */
  void syncGenerator() {
    Phase keep = newest;
    use(keep == Phase.PRETRAIN ? Phase.ADVERSARIAL : Phase.PRETRAIN);
    newest = keep;
    inferenceCurrent = false;
  }

  /** Both training graphs get the adversarial graph's VGG (loaded weights). */
  void copyVgg() {
    ParamSet from = AnimeGanGraphs.layer(adversarial).vggParams();
    ParamSet to = AnimeGanGraphs.layer(pretrain).vggParams();
    for (String k : from.keys()) {
      to.get(k).assign(from.get(k));
    }
  }

  /** Replaces the generator everywhere (init-from). */
  void setGenerator(Map<String, INDArray> params) {
    ParamSet g = AnimeGanGraphs.layer(graph(newest)).generatorParams();
    for (String k : g.keys()) {
      g.get(k).assign(params.get(k));
    }
    syncGenerator();
  }

  /** The inference graph with the newest generator. */
  ComputationGraph generator() {
    if (!inferenceCurrent) {
      INDArray p = AnimeGanGraphs.layer(inference).params();
      p.reshape(p.length()).assign(generatorFlat(graph(newest)));
      inferenceCurrent = true;
    }
    return inference;
  }
}

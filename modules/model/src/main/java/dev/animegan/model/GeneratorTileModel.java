package dev.animegan.model;

import dev.animegan.core.infer.TileModel;
import dev.animegan.model.engine.Engine;
import dev.animegan.model.engine.GeneratorNet;
import dev.animegan.model.engine.ParamSet;
import dev.animegan.model.engine.TensorPool;
import dev.animegan.model.train.AnimeGanGraphs;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An inference graph's generator as a {@link TileModel}, run on this thread's engine directly (not
 * through DL4J's {@code output}, which wraps an {@link OutOfMemoryError} in a RuntimeException that
 * Spark would treat as fatal): one forward pass per call over the tiles as one NHWC batch. An
 * out-of-memory error reaches the caller as itself, with every buffer of the failed pass freed.
 */
public final class GeneratorTileModel implements TileModel {
  private final GeneratorNet net;
  private final ParamSet params;

  public GeneratorTileModel(ComputationGraph generator) {
    ComputationGraph g = GeneratorGraphs.toEngine(generator);
    this.net = AnimeGanGraphs.layer(g).layerConf().generatorNet();
    this.params = AnimeGanGraphs.layer(g).generatorParams();
  }

  @Override
  public List<float[]> apply(List<float[]> tiles, int width, int height) {
    Engine e = Engine.current();
    TensorPool pool = e.pool();
    int n = tiles.size();
    int plane = width * height;
    try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      INDArray x = pool.alloc(n, height, width, 3);
      INDArray y = null;
      try {
        float[] rows = new float[3 * plane];
        for (int i = 0; i < n; i++) {
          float[] t = tiles.get(i);
          for (int p = 0; p < plane; p++) {
            rows[3 * p] = t[p];
            rows[3 * p + 1] = t[plane + p];
            rows[3 * p + 2] = t[2 * plane + p];
          }
          x.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)).assign(Nd4j.createFromArray(rows)
              .reshape(height, width, 3));
        }
        y = net.forward(e, params, null, x, null, false);
        List<float[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          float[] v = y.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)).dup('c').data().asFloat();
          float[] t = new float[3 * plane];
          for (int p = 0; p < plane; p++) {
            t[p] = v[3 * p];
            t[plane + p] = v[3 * p + 1];
            t[2 * plane + p] = v[3 * p + 2];
          }
          out.add(t);
        }
        return out;
      } finally {
        pool.release(x);
        pool.release(y);
      }
    } catch (RuntimeException ex) {
      OutOfMemoryError oom = dev.animegan.core.memory.OutOfMemory.in(ex);
      if (oom != null) {
        throw oom;
      }
      throw ex;
    }
  }
}

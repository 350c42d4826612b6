package dev.animegan.model;

import dev.animegan.core.infer.TileModel;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The DL4J generator as a {@link TileModel}: one forward pass per call; ND4J arrays are closed before returning. */
public final class GeneratorTileModel implements TileModel {
  private final ComputationGraph generator;

  public GeneratorTileModel(ComputationGraph generator) {
    this.generator = generator;
  }

  @Override
  public List<float[]> apply(List<float[]> tiles, int width, int height) {
    int n = tiles.size();
    int size = 3 * width * height;
    float[] flat = new float[n * size];
    for (int i = 0; i < n; i++) {
      System.arraycopy(tiles.get(i), 0, flat, i * size, size);
    }
    INDArray x = Nd4j.create(flat, new long[] {n, 3, height, width}, 'c');
    INDArray y = null;
    try {
      y = generator.outputSingle(false, x);
      float[] out = y.castTo(DataType.FLOAT).dup('c').data().asFloat();
      List<float[]> result = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        float[] t = new float[size];
        System.arraycopy(out, i * size, t, 0, size);
        result.add(t);
      }
      return result;
    } finally {
      x.close();
      if (y != null && !y.wasClosed()) {
        y.close();
      }
    }
  }
}

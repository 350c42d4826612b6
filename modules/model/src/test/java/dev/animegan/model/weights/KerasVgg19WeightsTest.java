package dev.animegan.model.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.animegan.model.engine.Engine;
import dev.animegan.model.engine.ParamSet;
import dev.animegan.model.engine.VggNet;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class KerasVgg19WeightsTest {
  @TempDir
  Path dir;

  private static ParamSet vgg() {
    Map<String, INDArray> m = new LinkedHashMap<>();
    new VggNet(1).paramShapes().forEach((k, sh) -> m.put(k, Nd4j.create(DataType.FLOAT, sh)));
    return new ParamSet(m);
  }

  @Test
  void loadsBothKerasLayouts() {
    Map<String, float[][]> weights = KerasH5Writer.randomWeights(5);
    for (boolean keras2 : new boolean[] {false, true}) {
      Path file = dir.resolve("vgg19-" + keras2 + ".h5");
      KerasH5Writer.write(file, weights, keras2, Map.of());
      ParamSet net = vgg();
      KerasVgg19Weights.load(net, file.toString());
      for (VggNet.Conv c : VggNet.CONVS) {
        INDArray keras = Nd4j.createFromArray(weights.get(c.name())[0]).reshape('c', 3, 3, c.in(), c.out());
        INDArray w = net.get(c.name() + ".weight");
        assertEquals(keras.permute(3, 2, 0, 1), w, c.name() + " kernel, keras2=" + keras2);
        assertArrayEquals(weights.get(c.name())[1], net.get(c.name() + ".bias").reshape(-1).toFloatVector(),
            0f, c.name() + " bias");
      }
      Engine e = Engine.current();
      INDArray features = new VggNet(1).forward(e, net, null, Nd4j.rand(DataType.FLOAT, 1, 32, 32, 3).muli(2).subi(1),
          null, false);
      assertArrayEquals(new long[] {1, 4, 4, 512}, features.shape(), "conv4_4 after three poolings (NHWC)");
      e.pool().release(features);
    }
  }

  @Test
  void missingFileNamesTheConfigKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KerasVgg19Weights.read("/no/vgg19.h5"));
    assertEquals("VGG19 weights file not found: /no/vgg19.h5 (animegan.model.vgg19.weights). Download Keras' "
        + "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5 and set animegan.model.vgg19.weights to its path, or set "
        + "animegan.model.vgg19.allow-random-init = true to train with a random perceptual network (demos and tests only)",
        e.getMessage());
  }

  @Test
  void wrongLayersAndShapesAreListed() {
    Map<String, float[][]> weights = new LinkedHashMap<>(KerasH5Writer.randomWeights(6));
    weights.remove("block4_conv4");
    Map<String, long[]> shapes = new HashMap<>();
    shapes.put("block1_conv1", new long[] {3, 3, 3, 32});
    Path file = dir.resolve("bad.h5");
    KerasH5Writer.write(file, weights, false, shapes);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KerasVgg19Weights.read(file.toString()));
    assertEquals("Not a Keras VGG19 weights file: " + file + " (animegan.model.vgg19.weights): layer block1_conv1 has "
        + "kernel [3, 3, 3, 32] and bias [32], expected [3, 3, 3, 64] and [64]; missing layer block4_conv4. "
        + "Expected Keras' vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5", e.getMessage());
  }
}

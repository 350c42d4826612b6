package dev.animegan.model.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.animegan.model.nets.Vgg19Features;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class KerasVgg19WeightsTest {
  @TempDir
  Path dir;

  private static ComputationGraph vgg() {
    ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
        .graphBuilder().addInputs("in");
    String out = Vgg19Features.addTo(g, "in", "vgg.", 1, true);
    ComputationGraph net = new ComputationGraph(g.setOutputs(out).setInputTypes(InputType.convolutional(32, 32, 3)).build());
    net.init();
    return net;
  }

  @Test
  void loadsBothKerasLayouts() {
    Map<String, float[][]> weights = KerasH5Writer.randomWeights(5);
    for (boolean keras2 : new boolean[] {false, true}) {
      Path file = dir.resolve("vgg19-" + keras2 + ".h5");
      KerasH5Writer.write(file, weights, keras2, Map.of());
      ComputationGraph net = vgg();
      KerasVgg19Weights.load(net, "vgg.", file.toString());
      for (Vgg19Features.Conv c : Vgg19Features.CONVS) {
        INDArray keras = Nd4j.createFromArray(weights.get(c.name())[0]).reshape('c', 3, 3, c.in(), c.out());
        INDArray w = net.getLayer("vgg." + c.name()).getParam("W");
        assertEquals(keras.permute(3, 2, 0, 1), w, c.name() + " kernel, keras2=" + keras2);
        assertArrayEquals(weights.get(c.name())[1], net.getLayer("vgg." + c.name()).getParam("b").reshape(-1).toFloatVector(),
            0f, c.name() + " bias");
      }
      INDArray features = net.outputSingle(Nd4j.rand(DataType.FLOAT, 1, 3, 32, 32).muli(2).subi(1));
      assertArrayEquals(new long[] {1, 512, 4, 4}, features.shape(), "conv4_4 after three poolings");
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

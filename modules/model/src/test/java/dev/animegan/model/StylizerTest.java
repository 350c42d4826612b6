package dev.animegan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.animegan.model.engine.GeneratorNet;
import dev.animegan.model.legacy.AnimeGanV2Generator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.factory.Nd4j;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class StylizerTest {
  private static BufferedImage image(int w, int h, long seed) {
    Random r = new Random(seed);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, r.nextInt(0x1000000));
      }
    }
    return img;
  }

  static ComputationGraph generator(int base, long seed) {
    Nd4j.getRandom().setSeed(seed);
    GeneratorNet net = new GeneratorNet(base);
    Map<String, INDArray> m = new LinkedHashMap<>();
    net.paramShapes().forEach((k, s) -> m.put(k, Nd4j.create(DataType.FLOAT, s)));
    net.init(new dev.animegan.model.engine.ParamSet(m));
    return GeneratorGraphs.fromParams(m);
  }

  @Test
  void stylizesAtTheImagesOwnSize() {
    ComputationGraph g = generator(4, 3);
    Stylizer s = new Stylizer(g);
    BufferedImage in = image(37, 21, 1);
    BufferedImage out = s.stylize(in);
    assertEquals(37, out.getWidth());
    assertEquals(21, out.getHeight());
    // The same as running the generator on the tensor by hand.
    INDArray y = g.outputSingle(Stylizer.toTensor(in));
    int v = (int) Math.round((y.getDouble(0, 1, 5, 9) + 1) * 127.5);
    assertEquals(Math.max(0, Math.min(255, v)), (out.getRGB(9, 5) >> 8) & 0xFF);
  }

  @Test
  void tensorConversionRoundTrips() {
    BufferedImage in = image(9, 8, 2);
    BufferedImage back = Stylizer.toImage(Stylizer.toTensor(in));
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 9; x++) {
        assertEquals(in.getRGB(x, y), back.getRGB(x, y));
      }
    }
  }

  @Test
  void importedPyTorchModelLoadsDirectly() throws Exception {
    Path pt = Paths.get(StylizerTest.class.getResource("/pytorch/animeganv2_seeded.pt").toURI());
    BufferedImage out = Stylizer.load(pt).stylize(image(16, 12, 3));
    assertEquals(16, out.getWidth());
  }

  @Test
  void releaseZeroOneGeneratorsAreConvertedAndComputeTheSame() {
    ComputationGraph legacy = new ComputationGraph(new AnimeGanV2Generator(4).graph(32, 32, DataType.FLOAT, 3));
    legacy.init();
    Stylizer s = new Stylizer(legacy);
    INDArray x = Stylizer.toTensor(image(20, 18, 5));
    double diff = legacy.outputSingle(x).sub(s.generator().outputSingle(x)).amaxNumber().doubleValue();
    // float32 throughout, with sums accumulated in a different order (matrix products vs ND4J's
    // reductions): agreement to a few float32 steps of outputs in [-1, 1]
    assertEquals(0.0, diff, 5e-5, "engine vs the per-layer DL4J graph");
  }

  @Test
  void tinyImagesAreRefused() {
    ComputationGraph g = generator(2, 3);
    assertEquals("image is 7x30; the generator needs at least 8x8 pixels",
        assertThrows(IllegalArgumentException.class, () -> new Stylizer(g).stylize(image(7, 30, 4))).getMessage());
  }
}

package dev.animegan.model;

import dev.animegan.core.image.PlanarPixels;
import dev.animegan.model.weights.PyTorchGeneratorImport;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Stylizes one image with a trained generator, at the image's own size: no resize and no padding,
 * because the AnimeGANv2 generator is fully convolutional and its last bilinear resize returns
 * exactly the input's height and width. Images need at least 8x8 pixels (the reflection padding of
 * the quarter-resolution stage needs maps of 2x2). Transparent pixels are composited onto white.
 * Memory grows with the pixel count; very large images belong to the inference job's tile mode.
 */
public final class Stylizer {
  public static final int MIN_SIDE = 8;
  private final ComputationGraph generator;

  /** Over a generator graph: an inference graph, or a release-0.1 per-layer generator (converted). */
  public Stylizer(ComputationGraph generator) {
    this.generator = GeneratorGraphs.toEngine(generator);
  }

  /**
   * Loads a generator: a trainer checkpoint folder (its {@code generator.zip}), a DL4J generator zip
   * (the trainer's export or the importer's output), or a PyTorch AnimeGANv2 {@code .pt}.
   */
  public static Stylizer load(Path model) throws IOException {
    if (java.nio.file.Files.isDirectory(model)) {
      Path g = model.resolve("generator.zip");
      if (!java.nio.file.Files.isRegularFile(g)) {
        throw new IOException("not a trainer checkpoint (no generator.zip): " + model);
      }
      model = g;
    }
    if (model.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".pt")) {
      return new Stylizer(PyTorchGeneratorImport.importGenerator(model));
    }
    return new Stylizer(ModelSerializer.restoreComputationGraph(model.toFile(), false));
  }

  public ComputationGraph generator() {
    return generator;
  }

  /** [1, 3, H, W] in [-1, 1] from 8-bit RGB: v / 127.5 - 1. */
  public static INDArray toTensor(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    BufferedImage rgb = img;
    if (img.getType() != BufferedImage.TYPE_INT_RGB) {
      rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = rgb.createGraphics();
      g.drawImage(img, 0, 0, Color.WHITE, null);
      g.dispose();
    }
    int[] px = rgb.getRGB(0, 0, w, h, null, 0, w);
    float[] data = new float[3 * w * h];
    int plane = w * h;
    for (int i = 0; i < plane; i++) {
      int p = px[i];
      data[i] = ((p >> 16) & 0xFF) / 127.5f - 1f;
      data[plane + i] = ((p >> 8) & 0xFF) / 127.5f - 1f;
      data[2 * plane + i] = (p & 0xFF) / 127.5f - 1f;
    }
    return Nd4j.create(data, new long[] {1, 3, h, w}, 'c');
  }

  /** 8-bit RGB from [1, 3, H, W] in [-1, 1]: round((y + 1) * 127.5), clamped. */
  public static BufferedImage toImage(INDArray y) {
    int h = (int) y.size(2);
    int w = (int) y.size(3);
    float[] data = y.castTo(DataType.FLOAT).dup('c').data().asFloat();
    int plane = w * h;
    int[] px = new int[plane];
    for (int i = 0; i < plane; i++) {
      px[i] = (PlanarPixels.to8(data[i]) << 16) | (PlanarPixels.to8(data[plane + i]) << 8)
          | PlanarPixels.to8(data[2 * plane + i]);
    }
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    out.setRGB(0, 0, w, h, px, 0, w);
    return out;
  }


  public BufferedImage stylize(BufferedImage img) {
    if (img.getWidth() < MIN_SIDE || img.getHeight() < MIN_SIDE) {
      throw new IllegalArgumentException("image is " + img.getWidth() + "x" + img.getHeight() + "; the generator needs at least "
          + MIN_SIDE + "x" + MIN_SIDE + " pixels");
    }
    return toImage(generator.outputSingle(false, toTensor(img)));
  }
}

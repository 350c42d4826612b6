package dev.animegan.model.weights;

import dev.animegan.model.engine.ParamSet;
import dev.animegan.model.engine.VggNet;
import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads Keras' VGG19 ImageNet weights ({@code vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5}, or the
 * full model file) into {@link VggNet}'s parameters. The file has a group per layer ({@code block1_conv1}, ...)
 * holding the kernel [3, 3, in, out] and the bias [out], either directly ({@code block1_conv1_W_1:0},
 * Keras 1 names) or in a same-named subgroup ({@code block1_conv1/kernel:0}, Keras 2); both are read.
 */
public final class KerasVgg19Weights {
  private static final Logger LOG = LoggerFactory.getLogger(KerasVgg19Weights.class);
  /** The config keys users set; named in every error. */
  public static final String WEIGHTS_KEY = "animegan.model.vgg19.weights";
  public static final String ALLOW_RANDOM_KEY = "animegan.model.vgg19.allow-random-init";
  public static final String EXPECTED_FILE = "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5";

  /** Kernel in DL4J layout [out, in, kh, kw] and bias [out] of one layer. */
  public record ConvWeights(INDArray kernel, INDArray bias) {}

  private KerasVgg19Weights() {}

  /** Reads every VGG19 convolution up to block4_conv4 from {@code h5}. */
  public static Map<String, ConvWeights> read(String h5) {
    File f = new File(h5);
    if (!f.isFile()) {
      throw new IllegalArgumentException("VGG19 weights file not found: " + h5 + " (" + WEIGHTS_KEY + "). Download Keras' "
          + EXPECTED_FILE + " and set " + WEIGHTS_KEY + " to its path, or set " + ALLOW_RANDOM_KEY
          + " = true to train with a random perceptual network (demos and tests only)");
    }
    Map<String, ConvWeights> out = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    try (Hdf5Archive archive = new Hdf5Archive(h5)) {
      List<String> groups = archive.getGroups();
      for (VggNet.Conv c : VggNet.CONVS) {
        if (!groups.contains(c.name())) {
          problems.add("missing layer " + c.name());
          continue;
        }
        String[] path = {c.name()};
        List<String> datasets = archive.getDataSets(path);
        if (datasets.isEmpty()) {
          List<String> sub = archive.getGroups(c.name());
          if (sub.size() == 1) {
            path = new String[] {c.name(), sub.get(0)};
            datasets = archive.getDataSets(path);
          }
        }
        INDArray kernel = null;
        INDArray bias = null;
        for (String ds : datasets) {
          INDArray a = archive.readDataSet(ds, path);
          if (a.rank() == 4) {
            kernel = a;
          } else if (a.rank() == 1 || (a.rank() == 2 && a.size(0) == 1)) {
            bias = a.reshape(a.length());
          }
        }
        long[] expectedKernel = {3, 3, c.in(), c.out()};
        if (kernel == null || bias == null) {
          problems.add("layer " + c.name() + " lacks a kernel or a bias (datasets: " + datasets + ")");
        } else if (!Arrays.equals(kernel.shape(), expectedKernel) || bias.length() != c.out()) {
          problems.add("layer " + c.name() + " has kernel " + Arrays.toString(kernel.shape()) + " and bias ["
              + bias.length() + "], expected " + Arrays.toString(expectedKernel) + " and [" + c.out() + "]");
        } else {
          out.put(c.name(), new ConvWeights(kernel.permute(3, 2, 0, 1).dup('c'), bias.dup()));
        }
      }
    } catch (Exception e) {
      if (e instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw new IllegalArgumentException("Cannot read VGG19 weights from " + h5 + " (" + WEIGHTS_KEY + "): " + e.getMessage(), e);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Not a Keras VGG19 weights file: " + h5 + " (" + WEIGHTS_KEY + "): "
          + String.join("; ", problems) + ". Expected Keras' " + EXPECTED_FILE);
    }
    return out;
  }

  /** Copies the weights into a VGG parameter set ({@code block1_conv1.weight}, ... of the full-width network). */
  public static void load(ParamSet vgg, String h5) {
    Map<String, ConvWeights> weights = read(h5);
    for (Map.Entry<String, ConvWeights> e : weights.entrySet()) {
      INDArray w = vgg.get(e.getKey() + ".weight");
      if (!Arrays.equals(w.shape(), e.getValue().kernel().shape())) {
        throw new IllegalArgumentException("VGG layer " + e.getKey() + " has weights " + Arrays.toString(w.shape())
            + " but the file gives " + Arrays.toString(e.getValue().kernel().shape())
            + ": VGG19 weights need the full-width network (animegan.model.vgg19.width-divisor = 1)");
      }
      w.assign(e.getValue().kernel());
      vgg.get(e.getKey() + ".bias").assign(e.getValue().bias().reshape(vgg.get(e.getKey() + ".bias").shape()));
    }
    LOG.info("loaded VGG19 weights ({} convolutions) from {}", weights.size(), h5);
  }
}

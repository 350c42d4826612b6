package dev.animegan.model.weights;

import dev.animegan.model.engine.VggNet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.hdf5.Attribute;
import org.bytedeco.hdf5.DataSet;
import org.bytedeco.hdf5.DataSpace;
import org.bytedeco.hdf5.Group;
import org.bytedeco.hdf5.H5File;
import org.bytedeco.hdf5.H5Object;
import org.bytedeco.hdf5.PredType;
import org.bytedeco.hdf5.StrType;
import org.bytedeco.hdf5.global.hdf5;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * Writes HDF5 files laid out as Keras' VGG19 weight files: root attribute {@code layer_names}, a group
 * per layer with attribute {@code weight_names}, kernels [3, 3, in, out] and biases [out] as float32.
 * Keras 1 layout puts datasets {@code NAME_W_1:0} and {@code NAME_b_1:0} in the layer group; Keras 2
 * puts {@code kernel:0} and {@code bias:0} in a same-named subgroup.
 */
public final class KerasH5Writer {
  private KerasH5Writer() {}

  /** Seeded random kernels and biases for every VGG19 convolution, kernel in Keras layout. */
  static Map<String, float[][]> randomWeights(long seed) {
    Random r = new Random(seed);
    Map<String, float[][]> w = new LinkedHashMap<>();
    for (VggNet.Conv c : VggNet.CONVS) {
      float[] k = new float[9 * c.in() * c.out()];
      for (int i = 0; i < k.length; i++) {
        k[i] = (float) (r.nextGaussian() * Math.sqrt(2.0 / (9 * c.in())));
      }
      float[] b = new float[c.out()];
      for (int i = 0; i < b.length; i++) {
        b[i] = (float) (r.nextGaussian() * 0.01);
      }
      w.put(c.name(), new float[][] {k, b});
    }
    return w;
  }

  /**
   * VGG19 weights both this test code and a Python script can compute (make_step_fixtures.py):
   * value j of layer i's part p (0 = kernel in Keras' [3, 3, in, out] order, 1 = bias) is
   * 2u - 1 with u the top 24 bits of splitmix64((i << 33) | (p << 32) | j); kernels scaled by
   * sqrt(6 / (9 in)) (He uniform), biases by 0.01.
   */
  public static Map<String, float[][]> portableWeights() {
    Map<String, float[][]> w = new LinkedHashMap<>();
    for (int i = 0; i < VggNet.CONVS.size(); i++) {
      VggNet.Conv c = VggNet.CONVS.get(i);
      float[] k = new float[9 * c.in() * c.out()];
      double scale = Math.sqrt(6.0 / (9 * c.in()));
      for (int j = 0; j < k.length; j++) {
        k[j] = (float) (portableUniform(i, 0, j) * scale);
      }
      float[] b = new float[c.out()];
      for (int j = 0; j < b.length; j++) {
        b[j] = (float) (portableUniform(i, 1, j) * 0.01);
      }
      w.put(c.name(), new float[][] {k, b});
    }
    return w;
  }

  private static double portableUniform(long layer, long part, long j) {
    long z = ((layer << 33) | (part << 32) | j) + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    return 2.0 * ((z >>> 40) / (double) (1 << 24)) - 1.0;
  }

  /**
   * @param shapes layer name to kernel shape override ([3, 3, in, out]); layers missing from
   *     {@code weights} are not written
   */
  public static void write(Path file, Map<String, float[][]> weights, boolean keras2, Map<String, long[]> shapes) {
    try (H5File f = new H5File(file.toString(), hdf5.H5F_ACC_TRUNC)) {
      List<String> layerNames = new ArrayList<>(List.of("input_1"));
      for (VggNet.Conv c : VggNet.CONVS) {
        layerNames.add(c.name());
        if (c.poolAfter()) {
          layerNames.add(c.name().substring(0, 6) + "_pool");
        }
      }
      stringsAttribute(f, "layer_names", layerNames);
      for (VggNet.Conv c : VggNet.CONVS) {
        float[][] w = weights.get(c.name());
        if (w == null) {
          continue;
        }
        long[] kshape = shapes.getOrDefault(c.name(), new long[] {3, 3, c.in(), c.out()});
        try (Group g = f.createGroup(c.name())) {
          if (keras2) {
            stringsAttribute(g, "weight_names", List.of(c.name() + "/kernel:0", c.name() + "/bias:0"));
            try (Group sub = g.createGroup(c.name())) {
              dataset(sub, "kernel:0", kshape, w[0]);
              dataset(sub, "bias:0", new long[] {kshape[3]}, w[1]);
            }
          } else {
            stringsAttribute(g, "weight_names", List.of(c.name() + "_W_1:0", c.name() + "_b_1:0"));
            dataset(g, c.name() + "_W_1:0", kshape, w[0]);
            dataset(g, c.name() + "_b_1:0", new long[] {kshape[3]}, w[1]);
          }
        }
      }
    }
  }

  private static void dataset(Group g, String name, long[] shape, float[] data) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    float[] values = data.length == n ? data : java.util.Arrays.copyOf(data, (int) n);
    try (DataSpace space = new DataSpace(shape.length, shape);
        DataSet ds = g.createDataSet(name, PredType.NATIVE_FLOAT(), space);
        FloatPointer p = new FloatPointer(values)) {
      ds.write(p, PredType.NATIVE_FLOAT());
    }
  }

  /** A fixed-length string array attribute, as h5py writes numpy 'S' arrays. */
  private static void stringsAttribute(H5Object target, String name, List<String> values) {
    int len = values.stream().mapToInt(String::length).max().orElse(1);
    byte[] buf = new byte[len * values.size()];
    for (int i = 0; i < values.size(); i++) {
      byte[] b = values.get(i).getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(b, 0, buf, i * len, b.length);
    }
    try (StrType type = new StrType(PredType.C_S1(), len);
        DataSpace space = new DataSpace(1, new long[] {values.size()});
        Attribute a = target.createAttribute(name, type, space);
        BytePointer p = new BytePointer(buf)) {
      a.write(type, p);
    }
  }
}

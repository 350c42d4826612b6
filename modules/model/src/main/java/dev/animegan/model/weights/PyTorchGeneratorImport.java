package dev.animegan.model.weights;

import dev.animegan.model.GeneratorGraphs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports a PyTorch state dict of the public AnimeGANv2 generator (the {@code .pt} files of
 * animegan2-pytorch: a zip with {@code data.pkl} and raw little-endian storages). The engine's
 * generator uses PyTorch's names and layouts, so tensors are copied key by key.
 */
public final class PyTorchGeneratorImport {
  private static final Logger LOG = LoggerFactory.getLogger(PyTorchGeneratorImport.class);

  private PyTorchGeneratorImport() {}

  /** Reads every float32 tensor of a {@code torch.save} zip into arrays of their shapes. */
  public static Map<String, INDArray> readStateDict(Path pt) throws IOException {
    try (ZipFile zip = new ZipFile(pt.toFile())) {
      ZipEntry pkl = zip.stream().filter(e -> e.getName().endsWith("/data.pkl") || e.getName().equals("data.pkl"))
          .findFirst().orElseThrow(() -> new IOException(pt + " is a zip but holds no data.pkl: not a torch.save checkpoint"));
      String prefix = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
      Object root;
      try (InputStream in = zip.getInputStream(pkl)) {
        root = TorchPickle.load(in.readAllBytes());
      }
      if (!(root instanceof Map<?, ?> dict)) {
        throw new IOException(pt + " holds a " + root.getClass().getSimpleName() + ", not a state dict");
      }
      Map<String, INDArray> out = new LinkedHashMap<>();
      Map<String, float[]> storages = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : dict.entrySet()) {
        if (!(e.getValue() instanceof TorchPickle.TensorRef t)) {
          continue;
        }
        String key = String.valueOf(e.getKey());
        if (!t.storage().type().equals("FloatStorage")) {
          throw new IOException("tensor " + key + " is " + t.storage().type() + "; only float32 (FloatStorage) is supported");
        }
        float[] data = storages.get(t.storage().key());
        if (data == null) {
          ZipEntry entry = zip.getEntry(prefix + "data/" + t.storage().key());
          if (entry == null) {
            throw new IOException("storage " + t.storage().key() + " of tensor " + key + " is missing from " + pt);
          }
          byte[] bytes;
          try (InputStream in = zip.getInputStream(entry)) {
            bytes = in.readAllBytes();
          }
          data = new float[bytes.length / 4];
          ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
          storages.put(t.storage().key(), data);
        }
        out.put(key, gather(data, t));
      }
      return out;
    } catch (java.util.zip.ZipException e) {
      throw new IOException(pt + " is not a zip checkpoint (torch.save with the zip format, PyTorch >= 1.6): "
          + e.getMessage(), e);
    }
  }

  /** The tensor's elements in row-major order, following its strides and offset. */
  private static INDArray gather(float[] storage, TorchPickle.TensorRef t) {
    long[] size = t.size();
    long n = 1;
    for (long s : size) {
      n *= s;
    }
    float[] out = new float[(int) n];
    long[] idx = new long[size.length];
    for (int i = 0; i < n; i++) {
      long pos = t.offset();
      for (int d = 0; d < size.length; d++) {
        pos += idx[d] * t.stride()[d];
      }
      out[i] = storage[(int) pos];
      for (int d = size.length - 1; d >= 0; d--) {
        if (++idx[d] < size[d]) {
          break;
        }
        idx[d] = 0;
      }
    }
    return size.length == 0 ? Nd4j.scalar(out[0]) : Nd4j.create(out, size, 'c');
  }

  /**
   * The generator the state dict holds, as an inference graph ({@link GeneratorGraphs}): its width
   * comes from the file; every key and shape must be AnimeGANv2's.
   */
  public static ComputationGraph importGenerator(Path pt) throws IOException {
    Map<String, INDArray> state = readStateDict(pt);
    int base;
    try {
      base = GeneratorGraphs.base(state);
    } catch (IllegalArgumentException e) {
      throw new IOException("Not an AnimeGANv2 generator state dict: " + pt + ": " + e.getMessage()
          + " (keys: " + state.keySet().stream().limit(5).toList() + (state.size() > 5 ? ", ..." : "") + ")");
    }
    List<String> problems = GeneratorGraphs.problems(state, base);
    if (!problems.isEmpty()) {
      throw new IOException("Not an AnimeGANv2 generator state dict: " + pt + ": " + String.join("; ", problems));
    }
    ComputationGraph g = GeneratorGraphs.fromParams(state);
    LOG.info("imported {} tensors ({} parameters, base {}) from {}", state.size(), g.numParams(), base, pt);
    return g;
  }

}

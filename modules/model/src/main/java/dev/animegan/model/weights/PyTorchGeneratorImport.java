package dev.animegan.model.weights;

import dev.animegan.model.OneDnn;
import dev.animegan.model.nets.AnimeGanV2Generator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports a PyTorch state dict of the public AnimeGANv2 generator (the {@code .pt} files of
 * animegan2-pytorch: a zip with {@code data.pkl} and raw little-endian storages) into
 * {@link AnimeGanV2Generator}, whose vertex names are the PyTorch module paths. Convolution weights
 * keep PyTorch's [out, in, kh, kw] layout; depthwise ones go from [C, 1, kh, kw] to DL4J's
 * [kh, kw, C, 1]; GroupNorm weight/bias become gamma/beta.
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

  /** A standard generator (base 32) with the state dict's weights. */
  public static ComputationGraph importGenerator(Path pt) throws IOException {
    OneDnn.enable();
    Map<String, INDArray> state = readStateDict(pt);
    ComputationGraph g = new ComputationGraph(AnimeGanV2Generator.standard().graph(256, 256, DataType.FLOAT, 0));
    g.init();
    List<String> problems = new ArrayList<>();
    TreeSet<String> used = new TreeSet<>();
    for (Layer layer : g.getLayers()) {
      if (layer.numParams() == 0) {
        continue;
      }
      String name = layer.conf().getLayer().getLayerName();
      boolean depthwise = layer.conf().getLayer() instanceof DepthwiseConvolution2D;
      for (Map.Entry<String, INDArray> p : layer.paramTable().entrySet()) {
        String torchKey = name + "." + switch (p.getKey()) {
          case "W", "gamma" -> "weight";
          case "b", "beta" -> "bias";
          default -> p.getKey();
        };
        INDArray src = state.get(torchKey);
        if (src == null) {
          problems.add("missing " + torchKey + " " + Arrays.toString(expectedTorchShape(p.getValue(), depthwise, p.getKey())));
          continue;
        }
        used.add(torchKey);
        INDArray value = depthwise && p.getKey().equals("W") && src.rank() == 4 ? src.permute(2, 3, 0, 1) : src;
        if (value.length() != p.getValue().length()
            || (value.rank() == p.getValue().rank() && !Arrays.equals(value.shape(), p.getValue().shape()))) {
          problems.add(torchKey + " has shape " + Arrays.toString(src.shape()) + ", expected "
              + Arrays.toString(expectedTorchShape(p.getValue(), depthwise, p.getKey())));
          continue;
        }
        p.getValue().assign(value.reshape(p.getValue().shape()));
      }
    }
    List<String> unexpected = new ArrayList<>();
    for (String k : state.keySet()) {
      if (!used.contains(k) && !k.endsWith("num_batches_tracked")) {
        unexpected.add(k);
      }
    }
    if (!unexpected.isEmpty()) {
      problems.add("unexpected keys " + unexpected);
    }
    if (!problems.isEmpty()) {
      throw new IOException("Not an AnimeGANv2 generator state dict: " + pt + ": " + String.join("; ", problems));
    }
    LOG.info("imported {} tensors ({} parameters) from {}", used.size(), g.numParams(), pt);
    return g;
  }

  private static long[] expectedTorchShape(INDArray dl4j, boolean depthwise, String param) {
    if (depthwise && param.equals("W")) {
      long[] s = dl4j.shape(); // [kh, kw, C, 1]
      return new long[] {s[2], s[3], s[0], s[1]};
    }
    if (dl4j.rank() == 2 && dl4j.size(0) == 1) {
      return new long[] {dl4j.size(1)};
    }
    return dl4j.shape();
  }
}

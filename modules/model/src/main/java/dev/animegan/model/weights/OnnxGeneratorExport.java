package dev.animegan.model.weights;

import dev.animegan.model.GeneratorGraphs;
import dev.animegan.model.engine.GeneratorNet;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import onnx.Onnx;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.protobuf.ByteString;

/**
 * The AnimeGANv2 generator as an ONNX model (opset {@value #OPSET}, IR version 7): input
 * {@code input} [N, 3, H, W] float32 RGB in [-1, 1] with dynamic batch, height and width; output
 * {@code output}, the same shape and range. Written with the ONNX message classes that ND4J's
 * {@code nd4j-api} ships (package {@code onnx}, generated from onnx.proto over ND4J's shaded
 * protobuf), so no second protobuf runtime meets Spark's on the classpath.
 *
 * <p>Operators: {@code Pad} (reflect), {@code Conv} (grouped for the depthwise convolutions), layer
 * normalisation as GroupNorm(1) spelled out ({@code ReduceMean} over C, H, W, {@code Sub},
 * {@code Mul}, {@code Add} of epsilon 1e-5, {@code Sqrt}, {@code Div}, per-channel scale and shift;
 * {@code GroupNormalization} only exists from opset 18), {@code LeakyRelu} (0.2), the residual
 * {@code Add}, {@code Resize} (linear, align_corners) to sizes taken from the tensors' {@code Shape}s
 * at run time, and {@code Tanh}.
 */
public final class OnnxGeneratorExport {
  public static final int OPSET = 13;
  private static final float GN_EPS = 1e-5f;

  private final Map<String, INDArray> params;
  private final Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder().setName("animeganv2_generator");
  private int counter;

  private OnnxGeneratorExport(Map<String, INDArray> params) {
    this.params = params;
  }

  /** The ONNX model of the generator with these parameters (PyTorch names; they must fit, see {@link GeneratorGraphs#problems}). */
  public static Onnx.ModelProto model(Map<String, INDArray> params) {
    int base = GeneratorGraphs.base(params);
    List<String> problems = GeneratorGraphs.problems(params, base);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("not an AnimeGANv2 generator: " + String.join("; ", problems));
    }
    OnnxGeneratorExport e = new OnnxGeneratorExport(params);
    e.build();
    return Onnx.ModelProto.newBuilder()
        .setIrVersion(7)
        .setProducerName("animegan-spark")
        .setProducerVersion("1")
        .setDocString("AnimeGANv2 generator (base " + base + "): NCHW RGB in [-1, 1] to NCHW RGB in [-1, 1]")
        .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(e.graph)
        .build();
  }

  /** Writes {@link #model} to {@code file} through a temporary sibling and a rename. */
  public static void write(Map<String, INDArray> params, Path file) throws IOException {
    Onnx.ModelProto m = model(params);
    Path abs = file.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        m.writeTo(out);
      }
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  // ---- graph building

  private void build() {
    graph.addInput(valueInfo("input"));
    graph.addOutput(valueInfo("output"));
    int[] p1 = {1, 1, 1, 1};
    int[] p3 = {3, 3, 3, 3};
    int[] down = {0, 1, 0, 1};
    String h = cnl("block_a.0", "input", 7, 1, p3, false, false);
    h = cnl("block_a.1", h, 3, 2, down, false, false);
    String blockA = cnl("block_a.2", h, 3, 1, p1, false, false);
    h = cnl("block_b.0", blockA, 3, 2, down, false, false);
    h = cnl("block_b.1", h, 3, 1, p1, false, false);
    h = cnl("block_c.0", h, 3, 1, p1, false, false);
    h = irb("block_c.1", h, false);
    h = irb("block_c.2", h, true);
    h = irb("block_c.3", h, true);
    h = irb("block_c.4", h, true);
    h = cnl("block_c.5", h, 3, 1, p1, false, false);
    h = resizeLike("resize_to_block_a", h, blockA);
    h = cnl("block_d.0", h, 3, 1, p1, false, false);
    h = cnl("block_d.1", h, 3, 1, p1, false, false);
    h = resizeLike("resize_to_input", h, "input");
    h = cnl("block_e.0", h, 3, 1, p1, false, false);
    h = cnl("block_e.1", h, 3, 1, p1, false, false);
    h = cnl("block_e.2", h, 7, 1, p3, false, false);
    h = conv("out_layer.0", h, 1, 1, 1, false);
    node("Tanh", "out_layer.1", List.of(h), "output");
  }

  /** ConvNormLReLU: reflection pad {top, bottom, left, right}, conv, GroupNorm(1), LeakyReLU(0.2). */
  private String cnl(String prefix, String x, int k, int stride, int[] pad, boolean depthwise, boolean bias) {
    String h = x;
    if (pad[0] + pad[1] + pad[2] + pad[3] > 0) {
      String pads = constInts(prefix + ".0.pads", new long[] {0, 0, pad[0], pad[2], 0, 0, pad[1], pad[3]});
      h = node("Pad", prefix + ".0", List.of(h, pads), null, attr("mode", "reflect"));
    }
    int group = depthwise ? (int) params.get(prefix + ".1.weight").size(0) : 1;
    h = conv(prefix + ".1", h, k, stride, group, bias);
    h = groupNorm(prefix + ".2", h);
    return node("LeakyRelu", prefix + ".3", List.of(h), null, attr("alpha", 0.2f));
  }

  private String irb(String prefix, String x, boolean residual) {
    String h = cnl(prefix + ".layers.0", x, 1, 1, new int[4], false, false);
    h = cnl(prefix + ".layers.1", h, 3, 1, new int[] {1, 1, 1, 1}, true, true);
    h = conv(prefix + ".layers.2", h, 1, 1, 1, false);
    h = groupNorm(prefix + ".layers.3", h);
    return residual ? node("Add", prefix + ".add", List.of(x, h), null) : h;
  }

  private String conv(String prefix, String x, int k, int stride, int group, boolean bias) {
    String w = initializer(prefix + ".weight");
    List<String> inputs = bias ? List.of(x, w, initializer(prefix + ".bias")) : List.of(x, w);
    return node("Conv", prefix, inputs, null, ints("kernel_shape", k, k), ints("strides", stride, stride),
        ints("pads", 0, 0, 0, 0), ints("dilations", 1, 1), attr("group", group));
  }

  /** GroupNorm(1): (x - mean) / sqrt(var + eps) over C, H, W, then the per-channel affine. */
  private String groupNorm(String prefix, String x) {
    Onnx.AttributeProto axes = ints("axes", 1, 2, 3);
    String mean = node("ReduceMean", prefix + ".mean", List.of(x), null, axes, attr("keepdims", 1));
    String d = node("Sub", prefix + ".centre", List.of(x, mean), null);
    String sq = node("Mul", prefix + ".square", List.of(d, d), null);
    String var = node("ReduceMean", prefix + ".var", List.of(sq), null, axes, attr("keepdims", 1));
    String eps = constFloat(prefix + ".eps", GN_EPS);
    String std = node("Sqrt", prefix + ".std", List.of(node("Add", prefix + ".var_eps", List.of(var, eps), null)), null);
    String y = node("Div", prefix + ".normalised", List.of(d, std), null);
    String scale = channelInitializer(prefix + ".weight");
    String shift = channelInitializer(prefix + ".bias");
    return node("Add", prefix + ".shift", List.of(node("Mul", prefix + ".scale", List.of(y, scale), null), shift), null);
  }

  /** Bilinear (align_corners) resize of {@code x} to the height and width of {@code like}, read at run time. */
  private String resizeLike(String name, String x, String like) {
    String xShape = node("Shape", name + ".x_shape", List.of(x), null);
    String likeShape = node("Shape", name + ".like_shape", List.of(like), null);
    String nc = node("Slice", name + ".nc", List.of(xShape, constInts(name + ".s0", new long[] {0}),
        constInts(name + ".e0", new long[] {2})), null);
    String hw = node("Slice", name + ".hw", List.of(likeShape, constInts(name + ".s1", new long[] {2}),
        constInts(name + ".e1", new long[] {4})), null);
    String sizes = node("Concat", name + ".sizes", List.of(nc, hw), null, attr("axis", 0));
    return node("Resize", name, List.of(x, "", "", sizes), null, attr("mode", "linear"),
        attr("coordinate_transformation_mode", "align_corners"));
  }

  // ---- protobuf helpers

  private String node(String op, String name, List<String> inputs, String output, Onnx.AttributeProto... attrs) {
    String out = output != null ? output : name + ".out" + counter++;
    Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(out);
    for (Onnx.AttributeProto a : attrs) {
      n.addAttribute(a);
    }
    graph.addNode(n);
    return out;
  }

  private String initializer(String key) {
    INDArray t = params.get(key);
    graph.addInitializer(floatTensor(key, t.shape(), t));
    return key;
  }

  /** A [C] parameter as [1, C, 1, 1], for broadcasting over NCHW. */
  private String channelInitializer(String key) {
    INDArray t = params.get(key);
    graph.addInitializer(floatTensor(key, new long[] {1, t.length(), 1, 1}, t));
    return key;
  }

  private static Onnx.TensorProto floatTensor(String name, long[] dims, INDArray t) {
    float[] data = t.castTo(DataType.FLOAT).dup('c').data().asFloat();
    ByteBuffer b = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(data);
    Onnx.TensorProto.Builder tp = Onnx.TensorProto.newBuilder().setName(name)
        .setDataType(Onnx.TensorProto.DataType.FLOAT.getNumber()).setRawData(ByteString.copyFrom(b.array()));
    for (long d : dims) {
      tp.addDims(d);
    }
    return tp.build();
  }

  private String constInts(String name, long[] values) {
    Onnx.TensorProto.Builder tp = Onnx.TensorProto.newBuilder().setName(name)
        .setDataType(Onnx.TensorProto.DataType.INT64.getNumber()).addDims(values.length);
    for (long v : values) {
      tp.addInt64Data(v);
    }
    graph.addInitializer(tp);
    return name;
  }

  private String constFloat(String name, float v) {
    graph.addInitializer(Onnx.TensorProto.newBuilder().setName(name)
        .setDataType(Onnx.TensorProto.DataType.FLOAT.getNumber()).addFloatData(v));
    return name;
  }

  private static Onnx.ValueInfoProto valueInfo(String name) {
    Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder()
        .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
        .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(3))
        .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("height"))
        .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("width"));
    return Onnx.ValueInfoProto.newBuilder().setName(name)
        .setType(Onnx.TypeProto.newBuilder().setTensorType(Onnx.TypeProto.Tensor.newBuilder()
            .setElemType(Onnx.TensorProto.DataType.FLOAT.getNumber()).setShape(shape)))
        .build();
  }

  private static Onnx.AttributeProto attr(String name, String v) {
    return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(v)).build();
  }

  private static Onnx.AttributeProto attr(String name, float v) {
    return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOAT).setF(v).build();
  }

  private static Onnx.AttributeProto attr(String name, long v) {
    return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(v).build();
  }

  private static Onnx.AttributeProto ints(String name, long... v) {
    Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name)
        .setType(Onnx.AttributeProto.AttributeType.INTS);
    for (long x : v) {
      a.addInts(x);
    }
    return a.build();
  }
}

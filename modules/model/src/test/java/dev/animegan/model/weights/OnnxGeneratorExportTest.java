package dev.animegan.model.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.animegan.model.GeneratorGraphs;
import dev.animegan.model.engine.GeneratorNet;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import onnx.Onnx;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The exported ONNX generator, run by ONNX Runtime, gives our generator's output. */
class OnnxGeneratorExportTest {
  @TempDir
  Path dir;

  @Test
  void onnxRuntimeComputesOurOutputAtAnySize() throws Exception {
    Map<String, INDArray> state = StateDictExportTest.random(new GeneratorNet(4).paramShapes(), 5);
    ComputationGraph ours = GeneratorGraphs.fromParams(state);
    Path file = dir.resolve("generator.onnx");
    OnnxGeneratorExport.write(state, file);

    Onnx.ModelProto m = Onnx.ModelProto.parseFrom(Files.readAllBytes(file));
    assertEquals(13, m.getOpsetImport(0).getVersion());
    assertEquals(7, m.getIrVersion());
    assertEquals("batch 3 height width", m.getGraph().getInput(0).getType().getTensorType().getShape().getDimList().stream()
        .map(d -> d.hasDimParam() ? d.getDimParam() : Long.toString(d.getDimValue())).reduce((a, b) -> a + " " + b).orElse(""));
    assertEquals(77, m.getGraph().getInitializerList().stream().filter(t -> state.containsKey(t.getName())).count());

    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setIntraOpNumThreads(1);
      try (OrtSession s = env.createSession(file.toString(), o)) {
        TensorInfo in = (TensorInfo) s.getInputInfo().get("input").getInfo();
        assertArrayEquals(new long[] {-1, 3, -1, -1}, in.getShape());
        for (long[] shape : new long[][] {{1, 3, 37, 52}, {2, 3, 24, 24}, {1, 3, 8, 9}}) {
          INDArray x = Nd4j.rand(DataType.FLOAT, shape).muli(2).subi(1);
          INDArray y = ours.outputSingle(x);
          try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.dup('c').data().asFloat()), shape);
              OrtSession.Result r = s.run(Map.of("input", t))) {
            OnnxTensor out = (OnnxTensor) r.get("output").orElseThrow();
            assertArrayEquals(shape, out.getInfo().getShape());
            float[] got = new float[(int) y.length()];
            out.getFloatBuffer().get(got);
            double diff = y.sub(Nd4j.create(got, shape, 'c')).amaxNumber().doubleValue();
            assertTrue(diff <= 1e-4, java.util.Arrays.toString(shape) + ": max abs diff vs ONNX Runtime " + diff);
          }
        }
      }
    }
  }

  @Test
  void aStateDictThatIsNotAGeneratorIsRefused() {
    Map<String, INDArray> state = StateDictExportTest.random(new GeneratorNet(4).paramShapes(), 5);
    state.remove("out_layer.0.weight");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxGeneratorExport.model(state));
    assertEquals("not an AnimeGANv2 generator: missing out_layer.0.weight [3, 4, 1, 1]", e.getMessage());
  }
}

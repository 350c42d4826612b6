package dev.animegan.model.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.animegan.model.GeneratorGraphs;
import dev.animegan.model.engine.DiscriminatorNet;
import dev.animegan.model.engine.Engine;
import dev.animegan.model.engine.ParamSet;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Export of the generator and discriminator as PyTorch state dicts, checked on the PyTorch side by pytorch/check_export.py. */
class StateDictExportTest {
  @TempDir
  Path dir;

  private static Path fixture(String name) throws Exception {
    return Paths.get(StateDictExportTest.class.getResource("/pytorch/" + name).toURI());
  }

  /** Every tensor random (norm scales and shifts too, so that they matter). */
  static Map<String, INDArray> random(Map<String, long[]> shapes, long seed) {
    Nd4j.getRandom().setSeed(seed);
    Map<String, INDArray> m = new LinkedHashMap<>();
    shapes.forEach((k, s) -> m.put(k, Nd4j.randn(DataType.FLOAT, s).muli(0.3)));
    return m;
  }

  @Test
  void exportingAnImportedPtGivesBackTheSameTensors() throws Exception {
    Map<String, INDArray> in = PyTorchGeneratorImport.readStateDict(fixture("animeganv2_seeded.pt"));
    Map<String, INDArray> state = StateDicts.generator(fixture("animeganv2_seeded.pt"));
    Path pt = dir.resolve("again.pt");
    TorchSave.write(pt, state);
    Map<String, INDArray> back = PyTorchGeneratorImport.readStateDict(pt);
    assertEquals(in.keySet(), back.keySet());
    for (String k : in.keySet()) {
      assertEquals(in.get(k), back.get(k), k);
    }
    // through a DL4J generator.zip: the same tensors again
    Path zip = dir.resolve("generator.zip");
    ModelSerializer.writeModel(GeneratorGraphs.fromParams(in), zip.toFile(), false);
    Map<String, INDArray> fromZip = StateDicts.generator(zip);
    for (String k : in.keySet()) {
      assertEquals(in.get(k), fromZip.get(k), k);
    }
  }

  @Test
  void pytorchLoadsTheGeneratorStrictlyAndComputesOurOutput() throws Exception {
    TorchPython.require();
    Map<String, INDArray> state = random(new dev.animegan.model.engine.GeneratorNet(4).paramShapes(), 7);
    ComputationGraph ours = GeneratorGraphs.fromParams(state);
    Path pt = dir.resolve("generator.pt");
    TorchSave.write(pt, StateDicts.generator(writeZip(ours)));
    INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 21, 34).muli(2).subi(1);
    String info = runCheck("generator", pt, x);
    assertEquals("{\"keys\": 77, \"parameters\": " + ours.numParams() + ", \"args\": {\"base\": 4}}", info);
    INDArray theirs = Nd4j.createFromNpyFile(dir.resolve("out.npy").toFile());
    INDArray y = ours.outputSingle(x);
    assertArrayEquals(y.shape(), theirs.shape());
    double diff = y.sub(theirs).amaxNumber().doubleValue();
    assertTrue(diff <= 1e-4, "max abs diff vs PyTorch: " + diff);
  }

  @Test
  void pytorchLoadsTheDiscriminatorStrictlyAndComputesOurOutput() throws Exception {
    TorchPython.require();
    DiscriminatorNet d = new DiscriminatorNet(8, 2);
    Map<String, INDArray> state = random(d.paramShapes(), 11);
    Path pt = dir.resolve("discriminator.pt");
    TorchSave.write(pt, state);
    assertEquals(state, StateDicts.readDiscriminator(pt));
    INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 24, 20).muli(2).subi(1);
    String info = runCheck("discriminator", pt, x);
    assertEquals("{\"keys\": 13, \"parameters\": " + d.numParams() + ", \"args\": {\"ch\": 8, \"stages\": 2}}", info);
    INDArray theirs = Nd4j.createFromNpyFile(dir.resolve("out.npy").toFile());
    Engine e = Engine.current();
    INDArray nhwc = x.permute(0, 2, 3, 1).dup('c');
    INDArray y = d.forward(e, new ParamSet(state), null, nhwc, null, false).permute(0, 3, 1, 2).dup('c');
    assertArrayEquals(new long[] {2, 1, 6, 5}, theirs.shape());
    double diff = y.sub(theirs).amaxNumber().doubleValue();
    assertTrue(diff <= 1e-4, "max abs diff vs PyTorch: " + diff);
  }

  @Test
  void aDiscriminatorStateDictWithWrongKeysIsRefusedNamingThem() throws Exception {
    DiscriminatorNet d = new DiscriminatorNet(8, 1);
    Map<String, INDArray> state = random(d.paramShapes(), 3);
    state.remove("last_norm.bias");
    state.put("norm_1.weight", Nd4j.zeros(DataType.FLOAT, 5));
    state.put("extra.weight", Nd4j.zeros(DataType.FLOAT, 1));
    Path pt = dir.resolve("d.pt");
    TorchSave.write(pt, state);
    java.io.IOException e = assertThrows(java.io.IOException.class, () -> StateDicts.readDiscriminator(pt));
    assertEquals("Not a patch discriminator state dict: " + pt + ": norm_1.weight has shape [5], expected [16]; "
        + "missing last_norm.bias [16]; unexpected keys [extra.weight]", e.getMessage());
    IllegalArgumentException g = assertThrows(IllegalArgumentException.class,
        () -> StateDicts.discriminator(dir.resolve("d.pt")));
    assertTrue(g.getMessage().startsWith("a discriminator comes from a trainer checkpoint folder"), g.getMessage());
  }

  private Path writeZip(ComputationGraph g) throws Exception {
    Path zip = dir.resolve("g.zip");
    ModelSerializer.writeModel(g, zip.toFile(), false);
    return zip;
  }

  private String runCheck(String kind, Path pt, INDArray x) throws Exception {
    Path in = dir.resolve("in.npy");
    Nd4j.writeAsNumpy(x, in.toFile());
    return TorchPython.script("check_export.py", kind, pt.toString(), in.toString(), dir.resolve("out.npy").toString());
  }
}

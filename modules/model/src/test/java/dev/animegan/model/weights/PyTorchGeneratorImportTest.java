package dev.animegan.model.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Enumeration;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Golden test against PyTorch: fixture made by src/test/resources/pytorch/make_pt_fixture.py. */
class PyTorchGeneratorImportTest {
  @TempDir
  Path dir;

  private static Path fixture(String name) throws URISyntaxException {
    return Paths.get(PyTorchGeneratorImportTest.class.getResource("/pytorch/" + name).toURI());
  }

  @Test
  void importedGeneratorReproducesPyTorchsOutput() throws Exception {
    ComputationGraph g = PyTorchGeneratorImport.importGenerator(fixture("animeganv2_seeded.pt"));
    INDArray x = Nd4j.createFromNpyFile(fixture("input.npy").toFile());
    INDArray expected = Nd4j.createFromNpyFile(fixture("output.npy").toFile());
    INDArray y = g.outputSingle(x);
    assertArrayEquals(expected.shape(), y.shape());
    double maxDiff = y.sub(expected).amaxNumber().doubleValue();
    org.slf4j.LoggerFactory.getLogger(PyTorchGeneratorImportTest.class).info("max abs diff vs PyTorch: {}", maxDiff);
    assertTrue(maxDiff <= 1e-4, "max abs diff vs PyTorch: " + maxDiff);

    // Saved as a DL4J model, it loads back with the same outputs.
    File saved = dir.resolve("generator.zip").toFile();
    ModelSerializer.writeModel(g, saved, false);
    assertEquals(y, ModelSerializer.restoreComputationGraph(saved, false).outputSingle(x));
  }

  @Test
  void stateDictIsReadCompletely() throws Exception {
    Map<String, INDArray> sd = PyTorchGeneratorImport.readStateDict(fixture("animeganv2_seeded.pt"));
    long n = sd.values().stream().mapToLong(INDArray::length).sum();
    assertEquals(2_143_552L, n);
    assertArrayEquals(new long[] {32, 3, 7, 7}, sd.get("block_a.0.1.weight").shape());
    assertArrayEquals(new long[] {512, 1, 3, 3}, sd.get("block_c.2.layers.1.1.weight").shape());
  }

  /** Copies the fixture zip, dropping entries for which {@code drop} is true and renaming keys in data.pkl. */
  private Path rewritten(String fromKey, String toKey) throws Exception {
    Path out = dir.resolve("edited.pt");
    try (ZipFile in = new ZipFile(fixture("animeganv2_seeded.pt").toFile());
        ZipOutputStream zout = new ZipOutputStream(Files.newOutputStream(out))) {
      Enumeration<? extends ZipEntry> entries = in.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        byte[] bytes = in.getInputStream(e).readAllBytes();
        if (e.getName().endsWith("data.pkl")) {
          bytes = replaceKey(bytes, fromKey, toKey);
        }
        zout.putNextEntry(new ZipEntry(e.getName()));
        zout.write(bytes);
        zout.closeEntry();
      }
    }
    return out;
  }

  /** Renames a BINUNICODE key of the same length. */
  private static byte[] replaceKey(byte[] pkl, String from, String to) {
    String s = new String(pkl, java.nio.charset.StandardCharsets.ISO_8859_1);
    return s.replace(from, to).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  @Test
  void wrongKeysAreListed() throws Exception {
    Path edited = rewritten("block_e.2.2.weight", "block_e.2.9.weight");
    IOException e = assertThrows(IOException.class, () -> PyTorchGeneratorImport.importGenerator(edited));
    assertEquals("Not an AnimeGANv2 generator state dict: " + edited + ": missing block_e.2.2.weight [32]; "
        + "unexpected keys [block_e.2.9.weight]", e.getMessage());
  }

  @Test
  void notAZipCheckpoint() throws Exception {
    Path bogus = dir.resolve("legacy.pt");
    try (OutputStream out = Files.newOutputStream(bogus)) {
      out.write(new byte[] {(byte) 0x80, 0x02, 'c', 'x'});
    }
    IOException e = assertThrows(IOException.class, () -> PyTorchGeneratorImport.readStateDict(bogus));
    assertTrue(e.getMessage().startsWith(bogus + " is not a zip checkpoint (torch.save with the zip format, PyTorch >= 1.6)"),
        e.getMessage());
  }
}

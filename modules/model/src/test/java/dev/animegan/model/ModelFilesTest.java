package dev.animegan.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/** Every way a model file can be unusable is named before a job relies on it. */
class ModelFilesTest {
  @TempDir
  Path dir;

  static Path fixture(String name) throws Exception {
    return Paths.get(ModelFilesTest.class.getResource("/pytorch/" + name).toURI());
  }

  static String problem(Path p) {
    return assertThrows(IllegalArgumentException.class, () -> ModelFiles.check(p)).getMessage();
  }

  @Test
  void goodFilesAreRecognised() throws Exception {
    Nd4j.getRandom().setSeed(1);
    Path zip = dir.resolve("generator.zip");
    ModelSerializer.writeModel(GeneratorGraphs.random(2, 1), zip.toFile(), false);
    assertEquals(ModelFiles.Kind.DL4J, ModelFiles.check(zip));
    assertEquals(ModelFiles.Kind.PYTORCH, ModelFiles.check(fixture("animeganv2_seeded.pt")));
  }

  @Test
  void emptyTruncatedAndForeignFilesAreRefusedWithTheirReason() throws Exception {
    Path empty = Files.write(dir.resolve("empty.pt"), new byte[0]);
    assertEquals("is empty (0 bytes)", problem(empty));

    byte[] pt = Files.readAllBytes(fixture("animeganv2_seeded.pt"));
    Path half = Files.write(dir.resolve("half.pt"), Arrays.copyOf(pt, pt.length / 2));
    assertTrue(problem(half).startsWith("is truncated or corrupt ("), problem(half));

    Path text = Files.writeString(dir.resolve("notes.pt"), "not a model\n");
    assertEquals("is not a model: not a zip file (12 bytes)", problem(text));

    Path other = dir.resolve("other.zip");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(other))) {
      z.putNextEntry(new ZipEntry("readme.txt"));
      z.write("hello".getBytes());
    }
    assertEquals("is not a generator model: a zip with neither a DL4J model (configuration.json, coefficients.bin) nor "
        + "a torch.save state dict (data.pkl)", problem(other));

    // a DL4J zip whose last bytes were lost
    Nd4j.getRandom().setSeed(1);
    Path zip = dir.resolve("generator.zip");
    ModelSerializer.writeModel(GeneratorGraphs.random(2, 1), zip.toFile(), false);
    byte[] g = Files.readAllBytes(zip);
    Path cut = Files.write(dir.resolve("cut.zip"), Arrays.copyOf(g, g.length - 100));
    assertTrue(problem(cut).startsWith("is truncated or corrupt ("), problem(cut));
  }

  @Test
  void stateDictsOfOtherModelsAreRefusedWithWhatIsWrong() throws Exception {
    // made by make_bad_pt_fixtures.py
    assertEquals("is not an AnimeGANv2 generator state dict: no block_a.0.1.weight [base, 3, 7, 7]; it holds 6 tensors "
        + "(0.bias, 0.weight, 2.bias, 2.weight, ...)", problem(fixture("other_architecture.pt")));
    assertEquals("is not an AnimeGANv2 generator state dict: block_a.1.1.weight has shape [64, 32, 5, 5], expected "
        + "[64, 32, 3, 3]; 68 tensors missing (first: block_b.0.1.weight [128, 64, 3, 3])",
        problem(fixture("animegan_incomplete.pt")));
  }

  @Test
  void aModelThatPassesTheFileChecksMustAlsoRun() throws Exception {
    // a DL4J zip of another network: the right files, but not a generator
    org.deeplearning4j.nn.multilayer.MultiLayerNetwork mln = new org.deeplearning4j.nn.multilayer.MultiLayerNetwork(
        new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().list()
            .layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nIn(4).nOut(3).build())
            .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder().nIn(3).nOut(2).build()).build());
    mln.init();
    Path dense = dir.resolve("dense.zip");
    ModelSerializer.writeModel(mln, dense.toFile(), false);
    assertEquals(ModelFiles.Kind.DL4J, ModelFiles.check(dense));
    assertEquals("cannot be loaded as a generator: Error deserializing JSON ComputationGraphConfiguration. Saved model "
        + "appears to be a MultiLayerNetwork - use ModelSerializer.restoreMultiLayerNetwork instead", assertThrows(IllegalArgumentException.class, () -> ModelFiles.tryForward(dense)).getMessage());
    // a real generator runs
    Nd4j.getRandom().setSeed(1);
    Path zip = dir.resolve("generator.zip");
    ModelSerializer.writeModel(GeneratorGraphs.random(2, 1), zip.toFile(), false);
    ModelFiles.tryForward(zip);
    ModelFiles.tryForward(fixture("animeganv2_seeded.pt"));
  }
}

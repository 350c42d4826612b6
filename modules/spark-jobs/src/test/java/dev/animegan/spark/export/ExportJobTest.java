package dev.animegan.spark.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.animegan.model.train.LossWeights;
import dev.animegan.model.train.Trainer;
import dev.animegan.model.train.TrainerSettings;
import dev.animegan.model.weights.PyTorchGeneratorImport;
import dev.animegan.model.weights.StateDicts;
import dev.animegan.spark.cli.JobCli;
import dev.animegan.spark.testing.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import onnx.Onnx;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** jobs/export.sh's job on the shared session: a checkpoint to .pt, .onnx and a discriminator .pt; bad arguments. */
class ExportJobTest {
  @TempDir
  static Path dir;
  static SparkSession spark;
  static Path checkpoint;

  @BeforeAll
  static void checkpoint() {
    spark = SparkTestSession.get();
    TrainerSettings s = new TrainerSettings(4, 8, 1, 16, null, true, 16, LossWeights.animeGanV1(), 1e-4, 8e-5, 1.6e-4,
        0.5, 0.999, 3);
    checkpoint = dir.resolve("run/checkpoints/round-00000001");
    Trainer.create(s).save(checkpoint);
  }

  record Run(int code, String out, String err) {}

  static Run cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = JobCli.execute(ExportJob.SPEC, args, dev.animegan.core.config.ExportConfig::from, ExportJob::run,
        () -> spark, false, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aCheckpointBecomesAStateDictAnOnnxModelAndADiscriminator() throws Exception {
    Path pt = dir.resolve("out dir/generator.pt");
    Path d = dir.resolve("out dir/discriminator.pt");
    Run r = cli("--model", checkpoint.toString(), "--out", pt.toString(), "--discriminator-out", d.toString());
    assertEquals(0, r.code(), r.err());
    Map<String, INDArray> expected = StateDicts.generator(checkpoint);
    Map<String, INDArray> got = PyTorchGeneratorImport.readStateDict(pt);
    assertEquals(expected.keySet(), got.keySet());
    expected.forEach((k, v) -> assertEquals(v, got.get(k), k));
    Map<String, INDArray> dExpected = StateDicts.discriminator(checkpoint);
    assertEquals(dExpected, StateDicts.readDiscriminator(d));

    // the exported .pt exports again to the same tensors; to ONNX with the same initialisers
    Path again = dir.resolve("again.pt");
    ExportJob.ExportResult er = ExportJob.run(spark, cfg(pt.toString(), again.toString()));
    assertEquals(77, er.tensors());
    assertEquals(4, er.generatorBase());
    assertEquals("pt", er.format());
    assertEquals(Files.size(again), er.bytes());
    PyTorchGeneratorImport.readStateDict(again).forEach((k, v) -> assertEquals(got.get(k), v, k));
    Path onnx = dir.resolve("generator.onnx");
    ExportJob.ExportResult eo = ExportJob.run(spark, cfg(checkpoint.resolve("generator.zip").toString(), onnx.toString()));
    assertEquals("onnx", eo.format());
    Onnx.ModelProto m = Onnx.ModelProto.parseFrom(Files.readAllBytes(onnx));
    assertEquals(13, m.getOpsetImport(0).getVersion());
    for (Onnx.TensorProto t : m.getGraph().getInitializerList()) {
      if (got.containsKey(t.getName())) {
        float[] f = new float[(int) got.get(t.getName()).length()];
        t.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        assertEquals(got.get(t.getName()).reshape(-1), org.nd4j.linalg.factory.Nd4j.create(f), t.getName());
      }
    }
    try (Stream<Path> s = Files.list(dir.resolve("out dir"))) {
      assertEquals(2, s.count(), "no temporary files are left");
    }
  }

  private static dev.animegan.core.config.ExportConfig cfg(String model, String out) {
    return dev.animegan.core.config.ExportConfig.from(dev.animegan.core.config.ConfigLoader.load(null,
        com.typesafe.config.ConfigFactory.parseMap(Map.of("animegan.export.model", model, "animegan.export.out", out))));
  }

  @Test
  void badArgumentsAreNamed() throws Exception {
    Run wrongExt = cli("--model", checkpoint.toString(), "--out", dir.resolve("g.bin").toString());
    assertEquals(JobCli.USAGE, wrongExt.code());
    assertEquals("animegan export: config error: Invalid value for animegan.export.out: '" + dir.resolve("g.bin")
        + "'. Allowed values: a path ending in .pt (PyTorch state dict) or .onnx (ONNX model)\n", wrongExt.err());

    Run missing = cli("--model", dir.resolve("nothing here").toString(), "--out", dir.resolve("g.pt").toString());
    assertEquals(JobCli.USAGE, missing.code());
    assertEquals("animegan export: config error: No such model: " + dir.resolve("nothing here")
        + " (animegan.export.model)\n", missing.err());

    Path zip = checkpoint.resolve("generator.zip");
    Run dFromZip = cli("--model", zip.toString(), "--out", dir.resolve("z.pt").toString(), "--discriminator-out",
        dir.resolve("zd.pt").toString());
    assertEquals(JobCli.USAGE, dFromZip.code());
    assertEquals("animegan export: input error: animegan.export.discriminator-out needs a trainer checkpoint folder as the "
        + "model; " + zip + " is a file (a generator.zip or .pt holds the generator only)\n", dFromZip.err());
    assertFalse(Files.exists(dir.resolve("zd.pt")));

    Path empty = dir.resolve("empty.pt");
    Files.write(empty, new byte[0]);
    Run emptyModel = cli("--model", empty.toString(), "--out", dir.resolve("e.onnx").toString());
    assertEquals(JobCli.USAGE, emptyModel.code());
    assertTrue(emptyModel.err().startsWith("animegan export: input error: Model "), emptyModel.err());
    assertTrue(emptyModel.err().contains("is empty (0 bytes) (animegan.export.model)"), emptyModel.err());
    assertFalse(Files.exists(dir.resolve("e.onnx")));
  }
}

package dev.animegan.spark.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.animegan.core.config.InputError;
import dev.animegan.model.GeneratorGraphs;
import dev.animegan.model.ModelFiles;
import dev.animegan.spark.cli.JobCli;
import dev.animegan.spark.infer.InferJob;
import dev.animegan.spark.testing.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/** Bad models are refused on the driver with one line naming the file and the key, and exit code 2. */
class ModelCheckTest {
  @TempDir
  Path dir;

  static final String KEY = "animegan.infer.model";

  Path generator() throws Exception {
    Nd4j.getRandom().setSeed(1);
    Path zip = dir.resolve("generator.zip");
    ModelSerializer.writeModel(GeneratorGraphs.random(2, 1), zip.toFile(), false);
    return zip;
  }

  @Test
  void aCompleteGeneratorPasses() throws Exception {
    assertEquals(ModelFiles.Kind.DL4J, ModelCheck.check(generator().toString(), KEY, new Configuration()));
  }

  @Test
  void emptyTruncatedAndMismatchedModelsAreNamed() throws Exception {
    Configuration hconf = new Configuration();
    Path empty = Files.write(dir.resolve("empty.pt"), new byte[0]);
    assertEquals("Model " + empty + " is empty (0 bytes) (animegan.infer.model)",
        assertThrows(InputError.class, () -> ModelCheck.check(empty.toString(), KEY, hconf)).getMessage());

    byte[] g = Files.readAllBytes(generator());
    Path ckpt = Files.createDirectories(dir.resolve("round-00000007"));
    Files.write(ckpt.resolve("generator.zip"), Arrays.copyOf(g, g.length / 2));
    Files.writeString(ckpt.resolve("manifest.properties"), "format=2\nfile.generator.zip.bytes=" + g.length + "\n");
    assertEquals("Model " + ckpt + ": generator.zip has " + g.length / 2 + " bytes, the checkpoint's manifest says "
        + g.length + " (an interrupted copy?) (animegan.infer.model)",
        assertThrows(InputError.class, () -> ModelCheck.check(ckpt.toString(), KEY, hconf)).getMessage());

    Path cut = Files.write(dir.resolve("cut.zip"), Arrays.copyOf(g, g.length - 64));
    String m = assertThrows(InputError.class, () -> ModelCheck.check(cut.toString(), KEY, hconf)).getMessage();
    assertTrue(m.startsWith("Model " + cut + " is truncated or corrupt ("), m);
    assertTrue(m.endsWith(") (animegan.infer.model)"), m);
  }

  @Test
  void theInferJobExitsWithStatus2AndOneLine() throws Exception {
    Path text = Files.writeString(dir.resolve("model.pt"), "hello\n");
    Path photos = Files.createDirectories(dir.resolve("photos"));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = JobCli.execute(InferJob.SPEC, new String[] {"--model", text.toString(), "--input", photos.toString(),
        "--out", dir.resolve("out").toString()}, dev.animegan.core.config.InferConfig::from, InferJob::run,
        SparkTestSession::get, false, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, code);
    assertEquals("animegan infer: input error: Model " + text + " is not a model: not a zip file (6 bytes) "
        + "(animegan.infer.model)\n", err.toString(StandardCharsets.UTF_8));
  }
}

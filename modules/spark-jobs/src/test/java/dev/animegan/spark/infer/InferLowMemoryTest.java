package dev.animegan.spark.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.animegan.core.config.ConfigLoader;
import dev.animegan.core.config.InferConfig;
import dev.animegan.core.image.ImageDecoder;
import dev.animegan.core.image.RgbImage;
import dev.animegan.core.testing.TestImages;
import dev.animegan.model.GeneratorGraphs;
import dev.animegan.spark.testing.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The inference job under a deliberately small memory cap, in its own JVM (the surefire execution
 * {@code low-memory}: {@code -Xmx512m -Dorg.bytedeco.javacpp.maxphysicalbytes=2000M}): a full-size
 * generator on 1600x1200 images needs 2 GiB per whole-image call, more than the JVM may use, and the
 * configured budget wrongly allows it. The first calls run out of memory for real, are retried with
 * tiles, and every image is written; a 144-megapixel PNG that no heap of 512 MiB can decode is
 * quarantined as out_of_memory. No task fails.
 */
class InferLowMemoryTest {
  @TempDir
  static Path dir;

  /** A valid RGB PNG of {@code w x h} black pixels, streamed (never held in memory). */
  static byte[] blackPng(int w, int h) throws IOException {
    ByteArrayOutputStream idat = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(idat, new Deflater(9))) {
      byte[] row = new byte[1 + 3 * w];
      for (int y = 0; y < h; y++) {
        z.write(row);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(out);
    d.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
    DataOutputStream ih = new DataOutputStream(ihdr);
    ih.writeInt(w);
    ih.writeInt(h);
    ih.write(new byte[] {8, 2, 0, 0, 0});
    chunk(d, "IHDR", ihdr.toByteArray());
    chunk(d, "IDAT", idat.toByteArray());
    chunk(d, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(DataOutputStream d, String type, byte[] data) throws IOException {
    d.writeInt(data.length);
    byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    d.write(t);
    d.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    d.writeInt((int) crc.getValue());
  }

  @Test
  void callsThatRunOutOfMemoryAreRetriedSmallerAndNoTaskFails() throws Exception {
    SparkSession spark = SparkTestSession.get();
    LoggerFactory.getLogger(InferLowMemoryTest.class).info("JavaCPP cap {} MB, physical bytes now {} MB, heap max {} MB",
        Pointer.maxPhysicalBytes() >> 20, Pointer.physicalBytes() >> 20, Runtime.getRuntime().maxMemory() >> 20);
    Path in = Files.createDirectories(dir.resolve("in"));
    for (int i = 0; i < 3; i++) {
      ImageIO.write(TestImages.toType(TestImages.pattern(1600, 1200), java.awt.image.BufferedImage.TYPE_3BYTE_BGR), "jpg",
          in.resolve("photo-" + i + ".jpg").toFile());
    }
    Files.write(in.resolve("huge.png"), blackPng(12000, 12000));
    Path model = dir.resolve("generator.zip");
    ModelSerializer.writeModel(GeneratorGraphs.random(32, 3), model.toFile(), false);
    Path out = dir.resolve("out");
    String hocon = "animegan.infer {\n"
        + "  model = \"" + model + "\"\n"
        + "  input = [\"" + in + "\"]\n"
        + "  output = \"" + out + "\"\n"
        + "  resize.max-long-side = 1600\n"
        + "  memory-budget = 16 GiB\n"
        + "  batch-size = 2\n"
        + "  gallery-size = 0\n"
        + "  limits.max-pixels = 200000000\n"
        + "}\n";
    InferResult r = InferJob.run(spark, InferConfig.from(ConfigLoader.load(null, ConfigFactory.parseString(hocon))));
    List<Row> q = spark.read().parquet(r.quarantinePath()).collectAsList();
    String quarantined = q.toString();
    assertEquals(4, r.seen());
    assertEquals(3, r.written(), quarantined);
    assertEquals(1, r.rejected(), quarantined);
    assertEquals(Map.of("out_of_memory", 1L), r.rejectedByReason(), quarantined);
    assertTrue(r.outOfMemoryRetries() >= 1, "the whole-image calls ran out of memory and were retried: "
        + r.outOfMemoryRetries());
    for (int i = 0; i < 3; i++) {
      RgbImage img = ((ImageDecoder.Decoded) new ImageDecoder(ImageDecoder.Options.defaults())
          .decode(Files.readAllBytes(out.resolve("images/photo-" + i + ".jpg")))).image();
      assertEquals(1600, img.width());
      assertEquals(1200, img.height());
    }
    assertEquals(1, q.size());
    assertTrue(q.get(0).getString(1).endsWith("huge.png"), q.get(0).toString());
    assertTrue(q.get(0).getString(4).startsWith("out of memory while decoding ("), q.get(0).getString(4));
    assertTrue(q.get(0).getString(4).endsWith("); give executors more heap (spark.executor.memory) or lower "
        + "animegan.infer.limits.max-pixels"), q.get(0).getString(4));
  }
}

package dev.animegan.spark.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.animegan.core.config.ConfigLoader;
import dev.animegan.core.config.ExportConfig;
import dev.animegan.model.train.LossWeights;
import dev.animegan.model.train.Trainer;
import dev.animegan.model.train.TrainerSettings;
import dev.animegan.model.weights.PyTorchGeneratorImport;
import dev.animegan.model.weights.StateDicts;
import dev.animegan.spark.testing.MiniHdfs;
import dev.animegan.spark.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The export reads a checkpoint folder from HDFS and writes the .pt and the discriminator .pt to HDFS. */
class ExportHdfsTest {
  @TempDir
  static Path dir;
  @org.junit.jupiter.api.extension.RegisterExtension
  static final MiniHdfs.PerClass HDFS = new MiniHdfs.PerClass();

  @Test
  void aCheckpointOnHdfsIsExportedToHdfs() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Configuration hconf = spark.sparkContext().hadoopConfiguration();
    Path local = dir.resolve("ckpt");
    Trainer.create(new TrainerSettings(4, 8, 1, 16, null, true, 16, LossWeights.animeGanV1(), 1e-4, 8e-5, 1.6e-4, 0.5, 0.999,
        5)).save(local);
    org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(HDFS.uri() + "/runs/a run/checkpoints/round-00000001");
    FileSystem fs = remote.getFileSystem(hconf);
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(local.toUri()), remote);
    String out = HDFS.uri() + "/exports/generator.pt";
    String d = HDFS.uri() + "/exports/discriminator.pt";
    ExportJob.ExportResult r = ExportJob.run(spark, ExportConfig.from(ConfigLoader.load(null,
        com.typesafe.config.ConfigFactory.parseMap(Map.of("animegan.export.model", remote.toString(),
            "animegan.export.out", out, "animegan.export.discriminator-out", d)))));
    assertEquals(77, r.tensors());
    Path back = dir.resolve("back.pt");
    fs.copyToLocalFile(new org.apache.hadoop.fs.Path(out), new org.apache.hadoop.fs.Path(back.toUri()));
    Map<String, INDArray> got = PyTorchGeneratorImport.readStateDict(back);
    StateDicts.generator(local).forEach((k, v) -> assertEquals(v, got.get(k), k));
    Path backD = dir.resolve("back-d.pt");
    fs.copyToLocalFile(new org.apache.hadoop.fs.Path(d), new org.apache.hadoop.fs.Path(backD.toUri()));
    assertEquals(StateDicts.discriminator(local), StateDicts.readDiscriminator(backD));
    assertEquals(r.bytes(), fs.getFileStatus(new org.apache.hadoop.fs.Path(out)).getLen());
    assertEquals(2, fs.listStatus(new org.apache.hadoop.fs.Path(HDFS.uri() + "/exports")).length, "no temporary files are left");
  }
}

package dev.animegan.spark.export;

import dev.animegan.core.config.ExportConfig;
import dev.animegan.core.config.InputError;
import dev.animegan.model.train.Checkpoints;
import dev.animegan.model.train.Trainer;
import dev.animegan.model.weights.OnnxGeneratorExport;
import dev.animegan.model.weights.StateDicts;
import dev.animegan.model.weights.TorchSave;
import dev.animegan.spark.cli.JobCli;
import dev.animegan.spark.common.HadoopFiles;
import dev.animegan.spark.common.JobRun;
import dev.animegan.spark.common.ModelCheck;
import dev.animegan.spark.common.SparkSessions;
import dev.animegan.spark.train.RunCheckpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model export: a generator the inference job accepts (checkpoint folder, generator.zip or
 * .pt, any Hadoop FS) to a PyTorch state dict ({@code .pt}) or an ONNX model ({@code .onnx}), and
 * optionally a checkpoint's discriminator to a {@code .pt}. Runs on the driver only (the session
 * supplies the Hadoop configuration, so {@code --conf spark.hadoop.*} reaches the file systems).
 */
public final class ExportJob {
  private static final Logger LOG = LoggerFactory.getLogger(ExportJob.class);
  static final String MODEL_KEY = ExportConfig.SECTION + ".model";

  public static final JobCli.Spec SPEC = new JobCli.Spec("export", "jobs/export.sh",
      "--model MODEL --out FILE.pt|FILE.onnx [--discriminator-out FILE.pt] [options] [spark options]",
      "Exports a generator (checkpoint folder, generator.zip or .pt) as a PyTorch state dict that\n"
          + "animegan2-pytorch's Generator loads with strict=True, or as an ONNX model (opset 13, dynamic size).",
      List.of(
          new JobCli.Flag("--model", "MODEL", JobCli.Kind.VALUE, MODEL_KEY, "checkpoint folder, generator.zip or .pt"),
          new JobCli.Flag("--out", "FILE", JobCli.Kind.VALUE, ExportConfig.SECTION + ".out", ".pt or .onnx file to write"),
          new JobCli.Flag("--discriminator-out", "FILE", JobCli.Kind.VALUE, ExportConfig.SECTION + ".discriminator-out",
              "also write the checkpoint's discriminator as a .pt")));

  /** What the export wrote. */
  public record ExportResult(String job, String model, String out, String format, int tensors, long parameters,
      int generatorBase, long bytes, String sha256, String discriminatorOut, double elapsedSeconds) {}

  private ExportJob() {}

  public static void main(String[] args) {
    int code = JobCli.execute(SPEC, args, ExportConfig::from, ExportJob::run,
        () -> SparkSessions.getOrCreate("animegan-export"), true, System.out, System.err);
    if (code != JobCli.OK) {
      System.exit(code);
    }
  }

  /** Checks the model, copies it locally, converts it and writes the file(s) atomically. */
  public static ExportResult run(SparkSession spark, ExportConfig cfg) throws Exception {
    Configuration hconf = spark.sparkContext().hadoopConfiguration();
    try (JobRun run = JobRun.start(spark, "export", LOG)) {
      run.step("check", "checking the model", () -> ModelCheck.check(cfg.model(), MODEL_KEY, hconf));
      try (LocalModel local = run.step("fetch", "copying the model", () -> LocalModel.of(cfg.model(), hconf))) {
        if (!cfg.discriminatorOut().isBlank() && !Files.isDirectory(local.path())) {
          throw new InputError(ExportConfig.SECTION + ".discriminator-out needs a trainer checkpoint folder as the model; "
              + cfg.model() + " is a file (a generator.zip or .pt holds the generator only)");
        }
        Map<String, INDArray> g = StateDicts.generator(local.path());
        java.nio.file.Path tmp = Files.createTempFile("animegan-export", cfg.format() == ExportConfig.Format.PT ? ".pt" : ".onnx");
        try {
          run.step("write", "writing " + cfg.out(), () -> {
            if (cfg.format() == ExportConfig.Format.PT) {
              TorchSave.write(tmp, g);
            } else {
              OnnxGeneratorExport.write(g, tmp);
            }
            HadoopFiles.writeAtomically(cfg.out(), Files.readAllBytes(tmp), hconf);
          });
          if (!cfg.discriminatorOut().isBlank()) {
            run.step("discriminator", "writing " + cfg.discriminatorOut(), () -> writeDiscriminator(local, cfg, hconf));
          }
          long params = g.values().stream().mapToLong(INDArray::length).sum();
          ExportResult r = new ExportResult("export", cfg.model(), cfg.out(), cfg.format().name().toLowerCase(java.util.Locale.ROOT),
              g.size(), params, (int) g.get("block_a.0.1.weight").size(0), Files.size(tmp), Checkpoints.sha256(tmp),
              cfg.discriminatorOut(), run.elapsedSeconds());
          LOG.info("export: {} tensors ({} parameters, generator base {}) from {} to {} ({}, {} bytes, sha256 {}){}",
              r.tensors(), r.parameters(), r.generatorBase(), r.model(), r.out(), r.format(), r.bytes(), r.sha256(),
              r.discriminatorOut().isBlank() ? "" : "; discriminator to " + r.discriminatorOut());
          return r;
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
    }
  }

  private static void writeDiscriminator(LocalModel local, ExportConfig cfg, Configuration hconf) throws IOException {
    List<String> problems = Trainer.checkpointProblems(local.path());
    if (!problems.isEmpty() && !Checkpoints.isLegacy(local.path())) {
      throw new InputError("Checkpoint " + cfg.model() + " cannot be exported (" + MODEL_KEY + "): " + String.join("; ", problems));
    }
    java.nio.file.Path tmp = Files.createTempFile("animegan-export-d", ".pt");
    try {
      TorchSave.write(tmp, StateDicts.discriminator(local.path()));
      HadoopFiles.writeAtomically(cfg.discriminatorOut(), Files.readAllBytes(tmp), hconf);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The model as a local file or folder; a remote one is copied to a temporary place that closing deletes. */
  private record LocalModel(java.nio.file.Path path, AutoCloseable cleanup) implements AutoCloseable {
    static LocalModel of(String model, Configuration hconf) throws IOException {
      Path p = new Path(model);
      FileSystem fs = p.getFileSystem(hconf);
      if (fs.getFileStatus(p).isDirectory()) {
        RunCheckpoints.Local l = RunCheckpoints.download(model, hconf);
        return new LocalModel(l.dir(), l);
      }
      if (HadoopFiles.isLocal(fs)) {
        return new LocalModel(java.nio.file.Path.of(fs.makeQualified(p).toUri().getPath()), () -> {});
      }
      java.nio.file.Path tmp = HadoopFiles.copyToLocalTemp(fs, p);
      java.nio.file.Path named = tmp.resolveSibling(tmp.getFileName() + "-" + p.getName());
      Files.move(tmp, named);
      return new LocalModel(named, () -> Files.deleteIfExists(named));
    }

    @Override
    public void close() throws Exception {
      cleanup.close();
    }
  }
}

package dev.animegan.spark.train;

import dev.animegan.core.config.InputError;
import dev.animegan.core.config.TrainJobConfig;
import dev.animegan.model.GeneratorGraphs;
import dev.animegan.model.ModelFiles;
import dev.animegan.model.train.Trainer;
import dev.animegan.model.train.TrainerSettings;
import dev.animegan.model.weights.StateDicts;
import dev.animegan.spark.common.HadoopFiles;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --init-from FILE}: a run that starts from a generator file, a PyTorch AnimeGANv2 state
 * dict ({@code .pt}, the published animegan2-pytorch layout) or a DL4J {@code generator.zip}. The
 * generator's width comes from the file (an explicit, different
 * {@code animegan.model.generator.base} is an error naming the key); the discriminator and both
 * Adam states start fresh; with {@code phase} left at its default a {@code .pt} skips pretraining.
 * The lineage records the file and its SHA-256.
 */
final class GeneratorFileStart {
  private static final Logger LOG = LoggerFactory.getLogger(GeneratorFileStart.class);
  static final String KEY = "animegan.train-job.init-from";
  static final String BASE_KEY = "animegan.model.generator.base";

  private GeneratorFileStart() {}

  static ResumePoint resolve(TrainJobConfig cfg, TrainerSettings settings, Configuration hconf) throws IOException {
    String file = cfg.initFrom();
    Path p = new Path(file);
    FileSystem fs = p.getFileSystem(hconf);
    boolean local = HadoopFiles.isLocal(fs);
    java.nio.file.Path copy = local ? java.nio.file.Path.of(fs.makeQualified(p).toUri().getPath())
        : HadoopFiles.copyToLocalTemp(fs, p);
    try {
      ModelFiles.Kind kind;
      try {
        kind = ModelFiles.check(copy);
      } catch (IllegalArgumentException e) {
        throw new InputError("Generator file " + file + " " + e.getMessage() + " (" + KEY + ")");
      }
      java.nio.file.Path named = copy;
      if (kind == ModelFiles.Kind.PYTORCH && !copy.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".pt")) {
        named = copy.resolveSibling(copy.getFileName() + ".pt");
        java.nio.file.Files.copy(copy, named);
      }
      Map<String, INDArray> g;
      try {
        g = StateDicts.generator(named);
      } finally {
        if (named != copy) {
          java.nio.file.Files.deleteIfExists(named);
        }
      }
      int base = GeneratorGraphs.base(g);
      TrainerSettings s = settings;
      if (base != settings.generatorBase()) {
        if (cfg.generatorBaseSet()) {
          throw new InputError("Generator file " + file + " holds a generator of base " + base + " (block_a.0.1.weight "
              + java.util.Arrays.toString(g.get("block_a.0.1.weight").shape()) + ") but " + BASE_KEY + " = "
              + settings.generatorBase() + ": remove " + BASE_KEY + " (the width then comes from the file) or set it to "
              + base + " (" + KEY + ")");
        }
        s = settings.withGeneratorBase(base);
      }
      String sha = dev.animegan.model.train.Checkpoints.sha256(copy);
      TrainJobConfig.Phase phase = cfg.phase();
      if (kind == ModelFiles.Kind.PYTORCH && !cfg.phaseSet()) {
        phase = TrainJobConfig.Phase.TRAIN;
      }
      Trainer trainer = Trainer.fromGenerator(g, s);
      LOG.info("initialising the generator from {} ({}, base {}, {} tensors, sha256 {}); the discriminator starts fresh; "
          + "phases: {}", file, kind == ModelFiles.Kind.PYTORCH ? "PyTorch state dict" : "DL4J generator", base, g.size(), sha,
          phase.name().toLowerCase(Locale.ROOT));
      return new ResumePoint(new TrainJobResult.Lineage(ResumePoint.INIT_FROM, fs.makeQualified(p).toString(), "", 0, 0,
          List.of(), sha), trainer, null, fs.makeQualified(p).toString(), phase);
    } finally {
      if (!local) {
        java.nio.file.Files.deleteIfExists(copy);
      }
    }
  }
}

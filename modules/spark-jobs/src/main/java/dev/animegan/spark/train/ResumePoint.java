package dev.animegan.spark.train;

import dev.animegan.core.config.InputError;
import dev.animegan.core.config.TrainJobConfig;
import dev.animegan.model.train.Checkpoints;
import dev.animegan.model.train.Trainer;
import dev.animegan.model.train.TrainerSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a run starts: fresh networks, the newest verified checkpoint of this run (resume), or the
 * networks of another run's checkpoint (init-from). Decided once, here, before any training.
 *
 * @param trainer the networks (and, when resumed, their optimiser state and step counters)
 * @param resumed the run state of the checkpoint resumed from; null unless resumed
 * @param source the checkpoint or generator file started from; null when fresh
 * @param phase the phases to run: the configured ones, or only adversarial training when started from
 *     a PyTorch .pt with {@code phase} left at its default
 */
record ResumePoint(TrainJobResult.Lineage lineage, Trainer trainer, TrainState resumed, String source,
    TrainJobConfig.Phase phase) {
  private static final Logger LOG = LoggerFactory.getLogger(ResumePoint.class);

  static final String FRESH = "fresh";
  static final String RESUMED = "resumed";
  static final String INIT_FROM = "init-from";

  static ResumePoint resolve(TrainJobConfig cfg, TrainerSettings settings, RunCheckpoints store, String out,
      Configuration hconf) throws IOException {
    if (cfg.resume()) {
      Optional<RunCheckpoints.Local> newest = store.newestVerified();
      if (newest.isPresent()) {
        try (RunCheckpoints.Local local = newest.get()) {
          return resume(local, settings, cfg.phase());
        }
      }
      LOG.warn("--resume: no checkpoint under {}/checkpoints; starting a fresh run", out);
    }
    if (!cfg.initFrom().isBlank()) {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(cfg.initFrom());
      org.apache.hadoop.fs.FileSystem fs = p.getFileSystem(hconf);
      if (!fs.exists(p)) {
        throw new InputError("No checkpoint folder or generator file at " + cfg.initFrom() + " (animegan.train-job.init-from)");
      }
      if (fs.getFileStatus(p).isFile()) {
        return GeneratorFileStart.resolve(cfg, settings, hconf);
      }
      try (RunCheckpoints.Local local = RunCheckpoints.verified(cfg.initFrom(), hconf)) {
        return initFrom(local, settings, cfg.phase());
      }
    }
    return new ResumePoint(new TrainJobResult.Lineage(FRESH, null, null, 0, 0, List.of(), null), Trainer.create(settings),
        null, null, cfg.phase());
  }

  private static ResumePoint resume(RunCheckpoints.Local local, TrainerSettings configured, TrainJobConfig.Phase phase) {
    TrainState state = local.state();
    if (state == null) {
      throw new InputError("Checkpoint " + local.checkpoint() + " holds no run state (written by the single-JVM "
          + "trainer?); it can start a new run with --init-from, not be resumed");
    }
    Checkpoints.Info info = local.info();
    if (!info.settings().equals(configured)) {
      LOG.warn("resuming {} with the settings it was written with; the configuration differs ({} vs {})",
          local.checkpoint(), info.settings(), configured);
    }
    Trainer trainer;
    try {
      trainer = Trainer.restore(local.dir(), info.settings());
    } catch (RuntimeException e) {
      throw new InputError("cannot resume from checkpoint " + local.checkpoint() + ": "
          + e.getMessage().replace(local.dir().toString(), local.checkpoint()), e);
    }
    LOG.info("resuming from {} (phase {}, epoch {}, round {} of the epoch, {} pretraining and {} adversarial steps)",
        local.checkpoint(), state.phase().code(), state.epoch(), state.roundInEpoch(), trainer.pretrainSteps(),
        trainer.adversarialSteps());
    return new ResumePoint(new TrainJobResult.Lineage(RESUMED, local.checkpoint(), state.style(), trainer.pretrainSteps(),
        trainer.adversarialSteps(), state.ancestors(), state.initFromSha256().isEmpty() ? null : state.initFromSha256()),
        trainer, state, local.checkpoint(), phase);
  }

  private static ResumePoint initFrom(RunCheckpoints.Local local, TrainerSettings settings, TrainJobConfig.Phase phase) {
    Checkpoints.Info info = local.info();
    TrainState source = local.state();
    Trainer trainer;
    try {
      trainer = Trainer.initFrom(local.dir(), settings);
    } catch (RuntimeException e) {
      throw new InputError("cannot start from checkpoint " + local.checkpoint() + " (animegan.train-job.init-from): "
          + e.getMessage().replace(local.dir().toString(), local.checkpoint()), e);
    }
    List<String> ancestors = new ArrayList<>(source == null ? List.of() : source.ancestors());
    if (source != null && !source.initFrom().isEmpty()) {
      ancestors.add(source.initFrom());
    }
    String style = source == null ? "" : source.style();
    LOG.info("initialising generator and discriminator from {} (style '{}')", local.checkpoint(), style);
    return new ResumePoint(new TrainJobResult.Lineage(INIT_FROM, local.checkpoint(), style, info.pretrainSteps(),
        info.adversarialSteps(), ancestors, null), trainer, null, local.checkpoint(), phase);
  }

  /** The init-from source a checkpoint of this run records: this run's, or the resumed run's. */
  String initFromForCheckpoints() {
    if (lineage.kind().equals(INIT_FROM)) {
      return source;
    }
    return resumed == null ? "" : resumed.initFrom();
  }

  /** The SHA-256 of the generator file the run started from, as its checkpoints record it ("" when none). */
  String initFromSha256ForCheckpoints() {
    if (lineage.kind().equals(INIT_FROM)) {
      return lineage.sourceSha256() == null ? "" : lineage.sourceSha256();
    }
    return resumed == null ? "" : resumed.initFromSha256();
  }
}

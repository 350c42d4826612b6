package dev.animegan.spark.train;

import dev.animegan.core.config.ConfigError;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rounds a run has left: for each configured phase, its epochs and where the first one starts
 * (after a resume, the round after the checkpoint's). Pure logic, decided before any training.
 *
 * @param phases the phases with work left, in order
 * @param roundsPerEpoch rounds in every epoch of this run
 * @param totalRounds rounds of all configured phases, done or not (for progress)
 * @param roundsDone rounds already done when this run starts (a resumed run's checkpoint)
 */
record TrainPlan(List<PhasePlan> phases, int roundsPerEpoch, long totalRounds, long roundsDone) {
  private static final Logger LOG = LoggerFactory.getLogger(TrainPlan.class);

  /** One phase's share: epochs {@code startEpoch..epochs-1}, the first from round {@code startRound} (0-based). */
  record PhasePlan(TrainState.Phase phase, int epochs, int startEpoch, int startRound) {
    /** The first round (0-based) of {@code epoch}. */
    int firstRound(int epoch) {
      return epoch == startEpoch ? startRound : 0;
    }
  }

  /**
   * @param epochs configured epochs per phase (0 when the phase is not configured), pretraining first
   * @param resumed the state of the checkpoint resumed from, or null
   * @param checkpoint that checkpoint's path (for errors)
   */
  static TrainPlan of(int pretrainEpochs, int trainEpochs, boolean pretrain, boolean train, int roundsPerEpoch,
      TrainState resumed, String checkpoint) {
    List<PhasePlan> phases = new ArrayList<>();
    long total = 0;
    for (TrainState.Phase phase : TrainState.Phase.values()) {
      boolean configured = phase.pretrain() ? pretrain : train;
      if (!configured) {
        continue;
      }
      int epochs = phase.pretrain() ? pretrainEpochs : trainEpochs;
      total += (long) epochs * roundsPerEpoch;
      int startEpoch = 0;
      int startRound = 0;
      if (resumed != null) {
        if (phase.pretrain() && resumed.phase() == TrainState.Phase.TRAIN) {
          LOG.info("pretraining: already done in the resumed run");
          continue;
        }
        if (resumed.phase() == phase) {
          startEpoch = resumed.epoch();
          startRound = resumed.roundInEpoch();
          if (resumed.epochDone()) {
            startEpoch++;
            startRound = 0;
          } else if (resumed.roundsPerEpoch() != roundsPerEpoch) {
            // Mid-epoch, the data position is a round index: another round size would skip or repeat minibatches.
            throw new ConfigError("Checkpoint " + checkpoint + " stopped in the middle of an epoch of "
                + resumed.roundsPerEpoch() + " rounds; this run would make " + roundsPerEpoch + " rounds per epoch: "
                + "resume with the same animegan.train-job.workers, averaging-frequency and max-rounds-per-epoch (they "
                + "may change at an epoch boundary)");
          }
        }
      }
      if (startEpoch >= epochs) {
        LOG.info("{}: all {} epochs already done", phase.code(), epochs);
        continue;
      }
      phases.add(new PhasePlan(phase, epochs, startEpoch, startRound));
    }
    long done = resumed == null ? 0 : Math.min(resumed.globalRound(), total);
    return new TrainPlan(List.copyOf(phases), roundsPerEpoch, total, done);
  }

  /** Rounds per epoch: full rounds of {@code perRound} minibatches, at least one, at most {@code cap} (0 = no cap). */
  static int roundsPerEpoch(long minibatches, int perRound, int cap) {
    int rounds = (int) Math.max(1, minibatches / perRound);
    return cap > 0 ? Math.min(cap, rounds) : rounds;
  }
}

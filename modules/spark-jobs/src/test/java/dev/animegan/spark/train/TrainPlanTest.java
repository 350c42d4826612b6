package dev.animegan.spark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.animegan.core.config.ConfigError;
import dev.animegan.spark.train.TrainPlan.PhasePlan;
import dev.animegan.spark.train.TrainState.Phase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where a run resumes, from the checkpoint's state alone (no Spark). */
class TrainPlanTest {
  static TrainState state(Phase phase, int epoch, int round, int roundsPerEpoch, long global) {
    return new TrainState(phase, epoch, round, roundsPerEpoch, global, "s", "/d", "run", "", List.of(), "");
  }

  @Test
  void aFreshRunPlansEveryConfiguredPhaseFromTheStart() {
    TrainPlan p = TrainPlan.of(1, 3, true, true, 5, null, null);
    assertEquals(List.of(new PhasePlan(Phase.PRETRAIN, 1, 0, 0), new PhasePlan(Phase.TRAIN, 3, 0, 0)), p.phases());
    assertEquals(20, p.totalRounds());
    assertEquals(0, p.roundsDone());
    assertEquals(List.of(new PhasePlan(Phase.TRAIN, 3, 0, 0)), TrainPlan.of(1, 3, false, true, 5, null, null).phases());
  }

  @Test
  void resumingContinuesAfterTheCheckpointsRound() {
    // mid-epoch 2 of adversarial training: pretraining is done, epoch 2 continues at its round 4
    TrainPlan mid = TrainPlan.of(1, 3, true, true, 5, state(Phase.TRAIN, 1, 3, 5, 13), "c");
    assertEquals(List.of(new PhasePlan(Phase.TRAIN, 3, 1, 3)), mid.phases());
    assertEquals(3, mid.phases().get(0).firstRound(1));
    assertEquals(0, mid.phases().get(0).firstRound(2));
    assertEquals(13, mid.roundsDone());
    // a checkpoint at the end of an epoch continues with the next epoch
    assertEquals(List.of(new PhasePlan(Phase.PRETRAIN, 2, 1, 0), new PhasePlan(Phase.TRAIN, 3, 0, 0)),
        TrainPlan.of(2, 3, true, true, 5, state(Phase.PRETRAIN, 0, 5, 5, 5), "c").phases());
    // at an epoch boundary the round size may change
    assertEquals(List.of(new PhasePlan(Phase.TRAIN, 3, 0, 0)),
        TrainPlan.of(1, 3, true, true, 4, state(Phase.PRETRAIN, 0, 5, 5, 5), "c").phases());
    // a finished run has nothing left
    assertEquals(List.of(), TrainPlan.of(1, 3, true, true, 5, state(Phase.TRAIN, 2, 5, 5, 20), "c").phases());
  }

  @Test
  void midEpochTheRoundSizeMustNotChange() {
    ConfigError e = assertThrows(ConfigError.class,
        () -> TrainPlan.of(1, 3, true, true, 4, state(Phase.TRAIN, 0, 2, 5, 7), "/run/checkpoints/round-00000007"));
    assertEquals("Checkpoint /run/checkpoints/round-00000007 stopped in the middle of an epoch of 5 rounds; this run would "
        + "make 4 rounds per epoch: resume with the same animegan.train-job.workers, averaging-frequency and "
        + "max-rounds-per-epoch (they may change at an epoch boundary)", e.getMessage());
  }

  @Test
  void theStateRoundTripsThroughCheckpointEntries() {
    TrainState s = new TrainState(Phase.TRAIN, 2, 3, 5, 18, "hayao", "hdfs://nn/d", "20261202T000000Z-0a0b", "/old",
        List.of("/a", "/b"), "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    Map<String, String> e = s.toEntries();
    assertEquals(s, TrainState.fromEntries(e, "c"));
    assertEquals(null, TrainState.fromEntries(Map.of("other", "x"), "c"), "a single-JVM trainer's checkpoint");
    assertEquals(5, TrainPlan.roundsPerEpoch(10, 2, 0));
    assertEquals(3, TrainPlan.roundsPerEpoch(10, 2, 3));
    assertEquals(1, TrainPlan.roundsPerEpoch(1, 2, 0));
  }
}

package dev.animegan.spark.train;

import java.util.List;
import java.util.Map;

/**
 * What a training run did; written as {@code <out>/_job_result.json}. Counts are for this run
 * (a resumed run counts only the rounds it ran itself); step totals include earlier runs.
 *
 * @param pretrainSteps total pretraining minibatch steps of the networks (all workers, all runs)
 * @param adversarialSteps total adversarial steps (one D and one G update per worker minibatch)
 * @param lastLosses the last round's mean of each loss term, per phase
 * @param lineage where the networks came from: fresh, resumed or initialised from another checkpoint
 */
public record TrainJobResult(
    String job,
    String runId,
    String data,
    String out,
    String style,
    String phase,
    int workers,
    int batchSizePerWorker,
    int averagingFrequency,
    int tileSize,
    long roundsRun,
    long pretrainRounds,
    long adversarialRounds,
    long pretrainSteps,
    long adversarialSteps,
    long imagesTrained,
    double elapsedSeconds,
    double imagesPerSecond,
    Map<String, Map<String, Double>> lastLosses,
    boolean allLossesFinite,
    String checkpoint,
    List<String> checkpoints,
    String generator,
    String lossesCsv,
    String lossesJsonl,
    String lossPlot,
    List<String> samples,
    Lineage lineage) {

  /**
   * @param kind "fresh", "resumed" or "init-from"
   * @param source the checkpoint the run started from (null when fresh)
   * @param sourceStyle the anime style the source checkpoint was trained on
   * @param sourcePretrainSteps the source's pretraining steps
   * @param sourceAdversarialSteps the source's adversarial steps
   * @param ancestors earlier init-from sources of the source, oldest first
   * @param sourceSha256 the SHA-256 of the generator file started from (init-from a .pt or generator.zip; null otherwise)
   */
  public record Lineage(String kind, String source, String sourceStyle, long sourcePretrainSteps,
      long sourceAdversarialSteps, List<String> ancestors, String sourceSha256) {}
}

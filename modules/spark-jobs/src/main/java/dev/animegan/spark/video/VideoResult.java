package dev.animegan.spark.video;

import java.util.Map;

/**
 * What a video run did; written as {@code <out>/_job_result.json}. {@code videos = written + skipped
 * + rejected}. {@code segments} counts the segments of the videos written by this run,
 * {@code segmentsReused} those of them committed by an earlier, interrupted run. {@code frames} and
 * {@code seconds} are the written videos' frames and duration; {@code videoSecondsPerSecond} is
 * seconds of video written per second of run time. The flicker figures are defined in README
 * ("Video"): the mean absolute change between consecutive frames at pixels static in the input,
 * of the stylised frames before smoothing ({@code flickerWithoutSmoothing}) and of the output
 * ({@code flicker}), each divided by the input's own (at least 1 level). {@code taskSecondsByStage}
 * sums the segment tasks' time of this run by stage (decode, resize, generator, smoothing (with
 * colour preservation and the flicker metric), encode, commit).
 */
public record VideoResult(
    String job,
    String runId,
    String model,
    String output,
    long videos,
    long written,
    long skipped,
    long rejected,
    Map<String, Long> rejectedByReason,
    long ignoredFiles,
    long segments,
    long segmentsReused,
    long frames,
    double seconds,
    double elapsedSeconds,
    double videoSecondsPerSecond,
    double framesPerSecond,
    double temporalSmoothing,
    boolean preserveColor,
    Flicker flicker,
    Map<String, Double> taskSecondsByStage,
    String videosPath,
    String quarantinePath) {

  /** Flicker over the written videos (see the record's description). */
  public record Flicker(double inputLevels, double withoutSmoothingLevels, double outputLevels,
      double flickerWithoutSmoothing, double flicker, double staticFraction, long framePairs) {}
}

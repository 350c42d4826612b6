package dev.animegan.spark.infer;

import java.util.Map;

/**
 * What an inference run did; written as {@code <out>/_job_result.json}. {@code seen} counts every
 * input found: {@code seen = written + skipped + rejected}. {@code outOfMemoryRetries} counts
 * generator calls that ran out of memory and were retried smaller (see {@code memory-budget}).
 */
public record InferResult(
    String job,
    String runId,
    String model,
    String output,
    String outputKind,
    String mode,
    long seen,
    long written,
    long skipped,
    long rejected,
    Map<String, Long> rejectedByReason,
    long outOfMemoryRetries,
    double megapixels,
    double elapsedSeconds,
    double imagesPerSecond,
    double megapixelsPerSecond,
    String imagesPath,
    String quarantinePath,
    String gallery) {}

/**
 * The video job: videos split at keyframes into segments, each segment a Spark task (decode,
 * stylise, smooth, encode), one task per video to join the segments and copy the audio. Frame
 * math and FFmpeg I/O live in {@code dev.animegan.core.video}.
 */
package dev.animegan.spark.video;

/**
 * The batch inference job. {@link dev.animegan.spark.infer.InferJob#run}: list, stylize, report,
 * gallery. {@code InferPartitions} is the executor side (skip complete outputs, decode, run the
 * generator within its memory budget, write atomically), {@code Generators} keeps one network per
 * task slot per executor JVM, {@code InferReport} carries outcomes back, and
 * {@link dev.animegan.spark.infer.InferTables} defines the tables.
 */
package dev.animegan.spark.infer;

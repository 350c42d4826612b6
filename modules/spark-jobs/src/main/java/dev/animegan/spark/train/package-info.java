/**
 * The distributed training job. {@link dev.animegan.spark.train.TrainJob#run} reads as its steps:
 * {@code ResumePoint} decides where the run starts (fresh, resumed from the newest checkpoint that
 * verifies, or init-from another run); {@code TrainData} reads and checks the tiles;
 * {@code TrainPlan} (pure logic) says which phases, epochs and rounds are left; {@code TrainRun}
 * runs each phase's rounds through dl4j-spark and checkpoints; the run state saved with each
 * checkpoint is the typed {@code TrainState}, written and read by {@code RunCheckpoints} only.
 * Worker-side: {@code GanTrainingHook} (the D step of each adversarial minibatch, loss
 * accumulators); {@code MinibatchExport} writes each epoch's minibatches.
 */
package dev.animegan.spark.train;

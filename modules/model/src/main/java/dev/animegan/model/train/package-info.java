/**
 * Single-JVM training over DL4J graphs that wrap the engine: {@link dev.animegan.model.train.Trainer}
 * (create, step, restore, init-from, export), {@link dev.animegan.model.train.GraphSet} (which of
 * the pretraining and adversarial graphs holds the newest parameters),
 * {@link dev.animegan.model.train.Checkpoints} (the one reader and writer of checkpoint folders
 * and their manifests) and {@link dev.animegan.model.train.LossTerm} (the one list of loss terms).
 */
package dev.animegan.model.train;
